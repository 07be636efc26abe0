"""Grey relational analysis (Deng 1982): rank alternatives against an ideal series."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sqmreport._validation import InputError

__all__ = ["GreyResult", "grey_relational"]


@dataclass(frozen=True)
class GreyResult:
    """Grey relational grades.

    Attributes
    ----------
    grades : DataFrame
        ``alternative, grade, rank`` (rank 1 = closest to the reference series).
    coefficients : DataFrame
        Grey relational coefficients ξ_i(k): alternatives × indicators.
    """

    grades: pd.DataFrame
    coefficients: pd.DataFrame


def grey_relational(data: pd.DataFrame, *, cost: tuple = (), rho: float = 0.5,
                    weights: dict | None = None) -> GreyResult:
    """Grey relational grade of each row (alternative) against the best observed values.

    Parameters
    ----------
    data : DataFrame
        Alternatives (rows, e.g. departments) × indicators (e.g. dimension scores).
    cost : tuple of str
        Indicators where smaller is better; all others are benefit indicators.
    rho : float
        Distinguishing coefficient, 0 < ρ ≤ 1 (0.5 by convention).
    weights : dict, optional
        Indicator -> weight for the grade; default: the plain mean.

    Returns
    -------
    GreyResult

    Raises
    ------
    InputError
        For ρ outside (0, 1], a missing value, or fewer than two alternatives.

    Notes
    -----
    1. Normalise: benefit (x − min)/(max − min), cost (max − x)/(max − min); an
       indicator equal across all alternatives normalises to 1 everywhere.
    2. Reference series x₀(k) = 1, the best observed value.
    3. Δ_i(k) = |x₀(k) − x_i(k)|; Δmin, Δmax over all i and k.
    4. ξ_i(k) = (Δmin + ρ Δmax) / (Δ_i(k) + ρ Δmax).
    5. Grade r_i = Σ_k w_k ξ_i(k).

    There is no maintained R package; this follows Deng's definition step by step.

    References
    ----------
    Deng, J. L. (1982). Control problems of grey systems. Systems & Control
    Letters, 1(5), 288-294.

    Examples
    --------
    >>> data = pd.DataFrame({"quality": [4.2, 3.8, 4.5], "complaints": [12, 5, 9]},
    ...                     index=["north", "south", "east"])
    >>> grey_relational(data, cost=("complaints",)).grades.round(4)
      alternative   grade  rank
    0        east  0.7333     1
    1       south  0.6667     2
    2       north  0.4359     3
    """
    if not 0 < rho <= 1:
        raise InputError(f"`rho` must be in (0, 1], got {rho!r}")
    if data.isna().any().any():
        raise InputError("grey relational analysis needs a complete table")
    if len(data) < 2:
        raise InputError("grey relational analysis needs at least two alternatives")
    x = data.astype(float)
    lo, hi = x.min(), x.max()
    span = (hi - lo).replace(0, np.nan)
    norm = (x - lo) / span
    for col in cost:
        norm[col] = (hi[col] - x[col]) / span[col]
    norm = norm.fillna(1.0)
    delta = (1.0 - norm).abs()
    d_min, d_max = delta.to_numpy().min(), delta.to_numpy().max()
    if d_max == 0:
        xi = pd.DataFrame(1.0, index=x.index, columns=x.columns)
    else:
        xi = (d_min + rho * d_max) / (delta + rho * d_max)
    if weights is None:
        w = pd.Series(1 / x.shape[1], index=x.columns)
    else:
        w = pd.Series(weights, dtype=float).reindex(x.columns).fillna(0)
        w = w / w.sum()
    grade = xi @ w
    grades = pd.DataFrame({"alternative": x.index, "grade": grade.to_numpy()})
    grades["rank"] = grades["grade"].rank(ascending=False, method="min").astype(int)
    return GreyResult(grades.sort_values("rank", kind="stable").reset_index(drop=True), xi)
