"""The reports' words: the Chinese and English catalogues say the same things."""

import re
from importlib import resources

import pytest
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


# -- numbers and the respondent noun in sentences (issue 13) --------------------------------

_FIELD = re.compile(r"\{(\w+)(?::([^{}]*))?\}")


def test_no_text_formats_a_number_with_a_python_format_spec():
    # Every number in a sentence names a kind of the one formatter (format_number), as a table
    # column does: "{share:.0f}%" gave 35% in a sentence beside 35.5% in the table.
    from sqmreport.present.formatting import KINDS

    allowed = set(KINDS) | {"pct", "", "plural", "Singular", "Plural", "a", "A"}
    raw = [(language, key, field.group(0))
           for language in ("zh", "en") for key, value in _catalogue(language).items()
           for field in _FIELD.finditer(str(value))
           if not (field.group(2) or "").startswith("~") and (field.group(2) or "") not in allowed]
    assert raw == []


# The concept "internal customer" (a department served by another) is a name, not the respondents.
_CUSTOMER_CONCEPT = {"tracking_groups.satisfaction", "gap_sectors.internal.gap3.actions"}


def test_no_text_names_the_respondents_customers():
    for language, word in (("zh", r"顾客|客户"), ("en", r"(?i)customer")):
        named = [k for k, v in _catalogue(language).items()
                 if re.search(word, str(v)) and k not in _CUSTOMER_CONCEPT]
        assert named == [], language


@pytest.mark.parametrize("respondent, zh, en", [
    ("patient", "患者满意度报告", "Patient satisfaction report"),
    ("passenger", "乘客满意度报告", "Passenger satisfaction report"),
    ("employee", "员工满意度报告", "Employee satisfaction report"),
    ({"zh": "群众", "en": "resident|residents"}, "群众满意度报告", "Resident satisfaction report"),
    ({"en": "visitor|visitors"}, "受访者满意度报告", "Visitor satisfaction report"),
    (None, "顾客满意度报告", "Customer satisfaction report"),
])
def test_the_study_names_its_respondents(respondent, zh, en):
    from sqmreport.present.i18n import text

    assert text("zh", "reports.satisfaction", respondent=respondent or "customer") == zh
    assert text("en", "reports.satisfaction", respondent=respondent or "customer") == en


def test_respondent_forms_and_articles():
    from sqmreport.present.i18n import Noun, respondent_noun, set_respondent, text

    assert [format(Noun("en", "employee"), f) for f in ("", "plural", "Singular", "Plural", "a", "A")] \
        == ["employee", "employees", "Employee", "Employees", "an employee", "An employee"]
    assert format(Noun("en", "user"), "a") == "a user"
    assert format(Noun("en", {"en": "family member|family members"}), "plural") == "family members"
    assert format(Noun("en", {"en": "party"}), "plural") == "parties"
    assert {format(Noun("zh", "citizen"), f) for f in ("", "plural", "a")} == {"市民"}
    with pytest.raises(ValueError, match="unknown form"):
        format(Noun("en", "patient"), "plurals")
    # The Report sets the study's noun; every text then uses it without being passed it.
    try:
        set_respondent("patient")
        assert str(respondent_noun("zh")) == "患者"
        assert text("en", "notes.no_comments") == "No patient wrote a comment."
        assert text("zh", "notes.no_comments") == "没有患者填写意见。"
    finally:
        set_respondent(None)
    assert text("en", "notes.no_comments") == "No customer wrote a comment."
