"""Sections for tracking and operations, shared by the satisfaction and gap reports.

Each view takes the result of its section's function in :mod:`sqmreport.analysis.tracking`
(``track.waves(rep, trk.waves(survey))``) and shows only when the study has its data: a
study without earlier waves, KPIs, complaints or a maturity assessment gets reports that
never mention them.  Each adds its findings to the report's summary.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from sqmreport.analysis.tracking import Part, TrackingResult, Waves
from sqmreport.data.instruments import _pick, _texts
from sqmreport.data.study import GROUPS
from sqmreport.data.survey import Survey
from sqmreport.present import plots
from sqmreport.present.i18n import text
from sqmreport.present.manifest import Chart, Series
from sqmreport.present.report import Report, format_number
from sqmreport.stats.maturity import LEVELS

__all__ = ["complaints", "findings", "maturity", "scorecard", "waves"]

# Which measures each report follows over time.
_FORMS = {"satisfaction": ("perception", ("dimension", "overall")),
          "gap_model": ("gap", ("dimension", "servqual"))}


def _measure_label(rep: Report, kind: str, measure: str) -> str:
    if kind == "item":
        return rep.item_label(measure)
    if kind == "overall":
        return rep.t("measures.overall")
    if kind == "servqual":
        return rep.t("tracking_columns.servqual")
    return rep.dimension_name(measure)


def _begin(rep: Report, part: Part) -> Report | None:
    """Open the section of ``part``: its heading, with the texts of the tracking namespace.

    None when the study has no data for it (then not even a heading: the report does not
    mention it) or when the data could not be used (then the reason is shown instead).
    """
    if not part.shown:
        return None
    rep = rep.under("tracking_")
    rep.section(part.name)
    if part.problem is not None:
        rep.problem(part.problem)
        return None
    return rep


def waves(rep: Report, waves: Waves) -> None:
    """This wave against the earlier ones: scores over time, changes, items, last actions."""
    rep = _begin(rep, waves)
    if rep is None:
        return
    w = waves.result
    form, kinds = _FORMS[rep.report]
    spec = rep.study.spec
    level = waves.confidence * 100
    correction = rep.t(f"corrections.{waves.p_adjust}")
    owner = next(r for r in spec.reports if r in _FORMS)
    if rep.report == owner:
        rep.write_table("waves", w.table, labels=_wave_labels(rep))

    changes = w.changes(form, kinds)
    changes.insert(0, "label", [_measure_label(rep, k, m)
                                for k, m in zip(changes["kind"], changes["measure"])])
    changes["test_name"] = changes["test"].map(lambda t: rep.t(f"tracking_tests.{t}"))
    unit = rep.t(f"tracking_units.{form}")
    rep.note("tracking_notes.waves_intro", current=w.current, previous=w.previous,
             waves=len(w.order), source=rep.t(f"tracking_sources.{w.source}"))
    # How the waves were compared: respondents matched by id where both waves have ids, else
    # (no ids, or a wave known from its tables) independent samples only.
    values = {"previous": w.previous, "current": w.current, "unit": unit, "level": level,
              "correction": correction}
    unpaired = ("note_tables" if w.source == "tables"
                else "note_no_ids" if rep.survey.ids is None else None)
    rep.table("wave_changes", changes, csv=False,
              columns=["label", "previous_mean", "current_mean", "change", "ci_low", "ci_high",
                       "p_adjusted", "test_name", "n_paired"],
              labels={"label": rep.t("columns.measure")}, values=values,
              note=rep.t(f"tracking_tables.wave_changes.{unpaired}", **values) if unpaired else None)

    trend = waves.trend(form, kinds)
    trend["label"] = [_measure_label(rep, k, m) for k, m in zip(trend["kind"], trend["measure"])]
    significant = waves.significant(form, kinds)
    found = _wave_findings(w, significant, rep.survey, rep.report)
    labels = list(dict.fromkeys(trend["label"]))
    chart = Chart(type="line", categories=tuple(str(x) for x in w.order),
                  kind="mean" if form == "perception" else "gap",
                  series=tuple(Series(label, tuple(_mean(trend, label, x) for x in w.order))
                               for label in labels),
                  table="waves" if rep.report == owner else None,
                  y_title=unit[:1].upper() + unit[1:])
    rep.figure("wave_trend", plots.plot_waves(trend, language=rep.language,
                                              ylabel=unit[:1].upper() + unit[1:]),
               values={"unit": unit, "level": level}, key=rep.report == owner,
               takeaway=found[0] if rep.report == owner else None, chart=chart)
    _headline_changes(rep, changes, w)
    rep.figure("wave_changes", plots.plot_changes(changes, language=rep.language),
               values={"previous": w.previous, "unit": unit, "level": level})

    items = w.changes(form, "item").dropna(subset=["change"])
    moved = waves.significant(form, "item")
    if moved.empty:
        rep.note("tracking_notes.no_item_changes", previous=w.previous, n=len(items))
    else:
        moved = moved.sort_values("change", ascending=False)
        moved.insert(0, "label", moved["measure"].map(rep.item_label))
        moved["direction_label"] = np.where(moved["change"] > 0, rep.t("tracking_verdicts.improved"),
                                            rep.t("tracking_verdicts.worsened"))
        rep.table("wave_items", moved, csv=False,
                  columns=["label", "previous_mean", "current_mean", "change", "ci_low",
                           "ci_high", "p_adjusted", "direction_label"],
                  labels={"label": rep.t("columns.item")},
                  values={"previous": w.previous, "unit": unit, "n": len(items), "level": level,
                          "correction": correction})
    if w.only_current or w.only_previous:
        none = rep.t("notes.none")
        rep.note("tracking_notes.not_compared", previous=w.previous,
                 new=rep.t("list_sep").join(map(rep.item_label, w.only_current)) or none,
                 dropped=rep.t("list_sep").join(w.only_previous) or none)
    rep.add_findings(found)

    actions = w.actions.copy()
    if actions.empty:
        rep.note("tracking_notes.no_actions", previous=w.previous)
        return
    actions.insert(0, "label", actions["measure"].map(rep.item_label))
    actions["verdict_label"] = actions["verdict"].map(lambda v: rep.t(f"tracking_verdicts.{v}"))
    basis = rep.t(f"tracking_action_basis.{w.action_basis}", level=level, boot=w.n_boot)
    rep.table("wave_actions", actions, csv=False,
              columns=["label", "previous_mean", "current_mean", "change", "ci_low", "ci_high",
                       "p_adjusted", "verdict_label"],
              labels={"label": rep.t("columns.item")},
              values={"previous": w.previous, "level": level, "correction": correction,
                      "basis": basis})


def _mean(trend: pd.DataFrame, label: str, wave: str):
    rows = trend[(trend["label"] == label) & (trend["wave"] == str(wave))]["mean"].dropna()
    return float(rows.iloc[0]) if len(rows) else None


def _wave_labels(rep: Report) -> dict:
    """Headers of waves.csv that differ from the tracking namespace's (its ``n`` counts
    respondents, not complaints)."""
    return {"n": rep.t("columns.n")}


# The headline figure each report's waves give a change to: (kind, measure) -> headline key.
_HEADLINE_CHANGES = {("overall", "overall"): "overall", ("servqual", "servqual"): "servqual"}


def _headline_changes(rep: Report, changes: pd.DataFrame, w) -> None:
    """The change since the previous wave of the headline figures whose measure the waves
    compare (overall satisfaction, the SERVQUAL gap), with its interval and whether the
    report's test calls it clear."""
    alpha = 1 - rep.study.spec.analysis.confidence
    for row in changes.dropna(subset=["change"]).itertuples(index=False):
        key = _HEADLINE_CHANGES.get((row.kind, row.measure))
        if key is None:
            continue
        if row.p_adjusted < alpha:
            said = "clear"
        elif row.ci_low > 0 or row.ci_high < 0:  # the interval alone would call it clear
            said = "unclear_adjusted"
        else:
            said = "unclear"
        words = rep.t(f"headlines.change.{said}",
                      change=format_number(row.change, "gap"), low=format_number(row.ci_low, "gap"),
                      high=format_number(row.ci_high, "gap"), previous=w.previous)
        rep.update_headline(key, change=row.change, change_ci=(row.ci_low, row.ci_high),
                            change_text=words)


def scorecard(rep: Report, scorecard: Part) -> None:
    """The internal-service scorecard: units ranked on a weighted 0-100 index."""
    rep = _begin(rep, scorecard)
    if rep is None:
        return
    card = scorecard.result
    spec = rep.study.spec.scorecard
    lang = rep.language
    group_names = {g: rep.t(f"tracking_groups.{g}") for g in GROUPS}
    indicators = pd.DataFrame([{
        "label": _pick(_texts(i.label), lang, i.id), "group": group_names[i.group],
        "direction": rep.t(f"tracking_directions.{i.direction}"), "target": i.target,
        "worst": np.nan if i.worst is None else i.worst,
        "method": rep.t("tracking_methods.linear" if i.worst is not None else
                        f"tracking_methods.ratio_{i.direction}")} for i in spec.indicators])
    rep.table("scorecard_indicators", indicators, csv=False,
              labels={"label": rep.t("tracking_columns.indicator")})

    rep.write_table("internal_scorecard", card.scores,
                    labels={**{i.id: _pick(_texts(i.label), lang, i.id) for i in spec.indicators},
                            **{g: rep.t(f"tracking_groups_short.{g}") for g in GROUPS}})
    groups = [g for g in GROUPS if g in card.scores.columns]
    ranked = card.ranked()
    weights = {g: card.weights.get(g, 0.0) for g in groups}
    rep.table("internal_scorecard", ranked, csv=False,
              columns=["rank", "unit"] + groups + ["index", "change"],
              labels={"unit": rep.t("tracking_columns.unit"),
                      **{g: rep.t(f"tracking_groups_short.{g}") for g in groups}},
              values={"period": card.latest, "periods": len(card.periods),
                      "weights": rep.t("list_sep").join(
                          f"{group_names[g]} {format_number(weights[g], 'percent')}"
                          for g in groups)})
    if not ranked["complete"].all():
        rep.note("tracking_notes.incomplete",
                 units=rep.t("list_sep").join(ranked.loc[~ranked["complete"], "unit"]))
    shown = ranked.assign(label=ranked["unit"])
    rep.figure("internal_scorecard",
               plots.plot_scorecard(shown, {g: (weights[g], group_names[g]) for g in groups},
                                    language=lang),
               values={"period": card.latest})
    if len(card.periods) > 1:
        wide = card.scores.pivot(index="unit", columns="period", values="index")
        wide = wide.loc[ranked["unit"], card.periods].reset_index()
        rep.table("scorecard_trend", wide, csv=False,
                  labels={"unit": rep.t("tracking_columns.unit")})
    rep.add_findings(_scorecard_findings(card, rep.language))


def complaints(rep: Report, complaints: Part) -> None:
    """Complaint volumes (Pareto), resolution, time to close, repeats, links to the gaps."""
    rep = _begin(rep, complaints)
    if rep is None:
        return
    c = complaints.result
    settings = rep.study.spec.complaints
    s = c.summary
    overview = pd.DataFrame([{"complaints": s["complaints"], "open": s["open"],
                              "resolution_rate": s["resolution_rate"],
                              "median_hours": s["median_hours"], "p90_hours": s["p90_hours"],
                              "within_target": s["within_target"],
                              "repeat_share": s["repeat_share"],
                              "satisfaction": s["satisfaction"]}])
    overview = overview.dropna(axis=1, how="all")
    scale = settings.satisfaction_scale
    rep.table("complaints_overview", overview, csv=False,
              values={"target": settings.target_hours, "days": settings.repeat_days,
                    "low": scale.min, "high": scale.max})

    table = c.categories.copy()
    table["dimension_label"] = table["dimension"].map(
        lambda d: rep.dimension_name(d) if d else "—")
    min_size = rep.study.spec.min_group_size
    rep.write_table("complaints_summary", _with_total(c), suppressed=_hidden(table, min_size))
    rep.table("complaints_summary", table, csv=False,
              columns=[col for col in ["category", "n", "share", "cumulative", "resolution_rate",
                                       "median_hours", "p90_hours", "within_target",
                                       "repeat_share", "satisfaction", "dimension_label"]
                       if col == "dimension_label" or table[col].notna().any()],
              labels={"dimension_label": rep.t("columns.dimension")},
              values={"target": settings.target_hours, "days": settings.repeat_days,
                      "min_size": rep.study.spec.min_group_size})
    rep.figure("complaints_pareto",
               plots.plot_pareto(table.assign(label=table["category"]), language=rep.language))

    hidden = {"min_size": rep.study.spec.min_group_size}
    rep.table("complaints_channels", c.channels, values=hidden,
              suppressed=_hidden(c.channels, min_size))
    rep.table("complaints_periods", c.periods,
              values={"period": rep.t(f"tracking_periods.{settings.period}"), **hidden},
              suppressed=_hidden(c.periods, min_size))
    if c.dimensions is not None:
        dims = c.dimensions.copy()
        dims.insert(0, "label", dims["dimension"].map(rep.dimension_name))
        rep.table("complaints_dimensions", dims, columns=["label", "gap", "n", "share"]
                  if dims["gap"].notna().any() else ["label", "n", "share"],
                  labels={"label": rep.t("columns.dimension")})
    if len(c.texts):
        shown = c.texts.drop_duplicates().head(6)
        items = "".join(f"<li>{html.escape(t)}</li>" for t in shown)
        caption = html.escape(rep.t("tracking_tables.complaint_texts.title"))
        explain = html.escape(rep.t("tracking_tables.complaint_texts.note"))
        rep.html(f'<figure class="quotes"><figcaption>{caption}</figcaption><ul>{items}</ul>'
                 f'<p class="note">{explain}</p></figure>')
    rep.add_findings(_complaint_findings(c, rep.survey))


_STATISTICS = ("resolution_rate", "median_hours", "p90_hours", "within_target", "repeat_share",
               "satisfaction")


def _hidden(table: pd.DataFrame, min_size: int) -> bool:
    """Whether a complaint breakdown has cells hidden for too few complaints: a group of
    fewer than ``min_size``, or a statistic missing in a group while others show it."""
    if "n" in table and ((table["n"] > 0) & (table["n"] < min_size)).any():
        return True
    stats = table[[c for c in _STATISTICS if c in table]]
    return bool((stats.isna() & stats.notna().any()).any().any())


def _with_total(c) -> pd.DataFrame:
    s = c.summary
    total = {"category": "all", "n": s["complaints"], "share": 1.0, "cumulative": np.nan,
             "resolution_rate": s["resolution_rate"], "median_hours": s["median_hours"],
             "p90_hours": s["p90_hours"], "within_target": s["within_target"],
             "repeat_share": s["repeat_share"], "satisfaction": s["satisfaction"],
             "dimension": ""}
    return pd.concat([c.categories, pd.DataFrame([total])], ignore_index=True)


def maturity(rep: Report, maturity: Part) -> None:
    """Maturity level per process area and overall, with what the next level requires."""
    rep = _begin(rep, maturity)
    if rep is None:
        return
    m = maturity.result
    rep.add_findings(_maturity_findings(m, rep.language))
    names = {k: rep.t(f"tracking_levels.{v}") for k, v in LEVELS.items()}
    rep.note("tracking_notes.maturity_overall", level=m.level, name=names[m.level],
             areas=len(m.areas))
    levels = {k: f"{k} {names[k]}" for k in range(2, 6)}
    rep.write_table("maturity", m.areas.assign(level_name=m.areas["level"].map(LEVELS)),
                    labels={**{f"attainment_{k}": rep.t("tracking_columns.attainment_at", level=v)
                               for k, v in levels.items()},
                            **{f"rating_{k}": rep.t("tracking_columns.rating_at", level=v)
                               for k, v in levels.items()}})
    table = m.areas.copy()
    table["level_name"] = table["level"].map(lambda k: f"{k} {names[k]}")
    for k in range(2, 6):
        table[f"shown_{k}"] = [f"{format_number(a, 'percent')} {r}" if r else "—"
                               for a, r in zip(table[f"attainment_{k}"], table[f"rating_{k}"])]
    rep.table("maturity", table, csv=False,
              columns=["area", "level_name"] + [f"shown_{k}" for k in range(2, 6)] + ["attainment"],
              labels={f"shown_{k}": f"{k} {names[k]}" for k in range(2, 6)})
    rep.figure("maturity", plots.plot_maturity(table.assign(label=table["area"]), names,
                                               language=rep.language))
    steps = m.next_steps.copy()
    if steps.empty:
        return
    steps["target_name"] = steps["target_level"].map(lambda k: f"{k} {names[k]}")
    steps["level_name"] = steps["level"].map(lambda k: f"{k} {names[k]}")
    rep.write_table("maturity_next_steps", steps)
    rep.table("maturity_next_steps", steps, csv=False,
              columns=["area", "target_name", "practice", "level_name", "attainment"])


# -- findings ---------------------------------------------------------------------------

def _wave_findings(w, significant: pd.DataFrame, survey: Survey, report: str) -> list[str]:
    lang = survey.language
    sep = text(lang, "list_sep")
    inst = survey.instrument

    def name(kind, measure):
        if kind == "overall":
            return text(lang, "measures.overall")
        if kind == "servqual":
            return text(lang, "tracking_columns.servqual")
        return inst.dimension(measure).name(lang)

    out = []
    up = significant[significant["change"] > 0]
    down = significant[significant["change"] < 0]
    if len(up):
        out.append(text(lang, "tracking_findings.up", previous=w.previous,
                        measures=sep.join(name(k, m) for k, m in zip(up["kind"], up["measure"]))))
    if len(down):
        out.append(text(lang, "tracking_findings.down", previous=w.previous,
                        measures=sep.join(name(k, m) for k, m in zip(down["kind"], down["measure"]))))
    if not len(up) and not len(down):
        out.append(text(lang, "tracking_findings.no_change", previous=w.previous))
    if report == "satisfaction" and len(w.actions):
        out.append(text(lang, "tracking_findings.actions", previous=w.previous,
                        n=len(w.actions), improved=int((w.actions["verdict"] == "improved").sum())))
    return out


def _scorecard_findings(card, lang: str) -> list[str]:
    ranked = card.ranked()
    best, worst = ranked.iloc[0], ranked.iloc[-1]
    return [text(lang, "tracking_findings.scorecard", period=card.latest, best=best["unit"],
                 best_index=best["index"], worst=worst["unit"], worst_index=worst["index"])]


def _complaint_findings(c, survey: Survey) -> list[str]:
    top = c.categories.iloc[0]
    return [text(survey.language, "tracking_findings.complaints", n=c.summary["complaints"],
                 top=top["category"], share=top["share"],
                 within=c.summary["within_target"],
                 target=survey.study.spec.complaints.target_hours)]


def _maturity_findings(m, lang: str) -> list[str]:
    weakest = m.areas.sort_values(["level", "attainment"]).iloc[0]
    return [text(lang, "tracking_findings.maturity", level=m.level,
                 name=text(lang, f"tracking_levels.{LEVELS[m.level]}"), area=weakest["area"])]


def findings(result: TrackingResult, survey: Survey, report: str) -> list[str]:
    """Plain-language findings of the tracking parts a report shows (satisfaction: waves,
    scorecard, complaints; gap_model: waves, maturity), from
    :func:`sqmreport.analysis.tracking.analyse`."""
    out = []
    if result.waves is not None:
        spec = survey.study.spec.analysis
        part = Waves("waves", result.waves, None, spec.confidence, spec.p_adjust)
        form, kinds = _FORMS[report]
        out += _wave_findings(result.waves, part.significant(form, kinds), survey, report)
    if report == "satisfaction" and result.scorecard is not None:
        out += _scorecard_findings(result.scorecard, survey.language)
    if report == "satisfaction" and result.complaints is not None:
        out += _complaint_findings(result.complaints, survey)
    if report == "gap_model" and result.maturity is not None:
        out += _maturity_findings(result.maturity, survey.language)
    return out
