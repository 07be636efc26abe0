"""Confirmatory factor analysis of a questionnaire's dimension model, with lavaan's numbers.

Estimation by maximum likelihood with semopy; the fit measures, standardized
solution, AIC and BIC are computed here from the estimates the way lavaan's
``fitMeasures`` and ``standardizedSolution`` compute them (tests compare with
lavaan on the Holzinger-Swineford data).
"""

from __future__ import annotations

import logging
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from sqmreport._validation import Degenerate, InputError

__all__ = ["CFAResult", "FIT_CUTOFFS", "IMPROPER_CHECKS", "NEAR_ONE", "fit_cfa", "improper_solution"]

# Conventional cut-offs (Hu & Bentler 1999): the report shows them beside the values.
FIT_CUTOFFS = {"cfi": (">=", 0.95), "tli": (">=", 0.95), "rmsea": ("<=", 0.06), "srmr": ("<=", 0.08)}

# A factor correlation this close to ±1 shows as 1.00 at two decimals: the factors are not distinct.
NEAR_ONE = 0.995
# lavaan's tolerance for a negative eigenvalue (lav_object_post_check): .Machine$double.eps^(3/4).
_EIGEN_TOLERANCE = np.finfo(float).eps ** 0.75

IMPROPER_CHECKS = ("negative_residual_variance", "negative_factor_variance",
                   "factor_covariance_not_positive_definite", "loading_of_one_or_more",
                   "correlation_near_one")


@dataclass(frozen=True)
class CFAResult:
    """A confirmatory factor analysis.

    Attributes
    ----------
    loadings : DataFrame
        ``factor, item, estimate`` (unstandardized, the first item of each factor
        fixed to 1), ``se``, ``loading`` (standardized, lavaan's std.all).
    factor_correlations : DataFrame
        Factors × factors.
    fit : dict
        ``chi2, df, p_value, cfi, tli, rmsea, rmsea_ci_low, rmsea_ci_high`` (90%),
        ``srmr, aic, bic`` as lavaan's ``fitMeasures``.
    n_obs : int
        Complete cases used (listwise).
    model : dict
        Factor -> items.
    factor_variances : Series
    residual_variances : Series
        Unstandardized θ of each item.
    sample_cov : DataFrame
        The ML sample covariance matrix (divisor n) the model was fitted to.
    heywood : list of str
        Items with a negative residual variance or a standardized loading of 1 or more.
    improper : DataFrame
        Every sign that the solution is improper (:func:`improper_solution`): no
        rows for an admissible solution.
    """

    loadings: pd.DataFrame
    factor_correlations: pd.DataFrame
    fit: dict
    n_obs: int
    model: dict
    factor_variances: pd.Series
    residual_variances: pd.Series
    sample_cov: pd.DataFrame
    heywood: list
    improper: pd.DataFrame


def _syntax(model: dict) -> str:
    return "\n".join(f"{factor} =~ {' + '.join(items)}" for factor, items in model.items())


def fit_cfa(data: pd.DataFrame, model: dict) -> CFAResult:
    """Fit a CFA where each factor is measured by its own items.

    Parameters
    ----------
    data : DataFrame
        Respondents × items; rows with a missing item are left out (listwise, as
        lavaan does by default).
    model : dict
        Factor name -> list of item names (columns of ``data``).

    Returns
    -------
    CFAResult

    Raises
    ------
    InputError
        For an item not in the data, an item in two factors, or a factor with fewer
        than two items.
    Degenerate
        For too few complete cases, a singular covariance matrix, or an estimation
        that fails or does not converge.

    Notes
    -----
    In R: ``lavaan::cfa(model, data)`` with ``fitMeasures``.  ML fit function
    F = ln|Σ| + tr(SΣ⁻¹) − ln|S| − p, χ² = n·F; RMSEA = √max((χ² − df)/(df·n), 0)
    with a 90% interval from the noncentral χ²; CFI and TLI against the
    independence model; SRMR on residuals scaled by the observed standard
    deviations; ln L = −n/2 (p ln 2π + ln|Σ| + tr(SΣ⁻¹)), AIC = −2 ln L + 2q,
    BIC = −2 ln L + q ln n.

    References
    ----------
    Rosseel, Y. (2012). lavaan: an R package for structural equation modeling.
    Journal of Statistical Software, 48(2), 1-36.  Hu, L., & Bentler, P. M. (1999).
    Cutoff criteria for fit indexes in covariance structure analysis. Structural
    Equation Modeling, 6(1), 1-55.

    Examples
    --------
    Fitting loads semopy, which takes seconds, so the example is not run:

    >>> model = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"],
    ...          "speed": ["x7", "x8", "x9"]}
    >>> cfa = fit_cfa(holzinger_swineford, model)  # doctest: +SKIP
    >>> round(cfa.fit["chi2"], 3), cfa.fit["df"]  # doctest: +SKIP
    (85.306, 24)
    """
    items = [i for group in model.values() for i in group]
    missing = [i for i in items if i not in data.columns]
    if missing:
        raise InputError(f"CFA model names items not in the data: {', '.join(map(str, missing))}")
    if len(set(items)) != len(items):
        raise InputError("an item is assigned to more than one factor in the CFA model")
    small = [f for f, group in model.items() if len(group) < 2]
    if small:
        raise InputError(f"factor {small[0]!r} has fewer than two items: a CFA needs at least two")
    frame = data[items].astype(float).dropna()
    n, p = frame.shape
    if n < p + 2:
        raise Degenerate("too_few_cases", f"a CFA of {p} items needs at least {p + 2} complete "
                         f"responses, got {n}", n=n, needed=p + 2)
    from sqmreport.stats.efa import check_positive_definite

    check_positive_definite(frame.cov())

    import semopy

    # semopy's own names must not clash with ours: fit on positional names.
    names = {item: f"v{k}" for k, item in enumerate(items)}
    factors = {factor: f"f{k}" for k, factor in enumerate(model)}
    renamed = {factors[f]: [names[i] for i in group] for f, group in model.items()}
    sem = semopy.Model(_syntax(renamed))
    try:
        with _quiet():
            # BFGS reaches lavaan's optimum; like lavaan it leaves variances unbounded,
            # so a Heywood case shows as a negative variance instead of being hidden.
            result = sem.fit(frame.rename(columns=names), solver="BFGS")
            estimates = sem.inspect(std_est=False)
    except (np.linalg.LinAlgError, ValueError, FloatingPointError) as exc:
        raise Degenerate("not_converged", f"the CFA could not be estimated ({exc})") from None
    if not getattr(result, "success", True) or not np.isfinite(result.fun):
        raise Degenerate("not_converged", "the CFA did not converge; the model may not fit these data")

    est = estimates.set_index(["lval", "op", "rval"])
    lam = np.zeros((p, len(model)))
    se = np.full(p, np.nan)
    for k, (factor, group) in enumerate(model.items()):
        for item in group:
            j = items.index(item)
            lam[j, k] = est.loc[(names[item], "~", factors[factor]), "Estimate"]
            value = est.loc[(names[item], "~", factors[factor]), "Std. Err"]
            se[j] = float(value) if value != "-" else np.nan
    phi = np.zeros((len(model), len(model)))
    for a, fa in enumerate(model):
        for b, fb in enumerate(model):
            key = (factors[fa], "~~", factors[fb])
            key = key if key in est.index else (factors[fb], "~~", factors[fa])
            phi[a, b] = est.loc[key, "Estimate"]
    theta = np.array([est.loc[(names[i], "~~", names[i]), "Estimate"] for i in items])

    sigma = lam @ phi @ lam.T + np.diag(theta)
    s = np.cov(frame.to_numpy(), rowvar=False, bias=True)  # ML: divisor n
    q = int(np.count_nonzero(~np.isnan(se)) + len(theta) + len(model) * (len(model) + 1) // 2)
    fit = _fit_measures(s, sigma, n, q)
    std_loadings = lam * np.sqrt(np.diag(phi)) / np.sqrt(np.diag(sigma))[:, None]
    corr = phi / np.sqrt(np.outer(np.diag(phi), np.diag(phi)))
    rows = [{"factor": f, "item": i, "estimate": lam[items.index(i), k], "se": se[items.index(i)],
             "loading": std_loadings[items.index(i), k]}
            for k, (f, group) in enumerate(model.items()) for i in group]
    loadings = pd.DataFrame(rows)
    heywood = [i for i, t, lam in zip(items, theta, std_loadings.sum(axis=1)) if t < 0 or abs(lam) >= 1]
    factor_variances = pd.Series(np.diag(phi), index=list(model))
    residual_variances = pd.Series(theta, index=items)
    return CFAResult(
        loadings=loadings,
        factor_correlations=pd.DataFrame(corr, index=list(model), columns=list(model)),
        fit=fit, n_obs=n, model={f: list(g) for f, g in model.items()},
        factor_variances=factor_variances, residual_variances=residual_variances,
        sample_cov=pd.DataFrame(s, index=items, columns=items), heywood=heywood,
        improper=improper_solution(pd.DataFrame(phi, index=list(model), columns=list(model)),
                                   residual_variances, loadings))


def improper_solution(factor_covariance: pd.DataFrame, residual_variances: pd.Series,
                      loadings: pd.DataFrame) -> pd.DataFrame:
    """The signs that a CFA solution is improper, as lavaan's post-fit check and more.

    Parameters
    ----------
    factor_covariance : DataFrame
        Factors × factors: the estimated covariance matrix Φ of the factors.
    residual_variances : Series
        The residual variance θ of each item.
    loadings : DataFrame
        ``factor, item, loading`` (standardized).

    Returns
    -------
    DataFrame
        ``check, name, other, value``, in the order of :data:`IMPROPER_CHECKS`:
        ``negative_residual_variance`` (a Heywood case) for each item with θ < 0
        (``value`` θ), ``negative_factor_variance`` for each such factor,
        ``factor_covariance_not_positive_definite`` once for a Φ with a negative
        eigenvalue (no ``name``, ``value`` the smallest eigenvalue),
        ``loading_of_one_or_more`` for each item with |λ| ≥ 1 (``value`` λ), and
        ``correlation_near_one`` for each pair of factors (``name``, ``other``) whose
        correlation is at least :data:`NEAR_ONE` in absolute value (``value`` r).
        ``other`` is missing except for correlations.  No rows: the solution is proper.

    Notes
    -----
    lavaan's ``lavInspect(fit, "post.check")`` warns of negative observed or latent
    variances, and, when the latent variances are positive, of a latent covariance
    matrix with an eigenvalue below −ε^¾ (ε the machine epsilon).  Standardized
    loadings of 1 or more and factor correlations of ±0.995 or more (shown as
    1.00) are also signs that the model does not hold (Heywood cases, factors
    that cannot be told apart).

    References
    ----------
    Kolenikov, S., & Bollen, K. A. (2012). Testing negative error variances: Is a
    Heywood case a symptom of misspecification? Sociological Methods & Research,
    41(1), 124-167.

    Examples
    --------
    >>> phi = pd.DataFrame([[1.0, 1.02], [1.02, 1.0]], index=["a", "b"], columns=["a", "b"])
    >>> theta = pd.Series({"q1": 0.4, "q2": -0.05, "q3": 0.5, "q4": 0.3})
    >>> lam = pd.DataFrame({"factor": ["a", "a", "b", "b"], "item": ["q1", "q2", "q3", "q4"],
    ...                     "loading": [0.8, 1.02, 0.7, 0.85]})
    >>> improper_solution(phi, theta, lam)
                                         check name other  value
    0               negative_residual_variance   q2   NaN  -0.05
    1  factor_covariance_not_positive_definite  NaN   NaN  -0.02
    2                   loading_of_one_or_more   q2   NaN   1.02
    3                     correlation_near_one    a     b   1.02
    """
    rows = [("negative_residual_variance", item, None, value)
            for item, value in residual_variances.items() if value < 0]
    variances = pd.Series(np.diag(factor_covariance.to_numpy()), index=factor_covariance.index)
    negative = variances[variances < 0]
    rows += [("negative_factor_variance", f, None, v) for f, v in negative.items()]
    if negative.empty and len(variances):  # lavaan checks Φ only when its variances are positive
        smallest = np.linalg.eigvalsh(factor_covariance.to_numpy()).min()
        if smallest < -_EIGEN_TOLERANCE:
            rows.append(("factor_covariance_not_positive_definite", None, None, smallest))
    rows += [("loading_of_one_or_more", row.item, None, row.loading)
             for row in loadings.itertuples(index=False) if abs(row.loading) >= 1]
    if negative.empty:
        sd = np.sqrt(variances.to_numpy())
        corr = factor_covariance.to_numpy() / np.outer(sd, sd)
        names = list(factor_covariance.index)
        rows += [("correlation_near_one", names[a], names[b], corr[a, b])
                 for a in range(len(names)) for b in range(a + 1, len(names))
                 if abs(corr[a, b]) >= NEAR_ONE]
    return pd.DataFrame(rows, columns=["check", "name", "other", "value"]).astype({"value": float})


@contextmanager
def _quiet():
    """semopy reports through warnings and the root logger: keep both off the report's stderr."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.setLevel(level)


def _fit_measures(s: np.ndarray, sigma: np.ndarray, n: int, q: int) -> dict:
    p = s.shape[0]
    inv = np.linalg.inv(sigma)
    logdet_sigma = np.linalg.slogdet(sigma)[1]
    logdet_s = np.linalg.slogdet(s)[1]
    chi2 = float(n * (logdet_sigma + np.trace(s @ inv) - logdet_s - p))
    df = p * (p + 1) // 2 - q
    chi2_null = float(n * (np.sum(np.log(np.diag(s))) - logdet_s))
    df_null = p * (p - 1) // 2
    cfi = 1 - max(chi2 - df, 0) / max(chi2_null - df_null, chi2 - df, 0)
    tli = ((chi2_null / df_null) - (chi2 / df)) / ((chi2_null / df_null) - 1) if df > 0 else np.nan
    rmsea = np.sqrt(max((chi2 - df) / (df * n), 0)) if df > 0 else np.nan
    low, high = _rmsea_interval(chi2, df, n) if df > 0 else (np.nan, np.nan)
    sd = np.sqrt(np.diag(s))
    residual = (s - sigma) / np.outer(sd, sd)
    lower = np.tril_indices(p)
    srmr = float(np.sqrt(np.mean(residual[lower] ** 2)))
    loglik = -n / 2 * (p * np.log(2 * np.pi) + logdet_sigma + np.trace(s @ inv))
    return {"chi2": chi2, "df": df, "p_value": float(stats.chi2.sf(chi2, df)) if df > 0 else np.nan,
            "cfi": float(cfi), "tli": float(tli), "rmsea": float(rmsea), "rmsea_ci_low": low,
            "rmsea_ci_high": high, "srmr": srmr, "aic": float(-2 * loglik + 2 * q),
            "bic": float(-2 * loglik + q * np.log(n))}


def _rmsea_interval(chi2: float, df: int, n: int, level: float = 0.90) -> tuple[float, float]:
    """lavaan's interval: the noncentrality λ with P(χ²_df(λ) ≤ χ²) = 0.95 and 0.05."""
    def solve(target: float) -> float:
        if stats.chi2.cdf(chi2, df) < target:
            return 0.0
        return optimize.brentq(lambda lam: stats.ncx2.cdf(chi2, df, lam) - target if lam > 0
                               else stats.chi2.cdf(chi2, df) - target, 0, max(n, chi2) * 10,
                               xtol=1e-12)
    tail = (1 - level) / 2
    return (float(np.sqrt(solve(1 - tail) / (n * df))), float(np.sqrt(solve(tail) / (n * df))))
