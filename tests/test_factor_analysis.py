"""The factor-analysis report's analysis on the demo, and on data that defeat it."""

import html
import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

from sqmreport import load_survey
from sqmreport.analysis.factor_analysis import analyse
from sqmreport.present.views.factor_analysis import findings

from .conftest import DEMO


@pytest.fixture(scope="module")
def demo():
    survey = load_survey(DEMO / "study.yml")
    return survey, analyse(survey)


def test_the_demo_recovers_its_five_dimensions(demo):
    _, result = demo
    assert result.problems == {}
    assert result.suggested["parallel"] == 5 and result.suggested["map"] == 5
    assert sorted(result.matching["dimension"]) == sorted(
        ["tangibles", "reliability", "responsiveness", "assurance", "empathy"])
    assert (result.matching["recovered"] == result.matching["items"]).all()
    assert not result.flags[["cross_loading", "weak"]].any().any()


def test_findings_say_so_in_plain_words(demo):
    survey, result = demo
    text = " ".join(findings(result, survey))
    assert "5 因子解还原了量表的 5 个维度：全部 22 个题项都在其所属维度的因子上载荷最大" in text


def test_reliability_and_cfa_of_the_demo(demo):
    _, result = demo
    assert (result.reliability["alpha"] > 0.9).all()
    assert result.cfa.fit["cfi"] > 0.95
    assert set(result.validity["factor"]) == set(result.reliability["dimension"])


def _broken_study(tmp_path, change):
    shutil.copytree(DEMO, tmp_path / "s")
    path = tmp_path / "s" / "survey.csv"
    data = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    change(data)
    data.to_csv(path, index=False, encoding="utf-8-sig")
    return load_survey(tmp_path / "s" / "study.yml")


def test_a_constant_item_is_explained_not_raised(tmp_path):
    survey = _broken_study(tmp_path, lambda d: d.__setitem__("P3", "5"))
    result = analyse(survey)
    assert "item 3 has no variance" in str(result.problems["efa"])
    assert result.problems["efa"].key == "no_variance"
    assert result.efa is None
    assert "无法计算探索性因子分析" in " ".join(findings(result, survey))


def test_collinear_items_are_explained(tmp_path):
    survey = _broken_study(tmp_path, lambda d: d.__setitem__("P2", d["P1"]))
    result = analyse(survey)
    assert "items 1 and 2 are perfectly collinear" in str(result.problems["efa"])
    assert result.problems["efa"].values == {"a": "1", "b": "2"}


def test_the_ordinal_option_feeds_every_efa_step(tmp_path):
    shutil.copytree(DEMO, tmp_path / "s")
    path = tmp_path / "s" / "study.yml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec.setdefault("analysis", {})["factor_analysis"] = {"correlation": "polychoric"}
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    survey = load_survey(path)
    result = analyse(survey)
    assert result.problems == {}
    from sqmreport.stats import efa
    expected = efa.polychoric(survey.ratings["perception"])
    np.testing.assert_allclose(result.correlation.to_numpy(), expected.to_numpy())
    assert (result.matching["recovered"] == result.matching["items"]).all()


def test_the_page_says_which_parallel_analysis_was_used(monkeypatch):
    from sqmreport.analysis import factor_analysis as fa
    from sqmreport.present import report
    from sqmreport.present.views import factor_analysis as show

    survey = load_survey(DEMO / "study-en.yml")
    shown = []
    monkeypatch.setattr(report, "_display", shown.append)
    rep = report.Report(survey, "factor_analysis")
    default = fa.factors(survey)
    assert (default.communalities, default.quantile, default.suggested["parallel"]) == ("minres", None, 5)
    show.factors(rep, default)
    show.factors(rep, fa.factors(survey, communalities="smc", quantile=0.95))
    page = html.unescape("\n".join(shown))
    assert ("the factor model (factors: the correlation matrix with the communalities of a one-factor "
            "solution on its diagonal) beside the mean of 50 random data sets") in page
    assert ("Parallel analysis suggests 5 factors. It compares the eigenvalues of the factor model (the "
            "communalities of a one-factor solution on the diagonal of the correlation matrix, the default "
            "of R's psych) with the mean of those of random data.") in page
    assert "(the squared multiple correlations on the diagonal" in page
    assert "with the 95th percentile of those of random data; this variant tends to suggest more" in page
