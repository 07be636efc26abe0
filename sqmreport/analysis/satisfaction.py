"""The satisfaction report's analysis, one function per section.

Each function takes the :class:`~sqmreport.data.survey.Survey` and the section's
options as keyword arguments; an option left at None is the study file's setting
(``analysis:`` in ``study.yml``), so a notebook cell shows what it computes and can
change it::

    segments = sat.segments(survey, test="kruskal")   # the rest as the study says
    show.segments(rep, segments)

Each returns a frozen result that carries the options it used (the report's notes
state them).  :func:`analyse` runs them all as the study asks.  The words are the
presentation layer's (:mod:`sqmreport.present.views.satisfaction`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sqmreport._validation import Degenerate, section
from sqmreport.analysis.q_matrix import item_q_matrix
from sqmreport.data.survey import Survey
from sqmreport.stats import descriptives as desc
from sqmreport.stats.drivers import CircularCheck, DriverResult, circular_drivers, key_drivers
from sqmreport.stats.grey import GreyResult, grey_relational
from sqmreport.stats.priority import PriorityResult

__all__ = ["CSI", "NPS", "Dimensions", "Drivers", "Grey", "Items", "QMatrix", "Response",
           "SatisfactionResult", "Segments", "analyse", "comments", "csi", "dimensions",
           "drivers", "grey", "items", "nps", "q_matrix", "response", "segments"]


def _or(value, default):
    return default if value is None else value


def _scores(survey: Survey) -> pd.DataFrame:
    return desc.dimension_scores(survey.ratings["perception"],
                                 dimension_of=survey.instrument.dimension_of())


# -- response and sample ---------------------------------------------------------------

@dataclass(frozen=True)
class Response:
    """Response and sample profile.

    Attributes
    ----------
    table : DataFrame
        ``sent, returned, usable, response_rate`` (one row; sent and returned NaN when
        the study does not say).
    profile : DataFrame
        Sample profile by segment (:func:`~sqmreport.stats.descriptives.segment_profile`).
    min_size : int
        Groups smaller than this are suppressed.
    """

    table: pd.DataFrame
    profile: pd.DataFrame
    min_size: int


def response(survey: Survey, *, min_size: int | None = None) -> Response:
    """Questionnaires sent, returned and usable; the sample by segment.

    ``min_size`` defaults to the study's ``min_group_size``.
    """
    spec = survey.study.spec
    min_size = _or(min_size, spec.min_group_size)
    q = spec.questionnaires
    sent = q.sent if q else np.nan
    returned = q.returned if q else np.nan
    table = pd.DataFrame([{"sent": sent, "returned": returned, "usable": survey.n,
                           "response_rate": returned / sent if q else np.nan}])
    return Response(table, desc.segment_profile(survey.segments, min_size=min_size), min_size)


# -- items and dimensions --------------------------------------------------------------

@dataclass(frozen=True)
class Items:
    """Perception items described.

    Attributes
    ----------
    table : DataFrame
        ``item, dimension`` and :func:`~sqmreport.stats.descriptives.describe`.
    distribution : DataFrame
        Share of answers per scale point, items × points.
    scale : tuple
        The rating scale ``(low, high)``.
    confidence : float
    """

    table: pd.DataFrame
    distribution: pd.DataFrame
    scale: tuple
    confidence: float


def items(survey: Survey, *, confidence: float | None = None) -> Items:
    """Each perception item: n, mean, sd, interval, top and bottom box; answer shares."""
    confidence = _or(confidence, survey.study.spec.analysis.confidence)
    perception = survey.ratings["perception"]
    table = desc.describe(perception, scale=survey.scale, confidence=confidence)
    table.insert(0, "dimension", table["variable"].map(survey.instrument.dimension_of()))
    table = table.rename(columns={"variable": "item"})
    return Items(table, desc.distribution(perception, scale=survey.scale), survey.scale,
                 confidence)


@dataclass(frozen=True)
class Dimensions:
    """Dimension scores (the mean of a respondent's items) and overall satisfaction.

    Attributes
    ----------
    table : DataFrame
        ``dimension`` and :func:`~sqmreport.stats.descriptives.describe` of the scores.
    overall : DataFrame or None
        Overall satisfaction described (None when the survey does not ask it).
    scale, overall_scale : tuple
        The rating scale and overall satisfaction's scale (None without it).
    confidence : float
    """

    table: pd.DataFrame
    overall: pd.DataFrame | None
    scale: tuple
    overall_scale: tuple | None
    confidence: float


def dimensions(survey: Survey, *, confidence: float | None = None) -> Dimensions:
    """Dimension scores and overall satisfaction described."""
    spec = survey.study.spec
    confidence = _or(confidence, spec.analysis.confidence)
    table = desc.describe(_scores(survey), scale=None, confidence=confidence).rename(
        columns={"variable": "dimension"})
    overall = overall_scale = None
    if survey.overall is not None:
        overall_scale = (survey.study.overall_scale.min, survey.study.overall_scale.max)
        overall = desc.describe(survey.overall.to_frame("overall"), scale=overall_scale,
                                confidence=confidence)
    return Dimensions(table, overall, survey.scale, overall_scale, confidence)


# -- indices ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CSI:
    """The customer satisfaction index over the dimension scores.

    Attributes
    ----------
    index : CSIResult
    weighted : bool
        True when the components have the study's (or given) weights, False when equal.
    scale : tuple
    confidence : float
    """

    index: desc.CSIResult
    weighted: bool
    scale: tuple
    confidence: float


def csi(survey: Survey, *, weights: dict | str | None = None,
        confidence: float | None = None) -> CSI:
    """The CSI (0-100) of the dimension scores.

    ``weights``: dimension -> weight, ``"equal"``, or None for the study's
    ``analysis.csi_weights`` (equal when it gives none).
    """
    options = survey.study.spec.analysis
    confidence = _or(confidence, options.confidence)
    weights = options.csi_weights if weights is None else (None if weights == "equal" else weights)
    index = desc.csi(_scores(survey), scale=survey.scale, weights=weights, confidence=confidence)
    return CSI(index, bool(weights), survey.scale, confidence)


@dataclass(frozen=True)
class NPS:
    """The net promoter score (``result`` None when the survey has no recommend question)."""

    result: desc.NPSResult | None
    scale: tuple
    confidence: float


def nps(survey: Survey, *, confidence: float | None = None) -> NPS:
    """Net promoter score with its interval."""
    confidence = _or(confidence, survey.study.spec.analysis.confidence)
    result = (desc.nps(survey.recommend, confidence=confidence)
              if survey.recommend is not None else None)
    return NPS(result, survey.scale, confidence)


# -- segments --------------------------------------------------------------------------

@dataclass(frozen=True)
class Segments:
    """Dimension scores (and overall satisfaction) compared across each segment's groups.

    Attributes
    ----------
    comparison : SegmentComparison or None
        None when the study has no segments.
    significant : DataFrame or None
        The rows of ``comparison.tests`` whose adjusted p-value is below 1 − confidence.
    test, p_adjust : str
    confidence : float
    min_size : int
    scale : tuple
    items : dict of str to DataFrame, optional
        Per segment, the mean perception of each item (rows) in each group (columns), NaN
        where disclosure control hides the cell (:func:`~sqmreport.stats.descriptives.hidden_cells`).
    """

    comparison: desc.SegmentComparison | None
    significant: pd.DataFrame | None
    test: str
    p_adjust: str
    confidence: float
    min_size: int
    scale: tuple
    items: dict | None = None


def segments(survey: Survey, *, test: str | None = None, p_adjust: str | None = None,
             confidence: float | None = None, min_size: int | None = None) -> Segments:
    """Compare the measures across segments (``welch``, ``anova`` or ``kruskal``).

    Options default to the study's ``analysis.segment_test``, ``analysis.p_adjust``,
    ``analysis.confidence`` and ``min_group_size``.
    """
    spec = survey.study.spec
    test = _or(test, spec.analysis.segment_test)
    p_adjust = _or(p_adjust, spec.analysis.p_adjust)
    confidence = _or(confidence, spec.analysis.confidence)
    min_size = _or(min_size, spec.min_group_size)
    comparison = significant = None
    if not survey.segments.empty:
        measures = _scores(survey)
        if survey.overall is not None:
            measures["overall"] = survey.overall
        comparison = desc.compare_segments(measures, survey.segments, min_size=min_size,
                                           test=test, p_adjust=p_adjust, confidence=confidence)
        significant = comparison.tests[comparison.tests["p_adjusted"] < 1 - confidence]
    return Segments(comparison, significant, test, p_adjust, confidence, min_size, survey.scale,
                    _item_means(survey, min_size))


def _item_means(survey: Survey, min_size: int) -> dict | None:
    """Each item's mean perception in each group of each segment, hidden cells NaN."""
    if survey.segments.empty:
        return None
    perception = survey.ratings["perception"]
    out = {}
    for seg in survey.segments.columns:
        groups = survey.segments[seg]
        hide = desc.hidden_cells(perception, groups, min_size=min_size)
        means = perception.groupby(groups).mean().reindex(hide.index)
        out[seg] = means.mask(hide).T  # items × groups
    return out


# -- drivers and priorities ------------------------------------------------------------

@dataclass(frozen=True)
class Drivers:
    """Dimension scores as drivers of overall satisfaction.

    ``result`` is None without overall satisfaction, or when ``problem`` says why it
    could not be computed.  ``circular`` (None without overall satisfaction) names
    the items left out of their dimension's score because they are the overall
    question itself, and the dimensions left out of the drivers for that reason
    (:func:`~sqmreport.stats.drivers.circular_drivers`).
    """

    result: DriverResult | None
    problem: Degenerate | None
    confidence: float
    circular: CircularCheck | None = None


def drivers(survey: Survey, *, confidence: float | None = None) -> Drivers:
    """Key drivers: correlations and relative weights of the dimension scores.

    An item that is the overall-satisfaction question itself (the same column, or
    a copy: r ≥ 0.99) is left out of its dimension's score, and a dimension that
    is nothing but that question is left out of the drivers, so that overall
    satisfaction is not explained by itself.
    """
    confidence = _or(confidence, survey.study.spec.analysis.confidence)
    problems = {}
    result = circular = None
    if survey.overall is not None:
        spec, instrument = survey.study.spec, survey.instrument
        pattern = spec.columns.perception
        same = [i for i in instrument.item_ids
                if pattern is not None and pattern.format(item=i) == spec.overall.column]
        circular = circular_drivers(survey.ratings["perception"], survey.overall,
                                    dimension_of=instrument.dimension_of(), same_items=same)

        def compute():
            if circular.scores.shape[1] == 0:
                raise Degenerate("no_drivers", "every dimension is the overall-satisfaction "
                                 "question itself; there is nothing to explain it by")
            return key_drivers(circular.scores, survey.overall, confidence=confidence)

        result = section(problems, "drivers", compute)
    return Drivers(result, problems.get("drivers"), confidence, circular)


@dataclass(frozen=True)
class QMatrix:
    """Items in the importance-performance matrix, with their priorities and intervals
    (:func:`~sqmreport.analysis.q_matrix.item_q_matrix`): the same model as the gap
    report's priorities.

    ``result`` and ``source`` are None when the survey has no measure of importance.
    """

    result: PriorityResult | None
    source: str | None

    @property
    def table(self) -> pd.DataFrame | None:
        return None if self.result is None else self.result.table


def q_matrix(survey: Survey, *, importance: str | None = None,
             crosshair: str | None = None) -> QMatrix:
    """The importance-performance matrix; options default to ``analysis.q_matrix``."""
    return QMatrix(*item_q_matrix(survey, importance=importance, crosshair=crosshair))


@dataclass(frozen=True)
class Grey:
    """Segment groups ranked on their dimension scores by grey relational analysis.

    Attributes
    ----------
    result : GreyResult or None
    segment : str or None
        The segment whose groups are ranked (None when the study has no segments).
    problem : Degenerate or None
    min_size : int
        Only the groups that the segment comparison shows for every dimension are
        ranked (:func:`~sqmreport.stats.descriptives.hidden_cells`).
    """

    result: GreyResult | None
    segment: str | None
    problem: Degenerate | None
    min_size: int


def grey(survey: Survey, *, segment: str | None = None, min_size: int | None = None) -> Grey:
    """Grey relational grades of a segment's groups (``analysis.grey_segment`` by default,
    else the first segment)."""
    spec = survey.study.spec
    min_size = _or(min_size, spec.min_group_size)
    if survey.segments.empty:
        return Grey(None, None, None, min_size)
    segment = segment or spec.analysis.grey_segment or survey.segments.columns[0]
    if segment not in survey.segments.columns:
        raise ValueError(f"`segment` must be one of {', '.join(map(repr, survey.segments.columns))}, "
                         f"got {segment!r}")
    groups = survey.segments[segment]
    # The groups the segment comparison shows for every dimension, and nothing else: the
    # grades are relative to the groups compared, so a hidden group's means would
    # follow from them.
    scores = _scores(survey)
    hidden = desc.hidden_cells(scores, groups, min_size=min_size).any(axis=1)
    keep = hidden.index[~hidden]
    table = scores.groupby(groups).mean().loc[lambda t: t.index.isin(keep)]
    if len(table) < 2 or table.isna().any().any():
        return Grey(None, segment, None, min_size)
    problems = {}
    result = section(problems, "grey", lambda: grey_relational(table))
    return Grey(result, segment, problems.get("grey"), min_size)


def comments(survey: Survey) -> pd.Series | None:
    """The free-text comments, masked at read time (None when the survey has none)."""
    return survey.comments


# -- the whole report ------------------------------------------------------------------

@dataclass(frozen=True)
class SatisfactionResult:
    """What the satisfaction report shows, with the study's options.

    Attributes
    ----------
    response, profile : DataFrame
        :class:`Response`'s ``table`` and ``profile``.
    items, distribution : DataFrame
        :class:`Items`'s ``table`` and ``distribution``.
    dimensions : DataFrame
    overall : DataFrame or None
    csi : CSIResult
    nps : NPSResult or None
    segments : SegmentComparison or None
    drivers : DriverResult or None
    q_matrix : DataFrame or None
    q_source : str or None
    grey : GreyResult or None
    grey_segment : str or None
    comments : Series or None
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
    """Every section of the satisfaction report, with the study's options."""
    resp, it, dims = response(survey), items(survey), dimensions(survey)
    seg, drv, q, gr = segments(survey), drivers(survey), q_matrix(survey), grey(survey)
    problems = {name: part.problem for name, part in (("drivers", drv), ("grey", gr))
                if part.problem is not None}
    return SatisfactionResult(
        response=resp.table, profile=resp.profile, items=it.table, distribution=it.distribution,
        dimensions=dims.table, overall=dims.overall, csi=csi(survey).index,
        nps=nps(survey).result, segments=seg.comparison, drivers=drv.result, q_matrix=q.table,
        q_source=q.source, grey=gr.result, grey_segment=gr.segment, comments=comments(survey),
        problems=problems)
