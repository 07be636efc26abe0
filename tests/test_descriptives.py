import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from sqmreport.stats import descriptives as desc
from sqmreport.stats.descriptives import adjust_p


def test_response_rate_of_the_singapore_case():
    assert desc.response_rate(252, 300) == pytest.approx(0.84)


def test_describe_against_hand_computed_values():
    row = desc.describe(pd.DataFrame({"x": [1, 2, 3, 4, 5, np.nan]}), scale=(1, 5)).iloc[0]
    half = 2.7764451051977987 * np.sqrt(2.5) / np.sqrt(5)  # t(0.975, 4) · sd / √n
    assert row["n"] == 5
    assert_allclose([row["mean"], row["sd"], row["ci_low"], row["ci_high"]],
                    [3, np.sqrt(2.5), 3 - half, 3 + half])
    assert row["top_box"] == pytest.approx(0.4)  # 4 and 5 of five answers
    assert row["bottom_box"] == pytest.approx(0.4)  # 1 and 2


def test_top_box_on_a_seven_point_scale():
    row = desc.describe(pd.DataFrame({"x": [7, 6, 5, 1, 2, 3, 7]}), scale=(1, 7)).iloc[0]
    assert row["top_box"] == pytest.approx(3 / 7)
    assert row["bottom_box"] == pytest.approx(2 / 7)


def test_distribution_shares_per_scale_point():
    shares = desc.distribution(pd.DataFrame({"x": [1, 1, 3, np.nan]}), scale=(1, 3))
    assert shares.loc["x"].tolist() == pytest.approx([2 / 3, 0, 1 / 3])


def test_dimension_scores_average_the_items_answered():
    ratings = pd.DataFrame({"1": [1, np.nan, np.nan], "2": [3, 4, np.nan], "3": [5, 5, 5]})
    scores = desc.dimension_scores(ratings, dimension_of={"1": "d", "2": "d", "3": "e"})
    assert scores["d"].tolist()[:2] == [2, 4]
    assert np.isnan(scores["d"].iloc[2])
    assert scores["e"].tolist() == [5, 5, 5]


@pytest.fixture
def two_dimensions():
    # Respondent-level indices (equal weights, scale 1-5): 62.5, 50, 75.
    return pd.DataFrame({"a": [5, 3, 4], "b": [2, 3, 4]})


def test_csi_equal_weights_by_hand(two_dimensions):
    result = desc.csi(two_dimensions, scale=(1, 5))
    assert result.index == pytest.approx(62.5)  # (75 + 50) / 2
    se = 12.5 / np.sqrt(3)  # sd of (62.5, 50, 75) / √3
    assert result.se == pytest.approx(se)
    assert result.ci_low == pytest.approx(62.5 - 1.959963984540054 * se)
    assert result.components["score"].tolist() == pytest.approx([75, 50])


def test_csi_weights_are_normalised(two_dimensions):
    result = desc.csi(two_dimensions, scale=(1, 5), weights={"a": 3, "b": 1})
    assert result.index == pytest.approx(0.75 * 75 + 0.25 * 50)
    assert result.components["weight"].tolist() == pytest.approx([0.75, 0.25])


def test_csi_standard_error_with_missing_values_uses_pairwise_covariances():
    scores = pd.DataFrame({"a": [5, 3, 4, np.nan], "b": [2, 3, 4, 5]})
    result = desc.csi(scores, scale=(1, 5))
    # Var(x̄_a) = s²_a / 3, Var(x̄_b) = s²_b / 4, Cov = s_ab · 3 / (3 · 4) over the 3 pairs
    a, b = np.array([5, 3, 4.0]), np.array([2, 3, 4, 5.0])
    s_ab = np.sum((a - a.mean()) * (b[:3] - b.mean())) / 2
    var = 0.25 * (a.var(ddof=1) / 3 + b.var(ddof=1) / 4 + 2 * s_ab * 3 / 12) * 25**2
    assert result.se == pytest.approx(np.sqrt(var))


def test_nps_and_its_interval_by_hand():
    result = desc.nps(pd.Series([10, 9, 8, 7, 6, 0, 10, 9, 3, 5, np.nan]))
    assert result.n == 10
    assert (result.promoters, result.passives, result.detractors) == pytest.approx((0.4, 0.2, 0.4))
    assert result.nps == pytest.approx(0)
    se = 100 * np.sqrt((0.4 + 0.4 - 0**2) / 10)
    assert result.ci_high == pytest.approx(1.959963984540054 * se)


def test_nps_all_promoters_has_a_zero_width_interval():
    result = desc.nps(pd.Series([9, 10, 10]))
    assert (result.nps, result.ci_low, result.ci_high) == pytest.approx((100, 100, 100))


@pytest.mark.parametrize("method, expected", [
    ("holm", [0.03, 0.06, 0.06, 0.02]),        # p.adjust(p, "holm")
    ("bonferroni", [0.04, 0.16, 0.12, 0.02]),  # p.adjust(p, "bonferroni")
    ("bh", [0.02, 0.04, 0.04, 0.02]),          # p.adjust(p, "BH")
])
def test_p_adjustment_matches_r_p_adjust(method, expected):
    assert_allclose(adjust_p([0.01, 0.04, 0.03, 0.005], p_adjust=method), expected)
    assert np.isnan(adjust_p([np.nan, 0.2], p_adjust=method)[0])


def _welch_by_hand(groups):
    k = len(groups)
    n = np.array([len(g) for g in groups], float)
    means = np.array([np.mean(g) for g in groups])
    w = n / np.array([np.var(g, ddof=1) for g in groups])
    grand = np.sum(w * means) / w.sum()
    lam = np.sum((1 - w / w.sum()) ** 2 / (n - 1))
    f = (np.sum(w * (means - grand) ** 2) / (k - 1)) / (1 + 2 * (k - 2) / (k**2 - 1) * lam)
    return f, (k**2 - 1) / (3 * lam)


def test_welch_anova_matches_welchs_formula():
    g = {"x": [3, 4, 5, 4, 3, 5, 4], "y": [5, 6, 7, 6, 7, 6], "z": [2, 6, 4, 3, 5, 6, 2, 4]}
    scores = pd.DataFrame({"m": sum(g.values(), [])})
    segments = pd.DataFrame({"s": sum(([k] * len(v) for k, v in g.items()), [])})
    test = desc.compare_segments(scores, segments, min_size=5).tests.iloc[0]
    f, df2 = _welch_by_hand([np.array(v, float) for v in g.values()])
    assert test["statistic"] == pytest.approx(f)
    assert test["df1"] == 2
    assert test["df2"] == pytest.approx(df2)
    pooled = np.array(scores["m"], float)
    ss_between = sum(len(v) * (np.mean(v) - pooled.mean()) ** 2 for v in g.values())
    assert test["effect_size"] == pytest.approx(ss_between / np.sum((pooled - pooled.mean()) ** 2))


def test_kruskal_wallis_effect_size_is_h_over_n_minus_1():
    scores = pd.DataFrame({"m": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]})
    segments = pd.DataFrame({"s": ["a"] * 5 + ["b"] * 5})
    test = desc.compare_segments(scores, segments, min_size=5, test="kruskal").tests.iloc[0]
    # ranks are the values; H = 12/(n(n+1)) Σ R²/n_i − 3(n+1)
    h = 12 / (10 * 11) * (15**2 / 5 + 40**2 / 5) - 3 * 11
    assert test["statistic"] == pytest.approx(h)
    assert test["effect_size"] == pytest.approx(h / 9)


def test_small_groups_are_left_out_of_the_test_and_suppressed():
    scores = pd.DataFrame({"m": list(range(32)) + [1, 2]})
    segments = pd.DataFrame({"s": ["a"] * 10 + ["b"] * 10 + ["c"] * 12 + ["tiny"] * 2})
    result = desc.compare_segments(scores, segments, min_size=5)
    groups = result.groups.set_index("value")
    # "tiny" alone (2) could be recovered from the total, so the next smallest goes too.
    assert groups["suppressed"].to_dict() == {"a": True, "b": False, "c": False, "tiny": True}
    assert groups.loc[["a", "tiny"], ["n", "mean"]].isna().all().all()
    # Only the groups shown are tested: the test's n is theirs, nothing more.
    test = result.tests.iloc[0]
    assert test["groups"] == 2 and test["n"] == groups["n"].sum() == 22


def test_respondents_without_a_value_count_as_a_hidden_group():
    # 20 + 20 with a value and 1 without: the overall mean minus the two groups would give
    # that one person's answer, so one group is hidden with them.
    scores = pd.DataFrame({"m": [float(i) for i in range(41)]})
    segments = pd.DataFrame({"s": ["a"] * 20 + ["b"] * 20 + [None]})
    result = desc.compare_segments(scores, segments, min_size=5)
    assert result.groups["suppressed"].tolist() == [True, False]
    assert np.isnan(result.tests.iloc[0]["statistic"])
    profile = desc.segment_profile(segments, min_size=5)
    assert profile["suppressed"].tolist() == [True, False, True]


def test_a_cell_with_too_few_answers_is_hidden_with_its_complement():
    # Group b has 10 respondents, but only 2 answered m2: its m2 mean is hidden, and so is
    # one more m2 cell; m1 is shown for every group.
    scores = pd.DataFrame({"m1": np.arange(30.0), "m2": [1.0] * 10 + [2.0] * 2 + [None] * 8 + [3.0] * 10})
    segments = pd.DataFrame({"s": ["a"] * 10 + ["b"] * 10 + ["c"] * 10})
    hide = desc.hidden_cells(scores, segments["s"], min_size=5)
    assert hide["m1"].tolist() == [False, False, False]
    assert hide["m2"].tolist() == [True, True, False]


def test_unknown_test_is_rejected():
    with pytest.raises(ValueError, match="`test` must be one of 'welch', 'kruskal', got 'anova'"):
        desc.compare_segments(pd.DataFrame({"m": [1.0]}), pd.DataFrame({"s": ["a"]}), test="anova")


def test_segment_profile_suppresses_small_groups_and_keeps_missing():
    segments = pd.DataFrame({"s": ["a"] * 6 + ["b"] * 7 + ["c"] * 2 + [None]})
    profile = desc.segment_profile(segments, min_size=5).set_index("value", drop=False)
    assert profile.loc["b", "n"] == 7
    assert profile.loc["a", "suppressed"] and profile.loc["c", "suppressed"]
    assert profile["value"].isna().sum() == 1


# PlantGrowth (R's datasets): dried weight of plants under a control and two treatments.
PLANT_GROWTH = {"ctrl": [4.17, 5.58, 5.18, 6.11, 4.50, 4.61, 5.17, 4.53, 5.33, 5.14],
                "trt1": [4.81, 4.17, 4.41, 3.59, 5.87, 3.83, 6.03, 4.89, 4.32, 4.69],
                "trt2": [6.31, 5.12, 5.54, 5.50, 5.37, 5.29, 4.92, 6.15, 5.80, 5.26]}


def test_games_howell_is_welchs_t_with_the_studentized_range():
    from scipy import stats

    pairs = desc.pairwise(PLANT_GROWTH, test="welch").set_index(["group1", "group2"])
    for (a, b), row in pairs.iterrows():
        welch = stats.ttest_ind(PLANT_GROWTH[a], PLANT_GROWTH[b], equal_var=False)
        assert row["statistic"] == pytest.approx(welch.statistic, rel=1e-12)
        assert row["df"] == pytest.approx(welch.df, rel=1e-12)
        # p = P(q > √2 |t|) for the range of three means (R: ptukey(√2|t|, 3, df, lower = FALSE))
        assert row["p_adjusted"] == pytest.approx(
            stats.studentized_range.sf(np.sqrt(2) * abs(welch.statistic), 3, welch.df), rel=1e-9)
    assert pairs.loc[("trt1", "trt2"), "p_adjusted"] < 0.05 < pairs.loc[("ctrl", "trt1"), "p_adjusted"]
    # with two groups the range of two means is |t| √2: Welch's p itself
    two = desc.pairwise({"a": PLANT_GROWTH["ctrl"], "b": PLANT_GROWTH["trt2"]})
    welch = stats.ttest_ind(PLANT_GROWTH["ctrl"], PLANT_GROWTH["trt2"], equal_var=False)
    assert two["p_adjusted"].iloc[0] == pytest.approx(welch.pvalue, rel=1e-6)


def test_dunn_matches_the_published_plant_growth_example():
    # rstatix::dunn_test(PlantGrowth, weight ~ group) (Datanovia's Kruskal-Wallis tutorial):
    # |z| = 1.12, 1.69, 2.81; unadjusted p = 0.264, 0.0912, 0.00500.  Holm here.
    pairs = desc.pairwise(PLANT_GROWTH, test="kruskal")
    assert np.round(pairs["statistic"].abs().to_numpy(), 2).tolist() == [1.12, 1.69, 2.81]
    raw = [0.264, 0.0912, 0.00500]
    holm = desc.adjust_p(np.array(raw), p_adjust="holm")
    assert pairs["p_adjusted"].to_numpy() == pytest.approx(holm, rel=0.01)
    assert pairs["difference"].tolist() == pytest.approx([4.40, -6.65, -11.05])  # mean ranks


def test_post_hoc_pairs_cover_only_the_groups_shown():
    scores = pd.DataFrame({"m": np.r_[np.arange(12.0), np.arange(12.0) + 5, np.arange(12.0) + 9, [1, 2]]})
    segments = pd.DataFrame({"s": ["a"] * 12 + ["b"] * 12 + ["c"] * 12 + ["tiny"] * 2})
    result = desc.compare_segments(scores, segments, min_size=5)
    hidden = set(result.groups.loc[result.groups["suppressed"], "value"])
    assert hidden and not (set(result.pairs["group1"]) | set(result.pairs["group2"])) & hidden
    assert len(result.pairs) == 1  # the two groups shown
