"""The command line: user errors are one line and exit code 2, never a traceback."""

import subprocess
import sys

import pytest

from .conftest import DEMO, REPO, small_spec


def run(*args):
    return subprocess.run([sys.executable, "-m", "sqmreport", *args], cwd=REPO,
                          capture_output=True, text=True, encoding="utf-8")


def test_validate_the_demo():
    done = run("validate", str(DEMO / "study.yml"))
    assert done.returncode == 0
    assert ("ok: 252 respondents, 22 items (expectation, perception, adequate, desired) on 5 "
            "dimensions; also management, standards, service_levels, promises, waves, kpi, "
            "complaints, maturity; "
            "reports: satisfaction, gap_model, factor_analysis") in done.stdout


@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_bad_study_is_one_line_and_exit_code_2(write_study, command):
    path = write_study(small_spec(min_grup_size=3))
    done = run(command, str(path))
    assert done.returncode == 2
    assert done.stderr == "error: study.yml: unknown key 'min_grup_size' (did you mean 'min_group_size'?)\n"
    assert done.stdout == ""


def test_bad_data_names_file_column_and_rows(write_study, tmp_path):
    path = write_study()
    text = (tmp_path / "survey.csv").read_text().splitlines()
    cells = text[3].split(",")
    cells[1] = "9"  # P_a1 of the respondent on row 4
    text[3] = ",".join(cells)
    (tmp_path / "survey.csv").write_text("\n".join(text) + "\n")
    done = run("validate", str(path))
    assert done.returncode == 2
    assert done.stderr == "error: survey.csv, column P_a1: 1 values outside the scale 1–5 (row 4)\n"


def test_missing_study_file():
    done = run("validate", "no/such/study.yml")
    assert done.returncode == 2
    assert done.stderr.startswith("error: no/such/study.yml: study file not found")


def test_out_takes_one_study():
    done = run("build", str(DEMO / "study.yml"), str(DEMO / "study-en.yml"), "--out", "x")
    assert done.returncode == 2
    assert "--out takes one study" in done.stderr


def test_unknown_report_is_an_error(write_study, tmp_path):
    done = run("build", str(write_study()), "--report", "gap_model", "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "report 'gap_model' is not among the study's reports (satisfaction)" in done.stderr
    assert not (tmp_path / "out").exists()


def test_jobs_must_be_at_least_one(write_study):
    done = run("build", str(write_study()), "--jobs", "0")
    assert done.returncode == 2
    assert done.stderr == "error: --jobs must be at least 1, not 0\n"


def test_warnings_are_printed_even_without_progress(capsys):
    from sqmreport.build.cli import _progress

    log = _progress(False)  # stderr is not a terminal here
    log("reports/demo/satisfaction.html: building")
    log("warning: study.yml: satisfaction.ipynb, cell 7 (print(x)): printed output is not shown "
        "in the report")
    assert capsys.readouterr().err == ("warning: study.yml: satisfaction.ipynb, cell 7 (print(x)): "
                                       "printed output is not shown in the report\n")
