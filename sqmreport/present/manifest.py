"""What a report showed, in a form the other deliverables are made from.

A report notebook's :class:`~sqmreport.present.report.Report` appends one JSON record per
line to ``<tables_dir>/.manifest.jsonl`` for every section, table, figure, headline
figure and action it shows, in the order it shows them; :func:`read` turns the lines back
into a :class:`Manifest`.  The build keeps each report's manifest beside its page (in the
report folder's ``.manifest/``, carried with an unchanged report), and makes the executive
overview, the workbook, the PDF and the deck from the manifests, the tables and the pages
alone: every word is already in the study's language, every number is one the report shows.

A manifest holds nothing the page does not show (titles, notes, the PNGs of the figures,
the numbers of the headline figures and of the native charts): it adds no disclosure risk.
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import asdict, dataclass, field

__all__ = ["Action", "Chart", "Column", "FigureEntry", "Headline", "MANIFEST", "Manifest",
           "Series", "TableEntry", "dumps", "loads", "read"]

MANIFEST = ".manifest.jsonl"  # in the notebook's tables_dir
SCHEMA = 1


@dataclass(frozen=True)
class Column:
    """One column of a table's CSV file."""

    name: str  # as in the CSV file
    header: str  # in the study's language (the name itself when no header is known)
    kind: str | None  # how the report formats it (formatting.KINDS); None: a text column


@dataclass(frozen=True)
class TableEntry:
    """A table as the report showed it, and its CSV file."""

    name: str  # the table's name in the notebook (rep.table's first argument)
    file: str | None  # its file in tables/ (table_file(name)); None when no CSV was written
    title: str
    note: str
    section: str  # id of the section heading it is shown under ("" before the first one)
    columns: tuple[Column, ...]  # every column of the CSV file, in its order
    suppressed: bool = False  # some cells are empty because their groups are too small


@dataclass(frozen=True)
class Series:
    name: str  # in the study's language: the legend
    values: tuple[float | None, ...]  # one per category; None where the chart has no value


@dataclass(frozen=True)
class Chart:
    """The numbers a figure draws, for a chart the deck can draw natively (editable).

    ``type``: ``bar`` (vertical bars; several series: clustered), ``barh`` (horizontal
    bars), ``line`` (a line per series over the categories, e.g. waves) or ``scatter``
    (``categories`` are the points' labels, ``series`` exactly two: x then y).
    """

    type: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    kind: str  # how the values are formatted (formatting.KINDS): the axis and data labels
    table: str | None = None  # the table (TableEntry.name) that holds the same numbers
    axis_min: float | None = None
    axis_max: float | None = None
    x_title: str = ""
    y_title: str = ""


@dataclass(frozen=True)
class FigureEntry:
    name: str
    title: str
    note: str
    section: str
    png: bytes  # as embedded in the page: 2x its layout size
    width: int  # layout size in CSS pixels
    height: int
    key: bool = False  # one of the report's key charts: a slide of the deck
    takeaway: str = ""  # one sentence, in the study's language, that the chart shows
    chart: Chart | None = None


@dataclass(frozen=True)
class Headline:
    """A headline figure of the executive overview (CSI, NPS, SERVQUAL gap ...)."""

    key: str  # csi, nps, overall, servqual, share_below, ...
    label: str  # in the study's language
    value: float
    kind: str  # formatting.KINDS
    ci_low: float | None = None  # its 95% interval, when it has one
    ci_high: float | None = None
    text: str = ""  # the figure as the report writes it, with its interval ("78.6 (76.3–81.0)")
    detail: str = ""  # one line under it: scale, n, what it means
    change: float | None = None  # since the previous wave, when there is one
    change_low: float | None = None
    change_high: float | None = None
    change_text: str = ""  # the change in words, with its interval and whether it is clear
    section: str = ""  # id of the section of the report that shows it


@dataclass(frozen=True)
class Action:
    """One action the report's priority model supports."""

    rank: int  # 1 = first
    item: str  # the item (or dimension) to act on, as the report names it
    text: str  # the action in one sentence
    evidence: str  # the numbers that support it, in words
    group: str = ""  # the group it concerns, when it is one group's problem
    section: str = ""


@dataclass(frozen=True)
class Manifest:
    report: str
    language: str
    title: str  # the report's title (satisfaction report ...)
    facts: dict = field(default_factory=dict)  # n, invited, response_rate, respondent, fieldwork
    sections: tuple[tuple[str, str], ...] = ()  # (id, heading), in order
    findings: tuple[str, ...] = ()
    tables: tuple[TableEntry, ...] = ()
    figures: tuple[FigureEntry, ...] = ()
    headlines: tuple[Headline, ...] = ()
    actions: tuple[Action, ...] = ()

    def table(self, name: str) -> TableEntry:
        return next(t for t in self.tables if t.name == name)


# -- the lines the Report writes ---------------------------------------------------------------
# {"type": "report", "report": ..., "language": ..., "title": ..., "facts": {...}}  first line
# {"type": "section", "id": ..., "heading": ...}
# {"type": "table", ...TableEntry}             (a later record of the same name replaces it)
# {"type": "figure", ...FigureEntry}           (png as base64)
# {"type": "headline", ...Headline}          (a later record of the same key replaces it)
# {"type": "action", ...Action}
# {"type": "findings", "sentences": [...]}     (the summary; the last one counts)


def _clean(value):
    """JSON without NaN: NaN and infinities become None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def record(kind: str, entry) -> str:
    """One line of the manifest for ``entry`` (a dataclass above, or a dict)."""
    data = asdict(entry) if hasattr(entry, "__dataclass_fields__") else dict(entry)
    if isinstance(data.get("png"), (bytes, bytearray)):
        data["png"] = base64.b64encode(data["png"]).decode()
    return json.dumps({"type": kind, **_clean(data)}, ensure_ascii=False, allow_nan=False)


def _chart(data):
    if data is None:
        return None
    series = tuple(Series(s["name"], tuple(s["values"])) for s in data.pop("series"))
    return Chart(series=series, categories=tuple(data.pop("categories")), **data)


def loads(text: str) -> Manifest:
    """The manifest of a report from its lines."""
    head, sections, tables, figures, headlines, actions, findings = {}, [], {}, {}, {}, [], ()
    for line in text.splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        kind = data.pop("type")
        if kind == "report":
            head = data
        elif kind == "section":
            sections.append((data["id"], data["heading"]))
        elif kind == "table":
            data["columns"] = tuple(Column(**c) for c in data["columns"])
            tables[data["name"]] = TableEntry(**data)
        elif kind == "figure":
            data["png"] = base64.b64decode(data["png"])
            data["chart"] = _chart(data.get("chart"))
            figures[data["name"]] = FigureEntry(**data)
        elif kind == "headline":  # a later record of the same key completes it, in its place
            headlines[data["key"]] = Headline(**data)
        elif kind == "action":
            actions.append(Action(**data))
        elif kind == "findings":
            findings = tuple(data["sentences"])
    return Manifest(report=head.get("report", ""), language=head.get("language", ""),
                    title=head.get("title", ""), facts=head.get("facts", {}),
                    sections=tuple(sections), findings=findings, tables=tuple(tables.values()),
                    figures=tuple(figures.values()), headlines=tuple(headlines.values()),
                    actions=tuple(actions))


def dumps(manifest: Manifest) -> str:
    """The lines of a manifest (what :func:`loads` reads)."""
    lines = [record("report", {"report": manifest.report, "language": manifest.language,
                               "title": manifest.title, "facts": manifest.facts})]
    lines += [record("section", {"id": i, "heading": h}) for i, h in manifest.sections]
    lines += [record("table", t) for t in manifest.tables]
    lines += [record("figure", f) for f in manifest.figures]
    lines += [record("headline", h) for h in manifest.headlines]
    lines += [record("action", a) for a in manifest.actions]
    lines.append(record("findings", {"sentences": list(manifest.findings)}))
    return "\n".join(lines) + "\n"


def read(path) -> Manifest:
    from pathlib import Path

    return loads(Path(path).read_text(encoding="utf-8"))
