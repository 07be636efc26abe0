"""Improper CFA solutions and the fit verdict's uncertainty, said on the page (issue 13, item 6).

The checks follow lavaan's ``lav_object_post_check`` (``lavInspect(fit, "post.check")``):
negative observed or latent variances, and a latent covariance matrix with an eigenvalue
below −ε^¾; standardized loadings of 1 or more and factor correlations of ±0.995 or more
are flagged as well.
"""

import numpy as np
import pandas as pd
import pytest

from sqmreport import load_survey
from sqmreport.analysis import factor_analysis as fa
from sqmreport.present.report import Report
from sqmreport.present.views import factor_analysis as show
from sqmreport.stats.cfa import NEAR_ONE, fit_cfa, improper_solution

from .conftest import REPO, small_spec

HS = pd.read_csv(REPO / "tests" / "reference" / "holzinger_swineford.csv")
MODEL = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}
TWO = pd.DataFrame({"factor": ["a", "a", "b", "b"], "item": ["q1", "q2", "q3", "q4"],
                    "loading": [0.8, 0.7, 0.7, 0.85]})
THETA = pd.Series({"q1": 0.4, "q2": 0.5, "q3": 0.5, "q4": 0.3})


def _phi(r, variances=(1.0, 1.0)):
    sd = np.sqrt(np.abs(variances)) * np.sign(variances)
    return pd.DataFrame([[variances[0], r * sd[0] * sd[1]], [r * sd[0] * sd[1], variances[1]]],
                        index=["a", "b"], columns=["a", "b"])


def test_a_proper_solution_has_no_signs():
    assert improper_solution(_phi(0.6), THETA, TWO).empty
    assert fit_cfa(HS, MODEL).improper.empty  # Holzinger-Swineford: lavaan gives no warning


@pytest.mark.parametrize("r, checks", [
    (0.994, []),
    (NEAR_ONE, ["correlation_near_one"]),
    (-0.9985, ["correlation_near_one"]),
    (1.0 + 1e-13, ["correlation_near_one"]),  # a rounding error, not a negative eigenvalue
    (1.02, ["factor_covariance_not_positive_definite", "correlation_near_one"]),
])
def test_factor_correlations_and_positive_definiteness(r, checks):
    table = improper_solution(_phi(r), THETA, TWO)
    assert table["check"].tolist() == checks
    if "factor_covariance_not_positive_definite" in checks:
        assert table.iloc[0]["value"] == pytest.approx(1 - 1.02)  # eigenvalues of [[1, r], [r, 1]]: 1 ± r


def test_heywood_cases():
    theta = THETA.copy()
    theta["q2"] = -0.05
    loadings = TWO.assign(loading=[0.8, 1.02, 0.7, -1.0])
    table = improper_solution(_phi(0.5), theta, loadings)
    assert table[["check", "name", "value"]].values.tolist() == [
        ["negative_residual_variance", "q2", -0.05], ["loading_of_one_or_more", "q2", 1.02],
        ["loading_of_one_or_more", "q4", -1.0]]


def test_a_negative_factor_variance_replaces_the_eigenvalue_check_as_in_lavaan():
    table = improper_solution(_phi(0.5, variances=(1.0, -0.2)), THETA, TWO)
    assert table["check"].tolist() == ["negative_factor_variance"]
    assert table.iloc[0]["name"] == "b"


def _same_factor(seed: int, n: int = 60) -> pd.DataFrame:
    """Three factors, two of which are one and the same."""
    rng = np.random.default_rng(seed)
    f = rng.standard_normal((n, 2))
    cols = {}
    for k, latent in (("a", f[:, 0]), ("b", f[:, 1]), ("c", f[:, 1])):
        for j in range(1, 4):
            cols[f"{k}{j}"] = 0.7 * latent + 0.7 * rng.standard_normal(n)
    return pd.DataFrame(cols)


THREE = {"a": ["a1", "a2", "a3"], "b": ["b1", "b2", "b3"], "c": ["c1", "c2", "c3"]}


@pytest.mark.parametrize("seed, checks", [
    (0, ["factor_covariance_not_positive_definite", "correlation_near_one"]),
    (6, ["factor_covariance_not_positive_definite"]),
    (35, ["correlation_near_one"]),
])
def test_fitted_improper_solutions(seed, checks):
    result = fit_cfa(_same_factor(seed), THREE)
    assert result.improper["check"].tolist() == checks
    phi = np.diag(1 / np.sqrt(result.factor_variances)) @ result.factor_correlations.to_numpy()
    if "factor_covariance_not_positive_definite" in checks:
        smallest = np.linalg.eigvalsh(np.diag(np.sqrt(result.factor_variances)) @ phi)
        assert smallest.min() < 0
    if "correlation_near_one" in checks:
        row = result.improper[result.improper["check"] == "correlation_near_one"].iloc[0]
        assert (row["name"], row["other"]) == ("b", "c")
        assert row["value"] == pytest.approx(result.factor_correlations.loc["b", "c"])


def test_a_fitted_heywood_case():
    rng = np.random.default_rng(3)
    n = 50
    f = rng.multivariate_normal([0, 0], [[1, .3], [.3, 1]], size=n)
    data = pd.DataFrame({"a1": f[:, 0] + 0.1 * rng.standard_normal(n),
                         "a2": 0.5 * f[:, 0] + rng.standard_normal(n),
                         "a3": 0.5 * f[:, 0] + rng.standard_normal(n),
                         **{f"b{j}": 0.7 * f[:, 1] + 0.7 * rng.standard_normal(n) for j in (1, 2, 3)}})
    result = fit_cfa(data, {"a": ["a1", "a2", "a3"], "b": ["b1", "b2", "b3"]})
    assert result.improper[["check", "name"]].values.tolist() == [
        ["negative_residual_variance", "a1"], ["loading_of_one_or_more", "a1"]]
    assert result.heywood == ["a1"]
    assert result.residual_variances["a1"] < 0


# -- the verdict uses the RMSEA interval ---------------------------------------------------

def _fit(**values):
    fit = {"chi2": 30.0, "df": 24, "cfi": 0.91, "rmsea": 0.07, "rmsea_ci_low": 0.06,
           "rmsea_ci_high": 0.079, "srmr": 0.07}
    return fit | values


@pytest.mark.parametrize("fit, verdict", [
    (_fit(), "acceptable"),
    (_fit(cfi=0.80, rmsea=0.11, rmsea_ci_low=0.09, rmsea_ci_high=0.13), "poor"),
    # 39 complete responses: a point of .11 whose interval runs from 0 to .24 decides nothing
    (_fit(cfi=0.80, rmsea=0.11, rmsea_ci_low=0.0, rmsea_ci_high=0.24), "undetermined"),
    (_fit(cfi=0.99, rmsea=0.0, rmsea_ci_low=0.0, rmsea_ci_high=0.12, srmr=0.04), "undetermined"),
    (_fit(df=0, rmsea=np.nan, rmsea_ci_low=np.nan, rmsea_ci_high=np.nan), "untestable"),
])
def test_cfa_verdict(fit, verdict):
    assert fa.cfa_verdict(fit) == verdict


def test_few_complete_cases_leave_the_fit_undetermined():
    result = fit_cfa(HS.head(39), MODEL)
    assert result.n_obs == 39
    assert result.fit["rmsea_ci_low"] <= 0.05 and result.fit["rmsea_ci_high"] >= 0.10
    assert fa.cfa_verdict(result.fit) == "undetermined"
    assert fa.cfa_verdict(fit_cfa(HS, MODEL).fit) == "poor"  # all 301: CI .071-.114


# -- on the page ----------------------------------------------------------------------------

def _two_dimensions_that_are_one(seed: int, n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = rng.standard_normal(n)
    frame = pd.DataFrame({"id": [f"r{i}" for i in range(n)]})
    for item in ("a1", "a2", "b1", "b2"):
        frame[f"P_{item}"] = np.clip(np.round(3 + f + 0.8 * rng.standard_normal(n)), 1, 5).astype(int)
    frame["overall"] = rng.integers(1, 6, size=n)
    frame["nps"] = rng.integers(0, 11, size=n)
    frame["region"] = rng.choice(["north", "south"], size=n)
    frame["name"] = "x"
    return frame


@pytest.mark.parametrize("language", ["en", "zh"])
def test_an_improper_solution_is_said_beside_the_fit_and_the_verdict(write_study, shown, language):
    # seed 18: Φ not positive definite (r = 1.0135) and a fit that would pass as acceptable
    path = write_study(small_spec(language=language), _two_dimensions_that_are_one(18))
    survey = load_survey(path)
    model = fa.cfa(survey)
    assert model.improper["check"].tolist() == ["factor_covariance_not_positive_definite",
                                                "correlation_near_one"]
    rep = Report(survey, "factor_analysis")
    show.cfa(rep, model)
    show.validity(rep, model)
    page = "\n".join(shown)
    findings = " ".join(rep.collected_findings)
    if language == "en":
        assert "Caution, improper solution: the covariance matrix of the dimensions is not positive " \
               "definite (smallest eigenvalue −0.0" in page  # a true minus sign
        # beside the fit and the validity tables, with the value as the tables round it
        assert page.count("Caution: Alpha and Beta correlate at 1.0135 in the model (shown as 1.01 where") == 2
        assert "Caution: the solution is improper (a covariance matrix of the dimensions that is not " \
               "positive definite)" in findings
        assert "In the model, Alpha and Beta correlate at 0.995 or more: these dimensions are not " \
               "distinct" in findings
    else:
        assert "注意，解不合理：维度的协方差矩阵非正定" in page
        assert "注意：解不合理" not in findings and "注意：该解不合理（维度协方差矩阵非正定）" in findings


def test_a_correlation_of_almost_one_is_not_shown_as_1_without_a_caution(write_study, shown):
    # seed 26: r = 0.9999 between the two dimensions, an admissible solution otherwise
    survey = load_survey(write_study(small_spec(), _two_dimensions_that_are_one(26)))
    model = fa.cfa(survey)
    assert model.improper["check"].tolist() == ["correlation_near_one"]
    rep = Report(survey, "factor_analysis")
    show.cfa(rep, model)
    show.validity(rep, model)
    page = "\n".join(shown)
    assert "1.00" in page  # the Fornell-Larcker table rounds it ...
    assert "Caution: Alpha and Beta correlate at 0.9999 in the model (shown as 1.00 where two decimals" in page
    findings = " ".join(rep.collected_findings)
    assert "improper" not in findings and "Alpha and Beta correlate at 0.995 or more" in findings


def test_the_verdict_says_when_the_data_cannot_decide(write_study, shown):
    survey = load_survey(write_study(small_spec(), _two_dimensions_that_are_one(1)))
    model = fa.cfa(survey)
    assert model.verdict == "undetermined" and model.improper.empty
    rep = Report(survey, "factor_analysis")
    show.cfa(rep, model)
    findings = " ".join(rep.collected_findings)
    assert findings.startswith("With 40 complete responses the data cannot decide how well the "
                               "confirmatory model fits")
