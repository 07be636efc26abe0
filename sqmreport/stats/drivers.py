"""What drives satisfaction, and where to act: key drivers and the importance-performance matrix."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from sqmreport._validation import Degenerate, InputError, check_option
from sqmreport.stats._options import check_confidence

__all__ = ["CIRCULAR_R", "CircularCheck", "DriverResult", "QUADRANTS", "circular_drivers", "crosshair",
           "importance_performance", "key_drivers", "relative_weights"]

# An item or a dimension score correlating this much with the outcome is the outcome itself.
CIRCULAR_R = 0.99

# Martilla & James (1977): quadrant -> the action it calls for.
QUADRANTS = ("improve", "maintain", "low_priority", "overkill")


def relative_weights(predictors: pd.DataFrame, outcome: pd.Series) -> pd.Series:
    """Johnson's relative weights: each predictor's share of R², for correlated predictors.

    Parameters
    ----------
    predictors : DataFrame
        Complete cases only (no missing values), one column per predictor.
    outcome : Series
        Same rows.

    Returns
    -------
    Series
        Raw relative weight ε_j per predictor (named ``weight``); they sum to the R²
        of the least-squares regression of ``outcome`` on ``predictors``.

    Raises
    ------
    InputError
        When a value is missing.
    Degenerate
        When a predictor or the outcome has no variance, or the predictors are
        perfectly collinear.

    Notes
    -----
    With R_xx = P Λ Pᵀ, Λ* = P Λ^½ Pᵀ holds the correlations between the predictors
    and their closest orthogonal counterparts Z.  β = Λ*⁻¹ r_xy regresses the
    outcome on Z, and ε_j = Σ_k (Λ*_jk)² β_k².
    In R: ``rwa::rwa(df, outcome, predictors)$result$Raw.RelWeight``.

    References
    ----------
    Johnson, J. W. (2000). A heuristic method for estimating the relative weight of
    predictor variables in multiple regression. Multivariate Behavioral Research,
    35(1), 1-19.

    Examples
    --------
    >>> x = pd.DataFrame({"speed": [3, 4, 2, 5, 4, 3, 5, 2], "staff": [4, 4, 3, 5, 3, 2, 4, 3],
    ...                   "price": [2, 3, 3, 4, 5, 3, 4, 2]})
    >>> y = pd.Series([3, 4, 2, 5, 4, 2, 5, 3])
    >>> w = relative_weights(x, y)
    >>> w.round(3).tolist(), round(float(w.sum()), 3)
    ([0.372, 0.343, 0.167], 0.882)
    """
    x = predictors.to_numpy(dtype=float)
    y = outcome.to_numpy(dtype=float)
    if np.isnan(x).any() or np.isnan(y).any():
        raise InputError("relative_weights needs complete cases; drop rows with missing values")
    with np.errstate(divide="ignore", invalid="ignore"):  # a constant column: handled below
        corr = np.corrcoef(np.column_stack([x, y]), rowvar=False)
    if not np.isfinite(corr).all():
        raise Degenerate("no_variance_driver", "a driver or the outcome has no variance; "
                         "relative weights are undefined")
    r_xx, r_xy = corr[:-1, :-1], corr[:-1, -1]
    eigval, eigvec = np.linalg.eigh(r_xx)
    if eigval.min() <= 1e-10:
        raise Degenerate("collinear_drivers", "the drivers are perfectly collinear; relative "
                         "weights are undefined")
    lam = eigvec @ np.diag(np.sqrt(eigval)) @ eigvec.T
    beta = np.linalg.solve(lam, r_xy)
    return pd.Series((lam ** 2) @ (beta ** 2), index=predictors.columns, name="weight")


@dataclass(frozen=True)
class DriverResult:
    """Key-driver analysis of an outcome.

    Attributes
    ----------
    table : DataFrame
        One row per driver: ``driver, r, r_ci_low, r_ci_high, r_p_value, weight``
        (Johnson's raw relative weight), ``weight_ci_low, weight_ci_high`` (percentile
        bootstrap), ``share`` (weight / R², 0-1), ``share_ci_low, share_ci_high``,
        ``rank``, ``leading`` (True for the top driver and every driver whose weight the
        bootstrap cannot tell from the top one's: the interval of their difference
        reaches zero).
    r_squared : float
        R² of the regression of the outcome on all drivers.
    n : int
        Complete cases used.
    n_boot : int
        Bootstrap samples behind the weights' intervals (0: none).
    """

    table: pd.DataFrame
    r_squared: float
    n: int
    n_boot: int = 0


def key_drivers(drivers: pd.DataFrame, outcome: pd.Series, *,
                confidence: float = 0.95, n_boot: int = 2000, seed: int = 20240501) -> DriverResult:
    """Zero-order correlations and relative weights of drivers of an outcome.

    Parameters
    ----------
    drivers : DataFrame
        Respondents × drivers (dimension scores, items, ...).
    outcome : Series
        The outcome (overall satisfaction), same index.
    confidence : float
        Level of the intervals, in (0, 1).
    n_boot : int
        Bootstrap samples for the relative weights' intervals (0: none).
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    DriverResult

    Raises
    ------
    InputError
        For a ``confidence`` outside (0, 1).
    Degenerate
        With fewer than k + 2 complete cases for k drivers, a constant driver or
        outcome, or collinear drivers.

    Notes
    -----
    Rows with any missing value are left out (listwise).  r's interval:
    tanh(atanh(r) ± z / √(n − 3)) (Fisher); its test t = r √((n − 2)/(1 − r²)) on
    n − 2 df; weights by :func:`relative_weights`, share = weight / R².  The weights'
    intervals are percentile intervals of a seeded bootstrap of respondents (as
    Tonidandel, LeBreton & Johnson 2009 recommend); beyond 5,000 respondents each sample
    draws 5,000 and its deviation is scaled by √(5000 / n) (rescaled m-out-of-n).
    In R: ``cor.test(x, y)`` and ``rwa::rwa`` (``rwa(..., bootstrap = TRUE)``).

    References
    ----------
    Johnson, J. W. (2000). A heuristic method for estimating the relative weight of
    predictor variables in multiple regression. Multivariate Behavioral Research,
    35(1), 1-19.

    Examples
    --------
    >>> x = pd.DataFrame({"speed": [3, 4, 2, 5, 4, 3, 5, 2], "staff": [4, 4, 3, 5, 3, 2, 4, 3],
    ...                   "price": [2, 3, 3, 4, 5, 3, 4, 2]})
    >>> y = pd.Series([3, 4, 2, 5, 4, 2, 5, 3])
    >>> k = key_drivers(x, y)
    >>> k.table[["driver", "r", "share", "rank"]].round(3)
      driver      r  share  rank
    0  speed  0.900  0.422     1
    1  staff  0.775  0.389     2
    2  price  0.577  0.190     3
    """
    check_confidence(confidence)
    frame = pd.concat([drivers, outcome.rename("__outcome__")], axis=1).dropna()
    n = len(frame)
    k = drivers.shape[1]
    if n < k + 2:
        raise Degenerate("too_few_cases", f"key-driver analysis needs at least {k + 2} complete "
                         f"responses, got {n}", n=n, needed=k + 2)
    x, y = frame.drop(columns="__outcome__"), frame["__outcome__"]
    weights = relative_weights(x, y)
    r = x.corrwith(y)
    z = np.arctanh(r.clip(-0.999999, 0.999999))
    half = stats.norm.ppf((1 + confidence) / 2) / np.sqrt(n - 3)
    t = r * np.sqrt((n - 2) / (1 - r ** 2))
    r_squared = float(weights.sum())
    table = pd.DataFrame({
        "driver": x.columns, "r": r.to_numpy(), "r_ci_low": np.tanh(z - half).to_numpy(),
        "r_ci_high": np.tanh(z + half).to_numpy(),
        "r_p_value": 2 * stats.t.sf(np.abs(t.to_numpy()), n - 2),
        "weight": weights.to_numpy(), "share": (weights / r_squared).to_numpy(),
    })
    table["rank"] = table["weight"].rank(ascending=False, method="min").astype(int)
    table = _weight_intervals(table, x.to_numpy(float), y.to_numpy(float), confidence, n_boot, seed)
    return DriverResult(table, r_squared, n, n_boot)


SUBSAMPLE = 5_000


def _weight_intervals(table, x, y, confidence, n_boot, seed) -> pd.DataFrame:
    """Bootstrap intervals of the weights and shares, and which drivers lead."""
    table = table.copy()
    k = x.shape[1]
    if n_boot <= 0:
        table[["weight_ci_low", "weight_ci_high", "share_ci_low", "share_ci_high"]] = np.nan
        table["leading"] = table["rank"] == 1
        return table
    n = len(y)
    m = min(n, SUBSAMPLE)
    shrink = np.sqrt(m / n)
    point_w, point_s = table["weight"].to_numpy(), table["share"].to_numpy()
    rng = np.random.default_rng(seed)
    weights, shares = np.full((n_boot, k), np.nan), np.full((n_boot, k), np.nan)
    for b in range(n_boot):
        rows = rng.integers(0, n, size=m)
        w = _raw_weights(x[rows], y[rows])
        if w is not None:
            weights[b] = point_w + (w - point_w) * shrink
            shares[b] = point_s + (w / w.sum() - point_s) * shrink
    alpha = (1 - confidence) / 2
    table["weight_ci_low"], table["weight_ci_high"] = np.nanquantile(weights, [alpha, 1 - alpha], axis=0)
    table["share_ci_low"], table["share_ci_high"] = np.nanquantile(shares, [alpha, 1 - alpha], axis=0)
    top = int(np.argmax(point_w))
    differences = weights[:, [top]] - weights
    low = np.nanquantile(differences, alpha, axis=0)
    table["leading"] = (low <= 0) | (np.arange(k) == top)
    return table


def _raw_weights(x: np.ndarray, y: np.ndarray) -> np.ndarray | None:
    """:func:`relative_weights` on arrays; None where a bootstrap sample makes them undefined."""
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = np.corrcoef(np.column_stack([x, y]), rowvar=False)
    if not np.isfinite(corr).all():
        return None
    eigval, eigvec = np.linalg.eigh(corr[:-1, :-1])
    if eigval.min() <= 1e-10:
        return None
    lam = eigvec @ np.diag(np.sqrt(eigval)) @ eigvec.T
    beta = np.linalg.solve(lam, corr[:-1, -1])
    return (lam ** 2) @ (beta ** 2)


@dataclass(frozen=True)
class CircularCheck:
    """Dimension scores as drivers of an outcome, without the outcome itself.

    Attributes
    ----------
    scores : DataFrame
        Respondents × the dimensions kept as drivers: each the mean of the items
        answered, leaving out the circular items.
    items : DataFrame
        The circular items: ``item, dimension, same`` (True: the outcome's own
        question), ``r`` (the item's correlation with the outcome).
    dimensions : DataFrame
        The dimensions left out of the drivers: ``dimension, reason``
        (``only_circular``: every item was circular; ``correlation``: the score still
        correlates at least ``threshold`` with the outcome), ``r``.
    """

    scores: pd.DataFrame
    items: pd.DataFrame
    dimensions: pd.DataFrame


def circular_drivers(ratings: pd.DataFrame, outcome: pd.Series, *, dimension_of: dict,
                     same_items=(), threshold: float = CIRCULAR_R) -> CircularCheck:
    """Dimension scores for a key-driver analysis, without the items that are the outcome.

    Parameters
    ----------
    ratings : DataFrame
        Respondents × items.
    outcome : Series
        The outcome (overall satisfaction), same index.
    dimension_of : dict
        Item -> dimension, in dimension order.
    same_items : sequence of str
        Items that are the outcome's own question (the same column of the data).
    threshold : float
        An item, or a dimension score, whose correlation with the outcome reaches
        this is the outcome itself (a copy of the question).

    Returns
    -------
    CircularCheck

    Notes
    -----
    A driver that contains the outcome correlates with it by construction (r = 1
    for a dimension of that item alone) and takes the largest share of R² without
    saying anything about what drives it.  Circular items (the same question, or
    r ≥ ``threshold`` over the respondents who answered both) are left out of
    their dimension's score; a dimension with no other item, or whose score still
    correlates at least ``threshold`` with the outcome, is left out of the drivers.

    Examples
    --------
    >>> ratings = pd.DataFrame({"q1": [1, 2, 3, 4, 5.0], "q2": [2, 2, 4, 5, 4.0],
    ...                         "q3": [5, 3, 4, 1, 2.0], "q4": [4, 4, 2, 2, 1.0]})
    >>> check = circular_drivers(ratings, ratings["q1"], dimension_of={
    ...     "q1": "speed", "q2": "speed", "q3": "staff", "q4": "staff"}, same_items=["q1"])
    >>> check.items
      item dimension  same    r
    0   q1     speed  True  1.0
    >>> check.scores.columns.tolist(), check.scores["speed"].tolist()
    (['speed', 'staff'], [2.0, 2.0, 4.0, 5.0, 4.0])
    """
    def r_with(values: pd.Series) -> float:
        both = pd.concat([values, outcome], axis=1).dropna()
        if len(both) < 3 or both.nunique().min() < 2:
            return np.nan
        return float(np.corrcoef(both.iloc[:, 0], both.iloc[:, 1])[0, 1])

    circular = [{"item": item, "dimension": dim, "same": item in same_items, "r": r_with(ratings[item])}
                for item, dim in dimension_of.items()]
    items = pd.DataFrame([c for c in circular if c["same"] or c["r"] >= threshold],
                         columns=["item", "dimension", "same", "r"])
    kept = {i: d for i, d in dimension_of.items() if i not in set(items["item"])}
    scores = pd.DataFrame({d: ratings[[i for i, k in kept.items() if k == d]].mean(axis=1)
                           for d in dict.fromkeys(kept.values())}, index=ratings.index)
    left_out = [{"dimension": d, "reason": "only_circular", "r": np.nan}
                for d in dict.fromkeys(dimension_of.values()) if d not in scores.columns]
    left_out += [{"dimension": d, "reason": "correlation", "r": r}
                 for d in scores.columns if (r := r_with(scores[d])) >= threshold]
    dimensions = pd.DataFrame(left_out, columns=["dimension", "reason", "r"])
    order = [d for d in dict.fromkeys(dimension_of.values())
             if d in scores.columns and d not in set(dimensions["dimension"])]
    return CircularCheck(scores[order], items, dimensions)


def crosshair(values: pd.Series, *, rule: str = "mean", scale: tuple | None = None) -> float:
    """Where a Q-matrix axis is cut: the mean, the median, or the scale midpoint.

    Parameters
    ----------
    values : Series
        The items' mean importance (or performance).
    rule : {"mean", "median", "midpoint"}
        The grand mean of the values, their median, or the middle of ``scale``.
    scale : (min, max), optional
        The rating scale; needed for ``"midpoint"`` (an axis not on a rating scale
        has no midpoint).

    Returns
    -------
    float

    Raises
    ------
    InputError
        For an unknown ``rule``, or ``"midpoint"`` without ``scale``.

    Notes
    -----
    Martilla & James (1977) leave the position of the cross-hairs to judgement;
    the midpoint is (min + max) / 2.

    References
    ----------
    Martilla, J. A., & James, J. C. (1977). Importance-performance analysis.
    Journal of Marketing, 41(1), 77-79.

    Examples
    --------
    >>> crosshair(pd.Series([1.0, 2.0, 6.0]), rule="median")
    2.0
    >>> crosshair(pd.Series([1.0, 2.0, 6.0]), rule="midpoint", scale=(1, 7))
    4.0
    """
    check_option("rule", rule, ("mean", "median", "midpoint"))
    if rule == "mean":
        return float(values.mean())
    if rule == "median":
        return float(values.median())
    if scale is None:
        raise InputError("a midpoint cross-hair needs an axis on a rating scale")
    return (scale[0] + scale[1]) / 2


def importance_performance(importance: pd.Series, performance: pd.Series, *,
                           importance_cut: float, performance_cut: float) -> pd.DataFrame:
    """Place each item in the importance-performance (Q-) matrix.

    Parameters
    ----------
    importance, performance : Series
        Mean importance and mean performance, indexed by item.
    importance_cut, performance_cut : float
        The cross-hairs (see :func:`crosshair`); a value on a cut counts as high.

    Returns
    -------
    DataFrame
        ``item, importance, performance, quadrant``: ``improve`` (high importance,
        low performance: concentrate here), ``maintain`` (high, high: keep up the
        good work), ``low_priority`` (low, low), ``overkill`` (low importance,
        high performance: possible overkill).

    Notes
    -----
    high = value ≥ cut, on each axis; the quadrant follows from the two comparisons.

    References
    ----------
    Martilla, J. A., & James, J. C. (1977). Importance-performance analysis.
    Journal of Marketing, 41(1), 77-79.

    Examples
    --------
    >>> imp = pd.Series({"a": 6.5, "b": 5.0, "c": 6.2, "d": 4.8})
    >>> perf = pd.Series({"a": 5.0, "b": 4.5, "c": 6.0, "d": 6.1})
    >>> importance_performance(imp, perf, importance_cut=5.5, performance_cut=5.5)
      item  importance  performance      quadrant
    0    a         6.5          5.0       improve
    1    b         5.0          4.5  low_priority
    2    c         6.2          6.0      maintain
    3    d         4.8          6.1      overkill
    """
    high_imp = importance >= importance_cut
    high_perf = performance >= performance_cut
    quadrant = np.select([high_imp & ~high_perf, high_imp & high_perf, ~high_imp & ~high_perf],
                         ["improve", "maintain", "low_priority"], "overkill")
    return pd.DataFrame({"item": importance.index, "importance": importance.to_numpy(),
                         "performance": performance.reindex(importance.index).to_numpy(),
                         "quadrant": quadrant})


