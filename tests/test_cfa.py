"""CFA and validity against lavaan and semTools on Holzinger-Swineford (tests/reference/)."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from sqmreport import InputError
from sqmreport.stats.cfa import fit_cfa
from sqmreport.stats.validity import (
    average_variance_extracted,
    composite_reliability,
    fornell_larcker,
    htmt,
    validity_table,
)

from .conftest import REPO

REF = REPO / "tests" / "reference"
HS = pd.read_csv(REF / "holzinger_swineford.csv")
MODEL = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}


@pytest.fixture(scope="module")
def result():
    return fit_cfa(HS, MODEL)


@pytest.mark.parametrize("measure", ["chi2", "df", "p_value", "cfi", "tli", "rmsea", "rmsea_ci_low",
                                     "rmsea_ci_high", "srmr", "aic", "bic"])
def test_fit_measures_match_lavaan(result, measure):
    reference = pd.read_csv(REF / "cfa_fit.csv").set_index("measure")["value"]
    assert result.fit[measure] == pytest.approx(reference[measure], abs=1e-3)


def test_the_published_holzinger_swineford_fit(result):
    # the lavaan tutorial: chi2 85.306, df 24, CFI .931, TLI .896, RMSEA .092, SRMR .065
    f = result.fit
    assert (round(f["chi2"], 3), f["df"], round(f["cfi"], 3), round(f["tli"], 3),
            round(f["rmsea"], 3), round(f["srmr"], 3)) == (85.306, 24, 0.931, 0.896, 0.092, 0.065)


def test_standardized_loadings_match_lavaan(result):
    reference = pd.read_csv(REF / "cfa_loadings.csv")
    assert result.loadings[["factor", "item"]].values.tolist() == reference[["factor", "item"]].values.tolist()
    assert_allclose(result.loadings["loading"], reference["loading"], atol=1e-3)


def test_factor_correlations_match_lavaan(result):
    for a, b, value in pd.read_csv(REF / "cfa_factor_correlations.csv").itertuples(index=False):
        assert result.factor_correlations.loc[a, b] == pytest.approx(value, abs=1e-3)


def test_composite_reliability_and_ave_match_semtools(result):
    reference = pd.read_csv(REF / "cfa_validity.csv").set_index("factor")
    assert_allclose(composite_reliability(result)[reference.index], reference["composite_reliability"], atol=1e-3)
    assert_allclose(average_variance_extracted(result)[reference.index], reference["ave"], atol=1e-3)


def test_htmt_matches_semtools():
    reference = pd.read_csv(REF / "cfa_htmt.csv", index_col=0)
    assert_allclose(htmt(HS, MODEL).loc[reference.index, reference.columns], reference, atol=1e-4)


def test_htmt_arithmetic_by_hand():
    r = HS.corr().abs()
    expected = r.loc[MODEL["visual"], MODEL["speed"]].to_numpy().mean() / np.sqrt(
        np.mean([r.loc["x1", "x2"], r.loc["x1", "x3"], r.loc["x2", "x3"]])
        * np.mean([r.loc["x7", "x8"], r.loc["x7", "x9"], r.loc["x8", "x9"]]))
    assert htmt(HS, MODEL, geometric=False).loc["visual", "speed"] == pytest.approx(expected)


def test_fornell_larcker_and_validity_table(result):
    table = fornell_larcker(result)
    assert table.loc["visual", "visual"] == pytest.approx(np.sqrt(average_variance_extracted(result)["visual"]))
    assert table.loc["visual", "speed"] == result.factor_correlations.loc["visual", "speed"]
    summary = validity_table(result, HS).set_index("factor")
    assert bool(summary.loc["textual", "ave_ok"]) and not bool(summary.loc["visual", "ave_ok"])


@pytest.mark.parametrize("model, message", [
    ({"a": ["x1", "x2"], "b": ["x2", "x3"]}, "more than one factor"),
    ({"a": ["x1"], "b": ["x2", "x3"]}, "fewer than two items"),
    ({"a": ["x1", "zz"]}, "items not in the data: zz"),
])
def test_bad_models(model, message):
    with pytest.raises(InputError, match=message):
        fit_cfa(HS, model)
