import pandas as pd
import pytest
from numpy.testing import assert_allclose

from sqmreport.stats.grey import grey_relational


@pytest.fixture
def table():
    return pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [4.0, 2.0, 3.0]}, index=["A", "B", "C"])


def test_grades_by_hand(table):
    # normalised x: 0, .5, 1; y: 1, 0, .5; Δ = 1 − norm; Δmin 0, Δmax 1; ξ = 0.5 / (Δ + 0.5)
    result = grey_relational(table)
    assert_allclose(result.coefficients.to_numpy(), [[1 / 3, 1], [0.5, 1 / 3], [1, 0.5]])
    grades = result.grades.set_index("alternative")
    assert_allclose(grades.loc[["A", "B", "C"], "grade"], [2 / 3, 5 / 12, 0.75])
    assert result.grades["alternative"].tolist() == ["C", "A", "B"]
    assert result.grades["rank"].tolist() == [1, 2, 3]


def test_cost_indicators_are_reversed(table):
    # y as a cost: normalised A 0, B 1, C .5
    result = grey_relational(table, cost=("y",))
    assert_allclose(result.coefficients["y"], [1 / 3, 1, 0.5])


def test_weights_and_rho(table):
    result = grey_relational(table, rho=1.0, weights={"x": 3, "y": 1})
    xi = 1 / (1 - pd.DataFrame({"x": [0, .5, 1], "y": [1, 0, .5]}, index=table.index) + 1)
    assert_allclose(result.grades.set_index("alternative").loc[["A", "B", "C"], "grade"],
                    0.75 * xi["x"] + 0.25 * xi["y"])


def test_a_constant_indicator_counts_as_best_everywhere():
    result = grey_relational(pd.DataFrame({"x": [1.0, 2.0], "y": [5.0, 5.0]}))
    assert_allclose(result.coefficients["y"], [1, 1])


def test_rho_out_of_range():
    with pytest.raises(ValueError, match="`rho` must be in"):
        grey_relational(pd.DataFrame({"x": [1.0, 2.0]}), rho=0)
