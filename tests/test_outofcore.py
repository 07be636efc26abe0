"""The out-of-core path gives the in-memory numbers (to 1e-9), from Parquet and from CSV."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from sqmreport import InputError
from sqmreport.data.outofcore import correlations, mean_differences, sufficient_statistics


@pytest.fixture(scope="module")
def survey():
    rng = np.random.default_rng(5)
    n = 5000
    base = rng.normal(size=(n, 1))
    data = {}
    for form in ("E", "P"):
        for j in range(1, 6):
            values = np.clip(np.rint(4 + base[:, 0] + rng.normal(size=n)), 1, 7)
            values[rng.random(n) < 0.05] = np.nan  # scattered missing answers
            data[f"{form}{j}"] = pd.array(values, dtype="Int64")
    frame = pd.DataFrame(data)
    frame["segment"] = rng.choice(["a", "b", "c"], size=n)
    return frame


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
def test_correlations_and_gaps_equal_the_in_memory_path(tmp_path, survey, suffix):
    path = tmp_path / f"survey.{suffix}"
    survey.to_parquet(path) if suffix == "parquet" else survey.to_csv(path, index=False)
    columns = [c for c in survey.columns if c != "segment"]
    stats = sufficient_statistics(path, columns)
    in_memory = survey[columns].astype(float)
    assert_allclose(correlations(stats).to_numpy(), in_memory.corr().to_numpy(), atol=1e-9)
    gaps = mean_differences(stats, [f"P{j}" for j in range(1, 6)], [f"E{j}" for j in range(1, 6)])
    expected = [(in_memory[f"P{j}"] - in_memory[f"E{j}"]).mean() for j in range(1, 6)]
    assert_allclose(gaps["mean"], expected, atol=1e-9)
    assert stats.rows == len(survey)


def test_per_segment(tmp_path, survey):
    path = tmp_path / "survey.parquet"
    survey.to_parquet(path)
    columns = ["P1", "P2", "E1"]
    stats = sufficient_statistics(path, columns, by="segment")
    for group, part in survey.groupby("segment"):
        assert_allclose(correlations(stats, group).to_numpy(),
                        part[columns].astype(float).corr().to_numpy(), atol=1e-9)
        assert stats.rows[group] == len(part)


def test_unsupported_file(tmp_path):
    with pytest.raises(InputError, match="out-of-core input reads Parquet or CSV"):
        sufficient_statistics(tmp_path / "x.xlsx", ["a"])
