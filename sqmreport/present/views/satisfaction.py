"""Sections of the satisfaction report, and their key findings in plain words.

Each view takes the result of its section's function in
:mod:`sqmreport.analysis.satisfaction`, shows it, and adds its findings to the
report's summary (:meth:`~sqmreport.present.report.Report.summary`)::

    items = sat.items(survey)
    show.items(rep, items)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sqmreport.analysis import satisfaction as sat
from sqmreport.data.survey import Survey, reversed_items
from sqmreport.present import plots
from sqmreport.present.i18n import text
from sqmreport.present.report import Report
from sqmreport.present.views import priorities

__all__ = ["comments", "csi", "dimensions", "drivers", "findings", "grey", "items", "method",
           "nps", "q_matrix", "response", "segments", "summary"]


def _scale_note(scale: tuple, confidence: float) -> dict:
    low, high = scale
    return {"low": low, "high": high, "level": confidence * 100}


def summary(rep: Report) -> None:
    """The key findings the sections shown so far added (the notebook's last cell)."""
    rep.summary()


def response(rep: Report, response: sat.Response) -> None:
    rep.section("response")
    rep.table("response_rate", response.table)
    rep.add_findings(_response_findings(response.table, rep.language))
    if response.profile.empty:
        rep.note("notes.no_segments")
        return
    profile = response.profile.copy()
    profile["segment_label"] = profile["segment"].map(lambda s: survey_segment_label(rep.survey, s))
    profile["value"] = profile["value"].fillna(rep.t("no_value"))
    rep.table("sample_profile", profile, columns=["segment_label", "value", "n", "share"],
              labels={"segment_label": rep.t("columns.segment")},
              values={"min_size": response.min_size})


def items(rep: Report, items: sat.Items) -> None:
    rep.section("items")
    low, high = items.scale
    table = items.table.copy()
    table.insert(1, "label", table["item"].map(rep.item_label))
    table["dimension_label"] = table["dimension"].map(rep.dimension_name)
    values = {**_scale_note(items.scale, items.confidence), "top2": f"{high - 1:g}–{high:g}",
              "bottom2": f"{low:g}–{low + 1:g}"}
    rep.table("item_descriptives", table,
              columns=["label", "dimension_label", "n", "mean", "sd", "ci_low", "ci_high",
                       "top_box", "bottom_box"],
              labels={"dimension_label": rep.t("columns.dimension")}, values=values)
    shares = items.distribution.rename(index=rep.item_label)
    rep.figure("item_distribution", plots.plot_distribution(shares, language=rep.language),
               values=_scale_note(items.scale, items.confidence))


def dimensions(rep: Report, dimensions: sat.Dimensions) -> None:
    rep.section("dimensions")
    note = _scale_note(dimensions.scale, dimensions.confidence)
    table = dimensions.table.copy()
    table.insert(1, "label", table["dimension"].map(rep.dimension_name))
    rep.table("dimension_descriptives", table,
              columns=["label", "n", "mean", "sd", "ci_low", "ci_high"],
              labels={"label": rep.t("columns.dimension")}, values=note)
    rep.figure("dimension_means",
               plots.plot_means(table, language=rep.language, scale=dimensions.scale), values=note)
    if dimensions.overall is not None:
        low, high = dimensions.overall_scale
        overall = dimensions.overall.assign(variable=rep.t("measures.overall"))
        rep.table("overall", overall, columns=["variable", "n", "mean", "sd", "ci_low", "ci_high",
                                               "top_box", "bottom_box"],
                  labels={"variable": rep.t("columns.measure")}, values={"low": low, "high": high})
    rep.add_findings(_dimension_findings(dimensions.table, rep.survey))


def csi(rep: Report, csi: sat.CSI) -> None:
    rep.section("csi")
    c = csi.index
    table = c.components.copy()
    table.insert(1, "label", table["component"].map(rep.dimension_name))
    total = pd.DataFrame([{"component": "csi", "label": "CSI", "weight": table["weight"].sum(),
                           "mean": np.nan, "score": c.index, "n": np.nan,
                           "ci_low": c.ci_low, "ci_high": c.ci_high}])
    table = pd.concat([table.assign(ci_low=np.nan, ci_high=np.nan), total], ignore_index=True)
    weights = "weights.study" if csi.weighted else "weights.equal"
    rep.table("csi", table, columns=["label", "weight", "mean", "score", "ci_low", "ci_high"],
              labels={"label": rep.t("columns.component"), "weight": rep.t("columns.weight_csi")},
              values={**_scale_note(csi.scale, csi.confidence), "weights": rep.t(weights)})
    rep.add_findings(_csi_findings(c, rep.language, csi.confidence))


def nps(rep: Report, nps: sat.NPS) -> None:
    rep.section("nps")
    if nps.result is None:
        rep.note("notes.no_recommend")
        return
    n = nps.result
    table = pd.DataFrame([{"nps": n.nps, "ci_low": n.ci_low, "ci_high": n.ci_high,
                           "promoters": n.promoters, "passives": n.passives,
                           "detractors": n.detractors, "n": n.n}])
    rep.table("nps", table, values=_scale_note(nps.scale, nps.confidence))
    rep.figure("nps", plots.plot_nps(n, language=rep.language))
    rep.add_findings(_nps_findings(n, rep.language))


def segments(rep: Report, segments: sat.Segments) -> None:
    rep.section("segments")
    if segments.comparison is None:
        rep.note("notes.no_segments")
        return
    tests = segments.comparison.tests.copy()
    tests.insert(0, "segment_label", tests["segment"].map(lambda s: survey_segment_label(rep.survey, s)))
    tests.insert(1, "measure_label", tests["measure"].map(lambda m: measure_label(rep.survey, m)))
    effect = tests["effect_measure"].iloc[0]
    rep.table("segment_tests", tests,
              columns=["segment_label", "measure_label", "groups", "n", "statistic", "df1", "df2",
                       "p_value", "p_adjusted", "effect_size"],
              labels={"segment_label": rep.t("columns.segment"),
                      "measure_label": rep.t("columns.measure")},
              values={"test_name": rep.t(f"tests.{segments.test}"),
                      "effect_name": rep.t(f"effects.{effect}"), "min_size": segments.min_size,
                      "correction": rep.t(f"corrections.{segments.p_adjust}")})
    groups = segments.comparison.groups
    low, high = segments.scale
    for seg, block in groups.groupby("segment", sort=False):
        label = survey_segment_label(rep.survey, seg)
        if block["suppressed"].all():
            rep.note("notes.segment_hidden", segment=label, min_size=segments.min_size)
            continue
        wide = block.pivot(index="value", columns="measure", values="mean")
        wide = wide[list(block["measure"].unique())]
        counts = block.drop_duplicates("value").set_index("value")["n"]
        table = wide.rename(columns=lambda m: measure_label(rep.survey, m)).reset_index()
        table.insert(1, "n", table["value"].map(counts))
        rep.table(f"segment_means_{seg}", table, key="segment_means",
                  values={"segment": label, "low": low, "high": high,
                          "min_size": segments.min_size},
                  labels={"value": label})
        heat = wide.drop(columns=[c for c in ["overall"] if c in wide.columns])
        heat = heat.rename(columns=rep.dimension_name).rename_axis(index=None, columns=None)
        rep.figure("segment_heatmap", plots.plot_heatmap(heat, language=rep.language),
                   values={"segment": label, "min_size": segments.min_size})
    rep.add_findings(_segment_findings(segments.significant, rep.survey))


def drivers(rep: Report, drivers: sat.Drivers) -> None:
    rep.section("drivers")
    if drivers.problem is not None:
        rep.problem(drivers.problem)
        return
    if drivers.result is None:
        rep.note("notes.no_overall")
        return
    d = drivers.result
    table = d.table.copy()
    table.insert(1, "label", table["driver"].map(rep.dimension_name))
    rep.table("drivers", table.sort_values("rank"),
              columns=["label", "r", "r_ci_low", "r_ci_high", "weight", "share", "rank"],
              labels={"label": rep.t("columns.dimension")},
              values={"level": drivers.confidence * 100, "r2": d.r_squared * 100, "n": d.n})
    rep.figure("drivers", plots.plot_drivers(table, language=rep.language),
               values={"r2": d.r_squared * 100})
    rep.add_findings(_driver_findings(d, rep.survey))


def q_matrix(rep: Report, q_matrix: sat.QMatrix) -> None:
    rep.section("q_matrix")
    if q_matrix.result is None:
        rep.note("notes.no_importance")
        return
    priorities.show(rep, q_matrix.result, q_matrix.source, key="q_matrix",
                    csv_name="importance_performance")
    rep.add_findings(priorities.findings(q_matrix.result, rep.survey))


def grey(rep: Report, grey: sat.Grey) -> None:
    rep.section("grey")
    label = survey_segment_label(rep.survey, grey.segment) if grey.segment else ""
    if grey.problem is not None:
        rep.problem(grey.problem)
        return
    if grey.result is None:
        rep.note("notes.no_segments" if grey.segment is None else "notes.no_grey",
                 segment=label, min_size=grey.min_size)
        return
    coefficients = grey.result.coefficients
    table = grey.result.grades.merge(coefficients, left_on="alternative", right_index=True)
    names = {d: rep.dimension_name(d) for d in coefficients.columns}
    rep.table("grey", table, values={"segment": label, "min_size": grey.min_size},
              labels={"alternative": label, **names})


def comments(rep: Report, comments: pd.Series | None) -> None:
    rep.section("comments")
    if comments is None or comments.empty:
        rep.note("notes.no_comments")
        return
    rep.quotes(comments)


def method(rep: Report) -> None:
    """How the data were treated: missing codes, reverse-keyed items, the interval level."""
    rep.section("method")
    spec = rep.study.spec
    none = rep.t("notes.none")
    rep.note("notes.method", codes=", ".join(str(c) for c in spec.missing_codes) or none,
             reverse=", ".join(reversed_items(rep.study)) or none,
             level=spec.analysis.confidence * 100)


# -- findings ---------------------------------------------------------------------------
# One piece per section; the views add them to the report as they show the section.

def _response_findings(table: pd.DataFrame, lang: str) -> list[str]:
    r = table.iloc[0]
    if not np.isnan(r["response_rate"]):
        return [text(lang, "findings.response", returned=int(r["returned"]), sent=int(r["sent"]),
                     rate=r["response_rate"] * 100, usable=int(r["usable"]))]
    return [text(lang, "findings.sample", usable=int(r["usable"]))]


def _csi_findings(c, lang: str, confidence: float) -> list[str]:
    return [text(lang, "findings.csi", csi=c.index, low=c.ci_low, high=c.ci_high,
                 level=confidence * 100)]


def _dimension_findings(table: pd.DataFrame, survey: Survey) -> list[str]:
    lang, inst = survey.language, survey.instrument
    dims = table.set_index("dimension")["mean"]
    best, worst = dims.idxmax(), dims.idxmin()
    return [text(lang, "findings.dimensions", best=inst.dimension(best).name(lang),
                 best_mean=dims[best], worst=inst.dimension(worst).name(lang),
                 worst_mean=dims[worst])]


def _nps_findings(n, lang: str) -> list[str]:
    return [text(lang, "findings.nps", nps=n.nps, low=n.ci_low, high=n.ci_high,
                 promoters=n.promoters * 100, detractors=n.detractors * 100)]


def _driver_findings(d, survey: Survey) -> list[str]:
    lang = survey.language
    top = d.table.sort_values("rank").iloc[0]
    return [text(lang, "findings.drivers",
                 driver=survey.instrument.dimension(top["driver"]).name(lang),
                 share=top["share"] * 100, r2=d.r_squared * 100, k=len(d.table))]


def _segment_findings(significant: pd.DataFrame, survey: Survey) -> list[str]:
    lang = survey.language
    if not len(significant):
        return [text(lang, "findings.no_segments")]
    largest = significant.sort_values("effect_size", ascending=False).iloc[0]
    return [text(lang, "findings.segments", n=len(significant),
                 segment=survey_segment_label(survey, largest["segment"]),
                 measure=measure_label(survey, largest["measure"]))]


def findings(result: sat.SatisfactionResult, survey: Survey) -> list[str]:
    """The report's key findings (of :func:`~sqmreport.analysis.satisfaction.analyse`), as
    plain-language sentences in the study's language."""
    lang = survey.language
    confidence = survey.study.spec.analysis.confidence
    out = _response_findings(result.response, lang) + _csi_findings(result.csi, lang, confidence)
    out += _dimension_findings(result.dimensions, survey)
    if result.nps is not None:
        out += _nps_findings(result.nps, lang)
    if result.drivers is not None:
        out += _driver_findings(result.drivers, survey)
    out += priorities.findings(result.q_matrix, survey)
    if result.segments is not None:
        tests = result.segments.tests
        out += _segment_findings(tests[tests["p_adjusted"] < 1 - confidence], survey)
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
