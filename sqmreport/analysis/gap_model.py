"""The gap report's analysis: SERVQUAL gap 5, gaps 1-4 where measured, zone of tolerance,
priorities and the difference-score caution, in one call.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sqmreport.data import records
from sqmreport.stats.descriptives import dimension_scores
from sqmreport.analysis.q_matrix import item_q_matrix
from sqmreport.stats.gaps import ServiceLevels, gap_table, service_levels
from sqmreport.stats.reliability import cronbach_alpha
from sqmreport.stats.servqual import (ServqualSummary, difference_score_reliability, dimension_gaps, item_gaps,
                       respondent_gaps, servqual_summary, zone_of_tolerance)
from sqmreport.data.survey import Survey

__all__ = ["GapResult", "analyse"]

LOW_RELIABILITY = 0.7  # below this, a difference score is a weak basis for decisions


@dataclass(frozen=True)
class GapResult:
    """What the gap report shows.

    Attributes
    ----------
    items : DataFrame
        Gap 5 per item (:func:`~sqmreport.stats.servqual.item_gaps`).
    dimensions : DataFrame
        Gap 5 per dimension (:func:`~sqmreport.stats.servqual.dimension_gaps`).
    summary : ServqualSummary
    response_rate : float
        NaN when the study does not give questionnaires sent and returned.
    model : DataFrame
        Gaps 1-5 per dimension where measured: ``dimension, gap1 ... gap5``
        (gap 3 relative to target, the others in scale points).
    gap_items : dict
        ``gap1``, ``gap2``, ``gap4`` -> :func:`~sqmreport.stats.gaps.gap_table` (absent when not measured).
    delivery : ServiceLevels or None
        Gap 3 from service-level records.
    measured : tuple of str
        The gaps the study's data measure.
    zone : DataFrame or None
        Zone of tolerance (:func:`~sqmreport.stats.servqual.zone_of_tolerance`).
    q_matrix : DataFrame
        Items by importance and perception with quadrant and ``priority``
        (shortfall × relative importance) and ``priority_rank``.
    q_source : str
    reliability : DataFrame
        Per dimension: ``alpha_e, alpha_p, alpha_gap, r_pe, reliability_gap, servperf, servqual``.
    """

    items: pd.DataFrame
    dimensions: pd.DataFrame
    summary: ServqualSummary
    response_rate: float
    model: pd.DataFrame
    gap_items: dict
    delivery: ServiceLevels | None
    measured: tuple
    zone: pd.DataFrame | None
    q_matrix: pd.DataFrame
    q_source: str
    reliability: pd.DataFrame


def analyse(survey: Survey) -> GapResult:
    """Compute every statistic of the gap report for ``survey`` (which has expectations)."""
    study = survey.study
    spec = study.spec
    dim_of = survey.instrument.dimension_of()
    e, p = survey.ratings["expectation"], survey.ratings["perception"]
    level = spec.analysis.confidence

    items = item_gaps(e, p, dimension_of=dim_of, confidence=level,
                      p_adjust=spec.analysis.p_adjust)
    dimensions = dimension_gaps(e, p, dimension_of=dim_of, confidence=level)
    summary = servqual_summary(e, p, dimension_of=dim_of, points=survey.importance,
                               weights=spec.analysis.servqual_weights)
    rate = (spec.questionnaires.returned / spec.questionnaires.sent
            if spec.questionnaires else float("nan"))

    e_mean, p_mean = e.mean(), p.mean()
    management = records.load_management(study)
    standards = records.load_item_levels(study, "standards", "standard")
    promises = records.load_item_levels(study, "promises", "promised")
    levels = records.load_service_levels(study)
    gap_items = {}
    m_mean = management.mean() if management is not None else None
    if m_mean is not None:
        gap_items["gap1"] = gap_table(m_mean, e_mean, dimension_of=dim_of)
    if standards is not None and m_mean is not None:
        gap_items["gap2"] = gap_table(standards, m_mean, dimension_of=dim_of)
    if promises is not None:
        gap_items["gap4"] = gap_table(p_mean, promises, dimension_of=dim_of)
    delivery = service_levels(levels) if levels is not None else None

    model = pd.DataFrame({"dimension": survey.instrument.dimension_ids})
    for gap, table in gap_items.items():
        model[gap] = model["dimension"].map(table.query("level == 'dimension'").set_index("id")["gap"])
    if delivery is not None:
        model["gap3"] = model["dimension"].map(delivery.dimensions.set_index("dimension")["gap"])
    model["gap5"] = model["dimension"].map(dimensions.set_index("dimension")["gap"])
    measured = tuple(g for g in ("gap1", "gap2", "gap3", "gap4", "gap5") if g in model)
    model = model[["dimension", *measured]]

    zone = None
    if survey.has("adequate"):
        zone = zone_of_tolerance(survey.ratings["adequate"], survey.ratings["desired"], p,
                                 dimension_of=dim_of)

    q_matrix, q_source = _priorities(items, survey)
    return GapResult(items, dimensions, summary, rate, model, gap_items, delivery, measured, zone,
                     q_matrix, q_source, _reliability(survey, dim_of))


def _priorities(items: pd.DataFrame, survey: Survey):
    table, source = item_q_matrix(survey)
    table["gap"] = table["item"].map(items.set_index("item")["gap"])
    # Priority: the shortfall weighted by relative importance; items at or above
    # expectation have none.
    table["priority"] = np.maximum(-table["gap"], 0) * table["importance"] / table["importance"].mean()
    ranked = table["priority"].where(table["priority"] > 0)
    table["priority_rank"] = ranked.rank(ascending=False, method="min").astype("Int64")
    return table, source


def _reliability(survey: Survey, dim_of: dict) -> pd.DataFrame:
    e, p = survey.ratings["expectation"], survey.ratings["perception"]
    low, high = survey.scale
    score_e, score_p = dimension_scores(e, dimension_of=dim_of), dimension_scores(p, dimension_of=dim_of)
    gaps = respondent_gaps(e, p, dimension_of=dim_of)
    rows = []
    for dim in survey.instrument.dimension_ids:
        items = survey.instrument.items_of(dim)
        alpha_e = cronbach_alpha(e[items]).alpha
        alpha_p = cronbach_alpha(p[items]).alpha
        alpha_gap = cronbach_alpha(p[items] - e[items]).alpha
        pair = pd.concat([score_p[dim], score_e[dim]], axis=1).dropna()
        r_pe = pair.corr().iloc[0, 1] if len(pair) > 2 else np.nan
        try:
            r_d = difference_score_reliability(alpha_p=alpha_p, alpha_e=alpha_e,
                                               sd_p=pair.iloc[:, 0].std(), sd_e=pair.iloc[:, 1].std(),
                                               r_pe=r_pe)
        except ValueError:
            r_d = np.nan
        rows.append({"dimension": dim, "alpha_e": alpha_e, "alpha_p": alpha_p,
                     "alpha_gap": alpha_gap, "r_pe": r_pe, "reliability_gap": r_d,
                     "servperf": score_p[dim].mean(), "servqual": gaps[dim].mean()})
    return pd.DataFrame(rows)


