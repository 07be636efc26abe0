"""The satisfaction report's analysis: everything the report shows, computed in one call.

:func:`analyse` runs the statistics of :mod:`sqmreport.stats.descriptives`,
:mod:`sqmreport.stats.drivers` and :mod:`sqmreport.stats.grey` on a :class:`~sqmreport.data.survey.Survey`
as its study file asks (the words of its findings are the presentation layer's:
:func:`sqmreport.present.views.satisfaction.findings`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sqmreport.stats import descriptives as desc
from sqmreport.analysis.q_matrix import item_q_matrix
from sqmreport.stats.drivers import DriverResult, key_drivers
from sqmreport.stats.grey import GreyResult, grey_relational
from sqmreport._validation import section
from sqmreport.data.survey import Survey

__all__ = ["SatisfactionResult", "analyse"]


@dataclass(frozen=True)
class SatisfactionResult:
    """What the satisfaction report shows.

    Attributes
    ----------
    response : DataFrame
        ``sent, returned, usable, response_rate`` (one row; sent/returned NaN when
        the study does not say).
    profile : DataFrame
        Sample profile by segment (:func:`~sqmreport.stats.descriptives.segment_profile`).
    items : DataFrame
        Perception items: ``item, dimension`` and :func:`~sqmreport.stats.descriptives.describe`.
    distribution : DataFrame
        Share of answers per scale point, items × points.
    dimensions : DataFrame
        Dimension scores (mean of a respondent's items) described like items.
    overall : DataFrame or None
        Overall satisfaction described.
    csi : CSIResult
        Index over the dimension scores, weights from ``analysis.csi_weights`` or equal.
    nps : NPSResult or None
    segments : SegmentComparison or None
        Dimension scores (and overall satisfaction) by segment.
    drivers : DriverResult or None
        Dimension scores as drivers of overall satisfaction.
    q_matrix : DataFrame or None
        Items in the importance-performance matrix, with ``importance_cut`` and
        ``performance_cut`` columns and the importance source in ``q_source``.
    grey : GreyResult or None
        Segment groups ranked on their dimension scores; ``grey_segment`` names the segment.
    comments : Series or None
        Masked free-text comments.
    problems : dict
        Section -> the :class:`~sqmreport._validation.Degenerate` that stopped it.
    """

    response: pd.DataFrame
    profile: pd.DataFrame
    items: pd.DataFrame
    distribution: pd.DataFrame
    dimensions: pd.DataFrame
    overall: pd.DataFrame | None
    csi: desc.CSIResult
    nps: desc.NPSResult | None
    segments: desc.SegmentComparison | None
    drivers: DriverResult | None
    q_matrix: pd.DataFrame | None
    q_source: str | None
    grey: GreyResult | None
    grey_segment: str | None
    comments: pd.Series | None
    problems: dict


def analyse(survey: Survey) -> SatisfactionResult:
    """Compute every statistic of the satisfaction report for ``survey``."""
    spec = survey.study.spec
    options = spec.analysis
    instrument = survey.instrument
    level = options.confidence
    perception = survey.ratings["perception"]
    dim_of = instrument.dimension_of()

    sent = spec.questionnaires.sent if spec.questionnaires else np.nan
    returned = spec.questionnaires.returned if spec.questionnaires else np.nan
    response = pd.DataFrame([{"sent": sent, "returned": returned, "usable": survey.n,
                              "response_rate": returned / sent if spec.questionnaires else np.nan}])

    items = desc.describe(perception, scale=survey.scale, confidence=level)
    items.insert(0, "dimension", items["variable"].map(dim_of))
    items = items.rename(columns={"variable": "item"})
    scores = desc.dimension_scores(perception, dim_of)
    dimensions = desc.describe(scores, scale=None, confidence=level).rename(
        columns={"variable": "dimension"})

    overall = None
    if survey.overall is not None:
        overall = desc.describe(survey.overall.to_frame("overall"),
                                scale=(spec.overall.scale.min, spec.overall.scale.max),
                                confidence=level)
    index = desc.csi(scores, scale=survey.scale, weights=options.csi_weights, confidence=level)
    promoter = desc.nps(survey.recommend, confidence=level) if survey.recommend is not None else None

    measures = scores.copy()
    if survey.overall is not None:
        measures["overall"] = survey.overall
    segments = None
    if not survey.segments.empty:
        segments = desc.compare_segments(measures, survey.segments, min_size=spec.min_group_size,
                                         test=options.segment_test, confidence=level)

    problems = {}
    drivers = None
    if survey.overall is not None:
        drivers = section(problems, "drivers",
                          lambda: key_drivers(scores, survey.overall, confidence=level))
    q_matrix, q_source = item_q_matrix(survey)
    grey, grey_segment = section(problems, "grey", lambda: _grey(survey, scores)) or (None, None)

    return SatisfactionResult(
        response=response,
        profile=desc.segment_profile(survey.segments, min_size=spec.min_group_size),
        items=items, distribution=desc.distribution(perception, scale=survey.scale),
        dimensions=dimensions, overall=overall, csi=index, nps=promoter, segments=segments,
        drivers=drivers, q_matrix=q_matrix, q_source=q_source, grey=grey,
        grey_segment=grey_segment, comments=survey.comments, problems=problems)


def _grey(survey: Survey, scores: pd.DataFrame):
    if survey.segments.empty:
        return None, None
    spec = survey.study.spec
    seg = spec.analysis.grey_segment or survey.segments.columns[0]
    groups = survey.segments[seg]
    # A grade says nothing about the groups left out, so only small groups are dropped.
    counts = groups.value_counts()
    keep = counts.index[counts >= spec.min_group_size]
    table = scores.groupby(groups).mean().loc[lambda t: t.index.isin(keep)]
    if len(table) < 2 or table.isna().any().any():
        return None, seg
    return grey_relational(table), seg


