"""The reports' words, in Chinese and English, kept in ``locales/{zh,en}.yml``."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

__all__ = ["text", "has_text"]


@cache
def _catalogue(language: str) -> dict:
    source = resources.files(__package__).joinpath("locales", f"{language}.yml")
    return yaml.safe_load(source.read_text(encoding="utf-8"))


def _lookup(language: str, key: str):
    node = _catalogue(language)
    for part in key.split("."):
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

    Examples
    --------
    >>> text("en", "quadrants.improve")
    'Improve first'
    """
    value = _lookup(language, key)
    return value.format(**values) if values else value
