"""Questionnaires: items, the dimensions they measure, and their wording.

A built-in instrument is a YAML file beside this module (``servqual22.yml``);
a study can define its own in the study file with the same fields.  Both end
up as an :class:`Instrument`.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import yaml

from sqmreport._validation import InputError

__all__ = ["Dimension", "Instrument", "Item", "BUILT_IN", "load_instrument"]

BUILT_IN = ("servqual22", "servqual22-1988")


@dataclass(frozen=True)
class Dimension:
    """A dimension of the instrument.

    Attributes
    ----------
    id : str
        Key used in tables (``reliability``).
    names : dict of str to str
        Display name by language (``{"zh": "可靠性", "en": "Reliability"}``).
    """

    id: str
    names: dict

    def name(self, language: str) -> str:
        return _pick(self.names, language, self.id)


@dataclass(frozen=True)
class Item:
    """One question of the instrument.

    Attributes
    ----------
    id : str
        Item number or code; it fills ``{item}`` in the study's column patterns.
    dimension : str
        The :attr:`Dimension.id` the item belongs to.
    labels : dict
        Short display label by language.
    wording : dict
        Full question text by form (``expectation``, ``perception``) and language.
    reverse : bool
        Negatively worded: reverse-coded before any analysis.
    """

    id: str
    dimension: str
    labels: dict
    wording: dict
    reverse: bool = False

    def label(self, language: str) -> str:
        return _pick(self.labels, language, self.id)


@dataclass(frozen=True)
class Instrument:
    """A questionnaire: its dimensions in order and its items in order."""

    name: str
    titles: dict
    dimensions: tuple[Dimension, ...]
    items: tuple[Item, ...]

    def title(self, language: str) -> str:
        return _pick(self.titles, language, self.name)

    @property
    def dimension_ids(self) -> list[str]:
        return [d.id for d in self.dimensions]

    @property
    def item_ids(self) -> list[str]:
        return [i.id for i in self.items]

    @property
    def reversed_items(self) -> list[str]:
        """Items the instrument itself marks as negatively worded."""
        return [i.id for i in self.items if i.reverse]

    def items_of(self, dimension: str) -> list[str]:
        """Item ids of one dimension, in instrument order."""
        return [i.id for i in self.items if i.dimension == dimension]

    def dimension_of(self) -> dict[str, str]:
        """Mapping item id -> dimension id."""
        return {i.id: i.dimension for i in self.items}

    def dimension(self, dimension_id: str) -> Dimension:
        return next(d for d in self.dimensions if d.id == dimension_id)


def _pick(texts: dict, language: str, default: str) -> str:
    if not texts:
        return default
    return texts.get(language) or texts.get("en") or next(iter(texts.values()))


def _texts(value) -> dict:
    """A text given either as one string or as ``{zh: ..., en: ...}``."""
    if value is None:
        return {}
    if isinstance(value, str):
        return {"zh": value, "en": value}
    return {str(k): str(v) for k, v in value.items()}


def load_instrument(spec, *, source: str = "study file") -> Instrument:
    """Build an :class:`Instrument` from a built-in name or a mapping.

    Parameters
    ----------
    spec : str or mapping
        ``"servqual22"`` (the 1991 wording, all items positive), ``"servqual22-1988"``
        (the 1988 wording: items 10-13 and 18-22 negative, so reverse-coded), or a
        mapping with ``dimensions`` (id -> name or ``{zh, en}`` names) and ``items``
        (a list of mappings with ``id``, ``dimension`` and optional ``label``,
        ``expectation``, ``perception``, ``reverse``).
    source : str
        Where ``spec`` came from, for error messages.

    Raises
    ------
    InputError
        For an unknown built-in name, an item without a known dimension,
        a duplicated item id or a dimension without items.
    """
    if isinstance(spec, str):
        if spec not in BUILT_IN:
            raise InputError(f"unknown instrument {spec!r}; built-in instruments: "
                             f"{', '.join(BUILT_IN)}, or define one with dimensions and items",
                             file=source)
        name = spec
        text = resources.files(__package__).joinpath("servqual22.yml").read_text(encoding="utf-8")
        spec = yaml.safe_load(text)
        source = f"{spec['name']}.yml"
        if name == "servqual22-1988":
            negative = set(spec["negative_in_1988"])
            spec["name"] = name
            spec["items"] = [{**item, "reverse": item["id"] in negative} for item in spec["items"]]

    dimensions = tuple(Dimension(str(k), _texts(v)) for k, v in spec["dimensions"].items())
    known = {d.id for d in dimensions}
    items, seen = [], set()
    for raw in spec["items"]:
        item_id = str(raw["id"])
        if item_id in seen:
            raise InputError(f"item {item_id!r} is defined twice in the instrument", file=source)
        seen.add(item_id)
        dim = str(raw["dimension"])
        if dim not in known:
            raise InputError(f"item {item_id!r} names dimension {dim!r}, which the instrument "
                             f"does not define (dimensions: {', '.join(sorted(known))})",
                             file=source)
        wording = {form: _texts(raw.get(form)) for form in ("expectation", "perception")
                   if raw.get(form)}
        items.append(Item(item_id, dim, _texts(raw.get("label")) or {"en": item_id}, wording,
                          bool(raw.get("reverse", False))))
    empty = [d.id for d in dimensions if not any(i.dimension == d.id for i in items)]
    if empty:
        raise InputError(f"dimension {empty[0]!r} has no items", file=source)
    return Instrument(str(spec.get("name", "custom")), _texts(spec.get("title")),
                      dimensions, tuple(items))
