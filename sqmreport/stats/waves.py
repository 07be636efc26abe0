"""The change of a mean between two survey waves.

Respondents whose id appears in both waves are paired, the others independent: the
partially-overlapping-samples t-test of Derrick, Toher & White (2017, *The
Quantitative Methods for Psychology* 13(2), T_new2, unequal variances), which is
Welch's test when no id repeats and the paired t-test when every id does.  A wave
known only from its summary (n, mean, SD) is compared by Welch's test.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sqmreport.stats._options import check_confidence

__all__ = ["MIN_PAIRED", "MeanChange", "compare_means", "compare_samples", "compare_summaries"]

MIN_PAIRED = 3  # fewer repeated ids than this give no usable correlation: test as independent


@dataclass(frozen=True)
class MeanChange:
    """The change of a mean between two waves, with its test.

    Attributes
    ----------
    current_mean, previous_mean : float
        The mean of each wave (over the respondents who answered).
    change : float
        ``current_mean − previous_mean``.
    se : float
        Standard error of the change (0 when both waves are constant).
    t : float
        ``change / se``; NaN when there is no test.
    df : float
        Degrees of freedom of the t distribution (Welch-Satterthwaite, paired
        n − 1, or Derrick et al.'s for overlapping samples).
    p_value : float
        Two-sided p-value.
    ci_low, ci_high : float
        t-interval of the change at the requested ``confidence``.
    test : str
        ``"welch"`` (independent waves), ``"paired"`` (every respondent in both),
        ``"overlap"`` (some respondents in both) or ``"none"`` (fewer than two
        answers in a wave).
    n_current, n_previous : int
        Respondents who answered in each wave.
    n_paired : int
        Respondents paired across the waves (0 when fewer than ``MIN_PAIRED``).
    """

    current_mean: float
    previous_mean: float
    change: float
    se: float
    t: float
    df: float
    p_value: float
    ci_low: float
    ci_high: float
    test: str
    n_current: int
    n_previous: int
    n_paired: int

    def as_dict(self) -> dict:
        """The fields as a dict, in order: one row of a table of changes."""
        return dataclasses.asdict(self)


def compare_means(current: pd.Series, previous: pd.Series, *,
                  confidence: float = 0.95) -> MeanChange:
    """Change of a mean between two waves, pairing respondents whose id appears in both.

    Parameters
    ----------
    current, previous : Series
        One value per respondent, indexed by respondent id; NaN for no answer.
    confidence : float
        Level of the interval of the change.

    Returns
    -------
    MeanChange
        ``test`` is ``welch`` (no id in both waves, or fewer than three: too few to
        estimate their correlation), ``paired`` (every id in both) or ``overlap``
        (Derrick et al.'s T_new2 for partially overlapping samples).

    Raises
    ------
    InputError
        For a ``confidence`` outside (0, 1).

    Notes
    -----
    With n₁, n₂ answers, s₁, s₂ their SDs, n_c respondents in both waves and r the
    correlation of their paired answers,
    SE² = s₁²/n₁ + s₂²/n₂ − 2 r s₁ s₂ n_c / (n₁ n₂), t = (x̄₁ − x̄₂) / SE, and
    df = (n_c − 1) + (ν_Welch − n_c + 1) / (n_a + n_b + 2 n_c) · (n_a + n_b) with
    n_a, n_b the unpaired respondents of each wave (T_new2).  Without pairs this is
    Welch's test, with only pairs the paired t-test.
    In R: ``t.test(x, y)`` and ``t.test(x, y, paired = TRUE)`` for the two
    limiting cases; ``Partiallyoverlapping::Partover.test(..., var.equal = FALSE)``
    for the general one.

    References
    ----------
    Derrick, B., Toher, D., & White, P. (2017). How to compare the means of two
    samples that include paired observations and independent observations.
    The Quantitative Methods for Psychology, 13(2), 120-126.

    Examples
    --------
    >>> a = pd.Series([4.0, 5, 3, 4], index=list("abcd"))
    >>> b = pd.Series([3.0, 4, 3, 2], index=list("abcd"))
    >>> r = compare_means(a, b)
    >>> r.test, round(r.change, 2), round(r.t, 4), r.df
    ('paired', 1.0, 2.4495, 3.0)
    """
    check_confidence(confidence)
    x, y = current.dropna(), previous.dropna()
    both = x.index.intersection(y.index)
    pairs = (x.index.get_indexer(both), y.index.get_indexer(both))
    return compare_samples(x.to_numpy(float), y.to_numpy(float), pairs=pairs,
                           confidence=confidence)


def compare_samples(x: np.ndarray, y: np.ndarray, *, pairs: tuple,
                    confidence: float = 0.95) -> MeanChange:
    """:func:`compare_means` on arrays, for many measures of the same two waves.

    Parameters
    ----------
    x, y : ndarray
        The current and the previous wave's answers; NaN for no answer.
    pairs : (ndarray, ndarray)
        Positions of the same respondents in ``x`` and ``y`` (a pair counts when
        both answered).
    confidence : float
        Level of the interval of the change.

    Returns
    -------
    MeanChange

    Notes
    -----
    As :func:`compare_means`.

    References
    ----------
    Derrick, B., Toher, D., & White, P. (2017). How to compare the means of two
    samples that include paired observations and independent observations.
    The Quantitative Methods for Psychology, 13(2), 120-126.

    Examples
    --------
    >>> r = compare_samples(np.array([4.0, 5, 3, 4]), np.array([3.0, 4, 3, 2]),
    ...                     pairs=(np.array([], int), np.array([], int)))
    >>> r.test, r.n_paired
    ('welch', 0)
    """
    check_confidence(confidence)
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


def compare_summaries(current: tuple, previous: tuple, *,
                      confidence: float = 0.95) -> MeanChange:
    """Welch's test of the change between two waves known only by ``(mean, sd, n)``.

    Parameters
    ----------
    current, previous : (float, float, int)
        Mean, standard deviation and number of respondents of each wave.
    confidence : float
        Level of the interval of the change.

    Returns
    -------
    MeanChange
        ``test`` is ``welch``, or ``none`` when a wave has fewer than two
        respondents or no SD; ``n_paired`` is 0.

    Notes
    -----
    SE² = s₁²/n₁ + s₂²/n₂, t = (x̄₁ − x̄₂)/SE, Welch-Satterthwaite
    df = SE⁴ / ((s₁²/n₁)²/(n₁ − 1) + (s₂²/n₂)²/(n₂ − 1)).
    In R: ``BSDA::tsum.test(m1, s1, n1, m2, s2, n2)``.

    References
    ----------
    Welch, B. L. (1947). The generalization of 'Student's' problem when several
    different population variances are involved. Biometrika, 34(1-2), 28-35.

    Examples
    --------
    >>> r = compare_summaries((5.2, 1.0, 100), (5.0, 1.2, 80))
    >>> round(r.change, 2), round(r.df, 1), r.test
    (0.2, 153.4, 'welch')
    """
    check_confidence(confidence)
    (m1, s1, n1), (m2, s2, n2) = current, previous
    if n1 < 2 or n2 < 2 or not (np.isfinite(s1) and np.isfinite(s2)):
        return dataclasses.replace(_no_test(np.array([]), np.array([])), current_mean=m1,
                                   previous_mean=m2, change=m1 - m2, n_current=n1,
                                   n_previous=n2)
    v1, v2 = s1**2 / n1, s2**2 / n2
    df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1)) if v1 + v2 > 0 else np.nan
    return _finish(m1, m2, m1 - m2, v1 + v2, df, confidence, "welch", n1, n2, 0)


def _finish(m1, m2, change, var, df, confidence, test, n1, n2, nc) -> MeanChange:
    # Imported here, not at the top: checking a study's waves needs no SciPy.
    from scipy import stats

    se = float(np.sqrt(var)) if var > 0 else 0.0
    if se > 0 and np.isfinite(df):
        t = float(change / se)
        p = float(2 * stats.t.sf(abs(t), df))
        half = stats.t.ppf(0.5 + confidence / 2, df) * se
    else:
        t = p = half = np.nan
    return MeanChange(current_mean=float(m1), previous_mean=float(m2), change=float(change),
                      se=se, t=t, df=float(df), p_value=p, ci_low=change - half,
                      ci_high=change + half, test=test, n_current=int(n1),
                      n_previous=int(n2), n_paired=int(nc))


def _no_test(x, y) -> MeanChange:
    return MeanChange(current_mean=float(np.mean(x)) if len(x) else np.nan,
                      previous_mean=float(np.mean(y)) if len(y) else np.nan,
                      change=float(np.mean(x) - np.mean(y)) if len(x) and len(y) else np.nan,
                      se=np.nan, t=np.nan, df=np.nan, p_value=np.nan, ci_low=np.nan,
                      ci_high=np.nan, test="none", n_current=len(x), n_previous=len(y),
                      n_paired=0)


