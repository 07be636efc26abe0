"""A client's file as it comes, described by the study file alone (issue 12).

Each test writes a small generated survey and a study file that describes it as it is:
columns by list, map or the start of a question-text header, no respondent ids, answers as
texts, a scale per dimension, continuous and unbounded scores, a categorical overall,
recommend on any scale, stated importance per item.  The tests marked "item N" fail on the
code before issue 12 (its "What went wrong" list).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sqmreport import InputError, load_study, load_survey
from sqmreport.analysis.satisfaction import analyse
from sqmreport.data import survey as survey_module

from .conftest import small_spec, small_survey

ITEMS = ("a1", "a2", "b1", "b2")


def _without(spec: dict, *keys) -> dict:
    for key in keys:
        spec.pop(key)
    return spec


# -- columns -------------------------------------------------------------------------------


def test_item_columns_as_a_list_and_as_a_map(write_study):
    """Item 3: columns named by arbitrary codes, in item order or item by item."""
    data = small_survey().rename(columns={f"P_{i}": f"Q3_{n}" for n, i in enumerate(ITEMS, 1)})
    listed = load_survey(write_study(small_spec(columns={"perception": ["Q3_1", "Q3_2", "Q3_3", "Q3_4"]}),
                                     data))
    mapped = load_survey(write_study(small_spec(columns={"perception": {
        "b2": "Q3_4", "a1": "Q3_1", "b1": "Q3_3", "a2": "Q3_2"}}), data))
    for survey in (listed, mapped):
        assert list(survey.ratings["perception"].columns) == list(ITEMS)
        assert survey.ratings["perception"]["b1"].tolist() == data["Q3_3"].astype(float).tolist()


def test_question_text_headers_are_found_by_their_start_and_give_the_wording(write_study):
    """Item 3: a 问卷星 export whose headers are the questions; the item wording comes from them."""
    data = small_survey()
    questions = {"P_a1": "1、您对候诊环境的满意度", "P_a2": "2、您对导诊标识的满意度",
                 "P_b1": "Q3. How quickly were you seen?", "P_b2": "Q4 (single choice) Were you told why?",
                 "overall": "5、总体而言，您的满意度是"}
    data = data.rename(columns=questions)
    spec = small_spec(columns={"perception": ["1、", "2、", "Q3", "Q4"]},
                      overall={"column": "5", "scale": {"min": 1, "max": 5}})
    survey = load_survey(write_study(spec, data))
    assert survey.ratings["perception"]["a2"].tolist() == data["2、您对导诊标识的满意度"].astype(float).tolist()
    labels = {i.id: i.label("en") for i in survey.instrument.items}
    assert labels == {"a1": "您对候诊环境的满意度", "a2": "您对导诊标识的满意度",
                      "b1": "How quickly were you seen?", "b2": "(single choice) Were you told why?"}
    assert survey.overall.notna().all()


def test_an_item_label_in_the_study_file_wins_over_the_header(write_study):
    data = small_survey().rename(columns={"P_a1": "Q1. Cleanliness of the ward"})
    spec = small_spec(columns={"perception": ["Q1", "P_a2", "P_b1", "P_b2"]})
    spec["instrument"]["items"][0]["label"] = "Clean ward"
    survey = load_survey(write_study(spec, data))
    assert survey.instrument.items[0].label("en") == "Clean ward"


def test_an_exact_header_wins_over_a_longer_one_and_taken_headers_are_not_candidates(write_study):
    data = small_survey()
    data["P_a1_note"] = "x"  # P_a1 followed by a separator, but P_a1 itself is in the header
    data["Q"] = data["overall"]
    data["Q_2"] = 1  # 'Q' is exact; 'Q_2' is not a candidate for anything
    assert load_survey(write_study(small_spec(overall={"column": "Q", "scale": {"min": 1, "max": 5}}),
                                   data)).overall.tolist() == data["overall"].astype(float).tolist()


def test_a_name_that_starts_two_headers_is_refused_with_both_named(write_study):
    data = small_survey().rename(columns={"overall": "Q9_1"})
    data["Q9_2"] = 3
    spec = small_spec(overall={"column": "Q9", "scale": {"min": 1, "max": 5}})
    with pytest.raises(InputError, match=r"^survey.csv: the study file's column 'Q9' is the start of 2 "
                                         r"headers \('Q9_1', 'Q9_2'\); give the whole header"):
        load_survey(write_study(spec, data))


def test_a_name_is_not_the_start_of_a_longer_code():
    assert survey_module.match_column("Q1", ["Q10", "Q11 x", "Q1.", "Q1 how"]) == ["Q1.", "Q1 how"]
    assert survey_module.match_column("1、", ["1、您好", "10、您好"]) == ["1、您好"]


def test_a_missing_column_names_the_closest_headers(write_study):
    data = small_survey().rename(columns={"overall": "Overall_sat"})
    with pytest.raises(InputError, match=r"^survey.csv: 1 column named in the study file not found: "
                                         r"overall \(closest headers: overall: 'Overall_sat'\)$"):
        load_survey(write_study(None, data))


def test_a_title_row_above_the_header_is_named(write_study, tmp_path):
    path = write_study(small_spec(data={"survey": "survey.xlsx"}), survey_name="survey.xlsx")
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "survey.xlsx")
    book.active.insert_rows(1)
    book.active["A1"] = "Patient survey 2026"
    book.save(tmp_path / "survey.xlsx")
    with pytest.raises(InputError, match=r"survey.xlsx: column 2 of the header has no name"):
        load_survey(path)


def test_an_unnamed_index_column_is_ignored(write_study, tmp_path):
    """Item 4: a CSV written by pandas with its index (header "") and an Excel sheet with an
    unnamed first column are read; the index is not data."""
    path = write_study()
    small_survey().to_csv(tmp_path / "survey.csv")  # index=True: first header cell empty
    assert load_survey(path).n == 30
    xlsx = write_study(small_spec(data={"survey": "survey.xlsx"}), survey_name="survey.xlsx")
    small_survey().to_excel(tmp_path / "survey.xlsx")
    assert load_survey(xlsx).n == 30


# -- respondent ids ------------------------------------------------------------------------


def test_without_respondent_ids_rows_stand_in(write_study):
    """Item 2: no id column; errors still name spreadsheet rows."""
    data = small_survey().drop(columns="id")
    survey = load_survey(write_study(_without(small_spec(), "respondent_id"), data))
    assert survey.ids is None and survey.n == 30
    data = data.astype({"P_a2": object})
    data.loc[4, "P_a2"] = "x"
    with pytest.raises(InputError, match=r"column P_a2: 1 values are not numbers \('x'\).* \(row 6\)"):
        load_survey(write_study(_without(small_spec(), "respondent_id"), data))


def test_waves_without_ids_compare_as_independent_samples(write_study, tmp_path):
    from sqmreport.analysis.waves import track
    from sqmreport.data.waves import load_waves

    small_survey(seed=3).drop(columns="id").to_csv(tmp_path / "before.csv", index=False)
    spec = _without(small_spec(waves=[{"label": "2025", "survey": "before.csv"}], wave="2026"),
                    "respondent_id")
    path = write_study(spec, small_survey().drop(columns="id"))
    survey = load_survey(path)
    waves = load_waves(load_study(path))
    assert survey.ids is None and waves[0].survey.ids is None
    changes = track(survey, waves, n_boot=0).changes("perception", ("item", "dimension"))
    assert set(changes["test"]) == {"welch"}
    assert (changes["n_paired"] == 0).all()


# -- answers as texts, file labels -----------------------------------------------------------

ANSWERS = {"非常满意": 5, "满意": 4, "一般": 3, "不满意": 2, "非常不满意": 1}


def _as_text(data: pd.DataFrame, columns) -> pd.DataFrame:
    words = {v: k for k, v in ANSWERS.items()}
    return data.assign(**{c: data[c].map(words) for c in columns})


def test_answer_texts_become_points(write_study):
    data = _as_text(small_survey(), ["P_a1", "P_a2", "P_b1", "P_b2", "overall"])
    data.loc[2, "P_a1"] = " 满意 "
    data.loc[3, "P_a1"] = "不适用"
    spec = small_spec(scale={"min": 1, "max": 5, "values": ANSWERS}, missing_codes=["不适用"],
                      overall={"column": "overall"}, recommend={"column": "nps", "missing_codes": []})
    survey = load_survey(write_study(spec, data))
    a1 = survey.ratings["perception"]["a1"]
    assert a1[4] == 4 and np.isnan(a1[5])
    assert survey.overall.tolist() == small_survey()["overall"].astype(float).tolist()


def test_an_answer_text_not_in_the_scale_is_named_with_its_rows(write_study):
    data = _as_text(small_survey(), ["P_a1", "P_a2", "P_b1", "P_b2", "overall"])
    data.loc[[3, 8], "P_b1"] = "还行"
    spec = small_spec(scale={"min": 1, "max": 5, "values": ANSWERS})
    with pytest.raises(InputError, match=r"^survey.csv, column P_b1: 2 answers are neither answers listed "
                                         r"under 'scale.values' nor missing codes \('还行'\); add them to "
                                         r"one or the other \(rows 5, 10\)$"):
        load_survey(write_study(spec, data))


def _with_attrs(monkeypatch, **attrs):
    """The reader as it returns an SPSS or Qualtrics file: the same cells, with attrs."""
    real = survey_module.read_table

    def read(*args, **kwargs):
        frame = real(*args, **kwargs)
        frame.attrs.update(attrs)
        return frame

    monkeypatch.setattr(survey_module, "read_table", read)


def test_file_labels_word_the_items_and_value_labels_name_the_groups(write_study, monkeypatch):
    """SPSS: variable labels as item wording, value labels as segment names; codes need no map."""
    data = small_survey().assign(region=lambda d: np.where(d["region"] == "north", 1, 2))
    _with_attrs(monkeypatch, labels={"P_a1": "Waiting room  clean", "P_b2": "Told why"},
                value_labels={"region": {1.0: "North", 2.0: "South"}})
    survey = load_survey(write_study(None, data))
    assert [i.label("en") for i in survey.instrument.items] == ["Waiting room clean", "a2", "b1", "Told why"]
    assert set(survey.segments["region"]) == {"North", "South"}


def test_rows_are_numbered_from_the_files_first_data_row(write_study, monkeypatch):
    """A Qualtrics export: two header rows dropped by the reader; the first answer is row 4."""
    _with_attrs(monkeypatch, first_row=4)
    data = small_survey().astype({"P_a1": object})
    data.loc[0, "P_a1"] = "x"
    with pytest.raises(InputError, match=r"column P_a1: .* \(row 4\)"):
        load_survey(write_study(None, data))


# -- scales ---------------------------------------------------------------------------------


def test_a_scale_per_dimension(write_study):
    """Item 5: 1-100 attributes and a 1-7 block in one study; reverse coding on the item's scale."""
    data = small_survey()
    data["P_a1"], data["P_a2"] = data["P_a1"] * 20, data["P_a2"] * 20 - 19
    data["P_b1"] = data["P_b1"] + 2
    spec = small_spec(scale={"min": 1, "max": 100}, scales={"beta": {"min": 1, "max": 7}},
                      reverse_items=["a1", "b1"])
    survey = load_survey(write_study(spec, data))
    perception = survey.ratings["perception"]
    assert (perception["a1"].to_numpy() == 101 - data["P_a1"].to_numpy()).all()
    assert (perception["b1"].to_numpy() == 8 - data["P_b1"].to_numpy()).all()
    assert survey.scale_of("b2") == (1, 7) and survey.scale_of("a2") == (1, 100)
    assert survey.study.mixed_scales
    data.loc[6, "P_b2"] = 9
    with pytest.raises(InputError, match=r"column P_b2: 1 values outside the scale 1–7 \(row 8\)"):
        load_survey(write_study(spec, data))


def test_continuous_and_unbounded_scores(write_study):
    """Item 5: means on 1-5 and standardized scores, declared, not smuggled in."""
    rng = np.random.default_rng(1)
    data = small_survey()
    data["P_a1"] = rng.uniform(1, 5, 30).round(2)
    data["P_b1"], data["P_b2"] = rng.normal(size=30), rng.normal(size=30)
    spec = small_spec(scale={"min": 1, "max": 5, "type": "continuous"},
                      scales={"beta": {"type": "unbounded"}})
    survey = load_survey(write_study(spec, data))
    assert np.allclose(survey.ratings["perception"]["a1"], data["P_a1"])
    assert np.allclose(survey.ratings["perception"]["b2"], data["P_b2"])
    assert survey.scale_of("b1") == (None, None)
    data.loc[0, "P_a1"] = 5.2
    with pytest.raises(InputError, match=r"column P_a1: 1 values outside the scale 1–5 \(row 2\)"):
        load_survey(write_study(spec, data))


def test_a_fraction_on_a_points_scale_says_how_to_declare_it(write_study):
    data = small_survey().astype({"P_a1": float})
    data.loc[0, "P_a1"] = 3.5
    with pytest.raises(InputError, match=r"not points of the scale 1–5 \(e.g. 3.5\); for answers between "
                                         r"points set 'scale.type: continuous'"):
        load_survey(write_study(None, data))


def test_an_unbounded_scale_cannot_be_reverse_coded(write_study):
    spec = small_spec(scales={"beta": {"type": "unbounded"}}, reverse_items=["b2"])
    with pytest.raises(InputError, match=r"^study.yml: item 'b2' is reverse-coded but its scale "
                                         r"\('scales.beta'\) is unbounded"):
        load_study(write_study(spec))


@pytest.mark.parametrize("scales, message", [
    ({"scale": {"min": 1, "max": 10}}, r"item 'a1' is rated on 10 points"),
    ({"scales": {"beta": {"min": 0, "max": 1, "type": "continuous"}}}, r"item 'b1' is rated on a continuous scale"),
])
def test_polychoric_correlations_need_few_ordered_points(write_study, scales, message):
    spec = small_spec(reports=["factor_analysis"], analysis={"factor_analysis": {
        "correlation": "polychoric", "n_factors": 1}}, **scales)
    with pytest.raises(InputError, match=r"key 'analysis.factor_analysis.correlation' is 'polychoric', "
                                         r"but " + message):
        load_study(write_study(spec))


# -- overall, recommend, importance ---------------------------------------------------------------


def test_a_categorical_overall(write_study):
    """Item 8: satisfied / not satisfied as text, declared by the answers that count."""
    data = small_survey()
    data["overall"] = np.where(data["overall"] >= 4, "满意", "不满意")
    data.loc[0, "overall"] = "说不清"
    data.loc[1, "overall"] = ""
    spec = small_spec(overall={"column": "overall", "satisfied": ["满意"], "missing_codes": ["说不清"]})
    survey = load_survey(write_study(spec, data))
    assert survey.overall_binary
    expected = (small_survey()["overall"] >= 4).astype(float)
    expected[[0, 1]] = np.nan
    assert survey.overall.reset_index(drop=True).equals(expected)


def test_a_zero_one_flag_keeps_its_zeros(write_study):
    """Item 7: a 0/1 flag under study-wide missing codes [0, 99].  As a rating on 0-1 the
    study refuses the clash; as categories the zeros are not satisfied (0.0), never missing."""
    data = small_survey().assign(overall=lambda d: (d["overall"] >= 4).astype(int))
    rated = small_spec(missing_codes=[0, 99], recommend={"column": "nps", "missing_codes": [99]},
                       overall={"column": "overall", "scale": {"min": 0, "max": 1}})
    with pytest.raises(InputError, match=r"key 'missing_codes': 0 is an answer on overall.scale \(0–1\)"):
        load_study(write_study(rated, data))
    flag = small_spec(missing_codes=[99], recommend={"column": "nps", "missing_codes": [99]},
                      overall={"column": "overall", "satisfied": [1]})
    survey = load_survey(write_study(flag, data))
    assert set(survey.overall) == {0.0, 1.0}
    assert survey.overall.mean() == pytest.approx(data["overall"].mean())


def test_a_missing_code_that_hides_every_not_satisfied_answer_is_refused(write_study):
    data = small_survey().assign(overall=lambda d: (d["overall"] >= 4).astype(int))
    spec = small_spec(missing_codes=[0], recommend={"column": "nps", "missing_codes": []},
                      overall={"column": "overall", "satisfied": [1]})
    with pytest.raises(InputError, match=r"^survey.csv, column overall: every answer is '1': with one "
                                         r"answer category there is nothing to compare"):
        load_survey(write_study(spec, data))


def test_everyone_satisfied_is_a_result_not_an_error(write_study):
    """One category with no missing code in the column is a finding (100% satisfied)."""
    data = small_survey().assign(overall="满意")
    spec = small_spec(overall={"column": "overall", "satisfied": ["满意"]})
    survey = load_survey(write_study(spec, data))
    assert survey.overall_binary and (survey.overall == 1.0).all()
    result = analyse(survey)  # the drivers cannot be estimated: explained, not raised
    assert "drivers" in result.problems


def test_satisfied_answers_that_never_occur_are_refused(write_study):
    data = small_survey().assign(overall=lambda d: np.where(d["overall"] >= 4, "Satisfied", "Not satisfied"))
    spec = small_spec(overall={"column": "overall", "satisfied": ["satisfied"]})
    with pytest.raises(InputError, match=r"column overall: no answer is one of those listed under "
                                         r"overall.satisfied \('satisfied'\); the column's answers are"):
        load_survey(write_study(spec, data))


def test_categories_given_as_spss_value_labels(write_study, monkeypatch):
    data = small_survey().assign(overall=lambda d: np.where(d["overall"] >= 4, 1, 2))
    _with_attrs(monkeypatch, value_labels={"overall": {1.0: "满意", 2.0: "不满意"}})
    spec = small_spec(overall={"column": "overall", "satisfied": ["满意"]})
    survey = load_survey(write_study(spec, data))
    assert survey.overall.tolist() == (data["overall"] == 1).astype(float).tolist()


@pytest.mark.parametrize("scale, nps, first", [
    ({"min": 0, "max": 10}, True, 0.0), ({"min": 1, "max": 11}, True, 0.0),
    ({"min": 1, "max": 5}, False, 1.0)])
def test_recommend_is_nps_only_on_eleven_points(write_study, scale, nps, first):
    """Item 6: a 1-11 coding maps onto 0-10; a 1-5 'would recommend' stays a rating."""
    data = small_survey()
    data["nps"] = np.arange(30) % (scale["max"] - scale["min"] + 1) + scale["min"]
    survey = load_survey(write_study(small_spec(recommend={"column": "nps", "scale": scale}), data))
    assert survey.nps is nps
    assert survey.recommend.iloc[0] == first
    assert survey.recommend.max() == (10 if nps else 5)


def test_stated_importance_per_item(write_study):
    """Item 9: "how important is ..." per item, on its own scale and missing codes."""
    data = small_survey()
    for n in range(1, len(ITEMS) + 1):
        data[f"I{n}"] = (np.arange(30) + n) % 7 + 1
    data.loc[3, "I2"] = 0
    spec = small_spec(importance={"items": ["I1", "I2", "I3", "I4"], "scale": {"min": 1, "max": 7},
                                  "missing_codes": [0]})
    survey = load_survey(write_study(spec, data))
    assert list(survey.item_importance.columns) == list(ITEMS)
    assert np.isnan(survey.item_importance["a2"].iloc[3])
    assert survey.item_importance["b2"].tolist() == data["I4"].astype(float).tolist()
    assert survey.importance is None


@pytest.mark.parametrize("column, spec", [
    ("overall", {}), ("nps", {}), ("P_b1", {}),
    ("I1", {"importance": {"items": ["I1", "I2", "I3", "I4"]}})])
def test_a_column_without_a_single_answer_is_refused(write_study, column, spec):
    """Item 7: every answer missing after coding stops validate, not a notebook."""
    data = small_survey().assign(I1=3, I2=3, I3=3, I4=3)
    data[column] = 99
    spec = small_spec(missing_codes=[99], recommend={"column": "nps", "missing_codes": [99]}, **spec)
    with pytest.raises(InputError, match=rf"^survey.csv, column {column}: no answers: every cell is "
                                         r"empty or a missing code \(99\)$"):
        load_survey(write_study(spec, data))


def test_a_name_that_starts_only_other_keys_columns_says_so(write_study):
    data = small_survey().rename(columns={"P_a1": "Q_1", "P_a2": "Q_2"}).drop(columns="overall")
    spec = small_spec(overall={"column": "Q", "scale": {"min": 1, "max": 5}},
                      columns={"perception": ["Q_1", "Q_2", "P_b1", "P_b2"]})
    with pytest.raises(InputError, match=r"^survey.csv: 1 column named in the study file not found: Q "
                                         r"\(closest headers: Q starts only headers other keys name: "
                                         r"'Q_1', 'Q_2'\)$"):
        load_survey(write_study(spec, data))


def test_an_open_question_nobody_answered_is_no_comment(write_study):
    """问卷星 writes "(空)" for an unanswered open question; the study's text missing codes too."""
    data = small_survey().assign(remark=["(空)", "（跳过）", "N/A", "很好"] + [""] * 26)
    survey = load_survey(write_study(small_spec(comments="remark", missing_codes=["N/A"]), data))
    assert survey.comments.tolist() == ["很好"]


def test_a_one_item_dimension_validates_and_the_factor_report_computes(write_study):
    """Item 10: what validate passes, the factor report computes (no error after notebooks start)."""
    from sqmreport.analysis import factor_analysis
    from sqmreport.data.check import check

    spec = small_spec(reports=["factor_analysis"])
    spec["instrument"]["dimensions"]["gamma"] = "Gamma"
    spec["instrument"]["items"][3]["dimension"] = "gamma"
    data = small_survey(n=60)
    path = write_study(spec, data)
    survey = load_survey(path)
    check(survey.study)
    factor_analysis.analyse(survey)


def test_a_missing_code_given_as_an_spss_value_label(write_study, monkeypatch):
    """SPSS: 9 labelled "不知道"; the study lists the label's text as a missing code."""
    data = small_survey()
    data.loc[[2, 5], "P_a2"] = 9
    _with_attrs(monkeypatch, value_labels={"P_a2": {9.0: "不知道", 1.0: "很差"}})
    survey = load_survey(write_study(small_spec(missing_codes=["不知道"]), data))
    a2 = survey.ratings["perception"]["a2"]
    assert a2.isna().sum() == 2 and np.isnan(a2[4]) and np.isnan(a2[7])


def test_a_rating_without_its_scale_whose_answers_fit_a_shorter_one_is_refused(write_study):
    """Issue 12 item 6 with no scale written: a 1-5 "would you recommend" read on the default 0-10
    would report "NPS −100"; an overall asked on 1-7 inherits a 1-100 items' scale."""
    data = small_survey(n=40).assign(nps=lambda d: d["overall"])  # 1-5 answers
    naive = small_spec()  # recommend: nps, read on 0-10
    with pytest.raises(InputError, match=r"^survey.csv, column nps: every answer lies between 1 and 5, "
                                         r"in the lower part of the scale 0–10 .* e.g. recommend: "
                                         r"\{column: nps, scale: \{min: 1, max: 5\}\}$"):
        load_survey(write_study(naive, data))
    said = small_spec(recommend={"column": "nps", "scale": {"min": 1, "max": 5}})
    survey = load_survey(write_study(said, data))
    assert not survey.nps and survey.recommend.max() <= 5
    stated = small_spec(recommend={"column": "nps", "scale": {"min": 0, "max": 10}})
    assert load_survey(write_study(stated, data)).nps  # said explicitly: trusted
    long = small_spec(scale={"min": 1, "max": 100}, overall={"column": "overall"})
    with pytest.raises(InputError, match=r"column overall: every answer lies between 1 and 5, in the "
                                         r"lower part of the scale 1–100"):
        load_survey(write_study(long, data))


def test_a_workbook_whose_first_sheet_is_notes_names_its_other_sheets(write_study, tmp_path):
    """A workbook read without `sheet` whose first visible sheet is a note: the error says where
    else the data may be."""
    path = write_study(small_spec(data={"survey": "survey.xlsx"}), survey_name="survey.csv")
    with pd.ExcelWriter(tmp_path / "survey.xlsx") as book:
        pd.DataFrame({"说明": ["本表为问卷数据", "请勿修改"]}).to_excel(book, sheet_name="说明", index=False)
        small_survey().to_excel(book, sheet_name="数据", index=False)
    with pytest.raises(InputError, match=r"^survey.xlsx: the header has a single column; the workbook's "
                                         r"other sheets: 数据 — set `sheet`$"):
        load_survey(path)


def test_a_matrix_question_s_items_are_named_by_their_statements():
    from sqmreport.data.survey import _statements
    labels = {"1": "How much do you agree? - The store was clean", "2": "How much do you agree? - Staff helped",
              "3": "Overall - how satisfied", "4": "Waiting time"}
    assert _statements(labels) == {"1": "The store was clean", "2": "Staff helped",
                                   "3": "Overall - how satisfied", "4": "Waiting time"}
