"""Shared fixtures: small seeded studies written to a temporary folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "data" / "demo"


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
