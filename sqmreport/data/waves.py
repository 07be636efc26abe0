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
from sqmreport.data.survey import (
    FORMS,
    Survey,
    _categories,
    _check_ids,
    _Coder,
    _scale_key,
    find_columns,
    reverse_code,
)

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
    """An earlier wave's survey, read with this study's settings; items it lacks are skipped.

    Without a ``respondent_id`` in the study the wave has no ids, and the waves are compared
    as independent samples."""
    spec = study.spec
    shown = entry.path
    raw = read_table(study.resolve(entry.path), shown=shown, format=entry.format,
                     encoding=entry.encoding, delimiter=entry.delimiter, sheet=entry.sheet)
    first = int(raw.attrs.get("first_row", 2))
    raw.index = pd.RangeIndex(first, len(raw) + first)
    if raw.empty:
        raise InputError("no respondents: the file has a header but no rows", file=shown)
    ids = None
    if spec.respondent_id is not None:
        column = find_columns(raw, [spec.respondent_id], shown, required=False).get(
            spec.respondent_id)
        if column is None:
            raise InputError(f"column not found: {spec.respondent_id} (the respondent id)",
                             file=shown)
        _check_ids(raw[column], shown, column)
        ids = raw[column].astype("string").str.strip()
    personal = find_columns(raw, spec.personal_columns, shown, required=False)
    raw = raw.drop(columns=list(personal.values()))
    forms = {form: study.columns(form) for form in FORMS if study.columns(form) is not None}
    found = find_columns(raw, [c for names in forms.values() for c in names.values()], shown,
                         required=False)
    code = _Coder(shown, study.missing_codes("items"))
    ratings = {}
    for form, names in forms.items():
        table = pd.DataFrame(index=raw.index, columns=study.instrument.item_ids, dtype=float)
        for item, name in names.items():
            if name in found:
                table[item] = code.rating(raw[found[name]], found[name], study.scale_of(item),
                                          key=_scale_key(study, item))
        # An item with no answer at all in this wave was not asked in it.
        table = reverse_code(study, table)
        if table.notna().any().any():
            ratings[form] = table
    perception = ratings.get("perception")
    items = () if perception is None else tuple(
        i for i in study.instrument.item_ids if perception[i].notna().any())
    if not items:
        pattern = spec.columns.perception
        described = pattern if isinstance(pattern, str) else ", ".join(
            list(study.columns("perception").values())[:3]) + ", ..."
        raise InputError(f"none of the instrument's perception columns ({described}) found",
                         file=shown)
    overall = None
    if spec.overall is not None:
        column = find_columns(raw, [spec.overall.column], shown, required=False).get(
            spec.overall.column)
        if column is not None and study.overall_scale is not None:
            overall = _Coder(shown, study.missing_codes("overall")).rating(
                raw[column], column, study.overall_scale)
        elif column is not None:
            overall = _categories(raw[column], column, spec.overall.satisfied,
                                  study.missing_codes("overall"), shown,
                                  raw.attrs.get("value_labels", {}).get(column, {}))
    importance = None
    points = study.dimension_points
    if points:
        columns = find_columns(raw, list(points.values()), shown, required=False)
        if len(columns) == len(points):
            importance = pd.DataFrame({dim: code.number(raw[columns[col]], columns[col], lo=0, hi=100)
                                       for dim, col in points.items()})
    item_importance = None
    if study.item_importance is not None:
        names = study.columns("importance")
        columns = find_columns(raw, list(names.values()), shown, required=False)
        if len(columns) == len(names):
            scale = study.item_importance.scale or spec.scale
            stated = _Coder(shown, study.missing_codes("importance"))
            item_importance = pd.DataFrame({item: stated.rating(raw[columns[n]], columns[n], scale)
                                            for item, n in names.items()}, index=raw.index)
    survey = Survey(study, ratings, overall, None, importance, pd.DataFrame(index=raw.index),
                    None, ids, item_importance)
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
