"""The reports' words, in Chinese and English, kept in ``locales/{zh,en}.yml``."""

from __future__ import annotations

import numbers
import re
import string
from collections.abc import Mapping
from functools import cache
from importlib import resources

import yaml

from sqmreport.present.formatting import KINDS, format_number

__all__ = ["LOCALE_FILES", "MissingText", "Noun", "has_text", "respondent_noun", "set_respondent",
           "text"]

LOCALE_FILES = "sqmreport/present/locales/zh.yml and sqmreport/present/locales/en.yml"


class MissingText(KeyError):
    """A text the locale files do not have.

    A :class:`KeyError` (code that looks texts up may catch it as one) whose message
    names the key and both locale files, not just the key.
    """

    def __init__(self, key: str, message: str | None = None):
        super().__init__(message or f"no text {key!r} in {LOCALE_FILES}: add it to both files")
        self.key = key

    def __str__(self) -> str:
        return self.args[0]


@cache
def _catalogue(language: str) -> dict:
    source = resources.files(__package__).joinpath("locales", f"{language}.yml")
    return yaml.safe_load(source.read_text(encoding="utf-8"))


def _lookup(language: str, key: str):
    node = _catalogue(language)
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise MissingText(key)
        node = node[part]
    return node


def has_text(language: str, key: str) -> bool:
    try:
        _lookup(language, key)
    except KeyError:
        return False
    return True


# Who answered, in each language: the study file's ``respondent`` (a known kind, or a text
# per language, English as "singular|plural").
NOUNS = {
    "customer": ("顾客", "customer|customers"), "patient": ("患者", "patient|patients"),
    "passenger": ("乘客", "passenger|passengers"), "citizen": ("市民", "citizen|citizens"),
    "guest": ("宾客", "guest|guests"), "student": ("学生", "student|students"),
    "client": ("客户", "client|clients"), "resident": ("居民", "resident|residents"),
    "user": ("用户", "user|users"), "member": ("会员", "member|members"),
    "employee": ("员工", "employee|employees"),
}
_GENERIC = ("受访者", "respondent|respondents")  # a language the study's own noun does not give


class Noun:
    """The study's word for its respondents, written by the format spec of its placeholder:
    ``{respondent}`` "patient", ``{respondent:plural}`` "patients", ``{respondent:Singular}``
    "Patient", ``{respondent:Plural}`` "Patients", ``{respondent:a}`` "a patient" (Chinese
    has one form for all: 患者).

    >>> f"{Noun('en', 'employee'):a}, {Noun('en', 'citizen'):Plural}, {Noun('zh', 'passenger'):plural}"
    'an employee, Citizens, 乘客'
    """

    def __init__(self, language: str, respondent=None):
        if isinstance(respondent, Mapping):
            given = respondent.get(language)
            word = given if given and given.strip() else _GENERIC[language == "en"]
        else:
            word = NOUNS.get(respondent or "customer", NOUNS["customer"])[language == "en"]
        one, _, many = word.strip().partition("|")
        self.language, self.one = language, one.strip()
        self.many = many.strip() or (self.one if language == "zh" else _plural(self.one))

    def __format__(self, spec: str) -> str:
        forms = {"": self.one, "plural": self.many, "Singular": _upper(self.one),
                 "Plural": _upper(self.many), "a": self.one, "A": _upper(self.one)}
        if spec not in forms:
            raise ValueError(f"unknown form {spec!r} of the respondent noun: use one of "
                             f"{', '.join(repr(f) for f in forms)}")
        word = forms[spec]
        if self.language == "en" and spec in ("a", "A"):
            article = "an" if self.one[:1].lower() in "aeio" else "a"
            return f"{article.title() if spec == 'A' else article} {self.one}"
        return word

    def __str__(self) -> str:
        return self.one


def _plural(word: str) -> str:
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in tuple("aeiou"):
        return word[:-1] + "ies"
    return word + "s"


def _upper(word: str) -> str:
    return word[:1].upper() + word[1:]


_RESPONDENT: list = [None]  # the study of the report being written (set by its Report)


def set_respondent(respondent) -> None:
    """Set the respondent noun every text uses: the study file's ``respondent`` (a kind,
    a dict of one text per language, or None for customers).  The report's
    :class:`~sqmreport.present.report.Report` sets it for its study, so every view's
    texts name the study's respondents without being passed the noun."""
    _RESPONDENT[0] = respondent


def respondent_noun(language: str, respondent=None) -> Noun:
    """The noun of ``respondent`` (None: the one :func:`set_respondent` set) in ``language``."""
    return Noun(language, _RESPONDENT[0] if respondent is None else respondent)


def text(language: str, key: str, **values) -> str:
    """The text stored under a dotted ``key``, formatted with ``values``.

    Raises
    ------
    MissingText
        When neither locale file has ``key`` (a :class:`KeyError` naming both files).

    Numbers are written as the tables write them: a negative number with a true minus
    sign (U+2212), and a number that rounds to zero without a sign ("0.00", never "−0.00"
    or "+0.00").

    Examples
    --------
    >>> text("en", "quadrants.improve")
    'Improve first'
    >>> text("en", "gap_findings.worst_dimension", dimension="Empathy", gap=-0.594, share=0.832)
    'The largest shortfall is in Empathy (gap −0.59; 83.2% of respondents below expectation).'
    >>> text("en", "gap_findings.low_reliability", n=1)
    'In 1 dimension the gap score is of low reliability: read SERVPERF there.'

    A number's placeholder names its kind (:func:`~sqmreport.present.formatting.format_number`),
    as a table column does: ``{gap:gap}`` "−0.59", ``{nps:nps}`` "+13", ``{share:percent}``
    (a share 0-1) "83.2%", ``{share:pct}`` (already in percent) "83.2%"; a count with its
    noun ``{n:~item|items}``.  ``{respondent}`` (``:plural``, ``:Singular``, ``:Plural``,
    ``:a``) is the study's respondent noun (:func:`set_respondent`), unless ``values``
    give another.
    """
    value = _lookup(language, key)
    if not isinstance(value, str):
        return value
    if "respondent" in values and not isinstance(values["respondent"], Noun):
        values["respondent"] = respondent_noun(language, values["respondent"])
    elif "{respondent" in value:
        values.setdefault("respondent", respondent_noun(language))
    return _NUMBERS.format(value, **values) if values else value


class _Numbers(string.Formatter):
    """``str.format`` with a true minus sign and no signed zero in formatted numbers, and
    counted nouns: ``{n:~factor|factors}`` is "1 factor", "3 factors"."""

    def format_field(self, value, format_spec: str) -> str:
        if format_spec.startswith("~"):
            one, many = format_spec[1:].split("|", 1)
            shown = (format_number(value, "count") if isinstance(value, numbers.Real)
                     and not isinstance(value, bool) else self.format_field(value, ""))
            return f"{shown} {one if value == 1 else many}"
        if format_spec in KINDS:
            return format_number(value, format_spec)
        if format_spec == "pct":  # a percentage already multiplied by 100
            return format_number(None if value is None else value / 100, "percent")
        shown = super().format_field(value, format_spec)
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            return shown
        if _ZERO.fullmatch(shown):
            return shown.lstrip("+-")
        return shown.replace("-", "\u2212", 1) if shown.startswith("-") else shown


_NUMBERS = _Numbers()
_ZERO = re.compile(r"[+-]?0*(\.0*)?(%|e[+-]?\d+)?")
