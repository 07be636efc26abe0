"""One number formatter for the whole report: tables (by column) and sentences (by kind)."""

import re

import numpy as np
import pandas as pd
import pytest

from sqmreport import load_survey
from sqmreport.present.report import KINDS, MINUS, Report, column_kind, format_number, format_value

from .conftest import small_spec


@pytest.mark.parametrize("value, kind, expected", [
    (1234.0, "count", "1,234"), (np.int64(7), "count", "7"), (131.0, "df", "131"),
    (118.86, "df", "118.9"), (3, "df", "3"),
    (0.0004, "p", "<0.001"), (0.0, "p", "<0.001"), (0.001, "p", "0.001"), (0.0123, "p", "0.012"),
    (1.0, "p", "1.000"),
    (5.678, "mean", "5.68"), (-1.5, "mean", f"{MINUS}1.50"), (-0.004, "mean", "0.00"),
    (0.12345, "coefficient", "0.123"), (-0.0004, "coefficient", "0.000"),
    (75.396, "index", "75.4"), (620.42, "index", "620.4"), (12345.6, "index", "12,345.6"),
    (-0.04, "index_change", "0.0"), (1.33, "index_change", "+1.3"),
    (-0.0512, "gap", f"{MINUS}0.05"), (0.3, "gap", "+0.30"), (-0.001, "gap", "0.00"), (0.0, "gap", "0.00"),
    (12.698, "nps", "+13"), (-4.6, "nps", f"{MINUS}5"), (-0.4, "nps", "0"), (0.0, "nps", "0"),
    (0.192, "percent", "19.2%"), (1.0, "percent", "100.0%"), (-0.0001, "percent", "0.0%"),
    (-0.381, "percent_change", f"{MINUS}38.1%"), (0.0077, "percent_change", "+0.8%"),
    (np.nan, "mean", "—"), (None, "count", "—"), (pd.NA, "p", "—"),
], ids=lambda v: repr(v))
def test_format_number(value, kind, expected):
    assert format_number(value, kind) == expected


@pytest.mark.parametrize("kind", KINDS)
def test_no_kind_shows_a_negative_zero_or_a_hyphen(kind):
    for value in (-1e-9, -0.0004, -0.004, -0.04, -0.4, -1e-6):
        shown = format_number(value, kind)
        assert "-" not in shown
        if not any(c in "123456789" for c in shown):
            assert MINUS not in shown and "+" not in shown, (value, shown)


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError, match="`kind` must be one of count, .*got 'percentage'"):
        format_number(0.5, "percentage")


@pytest.mark.parametrize("column, value, expected", [
    # counts, n and df as integers ("df '131.00'")
    ("n", 1234.0, "1,234"), ("n_paired", 90.0, "90"), ("df", 131.0, "131"), ("df1", 3, "3"),
    ("df2", 118.85086, "118.9"), ("rank", 1.0, "1"), ("defects", 378.0, "378"), ("units", 121852.0, "121,852"),
    # shares as % everywhere ("proportion 0.19 beside cumulative 19.2%")
    ("proportion", 0.19187, "19.2%"), ("cumulative", 0.19187, "19.2%"), ("share", 0.5, "50.0%"),
    ("attainment", 0.0833, "8.3%"), ("share_below", 0.3611, "36.1%"),
    # p never "0.000"
    ("p_value", 0.0123, "0.012"), ("p_adjusted", 2.2e-06, "<0.001"), ("wilcoxon_p", 0.0001, "<0.001"),
    # signed gaps with a true minus; gap 3 relative, in %
    ("gap", -0.0813, f"{MINUS}0.08"), ("gap5", 0.076, "+0.08"), ("gap_ci_low", -0.0968, f"{MINUS}0.10"),
    ("gap3", -0.38105, f"{MINUS}38.1%"), ("change", 0.0225, "+0.02"), ("servqual", -0.3135, f"{MINUS}0.31"),
    # NPS an integer score
    ("nps", 12.698, "+13"),
    ("r", 0.12345, "0.123"), ("alpha", 0.93357, "0.934"), ("msa", 0.9769, "0.977"), ("tli", 0.99486, "0.995"),
    ("bic", -574.328, f"{MINUS}574.33"), ("dpmo", 620.42, "620.4"), ("median_hours", 20.7, "20.7"),
    ("mean", np.nan, "—"), ("mean", 5.678, "5.68"), ("value", "北", "北"), ("label", "-2+3", "-2+3"),
])
def test_format_value_by_column(column, value, expected):
    assert format_value(column, value) == expected


def test_a_kind_given_overrides_the_column_name():
    assert format_value("gap", -0.0454, "percent_change") == f"{MINUS}4.5%"
    assert column_kind("gap") == "gap" and column_kind("anything_else") == "mean"


@pytest.fixture
def rep(write_study, tmp_path):
    return Report(load_survey(write_study(small_spec())), "satisfaction", tables_dir=tmp_path / "tables")


def _cells(html):
    return re.findall(r"<td[^>]*>([^<]*)</td>", html)


def test_nps_table_shows_the_score_and_its_interval_as_integers(rep, shown):
    frame = pd.DataFrame([{"nps": 12.698, "ci_low": 3.11, "ci_high": 22.29, "promoters": 0.373,
                           "passives": 0.381, "detractors": 0.246, "n": 252}])
    rep.table("nps", frame, title="T", note="N")
    assert _cells(shown[0]) == ["+13", "+3", "+22", "37.3%", "38.1%", "24.6%", "252"]


def test_service_level_gap_is_relative_to_target(rep, shown):
    frame = pd.DataFrame({"indicator": ["on time"], "target": [95.0], "actual": [90.68],
                          "attainment": [0.0], "gap": [-0.04544]})
    rep.table("service_levels", frame, title="T", note="N")
    assert _cells(shown[0]) == ["on time", "95.00", "90.68", "0.0%", f"{MINUS}4.5%"]


def test_scorecard_shows_indexes_with_one_decimal(rep, shown):
    frame = pd.DataFrame({"rank": [1.0], "unit": ["A"], "speed": [100.0], "satisfaction": [97.14],
                          "index": [98.665], "change": [1.3254]})
    rep.table("internal_scorecard", frame, title="T", note="N")
    assert _cells(shown[0]) == ["1", "A", "100.0", "97.1", "98.7", "+1.3"]


@pytest.mark.parametrize("key", ["csi", "csi_mixed"])
def test_the_index_table_reads_alike_on_one_scale_and_on_several(rep, shown, key):
    frame = pd.DataFrame({"label": ["Teaching", "CSI"], "weight": [1 / 3, 1.0],
                          "mean": [5.4321, float("nan")], "score": [74.0512, 71.2]})
    rep.table(key, frame, title="T", note="N")
    assert _cells(shown[0]) == ["Teaching", "33.3%", "5.43", "74.1", "CSI", "100.0%", "—", "71.2"]


def test_table_kinds_given_by_the_view(rep, shown):
    frame = pd.DataFrame({"label": ["x"], "delta": [-0.0004], "rate": [0.25]})
    rep.table("t", frame, title="T", note="N", kinds={"delta": "gap", "rate": "percent"})
    assert _cells(shown[0]) == ["x", "0.00", "25.0%"]
    with pytest.raises(ValueError, match=r"`kinds` names columns the table 't' does not have: \['rates'\]"):
        rep.table("t", frame, title="T", note="N", kinds={"rates": "percent"})
    with pytest.raises(ValueError, match="`kind` must be one of"):
        rep.table("t", frame, title="T", note="N", kinds={"rate": "share"})


def test_the_interval_of_a_change_is_signed_like_the_change(rep, shown):
    frame = pd.DataFrame({"label": ["Tangibles"], "previous_mean": [5.44], "current_mean": [5.52],
                          "change": [0.0826], "ci_low": [-0.14], "ci_high": [0.31], "p_adjusted": [0.98]})
    rep.table("wave_changes", frame, title="T", note="N")
    assert _cells(shown[0]) == ["Tangibles", "5.44", "5.52", "+0.08", f"{MINUS}0.14", "+0.31", "0.980"]


# -- sentences: the same formatter, by the kind a placeholder names (issue 13) -----------------

def test_sentences_write_numbers_as_the_tables_do():
    from sqmreport.present.i18n import text

    # Before: "{share:.0f}%" (35%) beside 35.5% in the table, "{nps:+.0f}", "{level:.0f}%".
    said = text("en", "findings.nps", nps=12.698, low=3.11, high=22.29, promoters=37.3,
                detractors=24.6)
    assert said == "The Net Promoter Score is +13 (+3 to +22): 37.3% promoters, 24.6% detractors."
    said = text("en", "gap_findings.worst_dimension", dimension="Empathy", gap=-0.594, share=0.832)
    assert said == f"The largest shortfall is in Empathy (gap {MINUS}0.59; 83.2% of respondents below expectation)."
    assert text("en", "gap_findings.gap3", dimension="Reliability", gap=-0.381) == \
        f"Gap 3: delivery falls furthest short of its targets in Reliability ({MINUS}38.1% of target)."
    assert text("zh", "findings.response", returned=252, sent=300, rate=84.0, usable=252) \
        == "共发放问卷 300 份，回收 252 份，回收率 84.0%；纳入分析 252 份。"
    assert text("en", "notes.no_pairs", level=95.0).startswith("No pair of groups differs at the 95% level")
    assert "on the 1–7 scale" in text("en", "findings.one_dimension", name="A", mean=5.0, low=1.0, high=7.0)
    assert "(smallest eigenvalue −0.0008)" in text(
        "en", "fa_improper.factor_covariance_not_positive_definite", value=-0.00081)


@pytest.mark.parametrize("spec, value, expected", [
    ("level", 95.0, "95"), ("level", 99.5, "99.5"), ("plain", 7.0, "7"), ("plain", 0.5, "0.5"),
    ("plain", 48, "48"), ("precise", 0.99851, "0.9985"), ("pct", 35.46, "35.5%"), ("pct", None, "—"),
    ("count", 26000, "26,000"), ("~item|items", 3.0, "3 items"), ("~item|items", 1, "1 item"),
])
def test_sentence_kinds(spec, value, expected):
    from sqmreport.present.i18n import _NUMBERS

    assert _NUMBERS.format(f"{{x:{spec}}}", x=value) == expected
