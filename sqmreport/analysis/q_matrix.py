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
                  else "stated" if survey.importance is not None
                  else "derived" if survey.overall is not None else None)
    return source


def item_q_matrix(survey, *, importance: str | None = None, crosshair: str | None = None,
                  n_boot: int = 2000) -> tuple[PriorityResult | None, str | None]:
    """The items of a survey in the importance-performance matrix, with their priorities.

    Importance comes from ``analysis.q_matrix.importance`` (:func:`importance_source`):
    ``expectation`` (mean expectation), ``stated`` (the mean points given to the
    item's dimension) or ``derived`` (correlation of the item's perception with
    overall satisfaction).  Performance is the mean perception over every respondent
    who rated the item; the gap (with expectations) is over those who rated both.
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
        ``dimension``, and the importance source; None when the survey has no measure
        of importance.
    """
    spec = survey.study.spec.analysis
    rule = spec.q_matrix.crosshair if crosshair is None else crosshair
    source = importance_source(survey, importance)
    if source is None:
        return None, None
    perception = survey.ratings["perception"]
    dimension_of = survey.instrument.dimension_of()
    on_scale = None
    if source == "expectation":
        weights, on_scale = survey.ratings["expectation"], survey.scale
    elif source == "stated":
        points = survey.importance
        weights = pd.DataFrame({i: points[d] for i, d in dimension_of.items()})
    else:
        weights = survey.overall
    expectation = survey.ratings["expectation"] if survey.has("expectation") else None
    result = item_priorities(perception, weights, expectation=expectation, rule=rule,
                             scale=survey.scale, importance_scale=on_scale,
                             confidence=spec.confidence, n_boot=n_boot)
    result.table.insert(1, "dimension", result.table["item"].map(dimension_of))
    return result, source
