"""Reliability of a scale: Cronbach's alpha (the factor-analysis report extends this module)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._validation import check_option

__all__ = ["AlphaResult", "cronbach_alpha"]


@dataclass(frozen=True)
class AlphaResult:
    """Cronbach's alpha of a set of items.

    Attributes
    ----------
    alpha : float
        Raw alpha, from the item covariances.
    std_alpha : float
        Standardized alpha, from the mean inter-item correlation.
    n : int
        Respondents with at least one answer.
    k : int
        Items.
    """

    alpha: float
    std_alpha: float
    n: int
    k: int


def cronbach_alpha(data: pd.DataFrame, *, reverse=(), missing: str = "pairwise",
                   scale: tuple | None = None) -> AlphaResult:
    """Cronbach's alpha, raw and standardized.

    Parameters
    ----------
    data : DataFrame
        Respondents × items.
    reverse : sequence of str
        Items to reverse before computing (x' = min + max − x, the ends from
        ``scale`` or else the observed ends).
    missing : {"pairwise", "listwise"}
        Pairwise-complete covariances (as psych does) or complete cases only.
    scale : (min, max), optional

    Returns
    -------
    AlphaResult

    Notes
    -----
    α = k / (k − 1) · (1 − Σ σ²_j / Σ_jl σ_jl); standardized α = k r̄ / (1 + (k − 1) r̄).
    In R: ``psych::alpha(x)$total$raw_alpha`` and ``$std.alpha``.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika, 16(3), 297-334.
    """
    check_option("missing", missing, ("pairwise", "listwise"))
    x = data.astype(float)
    reverse = [str(r) for r in reverse]
    if reverse:
        low, high = scale if scale is not None else (np.nanmin(x.to_numpy()), np.nanmax(x.to_numpy()))
        x[reverse] = low + high - x[reverse]
    if missing == "listwise":
        x = x.dropna()
    k = x.shape[1]
    n = int(x.notna().any(axis=1).sum())
    if k < 2:
        return AlphaResult(float("nan"), float("nan"), n, k)
    cov = x.cov().to_numpy()  # pairwise complete, like cov(x, use = "pairwise")
    corr = x.corr().to_numpy()
    alpha = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
    r_bar = (corr.sum() - k) / (k * (k - 1))
    return AlphaResult(float(alpha), float(k * r_bar / (1 + (k - 1) * r_bar)), n, k)
