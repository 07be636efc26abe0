"""The gap report's analysis: on the demo, on a survey-only study, on any instrument."""

import json
import re

import numpy as np
import pandas as pd
import pytest

from sqmreport import InputError, load_survey
from sqmreport.analysis.gap_model import analyse
from sqmreport.present.views.gap_model import findings
from sqmreport.stats.servqual import respondent_gaps

from .conftest import DEMO

TRUTH = json.loads((DEMO / "ground_truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo():
    survey = load_survey(DEMO / "study.yml")
    return survey, analyse(survey)


@pytest.mark.parametrize("dimension", list(TRUTH["dimensions"]))
def test_gaps_of_the_reference_department_recover_the_truth(demo, dimension):
    survey, _ = demo
    gaps = respondent_gaps(survey.ratings["expectation"], survey.ratings["perception"],
                           dimension_of=survey.instrument.dimension_of())
    x = gaps.loc[survey.segments["department"] == "内科", dimension].dropna()
    assert abs(x.mean() - TRUTH["dimensions"][dimension]["gap"]) <= 3.5 * x.std() / np.sqrt(len(x))


def test_every_gap_is_measured_in_the_demo(demo):
    _, result = demo
    assert result.measured == ("gap1", "gap2", "gap3", "gap4", "gap5")
    # managers were generated to underrate reliability and empathy expectations (gap 1 < 0)
    model = result.model.set_index("dimension")
    assert model.loc["reliability", "gap1"] < -0.3 and model.loc["empathy", "gap1"] < -0.2
    assert model.loc["tangibles", "gap1"] > 0
    assert result.delivery.defects["sigma"].iloc[0] == pytest.approx(4.73, abs=0.01)


def test_tables_have_the_documented_columns(demo):
    _, result = demo
    assert {"item", "dimension", "expectation", "perception", "gap", "gap_ci_low", "gap_ci_high",
            "p_value", "p_adjusted", "n"} <= set(result.items.columns)
    assert list(result.dimensions.columns) == ["dimension", "expectation", "perception", "gap",
                                               "gap_ci_low", "gap_ci_high", "share_below", "n"]


def test_priorities_rank_shortfalls_only(demo):
    _, result = demo
    q = result.q_matrix
    assert q.loc[q["gap"] >= 0, "priority_rank"].isna().all()
    first = q.sort_values("priority_rank").iloc[0]
    assert first["score"] == q["score"].max()


def test_no_priority_is_labelled_against_its_evidence(demo):
    # Before: the demo's worst-rated item (11) was "low priority" (importance 5.74 against a
    # cut of 5.80), and rank 2 of the priority table said "low priority".
    survey, result = demo
    q = result.q_matrix.set_index("item")
    worst = q["performance"].idxmin()
    assert q.loc[worst, "action"] == "improve_first" and "improve" in q.loc[worst, "quadrants"]
    assert not q["sure"].loc[worst]  # its importance is within the margin of the cut
    ranked = q.dropna(subset=["priority_rank"])
    assert (ranked["action"] != "meets").all() and q.loc[q["action"] == "meets", "score"].eq(0).all()
    assert (q.loc[q["action"] == "improve_first", "score_low"] > 0).all()
    assert (q.loc[q["action"] == "watch", "score_low"] <= 0).all()


def test_both_reports_name_the_same_priorities_with_the_same_figures(demo):
    from sqmreport.analysis import satisfaction as sat
    from sqmreport.present.views import gap_model as gap_view
    from sqmreport.present.views import satisfaction as sat_view

    survey, result = demo
    pd.testing.assert_frame_equal(sat.q_matrix(survey).table, result.q_matrix)
    same = [f for f in gap_view.findings(result, survey) if f.startswith("Improve first")
            or f.startswith("应优先改进")]
    assert same and all(f in sat_view.findings(sat.analyse(survey), survey) for f in same)


def test_the_gap_result_keeps_its_priority_model(demo):
    # Before: GapResult held the priority table alone, and the findings rebuilt a
    # PriorityResult from it with placeholder fields (no rules, no bootstrap size).
    from sqmreport.present.views.priorities import findings as priority_findings
    from sqmreport.stats.priority import PriorityResult

    survey, result = demo
    assert isinstance(result.priorities, PriorityResult)
    assert result.priorities.n_boot == 2000 and result.priorities.shortfall == "gap"
    assert result.q_matrix is result.priorities.table
    said = priority_findings(result.priorities, survey)
    assert said and all(s in findings(result, survey) for s in said)


def test_gap_findings_write_numbers_as_the_tables_do(demo):
    # Shares with the tables' decimal, signed gaps with a true minus, gap 3 in % of target.
    survey, result = demo
    said = " ".join(findings(result, survey))
    servqual = next(s for s in findings(result, survey) if "SERVQUAL" in s)
    assert re.search(r"\d+\.\d% ", servqual), servqual
    gap3 = next(s for s in findings(result, survey) if s.startswith("差距 3"))
    assert re.search(r"相对目标 [−+]\d+\.\d%", gap3), gap3
    assert "-" not in said.replace("Holm-", "")


def _survey_only(tmp_path, items: dict, scale: tuple, n: int = 120, seed: int = 5):
    """A study with only a customer survey for a custom instrument."""
    rng = np.random.default_rng(seed)
    dims = list(dict.fromkeys(items.values()))
    frame = pd.DataFrame({"id": range(n)})
    lo, hi = scale
    for item, dim in items.items():
        base = rng.normal(0.7, 0.15) * (hi - lo) + lo
        frame[f"E_{item}"] = np.clip(np.rint(base + rng.normal(0, (hi - lo) / 8, n)), lo, hi).astype(int)
        frame[f"P_{item}"] = np.clip(np.rint(base - (hi - lo) * 0.05 * (dims.index(dim) % 3)
                                             + rng.normal(0, (hi - lo) / 8, n)), lo, hi).astype(int)
    frame.to_csv(tmp_path / "survey.csv", index=False)
    spec = {"name": "custom", "title": "Custom", "language": "en", "data": {"survey": "survey.csv"},
            "respondent_id": "id",
            "instrument": {"dimensions": {d: d.title() for d in dims},
                           "items": [{"id": i, "dimension": d} for i, d in items.items()]},
            "columns": {"expectation": "E_{item}", "perception": "P_{item}"},
            "scale": {"min": lo, "max": hi}, "reports": ["gap_model"]}
    import yaml
    (tmp_path / "study.yml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    return load_survey(tmp_path / "study.yml")


def test_a_survey_only_study_says_which_gaps_it_cannot_measure(tmp_path):
    items = {f"K{i}": f"d{(i - 1) // 3 + 1}" for i in range(1, 25)}  # 24 items, 8 dimensions
    survey = _survey_only(tmp_path, items, (1, 7))
    result = analyse(survey)
    assert result.measured == ("gap5",)
    assert list(result.model.columns) == ["dimension", "gap5"]
    assert len(result.items) == 24 and len(result.dimensions) == 8
    assert result.zone is None and result.delivery is None
    text = " ".join(findings(result, survey))
    assert "Not measured with the data given: Gap 1, knowledge gap, Gap 2" in text


def test_a_100_point_airline_survey(tmp_path):
    items = {f"A{i}": ["cabin", "crew", "punctuality", "booking", "food"][i % 5] for i in range(1, 24)}
    survey = _survey_only(tmp_path, items, (1, 100))
    result = analyse(survey)
    assert len(result.items) == 23
    # gaps are in points of the 1-100 scale
    assert result.dimensions["gap"].abs().max() > 1
    assert result.summary.servperf > 50


def test_gap_report_needs_expectations(write_study):
    from .conftest import small_spec
    with pytest.raises(InputError, match="the gap_model report needs the expectation form"):
        load_survey(write_study(small_spec(reports=["gap_model"])))
