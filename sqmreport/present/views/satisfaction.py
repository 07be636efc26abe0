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
from sqmreport.analysis.q_matrix import importance_source
from sqmreport.data.survey import Survey, reversed_items
from sqmreport.present import plots
from sqmreport.present.i18n import text
from sqmreport.present.manifest import Chart, Series
from sqmreport.present.report import Report, format_number
from sqmreport.present.views import priorities
from sqmreport.present.views.priorities import listing
from sqmreport.stats.descriptives import box_cuts

__all__ = ["comments", "csi", "dimensions", "drivers", "findings", "grey", "items", "method",
           "nps", "q_matrix", "response", "segments", "summary"]


# Grey relational grades rank groups against the best of each dimension: with two groups
# every dimension's normalised values are 0 and 1, so the grades only count wins.
GREY_MIN_GROUPS = 3


def _scale_note(scale: tuple, confidence: float) -> dict:
    low, high = scale
    return {"low": low, "high": high, "level": confidence * 100}


def summary(rep: Report) -> None:
    """The key findings the sections shown so far added (the notebook's last cell)."""
    rep.summary()


def intro(rep: Report) -> None:
    """One sentence on what this report covers, from what the study has."""
    parts = [rep.t("intro_parts.items", items=len(rep.survey.instrument.item_ids))
             if len(rep.survey.instrument.dimension_ids) < 2 else
             rep.t("intro_parts.items_dimensions", items=len(rep.survey.instrument.item_ids),
                   dimensions=len(rep.survey.instrument.dimension_ids)),
             ]
    if all(sat.dimension_scale(rep.survey, d).bounded for d in rep.survey.instrument.dimension_ids):
        parts.append(rep.t("intro_parts.csi"))
    parts += [rep.t(f"intro_parts.{part}") for part in covered(rep.survey)]
    rep.note("intro.satisfaction", parts=priorities.listing(rep.language, parts, most=None))


def covered(survey: Survey) -> list[str]:
    """The optional sections the study's data allow, in the report's order."""
    spec = survey.study.spec
    is_nps = survey.recommend is not None and getattr(survey, "nps", True)
    has = {"nps": is_nps, "recommend": survey.recommend is not None and not is_nps,
           "segments": not survey.segments.empty,
           "drivers": survey.overall is not None and len(survey.instrument.dimension_ids) > 1,
           "priorities": importance_source(survey) is not None,
           "comments": spec.comments is not None}
    return [part for part, present in has.items() if present]


def _omitted(survey: Survey) -> list[str]:
    """Why each optional section is left out, for the method notes."""
    spec, lang = survey.study.spec, survey.language
    reasons = []
    if survey.recommend is None:
        reasons.append("nps")
    elif not getattr(survey, "nps", True):
        scale = survey.study.recommend.scale
        reasons.append(("nps_scale", {"scale": scale_text(lang, *sat.bounds(scale))}))
    if survey.segments.empty:
        reasons.append("segments")
    if survey.overall is None:
        reasons.append("drivers_overall")
    elif len(survey.instrument.dimension_ids) < 2:
        reasons.append("drivers_dimensions")
    if importance_source(survey) is None:
        reasons.append("priorities")
    if spec.comments is None:
        reasons.append("comments")
    if not all(sat.dimension_scale(survey, d).bounded for d in survey.instrument.dimension_ids):
        reasons.append("csi")
    if getattr(survey, "overall_binary", False) and not survey.segments.empty:
        reasons.append("overall_segments")
    return [text(lang, f"omitted.{r[0]}", **r[1]) if isinstance(r, tuple)
            else text(lang, f"omitted.{r}") for r in reasons]


def response(rep: Report, response: sat.Response) -> None:
    has_rate = not np.isnan(response.table["response_rate"].iloc[0])
    rep.add_findings(_response_findings(response.table, rep.language))
    if not has_rate and response.profile.empty:
        return  # nothing to show beyond the n in the key findings
    rep.section("response")
    if has_rate:
        rep.table("response_rate", response.table)
    if response.profile.empty:
        return
    profile = response.profile.copy()
    profile["segment_label"] = profile["segment"].map(lambda s: survey_segment_label(rep.survey, s))
    profile["value"] = profile["value"].fillna(rep.t("no_value"))
    rep.table("sample_profile", profile, columns=["segment_label", "value", "n", "share"],
              labels={"segment_label": rep.t("columns.segment")},
              values={"min_size": response.min_size})


def scale_text(rep_or_lang, low, high) -> str:
    """A scale as a table cell shows it: ``1–5``, or "standardized" without fixed ends."""
    lang = getattr(rep_or_lang, "language", rep_or_lang)
    if low is None or (isinstance(low, float) and np.isnan(low)):
        return text(lang, "scale_words.unbounded")
    return f"{low:g}–{high:g}"


def _box_values(kind: str, low, high, scale_type: str = "points") -> dict:
    """The answers in the top and bottom box of a scale, for the notes: the two points at
    each end (``top2``, ``bottom2``), or the lowest answer of the top box and the highest
    of the bottom box (``top``, ``bottom``; whole points on a points scale)."""
    if kind == "none":
        return {}
    cuts = box_cuts(low, high, kind="points" if kind == "two" else "continuous")
    bottom, top = cuts.bottom, cuts.top
    if kind == "two":
        return {"top2": f"{top:g}–{high:g}", "bottom2": f"{low:g}–{bottom:g}"}
    if scale_type == "points":
        bottom, top = np.floor(bottom), np.ceil(top)
    return {"top": top, "bottom": bottom}


def items(rep: Report, items: sat.Items) -> None:
    rep.section("items")
    table = items.table.copy()
    table.insert(1, "label", table["item"].map(rep.item_label))
    table["dimension_label"] = table["dimension"].map(rep.dimension_name)
    table["scale"] = [scale_text(rep, lo, hi) for lo, hi in zip(table["scale_low"], table["scale_high"])]
    kinds = list(dict.fromkeys(table["boxes"]))
    columns = ["label", "dimension_label", "n", "mean", "sd", "ci_low", "ci_high"]
    labels = {"dimension_label": rep.t("columns.dimension"), "scale": rep.t("columns.scale")}
    if items.mixed:
        columns.insert(2, "scale")
        key = "item_descriptives_mixed"
        values = {"level": items.confidence * 100}
        if kinds != ["none"]:
            columns += ["top_box", "bottom_box"]
            labels.update(top_box=rep.t("columns.top_box_any"),
                          bottom_box=rep.t("columns.bottom_box_any"))
    else:
        kind = kinds[0]
        low, high = table["scale_low"].iloc[0], table["scale_high"].iloc[0]
        key = {"two": "item_descriptives", "range": "item_descriptives_range",
               "none": "item_descriptives_unbounded"}[kind]
        values = {"low": low, "high": high, "level": items.confidence * 100,
                  **_box_values(kind, low, high, table["scale_type"].iloc[0])}
        if kind == "two":
            columns += ["top_box", "bottom_box"]
        elif kind == "range":
            columns += ["top_box", "bottom_box"]
            labels.update(top_box=rep.t("columns.top_box_range", top=values["top"]),
                          bottom_box=rep.t("columns.bottom_box_range", bottom=values["bottom"]))
    rep.table("item_descriptives", table.drop(columns=["boxes"]), key=key, columns=columns,
              labels=labels, values=values)
    for scale, members, shares in (items.parts or ((None, list(table["item"]), items.distribution),)):
        shares = shares.loc[members].rename(index=rep.item_label)
        if scale is None or scale.type == "points":
            low, high = (items.scale if scale is None else (scale.min, scale.max))
            banded = high - low + 1 > 10
            name = "item_distribution_bands" if banded else "item_distribution"
            values = {"low": low, "high": high, "level": items.confidence * 100}
        elif scale.bounded:
            name, values = "item_distribution_bands", {"low": scale.min, "high": scale.max,
                                                       "level": items.confidence * 100}
        else:
            name, values = "item_distribution_unbounded", {}
        if items.mixed:
            values = {**values, "items": listing(rep.language, [rep.item_label(i, numbered=False)
                                                                for i in members], most=3)}
            name += "_part"
        rep.figure(name, plots.plot_distribution(shares, language=rep.language), values=values)


def dimensions(rep: Report, dimensions: sat.Dimensions) -> None:
    rep.section("dimensions")
    note = {"level": dimensions.confidence * 100}
    table = dimensions.table.copy()
    table.insert(1, "label", table["dimension"].map(rep.dimension_name))
    labels = {"label": rep.t("columns.dimension"), "scale": rep.t("columns.scale"),
              "pomp": rep.t("columns.pomp")}
    low = table["scale_low"].iloc[0]
    if dimensions.mixed:
        table["scale"] = [scale_text(rep, lo, hi)
                          for lo, hi in zip(table["scale_low"], table["scale_high"])]
        rep.table("dimension_descriptives", table, key="dimension_descriptives_mixed",
                  columns=["label", "scale", "n", "mean", "sd", "ci_low", "ci_high", "pomp"],
                  labels=labels, values=note, kinds={"pomp": "index"})
        shown = table.assign(mean=table["pomp"], ci_low=table["pomp_low"], ci_high=table["pomp_high"])
        drawn = shown.dropna(subset=["mean"])
        rep.figure("dimension_means_pomp",
                   plots.plot_means(drawn, language=rep.language,
                                    scale=(0, 100), xlabel=rep.t("axes.pomp")), values=note,
                   key=True, takeaway=_first(_dimension_findings(dimensions.table, rep.survey,
                                                                 dimensions.scale)),
                   chart=_bars(drawn, "pomp", rep.t("columns.pomp"), "index",
                               "dimension_descriptives", (0, 100), rep.t("axes.pomp")))
    else:
        rep.table("dimension_descriptives", table,
                  columns=["label", "n", "mean", "sd", "ci_low", "ci_high"], labels=labels,
                  values=note)
        scale = dimensions.scale if low is not None and not pd.isna(low) else None
        chart = (None if scale is None else  # points with intervals: no bars to draw
                 _bars(table, "mean", rep.t("columns.mean"), "mean", "dimension_descriptives",
                       scale, rep.t("axes.mean")))
        rep.figure("dimension_means",
                   plots.plot_means(table, language=rep.language, scale=scale), values=note,
                   key=True, takeaway=_first(_dimension_findings(dimensions.table, rep.survey,
                                                                 dimensions.scale)),
                   chart=chart)
    if dimensions.overall is not None:
        _overall(rep, dimensions)
    rep.add_findings(_dimension_findings(dimensions.table, rep.survey, dimensions.scale))


def _first(sentences: list[str]) -> str | None:
    """The first of a section's finding sentences: a key chart's takeaway (None: none)."""
    return sentences[0] if sentences else None


def _bars(table: pd.DataFrame, column: str, name: str, kind: str, source: str, scale,
          axis: str) -> Chart:
    """Horizontal bars of ``column`` per ``label``, as a figure of means draws them."""
    low, high = scale
    return Chart(type="barh", categories=tuple(str(c) for c in table["label"]),
                 series=(Series(name, _values(table[column])),), kind=kind, table=source,
                 axis_min=float(low), axis_max=float(high), x_title=axis)


def _values(column) -> tuple:
    """A chart's values: floats, None where there is none."""
    return tuple(None if pd.isna(v) else float(v) for v in column)


def _overall_headline(rep: Report, dimensions: sat.Dimensions) -> None:
    """Overall satisfaction as a headline figure: its mean, or the share satisfied."""
    o = dimensions.overall.iloc[0]
    level = dimensions.confidence * 100
    if dimensions.overall_binary:
        answers = rep.t("list_sep").join(str(a) for a in rep.study.spec.overall.satisfied)
        rep.headline("overall", o["share"], kind="percent", label=rep.t("headlines.labels.overall_share"),
                     ci=(o["ci_low"], o["ci_high"]),
                     detail=rep.t("headlines.details.overall_share", answers=answers,
                                  n=int(o["n"]), level=level))
        return
    low, high = dimensions.overall_scale
    detail = (rep.t("headlines.details.overall_unbounded", n=int(o["n"]), level=level)
              if low is None or pd.isna(low) else
              rep.t("headlines.details.overall", low=low, high=high, n=int(o["n"]), level=level))
    rep.headline("overall", o["mean"], kind="mean", ci=(o["ci_low"], o["ci_high"]), detail=detail)


def _overall(rep: Report, dimensions: sat.Dimensions) -> None:
    """Overall satisfaction: a rating on its scale, or the share satisfied."""
    _overall_headline(rep, dimensions)
    overall = dimensions.overall.assign(variable=rep.t("measures.overall"))
    labels = {"variable": rep.t("columns.measure")}
    if dimensions.overall_binary:
        answers = rep.t("list_sep").join(str(a) for a in rep.study.spec.overall.satisfied)
        rep.table("overall", overall, key="overall_binary",
                  columns=["variable", "n", "share", "ci_low", "ci_high"],
                  labels={**labels, "share": rep.t("columns.share_satisfied")},
                  kinds={"ci_low": "percent", "ci_high": "percent"},
                  values={"answers": answers, "level": dimensions.confidence * 100})
        o = dimensions.overall.iloc[0]
        rep.add_findings([rep.t("findings.overall_binary", share=o["share"] * 100,
                                low=o["ci_low"] * 100, high=o["ci_high"] * 100,
                                level=dimensions.confidence * 100)])
        return
    low, high = dimensions.overall_scale
    kind = dimensions.overall_boxes
    columns = ["variable", "n", "mean", "sd", "ci_low", "ci_high"]
    values = {"low": low, "high": high,
              **_box_values(kind, low, high, rep.study.overall_scale.type)}
    if kind == "two":
        columns += ["top_box", "bottom_box"]
        key = "overall"
    elif kind == "range":
        columns += ["top_box", "bottom_box"]
        labels.update(top_box=rep.t("columns.top_box_range", top=values["top"]),
                      bottom_box=rep.t("columns.bottom_box_range", bottom=values["bottom"]))
        key = "overall_range"
    else:
        key = "overall_unbounded"
    rep.table("overall", overall, key=key, columns=columns, labels=labels, values=values)


def csi(rep: Report, csi: sat.CSI) -> None:
    rep.section("csi")
    if csi.index is None:
        rep.note("notes.csi_unbounded")
        return
    c = csi.index
    table = c.components.copy()
    table.insert(1, "label", table["component"].map(rep.dimension_name))
    total = pd.DataFrame([{"component": "csi", "label": "CSI", "weight": table["weight"].sum(),
                           "mean": np.nan, "score": c.index, "n": np.nan,
                           "ci_low": c.ci_low, "ci_high": c.ci_high}])
    table = pd.concat([table.assign(ci_low=np.nan, ci_high=np.nan), total], ignore_index=True)
    weights = "weights.study" if csi.weighted else "weights.equal"
    rep.table("csi", table, key="csi_mixed" if csi.mixed else "csi",
              columns=["label", "weight", "mean", "score", "ci_low", "ci_high"],
              labels={"label": rep.t("columns.component"), "weight": rep.t("columns.weight_csi")},
              values={**_scale_note(csi.scale, csi.confidence), "weights": rep.t(weights)})
    rep.add_findings(_csi_findings(c, rep.language, csi.confidence))
    n = int(c.components["n"].max()) if "n" in c.components and c.components["n"].notna().any() \
        else rep.survey.n
    change = _csi_change(rep, csi)
    rep.headline("csi", c.index, kind="index", ci=(c.ci_low, c.ci_high),
                 detail=rep.t("headlines.details.csi", n=n, level=csi.confidence * 100),
                 **(change or {}))


def _csi_change(rep: Report, csi: sat.CSI) -> dict | None:
    """The CSI's change since the previous wave with its interval, when the previous wave's
    data (not only its tables) are known; else None.

    Like the waves section, the two waves are compared on the items both asked: each
    wave's index over those items, with this report's components, weights and scales.
    The interval of the difference treats the waves as independent samples (normal
    approximation from the two intervals), which is conservative for repeat respondents.
    """
    from scipy import stats

    from sqmreport.data.waves import load_waves
    from sqmreport.stats.descriptives import csi as index_of
    from sqmreport.stats.descriptives import dimension_scores

    if not rep.study.spec.waves or csi.index is None:
        return None
    try:
        previous = load_waves(rep.study)[-1]
    except Exception:  # noqa: BLE001  (the waves section says what is wrong with the file)
        return None
    if previous.survey is None:
        return None
    inst = rep.survey.instrument
    common = [i for i in inst.item_ids if i in set(previous.items)]
    dim_of = {i: d for i, d in inst.dimension_of().items() if i in common}
    components = list(csi.index.components["component"])
    if set(components) - set(dim_of.values()):
        return None  # a dimension the previous wave did not ask: no like-for-like index
    weights = dict(zip(components, csi.index.components["weight"]))
    scales = {d: sat.dimension_scale(rep.survey, d) for d in components}
    scale = ({d: (sc.min, sc.max) for d, sc in scales.items()} if csi.mixed else rep.survey.scale)
    try:
        now, before = (index_of(dimension_scores(sv.ratings["perception"][common],
                                                 dimension_of=dim_of)[components],
                                scale=scale, weights=weights, confidence=csi.confidence)
                       for sv in (rep.survey, previous.survey))
    except Exception:  # noqa: BLE001  (a wave whose index cannot be computed has no change)
        return None
    if not (np.isfinite(now.index) and np.isfinite(before.index)):
        return None
    z = stats.norm.ppf(0.5 + csi.confidence / 2)
    se = np.hypot(*[(r.ci_high - r.ci_low) / (2 * z) for r in (now, before)])
    change = now.index - before.index
    low, high = change - z * se, change + z * se
    clear = low > 0 or high < 0
    words = rep.t("headlines.change.clear" if clear else "headlines.change.unclear",
                  change=format_number(change, "index_change"),
                  low=format_number(low, "index_change"), high=format_number(high, "index_change"),
                  previous=previous.label)
    return {"change": change, "change_ci": (low, high), "change_text": words}


def nps(rep: Report, nps: sat.NPS) -> None:
    if nps.rating is not None:
        _recommend_rating(rep, nps)
        return
    if nps.result is None:
        return  # said once, in the method notes
    rep.section("nps")
    n = nps.result
    table = pd.DataFrame([{"nps": n.nps, "ci_low": n.ci_low, "ci_high": n.ci_high,
                           "promoters": n.promoters, "passives": n.passives,
                           "detractors": n.detractors, "n": n.n}])
    coding = rep.study.recommend.scale
    mapped = coding.min != 0  # an 11-point question coded 1-11: counted as 0-10
    rep.table("nps", table, key="nps_mapped" if mapped else None,
              kinds={"ci_low": "nps", "ci_high": "nps"},
              values={**_scale_note(nps.scale, nps.confidence), "low": coding.min,
                      "high": coding.max} if mapped else _scale_note(nps.scale, nps.confidence))
    rep.figure("nps", plots.plot_nps(n, language=rep.language))
    rep.add_findings(_nps_findings(n, rep.language))
    rep.headline("nps", n.nps, kind="nps", ci=(n.ci_low, n.ci_high),
                 detail=rep.t("headlines.details.nps", n=n.n, level=nps.confidence * 100))


def _recommend_rating(rep: Report, nps: sat.NPS) -> None:
    """A recommend question not on 0-10: a rating, never an NPS."""
    rep.section("recommend")
    low, high = nps.recommend_scale
    kind = nps.boxes
    values = {"low": low, "high": high, "level": nps.confidence * 100,
              **_box_values(kind, low, high, rep.study.recommend.scale.type)}
    table = nps.rating.assign(variable=rep.t("measures.recommend"))
    columns = ["variable", "n", "mean", "sd", "ci_low", "ci_high"]
    labels = {"variable": rep.t("columns.measure")}
    if kind == "range":
        labels.update(top_box=rep.t("columns.top_box_range", top=values["top"]),
                      bottom_box=rep.t("columns.bottom_box_range", bottom=values["bottom"]))
    if kind != "none":
        columns += ["top_box", "bottom_box"]
    key = {"two": "recommend", "range": "recommend_range", "none": "recommend_unbounded"}[kind]
    rep.table("recommend", table, key=key, columns=columns, labels=labels, values=values)
    if low is not None:
        shares = nps.distribution.rename(index={"recommend": rep.t("measures.recommend")})
        rep.figure("recommend", plots.plot_distribution(shares, language=rep.language), values=values)
    rep.add_findings(_recommend_findings(nps.rating, nps.recommend_scale, rep.language,
                                         nps.confidence))


def segments(rep: Report, segments: sat.Segments) -> None:
    if segments.comparison is None:
        return  # said once, in the method notes
    rep.section("segments")
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
    _pairs(rep, segments)
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
        rep.table(f"segment_means_{seg}", table, key="segment_means" + _scale_suffix(segments),
                  values={"segment": label, "low": low, "high": high,
                          "min_size": segments.min_size},
                  labels={"value": label}, suppressed=bool(block["suppressed"].any()))
        heat = wide.drop(columns=[c for c in ["overall"] if c in wide.columns])
        scale, axis = segments.scale if low is not None else None, None
        if segments.mixed:  # dimensions on different scales: percent of each one's range
            for dim in heat.columns:
                sc = sat.dimension_scale(rep.survey, dim)
                heat[dim] = 100 * (heat[dim] - sc.min) / (sc.max - sc.min) if sc.bounded else np.nan
            scale, axis = (0, 100), rep.t("axes.pomp")
        heat = heat.rename(columns=rep.dimension_name).rename_axis(index=None, columns=None)
        rep.figure("segment_heatmap" + ("_pomp" if segments.mixed else ""),
                   plots.plot_heatmap(heat, language=rep.language, scale=scale, label=axis),
                   values={"segment": label, "min_size": segments.min_size})
        _segment_items(rep, segments, seg, label)
    rep.add_findings(_segment_findings(segments.significant, rep.survey, segments.comparison.groups,
                                       segments.comparison.pairs, 1 - segments.confidence))


def _segment_items(rep: Report, segments: sat.Segments, seg: str, label: str) -> None:
    """Each item's mean in each group shown (items × groups)."""
    if segments.items is None or seg not in segments.items:
        return
    items = segments.items[seg]
    items = items.loc[:, items.notna().any()]  # a group hidden for every item has no column
    if items.shape[1] < 2:
        return
    table = items.rename(index=rep.item_label).rename_axis("item").reset_index()
    table.columns = [str(c) for c in table.columns]
    low, high = segments.scale
    rep.table(f"segment_items_{seg}", table, key="segment_items" + _scale_suffix(segments),
              values={"segment": label, "low": low, "high": high, "min_size": segments.min_size},
              labels={"item": rep.t("columns.item")},
              suppressed=bool(table.drop(columns="item").isna().any().any()))


def _scale_suffix(segments: sat.Segments) -> str:
    """The variant of a segment table's note: one scale, several, or no fixed ends."""
    if segments.mixed:
        return "_mixed"
    return "_unbounded" if segments.scale[0] is None else ""


def drivers(rep: Report, drivers: sat.Drivers) -> None:
    if len(rep.survey.instrument.dimension_ids) < 2 and drivers.result is not None:
        return  # one dimension: nothing to compare; said once, in the method notes
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
    rep.table("drivers", table.sort_values("rank"), key="drivers_binary" if drivers.binary else None,
              columns=["label", "r", "r_ci_low", "r_ci_high", "weight", "share", "share_ci_low",
                       "share_ci_high", "rank"],
              labels={"label": rep.t("columns.dimension")},
              values={"level": drivers.confidence * 100, "r2": d.r_squared * 100, "n": d.n})
    ordered = table.sort_values("rank")
    chart = Chart(type="barh", categories=tuple(str(c) for c in ordered["label"]),
                  series=(Series(rep.t("columns.share"), _values(ordered["share"])),),
                  kind="percent", table="drivers", axis_min=0.0,
                  x_title=rep.t("axes.weight_share"))
    found = _driver_findings(d, rep.survey, drivers.circular)
    rep.figure("drivers", plots.plot_drivers(table, language=rep.language),
               values={"r2": d.r_squared * 100}, key=True, chart=chart,
               takeaway=_driver_findings(d, rep.survey)[0])
    for key, values in _circular_notes(drivers.circular, rep.survey):
        rep.note(key, **values)
    rep.add_findings(found)


def q_matrix(rep: Report, q_matrix: sat.QMatrix) -> None:
    rep.section("q_matrix")
    if q_matrix.result is None:
        rep.note("notes.no_importance")
        return
    priorities.show(rep, q_matrix.result, q_matrix.source, key="q_matrix",
                    csv_name="importance_performance")
    rep.add_findings(priorities.findings(q_matrix.result, rep.survey))


def _pairs(rep: Report, segments: sat.Segments) -> None:
    """Which groups differ, where the test says the groups differ."""
    pairs = segments.comparison.pairs
    alpha = 1 - segments.confidence
    if pairs is None or segments.significant is None or not len(segments.significant):
        return
    keys = set(zip(segments.significant["segment"], segments.significant["measure"], strict=True))
    wanted = np.array([(s, m) in keys for s, m in zip(pairs["segment"], pairs["measure"], strict=True)],
                      dtype=bool)
    shown = pairs[wanted & (pairs["p_adjusted"] < alpha).to_numpy()].copy()
    if shown.empty:
        rep.note("notes.no_pairs", level=segments.confidence * 100)
        return
    shown.insert(0, "segment_label", shown["segment"].map(lambda c: survey_segment_label(rep.survey, c)))
    shown.insert(1, "measure_label", shown["measure"].map(lambda m: measure_label(rep.survey, m)))
    method = shown["method"].iloc[0]
    rep.table("segment_pairs", shown,
              columns=["segment_label", "measure_label", "group1", "group2", "difference",
                       "p_adjusted"],
              labels={"segment_label": rep.t("columns.segment"),
                      "measure_label": rep.t("columns.measure"),
                      "difference": rep.t(f"pair_columns.difference_{method}")},
              values={"method": rep.t(f"pair_methods.{method}"), "level": segments.confidence * 100})


def grey(rep: Report, grey: sat.Grey) -> None:
    if grey.segment is None:
        return  # no segments: said once, in the method notes
    rep.section("grey")
    label = survey_segment_label(rep.survey, grey.segment)
    if grey.problem is not None:
        rep.problem(grey.problem)
        return
    if grey.result is None or len(grey.result.grades) < GREY_MIN_GROUPS:
        rep.note("notes.no_grey", segment=label, min_size=grey.min_size, groups=GREY_MIN_GROUPS)
        return
    coefficients = grey.result.coefficients
    table = grey.result.grades.merge(coefficients, left_on="alternative", right_index=True)
    names = {d: rep.dimension_name(d) for d in coefficients.columns}
    rep.table("grey", table, values={"segment": label, "min_size": grey.min_size},
              labels={"alternative": label, **names})


def comments(rep: Report, comments: pd.Series | None) -> None:
    if rep.study.spec.comments is None:
        return  # no comment question: said once, in the method notes
    rep.section("comments")
    if comments is None or comments.empty:
        rep.note("notes.no_comments")
        return
    rep.quotes(comments)


def method(rep: Report) -> None:
    """How the data were treated: missing codes, reverse-keyed items, the interval level."""
    rep.section("method")
    rep.note("notes.method", missing=missing_rule(rep), reverse=reverse_rule(rep),
             level=rep.study.spec.analysis.confidence * 100)
    for key, values in scale_notes(rep.survey):
        rep.note(key, **values)
    omitted = _omitted(rep.survey)
    if omitted:
        rep.note("notes.omitted", sections=rep.t("sentence_sep").join(omitted))


def scale_notes(survey: Survey) -> list[tuple[str, dict]]:
    """The method notes (locale key, values) on the study's scales: several scales and how
    they are compared; a categorical overall and how its drivers are estimated."""
    lang, inst = survey.language, survey.instrument
    out = []
    if survey.study.mixed_scales:
        groups: dict = {}
        for dim in inst.dimension_ids:
            scale = sat.dimension_scale(survey, dim)
            groups.setdefault(scale_text(lang, *sat.bounds(scale)), []).append(
                inst.dimension(dim).name(lang))
        scales = text(lang, "list_sep").join(
            text(lang, "method_parts.scale_of", scale=k, dimensions=listing(lang, v, most=None))
            for k, v in groups.items())
        out.append(("notes.mixed_scales", {"scales": scales}))
    if getattr(survey, "overall_binary", False):
        out.append(("notes.overall_binary",
                    {"answers": text(lang, "list_sep").join(
                        str(a) for a in survey.study.spec.overall.satisfied)}))
    return out


def missing_rule(rep: Report) -> str:
    """Which answers count as missing, in words."""
    codes = rep.study.spec.missing_codes
    if not codes:
        return rep.t("method_parts.missing_blank")
    return rep.t("method_parts.missing_codes", codes=rep.t("list_sep").join(map(str, codes)))


def reverse_rule(rep: Report) -> str:
    """Which items were reverse-coded, in words."""
    items = reversed_items(rep.study)
    if not items:
        return rep.t("method_parts.no_reverse")
    return rep.t("method_parts.reverse", items=rep.t("list_sep").join(map(rep.item_label, items)))


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


def _dimension_findings(table: pd.DataFrame, survey: Survey, scale: tuple = (None, None)) -> list[str]:
    lang, inst = survey.language, survey.instrument
    if survey.study.mixed_scales and "pomp" in table:  # compare in percent of each scale's range
        pomp = table.set_index("dimension")["pomp"].dropna()
        if len(pomp) < 2 or pomp.max() == pomp.min():
            return []
        best, worst = pomp.idxmax(), pomp.idxmin()
        return [text(lang, "findings.dimensions_pomp", best=inst.dimension(best).name(lang),
                     best_pomp=pomp[best], worst=inst.dimension(worst).name(lang),
                     worst_pomp=pomp[worst])]
    dims = table.set_index("dimension")["mean"]
    best, worst = dims.idxmax(), dims.idxmin()
    if len(dims) < 2 or dims[best] == dims[worst]:
        low, high = scale if scale[0] is not None else survey.scale
        if len(dims) >= 2:
            return []
        if low is None:
            return [text(lang, "findings.one_dimension_unbounded",
                         name=inst.dimension(best).name(lang), mean=dims[best])]
        return [text(lang, "findings.one_dimension", name=inst.dimension(best).name(lang),
                     mean=dims[best], low=low, high=high)]
    return [text(lang, "findings.dimensions", best=inst.dimension(best).name(lang),
                 best_mean=dims[best], worst=inst.dimension(worst).name(lang),
                 worst_mean=dims[worst])]


def _nps_findings(n, lang: str) -> list[str]:
    return [text(lang, "findings.nps", nps=n.nps, low=n.ci_low, high=n.ci_high,
                 promoters=n.promoters * 100, detractors=n.detractors * 100)]


def _recommend_findings(rating: pd.DataFrame, scale: tuple, lang: str,
                        confidence: float) -> list[str]:
    r, (low, high) = rating.iloc[0], scale
    if low is None:
        return [text(lang, "findings.recommend_unbounded", mean=r["mean"], ci_low=r["ci_low"],
                     ci_high=r["ci_high"], level=confidence * 100)]
    return [text(lang, "findings.recommend", mean=r["mean"], ci_low=r["ci_low"],
                 ci_high=r["ci_high"], low=low, high=high, level=confidence * 100)]


def _driver_findings(d, survey: Survey, circular=None) -> list[str]:
    lang = survey.language
    ordered = d.table.sort_values("rank")
    top = ordered.iloc[0]
    leading = ordered[ordered["leading"]] if "leading" in ordered else ordered.iloc[:1]
    if len(leading) > 1:
        names = [survey.instrument.dimension(x).name(lang) for x in leading["driver"]]
        sentence = text(lang, "findings.drivers_tied", drivers=listing(lang, names, most=None),
                        r2=d.r_squared * 100, k=len(d.table))
    else:
        sentence = text(lang, "findings.drivers",
                        driver=survey.instrument.dimension(top["driver"]).name(lang),
                        share=top["share"] * 100, low=top.get("share_ci_low", np.nan) * 100,
                        high=top.get("share_ci_high", np.nan) * 100, r2=d.r_squared * 100,
                        k=len(d.table))
    if circular is not None and (len(circular.items) or len(circular.dimensions)):
        sentence += text(lang, "sentence_sep") + text(lang, "findings.drivers_circular")
    return [sentence]


def _circular_notes(circular, survey: Survey) -> list[tuple[str, dict]]:
    """The notes (locale key, values) saying which items were left out of their dimension,
    and which dimensions out of the drivers, because they are the overall question itself."""
    if circular is None:
        return []
    lang, inst = survey.language, survey.instrument
    out = []
    for row in circular.items.itertuples(index=False):
        out.append(("notes.circular_same" if row.same else "notes.circular_copy",
                    {"item": inst.items[inst.item_ids.index(row.item)].label(lang),
                     "dimension": inst.dimension(row.dimension).name(lang), "r": row.r}))
    for row in circular.dimensions.itertuples(index=False):
        out.append((f"notes.circular_{row.reason}",
                    {"dimension": inst.dimension(row.dimension).name(lang), "r": row.r}))
    return out


def _segment_findings(significant: pd.DataFrame, survey: Survey,
                      groups: pd.DataFrame | None = None, pairs: pd.DataFrame | None = None,
                      alpha: float = 0.05) -> list[str]:
    """How many comparisons differ, and in the largest one which groups are highest and
    lowest (among the groups shown)."""
    lang = survey.language
    if not len(significant):
        return [text(lang, "findings.no_segments")]
    largest = significant.sort_values("effect_size", ascending=False).iloc[0]
    out = [text(lang, "findings.segments_one" if len(significant) == 1 else "findings.segments",
                n=len(significant), segment=survey_segment_label(survey, largest["segment"]),
                measure=measure_label(survey, largest["measure"]))]
    if groups is not None:
        shown = groups[(groups["segment"] == largest["segment"])
                       & (groups["measure"] == largest["measure"]) & ~groups["suppressed"]]
        shown = shown.dropna(subset=["mean"]).sort_values("mean")
        if len(shown) >= 2:
            high, low = shown["value"].iloc[-1], shown["value"].iloc[0]
            key = "findings.segment_extremes"
            if pairs is not None and len(pairs):
                pair = pairs[(pairs["segment"] == largest["segment"])
                             & (pairs["measure"] == largest["measure"])
                             & (pairs["group1"].isin([high, low])) & (pairs["group2"].isin([high, low]))]
                if len(pair):
                    key += "_sig" if pair["p_adjusted"].iloc[0] < alpha else "_ns"
            out.append(text(lang, key, high=str(high), high_mean=shown["mean"].iloc[-1],
                            low=str(low), low_mean=shown["mean"].iloc[0]))
    return out


def findings(result: sat.SatisfactionResult, survey: Survey) -> list[str]:
    """The report's key findings (of :func:`~sqmreport.analysis.satisfaction.analyse`), as
    plain-language sentences in the study's language."""
    lang = survey.language
    confidence = survey.study.spec.analysis.confidence
    out = _response_findings(result.response, lang)
    if result.csi is not None:
        out += _csi_findings(result.csi, lang, confidence)
    out += _dimension_findings(result.dimensions, survey)
    if result.nps is not None:
        out += _nps_findings(result.nps, lang)
    if result.recommend is not None:
        out += _recommend_findings(result.recommend, result.recommend_scale, lang, confidence)
    if result.drivers is not None and len(survey.instrument.dimension_ids) > 1:
        out += _driver_findings(result.drivers, survey)
    out += priorities.findings(result.priorities, survey)
    if result.segments is not None:
        tests = result.segments.tests
        out += _segment_findings(tests[tests["p_adjusted"] < 1 - confidence], survey,
                                 result.segments.groups, result.segments.pairs, 1 - confidence)
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
