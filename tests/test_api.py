"""The curated public API: ``import sqmreport as sq``.

Every public name resolves and is documented; the statistics take data first and
options by keyword, with one name per option; no statistic returns a bare tuple or dict;
``docs/api.md`` lists every name.
"""

from __future__ import annotations

import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sqmreport as sq
from sqmreport import InputError
from sqmreport.stats import _options

ROOT = Path(__file__).resolve().parents[1]
STATS_MODULES = ["cfa", "complaints", "descriptives", "disclosure", "drivers", "efa", "gaps",
                 "grey", "maturity", "reliability", "scorecard", "servqual", "validity", "waves"]

# Names that once meant one of the agreed options, and must not come back.
RETIRED = {"cor": "correlation", "corr": "correlation", "correction": "p_adjust",
           "adjust": "p_adjust", "use": "missing", "na_action": "missing",
           "level": "confidence", "conf_level": "confidence", "ci": "confidence"}
# Options whose values are fixed vocabularies: name -> the values every function accepts.
VOCABULARY = {"p_adjust": _options.P_ADJUST, "correlation": _options.CORRELATIONS,
              "missing": _options.MISSING}


def _public_stats_functions():
    for module_name in STATS_MODULES:
        module = importlib.import_module(f"sqmreport.stats.{module_name}")
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj) and obj.__module__ == module.__name__:
                yield pytest.param(obj, id=f"{module_name}.{name}")


STATS_FUNCTIONS = list(_public_stats_functions())


@pytest.mark.parametrize("name", sq.__all__)
def test_every_public_name_resolves(name):
    assert getattr(sq, name) is not None
    assert name in dir(sq)


@pytest.mark.parametrize("name", [n for n in sq.__all__ if n != "__version__"])
def test_every_public_name_is_documented(name):
    obj = getattr(sq, name)
    doc = inspect.getdoc(obj) or ""
    assert doc.strip(), f"sq.{name} has no docstring"
    if inspect.isclass(obj):
        if obj.__init__ is not object.__init__:
            assert re.search(r"^(Attributes|Parameters)\n-+$", doc, re.M), \
                f"sq.{name} documents neither its attributes nor its parameters"
    elif inspect.signature(obj).parameters:
        assert re.search(r"^Parameters\n-+$", doc, re.M), f"sq.{name} has no Parameters section"


@pytest.mark.parametrize("function", STATS_FUNCTIONS)
def test_every_statistic_documents_parameters_returns_and_notes_or_examples(function):
    doc = inspect.getdoc(function)
    for section in ("Parameters", "Returns"):
        assert re.search(rf"^{section}\n-+$", doc, re.M), f"{function.__qualname__}: no {section}"
    assert re.search(r"^(Notes|Examples)\n-+$", doc, re.M), \
        f"{function.__qualname__}: neither Notes nor Examples"


def test_unknown_names_are_attribute_errors():
    with pytest.raises(AttributeError, match="no attribute 'fit_eaf'"):
        sq.fit_eaf  # noqa: B018


def test_the_api_is_curated_not_accidental():
    """Only names listed in the API map are public: nothing leaks from the subpackages."""
    assert set(sq.__all__) == {"InputError", "__version__", *sq._API}
    assert {"correlation", "check_positive_definite", "normalise", "rating"}.isdisjoint(sq.__all__)


def test_importing_the_package_loads_no_statistics():
    code = ("import sys, sqmreport; "
            "print(any(m.startswith(('sqmreport.stats', 'pandas', 'scipy')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("path", ["efa.kmo", "efa.bartlett", "efa.fit_efa",
                                  "reliability.cronbach_alpha", "cfa.fit_cfa"])
def test_the_names_promised_in_0_1_keep_working(path):
    module, name = path.split(".")
    stats_module = importlib.import_module(f"sqmreport.stats.{module}")
    assert getattr(getattr(sq, module), name) is getattr(stats_module, name)
    assert getattr(importlib.import_module(f"sqmreport.{module}"), name) is getattr(stats_module, name)


@pytest.mark.parametrize("function", STATS_FUNCTIONS)
def test_options_after_the_data_are_keyword_only(function):
    """Data first; every parameter with a default, and every agreed option, is keyword-only."""
    for p in inspect.signature(function).parameters.values():
        if p.default is not inspect.Parameter.empty or p.name in VOCABULARY or p.name == "confidence":
            assert p.kind is inspect.Parameter.KEYWORD_ONLY, \
                f"{function.__qualname__}: option `{p.name}` must be keyword-only"


@pytest.mark.parametrize("function", STATS_FUNCTIONS)
def test_no_statistic_returns_a_bare_tuple_or_dict(function):
    annotation = inspect.signature(function).return_annotation
    assert annotation is not inspect.Signature.empty, f"{function.__qualname__} has no return annotation"
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))
    assert not re.match(r"(tuple|dict|Tuple|Dict)\b", text), \
        f"{function.__qualname__} returns {text}: use a frozen dataclass"


@pytest.mark.parametrize("function", STATS_FUNCTIONS)
def test_option_names_are_from_the_agreed_vocabulary(function):
    parameters = inspect.signature(function).parameters
    for name in parameters:
        assert name not in RETIRED, \
            f"{function.__qualname__}: `{name}` is spelled `{RETIRED[name]}` across the package"
    if "method" in parameters:  # only the EFA's extraction method is called `method`
        assert function.__name__ == "fit_efa"
    for name, values in VOCABULARY.items():
        if name in parameters and parameters[name].default is not inspect.Parameter.empty:
            assert parameters[name].default in values
    if "confidence" in parameters:
        assert parameters["confidence"].default == 0.95


def test_result_classes_are_frozen_and_documented_field_by_field():
    import dataclasses

    for module_name in STATS_MODULES:
        module = importlib.import_module(f"sqmreport.stats.{module_name}")
        for name in module.__all__:
            cls = getattr(module, name)
            if not (inspect.isclass(cls) and dataclasses.is_dataclass(cls)):
                continue
            assert cls.__dataclass_params__.frozen, f"{name} is not frozen"
            doc = inspect.getdoc(cls)
            section = doc.split("Attributes\n----------", 1)[1]
            for field in dataclasses.fields(cls):
                assert re.search(rf"^{field.name}\b|, {field.name}\b", section, re.M), \
                    f"{name}.{field.name} is not documented"


# -- options are checked at the boundary, with the option named ---------------------------

E = pd.DataFrame({"1": [6, 7, 6, 7, 5], "2": [7, 6, 6, 5, 6]}, dtype=float)
P = pd.DataFrame({"1": [5, 6, 6, 5, 6], "2": [6, 6, 4, 5, 5]}, dtype=float)
ITEMS = pd.DataFrame(np.random.default_rng(3).integers(1, 6, size=(30, 4)).astype(float),
                     columns=list("abcd"))


@pytest.mark.parametrize("call, option, value", [
    (lambda: sq.adjust_p([0.1, 0.2], p_adjust="fdr"), "p_adjust", "fdr"),
    (lambda: sq.item_gaps(E, P, dimension_of={"1": "d", "2": "d"}, p_adjust="sidak"),
     "p_adjust", "sidak"),
    (lambda: sq.compare_segments(E, pd.DataFrame({"s": list("aabbb")}), p_adjust="BH"),
     "p_adjust", "BH"),
    (lambda: sq.kmo(ITEMS, correlation="spearman"), "correlation", "spearman"),
    (lambda: sq.fit_efa(ITEMS, 1, correlation="kendall"), "correlation", "kendall"),
    (lambda: sq.cronbach_alpha(ITEMS, missing="mean"), "missing", "mean"),
    (lambda: sq.bartlett(ITEMS, missing="complete"), "missing", "complete"),
    (lambda: sq.describe(ITEMS, confidence=95), "confidence", 95),
    (lambda: sq.compare_means(E["1"], P["1"], confidence=1.0), "confidence", 1.0),
    (lambda: sq.crosshair(E["1"], rule="mode"), "rule", "mode"),
    (lambda: sq.analyse_complaints(pd.DataFrame(), period="week"), "period", "week"),
], ids=["adjust_p", "item_gaps", "compare_segments", "kmo", "fit_efa", "cronbach_alpha",
        "bartlett", "describe", "compare_means", "crosshair", "analyse_complaints"])
def test_an_unknown_option_value_names_the_option_and_the_value(call, option, value):
    with pytest.raises(InputError, match=rf"`{option}` must be .*got {re.escape(repr(value))}"):
        call()


def test_p_adjust_none_leaves_p_values_as_they_are():
    assert sq.adjust_p([0.01, np.nan, 0.2], p_adjust="none").tolist()[::2] == [0.01, 0.2]


def test_a_result_that_is_one_row_of_a_table_converts_to_a_dict():
    change = sq.compare_means(P["1"], E["1"])
    row = change.as_dict()
    assert list(row)[:3] == ["current_mean", "previous_mean", "change"]
    assert row["change"] == change.change


# -- docs/api.md ------------------------------------------------------------------------

def test_docs_api_lists_every_public_name():
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    missing = [n for n in sq.__all__ if n != "__version__" and f"`{n}" not in text]
    assert not missing, f"docs/api.md does not mention {', '.join(missing)}"


def test_docs_api_states_each_options_values():
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for values in VOCABULARY.values():
        for value in values:
            assert f'"{value}"' in text
