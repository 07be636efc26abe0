"""Tracking and operations: waves, the internal-service scorecard, complaints, maturity.

Every statistic against values worked out by hand (or by the textbook formula
written out step by step), the demo against its generating model, and bad input
against one clear error.
"""

import json
import math

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from sqmreport import InputError
from sqmreport.analysis.q_matrix import item_q_matrix
from sqmreport.analysis.tracking import analyse
from sqmreport.analysis.waves import track
from sqmreport.data.operations import load_assessment, load_complaints, load_kpi
from sqmreport.data.study import load_study
from sqmreport.data.survey import load_survey
from sqmreport.data.waves import load_waves
from sqmreport.present.views.tracking import findings
from sqmreport.stats.complaints import analyse_complaints, pareto
from sqmreport.stats.descriptives import adjust_p
from sqmreport.stats.maturity import assess, rating
from sqmreport.stats.scorecard import normalise, scorecard
from sqmreport.stats.waves import compare_means, compare_summaries

from .conftest import DEMO, small_spec, small_survey

# -- waves -------------------------------------------------------------------------------------


def test_paired_when_every_id_repeats():
    x = pd.Series([4.0, 5, 3, 4, 6, 2], index=list("abcdef"))
    y = pd.Series([3.0, 4, 3, 2, 5, 2], index=list("fedcba"))[::-1]  # same ids, other order
    r = compare_means(x, y)
    expected = stats.ttest_rel(x[list("abcdef")], y[list("abcdef")])
    assert r.test == "paired" and r.n_paired == 6
    assert r.t == pytest.approx(expected.statistic, rel=1e-12)
    assert r.p_value == pytest.approx(expected.pvalue, rel=1e-12)
    assert r.df == 5


def test_welch_when_no_id_repeats():
    x = pd.Series([4.0, 5, 3, 4, 6, 2, 5], index=[f"a{i}" for i in range(7)])
    y = pd.Series([3.0, 4, 3, 2, 5], index=[f"b{i}" for i in range(5)])
    r = compare_means(x, y)
    expected = stats.ttest_ind(x, y, equal_var=False)
    assert r.test == "welch" and r.n_paired == 0
    assert r.t == pytest.approx(expected.statistic, rel=1e-12)
    assert r.p_value == pytest.approx(expected.pvalue, rel=1e-12)


def test_partially_overlapping_samples_by_hand():
    # Three respondents (a, b, c) answered both waves, two only this wave, two only the last.
    x = pd.Series([4.0, 5, 3, 4, 5], index=["a", "b", "c", "d", "e"])
    y = pd.Series([3.0, 4, 3, 2, 4], index=["a", "b", "c", "f", "g"])
    # Derrick, Toher & White (2017), T_new2, written out:
    n1, n2, nc, na, nb = 5, 5, 3, 2, 2
    m1, m2 = 21 / 5, 16 / 5
    v1 = sum((v - m1) ** 2 for v in [4, 5, 3, 4, 5]) / 4  # 0.7
    v2 = sum((v - m2) ** 2 for v in [3, 4, 3, 2, 4]) / 4  # 0.7
    pa, pb = [4, 5, 3], [3, 4, 3]
    ma, mb = 4, 10 / 3
    r = (sum((p - ma) * (q - mb) for p, q in zip(pa, pb))
         / math.sqrt(sum((p - ma) ** 2 for p in pa) * sum((q - mb) ** 2 for q in pb)))
    se = math.sqrt(v1 / n1 + v2 / n2 - 2 * r * math.sqrt(v1 * v2) * nc / (n1 * n2))
    gamma = (v1 / n1 + v2 / n2) ** 2 / ((v1 / n1) ** 2 / (n1 - 1) + (v2 / n2) ** 2 / (n2 - 1))
    df = (nc - 1) + (gamma - nc + 1) / (na + nb + 2 * nc) * (na + nb)
    t = (m1 - m2) / se
    result = compare_means(x, y)
    assert result.test == "overlap" and result.n_paired == 3
    assert result.change == pytest.approx(1.0)
    assert result.t == pytest.approx(t, rel=1e-12)
    assert result.df == pytest.approx(df, rel=1e-12)
    assert result.p_value == pytest.approx(2 * stats.t.sf(t, df), rel=1e-12)
    half = stats.t.ppf(0.975, df) * se
    assert (result.ci_low, result.ci_high) == pytest.approx((1 - half, 1 + half))


def test_welch_from_summaries_matches_scipy():
    r = compare_summaries((5.2, 1.0, 100), (5.0, 1.2, 80))
    expected = stats.ttest_ind_from_stats(5.2, 1.0, 100, 5.0, 1.2, 80, equal_var=False)
    assert r.t == pytest.approx(expected.statistic, rel=1e-12)
    assert r.p_value == pytest.approx(expected.pvalue, rel=1e-12)


def _wave_study(write_study, tmp_path, previous: pd.DataFrame, **changes):
    (tmp_path / "before.csv").write_text(previous.to_csv(index=False), encoding="utf-8")
    spec = small_spec(waves=[{"label": "spring", "survey": "before.csv"}], wave="autumn",
                      **changes)
    return write_study(spec)


def test_waves_match_items_by_id_and_pair_repeat_respondents(write_study, tmp_path):
    before = small_survey(n=24, seed=11).drop(columns=["P_b2", "region", "nps"])
    before["id"] = [f"r{i}" for i in range(1, 11)] + [f"old{i}" for i in range(14)]
    survey = load_survey(_wave_study(write_study, tmp_path, before))
    result = track(survey, load_waves(survey.study))
    assert (result.current, result.previous, result.order) == ("autumn", "spring",
                                                               ["spring", "autumn"])
    assert result.only_current == ["b2"] and result.only_previous == []
    changes = result.changes("perception", ("dimension", "overall")).set_index("measure")
    assert set(changes["test"]) == {"overlap"} and set(changes["n_paired"]) == {10}
    # Dimension beta is compared on b1 alone, the item both waves asked.
    now = pd.Series(survey.ratings["perception"]["b1"].to_numpy(), index=survey.ids.to_numpy())
    then = before.set_index("id")["P_b1"].astype(float)
    assert changes.loc["beta", "change"] == pytest.approx(now.mean() - then.mean())
    assert changes.loc["beta", "t"] == pytest.approx(compare_means(now, then).t)
    # ... while the table's own row for this wave describes beta on all its items.
    rows = result.table.set_index(["wave", "kind", "measure"])
    beta_now = survey.ratings["perception"][["b1", "b2"]].mean(axis=1)
    assert rows.loc[("autumn", "dimension", "beta"), "mean"] == pytest.approx(beta_now.mean())
    # Holm over the dimensions and the overall score, as p.adjust would.
    assert changes["p_adjusted"].to_numpy() == pytest.approx(adjust_p(changes["p_value"]))


def test_last_waves_improvement_items_are_followed(write_study, tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    before = small_survey(n=40, seed=3)
    before["P_a1"] = rng.integers(1, 3, size=40)   # poor last time ...
    before["overall"] = before["P_a1"] + rng.integers(2, 4, size=40)  # ... and what drove overall
    before["id"] = [f"x{i}" for i in range(40)]
    now = small_survey(n=40, seed=4)
    now["P_a1"] = rng.integers(4, 6, size=40)
    spec = {"analysis": {"q_matrix": {"importance": "derived"}}}
    path = _wave_study(write_study, tmp_path, before, **spec)
    now.to_csv(path.parent / "survey.csv", index=False)
    survey = load_survey(path)
    waves = load_waves(survey.study)
    result = track(survey, waves)
    # The previous wave's data have its importance: its 'improve first' items are those of the
    # priority model, whose score's bootstrap interval lies above zero (not the point quadrant).
    model = item_q_matrix(waves[-1].survey)[0].table
    improve = sorted(model.loc[model["action"] == "improve_first", "item"])
    assert (result.action_basis, result.n_boot) == ("priority", 2000)
    assert "a1" in improve and sorted(result.actions["measure"]) == improve
    before_rows = result.table.query("wave == 'spring' and kind == 'item'").set_index("measure")
    point = set(before_rows.index[before_rows["quadrant"] == "improve"])
    # Without the bootstrap the point quadrant decides, as for a wave known from its tables.
    quadrant = track(survey, waves, n_boot=0)
    assert quadrant.action_basis == "quadrant"
    assert sorted(quadrant.actions["measure"]) == sorted(point)
    actions = result.actions.set_index("measure")
    assert actions.loc["a1", "verdict"] == "improved"
    # The page says how the items followed up were chosen.
    from sqmreport.analysis import tracking as trk
    from sqmreport.present import Report
    from sqmreport.present.views import tracking as track_view

    outputs = []
    monkeypatch.setattr("sqmreport.present.report._display", outputs.append)
    track_view.waves(Report(survey, "satisfaction"), trk.waves(survey))
    page = "".join(outputs)
    assert "the previous wave&#x27;s priority model put in &#x27;Improve first&#x27;" in page
    assert "from 2,000 bootstrap samples" in page
    assert actions["p_adjusted"].to_numpy() == pytest.approx(adjust_p(actions["p_value"]))


def test_a_wave_known_by_its_tables(write_study, tmp_path):
    before = small_survey(n=30, seed=5)
    before["id"] = [f"y{i}" for i in range(30)]
    survey = load_survey(_wave_study(write_study, tmp_path, before))
    first = track(survey, load_waves(survey.study))
    # A later wave reads the waves.csv that build wrote.
    first.table.to_csv(tmp_path / "waves.csv", index=False)
    spec = small_spec(waves=[{"label": "autumn", "tables": "waves.csv"}], wave="winter")
    later = load_survey(write_study(spec))
    result = track(later, load_waves(later.study))
    assert result.source == "tables" and result.action_basis == "quadrant"
    changes = result.changes("perception", "dimension").set_index("measure")
    assert set(changes["test"]) == {"welch"}
    alpha_now = later.ratings["perception"][["a1", "a2"]].mean(axis=1)
    prior = first.table.query("wave == 'autumn' and measure == 'alpha'").iloc[0]
    expected = stats.ttest_ind_from_stats(alpha_now.mean(), alpha_now.std(), len(alpha_now),
                                          prior["mean"], prior["sd"], prior["n"], equal_var=False)
    assert changes.loc["alpha", "p_value"] == pytest.approx(expected.pvalue, rel=1e-9)
    # One waves.csv holds every wave its build knew: it can stand for both earlier waves.
    spec = small_spec(waves=[{"label": "spring", "tables": "waves.csv"},
                             {"label": "autumn", "tables": "waves.csv"}], wave="winter")
    third = load_survey(write_study(spec))
    result = track(third, load_waves(third.study))
    assert result.order == ["spring", "autumn", "winter"] and result.previous == "autumn"
    trend = result.trend("perception", "dimension")
    assert set(trend["wave"]) == {"spring", "autumn", "winter"}


@pytest.mark.parametrize("waves, message", [
    ([{"label": "w", "survey": "survey.csv", "tables": "survey.csv"}], "either 'survey'"),
    ([{"label": "Small study"}], "either 'survey'"),
    ([{"label": "small", "survey": "survey.csv"}], "names two waves"),
    ([{"label": "w", "survey": "gone.csv"}], "not found"),
])
def test_wave_settings_are_checked(write_study, waves, message):
    with pytest.raises(InputError, match=message):
        load_study(write_study(small_spec(waves=waves)))


def test_tables_of_another_wave_are_an_error(write_study, tmp_path):
    pd.DataFrame({"wave": ["x"], "form": ["perception"], "kind": ["item"], "measure": ["a1"],
                  "n": [3], "mean": [4.0], "sd": [1.0], "quadrant": [""]}).to_csv(
        tmp_path / "waves.csv", index=False)
    study = load_study(write_study(small_spec(waves=[{"label": "spring", "tables": "waves.csv"}])))
    with pytest.raises(InputError, match=r"waves.csv, column wave: no rows of wave 'spring'"):
        load_waves(study)


# -- scorecard ---------------------------------------------------------------------------------


def test_normalisation_in_both_directions():
    assert normalise([0.6, 0.8, 0.9], direction="benefit", target=0.8).tolist() == pytest.approx(
        [75.0, 100.0, 100.0])
    assert normalise([2, 4, 5, 0], direction="cost", target=4).tolist() == pytest.approx(
        [100.0, 100.0, 80.0, 100.0])
    # linear between worst (0) and target (100), both directions
    assert normalise([8, 12, 4, 30], direction="cost", target=4, worst=12).tolist() == \
        pytest.approx([50.0, 0.0, 100.0, 0.0])
    assert normalise([3.25, 1, 4.5], direction="benefit", target=4.5, worst=1).tolist() == \
        pytest.approx([64.28571428571429, 0.0, 100.0])
    assert np.isnan(normalise([np.nan], direction="cost", target=4)[0])


def test_weighted_index_by_hand():
    indicators = pd.DataFrame({"id": ["hours", "csat", "fcr", "fcr2"],
                               "group": ["speed", "satisfaction", "resolution", "resolution"],
                               "direction": ["cost", "benefit", "benefit", "benefit"],
                               "target": [4, 5, 0.8, 1.0]})
    kpi = pd.DataFrame({"unit": ["A", "B", "A", "B"], "period": ["Q1", "Q1", "Q2", "Q2"],
                        "hours": [8.0, 4.0, 4.0, 5.0], "csat": [4.0, 5.0, 4.5, np.nan],
                        "fcr": [0.8, 0.4, 0.6, 0.8], "fcr2": [0.5, 1.0, 0.7, 0.9]})
    result = scorecard(kpi, indicators=indicators,
                       weights={"speed": 2, "satisfaction": 1, "resolution": 1})
    s = result.scores.set_index(["unit", "period"])
    # A, Q1: speed 4/8 = 50; satisfaction 80; resolution mean(100, 50) = 75
    assert s.loc[("A", "Q1"), "index"] == pytest.approx((2 * 50 + 80 + 75) / 4)
    # B, Q2: satisfaction missing, so its weight is left out: speed 80, resolution 95
    assert s.loc[("B", "Q2"), "index"] == pytest.approx((2 * 80 + 95) / 3)
    assert not s.loc[("B", "Q2"), "complete"]
    assert s.loc[("A", "Q2"), "change"] == pytest.approx(
        s.loc[("A", "Q2"), "index"] - s.loc[("A", "Q1"), "index"])
    assert result.latest == "Q2" and list(result.ranked()["rank"]) == [1, 2]


def _kpi_study(write_study, tmp_path, kpi: pd.DataFrame):
    kpi.to_csv(tmp_path / "kpi.csv", index=False)
    spec = small_spec(data={"survey": "survey.csv", "kpi": "kpi.csv"},
                      scorecard={"indicators": [{"id": "hours", "group": "speed",
                                                 "direction": "cost", "target": 4}]})
    return load_study(write_study(spec))


def test_kpi_errors_name_file_column_and_rows(write_study, tmp_path):
    bad = pd.DataFrame({"unit": ["A", "A", "B"], "period": ["Q1", "Q1", "Q1"], "hours": [1, 2, 3]})
    with pytest.raises(InputError, match=r"kpi.csv, column unit: unit 'A' has more than one row "
                                         r"for period 'Q1' \(rows 2, 3\)"):
        load_kpi(_kpi_study(write_study, tmp_path, bad))
    bad = pd.DataFrame({"unit": ["A", "B"], "period": ["Q1", "Q1"], "hours": ["fast", 3]})
    with pytest.raises(InputError, match=r"kpi.csv, column hours: 1 values are not numbers"):
        load_kpi(_kpi_study(write_study, tmp_path, bad))
    with pytest.raises(InputError, match=r"kpi.csv: column not found: hours"):
        load_kpi(_kpi_study(write_study, tmp_path, bad.drop(columns="hours")))


def test_kpi_without_scorecard_settings_is_an_error(write_study, tmp_path):
    (tmp_path / "kpi.csv").write_text("unit,period\n", encoding="utf-8")
    with pytest.raises(InputError, match="'data.kpi' needs 'scorecard'"):
        load_study(write_study(small_spec(data={"survey": "survey.csv", "kpi": "kpi.csv"})))


# -- complaints --------------------------------------------------------------------------------


def _log(rows):
    frame = pd.DataFrame(rows, columns=["received", "closed", "channel", "category", "customer",
                                        "resolved", "satisfaction"])
    frame["received"] = pd.to_datetime(frame["received"])
    frame["closed"] = pd.to_datetime(frame["closed"])
    frame["unit"], frame["text"] = pd.NA, ""
    return frame


def test_time_to_close_percentiles_repeats_and_pareto_by_hand():
    log = _log([
        ("2026-01-01 00:00", "2026-01-01 01:00", "phone", "wait", "c1", 1.0, 4),   # 1 h
        ("2026-01-11 00:00", "2026-01-11 02:00", "phone", "wait", "c1", 1.0, 5),   # 2 h, repeat
        ("2026-03-02 00:00", "2026-03-02 03:00", "web", "wait", "c1", 0.0, 2),     # 3 h, 50 days
        ("2026-01-05 00:00", "2026-01-05 04:00", "web", "bill", "c2", 1.0, 3),     # 4 h
        ("2026-02-01 00:00", "2026-02-03 02:00", "phone", "staff", None, 1.0, np.nan),  # 50 h
        ("2026-02-10 00:00", None, "phone", "wait", "c3", 0.0, np.nan),            # open
    ])
    r = analyse_complaints(log, target_hours=48, repeat_days=30,
                           categories={"wait": "responsiveness", "bill": "reliability"},
                           gaps=pd.Series({"responsiveness": -0.5, "reliability": -0.2}),
                           min_size=1)  # the arithmetic, without disclosure control
    s = r.summary
    # closed: 1, 2, 3, 4, 50 hours. Type 7: median 3; p90 at h = 0.9 * 4 = 3.6: 4 + 0.6 * 46
    assert (s["median_hours"], s["p90_hours"]) == pytest.approx((3.0, 31.6))
    assert s["within_target"] == pytest.approx(4 / 5)
    assert (s["complaints"], s["closed"], s["open"]) == (6, 5, 1)
    assert s["resolution_rate"] == pytest.approx(4 / 6)
    assert s["repeats"] == 1 and s["repeat_share"] == pytest.approx(1 / 5)  # one without id
    assert s["satisfaction"] == pytest.approx(14 / 4)
    cats = r.categories.set_index("category")
    assert list(r.categories["category"]) == ["wait", "bill", "staff"]
    assert cats.loc["wait", "share"] == pytest.approx(4 / 6)
    assert cats.loc["wait", "median_hours"] == pytest.approx(2.0)
    assert cats.loc["bill", "cumulative"] == pytest.approx(5 / 6)
    assert list(r.dimensions["dimension"]) == ["responsiveness", "reliability"]
    assert list(r.dimensions["n"]) == [4, 1]
    assert list(r.periods["period"]) == ["2026-01", "2026-02", "2026-03"]
    assert list(r.periods["n"]) == [3, 2, 1]


def test_breakdowns_hide_what_too_few_complaints_give():
    # "staff" holds one complaint: its hours and satisfaction would be that customer's,
    # and with the totals published the smallest other category must be hidden with it.
    rows = [(f"2026-01-{d:02d} 00:00", f"2026-01-{d:02d} {h:02d}:00", "phone", cat, f"c{d}",
             1.0, 4) for d, h, cat in [(1, 1, "wait"), (2, 2, "wait"), (3, 3, "wait"),
                                       (4, 4, "wait"), (5, 5, "wait"), (6, 6, "wait"),
                                       (7, 7, "bill"), (8, 8, "bill"), (9, 9, "bill"),
                                       (10, 10, "bill"), (11, 11, "bill"), (12, 12, "staff")]]
    r = analyse_complaints(_log(rows), min_size=5)
    cats = r.categories.set_index("category")
    assert cats["n"].to_dict() == {"wait": 6, "bill": 5, "staff": 1}  # counts are shown
    stats = ["resolution_rate", "median_hours", "p90_hours", "within_target", "satisfaction"]
    assert cats.loc[["bill", "staff"], stats].isna().all().all()
    assert cats.loc["wait", stats].notna().all()
    assert r.periods[stats[:2]].notna().all().all()  # one month of 12 complaints


def test_pareto_keeps_ties_in_order():
    assert list(pareto(pd.Series({"a": 1, "b": 3, "c": 1}))["category"]) == ["b", "a", "c"]


def _complaint_study(write_study, tmp_path, text):
    (tmp_path / "log.csv").write_text(text, encoding="utf-8")
    spec = small_spec(data={"survey": "survey.csv", "complaints": "log.csv"})
    return load_study(write_study(spec))


@pytest.mark.parametrize("text, message", [
    ("received,channel,category\n2026-13-45,phone,wait\n",
     r"log.csv, column received: 1 values are not dates and times \('2026-13-45'\).*\(row 2\)"),
    ("received,closed,channel,category\n2026-01-02 10:00,2026-01-01 09:00,phone,wait\n",
     r"log.csv, column closed: 1 complaints closed before they were received \(row 2\)"),
    ("received,channel,category,resolved\n2026-01-02,phone,wait,maybe\n",
     r"log.csv, column resolved: resolved must be yes or no.*\(row 2\)"),
    ("received,channel\n2026-01-02,phone\n", r"log.csv: column not found: category"),
    ("received,channel,category\n2026-01-02,,wait\n",
     r"log.csv, column channel: 1 complaints have no channel \(row 2\)"),
])
def test_complaint_log_errors(write_study, tmp_path, text, message):
    with pytest.raises(InputError, match=message):
        load_complaints(_complaint_study(write_study, tmp_path, text))


def test_complaint_texts_are_masked(write_study, tmp_path):
    study = _complaint_study(write_study, tmp_path, "received,channel,category,text\n"
                             "2026-01-02,phone,wait,call me on 13912345678 please\n")
    assert "13912345678" not in load_complaints(study)["text"].iloc[0]


# -- maturity ----------------------------------------------------------------------------------


def test_iso_33020_rating_bounds():
    assert [rating(a) for a in (0.0, 0.15, 0.151, 0.5, 0.51, 0.85, 0.851, 1.0)] == \
        ["N", "N", "P", "P", "L", "L", "F", "F"]


def _assessment(levels: dict) -> pd.DataFrame:
    """Two practices per level and two assessors; ``levels``: area -> four ratings per level."""
    rows = []
    for area, per_level in levels.items():
        for level, ratings in zip(range(2, 6), per_level):
            for practice in ("p", "q"):
                for r in ratings:
                    rows.append({"area": area, "level": level, "practice": f"{practice}{level}",
                                 "rating": r})
    return pd.DataFrame(rows)


def test_maturity_scoring_by_hand():
    frame = _assessment({
        "fully to 3, largely 4": [(4, 4), (4, 3), (3, 3), (2, 1)],   # 100, 87.5, 75, 37.5%
        "stuck at 2": [(3, 3), (4, 4), (4, 4), (4, 4)],              # 2 only L: 3 is out of reach
        "initial": [(2, 2), (4, 4), (4, 4), (4, 4)],                 # 50% is P
        "optimizing": [(4, 4), (4, 4), (4, 4), (3, 4)],              # 87.5% at 5 is F
    })
    result = assess(frame, scale=(0, 4))
    areas = result.areas.set_index("area")
    assert areas["level"].to_dict() == {"fully to 3, largely 4": 4, "stuck at 2": 2,
                                        "initial": 1, "optimizing": 5}
    assert areas.loc["fully to 3, largely 4", "attainment_3"] == pytest.approx(0.875)
    assert areas.loc["fully to 3, largely 4", "rating_4"] == "L"
    assert result.level == 1
    steps = result.next_steps
    assert set(steps["area"]) == {"fully to 3, largely 4", "stuck at 2", "initial"}
    # To reach 5: level 5's practices, and level 4's (only largely achieved).
    first = steps[steps["area"] == "fully to 3, largely 4"]
    assert set(first["level"]) == {4, 5} and set(first["target_level"]) == {5}
    assert first["attainment"].is_monotonic_increasing


def test_maturity_scale_and_level_errors(write_study, tmp_path):
    (tmp_path / "m.csv").write_text("area,level,practice,rating\nA,6,x,3\n", encoding="utf-8")
    study = load_study(write_study(small_spec(data={"survey": "survey.csv", "maturity": "m.csv"})))
    with pytest.raises(InputError, match=r"m.csv, column level: 1 values outside the scale 2–5"):
        load_assessment(study)
    (tmp_path / "m.csv").write_text("area,level,practice,rating\nA,2,x,7\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"m.csv, column rating: 1 values outside the scale 0–4"):
        load_assessment(study)


# -- the demo against its generating model -------------------------------------------------------


@pytest.fixture(scope="module")
def demo():
    survey = load_survey(DEMO / "study.yml")
    truth = json.loads((DEMO / "ground_truth.json").read_text(encoding="utf-8"))["tracking"]
    return analyse(survey), truth


def test_demo_findings_name_what_moved_and_what_leads():
    survey = load_survey(DEMO / "study-en.yml")
    result = analyse(survey)
    satisfaction = findings(result, survey, "satisfaction")
    assert ("Since April 2026, Reliability, Responsiveness, Overall satisfaction improved "
            "significantly.") in satisfaction
    assert any(s.startswith("Internal-service scorecard (2026-Q3): Pharmacy leads") for s in satisfaction)
    assert any(s.startswith("420 complaints in the log; Waiting time alone accounts for 35.5%")
               for s in satisfaction)
    gap = findings(result, survey, "gap_model")
    assert "Service maturity is at level 1 (initial); the area holding it back most: " \
           "Continual improvement." in gap
    assert not any("scorecard" in s for s in gap)


def test_demo_waves_recover_the_designed_change(demo):
    result, truth = demo
    waves = result.waves
    assert waves.only_current == truth["previous_wave"]["items_only_in_this_wave"]
    changes = waves.changes("perception", "dimension").set_index("measure")
    assert set(changes["n_paired"]) == {truth["previous_wave"]["repeat_respondents"]}
    for dim, change in truth["previous_wave"]["perception_change"].items():
        assert changes.loc[dim, "ci_low"] < change < changes.loc[dim, "ci_high"], dim
    improved = set(changes.index[(changes["p_adjusted"] < 0.05) & (changes["change"] > 0)])
    assert improved == {"reliability", "responsiveness"}


def test_demo_scorecard_complaints_and_maturity(demo):
    result, truth = demo
    assert list(result.scorecard.ranked()["unit"]) == truth["scorecard"]["order"]
    c = result.complaints
    assert c.summary["complaints"] == truth["complaints"]["n"]
    assert c.categories["category"].iloc[0] == "等候时间"
    assert dict(zip(c.categories["category"], c.categories["dimension"])) == \
        truth["complaints"]["category_dimension"]
    levels = result.maturity.areas.set_index("area")["level"].to_dict()
    assert levels == truth["maturity"]["levels"]
    assert result.maturity.level == truth["maturity"]["overall"]


def test_a_study_without_tracking_files_has_no_tracking_parts(write_study):
    survey = load_survey(write_study())
    result = analyse(survey)
    assert (result.waves, result.scorecard, result.complaints, result.maturity) == \
        (None, None, None, None)


def test_demo_study_file_keeps_tracking_keys_documented():
    spec = yaml.safe_load((DEMO / "study.yml").read_text(encoding="utf-8"))
    assert {"waves", "scorecard", "complaints"} <= set(spec)
    assert {"kpi", "complaints", "maturity"} <= set(spec["data"])


def test_a_wave_label_that_looks_like_a_formula_survives_its_waves_csv(write_study, tmp_path):
    from sqmreport.present.report import formula_safe

    before = small_survey(n=30, seed=5)
    survey = load_survey(_wave_study(write_study, tmp_path, before))
    table = track(survey, load_waves(survey.study)).table.replace({"wave": {"autumn": "=autumn"}})
    formula_safe(table).to_csv(tmp_path / "waves.csv", index=False)  # as a build writes it
    assert "'=autumn" in (tmp_path / "waves.csv").read_text()
    spec = small_spec(waves=[{"label": "=autumn", "tables": "waves.csv"}], wave="winter")
    later = load_survey(write_study(spec))
    assert track(later, load_waves(later.study)).previous == "=autumn"


@pytest.mark.parametrize("how", ["no_ids", "tables"])
def test_the_page_says_when_waves_cannot_be_paired(write_study, tmp_path, monkeypatch, how):
    # Before: "Respondents who answered both waves are compared with themselves" was printed
    # for a survey without respondent ids and for a wave known only from its tables.
    from sqmreport.analysis import tracking as trk
    from sqmreport.present import Report
    from sqmreport.present.views import tracking as track_view

    before = small_survey(n=30, seed=5)
    before["id"] = [f"y{i}" for i in range(30)]
    survey = load_survey(_wave_study(write_study, tmp_path, before))
    if how == "tables":
        track(survey, load_waves(survey.study)).table.to_csv(tmp_path / "waves.csv", index=False)
        spec = small_spec(waves=[{"label": "autumn", "tables": "waves.csv"}], wave="winter")
    else:
        spec = small_spec(waves=[{"label": "spring", "survey": "before.csv"}], wave="autumn")
        spec.pop("respondent_id")
    later = load_survey(write_study(spec))
    assert later.ids is None or how == "tables"
    outputs = []
    monkeypatch.setattr("sqmreport.present.report._display", outputs.append)
    track_view.waves(Report(later, "satisfaction"), trk.waves(later))
    page = "".join(outputs)
    assert "compared with themselves" not in page
    assert ("no respondent ids" if how == "no_ids" else "known only from the tables") in page


def test_a_categorical_overall_is_not_tracked_as_a_mean(write_study, tmp_path):
    """A share satisfied is not a rating: the waves compare the ratings and leave it out."""
    before = small_survey(n=24, seed=11)
    before["id"] = [f"old{i}" for i in range(24)]
    survey = load_survey(_wave_study(write_study, tmp_path, before,
                                     overall={"column": "overall", "satisfied": [4, 5]}))
    assert survey.overall_binary
    result = track(survey, load_waves(survey.study))
    changes = result.changes("perception", ("dimension", "overall"))
    assert "overall" not in set(changes["measure"]) and len(changes) == 2
