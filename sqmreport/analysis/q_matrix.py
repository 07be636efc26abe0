"""A survey's items in the importance-performance (Q-) matrix, as its study asks."""

from __future__ import annotations

import pandas as pd

from sqmreport.stats.drivers import crosshair as _crosshair
from sqmreport.stats.drivers import importance_performance

__all__ = ["item_q_matrix"]


def item_q_matrix(survey, *, importance: str | None = None,
                  crosshair: str | None = None) -> tuple[pd.DataFrame | None, str | None]:
    """The items of a survey in the importance-performance matrix, as its study asks.

    Importance comes from ``analysis.q_matrix.importance``: ``expectation`` (mean
    expectation), ``stated`` (the mean points given to the item's dimension) or
    ``derived`` (correlation of the item's perception with overall satisfaction);
    by default the first of these the survey has.  Performance is the mean
    perception.  An axis not on the rating scale has no midpoint, so with
    ``crosshair: midpoint`` a stated or derived importance axis is cut at its mean.

    Parameters
    ----------
    survey : Survey
    importance : str, optional
        ``expectation``, ``stated`` or ``derived``; None: the study's setting.
    crosshair : str, optional
        Where the axes are cut (``midpoint``, ``mean``, ``median``); None: the study's setting.

    Returns
    -------
    (DataFrame, str) or (None, None)
        :func:`importance_performance`'s table with ``dimension``, the cuts and the
        rules used (``importance_cut, performance_cut, importance_rule,
        performance_rule``), and the importance source; None when the survey has
        no measure of importance.
    """
    spec = survey.study.spec.analysis.q_matrix
    source = spec.importance if importance is None else importance
    rule = spec.crosshair if crosshair is None else crosshair
    if source is None:  # the most direct measure the survey has
        source = ("expectation" if survey.has("expectation")
                  else "stated" if survey.importance is not None
                  else "derived" if survey.overall is not None else None)
    if source is None:
        return None, None
    perception = survey.ratings["perception"]
    dimension_of = survey.instrument.dimension_of()
    on_scale = None
    if source == "expectation":
        importance, on_scale = survey.ratings["expectation"].mean(), survey.scale
    elif source == "stated":
        points = survey.importance.mean()
        importance = pd.Series({i: points[d] for i, d in dimension_of.items()})
    else:
        importance = perception.corrwith(survey.overall)
    importance_rule = rule if (rule != "midpoint" or on_scale) else "mean"
    performance = perception.mean()
    importance_cut = _crosshair(importance, rule=importance_rule, scale=on_scale)
    performance_cut = _crosshair(performance, rule=rule, scale=survey.scale)
    table = importance_performance(importance, performance, importance_cut=importance_cut,
                                   performance_cut=performance_cut)
    table.insert(1, "dimension", table["item"].map(dimension_of))
    table["importance_cut"], table["performance_cut"] = importance_cut, performance_cut
    table["importance_rule"], table["performance_rule"] = importance_rule, rule
    return table, source
