"""SERVQUAL gaps, weighting, zone of tolerance and difference-score reliability, by hand."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from sqmreport.stats.servqual import (
    difference_score_reliability,
    dimension_gaps,
    item_gaps,
    respondent_gaps,
    servqual_summary,
    zone_of_tolerance,
)

DIMS = {"1": "a", "2": "a", "3": "b"}


@pytest.fixture
def forms():
    e = pd.DataFrame({"1": [6, 7, 5, 6], "2": [5, 6, np.nan, 7], "3": [7, 7, 6, 5]}, dtype=float)
    p = pd.DataFrame({"1": [5, 7, 6, 4], "2": [5, 4, 3, 6], "3": [6, 5, 6, 6]}, dtype=float)
    return e, p


def test_respondent_gaps_use_items_answered_in_both_forms(forms):
    e, p = forms
    gaps = respondent_gaps(e, p, dimension_of=DIMS)
    # respondent 3: item 2 has no expectation, so dimension a is item 1 only: 6 - 5
    # item gaps: 1: -1, 0, 1, -2; 2: 0, -2, (none), -1; 3: -1, -2, 0, 1
    assert gaps["a"].tolist() == [-0.5, -1.0, 1.0, -1.5]
    assert gaps["b"].tolist() == [-1, -2, 0, 1]
    assert gaps["overall"].tolist() == pytest.approx([-2 / 3, -4 / 3, 0.5, -2 / 3])


def test_item_gap_interval_and_paired_tests_by_hand(forms):
    e, p = forms
    row = item_gaps(e, p, dimension_of=DIMS).set_index("item").loc["1"]
    d = np.array([-1, 0, 1, -2.0])
    se = d.std(ddof=1) / 2
    assert row["gap"] == pytest.approx(-0.5)
    assert row["gap_ci_low"] == pytest.approx(-0.5 - stats.t.ppf(0.975, 3) * se)
    assert row["t"] == pytest.approx(-0.5 / se)
    assert row["p_value"] == pytest.approx(2 * stats.t.sf(0.5 / se, 3))
    assert row["n"] == 4
    # Wilcoxon, zeros dropped: |d| = 1, 1, 2 -> ranks 1.5, 1.5, 3; V = 1.5 (the positive one)
    n = 3
    mean, var = n * (n + 1) / 4, n * (n + 1) * (2 * n + 1) / 24 - (2**3 - 2) / 48
    z = (abs(1.5 - mean) - 0.5) / np.sqrt(var)
    assert row["wilcoxon_p"] == pytest.approx(2 * stats.norm.sf(z))


def test_p_values_are_adjusted_across_items(forms):
    e, p = forms
    table = item_gaps(e, p, dimension_of=DIMS, p_adjust="bonferroni")
    assert_allclose(table["p_adjusted"], np.minimum(table["p_value"] * 3, 1))


def test_dimension_gaps_and_share_below(forms):
    e, p = forms
    table = dimension_gaps(e, p, dimension_of=DIMS).set_index("dimension")
    assert table.loc["a", "gap"] == pytest.approx(np.mean([-0.5, -1.0, 1.0, -1.5]))
    assert table.loc["a", "gap"] == pytest.approx(table.loc["a", "perception"] - table.loc["a", "expectation"])
    assert table.loc["a", "share_below"] == 0.75
    assert table.loc["b", "share_below"] == 0.5


def test_unweighted_and_weighted_servqual_by_hand(forms):
    e, p = forms
    points = pd.DataFrame({"a": [50, 100, 20, 0], "b": [50, 0, 80, 100]}, dtype=float)
    s = servqual_summary(e, p, dimension_of=DIMS, points=points)
    sq_a, sq_b = np.array([-0.5, -1.0, 1.0, -1.5]), np.array([-1, -2, 0, 1.0])
    assert s.unweighted == pytest.approx((sq_a.mean() + sq_b.mean()) / 2)
    wsq = [0.5 * -0.5 + 0.5 * -1, 1.0 * -1.0, 0.2 * 1 + 0.8 * 0, 0 * -1.5 + 1.0 * 1]
    assert s.weighted == pytest.approx(np.mean(wsq))
    assert s.weights_source == "respondents"
    assert s.share_below == 0.75  # mean gaps -2/3, -4/3, 0.5, -2/3
    assert s.servperf == pytest.approx(np.mean([np.mean([5, 5.5, 4.5, 5]), np.mean([6, 5, 6, 6])]))


def test_study_weights_apply_to_everyone(forms):
    e, p = forms
    s = servqual_summary(e, p, dimension_of=DIMS, weights={"a": 3, "b": 1})
    assert s.weighted == pytest.approx(0.75 * np.mean([-0.5, -1.0, 1, -1.5]) + 0.25 * np.mean([-1, -2, 0, 1]))
    assert s.weights_source == "study"


def test_zone_of_tolerance_by_hand():
    adequate = pd.DataFrame({"1": [4, 4.0], "2": [3, 5.0], "3": [2, 2.0]})
    desired = pd.DataFrame({"1": [6, 6.0], "2": [6, 6.0], "3": [4, 4.0]})
    perception = pd.DataFrame({"1": [5, 5.0], "2": [3, 3.0], "3": [5, 5.0]})
    table = zone_of_tolerance(adequate, desired, perception, dimension_of=DIMS).set_index("id")
    assert table.loc["1", ["msa", "mss", "zone"]].tolist() == [1, -1, "inside"]
    assert table.loc["2", ["msa", "mss", "zone"]].tolist() == [-1, -3, "below"]
    assert table.loc["3", ["msa", "mss", "zone"]].tolist() == [3, 1, "above"]
    # a dimension's level is the mean over respondents of their mean over its items
    assert table.loc["a", "msa"] == pytest.approx(np.mean([5, 3]) - np.mean([3.5, 4.5]))


def test_difference_score_reliability_formula():
    # Peter, Churchill & Brown (1993): equal variances and reliabilities
    r = difference_score_reliability(alpha_p=0.8, alpha_e=0.7, sd_p=2, sd_e=1, r_pe=0.4)
    assert r == pytest.approx((4 * 0.8 + 0.7 - 2 * 0.4 * 2) / (4 + 1 - 2 * 0.4 * 2))
    with pytest.raises(ValueError, match="no variance"):
        difference_score_reliability(alpha_p=0.8, alpha_e=0.8, sd_p=1, sd_e=1, r_pe=1)




def test_a_mean_just_above_the_desired_level_is_not_called_above_the_zone():
    from sqmreport.stats.servqual import zone_of_tolerance

    rng = np.random.default_rng(5)
    n = 60
    desired = pd.DataFrame({"1": rng.integers(5, 8, n), "2": rng.integers(5, 8, n)}).astype(float)
    adequate = desired - 2
    perception = desired.copy()
    perception.loc[0, "1"] += 1  # item 1: MSS = +1/60, far inside its margin of error
    perception["2"] = desired["2"] + 1  # item 2: one point above, every respondent
    table = zone_of_tolerance(adequate, desired, perception, dimension_of={"1": "d", "2": "d"})
    rows = table.set_index("id")
    assert rows.loc["1", "zone"] == "above" and rows.loc["1", "zones"] == "inside/above"
    assert rows.loc["2", "zones"] == "above"
    assert rows.loc["1", "mss_ci_low"] < 0 < rows.loc["1", "mss_ci_high"]
