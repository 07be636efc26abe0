"""Reading survey files as clients send them: CSV in any encoding, XLSX, Parquet, SPSS .sav.

Files are only ever opened for reading.  Every cell comes back as text (or as the
value Excel/Parquet/SPSS stored), so that validation can say exactly which cell is wrong.
Qualtrics CSV exports lose their extra header rows (question texts, ImportIds) to
``attrs``; an SPSS file's variable and value labels go there too.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pandas as pd

from sqmreport._validation import InputError
from sqmreport.data.inputs import read_bytes

__all__ = ["read_table", "FORMATS", "detect_encoding", "other_sheets"]

FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".parquet": "parquet",
           ".sav": "sav", ".zsav": "sav"}
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
    format : {"csv", "xlsx", "parquet", "sav"}, optional
        Default: from the file extension (``.csv .txt .tsv .xlsx .parquet .sav .zsav``).
    encoding : str, optional
        CSV only: any codec Python knows, or ``"auto"``.  Default (and ``"auto"``): a
        byte-order mark says UTF-8, UTF-16 or UTF-32; else UTF-8 if every byte decodes as
        UTF-8; else UTF-16 without a mark when the NUL bytes say so; else the encoding
        detected by :func:`detect_encoding`, which refuses rather than guess.
    delimiter : str, optional
        CSV only.  Default: detected from the header line among ``, ; tab |``.
    sheet : str or int, optional
        XLSX only.  Default: the first visible sheet.  A sheet named here is read even
        if it is hidden; a sheet given by number (from 0) must be visible.

    Returns
    -------
    DataFrame
        CSV cells as stripped strings (empty cells as missing); column names stripped,
        exactly as written otherwise.  XLSX cells as Excel stored them (whole numbers as
        int), texts stripped.  SPSS cells as numbers (whole numbers as int; user-missing
        values as missing) or stripped texts.  A Qualtrics export, CSV or XLSX (its second
        row the question texts and/or a row of ``{"ImportId": ...}`` cells), loses those rows.
        ``attrs`` holds ``labels`` ({column: question text}: SPSS variable labels, the
        Qualtrics question texts; else empty), ``value_labels`` ({column: {code: answer
        text}}: SPSS value labels; else empty), ``first_row`` (the spreadsheet row number
        of the first record: 2, or 3 or 4 for a Qualtrics export), ``encoding`` (the
        CSV's encoding, given or detected; None for other formats) and ``unnamed`` (the
        columns, numbered from 1, whose header cell is empty: they are kept, named
        "Unnamed: N" with N from 0) and ``other_sheets`` (XLSX read without ``sheet``: the
        workbook's other visible sheets, for the caller's refusals to name with
        :func:`other_sheets`, as this function's own refusals of that sheet do; else empty).

    Raises
    ------
    InputError
        For an unknown format, a file that cannot be read (missing, a folder, no permission), text
        that the given encoding cannot decode (naming the line and the byte), a given legacy
        encoding that decodes the file but reads it as nonsense (the detection confidently reads
        it in an encoding of another script: CP949 Korean named as GBK; naming both readings), an
        encoding that cannot be told with confidence (naming the candidates and how the text reads
        in each), a binary file given as CSV, an empty file, a header with a column name given
        twice, a CSV row with more or fewer fields than the header (fields beyond the header's
        that are empty on every row, as a separator at the end of each row leaves them, are
        dropped instead), a Qualtrics export with no responses under its header rows or with an
        edited ImportId row, an XLSX sheet that is hidden and not named, merged cells, formula
        cells without a saved value, or a file that cannot be parsed (XLSX, Parquet, SPSS).
    """
    path = Path(path)
    shown = shown or path.name
    fmt = format or FORMATS.get(path.suffix.lower())
    if fmt is None and path.suffix.lower() == ".xls":
        raise InputError("an old Excel (.xls) workbook is not read: save it as .xlsx (Excel "
                         "Workbook) or CSV UTF-8", file=shown)
    if fmt is None:
        raise InputError(f"cannot tell the file's format from {path.suffix or 'no extension'!r}; "
                         "use .csv, .xlsx, .parquet or .sav, or set `format`", file=shown)
    raw = read_bytes(path, shown=shown)
    if not raw:
        raise InputError("the file is empty", file=shown)
    attrs = {"labels": {}, "value_labels": {}, "first_row": 2, "encoding": None, "unnamed": [],
             "other_sheets": []}
    if fmt == "csv":
        frame, found = _read_csv(raw, shown, encoding, delimiter)
        attrs |= found
    elif fmt == "xlsx":
        frame = _read_xlsx(raw, shown, sheet)
        attrs["other_sheets"] = frame.attrs["other_sheets"]
        head = [list(frame.columns), *([("" if v is None else str(v)) for v in row]
                                       for row in frame.head(2).itertuples(index=False))]
        frame, found = _drop_qualtrics(frame, head, shown)
        attrs |= found
    elif fmt == "sav":
        frame, found = _read_sav(raw, shown)
        attrs |= found
    else:
        try:
            frame = pd.read_parquet(io.BytesIO(raw))
        except Exception as exc:  # pyarrow raises several unrelated types
            raise InputError(f"not a readable Parquet file ({type(exc).__name__})",
                             file=shown) from None
        frame = _check_header(frame, shown)
    attrs["unnamed"] = frame.attrs.get("unnamed", [])
    frame.attrs.clear()
    frame.attrs.update(attrs)
    return frame


# --- encodings ----------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _decode(raw: bytes, shown: str, encoding: str | None) -> tuple[str, str]:
    """The file's text and the encoding that gave it (no byte-order mark left)."""
    if encoding and encoding.lower() != "auto":
        _check_bom(raw, encoding, shown)
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise InputError(f"the file is not {encoding} text: byte 0x{raw[exc.start]:02x} on "
                             f"line {line} cannot be read as {encoding}; set `encoding: auto` to "
                             "detect the encoding, or name the right one", file=shown) from None
        except LookupError:
            raise InputError(f"{encoding!r} is not an encoding Python knows; set `encoding: auto` "
                             "to detect it", file=shown) from None
        _check_reading(raw, text, encoding, shown)
        return text.removeprefix("\ufeff"), encoding
    for bom, name in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(name).removeprefix("\ufeff"), name
            except UnicodeDecodeError as exc:
                raise InputError(f"the file starts with a {name.upper().removesuffix('-SIG')} "
                                 f"byte-order mark but byte {exc.start} is not {name} text; save "
                                 "it again as CSV UTF-8", file=shown) from None
    if b"\x00" in raw[:65536]:  # NUL is valid UTF-8: look for UTF-16 first
        unmarked = _utf16_without_bom(raw)
        if unmarked:
            return raw.decode(unmarked), unmarked
        raise InputError("the file is binary (it contains NUL bytes), not CSV text", file=shown)
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    name, text, others = detect_encoding(raw)
    if name is None:
        raise InputError(_undecided(raw, others), file=shown)
    return text, name


def _check_bom(raw: bytes, encoding: str, shown: str) -> None:
    """A byte-order mark says which encoding the file is in: one named otherwise would
    give mojibake."""
    try:
        named = codecs.lookup(encoding).name
    except LookupError:
        return
    for bom, name in _BOMS:
        if raw.startswith(bom):
            if not named.startswith(name.removesuffix("-sig")):
                raise InputError(f"the file starts with a {name.upper().removesuffix('-SIG')} "
                                 f"byte-order mark, but the study file says `encoding: {encoding}`; "
                                 f"remove `encoding` (or set it to {name})", file=shown)
            return


# The script each legacy encoding's text is in: a named encoding is refused only when the
# file reads clearly better in another script (CP949 Korean named as GBK gives Chinese
# characters), never for a choice between encodings of one script (CP1252 or CP1250).
_SCRIPTS = {"cp1251": "cyrillic", "koi8_r": "cyrillic", "koi8_u": "cyrillic", "iso8859_5": "cyrillic",
            "cp866": "cyrillic", "mac_cyrillic": "cyrillic", "cp1253": "greek", "iso8859_7": "greek",
            "cp1255": "hebrew", "iso8859_8": "hebrew", "cp1256": "arabic", "iso8859_6": "arabic",
            "cp874": "thai", "tis_620": "thai"}


def _script(codec: str) -> str:
    return _LANGUAGE.get(codec) or _SCRIPTS.get(codec, "latin")


def _check_reading(raw: bytes, text: str, encoding: str, shown: str) -> None:
    """A named legacy encoding that decodes the file but reads as nonsense: the detection
    confidently reads it in another encoding of another script, and clearly better (at
    least the detection's margin).  A plausible reading, or a file the detection cannot
    tell (short, ambiguous), is the user's call."""
    codec = codecs.lookup(encoding).name
    if codec.startswith("utf") or not re.search(rb"[\x80-\xff]", raw):
        return
    name, better, readings = detect_encoding(raw)
    if name is None:
        return
    found = codecs.lookup(name).name
    if better == text or _script(found) == _script(codec):
        return
    sample = _head(raw, _DETECT_SAMPLE)
    best = next(cost for n, _, cost in readings if n == name)
    named = _cost(sample.decode(encoding, "replace"), _LANGUAGE.get(codec)) + _PRIOR.get(codec, 0.3)
    if named - best < _MARGIN:
        return
    language = _LANGUAGE_NAMES.get(_LANGUAGE.get(found, ""), "")
    right, wrong = _same_words(raw, better, name, encoding)
    raise InputError(f"the text reads as {name} ({f'{language}: ' if language else ''}{right!r}), "
                     f"not as {encoding} ({wrong!r}): set encoding: {name}", file=shown)


def _same_words(raw: bytes, right: str, name: str, encoding: str) -> tuple[str, str]:
    """An answer of two or more non-ASCII characters in ``right`` (``raw`` read as ``name``),
    the first one typical of its script, and the same bytes read as ``encoding``."""
    fields = re.finditer(r"[^,;\t|\"\r\n]*[^\x00-\x7f]{2,}[^,;\t|\"\r\n]*", right[:1_000_000])
    language = _LANGUAGE.get(codecs.lookup(name).name)
    first = found = None
    for number, field in enumerate(fields):  # one typical of the script: Hangul, not Hanja
        first = first or field
        if _cost(field.group(), language) <= 0.1 or number == 200:
            found = field
            break
    found = found or first
    if not found:
        return _first_word(right), _first_word(raw.decode(encoding, "replace"))
    start = len(right[:found.start()].encode(name))
    field = raw[start:start + len(found.group().encode(name))]
    return found.group().strip()[:20], field.decode(encoding, "replace").strip()[:20]


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 text without a byte-order mark, as some programs write it: mostly ASCII, so
    every other byte is NUL."""
    head = raw[:4096] if len(raw) % 2 == 0 else b""
    if len(head) < 4:
        return None
    for name, zeros, other in (("utf-16-le", head[1::2], head[0::2]), ("utf-16-be", head[0::2], head[1::2])):
        if zeros.count(0) >= 0.7 * len(zeros) and other.count(0) == 0:
            try:
                raw.decode(name)
            except UnicodeDecodeError:
                return None
            return name
    return None


# Encodings tried besides charset-normalizer's proposals: those survey files come in.
_LEGACY = ("gbk", "gb18030", "big5", "cp950", "big5hkscs", "cp949", "shift_jis", "cp932", "euc_jp",
           "cp1252", "latin_1", "cp1250", "cp1251", "koi8_r", "cp1253", "cp1254", "cp1257", "iso8859_15")
_LANGUAGE = {"gbk": "zh", "gb18030": "zh", "gb2312": "zh", "hz": "zh", "big5": "zht", "cp950": "zht",
             "big5hkscs": "zht", "cp949": "ko", "euc_kr": "ko", "johab": "ko", "iso2022_kr": "ko",
             "shift_jis": "ja", "cp932": "ja", "euc_jp": "ja", "shift_jis_2004": "ja",
             "shift_jisx0213": "ja", "euc_jis_2004": "ja", "euc_jisx0213": "ja", "iso2022_jp": "ja"}
_LANGUAGE_NAMES = {"zh": "Chinese", "zht": "traditional Chinese", "ko": "Korean", "ja": "Japanese"}
# How much likelier a file is in each encoding than in a rare one (0.3): decides between
# readings that are both plausible, e.g. French in CP1252 rather than CP1250 ("trčs").
_PRIOR = {codecs.lookup(n).name: p for n, p in (
    ("gbk", 0), ("gb18030", 0), ("big5", 0), ("cp950", 0), ("big5hkscs", 0.05), ("cp949", 0),
    ("euc_kr", 0), ("shift_jis", 0), ("cp932", 0), ("euc_jp", 0.05), ("cp1252", 0), ("latin_1", 0),
    ("iso8859_15", 0.05), ("cp1250", 0.2), ("cp1251", 0.1), ("iso8859_2", 0.2), ("cp1253", 0.1),
    ("cp1254", 0.1))}
_CONFIDENT = 0.5  # the best reading's mean cost per non-ASCII character at most ...
_MARGIN = 0.2     # ... and every other reading's at least this much more
_DETECT_SAMPLE = 262_144  # the bytes the encodings are told from (each must decode the whole file)


def detect_encoding(raw: bytes) -> tuple[str | None, str | None, list[tuple[str, str, float]]]:
    """The encoding of a file that is not UTF-8, or None when it cannot be told with confidence.

    charset-normalizer proposes the encodings that decode the bytes with the least
    "chaos"; to them are added the legacy encodings survey files come in (GBK/GB18030,
    Big5, CP949/EUC-KR, Shift-JIS/CP932, EUC-JP, the Windows code pages).  They are told
    apart on a sample of a long file, its lines with non-ASCII bytes (about 256 kB), and an
    encoding counts only if it decodes every byte of the file.  Each is scored on the text
    it gives: the mean cost of its non-ASCII
    characters, 0 for the common characters of a script (Hangul syllables of KS X 1001,
    the most frequent hanzi, kana, accented letters inside words), more for rare
    characters, Hanja in Korean, kana in Chinese, half-width katakana, symbols, letters
    in impossible case or script mixes.  The best reading is used only if it is good
    (mean cost at most 0.5) and every other reading that gives a different text costs at
    least 0.2 more: a short file whose few non-ASCII bytes read equally well as Korean
    and as Chinese is refused, never guessed.

    Returns
    -------
    (name, text, readings)
        The encoding and the text (None, None when not confident), and every reading as
        (encoding, text, cost), best first.

    >>> detect_encoding("id,dept\\n1,내과\\n2,외과\\n3,소아과\\n".encode("cp949"))[:2]
    ('cp949', 'id,dept\\n1,내과\\n2,외과\\n3,소아과\\n')
    >>> detect_encoding("id,q\\n1,男\\n".encode("gbk"))[0] is None  # 男 or 켕 ?
    True
    """
    sample = _head(raw, _DETECT_SAMPLE)
    groups: dict[str, list] = {}  # the sample's text -> [the encodings that give it, cost]
    for name in _candidates(sample):
        try:
            text = sample.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        codec = codecs.lookup(name).name
        cost = _cost(text, _LANGUAGE.get(codec)) + _PRIOR.get(codec, 0.3)
        if text in groups:
            groups[text][0].append(name)
            groups[text][1] = min(groups[text][1], cost)
        else:
            groups[text] = [[name], cost]
    ranked = []  # the best readings of the whole file
    for text, (names, cost) in sorted(groups.items(), key=lambda g: g[1][1]):
        for name in names:  # the first encoding of the group that decodes every byte
            try:
                ranked.append((name, text if sample is raw else raw.decode(name), cost))
                break
            except UnicodeDecodeError:
                continue
        if len(ranked) == 5:
            break
    if ranked and ranked[0][2] <= _CONFIDENT and (len(ranked) == 1 or ranked[1][2] - ranked[0][2] >= _MARGIN):
        return ranked[0][0], ranked[0][1], ranked
    return None, None, ranked


_NON_ASCII_LINE = re.compile(rb"[^\n]*[\x80-\xff][^\n]*\n?")


def _head(raw: bytes, size: int) -> bytes:
    """``raw`` if it is short, else its lines that hold non-ASCII bytes, up to about ``size``
    bytes of them: what tells the encodings apart, wherever it is in the file (lines are
    never cut inside a character: no legacy encoding has a line feed within one)."""
    if len(raw) <= size:
        return raw
    lines, total = [], 0
    for found in _NON_ASCII_LINE.finditer(raw):
        lines.append(found.group())
        total += len(lines[-1])
        if total >= size:
            break
    return b"".join(lines)


def _candidates(sample: bytes) -> list[str]:
    from charset_normalizer import from_bytes

    names = [m.encoding for m in from_bytes(sample)]
    legacy = {codecs.lookup(n).name for n in _LEGACY}
    # The legacy encodings first: of two that give the same text, the first names it.
    return [*_LEGACY, *(n for n in dict.fromkeys(names) if codecs.lookup(n).name not in legacy)]


def _undecided(raw: bytes, readings: list) -> str:
    if not readings:
        return ("the file is not text in any encoding sqmreport knows; save it as CSV UTF-8 "
                "or set `encoding` in the study file")
    close = [r for r in readings if r[2] - readings[0][2] < _MARGIN + 0.3][:4]
    shown = []
    for name, text, _ in close:
        sample = _first_word(text)
        language = _LANGUAGE_NAMES.get(_LANGUAGE.get(codecs.lookup(name).name, ""), "")
        shown.append(f"{name}{f' ({language})' if language else ''} reads {sample!r}")
    if readings[0][2] > _CONFIDENT:
        return ("cannot tell the file's encoding: none reads it as plain text (" + ", ".join(shown)
                + "); save it as CSV UTF-8, or name its encoding in the study file's data entry "
                "(`encoding: ...`)")
    return ("cannot tell the file's encoding: " + ", ".join(shown) + "; write the right one in the "
            f"study file's data entry, e.g. `encoding: {close[0][0]}`, or save the file as CSV UTF-8")


def _first_word(text: str) -> str:
    found = re.search(r"[^\x00-\x7f][^,;\t|\r\n\"]{0,11}", text)
    return found.group().strip() if found else ""


_RUN = re.compile(r"[A-Za-z]?[^\x00-\x7f]+[A-Za-z]?")
_SCORED = 60_000  # characters scored (all of a file decodes, or the encoding is out)


def _cost(text: str, language: str | None) -> float:
    """Mean cost of the non-ASCII characters of ``text`` read as ``language``."""
    from collections import Counter

    total = count = 0
    for found, times in Counter(_RUN.findall(text, 0, _SCORED)).items():
        run = found.strip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        glued = run != found  # inside a word of ASCII letters
        for i, c in enumerate(run):
            k = _char_cost(c, language)
            if k is None:
                k = _letter_cost(run, i, c, glued)
            elif k < 1.5 and unicodedata.category(c)[0] in "SN" and (
                    glued or any(x.isalpha() for x in run[max(i - 1, 0):i + 2])):
                k = 1.5  # a symbol stuck to letters: "£ódŸ" is Łódź read as CP1252
            total += times * k
        count += times * len(run)
    return total / count if count else 0.0


@lru_cache(maxsize=1)
def _common() -> dict[str, frozenset]:
    from charset_normalizer.constant import COMMON_CHINESE_CHARACTERS, COMMON_JAPANESE_CHARACTERS

    return {"zh": frozenset(COMMON_CHINESE_CHARACTERS), "ja": frozenset(COMMON_JAPANESE_CHARACTERS),
            "ko": frozenset(_COMMON_HANGUL)}


# Frequent Hangul syllables, and those of survey answers and questions.
_COMMON_HANGUL = (
    "이다는에의하고을가지로서기사한대를어도리자수시인정일나보있아우주해전적국게요상부구것들만니원제장동면성라"
    "내경여세연무위생그과소화비문개치신스방거없데미오습관결학중계모분실진안했업물행통말터선단간용발공점었른명체"
    "당년월날때러래던져드트회심식저까며야음작재조운출현와본려집후히호변차반매족불친절편좋높낮빠늦직병환약료남녀"
    "살짧길깨끗청설충렇않혀예네함감임급답질항목응평균객접담태추향령별력득역울산강북키크창구면글씨버튼쉽렵르느"
    "께할록같까죠던처럼마밖큼씩은를으")


def _encoded(c: str, codec: str) -> bytes:
    try:
        return c.encode(codec)
    except UnicodeEncodeError:
        return b""


@lru_cache(maxsize=65536)
def _ideograph_cost(c: str, language: str | None) -> float:
    if language == "ko":
        return 1.5  # Hanja: rare in Korean answers, and what Chinese bytes read as Korean give
    if language in ("zh", "zht"):
        if c in _common()["zh"]:
            return 0.0
        if language == "zh":
            b = _encoded(c, "gb2312")
            return 0.3 if b and 0xB0 <= b[0] <= 0xD7 else 1.0 if b else 1.5  # GB2312 level 1
        b = _encoded(c, "big5")
        return 0.3 if b and 0xA440 <= int.from_bytes(b, "big") <= 0xC67E else 1.0 if b else 1.5
    if language == "ja":
        if c in _common()["ja"]:
            return 0.0
        b = _encoded(c, "euc_jp")
        return 0.3 if b and 0xB0 <= b[0] <= 0xCF else 1.0 if b else 1.5  # JIS level 1
    return 3.0


@lru_cache(maxsize=65536)
def _char_cost(c: str, language: str | None) -> float | None:
    """The cost of one non-ASCII character, or None for a letter judged with its word."""
    o = ord(c)
    category = unicodedata.category(c)
    if category in ("Cc", "Cn", "Co", "Cs") or o == 0xFFFD:
        return 10.0
    if 0xAC00 <= o <= 0xD7A3:  # Hangul syllables: the 2,350 of KS X 1001 are the usual ones
        if c in _common()["ko"]:
            return 0.0
        return 0.3 if len(_encoded(c, "euc_kr")) == 2 else 1.5  # not an 8-byte make-up sequence
    if 0x3131 <= o <= 0x318E:
        return 1.0
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF:
        return _ideograph_cost(c, language)
    if 0x3040 <= o <= 0x30FF:  # kana
        return 0.0 if language == "ja" else 1.5
    if 0xFF61 <= o <= 0xFF9F:  # half-width katakana: what EUC bytes read as Shift-JIS give
        return 2.0
    if 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E or 0x2010 <= o <= 0x2027:
        return 0.05  # CJK and general punctuation (curly quotes, dashes), full-width forms
    if category.startswith("L"):
        return None
    if c in "\xa0°±×÷€£¥§©®":
        return 0.5
    return 1.5  # other symbols


_VOWELS = {"CYRILLIC": set("аеёиоуыэюяіїєў"), "GREEK": set("αεηιουωάέήίόύώϊϋ")}


def _letter_cost(run: str, i: int, c: str, glued: bool) -> float:
    """A letter of an alphabet: accented Latin letters inside words of ASCII letters, words of
    one script with vowels, capitals only at the start of a word (or all capitals)."""
    o = ord(c)
    prev = run[i - 1] if i else ""
    nxt = run[i + 1] if i + 1 < len(run) else ""
    case = 2.0 if c.isupper() and prev.isalpha() and (prev.islower() or nxt.islower()) else 0.0
    if 0xC0 <= o <= 0x24F:
        # Icelandic letters are what Turkish ğ İ ş read as CP1252 give
        cost = 0.8 if c in "ÐðÞþÝý" else 0.0 if o <= 0xFF else 0.1
        if (not glued and len(run) > 1) or len(run) > 2:
            cost += 1.0
        return cost + case
    script = unicodedata.name(c, "?").split()[0]
    mixed = any(unicodedata.name(x, "?").split()[0] != script for x in run if x.isalpha())
    vowels = _VOWELS.get(script)
    voiceless = vowels is not None and len(run) > 1 and not any(x.lower() in vowels for x in run)
    return float(mixed) + case + float(glued) + float(voiceless)


# --- CSV ----------------------------------------------------------------------------------

# What a file that is not CSV text starts with, and what to tell its user.
_NOT_TEXT = ((b"PK\x03\x04", "the file is a ZIP archive or an XLSX workbook, not CSV text: "
                              "name it .xlsx or set `format: xlsx`"),
             (b"\xd0\xcf\x11\xe0", "the file is an old Excel (.xls) workbook, not CSV text: "
                                    "save it as .xlsx or CSV UTF-8"),
             (b"PAR1", "the file is a Parquet file, not CSV text: name it .parquet or set "
                       "`format: parquet`"),
             (b"$FL2", "the file is an SPSS data file, not CSV text: name it .sav or set `format: sav`"),
             (b"$FL3", "the file is a compressed SPSS data file, not CSV text: name it .zsav or set "
                       "`format: sav`"))


def _check_text(raw: bytes, shown: str) -> None:
    for magic, message in _NOT_TEXT:
        if raw.startswith(magic):
            raise InputError(message, file=shown)


def _read_csv(raw: bytes, shown: str, encoding: str | None, delimiter: str | None):
    _check_text(raw, shown)
    text, used = _decode(raw, shown, encoding)
    if "\x00" in text[:65536]:
        raise InputError("the file is binary (it contains NUL bytes), not CSV text", file=shown)
    header = text.splitlines()[0] if text.strip() else ""
    if not header.strip():
        raise InputError("the file is empty (no header line)", file=shown)
    if delimiter is None:
        counts = {d: header.count(d) for d in _DELIMITERS}
        delimiter = max(counts, key=counts.get) if max(counts.values()) else ","
    # Parsed as UTF-8: the file's own bytes when they are, else its text encoded again.
    data = raw if used == "utf-8" else raw[3:] if used == "utf-8-sig" else text.encode("utf-8")
    head = _first_records(text, delimiter, 3)
    names = [f.strip() for f in head[0]]
    del text
    width = _row_widths(data, delimiter, shown)
    try:
        frame = pd.read_csv(io.BytesIO(data), sep=delimiter, dtype=str, encoding="utf-8",
                            keep_default_na=False, na_values=[""], skipinitialspace=True,
                            quoting=csv.QUOTE_MINIMAL, usecols=range(width) if width else None)
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(f"cannot be read as CSV with delimiter {delimiter!r}: "
                         f"{str(exc).strip().splitlines()[-1]}", file=shown) from None
    # The header as written (pandas renames a repeated "P1" to "P1.1", an empty name to
    # "Unnamed: 2"): the duplicate and empty names are then the file's own.
    names = (names + [""] * frame.shape[1])[:frame.shape[1]]
    frame.columns = [n or f"Unnamed: {i}" for i, n in enumerate(names)]
    frame = frame.apply(lambda col: col.str.strip())
    # A separator at the end of every line, the header's too: a last column without a name
    # and without a value is that separator's, not data.
    while (frame.shape[1] > 1 and str(frame.columns[-1]).startswith("Unnamed:")
           and frame.iloc[:, -1].isna().all()):
        frame = frame.iloc[:, :-1]
    frame = _check_header(frame, shown)
    frame, found = _drop_qualtrics(frame, head, shown)
    return frame, found | {"encoding": used}


def _drop_qualtrics(frame: pd.DataFrame, head: list[list[str]], shown: str):
    """The frame without a Qualtrics export's extra header rows; its labels and first row."""
    extra, labels = _qualtrics(head, shown)
    unnamed = frame.attrs.get("unnamed", [])
    if extra:
        frame = frame.iloc[extra:].reset_index(drop=True)
        if frame.empty:
            raise InputError(f"the file is a Qualtrics export cut after its header rows (rows "
                             f"{'2–3' if extra == 2 else '2'}): it has no responses; export it "
                             "again with its responses", file=shown)
    return frame, {"labels": {c: labels[i] for i, c in enumerate(frame.columns)
                              if i < len(labels) and labels[i]},
                   "first_row": 2 + extra, "unnamed": unnamed}


def _first_records(text: str, delimiter: str, n: int) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text[:1_000_000]), delimiter=delimiter, skipinitialspace=True,
                        quoting=csv.QUOTE_MINIMAL)
    records = []
    try:
        for fields in reader:
            if fields:
                records.append(fields)
            if len(records) == n:
                break
    except csv.Error:
        pass
    return records or [[]]


_IMPORT_ID = re.compile(r'^\{\s*"ImportId"\s*:')


def _qualtrics(head: list[list[str]], shown: str) -> tuple[int, list[str]]:
    """A Qualtrics export's extra header rows under the column names: how many, and the
    question texts (row 2) when it has them.

    Qualtrics writes the column names (``StartDate``, ``Q1``, ``Q3_1`` ...), then the
    question texts, then ``{"ImportId":"QID1"}`` for every column; an export may have only
    one of the two rows (the question texts are recognized by ``Start Date`` under
    ``StartDate``)."""
    def import_ids(row):
        cells = [c.strip() for c in row if c.strip()]
        return len(cells) >= 1 and sum(bool(_IMPORT_ID.match(c)) for c in cells) >= max(1, len(cells) // 2)

    header = [c.strip() for c in head[0]]
    rows = head[1:]
    if len(rows) >= 2 and import_ids(rows[1]):
        _check_import_ids(rows[1], header, 3, shown)
        return 2, [c.strip() for c in rows[0]]
    if rows and import_ids(rows[0]):
        _check_import_ids(rows[0], header, 2, shown)
        return 1, []
    if rows and header[:1] == ["StartDate"] and rows[0][:1] and rows[0][0].strip() == "Start Date":
        return 1, [c.strip() for c in rows[0]]
    return 0, []


def _check_import_ids(row: list[str], header: list[str], number: int, shown: str) -> None:
    for name, cell in zip(header, row):
        cell = cell.strip()
        if not cell:
            continue
        try:
            json.loads(cell)
        except ValueError:
            raise InputError(f"row {number} is Qualtrics' row of ImportIds, but its cell in column "
                             f"{name!r} is {cell[:30]!r}: was the export edited? Export it again "
                             "from Qualtrics", file=shown) from None


def _row_widths(data: bytes, delimiter: str, shown: str) -> int | None:
    """Check that every row has as many fields as the header.

    A row with more fields is an error unless every extra field is empty (a separator
    at the end of the row, as some programs write on every row): those are dropped, and
    the number of header fields is returned, else None.  A row with fewer fields is an
    error.  pyarrow's parser tells quickly whether every row fits; only a file where one
    may not is read again field by field, to name the rows as a spreadsheet numbers them.
    """
    if _widths_agree(data, delimiter):
        return None
    reader = csv.reader(io.StringIO(data.decode("utf-8")), delimiter=delimiter, skipinitialspace=True,
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


def _widths_agree(data: bytes, delimiter: str) -> bool:
    """Whether pyarrow's fast parser finds every row as wide as the header."""
    import pyarrow.csv as pacsv

    wrong = []

    def invalid(row):
        wrong.append(row)
        return "skip"

    try:
        pacsv.read_csv(io.BytesIO(data),
                       read_options=pacsv.ReadOptions(autogenerate_column_names=True),
                       parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                                        invalid_row_handler=invalid),
                       convert_options=pacsv.ConvertOptions(include_columns=["f0"]))
    except Exception:  # noqa: BLE001 - any doubt: count the fields one by one
        return False
    return not wrong


def _read_sav(raw: bytes, shown: str):
    """An SPSS .sav or .zsav file: numbers as numbers (whole ones as int), values the file
    declares missing as missing, texts stripped; its variable labels and value labels."""
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(io.BytesIO(raw))
    except Exception as exc:  # noqa: BLE001 - pyreadstat raises its own and OS errors
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"not a readable SPSS .sav file ({detail})", file=shown) from None
    columns = {}
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_numeric_dtype(col):
            columns[name] = [None if v != v else int(v) if float(v).is_integer() else float(v)
                             for v in col.tolist()]
        elif pd.api.types.is_string_dtype(col) or col.dtype == object:
            columns[name] = [(v.strip() or None) if isinstance(v, str) else None if v is None or v != v
                             else v for v in col.tolist()]
        else:
            columns[name] = col.astype(object).where(col.notna(), None).tolist()
    frame = _check_header(pd.DataFrame(columns, index=frame.index, dtype=object), shown)

    def code(value):
        return int(value) if isinstance(value, float) and value.is_integer() else value

    labels = {name: label.strip() for name, label in (meta.column_names_to_labels or {}).items()
              if isinstance(label, str) and label.strip()}
    value_labels = {name: {code(k): str(v) for k, v in mapping.items()}
                    for name, mapping in (meta.variable_value_labels or {}).items() if mapping}
    return frame, {"labels": labels, "value_labels": value_labels}


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
        # Read by default, the first visible sheet may be notes with the data elsewhere: every
        # refusal of it, here or in the caller's (attrs["other_sheets"]), names the others.
        others = [w.title for w in book.worksheets if sheet is None and w.title != ws.title
                  and getattr(w, "sheet_state", None) == "visible"]
    finally:
        book.close()
    try:
        frame = _sheet_frame(raw, ws.title, path, values, shown)
    except InputError as exc:
        if others:
            raise InputError(exc.detail + other_sheets(others), file=exc.file, column=exc.column,
                             rows=exc.rows) from None
        raise
    frame.attrs["other_sheets"] = others
    return frame


def other_sheets(names: list[str]) -> str:
    """What to add to a refusal of a workbook's sheet read by default (no `sheet` given)
    that has other visible sheets: ``"; the workbook's other sheets: 数据, 统计 — set `sheet`"``."""
    if not names:
        return ""
    listed = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
    return f"; the workbook's other sheets: {listed} — set `sheet`"


def _sheet_frame(raw: bytes, title: str, path: str, values: list, shown: str) -> pd.DataFrame:
    while values and all(v is None for v in values[-1]):
        values.pop()
    if not values:
        raise InputError(f"the sheet {title!r} is empty", file=shown)
    width = max(len(row) for row in values)
    rows = [row + [None] * (width - len(row)) for row in values]
    while width > 1 and all(row[width - 1] is None for row in rows):
        width -= 1
    rows = [row[:width] for row in rows]
    xml = _sheet_xml(raw, path)
    _check_merged(xml, title, width, len(rows), shown)
    if xml is None or re.search(rb"<(?:\w+:)?f[\s>/]", xml):  # a second pass only for formulas
        _check_formulas(raw, title, rows, shown)
    header = [_header_name(v, i) for i, v in enumerate(rows[0])]
    return _check_header(pd.DataFrame([[_cell(v) for v in row] for row in rows[1:]], columns=header,
                                      dtype=object), shown)


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
    """Stripped column names; a column without a name (a spreadsheet's or pandas' index, a
    title row's empty cells) is kept as "Unnamed: N" (N from 0) and listed, numbered from 1,
    in ``attrs["unnamed"]``: the survey ignores it unless the study needs a column it lacks."""
    names = [str(c).strip() for c in frame.columns]
    names = [f"Unnamed: {i}" if not n or n.startswith("Unnamed:") else n for i, n in enumerate(names)]
    named = [n for n in names if not n.startswith("Unnamed:")]
    dupes = sorted({n for n in named if named.count(n) > 1})
    if dupes:
        raise InputError(f"column {dupes[0]!r} appears more than once in the header", file=shown)
    frame.columns = names
    frame.attrs["unnamed"] = [i + 1 for i, n in enumerate(names) if n.startswith("Unnamed:")]
    return frame
