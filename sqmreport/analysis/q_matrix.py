"""A survey's items in the importance-performance (Q-) matrix, with their priorities, as
its study asks: one model (:mod:`sqmreport.stats.priority`) for every report."""

from __future__ import annotations

import pandas as pd

from sqmreport.stats.priority import PriorityResult, item_priorities

__all__ = ["importance_source", "item_q_matrix"]


def importance_source(survey, importance: str | None = None) -> str | None:
    """The measure of importance used: the one asked for, else the study's
    ``analysis.q_matrix.importance``, else the most direct one the survey has
    (``expectation``, ``stated``, ``derived``); None when it has none."""
    source = survey.study.spec.analysis.q_matrix.importance if importance is None else importance
    if source is None:
        source = ("expectation" if survey.has("expectation")
                  else "stated" if _stated(survey) is not None
                  else "derived" if survey.overall is not None else None)
    return source


def _stated(survey):
    """The stated importance: of each item (``importance.items``), else the points given
    to each dimension; None when the survey asks neither."""
    items = getattr(survey, "item_importance", None)
    return items if items is not None else survey.importance


def _ranges(survey) -> dict | None:
    """Item -> (min, max) of its scale when the items are on different (bounded) scales:
    the matrix then places them in percent of their scale's range.  None otherwise."""
    if not survey.study.mixed_scales:
        return None
    scales = {i: survey.study.scale_of(i) for i in survey.instrument.item_ids}
    if not all(s.bounded for s in scales.values()):
        return None
    return {i: (s.min, s.max) for i, s in scales.items()}


def item_q_matrix(survey, *, importance: str | None = None, crosshair: str | None = None,
                  n_boot: int = 2000) -> tuple[PriorityResult | None, str | None]:
    """The items of a survey in the importance-performance matrix, with their priorities.

    Importance comes from ``analysis.q_matrix.importance`` (:func:`importance_source`):
    ``expectation`` (mean expectation), ``stated`` (the item's mean stated importance
    when the study gives ``importance.items``, else the mean points given to the item's
    dimension) or ``derived`` (correlation of the item's perception with overall
    satisfaction).  With items on different scales (``scales`` per dimension),
    perception, expectation and gap are in percent of each item's scale range.
    Performance is the mean perception over every respondent who rated the item; the
    gap (with expectations) is over those who rated both.
    An axis not on the rating scale has no midpoint, so with ``crosshair: midpoint`` a
    stated or derived importance axis is cut at its mean.  Intervals: a seeded
    bootstrap at the study's ``analysis.confidence``.

    Parameters
    ----------
    survey : Survey
    importance : str, optional
        ``expectation``, ``stated`` or ``derived``; None: the study's setting.
    crosshair : str, optional
        Where the axes are cut (``midpoint``, ``mean``, ``median``); None: the study's setting.
    n_boot : int
        Bootstrap samples of the intervals; 0 for the point estimates alone.

    Returns
    -------
    (PriorityResult, str) or (None, None)
        :func:`~sqmreport.stats.priority.item_priorities` with each item's
        ``dimension``, and the importance source as the reports name it (``stated_items``
        for stated importance of each item); None when the survey has no measure of
        importance.
    """
    spec = survey.study.spec.analysis
    rule = spec.q_matrix.crosshair if crosshair is None else crosshair
    source = importance_source(survey, importance)
    if source is None:
        return None, None
    perception = survey.ratings["perception"]
    dimension_of = survey.instrument.dimension_of()
    ranges = _ranges(survey)
    on_scale = None
    shown = source
    if source == "expectation":
        weights, on_scale = survey.ratings["expectation"], survey.scale
        importance_ranges = ranges
    elif source == "stated":
        importance_ranges = None
        items = getattr(survey, "item_importance", None)
        if items is not None:
            weights, shown = items, "stated_items"
            scale = survey.study.item_importance.scale or survey.study.spec.scale
            on_scale = (scale.min, scale.max) if scale.bounded else None
        else:
            points = survey.importance
            weights = pd.DataFrame({i: points[d] for i, d in dimension_of.items()})
    else:
        weights, importance_ranges = survey.overall, None
    expectation = survey.ratings["expectation"] if survey.has("expectation") else None
    result = item_priorities(perception, weights, expectation=expectation, rule=rule,
                             scale=survey.scale, importance_scale=on_scale,
                             confidence=spec.confidence, n_boot=n_boot, ranges=ranges,
                             importance_ranges=importance_ranges)
    result.table.insert(1, "dimension", result.table["item"].map(dimension_of))
    return result, shown
