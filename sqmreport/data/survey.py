"""The customer survey of a study, read, checked and coded for analysis.

:func:`load_survey` is the one place where raw survey data becomes analysable:
columns are found by name, answers parsed as numbers, missing-value codes
turned into missing values, the scale checked, reverse-coded items recoded,
personal-data columns dropped and free text masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sqmreport._validation import InputError
from sqmreport.data.files import read_table
from sqmreport.data.privacy import mask_personal_data
from sqmreport.data.study import Study, load_study

__all__ = ["FORMS", "Survey", "load_survey", "remember", "reversed_items"]

FORMS = ("expectation", "perception", "adequate", "desired")


@dataclass(frozen=True)
class Survey:
    """A study's survey data, ready for analysis.

    Every frame has one row per respondent, indexed by the row's number in the
    file as a spreadsheet shows it (the header is row 1).  Respondent ids are
    kept only to match respondents across survey waves; no report shows them.

    Attributes
    ----------
    study : Study
    ratings : dict of str to DataFrame
        ``"perception"`` (always), and ``"expectation"``, ``"adequate"`` and
        ``"desired"`` when the survey has those forms: one column per item id, floats on
        the study's scale, NaN for missing, reverse-coded items already recoded.
    overall : Series or None
        Overall satisfaction, on ``study.spec.overall.scale``.
    recommend : Series or None
        Likelihood to recommend, 0-10.
    importance : DataFrame or None
        Points allocated to each dimension (one column per dimension id).
    segments : DataFrame
        One column per segment, values as display labels in the study's language.
    comments : Series or None
        Free-text comments with personal data masked; empty comments dropped.
    ids : Series or None
        Respondent ids as text, for matching waves (never shown); None when the study
        has no ``respondent_id`` (row numbers stand in, and waves compare unpaired).
    item_importance : DataFrame or None
        Stated importance of each item (one column per item id, floats on the
        importance scale, NaN for missing), when the study gives ``importance.items``.
    """

    study: Study
    ratings: dict
    overall: pd.Series | None
    recommend: pd.Series | None
    importance: pd.DataFrame | None
    segments: pd.DataFrame
    comments: pd.Series | None
    ids: pd.Series | None = None
    item_importance: pd.DataFrame | None = None

    @property
    def n(self) -> int:
        return len(self.ratings["perception"])

    @property
    def instrument(self):
        return self.study.instrument

    @property
    def language(self) -> str:
        return self.study.language

    @property
    def scale(self) -> tuple[float, float]:
        return self.study.spec.scale.min, self.study.spec.scale.max

    def scale_of(self, item: str) -> tuple[float | None, float | None]:
        """(min, max) of an item's scale; (None, None) for an unbounded scale."""
        scale = self.study.scale_of(item)
        return (scale.min, scale.max) if scale.bounded else (None, None)

    @property
    def overall_binary(self) -> bool:
        """Whether overall satisfaction is categorical: 1.0 satisfied, 0.0 not, NaN no answer."""
        overall = self.study.spec.overall
        return overall is not None and overall.satisfied is not None

    @property
    def nps(self) -> bool:
        """Whether ``recommend`` is on 0-10 and NPS can be computed from it."""
        return self.recommend is not None and self.study.nps

    def has(self, form: str) -> bool:
        return form in self.ratings


def load_survey(study) -> Survey:
    """Read a study's survey file and check every column the study names.

    Parameters
    ----------
    study : Study or str or Path
        A loaded study, or the path of its study file.

    Returns
    -------
    Survey

    Raises
    ------
    InputError
        Naming the file, the column and the first offending rows, for: missing
        columns, no respondents, duplicated or empty respondent ids, answers that
        are not numbers or not points of the scale, recommend scores outside 0-10,
        importance points that do not add up to 100, declared personal-data
        columns that are not in the file.
    """
    cached = _remembered(study)
    if cached is not None:
        return cached
    if not isinstance(study, Study):
        study = load_study(study)
    spec = study.spec
    entry = study.data_file("survey")
    shown = entry.path
    raw = read_table(study.resolve(entry.path), shown=shown, format=entry.format,
                     encoding=entry.encoding, delimiter=entry.delimiter, sheet=entry.sheet)
    rows = pd.RangeIndex(2, len(raw) + 2)  # spreadsheet row numbers: header is row 1
    raw.index = rows

    columns = _required_columns(study)
    missing = [c for c in columns if c not in raw.columns]
    if missing and raw.shape[1] == 1:
        found = next((d for d in ",;\t|" if d in raw.columns[0]), None)
        hint = f"; it looks separated by {found!r}: set `delimiter`" if found else ""
        raise InputError(f"the header has a single column{hint}", file=shown)
    if missing:
        listed = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        hint = ("; the file was read as GBK: if it is in another encoding, save it as UTF-8"
                if raw.attrs.get("guessed_gbk") else "")
        raise InputError(f"{len(missing)} column{'s' if len(missing) > 1 else ''} named in the "
                         f"study file not found: {listed}{hint}", file=shown)
    if raw.empty:
        raise InputError("no respondents: the file has a header but no rows", file=shown)
    # Personal data leaves here and goes nowhere else.
    raw = raw.drop(columns=spec.personal_columns)

    _check_ids(raw[spec.respondent_id], shown, spec.respondent_id)
    code = _Coder(shown, spec.missing_codes)
    lo, hi = spec.scale.min, spec.scale.max
    ratings = {}
    for form in FORMS:
        pattern = getattr(spec.columns, form)
        if pattern is None:
            continue
        table = pd.DataFrame({
            item: code.rating(raw[pattern.format(item=item)], pattern.format(item=item), lo, hi)
            for item in study.instrument.item_ids})
        reverse = reversed_items(study)
        table[reverse] = (lo + hi) - table[reverse]
        ratings[form] = table

    overall = recommend = importance = comments = None
    if spec.overall:
        scale = study.overall_scale
        overall = _Coder(shown, study.missing_codes("overall")).rating(
            raw[spec.overall.column], spec.overall.column, scale.min, scale.max)
    if study.recommend:
        rec = study.recommend
        recommend = _Coder(shown, study.missing_codes("recommend")).rating(
            raw[rec.column], rec.column, rec.scale.min, rec.scale.max)
    if study.dimension_points:
        importance = pd.DataFrame({dim: code.number(raw[col], col, lo=0, hi=100)
                                   for dim, col in study.dimension_points.items()})
        _check_points(importance, study.dimension_points, shown)
    if spec.comments:
        text = raw[spec.comments].dropna().astype(str).str.strip()
        comments = text[text != ""].map(mask_personal_data)

    segments = pd.DataFrame(index=raw.index)
    for seg in study.segments:
        labels = {k: (v if isinstance(v, str) else v.get(spec.language) or next(iter(v.values())))
                  for k, v in seg.values.items()}
        values = raw[seg.column].astype("string").str.strip()
        segments[seg.column] = values.map(lambda v, labels=labels: labels.get(v, v), na_action="ignore")
        _check_groups(segments[seg.column], shown, seg.column, spec.min_group_size)

    ids = raw[spec.respondent_id].astype("string").str.strip()
    return Survey(study, ratings, overall, recommend, importance, segments, comments, ids)


# Surveys already read and checked in this process (see `remember`):
# study file -> (what its files were when read, survey).
_REMEMBERED: dict[Path, tuple[tuple, Survey]] = {}


def remember(survey: Survey, *, checked: bool = False) -> None:
    """Let :func:`load_survey` return ``survey`` when asked for its study again.

    ``sqmreport build`` reads and checks a study's survey once, then hands it to each
    report's kernel through this function before the notebook runs, so that the
    notebook's ``load_survey(study)`` does not read the file again.  The survey is
    returned only while the study file and the survey file are the files it was read
    from (same size and modification time); a changed file is read again.

    Parameters
    ----------
    survey : Survey
        A survey as :func:`load_survey` returned it.
    checked : bool
        The survey is the one the build read, hashed and checked (its kernels pass
        True): it is returned whatever happens to the file on disk meanwhile, so the
        reports describe the bytes the build's stamp and footer describe.
    """
    _REMEMBERED[survey.study.path] = (("checked",) if checked else _signature(survey.study), survey)


def _remembered(study) -> Survey | None:
    """The remembered survey of this study, if its files are unchanged."""
    if not _REMEMBERED:
        return None
    wanted = study.path if isinstance(study, Study) else Path(study).resolve()
    read_from, survey = _REMEMBERED.get(wanted, ((), None))
    if survey is None or not read_from:
        return None
    if read_from != ("checked",) and read_from != _signature(survey.study):
        return None
    return survey


def _signature(study: Study) -> tuple:
    """(path, size, modification time) of the study file and its survey file."""
    files = [study.path, study.resolve(study.data_file("survey").path)]
    found = []
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            return ()
        found.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(found)


def reversed_items(study: Study) -> list[str]:
    """Items reverse-coded on reading: the instrument's negative items and the study's list."""
    listed = [str(i) for i in study.spec.reverse_items]
    return list(dict.fromkeys(study.instrument.reversed_items + listed))


def _required_columns(study: Study) -> list[str]:
    spec = study.spec
    cols = [spec.respondent_id]
    for form in FORMS:
        pattern = getattr(spec.columns, form)
        if pattern is not None:
            cols += [pattern.format(item=i) for i in study.instrument.item_ids]
    if spec.overall:
        cols.append(spec.overall.column)
    cols += [c for c in (study.recommend and study.recommend.column, spec.comments) if c]
    cols += list((study.dimension_points or {}).values())
    cols += [s.column for s in study.segments]
    cols += spec.personal_columns
    return list(dict.fromkeys(cols))


def _check_ids(ids: pd.Series, shown: str, column: str) -> None:
    blank = ids.isna()
    if blank.any():
        raise InputError(f"{int(blank.sum())} respondents have no id", file=shown,
                         column=column, rows=ids.index[blank])
    dup = ids.duplicated(keep=False)
    if dup.any():
        raise InputError(f"{ids[dup].nunique()} respondent ids appear more than once",
                         file=shown, column=column, rows=ids.index[dup])


def _check_groups(values: pd.Series, shown: str, column: str, min_size: int) -> None:
    """Refuse a near-unique segment: one where more than half of the respondents are in groups
    smaller than ``min_size`` (an id, a free text, a time stamp), counting missing values as a
    group of their own.  Its groups would be suppressed or show single respondents.

    A survey of fewer than four times ``min_size`` respondents (a pilot) has small groups in
    any segment: there the rule would say nothing about the column, and is not applied (its
    groups are still suppressed where they are too small)."""
    if len(values) < 4 * min_size:
        return
    sizes = values.value_counts(dropna=False)
    small = int(sizes[sizes < min_size].sum())
    if 2 * small > len(values):
        raise InputError(f"{len(sizes)} distinct values: {small} of {len(values)} respondents are in "
                         f"groups smaller than min_group_size ({min_size}), and a segment needs most "
                         "respondents in groups at least that large; group the values (map several to "
                         "one label under the segment's `values` in the study file) or drop the "
                         "segment", file=shown, column=column)


def _check_points(points: pd.DataFrame, columns: dict, shown: str) -> None:
    answered = points.notna().any(axis=1)
    total = points.fillna(0).sum(axis=1)
    bad = answered & ~np.isclose(total, 100)
    if bad.any():
        cols = "+".join(columns.values())
        raise InputError(f"importance points of {int(bad.sum())} respondents do not add up "
                         f"to 100 (e.g. {total[bad].iloc[0]:g})", file=shown, column=cols,
                         rows=points.index[bad])


class _Coder:
    """Turns a column of raw cells into numbers, with errors that name the cells."""

    def __init__(self, shown: str, missing_codes):
        self.shown = shown
        self.codes_text = {str(c).strip() for c in missing_codes}
        self.codes_num = {float(c) for c in missing_codes if _is_number(c)}

    def number(self, cells: pd.Series, column: str, *, lo, hi) -> pd.Series:
        if pd.api.types.is_numeric_dtype(cells) and not pd.api.types.is_bool_dtype(cells):
            values = cells.astype(float)  # typed columns (Parquet, Excel): no text to parse
        else:
            values = self._parse(cells, column)
        values = values.mask(values.isin(self.codes_num))
        out = values.notna() & ((values < lo) | (values > hi))
        if out.any():
            raise InputError(f"{int(out.sum())} values outside the scale {lo:g}–{hi:g}",
                             file=self.shown, column=column, rows=cells.index[out])
        return values

    def _parse(self, cells: pd.Series, column: str) -> pd.Series:
        text = cells.astype("string").str.strip()
        text = text.mask(text.isin(self.codes_text))
        values = pd.to_numeric(text, errors="coerce").astype(float)
        bad = text.notna() & ~np.isfinite(values)  # 'inf' and 'nan' are no answers either
        if bad.any():
            examples = ", ".join(repr(v) for v in text[bad].unique()[:3])
            raise InputError(f"{int(bad.sum())} values are not numbers ({examples}); correct "
                             "them or list them under missing_codes", file=self.shown,
                             column=column, rows=cells.index[bad])
        return values

    def rating(self, cells: pd.Series, column: str, lo, hi) -> pd.Series:
        values = self.number(cells, column, lo=lo, hi=hi)
        if float(lo).is_integer() and float(hi).is_integer():
            frac = values.notna() & (values != np.round(values))
            if frac.any():
                raise InputError(f"{int(frac.sum())} values are not points of the scale "
                                 f"{lo:g}–{hi:g} (e.g. {values[frac].iloc[0]:g})",
                                 file=self.shown, column=column, rows=cells.index[frac])
        return values


def _is_number(value) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True
