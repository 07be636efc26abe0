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


# -- circular drivers: the overall question inside a dimension (issue 13, item 7) ---------------

def test_circular_drivers_leave_the_outcome_out_of_its_dimension():
    from sqmreport.stats.drivers import circular_drivers

    rng = np.random.default_rng(5)
    ratings = pd.DataFrame(rng.integers(1, 6, size=(40, 5)).astype(float), columns=["a1", "a2", "b1", "b2", "c1"])
    dims = {"a1": "a", "a2": "a", "b1": "b", "b2": "b", "c1": "c"}
    outcome = ratings["a1"]
    check = circular_drivers(ratings, outcome, dimension_of=dims, same_items=["a1"])
    assert check.items[["item", "dimension", "same"]].values.tolist() == [["a1", "a", True]]
    assert list(check.scores.columns) == ["a", "b", "c"]
    pd.testing.assert_series_equal(check.scores["a"], ratings["a2"], check_names=False)
    pd.testing.assert_series_equal(check.scores["b"], ratings[["b1", "b2"]].mean(axis=1), check_names=False)
    assert check.dimensions.empty
    # a dimension that is the outcome alone leaves the drivers
    alone = circular_drivers(ratings, ratings["c1"], dimension_of=dims, same_items=["c1"])
    assert list(alone.scores.columns) == ["a", "b"]
    assert alone.dimensions[["dimension", "reason"]].values.tolist() == [["c", "only_circular"]]
    # a copy of the outcome under another name is caught by its correlation
    copy = circular_drivers(ratings, ratings["b2"].copy(), dimension_of=dims)
    assert copy.items[["item", "same"]].values.tolist() == [["b2", False]]
    assert copy.items["r"].iloc[0] == pytest.approx(1.0)
    # nothing to exclude: the dimension scores as they are
    plain = circular_drivers(ratings, pd.Series(rng.integers(1, 6, size=40).astype(float)), dimension_of=dims)
    assert plain.items.empty and plain.dimensions.empty
    pd.testing.assert_frame_equal(plain.scores, pd.DataFrame(
        {d: ratings[[i for i, k in dims.items() if k == d]].mean(axis=1) for d in "abc"}))


def test_a_score_that_is_the_outcome_leaves_the_drivers():
    """An overall score computed from a dimension's items: no item is a copy, their mean is."""
    from sqmreport.stats.drivers import circular_drivers

    rng = np.random.default_rng(2)
    overall, noise = rng.normal(size=200), rng.normal(size=200)
    ratings = pd.DataFrame({"a1": overall + noise, "a2": overall - noise,
                            "b1": rng.normal(size=200), "b2": rng.normal(size=200)})
    check = circular_drivers(ratings, pd.Series(overall),
                             dimension_of={"a1": "a", "a2": "a", "b1": "b", "b2": "b"})
    assert check.items.empty
    assert check.dimensions[["dimension", "reason"]].values.tolist() == [["a", "correlation"]]
    assert check.dimensions["r"].iloc[0] == pytest.approx(1.0) and list(check.scores.columns) == ["b"]


def _overall_is_an_item(write_study, *, instrument=None, n=60, seed=4):
    from sqmreport import load_survey

    from .conftest import small_spec, small_survey

    spec = small_spec(overall={"column": "P_a1", "scale": {"min": 1, "max": 5}})
    if instrument is not None:
        spec["instrument"] = instrument
    survey = small_survey(n=n, seed=seed)
    rng = np.random.default_rng(seed)
    survey["P_c1"] = rng.integers(1, 6, size=n)
    return load_survey(write_study(spec, survey))


def test_the_overall_question_inside_a_dimension_is_excluded_and_said(write_study, monkeypatch):
    from sqmreport.analysis import satisfaction as sat
    from sqmreport.present import report
    from sqmreport.present.views import satisfaction as show

    survey = _overall_is_an_item(write_study)
    drivers = sat.drivers(survey)
    table = drivers.result.table.set_index("driver")
    assert drivers.circular.items["item"].tolist() == ["a1"]
    ratings = survey.ratings["perception"]
    assert table.loc["alpha", "r"] == pytest.approx(ratings["a2"].corr(survey.overall))  # not 1.00
    assert table.loc["alpha", "r"] < 0.99
    shown = []
    monkeypatch.setattr(report, "_display", shown.append)
    rep = report.Report(survey, "satisfaction")
    show.drivers(rep, drivers)
    page = "\n".join(shown)
    assert "Overall satisfaction is the same question as" in page
    assert "is left out of the Alpha score here" in page
    assert "left out of the dimension scores for this analysis" in " ".join(rep.collected_findings)


def test_a_dimension_that_is_the_overall_question_alone_leaves_the_drivers(write_study, monkeypatch):
    from sqmreport.analysis import satisfaction as sat
    from sqmreport.present import report
    from sqmreport.present.views import satisfaction as show

    instrument = {"dimensions": {"alpha": "Alpha", "beta": "Beta", "gamma": "Gamma"},
                  "items": [{"id": "a1", "dimension": "gamma"}, {"id": "a2", "dimension": "alpha"},
                            {"id": "c1", "dimension": "alpha"}, {"id": "b1", "dimension": "beta"},
                            {"id": "b2", "dimension": "beta"}]}
    survey = _overall_is_an_item(write_study, instrument=instrument)
    drivers = sat.drivers(survey)
    assert drivers.result.table["driver"].tolist() == ["alpha", "beta"]
    assert drivers.circular.dimensions[["dimension", "reason"]].values.tolist() == [["gamma", "only_circular"]]
    shown = []
    monkeypatch.setattr(report, "_display", shown.append)
    show.drivers(report.Report(survey, "satisfaction"), drivers)
    assert "Gamma consists only of the overall-satisfaction question, so it is left out of the key drivers." \
        in "\n".join(shown)


def test_without_a_circular_item_nothing_changes(write_study):
    from sqmreport import load_survey
    from sqmreport.analysis import satisfaction as sat
    from sqmreport.stats import descriptives as desc

    survey = load_survey(write_study())
    drivers = sat.drivers(survey)
    assert drivers.circular.items.empty and drivers.circular.dimensions.empty
    scores = desc.dimension_scores(survey.ratings["perception"], dimension_of=survey.instrument.dimension_of())
    expected = key_drivers(scores, survey.overall)
    pd.testing.assert_frame_equal(drivers.result.table, expected.table)


def test_relative_weights_carry_bootstrap_intervals_and_ties_are_said():
    rng = np.random.default_rng(3)
    n = 400
    a, b, c = rng.normal(size=(3, n))
    drivers = pd.DataFrame({"a": a, "b": b + 0.3 * a, "c": c})
    clear = key_drivers(drivers, pd.Series(2 * a + 0.3 * c + rng.normal(size=n)), n_boot=300)
    t = clear.table.set_index("driver")
    assert (t["weight_ci_low"] <= t["weight"]).all() and (t["weight"] <= t["weight_ci_high"]).all()
    assert (t["share_ci_low"] <= t["share"]).all() and (t["share"] <= t["share_ci_high"]).all()
    assert t["leading"].tolist() == [True, False, False]  # a clearly first
    tied = key_drivers(drivers[["a", "c"]], pd.Series(a + c + rng.normal(size=n)), n_boot=300)
    assert tied.table["leading"].all()  # equal by construction: the data cannot order them
    assert tied.n_boot == 300
