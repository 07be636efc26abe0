"""The five-gap model (Zeithaml, Berry & Parasuraman 1988): gaps 1-4 from the data that measure them.

One sign rule throughout: gap = actual − reference, so a negative gap is always a
shortfall.  Gap 5 (P − E) is computed in :mod:`sqmreport.stats.servqual`.

- Gap 1, knowledge (管理者认识差距): M − E, M = managers' estimate of customers' expectations.
- Gap 2, standards (质量标准差距): S − M, S = the service standard.
- Gap 3, delivery (服务传递差距): delivered − standard, from service-level records.
- Gap 4, communication (市场沟通差距): D − C, D = delivered service as customers
  perceive it (mean perception), C = the level external communication promised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from sqmreport._validation import InputError

__all__ = ["GAPS", "ServiceLevels", "SigmaLevel", "gap_table", "service_levels", "sigma_level"]

GAPS = ("gap1", "gap2", "gap3", "gap4", "gap5")


def gap_table(actual: pd.Series, reference: pd.Series, *, dimension_of: dict) -> pd.DataFrame:
    """Gap = actual − reference per item, and per dimension (mean over its items).

    Parameters
    ----------
    actual, reference : Series
        Item means indexed by item id (items missing from either, or NaN in
        either, are left out).
    dimension_of : dict
        Item -> dimension, in instrument order.

    Returns
    -------
    DataFrame
        ``level`` (item / dimension), ``id, dimension, actual, reference, gap``: the
        items in instrument order, then the dimensions that have an item.

    Notes
    -----
    One sign rule for every gap of the model: gap = actual − reference, negative =
    shortfall.  Gap 1 = M − E, gap 2 = S − M, gap 4 = D − C (module docstring).  A
    dimension's actual and reference are the means of its items'.

    References
    ----------
    Zeithaml, V. A., Berry, L. L., & Parasuraman, A. (1988). Communication and
    control processes in the delivery of service quality. Journal of Marketing,
    52(2), 35-48.

    Examples
    --------
    >>> actual = pd.Series({"1": 5.0, "2": 6.0, "3": 4.0})
    >>> reference = pd.Series({"1": 6.0, "2": 6.0, "3": 5.5})
    >>> gap_table(actual, reference, dimension_of={"1": "a", "2": "a", "3": "b"})
           level id dimension  actual  reference  gap
    0       item  1         a     5.0        6.0 -1.0
    1       item  2         a     6.0        6.0  0.0
    2       item  3         b     4.0        5.5 -1.5
    3  dimension  a         a     5.5        6.0 -0.5
    4  dimension  b         b     4.0        5.5 -1.5
    """
    items = [i for i in dimension_of if i in actual.index and i in reference.index
             and pd.notna(actual[i]) and pd.notna(reference[i])]
    rows = [{"level": "item", "id": i, "dimension": dimension_of[i], "actual": actual[i],
             "reference": reference[i]} for i in items]
    for dim in dict.fromkeys(dimension_of.values()):
        members = [i for i in items if dimension_of[i] == dim]
        if members:
            rows.append({"level": "dimension", "id": dim, "dimension": dim,
                         "actual": actual[members].mean(), "reference": reference[members].mean()})
    table = pd.DataFrame(rows, columns=["level", "id", "dimension", "actual", "reference"])
    table["gap"] = table["actual"] - table["reference"]
    return table


@dataclass(frozen=True)
class SigmaLevel:
    """Defects per million opportunities and the sigma level of a process.

    Attributes
    ----------
    dpmo : float
        Defects per million opportunities, DPMO = defects / (units × opportunities) × 10⁶.
    sigma : float
        Sigma level with the conventional 1.5 shift, Φ⁻¹(1 − DPMO/10⁶) + 1.5.
    """

    dpmo: float
    sigma: float


def sigma_level(defects: float, units: float, *, opportunities: float = 1.0) -> SigmaLevel:
    """Defects per million opportunities and the sigma level (with the 1.5 shift).

    Parameters
    ----------
    defects : float
        Defects counted.
    units : float
        Units (services, transactions) inspected.
    opportunities : float
        Opportunities for a defect per unit.

    Returns
    -------
    SigmaLevel

    Raises
    ------
    InputError
        When ``units`` or ``opportunities`` is not positive, or ``defects`` is negative
        or more than the opportunities.

    Notes
    -----
    DPMO = defects / (units × opportunities) × 10⁶; sigma = Φ⁻¹(1 − DPMO/10⁶) + 1.5,
    the long-term process drifting 1.5 standard deviations from its short-term mean.
    There is no base-R function; ``qnorm(1 - dpmo / 1e6) + 1.5`` in R.

    References
    ----------
    Harry, M. J. (1988). The nature of six sigma quality. Motorola University Press.

    Examples
    --------
    >>> r = sigma_level(3.4, 1_000_000)
    >>> round(r.dpmo, 1), round(r.sigma, 2)
    (3.4, 6.0)
    """
    if not units > 0 or not opportunities > 0:
        raise InputError(f"`units` and `opportunities` must be positive, got {units!r} and "
                         f"{opportunities!r}")
    total = units * opportunities
    if not 0 <= defects <= total:
        raise InputError(f"`defects` must be between 0 and units × opportunities ({total:g}), "
                         f"got {defects!r}")
    dpmo = defects / total * 1e6
    return SigmaLevel(float(dpmo), float(stats.norm.ppf(1 - dpmo / 1e6) + 1.5))


@dataclass(frozen=True)
class ServiceLevels:
    """Delivered service against its targets (gap 3).

    Attributes
    ----------
    indicators : DataFrame
        Per indicator: ``dimension, indicator, unit, direction, target, actual`` (mean
        over periods), ``periods, attainment`` (share of periods on target),
        ``gap`` (relative: (actual − target) / |target|, sign flipped where lower is
        better, so negative = short of target).
    dimensions : DataFrame
        Per dimension: ``dimension, gap`` (mean relative gap of its indicators),
        ``attainment`` (share of all its indicator-periods on target), ``indicators``.
    sqi : float
        Service quality index, on-time rate × (1 − error rate): the share of services
        both on time and error-free (NaN without on-time and error indicators).
    defects : DataFrame
        Per defect process: ``indicator, dimension, defects, units, opportunities,
        dpmo, sigma``.
    """

    indicators: pd.DataFrame
    dimensions: pd.DataFrame
    sqi: float
    defects: pd.DataFrame


def service_levels(records: pd.DataFrame) -> ServiceLevels:
    """Summarise service-level records against their targets (gap 3, delivery).

    Parameters
    ----------
    records : DataFrame
        One row per indicator and period with ``dimension, indicator, direction``
        (``higher`` or ``lower`` is better), ``target, actual``, optional ``unit``
        and ``kind`` (``on_time`` or ``error``, both as percentages, for the SQI);
        defect rows instead give ``units, opportunities, defects``.

    Returns
    -------
    ServiceLevels

    Raises
    ------
    InputError
        For a defect row whose units or opportunities are not positive, or whose
        defects exceed the opportunities (:func:`sigma_level`).

    Notes
    -----
    Relative gap of a period = s · (actual − target) / |target|, s = −1 where lower is
    better, so a negative gap is short of target; attainment = share of periods with
    s · (actual − target) ≥ 0.  SQI = on-time rate × (1 − error rate).  Defects of an
    indicator are pooled over its periods before :func:`sigma_level`.

    References
    ----------
    Zeithaml, V. A., Berry, L. L., & Parasuraman, A. (1988). Communication and
    control processes in the delivery of service quality. Journal of Marketing,
    52(2), 35-48.

    Examples
    --------
    >>> rec = pd.DataFrame({"dimension": ["reliability"] * 3,
    ...                     "indicator": ["on time %", "on time %", "errors %"],
    ...                     "direction": ["higher", "higher", "lower"],
    ...                     "kind": ["on_time", "on_time", "error"],
    ...                     "target": [95, 95, 2], "actual": [90, 96, 3]})
    >>> r = service_levels(rec)
    >>> r.indicators[["indicator", "actual", "attainment", "gap"]].round(3)
       indicator  actual  attainment    gap
    0  on time %    93.0         0.5 -0.021
    1   errors %     3.0         0.0 -0.500
    >>> round(r.sqi, 4)
    0.9021
    """
    rec = records.copy()
    for col in ("unit", "kind"):
        if col not in rec:
            rec[col] = ""
    is_defect = rec.get("defects", pd.Series(np.nan, index=rec.index)).notna()
    levels = rec[~is_defect].copy()
    better = np.where(levels["direction"] == "lower", -1.0, 1.0)
    levels["on_target"] = (better * (levels["actual"] - levels["target"])) >= 0
    levels["relative"] = better * (levels["actual"] - levels["target"]) / levels["target"].abs()
    keys = ["dimension", "indicator", "unit", "direction", "kind"]
    indicators = (levels.groupby(keys, sort=False, dropna=False)
                  .agg(target=("target", "mean"), actual=("actual", "mean"),
                       periods=("actual", "size"), attainment=("on_target", "mean"),
                       gap=("relative", "mean"))
                  .reset_index())
    dimensions = (levels.groupby("dimension", sort=False)
                  .agg(gap=("relative", "mean"), attainment=("on_target", "mean"),
                       indicators=("indicator", "nunique"))
                  .reset_index())
    on_time = levels.loc[levels["kind"] == "on_time", "actual"]
    errors = levels.loc[levels["kind"] == "error", "actual"]
    sqi = (on_time.mean() / 100) * (1 - errors.mean() / 100) if len(on_time) and len(errors) else np.nan
    defect_rows = []
    for (dim, name), group in rec[is_defect].groupby(["dimension", "indicator"], sort=False):
        total, units = group["defects"].sum(), group["units"].sum()
        opportunities = (group["units"] * group["opportunities"]).sum() / units
        level = sigma_level(total, units, opportunities=opportunities)
        defect_rows.append({"indicator": name, "dimension": dim, "defects": total, "units": units,
                            "opportunities": opportunities, "dpmo": level.dpmo,
                            "sigma": level.sigma})
    defects = pd.DataFrame(defect_rows, columns=["indicator", "dimension", "defects", "units",
                                                 "opportunities", "dpmo", "sigma"])
    return ServiceLevels(indicators, dimensions, float(sqi), defects)
