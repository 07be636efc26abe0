"""The satisfaction report's analysis: everything the report shows, computed in one call.

:func:`analyse` runs the statistics of :mod:`sqmreport.descriptives`,
:mod:`sqmreport.drivers` and :mod:`sqmreport.grey` on a :class:`~sqmreport.survey.Survey`
as its study file asks; :func:`findings` turns the result into plain-language findings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import descriptives as desc
from ._i18n import text
from .drivers import DriverResult, item_q_matrix, key_drivers
from .grey import GreyResult, grey_relational
from ._validation import section
from .survey import Survey

__all__ = ["SatisfactionResult", "analyse", "findings"]


@dataclass(frozen=True)
class SatisfactionResult:
    """What the satisfaction report shows.

    Attributes
    ----------
    response : DataFrame
        ``sent, returned, usable, response_rate`` (one row; sent/returned NaN when
        the study does not say).
    profile : DataFrame
        Sample profile by segment (:func:`~sqmreport.descriptives.segment_profile`).
    items : DataFrame
        Perception items: ``item, dimension`` and :func:`~sqmreport.descriptives.describe`.
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


def findings(result: SatisfactionResult, survey: Survey) -> list[str]:
    """The report's key findings, as plain-language sentences in the study's language."""
    lang = survey.language
    inst = survey.instrument
    out = []
    r = result.response.iloc[0]
    if not np.isnan(r["response_rate"]):
        out.append(text(lang, "findings.response", returned=int(r["returned"]),
                        sent=int(r["sent"]), rate=r["response_rate"] * 100, usable=int(r["usable"])))
    else:
        out.append(text(lang, "findings.sample", usable=int(r["usable"])))
    c = result.csi
    out.append(text(lang, "findings.csi", csi=c.index, low=c.ci_low, high=c.ci_high))
    dims = result.dimensions.set_index("dimension")["mean"]
    best, worst = dims.idxmax(), dims.idxmin()
    out.append(text(lang, "findings.dimensions", best=inst.dimension(best).name(lang),
                    best_mean=dims[best], worst=inst.dimension(worst).name(lang),
                    worst_mean=dims[worst]))
    if result.nps is not None:
        n = result.nps
        out.append(text(lang, "findings.nps", nps=n.nps, low=n.ci_low, high=n.ci_high,
                        promoters=n.promoters * 100, detractors=n.detractors * 100))
    if result.drivers is not None:
        top = result.drivers.table.sort_values("rank").iloc[0]
        out.append(text(lang, "findings.drivers", driver=inst.dimension(top["driver"]).name(lang),
                        share=top["share"] * 100, r2=result.drivers.r_squared * 100))
    if result.q_matrix is not None:
        improve = result.q_matrix.query("quadrant == 'improve'")
        labels = [inst.items[inst.item_ids.index(i)].label(lang) for i in improve["item"]]
        if labels:
            out.append(text(lang, "findings.improve", n=len(labels),
                            items=text(lang, "list_sep").join(labels[:5])))
    if result.segments is not None:
        sig = result.segments.tests.query("p_adjusted < 0.05")
        if len(sig):
            worst_row = sig.sort_values("effect_size", ascending=False).iloc[0]
            out.append(text(lang, "findings.segments", n=len(sig),
                            segment=survey_segment_label(survey, worst_row["segment"]),
                            measure=measure_label(survey, worst_row["measure"])))
        else:
            out.append(text(lang, "findings.no_segments"))
    return out


def survey_segment_label(survey: Survey, column: str) -> str:
    """Display label of a segment column in the study's language."""
    seg = next(s for s in survey.study.segments if s.column == column)
    if seg.label is None:
        return column
    if isinstance(seg.label, str):
        return seg.label
    return seg.label.get(survey.language) or next(iter(seg.label.values()))


def measure_label(survey: Survey, measure: str) -> str:
    """Display label of a dimension id or ``overall``."""
    if measure == "overall":
        return text(survey.language, "measures.overall")
    return survey.instrument.dimension(measure).name(survey.language)
