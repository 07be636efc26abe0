"""Reading and checking survey data: every bad cell named by file, column and row."""

import numpy as np
import pandas as pd
import pytest

from sqmreport import InputError, load_survey
from sqmreport.data.privacy import mask_personal_data

from .conftest import DEMO, small_spec, small_survey


def test_the_demo_survey():
    survey = load_survey(DEMO / "study.yml")
    assert survey.n == 252
    assert set(survey.ratings) == {"expectation", "perception", "adequate", "desired"}
    assert survey.ratings["perception"].shape == (252, 22)
    # missing codes 0 and 99 and blank cells are all missing, nothing else is
    values = survey.ratings["perception"].stack().dropna().unique()
    assert set(values) <= set(range(1, 8))
    assert survey.importance.sum(axis=1).eq(100).all()


def test_personal_columns_never_reach_the_survey(write_study):
    survey = load_survey(write_study())
    everything = pd.concat([*survey.ratings.values(), survey.segments], axis=1)
    assert "name" not in everything.columns
    assert not everything.astype(str).apply(lambda c: c.str.contains("person")).any().any()


def test_missing_codes_and_reverse_coding(write_study):
    data = small_survey().astype({"P_a1": object})
    data.loc[0, "P_a1"] = 9
    data.loc[1, "P_a1"] = "NA"
    spec = small_spec(missing_codes=[9, "NA"], reverse_items=["b1"],
                      recommend={"column": "nps", "missing_codes": []})
    survey = load_survey(write_study(spec, data))
    a1 = survey.ratings["perception"]["a1"]
    assert a1.iloc[:2].isna().all()
    b1 = survey.ratings["perception"]["b1"].to_numpy()
    assert (b1 == 6 - data["P_b1"].to_numpy()).all()  # (1 + 5) − x


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_encodings(write_study, encoding):
    data = small_survey()
    data["region"] = np.where(data["region"] == "north", "华北", "华南")
    survey = load_survey(write_study(None, data, encoding=encoding))
    assert set(survey.segments["region"]) == {"华北", "华南"}


def test_semicolon_delimiter_is_detected(write_study):
    assert load_survey(write_study(None, None, sep=";")).n == 30


@pytest.mark.parametrize("name", ["survey.xlsx", "survey.parquet"])
def test_xlsx_and_parquet(write_study, name):
    spec = small_spec(data={"survey": name})
    survey = load_survey(write_study(spec, survey_name=name))
    assert survey.n == 30
    assert survey.ratings["perception"]["a1"].dtype == float


def _bad(column, values, rows=None):
    data = small_survey()
    for row, value in zip(rows or range(len(values)), values):
        data[column] = data[column].astype(object)
        data.loc[row, column] = value
    return data


CASES = {
    "text in a rating": (_bad("P_a2", ["5分", "N/A", "五"], [3, 5, 6]),
                         r"survey.csv, column P_a2: 3 values are not numbers \('5分', 'N/A', '五'\); "
                         r"correct them or list them under missing_codes \(rows 5, 7, 8\)"),
    "out of scale": (_bad("P_b2", [0, 6, 9], [11, 19, 20]),
                     r"survey.csv, column P_b2: 3 values outside the scale 1–5 \(rows 13, 21, 22\)"),
    "not a point of the scale": (_bad("P_a1", ["4.5 "], [2]),
                                 r"column P_a1: 1 values are not points of the scale 1–5 \(e.g. 4.5\); for answers between "
                                 r"points set .scale.type: continuous. \(row 4\)"),
    "recommend above 10": (_bad("nps", [11], [0]), r"column nps: 1 values outside the scale 0–10 \(row 2\)"),
    "duplicated ids": (_bad("id", ["r1"], [4]),
                       r"column id: 1 respondent ids appear more than once \(rows 2, 6\)"),
    "blank id": (_bad("id", [None], [2]), r"column id: 1 respondents have no id \(row 4\)"),
}


@pytest.mark.parametrize("data, message", CASES.values(), ids=CASES.keys())
def test_data_errors(write_study, data, message):
    with pytest.raises(InputError, match=message):
        load_survey(write_study(None, data))


def test_missing_columns_are_listed(write_study):
    with pytest.raises(InputError, match=r"survey.csv: 2 columns named in the study file not found: P_b1, nps"):
        load_survey(write_study(None, small_survey().drop(columns=["P_b1", "nps"])))


def test_importance_points_must_add_up_to_100(write_study):
    data = small_survey()
    data["wa"], data["wb"] = 50, 50
    data.loc[[3, 8], "wb"] = 40
    spec = small_spec(importance={"alpha": "wa", "beta": "wb"})
    with pytest.raises(InputError, match=r"column wa\+wb: importance points of 2 respondents do not "
                                         r"add up to 100 \(e.g. 90\) \(rows 5, 10\)"):
        load_survey(write_study(spec, data))


def test_empty_file(write_study, tmp_path):
    path = write_study()
    (tmp_path / "survey.csv").write_bytes(b"")
    with pytest.raises(InputError, match="survey.csv: the file is empty"):
        load_survey(path)


def test_header_only(write_study):
    with pytest.raises(InputError, match="no respondents: the file has a header but no rows"):
        load_survey(write_study(None, small_survey().iloc[:0]))


def test_duplicated_header(write_study, tmp_path):
    path = write_study()
    text = (tmp_path / "survey.csv").read_text().replace("P_b2", "P_b1", 1)
    (tmp_path / "survey.csv").write_text(text)
    with pytest.raises(InputError, match="column 'P_b1' appears more than once in the header"):
        load_survey(path)


def test_a_file_in_another_encoding_asks_for_it(write_study, tmp_path):
    path = write_study()
    (tmp_path / "survey.csv").write_bytes(b"id,P_a1\n" + "스\n".encode("cp949") + b"\xff\xfe")
    with pytest.raises(InputError, match="survey.csv: (the file is not UTF-8 or GBK text|cannot tell the file.s encoding)"):
        load_survey(path)


def test_raw_data_is_never_written(write_study, tmp_path):
    path = write_study()
    before = (tmp_path / "survey.csv").read_bytes()
    load_survey(path)
    assert (tmp_path / "survey.csv").read_bytes() == before


@pytest.mark.parametrize("text, expected", [
    ("请回电 138-1234-5678", "请回电 ▇▇▇"),
    ("手机13812345678谢谢", "手机▇▇▇谢谢"),
    ("+86 138 1234 5678", "▇▇▇"),
    ("邮箱 li.wei@example.com。", "邮箱 ▇▇▇。"),
    ("身份证 11010519491231002X", "身份证 ▇▇▇"),
    ("座机 010-6512 3456", "座机 ▇▇▇"),
    ("等了 3 个小时，2 次", "等了 3 个小时，2 次"),
])
def test_mask_personal_data(text, expected):
    assert mask_personal_data(text) == expected


def test_the_1988_servqual_reverse_codes_its_negative_items(tmp_path):
    import shutil

    import yaml

    shutil.copytree(DEMO, tmp_path / "s")
    path = tmp_path / "s" / "study.yml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec["instrument"] = "servqual22-1988"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    survey, plain = load_survey(path), load_survey(DEMO / "study.yml")
    for form in ("expectation", "perception"):
        for item in ("10", "13", "18", "22"):
            reversed_, original = survey.ratings[form][item], plain.ratings[form][item]
            assert reversed_.isna().equals(original.isna())
            assert (reversed_ == 8 - original)[original.notna()].all()
        assert survey.ratings[form]["9"].equals(plain.ratings[form]["9"])
    assert survey.instrument.reversed_items == ["10", "11", "12", "13", "18", "19", "20", "21", "22"]


@pytest.mark.parametrize(("small", "refused"), [(15, False), (16, True)])
def test_a_near_unique_segment_is_refused(write_study, small, refused):
    """More than half of the respondents in groups below min_group_size (5): refused; half: read."""
    data = small_survey(n=30)
    data["ward"] = [f"w{i}" for i in range(small)] + ["big"] * (30 - small)
    path = write_study(small_spec(segments=["region", "ward"]), data)
    if not refused:
        assert load_survey(path).segments["ward"].nunique() == small + 1
        return
    with pytest.raises(InputError, match=r"^survey.csv, column ward: 17 distinct values: 16 of 30 respondents "
                                         r"are in groups smaller than min_group_size \(5\)"):
        load_survey(path)


def test_missing_values_of_a_segment_are_one_group(write_study):
    data = small_survey(n=30)
    data["ward"] = [f"w{i}" for i in range(14)] + [""] * 16
    assert load_survey(write_study(small_spec(segments=["ward"]), data)).n == 30


def test_a_pilot_smaller_than_four_groups_is_not_refused_its_segments(write_study):
    data = small_survey(n=19)
    data["ward"] = [f"w{i}" for i in range(19)]
    assert load_survey(write_study(small_spec(segments=["ward"]), data)).n == 19


def test_non_finite_numbers_in_typed_columns_are_out_of_the_scale(write_study):
    data = small_survey().astype({"P_a1": float})
    data.loc[3, "P_a1"] = np.inf
    with pytest.raises(InputError, match=r"^survey.parquet, column P_a1: 1 values outside the scale 1–5 \(row 5\)"):
        load_survey(write_study(small_spec(data={"survey": "survey.parquet"}), data,
                                survey_name="survey.parquet"))
