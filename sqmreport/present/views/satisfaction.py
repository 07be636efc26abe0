"""Sections of the satisfaction report, and its key findings in plain words."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sqmreport.present import plots
from sqmreport.present.report import Report
from sqmreport.analysis.satisfaction import SatisfactionResult
from sqmreport.data.survey import Survey
from sqmreport.present.i18n import text
from sqmreport.data.survey import reversed_items
from sqmreport.present.views.tracking import findings as tracking_findings

__all__ = ["comments", "csi", "dimensions", "drivers", "grey", "items", "method", "nps",
           "q_matrix", "response", "segments", "summary"]


def _scale_note(rep: Report) -> dict:
    low, high = rep.survey.scale
    level = rep.study.spec.analysis.confidence * 100
    return {"low": low, "high": high, "level": level}


def summary(rep: Report, result: SatisfactionResult, tracking=None) -> None:
    """Key findings; with ``tracking`` (:func:`sqmreport.analysis.tracking.analyse`) also those of
    the earlier waves and the operations data the study has."""
    rep.section("summary")
    extra = tracking_findings(tracking, rep.survey, "satisfaction") if tracking is not None else []
    rep.findings(findings(result, rep.survey) + extra)


def response(rep: Report, result: SatisfactionResult) -> None:
    rep.section("response")
    rep.table("response_rate", result.response)
    if result.profile.empty:
        rep.note("notes.no_segments")
        return
    profile = result.profile.copy()
    profile["segment_label"] = profile["segment"].map(lambda s: survey_segment_label(rep.survey, s))
    profile["value"] = profile["value"].fillna("—")
    rep.table("sample_profile", profile, columns=["segment_label", "value", "n", "share"],
              labels={"segment_label": rep.t("columns.segment")},
              note={"min_size": rep.study.spec.min_group_size})


def items(rep: Report, result: SatisfactionResult) -> None:
    rep.section("items")
    low, high = rep.survey.scale
    table = result.items.copy()
    table.insert(1, "label", table["item"].map(rep.item_label))
    table["dimension_label"] = table["dimension"].map(rep.dimension_name)
    note = {**_scale_note(rep), "top2": f"{high - 1:g}–{high:g}", "bottom2": f"{low:g}–{low + 1:g}"}
    rep.table("item_descriptives", table,
              columns=["label", "dimension_label", "n", "mean", "sd", "ci_low", "ci_high",
                       "top_box", "bottom_box"],
              labels={"dimension_label": rep.t("columns.dimension")}, note=note)
    shares = result.distribution.rename(index=rep.item_label)
    rep.figure("item_distribution", plots.plot_distribution(shares, language=rep.language),
               note=_scale_note(rep))


def dimensions(rep: Report, result: SatisfactionResult) -> None:
    rep.section("dimensions")
    table = result.dimensions.copy()
    table.insert(1, "label", table["dimension"].map(rep.dimension_name))
    rep.table("dimension_descriptives", table,
              columns=["label", "n", "mean", "sd", "ci_low", "ci_high"],
              labels={"label": rep.t("columns.dimension")}, note=_scale_note(rep))
    rep.figure("dimension_means",
               plots.plot_means(table, language=rep.language, scale=rep.survey.scale),
               note=_scale_note(rep))
    if result.overall is not None:
        spec = rep.study.spec.overall
        overall = result.overall.assign(variable=rep.t("measures.overall"))
        rep.table("overall", overall, columns=["variable", "n", "mean", "sd", "ci_low", "ci_high",
                                               "top_box", "bottom_box"],
                  labels={"variable": rep.t("columns.measure")},
                  note={"low": spec.scale.min, "high": spec.scale.max})


def csi(rep: Report, result: SatisfactionResult) -> None:
    rep.section("csi")
    c = result.csi
    table = c.components.copy()
    table.insert(1, "label", table["component"].map(rep.dimension_name))
    total = pd.DataFrame([{"component": "csi", "label": "CSI", "weight": table["weight"].sum(),
                           "mean": np.nan, "score": c.index, "n": np.nan,
                           "ci_low": c.ci_low, "ci_high": c.ci_high}])
    table = pd.concat([table.assign(ci_low=np.nan, ci_high=np.nan), total], ignore_index=True)
    weights = "weights.study" if rep.study.spec.analysis.csi_weights else "weights.equal"
    rep.table("csi", table, columns=["label", "weight", "mean", "score", "ci_low", "ci_high"],
              labels={"label": rep.t("columns.component"), "weight": rep.t("columns.weight_csi")},
              note={**_scale_note(rep), "weights": rep.t(weights)})


def nps(rep: Report, result: SatisfactionResult) -> None:
    rep.section("nps")
    if result.nps is None:
        rep.note("notes.no_recommend")
        return
    n = result.nps
    table = pd.DataFrame([{"nps": n.nps, "ci_low": n.ci_low, "ci_high": n.ci_high,
                           "promoters": n.promoters, "passives": n.passives,
                           "detractors": n.detractors, "n": n.n}])
    rep.table("nps", table, note=_scale_note(rep))
    rep.figure("nps", plots.plot_nps(n, language=rep.language))


def segments(rep: Report, result: SatisfactionResult) -> None:
    rep.section("segments")
    if result.segments is None:
        rep.note("notes.no_segments")
        return
    spec = rep.study.spec
    tests = result.segments.tests.copy()
    tests.insert(0, "segment_label", tests["segment"].map(lambda s: survey_segment_label(rep.survey, s)))
    tests.insert(1, "measure_label", tests["measure"].map(lambda m: measure_label(rep.survey, m)))
    test = spec.analysis.segment_test
    effect = tests["effect_measure"].iloc[0]
    rep.table("segment_tests", tests,
              columns=["segment_label", "measure_label", "groups", "n", "statistic", "df1", "df2",
                       "p_value", "p_adjusted", "effect_size"],
              labels={"segment_label": rep.t("columns.segment"),
                      "measure_label": rep.t("columns.measure")},
              note={"test_name": rep.t(f"tests.{test}"), "effect_name": rep.t(f"effects.{effect}"),
                    "min_size": spec.min_group_size})
    groups = result.segments.groups
    low, high = rep.survey.scale
    for seg, block in groups.groupby("segment", sort=False):
        label = survey_segment_label(rep.survey, seg)
        wide = block.pivot(index="value", columns="measure", values="mean")
        wide = wide[[m for m in block["measure"].unique()]]
        counts = block.drop_duplicates("value").set_index("value")["n"]
        table = wide.rename(columns=lambda m: measure_label(rep.survey, m)).reset_index()
        table.insert(1, "n", table["value"].map(counts))
        rep.table(f"segment_means_{seg}", table, key="segment_means", title={"segment": label},
                  note={"low": low, "high": high, "min_size": spec.min_group_size},
                  labels={"value": label})
        heat = wide.drop(columns=[c for c in ["overall"] if c in wide.columns])
        heat = heat.rename(columns=rep.dimension_name).rename_axis(index=None, columns=None)
        rep.figure("segment_heatmap",
                   plots.plot_heatmap(heat, language=rep.language),
                   title={"segment": label}, note={"min_size": spec.min_group_size})


def drivers(rep: Report, result: SatisfactionResult) -> None:
    rep.section("drivers")
    if "drivers" in result.problems:
        rep.problem(result.problems["drivers"])
        return
    if result.drivers is None:
        rep.note("notes.no_overall")
        return
    d = result.drivers
    table = d.table.copy()
    table.insert(1, "label", table["driver"].map(rep.dimension_name))
    note = {"level": rep.study.spec.analysis.confidence * 100, "r2": d.r_squared * 100, "n": d.n}
    rep.table("drivers", table.sort_values("rank"),
              columns=["label", "r", "r_ci_low", "r_ci_high", "weight", "share", "rank"],
              labels={"label": rep.t("columns.dimension")}, note=note)
    rep.figure("drivers", plots.plot_drivers(table, language=rep.language),
               note={"r2": d.r_squared * 100})


def q_matrix(rep: Report, result: SatisfactionResult) -> None:
    rep.section("q_matrix")
    q = result.q_matrix
    table = q.copy()
    table.insert(1, "label", table["item"].map(rep.item_label))
    table["action"] = table["quadrant"].map(lambda k: rep.t(f"quadrants.{k}"))
    rule = q["performance_rule"].iloc[0]
    rep.table("importance_performance", table, key="q_matrix",
              columns=["label", "importance", "performance", "action"],
              labels={"action": rep.t("columns.quadrant")},
              note={"source": rep.t(f"q_sources.{result.q_source}"), "rule": rep.t(f"rules.{rule}")})
    points = table.assign(label=table["item"])
    rep.figure("q_matrix", plots.plot_q_matrix(points, language=rep.language,
                                               importance_cut=q["importance_cut"].iloc[0],
                                               performance_cut=q["performance_cut"].iloc[0]))


def grey(rep: Report, result: SatisfactionResult) -> None:
    rep.section("grey")
    min_size = rep.study.spec.min_group_size
    label = survey_segment_label(rep.survey, result.grey_segment) if result.grey_segment else ""
    if "grey" in result.problems:
        rep.problem(result.problems["grey"])
        return
    if result.grey is None:
        rep.note("notes.no_segments" if result.grey_segment is None else "notes.no_grey",
                 segment=label, min_size=min_size)
        return
    coefficients = result.grey.coefficients
    table = result.grey.grades.merge(coefficients, left_on="alternative", right_index=True)
    names = {d: rep.dimension_name(d) for d in coefficients.columns}
    rep.table("grey", table, title={"segment": label}, note={"min_size": min_size},
              labels={"alternative": label, **names})


def comments(rep: Report, result: SatisfactionResult) -> None:
    rep.section("comments")
    if result.comments is None or result.comments.empty:
        rep.note("notes.no_comments")
        return
    rep.quotes(result.comments)


def method(rep: Report, result: SatisfactionResult) -> None:
    rep.section("method")
    spec = rep.study.spec
    none = rep.t("notes.none")
    rep.note("notes.method", codes=", ".join(str(c) for c in spec.missing_codes) or none,
             reverse=", ".join(reversed_items(rep.study)) or none,
             level=spec.analysis.confidence * 100)


# -- findings ---------------------------------------------------------------------------

def findings(result: SatisfactionResult, survey: Survey) -> list[str]:
    """The report's key findings, as plain-language sentences in the study's language."""
    lang = survey.language
    inst = survey.instrument
    out = []
    r = result.response.iloc[0]
    if not np.isnan(r["response_rate"]):
        out.append(text(lang, "findings.response", returned=int(r["returned"]),
                        sent=int(r["sent"]), rate=r["response_rate"] * 100, usable=int(r["usable"])))
    else:
        out.append(text(lang, "findings.sample", usable=int(r["usable"])))
    c = result.csi
    out.append(text(lang, "findings.csi", csi=c.index, low=c.ci_low, high=c.ci_high))
    dims = result.dimensions.set_index("dimension")["mean"]
    best, worst = dims.idxmax(), dims.idxmin()
    out.append(text(lang, "findings.dimensions", best=inst.dimension(best).name(lang),
                    best_mean=dims[best], worst=inst.dimension(worst).name(lang),
                    worst_mean=dims[worst]))
    if result.nps is not None:
        n = result.nps
        out.append(text(lang, "findings.nps", nps=n.nps, low=n.ci_low, high=n.ci_high,
                        promoters=n.promoters * 100, detractors=n.detractors * 100))
    if result.drivers is not None:
        top = result.drivers.table.sort_values("rank").iloc[0]
        out.append(text(lang, "findings.drivers", driver=inst.dimension(top["driver"]).name(lang),
                        share=top["share"] * 100, r2=result.drivers.r_squared * 100))
    if result.q_matrix is not None:
        improve = result.q_matrix.query("quadrant == 'improve'")
        labels = [inst.items[inst.item_ids.index(i)].label(lang) for i in improve["item"]]
        if labels:
            out.append(text(lang, "findings.improve", n=len(labels),
                            items=text(lang, "list_sep").join(labels[:5])))
    if result.segments is not None:
        sig = result.segments.tests.query("p_adjusted < 0.05")
        if len(sig):
            worst_row = sig.sort_values("effect_size", ascending=False).iloc[0]
            out.append(text(lang, "findings.segments", n=len(sig),
                            segment=survey_segment_label(survey, worst_row["segment"]),
                            measure=measure_label(survey, worst_row["measure"])))
        else:
            out.append(text(lang, "findings.no_segments"))
    return out


def survey_segment_label(survey: Survey, column: str) -> str:
    """Display label of a segment column in the study's language."""
    seg = next(s for s in survey.study.segments if s.column == column)
    if seg.label is None:
        return column
    if isinstance(seg.label, str):
        return seg.label
    return seg.label.get(survey.language) or next(iter(seg.label.values()))


def measure_label(survey: Survey, measure: str) -> str:
    """Display label of a dimension id or ``overall``."""
    if measure == "overall":
        return text(survey.language, "measures.overall")
    return survey.instrument.dimension(measure).name(survey.language)
