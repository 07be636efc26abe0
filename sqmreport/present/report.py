"""What a report notebook shows: headings, titled tables, titled figures, findings.

A :class:`Report` turns results into HTML outputs of the notebook, in the
study's language.  Every text from data or the study file is escaped; every
table and figure carries a title and a note saying what it shows; every table
is also written, unrounded, as CSV to ``tables_dir``.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import html
import io
import re
from collections.abc import Mapping
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sqmreport._clock import now
from sqmreport.data.inputs import read_bytes
from sqmreport.data.survey import Survey
from sqmreport.present import manifest
from sqmreport.present import page as _page
from sqmreport.present.formatting import KINDS, MINUS, format_number  # noqa: F401  (re-exported)
from sqmreport.present.i18n import LOCALE_FILES, MissingText, has_text, respondent_noun, set_respondent, text
from sqmreport.present.plots import DPI, PRINT_SCALE, report_style

__all__ = ["KINDS", "MINUS", "Report", "Text", "column_kind", "compact_png", "format_number",
           "format_value", "formula_safe"]

# A spreadsheet evaluates a cell that starts with one of these as a formula (OWASP, "CSV
# injection"): a text from the data or the study file must not.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell and column name that a spreadsheet would evaluate
    neutralised by a leading apostrophe (``=1+1`` -> ``'=1+1``); numbers are left alone.
    A carriage return inside a text becomes a line feed: the CSV writer quotes a field
    with a line feed, but would leave a bare carriage return unquoted, which ends the row
    in a spreadsheet.

    Examples
    --------
    >>> formula_safe(pd.DataFrame({"=x": ["=1+1", "@SUM(A1)", "ok"], "n": [-1, 2, 3]})).to_dict("list")
    {"'=x": ["'=1+1", "'@SUM(A1)", 'ok'], 'n': [-1, 2, 3]}
    """
    out = frame.rename(columns=_safe)
    for column in out.columns[[not pd.api.types.is_numeric_dtype(t) for t in out.dtypes]]:
        out[column] = out[column].map(_safe)
    return out


def _safe(value):
    """One text cell or column name as :func:`formula_safe` writes it."""
    if not isinstance(value, str):
        return value
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return f"'{text}" if value.startswith(FORMULA_START) else text

#: A text given in the notebook: one string, or one per report language (``{"zh": ..., "en": ...}``).
Text = str | Mapping[str, str]
_LANGUAGES = ("zh", "en")

# How each column a view shows is formatted (see :func:`format_number` for the kinds).
_INTEGER = {"n", "usable", "sent", "returned", "groups", "rank", "priority_rank", "periods", "defects",
            "units", "factor", "factors", "k", "items", "recovered", "n_paired", "complaints", "open",
            "repeats", "indicators", "n_weighted"}
_DF = {"df", "df1", "df2"}
_PERCENT = {"share", "top_box", "bottom_box", "response_rate", "promoters", "passives", "detractors",
            "attainment", "cumulative", "resolution_rate", "within_target", "repeat_share",
            "share_below", "proportion", "sqi", "share_ci_low", "share_ci_high"}
_SIGNED_PERCENT = {"gap3"}
_SIGNED = {"gap", "gap1", "gap2", "gap4", "gap5", "gap_ci_low", "gap_ci_high", "change", "servqual",
           "unweighted", "weighted", "mss"}
_THREE = {"r", "r_ci_low", "r_ci_high", "weight", "grade", "effect_size", "weight_csi", "alpha_e",
          "alpha_p", "alpha_gap", "r_pe", "reliability_gap", "t", "alpha", "alpha_ci_low",
          "alpha_ci_high", "std_alpha", "omega_total", "item_rest", "alpha_if_deleted", "msa", "kmo",
          "composite_reliability", "ave", "sqrt_ave", "max_correlation", "max_htmt", "loading",
          "communality", "uniqueness", "rmsea", "rmsea_ci_low", "rmsea_ci_high", "tli", "cfi",
          "srmr", "estimate", "se"}
_ONE = {"dpmo", "median_hours", "p90_hours"}
_P = {"p_value", "p_adjusted", "wilcoxon_p", "bartlett_p"}
_NPS = {"nps"}
_COLUMN_KINDS = {**{c: "count" for c in _INTEGER}, **{c: "df" for c in _DF},
                 **{c: "percent" for c in _PERCENT}, **{c: "percent_change" for c in _SIGNED_PERCENT},
                 **{c: "gap" for c in _SIGNED}, **{c: "coefficient" for c in _THREE},
                 **{c: "index" for c in _ONE}, **{c: "p" for c in _P}, **{c: "nps" for c in _NPS}}
# Tables whose columns mean something else than the same name elsewhere ("*": every other
# numeric column of the table).
_TABLE_KINDS = {
    "nps": {"ci_low": "nps", "ci_high": "nps"},
    "csi": {"score": "index", "ci_low": "index", "ci_high": "index", "weight": "percent"},
    "csi_mixed": {"score": "index", "ci_low": "index", "ci_high": "index", "weight": "percent"},
    "service_levels": {"gap": "percent_change"},
    "zone_of_tolerance": {"msa": "gap", "mss": "gap"},
    "internal_scorecard": {"*": "index", "rank": "count", "change": "index_change"},
    "scorecard_trend": {"*": "index"},
    # The interval of a change since the previous wave: signed like the change.
    "wave_changes": {"ci_low": "gap", "ci_high": "gap"},
    "wave_items": {"ci_low": "gap", "ci_high": "gap"},
    "wave_actions": {"ci_low": "gap", "ci_high": "gap"},
}
# The kind of a headline's change since the previous wave, and the kinds whose interval is
# written "a to b" (a signed figure): "+3 (−2 to +8)", never "+3 (−2–+8)".
_CHANGE_KINDS = {"index": "index_change", "mean": "gap", "percent": "percent_change"}
_SIGNED_KINDS = {"gap", "nps", "index_change", "percent_change"}


def _number(value) -> float | None:
    """A figure for the manifest: a float, or None when missing."""
    if value is None or value is pd.NA:
        return None
    value = float(value)
    return value if np.isfinite(value) else None


# Where each report's section, table and figure texts live in the locale files.
_NAMESPACES = {"satisfaction": "", "gap_model": "gap_", "factor_analysis": "fa_"}
_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                ".gif": "image/gif", ".svg": "image/svg+xml", ".webp": "image/webp"}


def _display(html_text: str) -> None:
    from IPython.display import HTML, display

    display(HTML(html_text))


def column_kind(column: str) -> str:
    """The kind of number (:func:`format_number`) a column of a given name holds.

    >>> column_kind("p_adjusted"), column_kind("gap3"), column_kind("mean")
    ('p', 'percent_change', 'mean')
    """
    return _COLUMN_KINDS.get(column, "mean")


def format_value(column: str, value, kind: str | None = None) -> str:
    """How a value of a given column appears in a report table.

    Numbers are formatted by :func:`format_number` with the kind of their column
    (:func:`column_kind`), or ``kind`` when given; texts are shown as they are.

    Examples
    --------
    >>> format_value("n", 12.0), format_value("df2", 131.0), format_value("wilcoxon_p", 0.0001)
    ('12', '131', '<0.001')
    >>> format_value("share", 0.256), format_value("gap", -0.0004), format_value("mean", None)
    ('25.6%', '0.00', '—')
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value)
    return format_number(value, kind or column_kind(column))


def compact_png(png: bytes, *, colours: int = 256) -> tuple[bytes, tuple[int, int]]:
    """A chart's PNG with its colours reduced to a palette of at most ``colours``, and its size.

    Charts are flat colours and anti-aliased edges: a 256-colour palette (median cut, not
    dithered) looks the same and takes about a third of the bytes, which keeps pages of
    2x figures within their size limit.  The same PNG always gives the same bytes.
    """
    from PIL import Image  # a dependency of matplotlib

    with Image.open(io.BytesIO(png)) as image:
        size = image.size
        palette = image.convert("RGB").quantize(colors=colours, method=Image.Quantize.MEDIANCUT,
                                                dither=Image.Dither.NONE)
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True)
    return out.getvalue(), size


def table_file(name: str) -> str:
    """The CSV file name of a table: ``name`` itself when it is a plain file name, else a
    safe form of it with a short digest of the original, so that any segment or column
    name (with ``/``, ``..``, spaces, any script, any length) makes one file inside the
    tables folder and two names never make the same file.

    Examples
    --------
    >>> table_file("segment_means_region"), table_file("segment_means_区域")
    ('segment_means_region.csv', 'segment_means_区域.csv')
    >>> table_file("segment_means_a/b")
    'segment_means_a_b-c66f47.csv'
    """
    plain = re.fullmatch(r"[\w-][\w.-]{0,99}", name) and ".." not in name
    if plain:
        return f"{name}.csv"
    safe = re.sub(r"[^\w-]+", "_", name).strip("_")[:80] or "table"
    return f"{safe}-{hashlib.sha256(name.encode()).hexdigest()[:6]}.csv"


class Report:
    """The display side of one report notebook.

    Parameters
    ----------
    survey : Survey
        The study's survey; its language sets every word shown.
    report : str
        ``satisfaction``, ``gap_model`` or ``factor_analysis``: the title.
    tables_dir : str or Path, optional
        Where :meth:`table` writes CSV files, and where the report's manifest
        (:mod:`~sqmreport.present.manifest`: what it showed, for the overview, the workbook,
        the PDF and the deck) is written, one line per section, table, figure, headline
        figure and action.  None: tables are only shown.
    """

    def __init__(self, survey: Survey, report: str, *, tables_dir=None):
        self.survey = survey
        self.study = survey.study
        self.language = survey.language
        self.report = report
        self._ns = _NAMESPACES[report]
        self.tables_dir = Path(tables_dir) if tables_dir else None
        self._findings: list[str] = []  # shared with the copies :meth:`under` makes
        # What the manifest needs to know across calls (shared with the copies, too): the
        # current section, and the tables written apart (name -> (file, frame's columns)).
        self._state: dict = {"section": "", "written": {}, "tables": {}, "headlines": {}}
        # Every text of the notebook's views names the study's respondents (患者, passengers ...).
        set_respondent(self.study.spec.respondent)
        self._manifest = None
        if self.tables_dir:
            self.tables_dir.mkdir(parents=True, exist_ok=True)
            self._manifest = self.tables_dir / manifest.MANIFEST
            self._manifest.write_text("", encoding="utf-8")  # a rerun starts a new manifest
            self._record("report", {"report": report, "language": self.language,
                                    "title": self.t(f"reports.{report}"), "facts": self._facts()})
        # Like seaborn.set_theme: the notebook's kernel draws every figure in the report's look.
        matplotlib.rcParams.update(report_style(self.language))

    # -- the manifest ----------------------------------------------------------------------
    def _record(self, kind: str, entry) -> None:
        """Append one line to the manifest (nothing without ``tables_dir``)."""
        if self._manifest is not None:
            with open(self._manifest, "a", encoding="utf-8", newline="\n") as f:
                f.write(manifest.record(kind, entry) + "\n")

    def _facts(self) -> dict:
        """The study in figures, for the overview's first line."""
        spec = self.study.spec
        q = spec.questionnaires
        invited = int(q.sent) if q and q.sent else None
        rate = float(q.returned / q.sent) if q and q.sent else None
        noun = respondent_noun(self.language, spec.respondent)
        return {"n": int(self.survey.n), "invited": invited, "response_rate": rate,
                "respondent": f"{noun:plural}", "fieldwork": spec.fieldwork or "",
                "min_group_size": int(spec.min_group_size)}

    @property
    def current_section(self) -> str:
        """The id of the last section heading shown ("" before the first)."""
        return self._state["section"]

    def _text(self, given: Text | None, what: str) -> str:
        """A text given in the notebook (one string, or one per language), or ""."""
        if given is None:
            return ""
        return self._words("", given, None, "", what)

    def headline(self, key: str, value: float, *, kind: str, label: Text | None = None,
                 ci: tuple | None = None, text: Text | None = None, detail: Text | None = None,
                 change: float | None = None, change_ci: tuple | None = None,
                 change_text: Text | None = None, section: str | None = None) -> None:
        """Record a headline figure of the executive overview (nothing is displayed).

        Parameters
        ----------
        key : str
            What it is: ``csi``, ``nps``, ``overall``, ``servqual``, ``share_below`` ...
        value : float
        kind : str
            How it is formatted (:func:`format_number`).
        label : str or dict, optional
            Its name; default the locale text ``headlines.labels.<key>``.
        ci : (low, high), optional
            Its interval.
        text : str or dict, optional
            The figure as the report writes it; default the value with its interval.
        detail : str or dict, optional
            One line under it (scale, n, what it means).
        change, change_ci, change_text : optional
            Its change since the previous wave, the change's interval, and the change in
            words (default: the change with its interval).
        section : str, optional
            The section of the report that shows it; default the current one.
        """
        format_number(0, kind)  # an unknown kind is an error here, not in the overview
        self._state["headlines"][key] = {
            "value": value, "kind": kind, "label": label, "ci": ci, "text": text, "detail": detail,
            "change": change, "change_ci": change_ci, "change_text": change_text,
            "section": self.current_section if section is None else section}
        low, high = ci if ci is not None else (None, None)
        if label is None:
            label = self.t(f"headlines.labels.{key}")
        if text is None:
            text = self.interval_text(value, low, high, kind)
        c_low, c_high = change_ci if change_ci is not None else (None, None)
        if change_text is None and change is not None:
            change_text = self.interval_text(change, c_low, c_high, _CHANGE_KINDS.get(kind, kind))
        self._record("headline", manifest.Headline(
            key=key, label=self._text(label, "label"), value=_number(value), kind=kind,
            ci_low=_number(low), ci_high=_number(high), text=self._text(text, "text"),
            detail=self._text(detail, "detail"), change=_number(change), change_low=_number(c_low),
            change_high=_number(c_high), change_text=self._text(change_text, "change text"),
            section=self.current_section if section is None else section))

    def update_headline(self, key: str, **changes) -> None:
        """Record a headline figure again with some of its values changed (its change since
        the previous wave, known once the waves are shown); the manifest keeps the later
        record in the earlier one's place.  Nothing when no headline ``key`` was recorded."""
        if key in self._state["headlines"]:
            self.headline(key, **{**self._state["headlines"][key], **changes})

    def interval_text(self, value, low, high, kind: str) -> str:
        """A figure with its interval as the headlines write it: ``78.6 (76.3–81.0)``,
        ``−0.52 (−0.60 to −0.44)`` (signed kinds), or the figure alone without one."""
        shown = format_number(value, kind)
        if low is None or high is None or pd.isna(low) or pd.isna(high):
            return shown
        signed = kind in _SIGNED_KINDS or low < 0
        return self.t("headlines.interval_signed" if signed else "headlines.interval", value=shown,
                      low=format_number(low, kind), high=format_number(high, kind))

    def action(self, rank: int, item: str, text: str, evidence: str, *, group: str = "",
               section: str | None = None) -> None:
        """Record one action the report's priority model supports (nothing is displayed):
        its ``rank`` (1 first), the ``item`` as the report names it, the action in one
        sentence, the ``evidence`` in words, and the ``group`` it concerns, if one."""
        self._record("action", manifest.Action(
            rank=int(rank), item=item, text=text, evidence=evidence, group=group,
            section=self.current_section if section is None else section))

    def under(self, namespace: str) -> Report:
        """This report, with section, table and figure texts from another locale namespace
        (``tracking_`` for the sections both the satisfaction and the gap report show)."""
        other = copy.copy(self)
        other._ns = namespace
        return other

    # -- words ---------------------------------------------------------------------------
    def t(self, key: str, **values) -> str:
        """The text of ``key`` in the study's language (not escaped)."""
        return text(self.language, key, **values)

    def dimension_name(self, dimension: str) -> str:
        if dimension == "overall":
            return self.t("measures.overall")
        return self.study.instrument.dimension(dimension).name(self.language)

    def item_label(self, item: str, *, numbered: bool = True) -> str:
        inst = self.study.instrument
        label = inst.items[inst.item_ids.index(item)].label(self.language)
        return f"{item}. {label}" if numbered else label

    # -- blocks --------------------------------------------------------------------------
    def _instrument(self) -> str:
        """The instrument's title, or for a questionnaire without one its shape in words."""
        instrument = self.study.instrument
        if instrument.titles:
            return instrument.title(self.language)
        return self.t("title_block.shape", items=len(instrument.item_ids),
                      dimensions=len(instrument.dimension_ids))

    def header(self) -> None:
        """The title block: report title, study, client, fieldwork, instrument.

        It carries the placeholders of the table of contents and of the key findings,
        which :meth:`summary` displays at the end of the notebook and the build moves here.
        """
        spec = self.study.spec
        rows = [(self.t("title_block.client"), spec.client),
                (self.t("title_block.fieldwork"), spec.fieldwork),
                (self.t("title_block.instrument"), self._instrument()),
                (self.t("title_block.built"), now().strftime("%Y-%m-%d"))]
        facts = "".join(f"<div><dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd></div>"
                        for k, v in rows if v)
        logo = ""
        if spec.logo:
            path = self.study.resolve(spec.logo)
            mime = _IMAGE_TYPES.get(path.suffix.lower(), "application/octet-stream")
            data = base64.b64encode(read_bytes(path)).decode()  # the bytes the build hashed
            logo = f'<img class="logo" alt="" src="data:{mime};base64,{data}">'
        _display(f'<header class="title-block">{logo}'
                 f'<p class="kicker">{html.escape(self.t(f"reports.{self.report}"))}</p>'
                 f'<h1>{html.escape(spec.title)}</h1><dl>{facts}</dl></header>{_page.TOC}{_page.FINDINGS}')

    def section(self, key: str, heading: Text | None = None) -> None:
        """A numbered section heading (the table of contents is built from these).

        ``heading`` gives the heading's text in the notebook (a string, or one per
        language); without it the text is ``sections.<key>`` of the locale files.
        """
        words = self._words(f"{self._ns}sections.{key}", heading, None,
                            f'rep.section("{key}", heading="...")', "heading")
        _display(f'<h2 id="{html.escape(key)}">{html.escape(words)}</h2>')
        self._state["section"] = key
        self._record("section", {"id": key, "heading": words})

    def _words(self, key: str, given, values: dict | None, how: str, what: str) -> str:
        """A title, note or heading: the text given in the notebook, else the locale text."""
        if isinstance(given, str):
            return given
        if isinstance(given, Mapping) and given and set(given) <= set(_LANGUAGES):
            if self.language not in given:
                raise ValueError(f"the {what} {dict(given)!r} has no text for the study's "
                                 f"language {self.language!r}")
            return given[self.language]
        if given is not None and not isinstance(given, Mapping):
            raise TypeError(f"the {what} must be a string or a dict of one string per language "
                            f"({', '.join(_LANGUAGES)}), got {given!r}")
        # A dict of other keys: placeholder values for the locale text (the older form of ``values``).
        try:
            return self.t(key, **{**(values or {}), **(given or {})})
        except MissingText:
            raise MissingText(key, f"no text {key!r} in {LOCALE_FILES}: add it to both files, "
                                   f"or give the {what} in the notebook: {how}") from None

    def html(self, markup: str) -> None:
        """Show markup the caller built (and escaped)."""
        _display(markup)

    def findings(self, sentences: list[str]) -> None:
        """Show a list of sentences as findings, here."""
        items = "".join(f"<li>{html.escape(s)}</li>" for s in sentences)
        _display(f'<ul class="findings">{items}</ul>')

    def add_findings(self, sentences) -> None:
        """Keep key findings (plain sentences) for the summary; each view adds its own."""
        self._findings.extend(sentences)

    @property
    def collected_findings(self) -> list[str]:
        """The findings the sections shown so far have added, in order."""
        return list(self._findings)

    def summary(self, heading: Text | None = None) -> None:
        """The key findings the sections added, as the report's summary.

        Call it in the notebook's last cell: it displays the findings between
        :data:`~sqmreport.present.page.FINDINGS_BEGIN` and ``FINDINGS_END``, and the
        build moves that block to the placeholder :meth:`header` left under the title.
        With no findings, only the two markers are displayed (no empty heading).
        """
        block = ""
        if self._findings:
            words = self._words(f"{self._ns}sections.summary", heading, None,
                                'rep.summary(heading="...")', "heading")
            items = "".join(f"<li>{html.escape(s)}</li>" for s in self._findings)
            block = f'<h2 id="summary">{html.escape(words)}</h2><ul class="findings">{items}</ul>'
        _display(f"{_page.FINDINGS_BEGIN}{block}{_page.FINDINGS_END}")
        self._record("findings", {"sentences": list(self._findings)})

    def problem(self, exc) -> None:
        """Explain, in the study's language, why a section could not be computed."""
        key = f"problems.{getattr(exc, 'key', '')}"
        values = getattr(exc, "values", {})
        reason = self.t(key, **values) if has_text(self.language, key) else str(exc)
        self.note("problems.intro", reason=reason)

    def note(self, key: str, **values) -> None:
        """A paragraph of explanation from the locale file."""
        _display(f'<p class="note">{html.escape(self.t(key, **values))}</p>')

    def write_table(self, name: str, frame: pd.DataFrame, *, key: str | None = None,
                    title: Text | None = None, note: Text | None = None,
                    values: dict | None = None, labels: dict | None = None,
                    kinds: dict | None = None, suppressed: bool | None = None) -> None:
        """Write ``tables/<name>.csv`` (UTF-8 with BOM, for Excel), unrounded, with texts a
        spreadsheet would run as formulas neutralised (:func:`formula_safe`).

        The manifest records the table with its file; a table shown later under the same
        ``name`` (``rep.table(name, ..., csv=False)``) replaces that record and keeps the
        file.  The other arguments are those of :meth:`table`, for a table written and not
        shown (its title and note default to the locale texts when there are any).
        """
        if self.tables_dir is None:
            return
        self._write(name, frame, labels, kinds, suppressed)
        shown = self._state["tables"].get(name)
        if shown is not None:  # shown first, written after: the record gets its file
            self._record_table(name, *shown)
            return
        base = f"{self._ns}tables.{key or name}"
        try:
            caption = self._words(f"{base}.title", title, values, "", "title")
        except (KeyError, IndexError, ValueError):
            caption = name  # a researcher's own table, written without a title
        try:
            explain = self._words(f"{base}.note", note, values, "", "note")
        except (KeyError, IndexError, ValueError):
            explain = ""
        self._record_table(name, key, caption, explain, self.current_section)

    def _write(self, name: str, frame: pd.DataFrame, labels, kinds, suppressed) -> None:
        formula_safe(frame).to_csv(self.tables_dir / table_file(name), index=False,
                                   encoding="utf-8-sig", lineterminator="\n")
        if suppressed is None and "suppressed" in frame.columns:
            suppressed = bool(frame["suppressed"].eq(True).any())
        self._state["written"][name] = (list(frame.columns), list(frame.dtypes), labels, kinds,
                                        suppressed)

    def _record_table(self, name: str, key: str | None, title: str, note: str,
                      section: str) -> None:
        """The manifest line of a table: every column of its CSV file."""
        self._state["tables"][name] = (key, title, note, section)
        if name not in self._state["written"]:
            self._record("table", manifest.TableEntry(name=name, file=None, title=title, note=note,
                                                      section=section, columns=()))
            return
        names, dtypes, labels, kinds, suppressed = self._state["written"][name]
        table_kinds = {**_TABLE_KINDS.get(key or name, {}), **(kinds or {})}
        columns = []
        for column, dtype in zip(names, dtypes):
            kind = None
            if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
                kind = (table_kinds.get(column, table_kinds.get("*") if column not in _COLUMN_KINDS
                                        else None) or column_kind(str(column)))
            columns.append(manifest.Column(name=str(_safe(column)), kind=kind,
                                           header=str(self._header(column, labels))))
        self._record("table", manifest.TableEntry(
            name=name, file=table_file(name), title=title, note=note, section=section,
            columns=tuple(columns), suppressed=bool(suppressed)))

    def table(self, name: str, frame: pd.DataFrame, *, key: str | None = None,
              columns: list | None = None, title: Text | None = None, note: Text | None = None,
              values: dict | None = None, csv: bool = True, labels: dict | None = None,
              groups=None, kinds: dict | None = None, suppressed: bool | None = None) -> None:
        """Show a titled, explained table and write it to ``tables/<name>.csv``.

        Parameters
        ----------
        name : str
            The CSV file name, and the key of the title and note under ``tables``
            in the locale files unless ``key`` names another.
        frame : DataFrame
            Tidy, unrounded; written as it is (UTF-8 with BOM, for Excel).
        columns : list of str, optional
            Columns to show, in order (default: all).
        title, note : str or dict, optional
            The title and the note (what the table shows, its scale and n) given in the
            notebook: a string, or one per language (``{"zh": ..., "en": ...}``).  Without
            them the texts are ``tables.<key>.title`` and ``.note`` of the locale files; a
            text neither given nor there is an error naming both locale files.
        values : dict, optional
            Values for the placeholders of the locale title and note texts.
        labels : dict, optional
            Column -> header, for columns without a locale header.
        csv : bool
            Write ``frame`` as CSV (False when the CSV is written apart, with
            :meth:`write_table`, because the display interleaves summary rows).
        groups : sequence of bool, optional
            Rows to show as group headings (bold), e.g. a dimension above its items.
        kinds : dict, optional
            Column -> kind of number (:func:`format_number`), for columns whose name
            does not say it (a relative gap named ``gap``); the rest are formatted by
            the kind of their name (:func:`column_kind`).
        suppressed : bool, optional
            Whether some cells are empty because their groups are too small (for the
            manifest); default: whether the table has a true ``suppressed`` column.
        suppressed : bool, optional
            Whether some cells are empty because their groups are too small (for the
            manifest); default: whether the table has a true ``suppressed`` column.
        """
        written = self._state["written"]
        if csv and self.tables_dir is not None:
            self._state["tables"].pop(name, None)
            self._write(name, frame, labels, kinds, suppressed)
        elif name in written:  # written apart: what the display knows of its columns
            w_names, w_dtypes, w_labels, w_kinds, w_suppressed = written[name]
            written[name] = (w_names, w_dtypes, {**(w_labels or {}), **(labels or {})},
                             w_kinds if kinds is None else {**(w_kinds or {}), **kinds},
                             w_suppressed if suppressed is None else suppressed)
        shown = frame[columns] if columns else frame
        flags = list(groups) if groups is not None else [False] * len(shown)
        headers = [self._header(c, labels) for c in shown.columns]
        unknown = sorted(set(kinds or {}) - set(frame.columns) - {"*"})
        if unknown:
            raise ValueError(f"`kinds` names columns the table {name!r} does not have: {unknown}")
        for kind in (kinds or {}).values():
            format_number(0, kind)  # an unknown kind is an error on every table, not on a missing value
        table_key = key
        kinds = {**_TABLE_KINDS.get(key or name, {}), **(kinds or {})}
        kind_of = [kinds.get(c, kinds.get("*") if c not in _COLUMN_KINDS else None)
                   for c in shown.columns]
        body = "".join(
            ('<tr class="group">' if flag else "<tr>")
            + "".join(f'<td class="{"num" if not isinstance(v, str) else "txt"}">'
                      f"{html.escape(format_value(c, v, k))}</td>"
                      for c, k, v in zip(shown.columns, kind_of, row)) + "</tr>"
            for flag, row in zip(flags, shown.itertuples(index=False)))
        head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
        key = f"{self._ns}tables.{key or name}"
        how = f'rep.table("{name}", frame, title="...", note="...")'
        caption = self._words(f"{key}.title", title, values, how, "title")
        explain = self._words(f"{key}.note", note, values, how, "note")
        _display(f'<figure class="table"><figcaption>{html.escape(caption)}</figcaption>'
                 f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
                 f'<tbody>{body}</tbody></table></div><p class="note">{html.escape(explain)}</p></figure>')
        if self._manifest is not None:
            self._record_table(name, table_key, caption, explain, self.current_section)

    def _header(self, column: str, labels: dict | None) -> str:
        if labels and column in labels:
            return labels[column]
        for key in (f"{self._ns}columns.{column}", f"columns.{column}"):
            if has_text(self.language, key):
                return self.t(key)
        return column

    def figure(self, name: str, ax, *, title: Text | None = None, note: Text | None = None,
               values: dict | None = None, key: bool = False, takeaway: Text | None = None,
               chart: manifest.Chart | None = None) -> None:
        """Show a titled, explained figure (embedded PNG) and close it.

        ``title``, ``note`` and ``values`` as in :meth:`table`; the locale texts are
        ``figures.<name>.title`` and ``.note``.  For the manifest (the deck): ``key``
        marks one of the report's key charts, ``takeaway`` is the one sentence it shows
        (a string, or one per language), and ``chart`` the numbers it draws, for a chart
        the deck draws natively (:class:`~sqmreport.present.manifest.Chart`).
        """
        locale = f"{self._ns}figures.{name}"
        how = f'rep.figure("{name}", ax, title="...", note="...")'
        fig = ax.figure if hasattr(ax, "figure") else ax
        try:
            words = self._words(f"{locale}.title", title, values, how, "title")
            words_note = self._words(f"{locale}.note", note, values, how, "note")
            said = self._text(takeaway, "takeaway")
            caption, explain = html.escape(words), html.escape(words_note)
        except Exception:
            plt.close(fig)  # a notebook that fixes its title should not leak the figure
            raise
        buffer = io.BytesIO()
        with matplotlib.rc_context(report_style(self.language)):
            fig.savefig(buffer, format="png", dpi=DPI * PRINT_SCALE, metadata={"Software": None})
        plt.close(fig)
        png, (width, height) = compact_png(buffer.getvalue())
        data = base64.b64encode(png).decode()
        # Stored at PRINT_SCALE times the pixels it is laid out in: sharp in print and on phones.
        _display(f'<figure class="chart"><figcaption>{caption}</figcaption>'
                 f'<img alt="{caption}" src="data:image/png;base64,{data}" '
                 f'width="{round(width / PRINT_SCALE)}" height="{round(height / PRINT_SCALE)}">'
                 f'<p class="note">{explain}</p></figure>')
        if self._manifest is not None:
            self._record("figure", manifest.FigureEntry(
                name=name, title=words, note=words_note, section=self.current_section, png=png,
                width=round(width / PRINT_SCALE), height=round(height / PRINT_SCALE),
                key=bool(key), takeaway=said, chart=chart))

    def quotes(self, comments: pd.Series, *, limit: int = 12) -> None:
        """Free-text comments (already masked), as a titled list."""
        shown = comments.drop_duplicates().head(limit)
        items = "".join(f"<li>{html.escape(c)}</li>" for c in shown)
        caption = html.escape(self.t("tables.comments.title"))
        explain = html.escape(self.t("tables.comments.note", shown=len(shown), total=len(comments)))
        _display(f'<figure class="quotes"><figcaption>{caption}</figcaption>'
                 f'<ul>{items}</ul><p class="note">{explain}</p></figure>')

