"""Synthetic manifests (:mod:`sqmreport.present.manifest`) for the deliverables' unit tests.

Two reports' worth of sections, tables (with their CSV bytes), figures with native-chart
data, headline figures and actions, in either language, including the awkward cases: a
suppressed cell, texts a spreadsheet would run as formulas, long labels, Korean text.
"""

from __future__ import annotations

import io

import pandas as pd

from sqmreport.present.deliverables import StudyInfo
from sqmreport.present.manifest import (
    Action,
    Chart,
    Column,
    FigureEntry,
    Headline,
    Manifest,
    Series,
    TableEntry,
)
from sqmreport.present.report import formula_safe

WORDS = {
    "zh": {"satisfaction": "患者满意度报告", "gap_model": "服务质量差距报告", "item": "题项",
           "mean": "均值", "n": "人数", "dimension": "维度", "gap": "差距", "segment": "科室",
           "csi": "满意度指数", "nps": "净推荐值", "servqual": "SERVQUAL 差距",
           "share_below": "低于期望的比例", "scores": "各维度得分", "gaps": "期望与感知"},
    "en": {"satisfaction": "Patient satisfaction report", "gap_model": "Service-quality gap report",
           "item": "Item", "mean": "Mean", "n": "n", "dimension": "Dimension", "gap": "Gap",
           "segment": "Department", "csi": "Satisfaction index", "nps": "Net Promoter Score",
           "servqual": "SERVQUAL gap", "share_below": "Share below expectation",
           "scores": "Dimension scores", "gaps": "Expectation and perception"},
}
DIMENSIONS = {"zh": ["有形性", "可靠性", "响应性", "保证性", "移情性"],
              "en": ["Tangibles", "Reliability", "Responsiveness", "Assurance", "Empathy"]}


def _png(width: int = 640, height: int = 400) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width * 2, height * 2), (70, 110, 160)).save(out, format="PNG")
    return out.getvalue()


def _csv(frame: pd.DataFrame) -> bytes:
    return formula_safe(frame).to_csv(index=False, encoding="utf-8-sig",
                                      lineterminator="\n").encode("utf-8-sig")


def study(language: str = "zh") -> StudyInfo:
    return StudyInfo(name="demo", title="患者期望与满意度调查" if language == "zh" else "Patient survey",
                     language=language, client="示例医院" if language == "zh" else "Example Hospital",
                     fieldwork="2026-10",
                     provenance={"survey.csv": "ab" * 32, "study.yml": "cd" * 32,
                                 "sqmreport": "0.1.0", "built": "2026-12-03T19:00:00Z"},
                     reports=("satisfaction", "gap_model"))


def manifests(language: str = "zh") -> tuple[list[Manifest], dict[str, bytes]]:
    """Two manifests (satisfaction, gap_model) and the CSV files their tables wrote."""
    w, dims = WORDS[language], DIMENSIONS[language]
    means = [5.52, 5.96, 5.54, 5.89, 5.66]
    scores = pd.DataFrame({"dimension": dims, "n": [252] * 5, "mean": means,
                           "ci_low": [m - 0.17 for m in means], "ci_high": [m + 0.17 for m in means]})
    segments = pd.DataFrame({"segment": ["=HYPERLINK(\"http://x\")", "+内科", "-外科", "@急诊", "Ortho 한국"],
                             "n": [120, 60, 40, float("nan"), float("nan")],
                             "mean": [5.8, 5.6, 5.4, float("nan"), float("nan")],
                             "suppressed": [False, False, False, True, True]})
    expectation = [6.2, 6.5, 6.3, 6.4, 6.1]
    gaps = pd.DataFrame({"dimension": dims, "expectation": expectation, "perception": means,
                         "gap": [p - e for p, e in zip(means, expectation)],
                         "p_adjusted": [0.0001, 0.002, 0.0004, 0.03, 0.2]})
    tables = {"dimension_descriptives.csv": _csv(scores), "segment_means_department.csv": _csv(segments),
              "gap_dimensions.csv": _csv(gaps)}
    col = lambda name, header, kind: Column(name, header, kind)  # noqa: E731
    sat = Manifest(
        report="satisfaction", language=language, title=w["satisfaction"],
        facts={"n": 252, "invited": 300, "response_rate": 0.84, "fieldwork": "2026-10",
               "respondent": "患者" if language == "zh" else "patients"},
        sections=(("dimensions", w["scores"]), ("segments", w["segment"]), ("csi", w["csi"])),
        findings=("发现一" if language == "zh" else "Finding one.",),
        tables=(
            TableEntry("dimension_descriptives", "dimension_descriptives.csv", w["scores"],
                       "1–7 分量表" if language == "zh" else "On the 1–7 scale.", "dimensions",
                       (col("dimension", w["dimension"], None), col("n", w["n"], "count"),
                        col("mean", w["mean"], "mean"), col("ci_low", "CI low", "mean"),
                        col("ci_high", "CI high", "mean"))),
            TableEntry("segment_means_department", "segment_means_department.csv", w["segment"],
                       "note", "segments",
                       (col("segment", w["segment"], None), col("n", w["n"], "count"),
                        col("mean", w["mean"], "mean"), col("suppressed", "suppressed", None)),
                       suppressed=True),
        ),
        figures=(FigureEntry("dimension_scores", w["scores"], "note", "dimensions", _png(), 640, 400,
                             key=True, takeaway="可靠性最高。" if language == "zh" else "Reliability scores highest.",
                             chart=Chart("bar", tuple(dims), (Series(w["mean"], tuple(means)),), "mean",
                                         table="dimension_descriptives", axis_min=1, axis_max=7)),),
        headlines=(Headline("csi", w["csi"], 78.6, "index", 76.3, 81.0, "78.6 (76.3–81.0)",
                            "0–100", 2.1, 0.4, 3.8, "+2.1 since 2026-04", "csi"),
                   Headline("nps", w["nps"], 13, "nps", 3, 22, "+13 (+3 to +22)", "", section="nps")),
        actions=(Action(1, "10. 告知服务时间" if language == "zh" else "10. Tells when service is done",
                        "优先改进" if language == "zh" else "Improve first.", "gap −1.02 (−1.3 to −0.7)",
                        section="priorities"),
                 Action(2, "11. 服务迅速" if language == "zh" else "11. Prompt service",
                        "优先改进" if language == "zh" else "Improve first.", "gap −0.95", group="外科",
                        section="priorities")),
    )
    gap = Manifest(
        report="gap_model", language=language, title=w["gap_model"], facts={"n": 252},
        sections=(("gap5", w["gaps"]),),
        tables=(TableEntry("gap_dimensions", "gap_dimensions.csv", w["gaps"], "note", "gap5",
                           (col("dimension", w["dimension"], None), col("expectation", "E", "mean"),
                            col("perception", "P", "mean"), col("gap", w["gap"], "gap"),
                            col("p_adjusted", "p", "p"))),),
        figures=(FigureEntry("gap_dimensions", w["gaps"], "note", "gap5", _png(), 640, 400, key=True,
                             takeaway="每个维度的感知都低于期望。" if language == "zh" else "Perception is below expectation on every dimension.",
                             chart=Chart("bar", tuple(dims), (Series("E", tuple(expectation)),
                                                              Series("P", tuple(means))), "mean",
                                         table="gap_dimensions", axis_min=1, axis_max=7)),
                 FigureEntry("zone", "Zone", "note", "gap5", _png(), 640, 400)),
        headlines=(Headline("servqual", w["servqual"], -0.63, "gap", -0.75, -0.51, "−0.63 (−0.75 to −0.51)",
                            section="gap5"),
                   Headline("share_below", w["share_below"], 0.71, "percent", 0.65, 0.77, "71.0%",
                            section="gap5")),
    )
    return [sat, gap], tables
