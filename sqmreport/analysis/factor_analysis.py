"""The factor-analysis report's analysis: suitability, number of factors, EFA, reliability,
CFA and validity, PCA, in one call.  Statistical degeneracy (a singular matrix, a
fit that fails) is kept as a message for the report, never raised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from sqmreport.stats import efa
from sqmreport._validation import Degenerate, section
from sqmreport.stats.cfa import CFAResult, fit_cfa
from sqmreport.stats.reliability import cronbach_alpha, item_total, omega_total
from sqmreport.data.survey import Survey
from sqmreport.stats.validity import fornell_larcker, htmt, validity_table

__all__ = ["FactorReport", "analyse"]


@dataclass(frozen=True)
class FactorReport:
    """What the factor-analysis report shows.

    Attributes
    ----------
    items : DataFrame
        The analysed ratings (respondents × items, reverse-keyed items already recoded).
    correlation : DataFrame or None
    kmo : KMOResult or None
    bartlett : BartlettResult or None
    parallel : DataFrame or None
        :func:`~sqmreport.stats.efa.parallel_analysis` with ``map`` (Velicer) merged in.
    suggested : dict
        Number of factors by criterion: ``parallel``, ``map``, ``kaiser``, ``instrument``.
    n_factors : int
        The number extracted.
    efa : EFAResult or None
    matching : DataFrame or None
        Factor -> the instrument dimension it recovers: ``factor, dimension, items,
        recovered`` (the dimension's items whose largest loading is on this factor).
    flags : DataFrame or None
        Per item: ``item, dimension, primary, loading, cross_loading, weak``.
    pca : EFAResult or None
    reliability : DataFrame
        Per dimension: ``dimension, k, alpha, std_alpha, alpha_ci_low, alpha_ci_high,
        omega_total, n``.
    item_total : DataFrame
        ``dimension, item, item_rest, alpha_if_deleted``.
    cfa : CFAResult or None
    validity : DataFrame or None
    fornell_larcker, htmt : DataFrame or None
    problems : dict
        Section -> the :class:`~sqmreport._validation.Degenerate` that stopped it
        (``heywood`` and ``cfa_heywood`` flag Heywood cases).
    """

    items: pd.DataFrame
    correlation: pd.DataFrame | None
    kmo: object
    bartlett: object
    parallel: pd.DataFrame | None
    suggested: dict
    n_factors: int
    efa: object
    matching: pd.DataFrame | None
    flags: pd.DataFrame | None
    pca: object
    reliability: pd.DataFrame
    item_total: pd.DataFrame
    cfa: CFAResult | None
    validity: pd.DataFrame | None
    fornell_larcker: pd.DataFrame | None
    htmt: pd.DataFrame | None
    problems: dict


def analyse(survey: Survey) -> FactorReport:
    """Compute every statistic of the factor-analysis report."""
    spec = survey.study.spec
    options = spec.analysis.factor_analysis
    instrument = survey.instrument
    data = survey.ratings[options.form]
    dims = instrument.dimension_of()
    cor = options.correlation  # feeds every EFA step; reliability and the CFA use Pearson
    problems = {}

    def attempt(name, compute):
        return section(problems, name, compute)

    corr = attempt("suitability", lambda: efa.correlation_matrix(data, missing=options.missing, correlation=cor).matrix)
    kmo = attempt("suitability", lambda: efa.kmo(data, missing=options.missing, correlation=cor)) if corr is not None else None
    bartlett = attempt("suitability", lambda: efa.bartlett(data, missing=options.missing, correlation=cor)) if kmo else None

    parallel = attempt("factors", lambda: efa.parallel_analysis(
        data, n_iter=options.parallel_iterations, seed=spec.analysis.seed, missing=options.missing,
        correlation=cor))
    suggested = {"instrument": len(instrument.dimensions)}
    if parallel is not None:
        above = (parallel["observed_fa"] > parallel["simulated_fa"]).to_numpy()
        suggested["parallel"] = int(np.argmin(above)) if not above.all() else len(above)
        suggested["kaiser"] = int((parallel["observed_pc"] > 1).sum())
        velicer = attempt("factors", lambda: efa.velicer_map(data, missing=options.missing, correlation=cor,
                                                              max_factors=min(12, data.shape[1] - 1)))
        if velicer is not None:
            parallel = parallel.merge(velicer.rename(columns={"factors": "factor"}), on="factor",
                                      how="left")
            suggested["map"] = int(velicer.loc[velicer["map"].idxmin(), "factors"])
    wanted = options.n_factors
    n_factors = (suggested["instrument"] if wanted == "instrument"
                 else suggested.get("parallel", suggested["instrument"]) if wanted == "parallel" else wanted)
    n_factors = max(1, min(n_factors, data.shape[1] - 1))

    solution = attempt("efa", lambda: efa.fit_efa(data, n_factors, method=options.method,
                                                 rotation=options.rotation, missing=options.missing,
                                                 correlation=cor))
    matching = flags = None
    if solution is not None:
        matching = _match_dimensions(solution.loadings, dims)
        flags = _flags(solution.loadings, dims, options.loading_threshold)
        if solution.heywood:
            problems["heywood"] = Degenerate("heywood", "Heywood case", items=", ".join(solution.heywood))
    pca = attempt("pca", lambda: efa.pca(data, n_factors, rotation="varimax" if n_factors > 1 else "none",
                                        missing=options.missing, correlation=cor))

    reliability, totals = [], []
    for dim in instrument.dimension_ids:
        members = instrument.items_of(dim)
        a = cronbach_alpha(data[members], missing=options.missing)
        omega = attempt(f"omega:{dim}", lambda m=members: omega_total(data[m], missing=options.missing)) \
            if len(members) >= 3 else np.nan
        reliability.append({"dimension": dim, "k": len(members), "alpha": a.alpha,
                            "std_alpha": a.std_alpha, "alpha_ci_low": a.ci_low,
                            "alpha_ci_high": a.ci_high, "omega_total": omega, "n": a.n})
        if len(members) >= 2:
            totals.append(item_total(data[members], missing=options.missing).assign(dimension=dim))
    item_table = pd.concat(totals, ignore_index=True)[["dimension", "item", "item_rest", "alpha_if_deleted"]]

    model = {d: instrument.items_of(d) for d in instrument.dimension_ids}
    cfa = attempt("cfa", lambda: fit_cfa(data, model))
    validity = fl = ratio = None
    if cfa is not None:
        validity = validity_table(cfa, data)
        fl = fornell_larcker(cfa)
        ratio = htmt(data, model)
        if cfa.heywood:
            problems["cfa_heywood"] = Degenerate("heywood", "Heywood case", items=", ".join(cfa.heywood))
    return FactorReport(data, corr, kmo, bartlett, parallel, suggested, n_factors, solution,
                        matching, flags, pca, pd.DataFrame(reliability), item_table, cfa, validity,
                        fl, ratio, problems)


def _match_dimensions(loadings: pd.DataFrame, dimension_of: dict) -> pd.DataFrame:
    """Assign each factor the dimension whose items load on it most (Hungarian assignment)."""
    dims = list(dict.fromkeys(dimension_of.values()))
    strength = np.array([[loadings.loc[[i for i, d in dimension_of.items() if d == dim], f].abs().mean()
                          for dim in dims] for f in loadings.columns])
    rows, cols = linear_sum_assignment(-strength)
    primary = loadings.abs().idxmax(axis=1)
    out = []
    for f_index, d_index in zip(rows, cols):
        factor, dim = loadings.columns[f_index], dims[d_index]
        members = [i for i, d in dimension_of.items() if d == dim]
        out.append({"factor": factor, "dimension": dim, "items": len(members),
                    "recovered": int((primary[members] == factor).sum())})
    return pd.DataFrame(out)


def _flags(loadings: pd.DataFrame, dimension_of: dict, threshold: float) -> pd.DataFrame:
    absolute = loadings.abs()
    return pd.DataFrame({
        "item": loadings.index, "dimension": [dimension_of[i] for i in loadings.index],
        "primary": absolute.idxmax(axis=1).to_numpy(), "loading": absolute.max(axis=1).to_numpy(),
        "cross_loading": (absolute >= threshold).sum(axis=1).to_numpy() > 1,
        "weak": absolute.max(axis=1).to_numpy() < threshold})


