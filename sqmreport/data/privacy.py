"""Privacy at read time: personal data in free text is masked as the file is read."""

from __future__ import annotations

import re

__all__ = ["MASK", "mask_personal_data"]

MASK = "▇▇▇"

_PATTERNS = [
    # e-mail addresses
    re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    # 18-digit resident identity numbers (last character may be X), and 15-digit old ones
    re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)|(?<!\d)\d{15}(?!\d)"),
    # Chinese mobile numbers, optionally with +86 and separators: 138 1234 5678
    re.compile(r"(?:\+?86[\s-]?)?(?<!\d)1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)"),
    # other phone numbers: an optional country/area code and 7 or more digits
    re.compile(r"(?:\+\d{1,3}[\s-]?)?(?:\(?\d{2,4}\)?[\s-]?)?(?<!\d)\d{3,4}[\s-]?\d{4}(?!\d)"),
]


def mask_personal_data(text: str) -> str:
    """Replace e-mail addresses, identity numbers and phone numbers with a mask.

    Parameters
    ----------
    text : str
        A free-text answer (comment, complaint).

    Returns
    -------
    str
        The text with each match replaced by ``MASK``.

    Examples
    --------
    >>> mask_personal_data("请回电 138-1234-5678 或写信 li@example.com")
    '请回电 ▇▇▇ 或写信 ▇▇▇'
    >>> mask_personal_data("身份证 11010519491231002X")
    '身份证 ▇▇▇'
    """
    for pattern in _PATTERNS:
        text = pattern.sub(MASK, text)
    return text


