"""`sqmreport validate` finds every problem `sqmreport build` would meet (issue 12).

A study that validates must build: the notebooks' own code (every code cell but the
parameters, as a build runs it, with the display captured) runs without an error on each
catalogue case that validates (the "ok" ones in tests/test_catalogue.py, the "explained" ones
here) and on studies of the shapes the study file now allows.  A study that does not validate
cannot build: both run the same checks, before any notebook.
"""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from sqmreport import load_study

from .test_catalogue import _DELETE, CASES, Case, _build_case, _spec, _validate

NOTEBOOKS = ("satisfaction", "gap_model", "factor_analysis")


def _code_cells(report: str) -> list[str]:
    notebook = json.loads(resources.files("sqmreport.notebooks").joinpath(f"{report}.ipynb")
                          .read_text(encoding="utf-8"))
    return ["".join(cell["source"]) for cell in notebook["cells"]
            if cell["cell_type"] == "code" and "parameters" not in cell.get("metadata", {}).get("tags", [])]


def run_notebooks(path, monkeypatch) -> None:
    """Run each report's notebook code on the study at ``path``, as a build does."""
    from sqmreport.present import report

    monkeypatch.setattr(report, "_display", lambda html: None)
    for name in load_study(path).spec.reports:
        namespace = {"study": str(path), "tables_dir": None}
        for number, source in enumerate(_code_cells(name)):
            try:
                exec(compile(source, f"{name}.ipynb cell {number}", "exec"), namespace)  # noqa: S102
            except Exception as exc:
                raise AssertionError(f"{name}.ipynb, cell {number} ({source.splitlines()[0]!r}): "
                                     f"{type(exc).__name__}: {exc}") from exc


def _map(columns, change):
    def edit(d):
        for column in columns:
            d[column] = d[column].map(change)
        return d
    return edit


def _stretch(cell: str) -> str:
    """A 1-7 answer on a 1-100 scale (missing codes kept)."""
    return str(round((int(cell) - 1) * 99 / 6 + 1)) if cell in set("1234567") else cell


_SERVQUAL = {"tangibles": "1234", "reliability": "56789", "responsiveness": ["10", "11", "12", "13"],
             "assurance": ["14", "15", "16", "17"], "empathy": ["18", "19", "20", "21", "22"]}
_ONE_ITEM = {"dimensions": {d: d.capitalize() for d in _SERVQUAL},
             "items": [{"id": int(i), "dimension": "tangibles" if i == "1" else
                        "reliability" if d == "tangibles" else d}
                       for d, items in _SERVQUAL.items() for i in items]}
_TEXTS = {"7": "非常满意", "1": "非常不满意"}

SHAPES = [
    Case("a dimension of one item", "ok", spec=_spec(instrument=_ONE_ITEM)),  # issue item 10
    Case("overall satisfaction as categories", "ok",
         spec=_spec(overall={"column": "overall", "satisfied": [6, 7]})),
    Case("recommend on 0-5 (a rating, not NPS)", "ok",
         data=_map(["recommend"], lambda c: str(int(c) // 2) if c.isdigit() and int(c) <= 10 else c),
         spec=_spec(recommend={"column": "recommend", "scale": {"min": 0, "max": 5}, "missing_codes": [99]})),
    Case("recommend coded 1-11 (NPS on 0-10)", "ok",
         data=_map(["recommend"], lambda c: str(int(c) + 1) if c.isdigit() and int(c) <= 10 else c),
         spec=_spec(recommend={"column": "recommend", "scale": {"min": 1, "max": 11}, "missing_codes": [99]})),
    Case("a dimension on 1-100 beside 1-7", "ok",
         data=lambda d: _map([f"{f}{i}" for f in "PEA" for i in range(1, 5)], _stretch)(
             d.replace({"99": ""})),  # 99 is an answer on 1-100: "no answer" left blank
         # the gap report needs one scale for every item: refused there, so left out
         spec=_spec(scales={"tangibles": {"min": 1, "max": 100}}, missing_codes=[0],
                    reports=["satisfaction", "factor_analysis"])),
    Case("answers between points on a continuous scale", "ok",
         data=_map([f"P{i}" for i in range(1, 23)], lambda c: f"{int(c) - 0.5:g}" if c in ("2", "4", "6") else c),
         spec=_spec(scale={"min": 1, "max": 7, "type": "continuous"})),
    Case("answers as texts mapped to points", "ok",
         data=_map([f"{f}{i}" for f in "PE" for i in range(1, 23)], lambda c: _TEXTS.get(c, c)),
         spec=_spec(scale={"min": 1, "max": 7, "values": {"非常满意": 7, "非常不满意": 1}})),
    Case("stated importance of each item", "ok",
         data=lambda d: d.assign(**{f"I{i}": d[f"E{i}"] for i in range(1, 23)}),
         spec=_spec(importance={"items": "I{item}", "scale": {"min": 1, "max": 7}},
                    analysis__q_matrix={"importance": "stated"})),
    Case("factor analysis of the gap scores", "ok", spec=_spec(analysis__factor_analysis={"form": "gap"})),
    Case("no respondent ids and no earlier wave's ids", "ok",
         data=lambda d: d.drop(columns="respondent_id"), spec=_spec(respondent_id=_DELETE)),
]


def _id(case) -> str:
    return case.name


# The catalogue's "ok" cases run the notebooks in tests/test_catalogue.py; here the
# "explained" ones (valid data a statistic cannot use) and the new shapes.
VALID = [c for c in CASES if c.outcome == "explained"] + SHAPES


@pytest.mark.e2e
@pytest.mark.parametrize("case", VALID, ids=[_id(c) for c in VALID])
def test_a_study_that_validates_builds(tmp_path, monkeypatch, case):
    path = _build_case(tmp_path, case)
    _validate(path)  # what `sqmreport validate` does
    run_notebooks(path, monkeypatch)


def test_validate_and_build_run_the_same_checks():
    """A build checks a study with the very functions `validate` calls, before any notebook."""
    from sqmreport.build import render
    from sqmreport.data import check, survey

    assert render.load_survey is survey.load_survey
    assert render.check_inputs is check.check


def test_the_shapes_are_what_they_say(tmp_path):
    """The generated shapes change what they claim (a check on the fixtures themselves)."""
    by_name = {c.name: c for c in SHAPES}
    survey = _validate(_build_case(tmp_path / "a", by_name["recommend on 0-5 (a rating, not NPS)"]))
    assert not survey.nps and survey.recommend.max() == 5
    survey = _validate(_build_case(tmp_path / "b", by_name["recommend coded 1-11 (NPS on 0-10)"]))
    assert survey.nps and survey.recommend.max() == 10  # 11 on 1-11
    survey = _validate(_build_case(tmp_path / "c", by_name["a dimension on 1-100 beside 1-7"]))
    assert survey.ratings["perception"]["1"].max() > 7 and survey.study.mixed_scales
    survey = _validate(_build_case(tmp_path / "d", by_name["answers between points on a continuous scale"]))
    assert not np.allclose(survey.ratings["perception"].stack() % 1, 0)
    survey = _validate(_build_case(tmp_path / "e", by_name["overall satisfaction as categories"]))
    assert survey.overall_binary and set(survey.overall.dropna()) == {0.0, 1.0}
    survey = _validate(_build_case(tmp_path / "f", by_name["stated importance of each item"]))
    assert isinstance(survey.item_importance, pd.DataFrame)
    study = load_study(_build_case(tmp_path / "g", by_name["a dimension of one item"]))
    assert study.instrument.items_of("tangibles") == ["1"]
