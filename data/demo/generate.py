"""Generate the demo study: a synthetic hospital patient survey (SERVQUAL, 7-point).

In the spirit of the Singapore hospital case of seed 002: 300 questionnaires sent,
252 returned, perceptions generally below expectations.  Run from the repository
root with ``python data/demo/generate.py``; the output is the same on every run.

The data-generating model, and so the ground truth the reports should recover:

* Five correlated latent factors per form (tangibles, reliability, responsiveness,
  assurance, empathy), factor correlation 0.45.  Item j of dimension d:
  y = mu_j + 0.8 f_d + 0.6 e, e ~ N(0, 1), rounded to the nearest scale point and
  clipped to 1-7.  Expectation and perception factors of the same dimension
  correlate 0.3.
* A share BAD_SHARE of patients had a bad experience (perception shifted by
  BAD_SHIFT on every item), the others a good one (GOOD_SHIFT).
* The population mean of an item is therefore exact:
  E[item] = sum_c c P(category c) with the categories of a normal of mean mu_j
  and sd 1 (a two-part mixture for perceptions); ``ground_truth.json`` holds these values per item and dimension,
  the population gaps, and (by a 1,000,000-respondent simulation) the share of
  respondents whose mean gap is below zero.
* Overall satisfaction (1-7) and likelihood to recommend (0-10) are driven by
  the perception factors with weights reliability > responsiveness > empathy >
  assurance = tangibles.
* Importance: 100 points over the five dimensions, mean allocation
  14 / 30 / 22 / 18 / 16.
* Department effects on perception: surgery +0.8 reliability, paediatrics +1.0
  empathy, obstetrics -0.9 responsiveness; emergency (4 respondents) -0.5 and
  rehabilitation (3 respondents) +0.3 on all, both below the reporting minimum
  of 5 and so suppressed in the reports.

Tracking and operations (each from its own random stream, so the files above do not change):

* ``wave_2026_04.csv``: the previous wave, six months earlier, 238 patients of the
  same departments; reliability 0.3 and responsiveness 0.6 lower on the latent scale
  (``PREVIOUS_SHIFT``), item 22 not yet asked, patients R0001-R0090 in both waves.
  ``ground_truth.json`` gives the exact population change per dimension.
* ``kpi.csv``: seven KPIs of six internal service units over three quarters; each unit
  has a designed quality (``UNIT_QUALITY``: pharmacy best, facilities worst) and
  improves a little every quarter.
* ``complaints.csv``: 420 complaints, January to September, categories with the shares,
  dimensions and median hours to close of ``CATEGORIES`` (lognormal times), 90% resolved,
  330 complainants (so some repeat), the last few still open.
* ``maturity.csv``: six process areas x levels 2-5 x two practices x three assessors,
  each level's ratings fixed by its designed ISO/IEC 33020 rating
  (``MATURITY_DESIGN``), hence each area's level.
* The ``*_en.csv`` copies hold the same rows in English for the English demo.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

HERE = Path(__file__).parent
SEED = 2002
N_SENT, N_RETURNED = 300, 252
DIMS = ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]
ITEMS = {"tangibles": [1, 2, 3, 4], "reliability": [5, 6, 7, 8, 9],
         "responsiveness": [10, 11, 12, 13], "assurance": [14, 15, 16, 17],
         "empathy": [18, 19, 20, 21, 22]}
LOADING, UNIQUE = 0.8, 0.6  # loading**2 + unique**2 = 1

# Latent item means (before rounding) per dimension, and small per-item offsets.
MU_E = {"tangibles": 5.4, "reliability": 6.1, "responsiveness": 5.9, "assurance": 6.0, "empathy": 5.7}
MU_P = {"tangibles": 5.5, "reliability": 5.8, "responsiveness": 5.65, "assurance": 5.95, "empathy": 5.5}
OFFSET = {1: 0.2, 2: 0.0, 3: -0.1, 4: -0.1, 5: -0.1, 6: 0.0, 7: 0.0, 8: -0.1, 9: 0.2,
          10: 0.0, 11: -0.2, 12: 0.1, 13: 0.1, 14: 0.0, 15: 0.1, 16: 0.1, 17: -0.2,
          18: 0.0, 19: -0.2, 20: 0.1, 21: 0.0, 22: 0.1}
# A minority of patients had a bad experience: their perceptions are lower on every item.
# This skews the gaps as in the case: service below expectations on average, yet most
# patients individually at or above their expectations.
BAD_SHARE, BAD_SHIFT, GOOD_SHIFT = 0.22, -2.0, 0.7
DRIVERS = {"tangibles": 0.10, "reliability": 0.40, "responsiveness": 0.25, "assurance": 0.10,
           "empathy": 0.20}
IMPORTANCE = [14, 30, 22, 18, 16]
DEPARTMENTS = {"内科": 0.36, "外科": 0.28, "儿科": 0.18, "妇产科": 0.18}
DEPT_EFFECT = {"外科": {"reliability": 0.8}, "儿科": {"empathy": 1.0},
               "妇产科": {"responsiveness": -0.9},
               "急诊": dict.fromkeys(DIMS, -0.5), "康复科": dict.fromkeys(DIMS, 0.3)}
SMALL_DEPARTMENTS = {"急诊": 4, "康复科": 3}  # below the reporting minimum of 5
COMMENTS = [
    "挂号排队时间太长，希望增加自助机。",
    "护士态度很好，非常耐心。",
    "检查结果等了三天才拿到，比说好的时间晚。",
    "医生解释病情很清楚，让人放心。",
    "停车太难了，指示牌也不清楚。",
    "病房干净整洁，设备很新。",
    "希望晚上和周末也能开放门诊。",
    "收费单据看不懂，希望有人解释。",
    "有问题请联系我 13812345678，谢谢。",
    "医生太忙了，问问题时没有时间回答。",
    "整体满意，但等候区座位不够。",
    "出院手续办了两个小时，太慢。",
    "我的邮箱是 patient.li@example.com，请把报告发给我。",
    "护士记错了我的用药时间，后来及时纠正了。",
    "儿科医生对孩子很有耐心，谢谢！",
    "电话预约总是打不通，请改进。",
]


def expected_category_mean(mu: float, sd: float = 1.0, lo: int = 1, hi: int = 7) -> float:
    """E[clip(round(Y), lo, hi)] for Y ~ N(mu, sd): the exact population item mean."""
    cuts = np.arange(lo, hi) + 0.5
    cdf = stats.norm.cdf((cuts - mu) / sd)
    probs = np.diff(np.concatenate([[0.0], cdf, [1.0]]))
    return float(np.dot(np.arange(lo, hi + 1), probs))


def item_means(mu_dim: dict) -> dict:
    return {j: mu_dim[d] + OFFSET[j] for d in DIMS for j in ITEMS[d]}


def latent_factors(rng, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Perception and expectation factor scores, each n × 5."""
    within = np.full((5, 5), 0.45) + np.eye(5) * 0.55
    cov = np.block([[within, 0.3 * np.eye(5)], [0.3 * np.eye(5), within]])
    f = rng.multivariate_normal(np.zeros(10), cov, size=n)
    return f[:, :5], f[:, 5:]


def discretise(y: np.ndarray, lo: int = 1, hi: int = 7) -> np.ndarray:
    return np.clip(np.rint(y), lo, hi)


def simulate(rng, n: int, dept_shift: np.ndarray | None = None, mu_p_dim: dict = MU_P) -> dict:
    """Expectation and perception item scores for n respondents (no missing data)."""
    f_p, f_e = latent_factors(rng, n)
    experience = np.where(rng.random(n) < BAD_SHARE, BAD_SHIFT, GOOD_SHIFT)
    mu_e, mu_p = item_means(MU_E), item_means(mu_p_dim)
    out = {"E": {}, "P": {}, "f_p": f_p + experience[:, None] / LOADING}
    for k, d in enumerate(DIMS):
        shift = 0 if dept_shift is None else dept_shift[:, k]
        for j in ITEMS[d]:
            out["E"][j] = discretise(mu_e[j] + LOADING * f_e[:, k] + UNIQUE * rng.standard_normal(n))
            out["P"][j] = discretise(mu_p[j] + shift + experience + LOADING * f_p[:, k]
                                     + UNIQUE * rng.standard_normal(n))
    return out


def ground_truth(rng) -> dict:
    """Population values for a respondent of the reference departments (no department shift)."""
    mu_e, mu_p = item_means(MU_E), item_means(MU_P)
    items = {}
    for d in DIMS:
        for j in ITEMS[d]:
            e = expected_category_mean(mu_e[j])
            p = (BAD_SHARE * expected_category_mean(mu_p[j] + BAD_SHIFT)
                 + (1 - BAD_SHARE) * expected_category_mean(mu_p[j] + GOOD_SHIFT))
            items[str(j)] = {"dimension": d, "expectation": e, "perception": p, "gap": p - e}
    dims = {d: {k: float(np.mean([items[str(j)][k] for j in ITEMS[d]]))
                for k in ("expectation", "perception", "gap")} for d in DIMS}
    big = simulate(rng, 1_000_000)
    gaps = np.column_stack([big["P"][j] - big["E"][j] for d in DIMS for j in ITEMS[d]])
    share_below = float(np.mean(gaps.mean(axis=1) < 0))
    return {
        "note": "Population values of the data-generating model for the reference departments "
                "(internal medicine and the others without a department effect); item means "
                "are exact, share_below is from a 1,000,000-respondent simulation.",
        "items": items, "dimensions": dims,
        "servqual": float(np.mean([dims[d]["gap"] for d in DIMS])),
        "share_below_expectation": share_below,
        "factor_structure": {d: [str(j) for j in ITEMS[d]] for d in DIMS},
        "driver_weights": DRIVERS,
        "importance_mean_points": dict(zip(DIMS, IMPORTANCE)),
        "department_effects": DEPT_EFFECT,
        "response_rate": N_RETURNED / N_SENT,
    }


def allocate_points(rng, n: int) -> np.ndarray:
    """100 points per respondent over the five dimensions, in whole points."""
    shares = rng.dirichlet(np.array(IMPORTANCE, dtype=float) * 0.6, size=n)
    raw = shares * 100
    points = np.floor(raw).astype(int)
    rest = 100 - points.sum(axis=1)
    order = np.argsort(-(raw - points), axis=1)
    for i in range(n):
        points[i, order[i, :rest[i]]] += 1
    return points


def survey(rng) -> pd.DataFrame:
    n = N_RETURNED
    names = list(DEPARTMENTS)
    small = sum(SMALL_DEPARTMENTS.values())
    dept = np.concatenate([rng.choice(names, size=n - small, p=list(DEPARTMENTS.values())),
                           *(np.repeat(k, v) for k, v in SMALL_DEPARTMENTS.items())])
    rng.shuffle(dept)
    shift = np.array([[DEPT_EFFECT.get(x, {}).get(d, 0.0) for d in DIMS] for x in dept])
    sim = simulate(rng, n, shift)
    f_p = sim["f_p"] + shift
    drive = f_p @ np.array([DRIVERS[d] for d in DIMS])
    overall = discretise(5.3 + 1.1 * drive / drive.std() * 0.8 + 0.6 * rng.standard_normal(n))
    recommend = np.clip(np.rint(7.6 + 1.6 * drive / drive.std() + 1.2 * rng.standard_normal(n)), 0, 10)

    frame = pd.DataFrame({"respondent_id": [f"R{i:04d}" for i in range(1, n + 1)]})
    frame["姓名"] = [f"患者{i:03d}" for i in range(1, n + 1)]
    frame["phone"] = [f"139{rng.integers(10**7, 10**8)}" for _ in range(n)]
    frame["department"] = dept
    frame["visit_type"] = rng.choice(["门诊", "住院"], size=n, p=[0.62, 0.38])
    frame["age_band"] = rng.choice(["18–34", "35–49", "50–64", "65+"], size=n,
                                   p=[0.22, 0.30, 0.28, 0.20])
    for form in ("E", "P"):
        for j in range(1, 23):
            frame[f"{form}{j}"] = sim[form][j].astype(int)
    points = allocate_points(rng, n)
    for k, d in enumerate(DIMS):
        frame[f"imp_{d}"] = points[:, k]
    frame["overall"] = overall.astype(int)
    frame["recommend"] = recommend.astype(int)
    has_comment = rng.random(n) < 0.16
    frame["comment"] = [rng.choice(COMMENTS) if c else "" for c in has_comment]

    # Missing answers: blanks (1.5%), "no answer" coded 99 (0.5%), and "not applicable"
    # coded 0 for item 19 (operating hours) among inpatients (10%).
    cells = [f"{f}{j}" for f in ("E", "P") for j in range(1, 23)]
    out = frame.astype({c: "object" for c in cells})
    blank = rng.random((n, len(cells))) < 0.015
    coded = rng.random((n, len(cells))) < 0.005
    for k, c in enumerate(cells):
        out.loc[blank[:, k], c] = ""
        out.loc[coded[:, k], c] = 99
    inpatient_na = (frame["visit_type"] == "住院").to_numpy() & (rng.random(n) < 0.10)
    out.loc[inpatient_na, ["E19", "P19"]] = 0
    # Adequate service level (the zone of tolerance's lower bound), from its own stream so
    # that the other columns do not change: about 1.3 points below the expectation.
    adequate_rng = np.random.default_rng(SEED + 2)
    for j in range(1, 23):
        e = pd.to_numeric(out[f"E{j}"], errors="coerce")
        e = e.where(~e.isin([0, 99]))
        draw = np.rint(e - 1.3 + 0.7 * adequate_rng.standard_normal(n))
        out[f"A{j}"] = np.clip(np.minimum(draw, e), 1, 7).astype("Int64")
    return out


def management(rng, n: int = 12) -> pd.DataFrame:
    """Managers' estimates of patients' expectations: they underrate reliability and empathy."""
    bias = {"tangibles": 0.3, "reliability": -0.6, "responsiveness": -0.3, "assurance": 0.0,
            "empathy": -0.5}
    frame = pd.DataFrame({"manager_id": [f"M{i:02d}" for i in range(1, n + 1)]})
    mu_e = item_means(MU_E)
    for d in DIMS:
        for j in ITEMS[d]:
            frame[f"E{j}"] = discretise(mu_e[j] + bias[d] + 0.8 * rng.standard_normal(n)).astype(int)
    return frame


def standards() -> pd.DataFrame:
    """The hospital's service standard for each item, on the same 7-point scale."""
    level = {"tangibles": 6, "reliability": 5, "responsiveness": 5, "assurance": 6, "empathy": 5}
    return pd.DataFrame([{"item": j, "standard": level[d]} for d in DIMS for j in ITEMS[d]])


# The service-level indicators' names in the English demo (service_levels_en.csv).
INDICATORS_EN = {
    "检查报告按时发放率": "Test reports issued on time",
    "病历差错率": "Medical-record error rate",
    "门诊平均候诊时间": "Mean outpatient waiting time",
    "投诉 24 小时内响应率": "Complaints answered within 24 hours",
    "预约电话接通率": "Appointment calls answered",
    "设备完好率": "Equipment in working order",
    "处方与发药缺陷": "Prescribing and dispensing defects",
}


def service_levels(rng) -> pd.DataFrame:
    """Twelve months of operational records against their targets."""
    indicators = [
        ("reliability", "检查报告按时发放率", "%", "higher", "on_time", 95.0, 91.0, 2.0),
        ("reliability", "病历差错率", "%", "lower", "error", 0.5, 0.8, 0.15),
        ("responsiveness", "门诊平均候诊时间", "分钟", "lower", "", 30.0, 38.0, 4.0),
        ("responsiveness", "投诉 24 小时内响应率", "%", "higher", "", 98.0, 94.0, 2.0),
        ("empathy", "预约电话接通率", "%", "higher", "", 90.0, 82.0, 3.0),
        ("tangibles", "设备完好率", "%", "higher", "", 98.0, 98.5, 0.6),
    ]
    rows = []
    for month in pd.period_range("2026-01", "2026-12", freq="M"):
        for dim, name, unit, direction, kind, target, mean, sd in indicators:
            actual = float(np.round(mean + sd * rng.standard_normal(), 1))
            rows.append({"month": str(month), "dimension": dim, "indicator": name, "unit": unit,
                         "direction": direction, "kind": kind, "target": target, "actual": actual})
        units = int(rng.integers(9000, 11000))
        rows.append({"month": str(month), "dimension": "reliability", "indicator": "处方与发药缺陷",
                     "unit": "defects", "direction": "lower", "target": np.nan, "actual": np.nan,
                     "units": units, "opportunities": 5,
                     "defects": int(rng.poisson(units * 5 * 620e-6))})
    return pd.DataFrame(rows)


def promises() -> pd.DataFrame:
    """What the hospital's brochure and website promise, coded on the 7-point scale."""
    level = {"tangibles": 6, "reliability": 7, "responsiveness": 7, "assurance": 6, "empathy": 6}
    return pd.DataFrame([{"item": j, "promised": level[d]} for d in DIMS for j in ITEMS[d]])


# -- Tracking and operations (issue 7): each from its own random stream -------------------

# The previous wave, six months earlier: responsiveness and reliability were lower (the
# hospital has since acted on them), the rest as now.  Item 22 was added in this wave.
PREVIOUS_N = 238
PREVIOUS_SHIFT = {"tangibles": 0.0, "reliability": -0.3, "responsiveness": -0.6,
                  "assurance": 0.0, "empathy": 0.0}
PREVIOUS_REPEAT = 90  # patients R0001-R0090 answered both waves


def previous_wave(rng) -> pd.DataFrame:
    n = PREVIOUS_N
    mu_p = {d: MU_P[d] + PREVIOUS_SHIFT[d] for d in DIMS}
    dept = rng.choice(list(DEPARTMENTS), size=n, p=list(DEPARTMENTS.values()))
    shift = np.array([[DEPT_EFFECT.get(x, {}).get(d, 0.0) for d in DIMS] for x in dept])
    sim = simulate(rng, n, shift, mu_p_dim=mu_p)
    drive = (sim["f_p"] + shift) @ np.array([DRIVERS[d] for d in DIMS])
    overall = discretise(5.0 + 1.1 * drive / drive.std() * 0.8 + 0.6 * rng.standard_normal(n))
    ids = [f"R{i:04d}" for i in range(1, PREVIOUS_REPEAT + 1)]
    ids += [f"H{i:04d}" for i in range(PREVIOUS_REPEAT + 1, n + 1)]
    frame = pd.DataFrame({"respondent_id": ids})
    for form in ("E", "P"):
        for j in range(1, 22):
            frame[f"{form}{j}"] = sim[form][j].astype(int)
    points = allocate_points(rng, n)
    for k, d in enumerate(DIMS):
        frame[f"imp_{d}"] = points[:, k]
    frame["overall"] = overall.astype(int)
    return frame


def previous_truth() -> dict:
    """Population change of each dimension's mean perception and gap since the previous wave."""
    now, before = item_means(MU_P), item_means({d: MU_P[d] + PREVIOUS_SHIFT[d] for d in DIMS})

    def mean_p(mu, d):  # over the main departments, as both waves sample them
        return sum(p * (BAD_SHARE * expected_category_mean(mu + shift + BAD_SHIFT)
                        + (1 - BAD_SHARE) * expected_category_mean(mu + shift + GOOD_SHIFT))
                   for p, shift in ((p, DEPT_EFFECT.get(x, {}).get(d, 0.0))
                                    for x, p in DEPARTMENTS.items()))

    change = {d: float(np.mean([mean_p(now[j], d) - mean_p(before[j], d)
                                for j in ITEMS[d] if j != 22])) for d in DIMS}
    return {"note": "Population change of the mean perception (= of the gap: expectations did "
                    "not move) per dimension, on the items both waves asked (1-21), over the "
                    "four main departments in their sampling shares (both waves draw them "
                    "alike; this wave's 7 patients of two small departments are left aside).",
            "perception_change": change, "items_only_in_this_wave": ["22"],
            "repeat_respondents": PREVIOUS_REPEAT}


UNITS = {"药剂科": "Pharmacy", "检验科": "Laboratory", "信息科": "IT services",
         "设备科": "Equipment", "人力资源部": "Human resources", "后勤保障部": "Facilities"}
# A unit's quality: 0 = on target on average; positive better.  Pharmacy best, facilities worst.
UNIT_QUALITY = {"药剂科": 0.8, "检验科": 0.5, "信息科": 0.1, "设备科": 0.0, "人力资源部": -0.3,
                "后勤保障部": -0.8}
KPI_PERIODS = ["2026-Q1", "2026-Q2", "2026-Q3"]
# indicator: (typical value on target, how much one unit of quality moves it, noise sd, digits)
KPI_MODEL = {"response_hours": (5.5, -2.5, 0.5, 1), "cycle_days": (3.8, -1.2, 0.3, 1),
             "on_time_rate": (0.88, 0.06, 0.015, 3), "internal_csat": (4.0, 0.4, 0.08, 2),
             "fcr": (0.70, 0.09, 0.03, 3), "callback_satisfaction": (4.0, 0.4, 0.1, 2),
             "improvements_closed": (0.65, 0.2, 0.06, 2)}


def kpi(rng) -> pd.DataFrame:
    """Internal-service KPIs per unit and quarter; each quarter every unit improves a little."""
    rows = []
    for q, period in enumerate(KPI_PERIODS):
        for unit, quality in UNIT_QUALITY.items():
            row = {"unit": unit, "period": period}
            for name, (base, slope, sd, digits) in KPI_MODEL.items():
                value = base + slope * (quality + 0.15 * q) + sd * rng.standard_normal()
                if name in ("on_time_rate", "fcr", "improvements_closed"):
                    value = min(value, 1.0)
                row[name] = round(max(value, 0.1), digits)
            rows.append(row)
    return pd.DataFrame(rows)


CHANNELS = {"电话": ("Phone", 0.38), "现场": ("In person", 0.27), "微信": ("WeChat", 0.2),
            "网站": ("Website", 0.1), "信函": ("Letter", 0.05)}
# category: (English, share of complaints, dimension, median hours to close)
CATEGORIES = {"等候时间": ("Waiting time", 0.34, "responsiveness", 20.0),
              "结果延误": ("Delayed results", 0.2, "reliability", 40.0),
              "服务态度": ("Staff attitude", 0.16, "empathy", 16.0),
              "收费疑问": ("Billing", 0.12, "reliability", 30.0),
              "沟通解释": ("Explanations", 0.1, "assurance", 24.0),
              "环境设施": ("Facilities", 0.08, "tangibles", 60.0)}
COMPLAINT_TEXT = {
    "等候时间": ("排队等了两个多小时，没有人解释原因。", "Waited over two hours in the queue; nobody explained why."),
    "结果延误": ("检查报告比约定时间晚了三天。", "The test report came three days later than promised."),
    "服务态度": ("窗口工作人员态度冷淡。", "The staff at the counter were curt."),
    "收费疑问": ("收费清单有一项看不懂，请回电 13912345678。", "One charge on the bill is unclear; please call me back on 13912345678."),
    "沟通解释": ("医生没有解释用药注意事项。", "The doctor did not explain how to take the medicine."),
    "环境设施": ("卫生间长时间没有清洁。", "The toilets had not been cleaned for hours."),
}
N_COMPLAINTS, N_COMPLAINANTS = 420, 330
COMPLAINT_SIGMA = 0.8  # lognormal spread of the hours to close
P_RESOLVED = 0.9


def complaints(rng) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nine months of complaints (Chinese and English copies of the same log)."""
    n = N_COMPLAINTS
    start, export = pd.Timestamp("2026-01-01"), pd.Timestamp("2026-09-30 18:00")
    span = (export - start) / pd.Timedelta(hours=1)
    # The log is exported on 30 September: the last few complaints are still open.
    hours_in = np.concatenate([rng.uniform(0, span - 48, n - 6), rng.uniform(span - 48, span, 6)])
    received = start + pd.to_timedelta(np.sort(hours_in).round(2), unit="h")
    names = list(CATEGORIES)
    category = rng.choice(names, size=n, p=[CATEGORIES[c][1] for c in names])
    channel = rng.choice(list(CHANNELS), size=n, p=[v[1] for v in CHANNELS.values()])
    median = np.array([CATEGORIES[c][3] for c in category])
    hours = np.round(median * np.exp(COMPLAINT_SIGMA * rng.standard_normal(n)), 1)
    closed = received + pd.to_timedelta(hours, unit="h")
    still_open = closed > export
    resolved = np.where(rng.random(n) < P_RESOLVED, "是", "否")
    satisfaction = np.clip(np.rint(np.where(resolved == "是", 4.0, 2.2)
                                   + 0.8 * rng.standard_normal(n)), 1, 5).astype(int)
    customer = [f"C{k:04d}" for k in rng.integers(1, N_COMPLAINANTS + 1, size=n)]
    zh = pd.DataFrame({
        "complaint_id": [f"T{i:04d}" for i in range(1, n + 1)],
        "received": received.strftime("%Y-%m-%d %H:%M"),
        "closed": [("" if o else c.strftime("%Y-%m-%d %H:%M")) for o, c in zip(still_open, closed)],
        "channel": channel, "category": category, "unit": rng.choice(list(UNITS), size=n),
        "resolved": np.where(still_open, "否", resolved),
        "satisfaction": np.where(still_open, "", satisfaction.astype(str)),
        "customer": customer,
        "text": [COMPLAINT_TEXT[c][0] for c in category]})
    en = zh.assign(channel=zh["channel"].map(lambda c: CHANNELS[c][0]),
                   category=zh["category"].map(lambda c: CATEGORIES[c][0]),
                   unit=zh["unit"].map(UNITS),
                   resolved=zh["resolved"].map({"是": "yes", "否": "no"}),
                   text=[COMPLAINT_TEXT[c][1] for c in category])
    return zh, en


AREAS = {"服务级别管理": "Service level management", "事件与投诉管理": "Incident and complaint management",
         "问题管理": "Problem management", "变更管理": "Change management",
         "服务质量测量": "Service quality measurement", "持续改进": "Continual improvement"}
# The designed ISO/IEC 33020 rating of each level (2-5) per area, and so the area's level.
MATURITY_DESIGN = {"服务级别管理": "FFLP", "事件与投诉管理": "FLPN", "问题管理": "LPNN",
                   "变更管理": "FFPN", "服务质量测量": "FLLN", "持续改进": "PNNN"}
# Three assessors' ratings (0-4) of a practice, by its level's designed rating.
MATURITY_RATINGS = {"F": [4, 4, 3], "L": [3, 3, 2], "P": [2, 1, 2], "N": [0, 1, 0]}
PRACTICES = {
    2: [("{a}有书面的基本流程，各班组照此执行", "A basic written {a} procedure is followed by every team"),
        ("{a}的工作记录完整保存、可追溯", "{A} records are kept complete and traceable")],
    3: [("{a}流程在全院统一定义并纳入培训", "The {a} process is defined hospital-wide and part of training"),
        ("{a}的角色与职责划分明确", "Roles and responsibilities in {a} are clearly assigned")],
    4: [("{a}设有量化指标并按月监控", "{A} has quantitative indicators monitored monthly"),
        ("{a}的指标结果用于管理评审与决策", "{A} indicators feed management reviews and decisions")],
    5: [("{a}依据数据分析持续优化流程", "{A} is improved continually from data analysis"),
        ("{a}定期引入并评估新的做法", "New {a} practices are piloted and evaluated regularly")],
}


def maturity(rng) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for area, design in MATURITY_DESIGN.items():
        for level, letter in zip(range(2, 6), design):
            for zh_text, en_text in PRACTICES[level]:
                ratings = rng.permutation(MATURITY_RATINGS[letter])
                for assessor, r in zip(("A", "B", "C"), ratings):
                    en_area = AREAS[area]
                    rows.append({"assessor": assessor, "area": area, "area_en": en_area,
                                 "level": level, "practice": zh_text.format(a=area),
                                 "practice_en": en_text.format(a=en_area.lower(), A=en_area),
                                 "rating": int(r)})
    frame = pd.DataFrame(rows)
    zh = frame[["assessor", "area", "level", "practice", "rating"]]
    en = frame.assign(area=frame["area_en"], practice=frame["practice_en"])[zh.columns]
    return zh, en


def tracking_truth() -> dict:
    def level(design):
        k = 1
        for lvl, letter in zip(range(2, 6), design):
            if letter in "LF" and (k == lvl - 1):
                k = lvl
                if letter == "L":
                    break
            else:
                break
        return k

    levels = {a: level(d) for a, d in MATURITY_DESIGN.items()}
    return {
        "previous_wave": previous_truth(),
        "scorecard": {"note": "Units ordered by designed quality, best first; every unit "
                              "improves each quarter.",
                      "order": sorted(UNIT_QUALITY, key=UNIT_QUALITY.get, reverse=True)},
        "complaints": {"category_shares": {c: v[1] for c, v in CATEGORIES.items()},
                       "category_dimension": {c: v[2] for c, v in CATEGORIES.items()},
                       "median_hours": {c: v[3] for c, v in CATEGORIES.items()},
                       "p_resolved": P_RESOLVED, "n": N_COMPLAINTS},
        "maturity": {"levels": levels, "overall": min(levels.values()),
                     "design": MATURITY_DESIGN},
    }


def main() -> None:
    rng = np.random.default_rng(SEED)
    survey(rng).to_csv(HERE / "survey.csv", index=False, encoding="utf-8-sig")
    management(rng).to_csv(HERE / "management.csv", index=False, encoding="utf-8-sig")
    standards().to_csv(HERE / "standards.csv", index=False, encoding="utf-8-sig")
    levels = service_levels(rng)
    levels.to_csv(HERE / "service_levels.csv", index=False, encoding="utf-8-sig")
    levels.assign(indicator=levels["indicator"].map(INDICATORS_EN),
                  unit=levels["unit"].replace({"分钟": "minutes"})).to_csv(
        HERE / "service_levels_en.csv", index=False, encoding="utf-8-sig")
    promises().to_csv(HERE / "promises.csv", index=False, encoding="utf-8-sig")
    previous_wave(np.random.default_rng(SEED + 3)).to_csv(HERE / "wave_2026_04.csv", index=False,
                                                         encoding="utf-8-sig")
    kpi_zh = kpi(np.random.default_rng(SEED + 4))
    kpi_zh.to_csv(HERE / "kpi.csv", index=False, encoding="utf-8-sig")
    kpi_zh.assign(unit=kpi_zh["unit"].map(UNITS)).to_csv(HERE / "kpi_en.csv", index=False,
                                                           encoding="utf-8-sig")
    for name, frames in (("complaints", complaints(np.random.default_rng(SEED + 5))),
                         ("maturity", maturity(np.random.default_rng(SEED + 6)))):
        frames[0].to_csv(HERE / f"{name}.csv", index=False, encoding="utf-8-sig")
        frames[1].to_csv(HERE / f"{name}_en.csv", index=False, encoding="utf-8-sig")
    truth = ground_truth(np.random.default_rng(SEED + 1))
    truth["tracking"] = tracking_truth()
    (HERE / "ground_truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n",
                                            encoding="utf-8")


if __name__ == "__main__":
    main()
