"""The customer survey of a study, read, checked and coded for analysis.

:func:`load_survey` is the one place where raw survey data becomes analysable:
columns are found by name, answers parsed as numbers, missing-value codes
turned into missing values, the scale checked, reverse-coded items recoded,
personal-data columns dropped and free text masked.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sqmreport._validation import InputError
from sqmreport.data.files import other_sheets, read_table
from sqmreport.data.privacy import mask_personal_data
from sqmreport.data.study import Study, load_study

__all__ = ["FORMS", "Survey", "find_columns", "load_survey", "match_column", "remember",
           "reverse_code", "reversed_items"]

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

    Columns are found by the names the study file gives (:meth:`Study.columns`): the
    header that is exactly the name, else the one header that starts with it followed
    by a separator (``Q1`` finds ``Q1. How clean ...``).  Columns the study does not
    name are ignored.

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
        Naming the file, the column and the first offending rows, for: missing or
        ambiguous columns, no respondents, duplicated or empty respondent ids, answers
        that are not numbers (nor answer texts the scale lists, nor missing codes),
        answers off their scale, a column without a single answer, an overall column
        whose categories leave nothing to compare, importance points that do not add
        up to 100, declared personal-data columns that are not in the file.
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
    first = int(raw.attrs.get("first_row", 2))
    raw.index = pd.RangeIndex(first, len(raw) + first)  # spreadsheet row numbers

    found = find_columns(raw, _required_columns(study), shown)
    if raw.empty:
        raise InputError("no respondents: the file has a header but no rows", file=shown)
    # Personal data leaves here and goes nowhere else.
    raw = raw.drop(columns=[found[c] for c in spec.personal_columns])

    ids = None
    if spec.respondent_id is not None:
        column = found[spec.respondent_id]
        _check_ids(raw[column], shown, column)
        ids = raw[column].astype("string").str.strip()

    labelled = raw.attrs.get("value_labels", {})
    code = _Coder(shown, study.missing_codes("items"), labelled)
    ratings = {}
    for form in FORMS:
        names = study.columns(form)
        if names is None:
            continue
        table = pd.DataFrame({item: code.rating(raw[found[name]], found[name], study.scale_of(item),
                                                 key=_scale_key(study, item), required=True)
                              for item, name in names.items()}, index=raw.index)
        ratings[form] = reverse_code(study, table)

    overall = recommend = importance = item_importance = comments = None
    if spec.overall:
        column = found[spec.overall.column]
        if spec.overall.satisfied is not None:
            overall = _categories(raw[column], column, spec.overall.satisfied,
                                  study.missing_codes("overall"), shown,
                                  raw.attrs.get("value_labels", {}).get(column, {}))
        else:
            overall = _Coder(shown, study.missing_codes("overall"), labelled).rating(
                raw[column], column, study.overall_scale,
                key="overall.scale" if spec.overall.scale else "scale", required=True)
            if spec.overall.scale is None:
                _check_inherited(overall, study.overall_scale, shown, column,
                                 "overall", "the study's 'scale'")
    if study.recommend:
        rec = study.recommend
        column = found[rec.column]
        recommend = _Coder(shown, study.missing_codes("recommend"), labelled).rating(
            raw[column], column, rec.scale, key="recommend.scale", required=True)
        if isinstance(spec.recommend, str) or "scale" not in spec.recommend.model_fields_set:
            _check_inherited(recommend, rec.scale, shown, column, "recommend", "0–10")
        if study.nps:  # an 11-point scale (0-10, 1-11, ...) counts from 0
            recommend = recommend - rec.scale.min
    if study.dimension_points:
        importance = pd.DataFrame({dim: code.number(raw[found[col]], found[col], lo=0, hi=100)
                                   for dim, col in study.dimension_points.items()})
        _check_points(importance, {d: found[c] for d, c in study.dimension_points.items()}, shown)
    if study.item_importance:
        scale = study.item_importance.scale or spec.scale
        key = "importance.scale" if study.item_importance.scale else "scale"
        stated = _Coder(shown, study.missing_codes("importance"), labelled)
        item_importance = pd.DataFrame(
            {item: stated.rating(raw[found[name]], found[name], scale, key=key, required=True)
             for item, name in study.columns("importance").items()}, index=raw.index)
    if spec.comments:
        text = raw[found[spec.comments]].dropna().astype(str).str.strip()
        empty = NO_COMMENT | {str(c).strip() for c in spec.missing_codes}
        comments = text[~text.isin(empty)].map(mask_personal_data)

    segments = pd.DataFrame(index=raw.index)
    value_labels = raw.attrs.get("value_labels", {})
    for seg in study.segments:
        column = found[seg.column]
        labels = {_answer_text(k): v for k, v in value_labels.get(column, {}).items()}
        labels |= {k: (v if isinstance(v, str) else v.get(spec.language) or next(iter(v.values())))
                   for k, v in seg.values.items()}
        values = _texts(raw[column])
        segments[seg.column] = values.map(lambda v, labels=labels: labels.get(v, v), na_action="ignore")
        _check_groups(segments[seg.column], shown, column, spec.min_group_size)

    study = _with_file_labels(study, raw, found)
    return Survey(study, ratings, overall, recommend, importance, segments, comments, ids,
                  item_importance)


def _with_file_labels(study: Study, raw: pd.DataFrame, found: dict) -> Study:
    """The study with the file's own wording as the label of each item of its own
    instrument that has none: the file's label of the item's perception column (SPSS
    variable labels, Qualtrics' question-text row), else the rest of the header the
    column was found by (``Q1. How clean ...`` found by ``Q1``)."""
    spec = study.spec.instrument
    if isinstance(spec, str):
        return study
    given = {str(i.id) for i in spec.items if i.label is not None}
    file_labels = raw.attrs.get("labels", {}) or {}
    names = study.columns("perception")
    labels = {}
    for item, name in names.items():
        if item in given:
            continue
        header = found.get(name, name)
        text = str(file_labels.get(header) or "").strip()
        if not text and header != name:
            text = _rest(header, name)
        if text:
            labels[item] = " ".join(text.split())
    if not labels:
        return study
    labels = _statements(labels)
    items = tuple(dataclasses.replace(i, labels={"zh": labels[i.id], "en": labels[i.id]})
                  if i.id in labels else i for i in study.instrument.items)
    return dataclasses.replace(study, instrument=dataclasses.replace(study.instrument, items=items))


def _statements(labels: dict) -> dict:
    """A matrix question's items as their statements: Qualtrics labels each row of a matrix
    "How much do you agree …? - The store was clean"; the question shared by two or more items
    is dropped, the statement after the last " - " is the item."""
    question = {item: text.rsplit(" - ", 1)[0] for item, text in labels.items() if " - " in text}
    shared = {q for q in question.values() if list(question.values()).count(q) > 1}
    return {item: (text.rsplit(" - ", 1)[1].strip() if question.get(item) in shared else text)
            for item, text in labels.items()}


# What survey platforms write in an open question nobody answered (问卷星: "(空)", "(跳过)").
NO_COMMENT = frozenset({"", "(空)", "（空）", "(跳过)", "（跳过）"})


# What may follow a column name the study file gives at the start of a longer header:
# whitespace or punctuation ("Q1. How clean ...", "1、您对环境的满意度", "Q3_1 - Cleanliness").
SEPARATORS = frozenset(".、．。:：)）(（[]【】_-–—,，;；/|?？")


def _separated(header: str, name: str) -> bool:
    """Whether ``header`` is ``name`` followed by a separator and more text."""
    if len(header) <= len(name) or not header.startswith(name) or not name:
        return False
    after = header[len(name)]
    return after.isspace() or after in SEPARATORS or name[-1] in SEPARATORS or name[-1].isspace()


def _rest(header: str, name: str) -> str:
    """The text of a header after the column name it was found by (a question's wording)."""
    return header[len(name):].strip().lstrip("".join(SEPARATORS - set("(（[【"))).strip()


def match_column(name: str, header, *, taken=frozenset()) -> list[str]:
    """The headers a column name of the study file finds: ``[name]`` if the header has it,
    else every header that starts with it followed by a separator (not those in ``taken``,
    which other names give exactly).  More than one is ambiguous."""
    if name in header:
        return [name]
    return [h for h in header if h not in taken and _separated(h, name)]


def find_columns(raw: pd.DataFrame, names, shown: str, *, required: bool = True) -> dict[str, str]:
    """Column name as the study file gives it -> the file's header it finds.

    Raises InputError for a name that finds two headers, two names that find the same
    header, and (``required``) names that find none: the line names the closest headers."""
    header = [str(c) for c in raw.columns]
    present = set(header)
    taken = frozenset(n for n in names if n in present)
    found, missing = {}, []
    for name in dict.fromkeys(names):
        hits = match_column(name, present if name in present else header, taken=taken)
        if len(hits) > 1:
            listed = ", ".join(repr(h) for h in hits[:4]) + (
                f" and {len(hits) - 4} more" if len(hits) > 4 else "")
            raise InputError(f"the study file's column {name!r} is the start of {len(hits)} "
                             f"headers ({listed}); give the whole header of the one meant",
                             file=shown)
        if hits:
            found[name] = hits[0]
        else:
            missing.append(name)
    by_header = {}
    for name, head in found.items():
        if head in by_header and head != name:
            raise InputError(f"the study file's columns {by_header[head]!r} and {name!r} both "
                             f"find the header {head!r}; give whole headers", file=shown)
        by_header.setdefault(head, name)
    if missing and required:
        _missing_columns(raw, header, missing, shown, taken)
    return found


def _missing_columns(raw: pd.DataFrame, header: list[str], missing: list[str], shown: str,
                     taken=frozenset()):
    sheets = other_sheets(raw.attrs.get("other_sheets", []))  # a workbook: where else to look
    if len(header) == 1:
        found = next((d for d in ",;\t|" if d in header[0]), None)
        hint = f"; it looks separated by {found!r}: set `delimiter`" if found else ""
        raise InputError(f"the header has a single column{hint}{sheets}", file=shown)
    listed = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
    what = (f"{len(missing)} column{'s' if len(missing) > 1 else ''} named in the study file "
            f"not found: {listed}")
    unnamed = [i + 1 for i, h in enumerate(header) if _unnamed(h)]
    if unnamed and 2 * len(unnamed) >= len(header):
        # Most of the header is blank: a title or a second header row above the data.
        raise InputError(f"column {unnamed[0]} of the header has no name, nor have "
                         f"{len(unnamed) - 1} others, and {what}; is the first row the header "
                         f"(not a title or a second header row)?{sheets}", file=shown)
    named = [h for h in header if not _unnamed(h)]
    close = []
    for name in missing[:3]:
        near = difflib.get_close_matches(name, named, n=2, cutoff=0.6)
        started = [h for h in header if h in taken and _separated(h, name)]
        if started:  # the headers it starts are other keys' own columns
            close.append(f"{name} starts only headers other keys name: "
                         f"{', '.join(repr(h) for h in started[:3])}")
        elif near:
            close.append(f"{name}: {', '.join(repr(n) for n in near)}")
    hint = f" (closest headers: {'; '.join(close)})" if close else ""
    raise InputError(what + hint + sheets, file=shown)


def _unnamed(header: str) -> bool:
    """A header cell left blank (pandas and the reader call it "Unnamed: N")."""
    return not header.strip() or header.startswith("Unnamed:")


def _scale_key(study: Study, item: str) -> str:
    dim = study.instrument.dimension_of()[item]
    return f"scales.{dim}" if dim in study.spec.scales else "scale"


def reverse_code(study: Study, table: pd.DataFrame) -> pd.DataFrame:
    """Reverse-code the negatively worded items of a table of ratings, each on its scale."""
    for item in reversed_items(study):
        if item in table.columns:
            scale = study.scale_of(item)
            table[item] = (scale.min + scale.max) - table[item]
    return table


def _answer_text(value) -> str:
    """An answer as text: whole numbers without a decimal point (1, not 1.0)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _texts(cells: pd.Series) -> pd.Series:
    """A column as stripped text, whole numbers written without a decimal point."""
    if pd.api.types.is_numeric_dtype(cells) and not pd.api.types.is_bool_dtype(cells):
        return cells.map(_answer_text, na_action="ignore").astype("string")
    return cells.astype("string").str.strip()


def _key(value):
    """An answer as compared with the answers a study file lists: a number if it is one,
    else its stripped text; None for an empty cell."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    text = str(value).strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    return number if np.isfinite(number) else text


def _categories(cells: pd.Series, column: str, satisfied, codes, shown: str,
                labels: dict) -> pd.Series:
    """A categorical overall satisfaction: 1.0 for the answers listed as satisfied, 0.0 for
    every other answer, NaN for no answer (empty or a missing code).  An answer given as
    the text of an SPSS value label counts for its code."""
    def keys(given):
        wanted = {_key(g) for g in given}
        texts = {str(g).strip() for g in given}
        return wanted | {_key(code) for code, text in labels.items() if str(text).strip() in texts}

    codes_at, distinct = pd.factorize(cells)  # each distinct cell keyed once, not every row
    keyed = np.array([_key(v) for v in distinct] + [None], dtype=object)
    answers = pd.Series(keyed[codes_at], index=cells.index, dtype=object)
    gone = answers.isna() | answers.isin(keys(codes))
    yes = ~gone & answers.isin(keys(satisfied))
    values = pd.Series(np.where(yes, 1.0, 0.0), index=cells.index).mask(gone)
    given = answers[~gone]
    if given.empty:
        raise InputError("no answers: every cell is empty or a missing code", file=shown,
                         column=column)
    kinds = sorted({_answer_text(k) for k in given})
    shown_kinds = ", ".join(repr(k) for k in kinds[:5]) + (
        f" and {len(kinds) - 5} more" if len(kinds) > 5 else "")
    if not yes.any():
        listed = ", ".join(repr(s) for s in satisfied)
        raise InputError(f"no answer is one of those listed under overall.satisfied ({listed}); "
                         f"the column's answers are {shown_kinds}", file=shown, column=column)
    coded = answers.isin(keys(codes))
    if len(kinds) == 1 and coded.any():
        # One category left after the missing codes took others out: most likely a code that
        # is an answer here (the 0 of a 0/1 flag).  Without missing codes in the column, one
        # category is a result (everyone satisfied), not a mistake.
        raise InputError(f"every answer is {shown_kinds}: with one answer category there is "
                         f"nothing to compare, and {int(coded.sum())} cells are missing codes "
                         "(is a missing code hiding the other category?)", file=shown,
                         column=column)
    return values


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
    """Every column the study file names, as it names them."""
    spec = study.spec
    cols = [spec.respondent_id] if spec.respondent_id else []
    for form in (*FORMS, "importance"):
        cols += list((study.columns(form) or {}).values())
    if spec.overall:
        cols.append(spec.overall.column)
    cols += [c for c in (study.recommend and study.recommend.column, spec.comments) if c]
    cols += list((study.dimension_points or {}).values())
    cols += [s.column for s in study.segments]
    cols += spec.personal_columns
    return list(dict.fromkeys(cols))


# A rating whose scale the study did not state is read on a default scale (recommend 0-10,
# overall the items' scale).  When enough answers all sit in the lower part of that scale, the
# question was most likely asked on a shorter one (a 1-5 "would you recommend" read as 0-10
# would report "NPS -100"): the study must say which.
_INHERITED_MIN_ANSWERS = 20
_INHERITED_SHARE = 0.6


def _check_inherited(values: pd.Series, scale, shown: str, column: str, key: str,
                     default: str) -> None:
    answers = values.dropna()
    if not scale.bounded or len(answers) < _INHERITED_MIN_ANSWERS:
        return
    if answers.max() <= scale.min + _INHERITED_SHARE * (scale.max - scale.min):
        raise InputError(
            f"every answer lies between {answers.min():g} and {answers.max():g}, in the lower part "
            f"of the scale {scale.min:g}–{scale.max:g} this column is read on ({default}, as no "
            f"scale is given for it): state the scale the question was asked on, e.g. "
            f"{key}: {{column: {column}, scale: {{min: {answers.min():g}, max: {answers.max():g}}}}}",
            file=shown, column=column)


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

    def __init__(self, shown: str, missing_codes, value_labels=None):
        self.shown = shown
        self.value_labels = value_labels or {}  # SPSS: column -> {code: answer text}
        self.codes = list(missing_codes)
        self.codes_text = {str(c).strip() for c in missing_codes}
        self.codes_num = {float(c) for c in missing_codes if _is_number(c)}

    def number(self, cells: pd.Series, column: str, *, lo=None, hi=None, values=None,
               key: str = "scale") -> pd.Series:
        if pd.api.types.is_numeric_dtype(cells) and not pd.api.types.is_bool_dtype(cells):
            numbers = cells.astype(float)  # typed columns (Parquet, Excel, SPSS): no text to parse
        else:
            numbers = self._parse(cells, column, values or {}, key)
        # A missing code given as an SPSS value label's text ("不知道") stands for its code.
        labelled = {float(k) for k, text in self.value_labels.get(column, {}).items()
                    if str(text).strip() in self.codes_text and _is_number(k)}
        numbers = numbers.mask(numbers.isin(self.codes_num | labelled))
        if lo is None:
            bad = numbers.notna() & ~np.isfinite(numbers)
            if bad.any():
                raise InputError(f"{int(bad.sum())} values are not finite numbers",
                                 file=self.shown, column=column, rows=cells.index[bad])
            return numbers
        out = numbers.notna() & ((numbers < lo) | (numbers > hi))
        if out.any():
            raise InputError(f"{int(out.sum())} values outside the scale {lo:g}–{hi:g}",
                             file=self.shown, column=column, rows=cells.index[out])
        return numbers

    def _parse(self, cells: pd.Series, column: str, values: dict, key: str) -> pd.Series:
        text = cells.astype("string").str.strip()
        text = text.mask(text.isin(self.codes_text) | (text == ""))
        numbers = pd.to_numeric(text, errors="coerce").astype(float)
        if values:  # answer texts the scale lists, before any number
            numbers = text.map(values, na_action="ignore").astype(float).fillna(numbers)
        bad = text.notna() & ~np.isfinite(numbers)  # 'inf' and 'nan' are no answers either
        if bad.any():
            unknown = text[bad].unique()
            examples = ", ".join(repr(v) for v in unknown[:3]) + (
                f" and {len(unknown) - 3} more" if len(unknown) > 3 else "")
            if values:
                raise InputError(f"{int(bad.sum())} answers are neither answers listed under "
                                 f"'{key}.values' nor missing codes ({examples}); add them to "
                                 "one or the other", file=self.shown, column=column,
                                 rows=cells.index[bad])
            raise InputError(f"{int(bad.sum())} values are not numbers ({examples}); correct "
                             "them or list them under missing_codes", file=self.shown,
                             column=column, rows=cells.index[bad])
        return numbers

    def rating(self, cells: pd.Series, column: str, scale, *, key: str = "scale",
               required: bool = False) -> pd.Series:
        """Answers on ``scale`` (a :class:`~sqmreport.data.study.Scale`): whole points on a
        ``points`` scale, any number within its ends on a ``continuous`` one, any finite
        number on an ``unbounded`` one.  ``required``: a column without a single answer is
        an error (it can only be the wrong column, or a missing code hiding every answer)."""
        lo, hi = (scale.min, scale.max) if scale.bounded else (None, None)
        values = self.number(cells, column, lo=lo, hi=hi, values=scale.values, key=key)
        if scale.type == "points":
            frac = values.notna() & (values != np.round(values))
            if frac.any():
                raise InputError(f"{int(frac.sum())} values are not points of the scale "
                                 f"{lo:g}–{hi:g} (e.g. {values[frac].iloc[0]:g}); for answers "
                                 f"between points set '{key}.type: continuous'",
                                 file=self.shown, column=column, rows=cells.index[frac])
        if required and len(values) and values.isna().all():
            codes = ", ".join(repr(c) for c in self.codes)
            raise InputError("no answers: every cell is empty or a missing code"
                             + (f" ({codes})" if codes else ""), file=self.shown, column=column)
        return values


def _is_number(value) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True
