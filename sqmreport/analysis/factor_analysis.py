"""The factor-analysis report's analysis, one function per section: suitability, number
of factors, EFA, reliability, CFA and validity, PCA.

Options are keyword arguments; None is the study file's setting
(``analysis.factor_analysis``)::

    factors = fa.factors(survey)
    efa = fa.efa(survey, n_factors=factors.n_factors, rotation="varimax")

Statistical degeneracy (a singular matrix, a fit that fails) is kept in the result's
``problem`` for the report to explain, never raised.  :func:`analyse` runs every
section as the study asks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from sqmreport._validation import Degenerate, section
from sqmreport.data.survey import Survey
from sqmreport.stats import efa as _efa
from sqmreport.stats.cfa import FIT_CUTOFFS, CFAResult, fit_cfa
from sqmreport.stats.reliability import cronbach_alpha, item_total, omega_total
from sqmreport.stats.validity import fornell_larcker, htmt, validity_table

__all__ = ["CFA", "EFA", "PCA", "Factors", "FactorReport", "Reliability", "Suitability",
           "analyse", "cfa", "cfa_verdict", "efa", "factors", "kmo_band", "pca", "reliability",
           "suitability"]

LOW_ALPHA = 0.7  # below this, a dimension's items are a weak scale


def _settings(survey: Survey):
    return survey.study.spec.analysis.factor_analysis


def _data(survey: Survey) -> pd.DataFrame:
    """The ratings analysed: ``analysis.factor_analysis.form`` (perception, expectation, or
    gap: P − E of each item, NaN unless the respondent answered both)."""
    return form_data(survey, _settings(survey).form)


def form_data(survey: Survey, form: str) -> pd.DataFrame:
    """The ratings of a form, or for ``gap`` each item's perception − expectation."""
    if form == "gap":
        return survey.ratings["perception"] - survey.ratings["expectation"]
    return survey.ratings[form]


def single_item_dimensions(survey: Survey) -> list[str]:
    """The dimensions measured by one item: no internal consistency to estimate, and as a
    factor of a CFA not identified without an assumed reliability."""
    inst = survey.instrument
    return [d for d in inst.dimension_ids if len(inst.items_of(d)) < 2]


def _or(value, default):
    return default if value is None else value


# -- suitability -----------------------------------------------------------------------

def kmo_band(value: float) -> str:
    """Kaiser's (1974) label for a KMO: marvelous, meritorious, middling, mediocre,
    miserable or unacceptable."""
    for limit, band in ((0.9, "marvelous"), (0.8, "meritorious"), (0.7, "middling"),
                        (0.6, "mediocre"), (0.5, "miserable")):
        if value >= limit:
            return band
    return "unacceptable"


@dataclass(frozen=True)
class Suitability:
    """Whether the items suit factor analysis.

    Attributes
    ----------
    correlation : DataFrame or None
        The correlation matrix analysed.
    kmo : KMOResult or None
    bartlett : BartlettResult or None
    band : str or None
        Kaiser's label of the overall KMO (:func:`kmo_band`).
    missing, correlation_method : str
        The options used.
    problem : Degenerate or None
    """

    correlation: pd.DataFrame | None
    kmo: object
    bartlett: object
    band: str | None
    missing: str
    correlation_method: str
    problem: Degenerate | None


def suitability(survey: Survey, *, missing: str | None = None,
                correlation: str | None = None) -> Suitability:
    """The correlation matrix, Kaiser-Meyer-Olkin and Bartlett's test of sphericity."""
    options = _settings(survey)
    missing, correlation = _or(missing, options.missing), _or(correlation, options.correlation)
    data = _data(survey)
    problems = {}

    def attempt(compute):
        return section(problems, "suitability", compute)

    corr = attempt(lambda: _efa.correlation_matrix(data, missing=missing,
                                                   correlation=correlation).matrix)
    kmo = attempt(lambda: _efa.kmo(data, missing=missing, correlation=correlation)) \
        if corr is not None else None
    bartlett = attempt(lambda: _efa.bartlett(data, missing=missing, correlation=correlation)) \
        if kmo else None
    band = kmo_band(kmo.overall) if kmo is not None else None
    return Suitability(corr, kmo, bartlett, band, missing, correlation,
                       problems.get("suitability"))


# -- number of factors -----------------------------------------------------------------

@dataclass(frozen=True)
class Factors:
    """How many factors to extract.

    Attributes
    ----------
    parallel : DataFrame or None
        :func:`~sqmreport.stats.efa.parallel_analysis` with ``map`` (Velicer) merged in.
    suggested : dict
        Number of factors by criterion: ``parallel``, ``map``, ``kaiser``, ``instrument``.
    n_factors : int
        The number to extract.
    reason : str
        Why: ``instrument``, ``parallel``, ``study`` (a number in the study file) or
        ``given`` (a number given in the notebook).
    n_iter, seed : int
        Parallel analysis' simulations.
    problem : Degenerate or None
    communalities : str
        What parallel analysis put on the diagonal for the factor eigenvalues:
        ``minres`` (one-factor minres communalities, psych's default) or ``smc``
        (squared multiple correlations, psych's ``SMC = TRUE``).
    quantile : float or None
        The quantile of the simulated eigenvalues they were compared with; None:
        their mean (psych's default).
    """

    parallel: pd.DataFrame | None
    suggested: dict
    n_factors: int
    reason: str
    n_iter: int
    seed: int
    problem: Degenerate | None
    communalities: str = "minres"
    quantile: float | None = None


def factors(survey: Survey, *, n_factors: int | str | None = None, n_iter: int | None = None,
            seed: int | None = None, missing: str | None = None,
            correlation: str | None = None, communalities: str = "minres",
            quantile: float | None = None) -> Factors:
    """Parallel analysis, Velicer's MAP and Kaiser's rule; the number of factors to extract.

    ``n_factors``: a number, ``"instrument"`` (its number of dimensions) or
    ``"parallel"`` (as parallel analysis suggests); None: the study's setting.
    ``communalities``: the factor eigenvalues of parallel analysis, ``"minres"``
    (psych's default, ``fa.parallel(x, fa = "fa")``) or ``"smc"`` (psych's
    ``SMC = TRUE``, which tends to suggest more factors); see
    :func:`~sqmreport.stats.efa.parallel_analysis`.  ``quantile``: compare with this
    quantile of the simulated eigenvalues (0.95 is more conservative); None: their
    mean, as psych.
    """
    options = _settings(survey)
    missing, correlation = _or(missing, options.missing), _or(correlation, options.correlation)
    n_iter, seed = _or(n_iter, options.parallel_iterations), _or(seed, survey.study.spec.analysis.seed)
    data = _data(survey)
    problems = {}
    parallel = section(problems, "factors", lambda: _efa.parallel_analysis(
        data, n_iter=n_iter, seed=seed, missing=missing, correlation=correlation,
        communalities=communalities, quantile=quantile))
    suggested = {"instrument": len(survey.instrument.dimensions)}
    if parallel is not None:
        above = (parallel["observed_fa"] > parallel["simulated_fa"]).to_numpy()
        suggested["parallel"] = int(np.argmin(above)) if not above.all() else len(above)
        suggested["kaiser"] = int((parallel["observed_pc"] > 1).sum())
        velicer = section(problems, "factors", lambda: _efa.velicer_map(
            data, missing=missing, correlation=correlation, max_factors=min(12, data.shape[1] - 1)))
        if velicer is not None:
            parallel = parallel.merge(velicer.rename(columns={"factors": "factor"}), on="factor",
                                      how="left")
            suggested["map"] = int(velicer.loc[velicer["map"].idxmin(), "factors"])
    wanted = _or(n_factors, options.n_factors)
    if wanted == "instrument":
        count, reason = suggested["instrument"], "instrument"
    elif wanted == "parallel":
        count, reason = suggested.get("parallel", suggested["instrument"]), "parallel"
    elif isinstance(wanted, (int, np.integer)) and not isinstance(wanted, bool):
        count, reason = int(wanted), "study" if n_factors is None else "given"
    else:
        raise ValueError(f"`n_factors` must be a number, 'instrument' or 'parallel', got {wanted!r}")
    count = max(1, min(count, data.shape[1] - 1))
    return Factors(parallel, suggested, count, reason, n_iter, seed, problems.get("factors"),
                   communalities, quantile)


def _n_factors(survey: Survey, n_factors) -> int:
    """A number of factors as given, or as the study asks (parallel analysis only when needed)."""
    wanted = _or(n_factors, _settings(survey).n_factors)
    if wanted == "parallel":
        return factors(survey, n_factors="parallel").n_factors
    if wanted == "instrument":
        wanted = len(survey.instrument.dimensions)
    if not isinstance(wanted, (int, np.integer)) or isinstance(wanted, bool):
        raise ValueError(f"`n_factors` must be a number, 'instrument' or 'parallel', got {wanted!r}")
    return max(1, min(int(wanted), _data(survey).shape[1] - 1))


# -- exploratory factor analysis ---------------------------------------------------------

@dataclass(frozen=True)
class EFA:
    """An exploratory factor analysis and how it recovers the instrument's dimensions.

    Attributes
    ----------
    solution : EFAResult or None
    matching : DataFrame or None
        Factor -> the instrument dimension it recovers: ``factor, dimension, items,
        recovered`` (the dimension's items whose largest loading is on this factor).
    flags : DataFrame or None
        Per item: ``item, dimension, primary, loading, cross_loading, weak``.
    odd : DataFrame or None
        The flagged rows (cross-loading or weak).
    n_factors : int
    method, rotation, missing, correlation : str
    threshold : float
        Loadings below this are weak (and blanked in the tables).
    problem : Degenerate or None
    heywood : Degenerate or None
        A Heywood case (a communality of 1 or more), when there is one.
    phi_flags : DataFrame or None
        The factor correlations that say two factors are hardly distinct
        (:func:`~sqmreport.stats.efa.factor_correlation_flags`); no rows when none.
    """

    solution: object
    matching: pd.DataFrame | None
    flags: pd.DataFrame | None
    odd: pd.DataFrame | None
    n_factors: int
    method: str
    rotation: str
    missing: str
    correlation: str
    threshold: float
    problem: Degenerate | None
    heywood: Degenerate | None
    phi_flags: pd.DataFrame | None = None


def efa(survey: Survey, *, n_factors: int | str | None = None, method: str | None = None,
        rotation: str | None = None, missing: str | None = None, correlation: str | None = None,
        threshold: float | None = None) -> EFA:
    """Fit an EFA (``minres``, ``ml`` or ``principal``; rotation ``oblimin``, ``promax``,
    ``varimax`` or ``none``) and match its factors to the instrument's dimensions.

    ``n_factors`` as :func:`factors` (pass ``factors(...).n_factors`` to reuse its count).
    """
    options = _settings(survey)
    method, rotation = _or(method, options.method), _or(rotation, options.rotation)
    missing, correlation = _or(missing, options.missing), _or(correlation, options.correlation)
    threshold = _or(threshold, options.loading_threshold)
    k = _n_factors(survey, n_factors)
    data = _data(survey)
    dims = survey.instrument.dimension_of()
    problems = {}
    solution = section(problems, "efa", lambda: _efa.fit_efa(
        data, k, method=method, rotation=rotation, missing=missing, correlation=correlation))
    matching = flags = odd = heywood = phi_flags = None
    if solution is not None:
        phi_flags = _efa.factor_correlation_flags(solution.phi)
        matching = _match_dimensions(solution.loadings, dims)
        flags = _flags(solution.loadings, dims, threshold)
        odd = flags[flags["cross_loading"] | flags["weak"]]
        if solution.heywood:
            heywood = Degenerate("heywood", "Heywood case", items=", ".join(solution.heywood))
    return EFA(solution, matching, flags, odd, k, method, rotation, missing, correlation,
               threshold, problems.get("efa"), heywood, phi_flags)


@dataclass(frozen=True)
class PCA:
    """Principal components (``result`` an :class:`~sqmreport.stats.efa.EFAResult`)."""

    result: object
    rotation: str
    threshold: float
    problem: Degenerate | None


def pca(survey: Survey, *, n_components: int | str | None = None, rotation: str | None = None,
        missing: str | None = None, correlation: str | None = None,
        threshold: float | None = None) -> PCA:
    """Principal components, as many as :func:`factors` would extract; varimax-rotated
    when there are several (``rotation`` None)."""
    options = _settings(survey)
    missing, correlation = _or(missing, options.missing), _or(correlation, options.correlation)
    k = _n_factors(survey, n_components)
    rotation = _or(rotation, "varimax" if k > 1 else "none")
    problems = {}
    result = section(problems, "pca", lambda: _efa.pca(
        _data(survey), k, rotation=rotation, missing=missing, correlation=correlation))
    return PCA(result, rotation, _or(threshold, options.loading_threshold), problems.get("pca"))


# -- reliability -----------------------------------------------------------------------

@dataclass(frozen=True)
class Reliability:
    """Internal consistency of each dimension's items.

    Attributes
    ----------
    table : DataFrame
        Per dimension: ``dimension, k, alpha, std_alpha, alpha_ci_low, alpha_ci_high,
        omega_total, n``.
    item_total : DataFrame
        ``dimension, item, item_rest, alpha_if_deleted``.
    low : DataFrame
        The dimensions whose alpha is below ``threshold``.
    threshold : float
    missing : str
    problems : dict
        ``omega:<dimension>`` -> why omega could not be computed.
    single : tuple of str
        The dimensions of one item, left out (alpha is undefined for one item).
    """

    table: pd.DataFrame
    item_total: pd.DataFrame
    low: pd.DataFrame
    threshold: float
    missing: str
    problems: dict
    single: tuple = ()


def reliability(survey: Survey, *, missing: str | None = None,
                threshold: float = LOW_ALPHA) -> Reliability:
    """Cronbach's alpha with its interval, omega total, and item-total statistics.

    A dimension of one item is left out (``single``): alpha measures how a dimension's
    items agree, and one item has nothing to agree with."""
    missing = _or(missing, _settings(survey).missing)
    data = _data(survey)
    instrument = survey.instrument
    single = single_item_dimensions(survey)
    problems = {}
    rows, totals = [], []
    for dim in [d for d in instrument.dimension_ids if d not in single]:
        members = instrument.items_of(dim)
        a = cronbach_alpha(data[members], missing=missing)
        omega = section(problems, f"omega:{dim}",
                        lambda m=members: omega_total(data[m], missing=missing)) \
            if len(members) >= 3 else np.nan
        rows.append({"dimension": dim, "k": len(members), "alpha": a.alpha,
                     "std_alpha": a.std_alpha, "alpha_ci_low": a.ci_low,
                     "alpha_ci_high": a.ci_high, "omega_total": omega, "n": a.n})
        if len(members) >= 2:
            totals.append(item_total(data[members], missing=missing).assign(dimension=dim))
    table = pd.DataFrame(rows, columns=["dimension", "k", "alpha", "std_alpha", "alpha_ci_low",
                                        "alpha_ci_high", "omega_total", "n"])
    columns = ["dimension", "item", "item_rest", "alpha_if_deleted"]
    items = (pd.concat(totals, ignore_index=True)[columns] if totals
             else pd.DataFrame(columns=columns))
    return Reliability(table, items, table[table["alpha"] < threshold], threshold, missing,
                       problems, tuple(single))


# -- confirmatory factor analysis and validity ----------------------------------------------

CLOSE_FIT, POOR_FIT = 0.05, 0.10  # RMSEA of close and of poor fit (MacCallum et al. 1996)


def cfa_verdict(fit: dict) -> str:
    """The fit of a CFA model in one word, with its uncertainty.

    ``untestable`` when the model has no degrees of freedom (it reproduces the data
    exactly, so its fit says nothing); ``undetermined`` when the RMSEA's 90% interval
    reaches from close fit (≤ .05) to poor fit (≥ .10), so that the data cannot
    decide (typically with few complete responses); otherwise ``good`` (CFI ≥ .95,
    RMSEA ≤ .06, SRMR ≤ .08), ``acceptable`` (≥ .90, ≤ .08, ≤ .10) or ``poor``
    (Hu & Bentler 1999).

    References: MacCallum, R. C., Browne, M. W., & Sugawara, H. M. (1996). Power
    analysis and determination of sample size for covariance structure modeling.
    Psychological Methods, 1(2), 130-149.
    """
    if not fit["df"] > 0 or not np.isfinite(fit["rmsea"]):
        return "untestable"
    if fit["rmsea_ci_low"] <= CLOSE_FIT and fit["rmsea_ci_high"] >= POOR_FIT:
        return "undetermined"
    if fit["cfi"] >= 0.95 and fit["rmsea"] <= 0.06 and fit["srmr"] <= 0.08:
        return "good"
    if fit["cfi"] >= 0.90 and fit["rmsea"] <= 0.08 and fit["srmr"] <= 0.10:
        return "acceptable"
    return "poor"


@dataclass(frozen=True)
class CFA:
    """The instrument's model fitted by CFA, with convergent and discriminant validity.

    Attributes
    ----------
    result : CFAResult or None
    fit : DataFrame or None
        ``measure, value, cutoff, met``: each fit index beside its conventional cut-off
        (``met`` None where there is none).
    verdict : str or None
        :func:`cfa_verdict`.
    validity : DataFrame or None
        :func:`~sqmreport.stats.validity.validity_table`.
    fornell_larcker, htmt : DataFrame or None
    problem : Degenerate or None
    heywood : Degenerate or None
    improper : DataFrame or None
        The signs that the solution is improper (``result.improper``,
        :func:`~sqmreport.stats.cfa.improper_solution`); no rows when it is proper.
    """

    result: CFAResult | None
    fit: pd.DataFrame | None
    verdict: str | None
    validity: pd.DataFrame | None
    fornell_larcker: pd.DataFrame | None
    htmt: pd.DataFrame | None
    problem: Degenerate | None
    heywood: Degenerate | None
    improper: pd.DataFrame | None = None
    single: tuple = ()


def cfa(survey: Survey) -> CFA:
    """Fit the instrument's dimensions as a CFA model (ML, as lavaan) and judge its fit.

    A dimension of one item is left out of the model (``single``): a factor with one
    indicator is identified only by fixing its error variance to an assumed reliability,
    which the data cannot check; its item is then the dimension's score as measured.
    """
    data = _data(survey)
    instrument = survey.instrument
    single = tuple(single_item_dimensions(survey))
    model = {d: instrument.items_of(d) for d in instrument.dimension_ids if d not in single}
    problems = {}
    if not model:
        problem = Degenerate("cfa_single_items", "every dimension has one item: a CFA needs "
                             "at least two items per factor")
        return CFA(None, None, None, None, None, None, problem, None, None, single)
    if len(model) == 1 and len(next(iter(model.values()))) < 3:
        problem = Degenerate("cfa_two_items", "one factor of two items is not identified")
        return CFA(None, None, None, None, None, None, problem, None, None, single)
    result = section(problems, "cfa", lambda: fit_cfa(data, model))
    if result is None:
        return CFA(None, None, None, None, None, None, problems.get("cfa"), None, None, single)
    f = result.fit
    rows = []
    for key in ("chi2", "df", "p_value", "cfi", "tli", "rmsea", "rmsea_ci_low", "rmsea_ci_high",
                "srmr", "aic", "bic"):
        op, cut = FIT_CUTOFFS.get(key, ("", np.nan))
        met = (f[key] >= cut if op == ">=" else f[key] <= cut) if op else None
        shown = f"{op.replace('>=', '≥').replace('<=', '≤')} {cut:g}" if op else ""
        rows.append({"measure": key, "value": f[key], "cutoff": shown, "met": met})
    heywood = (Degenerate("heywood", "Heywood case", items=", ".join(result.heywood))
               if result.heywood else None)
    return CFA(result, pd.DataFrame(rows), cfa_verdict(f), validity_table(result, data),
               fornell_larcker(result), htmt(data, model), None, heywood, result.improper,
               single)


# -- the whole report ------------------------------------------------------------------

@dataclass(frozen=True)
class FactorReport:
    """What the factor-analysis report shows, with the study's options.

    Attributes
    ----------
    items : DataFrame
        The analysed ratings (respondents × items, reverse-keyed items already recoded).
    correlation : DataFrame or None
    kmo : KMOResult or None
    bartlett : BartlettResult or None
    parallel : DataFrame or None
    suggested : dict
    n_factors : int
    efa : EFAResult or None
    matching, flags : DataFrame or None
    pca : EFAResult or None
    reliability, item_total : DataFrame
    cfa : CFAResult or None
    validity, fornell_larcker, htmt : DataFrame or None
    problems : dict
        Section -> the :class:`~sqmreport._validation.Degenerate` that stopped it
        (``heywood`` and ``cfa_heywood`` flag Heywood cases).
    communalities : str
    quantile : float or None
        The parallel analysis' options (:class:`Factors`).
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
    communalities: str = "minres"
    quantile: float | None = None
    phi_flags: pd.DataFrame | None = None
    single: tuple = ()


def analyse(survey: Survey) -> FactorReport:
    """Every section of the factor-analysis report, with the study's options."""
    suit, count = suitability(survey), factors(survey)
    fitted = efa(survey, n_factors=count.n_factors)
    components = pca(survey, n_components=count.n_factors)
    alphas, model = reliability(survey), cfa(survey)
    problems = {name: problem for name, problem in (
        ("suitability", suit.problem), ("factors", count.problem), ("efa", fitted.problem),
        ("heywood", fitted.heywood), ("pca", components.problem), ("cfa", model.problem),
        ("cfa_heywood", model.heywood)) if problem is not None}
    problems.update(alphas.problems)
    return FactorReport(_data(survey), suit.correlation, suit.kmo, suit.bartlett, count.parallel,
                        count.suggested, count.n_factors, fitted.solution, fitted.matching,
                        fitted.flags, components.result, alphas.table, alphas.item_total,
                        model.result, model.validity, model.fornell_larcker, model.htmt, problems,
                        count.communalities, count.quantile, fitted.phi_flags, alphas.single)


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
