"""The satisfaction result as :func:`~sqmreport.analysis.satisfaction.analyse` returns it:
the priorities kept whole, the grey ranking on the groups the comparison shows, the
recommend question as a rating."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sqmreport import load_survey
from sqmreport.analysis import satisfaction as sat
from sqmreport.present.views import priorities as priority_view
from sqmreport.present.views import satisfaction as sat_view
from sqmreport.stats import descriptives as desc
from sqmreport.stats.priority import PriorityResult

from .conftest import small_spec, small_survey

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo" / "study.yml"


@pytest.fixture(scope="module")
def demo():
    return load_survey(DEMO)


def _small_groups(folder: Path, seed: int):
    """A study whose two segments have groups of 1 to 12 people, blanks, and items some
    respondents skip: cells hidden by size, by answers and to protect others."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(12, 60))
    frame = small_survey(n=n, seed=seed)
    sizes = rng.choice([1, 2, 3, 4, 5, 6, 8, 12], size=rng.integers(2, 7))
    values = pd.Series(np.repeat([f"g{i}" for i in range(len(sizes))], sizes).astype(object))
    values = values.reindex(range(n)).to_numpy()
    rng.shuffle(values)
    frame["region"] = values
    frame["unit"] = rng.choice(["u1", "u2", "u3", "u4"], size=n, p=[.5, .3, .15, .05])
    for column in ("P_a1", "P_b2"):
        frame[column] = frame[column].astype(float).mask(rng.uniform(size=n) < rng.uniform(0, .5))
    spec = small_spec(min_group_size=int(rng.integers(3, 7)), segments=["region", "unit"])
    frame.to_csv(folder / "survey.csv", index=False)
    path = folder / "study.yml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_survey(path)


def _same_grey(survey) -> tuple[int, int]:
    """Grey from the comparison's hidden cells equals grey deciding them again; returns
    how many groups were left out of a ranking, and how many rankings were made."""
    compared = sat.segments(survey)
    left_out = ranked = 0
    for segment in survey.segments.columns:
        before = sat.grey(survey, segment=segment)
        after = sat.grey(survey, segment=segment, segments=compared)
        assert (before.segment, before.min_size, before.problem) == \
            (after.segment, after.min_size, after.problem)
        assert (before.result is None) == (after.result is None)
        if before.result is not None:
            ranked += 1
            pd.testing.assert_frame_equal(before.result.grades, after.result.grades)
            pd.testing.assert_frame_equal(before.result.coefficients, after.result.coefficients)
        scores = desc.dimension_scores(survey.ratings["perception"],
                                       dimension_of=survey.instrument.dimension_of())
        hidden = desc.hidden_cells(scores, survey.segments[segment], min_size=after.min_size)
        from_comparison = sat._hidden_groups(compared.comparison.groups, segment, scores.columns)
        assert from_comparison.to_dict() == hidden.any(axis=1).to_dict()
        left_out += int(from_comparison.sum())
    return left_out, ranked


def test_grey_takes_the_groups_the_comparison_hid_on_the_demo(demo):
    _same_grey(demo)
    assert sat.analyse(demo).grey.grades.equals(sat.grey(demo).result.grades)


def test_grey_takes_the_groups_the_comparison_hid_with_small_groups(tmp_path):
    left_out = ranked = 0
    for seed in range(20):
        folder = tmp_path / str(seed)
        folder.mkdir()
        hid, made = _same_grey(_small_groups(folder, seed))
        left_out, ranked = left_out + hid, ranked + made
    assert left_out > 0 and ranked > 0  # the studies do hide groups, and do rank some


def test_grey_refuses_a_min_size_other_than_the_comparisons(demo):
    compared = sat.segments(demo)
    with pytest.raises(ValueError, match="`min_size` must be the segment comparison's"):
        sat.grey(demo, segments=compared, min_size=compared.min_size + 1)
    assert sat.grey(demo, segments=compared, min_size=compared.min_size).min_size == compared.min_size


def test_the_result_keeps_the_priority_model_whole(demo):
    result = sat.analyse(demo)
    assert isinstance(result.priorities, PriorityResult)
    assert result.q_matrix is result.priorities.table
    pd.testing.assert_frame_equal(result.q_matrix, sat.q_matrix(demo).table)
    said = priority_view.findings(result.priorities, demo)
    assert said and said == priority_view.findings(sat.q_matrix(demo).result, demo)


def test_without_importance_there_are_no_priorities(write_study):
    result = sat.analyse(load_survey(write_study(small_spec(overall=None))))
    assert result.priorities is None and result.q_matrix is None


def _recommend_rating_study(write_study):
    frame = small_survey(n=40)
    frame["nps"] = np.random.default_rng(3).integers(1, 6, size=40)
    return load_survey(write_study(small_spec(recommend={"column": "nps",
                                                         "scale": {"min": 1, "max": 5}}), frame))


def test_the_result_keeps_a_recommend_rating(write_study):
    survey = _recommend_rating_study(write_study)
    result = sat.analyse(survey)
    assert result.nps is None
    pd.testing.assert_frame_equal(result.recommend, sat.nps(survey).rating)
    assert result.recommend_scale == (1, 5)
    assert result.recommend["mean"].iloc[0] == pytest.approx(survey.recommend.mean())


def test_the_recommend_finding_is_in_the_results_findings(write_study, shown, tmp_path):
    from sqmreport.present.report import Report

    survey = _recommend_rating_study(write_study)
    rep = Report(survey, "satisfaction", tables_dir=tmp_path / "tables")
    sat_view.nps(rep, sat.nps(survey))
    page = [s for s in rep.collected_findings if s.startswith("Likelihood to recommend")]
    assert len(page) == 1
    assert page[0] in sat_view.findings(sat.analyse(survey), survey)
