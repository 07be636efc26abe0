"""Earlier survey waves, read and checked.

A study names its earlier waves (``waves:`` in the study file) by their data (a
survey file read with the study's own column settings; items it lacks are skipped)
or by the ``waves.csv`` an earlier build wrote.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sqmreport._validation import InputError
from sqmreport.data.files import read_table
from sqmreport.data.study import DataFile, Study, Wave
from sqmreport.data.survey import FORMS, Survey, _check_ids, _Coder, reversed_items

__all__ = ["TABLE_COLUMNS", "WaveData", "load_waves"]

TABLE_COLUMNS = ["wave", "form", "kind", "measure", "n", "mean", "sd", "quadrant"]


@dataclass(frozen=True)
class WaveData:
    """An earlier wave: its survey (from data) or its summary rows (from a built ``waves.csv``).

    ``items`` are the instrument's items the wave asked.
    """

    label: str
    survey: Survey | None
    summary: pd.DataFrame | None
    items: tuple[str, ...]

    @property
    def source(self) -> str:
        return "data" if self.survey is not None else "tables"


def load_waves(study: Study) -> list[WaveData]:
    """Read and check every earlier wave the study names, oldest first."""
    return [_load_wave(study, wave) for wave in study.spec.waves]


def _load_wave(study: Study, wave: Wave) -> WaveData:
    entry = study.wave_file(wave)
    if isinstance(entry, DataFile):
        survey, items = _wave_survey(study, entry)
        return WaveData(wave.label, survey, None, items)
    return _wave_tables(study, wave.label, entry)


def _wave_survey(study: Study, entry: DataFile) -> tuple[Survey, tuple]:
    """An earlier wave's survey, read with this study's settings; items it lacks are skipped."""
    spec = study.spec
    shown = entry.path
    raw = read_table(study.resolve(entry.path), shown=shown, format=entry.format,
                     encoding=entry.encoding, delimiter=entry.delimiter, sheet=entry.sheet)
    raw.index = pd.RangeIndex(2, len(raw) + 2)
    if raw.empty:
        raise InputError("no respondents: the file has a header but no rows", file=shown)
    if spec.respondent_id not in raw.columns:
        raise InputError(f"column not found: {spec.respondent_id} (the respondent id)", file=shown)
    _check_ids(raw[spec.respondent_id], shown, spec.respondent_id)
    raw = raw.drop(columns=[c for c in spec.personal_columns if c in raw.columns])
    perception = spec.columns.perception
    items = tuple(i for i in study.instrument.item_ids if perception.format(item=i) in raw.columns)
    if not items:
        raise InputError(f"none of the instrument's perception columns ({perception}) found",
                         file=shown)
    code = _Coder(shown, spec.missing_codes)
    lo, hi = spec.scale.min, spec.scale.max
    ratings = {}
    for form in FORMS:
        pattern = getattr(spec.columns, form)
        if pattern is None or not any(pattern.format(item=i) in raw.columns for i in items):
            continue
        table = pd.DataFrame(index=raw.index, columns=study.instrument.item_ids, dtype=float)
        for item in items:
            column = pattern.format(item=item)
            if column in raw.columns:
                table[item] = code.rating(raw[column], column, lo, hi)
        reverse = reversed_items(study)
        table[reverse] = (lo + hi) - table[reverse]
        ratings[form] = table
    overall = None
    if study.overall_scale is not None and spec.overall.column in raw.columns:
        scale = study.overall_scale
        overall = _Coder(shown, study.missing_codes("overall")).rating(
            raw[spec.overall.column], spec.overall.column, scale.min, scale.max)
    importance = None
    points = study.dimension_points
    if points and all(c in raw.columns for c in points.values()):
        importance = pd.DataFrame({dim: code.number(raw[col], col, lo=0, hi=100)
                                   for dim, col in points.items()})
    ids = raw[spec.respondent_id].astype("string").str.strip()
    survey = Survey(study, ratings, overall, None, importance, pd.DataFrame(index=raw.index),
                    None, ids)
    return survey, items


def _wave_tables(study: Study, label: str, path: str) -> WaveData:
    frame = read_table(study.resolve(path), shown=path)
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    missing = [c for c in TABLE_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"not a waves.csv written by sqmreport: column"
                         f"{'s' if len(missing) > 1 else ''} {', '.join(missing)} not found",
                         file=path)
    # A build writes a text that starts like a spreadsheet formula with an apostrophe before
    # it (sqmreport.present.report.formula_safe): read the wave labels back as they were.
    frame["wave"] = frame["wave"].astype("string").str.replace(r"^'(?=[=+\-@\t\r])", "",
                                                               regex=True)
    rows = frame[frame["wave"].astype("string").str.strip() == label].copy()
    if rows.empty:
        found = ", ".join(repr(w) for w in frame["wave"].astype("string").unique()[:5])
        raise InputError(f"no rows of wave {label!r} (the file has {found})", file=path,
                         column="wave")
    for column in ("n", "mean", "sd"):
        values = pd.to_numeric(rows[column], errors="coerce")
        bad = rows[column].notna() & ~np.isfinite(values.astype(float))
        if bad.any():
            raise InputError("values are not numbers", file=path, column=column,
                             rows=rows.index[bad])
        rows[column] = values
    for column in ("form", "kind", "measure"):
        rows[column] = rows[column].astype(str).str.strip()
    rows["quadrant"] = rows["quadrant"].fillna("").astype(str)
    rows = rows.assign(wave=label)
    items = tuple(i for i in study.instrument.item_ids
                  if ((rows["kind"] == "item") & (rows["measure"].astype(str) == i)).any())
    return WaveData(label, None, rows[TABLE_COLUMNS].reset_index(drop=True), items)
