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

import dataclasses
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


# -- scales ----------------------------------------------------------------------------
# Each item is rated on its own scale (``study.scale_of``); a dimension's items share its
# scale.  Uniform studies keep one scale; with ``scales`` per dimension (mixed scales) every
# table shows each item and dimension on its own scale, and comparisons across dimensions
# use percent of the scale's range.

def dimension_scale(survey: Survey, dimension: str):
    """The scale (a study-file ``Scale``) of a dimension's items."""
    spec = survey.study.spec
    return spec.scales.get(dimension, spec.scale)


def mixed(survey: Survey) -> bool:
    """Whether the items are rated on more than one scale."""
    return bool(survey.study.mixed_scales)


def bounds(scale) -> tuple:
    """(min, max) of a study-file scale; (None, None) for an unbounded one."""
    return (scale.min, scale.max) if scale.bounded else (None, None)


def box_kind(scale) -> str:
    """How the top and bottom boxes of a scale are defined: ``two`` (the two highest and
    lowest points of a scale of up to 11 points), ``range`` (the top and bottom fifth of a
    longer or continuous scale's range) or ``none`` (an unbounded scale)."""
    if not scale.bounded:
        return "none"
    if scale.type == "points" and scale.n_points <= desc.MAX_BOX_POINTS:
        return "two"
    return "range"


def _cuts(scale):
    return desc.box_cuts(scale.min, scale.max, kind=scale.type)


def distribution_of(ratings: pd.DataFrame, scale) -> pd.DataFrame:
    """Shares of answers: per point on a points scale; in ten bands of equal width on a
    continuous scale; in bands of a round width spanning the data on an unbounded one."""
    if scale.type == "points":
        return desc.distribution(ratings, scale=(scale.min, scale.max))
    if scale.bounded:
        return desc.binned_distribution(ratings, edges=np.linspace(scale.min, scale.max, 11))
    return desc.binned_distribution(ratings, edges=_round_edges(ratings.to_numpy(dtype=float)))


def _round_edges(values: np.ndarray, bands: int = 8) -> np.ndarray:
    """Edges of about ``bands`` bands of a round width (1, 2, 2.5 or 5 × 10^k) over the data."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return np.array([0.0, 1.0])
    low, high = finite.min(), finite.max()
    if high == low:
        return np.array([low - 0.5, high + 0.5])
    raw = (high - low) / bands
    power = 10 ** np.floor(np.log10(raw))
    step = next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= raw)
    start = np.floor(low / step) * step
    count = int(np.ceil((high - start) / step - 1e-9)) or 1
    edges = start + step * np.arange(count + 1)
    if edges[-1] <= high:  # the top value falls in the last band (histogram's closed end)
        edges = np.append(edges, edges[-1] + step) if edges[-1] < high else edges
    return edges


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
    parts: tuple = ()
    mixed: bool = False


def items(survey: Survey, *, confidence: float | None = None) -> Items:
    """Each perception item: n, mean, sd, interval, top and bottom box; answer shares.

    Each item is described on its own scale (``scale_low, scale_high, scale_type`` in the
    table, and ``boxes``: :func:`box_kind`): top- and bottom-2-box on a scale of up to 11
    points, the top and bottom fifth of the range on a longer or continuous one (1-100),
    none on an unbounded one.  ``parts`` holds one ``(scale, items, distribution)`` per
    scale, in questionnaire order.
    """
    confidence = _or(confidence, survey.study.spec.analysis.confidence)
    perception = survey.ratings["perception"]
    dimension_of = survey.instrument.dimension_of()
    groups: dict = {}
    for item in perception.columns:
        scale = survey.study.scale_of(item)
        groups.setdefault((scale.min, scale.max, scale.type), (scale, []))[1].append(item)
    tables, parts = [], []
    for scale, members in groups.values():
        low, high = bounds(scale)
        part = desc.describe(perception[members], cuts=_cuts(scale), confidence=confidence)
        if box_kind(scale) == "none":
            part = part.assign(top_box=np.nan, bottom_box=np.nan)
        tables.append(part.assign(scale_low=low, scale_high=high, scale_type=scale.type,
                                  boxes=box_kind(scale)))
        parts.append((scale, members, distribution_of(perception[members], scale)))
    table = pd.concat(tables, ignore_index=True).set_index("variable").loc[
        list(perception.columns)].reset_index()
    table.insert(0, "dimension", table["variable"].map(dimension_of))
    table = table.rename(columns={"variable": "item"})
    shares = (parts[0][2] if len(parts) == 1
              else pd.concat([p[2] for p in parts]).loc[list(perception.columns)])
    return Items(table, shares, survey.scale, confidence, tuple(parts), mixed(survey))


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
    mixed: bool = False
    overall_binary: bool = False
    overall_boxes: str = "two"


def dimensions(survey: Survey, *, confidence: float | None = None) -> Dimensions:
    """Dimension scores and overall satisfaction described.

    Each dimension on its own scale (``scale_low, scale_high``); with mixed scales also
    ``pomp``, ``pomp_low``, ``pomp_high``: the mean and its interval in percent of the
    scale's range, the common metric that compares dimensions.  Overall satisfaction as a
    rating (with top and bottom box as :func:`items`), or for a categorical overall
    (``overall_binary``) the share satisfied with its Wilson interval
    (:func:`~sqmreport.stats.descriptives.share_interval`).
    """
    spec = survey.study.spec
    confidence = _or(confidence, spec.analysis.confidence)
    table = desc.describe(_scores(survey), scale=None, confidence=confidence).rename(
        columns={"variable": "dimension"})
    scales = [dimension_scale(survey, d) for d in table["dimension"]]
    table["scale_low"] = [bounds(s)[0] for s in scales]
    table["scale_high"] = [bounds(s)[1] for s in scales]
    is_mixed = mixed(survey)
    if is_mixed:
        for column, source in (("pomp", "mean"), ("pomp_low", "ci_low"), ("pomp_high", "ci_high")):
            table[column] = [desc.percent_of_range(v, s.min, s.max) if s.bounded else np.nan
                             for v, s in zip(table[source], scales)]
    overall = overall_scale = None
    binary = bool(getattr(survey, "overall_binary", False))
    boxes = "two"
    if survey.overall is not None and binary:
        share = desc.share_interval(survey.overall, confidence=confidence)
        overall = pd.DataFrame([{"variable": "overall", **dataclasses.asdict(share)}])
    elif survey.overall is not None:
        scale = survey.study.overall_scale
        overall_scale = bounds(scale)
        boxes = box_kind(scale)
        overall = desc.describe(survey.overall.to_frame("overall"), cuts=_cuts(scale),
                                confidence=confidence)
        if boxes == "none":
            overall = overall.assign(top_box=np.nan, bottom_box=np.nan)
    return Dimensions(table, overall, survey.scale, overall_scale, confidence, is_mixed, binary,
                      boxes)


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

    index: desc.CSIResult | None
    weighted: bool
    scale: tuple
    confidence: float
    mixed: bool = False


def csi(survey: Survey, *, weights: dict | str | None = None,
        confidence: float | None = None) -> CSI:
    """The CSI (0-100) of the dimension scores, each rescaled on its own scale.

    ``weights``: dimension -> weight, ``"equal"``, or None for the study's
    ``analysis.csi_weights`` (equal when it gives none).  ``index`` is None when a
    dimension is on an unbounded scale (standardized scores have no 0-100 range).
    """
    options = survey.study.spec.analysis
    confidence = _or(confidence, options.confidence)
    weights = options.csi_weights if weights is None else (None if weights == "equal" else weights)
    scores = _scores(survey)
    scales = {d: dimension_scale(survey, d) for d in scores.columns}
    if not all(s.bounded for s in scales.values()):
        return CSI(None, bool(weights), survey.scale, confidence, mixed(survey))
    scale = ({d: (s.min, s.max) for d, s in scales.items()} if mixed(survey) else survey.scale)
    index = desc.csi(scores, scale=scale, weights=weights, confidence=confidence)
    return CSI(index, bool(weights), survey.scale, confidence, mixed(survey))


@dataclass(frozen=True)
class NPS:
    """The net promoter score, or the recommend question as a rating.

    ``result`` is the NPS when the recommend question is on an 11-point scale
    (``survey.nps``), else None.  A recommend question on any other scale (1-5, 1-7) is
    no NPS: ``rating`` describes it (:func:`~sqmreport.stats.descriptives.describe`, with
    top and bottom box as for the items) and ``distribution`` holds its answer shares, on
    ``recommend_scale``.  All None without a recommend question.
    """

    result: desc.NPSResult | None
    scale: tuple
    confidence: float
    rating: pd.DataFrame | None = None
    distribution: pd.DataFrame | None = None
    recommend_scale: tuple | None = None
    boxes: str = "two"


def nps(survey: Survey, *, confidence: float | None = None) -> NPS:
    """Net promoter score with its interval; a recommend question not on 0-10 as a rating."""
    confidence = _or(confidence, survey.study.spec.analysis.confidence)
    if survey.recommend is None:
        return NPS(None, survey.scale, confidence)
    if getattr(survey, "nps", True):
        return NPS(desc.nps(survey.recommend, confidence=confidence), survey.scale, confidence)
    scale = survey.study.recommend.scale
    frame = survey.recommend.to_frame("recommend")
    rating = desc.describe(frame, cuts=_cuts(scale), confidence=confidence)
    return NPS(None, survey.scale, confidence, rating, distribution_of(frame, scale),
               bounds(scale), box_kind(scale))


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
    mixed: bool = False


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
        if survey.overall is not None and not getattr(survey, "overall_binary", False):
            measures["overall"] = survey.overall
        comparison = desc.compare_segments(measures, survey.segments, min_size=min_size,
                                           test=test, p_adjust=p_adjust, confidence=confidence)
        significant = comparison.tests[comparison.tests["p_adjusted"] < 1 - confidence]
    return Segments(comparison, significant, test, p_adjust, confidence, min_size, survey.scale,
                    _item_means(survey, min_size), mixed(survey))


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
    binary: bool = False


def drivers(survey: Survey, *, confidence: float | None = None) -> Drivers:
    """Key drivers: correlations and relative weights of the dimension scores.

    For a categorical overall satisfaction (satisfied 1, not 0: ``binary``) the same
    figures are point-biserial correlations and Johnson's relative weights of the
    linear-probability model (the least-squares regression of the 0/1 outcome), whose R²
    they divide; the method note says so.

    An item that is the overall-satisfaction question itself (the same column, or
    a copy: r ≥ 0.99) is left out of its dimension's score, and a dimension that
    is nothing but that question is left out of the drivers, so that overall
    satisfaction is not explained by itself.
    """
    confidence = _or(confidence, survey.study.spec.analysis.confidence)
    problems = {}
    result = circular = None
    binary = bool(getattr(survey, "overall_binary", False))
    if survey.overall is not None:
        spec, instrument = survey.study.spec, survey.instrument
        columns = survey.study.columns("perception") or {}
        same = [i for i in instrument.item_ids if columns.get(i) == spec.overall.column]
        circular = circular_drivers(survey.ratings["perception"], survey.overall,
                                    dimension_of=instrument.dimension_of(), same_items=same)

        def compute():
            if circular.scores.shape[1] == 0:
                raise Degenerate("no_drivers", "every dimension is the overall-satisfaction "
                                 "question itself; there is nothing to explain it by")
            return key_drivers(circular.scores, survey.overall, confidence=confidence)

        result = section(problems, "drivers", compute)
    return Drivers(result, problems.get("drivers"), confidence, circular, binary)


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


def grey(survey: Survey, *, segment: str | None = None, min_size: int | None = None,
         segments: Segments | None = None) -> Grey:
    """Grey relational grades of a segment's groups (``analysis.grey_segment`` by default,
    else the first segment).

    Only the groups the segment comparison shows for every dimension are ranked.  Given
    the comparison (``segments``, as :func:`segments` returns it), the groups it hid are
    taken from its ``groups`` table (``suppressed``) and ``min_size`` is its own;
    without it, the same decision is computed here
    (:func:`~sqmreport.stats.descriptives.hidden_cells`).
    """
    spec = survey.study.spec
    compared = segments is not None and segments.comparison is not None
    if compared and min_size is not None and min_size != segments.min_size:
        raise ValueError(f"`min_size` must be the segment comparison's ({segments.min_size}) "
                         f"when `segments` is given, got {min_size!r}")
    min_size = segments.min_size if compared else _or(min_size, spec.min_group_size)
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
    if compared:
        hidden = _hidden_groups(segments.comparison.groups, segment, scores.columns)
    else:
        hidden = desc.hidden_cells(scores, groups, min_size=min_size).any(axis=1)
    keep = hidden.index[~hidden]
    table = scores.groupby(groups).mean().loc[lambda t: t.index.isin(keep)]
    if len(table) < 2 or table.isna().any().any():
        return Grey(None, segment, None, min_size)
    problems = {}
    result = section(problems, "grey", lambda: grey_relational(table))
    return Grey(result, segment, problems.get("grey"), min_size)


def _hidden_groups(groups: pd.DataFrame, segment: str, measures) -> pd.Series:
    """Per group of ``segment``, whether the comparison's ``groups`` table hides it for
    any of ``measures`` (a measure the comparison lacks counts as hidden)."""
    block = groups[(groups["segment"] == segment) & groups["measure"].isin(measures)]
    cells = block.pivot(index="value", columns="measure", values="suppressed")
    cells = cells.reindex(columns=list(measures))
    return cells.isna().any(axis=1) | cells.eq(True).any(axis=1)


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
    recommend : DataFrame or None
        The recommend question as a rating (:class:`NPS`'s ``rating``), when it is
        asked on a scale other than 0-10 (no NPS); None otherwise.
    recommend_scale : tuple or None
        Its scale ``(low, high)`` (``(None, None)`` unbounded).
    priorities : PriorityResult or None
        :class:`QMatrix`'s result (None without a measure of importance);
        ``q_matrix`` is its table.
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
    recommend: pd.DataFrame | None
    recommend_scale: tuple | None
    segments: desc.SegmentComparison | None
    drivers: DriverResult | None
    priorities: PriorityResult | None
    q_source: str | None
    grey: GreyResult | None
    grey_segment: str | None
    comments: pd.Series | None
    problems: dict

    @property
    def q_matrix(self) -> pd.DataFrame | None:
        """The priorities' table (:class:`~sqmreport.stats.priority.PriorityResult`)."""
        return None if self.priorities is None else self.priorities.table


def analyse(survey: Survey) -> SatisfactionResult:
    """Every section of the satisfaction report, with the study's options."""
    resp, it, dims = response(survey), items(survey), dimensions(survey)
    seg, drv, q = segments(survey), drivers(survey), q_matrix(survey)
    gr = grey(survey, segments=seg)  # the groups the comparison hid, not decided again
    recommend = nps(survey)
    problems = {name: part.problem for name, part in (("drivers", drv), ("grey", gr))
                if part.problem is not None}
    return SatisfactionResult(
        response=resp.table, profile=resp.profile, items=it.table, distribution=it.distribution,
        dimensions=dims.table, overall=dims.overall, csi=csi(survey).index,
        nps=recommend.result, recommend=recommend.rating,
        recommend_scale=recommend.recommend_scale, segments=seg.comparison, drivers=drv.result,
        priorities=q.result, q_source=q.source, grey=gr.result, grey_segment=gr.segment,
        comments=comments(survey), problems=problems)
