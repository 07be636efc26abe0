"""The gap report's analysis, one function per section: SERVQUAL gap 5, gaps 1-4 where
measured, zone of tolerance, priorities and the difference-score caution.

Options are keyword arguments; None is the study file's setting::

    gaps = gap.item_gaps(survey, p_adjust="bonferroni")
    show.servqual(rep, gaps)

:func:`analyse` runs every section as the study asks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sqmreport.analysis.q_matrix import item_q_matrix
from sqmreport.data import records
from sqmreport.data.survey import Survey
from sqmreport.stats import servqual as sq
from sqmreport.stats.descriptives import dimension_scores
from sqmreport.stats.gaps import ServiceLevels, gap_table, service_levels
from sqmreport.stats.priority import PriorityResult
from sqmreport.stats.reliability import cronbach_alpha

__all__ = ["Caution", "FiveGaps", "GapResult", "ItemGaps", "Overview", "Priorities", "Zone",
           "analyse", "caution", "delivery", "five_gaps", "item_gaps", "overview", "priorities",
           "zone"]

LOW_RELIABILITY = 0.7  # below this, a difference score is a weak basis for decisions
GAPS = ("gap1", "gap2", "gap3", "gap4", "gap5")


def _forms(survey: Survey):
    return survey.ratings["expectation"], survey.ratings["perception"], survey.instrument.dimension_of()


@dataclass(frozen=True)
class ItemGaps:
    """Gap 5 (perception − expectation) per item and per dimension.

    Attributes
    ----------
    items : DataFrame
        :func:`~sqmreport.stats.servqual.item_gaps`.
    dimensions : DataFrame
        :func:`~sqmreport.stats.servqual.dimension_gaps`.
    significant : DataFrame
        The items below expectation whose adjusted p-value is below 1 − confidence.
    confidence : float
    p_adjust : str
    scale : tuple
    """

    items: pd.DataFrame
    dimensions: pd.DataFrame
    significant: pd.DataFrame
    confidence: float
    p_adjust: str
    scale: tuple


def item_gaps(survey: Survey, *, p_adjust: str | None = None,
              confidence: float | None = None) -> ItemGaps:
    """Gap 5 by item (paired t and Wilcoxon tests) and by dimension.

    Options default to the study's ``analysis.p_adjust`` and ``analysis.confidence``.
    """
    options = survey.study.spec.analysis
    p_adjust = options.p_adjust if p_adjust is None else p_adjust
    confidence = options.confidence if confidence is None else confidence
    e, p, dim_of = _forms(survey)
    items = sq.item_gaps(e, p, dimension_of=dim_of, confidence=confidence, p_adjust=p_adjust)
    dimensions = sq.dimension_gaps(e, p, dimension_of=dim_of, confidence=confidence)
    significant = items[(items["p_adjusted"] < 1 - confidence) & (items["gap"] < 0)]
    return ItemGaps(items, dimensions, significant.reset_index(drop=True), confidence, p_adjust,
                    survey.scale)


@dataclass(frozen=True)
class Overview:
    """SERVQUAL in one table.

    Attributes
    ----------
    summary : ServqualSummary
    response_rate : float
        NaN when the study does not give questionnaires sent and returned.
    sqi : float
        The service-quality index of the service-level records (NaN without them).
    """

    summary: sq.ServqualSummary
    response_rate: float
    sqi: float


def overview(survey: Survey, *, weights: dict | None = None) -> Overview:
    """Unweighted and weighted SERVQUAL, SERVPERF, the share below expectation.

    The weighted score uses the respondents' importance points when the survey has
    them, else ``weights`` (dimension -> weight; None: the study's
    ``analysis.servqual_weights``).
    """
    spec = survey.study.spec
    weights = spec.analysis.servqual_weights if weights is None else weights
    e, p, dim_of = _forms(survey)
    summary = sq.servqual_summary(e, p, dimension_of=dim_of, points=survey.importance,
                                  weights=weights)
    q = spec.questionnaires
    rate = q.returned / q.sent if q else float("nan")
    levels = delivery(survey)
    return Overview(summary, rate, levels.sqi if levels is not None else float("nan"))


@dataclass(frozen=True)
class FiveGaps:
    """Gaps 1-5 per dimension where the study's data measure them.

    Attributes
    ----------
    model : DataFrame
        ``dimension, gap1 ... gap5`` (the measured ones; gap 3 relative to target, the
        others in scale points).
    gap_items : dict
        ``gap1``, ``gap2``, ``gap4`` -> :func:`~sqmreport.stats.gaps.gap_table` (absent when
        not measured).
    measured : tuple of str
    scale : tuple
    """

    model: pd.DataFrame
    gap_items: dict
    measured: tuple
    scale: tuple


def five_gaps(survey: Survey) -> FiveGaps:
    """Gaps 1-5 from the survey and the study's optional files (management survey,
    standards, promises, service levels)."""
    study = survey.study
    e, p, dim_of = _forms(survey)
    management = records.load_management(study)
    standards = records.load_item_levels(study, "standards", "standard")
    promises = records.load_item_levels(study, "promises", "promised")
    gap_items = {}
    m_mean = management.mean() if management is not None else None
    if m_mean is not None:
        gap_items["gap1"] = gap_table(m_mean, e.mean(), dimension_of=dim_of)
    if standards is not None and m_mean is not None:
        gap_items["gap2"] = gap_table(standards, m_mean, dimension_of=dim_of)
    if promises is not None:
        gap_items["gap4"] = gap_table(p.mean(), promises, dimension_of=dim_of)
    levels = delivery(survey)
    dimensions = sq.dimension_gaps(e, p, dimension_of=dim_of)

    model = pd.DataFrame({"dimension": survey.instrument.dimension_ids})
    for gap, table in gap_items.items():
        model[gap] = model["dimension"].map(table.query("level == 'dimension'").set_index("id")["gap"])
    if levels is not None:
        model["gap3"] = model["dimension"].map(levels.dimensions.set_index("dimension")["gap"])
    model["gap5"] = model["dimension"].map(dimensions.set_index("dimension")["gap"])
    measured = tuple(g for g in GAPS if g in model)
    return FiveGaps(model[["dimension", *measured]], gap_items, measured, survey.scale)


def delivery(survey: Survey) -> ServiceLevels | None:
    """Gap 3 from the study's service-level records (None without them)."""
    levels = records.load_service_levels(survey.study)
    return service_levels(levels) if levels is not None else None


@dataclass(frozen=True)
class Zone:
    """Zone of tolerance (:func:`~sqmreport.stats.servqual.zone_of_tolerance`); ``table``
    None without adequate and desired service forms."""

    table: pd.DataFrame | None
    scale: tuple


def zone(survey: Survey) -> Zone:
    """Measures of service adequacy and superiority per item and dimension."""
    if not survey.has("adequate"):
        return Zone(None, survey.scale)
    _, p, dim_of = _forms(survey)
    return Zone(sq.zone_of_tolerance(survey.ratings["adequate"], survey.ratings["desired"], p,
                                     dimension_of=dim_of,
                                     confidence=survey.study.spec.analysis.confidence), survey.scale)


@dataclass(frozen=True)
class Priorities:
    """Items by importance, perception and gap with their intervals, the priority score
    (shortfall × relative importance), its rank and the action it supports
    (:mod:`sqmreport.stats.priority`: the same model as the satisfaction report's
    Q-matrix); ``source`` names the importance."""

    result: PriorityResult
    source: str

    @property
    def table(self) -> pd.DataFrame | None:
        return None if self.result is None else self.result.table


def priorities(survey: Survey, *, importance: str | None = None,
               crosshair: str | None = None) -> Priorities:
    """Improvement priorities: the shortfall below expectation weighted by relative importance.

    Options as :func:`~sqmreport.analysis.q_matrix.item_q_matrix`; None: ``analysis.q_matrix``.
    """
    return Priorities(*item_q_matrix(survey, importance=importance, crosshair=crosshair))


@dataclass(frozen=True)
class Caution:
    """Reliability of the difference score per dimension.

    ``table``: ``dimension, alpha_e, alpha_p, alpha_gap, r_pe, reliability_gap, servperf,
    servqual``; ``low`` the dimensions whose gap reliability is below ``threshold``.
    """

    table: pd.DataFrame
    low: pd.DataFrame
    threshold: float


def caution(survey: Survey, *, threshold: float = LOW_RELIABILITY) -> Caution:
    """How reliable each dimension's gap score is, next to SERVPERF and SERVQUAL."""
    e, p, dim_of = _forms(survey)
    score_e = dimension_scores(e, dimension_of=dim_of)
    score_p = dimension_scores(p, dimension_of=dim_of)
    gaps = sq.respondent_gaps(e, p, dimension_of=dim_of)
    rows = []
    for dim in survey.instrument.dimension_ids:
        items = survey.instrument.items_of(dim)
        alpha_e = cronbach_alpha(e[items]).alpha
        alpha_p = cronbach_alpha(p[items]).alpha
        alpha_gap = cronbach_alpha(p[items] - e[items]).alpha
        pair = pd.concat([score_p[dim], score_e[dim]], axis=1).dropna()
        r_pe = pair.corr().iloc[0, 1] if len(pair) > 2 else np.nan
        try:
            r_d = sq.difference_score_reliability(alpha_p=alpha_p, alpha_e=alpha_e,
                                                  sd_p=pair.iloc[:, 0].std(),
                                                  sd_e=pair.iloc[:, 1].std(), r_pe=r_pe)
        except ValueError:
            r_d = np.nan
        rows.append({"dimension": dim, "alpha_e": alpha_e, "alpha_p": alpha_p,
                     "alpha_gap": alpha_gap, "r_pe": r_pe, "reliability_gap": r_d,
                     "servperf": score_p[dim].mean(), "servqual": gaps[dim].mean()})
    table = pd.DataFrame(rows)
    return Caution(table, table[table["reliability_gap"] < threshold], threshold)


# -- the whole report ------------------------------------------------------------------

@dataclass(frozen=True)
class GapResult:
    """What the gap report shows, with the study's options.

    Attributes
    ----------
    items, dimensions : DataFrame
        :class:`ItemGaps`.
    summary : ServqualSummary
    response_rate : float
    model : DataFrame
    gap_items : dict
    delivery : ServiceLevels or None
    measured : tuple of str
    zone : DataFrame or None
    priorities : PriorityResult or None
        :class:`Priorities`'s result (None without a measure of importance);
        ``q_matrix`` is its table.
    q_source : str
    reliability : DataFrame
        :class:`Caution`'s table.
    """

    items: pd.DataFrame
    dimensions: pd.DataFrame
    summary: sq.ServqualSummary
    response_rate: float
    model: pd.DataFrame
    gap_items: dict
    delivery: ServiceLevels | None
    measured: tuple
    zone: pd.DataFrame | None
    priorities: PriorityResult | None
    q_source: str
    reliability: pd.DataFrame

    @property
    def q_matrix(self) -> pd.DataFrame | None:
        """The priorities' table (:class:`~sqmreport.stats.priority.PriorityResult`)."""
        return None if self.priorities is None else self.priorities.table


def analyse(survey: Survey) -> GapResult:
    """Every section of the gap report for ``survey`` (which has expectations)."""
    gaps, view, model = item_gaps(survey), overview(survey), five_gaps(survey)
    ranked = priorities(survey)
    return GapResult(gaps.items, gaps.dimensions, view.summary, view.response_rate, model.model,
                     model.gap_items, delivery(survey), model.measured, zone(survey).table,
                     ranked.result, ranked.source, caution(survey).table)
