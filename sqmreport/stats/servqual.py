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

    Returns
    -------
    DataFrame
        Respondents × dimensions, plus ``overall`` (the mean of all the respondent's item gaps).
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
        Respondents × items.
    dimension_of : dict
        Item -> dimension.
    confidence : float
    correction : {"holm", "bonferroni", "bh"}
        Multiple-comparison correction of the paired-t p-values across items.

    Returns
    -------
    DataFrame
        ``item, dimension, expectation, perception, gap, gap_ci_low, gap_ci_high, t,
        p_value, p_adjusted, wilcoxon_p, n``; means over the respondents who
        answered the item in both forms.

    Notes
    -----
    Paired t: t = d̄ / (s_d / √n), CI d̄ ± t(1 − α/2, n − 1) s_d / √n.
    Wilcoxon signed-rank: zero differences dropped, normal approximation with
    continuity correction.  In R: ``t.test(p, e, paired = TRUE)``,
    ``wilcox.test(p, e, paired = TRUE, exact = FALSE)``.
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

    Returns
    -------
    DataFrame
        ``dimension, expectation, perception, gap, gap_ci_low, gap_ci_high, share_below, n``;
        ``share_below`` is the share of respondents whose dimension gap is below 0.
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
    points : DataFrame, optional
        Each respondent's importance points per dimension (summing to 100):
        w_id = points / 100.
    weights : dict, optional
        Dimension -> weight for every respondent (normalised), when there are no points.

    Notes
    -----
    SQ_id = respondent i's mean gap on dimension d.  Unweighted SERVQUAL = mean over
    dimensions of the mean over respondents of SQ_id.  Weighted: WSQ_i = Σ_d w_id SQ_id
    over respondents with every SQ_id and points; the score is the mean of WSQ_i.

    References
    ----------
    Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL. Journal of
    Retailing, 64(1), 12-40.
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
                      dimension_of: dict) -> pd.DataFrame:
    """Measures of service adequacy (MSA) and superiority (MSS) per item and dimension.

    Returns
    -------
    DataFrame
        ``level`` (``item`` or ``dimension``), ``id, dimension, adequate, desired,
        perception, msa, mss, zone`` with zone ``below`` (P < adequate), ``inside``
        (adequate ≤ P ≤ desired) or ``above`` (P > desired), on the means.

    Notes
    -----
    MSA = P − adequate; MSS = P − desired (Parasuraman, Zeithaml & Berry 1994,
    J. Retailing 70(3)).  Means over respondents who gave all three ratings.
    """
    both = adequate.notna() & desired.notna() & perception.notna()
    a, d, p = adequate.where(both), desired.where(both), perception.where(both)
    rows = [{"level": "item", "id": i, "dimension": dimension_of[i], "adequate": a[i].mean(),
             "desired": d[i].mean(), "perception": p[i].mean()} for i in perception.columns]
    for dim in dict.fromkeys(dimension_of.values()):
        items = [i for i, k in dimension_of.items() if k == dim]
        rows.append({"level": "dimension", "id": dim, "dimension": dim,
                     "adequate": a[items].mean(axis=1).mean(), "desired": d[items].mean(axis=1).mean(),
                     "perception": p[items].mean(axis=1).mean()})
    table = pd.DataFrame(rows)
    table["msa"] = table["perception"] - table["adequate"]
    table["mss"] = table["perception"] - table["desired"]
    table["zone"] = np.select([table["msa"] < 0, table["mss"] > 0], ["below", "above"], "inside")
    return table


def difference_score_reliability(*, alpha_p: float, alpha_e: float, sd_p: float, sd_e: float,
                                 r_pe: float) -> float:
    """Reliability of a difference score D = P − E.

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


