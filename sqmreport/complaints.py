"""Complaint and feedback analysis (seeds 000, 001, 004 §6.2) from a complaint log.

The log has one row per complaint: ``received`` (date and time), ``channel``,
``category``; optionally ``closed``, ``unit``, ``resolved`` (yes / no),
``satisfaction`` (with the handling), ``customer`` (an id, for repeat
complaints) and ``text`` (masked for personal data on reading, like comments).

Time to close is counted in hours for closed complaints; its median and 90th
percentile are R's default quantile (type 7, linear interpolation).  A complaint
is a repeat when the same customer complained before within ``repeat_days``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._validation import InputError
from .privacy import mask_personal_data
from .records import _numbers, _read, _require
from .study import Study

__all__ = ["ComplaintResult", "analyse_complaints", "load_complaints", "pareto"]

_YES = {"yes", "y", "true", "1", "是", "已解决", "resolved"}
_NO = {"no", "n", "false", "0", "否", "未解决", "unresolved"}


@dataclass(frozen=True)
class ComplaintResult:
    """What the complaint section shows.

    Attributes
    ----------
    summary : dict
        ``complaints, closed, open, resolution_rate, median_hours, p90_hours,
        within_target, repeats, repeat_share, satisfaction`` (NaN when not measured).
    categories : DataFrame
        Pareto table: ``category, n, share, cumulative, resolution_rate,
        median_hours, p90_hours, within_target, repeat_share, satisfaction,
        dimension``, most frequent first.
    channels : DataFrame
        ``channel, n, share, resolution_rate, median_hours``.
    periods : DataFrame
        ``period, n, resolution_rate, median_hours``, in time order.
    dimensions : DataFrame or None
        Per dimension linked by ``complaints.categories``: ``dimension, gap,
        n, share``, largest shortfall (most negative gap) first.
    texts : Series
        Masked complaint texts, most frequent category first.
    """

    summary: dict
    categories: pd.DataFrame
    channels: pd.DataFrame
    periods: pd.DataFrame
    dimensions: pd.DataFrame | None
    texts: pd.Series


def pareto(counts: pd.Series) -> pd.DataFrame:
    """Counts sorted largest first with their share and cumulative share.

    Examples
    --------
    >>> pareto(pd.Series({"a": 2, "b": 6, "c": 2})).round(2).to_dict("list")
    {'category': ['b', 'a', 'c'], 'n': [6, 2, 2], 'share': [0.6, 0.2, 0.2], 'cumulative': [0.6, 0.8, 1.0]}
    """
    ordered = counts.sort_values(ascending=False, kind="stable")
    share = ordered / ordered.sum()
    return pd.DataFrame({"category": ordered.index, "n": ordered.to_numpy(),
                         "share": share.to_numpy(), "cumulative": share.cumsum().to_numpy()})


def _hours_stats(log: pd.DataFrame, target: float) -> dict:
    hours = log["hours"].dropna()
    return {"median_hours": hours.median() if len(hours) else np.nan,
            "p90_hours": hours.quantile(0.9) if len(hours) else np.nan,
            "within_target": (hours <= target).mean() if len(hours) else np.nan}


def analyse_complaints(log: pd.DataFrame, *, target_hours: float = 48, repeat_days: int = 30,
                       period: str = "month", categories: dict | None = None,
                       gaps: pd.Series | None = None) -> ComplaintResult:
    """Volumes, resolution, time to close and repeats, overall and by category, channel, period.

    Parameters
    ----------
    log : DataFrame
        As :func:`load_complaints` returns it.
    target_hours : float
        Time within which a complaint should be closed.
    repeat_days : int
        Window for repeat complaints of the same customer.
    period : {"month", "quarter"}
    categories : dict, optional
        Category -> dimension id.
    gaps : Series, optional
        Dimension id -> gap (P − E), to rank the linked dimensions by shortfall.
    """
    log = log.copy()
    log["hours"] = (log["closed"] - log["received"]).dt.total_seconds() / 3600
    log["repeat"] = _repeats(log, repeat_days)
    categories = categories or {}
    n = len(log)
    summary = {"complaints": n, "closed": int(log["closed"].notna().sum()),
               "open": int(log["closed"].isna().sum()),
               "resolution_rate": log["resolved"].mean(),
               **_hours_stats(log, target_hours),
               "repeats": int(log["repeat"].sum()) if log["repeat"].notna().any() else np.nan,
               "repeat_share": log["repeat"].mean() if log["repeat"].notna().any() else np.nan,
               "satisfaction": log["satisfaction"].mean()}

    table = pareto(log["category"].value_counts(sort=False))
    rows = []
    for category in table["category"]:
        part = log[log["category"] == category]
        rows.append({"resolution_rate": part["resolved"].mean(), **_hours_stats(part, target_hours),
                     "repeat_share": part["repeat"].mean() if part["repeat"].notna().any()
                     else np.nan,
                     "satisfaction": part["satisfaction"].mean(),
                     "dimension": categories.get(category, "")})
    table = pd.concat([table, pd.DataFrame(rows)], axis=1)

    channels = pareto(log["channel"].value_counts(sort=False)).rename(
        columns={"category": "channel"}).drop(columns="cumulative")
    channels["resolution_rate"] = channels["channel"].map(log.groupby("channel")["resolved"].mean())
    channels["median_hours"] = channels["channel"].map(log.groupby("channel")["hours"].median())

    stamp = log["received"].dt.to_period("M" if period == "month" else "Q")
    grouped = log.groupby(stamp)
    periods = pd.DataFrame({"period": [str(p) for p in grouped.size().index],
                            "n": grouped.size().to_numpy(),
                            "resolution_rate": grouped["resolved"].mean().to_numpy(),
                            "median_hours": grouped["hours"].median().to_numpy()})

    dimensions = None
    if categories:
        linked = log["category"].map(categories).dropna()
        linked = linked[linked != ""]
        counts = linked.value_counts()
        dims = list(dict.fromkeys(categories.values()))
        dimensions = pd.DataFrame({"dimension": dims,
                                   "gap": [gaps.get(d, np.nan) if gaps is not None else np.nan
                                           for d in dims],
                                   "n": [int(counts.get(d, 0)) for d in dims]})
        dimensions["share"] = dimensions["n"] / n
        dimensions = dimensions.sort_values(["gap", "n"], ascending=[True, False],
                                            na_position="last").reset_index(drop=True)

    rank = {c: k for k, c in enumerate(table["category"])}
    texts = log.loc[log["text"].fillna("") != "", ["category", "text"]]
    texts = texts.iloc[np.argsort(texts["category"].map(rank).to_numpy(), kind="stable")]["text"]
    return ComplaintResult(summary, table, channels, periods, dimensions,
                           texts.reset_index(drop=True))


def _repeats(log: pd.DataFrame, days: int) -> pd.Series:
    """True where the customer complained before within ``days``; NaN without customer ids."""
    if log["customer"].isna().all():
        return pd.Series(np.nan, index=log.index)
    ordered = log.sort_values("received")
    gap = ordered.groupby("customer")["received"].diff()
    repeat = (gap <= pd.Timedelta(days=days)).astype(float)
    repeat[ordered["customer"].isna()] = np.nan
    return repeat.reindex(log.index)


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
