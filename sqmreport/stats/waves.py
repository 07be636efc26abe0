"""The change of a mean between two survey waves.

Respondents whose id appears in both waves are paired, the others independent: the
partially-overlapping-samples t-test of Derrick, Toher & White (2017, *The
Quantitative Methods for Psychology* 13(2), T_new2, unequal variances), which is
Welch's test when no id repeats and the paired t-test when every id does.  A wave
known only from its summary (n, mean, SD) is compared by Welch's test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


__all__ = ["MIN_PAIRED", "compare_means", "compare_samples", "compare_summaries"]

MIN_PAIRED = 3  # fewer repeated ids than this give no usable correlation: test as independent
def compare_means(current: pd.Series, previous: pd.Series, *, confidence: float = 0.95) -> dict:
    """Change of a mean between two waves, pairing respondents whose id appears in both.

    Parameters
    ----------
    current, previous : Series
        One value per respondent, indexed by respondent id; NaN for no answer.
    confidence : float
        Level of the interval of the change.

    Returns
    -------
    dict
        ``current_mean, previous_mean, change`` (current − previous), ``se, t, df,
        p_value, ci_low, ci_high``, ``n_current, n_previous, n_paired`` and ``test``:
        ``welch`` (no id in both waves, or fewer than three: too few to estimate their
        correlation), ``paired`` (every id in both) or ``overlap`` (Derrick et al.'s
        T_new2 for partially overlapping samples).

    Examples
    --------
    >>> a = pd.Series([4.0, 5, 3, 4], index=list("abcd"))
    >>> b = pd.Series([3.0, 4, 3, 2], index=list("abcd"))
    >>> r = compare_means(a, b)
    >>> r["test"], round(r["change"], 2), round(r["t"], 4), r["df"]
    ('paired', 1.0, 2.4495, 3.0)
    """
    x, y = current.dropna(), previous.dropna()
    both = x.index.intersection(y.index)
    pairs = (x.index.get_indexer(both), y.index.get_indexer(both))
    return compare_samples(x.to_numpy(float), y.to_numpy(float), pairs=pairs,
                           confidence=confidence)


def compare_samples(x: np.ndarray, y: np.ndarray, *, pairs: tuple,
                    confidence: float = 0.95) -> dict:
    """:func:`compare_means` on arrays: ``pairs`` = positions of the same respondents in
    ``x`` and ``y``; NaN = no answer (a pair counts when both answered)."""
    okx, oky = ~np.isnan(x), ~np.isnan(y)
    i, j = pairs
    keep = okx[i] & oky[j]
    i, j = i[keep], j[keep]
    x, y = x[okx], y[oky]
    n1, n2 = len(x), len(y)
    if n1 < 2 or n2 < 2:
        return _no_test(x, y)
    nc = len(i) if len(i) >= MIN_PAIRED else 0
    s1, s2 = x.std(ddof=1), y.std(ddof=1)
    v1, v2 = s1**2 / n1, s2**2 / n2
    welch_df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1)) if v1 + v2 > 0 else np.nan
    change = x.mean() - y.mean()
    if nc == 0:
        test, var, df = "welch", v1 + v2, welch_df
    else:
        # i, j index the arrays before missing answers were dropped: map them to positions after.
        pa, pb = x[np.cumsum(okx)[i] - 1], y[np.cumsum(oky)[j] - 1]
        r = np.corrcoef(pa, pb)[0, 1] if pa.std() > 0 and pb.std() > 0 else 0.0
        var = v1 + v2 - 2 * r * s1 * s2 * nc / (n1 * n2)
        na, nb = n1 - nc, n2 - nc
        test = "paired" if na == nb == 0 else "overlap"
        df = (nc - 1) + (welch_df - nc + 1) / (na + nb + 2 * nc) * (na + nb) if na + nb else nc - 1.0
    return _finish(x.mean(), y.mean(), change, var, df, confidence, test, n1, n2, nc)


def compare_summaries(current: tuple, previous: tuple, *, confidence: float = 0.95) -> dict:
    """Welch's test of the change between two waves known only by ``(mean, sd, n)``.

    Examples
    --------
    >>> r = compare_summaries((5.2, 1.0, 100), (5.0, 1.2, 80))
    >>> round(r["change"], 2), round(r["df"], 1), r["test"]
    (0.2, 153.4, 'welch')
    """
    (m1, s1, n1), (m2, s2, n2) = current, previous
    if n1 < 2 or n2 < 2 or not (np.isfinite(s1) and np.isfinite(s2)):
        return {**_no_test(np.array([]), np.array([])),
                "current_mean": m1, "previous_mean": m2, "change": m1 - m2,
                "n_current": n1, "n_previous": n2}
    v1, v2 = s1**2 / n1, s2**2 / n2
    df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1)) if v1 + v2 > 0 else np.nan
    return _finish(m1, m2, m1 - m2, v1 + v2, df, confidence, "welch", n1, n2, 0)


def _finish(m1, m2, change, var, df, confidence, test, n1, n2, nc) -> dict:
    # Imported here, not at the top: checking a study's waves needs no SciPy.
    from scipy import stats

    se = float(np.sqrt(var)) if var > 0 else 0.0
    if se > 0 and np.isfinite(df):
        t = float(change / se)
        p = float(2 * stats.t.sf(abs(t), df))
        half = stats.t.ppf(0.5 + confidence / 2, df) * se
    else:
        t = p = half = np.nan
    return {"current_mean": float(m1), "previous_mean": float(m2), "change": float(change),
            "se": se, "t": t, "df": float(df), "p_value": p, "ci_low": change - half,
            "ci_high": change + half, "test": test, "n_current": int(n1),
            "n_previous": int(n2), "n_paired": int(nc)}


def _no_test(x, y) -> dict:
    return {"current_mean": float(np.mean(x)) if len(x) else np.nan,
            "previous_mean": float(np.mean(y)) if len(y) else np.nan,
            "change": float(np.mean(x) - np.mean(y)) if len(x) and len(y) else np.nan,
            "se": np.nan, "t": np.nan, "df": np.nan, "p_value": np.nan, "ci_low": np.nan,
            "ci_high": np.nan, "test": "none", "n_current": len(x), "n_previous": len(y),
            "n_paired": 0}


