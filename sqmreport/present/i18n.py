"""The reports' words, in Chinese and English, kept in ``locales/{zh,en}.yml``."""

from __future__ import annotations

import numbers
import re
import string
from functools import cache
from importlib import resources

import yaml

__all__ = ["LOCALE_FILES", "MissingText", "has_text", "text"]

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
    >>> text("en", "gap_findings.worst_dimension", dimension="Empathy", gap=-0.594, share=83.2)
    'The largest shortfall is in Empathy (gap −0.59; 83% of respondents below expectation).'
    >>> text("en", "gap_findings.low_reliability", n=1)
    'In 1 dimension the gap score is of low reliability: read SERVPERF there.'
    """
    value = _lookup(language, key)
    return _NUMBERS.format(value, **values) if values else value


class _Numbers(string.Formatter):
    """``str.format`` with a true minus sign and no signed zero in formatted numbers, and
    counted nouns: ``{n:~factor|factors}`` is "1 factor", "3 factors"."""

    def format_field(self, value, format_spec: str) -> str:
        if format_spec.startswith("~"):
            one, many = format_spec[1:].split("|", 1)
            return f"{self.format_field(value, '')} {one if value == 1 else many}"
        shown = super().format_field(value, format_spec)
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            return shown
        if _ZERO.fullmatch(shown):
            return shown.lstrip("+-")
        return shown.replace("-", "\u2212", 1) if shown.startswith("-") else shown


_NUMBERS = _Numbers()
_ZERO = re.compile(r"[+-]?0*(\.0*)?(%|e[+-]?\d+)?")
