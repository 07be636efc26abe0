"""SERVQUAL: perception − expectation gaps, weighted SERVQUAL, zone of tolerance.

Every function takes expectation and perception tables (respondents × items,
same index and columns) as loaded by :func:`sqmreport.load_survey`, so reverse
coding has already been applied.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from sqmreport._validation import InputError
from sqmreport.stats._options import check_confidence, check_p_adjust
from sqmreport.stats.descriptives import adjust_p

__all__ = ["ServqualSummary", "dimension_gaps", "difference_score_reliability", "item_gaps",
           "respondent_gaps", "servqual_summary", "zone_of_tolerance"]


def _paired(expectation: pd.DataFrame, perception: pd.DataFrame):
    """Expectation and perception with a cell kept only where both were answered."""
    both = expectation.notna() & perception.notna()
    return expectation.where(both), perception.where(both)


def respondent_gaps(expectation: pd.DataFrame, perception: pd.DataFrame, *,
                    dimension_of: dict) -> pd.DataFrame:
    """Each respondent's gap per dimension: the mean of P − E over the items answered in both forms.

    Parameters
    ----------
    expectation, perception : DataFrame
        Respondents × items, same index and columns, reverse-coded already; NaN
        for no answer.
    dimension_of : dict
        Item -> dimension, in instrument order.

    Returns
    -------
    DataFrame
        Respondents × dimensions, plus ``overall`` (the mean of all the respondent's
        item gaps); NaN where a respondent answered no item of a dimension in both forms.

    Notes
    -----
    G_ij = P_ij − E_ij; SQ_id = mean of G_ij over the items j of dimension d
    answered in both forms.  In R: ``rowMeans(P[, d] - E[, d], na.rm = TRUE)``.

    References
    ----------
    Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL: a multiple-item
    scale for measuring consumer perceptions of service quality. Journal of
    Retailing, 64(1), 12-40.

    Examples
    --------
    >>> e = pd.DataFrame({"1": [6, 7, 6, 7], "2": [7, 6, 6, 5], "3": [5, 6, 7, 6]})
    >>> p = pd.DataFrame({"1": [5, 6, 6, 5], "2": [6, 6, 4, 5], "3": [6, 6, 6, 7]})
    >>> dims = {"1": "tangibles", "2": "tangibles", "3": "reliability"}
    >>> respondent_gaps(e, p, dimension_of=dims)["tangibles"].tolist()
    [-1.0, -0.5, -1.0, -1.0]
    """
    e, p = _paired(expectation, perception)
    gaps = p - e
    dims = list(dict.fromkeys(dimension_of.values()))
    table = pd.DataFrame({d: gaps[[i for i, k in dimension_of.items() if k == d]].mean(axis=1)
                          for d in dims})
    table["overall"] = gaps.mean(axis=1)
    return table


def item_gaps(expectation: pd.DataFrame, perception: pd.DataFrame, *, dimension_of: dict,
              confidence: float = 0.95, p_adjust: str = "holm") -> pd.DataFrame:
    """Per item: mean E, mean P, the gap P − E with its interval, paired t and Wilcoxon tests.

    Parameters
    ----------
    expectation, perception : DataFrame
        Respondents × items, same index and columns, reverse-coded already; NaN
        for no answer.
    dimension_of : dict
        Item -> dimension, in instrument order.
    confidence : float
        Level of the t-interval of the gap, in (0, 1).
    p_adjust : {"holm", "bonferroni", "bh", "none"}
        Adjustment of the paired-t p-values across items
        (:func:`~sqmreport.stats.descriptives.adjust_p`).

    Returns
    -------
    DataFrame
        ``item, dimension, expectation, perception, gap, gap_ci_low, gap_ci_high, t,
        p_value, p_adjusted, wilcoxon_p, n``; means over the respondents who
        answered the item in both forms (``n``).

    Raises
    ------
    InputError
        For an unknown ``p_adjust`` or a ``confidence`` outside (0, 1).

    Notes
    -----
    Paired t: t = d̄ / (s_d / √n), CI d̄ ± t(1 − α/2, n − 1) s_d / √n.
    Wilcoxon signed-rank: zero differences dropped, normal approximation with
    continuity correction.  In R: ``t.test(p, e, paired = TRUE)``,
    ``wilcox.test(p, e, paired = TRUE, exact = FALSE)``, ``p.adjust``.

    References
    ----------
    Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL: a multiple-item
    scale for measuring consumer perceptions of service quality. Journal of
    Retailing, 64(1), 12-40.

    Examples
    --------
    >>> e = pd.DataFrame({"1": [6, 7, 6, 7], "2": [7, 6, 6, 5], "3": [5, 6, 7, 6]})
    >>> p = pd.DataFrame({"1": [5, 6, 6, 5], "2": [6, 6, 4, 5], "3": [6, 6, 6, 7]})
    >>> dims = {"1": "tangibles", "2": "tangibles", "3": "reliability"}
    >>> g = item_gaps(e, p, dimension_of=dims)
    >>> g[["item", "gap", "n"]]
      item   gap  n
    0    1 -1.00  4
    1    2 -0.75  4
    2    3  0.25  4
    """
    check_confidence(confidence)
    check_p_adjust(p_adjust)
    e, p = _paired(expectation, perception)
    rows = []
    for item in expectation.columns:
        d = (p[item] - e[item]).dropna().to_numpy()
        n = len(d)
        row = {"item": item, "dimension": dimension_of.get(item), "expectation": e[item].mean(),
               "perception": p[item].mean(), "gap": d.mean() if n else np.nan,
               "gap_ci_low": np.nan, "gap_ci_high": np.nan, "t": np.nan, "p_value": np.nan,
               "wilcoxon_p": np.nan, "n": n}
        if n >= 2 and d.std(ddof=1) > 0:
            se = d.std(ddof=1) / np.sqrt(n)
            half = stats.t.ppf((1 + confidence) / 2, n - 1) * se
            row.update(gap_ci_low=d.mean() - half, gap_ci_high=d.mean() + half,
                       t=d.mean() / se, p_value=2 * stats.t.sf(abs(d.mean() / se), n - 1))
        elif n >= 2:  # every respondent has the same gap: no variation to test
            row.update(gap_ci_low=d.mean(), gap_ci_high=d.mean())
        if np.count_nonzero(d) >= 1:
            row["wilcoxon_p"] = stats.wilcoxon(d, zero_method="wilcox", correction=True,
                                               method="approx").pvalue
        rows.append(row)
    table = pd.DataFrame(rows)
    table.insert(table.columns.get_loc("wilcoxon_p"), "p_adjusted",
                 adjust_p(table["p_value"].to_numpy(), p_adjust=p_adjust))
    return table


def dimension_gaps(expectation: pd.DataFrame, perception: pd.DataFrame, *, dimension_of: dict,
                   confidence: float = 0.95) -> pd.DataFrame:
    """Per dimension: mean E, mean P, gap with interval, share of respondents below expectation.

    A respondent's dimension E and P are the means of the dimension's items
    answered in both forms, so that gap = P − E holds exactly.

    Parameters
    ----------
    expectation, perception : DataFrame
        Respondents × items, same index and columns, reverse-coded already; NaN
        for no answer.
    dimension_of : dict
        Item -> dimension, in instrument order.
    confidence : float
        Level of the t-interval of the gap, in (0, 1).

    Returns
    -------
    DataFrame
        ``dimension, expectation, perception, gap, gap_ci_low, gap_ci_high, share_below, n``;
        ``share_below`` is the share of respondents whose dimension gap is below 0,
        ``n`` the respondents with a dimension gap.

    Raises
    ------
    InputError
        For a ``confidence`` outside (0, 1).

    Notes
    -----
    SQ_d = mean over respondents of SQ_id (see :func:`respondent_gaps`); interval
    SQ_d ± t(1 − α/2, n − 1) s / √n.  In R: ``t.test(rowMeans(P[, d] - E[, d]))``.

    References
    ----------
    Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL: a multiple-item
    scale for measuring consumer perceptions of service quality. Journal of
    Retailing, 64(1), 12-40.

    Examples
    --------
    >>> e = pd.DataFrame({"1": [6, 7, 6, 7], "2": [7, 6, 6, 5], "3": [5, 6, 7, 6]})
    >>> p = pd.DataFrame({"1": [5, 6, 6, 5], "2": [6, 6, 4, 5], "3": [6, 6, 6, 7]})
    >>> dims = {"1": "tangibles", "2": "tangibles", "3": "reliability"}
    >>> dimension_gaps(e, p, dimension_of=dims)[["dimension", "gap", "share_below"]]
         dimension    gap  share_below
    0    tangibles -0.875         1.00
    1  reliability  0.250         0.25
    """
    check_confidence(confidence)
    e, p = _paired(expectation, perception)
    rows = []
    for dim in dict.fromkeys(dimension_of.values()):
        items = [i for i, k in dimension_of.items() if k == dim]
        e_d, p_d = e[items].mean(axis=1), p[items].mean(axis=1)
        gap = (p_d - e_d).dropna()
        n = len(gap)
        half = (stats.t.ppf((1 + confidence) / 2, n - 1) * gap.std(ddof=1) / np.sqrt(n)
                if n > 1 else np.nan)
        rows.append({"dimension": dim, "expectation": e_d.mean(), "perception": p_d.mean(),
                     "gap": gap.mean(), "gap_ci_low": gap.mean() - half,
                     "gap_ci_high": gap.mean() + half, "share_below": (gap < 0).mean(), "n": n})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class ServqualSummary:
    """The study-level SERVQUAL figures.

    Attributes
    ----------
    unweighted : float
        Mean of the dimension gap scores.
    weighted : float
        Mean over respondents of Σ_d w_id · SQ_id (NaN without weights).
    weights_source : str
        ``"respondents"`` (each respondent's points), ``"study"`` or ``"none"``.
    servperf : float
        Mean of the dimension perception scores (Cronin & Taylor 1992).
    share_below : float
        Share of respondents whose mean gap over all items is below 0.
    n : int
        Respondents with a gap score.
    n_weighted : int
        Respondents in the weighted score.
    """

    unweighted: float
    weighted: float
    weights_source: str
    servperf: float
    share_below: float
    n: int
    n_weighted: int


def servqual_summary(expectation: pd.DataFrame, perception: pd.DataFrame, *, dimension_of: dict,
                     points: pd.DataFrame | None = None,
                     weights: dict | None = None) -> ServqualSummary:
    """Unweighted and weighted SERVQUAL, SERVPERF, and the share below expectation.

    Parameters
    ----------
    expectation, perception : DataFrame
        Respondents × items, same index and columns, reverse-coded already; NaN
        for no answer.
    dimension_of : dict
        Item -> dimension, in instrument order.
    points : DataFrame, optional
        Each respondent's importance points per dimension (summing to 100):
        w_id = points / 100.
    weights : dict, optional
        Dimension -> weight for every respondent (normalised), when there are no points.

    Returns
    -------
    ServqualSummary

    Notes
    -----
    SQ_id = respondent i's mean gap on dimension d.  Unweighted SERVQUAL = mean over
    dimensions of the mean over respondents of SQ_id.  Weighted: WSQ_i = Σ_d w_id SQ_id
    over respondents with every SQ_id and weight; the score is the mean of WSQ_i.
    SERVPERF = mean over dimensions of the mean perception score (Cronin & Taylor 1992).

    References
    ----------
    Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL: a multiple-item
    scale for measuring consumer perceptions of service quality. Journal of
    Retailing, 64(1), 12-40.
    Cronin, J. J., & Taylor, S. A. (1992). Measuring service quality: a reexamination
    and extension. Journal of Marketing, 56(3), 55-68.

    Examples
    --------
    >>> e = pd.DataFrame({"1": [6, 7, 6, 7], "2": [7, 6, 6, 5], "3": [5, 6, 7, 6]})
    >>> p = pd.DataFrame({"1": [5, 6, 6, 5], "2": [6, 6, 4, 5], "3": [6, 6, 6, 7]})
    >>> dims = {"1": "tangibles", "2": "tangibles", "3": "reliability"}
    >>> s = servqual_summary(e, p, dimension_of=dims)
    >>> s.unweighted, s.servperf, s.share_below
    (-0.3125, 5.8125, 1.0)
    """
    per_respondent = respondent_gaps(expectation, perception, dimension_of=dimension_of)
    dims = list(dict.fromkeys(dimension_of.values()))
    sq = per_respondent[dims]
    unweighted = float(sq.mean().mean())
    if points is not None:
        w = points[dims] / 100
        source = "respondents"
    elif weights is not None:
        raw = pd.Series({d: float(weights.get(d, 0)) for d in dims})
        w = pd.DataFrame([raw / raw.sum()] * len(sq), index=sq.index)
        source = "study"
    else:
        w, source = None, "none"
    weighted, n_weighted = float("nan"), 0
    if w is not None:
        complete = sq.notna().all(axis=1) & w.notna().all(axis=1)
        wsq = (sq[complete] * w[complete]).sum(axis=1)
        weighted, n_weighted = (float(wsq.mean()) if len(wsq) else float("nan")), int(complete.sum())
    perceptions = pd.DataFrame({d: perception[[i for i, k in dimension_of.items() if k == d]].mean(axis=1)
                                for d in dims})
    overall = per_respondent["overall"].dropna()
    return ServqualSummary(unweighted, weighted, source, float(perceptions.mean().mean()),
                           float((overall < 0).mean()), len(overall), n_weighted)


def zone_of_tolerance(adequate: pd.DataFrame, desired: pd.DataFrame, perception: pd.DataFrame, *,
                      dimension_of: dict, confidence: float = 0.95) -> pd.DataFrame:
    """Measures of service adequacy (MSA) and superiority (MSS) per item and dimension.

    Parameters
    ----------
    adequate, desired : DataFrame
        Respondents × items: the minimum acceptable and the desired level of service.
    perception : DataFrame
        Respondents × items, same index and columns.
    dimension_of : dict
        Item -> dimension, in instrument order.
    confidence : float
        Level of the intervals of MSA and MSS, in (0, 1).

    Returns
    -------
    DataFrame
        ``level`` (``item`` or ``dimension``), ``id, dimension, adequate, desired,
        perception, msa, msa_ci_low, msa_ci_high, mss, mss_ci_low, mss_ci_high, n, zone``
        with zone ``below`` (P < adequate), ``inside`` (adequate ≤ P ≤ desired) or
        ``above`` (P > desired) on the means, and ``zones``: the zones the intervals
        allow (``inside/above`` when MSS's interval reaches zero), so that +0.01 above
        the desired level is not called "above the zone" unless it is clear.

    Notes
    -----
    MSA = P − adequate; MSS = P − desired.  Means over the respondents who gave all
    three ratings of an item; a dimension's means are over respondents of their
    item means.  Intervals: paired t on the respondents' differences (R:
    ``t.test(p, a, paired = TRUE)``).

    References
    ----------
    Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1994). Alternative scales for
    measuring service quality: a comparative assessment based on psychometric and
    diagnostic criteria. Journal of Retailing, 70(3), 201-230.

    Examples
    --------
    >>> e = pd.DataFrame({"1": [6, 7, 6, 7], "2": [7, 6, 6, 5], "3": [5, 6, 7, 6]})
    >>> p = pd.DataFrame({"1": [5, 6, 6, 5], "2": [6, 6, 4, 5], "3": [6, 6, 6, 7]})
    >>> dims = {"1": "tangibles", "2": "tangibles", "3": "reliability"}
    >>> a = pd.DataFrame({"1": [4, 5, 4, 5], "2": [5, 4, 4, 4], "3": [4, 4, 5, 5]})
    >>> zone_of_tolerance(a, e, p, dimension_of=dims)[["id", "msa", "mss", "zone"]]
                id   msa    mss    zone
    0            1  1.00 -1.000  inside
    1            2  1.00 -0.750  inside
    2            3  1.75  0.250   above
    3    tangibles  1.00 -0.875  inside
    4  reliability  1.75  0.250   above
    """
    check_confidence(confidence)
    both = adequate.notna() & desired.notna() & perception.notna()
    a, d, p = adequate.where(both), desired.where(both), perception.where(both)

    def row(level, key, dim, av, dv, pv):
        msa, mss = _t_interval(pv - av, confidence), _t_interval(pv - dv, confidence)
        return {"level": level, "id": key, "dimension": dim, "adequate": av.mean(),
                "desired": dv.mean(), "perception": pv.mean(), "msa": msa[0],
                "msa_ci_low": msa[1], "msa_ci_high": msa[2], "mss": mss[0], "mss_ci_low": mss[1],
                "mss_ci_high": mss[2], "n": int((pv - av).notna().sum())}

    rows = [row("item", i, dimension_of[i], a[i], d[i], p[i]) for i in perception.columns]
    for dim in dict.fromkeys(dimension_of.values()):
        items = [i for i, k in dimension_of.items() if k == dim]
        rows.append(row("dimension", dim, dim, a[items].mean(axis=1), d[items].mean(axis=1),
                        p[items].mean(axis=1)))
    table = pd.DataFrame(rows)
    table["zone"] = np.select([table["msa"] < 0, table["mss"] > 0], ["below", "above"], "inside")
    table["zones"] = [_zones(*r) for r in zip(table["msa_ci_low"], table["msa_ci_high"],
                                              table["mss_ci_low"], table["mss_ci_high"], strict=True)]
    return table


def _t_interval(x: pd.Series, confidence: float) -> tuple[float, float, float]:
    x = x.dropna().to_numpy(float)
    n = len(x)
    if n == 0:
        return np.nan, np.nan, np.nan
    mean = x.mean()
    if n < 2:
        return mean, np.nan, np.nan
    half = stats.t.ppf((1 + confidence) / 2, n - 1) * x.std(ddof=1) / np.sqrt(n)
    return mean, mean - half, mean + half


def _zones(msa_low, msa_high, mss_low, mss_high) -> str:
    """The zones a mean may be in, given the intervals of MSA and MSS."""
    if not np.isfinite([msa_low, msa_high, mss_low, mss_high]).all():
        return ""
    possible = [zone for zone, allowed in (("below", msa_low < 0), ("inside", msa_high >= 0 and mss_low <= 0),
                                           ("above", mss_high > 0)) if allowed]
    return "/".join(possible)


def difference_score_reliability(*, alpha_p: float, alpha_e: float, sd_p: float, sd_e: float,
                                 r_pe: float) -> float:
    """Reliability of a difference score D = P − E.

    Parameters
    ----------
    alpha_p, alpha_e : float
        Reliabilities (e.g. Cronbach's alpha) of the perception and the expectation score.
    sd_p, sd_e : float
        Their standard deviations.
    r_pe : float
        Their correlation.

    Returns
    -------
    float
        r_D, the reliability of P − E.

    Raises
    ------
    InputError
        When P − E has no variance (P and E identical).

    Notes
    -----
    r_D = (σ_P² r_PP + σ_E² r_EE − 2 r_PE σ_P σ_E) / (σ_P² + σ_E² − 2 r_PE σ_P σ_E).

    References
    ----------
    Peter, J. P., Churchill, G. A., & Brown, T. J. (1993). Caution in the use of
    difference scores in consumer research. Journal of Consumer Research, 19(4), 655-662.

    Examples
    --------
    >>> round(difference_score_reliability(alpha_p=0.9, alpha_e=0.9, sd_p=1, sd_e=1, r_pe=0.5), 6)
    0.8
    """
    denominator = sd_p**2 + sd_e**2 - 2 * r_pe * sd_p * sd_e
    if denominator <= 0:
        raise InputError("the difference score has no variance: P and E are identical")
    return (sd_p**2 * alpha_p + sd_e**2 * alpha_e - 2 * r_pe * sd_p * sd_e) / denominator


