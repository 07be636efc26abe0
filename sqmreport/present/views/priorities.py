"""Improvement priorities as both reports show them: one table, one figure, one finding.

The satisfaction report's importance-performance matrix and the gap report's
priorities show the same model (:mod:`sqmreport.stats.priority`), so they name the same
items to improve first, in the same order, with the same figures.
"""

from __future__ import annotations

from sqmreport.data.survey import Survey
from sqmreport.present import plots
from sqmreport.present.i18n import text
from sqmreport.present.report import Report, format_value
from sqmreport.stats.priority import PriorityResult

__all__ = ["findings", "listing", "show"]


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
    rep.write_table(csv_name, q.drop(columns=["action_label", "quadrant_label"]))
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
    rep.figure("q_matrix", plots.plot_q_matrix(q.assign(label=q["item"]), language=rep.language,
                                        importance_cut=q["importance_cut"].iloc[0],
                                        performance_cut=q["performance_cut"].iloc[0]),
               values={"level": result.confidence * 100})


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

