"""Disclosure control: which groups and cells of a breakdown cannot be shown.

Every breakdown a report publishes (sample profile, segment means and tests, grey
relational grades, complaint tables) is shown beside totals that are published too:
the overall n and mean of each measure, and the count of all respondents.  A hidden
cell is safe only when what can be subtracted from those totals does not give it:

- **primary suppression**: a cell with fewer than ``min_size`` contributors (but some)
  is hidden;
- **complementary suppression**: in each column, the contributors that are hidden
  or never shown (respondents with no value in the segment) must, together, be
  none, or at least ``min_size`` people in at least two groups; while they are not,
  the smallest cell still shown is hidden too.

With this, ``total − shown`` gives only the pooled figure of two or more hidden
groups of ``min_size`` people or more, never one group.  The same rule covers counts
(whose contributors are the counted people) and statistics (whose contributors are
the people with an answer), means, shares and quantiles alike.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["protect", "suppress_small"]


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
    return protect(counts.to_frame("n"), min_size=min_size)["n"]


def protect(contributors: pd.DataFrame, *, min_size: int, hidden: pd.Series | None = None,
            unshown: pd.Series | None = None) -> pd.DataFrame:
    """Which cells of a breakdown to hide so that none can be recovered from the totals.

    Parameters
    ----------
    contributors : DataFrame
        Groups × statistics: how many respondents (or records) each cell is computed
        from (for a mean, those with an answer).
    min_size : int
        The fewest contributors a shown cell may have.
    hidden : Series of bool, optional
        Groups hidden whole (for instance by :func:`suppress_small` on the group sizes,
        so that a group hidden in the sample profile is hidden in every table).
    unshown : Series, optional
        Per statistic, contributors that belong to no group shown in the table but are
        in its total (respondents with no value in the segment).  They count as one
        more hidden group.

    Returns
    -------
    DataFrame of bool
        True for the cells to hide.

    Notes
    -----
    In each column: primary suppression of the cells with 0 < n < min_size, then, while
    the hidden contributors (with ``unshown``) are not either none or at least
    ``min_size`` in at least two groups, the shown cell with the fewest contributors is
    hidden too (ties: the first).  When no shown cell is left, the column is hidden
    whole.

    References
    ----------
    Hundepool, A., et al. (2012). Statistical Disclosure Control. Wiley, sections 5.2
    (threshold rule) and 5.3 (secondary suppression).

    Examples
    --------
    >>> n = pd.DataFrame({"mean": [3, 40, 60], "share": [3, 40, 60]}, index=["a", "b", "c"])
    >>> protect(n, min_size=5)["mean"].tolist()
    [True, True, False]
    >>> protect(n, min_size=5, unshown=pd.Series({"mean": 2, "share": 0}))["share"].tolist()
    [True, True, False]
    >>> protect(n[["mean"]].assign(mean=[30, 40, 60]), min_size=5,
    ...         unshown=pd.Series({"mean": 6}))["mean"].tolist()
    [True, False, False]
    """
    counts = contributors.fillna(0).astype(float)
    hide = pd.DataFrame(False, index=counts.index, columns=counts.columns)
    whole = (pd.Series(False, index=counts.index) if hidden is None
             else hidden.reindex(counts.index, fill_value=False).astype(bool))
    for column in counts.columns:
        n = counts[column].to_numpy()
        mask = whole.to_numpy() | ((n > 0) & (n < min_size))
        extra = 0.0 if unshown is None else float(unshown.get(column, 0) or 0)
        while not _safe(n[mask & (n > 0)], extra, min_size):
            shown = np.flatnonzero(~mask & (n > 0))
            if not len(shown):
                mask[:] = True
                break
            mask[shown[np.argmin(n[shown])]] = True
        hide[column] = mask
    return hide


def _safe(hidden: np.ndarray, extra: float, min_size: int) -> bool:
    """Hidden contributors are none, or at least ``min_size`` in two or more groups."""
    parts = [*hidden.tolist(), *([extra] if extra > 0 else [])]
    return not parts or (len(parts) >= 2 and sum(parts) >= min_size)
