"""The Excel workbook of a study (``workbook.xlsx``): every table of the reports on its own sheet.

An index sheet comes first: the study (title, client, fieldwork), then under each report's
title one row per table, its title a link to its sheet and its note beside it.  Each table's
sheet shows the table's title, its note, a link back to the index, then the header row (the
columns' names in the study's language, frozen with everything above it) and the rows of its
CSV file.

The cells hold the CSV's values exactly: texts stay texts (``001`` too), numbers keep every
digit, and a number format shows each column as the report rounds it (a mean to two decimals,
a share as a percentage, a gap with its sign, a p-value below 0.001 as ``<0.001``).  Cells a
report leaves empty because their group is too small stay empty, with a note on the sheet and
a comment on each such cell.

Nothing in a cell runs as a formula: the CSV tables neutralise a text that starts with ``=``,
``+``, ``-``, ``@``, tab or carriage return by a leading apostrophe
(:func:`sqmreport.present.report.formula_safe`); here the apostrophe goes and the cell is a
string cell with Excel's quote prefix, which keeps it text even when edited.  Titles, notes,
headers and the study's own texts are written the same way.

The same inputs give the same bytes: XlsxWriter stamps the files of the zip archive with a
fixed date when it writes in memory, and the document's dates are the build's
(``provenance["built"]``), never the clock's.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import xlsxwriter

from sqmreport.present.deliverables import StudyInfo
from sqmreport.present.formatting import MINUS, format_number
from sqmreport.present.i18n import has_text, text
from sqmreport.present.manifest import Column, Manifest, TableEntry

__all__ = ["build_workbook"]

# A text a spreadsheet runs as a formula starts with one of these (report.FORMULA_START), and
# formula_safe turns a carriage return into a line feed: an apostrophe before any of them
# was put there by formula_safe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEUTRALISED = _FORMULA_START + ("\n",)

_FONTS = {"zh": "Microsoft YaHei", "en": "Calibri"}
# Microsoft YaHei, or another Chinese (GB2312) font where it is missing; not tied to the
# theme's font (whose minor font is Calibri).
_CHINESE = {"font_charset": 134, "font_scheme": "none"}
_LINE = {"zh": 17.5, "en": 15.0}  # points per line of text in the study's font at 11 pt
_WIDEST = 50  # characters: a wider text column wraps
_NUMBER_WIDEST = 18  # a numeric column's header wraps beyond this
_NOTE_WIDTH = 100  # characters a sheet's note spans at least (it wraps beyond)
_SHEET_NAME = 31  # Excel's limit, in UTF-16 code units
_IDENTIFIER = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")  # a snake_case name, never shown
_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_GREY = "#F2F2F2"
_RULE = "#7F7F7F"


def _signed(pattern: str) -> str:
    return f'+{pattern};"{MINUS}"{pattern};{pattern}'


def _unsigned(pattern: str) -> str:
    return f'{pattern};"{MINUS}"{pattern}'


#: formatting kind -> Excel number format: the rounding and signs of format_number, with the
#: true minus sign of the reports.
NUMBER_FORMATS = {
    "count": _unsigned("#,##0"), "df": _unsigned("0"), "mean": _unsigned("0.00"),
    "coefficient": _unsigned("0.000"), "index": _unsigned("0.0"), "index_change": _signed("0.0"),
    "gap": _signed("0.00"), "nps": _signed("0"), "percent": _unsigned("0.0%"),
    "percent_change": _signed("0.0%"), "p": '[<0.001]"<0.001";0.000',
    "precise": _unsigned("0.0000"), "level": "General", "plain": "General",
}
_DF_FRACTION = _unsigned("0.0")  # degrees of freedom of Welch's test: one decimal


def build_workbook(study: StudyInfo, manifests: list[Manifest], tables: dict[str, bytes]) -> bytes:
    """The study's Excel workbook: an index sheet, then one sheet per table with a CSV file.

    Parameters
    ----------
    study : StudyInfo
        The study's title, client, fieldwork, language and provenance.
    manifests : list of Manifest
        The reports' manifests in the study's order; their tables, in order, become the
        sheets (a table without a CSV file in ``tables`` has none).
    tables : dict
        CSV file name (as in :attr:`TableEntry.file`) -> the CSV bytes the report wrote
        (UTF-8, with or without a byte-order mark).  A file no manifest names gets a sheet
        after the reports' tables.

    Returns
    -------
    bytes
        The ``.xlsx`` file, the same bytes for the same inputs.
    """
    language = study.language if study.language in _FONTS else "en"
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {
        "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False,
        "default_format_properties": {"font_name": _FONTS[language], "font_size": 11,
                                      **(_CHINESE if language == "zh" else {})}})
    styles = _Styles(book, language)
    _properties(book, study, language)
    sheets = _sheets(manifests, tables, language)
    index = book.add_worksheet(text(language, "workbook.contents"))
    facts = next((m.facts for m in manifests if m.facts), {})
    for sheet in sheets:
        _table_sheet(book.add_worksheet(sheet.name), sheet, tables[sheet.table.file], styles,
                     language, facts, index.name)
    _index_sheet(index, study, manifests, sheets, styles, language)
    book.close()
    return out.getvalue()


# -- what goes where ---------------------------------------------------------------------------
@dataclass
class _Sheet:
    name: str
    table: TableEntry
    report: str  # the manifest's report ("" for a file no manifest names)


def _sheets(manifests: list[Manifest], tables: dict[str, bytes], language: str) -> list[_Sheet]:
    """One sheet per CSV file, in the order of the reports and their tables."""
    taken = {text(language, "workbook.contents").casefold(), "history"}
    sheets, seen = [], set()
    for m in manifests:
        for table in m.tables:
            if table.file and table.file in tables and table.file not in seen:
                seen.add(table.file)
                if not table.title or (table.title == table.name and _IDENTIFIER.fullmatch(table.name)):
                    table = replace(table, title=_title(table.name, language))
                sheets.append(_Sheet(_sheet_name(table.title, taken), table, m.report))
    for file in tables:  # a CSV no manifest names: still every table of tables/
        if file not in seen:
            seen.add(file)
            stem = file.rsplit(".", 1)[0]
            title = _title(stem, language)
            table = TableEntry(name=stem, file=file, title=title, note="", section="", columns=())
            sheets.append(_Sheet(_sheet_name(title, taken), table, ""))
    return sheets


def _title(name: str, language: str) -> str:
    """The title of a table known only by its name: the reports' title of a table of that
    name, or its name in words."""
    for namespace in ("tables", "gap_tables", "fa_tables"):
        key = f"{namespace}.{name}.title"
        if has_text(language, key) and "{" not in str(text(language, key)):
            return text(language, key)
    return name.replace("_", " ").capitalize()


def _utf16(value: str) -> int:
    return len(value.encode("utf-16-le")) // 2


def _sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique and readable sheet name from a table's title (adds it to ``taken``)."""
    name = " ".join(_FORBIDDEN.sub(" ", title).split()).strip("'").strip() or "Table"

    def fit(base: str, suffix: str = "") -> str:
        room = _SHEET_NAME - _utf16(suffix)
        if _utf16(base) <= room:
            return base + suffix
        cut = base
        while _utf16(cut) > room - 1:
            cut = cut[:-1]
        space = cut.rfind(" ")
        if space >= len(cut) - 10 and space > 0:  # end on a whole word when one is near
            cut = cut[:space]
        return cut.rstrip(" ,;·-–'") + "…" + suffix

    candidate, number = fit(name), 1
    while candidate.casefold() in taken:
        number += 1
        candidate = fit(name, f" ({number})")
    taken.add(candidate.casefold())
    return candidate


# -- reading a CSV -----------------------------------------------------------------------------
def _unquote(value: str) -> str:
    """A CSV text without the apostrophe formula_safe put before it."""
    if value[:1] == "'" and value[1:2] and value[1] in _NEUTRALISED:
        return value[1:]
    return value


def _canonical(value: str) -> bool:
    """Whether a text is a number as pandas writes one (``001`` and ``1.50`` are texts)."""
    try:
        return str(int(value)) == value
    except ValueError:
        pass
    try:
        return repr(float(value)) == value
    except ValueError:
        return False


def _number(value: str):
    try:
        return int(value)
    except ValueError:
        return float(value)


def _parse(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


@dataclass
class _Column:
    name: str
    header: str
    kind: str | None  # the number kind; None: text
    cells: list  # str, int, float, bool or None (empty)


def _read(data: bytes, table: TableEntry, language: str) -> list[_Column]:
    """The columns of a table's CSV file with their values, headers and kinds."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    if not rows:
        return []
    names, body = rows[0], rows[1:]
    entries = {c.name: c for c in table.columns}
    columns = []
    for i, name in enumerate(names):
        entry = entries.get(name) or (table.columns[i] if len(table.columns) == len(names) else None)
        raw = [row[i] if i < len(row) else "" for row in body]
        given = [v for v in raw if v != ""]
        kind = entry.kind if entry else None
        if not given:  # an empty column keeps its kind (its cells may all be suppressed)
            cells = [None] * len(raw)
        elif all(v in ("True", "False") for v in given):
            cells = [None if v == "" else v == "True" for v in raw]
            kind = None
        elif all(_parse(v) for v in given) and (
                kind is not None or all(_canonical(v) for v in given)):
            cells = [None if v == "" else _number(v) for v in raw]
            kind = kind or "plain"
        else:
            cells = [None if v == "" else _unquote(v) for v in raw]
            kind = None
        columns.append(_Column(name, _header(name, entry, language), kind, cells))
    return columns


def _header(name: str, entry: Column | None, language: str) -> str:
    """The column's header in the study's language, never its snake_case name."""
    if name == "suppressed":
        return text(language, "workbook.suppressed_column")
    header = entry.header if entry and entry.header else _unquote(name)
    if header == _unquote(name) and _IDENTIFIER.fullmatch(header):  # no header was known
        return _words(header, language, "columns", "gap_columns", "fa_columns",
                      "tracking_columns", "priority_columns")
    return header


def _words(name: str, language: str, *namespaces: str) -> str:
    """The reports' words for an identifier (the first text ``<namespace>.<name>`` without
    placeholders), or the identifier in words (``item_total`` -> "Item total")."""
    for namespace in namespaces:
        key = f"{namespace}.{name}"
        if has_text(language, key):
            found = text(language, key)
            if isinstance(found, str) and "{" not in found:
                return found
    return name.replace("_", " ").capitalize()


# -- writing -----------------------------------------------------------------------------------
def _width(value: str) -> int:
    """Display width of a text: a CJK character is as wide as two Latin ones."""
    if value.isascii():
        return len(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in value)


def _lines(value: str, width: float) -> int:
    return sum(max(1, math.ceil(_width(part) / max(width, 1))) for part in value.split("\n"))


def _clean(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _runs(value: str) -> bool:
    """Whether a spreadsheet would run the text as a formula."""
    return value.startswith(_NEUTRALISED)


class _Styles:
    """The workbook's cell formats, made once each."""

    def __init__(self, book, language: str):
        self.book, self.language, self._made = book, language, {}

    def get(self, text_value: str | None = None, **props):
        """A format; a text that would run as a formula gets Excel's quote prefix."""
        if text_value is not None and _runs(text_value):
            props["quote_prefix"] = True
        key = tuple(sorted(props.items()))
        if key not in self._made:
            self._made[key] = self.book.add_format(props)
        return self._made[key]


def _write_text(sheet, row: int, col: int, value: str, styles: _Styles, **props) -> None:
    value = _clean(value)
    sheet.write_string(row, col, value, styles.get(value, **props))


def _link(sheet, row: int, col: int, target: str, value: str, styles: _Styles, **props) -> None:
    value = _clean(value)
    quoted = target.replace("'", "''")
    sheet.write_url(row, col, f"internal:'{quoted}'!A1",
                    styles.get(value, font_color="#1F5FA8", underline=1, **props), string=value)


def _shown(value, kind: str | None, language: str) -> str:
    """The value as the cell shows it (for the column's width)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return text(language, "workbook.yes")
    if isinstance(value, str):
        return value
    if kind in (None, "level", "plain"):
        return f"{value:.10g}"
    return format_number(value, kind)


def _number_format(value, kind: str) -> str:
    if kind == "df" and abs(value - round(value)) >= 0.05:
        return _DF_FRACTION
    return NUMBER_FORMATS.get(kind, "General")


def _table_sheet(sheet, entry: _Sheet, data: bytes, styles: _Styles, language: str,
                 facts: dict, index_name: str) -> None:
    table = entry.table
    columns = _read(data, table, language)
    line = _LINE[language]
    widths = []
    for column in columns:
        data_width = max([_width(_shown(v, column.kind, language)) for v in column.cells] or [0])
        cap = _WIDEST if column.kind is None else _NUMBER_WIDEST  # a longer header wraps
        widths.append(max(6, min(cap, max(data_width, _width(column.header)))) + 2)
    for i, width in enumerate(widths):
        sheet.set_column(i, i, width)
    span = max(1, len(columns))
    total = sum(widths)
    while total < _NOTE_WIDTH and span < len(widths) + 20:  # a note spans 100 characters at least
        total += 8.43
        span += 1

    row = 0
    _write_text(sheet, row, 0, table.title, styles, bold=True, font_size=14)
    sheet.set_row(row, 22)
    row += 1
    notes = [table.note] if table.note else []
    suppressed = table.suppressed
    if suppressed:
        notes.append(_suppression(language, facts, "note"))
    for note in notes:
        note = _clean(note)
        props = {"text_wrap": True, "valign": "top", "font_color": "#404040"}
        if span > 1:
            sheet.merge_range(row, 0, row, span - 1, "", styles.get(note, **props))
        _write_text(sheet, row, 0, note, styles, **props)
        sheet.set_row(row, line * _lines(note, total * 0.95) + 2)
        row += 1
    _link(sheet, row, 0, index_name, text(language, "workbook.back"), styles)
    row += 1
    header_row = row
    header_lines = 1
    for i, column in enumerate(columns):
        right = "right" if column.kind is not None else "left"
        _write_text(sheet, row, i, column.header, styles, bold=True, text_wrap=True,
                    valign="bottom", align=right, bottom=2, bottom_color=_RULE, bg_color=_GREY)
        header_lines = max(header_lines, _lines(column.header, widths[i] - 1))
    sheet.set_row(row, line * header_lines + 3)
    # A wide table keeps its labels in view too.
    labels = len(columns) > 6 and columns[0].kind is None
    sheet.freeze_panes(header_row + 1, 1 if labels else 0)
    row += 1

    hidden_rows = set()
    flags = next((c for c in columns if c.name == "suppressed"), None)
    if suppressed and flags is not None:
        hidden_rows = {r for r, flag in enumerate(flags.cells) if flag}
    comment = _suppression(language, facts, "comment") if suppressed else ""
    for i, column in enumerate(columns):
        wrap = column.kind is None and widths[i] >= _WIDEST + 2
        for r, value in enumerate(column.cells):
            at = row + r
            if value is None:
                if suppressed and column.kind is not None and (flags is None or r in hidden_rows):
                    sheet.write_blank(at, i, None, styles.get(bg_color=_GREY))
                    sheet.write_comment(at, i, comment, {
                        "author": "sqmreport", "font_name": _FONTS[language], "font_size": 9,
                        "x_scale": 1.6, "y_scale": 0.8})
                continue
            if isinstance(value, bool):
                shown = text(language, "workbook.yes") if value else (
                    "" if column.name == "suppressed" else text(language, "workbook.no"))
                if shown:
                    _write_text(sheet, at, i, shown, styles)
            elif isinstance(value, str):
                _write_text(sheet, at, i, value, styles, **({"text_wrap": True, "valign": "top"}
                                                            if wrap else {}))
            elif math.isfinite(value):
                sheet.write_number(at, i, _exact(value),
                                   styles.get(num_format=_number_format(value, column.kind)))
            else:  # Excel has no infinity: the report's words for it
                _write_text(sheet, at, i, format_number(value, column.kind or "plain"), styles,
                            align="right")
    sheet.hide_gridlines(2)
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    if total > 120:
        sheet.set_landscape()
    sheet.repeat_rows(header_row, header_row)


def _suppression(language: str, facts: dict, what: str) -> str:
    people = facts.get("respondent") or text(language, "workbook.respondents")
    size = facts.get("min_group_size") or facts.get("min_size")
    if size:
        return text(language, f"workbook.suppressed_{what}", min_size=int(size), people=people)
    return text(language, f"workbook.suppressed_{what}_any", people=people)


class _Exact(float):
    """A float XlsxWriter writes with every digit: it writes numbers with 16 significant
    digits (``{:.16G}``), which does not always give the same double back; ``repr`` does."""

    def __format__(self, spec: str) -> str:
        if spec.upper() == ".16G":
            return repr(float(self))
        return float.__format__(self, spec)


def _exact(value):
    if isinstance(value, float) and float(f"{value:.16G}") != value:
        return _Exact(value)
    return value


def _index_sheet(sheet, study: StudyInfo, manifests: list[Manifest], sheets: list[_Sheet],
                 styles: _Styles, language: str) -> None:
    line = _LINE[language]
    titles = [_width(s.table.title) for s in sheets]
    first = max(24, min(_WIDEST, max(titles or [0]) + 2))
    sheet.set_column(0, 0, first)
    sheet.set_column(1, 1, 90)
    row = 0
    _write_text(sheet, row, 0, study.title, styles, bold=True, font_size=16)
    sheet.set_row(row, 26)
    row += 1
    for key, value in (("client", study.client), ("fieldwork", study.fieldwork)):
        if value:
            _write_text(sheet, row, 0, text(language, f"workbook.{key}"), styles, font_color="#595959")
            _write_text(sheet, row, 1, value, styles)
            row += 1
    about = text(language, "workbook.about")
    _write_text(sheet, row, 0, about, styles, italic=True, font_color="#595959")
    row += 2
    files = {s.table.file: s for s in sheets}
    groups = [(m.title or m.report, [files[t.file] for t in m.tables if t.file in files])
              for m in manifests]
    groups.append(("", [s for s in sheets if not s.report]))  # files no manifest names
    for heading, group in groups:
        if not group:
            continue
        if heading:
            _write_text(sheet, row, 0, heading, styles, bold=True, font_size=13)
            sheet.set_row(row, 20)
            row += 1
        _write_text(sheet, row, 0, text(language, "workbook.table"), styles, bold=True,
                    bottom=1, bottom_color=_RULE, bg_color=_GREY)
        _write_text(sheet, row, 1, text(language, "workbook.note"), styles, bold=True,
                    bottom=1, bottom_color=_RULE, bg_color=_GREY)
        row += 1
        listed = set()
        for s in group:
            if s.name in listed:  # two tables of one CSV file: one sheet
                continue
            listed.add(s.name)
            _link(sheet, row, 0, s.name, s.table.title, styles, text_wrap=True, valign="top")
            if s.table.note:
                _write_text(sheet, row, 1, s.table.note, styles, text_wrap=True, valign="top")
            lines = max(_lines(_clean(s.table.note), 88), _lines(_clean(s.table.title), first - 2))
            sheet.set_row(row, line * lines + 2)
            row += 1
        row += 1
    sheet.hide_gridlines(2)
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.activate()


def _properties(book, study: StudyInfo, language: str) -> None:
    provenance = study.provenance or {}
    built = _when(provenance.get("built"))
    book.set_properties({"title": study.title, "subject": text(language, "workbook.subject"),
                         "company": study.client,
                         "created": built, "comments": "sqmreport " + str(provenance.get("sqmreport", ""))})
    for key in sorted(provenance):
        book.set_custom_property(str(key), str(provenance[key]))


def _when(value) -> datetime:
    """The build's time (an ISO text, UTC); a fixed date without one, never the clock's."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str) and value:
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return when if when.tzinfo else when.replace(tzinfo=UTC)
    return datetime(1980, 1, 1, tzinfo=UTC)
