"""Reading input files: sqmreport.data.inputs (pinned bytes) and what read_table refuses."""

from __future__ import annotations

import os

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


