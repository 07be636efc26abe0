"""Exploratory factor analysis: suitability, how many factors, extraction and rotation.

The numbers are those of R's psych package: correlations are pairwise-complete
by default (``use = "pairwise"``), fit statistics follow ``psych::fa``, and the
tests compare every extraction × rotation with psych's output (tests/reference/).
Extraction by minres and ml uses factor_analyzer on the correlation matrix;
principal-axis extraction follows psych's iteration.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from sqmreport._validation import Degenerate, InputError, check_option
from sqmreport.stats._options import CORRELATIONS, MISSING, check_correlation, check_missing

__all__ = ["FACTORS_NEAR_ONE", "NEAR_SINGULAR", "BartlettResult", "COMMUNALITIES", "CORRELATIONS",
           "CorrelationResult", "EFAResult", "KMOResult", "METHODS", "MISSING", "ROTATIONS",
           "bartlett", "correlation_matrix", "factor_correlation_flags", "fit_efa", "kmo",
           "parallel_analysis", "pca", "polychoric", "velicer_map"]

METHODS = ("minres", "ml", "principal")
ROTATIONS = ("oblimin", "promax", "varimax", "none")
OBLIQUE = ("oblimin", "promax")
# Factor correlations at least this large say two factors are hardly distinct; a factor
# correlation matrix whose smallest eigenvalue is below NEAR_SINGULAR has (nearly) a
# factor that is a combination of the others.
FACTORS_NEAR_ONE = 0.95
NEAR_SINGULAR = 0.01


@dataclass(frozen=True)
class CorrelationResult:
    """The correlation matrix a factor analysis starts from.

    Attributes
    ----------
    matrix : DataFrame
        Items × items correlations, labelled by item.
    n_obs : int
        Observations psych would use: all rows with ``missing="pairwise"``, the
        complete rows with ``missing="listwise"``.
    """

    matrix: pd.DataFrame
    n_obs: int


def correlation_matrix(data: pd.DataFrame, *, missing: str = "pairwise",
                       correlation: str = "pearson") -> CorrelationResult:
    """Correlations of the items and the number of observations psych would use.

    Parameters
    ----------
    data : DataFrame
        Respondents × items.
    missing : {"pairwise", "listwise"}
        Pairwise-complete correlations with n = all rows (as psych does), or
        complete cases only.
    correlation : {"pearson", "polychoric"}
        Pearson correlations, or polychoric ones for ordinal (Likert) items
        (:func:`polychoric`).

    Returns
    -------
    CorrelationResult

    Raises
    ------
    InputError
        For an unknown ``missing`` or ``correlation``.
    Degenerate
        When an item has no variance, or a pair of items was never answered together.

    Notes
    -----
    Pearson: r_jl = s_jl / (s_j s_l) over the rows that answered both j and l.
    In R: ``cor(x, use = "pairwise")`` (or ``psych::polychoric(x)$rho``) and ``nrow(x)``.

    Examples
    --------
    >>> x = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 1, 4, 3], "c": [1, 3, 2, 4.0]})
    >>> r = correlation_matrix(x)
    >>> print(f"{r.matrix.loc['a', 'b']:.2f}", r.n_obs)
    0.60 4
    """
    check_missing(missing)
    check_correlation(correlation)
    frame = data.astype(float)
    if missing == "listwise":
        frame = frame.dropna()
    constant = [c for c in frame.columns if frame[c].nunique(dropna=True) < 2]
    if constant:
        raise Degenerate("no_variance", f"item {constant[0]} has no variance (every answer the "
                         "same or missing)", item=constant[0])
    r = frame.corr() if correlation == "pearson" else polychoric(frame)
    if r.isna().any().any():
        a, b = np.argwhere(r.isna().to_numpy())[0]
        raise Degenerate("never_together", f"items {r.index[a]} and {r.columns[b]} were never "
                         "answered together", a=r.index[a], b=r.columns[b])
    return CorrelationResult(r, len(frame))


def _bivariate_cdf(h: np.ndarray, k: np.ndarray, rho: float) -> np.ndarray:
    """Φ₂(h, k; ρ) for arrays of finite limits, through Owen's T function (Owen 1956).

    Φ₂ = ½[Φ(h) + Φ(k)] − T(h, a_h) − T(k, a_k) − ½·[hk < 0], with
    a_h = (k − ρh) / (h√(1 − ρ²)) and a_k = (h − ρk) / (k√(1 − ρ²)).  The formula
    needs h, k ≠ 0; Φ₂ is continuous, so an exact 0 is moved by 1e-15.
    """
    h = np.where(np.asarray(h, float) == 0, 1e-15, h)
    k = np.where(np.asarray(k, float) == 0, 1e-15, k)
    root = np.sqrt(1 - rho * rho)
    value = (0.5 * (special.ndtr(h) + special.ndtr(k))
             - special.owens_t(h, (k - rho * h) / (h * root))
             - special.owens_t(k, (h - rho * k) / (k * root)))
    return value - np.where(h * k < 0, 0.5, 0.0)


def _rectangles(rho: float, row_cuts: np.ndarray, col_cuts: np.ndarray) -> np.ndarray:
    """Probabilities of every cell of a bivariate table cut at the thresholds."""
    rows = np.concatenate([[-np.inf], row_cuts, [np.inf]])
    cols = np.concatenate([[-np.inf], col_cuts, [np.inf]])
    # Φ₂ on the grid, with its closed forms at ±∞.
    grid = np.zeros((len(rows), len(cols)))
    finite_r, finite_c = np.isfinite(rows), np.isfinite(cols)
    hh, kk = np.meshgrid(rows[finite_r], cols[finite_c], indexing="ij")
    inner = np.zeros(hh.shape)
    if hh.size:
        inner = _bivariate_cdf(hh, kk, rho)
    grid[np.ix_(finite_r, finite_c)] = inner
    grid[rows == np.inf, :] = special.ndtr(cols)
    grid[:, cols == np.inf] = special.ndtr(rows)[:, None]
    grid[rows == -np.inf, :] = 0
    grid[:, cols == -np.inf] = 0
    return np.diff(np.diff(grid, axis=0), axis=1)


def polychoric(data: pd.DataFrame) -> pd.DataFrame:
    """Polychoric correlations of ordinal items, as ``psych::polychoric`` estimates them.

    Parameters
    ----------
    data : DataFrame
        Respondents × items, whole-number answers (at most 8 categories); NaN for
        no answer.

    Returns
    -------
    DataFrame
        Items × items polychoric correlations.

    Raises
    ------
    InputError
        For no answers at all, answers that are not whole numbers, or more than 8
        answer categories.

    Notes
    -----
    Each item's thresholds come from its own answers (τ = Φ⁻¹ of the cumulative
    proportions, categories from the lowest to the highest value of all items);
    each pair's correlation ρ maximises the likelihood Σ_ab p_ab ln π_ab(ρ) of its
    bivariate table (pairwise-complete responses) with the thresholds held fixed,
    π_ab the bivariate-normal probability of cell (a, b).
    In R: ``psych::polychoric(x)$rho`` (global thresholds, the default).

    References
    ----------
    Olsson, U. (1979). Maximum likelihood estimation of the polychoric correlation
    coefficient. Psychometrika, 44(4), 443-460.

    Examples
    --------
    >>> x = pd.DataFrame({"a": [1, 2, 2, 3, 3, 3, 4, 4, 5, 5],
    ...                   "b": [1, 1, 2, 3, 2, 4, 4, 5, 4, 5]})
    >>> r = polychoric(x)
    >>> bool(r.loc["a", "b"] > x.corr().loc["a", "b"])
    True
    """
    x = data.to_numpy(dtype=float)
    if np.isnan(x).all():
        raise InputError("no answers to compute polychoric correlations from")
    low, high = np.nanmin(x), np.nanmax(x)
    if not np.allclose(x[~np.isnan(x)], np.round(x[~np.isnan(x)])):
        raise InputError("polychoric correlations need whole-number answers (ordinal items)")
    codes = np.where(np.isnan(x), -1, x - low).astype(int)
    levels = int(high - low) + 1
    if levels > 8:
        raise InputError(f"{levels} answer categories: polychoric correlations are meant for "
                         "ordinal items with a few categories; use Pearson correlations")
    p = x.shape[1]
    thresholds = []
    for j in range(p):
        answered = codes[:, j][codes[:, j] >= 0]
        freq = np.bincount(answered, minlength=levels) / len(answered)
        thresholds.append(special.ndtri(np.clip(np.cumsum(freq)[:-1], 0, 1)))
    rho = np.eye(p)
    for a in range(p):
        for b in range(a + 1, p):
            both = (codes[:, a] >= 0) & (codes[:, b] >= 0)
            table = np.zeros((levels, levels))
            np.add.at(table, (codes[both, a], codes[both, b]), 1)
            table /= table.sum()

            def objective(r, table=table, ta=thresholds[a], tb=thresholds[b]):
                cells = _rectangles(r, ta, tb)
                ok = (cells > 0) & (table > 0)
                return -np.sum(table[ok] * np.log(cells[ok]))

            best = optimize.minimize_scalar(objective, bounds=(-0.9999, 0.9999), method="bounded",
                                            options={"xatol": 1e-8})
            rho[a, b] = rho[b, a] = best.x
    return pd.DataFrame(rho, index=data.columns, columns=data.columns)


def check_positive_definite(r: pd.DataFrame) -> None:
    """Raise :class:`~sqmreport._validation.Degenerate` unless a correlation (or covariance)
    matrix can be inverted.

    Parameters
    ----------
    r : DataFrame
        A square correlation or covariance matrix, labelled by item.

    Raises
    ------
    Degenerate
        ``no_variance`` (an item's variance is 0 or missing), ``collinear`` (two
        items perfectly correlated, named) or ``singular``.

    Notes
    -----
    Singular when the smallest eigenvalue is below 10⁻¹⁰ times the largest.
    """
    diagonal = np.diag(r.to_numpy())
    if (diagonal <= 0).any() or np.isnan(diagonal).any():
        item = r.index[int(np.argmin(np.nan_to_num(diagonal, nan=-1)))]
        raise Degenerate("no_variance", f"item {item} has no variance (every answer the same or "
                         "missing)", item=item)
    eigenvalues = np.linalg.eigvalsh(r.to_numpy())
    if eigenvalues.min() > 1e-10 * max(eigenvalues.max(), 1):
        return
    d = np.sqrt(diagonal)
    values = np.abs(r.to_numpy() / np.outer(d, d)) - np.eye(len(r))
    i, j = np.unravel_index(np.argmax(values), values.shape)
    if values[i, j] > 1 - 1e-10:
        raise Degenerate("collinear", f"the correlation matrix is singular: items {r.index[i]} "
                         f"and {r.columns[j]} are perfectly collinear", a=r.index[i], b=r.columns[j])
    raise Degenerate("singular", "the correlation matrix is singular (more items than "
                     "respondents, or an item that is a sum of others)")


@dataclass(frozen=True)
class KMOResult:
    """Kaiser-Meyer-Olkin measure of sampling adequacy.

    Attributes
    ----------
    overall : float
        The overall MSA, 0-1 (Kaiser: ≥ 0.6 mediocre, ≥ 0.8 meritorious).
    per_item : Series
        MSA of each item, by item name.
    """

    overall: float
    per_item: pd.Series


def kmo(data: pd.DataFrame, *, missing: str = "pairwise", correlation: str = "pearson") -> KMOResult:
    """Kaiser-Meyer-Olkin measure of sampling adequacy, overall and per item.

    Parameters
    ----------
    data : DataFrame
        Respondents × items.
    missing : {"pairwise", "listwise"}
        Pairwise-complete correlations (n = all rows, as psych) or complete cases only.
    correlation : {"pearson", "polychoric"}
        The correlations analysed (:func:`correlation_matrix`).

    Returns
    -------
    KMOResult

    Raises
    ------
    InputError
        For an unknown ``missing`` or ``correlation``.
    Degenerate
        For an item without variance, two items never answered together, or a
        singular correlation matrix.

    Notes
    -----
    With Q the partial correlations (the anti-image, from R⁻¹ scaled to unit
    diagonal), off-diagonal: MSA = Σ r² / (Σ r² + Σ q²), per item over its column.
    In R: ``psych::KMO(x)``.

    References
    ----------
    Kaiser, H. F. (1970). A second generation little jiffy. Psychometrika, 35(4), 401-415.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(200, 2))
    >>> x = pd.DataFrame(f.repeat(3, axis=1) + rng.normal(size=(200, 6)),
    ...                  columns=["q1", "q2", "q3", "q4", "q5", "q6"])
    >>> round(kmo(x).overall, 2)
    0.66
    """
    r = correlation_matrix(data, missing=missing, correlation=correlation).matrix
    check_positive_definite(r)
    inv = np.linalg.inv(r.to_numpy())
    scale = 1 / np.sqrt(np.diag(inv))
    q = inv * np.outer(scale, scale)
    r2 = r.to_numpy() ** 2
    q2 = q**2
    np.fill_diagonal(r2, 0)
    np.fill_diagonal(q2, 0)
    per_item = r2.sum(axis=0) / (r2.sum(axis=0) + q2.sum(axis=0))
    return KMOResult(float(r2.sum() / (r2.sum() + q2.sum())),
                     pd.Series(per_item, index=r.columns, name="msa"))


@dataclass(frozen=True)
class BartlettResult:
    """Bartlett's test of sphericity: are the items correlated at all?

    Attributes
    ----------
    chi2 : float
        The test statistic.
    df : int
        p(p − 1)/2.
    p_value : float
        Upper tail of χ²(df).
    n : int
        Observations used.
    """

    chi2: float
    df: int
    p_value: float
    n: int


def bartlett(data: pd.DataFrame, *, missing: str = "pairwise",
             correlation: str = "pearson") -> BartlettResult:
    """Bartlett's test that the correlation matrix is an identity matrix.

    Parameters
    ----------
    data : DataFrame
        Respondents × items.
    missing : {"pairwise", "listwise"}
        Pairwise-complete correlations (n = all rows, as psych) or complete cases only.
    correlation : {"pearson", "polychoric"}
        The correlations analysed (:func:`correlation_matrix`).

    Returns
    -------
    BartlettResult

    Raises
    ------
    InputError
        For an unknown ``missing`` or ``correlation``.
    Degenerate
        For an item without variance, two items never answered together, or a
        singular correlation matrix.

    Notes
    -----
    χ² = −(n − 1 − (2p + 5)/6) · ln|R|, df = p(p − 1)/2.
    In R: ``psych::cortest.bartlett(cor(x, use = "pairwise"), n = nrow(x))``.

    References
    ----------
    Bartlett, M. S. (1951). The effect of standardization on a χ² approximation in
    factor analysis. Biometrika, 38(3/4), 337-344.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(200, 2))
    >>> x = pd.DataFrame(f.repeat(3, axis=1) + rng.normal(size=(200, 6)),
    ...                  columns=["q1", "q2", "q3", "q4", "q5", "q6"])
    >>> b = bartlett(x)
    >>> b.df, round(b.chi2, 1), b.n
    (15, 319.2, 200)
    """
    corr = correlation_matrix(data, missing=missing, correlation=correlation)
    r, n = corr.matrix, corr.n_obs
    p = r.shape[0]
    check_positive_definite(r)
    sign, logdet = np.linalg.slogdet(r.to_numpy())
    chi2 = -(n - 1 - (2 * p + 5) / 6) * logdet
    df = p * (p - 1) // 2
    return BartlettResult(float(chi2), df, float(stats.chi2.sf(chi2, df)), n)


def velicer_map(data: pd.DataFrame, *, missing: str = "pairwise", max_factors: int = 8,
                correlation: str = "pearson") -> pd.DataFrame:
    """Velicer's minimum average partial (MAP) criterion for 1 … ``max_factors`` components.

    Parameters
    ----------
    data : DataFrame
        Respondents × items.
    missing : {"pairwise", "listwise"}
        Pairwise-complete correlations or complete cases only.
    max_factors : int
        The largest number of components tried (at most p − 1).
    correlation : {"pearson", "polychoric"}
        The correlations analysed (:func:`correlation_matrix`).

    Returns
    -------
    DataFrame
        ``factors, map``: the mean squared partial correlation after removing that
        many principal components; the recommended number minimises it.

    Raises
    ------
    InputError
        For an unknown ``missing`` or ``correlation``.
    Degenerate
        For an item without variance, two items never answered together, or a
        singular correlation matrix.

    Notes
    -----
    With C_m = R − A_m A_mᵀ (A_m the first m component loadings) and
    R*_m = D^(−½) C_m D^(−½), D = diag(C_m): MAP_m = Σ_{j≠l} (r*_jl)² / (p(p − 1)).
    In R: ``psych::VSS(x, n = 8)$map``.

    References
    ----------
    Velicer, W. F. (1976). Determining the number of components from the matrix of
    partial correlations. Psychometrika, 41(3), 321-327.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(200, 2))
    >>> x = pd.DataFrame(f.repeat(3, axis=1) + rng.normal(size=(200, 6)),
    ...                  columns=["q1", "q2", "q3", "q4", "q5", "q6"])
    >>> m = velicer_map(x, max_factors=3)
    >>> int(m.loc[m["map"].idxmin(), "factors"])
    2
    """
    r = correlation_matrix(data, missing=missing, correlation=correlation).matrix
    check_positive_definite(r)
    x = r.to_numpy()
    p = x.shape[0]
    values, vectors = np.linalg.eigh(x)
    order = np.argsort(values)[::-1]
    components = vectors[:, order] * np.sqrt(np.clip(values[order], 0, None))
    rows = []
    for m in range(1, min(max_factors, p - 1) + 1):
        partial = x - components[:, :m] @ components[:, :m].T
        d = 1 / np.sqrt(np.diag(partial))
        star = partial * np.outer(d, d)
        np.fill_diagonal(star, 0)
        rows.append({"factors": m, "map": float((star**2).sum() / (p * (p - 1)))})
    return pd.DataFrame(rows)


def _null_correlations(n: int, p: int, n_iter: int, rng):
    """Correlation matrices of ``n_iter`` samples of n independent normal observations of p items.

    The scatter matrix of n normal observations about their mean is Wishart(n − 1, I),
    so drawing it directly gives exactly the same correlation matrices as simulating
    the data, at O(p³) instead of O(n p²) each: a million respondents cost nothing.
    """
    if n - 1 < p:  # the Wishart needs n − 1 ≥ p: simulate the data instead
        for _ in range(n_iter):
            yield np.corrcoef(rng.standard_normal((n, p)), rowvar=False)
        return
    from scipy.stats import wishart

    draws = wishart.rvs(df=n - 1, scale=np.eye(p), size=n_iter, random_state=rng)
    for w in np.reshape(draws, (n_iter, p, p)):
        d = 1 / np.sqrt(np.diag(w))
        yield w * np.outer(d, d)


def _smc(r: np.ndarray) -> np.ndarray:
    """Squared multiple correlations: 1 − 1/diag(R⁻¹)."""
    return 1 - 1 / np.diag(np.linalg.inv(r))


COMMUNALITIES = ("minres", "smc")


def _one_factor_minres(r: np.ndarray) -> np.ndarray:
    """Communalities of psych's one-factor minres solution, ``fa(r, nfactors = 1)``.

    As psych's ``fit``: the uniquenesses ψ start at 1 − SMC and minimise the squared
    off-diagonal residuals of the first principal factor of R − diag(ψ) (L-BFGS-B,
    0.005 ≤ ψ ≤ max(SMC, 1), ``parscale`` 0.01, R's default tolerance and 100
    iterations); the communalities are the squared loadings of that factor.
    """
    p = r.shape[0]
    smc = _smc(r)
    lower = np.tril_indices(p, -1)
    scale = 0.01  # psych's parscale

    def factor(psi):
        s = r.copy()
        np.fill_diagonal(s, np.diag(r) - psi)
        values, vectors = np.linalg.eigh(s)
        return vectors[:, -1] * np.sqrt(max(values[-1], 0.0)), s

    def objective(x):
        load, s = factor(x * scale)
        model = np.outer(load, load)
        gradient = np.diag(model - s)  # psych's FAgr.minres: diag(ΛΛᵀ + diag(ψ) − R)
        return float(np.sum((s - model)[lower] ** 2)), gradient * scale

    start = (np.diag(r) - smc) / scale
    upper = max(smc.max(), 1.0) / scale
    with np.errstate(invalid="ignore"):
        result = optimize.minimize(objective, start, jac=True, method="L-BFGS-B",
                                   bounds=[(0.005 / scale, upper)] * p,
                                   options={"ftol": 1e7 * np.finfo(float).eps, "gtol": 0.0,
                                            "maxiter": 100})
    load, _ = factor(result.x * scale)
    return load ** 2


def _factor_eigenvalues(r: np.ndarray, communalities: str) -> np.ndarray:
    """Eigenvalues of R with communalities on its diagonal, largest first."""
    reduced = r.copy()
    np.fill_diagonal(reduced, _smc(r) if communalities == "smc" else _one_factor_minres(r))
    return np.sort(np.linalg.eigvalsh(reduced))[::-1]


def parallel_analysis(data: pd.DataFrame, *, n_iter: int = 50, seed: int = 20240101,
                      missing: str = "pairwise", quantile: float | None = None,
                      correlation: str = "pearson", communalities: str = "minres") -> pd.DataFrame:
    """Horn's parallel analysis for components and factors, with a seeded generator.

    Parameters
    ----------
    data : DataFrame
        Respondents × items.
    n_iter : int
        Random data sets simulated.
    seed : int
        Seed of the generator (the same seed gives the same result).
    missing : {"pairwise", "listwise"}
        Pairwise-complete correlations or complete cases only.
    quantile : float, optional
        The quantile of the simulated eigenvalues compared with the observed ones
        (0.95 is a common, more conservative choice); None: their mean, as psych
        does unless ``quant`` is given.
    correlation : {"pearson", "polychoric"}
        The correlations analysed (:func:`correlation_matrix`).
    communalities : {"minres", "smc"}
        What the factor eigenvalues put on the diagonal of the correlation matrix:
        ``"minres"`` the communalities of a one-factor minres solution (psych's
        default, ``SMC = FALSE``), ``"smc"`` the squared multiple correlations
        (psych's ``SMC = TRUE``, which tends to suggest more factors).

    Returns
    -------
    DataFrame
        One row per position: ``factor, observed_pc, simulated_pc, observed_fa,
        simulated_fa`` (the mean, or the ``quantile``, of the simulated values).  The number to
        retain is the count of leading observed values above the simulated ones.

    Raises
    ------
    InputError
        For an unknown ``missing``, ``correlation`` or ``communalities``.
    Degenerate
        For an item without variance, two items never answered together, or a
        singular correlation matrix.

    Notes
    -----
    Correlation matrices of ``n_iter`` random normal data sets of the same size
    (drawn as Wishart matrices, which is exact and independent of n) are the chance
    baseline, also for polychoric data.  Components: the eigenvalues of the
    correlation matrix.  Factors: the eigenvalues of the correlation matrix with
    the communalities of ``fa(r, nfactors = 1, fm = "minres")`` on its diagonal
    (``communalities="minres"``), or with the squared multiple correlations
    1 − 1/diag(R⁻¹) (``"smc"``), for the observed and each simulated matrix alike.
    In R: ``psych::fa.parallel(x, fa = "fa", n.iter = 50)`` (its defaults: ``fm =
    "minres"``, ``nfactors = 1``, ``SMC = FALSE``, the mean of the simulations),
    ``quant = 0.95`` for ``quantile=0.95``, ``SMC = TRUE`` for ``"smc"``.  psych
    also resamples the data, but counts factors against the simulated normal data,
    as here; the simulations differ, so the simulated values agree with psych's
    only up to simulation error, the observed ones exactly.

    References
    ----------
    Horn, J. L. (1965). A rationale and test for the number of factors in factor
    analysis. Psychometrika, 30(2), 179-185.  Revelle, W. psych: Procedures for
    Psychological, Psychometric, and Personality Research (``fa.parallel``).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(200, 2))
    >>> x = pd.DataFrame(f.repeat(3, axis=1) + rng.normal(size=(200, 6)),
    ...                  columns=["q1", "q2", "q3", "q4", "q5", "q6"])
    >>> pa = parallel_analysis(x, n_iter=20)
    >>> int((pa["observed_fa"] > pa["simulated_fa"]).cumprod().sum())
    2
    """
    check_option("communalities", communalities, COMMUNALITIES)
    if quantile is not None and not 0 < quantile < 1:
        raise InputError(f"`quantile` must be between 0 and 1 (exclusive) or None, got {quantile!r}")
    corr = correlation_matrix(data, missing=missing, correlation=correlation)
    r, n = corr.matrix, corr.n_obs
    check_positive_definite(r)
    x = r.to_numpy()
    p = x.shape[0]
    observed_pc = np.sort(np.linalg.eigvalsh(x))[::-1]
    observed_fa = _factor_eigenvalues(x, communalities)
    rng = np.random.default_rng(seed)
    sim_pc, sim_fa = np.empty((n_iter, p)), np.empty((n_iter, p))
    for i, rz in enumerate(_null_correlations(n, p, n_iter, rng)):
        sim_pc[i] = np.sort(np.linalg.eigvalsh(rz))[::-1]
        sim_fa[i] = _factor_eigenvalues(rz, communalities)
    def summary(values):
        return values.mean(axis=0) if quantile is None else np.quantile(values, quantile, axis=0)

    return pd.DataFrame({"factor": np.arange(1, p + 1), "observed_pc": observed_pc,
                         "simulated_pc": summary(sim_pc), "observed_fa": observed_fa,
                         "simulated_fa": summary(sim_fa)})


@dataclass(frozen=True)
class EFAResult:
    """An exploratory factor analysis.

    Attributes
    ----------
    loadings : DataFrame
        Items × factors (``F1`` …), pattern loadings after rotation; factors ordered
        by variance explained, each signed so that its largest loading is positive.
    communalities : Series
        h² of each item (with the factor correlations for oblique rotations).
    uniquenesses : Series
        1 − h².
    variance : DataFrame
        Per factor: ``factor, ss_loadings, proportion, cumulative``.
    phi : DataFrame or None
        Factor correlations (oblique rotations); None when orthogonal.
    fit : dict
        ``chi2, df, p_value, rmsea, rmsea_ci_low, rmsea_ci_high`` (90%), ``tli, bic``,
        as ``psych::fa`` reports them.
    n_obs : int
        Observations (see :func:`correlation_matrix`).
    method, rotation, missing : str
        The options the solution was computed with (``method`` ``"pca"`` for :func:`pca`).
    heywood : list of str
        Items with a communality of 1 or more (a Heywood case).
    """

    loadings: pd.DataFrame
    communalities: pd.Series
    uniquenesses: pd.Series
    variance: pd.DataFrame
    phi: pd.DataFrame | None
    fit: dict
    n_obs: int
    method: str
    rotation: str
    missing: str
    heywood: list


def fit_efa(data: pd.DataFrame, n_factors: int, *, method: str = "minres",
            rotation: str = "oblimin", missing: str = "pairwise", correlation: str = "pearson") -> EFAResult:
    """Extract and rotate ``n_factors`` factors, as ``psych::fa`` does.

    Parameters
    ----------
    data : DataFrame
        Respondents × items (NaN for missing).
    n_factors : int
        Factors to extract, 1 … p − 1.
    method : {"minres", "ml", "principal"}
        Extraction: minimum residual, maximum likelihood, or principal axis (psych's
        ``fm = "pa"``: squared multiple correlations as starting communalities,
        iterated until their sum changes by less than 0.001, at most 50 times).
    rotation : {"oblimin", "promax", "varimax", "none"}
        Oblique (oblimin, promax: factor correlations in ``phi``) or orthogonal.
    missing : {"pairwise", "listwise"}
        Pairwise-complete correlations (n = all rows, as psych) or complete cases only.
    correlation : {"pearson", "polychoric"}
        The correlations analysed (psych's ``cor = "cor" | "poly"``).

    Returns
    -------
    EFAResult

    Raises
    ------
    InputError
        For too many factors for the items, or an unknown method, rotation,
        ``missing`` or ``correlation``.
    Degenerate
        For an item without variance or a singular correlation matrix.

    Notes
    -----
    In R: ``psych::fa(x, nfactors, fm = "minres" | "ml" | "pa", rotate = rotation)``.
    Fit: with the model M = Λ Φ Λᵀ (unit diagonal), F = tr(M⁻¹R) − ln|M⁻¹R| − p,
    χ² = F · (n − 1 − (2p + 5)/6 − 2k/3), df = p(p − 1)/2 − pk + k(k − 1)/2,
    RMSEA = √max(χ²/(df·n) − 1/(n − 1), 0) with a 90% interval from the
    noncentral χ², TLI from the null model, BIC = χ² − df · ln n.

    References
    ----------
    Revelle, W. psych: Procedures for Psychological, Psychometric, and Personality
    Research (``fa``).  Harman, H. H., & Jones, W. H. (1966). Factor analysis by
    minimizing residuals (minres). Psychometrika, 31(3), 351-368.  Tucker, L. R., &
    Lewis, C. (1973). A reliability coefficient for maximum likelihood factor
    analysis. Psychometrika, 38(1), 1-10.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(200, 2))
    >>> x = pd.DataFrame(f.repeat(3, axis=1) + rng.normal(size=(200, 6)),
    ...                  columns=["q1", "q2", "q3", "q4", "q5", "q6"])
    >>> efa = fit_efa(x, 2, rotation="varimax")
    >>> efa.loadings.abs().idxmax(axis=1).tolist()
    ['F1', 'F1', 'F1', 'F2', 'F2', 'F2']
    >>> efa.fit["df"]
    4.0
    """
    check_option("method", method, METHODS)
    check_option("rotation", rotation, ROTATIONS)
    corr = correlation_matrix(data, missing=missing, correlation=correlation)
    r, n = corr.matrix, corr.n_obs
    p = r.shape[0]
    if not 1 <= n_factors < p:
        raise InputError(f"`n_factors` must be between 1 and {p - 1} for {p} items, got {n_factors}")
    check_positive_definite(r)
    x = r.to_numpy()
    unrotated = _principal_axis(x, n_factors) if method == "principal" else _extract(x, n_factors, method)
    loadings, phi = _rotate(unrotated, rotation)
    loadings, phi = _order_and_sign(loadings, phi)
    return _result(r, loadings, phi, n, method, rotation, missing,
                   fit=_fit_statistics(x, loadings, phi, n))


def pca(data: pd.DataFrame, n_components: int, *, rotation: str = "varimax",
        missing: str = "pairwise", correlation: str = "pearson") -> EFAResult:
    """Principal component analysis, as ``psych::principal``: an alternative extraction.

    Parameters
    ----------
    data : DataFrame
        Respondents × items.
    n_components : int
        Components to keep, 1 … p.
    rotation : {"oblimin", "promax", "varimax", "none"}
        Rotation of the kept components.
    missing : {"pairwise", "listwise"}
        Pairwise-complete correlations (n = all rows, as psych) or complete cases only.
    correlation : {"pearson", "polychoric"}
        The correlations analysed (:func:`correlation_matrix`).

    Returns
    -------
    EFAResult
        Its ``fit`` is empty (components are not a model of the correlations),
        ``method`` is ``"pca"`` and ``heywood`` empty.

    Raises
    ------
    InputError
        For an ``n_components`` outside 1 … p, or an unknown option.
    Degenerate
        For an item without variance.

    Notes
    -----
    Component loadings are the eigenvectors of the correlation matrix scaled by the
    square roots of their eigenvalues, A = V Λ^½, then rotated.
    In R: ``psych::principal(x, nfactors, rotate = rotation)``.

    References
    ----------
    Hotelling, H. (1933). Analysis of a complex of statistical variables into
    principal components. Journal of Educational Psychology, 24(6), 417-441.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(200, 2))
    >>> x = pd.DataFrame(f.repeat(3, axis=1) + rng.normal(size=(200, 6)),
    ...                  columns=["q1", "q2", "q3", "q4", "q5", "q6"])
    >>> pc = pca(x, 2)
    >>> pc.loadings.abs().idxmax(axis=1).tolist()
    ['F1', 'F1', 'F1', 'F2', 'F2', 'F2']
    """
    check_option("rotation", rotation, ROTATIONS)
    corr = correlation_matrix(data, missing=missing, correlation=correlation)
    r, n = corr.matrix, corr.n_obs
    p = r.shape[0]
    if not 1 <= n_components <= p:
        raise InputError(f"`n_components` must be between 1 and {p}, got {n_components}")
    values, vectors = np.linalg.eigh(r.to_numpy())
    order = np.argsort(values)[::-1][:n_components]
    loadings, phi = _rotate(vectors[:, order] * np.sqrt(values[order]), rotation)
    loadings, phi = _order_and_sign(loadings, phi)
    return _result(r, loadings, phi, n, "pca", rotation, missing, fit={})


def _result(r: pd.DataFrame, loadings: np.ndarray, phi, n: int, method: str, rotation: str,
            missing: str, fit: dict) -> EFAResult:
    k = loadings.shape[1]
    p = r.shape[0]
    names = [f"F{i + 1}" for i in range(k)]
    items = list(r.columns)
    weight = phi if phi is not None else np.eye(k)
    h2 = np.diag(loadings @ weight @ loadings.T)
    ss = np.diag(weight @ loadings.T @ loadings)
    variance = pd.DataFrame({"factor": names, "ss_loadings": ss, "proportion": ss / p,
                             "cumulative": np.cumsum(ss) / p})
    return EFAResult(
        loadings=pd.DataFrame(loadings, index=items, columns=names),
        communalities=pd.Series(h2, index=items, name="communality"),
        uniquenesses=pd.Series(1 - h2, index=items, name="uniqueness"),
        variance=variance,
        phi=pd.DataFrame(phi, index=names, columns=names) if phi is not None else None,
        fit=fit, n_obs=n, method=method, rotation=rotation, missing=missing,
        heywood=[i for i, h in zip(items, h2) if h >= 1 - 1e-6] if method != "pca" else [])


def _extract(r: np.ndarray, k: int, method: str) -> np.ndarray:
    from factor_analyzer import FactorAnalyzer

    fa = FactorAnalyzer(n_factors=k, method=method, rotation=None, is_corr_matrix=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # factor_analyzer warns on its own internals
        fa.fit(r)
    return np.asarray(fa.loadings_)


def _principal_axis(r: np.ndarray, k: int, *, min_err: float = 0.001, max_iter: int = 50) -> np.ndarray:
    """psych's ``fm = "pa"``: iterate the reduced matrix's eigen-decomposition."""
    reduced = r.copy()
    np.fill_diagonal(reduced, _smc(r))
    communality = np.trace(reduced)
    for _ in range(max_iter):
        values, vectors = np.linalg.eigh(reduced)
        order = np.argsort(values)[::-1][:k]
        loadings = vectors[:, order] * np.sqrt(values[order])
        new = (loadings**2).sum(axis=1)
        np.fill_diagonal(reduced, new)
        error, communality = abs(communality - new.sum()), new.sum()
        if error < min_err:
            break
    return loadings


def _rotate(loadings: np.ndarray, rotation: str):
    if rotation == "none" or loadings.shape[1] < 2:
        return loadings, None
    from factor_analyzer.rotator import Rotator

    rotator = Rotator(method=rotation)
    rotated = rotator.fit_transform(loadings)
    phi = rotator.phi_ if rotation in OBLIQUE else None
    return rotated, phi


def _order_and_sign(loadings: np.ndarray, phi):
    """Order factors by variance explained; make each factor's largest loading positive."""
    k = loadings.shape[1]
    ss = np.diag((phi if phi is not None else np.eye(k)) @ loadings.T @ loadings)
    order = np.argsort(-ss, kind="stable")
    loadings = loadings[:, order]
    largest = loadings[np.argmax(np.abs(loadings), axis=0), np.arange(k)]
    signs = np.where(largest < 0, -1.0, 1.0)
    loadings = loadings * signs
    if phi is not None:
        phi = phi[np.ix_(order, order)] * np.outer(signs, signs)
    return loadings, phi


def _fit_statistics(r: np.ndarray, loadings: np.ndarray, phi, n: int) -> dict:
    """Fit of the factor model as ``psych::fa.stats`` computes it."""
    p, k = loadings.shape
    model = loadings @ (phi if phi is not None else np.eye(k)) @ loadings.T
    np.fill_diagonal(model, np.diag(r))
    m_inv_r = np.linalg.solve(model, r)
    objective = np.trace(m_inv_r) - np.linalg.slogdet(m_inv_r)[1] - p
    df = p * (p - 1) / 2 - p * k + k * (k - 1) / 2
    factor = (n - 1) - (2 * p + 5) / 6 - (2 * k) / 3
    chi2 = float(max(objective * factor, 0.0))
    null = np.trace(r) - np.linalg.slogdet(r)[1] - p
    m0 = null * 2 / (p * (p - 1))
    tli = float((m0 - objective / df) / (m0 - 1 / factor)) if df > 0 else np.nan
    out = {"chi2": chi2, "df": df, "p_value": np.nan, "rmsea": np.nan, "rmsea_ci_low": np.nan,
           "rmsea_ci_high": np.nan, "tli": tli, "bic": np.nan}
    if df > 0:
        low, high = _rmsea_interval(chi2, df, n)
        out.update(p_value=float(stats.chi2.sf(chi2, df)),
                   rmsea=float(np.sqrt(max(chi2 / (df * n) - 1 / (n - 1), 0))),
                   rmsea_ci_low=low, rmsea_ci_high=high, bic=float(chi2 - df * np.log(n)))
    return out


def _rmsea_interval(chi2: float, df: float, n: int, level: float = 0.90) -> tuple[float, float]:
    """psych's RMSEA interval: the noncentrality whose χ² quantile is the statistic."""
    tail = (1 - level) / 2
    upper_bound = max(n, chi2) + 2 * n

    def ncp_at(target: float) -> float:
        def f(ncp):
            return stats.ncx2.cdf(chi2, df, ncp) - target if ncp > 0 else stats.chi2.cdf(chi2, df) - target
        return optimize.brentq(f, 0, upper_bound, xtol=1e-10)

    high = np.sqrt(ncp_at(tail) / (n - 1) / df) if stats.chi2.cdf(chi2, df) > tail else 0.0
    low = np.sqrt(ncp_at(1 - tail) / (n - 1) / df) if stats.chi2.cdf(chi2, df) > 1 - tail else 0.0
    return float(low), float(high)


def factor_correlation_flags(phi: pd.DataFrame | None, *, near_one: float = FACTORS_NEAR_ONE,
                             near_singular: float = NEAR_SINGULAR) -> pd.DataFrame:
    """Signs in an oblique solution's factor correlations that factors are not distinct.

    Parameters
    ----------
    phi : DataFrame or None
        Factors × factors correlations (None for an orthogonal rotation: no rows).
    near_one : float
        A pair whose correlation reaches this in absolute value is flagged.
    near_singular : float
        The matrix is flagged when its smallest eigenvalue is below this.

    Returns
    -------
    DataFrame
        ``check, name, other, value``: ``correlation_near_one`` per pair (``value`` r),
        then ``near_singular`` once (``value`` the smallest eigenvalue; no names).

    Notes
    -----
    An oblimin or promax rotation may return factors that correlate .95 or more: they
    measure the same thing, and a table at two decimals would show 1.00.  A smallest
    eigenvalue near 0 means some factor is (almost) a combination of the others, even when
    no single pair is near 1.

    Examples
    --------
    >>> phi = pd.DataFrame([[1, .9985, .3], [.9985, 1, .3], [.3, .3, 1]],
    ...                    index=["F1", "F2", "F3"], columns=["F1", "F2", "F3"])
    >>> factor_correlation_flags(phi).round(4)
                      check name other   value
    0  correlation_near_one   F1    F2  0.9985
    1         near_singular  NaN   NaN  0.0015
    """
    columns = ["check", "name", "other", "value"]
    if phi is None or len(phi) < 2:
        return pd.DataFrame(columns=columns)
    values = phi.to_numpy(dtype=float)
    names = list(phi.index)
    rows = [("correlation_near_one", names[i], names[j], values[i, j])
            for i in range(len(names)) for j in range(i + 1, len(names))
            if abs(values[i, j]) >= near_one]
    smallest = float(np.linalg.eigvalsh((values + values.T) / 2).min())
    if smallest < near_singular:
        rows.append(("near_singular", np.nan, np.nan, smallest))
    return pd.DataFrame(rows, columns=columns)
