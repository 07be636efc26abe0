"""Privacy at read time: personal data in free text is masked as the file is read.

`mask_personal_data` is applied to every survey comment (`survey.py`) and every complaint
text (`operations.py`). The forms it covers, what it deliberately leaves alone and why are
listed in ``docs/privacy-masking.md``; ``tests/test_masking.py`` has one case per form.

How it works: the text is first *normalised* into a copy in which full-width and other
compatibility characters are replaced by their NFKC forms (``１３８`` becomes ``138``, ``＠``
becomes ``@``) and invisible characters (zero-width spaces and joiners, word joiner, byte-order
mark, soft hyphen, bidirectional marks) are removed, keeping, for each character of the copy,
the position of the character of the original it came from. The patterns are matched on the
copy; each match is mapped back to the original and replaced there, so that everything
outside a match is returned exactly as it was written. A text with fewer than five digits,
no ``@`` and no "at" before a domain-like word cannot hold any of the forms and is returned
at once; each digit pattern is tried only when a cheap test finds a run of digits long
enough for it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator

__all__ = ["MASK", "mask_personal_data"]

MASK = "▇▇▇"

# -- normalisation --------------------------------------------------------------------------

# Characters that render as nothing (or nearly) and can be slipped between the digits of a
# number: soft hyphen, combining grapheme joiner, Mongolian vowel separator, zero-width space,
# non-joiner and joiner, left-to-right and right-to-left marks and embeddings, word joiner and
# the invisible operators, directional isolates, byte-order mark / zero-width no-break space.
_INVISIBLE = ("\u00ad\u034f\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
              "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff")
_INVISIBLE_SET = frozenset(_INVISIBLE)
_HAS_INVISIBLE = re.compile(f"[{_INVISIBLE}]")
# Full-width ASCII (U+FF01-U+FF5E) and the ideographic space: their NFKC forms, one for one,
# so that the common case keeps the original's positions without an index map.
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _normalise(text: str) -> tuple[str, list[int] | None]:
    """The NFKC copy without invisible characters, and the original position of each of its
    characters (None when they are the same positions)."""
    same_length = text.translate(_WIDTH)
    if not _HAS_INVISIBLE.search(same_length) and (
            same_length.isascii() or unicodedata.is_normalized("NFKC", same_length)):
        return same_length, None
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(same_length):
        if ch in _INVISIBLE_SET:
            continue
        if not ch.isascii():
            ch = unicodedata.normalize("NFKC", ch)
        chars.append(ch)
        index.extend([i] * len(ch))
    return "".join(chars), index


# -- the patterns (on the normalised copy: ASCII digits and punctuation) ---------------------

# Between two digits of a phone or identity number: nothing, or up to three of space, hyphen,
# dot and the Unicode dashes (hyphen, non-breaking hyphen, figure dash, en and em dash,
# horizontal bar, minus sign).
_S = r"[ \t.\-\u2010-\u2015\u2212]{0,3}"
_NO_DIGIT_BEFORE = r"(?<![0-9])"
_NO_DIGIT_AFTER = r"(?![0-9])"
_AREA = r"(?:010|02[0-9]|0[3-9][0-9]{2})"  # mainland area codes: 010, 02x, 0xxx
_TW_AREA = r"(?:0826|0836|037|049|082|089|0[2-8])"  # Taiwan area codes
_EXTENSION = r"(?:[ \t]{0,2}(?:-|#|转|分机|ext\.?|x)[ \t]{0,2}[0-9]{1,6})?"
# words announcing a phone number; written out as literals (tel, Tel, TEL, ...) so that the
# regular expression engine can skip ahead to their first characters
_PHONE_WORDS = "(?:" + "|".join(
    ["电话", "手机", "座机", "联系", "致电", "拨打", "打给", "回电", "来电", "热线", "分机", "传真"]
    + [form for word in ("tel", "phone", "mobile", "cell", "call", "fax", "whatsapp")
       for form in (word, word.capitalize(), word.upper())]) + ")"
_DATE = re.compile(r"(?:19|20)[0-9]{2}[-./ ]{0,3}[01]?[0-9][-./ ]{0,3}[0-3]?[0-9]")


def _not_a_date(number: str) -> bool:
    return _DATE.fullmatch(number) is None


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit() or c in "Xx")


def _mainland_id(number: str) -> bool:
    """A resident identity number: 6-digit region, birth date, sequence (and check) digits."""
    d = _digits(number)
    if d[-1] in "Xx":
        return len(d) == 18
    if len(d) == 18:
        year, month, day = d[6:10], d[10:12], d[12:14]
        if year[:2] not in ("18", "19", "20"):
            return False
    else:
        month, day = d[8:10], d[10:12]
    return "01" <= month <= "12" and "01" <= day <= "31"


_HK_VALUE = {c: 10 + i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")} | {" ": 36}


def _hk_id(number: str) -> bool:
    """A Hong Kong identity card number written without brackets, with a valid check digit."""
    body = number[:-1].rjust(8)
    total = sum((9 - i) * (_HK_VALUE[c] if c.isalpha() or c == " " else int(c))
                for i, c in enumerate(body))
    return number[-1] == "0123456789A"[(11 - total % 11) % 11]


_LUHN_DOUBLED = str.maketrans("0123456789", "0246813579")  # 2d, less 9 when above 9


def _luhn(digits: str) -> bool:
    """The Luhn check of card numbers: every second digit from the right doubled."""
    return (sum(map(int, digits[-1::-2]))
            + sum(map(int, digits[-2::-2].translate(_LUHN_DOUBLED)))) % 10 == 0


def _prefixed(country: str, shortest: int, longest: int) -> re.Pattern[str]:
    """A number after +, 00 or (+) and a country code, of a length the country's numbers have
    (a number written after it is not taken with it)."""
    return re.compile(rf"(?:(?<![0-9A-Za-z])(?:\+|00){_S}{country}|\([ \t]?\+?{country}[ \t]?\)){_S}"
                      rf"(?:\(0\){_S}|0{_S})?[0-9](?:{_S}[0-9]){{{shortest - 1},{longest - 1}}}"
                      + _NO_DIGIT_AFTER)


# Cheap tests on the normalised text: a rule is tried only when its test finds something.
_GATES = {
    "run7": re.compile(rf"[0-9](?:{_S}[0-9]){{6}}"),    # 7 digits, separators between them
    "run13": re.compile(rf"[0-9](?:{_S}[0-9]){{12}}"),  # 13 digits, separators between them
    "prefix": re.compile(r"\+|00|\("),
    "plus": re.compile(r"\+"),
    "letter": re.compile(r"[A-Za-z][ \t]?[0-9]{5}"),
    "qq": re.compile(r"[Qq]|企鹅|扣扣"),
}

# (gate, pattern, group that is masked, check of the group's text or None); all need the text
# to have five digits or more.
_DIGIT_RULES: list[tuple[str, re.Pattern[str], str | int, Callable[[str], bool] | None]] = [
    # with a +86 / 0086 / (86) prefix (an optional trunk 0 or (0)): 9 to 11 digits, mobiles and
    # landlines; with +852 / +853 (Hong Kong, Macau): 8 digits; with +886 (Taiwan): 8 or 9
    ("prefix", _prefixed("86", 9, 11), 0, None),
    ("prefix", _prefixed("85[23]", 8, 8), 0, None),
    ("prefix", _prefixed("886", 8, 9), 0, None),
    # mainland mobile: 1[3-9] and 9 more digits, separators anywhere, ... after a bare 86
    # (the look-behind after the first digit lets the engine skip ahead to a 1 or an 8)
    ("run7", re.compile(rf"1(?<![0-9].){_S}[3-9](?:{_S}[0-9]){{9}}{_NO_DIGIT_AFTER}"), 0, None),
    ("run7", re.compile(rf"8(?<![0-9].)6{_S}1{_S}[3-9](?:{_S}[0-9]){{9}}{_NO_DIGIT_AFTER}"), 0, None),
    # mainland landline: (0xx) or 0xx(x) area code, 7 or 8 digits, an optional extension
    ("run7",
     re.compile(rf"(?<![0-9./\-])(?:\({_S}{_AREA}{_S}\)|{_AREA}){_S}[2-9](?:{_S}[0-9]){{6,7}}"
                rf"{_EXTENSION}{_NO_DIGIT_AFTER}"),
     0, None),
    # Taiwan mobile 09xx-xxx-xxx
    ("run7", re.compile(rf"0(?<![0-9].){_S}9(?:{_S}[0-9]){{8}}{_NO_DIGIT_AFTER}"), 0, None),
    # Taiwan landline: (0x) or 0x- area code and 6 to 8 digits
    ("run7",
     re.compile(rf"(?<![0-9./\-])(?:\({_TW_AREA}\)|{_TW_AREA}[ \t\-\u2010-\u2015\u2212])"
                rf"{_S}[0-9](?:{_S}[0-9]){{5,7}}{_EXTENSION}{_NO_DIGIT_AFTER}"),
     0, None),
    # international E.164: + country code and 7 to 15 digits in all, spaces, dashes, dots,
    # brackets between them (other country codes than those above)
    ("plus",
     re.compile(r"(?<![0-9A-Za-z+])\+[ \t]?\(?(?!86|85[23]|886)[1-9]"
                r"(?:[ \t.()\-\u2010-\u2015\u2212]{0,3}[0-9]){6,14}" + _NO_DIGIT_AFTER),
     0, None),
    # any number of 7 to 15 digits shortly after a word such as 电话 or phone (not a date)
    ("run7",
     re.compile(rf"{_PHONE_WORDS}[^0-9。！？!?\n]{{0,12}}?(?P<number>{_NO_DIGIT_BEFORE}[0-9]"
                rf"(?:[ \t\-\u2010-\u2015\u2212]{{0,3}}[0-9]){{6,14}}){_NO_DIGIT_AFTER}"),
     "number", _not_a_date),
    # mainland resident identity number: 18 characters (the last may be X) or 15 digits,
    # separators anywhere (6-8-4 groups); 18 digits only with a plausible birth date
    ("run13",
     re.compile(rf"[1-9](?<![0-9].)(?:{_S}[0-9]){{16}}{_S}[0-9Xx]{_NO_DIGIT_AFTER}"),
     0, _mainland_id),
    ("run13", re.compile(rf"[1-9](?<![0-9].)(?:{_S}[0-9]){{14}}{_NO_DIGIT_AFTER}"),
     0, _mainland_id),
    # Hong Kong identity card, check digit in brackets: A123456(7), AB123456(A)
    ("letter",
     re.compile(r"[A-Za-z](?<![A-Za-z0-9].)[A-Za-z]?[ \t]?[0-9]{6}[ \t]?\([ \t]?[0-9Aa][ \t]?\)"),
     0, None),
    # ... and without brackets, only when the check digit is right: A1234563
    ("letter", re.compile(r"[A-Z](?<![A-Za-z0-9].)[A-Z]?[0-9]{6}[0-9A](?![A-Za-z0-9])"), 0, _hk_id),
    # Taiwan national identity card (letter, 1 or 2, 8 digits) and resident certificate
    # (letter, 8 or 9, 8 digits)
    ("letter", re.compile(r"[A-Za-z](?<![A-Za-z0-9].)[1289][0-9]{8}(?![A-Za-z0-9])"), 0, None),
    # QQ numbers: 5 to 11 digits after QQ, Q号, 企鹅号, 扣扣 (号, 号码, ：, space); the number only
    ("qq",
     re.compile(r"(?<![A-Za-z])(?:[Qq]{2}|[Qq]号|企鹅号?|扣扣)(?:号码|号|账号|(?i:id))?[ \t]*[:是为]?[ \t]*"
                r"(?P<number>[1-9](?:[ \t\-]?[0-9]){4,10})(?![0-9])"),
     "number", None),
]

# Runs of digit groups (for bank cards): groups separated by one or two spaces, dashes, dots.
_DIGIT_RUN = re.compile(r"[0-9](?<![0-9].)[0-9]*(?:[ \t.\-\u2010-\u2015\u2212]{1,2}[0-9]+)*")
_DIGIT_GROUP = re.compile(r"[0-9]+")


def _card_shape(lengths: list[int]) -> bool:
    """Card numbers are written in one piece, in fours (the last group shorter), 4-6-5 or 6-13."""
    return (len(lengths) == 1
            or (all(n == 4 for n in lengths[:-1]) and 1 <= lengths[-1] <= 4)
            or lengths in ([4, 6, 5], [4, 6, 4])
            or (len(lengths) == 2 and lengths[0] == 6))


def _bank_cards(norm: str) -> Iterator[tuple[int, int]]:
    """13 to 19 digits in a card's grouping that pass the Luhn check (the longest, leftmost)."""
    for run in _DIGIT_RUN.finditer(norm):
        if run.end() - run.start() < 13:
            continue
        groups = [(g.start(), g.end()) for g in _DIGIT_GROUP.finditer(run.group())]
        if sum(e - s for s, e in groups) < 13:
            continue
        first = 0
        while first < len(groups):
            ends, total = [], 0  # the groups a card starting at `first` can end with
            for last in range(first, len(groups)):
                total += groups[last][1] - groups[last][0]
                if total > 19:
                    break
                if total >= 13:
                    ends.append(last)
            found = None
            for last in reversed(ends):
                chosen = groups[first:last + 1]
                if _card_shape([e - s for s, e in chosen]) and _luhn(
                        "".join(run.group()[s:e] for s, e in chosen)):
                    found = last
                    break
            if found is None:
                first += 1
                continue
            yield run.start() + groups[first][0], run.start() + groups[found][1]
            first = found + 1


# E-mail: the domain after each @, then the local part before it.
_AT_SIGN = re.compile("@")
_LOCAL_TAIL = re.compile(r"[\w.%+\-]{1,64}\Z")
# scripts written without spaces between words: CJK, kana, hangul
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_AFTER_CJK = re.compile(rf"[^{_CJK}]*\Z")
_DOMAIN = re.compile(r"(?:[^\W_](?:[\w\-]{0,62}[^\W_])?\.)+"
                     r"(?:xn--[A-Za-z0-9\-]{1,59}|[A-Za-z]{2,63}(?![A-Za-z0-9\-])|[^\W\d_A-Za-z]{2,63})")
# a Unicode local part runs on from the words before it: cut it after the last of these
_LOCAL_CUE = re.compile(r".*(?:邮箱|邮件|电邮|信箱|地址|是|为|到|给|至|:)", re.DOTALL)


def _emails(norm: str) -> Iterator[tuple[int, int]]:
    for at in _AT_SIGN.finditer(norm):
        at = at.start()
        domain = _DOMAIN.match(norm, at + 1)
        local = _LOCAL_TAIL.search(norm, max(0, at - 64), at)
        if domain is None or local is None:
            continue
        part = local.group()
        if domain.group().isascii():
            # with an ASCII domain, the local part starts after the last CJK character
            part = _AFTER_CJK.search(part).group()
        else:
            cue = _LOCAL_CUE.match(part)
            part = part[cue.end():] if cue else part
        part = part.lstrip(".%+-")
        if part:
            yield at - len(part), domain.end()


# Obfuscated e-mail: name [at] example [dot] com, name(at)example.com, name at example dot com,
# name at example.com (only with a lower-case common top-level domain).
_OBF_LOCAL = r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}"
_OBF_AT = r"[ \t]*[\[({<][ \t]*(?i:at)[ \t]*[\])}>][ \t]*"
_OBF_DOT = r"(?:[ \t]*[\[({<][ \t]*(?i:dot)[ \t]*[\])}>][ \t]*|[ \t]+(?i:dot)[ \t]+|\.)"
_OBF_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
_COMMON_TLD = r"(?:com|net|org|edu|gov|cn|hk|tw|mo|io|me|info|biz|co|uk|de|fr|jp|sg|us|ca|au)"
_OBFUSCATED = [
    re.compile(rf"{_OBF_LOCAL}{_OBF_AT}{_OBF_LABEL}(?:{_OBF_DOT}{_OBF_LABEL})+(?![A-Za-z0-9])"),
    re.compile(rf"{_OBF_LOCAL}[ \t]+(?i:at)[ \t]+{_OBF_LABEL}"
               rf"(?:(?:[ \t]*[\[({{<][ \t]*(?i:dot)[ \t]*[\])}}>][ \t]*|[ \t]+(?i:dot)[ \t]+){_OBF_LABEL})+"
               r"(?![A-Za-z0-9])"),
    re.compile(rf"{_OBF_LOCAL}[ \t]+(?i:at)[ \t]+{_OBF_LABEL}(?:\.{_OBF_LABEL})*\.{_COMMON_TLD}"
               r"(?![A-Za-z0-9])"),
]

# -- the fast path ---------------------------------------------------------------------------

_FIVE_DIGITS = re.compile(r"\d(?:\D*\d){4}")  # \d: any decimal digit, full-width ones too
# "at" in brackets, or "at" followed by a word and a dot or "dot"
_AT_WORD = re.compile(r"[\[({<（【][ \t]*(?i:at)[ \t]*[\])}>）】]|(?<![A-Za-z])(?i:at)[ \t]+[A-Za-z0-9\-]+"
                      r"(?:\.[A-Za-z]|[ \t]+(?i:dot)(?![A-Za-z])|[ \t]*[\[({<（【][ \t]*(?i:dot))")


def _spans(text: str) -> tuple[list[tuple[int, int]], list[int] | None]:
    digits = _FIVE_DIGITS.search(text) is not None
    at_sign = "@" in text or "＠" in text or "﹫" in text
    at_word = _AT_WORD.search(text) is not None
    if not (digits or at_sign or at_word):
        return [], None
    norm, index = _normalise(text)
    spans: list[tuple[int, int]] = []
    if digits:
        gates: dict[str, bool] = {}
        for gate, pattern, group, check in _DIGIT_RULES:
            if gate not in gates:
                gates[gate] = _GATES[gate].search(norm) is not None
            if gates[gate]:
                for m in pattern.finditer(norm):
                    if check is None or check(m.group(group)):
                        spans.append(m.span(group))
        if gates["run13"]:
            spans.extend(_bank_cards(norm))
    if at_sign:
        spans.extend(_emails(norm))
    if at_word:
        for pattern in _OBFUSCATED:
            spans.extend(m.span() for m in pattern.finditer(norm))
    return spans, index


def mask_personal_data(text: str) -> str:
    """Replace phone, identity, bank card and QQ numbers and e-mail addresses with ``MASK``.

    Applied to survey comments and complaint texts as they are read. The text is matched in
    its NFKC form with invisible characters removed (so full-width digits, ``＠`` and numbers
    split by zero-width spaces or soft hyphens are found), and each match is replaced in the
    original: the rest of the text is returned unchanged.

    Forms covered (one example each in ``docs/privacy-masking.md``):

    - mainland China mobiles, 11 digits from ``1[3-9]``, with or without ``+86``, ``0086``,
      ``(86)``, in any grouping with spaces, dashes or dots;
    - mainland landlines: area code ``010``, ``02x`` or ``0xxx`` (or in brackets), 7 or 8
      digits, an optional extension (``-801``, ``转801``, ``ext 801``);
    - Hong Kong and Macau numbers after ``+852`` / ``+853`` (``00852``, ``(852)``);
    - Taiwan: ``+886`` numbers, ``09xx-xxx-xxx`` mobiles, ``(0x)`` / ``0x-`` landlines;
    - international numbers in E.164 form: ``+``, 7 to 15 digits, separators between them;
    - any 7 to 15 digits shortly after 电话, 手机, 座机, 联系, 致电, 拨打, 回电, tel, phone,
      call, ... (not a date);
    - e-mail addresses, internationalised ones too (``用户@例子.公司``, ``xn--`` domains),
      and obfuscated ones (``li [at] example [dot] com``, ``li(at)example.com``,
      ``li at example dot com``, ``li at example.com`` with a common top-level domain);
    - mainland resident identity numbers: 18 characters (last ``X`` or a digit; when a digit,
      only with a plausible birth date) and 15-digit old ones, also in groups (6-8-4);
    - Hong Kong identity cards (``A123456(7)``, ``AB123456(A)``; without brackets only with
      a valid check digit), Taiwan identity cards and resident certificates (``A123456789``,
      ``A812345678``);
    - bank card numbers: 13 to 19 digits, in one piece or grouped (4-4-4-4, 4-6-5, 6-13),
      only when they pass the Luhn check;
    - QQ numbers: 5 to 11 digits after ``QQ``, ``Q号``, ``企鹅号``, ``扣扣``.

    Not masked, deliberately: names, postal addresses, WeChat ids and plate numbers (no
    pattern finds them without masking ordinary words), and ordinary numbers (waiting times,
    dates, times, scores, prices, percentages, order numbers that fail the Luhn check).

    Parameters
    ----------
    text : str
        A free-text answer (comment, complaint).

    Returns
    -------
    str
        The text with each match replaced by ``MASK``; overlapping or adjacent matches are
        replaced by a single ``MASK``.

    Notes
    -----
    ``docs/privacy-masking.md`` lists the forms covered with an example each, the ordinary
    numbers that are kept, what is not masked, and how to drop whole personal columns
    (``personal_columns`` in the study file).

    Examples
    --------
    >>> mask_personal_data("请回电 138-1234-5678 或写信 li@example.com")
    '请回电 ▇▇▇ 或写信 ▇▇▇'
    >>> mask_personal_data("身份证 11010519491231002X")
    '身份证 ▇▇▇'
    >>> mask_personal_data("手机：＋８６ １３８\u200b１２３４ ５６７８，谢谢！")
    '手机：▇▇▇，谢谢！'
    >>> mask_personal_data("邮箱 用户＠例子．公司 QQ号：123456789")
    '邮箱 ▇▇▇ QQ号：▇▇▇'
    >>> mask_personal_data("2024-03-15 等了 45 分钟，第3次来，8/10 分，¥1,200，好评率 95%")
    '2024-03-15 等了 45 分钟，第3次来，8/10 分，¥1,200，好评率 95%'
    """
    spans, index = _spans(text)
    if not spans:
        return text
    spans.sort()
    out: list[str] = []
    done = 0
    start, end = spans[0]
    for s, e in [*spans[1:], (len(text) + len(spans) + 10**9, 0)]:
        if s <= end:
            end = max(end, e)
            continue
        if index is not None:
            start, end = index[start], index[end - 1] + 1
        out += [text[done:start], MASK]
        done = end
        start, end = s, e
    out.append(text[done:])
    return "".join(out)
