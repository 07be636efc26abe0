"""Each kind of mistake in a study file gives its own one-line error."""

from importlib import resources

import pytest
import yaml

from sqmreport import InputError, load_study
from sqmreport.data.instruments import load_instrument

from .conftest import DEMO, small_spec


def test_the_demo_study_loads():
    study = load_study(DEMO / "study.yml")
    assert study.name == "demo"
    assert study.language == "zh"
    assert len(study.instrument.items) == 22
    assert [s.column for s in study.segments] == ["department", "visit_type", "age_band"]


def test_servqual_dimensions_are_the_published_ones():
    inst = load_instrument("servqual22")
    expected = {"tangibles": ["1", "2", "3", "4"], "reliability": ["5", "6", "7", "8", "9"],
                "responsiveness": ["10", "11", "12", "13"], "assurance": ["14", "15", "16", "17"],
                "empathy": ["18", "19", "20", "21", "22"]}
    assert {d: inst.items_of(d) for d in inst.dimension_ids} == expected
    names = [inst.dimension(d).name("zh") for d in inst.dimension_ids]
    assert names == ["有形性", "可靠性", "响应性", "保证性", "移情性"]
    raw = yaml.safe_load(resources.files("sqmreport.data.instruments").joinpath("servqual22.yml")
                         .read_text(encoding="utf-8"))
    for item in raw["items"]:  # every text complete in both languages (YAML commas split them once)
        for field in ("label", "expectation", "perception"):
            assert set(item[field]) == {"zh", "en"} and all(item[field].values()), (item["id"], field)
    assert inst.items[4].wording["expectation"]["en"] == (
        "When excellent companies promise to do something by a certain time, they will do so.")


def _edit(**changes):
    spec = small_spec()
    for key, value in changes.items():
        if value is None:
            del spec[key]
        else:
            spec[key] = value
    return spec


CASES = {
    "unknown key": (_edit(min_grup_size=3),
                    r"study.yml: unknown key 'min_grup_size' \(did you mean 'min_group_size'\?\)"),
    "unknown nested key": (_edit(data={"survey": {"path": "survey.csv", "encodng": "gbk"}}),
                           r"unknown key 'data.survey.encodng' \(did you mean 'encoding'\?\)"),
    "wrong type": (_edit(min_group_size="five"),
                   r"key 'min_group_size' must be a whole number, got 'five'"),
    "number as text": (_edit(scale={"min": 1, "max": "7"}), r"key 'scale.max' must be a number"),
    "list expected": (_edit(segments="region"), r"key 'segments' must be a list, got 'region'"),
    "missing key": (_edit(scale=None), r"required key 'scale' is missing"),
    "unknown language": (_edit(language="fr"), r"key 'language': input should be 'zh' or 'en'"),
    "unknown report": (_edit(reports=["satisfacton"]), r"key 'reports\[0\]'"),
    "unknown instrument": (_edit(instrument="servqual21"), r"key 'instrument'"),
    "bad study name": (_edit(name="has space"), r"key 'name' names the reports' folder"),
    "reversed scale": (_edit(scale={"min": 7, "max": 1}), r"key 'scale': min \(7\) must be below max"),
    "confidence as percent": (_edit(analysis={"confidence": 95}),
                              r"key 'analysis.confidence': input should be less than 1"),
    "unknown reverse item": (_edit(reverse_items=["z9"]), r"'z9' is not an item of the instrument"),
    "importance for unknown dimension": (
        _edit(importance={"alpha": "x", "gamma": "y"}), r"'gamma' is not a dimension"),
    "importance missing a dimension": (
        _edit(importance={"alpha": "x"}), r"must give a column for every dimension; missing: beta"),
    "csi weights all zero": (_edit(analysis={"csi_weights": {"alpha": 0, "beta": 0}}),
                             r"weights must be non-negative and not all zero"),
    "more returned than sent": (_edit(questionnaires={"sent": 10, "returned": 11}),
                                r"more returned than sent"),
    "column pattern without item": (_edit(columns={"perception": "P"}),
                                    r"'columns.perception' must contain \{item\}"),
    "segment twice": (_edit(segments=["region", {"column": "region"}]), r"names a column twice"),
    "grey segment not a segment": (_edit(analysis={"grey_segment": "city"}),
                                   r"'city' is not one of the segments"),
    "expectation importance without expectations": (
        _edit(analysis={"q_matrix": {"importance": "expectation"}}), r"no expectation columns"),
    "data outside the study folder": (_edit(data={"survey": "../survey.csv"}),
                                      r"lies outside the study's folder"),
    "data file not found": (_edit(data={"survey": "nope.csv"}), r"file 'nope.csv' not found"),
    "instrument item without a dimension": (
        _edit(instrument={"dimensions": {"a": "A"}, "items": [{"id": 1, "dimension": "b"}]}),
        r"item '1' names dimension 'b', which the instrument does not define"),
    "a scale end of .nan": (_edit(scale={"min": 1, "max": float("nan")}),
                            r"^study.yml: key 'scale.max' must be a finite number, got nan$"),
    "a weight of .inf": (_edit(analysis={"csi_weights": {"alpha": float("inf"), "beta": 1}}),
                         r"^study.yml: key 'analysis.csi_weights.alpha' must be a finite number, got inf$"),
    "a negative sheet number": (_edit(data={"survey": {"path": "survey.csv", "format": "xlsx", "sheet": -1}}),
                                r"key 'data.survey.sheet': sheets are numbered from 0, got -1"),
    "an encoding for a Parquet file": (_edit(data={"survey": {"path": "survey.csv", "format": "parquet",
                                                              "encoding": "gbk"}}),
                                       r"key 'data.survey': 'encoding' and 'delimiter' are for CSV files only"),
    "a letter as the delimiter": (_edit(data={"survey": {"path": "survey.csv", "delimiter": "x"}}),
                                  r"key 'data.survey.delimiter': 'x' cannot separate fields"),
    "personal column that is the respondent id": (_edit(personal_columns=["id"]),
                                                  r"key 'personal_columns': 'id' is also the respondent id"),
    "personal column that is overall": (_edit(personal_columns=["overall"]),
                                        r"'overall' is also the overall-satisfaction column \(overall\)"),
    "personal column that is recommend": (_edit(personal_columns=["nps"]), r"'nps' is also the recommend column"),
    "personal column that is importance": (_edit(importance={"alpha": "x", "beta": "y"}, personal_columns=["y"]),
                                           r"'y' is also the importance column of beta"),
    "as many factors as items": (
        _edit(instrument={"dimensions": {"a": "A", "b": "B"},
                          "items": [{"id": 1, "dimension": "a"}, {"id": 2, "dimension": "b"}]},
              reports=["factor_analysis"]),
        r"'analysis.factor_analysis.n_factors' is 'instrument', but its 2 dimensions are as many"),
    "instrument item twice": (
        _edit(instrument={"dimensions": {"a": "A"},
                          "items": [{"id": 1, "dimension": "a"}, {"id": 1, "dimension": "a"}]}),
        r"item '1' is defined twice"),
}


@pytest.mark.parametrize("spec, message", CASES.values(), ids=CASES.keys())
def test_study_file_errors(write_study, spec, message):
    with pytest.raises(InputError, match=message) as info:
        load_study(write_study(spec))
    assert "\n" not in str(info.value)


def test_invalid_yaml_names_the_line(tmp_path):
    path = tmp_path / "study.yml"
    path.write_text("name: x\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"study.yml: not valid YAML at line 3"):
        load_study(path)


def test_missing_study_file(tmp_path):
    with pytest.raises(InputError, match="study file not found"):
        load_study(tmp_path / "nope.yml")


def test_study_file_that_is_not_a_mapping(tmp_path):
    path = tmp_path / "study.yml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(InputError, match="must be a mapping"):
        load_study(path)


def test_input_files_are_named_relative_to_the_study(write_study):
    study = load_study(write_study())
    assert [p.name for p in study.input_files()] == ["study.yml", "survey.csv"]


@pytest.mark.parametrize("path", ["survey.zsav", "survey.sav", "survey.xlsx", "survey.parquet"])
def test_an_encoding_is_only_for_csv_text(path):
    from sqmreport.data.study import DataFile, _check_options
    with pytest.raises(InputError, match=r"^study.yml: key 'data.survey': 'encoding' and 'delimiter' "
                                         r"are for CSV files only$"):
        _check_options("data.survey", DataFile(path=path, encoding="cp949"), "study.yml")
    _check_options("data.survey", DataFile(path="survey.tsv", encoding="cp949"), "study.yml")


def test_the_gap_report_needs_one_scale_for_every_item(tmp_path):
    """Gaps on a 1-7 and a 1-100 dimension cannot be averaged into one SERVQUAL score."""
    spec = small_spec(columns={"expectation": "E_{item}", "perception": "P_{item}"},
                      reports=["satisfaction", "gap_model"],
                      scales={"beta": {"min": 1, "max": 100}})
    path = tmp_path / "study.yml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    (tmp_path / "survey.csv").write_text("id\n1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^study.yml: key 'scales': the gap_model report compares "
                                         r"gaps across dimensions"):
        load_study(path)
