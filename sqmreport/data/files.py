"""Reading survey files: CSV (UTF-8, UTF-8 with BOM, GBK), XLSX and Parquet.

Files are only ever opened for reading.  Every cell comes back as text (or as the
value Excel/Parquet stored), so that validation can say exactly which cell is wrong.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from sqmreport._validation import InputError
from sqmreport.data.inputs import read_bytes

__all__ = ["read_table", "FORMATS", "ENCODINGS"]

FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}
ENCODINGS = ("utf-8-sig", "gbk")  # tried in this order; utf-8-sig also reads plain UTF-8
_DELIMITERS = ",;\t|"


def read_table(path, *, shown: str | None = None, format: str | None = None,
               encoding: str | None = None, delimiter: str | None = None,
               sheet=None) -> pd.DataFrame:
    """Read a data file into a DataFrame with one row per record.

    The file's bytes come from :func:`sqmreport.data.inputs.read_bytes` (the pinned
    bytes during a build) and are parsed in memory.

    Parameters
    ----------
    path : str or Path
        The file.
    shown : str, optional
        The name to use in error messages (default: the file name).
    format : {"csv", "xlsx", "parquet"}, optional
        Default: from the file extension.
    encoding : {"utf-8", "utf-8-sig", "gbk"}, optional
        CSV only.  Default: UTF-8 (with or without BOM), else GBK.
    delimiter : str, optional
        CSV only.  Default: detected from the header line among ``, ; tab |``.
    sheet : str or int, optional
        XLSX only.  Default: the first visible sheet.  A sheet named here is read even
        if it is hidden; a sheet given by number (from 0) must be visible.

    Returns
    -------
    DataFrame
        CSV cells as stripped strings (empty cells as missing); column names stripped.
        XLSX cells as Excel stored them (whole numbers as int), texts stripped.

    Raises
    ------
    InputError
        For an unknown format, a file that cannot be read (missing, a folder, no
        permission), undecodable text, a binary file given as CSV, an empty file, a
        header with duplicated or empty column names, a CSV row with more or fewer
        fields than the header (fields beyond the header's that are empty on every
        row, as a separator at the end of each row leaves them, are dropped instead),
        an XLSX sheet that is hidden and not named, merged cells, formula cells without
        a saved value, or a file that cannot be parsed.
    """
    path = Path(path)
    shown = shown or path.name
    fmt = format or FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"cannot tell the file's format from {path.suffix or 'no extension'!r}; "
                         "use .csv, .xlsx or .parquet, or set `format`", file=shown)
    raw = read_bytes(path, shown=shown)
    if not raw:
        raise InputError("the file is empty", file=shown)
    if fmt == "csv":
        frame = _read_csv(raw, shown, encoding, delimiter)
    elif fmt == "xlsx":
        frame = _read_xlsx(raw, shown, sheet)
    else:
        try:
            frame = pd.read_parquet(io.BytesIO(raw))
        except Exception as exc:  # pyarrow raises several unrelated types
            raise InputError(f"not a readable Parquet file ({type(exc).__name__})",
                             file=shown) from None
    return _check_header(frame, shown)


def _decode(raw: bytes, shown: str, encoding: str | None) -> tuple[str, str]:
    for enc in ([encoding] if encoding else ENCODINGS):
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    tried = encoding or " or ".join(("UTF-8", "GBK"))
    raise InputError(f"the file is not {tried} text; save it as UTF-8 "
                     "or set `encoding` in the study file", file=shown)


# What a file that is not CSV text starts with, and what to tell its user.
_NOT_TEXT = ((b"\xff\xfe", "the file is UTF-16 text; save it as UTF-8 (in Excel: CSV UTF-8)"),
             (b"\xfe\xff", "the file is UTF-16 text; save it as UTF-8 (in Excel: CSV UTF-8)"),
             (b"PK\x03\x04", "the file is a ZIP archive or an XLSX workbook, not CSV text: "
                              "name it .xlsx or set `format: xlsx`"),
             (b"\xd0\xcf\x11\xe0", "the file is an old Excel (.xls) workbook, not CSV text: "
                                    "save it as .xlsx or CSV UTF-8"),
             (b"PAR1", "the file is a Parquet file, not CSV text: name it .parquet or set "
                       "`format: parquet`"))


def _check_text(raw: bytes, shown: str) -> None:
    for magic, message in _NOT_TEXT:
        if raw.startswith(magic):
            raise InputError(message, file=shown)
    if b"\x00" in raw[:65536]:
        raise InputError("the file is binary (it contains NUL bytes), not CSV text", file=shown)


def _read_csv(raw: bytes, shown: str, encoding: str | None, delimiter: str | None):
    _check_text(raw, shown)
    text, used = _decode(raw, shown, encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    header = text.splitlines()[0] if text.strip() else ""
    if not header.strip():
        raise InputError("the file is empty (no header line)", file=shown)
    if delimiter is None:
        counts = {d: header.count(d) for d in _DELIMITERS}
        delimiter = max(counts, key=counts.get) if max(counts.values()) else ","
    width = _row_widths(raw, text, used, delimiter, shown)
    del text
    try:
        frame = pd.read_csv(io.BytesIO(raw), sep=delimiter, dtype=str,
                            encoding="utf-8" if used.startswith("utf-8") else used,  # pandas drops a BOM
                            keep_default_na=False, na_values=[""], skipinitialspace=True,
                            quoting=csv.QUOTE_MINIMAL, usecols=range(width) if width else None)
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(f"cannot be read as CSV with delimiter {delimiter!r}: "
                         f"{str(exc).strip().splitlines()[-1]}", file=shown) from None
    frame = frame.apply(lambda col: col.str.strip())
    # A separator at the end of every line, the header's too: a last column without a name
    # and without a value is that separator's, not data.
    while (frame.shape[1] > 1 and str(frame.columns[-1]).startswith("Unnamed:")
           and frame.iloc[:, -1].isna().all()):
        frame = frame.iloc[:, :-1]
    # GBK decodes most byte sequences, so a file in another legacy encoding (CP949,
    # Shift-JIS, Big5) can be read as GBK without error: say so when columns go missing.
    frame.attrs["guessed_gbk"] = used == "gbk" and encoding is None
    return frame


def _row_widths(raw: bytes, text: str, used: str, delimiter: str, shown: str) -> int | None:
    """Check that every row has as many fields as the header.

    A row with more fields is an error unless every extra field is empty (a separator
    at the end of the row, as some programs write on every row): those are dropped, and
    the number of header fields is returned, else None.  A row with fewer fields is an
    error.  pyarrow's parser tells quickly whether every row fits; only a file where one
    may not is read again field by field, to name the rows as a spreadsheet numbers them.
    """
    if _widths_agree(raw, used, delimiter):
        return None
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, skipinitialspace=True,
                        quoting=csv.QUOTE_MINIMAL)
    try:
        width = len(next(reader))
        longer, shorter, trailing = [], [], False
        row = 1
        for fields in reader:
            if not fields:  # a blank line: skipped, as the table skips it
                continue
            row += 1
            if len(fields) < width:
                shorter.append(row)
            elif len(fields) > width:
                if any(f.strip() for f in fields[width:]):
                    longer.append(row)
                else:
                    trailing = True
    except csv.Error:
        return None  # pandas names the problem
    if longer:
        raise InputError(f"{len(longer)} row{'s have' if len(longer) > 1 else ' has'} more fields "
                         f"than the header's {width} columns: is a column name missing, or a value "
                         f"with {delimiter!r} in it not quoted?", file=shown, rows=longer)
    if shorter:
        raise InputError(f"{len(shorter)} row{'s have' if len(shorter) > 1 else ' has'} fewer fields "
                         f"than the header's {width} columns: was a row cut short, or a separator "
                         "left out?", file=shown, rows=shorter)
    return width if trailing else None


def _widths_agree(raw: bytes, used: str, delimiter: str) -> bool:
    """Whether pyarrow's fast parser finds every row as wide as the header."""
    import pyarrow.csv as pacsv

    wrong = []

    def invalid(row):
        wrong.append(row)
        return "skip"

    try:
        pacsv.read_csv(io.BytesIO(raw),
                       read_options=pacsv.ReadOptions(
                           autogenerate_column_names=True,
                           encoding="utf8" if used.startswith("utf-8") else used),
                       parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                                        invalid_row_handler=invalid),
                       convert_options=pacsv.ConvertOptions(include_columns=["f0"]))
    except Exception:  # noqa: BLE001 - any doubt: count the fields one by one
        return False
    return not wrong


def _read_xlsx(raw: bytes, shown: str, sheet):
    """The sheet as a table: the first visible sheet, or the one ``sheet`` names.

    Refused: a hidden sheet unless named, merged cells (only the first cell of a merged
    range holds the value) and formula cells without the value Excel saves with them
    (a workbook written by a program that computes nothing)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # zipfile / openpyxl errors for files that are not XLSX
        raise InputError(f"not a readable XLSX workbook ({type(exc).__name__})",
                         file=shown) from None
    try:
        ws = _sheet(book, sheet, shown)
        values = [list(row) for row in ws.values]
        path = ws._worksheet_path
    finally:
        book.close()
    while values and all(v is None for v in values[-1]):
        values.pop()
    if not values:
        raise InputError(f"the sheet {ws.title!r} is empty", file=shown)
    width = max(len(row) for row in values)
    rows = [row + [None] * (width - len(row)) for row in values]
    while width > 1 and all(row[width - 1] is None for row in rows):
        width -= 1
    rows = [row[:width] for row in rows]
    xml = _sheet_xml(raw, path)
    _check_merged(xml, ws.title, width, len(rows), shown)
    if xml is None or re.search(rb"<(?:\w+:)?f[\s>/]", xml):  # a second pass only for formulas
        _check_formulas(raw, ws.title, rows, shown)
    header = [_header_name(v, i) for i, v in enumerate(rows[0])]
    frame = pd.DataFrame([[_cell(v) for v in row] for row in rows[1:]], columns=header, dtype=object)
    return frame


def _sheet(book, sheet, shown: str):
    names = book.sheetnames
    visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
    if sheet is None:
        if not visible:
            raise InputError("the workbook has no visible sheet; name one with `sheet`", file=shown)
        return visible[0]
    if isinstance(sheet, str):
        if sheet not in names:
            raise InputError(f"no sheet named {sheet!r}; the workbook has "
                             f"{', '.join(repr(n) for n in names)}", file=shown)
        ws = book[sheet]
        if not hasattr(ws, "sheet_state") or not hasattr(ws, "values"):
            raise InputError(f"sheet {sheet!r} is a chart, not a table", file=shown)
        return ws  # named explicitly: read even if hidden
    if not 0 <= sheet < len(book.worksheets):
        raise InputError(f"sheet {sheet} does not exist: the workbook has "
                         f"{len(book.worksheets)} sheets, numbered from 0", file=shown)
    ws = book.worksheets[sheet]
    if ws.sheet_state != "visible":
        state = "very hidden" if ws.sheet_state == "veryHidden" else ws.sheet_state
        raise InputError(f"sheet {sheet} ({ws.title!r}) is {state}; to read it anyway, name it: "
                         f"`sheet: {ws.title}`", file=shown)
    return ws


def _sheet_xml(raw: bytes, path: str) -> bytes | None:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return archive.read(path.lstrip("/"))
    except (KeyError, zipfile.BadZipFile):
        return None


def _check_merged(xml: bytes | None, title: str, width: int, height: int, shown: str) -> None:
    """Merged cells within the read range: only their first cell holds the value."""
    from openpyxl.utils.cell import range_boundaries

    if xml is None:
        return
    merged = []
    for ref in re.findall(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([^"]+)"', xml):
        ref = ref.decode()
        min_col, min_row, _, _ = range_boundaries(ref)
        if min_col <= width and min_row <= height:
            merged.append(ref)
    if merged:
        more = f" and {len(merged) - 3} more" if len(merged) > 3 else ""
        raise InputError(f"sheet {title!r} has merged cells {', '.join(merged[:3])}{more}: only the "
                         "first cell of a merged range holds its value; unmerge them and fill "
                         "in every cell (and keep a single header row)", file=shown)


def _check_formulas(raw: bytes, title: str, rows: list, shown: str) -> None:
    """Formula cells the workbook stores no value for (never calculated) read as blank."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    missing = []
    try:
        for line in book[title].iter_rows(max_row=len(rows), max_col=len(rows[0])):
            for cell in line:
                if (getattr(cell, "data_type", None) == "f"
                        and rows[cell.row - 1][cell.column - 1] is None):
                    missing.append(cell.coordinate)
    finally:
        book.close()
    if missing:
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        have = "cells have" if len(missing) > 1 else "cell has"
        raise InputError(f"sheet {title!r}: {len(missing)} formula {have} "
                         f"no saved value ({', '.join(missing[:5])}{more}); open the workbook in "
                         "Excel and save it, or paste the values instead of the formulas",
                         file=shown)


def _header_name(value, i: int) -> str:
    if value is None:
        return f"Unnamed: {i}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _cell(value):
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, float) and value.is_integer():
        return int(value)  # as pandas reads Excel numbers: 5.0 is 5
    return value


def _check_header(frame: pd.DataFrame, shown: str) -> pd.DataFrame:
    names = [str(c).strip() for c in frame.columns]
    unnamed = [i + 1 for i, n in enumerate(names) if not n or n.startswith("Unnamed:")]
    if unnamed:
        raise InputError(f"column {unnamed[0]} of the header has no name; is the first row "
                         "the header (not a title or a second header row)?", file=shown)
    dupes = sorted({n for n in names if names.count(n) > 1})
    # pandas renames a repeated "P1" to "P1.1": catch that too.
    dupes += sorted({n.rsplit(".", 1)[0] for n in names
                     if "." in n and n.rsplit(".", 1)[1].isdigit() and n.rsplit(".", 1)[0] in names})
    if dupes:
        raise InputError(f"column {dupes[0]!r} appears more than once in the header", file=shown)
    frame.columns = names
    frame.attrs.setdefault("guessed_gbk", False)
    return frame
