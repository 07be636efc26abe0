"""Reliability of a scale: Cronbach's alpha with its interval, McDonald's omega, item-total statistics.

The numbers are those of R's ``psych::alpha`` and ``psych::omega``: covariances and
correlations are pairwise-complete by default, and the tests compare with psych
on the five scales of the bfi data (tests/reference/).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from sqmreport.stats._options import check_confidence, check_missing

__all__ = ["AlphaResult", "cronbach_alpha", "item_total", "omega_total"]


@dataclass(frozen=True)
class AlphaResult:
    """Cronbach's alpha of a set of items.

    Attributes
    ----------
    alpha : float
        Raw alpha, from the item covariances.
    std_alpha : float
        Standardized alpha, from the mean inter-item correlation.
    ci_low, ci_high : float
        Feldt's interval (``confidence``, default 95%).
    n : int
        Respondents (rows) in the data, as psych counts them.
    k : int
        Items.
    """

    alpha: float
    std_alpha: float
    ci_low: float
    ci_high: float
    n: int
    k: int


def _keyed(data: pd.DataFrame, reverse, scale, missing: str) -> pd.DataFrame:
    check_missing(missing)
    x = data.astype(float)
    reverse = [str(r) for r in reverse]
    if reverse:
        low, high = scale if scale is not None else (np.nanmin(x.to_numpy()), np.nanmax(x.to_numpy()))
        x[reverse] = low + high - x[reverse]
    return x.dropna() if missing == "listwise" else x


def _alpha(cov: np.ndarray) -> float:
    k = cov.shape[0]
    return float(k / (k - 1) * (1 - np.trace(cov) / cov.sum()))


def cronbach_alpha(data: pd.DataFrame, *, reverse=(), missing: str = "pairwise",
                   scale: tuple | None = None, confidence: float = 0.95) -> AlphaResult:
    """Cronbach's alpha, raw and standardized, with Feldt's confidence interval.

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
        The rating scale, for reversing.
    confidence : float
        Level of Feldt's interval, in (0, 1).

    Returns
    -------
    AlphaResult
        All NaN (with n and k) for fewer than two items or fewer than two respondents.

    Raises
    ------
    InputError
        For an unknown ``missing`` or a ``confidence`` outside (0, 1).

    Notes
    -----
    α = k / (k − 1) · (1 − Σ σ²_j / Σ_jl σ_jl); standardized α = k r̄ / (1 + (k − 1) r̄),
    r̄ the mean correlation of the covariance matrix scaled to unit diagonal.
    Feldt's interval: 1 − (1 − α) · F(1 − γ/2 or γ/2; n − 1, (n − 1)(k − 1)), γ = 1 − confidence.
    In R: ``psych::alpha(x)$total`` and ``$feldt``.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika, 16(3), 297-334.  Feldt, L. S., Woodruff, D. J., & Salih, F. A.
    (1987). Statistical inference for coefficient alpha. Applied Psychological
    Measurement, 11(1), 93-103.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = pd.DataFrame(rng.normal(size=(200, 1)) + rng.normal(size=(200, 3)),
    ...                  columns=["q1", "q2", "q3"])
    >>> a = cronbach_alpha(x)
    >>> print(f"alpha = {a.alpha:.2f} [{a.ci_low:.2f}, {a.ci_high:.2f}], n = {a.n}, k = {a.k}")
    alpha = 0.76 [0.69, 0.81], n = 200, k = 3
    """
    check_confidence(confidence)
    x = _keyed(data, reverse, scale, missing)
    k, n = x.shape[1], len(x)
    if k < 2 or n < 2:  # no alpha of one item, nor from one respondent
        nan = float("nan")
        return AlphaResult(nan, nan, nan, nan, n, k)
    cov = x.cov().to_numpy()  # pairwise complete, like cov(x, use = "pairwise")
    alpha = _alpha(cov)
    sd = np.sqrt(np.diag(cov))
    with np.errstate(divide="ignore", invalid="ignore"):  # a constant item has no correlation
        corr = cov / np.outer(sd, sd)  # psych: cov2cor(C), not the pairwise correlations
    r_bar = (corr.sum() - k) / (k * (k - 1))
    df1, df2 = n - 1, (n - 1) * (k - 1)
    gamma = 1 - confidence
    low = 1 - (1 - alpha) * stats.f.ppf(1 - gamma / 2, df1, df2)
    high = 1 - (1 - alpha) * stats.f.ppf(gamma / 2, df1, df2)
    return AlphaResult(alpha, float(k * r_bar / (1 + (k - 1) * r_bar)), float(low), float(high), n, k)


def item_total(data: pd.DataFrame, *, reverse=(), missing: str = "pairwise",
               scale: tuple | None = None) -> pd.DataFrame:
    """The SPSS-style item-total table: each item's correlation with the rest, alpha without it.

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
        The rating scale, for reversing.

    Returns
    -------
    DataFrame
        ``item, item_rest`` (correlation of the item with the sum of the other
        items), ``alpha_if_deleted``.

    Raises
    ------
    InputError
        For an unknown ``missing``.

    Notes
    -----
    From the (pairwise) covariance matrix C: r_drop = (Σ_l C_il − C_ii) / √(C_ii · Σ C₋ᵢ₋ᵢ);
    alpha if deleted is α of C without row and column i.
    In R: ``psych::alpha(x)$item.stats$r.drop`` and ``$alpha.drop$raw_alpha``.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika, 16(3), 297-334.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = pd.DataFrame(rng.normal(size=(200, 1)) + rng.normal(size=(200, 3)),
    ...                  columns=["q1", "q2", "q3"])
    >>> item_total(x).round(2)
      item  item_rest  alpha_if_deleted
    0   q1       0.56              0.71
    1   q2       0.58              0.69
    2   q3       0.63              0.63
    """
    x = _keyed(data, reverse, scale, missing)
    if len(x) < 2:  # no covariance from one respondent: nothing is defined
        return pd.DataFrame({"item": list(x.columns), "item_rest": np.nan,
                             "alpha_if_deleted": np.nan})
    cov = x.cov().to_numpy()
    rows = []
    for i, item in enumerate(x.columns):
        rest = np.delete(np.arange(len(cov)), i)
        c_drop = cov[:, i].sum() - cov[i, i]
        v_drop = cov[np.ix_(rest, rest)].sum()
        spread = np.sqrt(cov[i, i] * v_drop)
        rows.append({"item": item, "item_rest": c_drop / spread if spread > 0 else np.nan,
                     "alpha_if_deleted": _alpha(cov[np.ix_(rest, rest)]) if len(rest) > 1 else np.nan})
    return pd.DataFrame(rows)


def omega_total(data: pd.DataFrame, *, reverse=(), missing: str = "pairwise",
                scale: tuple | None = None) -> float:
    """McDonald's omega total of a one-factor (congeneric) model.

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
        The rating scale, for reversing.

    Returns
    -------
    float

    Raises
    ------
    InputError
        For an unknown ``missing``.
    Degenerate
        For an item without variance or a singular correlation matrix.

    Notes
    -----
    ω_t = (ΣR − Σ u²_j) / ΣR, with R the item correlations and u² the uniquenesses
    of a one-factor minres solution (:func:`~sqmreport.stats.efa.fit_efa`).
    In R: ``psych::omega(x, nfactors = 1)$omega.tot``.

    References
    ----------
    McDonald, R. P. (1999). Test theory: A unified treatment. Erlbaum.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = pd.DataFrame(rng.normal(size=(200, 1)) + rng.normal(size=(200, 3)),
    ...                  columns=["q1", "q2", "q3"])
    >>> round(omega_total(x), 2)
    0.76
    """
    from sqmreport.stats.efa import correlation_matrix, fit_efa

    x = _keyed(data, reverse, scale, missing)
    r = correlation_matrix(x, missing="pairwise").matrix
    uniqueness = fit_efa(x, 1, method="minres", rotation="none", missing="pairwise").uniquenesses
    total = r.to_numpy().sum()
    return float((total - uniqueness.sum()) / total)
