"""Reading survey files: CSV (UTF-8, UTF-8 with BOM, GBK), XLSX and Parquet.

Files are only ever opened for reading.  Every cell comes back as text (or as the
value Excel/Parquet stored), so that validation can say exactly which cell is wrong.
"""

from __future__ import annotations

import csv
import io
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
        XLSX only.  Default: the first sheet.

    Returns
    -------
    DataFrame
        CSV cells as stripped strings (empty cells as missing); column names stripped.

    Raises
    ------
    InputError
        For an unknown format, undecodable text, an empty file, a header with
        duplicated or empty column names, or a file that cannot be parsed.
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


def _read_csv(raw: bytes, shown: str, encoding: str | None, delimiter: str | None):
    text, used = _decode(raw, shown, encoding)
    if encoding == "utf-8" and text.startswith("\ufeff"):
        text = text[1:]
    header = text.splitlines()[0] if text.strip() else ""
    if not header.strip():
        raise InputError("the file is empty (no header line)", file=shown)
    if delimiter is None:
        counts = {d: header.count(d) for d in _DELIMITERS}
        delimiter = max(counts, key=counts.get) if max(counts.values()) else ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str,
                            keep_default_na=False, na_values=[""], skipinitialspace=True,
                            quoting=csv.QUOTE_MINIMAL)
    except pd.errors.ParserError as exc:
        raise InputError(f"cannot be read as CSV with delimiter {delimiter!r}: "
                         f"{str(exc).strip().splitlines()[-1]}", file=shown) from None
    frame = frame.apply(lambda col: col.str.strip())
    # GBK decodes most byte sequences, so a file in another legacy encoding (CP949,
    # Shift-JIS, Big5) can be read as GBK without error: say so when columns go missing.
    frame.attrs["guessed_gbk"] = used == "gbk" and encoding is None
    return frame


def _read_xlsx(raw: bytes, shown: str, sheet):
    try:
        frame = pd.read_excel(io.BytesIO(raw), sheet_name=0 if sheet is None else sheet, dtype=object,
                              engine="openpyxl")
    except ValueError as exc:
        raise InputError(f"cannot read the sheet: {exc}", file=shown) from None
    except Exception as exc:  # zipfile / openpyxl errors for files that are not XLSX
        raise InputError(f"not a readable XLSX workbook ({type(exc).__name__})",
                         file=shown) from None
    return frame.map(lambda v: v.strip() or None if isinstance(v, str) else v)


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
