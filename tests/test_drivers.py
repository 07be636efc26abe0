import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from sqmreport.stats.drivers import crosshair, importance_performance, key_drivers, relative_weights


def _johnson_by_svd(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Johnson (2000) as published: orthogonalise X by its SVD, regress, transform back."""
    zx = (x - x.mean(0)) / x.std(0, ddof=1)
    zy = (y - y.mean()) / y.std(ddof=1)
    p, _, qt = np.linalg.svd(zx, full_matrices=False)
    z = p @ qt * np.sqrt(len(y) - 1)  # the orthonormal variables closest to X, standardised
    beta = np.linalg.lstsq(z, zy, rcond=None)[0]  # y on Z
    lam = np.linalg.lstsq(z, zx, rcond=None)[0]  # X on Z (Λ: Z rows, X columns)
    return (lam.T ** 2) @ (beta ** 2)


@pytest.fixture
def correlated():
    rng = np.random.default_rng(3)
    x = rng.multivariate_normal([0, 0, 0], [[1, .6, .3], [.6, 1, .5], [.3, .5, 1]], size=200)
    y = x @ [0.5, 0.2, 0.3] + rng.standard_normal(200)
    return pd.DataFrame(x, columns=["a", "b", "c"]), pd.Series(y)


def test_relative_weights_match_johnsons_svd_procedure(correlated):
    x, y = correlated
    assert_allclose(relative_weights(x, y), _johnson_by_svd(x.to_numpy(), y.to_numpy()), rtol=1e-10)


def test_relative_weights_sum_to_r_squared(correlated):
    x, y = correlated
    design = np.column_stack([np.ones(len(y)), x])
    fitted = design @ np.linalg.lstsq(design, y, rcond=None)[0]
    r2 = 1 - np.sum((y - fitted) ** 2) / np.sum((y - y.mean()) ** 2)
    assert relative_weights(x, y).sum() == pytest.approx(r2)


def test_relative_weights_of_uncorrelated_predictors_are_squared_correlations():
    x = pd.DataFrame({"a": [1, -1, 1, -1], "b": [1, 1, -1, -1]}, dtype=float)
    y = pd.Series([3.0, 1.0, 2.0, 0.5])
    assert_allclose(relative_weights(x, y), x.corrwith(y) ** 2)


def test_collinear_predictors_are_reported():
    x = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 4, 6, 8]})
    with pytest.raises(ValueError, match="drivers are perfectly collinear"):
        relative_weights(x, pd.Series([1.0, 3, 2, 4]))


def test_key_drivers_table(correlated):
    x, y = correlated
    result = key_drivers(x, y)
    table = result.table.set_index("driver")
    assert result.n == 200
    assert table["share"].sum() == pytest.approx(1)
    assert table.loc["a", "rank"] == 1
    r = np.corrcoef(x["a"], y)[0, 1]
    half = 1.959963984540054 / np.sqrt(197)
    assert table.loc["a", "r_ci_low"] == pytest.approx(np.tanh(np.arctanh(r) - half))


def test_quadrants_follow_martilla_and_james():
    imp = pd.Series({"i1": 6.5, "i2": 6.5, "i3": 5.0, "i4": 5.0})
    perf = pd.Series({"i1": 4.0, "i2": 6.0, "i3": 4.0, "i4": 6.0})
    table = importance_performance(imp, perf, importance_cut=5.75, performance_cut=5.0)
    assert table["quadrant"].tolist() == ["improve", "maintain", "low_priority", "overkill"]


def test_a_value_on_the_crosshair_counts_as_high():
    table = importance_performance(pd.Series({"i": 5.0}), pd.Series({"i": 5.0}),
                                   importance_cut=5.0, performance_cut=5.0)
    assert table["quadrant"].iloc[0] == "maintain"


@pytest.mark.parametrize("rule, expected", [("mean", 3.0), ("median", 2.0), ("midpoint", 4.0)])
def test_crosshair_rules(rule, expected):
    assert crosshair(pd.Series([1.0, 2.0, 6.0]), rule=rule, scale=(1, 7)) == expected


def test_midpoint_needs_a_scale():
    with pytest.raises(ValueError, match="midpoint cross-hair needs"):
        crosshair(pd.Series([1.0]), rule="midpoint")
