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

    Notes
    -----
    CR = (Σλ)² φ / Σ S, the model's common variance over the observed variance
    of the sum of the factor's items.  In R: ``semTools::compRelSEM(fit,
    tau.eq = FALSE, obs.var = TRUE)``.

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

    Notes
    -----
    AVE = Σ λ² φ / Σ s²_j.  In R: ``semTools::AVE(fit)``.

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
    """√AVE on the diagonal, factor correlations off it: each diagonal value should
    exceed every correlation in its row and column (Fornell & Larcker 1981)."""
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
        semTools' default.
    absolute : bool
        Use absolute correlations.

    Notes
    -----
    HTMT_ij = mean heterotrait correlation / √(mean monotrait_i · mean monotrait_j).
    In R: ``semTools::htmt(model, data)``.

    References
    ----------
    Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for assessing
    discriminant validity. J. Academy of Marketing Science, 43(1), 115-135.
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
    """One row per factor: CR, AVE, √AVE, its largest correlation, the largest HTMT,
    and whether each criterion is met (CR ≥ 0.7, AVE ≥ 0.5, √AVE > every correlation,
    HTMT < 0.85)."""
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
