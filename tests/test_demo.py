"""The demo study's reports recover the truth its generator put in (data/demo/ground_truth.json)."""

import json

import numpy as np
import pytest

from sqmreport import load_survey
from sqmreport.analysis.satisfaction import analyse
from sqmreport.stats.descriptives import dimension_scores

from .conftest import DEMO

TRUTH = json.loads((DEMO / "ground_truth.json").read_text(encoding="utf-8"))
DIMENSIONS = list(TRUTH["dimensions"])


@pytest.fixture(scope="module")
def survey():
    return load_survey(DEMO / "study.yml")


@pytest.fixture(scope="module")
def result(survey):
    return analyse(survey)


def _within(estimate, se, truth, k=3.5):
    return abs(estimate - truth) <= k * se


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_expectation_means_recover_the_truth(survey, dimension):
    scores = dimension_scores(survey.ratings["expectation"], dimension_of=survey.instrument.dimension_of())
    x = scores[dimension].dropna()
    assert _within(x.mean(), x.std() / np.sqrt(len(x)), TRUTH["dimensions"][dimension]["expectation"])


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_perception_means_of_the_reference_department_recover_the_truth(survey, dimension):
    scores = dimension_scores(survey.ratings["perception"], dimension_of=survey.instrument.dimension_of())
    x = scores.loc[survey.segments["department"] == "内科", dimension].dropna()
    assert _within(x.mean(), x.std() / np.sqrt(len(x)), TRUTH["dimensions"][dimension]["perception"])


def test_share_below_expectation_is_near_the_case(survey):
    # The case: 40% of patients rated the service below their expectation.
    reference = survey.segments["department"] == "内科"
    gap = (survey.ratings["perception"] - survey.ratings["expectation"]).mean(axis=1)[reference]
    share = (gap < 0).mean()
    truth = TRUTH["share_below_expectation"]
    assert _within(share, np.sqrt(truth * (1 - truth) / reference.sum()), truth)


def test_response_rate(result):
    assert result.response["response_rate"].iloc[0] == pytest.approx(TRUTH["response_rate"])


def test_department_effects_are_found(result):
    groups = result.segments.groups.query("segment == 'department'").set_index(["measure", "value"])
    assert groups.loc[("reliability", "外科"), "mean"] > groups.loc[("reliability", "内科"), "mean"]
    assert groups.loc[("empathy", "儿科"), "mean"] > groups.loc[("empathy", "内科"), "mean"]
    assert groups.loc[("responsiveness", "妇产科"), "mean"] < groups.loc[("responsiveness", "内科"), "mean"]
    tests = result.segments.tests.query("segment == 'department'").set_index("measure")
    assert tests.loc["responsiveness", "p_value"] < 0.01
    # the two departments below the minimum group size are suppressed everywhere
    suppressed = result.segments.groups.query("segment == 'department' and suppressed")
    assert set(suppressed["value"]) == {"急诊", "康复科"}


def test_reliability_is_the_strongest_driver(result):
    top = result.drivers.table.sort_values("rank").iloc[0]
    assert top["driver"] == "reliability"
