"""Reliability against psych::alpha and psych::omega on the bfi scales (tests/reference/)."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from sqmreport.stats.reliability import cronbach_alpha, item_total, omega_total

from .conftest import REPO

REF = REPO / "tests" / "reference"
BFI = pd.read_csv(REF / "bfi.csv")
SCALES = {"agreeableness": (["A1", "A2", "A3", "A4", "A5"], ["A1"]),
          "conscientiousness": (["C1", "C2", "C3", "C4", "C5"], ["C4", "C5"]),
          "extraversion": (["E1", "E2", "E3", "E4", "E5"], ["E1", "E2"]),
          "neuroticism": (["N1", "N2", "N3", "N4", "N5"], []),
          "openness": (["O1", "O2", "O3", "O4", "O5"], ["O2", "O5"])}
ALPHA = pd.read_csv(REF / "alpha.csv").set_index("scale")
ITEMS = pd.read_csv(REF / "item_total.csv")


@pytest.mark.parametrize("scale", SCALES)
def test_alpha_matches_psych(scale):
    items, reverse = SCALES[scale]
    result = cronbach_alpha(BFI[items], reverse=reverse, scale=(1, 6))
    expected = ALPHA.loc[scale]
    assert_allclose([result.alpha, result.std_alpha, result.ci_low, result.ci_high],
                    expected[["alpha", "std_alpha", "alpha_ci_low", "alpha_ci_high"]], atol=1e-4)
    assert result.n == expected["n"]


@pytest.mark.parametrize("scale", SCALES)
def test_item_total_matches_psych(scale):
    items, reverse = SCALES[scale]
    table = item_total(BFI[items], reverse=reverse, scale=(1, 6))
    expected = ITEMS[ITEMS["scale"] == scale]
    assert table["item"].tolist() == expected["item"].tolist()
    assert_allclose(table["item_rest"], expected["item_rest"], atol=1e-4)
    assert_allclose(table["alpha_if_deleted"], expected["alpha_if_deleted"], atol=1e-4)


@pytest.mark.parametrize("scale", SCALES)
def test_omega_total_matches_psych(scale):
    items, reverse = SCALES[scale]
    assert omega_total(BFI[items], reverse=reverse, scale=(1, 6)) == pytest.approx(
        ALPHA.loc[scale, "omega_total"], abs=1e-3)


def test_alpha_by_hand():
    x = pd.DataFrame({"a": [1, 2, 3, 4, 5.0], "b": [2, 2, 3, 5, 5.0], "c": [1, 3, 2, 4, 4.0]})
    cov = np.cov(x.to_numpy(), rowvar=False)
    assert cronbach_alpha(x).alpha == pytest.approx(3 / 2 * (1 - np.trace(cov) / cov.sum()))


def test_alpha_of_one_respondent_is_undefined_without_a_warning():
    import warnings

    one = pd.DataFrame({"q1": [3.0], "q2": [4.0], "q3": [5.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = cronbach_alpha(one)
        totals = item_total(one)
    assert np.isnan(a.alpha) and (a.n, a.k) == (1, 3)
    assert list(totals["item"]) == ["q1", "q2", "q3"] and totals[["item_rest", "alpha_if_deleted"]].isna().all().all()
