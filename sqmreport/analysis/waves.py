"""Survey waves: the same survey run again, each wave compared with the one before.

A study names its earlier waves (``waves:`` in the study file) by their data (a
survey file read with the study's own column settings) or by the ``waves.csv``
an earlier build wrote.  :func:`track` lays every wave's scores side by side and
tests the change since the previous wave.

The change test uses every respondent of both waves.  Respondents whose id
appears in both waves are paired, the others independent: the
partially-overlapping-samples t-test of Derrick, Toher & White (2017, *The
Quantitative Methods for Psychology* 13(2), T_new2, unequal variances), which is
Welch's test when no id repeats and the paired t-test when every id does.  A
wave known only from its tables can be compared by Welch's test alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sqmreport._validation import Degenerate
from sqmreport.data.survey import Survey
from sqmreport.data.waves import TABLE_COLUMNS, WaveData
from sqmreport.stats.waves import compare_samples, compare_summaries

__all__ = ["WaveResult", "track", "wave_measures"]

@dataclass(frozen=True)
class WaveResult:
    """Waves side by side and the change since the previous wave.

    Attributes
    ----------
    table : DataFrame
        ``waves.csv``: one row per wave × measure (``form`` perception or gap;
        ``kind`` dimension, item, overall or servqual), with ``n, mean, sd`` on the
        items that wave asked and the item's Q-matrix ``quadrant`` in that wave.
        Rows of this wave add the change since ``previous`` on the items both asked:
        ``previous_mean, current_mean, change, ci_low, ci_high, t, df, p_value,
        p_adjusted, test, n_paired``.
    current, previous : str
        Wave labels.
    order : list of str
        Every wave, oldest first.
    only_current, only_previous : list of str
        Items asked in one of the two waves only (not compared).
    actions : DataFrame
        The items the previous wave put in "improve first", with their change
        (``p_adjusted`` over these items) and a ``verdict``: improved, worsened, unchanged.
    source : str
        How the previous wave is known: ``data`` or ``tables``.
    action_basis : str
        How the previous wave's "improve first" items were chosen: ``priority`` (the
        priority model with its bootstrap, :func:`~sqmreport.stats.priority.item_priorities`:
        the score's interval above zero), when the previous wave's data have a measure of
        importance; else ``quadrant`` (the point quadrant its table keeps).
    n_boot : int
        Bootstrap samples of the priority model (0 with the point quadrant).
    """

    table: pd.DataFrame
    current: str
    previous: str
    order: list
    only_current: list
    only_previous: list
    actions: pd.DataFrame
    source: str
    action_basis: str = "quadrant"
    n_boot: int = 0

    def changes(self, form: str, kind: str | tuple) -> pd.DataFrame:
        """This wave's rows of ``form`` and ``kind`` (one or several), with their change."""
        kinds = (kind,) if isinstance(kind, str) else kind
        rows = self.table[(self.table["wave"] == self.current) & (self.table["form"] == form)
                          & self.table["kind"].isin(kinds)]
        return rows.reset_index(drop=True)

    def trend(self, form: str, kind: str | tuple) -> pd.DataFrame:
        """Every wave's rows of ``form`` and ``kind``, oldest wave first."""
        kinds = (kind,) if isinstance(kind, str) else kind
        rows = self.table[(self.table["form"] == form) & self.table["kind"].isin(kinds)]
        return rows.reset_index(drop=True)


# -- statistics ------------------------------------------------------------------------------

def wave_measures(survey: Survey, items) -> dict:
    """Each respondent's scores on the given items, as arrays in the survey's row order.

    Returns
    -------
    dict
        ``(form, kind, measure)`` -> array (NaN: no answer).  Perception: every item,
        every dimension (mean of the respondent's answered items among ``items``) and
        ``overall`` satisfaction when the survey has it.  Gap (P − E, items answered in
        both forms): every item, every dimension and ``servqual``, the mean of the
        respondent's dimension gaps (unweighted SERVQUAL).
    """
    return dict(_measures(survey, items))


def _measures(survey: Survey, items):
    """:func:`wave_measures` one measure at a time, so that a large wave is never held
    twice over in memory."""
    from sqmreport.stats.descriptives import dimension_scores

    items = [i for i in survey.instrument.item_ids if i in set(items)]
    dim_of = {i: d for i, d in survey.instrument.dimension_of().items() if i in items}
    perception = survey.ratings["perception"][items]
    for item in items:
        yield ("perception", "item", item), perception[item].to_numpy(float)
    dims = dimension_scores(perception, dimension_of=dim_of)
    for dim in dims.columns:
        yield ("perception", "dimension", dim), dims[dim].to_numpy(float)
    # A categorical overall (a share satisfied) is not a rating whose mean can be tracked
    # beside the others: the waves compare ratings only.
    if survey.overall is not None and not survey.overall_binary:
        yield ("perception", "overall", "overall"), survey.overall.to_numpy(float)
    if survey.has("expectation"):
        expectation = survey.ratings["expectation"][items]
        for item in items:
            e = expectation[item].to_numpy(float)
            yield ("gap", "item", item), perception[item].to_numpy(float) - e
        from sqmreport.stats.servqual import respondent_gaps

        dims = respondent_gaps(expectation, perception, dimension_of=dim_of).drop(columns="overall")
        for dim in dims.columns:
            yield ("gap", "dimension", dim), dims[dim].to_numpy(float)
        yield ("gap", "servqual", "servqual"), dims.mean(axis=1).to_numpy(float)


def _pairs(survey: Survey, before: Survey) -> tuple[np.ndarray, np.ndarray]:
    """Row positions of the respondents whose id is in both waves: (this wave, the other)."""
    if survey.ids is None or before.ids is None:
        return np.array([], dtype=int), np.array([], dtype=int)
    found = pd.Index(before.ids.to_numpy(object)).get_indexer(survey.ids.to_numpy(object))
    now = np.flatnonzero(found >= 0)
    return now, found[now]


def _has_importance(survey: Survey) -> bool:
    """Whether a wave's data have the measure of importance the study asks for."""
    wanted = survey.study.spec.analysis.q_matrix.importance
    has = {None: True, "expectation": survey.has("expectation"),
           "stated": survey.importance is not None, "derived": survey.overall is not None}
    return has[wanted]


def _priorities(survey: Survey, n_boot: int):
    """The wave's priority model (None when its data have no measure of importance)."""
    from sqmreport.analysis.q_matrix import item_q_matrix

    return item_q_matrix(survey, n_boot=n_boot)[0] if _has_importance(survey) else None


def _summary_rows(label: str, survey: Survey, items) -> pd.DataFrame:
    quadrant = {}
    # a wave may lack the importance; its table keeps the point quadrant, no intervals needed
    q = _priorities(survey, n_boot=0)
    if q is not None:
        quadrant = q.table.set_index("item")["quadrant"].to_dict()
    rows = []
    for (form, kind, measure), values in _measures(survey, items):
        v = values[~np.isnan(values)]
        rows.append({"wave": label, "form": form, "kind": kind, "measure": measure, "n": len(v),
                     "mean": v.mean() if len(v) else np.nan,
                     "sd": v.std(ddof=1) if len(v) > 1 else np.nan,
                     "quadrant": quadrant.get(measure, "") if kind == "item" else ""})
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def track(survey: Survey, waves: list[WaveData], *, confidence: float = 0.95,
          p_adjust: str = "holm", n_boot: int = 2000) -> WaveResult:
    """This wave beside the earlier ones, and the change since the previous wave.

    Parameters
    ----------
    survey : Survey
        This wave.
    waves : list of WaveData
        Earlier waves, oldest first; the last is the one compared with.
    confidence : float
        Level of the intervals; ``1 − confidence`` is the significance level.
    p_adjust : {"holm", "bonferroni", "bh"}
        Adjustment within each family: items, dimensions with the overall score,
        and the previous wave's improvement items.
    n_boot : int
        Bootstrap samples of the previous wave's priority model, which chooses the
        improvement items followed up (at least 200; with 0 its point estimates alone
        decide, as for a wave known from its tables).
    """
    from sqmreport.stats.descriptives import adjust_p

    study = survey.study
    current = study.wave_label
    asked = list(survey.instrument.item_ids)
    blocks = []
    for wave in waves:
        if wave.survey is not None:
            blocks.append(_summary_rows(wave.label, wave.survey, wave.items))
        else:
            blocks.append(wave.summary[TABLE_COLUMNS])
    blocks.append(_summary_rows(current, survey, asked))
    table = pd.concat(blocks, ignore_index=True)

    previous = waves[-1]
    common = [i for i in asked if i in previous.items]
    only_current = [i for i in asked if i not in previous.items]
    only_previous = [i for i in previous.items if i not in asked]
    changes = _changes(survey, previous, common, confidence)
    alpha = 1 - confidence
    changes["p_adjusted"] = np.nan
    for _, block in changes.groupby(["form", changes["kind"] == "item"]):  # the families
        changes.loc[block.index, "p_adjusted"] = adjust_p(block["p_value"], p_adjust=p_adjust)
    key = ["wave", "form", "kind", "measure"]
    table = table.merge(changes.assign(wave=current, previous=previous.label), on=key, how="left")

    # The previous wave's "improve first": from its priority model with the bootstrap (the
    # score's interval above zero) when its data allow, else its table's point quadrant.
    model = (_priorities(previous.survey, n_boot=n_boot)
             if previous.survey is not None and n_boot else None)
    if model is not None:
        basis, boot = "priority", model.n_boot
        improve = model.table.loc[model.table["action"] == "improve_first", "item"]
    else:
        basis, boot = "quadrant", 0
        improve = table.loc[(table["wave"] == previous.label) & (table["kind"] == "item")
                            & (table["form"] == "perception") & (table["quadrant"] == "improve"),
                            "measure"]
    actions = changes[(changes["form"] == "perception") & (changes["kind"] == "item")
                      & changes["measure"].isin(improve)].copy()
    actions["p_adjusted"] = adjust_p(actions["p_value"], p_adjust=p_adjust)
    actions["verdict"] = np.select(
        [(actions["p_adjusted"] < alpha) & (actions["change"] > 0),
         (actions["p_adjusted"] < alpha) & (actions["change"] < 0)],
        ["improved", "worsened"], "unchanged")
    return WaveResult(table=table, current=current, previous=previous.label,
                      order=[w.label for w in waves] + [current], only_current=only_current,
                      only_previous=only_previous, actions=actions.reset_index(drop=True),
                      source=previous.source, action_basis=basis, n_boot=boot)


def _changes(survey: Survey, previous: WaveData, common: list, confidence: float) -> pd.DataFrame:
    rows = []
    if previous.survey is not None:
        before = wave_measures(previous.survey, common)
        pairs = _pairs(survey, previous.survey)
        for key, values in _measures(survey, common):
            if key in before:
                rows.append({"form": key[0], "kind": key[1], "measure": key[2],
                             **compare_samples(values, before[key], pairs=pairs,
                                                 confidence=confidence).as_dict()})
    else:
        summary = previous.summary.set_index(["form", "kind", "measure"])
        for key, values in _measures(survey, common):
            if key not in summary.index:
                continue
            v = values[~np.isnan(values)]
            prior = summary.loc[key]
            rows.append({"form": key[0], "kind": key[1], "measure": key[2],
                         **compare_summaries((v.mean(), v.std(ddof=1), len(v)),
                                             (prior["mean"], prior["sd"], prior["n"]),
                                             confidence=confidence).as_dict()})
    if not rows:
        raise Degenerate("no_common_measures", f"wave {previous.label!r} has no measure in "
                         "common with this wave", wave=previous.label)
    frame = pd.DataFrame(rows)  # in the order of _measures: items, dimensions, overall
    return frame.drop(columns=["n_current", "n_previous", "se"]).reset_index(drop=True)


# -- reading --------------------------------------------------------------------------------

