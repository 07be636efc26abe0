"""Operational records beside the survey, read and checked: the KPI file of the
internal-service scorecard, the complaint log and the maturity assessment.

Every function returns None when the study does not name the file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sqmreport._validation import InputError
from sqmreport.data.privacy import mask_personal_data
from sqmreport.data.records import _numbers, _read, _require, _texts
from sqmreport.data.study import Study

__all__ = ["load_assessment", "load_complaints", "load_kpi"]

_YES = {"yes", "y", "true", "1", "是", "已解决", "resolved"}
_NO = {"no", "n", "false", "0", "否", "未解决", "unresolved"}


def load_complaints(study: Study) -> pd.DataFrame | None:
    """The complaint log, checked: timestamps, closing after receipt, yes/no flags, ratings."""
    frame, shown = _read(study, "complaints")
    if frame is None:
        return None
    _require(frame, ["received", "channel", "category"], shown)
    out = pd.DataFrame(index=frame.index)
    out["received"] = _times(frame, "received", shown, required=True)
    out["closed"] = (_times(frame, "closed", shown, required=False) if "closed" in frame
                     else pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]"))
    early = out["closed"] < out["received"]
    if early.any():
        raise InputError(f"{int(early.sum())} complaints closed before they were received",
                         file=shown, column="closed", rows=frame.index[early])
    for column in ("channel", "category", "unit", "customer"):
        if column in frame:
            values = frame[column].astype("string").str.strip().replace("", pd.NA)
        else:
            values = pd.Series(pd.NA, index=frame.index, dtype="string")
        if column in ("channel", "category") and values.isna().any():
            raise InputError(f"{int(values.isna().sum())} complaints have no {column}",
                             file=shown, column=column, rows=frame.index[values.isna()])
        out[column] = values
    if "resolved" in frame:
        flag = frame["resolved"].astype("string").str.strip().str.lower()
        bad = flag.notna() & ~flag.isin(_YES | _NO)
        if bad.any():
            raise InputError("resolved must be yes or no (or 1 / 0, 是 / 否)", file=shown,
                             column="resolved", rows=frame.index[bad])
        out["resolved"] = flag.map(lambda v: v in _YES, na_action="ignore").astype(float)
    else:
        out["resolved"] = out["closed"].notna().astype(float)
    scale = study.spec.complaints.satisfaction_scale
    out["satisfaction"] = (_numbers(frame, "satisfaction", shown, lo=scale.min, hi=scale.max,
                                    required=False) if "satisfaction" in frame else np.nan)
    if "text" in frame:
        out["text"] = frame["text"].astype("string").fillna("").map(mask_personal_data)
    else:
        out["text"] = ""
    return out.reset_index(drop=True)


def _times(frame: pd.DataFrame, column: str, shown: str, *, required: bool) -> pd.Series:
    text = frame[column].astype("string").str.strip().replace("", pd.NA)
    times = pd.to_datetime(text, errors="coerce", format="mixed")
    bad = text.notna() & times.isna()
    if bad.any():
        examples = ", ".join(repr(v) for v in text[bad].unique()[:3])
        raise InputError(f"{int(bad.sum())} values are not dates and times ({examples}); write "
                         "them as 2026-03-31 14:05", file=shown, column=column,
                         rows=frame.index[bad])
    if required and times.isna().any():
        raise InputError(f"{int(times.isna().sum())} values are missing", file=shown,
                         column=column, rows=frame.index[times.isna()])
    return times.astype("datetime64[ns]")


def load_kpi(study: Study) -> pd.DataFrame | None:
    """The KPI file: ``unit, period`` and a column per indicator of ``scorecard.indicators``."""
    frame, shown = _read(study, "kpi")
    if frame is None:
        return None
    indicators = study.spec.scorecard.indicators
    _require(frame, ["unit", "period"] + [i.id for i in indicators], shown)
    out = pd.DataFrame(index=frame.index)
    for column in ("unit", "period"):
        out[column] = _texts(frame, column, shown)
    dup = out.duplicated(["unit", "period"], keep=False)
    if dup.any():
        first = out[dup].iloc[0]
        raise InputError(f"unit {first['unit']!r} has more than one row for period "
                         f"{first['period']!r}", file=shown, column="unit", rows=frame.index[dup])
    for ind in indicators:
        values = _numbers(frame, ind.id, shown, required=False)
        if ind.worst is None and ind.direction == "cost":
            negative = values < 0
            if negative.any():
                raise InputError(f"{int(negative.sum())} negative values of a cost indicator",
                                 file=shown, column=ind.id, rows=frame.index[negative])
        out[ind.id] = values
    return out.reset_index(drop=True)
def load_assessment(study: Study) -> pd.DataFrame | None:
    """The maturity assessment: ``area, level, practice, rating`` (optional ``assessor``)."""
    frame, shown = _read(study, "maturity")
    if frame is None:
        return None
    _require(frame, ["area", "level", "practice", "rating"], shown)
    scale = study.spec.maturity.scale
    out = pd.DataFrame(index=frame.index)
    for column in ("area", "practice"):
        out[column] = _texts(frame, column, shown)
    level = _numbers(frame, "level", shown, lo=2, hi=5)
    fraction = level != np.round(level)
    if fraction.any():
        raise InputError("levels are whole numbers 2–5 (level 1, initial, has no practices)",
                         file=shown, column="level", rows=frame.index[fraction])
    out["level"] = level.astype(int)
    out["rating"] = _numbers(frame, "rating", shown, lo=scale.min, hi=scale.max)
    clash = out.groupby(["area", "practice"])["level"].transform("nunique") > 1
    if clash.any():
        raise InputError("a practice is given two different levels", file=shown, column="level",
                         rows=frame.index[clash])
    return out.reset_index(drop=True)
