"""The gap model's optional files: read, checked, errors named by file, column and rows."""

import shutil

import pytest

from sqmreport import InputError, load_study
from sqmreport.data import records

from .conftest import DEMO


@pytest.fixture
def study_folder(tmp_path):
    folder = tmp_path / "study"
    shutil.copytree(DEMO, folder)
    return folder


def _rewrite(path, old, new):
    text = path.read_text(encoding="utf-8-sig")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8-sig")


def test_the_demo_files_load():
    study = load_study(DEMO / "study.yml")
    assert records.load_management(study).shape == (12, 22)
    assert records.load_item_levels(study, "standards", "standard").index.tolist() == study.instrument.item_ids
    levels = records.load_service_levels(study)
    assert set(levels["direction"]) == {"higher", "lower"}


def test_standards_by_dimension_apply_to_each_item(study_folder):
    (study_folder / "standards.csv").write_text(
        "dimension,standard\ntangibles,6\nreliability,5\nresponsiveness,5\nassurance,6\nempathy,5\n")
    levels = records.load_item_levels(load_study(study_folder / "study.yml"), "standards", "standard")
    assert levels["1"] == 6 and levels["22"] == 5


@pytest.mark.parametrize("file, old, new, message", [
    ("standards.csv", "\n3,6", "\n33,6", r"standards.csv, column item: 1 items are not in the instrument \(e.g. '33'\) \(row 4\)"),
    ("standards.csv", "\n3,6", "\n3,8", r"standards.csv, column standard: 1 values outside the scale 1–7 \(row 4\)"),
    ("promises.csv", "\n2,6", "\n1,6", r"promises.csv, column item: item '1' is given more than once \(rows 2, 3\)"),
    ("management.csv", "E22\n", "E23\n", r"management.csv: column not found: E22"),
    ("service_levels.csv", ",higher,", ",up,", r"service_levels.csv, column direction: direction must be 'higher' or 'lower'"),
    ("service_levels.csv", ",95.0,", ",,", r"service_levels.csv, column target: 1 records have no target \(row 2\)"),
    ("service_levels.csv", "2026-01,reliability", "2026-01,speed", r"column dimension: 1 rows name a dimension the instrument does not have \(e.g. 'speed'\)"),
])
def test_file_errors(study_folder, file, old, new, message):
    _rewrite(study_folder / file, old, new)
    study = load_study(study_folder / "study.yml")
    loaders = {"standards.csv": lambda: records.load_item_levels(study, "standards", "standard"),
               "promises.csv": lambda: records.load_item_levels(study, "promises", "promised"),
               "management.csv": lambda: records.load_management(study),
               "service_levels.csv": lambda: records.load_service_levels(study)}
    with pytest.raises(InputError, match=message):
        loaders[file]()
