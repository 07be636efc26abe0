"""The study file: one YAML file that says what a study's data are and how to report them.

The schema is documented in ``docs/study-file.md``.  Unknown keys and values of
the wrong type are errors, never silently replaced by a default.
"""

from __future__ import annotations

import codecs
import difflib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError

from sqmreport._validation import InputError
from sqmreport.data.files import FORMATS
from sqmreport.data.inputs import pinned, read_bytes
from sqmreport.data.instruments import Instrument, load_instrument

__all__ = ["REPORTS", "Study", "load_study"]

REPORTS = ("satisfaction", "gap_model", "factor_analysis")
# No study may show groups smaller than this: one or two respondents are identifiable.
MIN_GROUP_FLOOR = 3

Text = str | dict[Literal["zh", "en"], str]
Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=64)]


class _Spec(BaseModel):
    # No setting means anything as .inf or .nan (YAML's spellings): numbers are finite.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


Number = int | float
Code = int | float | str


class Scale(_Spec):
    """How answers are coded.  ``points``: whole points from min to max (1-5, 0-10, 1-100);
    ``continuous``: any number from min to max (means, sliders); ``unbounded``: any number
    (standardized scores).  ``values`` turns answer texts into points (问卷星 exports
    非常满意 ... 非常不满意 as text)."""

    min: Number | None = None
    max: Number | None = None
    type: Literal["points", "continuous", "unbounded"] = "points"
    values: dict[str, Number] = {}

    @property
    def bounded(self) -> bool:
        return self.type != "unbounded"

    @property
    def n_points(self) -> int | None:
        """The number of points of a ``points`` scale (None for other types)."""
        return int(self.max - self.min) + 1 if self.type == "points" else None


NPS_SCALE = Scale(min=0, max=10)

# What a data file may be, and how a CSV's text is decoded: any codec Python knows, or
# "auto" (detected; refused with the candidates named when detection is not confident).
FILE_FORMATS = ("csv", "xlsx", "parquet", "sav")


class DataFile(_Spec):
    path: str
    format: Literal["csv", "xlsx", "parquet", "sav"] | None = None
    encoding: str | None = None
    delimiter: str | None = Field(default=None, min_length=1, max_length=1)
    sheet: str | int | None = None


class Data(_Spec):
    survey: str | DataFile
    management: str | DataFile | None = None
    standards: str | DataFile | None = None
    service_levels: str | DataFile | None = None
    promises: str | DataFile | None = None
    kpi: str | DataFile | None = None
    complaints: str | DataFile | None = None
    maturity: str | DataFile | None = None


class ItemSpec(_Spec):
    id: str | int
    dimension: str
    label: Text | None = None
    expectation: Text | None = None
    perception: Text | None = None
    reverse: bool = False


class InstrumentSpec(_Spec):
    name: str = "custom"
    title: Text | None = None
    dimensions: dict[str, Text] = Field(min_length=1)
    items: list[ItemSpec] = Field(min_length=1)


# Which columns hold a form's items: a pattern with {item} ("P{item}"), a list of column
# names in the instrument's item order, or a mapping item id -> column name.  A name matches
# the header that is exactly it, or else the one header that starts with it followed by a
# separator (so "Q1" finds "Q1. How clean ...", "1、" finds "1、您对环境的满意度").
ColumnSpec = str | list[str] | dict[str | int, str]


class Columns(_Spec):
    expectation: ColumnSpec | None = None
    perception: ColumnSpec = "{item}"
    adequate: ColumnSpec | None = None
    desired: ColumnSpec | None = None


class Rating(_Spec):
    """Overall satisfaction: a rating on its own scale (default: the study's), or, with
    ``satisfied``, categories: the answers listed count as satisfied, every other answer
    as not satisfied (a 0/1 flag, 满意/不满意)."""

    column: str
    scale: Scale | None = None
    missing_codes: list[Code] | None = None
    satisfied: list[Code] | None = Field(default=None, min_length=1)


class Recommend(_Spec):
    """Likelihood to recommend.  NPS is computed only from an 11-point scale (0-10, or e.g.
    1-11, which maps onto 0-10); on any other scale the item is reported as a rating."""

    column: str
    scale: Scale = NPS_SCALE
    missing_codes: list[Code] | None = None


class ItemImportance(_Spec):
    """Stated importance of each item ("how important is ..."), on its own scale."""

    items: ColumnSpec
    scale: Scale | None = None
    missing_codes: list[Code] | None = None


def _importance_kind(value) -> str:
    if isinstance(value, ItemImportance) or (isinstance(value, dict) and "items" in value):
        return "items"
    return "points"


# Importance: 100 points over the dimensions (dimension id -> column), or per item.
Importance = Annotated[Annotated[dict[str, str], Tag("points")]
                       | Annotated[ItemImportance, Tag("items")],
                       Discriminator(_importance_kind)]


class Segment(_Spec):
    column: str
    label: Text | None = None
    values: dict[str, Text] = {}


class Questionnaires(_Spec):
    sent: int = Field(gt=0)
    returned: int = Field(ge=0)


class QMatrix(_Spec):
    importance: Literal["expectation", "stated", "derived"] | None = None
    crosshair: Literal["mean", "median", "midpoint"] = "mean"


class FactorAnalysis(_Spec):
    form: Literal["perception", "expectation", "gap"] = "perception"
    method: Literal["minres", "ml", "principal"] = "minres"
    rotation: Literal["oblimin", "promax", "varimax", "none"] = "oblimin"
    missing: Literal["pairwise", "listwise"] = "pairwise"
    correlation: Literal["pearson", "polychoric"] = "pearson"
    n_factors: int | Literal["instrument", "parallel"] = "instrument"
    loading_threshold: float = Field(default=0.3, gt=0, lt=1)
    parallel_iterations: int = Field(default=50, ge=10, le=1000)


class Analysis(_Spec):
    confidence: float = Field(default=0.95, gt=0.5, lt=1)
    seed: int = Field(default=20240101, ge=0)  # numpy's generators take no negative seed
    csi_weights: dict[str, int | float] | None = None
    segment_test: Literal["welch", "kruskal"] = "welch"
    q_matrix: QMatrix = QMatrix()
    grey_segment: str | None = None
    servqual_weights: dict[str, int | float] | None = None
    p_adjust: Literal["holm", "bonferroni", "bh"] = "holm"
    factor_analysis: FactorAnalysis = FactorAnalysis()


class Wave(_Spec):
    label: str = Field(min_length=1)
    survey: str | DataFile | None = None
    tables: str | None = None


GROUPS = ("speed", "efficiency", "satisfaction", "resolution", "improvement")


class Indicator(_Spec):
    id: str
    label: Text | None = None
    group: Literal["speed", "efficiency", "satisfaction", "resolution", "improvement"]
    direction: Literal["benefit", "cost"]
    target: int | float
    worst: int | float | None = None


# Seed 003 §6.1: speed and efficiency weigh most, then satisfaction and resolution,
# then improvement.
DEFAULT_GROUP_WEIGHTS = {"speed": 0.25, "efficiency": 0.25, "satisfaction": 0.2,
                         "resolution": 0.2, "improvement": 0.1}


class Scorecard(_Spec):
    indicators: list[Indicator] = Field(min_length=1)
    weights: dict[Literal["speed", "efficiency", "satisfaction", "resolution", "improvement"],
                  int | float] = DEFAULT_GROUP_WEIGHTS


class ComplaintSettings(_Spec):
    target_hours: int | float = Field(default=48, gt=0)
    repeat_days: int = Field(default=30, ge=1, le=3650)  # pandas' time spans end near 290 years
    period: Literal["month", "quarter"] = "month"
    categories: dict[str, str] = {}
    satisfaction_scale: Scale = Scale(min=1, max=5)


class MaturitySettings(_Spec):
    scale: Scale = Scale(min=0, max=4)


# Who answered, in the reports' words: a known kind, or a text per language (English as
# "singular|plural", e.g. "visitor|visitors").
RESPONDENTS = ("customer", "patient", "passenger", "citizen", "guest", "student", "client",
               "resident", "user", "member", "employee")
# The sector whose usual causes and counter-measures the gap report names.
SECTORS = ("generic", "healthcare", "transport", "retail", "banking", "public", "hospitality",
           "property", "education", "telecom", "internal")


DELIVERABLES = ("html", "workbook", "pdf", "deck")


class StudySpec(_Spec):
    name: Name
    title: str
    client: str = ""
    fieldwork: str = ""
    language: Literal["zh", "en"] = "zh"
    respondent: Literal[RESPONDENTS] | dict[Literal["zh", "en"], str] = "customer"
    sector: Literal[SECTORS] = "generic"
    data: Data
    respondent_id: str | None = None
    instrument: Literal["servqual22", "servqual22-1988"] | InstrumentSpec = "servqual22"
    columns: Columns = Columns()
    scale: Scale
    scales: dict[str, Scale] = {}
    reverse_items: list[str | int] = []
    missing_codes: list[Code] = []
    overall: Rating | None = None
    recommend: str | Recommend | None = None
    importance: Importance | None = None
    segments: list[str | Segment] = []
    comments: str | None = None
    personal_columns: list[str] = []
    min_group_size: int = Field(default=5, ge=MIN_GROUP_FLOOR)
    questionnaires: Questionnaires | None = None
    reports: list[Literal["satisfaction", "gap_model", "factor_analysis"]] = ["satisfaction"]
    logo: str | None = None
    # What the build hands over besides the reports' pages (always built): the executive
    # overview (index.html) comes with them; the workbook, the PDF and the deck on request
    # (`sqmreport build --deliverables all` or `make deliverables` add the rest).
    deliverables: list[Literal[DELIVERABLES]] = ["html", "workbook"]
    analysis: Analysis = Analysis()
    wave: str | None = None
    waves: list[Wave] = []
    scorecard: Scorecard | None = None
    complaints: ComplaintSettings = ComplaintSettings()
    maturity: MaturitySettings = MaturitySettings()


@dataclass(frozen=True)
class Study:
    """A loaded and checked study file.

    Attributes
    ----------
    spec : StudySpec
        The study file's content, every key checked.
    path : Path
        The study file.
    instrument : Instrument
        The instrument the survey used.
    segments : tuple of Segment
        The segment columns, each with its display label and value labels.
    """

    spec: StudySpec
    path: Path
    instrument: Instrument
    segments: tuple[Segment, ...]

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def language(self) -> str:
        return self.spec.language

    def data_file(self, key: str) -> DataFile | None:
        """The data file of ``key`` (``survey``, ``management``, ...), or None if not given."""
        entry = getattr(self.spec.data, key)
        if entry is None or isinstance(entry, DataFile):
            return entry
        return DataFile(path=entry)

    def resolve(self, relative: str) -> Path:
        return (self.folder / relative).resolve()

    def input_files(self) -> list[Path]:
        """Every file the study reads: the study file, its data and its logo."""
        files = [self.path]
        for key in Data.model_fields:
            entry = self.data_file(key)
            if entry is not None:
                files.append(self.resolve(entry.path))
        for wave in self.spec.waves:
            entry = self.wave_file(wave)
            files.append(self.resolve(entry.path if isinstance(entry, DataFile) else entry))
        if self.spec.logo:
            files.append(self.resolve(self.spec.logo))
        return files

    def wave_file(self, wave: Wave) -> DataFile | str:
        """An earlier wave's survey (a DataFile) or its built ``waves.csv`` (a path)."""
        if wave.survey is None:
            return wave.tables
        return wave.survey if isinstance(wave.survey, DataFile) else DataFile(path=wave.survey)

    @property
    def wave_label(self) -> str:
        """This wave's label: ``wave``, else ``fieldwork``, else the study's name."""
        return self.spec.wave or self.spec.fieldwork or self.spec.name

    # -- What the survey's columns are and how they are coded --------------------------

    def columns(self, form: str) -> dict[str, str] | None:
        """Item id -> column name of a form (``perception``, ``expectation``, ``adequate``,
        ``desired``, ``importance``), as the study file gives them, or None if the survey
        has no such form.  A name may still have to be matched against the file's header
        (see :data:`ColumnSpec`)."""
        if form == "importance":
            spec = self.spec.importance.items if self.item_importance else None
        else:
            spec = getattr(self.spec.columns, form)
        return None if spec is None else resolve_columns(spec, self.instrument.item_ids)

    def scale_of(self, item: str) -> Scale:
        """The scale of an item's ratings: its dimension's under ``scales``, else ``scale``."""
        dimension = self.instrument.dimension_of()[item]
        return self.spec.scales.get(dimension, self.spec.scale)

    @property
    def mixed_scales(self) -> bool:
        """Whether the items are rated on more than one scale."""
        first = self.scale_of(self.instrument.item_ids[0])
        return any(self.scale_of(i) != first for i in self.instrument.item_ids)

    @property
    def overall_scale(self) -> Scale | None:
        """The overall rating's scale; None without an overall column or for categories."""
        overall = self.spec.overall
        if overall is None or overall.satisfied is not None:
            return None
        return overall.scale or self.spec.scale

    @property
    def recommend(self) -> Recommend | None:
        value = self.spec.recommend
        return Recommend(column=value) if isinstance(value, str) else value

    @property
    def nps(self) -> bool:
        """Whether NPS can be computed: a recommend item on an 11-point scale."""
        return self.recommend is not None and self.recommend.scale.n_points == 11

    @property
    def item_importance(self) -> ItemImportance | None:
        value = self.spec.importance
        return value if isinstance(value, ItemImportance) else None

    @property
    def dimension_points(self) -> dict[str, str] | None:
        """Dimension id -> column of the 100 points each respondent gave, if the study has them."""
        value = self.spec.importance
        return value if isinstance(value, dict) else None

    def missing_codes(self, role: str = "items") -> list:
        """The answers meaning "no answer" for ``items``, ``overall``, ``recommend`` or
        ``importance``: the role's own ``missing_codes``, else the study's."""
        own = {"overall": self.spec.overall, "recommend": self.recommend,
               "importance": self.item_importance}.get(role)
        if own is not None and own.missing_codes is not None:
            return list(own.missing_codes)
        return list(self.spec.missing_codes)


def resolve_columns(spec: ColumnSpec, item_ids) -> dict[str, str]:
    """Item id -> column name from a pattern, a list in item order or a mapping."""
    if isinstance(spec, str):
        return {item: spec.format(item=item) for item in item_ids}
    if isinstance(spec, list):
        return dict(zip(item_ids, spec))
    given = {str(item): column for item, column in spec.items()}
    return {item: given[item] for item in item_ids if item in given}


MAX_DEPTH = 12  # a study file nests 4 levels; anything far deeper is not a study file


class _StudyLoader(yaml.SafeLoader):
    """YAML as a study file needs it, refused before it costs memory: no aliases (a chain
    of them expands a few kilobytes into gigabytes; write the value out instead), no key
    given twice in a mapping (YAML would let the second silently win), and no nesting
    deeper than :data:`MAX_DEPTH`."""

    _depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, f"aliases (*{event.anchor}) are not allowed in a study file; "
                            "write the value out", event.start_mark)
        if self._depth >= MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (str, int, float, bool)) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} is given twice (the second would silently win)",
                    key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_study(path) -> Study:
    """Read a study file and check every key.

    Parameters
    ----------
    path : str or Path
        The study's YAML file.  Data paths in it are relative to its folder.

    Returns
    -------
    Study

    Raises
    ------
    InputError
        For a missing or unreadable file, invalid YAML, an unknown key, a value of
        the wrong type, a data file that does not exist or lies outside the study's
        folder, and for settings that contradict each other or the instrument.
    """
    path = Path(path)
    shown = path.name
    if not path.exists() and path.resolve() not in pinned():
        raise InputError("study file not found", file=str(path))
    try:
        raw = yaml.load(read_bytes(path, shown=shown).decode("utf-8"), Loader=_StudyLoader)
    except UnicodeDecodeError:
        raise InputError("the study file is not UTF-8 text", file=shown) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputError(f"not valid YAML{where}: {problem}", file=shown) from None
    if not isinstance(raw, dict):
        raise InputError("the study file must be a mapping of keys to values", file=shown)
    try:
        spec = StudySpec.model_validate(raw)
    except ValidationError as exc:
        raise _schema_error(exc, shown) from None

    study_path = path.resolve()
    instrument = load_instrument(spec.instrument if isinstance(spec.instrument, str)
                                 else spec.instrument.model_dump(exclude_none=True),
                                 source=shown)
    segments = tuple(Segment(column=s) if isinstance(s, str) else s for s in spec.segments)
    study = Study(spec, study_path, instrument, segments)
    _check_consistency(study, shown)
    return study


_BRANCHES = {"str", "int", "float", "bool", "DataFile", "InstrumentSpec", "Segment", "Wave",
             "Indicator"}

# What a value must be, in the words of a study file (YAML), by pydantic error type.
_EXPECTED = {
    "int_type": "a whole number", "int_parsing": "a whole number", "int_from_float": "a whole number",
    "float_type": "a number", "float_parsing": "a number", "string_type": "text",
    "bool_type": "true or false", "dict_type": "a mapping (key: value lines)",
    "list_type": "a list", "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
}


def _key(loc) -> str:
    """``data.survey.path`` from pydantic's location, without the names of union branches."""
    parts = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif part in _BRANCHES or part.startswith(("function-", "literal[", "dict[", "list[")):
            continue
        else:
            parts.append(("." if parts else "") + part)
    return "".join(parts)


def _all_keys(model=StudySpec, seen=None) -> set[str]:
    seen = set() if seen is None else seen
    for name, field in model.model_fields.items():
        seen.add(name)
        for arg in _types_in(field.annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel) and arg is not model:
                _all_keys(arg, seen)
    return seen


def _types_in(annotation):
    args = getattr(annotation, "__args__", None)
    if not args:
        return [annotation]
    return [t for a in args for t in _types_in(a)]


def _schema_error(exc: ValidationError, shown: str) -> InputError:
    errors = exc.errors()
    # The most specific message first: an unknown key, a missing key, then a wrong value.
    errors.sort(key=lambda e: (e["type"] != "extra_forbidden", e["type"] != "missing",
                               -len(_key(e["loc"]))))
    err = errors[0]
    key = _key(err["loc"])
    if err["type"] == "extra_forbidden":
        unknown = str(err["loc"][-1])
        close = difflib.get_close_matches(unknown, sorted(_all_keys()), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return InputError(f"unknown key {key!r}{hint}", file=shown)
    if err["type"] == "missing":
        return InputError(f"required key {key!r} is missing", file=shown)
    value = _short(err.get("input"))
    # A union (``int | float``, ``str | DataFile``) fails once per branch: name them all.
    expected = [_EXPECTED.get(e["type"]) for e in errors if _key(e["loc"]) == key]
    if any(e["type"] == "finite_number" for e in errors if _key(e["loc"]) == key):
        return InputError(f"key {key!r} must be a finite number, got {value!r}", file=shown)
    if all(expected):
        if "a number" in expected:  # int | float: any number will do
            expected = ["a number" if x == "a whole number" else x for x in expected]
        wanted = " or ".join(dict.fromkeys(expected))
        return InputError(f"key {key!r} must be {wanted}, got {value!r}", file=shown)
    if key == "name" and err["type"] == "string_pattern_mismatch":
        return InputError(f"key 'name' names the reports' folder: use letters, digits, '-', '_' "
                          f"and '.', got {value!r}", file=shown)
    message = err["msg"][0].lower() + err["msg"][1:]
    return InputError(f"key {key!r}: {message}, got {value!r}", file=shown)


class _short(str):
    """A value quoted in an error message, cut to one readable line."""

    def __new__(cls, value):
        return super().__new__(cls, repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "...")

    def __repr__(self):
        return str(self)


def _check_consistency(study: Study, shown: str) -> None:
    spec, instrument = study.spec, study.instrument
    dims = set(instrument.dimension_ids)
    items = set(instrument.item_ids)

    _check_scale("scale", spec.scale, shown)
    for dim, scale in spec.scales.items():
        if dim not in dims:
            raise InputError(f"key 'scales': {dim!r} is not a dimension of the instrument "
                             f"({', '.join(instrument.dimension_ids)})", file=shown)
        _check_scale(f"scales.{dim}", scale, shown)
    _check_codes("missing_codes", spec.missing_codes,
                 {"scale": spec.scale} | {f"scales.{d}": s for d, s in spec.scales.items()}, shown)
    if spec.overall is not None:
        if spec.overall.satisfied is not None and spec.overall.scale is not None:
            raise InputError("key 'overall': give either 'scale' (a rating) or 'satisfied' (the "
                             "answers that count as satisfied), not both", file=shown)
        if spec.overall.scale is not None:
            _check_scale("overall.scale", spec.overall.scale, shown)
        if study.overall_scale is not None:
            own = spec.overall.missing_codes is not None
            _check_codes("overall.missing_codes" if own else "missing_codes",
                         study.missing_codes("overall"), {"overall.scale": study.overall_scale},
                         shown, inherited=not own)
        elif spec.overall.satisfied is not None:
            codes = {str(c).strip() for c in study.missing_codes("overall")}
            clash = [c for c in spec.overall.satisfied if str(c).strip() in codes]
            if clash:
                own = spec.overall.missing_codes is not None
                raise InputError(f"key 'overall.satisfied': {clash[0]!r} is also a missing code"
                                 + ("" if own else " (the study's missing_codes apply to overall "
                                    "unless it has its own: set 'overall.missing_codes', e.g. [])"),
                                 file=shown)
    if study.recommend is not None:
        _check_scale("recommend.scale", study.recommend.scale, shown)
        own = study.recommend.missing_codes is not None
        _check_codes("recommend.missing_codes" if own else "missing_codes",
                     study.missing_codes("recommend"), {"recommend.scale": study.recommend.scale},
                     shown, inherited=not own)
    if study.item_importance is not None:
        scale = study.item_importance.scale or spec.scale
        if study.item_importance.scale is not None:
            _check_scale("importance.scale", scale, shown)
        own = study.item_importance.missing_codes is not None
        _check_codes("importance.missing_codes" if own else "missing_codes",
                     study.missing_codes("importance"), {"importance.scale": scale}, shown,
                     inherited=not own)
    if "items" in dims:
        raise InputError("key 'instrument.dimensions': 'items' is a reserved name (importance "
                         "per item is written 'importance: {items: ...}'); rename the dimension",
                         file=shown)
    for item in spec.reverse_items:
        if str(item) not in items:
            raise InputError(f"key 'reverse_items': {item!r} is not an item of the instrument",
                             file=shown)
    for item in dict.fromkeys([*instrument.reversed_items, *map(str, spec.reverse_items)]):
        if not study.scale_of(item).bounded:
            dim = instrument.dimension_of()[item]
            where = f"scales.{dim}" if dim in spec.scales else "scale"
            raise InputError(f"item {item!r} is reverse-coded but its scale ({where!r}) is "
                             "unbounded: reverse coding needs the scale's ends; reverse the "
                             "scores in the data, or give the scale min and max", file=shown)
    _check_analysis_scales(study, shown)
    for key, mapping in (("importance", study.dimension_points),
                         ("analysis.csi_weights", spec.analysis.csi_weights),
                         ("analysis.servqual_weights", spec.analysis.servqual_weights)):
        for dim in mapping or {}:
            if dim not in dims:
                raise InputError(f"key {key!r}: {dim!r} is not a dimension of the instrument "
                                 f"({', '.join(instrument.dimension_ids)})", file=shown)
    if study.dimension_points is not None and set(study.dimension_points) != dims:
        missing = sorted(dims - set(study.dimension_points))
        raise InputError(f"key 'importance' must give a column for every dimension; "
                         f"missing: {', '.join(missing)}", file=shown)
    for key in ("csi_weights", "servqual_weights"):
        weights = getattr(spec.analysis, key)
        if weights is not None and (any(w < 0 for w in weights.values())
                                    or sum(weights.values()) <= 0):
            raise InputError(f"key 'analysis.{key}': weights must be non-negative "
                             "and not all zero", file=shown)
    if (spec.columns.adequate is None) != (spec.columns.desired is None):
        raise InputError("keys 'columns.adequate' and 'columns.desired' go together: the zone "
                         "of tolerance needs both levels", file=shown)
    fa = spec.analysis.factor_analysis
    if ("factor_analysis" in spec.reports and fa.form in ("expectation", "gap")
            and spec.columns.expectation is None):
        raise InputError(f"key 'analysis.factor_analysis.form' is {fa.form!r} but the survey has "
                         "no expectation columns (columns.expectation)", file=shown)
    if isinstance(fa.n_factors, int) and not 1 <= fa.n_factors < len(instrument.items):
        raise InputError(f"key 'analysis.factor_analysis.n_factors' must be between 1 and "
                         f"{len(instrument.items) - 1}, got {fa.n_factors}", file=shown)
    if ("factor_analysis" in spec.reports and fa.n_factors == "instrument"
            and len(instrument.dimensions) >= len(instrument.items)):
        raise InputError(f"key 'analysis.factor_analysis.n_factors' is 'instrument', but its "
                         f"{len(instrument.dimensions)} dimensions are as many factors as there are "
                         f"items ({len(instrument.items)}): give a number below that, or 'parallel'",
                         file=shown)
    if "gap_model" in spec.reports and study.mixed_scales:
        raise InputError("key 'scales': the gap_model report compares gaps across dimensions (the "
                         "SERVQUAL score, the largest gap), which needs every item on one scale; "
                         "leave gap_model out of 'reports' or rate all items on one scale",
                         file=shown)
    if "gap_model" in spec.reports and spec.columns.expectation is None:
        raise InputError("the gap_model report needs the expectation form: set "
                         "'columns.expectation'", file=shown)
    q = spec.analysis.q_matrix
    if q.importance == "expectation" and spec.columns.expectation is None:
        raise InputError("key 'analysis.q_matrix.importance' is 'expectation' but the "
                         "survey has no expectation columns (columns.expectation)", file=shown)
    if q.importance == "stated" and spec.importance is None:
        raise InputError("key 'analysis.q_matrix.importance' is 'stated' but the study "
                         "gives no importance columns (importance)", file=shown)
    if q.importance == "derived" and spec.overall is None:
        raise InputError("key 'analysis.q_matrix.importance' is 'derived' but the study "
                         "gives no overall-satisfaction column (overall)", file=shown)
    if spec.questionnaires and spec.questionnaires.returned > spec.questionnaires.sent:
        raise InputError("key 'questionnaires': more returned than sent", file=shown)
    for form in (*Columns.model_fields, "importance"):
        key = "importance.items" if form == "importance" else f"columns.{form}"
        given = (study.item_importance.items if study.item_importance else None
                 ) if form == "importance" else getattr(spec.columns, form)
        _check_column_spec(key, given, instrument.item_ids, shown)
    columns = [s.column for s in study.segments]
    grey = spec.analysis.grey_segment
    if grey is not None and grey not in columns:
        raise InputError(f"key 'analysis.grey_segment': {grey!r} is not one of the segments "
                         f"({', '.join(columns) or 'none defined'})", file=shown)
    if len(set(columns)) != len(columns):
        raise InputError("key 'segments' names a column twice", file=shown)
    for column in columns:
        if spec.respondent_id is not None and column == spec.respondent_id:
            raise InputError(f"key 'segments': {column!r} is the respondent id; a group per "
                             "respondent would show each one's answers", file=shown)
        if column in spec.personal_columns:
            raise InputError(f"key 'segments': {column!r} is listed in personal_columns, "
                             "which are dropped when the file is read", file=shown)
    _check_personal(study, shown)
    if len(set(spec.reports)) != len(spec.reports):
        raise InputError("key 'reports' names a report twice", file=shown)

    for key in Data.model_fields:
        entry = study.data_file(key)
        if entry is not None:
            _check_path(study, f"data.{key}", entry.path, shown)
            _check_options(f"data.{key}", entry, shown)
    _check_tracking(study, shown)
    if spec.logo:
        _check_path(study, "logo", spec.logo, shown)
        if Path(spec.logo).suffix.lower() not in (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"):
            raise InputError(f"key 'logo': {spec.logo!r} is not a PNG, JPEG, GIF, SVG or WebP "
                             "image", file=shown)


# Polychoric correlations estimate thresholds between a few ordered answer categories.
MAX_POLYCHORIC_POINTS = 8


def _check_analysis_scales(study: Study, shown: str) -> None:
    """Analysis settings the items' scales cannot serve (found here, not in a notebook)."""
    spec = study.spec
    fa = spec.analysis.factor_analysis
    scales = {i: study.scale_of(i) for i in study.instrument.item_ids}
    if "factor_analysis" in spec.reports and fa.correlation == "polychoric":
        if fa.form == "gap":
            raise InputError("key 'analysis.factor_analysis.correlation' is 'polychoric', but gap "
                             "scores (perception − expectation) are not ordinal answers; use "
                             "'pearson'", file=shown)
        for item, scale in scales.items():
            if scale.type != "points" or scale.n_points > MAX_POLYCHORIC_POINTS:
                kind = (f"{scale.n_points} points" if scale.type == "points"
                        else f"a {scale.type} scale")
                raise InputError(f"key 'analysis.factor_analysis.correlation' is 'polychoric', but "
                                 f"item {item!r} is rated on {kind}: polychoric correlations are "
                                 f"for ordinal answers of at most {MAX_POLYCHORIC_POINTS} points; "
                                 "use 'pearson'", file=shown)
    if spec.analysis.q_matrix.crosshair == "midpoint" and not all(
            s.bounded for s in scales.values()):
        raise InputError("key 'analysis.q_matrix.crosshair' is 'midpoint', but the items are on "
                         "an unbounded scale, which has no midpoint; use 'mean' or 'median'",
                         file=shown)


def _check_scale(key: str, scale: Scale, shown: str) -> None:
    """A scale that can hold answers: ends for a bounded scale, none for an unbounded one."""
    if scale.type == "unbounded":
        if scale.min is not None or scale.max is not None or scale.values:
            raise InputError(f"key {key!r}: an unbounded scale has no 'min', 'max' or 'values'",
                             file=shown)
        return
    if scale.min is None or scale.max is None:
        raise InputError(f"key {key!r} needs 'min' and 'max' (or 'type: unbounded' for "
                         "standardized scores)", file=shown)
    if not scale.min < scale.max:
        raise InputError(f"key {key!r}: min ({scale.min:g}) must be below max ({scale.max:g})",
                         file=shown)
    if scale.type == "points" and not (float(scale.min).is_integer()
                                       and float(scale.max).is_integer()):
        raise InputError(f"key {key!r}: a scale of points has whole-number ends, got "
                         f"{scale.min:g}–{scale.max:g}; for answers that are any number in a range "
                         "(means, sliders) set 'type: continuous'", file=shown)
    for answer, point in scale.values.items():
        if not scale.min <= point <= scale.max:
            raise InputError(f"key '{key}.values': {answer!r} is given {point:g}, outside the "
                             f"scale {scale.min:g}–{scale.max:g}", file=shown)


def _check_codes(key: str, codes, scales: dict, shown: str, *, inherited: bool = False) -> None:
    """A missing-value code may not be an answer the scale allows: it would silently drop it
    (a 0/1 flag losing every 0, a recommend score of 0 losing every detractor)."""
    for where, scale in scales.items():
        for code in codes:
            if isinstance(code, str):
                clash = code.strip() in scale.values
            else:
                clash = scale.bounded and scale.min <= code <= scale.max and (
                    scale.type != "points" or float(code).is_integer())
            if clash:
                fix = (f"; give '{where.split('.')[0]}' its own 'missing_codes' (e.g. [])"
                       if inherited else "")
                raise InputError(f"key {key!r}: {code!r} is an answer on {where} "
                                 f"({_scale_text(scale)}), so it cannot also mean no answer{fix}",
                                 file=shown)


def _scale_text(scale: Scale) -> str:
    return "any number" if not scale.bounded else f"{scale.min:g}–{scale.max:g}"


def _check_column_spec(key: str, given, item_ids, shown: str) -> None:
    if given is None:
        return
    if isinstance(given, str):
        if "{item}" not in given:
            raise InputError(f"key {key!r} must contain {{item}}, or be a list or mapping of "
                             f"column names, got {given!r}", file=shown)
        return
    if isinstance(given, list):
        if len(given) != len(item_ids):
            raise InputError(f"key {key!r} lists {len(given)} columns for the instrument's "
                             f"{len(item_ids)} items", file=shown)
        names = given
    else:
        unknown = [str(i) for i in given if str(i) not in item_ids]
        if unknown:
            raise InputError(f"key {key!r}: {unknown[0]!r} is not an item of the instrument",
                             file=shown)
        missing = [i for i in item_ids if i not in {str(k) for k in given}]
        if missing:
            listed = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more"
                                               if len(missing) > 5 else "")
            raise InputError(f"key {key!r} gives no column for item{'s' if len(missing) > 1 else ''} "
                             f"{listed}", file=shown)
        names = list(given.values())
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InputError(f"key {key!r} names the column {twice[0]!r} for two items", file=shown)


def _check_personal(study: Study, shown: str) -> None:
    """A personal column is dropped on reading: no other setting may need it."""
    spec = study.spec
    roles = {spec.respondent_id: "the respondent id"} if spec.respondent_id else {}
    if spec.overall:
        roles.setdefault(spec.overall.column, "the overall-satisfaction column (overall)")
    if study.recommend:
        roles.setdefault(study.recommend.column, "the recommend column")
    if spec.comments:
        roles.setdefault(spec.comments, "the comments column")
    for dim, column in (study.dimension_points or {}).items():
        roles.setdefault(column, f"the importance column of {dim}")
    for form in (*Columns.model_fields, "importance"):
        for item, column in (study.columns(form) or {}).items():
            roles.setdefault(column, f"the {form} column of item {item}")
    for column in spec.personal_columns:
        if column in roles:
            raise InputError(f"key 'personal_columns': {column!r} is also {roles[column]}; personal "
                             "columns are dropped when the file is read", file=shown)


def _check_options(key: str, entry: DataFile, shown: str) -> None:
    """A data file's reading options that no reader can use."""
    d = entry.delimiter
    if d is not None and (d in "\"'\r\n" or d.isalnum()):
        raise InputError(f"key '{key}.delimiter': {d!r} cannot separate fields; use a comma, a "
                         "semicolon, a tab or a vertical bar", file=shown)
    if isinstance(entry.sheet, int) and entry.sheet < 0:
        raise InputError(f"key '{key}.sheet': sheets are numbered from 0, got {entry.sheet}",
                         file=shown)
    fmt = entry.format or FORMATS.get(Path(entry.path).suffix.lower())
    if entry.sheet is not None and fmt != "xlsx":
        raise InputError(f"key '{key}.sheet': only an XLSX workbook has sheets", file=shown)
    if (entry.encoding or entry.delimiter) and fmt not in ("csv", None):
        raise InputError(f"key '{key}': 'encoding' and 'delimiter' are for CSV files only",
                         file=shown)
    if entry.encoding is not None and entry.encoding != "auto":
        try:
            codecs.lookup(entry.encoding)
        except LookupError:
            close = difflib.get_close_matches(entry.encoding.lower(),
                                              ["utf-8", "utf-8-sig", "utf-16", "gbk", "gb18030",
                                               "big5", "cp949", "euc-kr", "shift_jis", "cp932",
                                               "euc-jp", "latin-1", "cp1252"], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise InputError(f"key '{key}.encoding': {entry.encoding!r} is not an encoding Python "
                             f"knows{hint}; or use 'auto' to detect it", file=shown) from None


def _check_path(study: Study, key: str, relative: str, shown: str) -> None:
    target = study.resolve(relative)
    if not target.is_relative_to(study.folder):
        raise InputError(f"key {key!r}: {relative!r} lies outside the study's folder; "
                         "keep the data beside the study file", file=shown)
    if target in pinned():  # a build's pinned bytes are what will be read
        return
    if target.is_dir():
        raise InputError(f"key {key!r}: {relative!r} is a folder, not a file", file=shown)
    if not target.is_file():
        raise InputError(f"key {key!r}: file {relative!r} not found next to the study file",
                         file=shown)
    if not os.access(target, os.R_OK):
        raise InputError(f"key {key!r}: {relative!r} cannot be read: permission denied", file=shown)


def _check_tracking(study: Study, shown: str) -> None:
    """Waves, the scorecard and the complaint settings against each other and the instrument."""
    spec = study.spec
    labels = [study.wave_label] + [w.label for w in spec.waves]
    for i, wave in enumerate(spec.waves):
        key = f"waves[{i}]"
        if (wave.survey is None) == (wave.tables is None):
            raise InputError(f"key {key!r}: give either 'survey' (the wave's data) or 'tables' "
                             "(the waves.csv its build wrote), not both or neither", file=shown)
        if labels.count(wave.label) > 1:
            raise InputError(f"key '{key}.label': {wave.label!r} names two waves (this wave is "
                             f"{study.wave_label!r}: set 'wave' to tell them apart)", file=shown)
        entry = study.wave_file(wave)
        if isinstance(entry, DataFile):
            _check_options(f"{key}.survey", entry, shown)
        _check_path(study, f"{key}.{'survey' if wave.survey is not None else 'tables'}",
                    entry.path if isinstance(entry, DataFile) else entry, shown)
    if study.data_file("kpi") is not None and spec.scorecard is None:
        raise InputError("key 'data.kpi' needs 'scorecard': the indicators, their groups, "
                         "directions and targets", file=shown)
    if spec.scorecard is not None:
        ids = [i.id for i in spec.scorecard.indicators]
        if len(set(ids)) != len(ids):
            raise InputError("key 'scorecard.indicators' names an indicator twice", file=shown)
        weights = spec.scorecard.weights
        if any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
            raise InputError("key 'scorecard.weights': weights must be non-negative and not "
                             "all zero", file=shown)
        for ind in spec.scorecard.indicators:
            if ind.group not in weights:
                raise InputError(f"key 'scorecard.weights' gives no weight to the group "
                                 f"{ind.group!r} of indicator {ind.id!r}", file=shown)
            if ind.worst is not None and ind.worst == ind.target:
                raise InputError(f"key 'scorecard.indicators': {ind.id!r} has worst equal to "
                                 "target", file=shown)
            if ind.worst is not None and (ind.worst > ind.target) != (ind.direction == "cost"):
                better = "below" if ind.direction == "cost" else "above"
                raise InputError(f"key 'scorecard.indicators': {ind.id!r} is a "
                                 f"{ind.direction} indicator, so its target must lie {better} "
                                 f"its worst value", file=shown)
            if ind.worst is None and ind.target <= 0:
                raise InputError(f"key 'scorecard.indicators': {ind.id!r} needs a positive "
                                 "target, or a 'worst' value to scale between", file=shown)
    dims = study.instrument.dimension_ids
    for category, dim in spec.complaints.categories.items():
        if dim not in dims:
            raise InputError(f"key 'complaints.categories': {category!r} is linked to "
                             f"{dim!r}, not a dimension of the instrument ({', '.join(dims)})",
                             file=shown)
    for key in ("complaints.satisfaction_scale", "maturity.scale"):
        scale = spec.complaints.satisfaction_scale if key.startswith("c") else spec.maturity.scale
        if not scale.min < scale.max:
            raise InputError(f"key {key!r}: min must be below max", file=shown)
