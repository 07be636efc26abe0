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

from sqmreport._validation import check_option
from sqmreport.stats.disclosure import protect

__all__ = ["ComplaintResult", "analyse_complaints", "pareto"]

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

    Parameters
    ----------
    counts : Series
        Count per category, indexed by category.

    Returns
    -------
    DataFrame
        ``category, n, share, cumulative``, largest first (ties in the given order).

    Notes
    -----
    share = n / Σn; cumulative = running sum of the shares (the Pareto curve).
    In R: ``qcc::pareto.chart(counts)``.

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
                       gaps: pd.Series | None = None, min_size: int = 5) -> ComplaintResult:
    """Volumes, resolution, time to close and repeats, overall and by category, channel, period.

    Parameters
    ----------
    log : DataFrame
        One row per complaint, as :func:`sqmreport.data.records.load_complaints`
        returns it: ``received, closed`` (datetimes, NaT while open), ``channel,
        category, resolved`` (1/0/NaN), ``satisfaction, customer, text``.
    target_hours : float
        Time within which a complaint should be closed.
    repeat_days : int
        Window for repeat complaints of the same customer.
    period : {"month", "quarter"}
        The periods of the trend table.
    categories : dict, optional
        Category -> dimension id.
    gaps : Series, optional
        Dimension id -> gap (P − E), to rank the linked dimensions by shortfall.
    min_size : int
        Disclosure control of the breakdowns by category, channel and period: a rate,
        time or satisfaction computed from fewer complaints (with an answer) is hidden
        (NaN), and so are those that must be hidden too so that it cannot be worked
        out from the totals (:func:`~sqmreport.stats.disclosure.protect`).  The counts
        of complaints are shown.

    Returns
    -------
    ComplaintResult

    Raises
    ------
    InputError
        For an unknown ``period``.

    Notes
    -----
    Hours to close = (closed − received) in hours, over closed complaints; median and
    90th percentile as R's ``quantile(x, c(.5, .9))`` (type 7).  A complaint is a
    repeat when the same customer's previous complaint was at most ``repeat_days``
    before it.

    Examples
    --------
    >>> log = pd.DataFrame({
    ...     "received": pd.to_datetime(["2024-01-02 09:00", "2024-01-05 10:00", "2024-02-01 08:00"]),
    ...     "closed": pd.to_datetime(["2024-01-03 09:00", None, "2024-02-04 08:00"]),
    ...     "channel": ["phone", "web", "phone"], "category": ["billing", "billing", "delay"],
    ...     "resolved": [1.0, np.nan, 0.0], "satisfaction": [4, np.nan, 2.0],
    ...     "customer": ["c1", "c2", "c1"], "text": ["", "", ""]})
    >>> c = analyse_complaints(log)
    >>> c.summary["complaints"], c.summary["open"], float(c.summary["median_hours"])
    (3, 1, 48.0)
    """
    check_option("period", period, ("month", "quarter"))
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

    table = _protect(table, log, log["category"], "category", min_size)
    channels = _protect(channels, log, log["channel"], "channel", min_size)
    periods = _protect(periods, log, stamp.astype(str).where(stamp.notna()), "period", min_size)

    rank = {c: k for k, c in enumerate(table["category"])}
    texts = log.loc[log["text"].fillna("") != "", ["category", "text"]]
    texts = texts.iloc[np.argsort(texts["category"].map(rank).to_numpy(), kind="stable")]["text"]
    return ComplaintResult(summary, table, channels, periods, dimensions,
                           texts.reset_index(drop=True))


# What each statistic of a breakdown is computed from: its contributors are the complaints
# with a value there.
_SOURCES = {"resolution_rate": "resolved", "median_hours": "hours", "p90_hours": "hours",
            "within_target": "hours", "repeat_share": "repeat", "satisfaction": "satisfaction"}


def _protect(table: pd.DataFrame, log: pd.DataFrame, keys: pd.Series, key: str,
             min_size: int) -> pd.DataFrame:
    """The breakdown with the statistics of too few complaints hidden (NaN)."""
    columns = [c for c in _SOURCES if c in table.columns]
    answered = pd.DataFrame({c: log[_SOURCES[c]].notna().astype(int) for c in columns})
    contributors = answered.groupby(keys).sum().reindex(table[key], fill_value=0)
    hide = protect(contributors, min_size=min_size, unshown=answered[keys.isna().to_numpy()].sum())
    table = table.copy()
    for column in columns:
        table.loc[hide[column].to_numpy(), column] = np.nan
    return table


def _repeats(log: pd.DataFrame, days: int) -> pd.Series:
    """True where the customer complained before within ``days``; NaN without customer ids."""
    if log["customer"].isna().all():
        return pd.Series(np.nan, index=log.index)
    ordered = log.sort_values("received")
    gap = ordered.groupby("customer")["received"].diff()
    repeat = (gap <= pd.Timedelta(days=days)).astype(float)
    repeat[ordered["customer"].isna()] = np.nan
    return repeat.reindex(log.index)


