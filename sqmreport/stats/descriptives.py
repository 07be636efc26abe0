"""Satisfaction statistics: means with confidence intervals, top-box, CSI, NPS, segments.

Every function takes data first and settings by keyword, returns a tidy
DataFrame or a frozen dataclass, and never rounds: formatting is the report's job.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from sqmreport._validation import InputError, check_option
from sqmreport.stats._options import check_confidence, check_p_adjust
from sqmreport.stats.disclosure import protect, suppress_small

__all__ = [
    "BOX_SHARE", "BoxCuts", "CSIResult", "NPSResult", "SegmentComparison", "ShareResult",
    "adjust_p", "binned_distribution", "box_cuts", "compare_segments", "csi", "describe", "dimension_scores",
    "distribution", "hidden_cells", "nps", "pairwise", "percent_of_range", "response_rate",
    "segment_profile", "share_interval",
]

# A scale of more points than this (1-100), or a continuous one, has no top-2-box: two
# points of a hundred say nothing.  Its top box is the top fifth of the scale's range.
MAX_BOX_POINTS = 11
BOX_SHARE = 0.2


def response_rate(returned: int, sent: int) -> float:
    """Share of questionnaires returned: ``returned / sent``.

    Parameters
    ----------
    returned : int
        Questionnaires returned (or usable).
    sent : int
        Questionnaires sent out.

    Returns
    -------
    float
        The response rate, 0-1.

    Raises
    ------
    InputError
        When ``sent`` is not positive.

    Notes
    -----
    Response rate = returned / sent (the seeds' case: 252 / 300 = 84 %).

    Examples
    --------
    >>> response_rate(252, 300)
    0.84
    """
    if sent <= 0:
        raise InputError(f"`sent` must be positive, got {sent}")
    return returned / sent


def _mean_ci(values: np.ndarray, confidence: float) -> tuple:
    values = values[~np.isnan(values)]
    n = len(values)
    if n == 0:
        return 0, np.nan, np.nan, np.nan, np.nan
    mean = values.mean()
    if n < 2:
        return n, mean, np.nan, np.nan, np.nan
    sd = values.std(ddof=1)
    half = stats.t.ppf((1 + confidence) / 2, n - 1) * sd / np.sqrt(n)
    return n, mean, sd, mean - half, mean + half


@dataclass(frozen=True)
class BoxCuts:
    """Which answers are in the bottom and the top box of a scale (:func:`box_cuts`).

    Attributes
    ----------
    bottom : float
        Answers at or below it are in the bottom box.
    top : float
        Answers at or above it are in the top box.
    """

    bottom: float
    top: float


def box_cuts(low, high, *, kind: str = "points", boxes: int = 2) -> BoxCuts | None:
    """The answers counted in the bottom and top box of a scale.

    Parameters
    ----------
    low, high : number or None
        The scale's ends (None for an unbounded scale).
    kind : {"points", "continuous", "unbounded"}
        The scale's type (``Scale.type`` of the study file).
    boxes : int
        Points in each box of a short points scale (2: top-2-box).

    Returns
    -------
    BoxCuts or None
        Answers ≤ ``bottom`` are in the bottom box, answers ≥ ``top`` in the top box. A points
        scale of at most 11 points: the ``boxes`` lowest and highest points (top-2-box).
        A longer points scale (1-100) or a continuous one: the lowest and highest fifth
        of the range (:data:`BOX_SHARE`), i.e. at or above low + 0.8 (high − low). None
        for an unbounded scale (standardized scores have no top).

    Examples
    --------
    >>> box_cuts(1, 7), box_cuts(1, 100)
    (BoxCuts(bottom=2, top=6), BoxCuts(bottom=20.8, top=80.2))
    >>> box_cuts(0, 100, kind="continuous")
    BoxCuts(bottom=20.0, top=80.0)
    >>> box_cuts(None, None, kind="unbounded") is None
    True
    """
    if kind == "unbounded" or low is None or high is None:
        return None
    if kind == "points" and high - low + 1 <= MAX_BOX_POINTS:
        return BoxCuts(low + boxes - 1, high - boxes + 1)
    span = high - low
    return BoxCuts(round(low + BOX_SHARE * span, 10), round(high - BOX_SHARE * span, 10))


def percent_of_range(values, low: float, high: float) -> np.ndarray | float:
    """Values rescaled to percent of their scale's range: 100 (x − low) / (high − low).

    Parameters
    ----------
    values : array-like or float
        Ratings, or means of ratings, on the scale.
    low, high : float
        The scale's lowest and highest points.

    Returns
    -------
    ndarray or float
        0 at the scale's lowest point, 100 at its highest.

    Notes
    -----
    The common metric of ratings on different scales: the "percent of maximum possible"
    (POMP) score of Cohen, Cohen, Aiken & West (1999), Multivariate Behavioral Research,
    34(3), 315-346.

    Examples
    --------
    >>> percent_of_range(np.array([1.0, 4.0, 7.0]), 1, 7).tolist()
    [0.0, 50.0, 100.0]
    """
    return 100 * (values - low) / (high - low)


@dataclass(frozen=True)
class ShareResult:
    """A share of answers with its interval (:func:`share_interval`).

    Attributes
    ----------
    n : int
        Answers.
    share : float
        Share of ones, 0-1.
    ci_low, ci_high : float
        The interval, 0-1.
    """

    n: int
    share: float
    ci_low: float
    ci_high: float


def share_interval(flags: pd.Series, *, confidence: float = 0.95) -> ShareResult:
    """Share of ones in a 0/1 series with its Wilson score interval.

    Parameters
    ----------
    flags : Series
        1 (yes: satisfied), 0 (no), NaN (no answer).
    confidence : float
        Level of the interval, in (0, 1).

    Returns
    -------
    ShareResult
        Share and interval 0-1; NaN (and ``n`` 0) when nobody answered.

    Notes
    -----
    Wilson (1927): (p̂ + z²/2n ± z √(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n); unlike the Wald
    interval it stays within 0-1 and keeps its coverage near 0 and 1.  In R:
    ``prop.test(x, n, correct = FALSE)$conf.int``.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. JASA, 22(158), 209-212.

    Examples
    --------
    >>> r = share_interval(pd.Series([1, 1, 1, 0, 1, 0, 1, 1, 1, 1.0]))
    >>> round(r.share, 2), round(r.ci_low, 4), round(r.ci_high, 4)  # statsmodels' wilson
    (0.8, 0.4902, 0.9433)
    """
    check_confidence(confidence)
    answered = flags.dropna().to_numpy(dtype=float)
    n = len(answered)
    if n == 0:
        return ShareResult(0, np.nan, np.nan, np.nan)
    p = float(answered.mean())
    z = stats.norm.ppf((1 + confidence) / 2)
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return ShareResult(n, p, float(max(centre - half, 0.0)), float(min(centre + half, 1.0)))


def describe(data: pd.DataFrame, *, scale: tuple | None = None, confidence: float = 0.95,
             boxes: int = 2, cuts: tuple | None = None) -> pd.DataFrame:
    """Descriptive statistics of each column: n, mean, sd, t-interval, top and bottom box.

    Parameters
    ----------
    data : DataFrame
        One column per variable (item, dimension score, ...), NaN for missing.
    scale : (min, max), optional
        The rating scale.  With it, ``top_box`` is the share of answers in the
        ``boxes`` highest points of the scale and ``bottom_box`` in the lowest.
    confidence : float
        Level of the t-based interval of the mean, in (0, 1).
    boxes : int
        How many scale points the top and bottom boxes hold (2: top-2-box).
    cuts : BoxCuts, optional
        Instead of ``scale`` and ``boxes``: the top box is the share of answers at or
        above ``cuts.top``, the bottom box at or below ``cuts.bottom`` (:func:`box_cuts`).

    Returns
    -------
    DataFrame
        One row per column: ``variable, n, mean, sd, ci_low, ci_high``, and with
        ``scale`` also ``top_box, bottom_box`` (shares of the answers, 0-1).  Each
        column uses its own answered rows; sd and the interval are NaN below n = 2.

    Raises
    ------
    InputError
        For a ``confidence`` outside (0, 1).

    Notes
    -----
    sd with divisor n − 1; interval mean ± t(1 − α/2, n − 1) · sd / √n, α = 1 − confidence.
    Top-2-box on a 1-5 scale: share of answers 4 or 5.
    In R: ``t.test(x)$conf.int``; ``mean(x >= 4)`` for the top-2-box.

    Examples
    --------
    >>> x = pd.DataFrame({"q1": [5, 4, 3, 5, 4], "q2": [2, 3, 3, 4, 1]})
    >>> d = describe(x, scale=(1, 5))
    >>> d[["variable", "n", "mean", "top_box", "bottom_box"]]
      variable  n  mean  top_box  bottom_box
    0       q1  5   4.2      0.8         0.0
    1       q2  5   2.6      0.2         0.4
    """
    check_confidence(confidence)
    rows = []
    for name in data.columns:
        values = data[name].to_numpy(dtype=float)
        n, mean, sd, lo, hi = _mean_ci(values, confidence)
        row = {"variable": name, "n": n, "mean": mean, "sd": sd, "ci_low": lo, "ci_high": hi}
        if cuts is not None:
            answered = values[~np.isnan(values)]
            row["top_box"] = np.mean(answered >= cuts.top) if n else np.nan
            row["bottom_box"] = np.mean(answered <= cuts.bottom) if n else np.nan
        elif scale is not None:
            answered = values[~np.isnan(values)]
            low, high = scale
            row["top_box"] = np.mean(answered > high - boxes) if n else np.nan
            row["bottom_box"] = np.mean(answered < low + boxes) if n else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def distribution(data: pd.DataFrame, *, scale: tuple) -> pd.DataFrame:
    """Share of answers at each point of the scale, per column.

    Parameters
    ----------
    data : DataFrame
        One column per item, answers on ``scale``; NaN for missing.
    scale : (min, max)
        The rating scale; its whole-number points are the columns of the result.

    Returns
    -------
    DataFrame
        Rows are the columns of ``data``, columns the scale points (ints), values
        the shares of answered (non-missing) responses; NaN for a column with no
        answers.

    Notes
    -----
    share_k = #(x = k) / #(x answered).  In R: ``prop.table(table(factor(x, levels = 1:5)))``.

    Examples
    --------
    >>> distribution(pd.DataFrame({"q1": [5, 4, 3, 5, 4]}), scale=(1, 5)).loc["q1"].tolist()
    [0.0, 0.0, 0.2, 0.4, 0.4]
    """
    points = np.arange(int(scale[0]), int(scale[1]) + 1)
    counts = {name: data[name].value_counts().reindex(points, fill_value=0)
              for name in data.columns}
    table = pd.DataFrame(counts).T
    return table.div(table.sum(axis=1).replace(0, np.nan), axis=0)


def binned_distribution(data: pd.DataFrame, *, edges) -> pd.DataFrame:
    """Share of answers in each band between consecutive ``edges``, per column.

    Parameters
    ----------
    data : DataFrame
        One column per item; NaN for missing.
    edges : array-like
        The bands' edges, increasing: answers that are not a few whole points (a
        continuous 0-100 scale, standardized scores) are counted in the band they fall in;
        each band holds its lower edge, the last one both edges.

    Returns
    -------
    DataFrame
        Rows are the columns of ``data``, columns the bands (labelled ``"low–high"``),
        values the shares of the answered responses; NaN for a column with no answers.

    Examples
    --------
    >>> d = binned_distribution(pd.DataFrame({"q": [0.5, 12.0, 15.5, 99.0, 100.0]}),
    ...                         edges=[0, 50, 100])
    >>> d.columns.tolist(), d.loc["q"].tolist()
    (['0–50', '50–100'], [0.6, 0.4])
    """
    edges = np.asarray(edges, dtype=float)
    labels = [f"{a:g}–{b:g}".replace("-", "\u2212")  # a true minus sign: "−2–−1"
              for a, b in zip(edges[:-1], edges[1:])]
    rows = {}
    for name in data.columns:
        values = data[name].dropna().to_numpy(dtype=float)
        counts, _ = np.histogram(values, bins=edges)
        total = counts.sum()
        rows[name] = counts / total if total else np.full(len(labels), np.nan)
    return pd.DataFrame(rows, index=labels).T


def dimension_scores(ratings: pd.DataFrame, *, dimension_of: dict) -> pd.DataFrame:
    """Each respondent's score on each dimension: the mean of the items answered.

    Parameters
    ----------
    ratings : DataFrame
        Respondents × items.
    dimension_of : dict
        Item id -> dimension id (``Instrument.dimension_of()``), in dimension order.

    Returns
    -------
    DataFrame
        Respondents × dimensions; NaN where a respondent answered none of a
        dimension's items.

    Notes
    -----
    score_id = mean of x_ij over the items j of dimension d that respondent i
    answered (available-item scoring).  In R: ``rowMeans(x[, items], na.rm = TRUE)``.

    Examples
    --------
    >>> r = pd.DataFrame({"1": [4, 5, None], "2": [2, 3, 4], "3": [5, 5, 1]})
    >>> dimension_scores(r, dimension_of={"1": "a", "2": "a", "3": "b"})
         a    b
    0  3.0  5.0
    1  4.0  5.0
    2  4.0  1.0
    """
    dims = list(dict.fromkeys(dimension_of.values()))
    return pd.DataFrame({d: ratings[[i for i, k in dimension_of.items() if k == d]].mean(axis=1)
                         for d in dims})


@dataclass(frozen=True)
class CSIResult:
    """A customer satisfaction index on 0-100.

    Attributes
    ----------
    index : float
        CSI = 100 · Σ_k w_k (x̄_k − L) / (U − L).
    ci_low, ci_high : float
        Normal-approximation interval (see :func:`csi`).
    se : float
        Standard error of ``index``.
    components : DataFrame
        Per component: ``component, weight, mean, score`` (score = rescaled mean, 0-100),
        ``n``.
    """

    index: float
    ci_low: float
    ci_high: float
    se: float
    components: pd.DataFrame


def csi(scores: pd.DataFrame, *, scale: tuple, weights: dict | None = None,
        confidence: float = 0.95) -> CSIResult:
    """Customer satisfaction index: the weighted mean of components rescaled to 0-100.

    Parameters
    ----------
    scores : DataFrame
        Respondents × components (items or dimension scores) on ``scale``.
    scale : (L, U) or dict
        The ends of the rating scale, or component -> (L, U) when the components are
        on different scales (each is rescaled on its own).
    weights : dict, optional
        Component -> weight; normalised to sum to 1 (a component not named weighs 0).
        Default: equal weights.
    confidence : float
        Level of the normal-approximation interval, in (0, 1).

    Returns
    -------
    CSIResult

    Raises
    ------
    InputError
        For a ``confidence`` outside (0, 1).

    Notes
    -----
    CSI = 100 · Σ_k w_k (x̄_k − L)/(U − L), each x̄_k over the respondents who
    answered component k.  Its variance is Σ_k Σ_l w_k w_l Cov(x̄_k, x̄_l) with
    Cov(x̄_k, x̄_l) = s_kl · n_kl / (n_k n_l), s_kl the covariance over the n_kl
    respondents with both components (exactly the variance of the mean
    respondent-level index when nothing is missing); the interval is
    CSI ± z · SE.  This is a weighted index, not the ACSI, whose weights come
    from a latent-variable model.  There is no R function; for complete data,
    ``t.test(100 * (as.matrix(x) %*% w - L) / (U - L))`` gives the same index.

    References
    ----------
    Fornell, C. (1992). A national customer satisfaction barometer: the Swedish
    experience. Journal of Marketing, 56(1), 6-21.

    Examples
    --------
    >>> x = pd.DataFrame({"q1": [5, 4, 3, 5, 4], "q2": [2, 3, 3, 4, 1]})
    >>> r = csi(x, scale=(1, 5))
    >>> print(f"{r.index:.1f} [{r.ci_low:.1f}, {r.ci_high:.1f}]")
    60.0 [43.7, 76.3]
    """
    check_confidence(confidence)
    names = list(scores.columns)
    if weights is None:
        w = np.full(len(names), 1 / len(names))
    else:
        w = np.array([float(weights.get(k, 0)) for k in names])
        w = w / w.sum()
    if isinstance(scale, dict):  # each component on its own scale (mixed scales)
        low = np.array([float(scale[k][0]) for k in names])
        high = np.array([float(scale[k][1]) for k in names])
    else:
        low, high = scale
    x = scores.to_numpy(dtype=float)
    present = ~np.isnan(x)
    n_k = present.sum(axis=0)
    means = np.nanmean(np.where(present, x, np.nan), axis=0) if x.size else np.full(len(names), np.nan)
    rescaled = 100 * (means - low) / (high - low)
    index = float(np.sum(w * rescaled))

    # Pairwise covariance of the component means.
    centred = np.where(present, x - means, 0.0)
    both = present.T.astype(float) @ present.astype(float)  # n_kl
    cross = centred.T @ centred
    # s_kl uses the pairwise means; with the full-sample means the difference is
    # second order, and exact when nothing is missing.
    s = np.divide(cross, both - 1, out=np.full_like(cross, np.nan), where=both > 1)
    cov_means = s * both / np.outer(n_k, n_k)
    unit = np.broadcast_to(100 / (high - low), w.shape)  # 0-100 points per scale point
    var = float((w * unit) @ cov_means @ (w * unit))
    se = np.sqrt(var)
    z = stats.norm.ppf((1 + confidence) / 2)
    components = pd.DataFrame({"component": names, "weight": w, "mean": means,
                               "score": rescaled, "n": n_k})
    return CSIResult(index, index - z * se, index + z * se, se, components)


@dataclass(frozen=True)
class NPSResult:
    """Net Promoter Score.

    Attributes
    ----------
    nps : float
        % promoters − % detractors, −100 … 100.
    ci_low, ci_high : float
        Wald interval: NPS ± z · 100 · √((p_P + p_D − (p_P − p_D)²) / n).
    promoters, passives, detractors : float
        Shares (0-1) of answers 9-10, 7-8 and 0-6.
    n : int
        Respondents who answered.
    """

    nps: float
    ci_low: float
    ci_high: float
    promoters: float
    passives: float
    detractors: float
    n: int


def nps(scores: pd.Series, *, confidence: float = 0.95) -> NPSResult:
    """Net Promoter Score of 0-10 likelihood-to-recommend answers.

    Parameters
    ----------
    scores : Series
        Answers on the 0-10 scale; NaN for no answer.
    confidence : float
        Level of the Wald interval, in (0, 1).

    Returns
    -------
    NPSResult
        All NaN (and ``n`` 0) when nobody answered.

    Raises
    ------
    InputError
        For a ``confidence`` outside (0, 1).

    Notes
    -----
    Promoters answer 9-10, passives 7-8, detractors 0-6; NPS = 100 (p_P − p_D),
    Var = 100² (p_P + p_D − (p_P − p_D)²) / n, interval NPS ± z · SE.
    There is no base-R function; ``100 * (mean(x >= 9) - mean(x <= 6))``.

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. Harvard Business
    Review, 81(12), 46-54.

    Examples
    --------
    >>> r = nps(pd.Series([10, 9, 8, 7, 6, 0, 10, 9, 3, 5]))
    >>> print(f"{r.nps:.1f}, {r.promoters:.0%} promoters, {r.detractors:.0%} detractors")
    0.0, 40% promoters, 40% detractors
    """
    check_confidence(confidence)
    answered = scores.dropna().to_numpy(dtype=float)
    n = len(answered)
    if n == 0:
        nan = float("nan")
        return NPSResult(nan, nan, nan, nan, nan, nan, 0)
    p_pro = np.mean(answered >= 9)
    p_det = np.mean(answered <= 6)
    value = 100 * (p_pro - p_det)
    se = 100 * np.sqrt((p_pro + p_det - (p_pro - p_det) ** 2) / n)
    z = stats.norm.ppf((1 + confidence) / 2)
    return NPSResult(value, value - z * se, value + z * se, p_pro, 1 - p_pro - p_det, p_det, n)


def segment_profile(segments: pd.DataFrame, *, min_size: int) -> pd.DataFrame:
    """Respondents per segment value, with small groups suppressed.

    Parameters
    ----------
    segments : DataFrame
        Respondents × segment columns (region, department, ...).
    min_size : int
        Groups with fewer respondents are suppressed, with complementary suppression
        (:func:`~sqmreport.stats.disclosure.suppress_small`).

    Returns
    -------
    DataFrame
        ``segment, value, n, share, suppressed``; ``n`` and ``share`` (of all
        respondents) are NaN where suppressed.  Respondents without a value form
        their own row (value NaN), suppressed like any group.

    Notes
    -----
    share = n / N with N all respondents.  In R: ``table(x, useNA = "ifany")``.

    Examples
    --------
    >>> seg = pd.DataFrame({"region": ["n", "n", "s", "s", "s", "e"]})
    >>> segment_profile(seg, min_size=2)
      segment value    n  share  suppressed
    0  region     e  NaN    NaN        True
    1  region     n  NaN    NaN        True
    2  region     s  3.0    0.5       False
    """
    rows = []
    total = len(segments)
    for seg in segments.columns:
        counts, hide = _groups(segments[seg], min_size)
        for value, n, hidden in zip(counts.index, counts, hide, strict=True):
            rows.append({"segment": seg, "value": value, "n": np.nan if hidden else n,
                         "share": np.nan if hidden else n / total, "suppressed": bool(hidden)})
    return pd.DataFrame(rows, columns=["segment", "value", "n", "share", "suppressed"])


@dataclass(frozen=True)
class SegmentComparison:
    """Differences between the groups of each segment.

    Attributes
    ----------
    tests : DataFrame
        One row per segment × measure: ``segment, measure, test, statistic, df1, df2,
        p_value, p_adjusted`` (by ``p_adjust``, over all rows), ``effect_size, effect_measure``
        (``eta_squared`` or ``epsilon_squared``), ``groups`` (tested), ``n`` (respondents tested).
    groups : DataFrame
        One row per segment × measure × group: ``segment, measure, value, n, mean,
        sd, ci_low, ci_high, suppressed`` (statistics NaN where suppressed).
    pairs : DataFrame
        Post-hoc comparisons of the groups shown (:func:`pairwise`), one row per segment ×
        measure × pair: ``segment, measure, group1, group2, n1, n2, difference,
        statistic, df, p_adjusted, method``.
    """

    tests: pd.DataFrame
    groups: pd.DataFrame
    pairs: pd.DataFrame | None = None


def compare_segments(scores: pd.DataFrame, segments: pd.DataFrame, *, min_size: int = 5,
                     test: str = "welch", p_adjust: str = "holm",
                     confidence: float = 0.95) -> SegmentComparison:
    """Compare each measure across the groups of each segment.

    Parameters
    ----------
    scores : DataFrame
        Respondents × measures (dimension scores, overall satisfaction, ...).
    segments : DataFrame
        Respondents × segment columns (same index as ``scores``).
    min_size : int
        Disclosure control (:func:`hidden_cells`): groups of fewer respondents, and the
        cells of fewer answers, are hidden, and so are the ones that must be hidden
        too so that the small ones cannot be recovered from the totals.  Only the
        groups shown are tested, so the test says nothing of the hidden ones.
    test : {"welch", "kruskal"}
        Welch's ANOVA with η² (SS_between / SS_total), or Kruskal-Wallis with
        ε² = H / (n − 1).
    p_adjust : {"holm", "bonferroni", "bh", "none"}
        Adjustment of the p-values over all segment × measure rows (:func:`adjust_p`).
    confidence : float
        Level of each group's t-interval of the mean, in (0, 1).

    Returns
    -------
    SegmentComparison
        The test is NaN when fewer than two groups are large enough, a group has
        fewer than two answers, or (Welch) a group has no variance.

    Raises
    ------
    InputError
        For an unknown ``test`` or ``p_adjust``, or a ``confidence`` outside (0, 1).

    Notes
    -----
    Welch (1951): F* = [Σ w_g (ȳ_g − ỹ)² / (k − 1)] / [1 + 2(k − 2)λ / (k² − 1)],
    w_g = n_g / s_g², ỹ = Σ w_g ȳ_g / Σ w_g, λ = Σ (1 − w_g / Σw)² / (n_g − 1),
    df = (k − 1, (k² − 1) / (3λ)).  Kruskal-Wallis H on the ranks.
    In R: ``oneway.test(y ~ g)``, ``kruskal.test(y ~ g)``, then ``p.adjust``.

    References
    ----------
    Welch, B. L. (1951). On the comparison of several mean values: an alternative
    approach. Biometrika, 38(3/4), 330-336.  Kruskal, W. H., & Wallis, W. A. (1952).
    Use of ranks in one-criterion variance analysis. JASA, 47(260), 583-621.

    Examples
    --------
    >>> scores = pd.DataFrame({"overall": [5, 6, 7, 6, 5, 3, 4, 3, 4, 2]})
    >>> segs = pd.DataFrame({"region": ["n"] * 5 + ["s"] * 5})
    >>> t = compare_segments(scores, segs, min_size=3).tests.iloc[0]
    >>> print(f"F = {t.statistic:.2f}, df = ({t.df1:.0f}, {t.df2:.1f}), eta2 = {t.effect_size:.3f}")
    F = 24.14, df = (1, 8.0), eta2 = 0.751
    """
    check_option("test", test, ("welch", "kruskal"))
    check_p_adjust(p_adjust)
    check_confidence(confidence)
    tests, groups, pairs = [], [], []
    for seg in segments.columns:
        hide = hidden_cells(scores, segments[seg], min_size=min_size)
        for measure in scores.columns:
            frame = pd.DataFrame({"y": scores[measure], "g": segments[seg]}).dropna()
            kept = []
            for value in hide.index:
                y = frame.loc[frame["g"] == value, "y"].to_numpy()
                n, mean, sd, lo, hi = _mean_ci(y, confidence)
                if hide.at[value, measure]:
                    n = mean = sd = lo = hi = np.nan
                elif len(y):
                    kept.append(y)
                groups.append({"segment": seg, "measure": measure, "value": value, "n": n,
                               "mean": mean, "sd": sd, "ci_low": lo, "ci_high": hi,
                               "suppressed": bool(hide.at[value, measure])})
            tests.append({"segment": seg, "measure": measure, **_group_test(kept, test)})
            names = [v for v in hide.index if not hide.at[v, measure]
                     and (frame["g"] == v).any()]
            if len(names) >= 2:
                pairs.append(pairwise(dict(zip(names, kept, strict=True)), test=test)
                             .assign(segment=seg, measure=measure))
    tests = pd.DataFrame(tests)
    tests["p_adjusted"] = adjust_p(tests["p_value"].to_numpy(), p_adjust=p_adjust)
    order = ["segment", "measure", "test", "statistic", "df1", "df2", "p_value", "p_adjusted",
             "effect_size", "effect_measure", "groups", "n"]
    columns = ["segment", "measure", "group1", "group2", "n1", "n2", "difference", "statistic",
               "df", "p_adjusted", "method"]
    pairs = pd.concat(pairs, ignore_index=True)[columns] if pairs else pd.DataFrame(columns=columns)
    return SegmentComparison(tests[order], pd.DataFrame(groups), pairs)


def hidden_cells(scores: pd.DataFrame, groups: pd.Series, *, min_size: int) -> pd.DataFrame:
    """Which group × measure cells of a segment breakdown are hidden.

    Parameters
    ----------
    scores : DataFrame
        Respondents × measures.
    groups : Series
        Each respondent's group (NaN: no value).
    min_size : int
        The smallest group, and the fewest answers, a shown cell may have.

    Returns
    -------
    DataFrame of bool
        Groups (sorted, without the no-value group) × measures; True where hidden.

    Notes
    -----
    A group hidden in the sample profile (:func:`segment_profile`: group sizes, with
    the respondents without a value as one more group) is hidden for every measure;
    then, measure by measure, :func:`~sqmreport.stats.disclosure.protect` on the
    number of answers, with the answers of respondents without a value as never shown.
    One decision for every table that shows the segment's groups.

    Examples
    --------
    >>> scores = pd.DataFrame({"m": [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]})
    >>> groups = pd.Series(["a"] * 6 + ["b"] * 5 + [None])
    >>> hidden_cells(scores, groups, min_size=5)["m"].tolist()  # b is hidden with the blank
    [False, True]
    """
    counts, whole = _groups(groups, min_size)
    values = counts.index[counts.index.notna()]
    answered = scores.notna()  # booleans: a million respondents × 22 items is 22 MB, not 176
    contributors = answered.groupby(groups).sum().reindex(values, fill_value=0).astype(int)
    unshown = answered[groups.isna().to_numpy()].sum()
    whole = pd.Series(whole.to_numpy()[: len(values)], index=values)
    return protect(contributors, min_size=min_size, hidden=whole, unshown=unshown)


def _groups(column: pd.Series, min_size: int) -> tuple[pd.Series, pd.Series]:
    """Respondents per value (sorted; no value last, as NaN) and which are suppressed."""
    counts = column.value_counts(dropna=True).sort_index()
    missing = int(column.isna().sum())
    if missing:
        counts = pd.concat([counts, pd.Series([missing], index=[np.nan])])
    positions = pd.Series(counts.to_numpy())
    hide = suppress_small(positions, min_size=min_size).to_numpy()
    return counts, pd.Series(hide, index=counts.index)


def pairwise(samples: dict, *, test: str = "welch") -> pd.DataFrame:
    """Post-hoc comparisons of every pair of groups: Games-Howell after Welch's ANOVA,
    Dunn's test (Holm-adjusted) after Kruskal-Wallis.

    Parameters
    ----------
    samples : dict
        Group name -> array of values (at least two groups).
    test : {"welch", "kruskal"}
        The omnibus test the comparisons follow.

    Returns
    -------
    DataFrame
        One row per pair, in the order of ``samples``: ``group1, group2, n1, n2,
        difference`` (mean of group1 − mean of group2 for Games-Howell; mean rank
        difference for Dunn), ``statistic`` (t or z), ``df`` (Welch; NaN for Dunn),
        ``p_adjusted``, ``method`` (``games_howell`` or ``dunn``).

    Notes
    -----
    Games & Howell (1976): t = (ȳ₁ − ȳ₂) / √(s₁²/n₁ + s₂²/n₂) with Welch's df, and
    p = P(q > √2 |t|) for the studentized range of k groups (the family of all pairs is
    adjusted by the range distribution; in R: ``rstatix::games_howell_test``).  Dunn
    (1964): z = (R̄₁ − R̄₂) / √([N(N+1)/12 − Σ(t³ − t) / (12(N − 1))] (1/n₁ + 1/n₂)) on the
    ranks of all groups together, with the tie correction, two-sided normal p, Holm over
    the pairs (in R: ``dunn.test(method = "holm")``, ``FSA::dunnTest``).  With two groups,
    Games-Howell's p is Welch's t-test p.

    References
    ----------
    Games, P. A., & Howell, J. F. (1976). Pairwise multiple comparison procedures with
    unequal n's and/or variances. Journal of Educational Statistics, 1(2), 113-125.
    Dunn, O. J. (1964). Multiple comparisons using rank sums. Technometrics, 6(3), 241-252.

    Examples
    --------
    >>> pairs = pairwise({"a": np.array([4.0, 5, 6, 5]), "b": np.array([6.0, 7, 8, 7, 6])})
    >>> float(pairs["p_adjusted"].iloc[0].round(4))  # Welch's t-test p with two groups
    0.0151
    """
    check_option("test", test, ("welch", "kruskal"))
    names = list(samples)
    values = [np.asarray(samples[g], dtype=float) for g in names]
    k = len(values)
    rows = []
    if test == "welch":
        for i in range(k):
            for j in range(i + 1, k):
                a, b = values[i], values[j]
                va, vb = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
                se = np.sqrt(va + vb)
                diff = a.mean() - b.mean()
                with np.errstate(all="ignore"):
                    t = diff / se
                    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
                p = (float(stats.studentized_range.sf(np.sqrt(2) * abs(t), k, df))
                     if np.isfinite(t) and np.isfinite(df) else np.nan)
                rows.append((names[i], names[j], len(a), len(b), diff, t, df, p))
        method = "games_howell"
    else:
        pooled = np.concatenate(values)
        ranks = stats.rankdata(pooled)
        n = len(pooled)
        _, ties = np.unique(pooled, return_counts=True)
        spread = n * (n + 1) / 12 - (ties**3 - ties).sum() / (12 * (n - 1))
        edges = np.cumsum([0] + [len(v) for v in values])
        mean_rank = [ranks[edges[g]:edges[g + 1]].mean() for g in range(k)]
        raw = []
        for i in range(k):
            for j in range(i + 1, k):
                ni, nj = len(values[i]), len(values[j])
                diff = mean_rank[i] - mean_rank[j]
                with np.errstate(all="ignore"):
                    z = diff / np.sqrt(spread * (1 / ni + 1 / nj))
                raw.append(2 * stats.norm.sf(abs(z)) if np.isfinite(z) else np.nan)
                rows.append((names[i], names[j], ni, nj, diff, z, np.nan, np.nan))
        adjusted = adjust_p(np.array(raw), p_adjust="holm")
        rows = [(*r[:7], p) for r, p in zip(rows, adjusted, strict=True)]
        method = "dunn"
    out = pd.DataFrame(rows, columns=["group1", "group2", "n1", "n2", "difference", "statistic",
                                      "df", "p_adjusted"])
    out["method"] = method
    return out


def _group_test(samples: list, test: str) -> dict:
    k = len(samples)
    n = int(sum(len(s) for s in samples))
    nan = float("nan")
    out = {"test": test, "statistic": nan, "df1": nan, "df2": nan, "p_value": nan,
           "effect_size": nan, "effect_measure": "eta_squared" if test == "welch" else "epsilon_squared",
           "groups": k, "n": n}
    if k < 2 or any(len(s) < 2 for s in samples):
        return out
    pooled = np.concatenate(samples)
    if np.ptp(pooled) == 0:
        return out
    if test == "welch":
        if any(np.var(s) == 0 for s in samples):
            return out  # Welch's weights need every group's variance
        res = stats.f_oneway(*samples, equal_var=False)
        ss_between = sum(len(s) * (s.mean() - pooled.mean()) ** 2 for s in samples)
        ss_total = ((pooled - pooled.mean()) ** 2).sum()
        out.update(statistic=res.statistic, df1=k - 1, df2=_welch_df2(samples),
                   p_value=res.pvalue, effect_size=ss_between / ss_total)
    else:
        res = stats.kruskal(*samples)
        out.update(statistic=res.statistic, df1=k - 1, p_value=res.pvalue,
                   effect_size=res.statistic / (n - 1))
    return out


def _welch_df2(samples: list) -> float:
    """Denominator degrees of freedom of Welch's ANOVA (Welch 1951)."""
    k = len(samples)
    n = np.array([len(s) for s in samples], dtype=float)
    w = n / np.array([np.var(s, ddof=1) for s in samples])
    lam = np.sum((1 - w / w.sum()) ** 2 / (n - 1))
    return (k ** 2 - 1) / (3 * lam)


def adjust_p(p_values, *, p_adjust: str = "holm") -> np.ndarray:
    """Adjust p-values for multiple comparisons; NaN p-values are left out and stay NaN.

    Parameters
    ----------
    p_values : array-like of float
        The unadjusted p-values of one family of tests.
    p_adjust : {"holm", "bonferroni", "bh", "none"}
        Holm's step-down, Bonferroni, Benjamini-Hochberg (false discovery rate), or
        no adjustment.

    Returns
    -------
    ndarray
        Adjusted p-values in the order given, capped at 1.

    Raises
    ------
    InputError
        For an unknown ``p_adjust``.

    Notes
    -----
    With the m non-missing p-values sorted, p₍₁₎ ≤ … ≤ p₍ₘ₎:
    Bonferroni min(m p, 1); Holm max_{j ≤ i} min((m − j + 1) p₍ⱼ₎, 1);
    Benjamini-Hochberg min_{j ≥ i} min(m p₍ⱼ₎ / j, 1).
    In R: ``p.adjust(p, "holm" | "bonferroni" | "BH" | "none")``.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    Scandinavian Journal of Statistics, 6(2), 65-70.  Benjamini, Y., & Hochberg, Y.
    (1995). Controlling the false discovery rate. Journal of the Royal Statistical
    Society B, 57(1), 289-300.

    Examples
    --------
    >>> adjust_p([0.01, 0.04, 0.03]).round(2).tolist()
    [0.03, 0.06, 0.06]
    >>> adjust_p([0.01, 0.04, 0.03], p_adjust="bh").round(2).tolist()
    [0.03, 0.04, 0.04]
    """
    check_p_adjust(p_adjust)
    p = np.asarray(p_values, dtype=float)
    out = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return out
    values = p[ok]
    if p_adjust == "none":
        out[ok] = values
        return out
    if p_adjust == "bonferroni":
        out[ok] = np.minimum(values * m, 1)
        return out
    order = np.argsort(values)
    ranked = values[order]
    if p_adjust == "holm":
        adjusted = np.maximum.accumulate((m - np.arange(m)) * ranked)
    else:
        adjusted = np.minimum.accumulate(m / np.arange(m, 0, -1) * ranked[::-1])[::-1]
    result = np.empty(m)
    result[order] = np.minimum(adjusted, 1)
    out[ok] = result
    return out
