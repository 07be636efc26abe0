"""Gaps 1-4, service levels and six sigma, by hand."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sqmreport.stats.gaps import gap_table, service_levels, sigma_level

DIMS = {"1": "a", "2": "a", "3": "b"}


def test_gap_table_sign_rule_and_dimension_rows():
    actual = pd.Series({"1": 5.0, "2": 6.0, "3": 4.0})
    reference = pd.Series({"1": 6.0, "2": 6.5, "3": 3.0})
    table = gap_table(actual, reference, dimension_of=DIMS).set_index(["level", "id"])
    assert table.loc[("item", "1"), "gap"] == -1  # actual − reference: a shortfall
    assert table.loc[("item", "3"), "gap"] == 1
    assert table.loc[("dimension", "a"), "gap"] == pytest.approx(5.5 - 6.25)


def test_items_missing_from_either_side_are_left_out():
    table = gap_table(pd.Series({"1": 5.0, "3": 4.0}), pd.Series({"1": 6.0, "2": 6.0, "3": np.nan}),
                      dimension_of=DIMS)
    assert table["id"].tolist() == ["1", "a"]


@pytest.mark.parametrize("dpmo, sigma", [(3.4, 6.0), (6210, 4.0), (66807, 3.0), (308538, 2.0)])
def test_sigma_levels_of_the_conventional_table(dpmo, sigma):
    got = sigma_level(dpmo, 1e6, opportunities=1)
    assert got.dpmo == pytest.approx(dpmo)
    assert got.sigma == pytest.approx(sigma, abs=0.005)


def test_dpmo_counts_opportunities():
    got = sigma_level(378, 121852, opportunities=5)
    assert got.dpmo == pytest.approx(378 / (121852 * 5) * 1e6)
    assert got.sigma == pytest.approx(stats.norm.ppf(1 - got.dpmo / 1e6) + 1.5)


@pytest.fixture
def records():
    return pd.DataFrame([
        {"dimension": "a", "indicator": "on time %", "direction": "higher", "kind": "on_time", "target": 95, "actual": 90},
        {"dimension": "a", "indicator": "on time %", "direction": "higher", "kind": "on_time", "target": 95, "actual": 96},
        {"dimension": "a", "indicator": "errors %", "direction": "lower", "kind": "error", "target": 1, "actual": 2},
        {"dimension": "a", "indicator": "errors %", "direction": "lower", "kind": "error", "target": 1, "actual": 1},
        {"dimension": "b", "indicator": "wait min", "direction": "lower", "kind": "", "target": 30, "actual": 24},
        {"dimension": "a", "indicator": "dispensing", "direction": "lower", "kind": "", "target": np.nan,
         "actual": np.nan, "units": 1000, "opportunities": 5, "defects": 10},
    ])


def test_service_levels_by_hand(records):
    result = service_levels(records)
    ind = result.indicators.set_index("indicator")
    assert ind.loc["on time %", "attainment"] == 0.5
    assert ind.loc["on time %", "gap"] == pytest.approx(np.mean([-5 / 95, 1 / 95]))
    assert ind.loc["errors %", "gap"] == pytest.approx(np.mean([-1.0, 0.0]))  # lower is better
    assert ind.loc["wait min", "gap"] == pytest.approx(0.2)  # 6 minutes better than 30
    dims = result.dimensions.set_index("dimension")
    assert dims.loc["a", "attainment"] == 0.5
    assert dims.loc["b", "gap"] == pytest.approx(0.2)
    assert result.sqi == pytest.approx(0.93 * (1 - 0.015))
    assert result.defects["dpmo"].iloc[0] == pytest.approx(2000)
