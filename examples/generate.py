"""Write the data files of the example studies, as a client would send them.

Every study folder under ``examples/`` holds its ``study.yml`` and a ``README.md``; the data
files beside them are written by this script (seeded, so the same bytes every time) and are
not committed: CP949, Shift-JIS, Big5 and Latin-1 CSVs, 问卷星 and Excel workbooks, an SPSS
``.sav`` file, a Qualtrics export.

    python examples/generate.py                 # every study, into examples/<study>/
    python examples/generate.py --out DIR a b   # studies a and b, into DIR/a/ and DIR/b/

The answers follow a common factor (how the respondent feels about the service), one factor
per dimension and noise, so that dimensions hang together, the factor analyses find them and
overall satisfaction has drivers.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import re
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


# -- the answers' structure -----------------------------------------------------------------------

def latent(rng, n: int, sizes: list[int], *, common: float = 0.55, own: float = 0.75,
           noise: float = 0.55):
    """A common factor ``g`` (n), one standardised score per item (n × sum(sizes)):
    ``common`` · g + ``own`` · dimension factor + ``noise``, and the dimension factors
    (n × len(sizes))."""
    g = rng.normal(size=n)
    columns, factors = [], []
    for k in sizes:
        f = rng.normal(size=n)
        factors.append(f)
        for _ in range(k):
            columns.append(common * g + own * f + noise * rng.normal(size=n))
    z = np.column_stack(columns) / np.sqrt(common ** 2 + own ** 2 + noise ** 2)
    return g, z, np.column_stack(factors)


def drive(g, f, weights) -> np.ndarray:
    """What overall satisfaction follows, standardised: the common factor and the dimension
    factors with ``weights`` (one per dimension), so that some dimensions drive it more."""
    weights = np.asarray(weights, dtype=float)
    return (0.5 * g + f @ weights) / np.sqrt(0.25 + (weights ** 2).sum())


def shift_dimension(z, sizes: list[int], dimension: int, rows, by: float) -> None:
    """Move one dimension's items by ``by`` standard units for ``rows`` (a group that is
    served worse, or better)."""
    start = sum(sizes[:dimension])
    z[np.asarray(rows), start:start + sizes[dimension]] += by


def points(z, lo: int, hi: int, *, centre: float = 0.68, spread: float = 0.2, shift=0.0):
    """Standard scores onto whole points lo..hi, centred at ``centre`` of the range."""
    width = hi - lo
    x = lo + width * (centre + spread * np.asarray(z)) + shift * width
    return np.clip(np.rint(x), lo, hi).astype(int)


def item_shifts(rng, k: int, size: float = 0.06):
    """Small differences between the items' means, so that rankings say something."""
    return rng.uniform(-size, size, k)


def write_xlsx(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    """A workbook with ``sheets`` in order; its creation time and the archive's entry times
    fixed, so that the same data give the same bytes."""
    when = datetime.datetime(2026, 6, 3, 10, 0, 0)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
        writer.book.properties.created = when
        writer.book.properties.modified = when
    buffer.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps 'modified' with now
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-06-03T10:00:00Z", data)
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, data)
    path.write_bytes(out.getvalue())


def choice(rng, values, n: int, p=None):
    return rng.choice(np.array(values, dtype=object), size=n, p=p)


def blank_some(rng, values, share: float, code=None):
    """Some answers left empty (or given ``code``): nobody answers everything."""
    values = pd.Series(values, dtype=object)
    values[rng.random(len(values)) < share] = code
    return values


# -- 1. Korean kiosk SERVQUAL: CP949 CSV, ASCII header, Korean answers -------------------------------

def kiosk_kr(folder: Path) -> None:
    rng = np.random.default_rng(101)
    n = 240
    g, z, f = latent(rng, n, [4] * 6)
    frame = pd.DataFrame({"resp_no": np.arange(1001, 1001 + n)})
    frame["age_group"] = choice(rng, ["20대", "30대", "40대", "50대 이상"], n, [0.3, 0.3, 0.25, 0.15])
    frame["store"] = choice(rng, ["강남점", "홍대점", "부산 서면점"], n, [0.4, 0.35, 0.25])
    shift_dimension(z, [4] * 6, 1, frame["store"] == "부산 서면점", -0.8)  # older, slower kiosks
    shifts = item_shifts(rng, 24)
    for i in range(24):
        frame[f"Q{i + 1}"] = points(z[:, i], 1, 5, shift=shifts[i])
    frame["overall"] = points(0.8 * drive(g, f, [0.1, 0.8, 0.3, 0, 0.1, 0.3])
                              + 0.5 * rng.normal(size=n), 1, 5)
    frame["comment"] = choice(rng, ["", "", "", "화면 반응이 너무 느려요", "직원 도움이 필요했어요",
                                    "카드 결제가 자주 실패합니다", "사용하기 편리해요"], n)
    frame.to_csv(folder / "kiosk_survey.csv", index=False, encoding="cp949")


# -- 2. Airline: 1-100 attributes, 1-7 overall, no id, a pandas index column ---------------------------

def airline_100(folder: Path) -> None:
    rng = np.random.default_rng(202)
    n = 320
    g, z, f = latent(rng, n, [3, 3, 3, 3])
    frame = pd.DataFrame({"travel_class": choice(rng, ["Economy", "Premium Economy", "Business"], n,
                                                 [0.6, 0.25, 0.15]),
                          "route": choice(rng, ["Domestic", "International"], n, [0.55, 0.45])})
    shift_dimension(z, [3] * 4, 1, frame["travel_class"] == "Business", 0.8)  # wider seats
    names = ["booking", "checkin", "boarding", "seat_comfort", "cleanliness", "legroom",
             "crew_courtesy", "crew_responsiveness", "announcements", "meals", "entertainment",
             "wifi"]
    shifts = item_shifts(rng, 12, 0.08)
    for i, name in enumerate(names):
        frame[f"sat_{name}"] = points(z[:, i], 1, 100, centre=0.7, spread=0.17, shift=shifts[i])
    frame["overall_satisfaction"] = points(0.85 * drive(g, f, [0.2, 0.3, 0.8, 0.1])
                                           + 0.45 * rng.normal(size=n), 1, 7, centre=0.7)
    # Exported from pandas with its index: the header's first cell is empty.
    frame.to_csv(folder / "airline_export.csv", index=True)


# -- 3. 问卷星 export: question texts as headers, answers as texts ---------------------------------------

WJX_ANSWERS = ["非常不满意", "不满意", "一般", "满意", "非常满意"]
WJX_QUESTIONS = [
    "您对小区保安巡逻的满意程度", "您对门岗出入管理的满意程度", "您对夜间照明与监控的满意程度",
    "您对楼道及电梯卫生的满意程度", "您对垃圾清运及时性的满意程度", "您对公共区域保洁的满意程度",
    "您对报修响应速度的满意程度", "您对维修质量的满意程度", "您对维修人员态度的满意程度",
    "您对绿化养护的满意程度", "您对小区环境整洁的满意程度",
    "您对客服接待态度的满意程度", "您对投诉处理结果的满意程度", "您对物业费用公示的满意程度",
    "您对社区活动组织的满意程度",
]


def wjx_property(folder: Path) -> None:
    rng = np.random.default_rng(303)
    n = 210
    g, z, f = latent(rng, n, [3, 3, 3, 2, 4])
    start = pd.Timestamp("2026-06-01 08:00")
    frame = pd.DataFrame({
        "序号": np.arange(1, n + 1),
        "提交答卷时间": [(start + pd.Timedelta(minutes=int(m))).strftime("%Y/%m/%d %H:%M:%S")
                   for m in np.sort(rng.integers(0, 60 * 24 * 14, n))],
        "所用时间": [f"{s}秒" for s in rng.integers(60, 600, n)],
        "来源": choice(rng, ["微信", "手机提交", "链接"], n),
        "来源详情": "直接访问",
        "来自IP": [f"183.{rng.integers(1, 255)}.{rng.integers(1, 255)}.{rng.integers(1, 255)}"
                 f"(浙江-杭州)" for _ in range(n)],
        "1、您居住的楼栋：": choice(rng, ["1号楼", "2号楼", "3号楼", "5号楼", "6号楼"], n),
    })
    shift_dimension(z, [3, 3, 3, 2, 4], 0, frame["1、您居住的楼栋："] == "5号楼", -0.8)  # by the back gate
    shifts = item_shifts(rng, 15, 0.08)
    for i, question in enumerate(WJX_QUESTIONS):
        answers = np.array(WJX_ANSWERS, dtype=object)[points(z[:, i], 1, 5, shift=shifts[i]) - 1]
        frame[f"{i + 2}、{question}："] = blank_some(rng, answers, 0.04, "不了解").to_numpy()
    overall = points(0.85 * drive(g, f, [0.2, 0.1, 0.8, 0, 0.3]) + 0.45 * rng.normal(size=n), 1, 5)
    frame["17、总体而言，您对物业服务的满意程度："] = np.array(WJX_ANSWERS, dtype=object)[overall - 1]
    frame["18、您对物业服务还有什么意见或建议？"] = choice(
        rng, ["(空)", "(空)", "(空)", "希望加强夜间巡逻", "电梯经常故障，维修太慢", "保洁阿姨很负责",
              "物业费公示不够清楚"], n)
    write_xlsx(folder / "物业满意度调查_问卷星.xlsx", {"Sheet1": frame})


# -- 4. Qualtrics CSV export: three header rows, Q3_1 ... codes, a 1-11 coded recommend ----------------

QUALTRICS_STATEMENTS = [
    "The store was clean and tidy", "Products were easy to find", "The store layout was clear",
    "Staff greeted me promptly", "Staff knew the products well", "Staff were friendly",
    "The products I wanted were in stock", "Product quality met my expectations",
    "Prices were clearly marked", "I did not wait long at the checkout",
    "The checkout was accurate", "Payment options suited me",
]


def qualtrics_retail(folder: Path) -> None:
    rng = np.random.default_rng(404)
    n = 260
    g, z, f = latent(rng, n, [3, 3, 3, 3])
    meta = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
            "Finished", "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName",
            "RecipientEmail", "ExternalReference", "LocationLatitude", "LocationLongitude",
            "DistributionChannel", "UserLanguage"]
    codes = [f"Q3_{i}" for i in range(1, 13)] + ["Q4", "Q5", "Q6", "Q7"]
    texts = [f"How much do you agree with the following? - {s}" for s in QUALTRICS_STATEMENTS] + [
        "Overall, how satisfied are you with your visit today?",
        "How likely are you to recommend our store to a friend or colleague?",
        "Which store did you visit?", "Is there anything else you would like to tell us?"]
    import_ids = [{"ImportId": f"QID3_{i}"} for i in range(1, 13)] + [
        {"ImportId": "QID4"}, {"ImportId": "QID5"}, {"ImportId": "QID6"},
        {"ImportId": "QID7_TEXT"}]
    meta_ids = [{"ImportId": m.split()[0][0].lower() + m.split()[0][1:]} for m in meta]
    shifts = item_shifts(rng, 12, 0.08)
    ratings = np.column_stack([points(z[:, i], 1, 5, shift=shifts[i]) for i in range(12)])
    overall = points(0.85 * drive(g, f, [0.2, 0.7, 0.2, 0.4]) + 0.45 * rng.normal(size=n), 1, 5)
    # "How likely ... 0-10" exported as choice numbers 1-11 (a common Qualtrics default).
    recommend = points(0.9 * g + 0.45 * rng.normal(size=n), 1, 11, centre=0.72, spread=0.22)
    stores = choice(rng, ["Downtown", "Riverside Mall", "Airport"], n, [0.45, 0.35, 0.2])
    notes = choice(rng, ["", "", "", "Great staff, thank you", "Queue at the till was long",
                         "Could not find my size", "Nice new layout"], n)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(meta + codes)
    writer.writerow(meta + texts)
    writer.writerow([json.dumps(x) for x in meta_ids + import_ids])
    start = pd.Timestamp("2026-05-04 09:00:00")
    for r in range(n):
        begin = start + pd.Timedelta(minutes=int(rng.integers(0, 60 * 24 * 20)))
        seconds = int(rng.integers(90, 900))
        end = begin + pd.Timedelta(seconds=seconds)
        row = [begin.strftime("%Y-%m-%d %H:%M:%S"), end.strftime("%Y-%m-%d %H:%M:%S"), "0",
               f"81.{rng.integers(1, 255)}.{rng.integers(1, 255)}.{rng.integers(1, 255)}", "100",
               str(seconds), "True", end.strftime("%Y-%m-%d %H:%M:%S"),
               "R_" + "".join(rng.choice(list("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"),
                                         15)), "", "", "", "", f"{51.5 + rng.normal(0, 0.05):.4f}",
               f"{-0.12 + rng.normal(0, 0.05):.4f}", "anonymous", "EN"]
        row += [str(v) for v in ratings[r]] + [str(overall[r]), str(recommend[r]), stores[r], notes[r]]
        writer.writerow(row)
    (folder / "Store_Visit_Survey_May_2026.csv").write_bytes(out.getvalue().encode("utf-8-sig"))


# -- 5. SPSS .sav hospital survey: variable labels, value labels, 9 = not applicable -------------------

HOSPITAL_ITEMS = [
    "医院环境整洁舒适", "科室标识清楚易找", "医护人员着装整洁",
    "医生按约定时间接诊", "检查结果准确可靠", "收费清楚无差错",
    "挂号缴费排队时间短", "护士及时回应呼叫", "检查报告出具及时",
    "医生技术让人放心", "医生把病情解释清楚", "隐私得到保护",
    "医护人员态度亲切", "医生耐心听取诉求", "出院后有随访关怀",
]


def hospital_sav(folder: Path) -> None:
    import pyreadstat

    rng = np.random.default_rng(505)
    n = 230
    g, z, f = latent(rng, n, [3] * 5)
    _, ze, _ = latent(rng, n, [3] * 5, common=0.6, own=0.5, noise=0.6)
    frame = pd.DataFrame({"id": np.arange(1, n + 1, dtype=float)})
    frame["dept"] = choice(rng, [1.0, 2.0, 3.0, 4.0], n, [0.35, 0.3, 0.15, 0.2]).astype(float)
    frame["visit"] = choice(rng, [1.0, 2.0], n, [0.7, 0.3]).astype(float)
    shift_dimension(z, [3] * 5, 2, frame["dept"] == 3.0, -0.8)  # paediatrics: long waits
    labels = {"id": "问卷编号", "dept": "就诊科室", "visit": "就诊类型", "overall": "总体满意度"}
    shifts = item_shifts(rng, 15, 0.07)
    for i, text in enumerate(HOSPITAL_ITEMS):
        frame[f"E{i + 1}"] = points(ze[:, i], 1, 5, centre=0.82, spread=0.15).astype(float)
        labels[f"E{i + 1}"] = f"期望：{text}"
    for i, text in enumerate(HOSPITAL_ITEMS):
        p = points(z[:, i], 1, 5, shift=shifts[i]).astype(float)
        p[rng.random(n) < 0.03] = 9.0  # 不适用
        frame[f"P{i + 1}"] = p
        labels[f"P{i + 1}"] = text
    frame["overall"] = points(0.85 * drive(g, f, [0.1, 0.4, 0.8, 0.3, 0.2])
                              + 0.45 * rng.normal(size=n), 1, 5).astype(float)
    agree = {1.0: "非常不同意", 2.0: "不同意", 3.0: "一般", 4.0: "同意", 5.0: "非常同意", 9.0: "不适用"}
    value_labels = {"dept": {1.0: "内科", 2.0: "外科", 3.0: "儿科", 4.0: "妇产科"},
                    "visit": {1.0: "门诊", 2.0: "住院"},
                    "overall": {1.0: "非常不满意", 2.0: "不满意", 3.0: "一般", 4.0: "满意",
                                5.0: "非常满意"}}
    for column in frame.columns:
        if column[0] in "EP" and column[1:].isdigit():
            value_labels[column] = agree
    path = folder / "hospital_2026.sav"
    pyreadstat.write_sav(frame, str(path), column_labels=[labels[c] for c in frame.columns],
                         variable_value_labels=value_labels)
    # The header holds the time of writing (bytes 92-108): a fixed one, for the same bytes.
    raw = bytearray(path.read_bytes())
    assert raw[92:101].decode("ascii")[2] == " ", "not an SPSS header as expected"
    raw[92:109] = b"03 Jun 2610:00:00"
    path.write_bytes(bytes(raw))


# -- 6. ECSI-style bank survey: 1-10, stated importance per item, Latin-1 with semicolons ------------

def bank_ecsi(folder: Path) -> None:
    rng = np.random.default_rng(606)
    n = 260
    g, z, f = latent(rng, n, [4, 4, 3, 3])
    frame = pd.DataFrame({"cliente": [f"C{70000 + i}" for i in range(n)]})
    frame["agência"] = choice(rng, ["Lisboa Baixa", "Porto Foz", "Braga Centro", "Évora"], n,
                              [0.35, 0.3, 0.2, 0.15])
    frame["segmento"] = choice(rng, ["Particulares", "Negócios"], n, [0.75, 0.25])
    shift_dimension(z, [4, 4, 3, 3], 2, frame["agência"] == "Évora", 0.6)  # a small branch
    shifts = item_shifts(rng, 14, 0.07)
    for i in range(14):
        x = points(z[:, i], 1, 10, centre=0.7, spread=0.18, shift=shifts[i])
        frame[f"Q{i + 1}"] = blank_some(rng, x, 0.03, 99).to_numpy()
    stated = rng.uniform(5.5, 9.5, 14)  # how important each item is to clients, on average
    for i in range(14):
        frame[f"IMP{i + 1}"] = np.clip(np.rint(stated[i] + rng.normal(0, 1.3, n)), 1, 10).astype(int)
    frame["satisfacao"] = points(0.85 * drive(g, f, [0.3, 0.2, 0.3, 0.8])
                                 + 0.45 * rng.normal(size=n), 1, 10, centre=0.7, spread=0.18)
    frame["recomendaria"] = points(0.8 * g + 0.5 * rng.normal(size=n), 1, 10, centre=0.7,
                                   spread=0.2)
    frame.to_csv(folder / "inquerito_ecsi_2026.csv", index=False, sep=";", encoding="cp1252")


# -- 7. Government service office: Excel with a notes sheet first, 满意/不满意 overall ------------------

def gov_binary(folder: Path) -> None:
    rng = np.random.default_rng(707)
    n = 200
    g, z, f = latent(rng, n, [3, 3, 3, 3])
    frame = pd.DataFrame({"编号": [f"ZW{i:04d}" for i in range(1, n + 1)]})
    frame["办理事项"] = choice(rng, ["户籍办理", "社保业务", "不动产登记", "税务申报"], n,
                            [0.3, 0.3, 0.2, 0.2])
    shift_dimension(z, [3] * 4, 0, frame["办理事项"] == "不动产登记", -0.8)  # long procedures
    shifts = item_shifts(rng, 12, 0.07)
    for i in range(12):
        frame[f"Q{i + 1}"] = points(z[:, i], 1, 5, shift=shifts[i])
    frame["总体评价"] = np.where(0.9 * drive(g, f, [0.8, 0.4, 0.1, 0.2]) + 0.45 * rng.normal(size=n)
                              > -0.55, "满意", "不满意")
    frame.loc[rng.random(n) < 0.03, "总体评价"] = None  # some left it blank
    notes = pd.DataFrame({"说明": ["本表为政务服务中心 2026 年第二季度“好差评”现场调查数据。",
                                 "Q1–Q12 为 1–5 分评价（5 = 非常满意）。",
                                 "总体评价：满意 / 不满意。"]})
    write_xlsx(folder / "政务服务评价_2026Q2.xlsx", {"说明": notes, "数据": frame})


# -- 8. Japanese hotel survey in Shift-JIS, Japanese headers ---------------------------------------

HOTEL_COLUMNS = ["客室の清潔さ", "ベッドの寝心地", "客室の静かさ", "アメニティ",
                 "フロントの対応", "チェックインの早さ", "スタッフの言葉遣い", "要望への対応",
                 "朝食の味", "朝食の品揃え", "レストランの雰囲気",
                 "大浴場", "館内の案内表示", "Wi-Fiの速さ"]


def hotel_jp(folder: Path) -> None:
    rng = np.random.default_rng(808)
    n = 180
    g, z, f = latent(rng, n, [4, 4, 3, 3])
    frame = pd.DataFrame({"回答番号": np.arange(1, n + 1)})
    frame["宿泊目的"] = choice(rng, ["ビジネス", "観光", "家族旅行"], n, [0.45, 0.35, 0.2])
    frame["年代"] = choice(rng, ["20代", "30代", "40代", "50代以上"], n)
    shift_dimension(z, [4, 4, 3, 3], 2, frame["宿泊目的"] == "ビジネス", -0.6)  # early breakfasts
    shifts = item_shifts(rng, 14, 0.08)
    for i, name in enumerate(HOTEL_COLUMNS):
        frame[f"Q{i + 1}_{name}"] = points(z[:, i], 1, 5, shift=shifts[i])
    frame["総合満足度"] = points(0.85 * drive(g, f, [0.7, 0.3, 0.3, 0.1]) + 0.45 * rng.normal(size=n), 1, 5)
    frame["ご意見"] = choice(rng, ["", "", "朝食がとてもおいしかったです", "部屋が少し狭い",
                                 "フロントの方が親切でした", "Wi-Fiが遅い"], n)
    frame.to_csv(folder / "ホテル満足度アンケート.csv", index=False, encoding="shift_jis")


# -- 9. Telecom: a 1-5 "would recommend", a one-item dimension, UTF-8 with BOM ----------------------

def telecom_rec5(folder: Path) -> None:
    rng = np.random.default_rng(909)
    n = 190
    g, z, f = latent(rng, n, [4, 3, 4, 1])
    frame = pd.DataFrame({"用户编号": [f"U{i:05d}" for i in range(1, n + 1)]})
    frame["套餐类型"] = choice(rng, ["5G 套餐", "4G 套餐", "宽带融合"], n, [0.5, 0.3, 0.2])
    shift_dimension(z, [4, 3, 4, 1], 0, frame["套餐类型"] == "4G 套餐", -0.7)  # the older network
    shifts = item_shifts(rng, 12, 0.07)
    for i in range(12):
        frame[f"S{i + 1}"] = points(z[:, i], 1, 5, shift=shifts[i])
    frame["总体满意度"] = points(0.85 * drive(g, f, [0.8, 0.4, 0.2, 0.1]) + 0.45 * rng.normal(size=n), 1, 5)
    frame["推荐意愿"] = points(0.8 * g + 0.5 * rng.normal(size=n), 1, 5)
    frame.to_csv(folder / "telecom_survey.csv", index=False, encoding="utf-8-sig")


# -- 10. Student services: a 1-7 block, a 1-5 block and a 0-100 slider block (decimals) ------------

def campus_mixed(folder: Path) -> None:
    rng = np.random.default_rng(1010)
    n = 220
    g, z, f = latent(rng, n, [4, 3, 3])
    frame = pd.DataFrame({"student_id": [f"S{240000 + i}" for i in range(n)]})
    frame["faculty"] = choice(rng, ["Engineering", "Business", "Arts", "Science"], n)
    frame["year"] = choice(rng, ["Year 1", "Year 2", "Year 3+"], n)
    shift_dimension(z, [4, 3, 3], 1, frame["faculty"] == "Engineering", 0.7)  # the new building
    for i in range(4):
        frame[f"teach_{i + 1}"] = points(z[:, i], 1, 7)
    for i in range(3):
        frame[f"fac_{i + 1}"] = points(z[:, 4 + i], 1, 5)
    for i in range(3):  # sliders: the platform stores the position to one decimal
        frame[f"digital_{i + 1}"] = np.round(np.clip(66 + 16 * z[:, 7 + i], 0, 100), 1)
    frame["overall"] = points(0.85 * drive(g, f, [0.8, 0.2, 0.3]) + 0.45 * rng.normal(size=n), 1, 7)
    frame.to_csv(folder / "student_services.csv", index=False)


# -- 11. SERVQUAL 22 with expectations, Big5 (Traditional Chinese), gap scores factor-analysed ----------

def servqual_big5(folder: Path) -> None:
    rng = np.random.default_rng(1111)
    n = 300
    sizes = [4, 5, 4, 4, 5]
    g, z, f = latent(rng, n, sizes)
    _, ze, _ = latent(rng, n, sizes, common=0.6, own=0.45, noise=0.65)
    frame = pd.DataFrame({"問卷編號": [f"T{i:04d}" for i in range(1, n + 1)]})
    frame["門市"] = choice(rng, ["台北信義店", "台中逢甲店", "高雄夢時代店"], n, [0.4, 0.3, 0.3])
    frame["會員等級"] = choice(rng, ["一般會員", "金卡會員"], n, [0.7, 0.3])
    shift_dimension(z, sizes, 2, frame["門市"] == "高雄夢時代店", -0.7)  # understaffed
    shifts = item_shifts(rng, 22, 0.06)
    for i in range(22):
        frame[f"E{i + 1}"] = points(ze[:, i] + 0.3 * z[:, i], 1, 7, centre=0.8, spread=0.14)
    for i in range(22):
        frame[f"P{i + 1}"] = points(z[:, i], 1, 7, centre=0.66, shift=shifts[i])
    frame["整體滿意度"] = points(0.85 * drive(g, f, [0.1, 0.8, 0.3, 0.3, 0.2])
                                + 0.45 * rng.normal(size=n), 1, 7)
    frame.to_csv(folder / "門市服務品質問卷.csv", index=False, encoding="big5")


STUDIES = {
    "kiosk-kr": kiosk_kr,
    "airline-100": airline_100,
    "wjx-property": wjx_property,
    "qualtrics-retail": qualtrics_retail,
    "hospital-sav": hospital_sav,
    "bank-ecsi": bank_ecsi,
    "gov-binary": gov_binary,
    "hotel-jp": hotel_jp,
    "telecom-rec5": telecom_rec5,
    "campus-mixed": campus_mixed,
    "servqual-big5": servqual_big5,
}


def generate(out: Path = HERE, names=None) -> list[Path]:
    """Write the data of ``names`` (default: every study) into ``out/<name>/``."""
    folders = []
    for name in names or STUDIES:
        folder = Path(out) / name
        folder.mkdir(parents=True, exist_ok=True)
        STUDIES[name](folder)
        folders.append(folder)
    return folders


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("studies", nargs="*", metavar="study",
                        help=f"which studies (default: all): {', '.join(STUDIES)}")
    parser.add_argument("--out", type=Path, default=HERE, help="default: examples/")
    args = parser.parse_args(argv)
    unknown = [s for s in args.studies if s not in STUDIES]
    if unknown:
        parser.error(f"no study {unknown[0]!r}; the studies are {', '.join(STUDIES)}")
    for folder in generate(args.out, args.studies or None):
        print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
