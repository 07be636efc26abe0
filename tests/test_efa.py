"""EFA and its suitability checks against R's psych (tests/reference/, made by reference.R).

Tolerances (issue 4): loadings, communalities, factor correlations and fit indices
within 1e-3 (χ² and BIC, in the thousands, also within 1e-6 relative: psych's
and factor_analyzer's optimisers stop a few 1e-4 apart); KMO and Bartlett within 1e-4.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import linear_sum_assignment

from sqmreport import InputError
from sqmreport.stats import efa

from .conftest import REPO

REF = REPO / "tests" / "reference"
BFI = pd.read_csv(REF / "bfi.csv")
R_METHOD = {"minres": "minres", "ml": "ml", "principal": "pa"}
CASES = [(m, r, "pairwise") for m in efa.METHODS for r in efa.ROTATIONS]
CASES += [("minres", r, "listwise") for r in efa.ROTATIONS]


def _reference(kind, method, rotation, missing):
    return REF / f"efa_{kind}_{R_METHOD[method]}_{rotation}_{missing}.csv"


def _match(ours: np.ndarray, theirs: np.ndarray):
    """Permutation and signs that carry our factors onto R's."""
    k = ours.shape[1]
    similarity = np.abs(np.corrcoef(ours.T, theirs.T)[:k, k:])
    rows, cols = linear_sum_assignment(-similarity)
    order = rows[np.argsort(cols)]
    signs = np.sign((ours[:, order] * theirs).sum(axis=0))
    return order, signs


@pytest.fixture(scope="module")
def results():
    return {case: efa.fit_efa(BFI, 5, method=case[0], rotation=case[1], missing=case[2])
            for case in CASES}


@pytest.mark.parametrize("method, rotation, missing", CASES, ids=["-".join(c) for c in CASES])
def test_loadings_match_psych(results, method, rotation, missing):
    ours = results[method, rotation, missing]
    theirs = pd.read_csv(_reference("loadings", method, rotation, missing), index_col=0)
    assert list(ours.loadings.index) == list(theirs.index)
    order, signs = _match(ours.loadings.to_numpy(), theirs.to_numpy())
    assert_allclose(ours.loadings.to_numpy()[:, order] * signs, theirs.to_numpy(), atol=1e-3)
    reference = pd.read_csv(_reference("communalities", method, rotation, missing))
    assert_allclose(ours.communalities.to_numpy(), reference["communality"], atol=1e-3)
    variance = pd.read_csv(_reference("variance", method, rotation, missing), index_col=0)
    assert_allclose(ours.variance["ss_loadings"].to_numpy()[order], variance.loc["SS loadings"], atol=1e-3)
    if rotation in ("oblimin", "promax"):
        phi = pd.read_csv(_reference("phi", method, rotation, missing), index_col=0).to_numpy()
        ours_phi = ours.phi.to_numpy()[np.ix_(order, order)] * np.outer(signs, signs)
        assert_allclose(ours_phi, phi, atol=1e-3)
    else:
        assert ours.phi is None


@pytest.mark.parametrize("method, rotation, missing", CASES, ids=["-".join(c) for c in CASES])
def test_fit_matches_psych(results, method, rotation, missing):
    fit = results[method, rotation, missing].fit
    reference = pd.read_csv(_reference("fit", method, rotation, missing)).iloc[0]
    for key in ("chi2", "df", "rmsea", "rmsea_ci_low", "rmsea_ci_high", "tli", "bic"):
        assert_allclose(fit[key], reference[key], atol=1e-3, rtol=1e-6, err_msg=key)
    assert results[method, rotation, missing].n_obs == reference["n"]


@pytest.mark.parametrize("missing", ["pairwise", "listwise"])
def test_kmo_matches_psych(missing):
    reference = pd.read_csv(REF / f"kmo_{missing}.csv").set_index("item")["msa"]
    result = efa.kmo(BFI, missing=missing)
    assert result.overall == pytest.approx(reference["overall"], abs=1e-4)
    assert_allclose(result.per_item[reference.index[1:]], reference.iloc[1:], atol=1e-4)


@pytest.mark.parametrize("missing", ["pairwise", "listwise"])
def test_bartlett_matches_psych(missing):
    reference = pd.read_csv(REF / f"bartlett_{missing}.csv").iloc[0]
    result = efa.bartlett(BFI, missing=missing)
    assert result.chi2 == pytest.approx(reference["chi2"], abs=1e-4)
    assert result.df == reference["df"] and result.n == reference["n"]


def test_velicer_map_matches_psych():
    reference = pd.read_csv(REF / "map.csv")
    assert_allclose(efa.velicer_map(BFI)["map"], reference["map"], atol=1e-10)


def test_signs_and_order_are_normalised(results):
    loadings = results["minres", "oblimin", "pairwise"].loadings
    largest = loadings.to_numpy()[np.abs(loadings.to_numpy()).argmax(axis=0), range(5)]
    assert (largest > 0).all()
    variance = results["minres", "oblimin", "pairwise"].variance["ss_loadings"]
    assert variance.is_monotonic_decreasing


def _five_factor_data(n=600, seed=1):
    rng = np.random.default_rng(seed)
    factors = rng.standard_normal((n, 5))
    items = {f"d{d}_{j}": 0.75 * factors[:, d] + 0.66 * rng.standard_normal(n)
             for d in range(5) for j in range(4)}
    return pd.DataFrame(items)


def test_parallel_analysis_is_seeded_and_finds_the_factors():
    data = _five_factor_data()
    a = efa.parallel_analysis(data, n_iter=20, seed=3)
    b = efa.parallel_analysis(data, n_iter=20, seed=3)
    pd.testing.assert_frame_equal(a, b)
    above = (a["observed_fa"] > a["simulated_fa"]).to_numpy()
    assert np.argmin(above) == 5  # the first five observed eigenvalues exceed chance


@pytest.mark.parametrize("data, message", [
    (pd.DataFrame({"a": [1, 2, 3, 4.0], "b": [2, 2, 2, 2.0], "c": [1, 3, 2, 4.0]}), "item b has no variance"),
    (pd.DataFrame({"a": [1, 2, 3, 4.0, 5, 6], "b": [2, 1, 4, 3.0, 6, 5], "c": [1, 3, 2, 4.0, 6, 5],
                   "d": [6, 5, 4, 3.0, 2, 1]}).assign(e=lambda f: f["a"] + f["b"]), "cannot be inverted|singular"),
    (pd.DataFrame({"a": [1, 2, 3, 4, 5.0], "b": [2, 4, 6, 8, 10.0], "c": [1, 3, 2, 5, 4.0]}),
     "items a and b are perfectly collinear"),
])
def test_degenerate_data_is_explained(data, message):
    with pytest.raises(InputError, match=message):
        efa.fit_efa(data, 1)


def test_too_many_factors():
    with pytest.raises(InputError, match="`n_factors` must be between 1 and 24 for 25 items"):
        efa.fit_efa(BFI, 25)


@pytest.mark.parametrize("rotation", ["none", "varimax"])
def test_pca_matches_psych_principal(rotation):
    ours = efa.pca(BFI, 5, rotation=rotation)
    theirs = pd.read_csv(REF / f"pca_loadings_{rotation}.csv", index_col=0)
    order, signs = _match(ours.loadings.to_numpy(), theirs.to_numpy())
    assert_allclose(ours.loadings.to_numpy()[:, order] * signs, theirs.to_numpy(), atol=1e-3)
    variance = pd.read_csv(REF / f"pca_variance_{rotation}.csv", index_col=0)
    assert_allclose(ours.variance["ss_loadings"].to_numpy()[order], variance.loc["SS loadings"], atol=1e-3)


def test_polychoric_correlations_match_psych():
    reference = pd.read_csv(REF / "polychoric_rho.csv", index_col=0)
    assert_allclose(efa.polychoric(BFI).to_numpy(), reference.to_numpy(), atol=1e-4)


def test_efa_on_polychoric_correlations_matches_psych():
    ours = efa.fit_efa(BFI, 5, correlation="polychoric")
    theirs = pd.read_csv(REF / "efa_loadings_polychoric.csv", index_col=0)
    order, signs = _match(ours.loadings.to_numpy(), theirs.to_numpy())
    assert_allclose(ours.loadings.to_numpy()[:, order] * signs, theirs.to_numpy(), atol=1e-3)


def test_bivariate_normal_cdf_is_exact():
    from scipy import stats

    rng = np.random.default_rng(0)
    points = np.vstack([rng.normal(size=(30, 2)), [[0, 0.7], [-0.3, 0], [0, 0]]])
    for rho in (-0.95, -0.4, 0.0, 0.3, 0.9):
        expected = stats.multivariate_normal([0, 0], [[1, rho], [rho, 1]]).cdf(points)
        assert_allclose(efa._bivariate_cdf(points[:, 0], points[:, 1], rho), expected, atol=1e-7)


def test_wishart_null_matches_simulated_data():
    rng = np.random.default_rng(1)
    n, p, draws = 300, 6, 3000
    direct = np.array([np.sort(np.linalg.eigvalsh(np.corrcoef(rng.standard_normal((n, p)), rowvar=False)))
                       for _ in range(draws)])
    shortcut = np.array([np.sort(np.linalg.eigvalsh(r))
                         for r in efa._null_correlations(n, p, draws, np.random.default_rng(2))])
    assert_allclose(shortcut.mean(axis=0), direct.mean(axis=0), atol=0.005)
    assert_allclose(np.quantile(shortcut, 0.95, axis=0), np.quantile(direct, 0.95, axis=0), atol=0.01)


# -- parallel analysis as psych's fa.parallel computes it ------------------------------------
# psych (R/fa.parallel.R, R/fa.R of 2.2.9): without SMC = TRUE the factor eigenvalues are
# fa(r, nfactors = 1, fm = "minres")$values, the eigenvalues of r with the communalities of
# the one-factor minres solution on its diagonal; with SMC = TRUE those of r with the squared
# multiple correlations on its diagonal.  Factors are counted against the simulated normal data.

def _bfi_r():
    return efa.correlation_matrix(BFI).matrix.to_numpy()


def test_one_factor_minres_communalities_match_an_independent_minres():
    from factor_analyzer import FactorAnalyzer

    r = _bfi_r()
    other = FactorAnalyzer(n_factors=1, method="minres", rotation=None, is_corr_matrix=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        other.fit(r)
    assert_allclose(efa._one_factor_minres(r), other.get_communalities(), atol=1e-5)


@pytest.mark.parametrize("communalities", ["minres", "smc"])
def test_parallel_analysis_observed_factor_eigenvalues(communalities):
    r = _bfi_r()
    reduced = r.copy()
    diagonal = efa._one_factor_minres(r) if communalities == "minres" else 1 - 1 / np.diag(np.linalg.inv(r))
    np.fill_diagonal(reduced, diagonal)
    pa = efa.parallel_analysis(BFI, n_iter=10, communalities=communalities)
    assert_allclose(pa["observed_fa"], np.sort(np.linalg.eigvalsh(reduced))[::-1], atol=1e-12)
    assert pa["observed_fa"].sum() == pytest.approx(diagonal.sum())
    assert_allclose(pa["observed_pc"], np.sort(np.linalg.eigvalsh(r))[::-1], atol=1e-12)


def test_parallel_analysis_on_bfi_default_and_smc():
    """The default (one-factor communalities) suggests fewer factors than the SMC variant: 6 and 8 on
    bfi with this seed; 6 components."""
    default = efa.parallel_analysis(BFI, n_iter=20, seed=1)
    smc = efa.parallel_analysis(BFI, n_iter=20, seed=1, communalities="smc")

    def count(pa, column):
        return int((pa[f"observed_{column}"] > pa[f"simulated_{column}"]).cumprod().sum())

    assert (count(default, "fa"), count(default, "pc"), count(smc, "fa")) == (6, 6, 8)


def test_parallel_analysis_compares_with_the_mean_unless_a_quantile_is_given():
    data = _five_factor_data()
    mean = efa.parallel_analysis(data, n_iter=20, seed=3)
    upper = efa.parallel_analysis(data, n_iter=20, seed=3, quantile=0.95)
    assert (upper["simulated_fa"] > mean["simulated_fa"]).all()
    pd.testing.assert_series_equal(mean["observed_fa"], upper["observed_fa"])


@pytest.mark.parametrize("options, message", [
    ({"communalities": "pa"}, "`communalities` must be one of 'minres', 'smc', got 'pa'"),
    ({"quantile": 95}, "`quantile` must be between 0 and 1"),
])
def test_parallel_analysis_options_are_checked(options, message):
    with pytest.raises(InputError, match=message):
        efa.parallel_analysis(BFI, n_iter=2, **options)


def test_observed_factor_eigenvalues_match_psych():
    """psych's fa.parallel(x, fa = "fa")$fa.values, and with SMC = TRUE (written by reference.R)."""
    path = REF / "parallel_fa_values.csv"
    if not path.exists():
        pytest.skip("tests/reference/parallel_fa_values.csv not generated yet: run `make reference` (needs R)")
    reference = pd.read_csv(path)
    for communalities in ("minres", "smc"):
        ours = efa.parallel_analysis(BFI, n_iter=2, communalities=communalities)["observed_fa"]
        assert_allclose(ours, reference[communalities], atol=1e-4, err_msg=communalities)
