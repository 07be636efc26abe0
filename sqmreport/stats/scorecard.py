"""The internal-service scorecard (seed 003 §6.1): KPIs per unit and period, one index per unit.

Each indicator is scored 0–100 against its target, combined into its group
(response speed, process efficiency, internal-customer satisfaction, problem
resolution, improvement) and the groups into one weighted index.

Scoring an indicator (:func:`normalise`):

- with a ``worst`` value, linearly: 0 at ``worst``, 100 at ``target``;
- without, as the attainment ratio: ``value / target`` for a benefit indicator
  (higher is better), ``target / value`` for a cost indicator (lower is better);

in both cases capped to 0–100, so beating the target cannot make up for another
indicator's shortfall.  A group's score is the mean of its indicators' scores;
the index is the weighted mean of the group scores a unit has (weights
renormalised when a group has no value, which the table flags).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["ScorecardResult", "normalise", "scorecard"]


def normalise(values, *, direction: str, target: float, worst: float | None = None) -> np.ndarray:
    """Score values 0–100 against a target.

    Parameters
    ----------
    values : array-like of float
        The indicator's values; NaN for none.
    direction : {"benefit", "cost"}
        Higher is better (benefit) or lower is better (cost).
    target : float
        The value that scores 100.
    worst : float, optional
        The value that scores 0 (linear scoring); without it, the attainment ratio.

    Returns
    -------
    ndarray
        Scores capped to 0–100; NaN where the value is NaN.

    Notes
    -----
    With ``worst``: 100 (x − worst) / (target − worst).  Without: 100 x / target
    (benefit) or 100 target / x (cost; 100 for x ≤ 0).  Capped to [0, 100].

    Examples
    --------
    >>> normalise([2, 4, 8], direction="cost", target=4).tolist()
    [100.0, 100.0, 50.0]
    >>> normalise([0.6, 0.9], direction="benefit", target=0.8).round(1).tolist()
    [75.0, 100.0]
    >>> normalise([3, 10, 24], direction="cost", target=4, worst=24).round(1).tolist()
    [100.0, 70.0, 0.0]
    """
    x = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if worst is not None:
            score = 100 * (x - worst) / (target - worst)
        elif direction == "benefit":
            score = 100 * x / target
        else:
            score = np.where(x > 0, 100 * target / x, 100.0)
    return np.where(np.isnan(x), np.nan, np.clip(score, 0, 100) + 0.0)  # + 0.0: no -0.0


@dataclass(frozen=True)
class ScorecardResult:
    """Scores per unit and period.

    Attributes
    ----------
    scores : DataFrame
        ``unit, period``, one column per indicator's score (``<id>``), per group
        (``speed`` ... ``improvement``), ``index``, ``complete`` (every group had a
        value), ``rank`` within the period (1 = best) and ``change`` of the index
        since the unit's previous period.
    latest : str
        The last period.
    periods : list of str
    weights : dict
        Group -> weight, summing to 1.
    """

    scores: pd.DataFrame
    latest: str
    periods: list
    weights: dict

    def ranked(self) -> pd.DataFrame:
        """The latest period, best unit first."""
        rows = self.scores[self.scores["period"] == self.latest]
        return rows.sort_values(["rank", "unit"]).reset_index(drop=True)


def scorecard(kpi: pd.DataFrame, *, indicators: pd.DataFrame, weights: dict) -> ScorecardResult:
    """Score every unit and period of a KPI table.

    Parameters
    ----------
    kpi : DataFrame
        ``unit, period`` and one numeric column per indicator id.
    indicators : DataFrame
        One row per indicator: ``id, group, direction`` (benefit or cost), ``target``
        and ``worst`` (NaN: score by attainment, see :func:`normalise`).
    weights : dict
        Group -> weight (any positive total; rescaled to sum to 1).  Groups are
        reported in this order; a group with indicators but no weight weighs 0.

    Returns
    -------
    ScorecardResult

    Notes
    -----
    Group score = mean of its indicators' scores; index = Σ_g w_g s_g / Σ_g w_g over
    the groups a unit has a score for; rank within the period (1 = best, ties the
    lowest rank); change = index − the unit's index in its previous period.

    References
    ----------
    Kaplan, R. S., & Norton, D. P. (1992). The balanced scorecard: measures that
    drive performance. Harvard Business Review, 70(1), 71-79.

    Examples
    --------
    >>> kpi = pd.DataFrame({"unit": ["IT", "HR", "IT", "HR"],
    ...                     "period": ["2024Q1", "2024Q1", "2024Q2", "2024Q2"],
    ...                     "response_h": [4, 8, 2, 6], "csat": [80, 90, 85, 88]})
    >>> ind = pd.DataFrame({"id": ["response_h", "csat"], "group": ["speed", "satisfaction"],
    ...                     "direction": ["cost", "benefit"], "target": [4, 90],
    ...                     "worst": [np.nan, np.nan]})
    >>> card = scorecard(kpi, indicators=ind, weights={"speed": 1, "satisfaction": 1})
    >>> card.ranked()[["unit", "index", "rank"]].round(1)
      unit  index  rank
    0   IT   97.2   1.0
    1   HR   82.2   2.0
    """
    total = sum(weights.values())
    weights = {g: w / total for g, w in weights.items()}
    indicators = indicators.astype({"worst": float}) if "worst" in indicators else \
        indicators.assign(worst=np.nan)
    out = kpi[["unit", "period"]].copy()
    for ind in indicators.itertuples(index=False):
        out[ind.id] = normalise(kpi[ind.id], direction=ind.direction, target=ind.target,
                                worst=None if np.isnan(ind.worst) else ind.worst)
    present = list(dict.fromkeys(indicators["group"]))
    groups = [g for g in weights if g in present] + [g for g in present if g not in weights]
    for group in groups:
        out[group] = out[indicators.loc[indicators["group"] == group, "id"]].mean(axis=1)
    group_scores = out[groups]
    w = pd.Series({g: weights.get(g, 0.0) for g in groups})
    have = group_scores.notna()
    used = have.mul(w, axis=1).sum(axis=1)
    out["index"] = group_scores.fillna(0).mul(w, axis=1).sum(axis=1) / used.where(used > 0)
    out["complete"] = have.all(axis=1)
    periods = sorted(out["period"].unique())
    out["rank"] = out.groupby("period")["index"].rank(ascending=False, method="min")
    order = {p: k for k, p in enumerate(periods)}
    out = out.assign(_order=out["period"].map(order)).sort_values(["unit", "_order"])
    out["change"] = out.groupby("unit")["index"].diff()
    out = out.sort_values(["_order", "rank", "unit"]).drop(columns="_order")
    return ScorecardResult(out.reset_index(drop=True), periods[-1], periods, weights)


