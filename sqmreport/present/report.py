"""What a report notebook shows: headings, titled tables, titled figures, findings.

A :class:`Report` turns results into HTML outputs of the notebook, in the
study's language.  Every text from data or the study file is escaped; every
table and figure carries a title and a note saying what it shows; every table
is also written, unrounded, as CSV to ``tables_dir``.
"""

from __future__ import annotations

import base64
import copy
import html
import io
from collections.abc import Mapping
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sqmreport._clock import now
from sqmreport.data.survey import Survey
from sqmreport.present import page as _page
from sqmreport.present.i18n import LOCALE_FILES, MissingText, has_text, text
from sqmreport.present.plots import report_style

__all__ = ["Report", "Text", "formula_safe"]

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
    def safe(value):
        if not isinstance(value, str):
            return value
        text = value.replace("\r\n", "\n").replace("\r", "\n")
        return f"'{text}" if value.startswith(FORMULA_START) else text

    out = frame.rename(columns=safe)
    for column in out.columns[[not pd.api.types.is_numeric_dtype(t) for t in out.dtypes]]:
        out[column] = out[column].map(safe)
    return out

#: A text given in the notebook: one string, or one per report language (``{"zh": ..., "en": ...}``).
Text = str | Mapping[str, str]
_LANGUAGES = ("zh", "en")

_INTEGER = {"n", "usable", "sent", "returned", "groups", "rank", "df1", "priority_rank",
            "periods", "defects", "units", "factor", "factors", "k", "items", "recovered",
            "n_paired", "complaints", "open"}
_PERCENT = {"share", "top_box", "bottom_box", "response_rate", "promoters", "passives",
            "attainment", "gap3", "cumulative", "resolution_rate", "within_target",
            "repeat_share",
            "detractors", "share_below"}
_THREE = {"r", "r_ci_low", "r_ci_high", "weight", "grade", "effect_size", "weight_csi",
          "alpha_e", "alpha_p", "alpha_gap", "r_pe", "reliability_gap", "wilcoxon_p", "t"}
_P = {"p_value", "p_adjusted"}
# Where each report's section, table and figure texts live in the locale files.
_NAMESPACES = {"satisfaction": "", "gap_model": "gap_", "factor_analysis": "fa_"}
_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                ".gif": "image/gif", ".svg": "image/svg+xml", ".webp": "image/webp"}


def _display(html_text: str) -> None:
    from IPython.display import HTML, display

    display(HTML(html_text))


def format_value(column: str, value) -> str:
    """How a number of a given column appears in a report table."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if column in _INTEGER:
        return f"{value:,.0f}"
    if column == "dpmo":
        return f"{value:,.1f}"
    if abs(value) < 0.005:
        value = 0.0  # no "-0.00"
    if column in _PERCENT:
        return f"{100 * value:.1f}%"
    if column in _P:
        return "<0.001" if value < 0.001 else f"{value:.3f}"
    if column in _THREE:
        return f"{value:.3f}"
    return f"{value:.2f}"


class Report:
    """The display side of one report notebook.

    Parameters
    ----------
    survey : Survey
        The study's survey; its language sets every word shown.
    report : str
        ``satisfaction``, ``gap_model`` or ``factor_analysis``: the title.
    tables_dir : str or Path, optional
        Where :meth:`table` writes CSV files.  None: tables are only shown.
    """

    def __init__(self, survey: Survey, report: str, *, tables_dir=None):
        self.survey = survey
        self.study = survey.study
        self.language = survey.language
        self.report = report
        self._ns = _NAMESPACES[report]
        self.tables_dir = Path(tables_dir) if tables_dir else None
        self._findings: list[str] = []  # shared with the copies :meth:`under` makes
        if self.tables_dir:
            self.tables_dir.mkdir(parents=True, exist_ok=True)
        # Like seaborn.set_theme: the notebook's kernel draws every figure in the report's look.
        matplotlib.rcParams.update(report_style(self.language))

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
    def header(self) -> None:
        """The title block: report title, study, client, fieldwork, instrument.

        It carries the placeholders of the table of contents and of the key findings,
        which :meth:`summary` displays at the end of the notebook and the build moves here.
        """
        spec = self.study.spec
        rows = [(self.t("title_block.client"), spec.client),
                (self.t("title_block.fieldwork"), spec.fieldwork),
                (self.t("title_block.instrument"), self.study.instrument.title(self.language)),
                (self.t("title_block.built"), now().strftime("%Y-%m-%d"))]
        facts = "".join(f"<div><dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd></div>"
                        for k, v in rows if v)
        logo = ""
        if spec.logo:
            path = self.study.resolve(spec.logo)
            mime = _IMAGE_TYPES.get(path.suffix.lower(), "application/octet-stream")
            data = base64.b64encode(path.read_bytes()).decode()
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

    def problem(self, exc) -> None:
        """Explain, in the study's language, why a section could not be computed."""
        key = f"problems.{getattr(exc, 'key', '')}"
        values = getattr(exc, "values", {})
        reason = self.t(key, **values) if has_text(self.language, key) else str(exc)
        self.note("problems.intro", reason=reason)

    def note(self, key: str, **values) -> None:
        """A paragraph of explanation from the locale file."""
        _display(f'<p class="note">{html.escape(self.t(key, **values))}</p>')

    def write_table(self, name: str, frame: pd.DataFrame) -> None:
        """Write ``tables/<name>.csv`` (UTF-8 with BOM, for Excel), unrounded, with texts a
        spreadsheet would run as formulas neutralised (:func:`formula_safe`)."""
        if self.tables_dir is not None:
            formula_safe(frame).to_csv(self.tables_dir / f"{name}.csv", index=False, encoding="utf-8-sig",
                         lineterminator="\n")

    def table(self, name: str, frame: pd.DataFrame, *, key: str | None = None,
              columns: list | None = None, title: Text | None = None, note: Text | None = None,
              values: dict | None = None, csv: bool = True, labels: dict | None = None,
              groups=None) -> None:
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
        """
        if csv:
            self.write_table(name, frame)
        shown = frame[columns] if columns else frame
        flags = list(groups) if groups is not None else [False] * len(shown)
        headers = [self._header(c, labels) for c in shown.columns]
        body = "".join(
            ('<tr class="group">' if flag else "<tr>")
            + "".join(f'<td class="{"num" if not isinstance(v, str) else "txt"}">'
                      f"{html.escape(format_value(c, v))}</td>"
                      for c, v in zip(shown.columns, row)) + "</tr>"
            for flag, row in zip(flags, shown.itertuples(index=False)))
        head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
        key = f"{self._ns}tables.{key or name}"
        how = f'rep.table("{name}", frame, title="...", note="...")'
        caption = html.escape(self._words(f"{key}.title", title, values, how, "title"))
        explain = html.escape(self._words(f"{key}.note", note, values, how, "note"))
        _display(f'<figure class="table"><figcaption>{caption}</figcaption>'
                 f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
                 f'<tbody>{body}</tbody></table></div><p class="note">{explain}</p></figure>')

    def _header(self, column: str, labels: dict | None) -> str:
        if labels and column in labels:
            return labels[column]
        for key in (f"{self._ns}columns.{column}", f"columns.{column}"):
            if has_text(self.language, key):
                return self.t(key)
        return column

    def figure(self, name: str, ax, *, title: Text | None = None, note: Text | None = None,
               values: dict | None = None) -> None:
        """Show a titled, explained figure (embedded PNG) and close it.

        ``title``, ``note`` and ``values`` as in :meth:`table`; the locale texts are
        ``figures.<name>.title`` and ``.note``.
        """
        key = f"{self._ns}figures.{name}"
        how = f'rep.figure("{name}", ax, title="...", note="...")'
        fig = ax.figure if hasattr(ax, "figure") else ax
        try:
            caption = html.escape(self._words(f"{key}.title", title, values, how, "title"))
            explain = html.escape(self._words(f"{key}.note", note, values, how, "note"))
        except Exception:
            plt.close(fig)  # a notebook that fixes its title should not leak the figure
            raise
        buffer = io.BytesIO()
        with matplotlib.rc_context(report_style(self.language)):
            fig.savefig(buffer, format="png", metadata={"Software": None})
        plt.close(fig)
        data = base64.b64encode(buffer.getvalue()).decode()
        _display(f'<figure class="chart"><figcaption>{caption}</figcaption>'
                 f'<img alt="{caption}" src="data:image/png;base64,{data}">'
                 f'<p class="note">{explain}</p></figure>')

    def quotes(self, comments: pd.Series, *, limit: int = 12) -> None:
        """Free-text comments (already masked), as a titled list."""
        shown = comments.drop_duplicates().head(limit)
        items = "".join(f"<li>{html.escape(c)}</li>" for c in shown)
        caption = html.escape(self.t("tables.comments.title"))
        explain = html.escape(self.t("tables.comments.note", shown=len(shown), total=len(comments)))
        _display(f'<figure class="quotes"><figcaption>{caption}</figcaption>'
                 f'<ul>{items}</ul><p class="note">{explain}</p></figure>')

