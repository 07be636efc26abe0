"""Convergent and discriminant validity of a CFA: composite reliability, AVE,
the Fornell-Larcker criterion and the heterotrait-monotrait ratio (HTMT).

The numbers are semTools' (``compRelSEM``, ``AVE``, ``htmt``); the tests compare with
them on the Holzinger-Swineford model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sqmreport.stats.cfa import CFAResult

__all__ = ["HTMT_THRESHOLD", "average_variance_extracted", "composite_reliability",
           "fornell_larcker", "htmt", "validity_table"]

HTMT_THRESHOLD = 0.85  # Henseler, Ringle & Sarstedt (2015), conservative criterion


def _parts(result: CFAResult, factor: str):
    items = result.model[factor]
    lam = result.loadings.set_index("item").loc[items, "estimate"].to_numpy()
    return items, lam, result.factor_variances[factor]


def composite_reliability(result: CFAResult) -> pd.Series:
    """Composite (construct) reliability of each factor.

    Parameters
    ----------
    result : CFAResult
        A fitted CFA (:func:`~sqmreport.stats.cfa.fit_cfa`).

    Returns
    -------
    Series
        CR per factor, named ``composite_reliability``.

    Notes
    -----
    CR = (Σλ)² φ / Σ S, the model's common variance over the observed variance
    of the sum of the factor's items (S the ML sample covariances of its items,
    λ the unstandardized loadings, φ the factor variance).  In R:
    ``semTools::compRelSEM(fit, tau.eq = FALSE, obs.var = TRUE)``.

    References
    ----------
    Raykov, T. (1997). Estimation of composite reliability for congeneric measures.
    Applied Psychological Measurement, 21(2), 173-184.
    """
    values = {}
    for factor in result.model:
        items, lam, phi = _parts(result, factor)
        values[factor] = lam.sum() ** 2 * phi / result.sample_cov.loc[items, items].to_numpy().sum()
    return pd.Series(values, name="composite_reliability")


def average_variance_extracted(result: CFAResult) -> pd.Series:
    """Average variance extracted: the share of the items' variance the factor explains.

    Parameters
    ----------
    result : CFAResult
        A fitted CFA (:func:`~sqmreport.stats.cfa.fit_cfa`).

    Returns
    -------
    Series
        AVE per factor, named ``ave``.

    Notes
    -----
    AVE = Σ λ² φ / Σ s²_j, s²_j the items' observed (ML) variances.  In R: ``semTools::AVE(fit)``.

    References
    ----------
    Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with
    unobservable variables and measurement error. J. Marketing Research, 18(1), 39-50.
    """
    values = {}
    for factor in result.model:
        items, lam, phi = _parts(result, factor)
        values[factor] = (lam**2).sum() * phi / np.diag(result.sample_cov.loc[items, items]).sum()
    return pd.Series(values, name="ave")


def fornell_larcker(result: CFAResult) -> pd.DataFrame:
    """The Fornell-Larcker table: √AVE on the diagonal, factor correlations off it.

    Parameters
    ----------
    result : CFAResult
        A fitted CFA (:func:`~sqmreport.stats.cfa.fit_cfa`).

    Returns
    -------
    DataFrame
        Factors × factors.

    Notes
    -----
    Discriminant validity holds for a factor when its √AVE exceeds every correlation
    in its row and column.  In R: ``sqrt(semTools::AVE(fit))`` beside
    ``lavInspect(fit, "cor.lv")``.

    References
    ----------
    Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with
    unobservable variables and measurement error. J. Marketing Research, 18(1), 39-50.
    """
    table = result.factor_correlations.copy()
    root = np.sqrt(average_variance_extracted(result))
    for factor in table.index:
        table.loc[factor, factor] = root[factor]
    return table


def htmt(data: pd.DataFrame, model: dict, *, geometric: bool = True,
         absolute: bool = True) -> pd.DataFrame:
    """Heterotrait-monotrait ratio of correlations between each pair of factors.

    Parameters
    ----------
    data : DataFrame
        Respondents × items (complete cases are used).
    model : dict
        Factor -> items.
    geometric : bool
        HTMT2: geometric instead of arithmetic means (Roemer, Schuberth & Henseler 2021),
        semTools' default; it uses absolute correlations.
    absolute : bool
        Use absolute correlations.

    Returns
    -------
    DataFrame
        Factors × factors, 1 on the diagonal.

    Notes
    -----
    HTMT_ij = mean heterotrait correlation / √(mean monotrait_i · mean monotrait_j),
    the monotrait means over the off-diagonal correlations within a factor.
    In R: ``semTools::htmt(model, data)``.

    References
    ----------
    Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for assessing
    discriminant validity. J. Academy of Marketing Science, 43(1), 115-135.
    Roemer, E., Schuberth, F., & Henseler, J. (2021). HTMT2 - an improved criterion for
    assessing discriminant validity in structural equation modeling. Industrial
    Management & Data Systems, 121(12), 2637-2650.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(200, 2))
    >>> x = pd.DataFrame(f.repeat(3, axis=1) + rng.normal(size=(200, 6)),
    ...                  columns=["q1", "q2", "q3", "q4", "q5", "q6"])
    >>> h = htmt(x, {"A": ["q1", "q2", "q3"], "B": ["q4", "q5", "q6"]})
    >>> bool(h.loc["A", "B"] < HTMT_THRESHOLD)
    True
    """
    items = [i for group in model.values() for i in group]
    r = data[items].astype(float).dropna().corr()
    if absolute or geometric:
        r = r.abs()
    values = r.to_numpy().copy()
    np.fill_diagonal(values, np.nan)
    r = pd.DataFrame(values, index=r.index, columns=r.columns)

    def mean(block):
        block = block.to_numpy().ravel()
        block = block[~np.isnan(block)]
        return float(np.exp(np.mean(np.log(block)))) if geometric else float(block.mean())

    within = {f: mean(r.loc[g, g]) for f, g in model.items()}
    table = pd.DataFrame(1.0, index=list(model), columns=list(model))
    for a, ga in model.items():
        for b, gb in model.items():
            if a != b:
                table.loc[a, b] = mean(r.loc[ga, gb]) / np.sqrt(within[a] * within[b])
    return table


def validity_table(result: CFAResult, data: pd.DataFrame) -> pd.DataFrame:
    """Convergent and discriminant validity, one row per factor.

    Parameters
    ----------
    result : CFAResult
        A fitted CFA (:func:`~sqmreport.stats.cfa.fit_cfa`).
    data : DataFrame
        The respondents × items the CFA was fitted to (for the HTMT).

    Returns
    -------
    DataFrame
        ``factor, composite_reliability, ave, sqrt_ave, max_correlation`` (largest
        absolute correlation with another factor), ``max_htmt``, and whether each
        criterion is met: ``cr_ok`` (CR ≥ 0.7), ``ave_ok`` (AVE ≥ 0.5),
        ``fornell_larcker_ok`` (√AVE > every correlation), ``htmt_ok`` (HTMT < 0.85).

    Notes
    -----
    The cut-offs are the conventional ones (Fornell & Larcker 1981; Henseler et al.
    2015); the table reports the values beside them.  In R: ``semTools::compRelSEM``,
    ``semTools::AVE`` and ``semTools::htmt``.

    References
    ----------
    Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with
    unobservable variables and measurement error. J. Marketing Research, 18(1), 39-50.
    Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for assessing
    discriminant validity. J. Academy of Marketing Science, 43(1), 115-135.
    """
    cr = composite_reliability(result)
    ave = average_variance_extracted(result)
    corr = result.factor_correlations.abs().mask(np.eye(len(cr), dtype=bool))
    ratio = htmt(data, result.model).mask(np.eye(len(cr), dtype=bool))
    table = pd.DataFrame({"factor": cr.index, "composite_reliability": cr.to_numpy(),
                          "ave": ave.to_numpy(), "sqrt_ave": np.sqrt(ave.to_numpy()),
                          "max_correlation": corr.max().to_numpy(),
                          "max_htmt": ratio.max().to_numpy()})
    table["cr_ok"] = table["composite_reliability"] >= 0.7
    table["ave_ok"] = table["ave"] >= 0.5
    table["fornell_larcker_ok"] = table["sqrt_ave"] > table["max_correlation"]
    table["htmt_ok"] = table["max_htmt"] < HTMT_THRESHOLD
    return table
