"""Sections of the gap-model report, and its key findings in plain words."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from sqmreport.present import plots
from sqmreport.analysis.gap_model import LOW_RELIABILITY, GapResult
from sqmreport.data.survey import Survey
from sqmreport.present.i18n import text
from sqmreport.present.report import Report
from sqmreport.data.survey import reversed_items
from sqmreport.present.views.tracking import findings as tracking_findings

__all__ = ["caution", "delivery", "five_gaps", "method", "overview", "priorities", "servqual",
           "summary", "zone"]

GAPS = ("gap1", "gap2", "gap3", "gap4", "gap5")


def _level(rep: Report) -> float:
    return rep.study.spec.analysis.confidence * 100


def summary(rep: Report, result: GapResult, tracking=None) -> None:
    """Key findings; with ``tracking`` (:func:`sqmreport.analysis.tracking.analyse`) also those of
    the earlier waves and the operations data the study has."""
    rep.section("summary")
    extra = tracking_findings(tracking, rep.survey, "gap_model") if tracking is not None else []
    rep.findings(findings(result, rep.survey) + extra)


def servqual(rep: Report, result: GapResult) -> None:
    """Gap 5 by item and dimension, laid out as in the case: dimension rows above their items."""
    rep.section("servqual")
    items = result.items.copy()
    items.insert(1, "label", items["item"].map(rep.item_label))
    rep.write_table("gap_items", items)
    dims = result.dimensions.copy()
    dims.insert(1, "label", dims["dimension"].map(rep.dimension_name))
    rep.write_table("gap_dimensions", dims)

    blocks = []
    for _, dim in dims.iterrows():
        blocks.append(dim.to_frame().T.assign(group=True))
        blocks.append(items[items["dimension"] == dim["dimension"]].assign(group=False))
    layout = pd.concat(blocks, ignore_index=True)
    correction = rep.study.spec.analysis.p_adjust
    rep.table("gap_items", layout, csv=False, groups=layout["group"].astype(bool),
              columns=["label", "expectation", "perception", "gap", "gap_ci_low", "gap_ci_high",
                       "p_adjusted", "wilcoxon_p", "n"],
              note={"level": _level(rep), "n": len(items),
                    "correction": rep.t(f"corrections.{correction}")})
    rep.figure("expectation_perception",
               plots.plot_expectation_perception(items, language=rep.language,
                                                 scale=rep.survey.scale))
    rep.table("gap_dimensions", dims, csv=False,
              columns=["label", "expectation", "perception", "gap", "gap_ci_low", "gap_ci_high",
                       "share_below", "n"],
              labels={"label": rep.t("columns.dimension")})


def overview(rep: Report, result: GapResult) -> None:
    rep.section("overview")
    s = result.summary
    rows = [("unweighted", s.unweighted, s.n), ("weighted", s.weighted, s.n_weighted),
            ("servperf", s.servperf, s.n), ("share_below", s.share_below, s.n),
            ("response_rate", result.response_rate, np.nan)]
    if result.delivery is not None and not np.isnan(result.delivery.sqi):
        rows.append(("sqi", result.delivery.sqi, np.nan))
    table = pd.DataFrame(rows, columns=["measure", "value", "n"])
    rep.write_table("gap_summary", table)
    shown = table.assign(label=table["measure"].map(lambda m: rep.t(f"gap_summary_rows.{m}")),
                         shown=[_summary_value(m, v) for m, v, _ in rows])
    rep.table("gap_summary", shown, csv=False, columns=["label", "shown"],
              labels={"label": rep.t("gap_columns.measure"), "shown": rep.t("gap_columns.value")},
              note={"weights": rep.t(f"weights_sources.{s.weights_source}")})


def _summary_value(measure: str, value: float) -> str:
    if value is None or np.isnan(value):
        return "—"
    if measure in ("share_below", "response_rate", "sqi"):
        return f"{100 * value:.1f}%"
    return f"{value:+.2f}" if measure in ("unweighted", "weighted") else f"{value:.2f}"


def five_gaps(rep: Report, result: GapResult) -> None:
    rep.section("five_gaps")
    model = result.model
    rep.write_table("gap_model", model)
    shown = model.assign(label=model["dimension"].map(rep.dimension_name))
    low, high = rep.survey.scale
    rep.table("gap_model", shown, csv=False, columns=["label", *result.measured],
              labels={"label": rep.t("columns.dimension")}, note={"low": low, "high": high})
    names = {g: rep.t(f"gap_columns.{g}") for g in GAPS}
    chart = model.set_index(model["dimension"].map(rep.dimension_name))[list(result.measured)]
    rep.figure("five_gaps", plots.plot_five_gaps(chart, language=rep.language, names=names))
    entries = []
    for gap in GAPS:
        parts = [f"<p>{html.escape(rep.t(f'gap_definitions.{gap}'))}</p>"]
        if gap in result.measured:
            for part in ("causes", "actions"):
                label = rep.t(f"gap_columns.{'causes' if part == 'causes' else 'actions'}")
                parts.append(f'<p><span class="label">{html.escape(label)}</span> '
                             f"{html.escape(rep.t(f'gap_causes.{gap}.{part}'))}</p>")
        else:
            parts.append(f"<p><em>{html.escape(rep.t(f'gap_data_needed.{gap}'))}</em></p>")
        entries.append(f"<dt>{html.escape(rep.t(f'gap_names.{gap}'))}</dt><dd>{''.join(parts)}</dd>")
    rep.html(f'<dl class="gaps">{"".join(entries)}</dl>'
             f'<p class="note">{html.escape(rep.t("gap_causes.source"))}</p>')


def delivery(rep: Report, result: GapResult) -> None:
    rep.section("delivery")
    if result.delivery is None:
        rep.note("gap_notes.no_delivery")
        return
    levels = result.delivery.indicators.copy()
    levels.insert(0, "label", levels["dimension"].map(rep.dimension_name))
    periods = int(levels["periods"].max()) if len(levels) else 0
    rep.table("service_levels", levels,
              columns=["label", "indicator", "unit", "target", "actual", "attainment", "gap"],
              labels={"label": rep.t("columns.dimension"), "gap": rep.t("gap_columns.gap3")},
              note={"periods": periods})
    if len(result.delivery.defects):
        defects = result.delivery.defects.copy()
        defects.insert(1, "label", defects["dimension"].map(rep.dimension_name))
        rep.table("defects", defects, columns=["indicator", "label", "defects", "units",
                                               "opportunities", "dpmo", "sigma"],
                  labels={"label": rep.t("columns.dimension")})


def zone(rep: Report, result: GapResult) -> None:
    rep.section("zone")
    if result.zone is None:
        rep.note("gap_notes.no_zone")
        return
    table = result.zone.copy()
    table["label"] = [rep.item_label(i) if level == "item" else rep.dimension_name(i)
                      for level, i in zip(table["level"], table["id"])]
    table["zone_label"] = table["zone"].map(lambda z: rep.t(f"zones.{z}"))
    rep.write_table("zone_of_tolerance", table.drop(columns=["zone_label"]))
    dims = table[table["level"] == "dimension"]
    items = table[table["level"] == "item"]
    blocks = []
    for _, dim in dims.iterrows():
        blocks.append(dim.to_frame().T.assign(group=True))
        blocks.append(items[items["dimension"] == dim["id"]].assign(group=False))
    layout = pd.concat(blocks, ignore_index=True)
    rep.table("zone_of_tolerance", layout, csv=False, groups=layout["group"].astype(bool),
              columns=["label", "adequate", "desired", "perception", "msa", "mss", "zone_label"],
              labels={"zone_label": rep.t("gap_columns.zone")})
    rep.figure("zone", plots.plot_zone(items, language=rep.language, scale=rep.survey.scale))


def priorities(rep: Report, result: GapResult) -> None:
    rep.section("priorities")
    q = result.q_matrix.copy()
    q.insert(1, "label", q["item"].map(rep.item_label))
    q["action"] = q["quadrant"].map(lambda k: rep.t(f"quadrants.{k}"))
    rep.write_table("q_matrix", q)
    ordered = q.sort_values("priority_rank", na_position="last", kind="stable")  # then questionnaire order
    rule = q["performance_rule"].iloc[0]
    rep.table("q_matrix", ordered, csv=False,
              columns=["priority_rank", "label", "importance", "performance", "gap", "priority",
                       "action"],
              labels={"action": rep.t("columns.quadrant")},
              note={"source": rep.t(f"q_sources.{result.q_source}"), "rule": rep.t(f"rules.{rule}")})
    rep.figure("q_matrix", plots.plot_q_matrix(q.assign(label=q["item"]), language=rep.language,
                                               importance_cut=q["importance_cut"].iloc[0],
                                               performance_cut=q["performance_cut"].iloc[0]))


def caution(rep: Report, result: GapResult) -> None:
    rep.section("caution")
    table = result.reliability.copy()
    table.insert(1, "label", table["dimension"].map(rep.dimension_name))
    rep.table("gap_reliability", table, key="reliability",
              columns=["label", "alpha_e", "alpha_p", "alpha_gap", "r_pe", "reliability_gap",
                       "servperf", "servqual"],
              labels={"label": rep.t("columns.dimension")}, note={"threshold": LOW_RELIABILITY})


def method(rep: Report, result: GapResult) -> None:
    rep.section("method")
    spec = rep.study.spec
    none = rep.t("notes.none")
    rep.note("gap_notes.method", codes=", ".join(str(c) for c in spec.missing_codes) or none,
             reverse=", ".join(reversed_items(rep.study)) or none, level=_level(rep))


# -- findings ---------------------------------------------------------------------------

def findings(result: GapResult, survey: Survey) -> list[str]:
    """The gap report's key findings in the study's language."""
    lang = survey.language
    inst = survey.instrument
    s = result.summary
    out = [text(lang, "gap_findings.servqual", sq=s.unweighted, share=s.share_below * 100,
                servperf=s.servperf)]
    dims = result.dimensions.set_index("dimension")
    worst = dims["gap"].idxmin()
    out.append(text(lang, "gap_findings.worst_dimension", dimension=inst.dimension(worst).name(lang),
                    gap=dims.loc[worst, "gap"], share=dims.loc[worst, "share_below"] * 100))
    significant = result.items.query("p_adjusted < 0.05 and gap < 0")
    out.append(text(lang, "gap_findings.items", n=len(significant), total=len(result.items)))
    top = result.q_matrix.dropna(subset=["priority_rank"]).sort_values("priority_rank").head(3)
    if len(top):
        labels = [inst.items[inst.item_ids.index(i)].label(lang) for i in top["item"]]
        out.append(text(lang, "gap_findings.priorities", items=text(lang, "list_sep").join(labels)))
    for gap in ("gap1", "gap2", "gap3", "gap4"):
        if gap in result.model:
            column = result.model.set_index("dimension")[gap]
            if column.notna().any():
                dim = column.idxmin()
                out.append(text(lang, f"gap_findings.{gap}", dimension=inst.dimension(dim).name(lang),
                                gap=column[dim] * (100 if gap == "gap3" else 1)))
    missing = [text(lang, f"gap_names.{g}") for g in ("gap1", "gap2", "gap3", "gap4")
               if g not in result.measured]
    if missing:
        out.append(text(lang, "gap_findings.unmeasured", gaps=text(lang, "list_sep").join(missing)))
    low = result.reliability.query(f"reliability_gap < {LOW_RELIABILITY}")
    if len(low):
        out.append(text(lang, "gap_findings.low_reliability", n=len(low)))
    return out
