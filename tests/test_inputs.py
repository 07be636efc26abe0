"""Reading input files: sqmreport.data.inputs (pinned bytes) and what read_table refuses."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sqmreport import InputError
from sqmreport.data.files import read_table
from sqmreport.data.inputs import pin, pinned, read_bytes, unpin
from sqmreport.data.study import load_study

from .conftest import DEMO


@pytest.fixture(autouse=True)
def _nothing_pinned():
    unpin()
    yield
    unpin()


def test_pinned_bytes_are_read_instead_of_the_disk(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(b"a,b\n1,2\n")
    pin({tmp_path / "." / "s.csv": b"a,b\n3,4\n"})  # any spelling of the same file
    assert read_bytes(path) == b"a,b\n3,4\n"
    assert read_table(path).to_dict("records") == [{"a": "3", "b": "4"}]
    assert list(pinned()) == [path.resolve()]
    path.unlink()  # pinned: the disk is not read at all
    assert read_table(path)["a"].tolist() == ["3"]
    unpin([path])
    with pytest.raises(InputError, match=r"^s.csv: file not found$"):
        read_bytes(path)


def test_the_study_file_is_read_through_the_pinned_bytes(tmp_path):
    study = DEMO / "study.yml"
    text = study.read_text(encoding="utf-8").replace("min_group_size: 5", "min_group_size: 7")
    assert "min_group_size: 7" in text
    pin({study: text.encode("utf-8")})
    assert load_study(study).spec.min_group_size == 7
    unpin()
    assert load_study(study).spec.min_group_size == 5


def test_a_folder_is_not_a_file(tmp_path):
    (tmp_path / "survey.csv").mkdir()
    with pytest.raises(InputError, match=r"^survey.csv: is a folder, not a file$"):
        read_table(tmp_path / "survey.csv")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_a_file_without_read_permission(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("a\n1\n")
    path.chmod(0)
    with pytest.raises(InputError, match=r"^survey.csv: cannot be read: permission denied"):
        read_table(path)




def _workbook(path, sheets, *, states=None):
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
        ws.sheet_state = (states or {}).get(name, "visible")
    book.save(path)
    return path


def test_xlsx_reads_the_first_visible_sheet_or_the_named_one_even_hidden(tmp_path):
    path = _workbook(tmp_path / "s.xlsx", {"raw": [["a"], ["old"]], "data": [["a"], [" 1 "], [2.0]]},
                     states={"raw": "veryHidden"})
    assert read_table(path)["a"].tolist() == ["1", 2]
    assert read_table(path, sheet="raw")["a"].tolist() == ["old"]
    assert read_table(path, sheet=1)["a"].tolist() == ["1", 2]
    with pytest.raises(InputError, match=r"^s.xlsx: sheet 0 \('raw'\) is very hidden; to read it anyway, "
                                         r"name it: `sheet: raw`$"):
        read_table(path, sheet=0)
    with pytest.raises(InputError, match=r"^s.xlsx: no sheet named 'Data'; the workbook has 'raw', 'data'$"):
        read_table(path, sheet="Data")
    with pytest.raises(InputError, match=r"^s.xlsx: sheet 2 does not exist"):
        read_table(path, sheet=2)


def test_xlsx_trailing_empty_rows_and_columns_are_not_data(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["a", "b"])
    ws.append([1, "x"])
    ws["D9"].number_format = "0.00"  # formatted, empty: widens the sheet's range
    ws["D9"] = None
    book.save(tmp_path / "s.xlsx")
    assert read_table(tmp_path / "s.xlsx").to_dict("records") == [{"a": 1, "b": "x"}]


def test_xlsx_merged_cells_and_formulas_without_values_are_named(tmp_path):
    path = _workbook(tmp_path / "m.xlsx", {"s": [["a", "b"], [1, 2], [3, 4], [5, 6]]})
    import openpyxl

    book = openpyxl.load_workbook(path)
    book["s"].merge_cells("B2:B4")
    book.save(path)
    with pytest.raises(InputError, match=r"^m.xlsx: sheet 's' has merged cells B2:B4: only the first cell"):
        read_table(path)
    path = _workbook(tmp_path / "f.xlsx", {"s": [["a", "b"], [1, "=A2*2"], [3, "=A3*2"]]})
    with pytest.raises(InputError, match=r"^f.xlsx: sheet 's': 2 formula cells have no saved value \(B2, B3\)"):
        read_table(path)


@pytest.mark.parametrize("sep", [",", "\t", ";"])
def test_rows_wider_or_narrower_than_the_header(tmp_path, sep):
    path = tmp_path / "s.csv"
    path.write_text(sep.join("abc") + "\n" + "\n".join(sep.join(r) for r in
                    [["1", "2", "3", ""], ["4", "5", "6", " "], ["7", "8", "9"]]) + "\n")
    assert read_table(path).to_dict("records") == [
        {"a": "1", "b": "2", "c": "3"}, {"a": "4", "b": "5", "c": "6"}, {"a": "7", "b": "8", "c": "9"}]
    path.write_text(sep.join("abc") + "\n1\n\n4" + sep + "5" + sep + "6" + sep + "7\n8" + sep + "9\n")
    with pytest.raises(InputError, match=r"^s.csv: 1 row has more fields than the header's 3 columns.* \(row 3\)$"):
        read_table(path)
    path.write_text(sep.join("abc") + "\n1\n4" + sep + "5" + sep + "6\n8" + sep + "9\n")
    with pytest.raises(InputError, match=r"^s.csv: 2 rows have fewer fields than the header's 3 columns.* \(rows 2, 4\)$"):
        read_table(path)


def test_quoted_fields_with_separators_and_line_breaks_are_one_field(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text('id,comment,x\n1, "good, fast",2\n2,"two\nlines",3\n')
    assert read_table(path)["comment"].tolist() == ["good, fast", "two\nlines"]


def test_a_folder_as_the_study_file(tmp_path):
    (tmp_path / "study.yml").mkdir()
    with pytest.raises(InputError, match=r"^study.yml: is a folder, not a file$"):
        load_study(tmp_path / "study.yml")


def test_permission_denied_is_one_line_even_when_run_as_root(tmp_path, monkeypatch):
    path = tmp_path / "survey.csv"
    path.write_text("a\n1\n")

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(InputError, match=r"^survey.csv: cannot be read: permission denied"):
        read_table(path)


def test_a_pinned_study_and_data_need_not_be_on_the_disk_any_more(tmp_path):
    import shutil

    folder = tmp_path / "study"
    shutil.copytree(DEMO, folder)
    contents = {p: p.read_bytes() for p in folder.iterdir()}
    pin(contents)
    shutil.rmtree(folder)
    from sqmreport import load_survey

    assert load_survey(folder / "study.yml").n == 252


def test_a_separator_ending_every_line_the_header_too(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("a,b,\n1,2,\n3,4,\n")
    assert read_table(path).to_dict("records") == [{"a": "1", "b": "2"}, {"a": "3", "b": "4"}]
    path.write_text("a,b,\n1,2,\n3,4,x\n")
    # a field under a header cell without a name is kept, as "Unnamed: N", and listed: a study
    # that does not name it ignores it (load_survey hints at it when a named column is missing)
    frame = read_table(path)
    assert list(frame.columns) == ["a", "b", "Unnamed: 2"] and frame.attrs["unnamed"] == [3]
