"""Shared fixtures: small seeded studies written to a temporary folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "data" / "demo"

# -- end-to-end tests --------------------------------------------------------------------------
# Tests that run `sqmreport build` or its CLI, execute notebooks, start kernels, build the wheel
# or open Chromium are marked ``e2e`` here, in one place, so that `make test-fast`
# (``pytest -m "not e2e"``) runs the unit tests of statistics and views in under a minute and
# `make test` runs everything.  A new end-to-end test goes in one of these modules, or is named
# below.
E2E_MODULES = {
    "test_browser.py",    # Chromium opens every demo report
    "test_cli.py",        # `python -m sqmreport ...` in a subprocess
    "test_render.py",     # builds the demo and small studies
    "test_researcher.py", # the README's quick start: edit a notebook, rebuild
    "test_safety.py",     # builds reports from hostile inputs
    "test_transactional.py",  # report folders replaced whole: interrupts, full disks, locks
    "test_gallery.py",    # studies of many shapes built, every page read for false sentences
    "test_examples.py",   # the example gallery (examples/): client files built as they arrive
    "test_deliverables.py",  # the demo built with every deliverable (overview, workbook, PDF, deck)
    "test_manifest.py",   # the demo's reports' views run in-process: what each manifest records
    "test_column_words.py",  # the same, in both languages: every CSV column has a header
}
# In other modules: every test that uses one of these fixtures ...
E2E_FIXTURES = {
    "test_notebooks.py": {"run"},      # executes a notebook's cells on the demo
    "test_packaging.py": {"wheel"},    # builds the wheel (and installs it, builds a study with it)
    "test_privacy.py": {"built"},      # builds generated studies and attacks their tables
}
# ... and these tests, by name.
E2E_TESTS = {
    # the factor-analysis report's analysis of the whole demo, on polychoric correlations
    "test_factor_analysis.py": {"test_the_ordinal_option_feeds_every_efa_step"},
}


def _computes_every_report(item) -> bool:
    """A catalogue case with the outcome "ok" runs all three reports' analyses on the demo."""
    case = getattr(item, "callspec", None) and item.callspec.params.get("case")
    return item.path.name == "test_catalogue.py" and getattr(case, "outcome", None) == "ok"


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.path.name
        if (module in E2E_MODULES
                or set(getattr(item, "fixturenames", ())) & E2E_FIXTURES.get(module, set())
                or getattr(item, "originalname", item.name) in E2E_TESTS.get(module, set())
                or _computes_every_report(item)):
            item.add_marker(pytest.mark.e2e)


def small_survey(n: int = 30, seed: int = 7) -> pd.DataFrame:
    """A survey for a two-dimension, four-item instrument on a 1-5 scale."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"id": [f"r{i}" for i in range(1, n + 1)]})
    for item in ("a1", "a2", "b1", "b2"):
        frame[f"P_{item}"] = rng.integers(1, 6, size=n)
    frame["overall"] = rng.integers(1, 6, size=n)
    frame["nps"] = rng.integers(0, 11, size=n)
    frame["region"] = rng.choice(["north", "south"], size=n)
    frame["name"] = [f"person {i}" for i in range(n)]
    return frame


def small_spec(**changes) -> dict:
    spec = {
        "name": "small",
        "title": "Small study",
        "language": "en",
        "data": {"survey": "survey.csv"},
        "respondent_id": "id",
        "instrument": {
            "dimensions": {"alpha": {"en": "Alpha", "zh": "甲"}, "beta": "Beta"},
            "items": [{"id": "a1", "dimension": "alpha"}, {"id": "a2", "dimension": "alpha"},
                      {"id": "b1", "dimension": "beta"}, {"id": "b2", "dimension": "beta"}],
        },
        "columns": {"perception": "P_{item}"},
        "scale": {"min": 1, "max": 5},
        "overall": {"column": "overall", "scale": {"min": 1, "max": 5}},
        "recommend": "nps",
        "segments": ["region"],
        "personal_columns": ["name"],
    }
    spec.update(changes)
    return spec


@pytest.fixture
def shown(monkeypatch):
    """Everything a Report displays, as HTML strings (nothing reaches IPython)."""
    from sqmreport.present import report

    outputs = []
    monkeypatch.setattr(report, "_display", outputs.append)
    return outputs


@pytest.fixture
def write_study(tmp_path):
    """Write a study file (and its survey) to a fresh folder; return the study file's path."""

    def write(spec: dict | None = None, survey: pd.DataFrame | None = None,
              survey_name: str = "survey.csv", **csv_options) -> Path:
        spec = small_spec() if spec is None else spec
        survey = small_survey() if survey is None else survey
        if survey_name.endswith(".csv"):
            survey.to_csv(tmp_path / survey_name, index=False, **csv_options)
        elif survey_name.endswith(".xlsx"):
            survey.to_excel(tmp_path / survey_name, index=False)
        elif survey_name.endswith(".parquet"):
            survey.to_parquet(tmp_path / survey_name, index=False)
        path = tmp_path / "study.yml"
        path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    return write
