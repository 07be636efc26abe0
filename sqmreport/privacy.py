"""Keeping respondents unidentifiable: masking free text, suppressing small groups."""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["mask_personal_data", "MASK", "suppress_small"]

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


def suppress_small(counts: pd.Series, min_size: int) -> pd.Series:
    """Which groups of a breakdown to suppress so that no group below ``min_size`` can be recovered.

    Groups below ``min_size`` are suppressed.  A breakdown is shown beside its
    total, so the suppressed groups together could be recovered by subtracting
    the others from it: while they hold fewer than ``min_size`` respondents in
    all, the smallest group still shown is suppressed too (complementary
    suppression).

    Parameters
    ----------
    counts : Series
        Respondents per group of one breakdown (the values of one segment).
    min_size : int

    Returns
    -------
    Series of bool
        True for the groups to suppress.

    Examples
    --------
    >>> suppress_small(pd.Series({"a": 3, "b": 40, "c": 60}), 5).tolist()
    [True, True, False]
    >>> suppress_small(pd.Series({"a": 3, "b": 4, "c": 60}), 5).tolist()
    [True, True, False]
    """
    hide = counts < min_size
    while hide.any() and counts[hide].sum() < min_size and not hide.all():
        hide[counts[~hide].idxmin()] = True
    return hide
