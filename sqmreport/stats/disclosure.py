"""Disclosure control: which groups of a breakdown cannot be shown."""

from __future__ import annotations

import pandas as pd

__all__ = ["suppress_small"]


def suppress_small(counts: pd.Series, *, min_size: int) -> pd.Series:
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
        The smallest group that may be shown.

    Returns
    -------
    Series of bool
        True for the groups to suppress.

    Notes
    -----
    Primary suppression of every cell n < min_size, then complementary
    suppression of the smallest shown cell while the suppressed cells sum to
    less than min_size.  In R: ``sdcTable::protectTable`` does this (and more)
    for whole tables.

    References
    ----------
    Hundepool, A., et al. (2012). Statistical Disclosure Control. Wiley, ch. 5.

    Examples
    --------
    >>> suppress_small(pd.Series({"a": 3, "b": 40, "c": 60}), min_size=5).tolist()
    [True, True, False]
    >>> suppress_small(pd.Series({"a": 3, "b": 4, "c": 60}), min_size=5).tolist()
    [True, True, False]
    """
    hide = counts < min_size
    while hide.any() and counts[hide].sum() < min_size and not hide.all():
        hide[counts[~hide].idxmin()] = True
    return hide
