"""The reports' words: the Chinese and English catalogues say the same things."""

import re
from importlib import resources

import yaml


def _flat(node, prefix=""):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            out.update(_flat(value, f"{prefix}{key}."))
        return out
    return {prefix[:-1]: node}


def _catalogue(language):
    text = resources.files("sqmreport.present").joinpath("locales", f"{language}.yml").read_text("utf-8")
    return _flat(yaml.safe_load(text))


def test_both_languages_have_the_same_keys_and_placeholders():
    zh, en = _catalogue("zh"), _catalogue("en")
    assert sorted(set(zh) ^ set(en)) == []
    placeholders = re.compile(r"\{(\w+)")
    differ = [k for k in zh if set(placeholders.findall(str(zh[k])))
              != set(placeholders.findall(str(en[k])))]
    assert differ == []


class _Unique(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice in one mapping (plain YAML keeps the last)."""


def _mapping(loader, node, deep=False):
    keys = [loader.construct_object(k, deep=deep) for k, _ in node.value]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise AssertionError(f"line {node.start_mark.line + 1}: {', '.join(map(str, twice))} given twice")
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


_Unique.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def test_no_text_is_given_twice():
    for language in ("zh", "en"):
        source = resources.files("sqmreport.present").joinpath("locales", f"{language}.yml")
        yaml.load(source.read_text("utf-8"), Loader=_Unique)
