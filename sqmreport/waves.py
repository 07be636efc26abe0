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

from ._validation import Degenerate, InputError
from .io import read_table
from .study import DataFile, Study, Wave
from .survey import FORMS, Survey, _check_ids, _Coder, reversed_items

__all__ = ["WaveData", "WaveResult", "compare_means", "compare_summaries", "load_waves",
           "track", "wave_measures"]

MIN_PAIRED = 3  # fewer repeated ids than this give no usable correlation: test as independent
TABLE_COLUMNS = ["wave", "form", "kind", "measure", "n", "mean", "sd", "quadrant"]


@dataclass(frozen=True)
class WaveData:
    """An earlier wave: its survey (from data) or its summary rows (from a built ``waves.csv``).

    ``items`` are the instrument's items the wave asked.
    """

    label: str
    survey: Survey | None
    summary: pd.DataFrame | None
    items: tuple[str, ...]

    @property
    def source(self) -> str:
        return "data" if self.survey is not None else "tables"


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
    """

    table: pd.DataFrame
    current: str
    previous: str
    order: list
    only_current: list
    only_previous: list
    actions: pd.DataFrame
    source: str

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

def compare_means(current: pd.Series, previous: pd.Series, *, confidence: float = 0.95) -> dict:
    """Change of a mean between two waves, pairing respondents whose id appears in both.

    Parameters
    ----------
    current, previous : Series
        One value per respondent, indexed by respondent id; NaN for no answer.
    confidence : float
        Level of the interval of the change.

    Returns
    -------
    dict
        ``current_mean, previous_mean, change`` (current − previous), ``se, t, df,
        p_value, ci_low, ci_high``, ``n_current, n_previous, n_paired`` and ``test``:
        ``welch`` (no id in both waves, or fewer than three: too few to estimate their
        correlation), ``paired`` (every id in both) or ``overlap`` (Derrick et al.'s
        T_new2 for partially overlapping samples).

    Examples
    --------
    >>> a = pd.Series([4.0, 5, 3, 4], index=list("abcd"))
    >>> b = pd.Series([3.0, 4, 3, 2], index=list("abcd"))
    >>> r = compare_means(a, b)
    >>> r["test"], round(r["change"], 2), round(r["t"], 4), r["df"]
    ('paired', 1.0, 2.4495, 3.0)
    """
    x, y = current.dropna(), previous.dropna()
    both = x.index.intersection(y.index)
    pairs = (x.index.get_indexer(both), y.index.get_indexer(both))
    return _compare(x.to_numpy(float), y.to_numpy(float), pairs, confidence)


def _compare(x: np.ndarray, y: np.ndarray, pairs: tuple, confidence: float) -> dict:
    """:func:`compare_means` on arrays: ``pairs`` = positions of the same respondents in
    ``x`` and ``y``; NaN = no answer (a pair counts when both answered)."""
    okx, oky = ~np.isnan(x), ~np.isnan(y)
    i, j = pairs
    keep = okx[i] & oky[j]
    i, j = i[keep], j[keep]
    x, y = x[okx], y[oky]
    n1, n2 = len(x), len(y)
    if n1 < 2 or n2 < 2:
        return _no_test(x, y)
    nc = len(i) if len(i) >= MIN_PAIRED else 0
    s1, s2 = x.std(ddof=1), y.std(ddof=1)
    v1, v2 = s1**2 / n1, s2**2 / n2
    welch_df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1)) if v1 + v2 > 0 else np.nan
    change = x.mean() - y.mean()
    if nc == 0:
        test, var, df = "welch", v1 + v2, welch_df
    else:
        # i, j index the arrays before missing answers were dropped: map them to positions after.
        pa, pb = x[np.cumsum(okx)[i] - 1], y[np.cumsum(oky)[j] - 1]
        r = np.corrcoef(pa, pb)[0, 1] if pa.std() > 0 and pb.std() > 0 else 0.0
        var = v1 + v2 - 2 * r * s1 * s2 * nc / (n1 * n2)
        na, nb = n1 - nc, n2 - nc
        test = "paired" if na == nb == 0 else "overlap"
        df = (nc - 1) + (welch_df - nc + 1) / (na + nb + 2 * nc) * (na + nb) if na + nb else nc - 1.0
    return _finish(x.mean(), y.mean(), change, var, df, confidence, test, n1, n2, nc)


def compare_summaries(current: tuple, previous: tuple, *, confidence: float = 0.95) -> dict:
    """Welch's test of the change between two waves known only by ``(mean, sd, n)``.

    Examples
    --------
    >>> r = compare_summaries((5.2, 1.0, 100), (5.0, 1.2, 80))
    >>> round(r["change"], 2), round(r["df"], 1), r["test"]
    (0.2, 153.4, 'welch')
    """
    (m1, s1, n1), (m2, s2, n2) = current, previous
    if n1 < 2 or n2 < 2 or not (np.isfinite(s1) and np.isfinite(s2)):
        return {**_no_test(np.array([]), np.array([])),
                "current_mean": m1, "previous_mean": m2, "change": m1 - m2,
                "n_current": n1, "n_previous": n2}
    v1, v2 = s1**2 / n1, s2**2 / n2
    df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1)) if v1 + v2 > 0 else np.nan
    return _finish(m1, m2, m1 - m2, v1 + v2, df, confidence, "welch", n1, n2, 0)


def _finish(m1, m2, change, var, df, confidence, test, n1, n2, nc) -> dict:
    # Imported here, not at the top: checking a study's waves needs no SciPy.
    from scipy import stats

    se = float(np.sqrt(var)) if var > 0 else 0.0
    if se > 0 and np.isfinite(df):
        t = float(change / se)
        p = float(2 * stats.t.sf(abs(t), df))
        half = stats.t.ppf(0.5 + confidence / 2, df) * se
    else:
        t = p = half = np.nan
    return {"current_mean": float(m1), "previous_mean": float(m2), "change": float(change),
            "se": se, "t": t, "df": float(df), "p_value": p, "ci_low": change - half,
            "ci_high": change + half, "test": test, "n_current": int(n1),
            "n_previous": int(n2), "n_paired": int(nc)}


def _no_test(x, y) -> dict:
    return {"current_mean": float(np.mean(x)) if len(x) else np.nan,
            "previous_mean": float(np.mean(y)) if len(y) else np.nan,
            "change": float(np.mean(x) - np.mean(y)) if len(x) and len(y) else np.nan,
            "se": np.nan, "t": np.nan, "df": np.nan, "p_value": np.nan, "ci_low": np.nan,
            "ci_high": np.nan, "test": "none", "n_current": len(x), "n_previous": len(y),
            "n_paired": 0}


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
    from .descriptives import dimension_scores

    items = [i for i in survey.instrument.item_ids if i in set(items)]
    dim_of = {i: d for i, d in survey.instrument.dimension_of().items() if i in items}
    perception = survey.ratings["perception"][items]
    for item in items:
        yield ("perception", "item", item), perception[item].to_numpy(float)
    dims = dimension_scores(perception, dim_of)
    for dim in dims.columns:
        yield ("perception", "dimension", dim), dims[dim].to_numpy(float)
    if survey.overall is not None:
        yield ("perception", "overall", "overall"), survey.overall.to_numpy(float)
    if survey.has("expectation"):
        expectation = survey.ratings["expectation"][items]
        for item in items:
            e = expectation[item].to_numpy(float)
            yield ("gap", "item", item), perception[item].to_numpy(float) - e
        from .servqual import respondent_gaps

        dims = respondent_gaps(expectation, perception, dim_of).drop(columns="overall")
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


def _summary_rows(label: str, survey: Survey, items) -> pd.DataFrame:
    from .drivers import item_q_matrix

    quadrant = {}
    wanted = survey.study.spec.analysis.q_matrix.importance
    has = {None: True, "expectation": survey.has("expectation"),
           "stated": survey.importance is not None, "derived": survey.overall is not None}
    q = item_q_matrix(survey)[0] if has[wanted] else None  # a wave may lack the importance
    if q is not None:
        quadrant = q.set_index("item")["quadrant"].to_dict()
    rows = []
    for (form, kind, measure), values in _measures(survey, items):
        v = values[~np.isnan(values)]
        rows.append({"wave": label, "form": form, "kind": kind, "measure": measure, "n": len(v),
                     "mean": v.mean() if len(v) else np.nan,
                     "sd": v.std(ddof=1) if len(v) > 1 else np.nan,
                     "quadrant": quadrant.get(measure, "") if kind == "item" else ""})
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def track(survey: Survey, waves: list[WaveData], *, confidence: float = 0.95,
          p_adjust: str = "holm") -> WaveResult:
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
    """
    from .descriptives import adjust_p

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
    for (form, is_item), block in changes.groupby(["form", changes["kind"] == "item"]):
        changes.loc[block.index, "p_adjusted"] = adjust_p(block["p_value"], p_adjust)
    key = ["wave", "form", "kind", "measure"]
    table = table.merge(changes.assign(wave=current, previous=previous.label), on=key, how="left")

    before = table[(table["wave"] == previous.label) & (table["kind"] == "item")
                   & (table["form"] == "perception") & (table["quadrant"] == "improve")]
    actions = changes[(changes["form"] == "perception") & (changes["kind"] == "item")
                      & changes["measure"].isin(before["measure"])].copy()
    actions["p_adjusted"] = adjust_p(actions["p_value"], p_adjust)
    actions["verdict"] = np.select(
        [(actions["p_adjusted"] < alpha) & (actions["change"] > 0),
         (actions["p_adjusted"] < alpha) & (actions["change"] < 0)],
        ["improved", "worsened"], "unchanged")
    return WaveResult(table=table, current=current, previous=previous.label,
                      order=[w.label for w in waves] + [current], only_current=only_current,
                      only_previous=only_previous, actions=actions.reset_index(drop=True),
                      source=previous.source)


def _changes(survey: Survey, previous: WaveData, common: list, confidence: float) -> pd.DataFrame:
    rows = []
    if previous.survey is not None:
        before = wave_measures(previous.survey, common)
        pairs = _pairs(survey, previous.survey)
        for key, values in _measures(survey, common):
            if key in before:
                rows.append({"form": key[0], "kind": key[1], "measure": key[2],
                             **_compare(values, before[key], pairs, confidence)})
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
                                             confidence=confidence)})
    if not rows:
        raise Degenerate("no_common_measures", f"wave {previous.label!r} has no measure in "
                         "common with this wave", wave=previous.label)
    frame = pd.DataFrame(rows)  # in the order of _measures: items, dimensions, overall
    return frame.drop(columns=["n_current", "n_previous", "se"]).reset_index(drop=True)


# -- reading --------------------------------------------------------------------------------

def load_waves(study: Study) -> list[WaveData]:
    """Read and check every earlier wave the study names, oldest first."""
    return [_load_wave(study, wave) for wave in study.spec.waves]


def _load_wave(study: Study, wave: Wave) -> WaveData:
    entry = study.wave_file(wave)
    if isinstance(entry, DataFile):
        survey, items = _wave_survey(study, entry)
        return WaveData(wave.label, survey, None, items)
    return _wave_tables(study, wave.label, entry)


def _wave_survey(study: Study, entry: DataFile) -> tuple[Survey, tuple]:
    """An earlier wave's survey, read with this study's settings; items it lacks are skipped."""
    spec = study.spec
    shown = entry.path
    raw = read_table(study.resolve(entry.path), shown=shown, format=entry.format,
                     encoding=entry.encoding, delimiter=entry.delimiter, sheet=entry.sheet)
    raw.index = pd.RangeIndex(2, len(raw) + 2)
    if raw.empty:
        raise InputError("no respondents: the file has a header but no rows", file=shown)
    if spec.respondent_id not in raw.columns:
        raise InputError(f"column not found: {spec.respondent_id} (the respondent id)", file=shown)
    _check_ids(raw[spec.respondent_id], shown, spec.respondent_id)
    raw = raw.drop(columns=[c for c in spec.personal_columns if c in raw.columns])
    perception = spec.columns.perception
    items = tuple(i for i in study.instrument.item_ids if perception.format(item=i) in raw.columns)
    if not items:
        raise InputError(f"none of the instrument's perception columns ({perception}) found",
                         file=shown)
    code = _Coder(shown, spec.missing_codes)
    lo, hi = spec.scale.min, spec.scale.max
    ratings = {}
    for form in FORMS:
        pattern = getattr(spec.columns, form)
        if pattern is None or not any(pattern.format(item=i) in raw.columns for i in items):
            continue
        table = pd.DataFrame(index=raw.index, columns=study.instrument.item_ids, dtype=float)
        for item in items:
            column = pattern.format(item=item)
            if column in raw.columns:
                table[item] = code.rating(raw[column], column, lo, hi)
        reverse = reversed_items(study)
        table[reverse] = (lo + hi) - table[reverse]
        ratings[form] = table
    overall = None
    if spec.overall and spec.overall.column in raw.columns:
        overall = code.rating(raw[spec.overall.column], spec.overall.column,
                              spec.overall.scale.min, spec.overall.scale.max)
    importance = None
    if spec.importance and all(c in raw.columns for c in spec.importance.values()):
        importance = pd.DataFrame({dim: code.number(raw[col], col, lo=0, hi=100)
                                   for dim, col in spec.importance.items()})
    ids = raw[spec.respondent_id].astype("string").str.strip()
    survey = Survey(study, ratings, overall, None, importance, pd.DataFrame(index=raw.index),
                    None, ids)
    return survey, items


def _wave_tables(study: Study, label: str, path: str) -> WaveData:
    frame = read_table(study.resolve(path), shown=path)
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    missing = [c for c in TABLE_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"not a waves.csv written by sqmreport: column"
                         f"{'s' if len(missing) > 1 else ''} {', '.join(missing)} not found",
                         file=path)
    rows = frame[frame["wave"].astype("string").str.strip() == label].copy()
    if rows.empty:
        found = ", ".join(repr(w) for w in frame["wave"].astype("string").unique()[:5])
        raise InputError(f"no rows of wave {label!r} (the file has {found})", file=path,
                         column="wave")
    for column in ("n", "mean", "sd"):
        values = pd.to_numeric(rows[column], errors="coerce")
        bad = rows[column].notna() & values.isna()
        if bad.any():
            raise InputError("values are not numbers", file=path, column=column,
                             rows=rows.index[bad])
        rows[column] = values
    for column in ("form", "kind", "measure"):
        rows[column] = rows[column].astype(str).str.strip()
    rows["quadrant"] = rows["quadrant"].fillna("").astype(str)
    rows = rows.assign(wave=label)
    items = tuple(i for i in study.instrument.item_ids
                  if ((rows["kind"] == "item") & (rows["measure"].astype(str) == i)).any())
    return WaveData(label, None, rows[TABLE_COLUMNS].reset_index(drop=True), items)
