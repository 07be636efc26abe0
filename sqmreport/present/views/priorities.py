"""Improvement priorities as both reports show them: one table, one figure, one finding.

The satisfaction report's importance-performance matrix and the gap report's
priorities show the same model (:mod:`sqmreport.stats.priority`), so they name the same
items to improve first, in the same order, with the same figures.
"""

from __future__ import annotations

from sqmreport.data.survey import Survey
from sqmreport.present import plots
from sqmreport.present.i18n import text
from sqmreport.present.manifest import Chart, Series
from sqmreport.present.report import Report, format_value
from sqmreport.stats.priority import PriorityResult

__all__ = ["actions", "findings", "listing", "show"]

MOST_ACTIONS = 5  # the executive overview names at most this many

# Headers of the priority table's CSV columns whose words differ from the shown table's
# (column -> key under ``priority_columns``): point estimates and interval bounds apart.
_CSV_HEADERS = {"quadrant": "quadrant_point", "quadrants": "quadrant", "sure": "sure",
                "action": "action", "gap": "gap_point", "score": "score_point",
                **{f"{name}_{end}": f"{name}_{end}" for name in ("importance", "performance", "gap", "score")
                   for end in ("low", "high")},
                "importance_cut": "importance_cut", "performance_cut": "performance_cut"}


def listing(language: str, names: list, *, most: int | None = 5) -> str:
    """``a, b and c`` — or ``a, b, c, d, e and 4 more`` beyond ``most`` names (None: all)."""
    sep = text(language, "list_sep")
    names = [str(n) for n in names]
    if most is None or len(names) <= most:
        if len(names) < 2:
            return "".join(names)
        return sep.join(names[:-1]) + text(language, "list_and") + names[-1]
    return text(language, "list_more", items=sep.join(names[:most]), n=len(names) - most)


def _interval(column: str, row, name: str) -> str:
    return (f"{format_value(column, row[name])} "
            f"[{format_value(column, row[f'{name}_low'])}, {format_value(column, row[f'{name}_high'])}]")


def show(rep: Report, result: PriorityResult, source: str, *, key: str, csv_name: str) -> None:
    """The priority table (items with a shortfall first, by rank) and the matrix."""
    q = result.table.copy()
    q.insert(1, "label", q["item"].map(rep.item_label))
    q["action_label"] = q["action"].map(lambda a: _action(rep.language, a, result.shortfall))
    q["quadrant_label"] = q["quadrants"].map(
        lambda qs: " / ".join(rep.t(f"quadrant_names.{k}") for k in qs.split("/")))
    rep.write_table(csv_name, q.drop(columns=["action_label", "quadrant_label"]),
                    labels={c: rep.t(f"priority_columns.{k}") for c, k in _CSV_HEADERS.items()})
    shown = q.sort_values("priority_rank", na_position="last", kind="stable")  # then item order
    for name in ("importance", "performance", "gap", "score"):
        shown[f"{name}_ci"] = [_interval(name, row, name) for _, row in shown.iterrows()]
    columns = ["priority_rank", "label", "importance_ci", "performance_ci"]
    if result.shortfall == "gap":
        columns.append("gap_ci")
    columns += ["score_ci", "quadrant_label", "action_label"]
    rep.table(csv_name, shown, key=key, csv=False, columns=columns,
              labels={"action_label": rep.t("priority_columns.action"),
                      "quadrant_label": rep.t("priority_columns.quadrant"),
                      "importance_ci": rep.t("priority_columns.importance"),
                      "performance_ci": rep.t("priority_columns.performance"),
                      "gap_ci": rep.t("priority_columns.gap"),
                      "score_ci": rep.t("priority_columns.score")},
              values={"source": rep.t(f"q_sources.{source}"),
                      "rule": rep.t(f"rules.{result.performance_rule}"),
                      "level": result.confidence * 100, "boot": result.n_boot,
                      "shortfall": rep.t(f"priority_shortfall.{result.shortfall}")})
    # One report's matrix is a key chart of the study: the satisfaction report's, or the
    # gap report's when the study has no satisfaction report (both show the same model).
    key_chart = rep.report == "satisfaction" or "satisfaction" not in rep.study.spec.reports
    chart = Chart(type="scatter", categories=tuple(q["item"].map(rep.item_label)),
                  series=(Series(rep.t("priority_columns.importance"), _values(q["importance"])),
                          Series(rep.t("priority_columns.performance"), _values(q["performance"]))),
                  kind="mean", table=csv_name, x_title=rep.t("priority_columns.importance"),
                  y_title=rep.t("priority_columns.performance"))
    rep.figure("q_matrix", plots.plot_q_matrix(q.assign(label=q["item"]), language=rep.language,
                                        importance_cut=q["importance_cut"].iloc[0],
                                        performance_cut=q["performance_cut"].iloc[0]),
               values={"level": result.confidence * 100}, key=key_chart, chart=chart,
               takeaway=_takeaway(rep, result))
    actions(rep, result)


def _values(column) -> tuple:
    return tuple(None if v != v or v is None else float(v) for v in column)


def _takeaway(rep: Report, result: PriorityResult) -> str:
    """The matrix in one sentence: the items to improve first, or that none is."""
    said = findings(result, rep.survey)
    return said[0] if said else rep.t("headlines.takeaways.q_matrix_none",
                                      level=result.confidence * 100)


def actions(rep: Report, result: PriorityResult | None) -> None:
    """Record the actions the priority model supports, for the executive overview: the
    items to improve first (the score's interval above zero), by rank, at most
    :data:`MOST_ACTIONS`; none when no item's shortfall is clear."""
    if result is None:
        return
    table = result.table.sort_values("priority_rank", na_position="last", kind="stable")
    first = table[table["action"] == "improve_first"].head(MOST_ACTIONS)
    level = result.confidence * 100
    for rank, (_, row) in enumerate(first.iterrows(), start=1):
        item = rep.item_label(row["item"], numbered=False)
        numbers = {"importance": _interval("importance", row, "importance"),
                   "score": _interval("score", row, "score"), "level": level}
        if result.shortfall == "gap":
            evidence = rep.t("headlines.actions.evidence_gap", gap=_interval("gap", row, "gap"),
                             **numbers)
        else:
            evidence = rep.t("headlines.actions.evidence_crosshair",
                             performance=_interval("performance", row, "performance"),
                             cut=format_value("performance", row["performance_cut"]), **numbers)
        rep.action(rank, item, rep.t("headlines.actions.improve", item=item), evidence)


def _action(language: str, action: str, shortfall: str) -> str:
    return text(language, f"priority_actions.{action}_{shortfall}" if action == "meets"
                else f"priority_actions.{action}")


def findings(result: PriorityResult | None, survey: Survey) -> list[str]:
    """The items to improve first, by rank, and how many are within the margin of error.

    ``result``: the priorities (:class:`~sqmreport.stats.priority.PriorityResult`, as
    :class:`~sqmreport.analysis.gap_model.GapResult` and
    :class:`~sqmreport.analysis.satisfaction.SatisfactionResult` keep them), or None.
    """
    if result is None:
        return []
    lang, inst = survey.language, survey.instrument
    table = result.table.sort_values("priority_rank", na_position="last", kind="stable")
    first = table[table["action"] == "improve_first"]
    watch = int((table["action"] == "watch").sum())
    names = [inst.items[inst.item_ids.index(i)].label(lang) for i in first["item"]]
    out = []
    if names:
        out.append(text(lang, f"priority_findings.first_{result.shortfall}", n=len(names),
                        items=listing(lang, names), level=result.confidence * 100))
    elif watch:
        out.append(text(lang, "priority_findings.none_clear", level=result.confidence * 100))
    if watch:
        out.append(text(lang, "priority_findings.watch", n=watch))
    return out

