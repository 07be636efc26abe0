"""Service maturity (seed 004 §2.2.2): an assessment scored into five levels per process area.

The levels are those of the capability maturity model the seed names: 1
initial, 2 repeatable, 3 defined, 4 managed, 5 optimizing.  The assessment
lists practices, each belonging to a process area and to the level (2–5) that
requires it, rated by one or more assessors on the study's scale
(``maturity.scale``, 0–4 by default).

Scoring follows the rating rule of ISO/IEC 33020 (formerly 15504-2):

- a practice's attainment is its mean rating rescaled to 0–100 %;
- a level's attainment is the mean over its practices, rated N (≤ 15 %), P
  (≤ 50 %), L (≤ 85 %) or F (> 85 %);
- an area is at level k when level k is at least largely achieved (L or F)
  and every level below it fully achieved (F); level 1 needs nothing;
- the organisation is at the lowest level of its areas (a staged rating).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["LEVELS", "MaturityResult", "assess", "rating"]

LEVELS = {1: "initial", 2: "repeatable", 3: "defined", 4: "managed", 5: "optimizing"}
_BOUNDS = ((0.15, "N"), (0.50, "P"), (0.85, "L"))


def rating(attainment: float) -> str:
    """The ISO/IEC 33020 rating of an attainment between 0 and 1.

    Parameters
    ----------
    attainment : float
        Share of the practice (or level) achieved, 0-1; NaN for not assessed.

    Returns
    -------
    str
        ``N`` (≤ 15 %), ``P`` (≤ 50 %), ``L`` (≤ 85 %), ``F`` (> 85 %), or ``""`` for NaN.

    References
    ----------
    ISO/IEC 33020:2019. Information technology — Process assessment — Process
    measurement framework for assessment of process capability.

    Examples
    --------
    >>> [rating(a) for a in (0.15, 0.16, 0.5, 0.85, 0.86)]
    ['N', 'P', 'P', 'L', 'F']
    """
    if np.isnan(attainment):
        return ""
    for bound, letter in _BOUNDS:
        if attainment <= bound + 1e-12:
            return letter
    return "F"


@dataclass(frozen=True)
class MaturityResult:
    """Maturity per process area and overall.

    Attributes
    ----------
    areas : DataFrame
        ``area, level, attainment_2 ... attainment_5, rating_2 ... rating_5,
        attainment`` (mean over the area's practices), in the file's order.
    level : int
        The organisation's level: the lowest area level.
    next_steps : DataFrame
        For each area below level 5, the practices between it and the next level:
        ``area, target_level, practice, level, attainment``, weakest first (those
        of the next level, and those of lower levels not yet fully achieved).
    practices : DataFrame
        ``area, level, practice, attainment``.
    """

    areas: pd.DataFrame
    level: int
    next_steps: pd.DataFrame
    practices: pd.DataFrame


def assess(assessment: pd.DataFrame, *, scale: tuple = (0, 4)) -> MaturityResult:
    """Score a maturity assessment: a level per process area and for the organisation.

    Parameters
    ----------
    assessment : DataFrame
        ``area, level, practice, rating``: one row per practice and assessor.
    scale : (min, max)
        The rating scale.

    Returns
    -------
    MaturityResult

    Notes
    -----
    Attainment of a practice = (mean rating − min) / (max − min); of a level = the
    mean over its practices.  An area is at level k when level k is rated L or F and
    every level below it F; the organisation is at its lowest area's level (module
    docstring).

    References
    ----------
    ISO/IEC 33020:2019. Process measurement framework for assessment of process
    capability.  Paulk, M. C., Curtis, B., Chrissis, M. B., & Weber, C. V. (1993).
    Capability maturity model, version 1.1. IEEE Software, 10(4), 18-27.

    Examples
    --------
    >>> a = pd.DataFrame({"area": ["service desk"] * 4, "level": [2, 2, 3, 3],
    ...                   "practice": ["log", "track", "define", "review"],
    ...                   "rating": [4, 3, 2, 1]})
    >>> m = assess(a)
    >>> m.level, m.areas.loc[0, "rating_2"], m.areas.loc[0, "rating_3"]
    (2, 'F', 'P')
    """
    lo, hi = scale
    data = assessment.assign(attainment=(assessment["rating"] - lo) / (hi - lo))
    practices = (data.groupby(["area", "level", "practice"], sort=False)["attainment"]
                 .mean().reset_index())
    by_level = practices.groupby(["area", "level"], sort=False)["attainment"].mean()
    rows = []
    for area in practices["area"].unique():
        row = {"area": area}
        level, open_ = 1, True
        for k in range(2, 6):
            a = by_level.get((area, k), np.nan)
            row[f"attainment_{k}"] = a
            row[f"rating_{k}"] = rating(a)
            if open_ and row[f"rating_{k}"] in ("L", "F"):
                level = k
                open_ = row[f"rating_{k}"] == "F"
            else:
                open_ = False
        row["level"] = level
        row["attainment"] = practices.loc[practices["area"] == area, "attainment"].mean()
        rows.append(row)
    columns = (["area", "level"] + [f"attainment_{k}" for k in range(2, 6)]
               + [f"rating_{k}" for k in range(2, 6)] + ["attainment"])
    areas = pd.DataFrame(rows)[columns]

    steps = []
    for row in areas.itertuples():
        if row.level == 5:
            continue
        target = row.level + 1
        need = practices[(practices["area"] == row.area) & (practices["level"] <= target)
                         & (practices["attainment"] <= 0.85)]
        steps.append(need.assign(target_level=target))
    next_steps = (pd.concat(steps, ignore_index=True) if steps
                  else pd.DataFrame(columns=["area", "level", "practice", "attainment",
                                             "target_level"]))
    next_steps = next_steps[["area", "target_level", "practice", "level", "attainment"]]
    order = {a: k for k, a in enumerate(areas["area"])}
    next_steps = next_steps.iloc[np.lexsort((next_steps["attainment"].to_numpy(dtype=float),
                                             next_steps["area"].map(order).to_numpy()))]
    next_steps = next_steps.reset_index(drop=True)
    return MaturityResult(areas, int(areas["level"].min()), next_steps, practices)


