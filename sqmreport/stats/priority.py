"""Improvement priorities with their uncertainty: one model for every report.

Each item has a performance (its mean perception), an importance (mean expectation,
the mean points given to its dimension, or its correlation with overall
satisfaction) and, where the survey measured expectations, a gap (P − E, over the
respondents who answered both).  The importance-performance matrix places the item
against the two cross-hairs; the priority score orders the items that fall short:

    shortfall = −gap                       (with expectations)
              = performance cut − performance  (without: below the cross-hair)
    score     = max(shortfall, 0) × importance / mean importance

Every figure gets a percentile interval from a seeded bootstrap of respondents, and
every verdict says how sure it is: an item is to *improve first* only when its
score's interval lies above zero (the shortfall is clear), to *watch* when the
score is positive but its interval reaches zero, and *meets the mark* otherwise; its
quadrant is named alone only when both intervals of (value − cut) leave the cut,
otherwise the quadrants it may be in are named together.  The cuts are recomputed in
every bootstrap sample, so their uncertainty is in the intervals too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sqmreport._validation import check_option
from sqmreport.stats._options import check_confidence

__all__ = ["PriorityResult", "item_priorities"]

SUBSAMPLE = 5_000  # larger surveys: bootstrap a random subsample, rescaled (m-out-of-n)
QUADRANTS = {(True, False): "improve", (True, True): "maintain", (False, False): "low_priority",
             (False, True): "overkill"}  # (high importance, high performance)


@dataclass(frozen=True)
class PriorityResult:
    """Items with importance, performance, gap and priority score, each with its interval.

    Attributes
    ----------
    table : DataFrame
        One row per item, in the order given: ``item, importance, importance_low,
        importance_high, performance, performance_low, performance_high, gap, gap_low,
        gap_high`` (NaN without expectations), ``score, score_low, score_high,
        quadrant`` (by the point estimates), ``quadrants`` (the quadrants within the
        intervals, joined by ``/``), ``sure`` (one quadrant), ``action``
        (``improve_first``, ``watch`` or ``meets``), ``priority_rank`` (by score, among
        the items with a positive score), ``importance_cut, performance_cut``.
    importance_rule, performance_rule : str
        How the cross-hairs were placed (``mean``, ``median``, ``midpoint``).
    shortfall : str
        ``gap`` (below expectation) or ``crosshair`` (below the performance cut).
    confidence : float
    n_boot : int
        Bootstrap samples.
    subsample : int or None
        Respondents per bootstrap sample when the survey is larger than
        :data:`SUBSAMPLE` (the deviations are rescaled by √(m / n)); None otherwise.
    seed : int
    """

    table: pd.DataFrame
    importance_rule: str
    performance_rule: str
    shortfall: str
    confidence: float
    n_boot: int
    subsample: int | None
    seed: int


def item_priorities(perception: pd.DataFrame, importance: pd.DataFrame | pd.Series, *,
                    expectation: pd.DataFrame | None = None, rule: str = "mean",
                    importance_rule: str | None = None, scale: tuple | None = None,
                    importance_scale: tuple | None = None, confidence: float = 0.95,
                    n_boot: int = 2000, seed: int = 20240501, ranges: dict | None = None,
                    importance_ranges: dict | None = None) -> PriorityResult:
    """Improvement priorities of the items, each figure with a bootstrap interval.

    Parameters
    ----------
    perception : DataFrame
        Respondents × items: perception ratings (NaN: not answered).
    importance : DataFrame or Series
        Respondents × items of stated importance (the item's mean is its importance:
        expectations, or the points given to its dimension), or a Series of overall
        satisfaction (the item's importance is its correlation with it: derived).
    expectation : DataFrame, optional
        Respondents × items: expectation ratings; the shortfall is then −gap.
    rule : {"mean", "median", "midpoint"}
        Where the performance axis is cut (:func:`~sqmreport.stats.drivers.crosshair`).
    importance_rule : str, optional
        Where the importance axis is cut; default ``rule``, but ``mean`` when ``rule``
        is ``midpoint`` and the importance has no ``importance_scale``.
    scale, importance_scale : (min, max), optional
        The rating scales, for the ``midpoint`` rule.
    confidence : float
        Level of the percentile intervals, in (0, 1).
    n_boot : int
        Bootstrap samples (at least 200), or 0 for the point estimates alone (the
        intervals are then NaN and every quadrant within reach is named).
    seed : int
        Seed of the bootstrap: the same data give the same intervals.
    ranges : dict, optional
        Item -> (min, max) of its scale, for items rated on different scales:
        perception and expectation (and so the gap) are taken in percent of each item's
        scale range, 100 (x − min) / (max − min), and ``scale`` becomes 0-100.  None (the
        default): the ratings as they are.
    importance_ranges : dict, optional
        The same for a stated ``importance`` frame (expectations on the items' scales);
        ``importance_scale`` becomes 0-100.

    Returns
    -------
    PriorityResult

    Notes
    -----
    The bootstrap resamples respondents (rows) with replacement and recomputes every
    statistic, the cross-hairs included; intervals are percentile intervals.  For a
    survey of more than :data:`SUBSAMPLE` respondents each sample draws m = 5,000
    rows and its deviation from the full sample's estimate is scaled by √(m / n) (the
    rescaled m-out-of-n bootstrap for smooth statistics; Bickel, Götze & van Zwet
    1997), so a million respondents cost as much as 5,000.  In R:
    ``boot::boot(data, statistic, R = n_boot)`` with ``boot.ci(type = "perc")``.

    References
    ----------
    Martilla, J. A., & James, J. C. (1977). Importance-performance analysis. Journal of
    Marketing, 41(1), 77-79.  Efron, B., & Tibshirani, R. J. (1993). An Introduction
    to the Bootstrap. Chapman & Hall, ch. 13.  Bickel, P. J., Götze, F., & van Zwet,
    W. R. (1997). Resampling fewer than n observations. Statistica Sinica, 7, 1-31.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> e = pd.DataFrame(rng.integers(5, 8, size=(80, 3)), columns=["a", "b", "c"])
    >>> p = e - rng.integers(0, 2, size=(80, 3)) * [2, 0, 1]  # a falls short by 1 on average
    >>> r = item_priorities(p, e, expectation=e, n_boot=500)
    >>> r.table[["item", "gap", "gap_low", "gap_high", "action", "priority_rank"]].round(2)
      item  gap  gap_low  gap_high         action  priority_rank
    0    a -1.0    -1.20     -0.80  improve_first              1
    1    b  0.0     0.00      0.00          meets           <NA>
    2    c -0.5    -0.61     -0.39  improve_first              2
    """
    check_option("rule", rule, ("mean", "median", "midpoint"))
    check_confidence(confidence)
    if n_boot != 0 and n_boot < 200:
        raise ValueError(f"`n_boot` must be 0 or at least 200, got {n_boot}")
    derived = isinstance(importance, pd.Series)
    if ranges is not None:
        perception = _percent_of_range(perception, ranges)
        expectation = None if expectation is None else _percent_of_range(expectation, ranges)
        scale = (0, 100)
    if importance_ranges is not None and not derived:
        importance = _percent_of_range(importance, importance_ranges)
        importance_scale = (0, 100)
    if importance_rule is None:
        importance_rule = rule if (rule != "midpoint" or importance_scale) else "mean"
    items = list(perception.columns)
    p = perception.to_numpy(float)
    imp = (importance.to_numpy(float)[:, None] if derived
           else importance[items].to_numpy(float))
    e = None if expectation is None else expectation[items].to_numpy(float)

    def statistics(rows: np.ndarray) -> np.ndarray:
        return _statistics(p[rows], imp[rows], None if e is None else e[rows], derived,
                           rule, importance_rule, scale, importance_scale)

    n = len(p)
    point = statistics(np.arange(n))
    rng = np.random.default_rng(seed)
    m = min(n, SUBSAMPLE)
    shrink = np.sqrt(m / n)
    draws = np.empty((n_boot, point.size))
    for b in range(n_boot):
        draws[b] = point + (statistics(rng.integers(0, n, size=m)) - point) * shrink
    alpha = (1 - confidence) / 2
    if n_boot == 0:
        low = high = np.full(point.size, np.nan)
    else:
        with np.errstate(all="ignore"), _quiet():  # a gap without expectations is NaN throughout
            low, high = np.nanquantile(draws, [alpha, 1 - alpha], axis=0)
    table = _table(items, point, low, high, draws, alpha, has_gap=e is not None)
    return PriorityResult(table, importance_rule, rule, "gap" if e is not None else "crosshair",
                          confidence, n_boot, None if m == n else m, seed)


def _percent_of_range(frame: pd.DataFrame, ranges: dict) -> pd.DataFrame:
    """Each column in percent of its scale's range (columns without a range unchanged)."""
    out = frame.astype(float).copy()
    for column in out.columns:
        if column in ranges:
            low, high = ranges[column]
            out[column] = 100 * (out[column] - low) / (high - low)
    return out


# The statistics vector: per item importance, performance, gap, score, (importance −
# cut), (performance − cut); then the two cuts.
_PARTS = ("importance", "performance", "gap", "score", "imp_margin", "perf_margin")


def _statistics(p, imp, e, derived, rule, importance_rule, scale, importance_scale) -> np.ndarray:
    with np.errstate(all="ignore"), _quiet():
        performance = np.nanmean(p, axis=0)
        importance = _correlations(p, imp[:, 0]) if derived else np.nanmean(imp, axis=0)
        gap = np.nanmean(p - e, axis=0) if e is not None else np.full(p.shape[1], np.nan)
        perf_cut = _cut(performance, rule, scale)
        imp_cut = _cut(importance, importance_rule, importance_scale)
        shortfall = -gap if e is not None else perf_cut - performance
        mean_importance = np.nanmean(importance)
        weight = importance / mean_importance if mean_importance > 0 else np.ones_like(importance)
        score = np.maximum(shortfall, 0) * weight
    return np.concatenate([importance, performance, gap, score, importance - imp_cut,
                           performance - perf_cut, [imp_cut, perf_cut]])


def _correlations(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson r of each column of ``x`` with ``y``, over the pairs both answered."""
    both = ~np.isnan(x) & ~np.isnan(y)[:, None]
    xs, ys = np.where(both, x, 0.0), np.where(both, y[:, None], 0.0)
    n = both.sum(axis=0)
    mx, my = xs.sum(axis=0) / n, ys.sum(axis=0) / n
    dx, dy = np.where(both, x - mx, 0.0), np.where(both, y[:, None] - my, 0.0)
    return (dx * dy).sum(axis=0) / np.sqrt((dx**2).sum(axis=0) * (dy**2).sum(axis=0))


def _cut(values: np.ndarray, rule: str, scale) -> float:
    if rule == "midpoint" and scale:
        return (scale[0] + scale[1]) / 2
    return float(np.nanmedian(values) if rule == "median" else np.nanmean(values))


def _table(items, point, low, high, draws, alpha, *, has_gap: bool) -> pd.DataFrame:
    k = len(items)

    def part(vector, name):
        return vector[_PARTS.index(name) * k:(_PARTS.index(name) + 1) * k]

    table = pd.DataFrame({"item": items})
    for name in ("importance", "performance", "gap", "score"):
        table[name] = part(point, name)
        table[f"{name}_low"], table[f"{name}_high"] = part(low, name), part(high, name)
    if not has_gap:
        table[["gap", "gap_low", "gap_high"]] = np.nan
    sides = {}
    for axis, name in (("imp", "imp_margin"), ("perf", "perf_margin")):
        lo, hi, at = part(low, name), part(high, name), part(point, name)
        # which sides of the cut the interval reaches; a value on the cut counts as high
        sides[axis] = [({True} if lower >= 0 else {False} if upper < 0 else {True, False}, a >= 0)
                       for lower, upper, a in zip(lo, hi, at, strict=True)]
    quadrant, quadrants = [], []
    for (imp_sides, imp_high), (perf_sides, perf_high) in zip(sides["imp"], sides["perf"],
                                                             strict=True):
        quadrant.append(QUADRANTS[(imp_high, perf_high)])
        possible = [QUADRANTS[(i, p)] for i in (True, False) for p in (False, True)
                    if i in imp_sides and p in perf_sides]
        quadrants.append("/".join(possible))
    table["quadrant"], table["quadrants"] = quadrant, quadrants
    table["sure"] = [("/" not in q) for q in quadrants]
    score, score_low = table["score"].to_numpy(), table["score_low"].to_numpy()
    table["action"] = np.select([score_low > 0, score > 0], ["improve_first", "watch"], "meets")
    ranked = table["score"].where(table["score"] > 0)
    table["priority_rank"] = ranked.rank(ascending=False, method="min").astype("Int64")
    table["importance_cut"], table["performance_cut"] = point[-2], point[-1]
    return table


class _quiet:
    """numpy's 'Mean of empty slice' for an item nobody answered in a bootstrap sample."""

    def __enter__(self):
        import warnings

        self._catch = warnings.catch_warnings()
        self._catch.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        return self._catch.__exit__(*exc)
