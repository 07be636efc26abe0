"""Sections of the gap-model report, and their key findings in plain words.

Each view takes the result of its section's function in :mod:`sqmreport.analysis.gap_model`,
shows it and adds its findings to the report's summary.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from sqmreport.analysis import gap_model as gap
from sqmreport.analysis.gap_model import GAPS, LOW_RELIABILITY, GapResult
from sqmreport.data.survey import Survey
from sqmreport.present import plots
from sqmreport.present.i18n import has_text, text
from sqmreport.present.manifest import Chart, Series
from sqmreport.present.report import Report, format_number
from sqmreport.present.views import priorities as _priorities
from sqmreport.present.views.satisfaction import missing_rule, reverse_rule

__all__ = ["cause", "caution", "delivery", "findings", "five_gaps", "method", "overview", "priorities",
           "servqual", "summary", "unit_name", "zone"]


def summary(rep: Report) -> None:
    """The key findings the sections shown so far added (the notebook's last cell)."""
    rep.summary()


def servqual(rep: Report, gaps: gap.ItemGaps) -> None:
    """Gap 5 by item and dimension, laid out as in the case: dimension rows above their items."""
    rep.section("servqual")
    items = gaps.items.copy()
    items.insert(1, "label", items["item"].map(rep.item_label))
    rep.write_table("gap_items", items)
    dims = gaps.dimensions.copy()
    dims.insert(1, "label", dims["dimension"].map(rep.dimension_name))
    rep.write_table("gap_dimensions", dims)

    blocks = []
    for _, dim in dims.iterrows():
        blocks.append(dim.to_frame().T.assign(group=True))
        blocks.append(items[items["dimension"] == dim["dimension"]].assign(group=False))
    layout = pd.concat(blocks, ignore_index=True)
    rep.table("gap_items", layout, csv=False, groups=layout["group"].astype(bool),
              columns=["label", "expectation", "perception", "gap", "gap_ci_low", "gap_ci_high",
                       "p_adjusted", "wilcoxon_p", "n"],
              values={"level": gaps.confidence * 100, "n": len(items),
                      "correction": rep.t(f"corrections.{gaps.p_adjust}")})
    labels = tuple(items["item"].map(rep.item_label))
    chart = Chart(type="bar", categories=labels, kind="mean", table="gap_items",
                  series=(Series(rep.t("gap_columns.expectation"), _values(items["expectation"])),
                          Series(rep.t("gap_columns.perception"), _values(items["perception"]))),
                  axis_min=float(gaps.scale[0]), axis_max=float(gaps.scale[1]),
                  y_title=rep.t("axes.mean"))
    rep.figure("expectation_perception",
               plots.plot_expectation_perception(items, language=rep.language, scale=gaps.scale),
               key=True, chart=chart, takeaway=_item_findings(gaps, rep.survey)[1])
    rep.table("gap_dimensions", dims, csv=False,
              columns=["label", "expectation", "perception", "gap", "gap_ci_low", "gap_ci_high",
                       "share_below", "n"],
              labels={"label": rep.t("columns.dimension")})
    rep.add_findings(_item_findings(gaps, rep.survey))


def overview(rep: Report, overview: gap.Overview) -> None:
    rep.section("overview")
    s = overview.summary
    rows = [("unweighted", s.unweighted, s.n), ("weighted", s.weighted, s.n_weighted),
            ("servperf", s.servperf, s.n), ("share_below", s.share_below, s.n),
            ("response_rate", overview.response_rate, np.nan)]
    if not np.isnan(overview.sqi):
        rows.append(("sqi", overview.sqi, np.nan))
    table = pd.DataFrame(rows, columns=["measure", "value", "n"])
    rep.write_table("gap_summary", table)
    shown = table.assign(label=table["measure"].map(lambda m: rep.t(f"gap_summary_rows.{m}")),
                         shown=[_summary_value(m, v) for m, v, _ in rows])
    rep.table("gap_summary", shown, csv=False, columns=["label", "shown"],
              labels={"label": rep.t("gap_columns.measure"), "shown": rep.t("gap_columns.value")},
              values={"dimensions": len(rep.survey.instrument.dimension_ids),
                      "weighted": rep.t(f"gap_weighted.{s.weights_source}")})
    rep.add_findings(_overview_findings(s, rep.language))
    _headlines(rep, s)


def _values(column) -> tuple:
    return tuple(None if pd.isna(v) else float(v) for v in column)


def _servqual_interval(survey: Survey, value: float, confidence: float) -> tuple[float, float, int]:
    """The unweighted SERVQUAL's t-interval at ``confidence``: centred on the report's
    figure, with the standard error of the respondents' SERVQUAL scores (each the mean of
    their dimension gaps, as the waves compare them); and their number."""
    from scipy import stats

    from sqmreport.stats.servqual import respondent_gaps

    e, p = survey.ratings["expectation"], survey.ratings["perception"]
    dims = respondent_gaps(e, p, dimension_of=survey.instrument.dimension_of()).drop(columns="overall")
    scores = dims.mean(axis=1).dropna().to_numpy(float)
    n = len(scores)
    if n < 2:
        return np.nan, np.nan, n
    half = stats.t.ppf(0.5 + confidence / 2, n - 1) * scores.std(ddof=1) / np.sqrt(n)
    return value - half, value + half, n


def _headlines(rep: Report, s) -> None:
    """The unweighted SERVQUAL gap with its interval and the share below expectation."""
    confidence = rep.study.spec.analysis.confidence
    low, high, _ = _servqual_interval(rep.survey, s.unweighted, confidence)
    rep.headline("servqual", s.unweighted, kind="gap", ci=(low, high),
                 detail=rep.t("headlines.details.servqual", n=s.n, level=confidence * 100,
                              k=len(rep.survey.instrument.dimension_ids)))
    rep.headline("share_below", s.share_below, kind="percent",
                 detail=rep.t("headlines.details.share_below", n=s.n))


def _summary_value(measure: str, value: float) -> str:
    if measure in ("share_below", "response_rate", "sqi"):
        return format_number(value, "percent")
    return format_number(value, "gap" if measure in ("unweighted", "weighted") else "mean")


def five_gaps(rep: Report, gaps: gap.FiveGaps) -> None:
    rep.section("five_gaps")
    model = gaps.model
    rep.write_table("gap_model", model)
    shown = model.assign(label=model["dimension"].map(rep.dimension_name))
    low, high = gaps.scale
    rep.table("gap_model", shown, csv=False, columns=["label", *gaps.measured],
              labels={"label": rep.t("columns.dimension")}, values={"low": low, "high": high})
    names = {g: rep.t(f"gap_columns.{g}") for g in GAPS}
    chart = model.set_index(model["dimension"].map(rep.dimension_name))[list(gaps.measured)]
    # Gap 3 is relative to target (%), the others in scale points: one native chart cannot
    # draw both on one axis; a chart of scale points alone is drawn natively.
    native = None
    if "gap3" not in gaps.measured:
        native = Chart(type="barh", categories=tuple(str(c) for c in chart.index), kind="gap",
                       series=tuple(Series(names[g], _values(chart[g])) for g in gaps.measured),
                       table="gap_model")
    found = _model_findings(gaps.model, gaps.measured, rep.survey)
    rep.figure("five_gaps", plots.plot_five_gaps(chart, language=rep.language, names=names),
               key=len(gaps.measured) > 1, chart=native,
               takeaway=found[0] if len(found) and len(gaps.measured) > 1 else None)
    sector = rep.study.spec.sector
    entries = []
    for g in GAPS:
        parts = [f"<p>{html.escape(rep.t(f'gap_definitions.{g}'))}</p>"]
        if g in gaps.measured:
            for part in ("causes", "actions"):
                label = rep.t(f"gap_columns.{part}")
                parts.append(f'<p><span class="label">{html.escape(label)}</span> '
                             f"{html.escape(cause(rep.language, sector, g, part))}</p>")
        else:
            parts.append(f"<p><em>{html.escape(rep.t(f'gap_data_needed.{g}'))}</em></p>")
        entries.append(f"<dt>{html.escape(rep.t(f'gap_names.{g}'))}</dt><dd>{''.join(parts)}</dd>")
    source = (rep.t("gap_causes.source_sector", sector=rep.t(f"gap_sector_names.{sector}"))
              if has_text(rep.language, f"gap_sector_names.{sector}") else rep.t("gap_causes.source"))
    rep.html(f'<dl class="gaps">{"".join(entries)}</dl>'
             f'<p class="note">{html.escape(source)}</p>')
    rep.add_findings(found)


def cause(language: str, sector: str, gap: str, part: str) -> str:
    """The usual causes (``part`` ``causes``) or counter-measures (``actions``) of a gap in
    the study's sector (``sector:`` in the study file): the sector's own text where the
    locale files have one (gaps 1 to 4), else the text for any service."""
    key = f"gap_sectors.{sector}.{gap}.{part}"
    return text(language, key if has_text(language, key) else f"gap_causes.{gap}.{part}")


# Units a service-level file may give, in either language or abbreviated -> the locale's ``units``.
_UNITS = {"minutes": ("分钟", "分", "min", "mins", "minute", "minutes"),
          "hours": ("小时", "时", "h", "hr", "hrs", "hour", "hours"),
          "days": ("天", "日", "d", "day", "days", "工作日"),
          "seconds": ("秒", "s", "sec", "secs", "second", "seconds"),
          "defects": ("缺陷", "个缺陷", "defect", "defects"),
          "times": ("次", "times"), "cases": ("件", "宗", "例", "cases"),
          "people": ("人", "人次", "people", "persons")}
_UNIT_OF = {alias: unit for unit, aliases in _UNITS.items() for alias in aliases}


def unit_name(language: str, unit) -> str:
    """A service-level unit in the report's language ("分钟" is "minutes" in English); a
    unit the vocabulary does not know ("%", "km") is shown as the file gives it."""
    if not isinstance(unit, str):
        return unit
    known = _UNIT_OF.get(unit.strip().lower())
    return text(language, f"units.{known}") if known else unit


def delivery(rep: Report, delivery) -> None:
    """Gap 3 from service-level records (``delivery``: :func:`sqmreport.analysis.gap_model.delivery`)."""
    if delivery is None:
        return  # said once, in the method notes
    rep.section("delivery")
    levels = delivery.indicators.copy()
    levels.insert(0, "label", levels["dimension"].map(rep.dimension_name))
    if "unit" in levels:
        levels["unit"] = levels["unit"].map(lambda u: unit_name(rep.language, u))
    periods = int(levels["periods"].max()) if len(levels) else 0
    rep.table("service_levels", levels,
              columns=["label", "indicator", "unit", "target", "actual", "attainment", "gap"],
              labels={"label": rep.t("columns.dimension"), "gap": rep.t("gap_columns.gap3")},
              values={"periods": periods})
    if len(delivery.defects):
        defects = delivery.defects.copy()
        defects.insert(1, "label", defects["dimension"].map(rep.dimension_name))
        rep.table("defects", defects, columns=["indicator", "label", "defects", "units",
                                               "opportunities", "dpmo", "sigma"],
                  labels={"label": rep.t("columns.dimension")})


def zone(rep: Report, zone: gap.Zone) -> None:
    if zone.table is None:
        return  # said once, in the method notes
    rep.section("zone")
    table = zone.table.copy()
    table["label"] = [rep.item_label(i) if level == "item" else rep.dimension_name(i)
                      for level, i in zip(table["level"], table["id"])]
    table["zone_label"] = [" / ".join(rep.t(f"zones.{z}") for z in zones.split("/")) if zones
                           else rep.t(f"zones.{zone}") for zone, zones in zip(table["zone"], table["zones"])]
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
              labels={"zone_label": rep.t("gap_columns.zone")},
              values={"level": rep.study.spec.analysis.confidence * 100})
    rep.figure("zone", plots.plot_zone(items, language=rep.language, scale=zone.scale))


def priorities(rep: Report, priorities: gap.Priorities) -> None:
    rep.section("priorities")
    _priorities.show(rep, priorities.result, priorities.source, key="q_matrix", csv_name="q_matrix")
    rep.add_findings(_priorities.findings(priorities.result, rep.survey))


def caution(rep: Report, caution: gap.Caution) -> None:
    rep.section("caution")
    table = caution.table.copy()
    table.insert(1, "label", table["dimension"].map(rep.dimension_name))
    rep.table("gap_reliability", table, key="reliability",
              columns=["label", "alpha_e", "alpha_p", "alpha_gap", "r_pe", "reliability_gap",
                       "servperf", "servqual"],
              labels={"label": rep.t("columns.dimension")},
              values={"threshold": caution.threshold})
    rep.add_findings(_caution_findings(caution.low, rep.language))


def method(rep: Report) -> None:
    """How the data were treated: missing codes, reverse-keyed items, the interval level."""
    rep.section("method")
    rep.note("gap_notes.method", missing=missing_rule(rep), reverse=reverse_rule(rep),
             level=rep.study.spec.analysis.confidence * 100)
    omitted = []
    if rep.study.spec.data.service_levels is None:
        omitted.append(rep.t("omitted.delivery"))
    if not rep.survey.has("adequate"):
        omitted.append(rep.t("omitted.zone"))
    if omitted:
        rep.note("notes.omitted", sections=rep.t("sentence_sep").join(omitted))


# -- findings ---------------------------------------------------------------------------

# One piece per section; the views add them to the report as they show the section.

def _overview_findings(s, lang: str) -> list[str]:
    return [text(lang, "gap_findings.servqual", sq=s.unweighted, share=s.share_below,
                 servperf=s.servperf)]


def _item_findings(gaps: gap.ItemGaps, survey: Survey) -> list[str]:
    lang, inst = survey.language, survey.instrument
    dims = gaps.dimensions.set_index("dimension")
    worst = dims["gap"].idxmin()
    return [text(lang, "gap_findings.worst_dimension", dimension=inst.dimension(worst).name(lang),
                 gap=dims.loc[worst, "gap"], share=dims.loc[worst, "share_below"]),
            text(lang, "gap_findings.items", n=len(gaps.significant), total=len(gaps.items))]


def _model_findings(model: pd.DataFrame, measured: tuple, survey: Survey) -> list[str]:
    lang, inst = survey.language, survey.instrument
    out = []
    for g in ("gap1", "gap2", "gap3", "gap4"):
        if g in model:
            column = model.set_index("dimension")[g]
            if column.notna().any():
                dim = column.idxmin()
                out.append(text(lang, f"gap_findings.{g}", dimension=inst.dimension(dim).name(lang),
                                gap=column[dim]))
    missing = [text(lang, f"gap_names.{g}") for g in ("gap1", "gap2", "gap3", "gap4")
               if g not in measured]
    if missing:
        out.append(text(lang, "gap_findings.unmeasured", gaps=text(lang, "list_sep").join(missing)))
    return out


def _caution_findings(low: pd.DataFrame, lang: str) -> list[str]:
    return [text(lang, "gap_findings.low_reliability", n=len(low))] if len(low) else []


def findings(result: GapResult, survey: Survey) -> list[str]:
    """The gap report's key findings (of :func:`~sqmreport.analysis.gap_model.analyse`) in
    the study's language."""
    lang = survey.language
    confidence = survey.study.spec.analysis.confidence
    items = result.items
    significant = items[(items["p_adjusted"] < 1 - confidence) & (items["gap"] < 0)]
    gaps = gap.ItemGaps(items, result.dimensions, significant, confidence,
                        survey.study.spec.analysis.p_adjust, survey.scale)
    low = result.reliability[result.reliability["reliability_gap"] < LOW_RELIABILITY]
    return (_overview_findings(result.summary, lang) + _item_findings(gaps, survey)
            + _priorities.findings(result.priorities, survey)
            + _model_findings(result.model, result.measured, survey)
            + _caution_findings(low, lang))
