"""The study's data beyond the customer survey, for the gap model: read and checked.

- ``management``: managers fill in the expectation form as they think customers
  would; same columns as the survey's expectation form.
- ``standards``: the service standard per item (or per dimension): ``item`` (or
  ``dimension``) and ``standard``, on the survey's scale.
- ``promises``: what external communication promises: ``item`` (or ``dimension``)
  and ``promised``, on the survey's scale.
- ``service_levels``: operational records: ``dimension, indicator, direction``
  (higher / lower is better), ``target, actual``; optional ``unit``, ``period``
  or ``month``, ``kind`` (on_time / error); defect rows give ``units,
  opportunities, defects`` instead of target and actual.

Every function returns None when the study does not name the file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sqmreport._validation import InputError
from sqmreport.data.files import read_table
from sqmreport.data.study import Study
from sqmreport.data.survey import _Coder, _scale_key, find_columns

__all__ = ["load_item_levels", "load_management", "load_service_levels"]


def _read(study: Study, key: str):
    entry = study.data_file(key)
    if entry is None:
        return None, None
    frame = read_table(study.resolve(entry.path), shown=entry.path, format=entry.format,
                       encoding=entry.encoding, delimiter=entry.delimiter, sheet=entry.sheet)
    if frame.empty:
        raise InputError("no rows: the file has a header but no data", file=entry.path)
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    return frame, entry.path


def _numbers(frame: pd.DataFrame, column: str, shown: str, *, lo=-np.inf, hi=np.inf,
             required: bool = True) -> pd.Series:
    text = frame[column].astype("string").str.strip()
    values = pd.to_numeric(text, errors="coerce").astype(float)
    bad = text.notna() & ~np.isfinite(values)  # 'inf', '-inf' and 'nan' measure nothing
    if bad.any():
        examples = ", ".join(repr(v) for v in text[bad].unique()[:3])
        raise InputError(f"{int(bad.sum())} values are not numbers ({examples})", file=shown,
                         column=column, rows=frame.index[bad])
    if required and values.isna().any():
        raise InputError(f"{int(values.isna().sum())} values are missing", file=shown,
                         column=column, rows=frame.index[values.isna()])
    out = values.notna() & ((values < lo) | (values > hi))
    if out.any():
        raise InputError(f"{int(out.sum())} values outside the scale {lo:g}–{hi:g}", file=shown,
                         column=column, rows=frame.index[out])
    return values


def _texts(frame: pd.DataFrame, column: str, shown: str) -> pd.Series:
    """A column of labels (unit, period, area, ...): stripped text, none blank."""
    values = frame[column].astype("string").str.strip()
    blank = values.isna() | (values == "")
    if blank.any():
        raise InputError(f"{int(blank.sum())} rows have no {column}", file=shown, column=column,
                         rows=frame.index[blank])
    return values.astype(str)


def _require(frame: pd.DataFrame, columns, shown: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"column{'s' if len(missing) > 1 else ''} not found: {', '.join(missing)}",
                         file=shown)


def load_management(study: Study) -> pd.DataFrame | None:
    """Managers × items: managers' estimates of customers' expectations (for gap 1)."""
    frame, shown = _read(study, "management")
    if frame is None:
        return None
    names = study.columns("expectation")
    found = find_columns(frame, list(names.values()), shown, required=False)
    _require(frame, [n for n in names.values() if n not in found], shown)
    code = _Coder(shown, study.missing_codes("items"))
    return pd.DataFrame({item: code.rating(frame[found[name]], found[name], study.scale_of(item),
                                           key=_scale_key(study, item))
                         for item, name in names.items()}, index=frame.index)


def load_item_levels(study: Study, key: str, value: str) -> pd.Series | None:
    """A level per item from ``standards`` (value ``standard``) or ``promises`` (``promised``).

    The file gives either an ``item`` or a ``dimension`` column; a dimension's level
    applies to each of its items.  Returns a Series indexed by item id.
    """
    frame, shown = _read(study, key)
    if frame is None:
        return None
    by = "item" if "item" in frame.columns else "dimension"
    _require(frame, [by, value], shown)
    levels = _numbers(frame, value, shown)
    ids = frame[by].astype("string").str.strip()
    known = study.instrument.item_ids if by == "item" else study.instrument.dimension_ids
    unknown = ~ids.isin(known)
    if unknown.any():
        raise InputError(f"{int(unknown.sum())} {by}s are not in the instrument "
                         f"(e.g. {ids[unknown].iloc[0]!r})", file=shown, column=by,
                         rows=frame.index[unknown])
    first = {d: study.instrument.items_of(d)[0] for d in study.instrument.dimension_ids}
    scales = ids.map(lambda i: study.scale_of(i if by == "item" else first[i]))
    lo = np.array([s.min if s.bounded else -np.inf for s in scales], dtype=float)
    hi = np.array([s.max if s.bounded else np.inf for s in scales], dtype=float)
    out = levels.notna() & ((levels < lo) | (levels > hi))
    if out.any():
        scale = scales[out].iloc[0]
        raise InputError(f"{int(out.sum())} values outside the scale {scale.min:g}–{scale.max:g}",
                         file=shown, column=value, rows=frame.index[out])
    dup = ids.duplicated(keep=False)
    if dup.any():
        raise InputError(f"{by} {ids[dup].iloc[0]!r} is given more than once", file=shown,
                         column=by, rows=frame.index[dup])
    per = pd.Series(levels.to_numpy(), index=ids.to_numpy())
    if by == "item":
        return per
    dims = study.instrument.dimension_of()
    return pd.Series({i: per[d] for i, d in dims.items() if d in per.index})


def load_service_levels(study: Study) -> pd.DataFrame | None:
    """Service-level records, checked: numbers where numbers belong, known directions."""
    frame, shown = _read(study, "service_levels")
    if frame is None:
        return None
    _require(frame, ["dimension", "indicator", "direction"], shown)
    dims = frame["dimension"].astype("string").str.strip()
    unknown = ~dims.isin(study.instrument.dimension_ids)
    if unknown.any():
        raise InputError(f"{int(unknown.sum())} rows name a dimension the instrument does not "
                         f"have (e.g. {dims[unknown].iloc[0]!r})", file=shown, column="dimension",
                         rows=frame.index[unknown])
    direction = frame["direction"].astype("string").str.strip().str.lower()
    bad = ~direction.isin(["higher", "lower"])
    if bad.any():
        raise InputError("direction must be 'higher' or 'lower' (which is better)", file=shown,
                         column="direction", rows=frame.index[bad])
    out = pd.DataFrame({"dimension": dims, "indicator": frame["indicator"].astype("string"),
                        "direction": direction})
    for col in ("unit", "kind"):
        out[col] = frame[col].astype("string").fillna("") if col in frame else ""
    has_defects = "defects" in frame.columns
    defects = (_numbers(frame, "defects", shown, lo=0, required=False) if has_defects
               else pd.Series(np.nan, index=frame.index))
    levels = defects.isna()
    if not {"target", "actual"} <= set(frame.columns) and levels.any():
        _require(frame, ["target", "actual"], shown)
    for col in ("target", "actual"):
        values = (_numbers(frame, col, shown, required=False) if col in frame
                  else pd.Series(np.nan, index=frame.index))
        gone = levels & values.isna()
        if gone.any():
            raise InputError(f"{int(gone.sum())} records have no {col}", file=shown, column=col,
                             rows=frame.index[gone])
        out[col] = values
    zero = levels & (out["target"] == 0)
    if zero.any():
        raise InputError(f"{int(zero.sum())} records have a target of 0: the gap to target is "
                         "measured relative to the target; give the target in other units, or "
                         "record the indicator as defects", file=shown, column="target",
                         rows=frame.index[zero])
    if has_defects:
        out["defects"] = defects
        for col in ("units", "opportunities"):
            _require(frame, [col], shown)
            values = _numbers(frame, col, shown, lo=0, required=False)
            gone = ~levels & ~(values > 0)
            if gone.any():
                raise InputError(f"{int(gone.sum())} defect records have no positive {col}",
                                 file=shown, column=col, rows=frame.index[gone])
            out[col] = values
    return out


