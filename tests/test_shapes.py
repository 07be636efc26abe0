"""The reports on every study shape and data kind issue 12 lets in: long, continuous and
unbounded scales, items on different scales, a recommend question that is no NPS, a
categorical overall satisfaction, stated importance of each item, factor analysis of gap
scores, one-item dimensions and factor correlations near one.

Surveys are built here from a study file and frames (the loader is tested apart), and the
sections are run as the notebooks run them, with what they display captured.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from sqmreport.analysis import factor_analysis as fa
from sqmreport.analysis import satisfaction as sat
from sqmreport.data.study import load_study
from sqmreport.data.survey import Survey
from sqmreport.present.report import Report
from sqmreport.present.views import factor_analysis as show_fa
from sqmreport.present.views import satisfaction as show
from sqmreport.stats import descriptives as desc
from sqmreport.stats.efa import factor_correlation_flags


def _instrument(dims: dict) -> dict:
    """dims: dimension id -> number of items; items named <dim><k>."""
    return {"dimensions": {d: {"en": f"Aspect {d.upper()}", "zh": f"方面{d.upper()}"} for d in dims},
            "items": [{"id": f"{d}{k}", "dimension": d,
                       "label": {"en": f"Statement {d}{k}", "zh": f"陈述{d}{k}"}}
                      for d, count in dims.items() for k in range(1, count + 1)]}


def make_survey(tmp_path, dims: dict, perception: pd.DataFrame, *, language="en",
                expectation=None, overall_values=None, recommend_values=None,
                item_importance=None, segments=None, **spec) -> Survey:
    """A Survey of the given frames under a study file written with ``spec``'s keys."""
    frame = pd.DataFrame({f"P_{c}": perception[c] for c in perception.columns})
    frame.to_csv(tmp_path / "survey.csv", index=False)
    body = {"name": "shape", "title": "Shape", "language": language,
            "data": {"survey": "survey.csv"}, "instrument": _instrument(dims),
            "columns": {"perception": "P_{item}",
                        **({"expectation": "E_{item}"} if expectation is not None else {})},
            **spec}
    body.setdefault("scale", {"min": 1, "max": 5})
    path = tmp_path / "study.yml"
    path.write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
    study = load_study(path)
    ratings = {"perception": perception.astype(float)}
    if expectation is not None:
        ratings["expectation"] = expectation.astype(float)
    seg = segments if segments is not None else pd.DataFrame(index=perception.index)
    return Survey(study, ratings, overall_values, recommend_values, None, seg, None, None,
                  item_importance=item_importance)


def _factor_data(n, dims: dict, rng, low, high, *, whole=True, shift=None):
    """Ratings with a common factor and one factor per dimension, on (low, high)."""
    common = rng.normal(0, 1, n)
    out = {}
    for d, count in dims.items():
        own = rng.normal(0, 0.7, n)
        lo, hi = (low[d], high[d]) if isinstance(low, dict) else (low, high)
        for k in range(1, count + 1):
            base = lo + (hi - lo) * (0.6 + (shift or {}).get(d, 0))
            x = base + (hi - lo) / 6 * (common + own + rng.normal(0, 0.6, n))
            x = np.clip(np.rint(x) if whole else x, lo, hi)
            out[f"{d}{k}"] = x
    return pd.DataFrame(out, index=pd.RangeIndex(2, n + 2))


def _run_satisfaction(survey: Survey, shown) -> str:
    """Every section of the satisfaction notebook; the displayed text."""
    shown.clear()
    rep = Report(survey, "satisfaction")
    show.intro(rep)
    show.items(rep, sat.items(survey))
    show.dimensions(rep, sat.dimensions(survey))
    show.csi(rep, sat.csi(survey))
    show.nps(rep, sat.nps(survey))
    show.segments(rep, sat.segments(survey))
    show.drivers(rep, sat.drivers(survey))
    show.q_matrix(rep, sat.q_matrix(survey))
    show.method(rep)
    show.summary(rep)
    return _visible("".join(shown))


def _run_factor_analysis(survey: Survey, shown, *, only=None) -> str:
    """The factor report's sections (``only``: those named, to keep a test short)."""
    shown.clear()
    rep = Report(survey, "factor_analysis")
    if only is not None:
        for name in only:
            if name == "reliability":
                show_fa.reliability(rep, fa.reliability(survey))
            elif name == "cfa":
                model = fa.cfa(survey)
                show_fa.cfa(rep, model)
                show_fa.validity(rep, model)
            elif name == "suitability":
                show_fa.suitability(rep, fa.suitability(survey))
            elif name == "method":
                show_fa.method(rep)
        show_fa.summary(rep)
        return _visible("".join(shown))
    show_fa.suitability(rep, fa.suitability(survey))
    count = fa.factors(survey, n_iter=10)
    show_fa.factors(rep, count)
    show_fa.efa(rep, fa.efa(survey, n_factors=count.n_factors))
    show_fa.reliability(rep, fa.reliability(survey))
    model = fa.cfa(survey)
    show_fa.cfa(rep, model)
    show_fa.validity(rep, model)
    show_fa.pca(rep, fa.pca(survey, n_components=count.n_factors))
    show_fa.method(rep)
    show_fa.summary(rep)
    return _visible("".join(shown))


def _visible(markup: str) -> str:
    markup = re.sub(r'src="data:[^"]*"', "", markup)
    return html.unescape(re.sub(r"<[^>]+>", "\n", markup))


def _clean(text: str) -> None:
    """No template leftovers or missing numbers in a page."""
    assert "{" not in text and "}" not in text
    assert not re.search(r"\b(nan|NaN|None|inf)\b", text)


# -- 1. scale types ----------------------------------------------------------------------

def test_a_1_100_scale_has_top_box_ranges_and_no_top_2_box(tmp_path, shown):
    rng = np.random.default_rng(1)
    dims = {"a": 3, "b": 3}
    p = _factor_data(120, dims, rng, 1, 100)
    survey = make_survey(tmp_path, dims, p, scale={"min": 1, "max": 100})
    items = sat.items(survey)
    row = items.table.set_index("item").loc["a1"]
    assert row["top_box"] == pytest.approx((p["a1"] >= 81).mean())  # the top fifth: 81-100
    assert row["bottom_box"] == pytest.approx((p["a1"] <= 20).mean())
    assert set(items.table["boxes"]) == {"range"}
    page = _run_satisfaction(survey, shown)
    _clean(page)
    assert "Top-2-box" not in page and "Top box (≥ 81)" in page
    assert "81 or more (the top fifth of the scale's range)" in page
    assert "bands of equal width of the 1–100 scale" in page


def test_a_continuous_scale_is_binned_and_boxed_by_its_range(tmp_path, shown):
    rng = np.random.default_rng(2)
    dims = {"a": 3, "b": 3}
    p = _factor_data(120, dims, rng, 0, 100, whole=False)
    survey = make_survey(tmp_path, dims, p, scale={"min": 0, "max": 100, "type": "continuous"})
    items = sat.items(survey)
    assert items.distribution.shape[1] == 10  # ten bands, not one column per answer
    assert items.distribution.sum(axis=1).to_numpy() == pytest.approx(1.0)
    assert items.table.set_index("item").loc["b2", "top_box"] == pytest.approx((p["b2"] >= 80).mean())
    page = _run_satisfaction(survey, shown)
    _clean(page)
    assert "Top box (≥ 80)" in page and "Top-2-box" not in page


def test_an_unbounded_scale_has_no_boxes_no_index_and_axes_from_the_data(tmp_path, shown):
    rng = np.random.default_rng(3)
    dims = {"a": 3, "b": 3}
    p = pd.DataFrame(rng.normal(0, 1, (80, 6)), columns=["a1", "a2", "a3", "b1", "b2", "b3"],
                     index=pd.RangeIndex(2, 82))
    survey = make_survey(tmp_path, dims, p, scale={"type": "unbounded"})
    assert sat.csi(survey).index is None
    assert sat.items(survey).table["top_box"].isna().all()
    page = _run_satisfaction(survey, shown)
    _clean(page)
    assert "no top or bottom box is given" in page
    assert "No satisfaction index is given" in page
    assert "Top box" not in page


def test_means_without_a_scale_are_drawn_within_their_intervals():
    from sqmreport.present import plots

    table = pd.DataFrame({"label": ["a", "b"], "mean": [-0.4, 0.3], "ci_low": [-0.6, 0.1],
                          "ci_high": [-0.2, 0.5]})
    ax = plots.plot_means(table, language="en")
    low, high = ax.get_xlim()
    assert -0.75 < low < -0.6 and 0.5 < high < 0.8
    ax = plots.plot_means(table.assign(mean=[3.0, 4.0], ci_low=[2.8, 3.8], ci_high=[3.2, 4.2]),
                          language="en", scale=(1, 5))
    assert ax.get_xlim() == (1, 5.5)  # a short scale keeps its axis


def test_box_cuts_of_each_scale_type():
    assert desc.box_cuts(1, 5) == desc.BoxCuts(2, 4) and desc.box_cuts(0, 10) == desc.BoxCuts(1, 9)
    assert desc.box_cuts(1, 100) == desc.BoxCuts(20.8, 80.2)
    assert desc.box_cuts(0, 100, kind="continuous") == desc.BoxCuts(20.0, 80.0)
    assert desc.box_cuts(None, None, kind="unbounded") is None
    x = pd.DataFrame({"q": [1, 2, 3, 4, 5, 5, 4, 1.0]})
    # the rule of a short scale gives what describe(scale=...) always gave
    pd.testing.assert_frame_equal(desc.describe(x, cuts=desc.box_cuts(1, 5)),
                                  desc.describe(x, scale=(1, 5)))


# -- 2. mixed scales -----------------------------------------------------------------------

def _mixed(tmp_path, language="en", **extra):
    rng = np.random.default_rng(4)
    dims = {"a": 3, "b": 3}
    # a: 1-5, rated 3.4 on average (60% of its range); b: 1-100, rated ~45 (45%)
    p = _factor_data(150, dims, rng, {"a": 1, "b": 1}, {"a": 5, "b": 100},
                     shift={"a": 0.0, "b": -0.15})
    spec = {"scale": {"min": 1, "max": 5}, "scales": {"b": {"min": 1, "max": 100}}}
    return make_survey(tmp_path, dims, p, language=language, **spec, **extra), p


def test_mixed_scales_compare_dimensions_in_percent_of_range(tmp_path, shown):
    survey, p = _mixed(tmp_path)
    dims = sat.dimensions(survey)
    t = dims.table.set_index("dimension")
    a = p[["a1", "a2", "a3"]].mean(axis=1).mean()
    b = p[["b1", "b2", "b3"]].mean(axis=1).mean()
    assert t.loc["a", "pomp"] == pytest.approx(100 * (a - 1) / 4)
    assert t.loc["b", "pomp"] == pytest.approx(100 * (b - 1) / 99)
    assert b > a and t.loc["a", "pomp"] > t.loc["b", "pomp"]  # raw means would rank them wrongly
    index = sat.csi(survey).index
    assert index.index == pytest.approx((t.loc["a", "pomp"] + t.loc["b", "pomp"]) / 2)
    page = _run_satisfaction(survey, shown)
    _clean(page)
    assert "Aspect A is rated best" in page and "of its scale's range" in page
    assert "The items are rated on different scales (1–5 for Aspect A, 1–100 for Aspect B)" in page
    assert "1–100" in page and "% of range" in page


def test_mixed_scales_place_the_q_matrix_in_percent_of_range(tmp_path):
    survey, p = _mixed(tmp_path)
    overall = (p["a1"] + p["b1"] / 20).rank(pct=True).mul(4).round().add(1)
    survey = Survey(survey.study, survey.ratings, overall, None, None, survey.segments, None)
    q = sat.q_matrix(survey, importance="derived").result.table.set_index("item")
    assert q.loc["b1", "performance"] == pytest.approx(100 * (p["b1"].mean() - 1) / 99)
    assert q.loc["a1", "performance"] == pytest.approx(100 * (p["a1"].mean() - 1) / 4)


def test_uniform_scales_keep_their_numbers(tmp_path):
    rng = np.random.default_rng(6)
    dims = {"a": 3, "b": 2}
    p = _factor_data(90, dims, rng, 1, 7)
    survey = make_survey(tmp_path, dims, p, scale={"min": 1, "max": 7})
    items = sat.items(survey)
    expected = desc.describe(p, scale=(1, 7))
    assert items.table[["n", "mean", "sd", "ci_low", "ci_high", "top_box", "bottom_box"]].to_numpy() \
        == pytest.approx(expected[["n", "mean", "sd", "ci_low", "ci_high", "top_box",
                                   "bottom_box"]].to_numpy())
    pd.testing.assert_frame_equal(items.distribution, desc.distribution(p, scale=(1, 7)))
    assert "pomp" not in sat.dimensions(survey).table


# -- 3. NPS only from an 11-point question ---------------------------------------------------

def test_a_1_5_recommend_item_is_a_rating_never_an_nps(tmp_path, shown):
    rng = np.random.default_rng(7)
    dims = {"a": 3, "b": 3}
    p = _factor_data(100, dims, rng, 1, 5)
    recommend = pd.Series(rng.integers(1, 6, 100).astype(float), index=p.index)
    survey = make_survey(tmp_path, dims, p, recommend_values=recommend,
                         recommend={"column": "rec", "scale": {"min": 1, "max": 5}})
    assert not survey.nps
    result = sat.nps(survey)
    assert result.result is None
    assert result.rating["mean"].iloc[0] == pytest.approx(recommend.mean())
    page = _run_satisfaction(survey, shown)
    _clean(page)
    assert "The Net Promoter Score is" not in page and "detractors" not in page.lower()
    assert f"Likelihood to recommend averages {recommend.mean():.2f} on the 1–5 scale" in page
    assert "on a 1–5 scale, not 0–10; it is reported as a rating" in page


def test_a_0_10_recommend_item_is_an_nps(tmp_path, shown):
    rng = np.random.default_rng(8)
    dims = {"a": 3, "b": 3}
    p = _factor_data(100, dims, rng, 1, 5)
    recommend = pd.Series(rng.integers(0, 11, 100).astype(float), index=p.index)
    survey = make_survey(tmp_path, dims, p, recommend_values=recommend, recommend="rec")
    assert sat.nps(survey).result.nps == pytest.approx(
        100 * ((recommend >= 9).mean() - (recommend <= 6).mean()))
    page = _run_satisfaction(survey, shown)
    assert "The Net Promoter Score is" in page and "Likelihood to recommend, 0–10" in page
    # a question coded 1-11 is read onto 0-10 (x − 1), and the note says so
    survey = make_survey(tmp_path, dims, p, recommend_values=recommend,
                         recommend={"column": "rec", "scale": {"min": 1, "max": 11}})
    page = _run_satisfaction(survey, shown)
    assert "The Net Promoter Score is" in page
    assert "asked on 1–11 and counted as 0–10 (answer − 1)" in page


# -- 4. categorical overall satisfaction ------------------------------------------------------

def _binary(tmp_path, language="en"):
    rng = np.random.default_rng(9)
    dims = {"a": 3, "b": 3, "c": 2}
    p = _factor_data(200, dims, rng, 1, 7)
    score = p[["a1", "b1", "c1"]].mean(axis=1) + rng.normal(0, 0.8, 200)
    overall = (score > score.median()).astype(float)
    overall.iloc[:5] = np.nan
    spec = {"scale": {"min": 1, "max": 7},
            "overall": {"column": "sat", "satisfied": ["yes"]}}
    return make_survey(tmp_path, dims, p, language=language, overall_values=overall, **spec), p, overall


def test_a_categorical_overall_is_a_share_with_its_wilson_interval(tmp_path, shown):
    from statsmodels.stats.proportion import proportion_confint

    survey, _, overall = _binary(tmp_path)
    assert survey.overall_binary
    o = sat.dimensions(survey).overall.iloc[0]
    k, n = int(overall.sum()), int(overall.notna().sum())
    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    assert (o["n"], o["share"]) == (n, pytest.approx(k / n))
    assert (o["ci_low"], o["ci_high"]) == (pytest.approx(low), pytest.approx(high))
    page = _run_satisfaction(survey, shown)
    _clean(page)
    assert "Wilson score interval" in page and "Share satisfied" in page
    said = re.search(r"([\d.]+)% of the respondents are satisfied overall \(95% interval "
                     r"([\d.]+)%–([\d.]+)%\)", page)
    assert [float(x) for x in said.groups()] == pytest.approx(
        [100 * k / n, 100 * low, 100 * high], abs=0.05)
    assert "Top-2-box" not in page.split("Overall satisfaction")[-1].split("Key drivers")[0]
    assert "point-biserial" in page and "linear-probability model" in page


def test_drivers_of_a_categorical_overall_are_point_biserial_and_lpm_weights(tmp_path):
    import statsmodels.api as sm

    survey, p, overall = _binary(tmp_path)
    d = sat.drivers(survey)
    assert d.binary
    scores = desc.dimension_scores(p, dimension_of=survey.instrument.dimension_of())
    both = pd.concat([scores, overall.rename("y")], axis=1).dropna()
    table = d.result.table.set_index("driver")
    for dim in ("a", "b", "c"):
        r, _ = stats.pointbiserialr(both["y"], both[dim])
        assert table.loc[dim, "r"] == pytest.approx(r)
    lpm = sm.OLS(both["y"], sm.add_constant(both[["a", "b", "c"]])).fit()
    assert d.result.r_squared == pytest.approx(lpm.rsquared)  # the weights divide the LPM's R²
    assert table["weight"].sum() == pytest.approx(lpm.rsquared)


# -- 5. stated importance of each item --------------------------------------------------------

def test_stated_item_importance_drives_the_q_matrix(tmp_path, shown):
    rng = np.random.default_rng(10)
    dims = {"a": 3, "b": 3}
    p = _factor_data(120, dims, rng, 1, 5)
    importance = pd.DataFrame(rng.integers(1, 6, (120, 6)).astype(float), columns=p.columns,
                              index=p.index)
    importance["b3"] = 5.0
    survey = make_survey(tmp_path, dims, p, item_importance=importance,
                         importance={"items": "I_{item}", "scale": {"min": 1, "max": 5}},
                         analysis={"q_matrix": {"importance": "stated"}})
    q = sat.q_matrix(survey)
    assert q.source == "stated_items"
    table = q.result.table.set_index("item")
    assert table["importance"].to_numpy() == pytest.approx(importance.mean().to_numpy())
    page = _run_satisfaction(survey, shown)
    _clean(page)
    assert "stated importance of the item (its mean)" in page


# -- 6. factor analysis of gap scores --------------------------------------------------------

def test_factor_analysis_of_gap_scores(tmp_path, shown):
    rng = np.random.default_rng(11)
    dims = {"a": 3, "b": 3}
    p = _factor_data(200, dims, rng, 1, 7)
    e = _factor_data(200, dims, rng, 1, 7)
    e.iloc[3, 2] = np.nan
    survey = make_survey(tmp_path, dims, p, expectation=e, scale={"min": 1, "max": 7},
                         analysis={"factor_analysis": {"form": "gap"}})
    data = fa._data(survey)
    pd.testing.assert_frame_equal(data, p - e)
    assert np.isnan(data.iloc[3, 2])
    alpha = fa.reliability(survey).table.set_index("dimension")
    from sqmreport.stats.reliability import cronbach_alpha
    assert alpha.loc["a", "alpha"] == pytest.approx(cronbach_alpha((p - e)[["a1", "a2", "a3"]]).alpha)
    page = _run_factor_analysis(survey, shown, only=["suitability", "reliability", "method"])
    _clean(page)
    assert "This report analyses the gap scores" in page
    assert "gap (perception − expectation)" in page


# -- 7. one-item dimensions -------------------------------------------------------------------

@pytest.mark.parametrize("language", ["en", "zh"])
def test_one_item_dimensions_are_left_out_of_reliability_and_cfa_with_a_sentence(
        tmp_path, shown, language):
    rng = np.random.default_rng(12)
    dims = {"a": 4, "b": 1, "c": 3, "d": 1}
    p = _factor_data(200, dims, rng, 1, 5)
    survey = make_survey(tmp_path, dims, p, language=language)
    rel = fa.reliability(survey)
    assert rel.single == ("b", "d") and list(rel.table["dimension"]) == ["a", "c"]
    model = fa.cfa(survey)
    assert model.single == ("b", "d") and model.problem is None
    assert set(model.result.loadings["factor"]) == {"a", "c"}
    page = _run_factor_analysis(survey, shown, only=["reliability", "cfa"])
    _clean(page)
    if language == "en":
        assert "Dimensions of one item, left out here: Aspect B and Aspect D." in page
        assert "Dimensions of one item, left out of the model: Aspect B and Aspect D." in page
    else:
        assert "方面B和方面D只有一个题项，未列入" in page


def test_every_dimension_of_one_item_gives_no_cfa_and_no_crash(tmp_path, shown):
    rng = np.random.default_rng(13)
    dims = {"a": 1, "b": 1, "c": 1, "d": 1}
    p = _factor_data(150, dims, rng, 1, 5)
    survey = make_survey(tmp_path, dims, p, analysis={"factor_analysis": {"n_factors": 1}})
    assert fa.reliability(survey).table.empty
    assert fa.cfa(survey).problem.key == "cfa_single_items"
    page = _run_factor_analysis(survey, shown)
    _clean(page)
    assert "every dimension has one item" in page


# -- 8. factor correlations near one ----------------------------------------------------------

def test_factor_correlations_near_one_are_flagged_with_their_value(tmp_path, shown):
    phi = pd.DataFrame([[1, .9985, .2], [.9985, 1, .25], [.2, .25, 1]],
                       index=["F1", "F2", "F3"], columns=["F1", "F2", "F3"])
    flags = factor_correlation_flags(phi)
    assert list(flags["check"]) == ["correlation_near_one", "near_singular"]
    assert factor_correlation_flags(phi.where(phi < 0.99, 0.9).where(np.eye(3) == 0, 1)).empty
    notes = show_fa._phi_notes(flags)
    assert notes[0] == ("fa_notes.phi_near_one", {"a": "F1", "b": "F2", "r": .9985})
    from sqmreport.present.i18n import text
    sentence = text("en", notes[0][0], **notes[0][1])
    assert "0.9985" in sentence and "hardly distinct" in sentence


def test_factor_correlations_near_one_are_said_on_the_page(tmp_path, shown):
    import dataclasses

    rng = np.random.default_rng(14)
    dims = {"a": 4, "b": 4}
    p = _factor_data(300, dims, rng, 1, 5)
    survey = make_survey(tmp_path, dims, p, analysis={"factor_analysis": {"n_factors": 2}})
    result = fa.efa(survey)
    assert result.phi_flags is not None and result.phi_flags.empty  # distinct factors: no word
    flags = pd.DataFrame([("correlation_near_one", "F1", "F2", 0.9985),
                          ("near_singular", np.nan, np.nan, 0.0015)],
                         columns=["check", "name", "other", "value"])
    shown.clear()
    rep = Report(survey, "factor_analysis")
    show_fa.efa(rep, dataclasses.replace(result, phi_flags=flags))
    page = _visible("".join(shown))
    assert "Caution: factors F1 and F2 correlate at 0.9985" in page
    assert "nearly singular (smallest eigenvalue 0.0015)" in page
    assert any("correlate at 0.95 or more" in f for f in rep.collected_findings)


# -- every shape in Chinese too -------------------------------------------------------------

def test_the_shapes_read_in_chinese(tmp_path, shown):
    rng = np.random.default_rng(15)
    (tmp_path / "mixed").mkdir()
    survey, _ = _mixed(tmp_path / "mixed", language="zh")
    page = _run_satisfaction(survey, shown)
    _clean(page)
    assert "各题项采用不同的量表（方面A采用 1–5 分量表、方面B采用 1–100 分量表）" in page
    assert "按各维度自身的量表，评价最高的维度是方面A" in page
    (tmp_path / "binary").mkdir()
    survey, _, _ = _binary(tmp_path / "binary", language="zh")
    page = _run_satisfaction(survey, shown)
    _clean(page)
    assert "的受访者对总体表示满意" in page and "点二列相关" in page
    (tmp_path / "recommend").mkdir()
    dims = {"a": 3, "b": 3}
    p = _factor_data(100, dims, rng, 1, 100)
    recommend = pd.Series(rng.integers(1, 8, 100).astype(float), index=p.index)
    survey = make_survey(tmp_path / "recommend", dims, p, language="zh", recommend_values=recommend,
                         recommend={"column": "rec", "scale": {"min": 1, "max": 7}},
                         scale={"min": 1, "max": 100})
    page = _run_satisfaction(survey, shown)
    _clean(page)
    assert "推荐意愿的均值为" in page and "净推荐值为" not in page
    assert "高分段（≥ 81）" in page and "前两格" not in page.split("推荐意愿")[0]


def test_priorities_on_mixed_scales_equal_those_of_the_rescaled_ratings():
    from sqmreport.stats.priority import item_priorities

    rng = np.random.default_rng(16)
    p = pd.DataFrame({"a": rng.integers(1, 6, 80), "b": rng.integers(1, 101, 80)}, dtype=float)
    e = pd.DataFrame({"a": rng.integers(2, 6, 80), "b": rng.integers(30, 101, 80)}, dtype=float)
    ranges = {"a": (1, 5), "b": (1, 100)}
    pomp = pd.DataFrame({c: 100 * (p[c] - lo) / (hi - lo) for c, (lo, hi) in ranges.items()})
    epomp = pd.DataFrame({c: 100 * (e[c] - lo) / (hi - lo) for c, (lo, hi) in ranges.items()})
    mixed = item_priorities(p, e, expectation=e, ranges=ranges, importance_ranges=ranges,
                            rule="midpoint", n_boot=200)
    by_hand = item_priorities(pomp, epomp, expectation=epomp, scale=(0, 100),
                              importance_scale=(0, 100), rule="midpoint", n_boot=200)
    pd.testing.assert_frame_equal(mixed.table, by_hand.table)
    assert mixed.table["performance_cut"].iloc[0] == 50  # the midpoint of 0-100
    # without ranges nothing changes
    pd.testing.assert_frame_equal(item_priorities(p, e, expectation=e, n_boot=0).table,
                                  item_priorities(p, e, expectation=e, n_boot=0, ranges=None).table)


def test_a_1_100_item_distribution_draws_at_most_ten_bands(tmp_path):
    from sqmreport.present import plots

    rng = np.random.default_rng(17)
    p = pd.DataFrame({"a1": rng.integers(1, 101, 200)}, dtype=float)
    shares = desc.distribution(p, scale=(1, 100))
    ax = plots.plot_distribution(shares, language="en")
    assert len(ax.get_legend().get_texts()) == 10
    binned = sat.distribution_of(pd.DataFrame({"x": rng.normal(0, 1, 300)}),
                                 type("S", (), {"type": "unbounded", "bounded": False})())
    assert 4 <= binned.shape[1] <= 10 and binned.sum(axis=1).iloc[0] == pytest.approx(1)


@pytest.mark.parametrize("overall_scale, recommend_scale", [
    ({"min": 0, "max": 100, "type": "continuous"}, {"min": 1, "max": 100}),
    ({"type": "unbounded"}, {"type": "unbounded"}),
])
def test_overall_and_recommend_on_long_or_open_scales(tmp_path, shown, overall_scale,
                                                      recommend_scale):
    rng = np.random.default_rng(18)
    dims = {"a": 3, "b": 3}
    p = _factor_data(100, dims, rng, 1, 5)
    bounded = overall_scale.get("type") != "unbounded"
    overall = pd.Series(rng.uniform(0, 100, 100) if bounded else rng.normal(0, 1, 100), index=p.index)
    recommend = pd.Series(rng.integers(1, 101, 100).astype(float) if bounded
                          else rng.normal(0, 1, 100), index=p.index)
    survey = make_survey(tmp_path, dims, p, overall_values=overall, recommend_values=recommend,
                         overall={"column": "o", "scale": overall_scale},
                         recommend={"column": "r", "scale": recommend_scale})
    page = _run_satisfaction(survey, shown)
    _clean(page)
    assert "The Net Promoter Score is" not in page and "Top-2-box =" not in page.split(
        "Overall satisfaction")[-1]
    if bounded:
        assert "share answering 80 or more" in page and "Top box (≥ 81)" in page
    else:
        assert "no top or bottom box is given" in page
        assert "Likelihood to recommend averages" in page
