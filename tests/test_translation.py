"""Every word of a page in the page's language: no untranslated data values, keys or headers.

The demo is built in English and in Chinese, with a small English study whose segment values
are Chinese (translated by the study file) and one of whose items is worded only in Chinese.

How a page's Chinese text is told apart from an untranslated value: a run of CJK characters on
an English page is the study's own text when the study gave it itself and gave nothing else,
that is when it is part of

- a *value* in the study file (an item's or a dimension's wording, a title, a label): a
  mapping's *keys* are the raw data values the study translates (``values: {内科: Internal
  medicine}``), so they are not the study's text for the page;
- a free-text or name column of a data file: the survey's comment column; every text column of
  the other files (complaint texts and categories, indicator, area and practice names) except
  the vocabulary the report translates itself (``unit``, ``direction``, ``kind``).

Anything else in Chinese on an English page (a segment value, a unit, a word of the report) is
a leak.  On both languages' pages a ``snake_case`` word that no locale text of that language and
no study text contains is a raw key (a column header such as ``rmsea_ci_low``).
"""

from __future__ import annotations

import html
import re
from importlib import resources

import pandas as pd
import pytest
import yaml

from .conftest import DEMO
from .test_gallery import Shape
from .test_gallery import write_study as write_gallery_study

pytestmark = pytest.mark.e2e  # builds the demo twice and a small study (about two minutes)

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
VOCABULARY = {"unit", "direction", "kind"}  # data columns whose words the report translates


def _values(node):
    """The study file's texts: mapping values and list items, never mapping keys."""
    if isinstance(node, dict):
        for value in node.values():
            yield from _values(value)
    elif isinstance(node, list):
        for value in node:
            yield from _values(value)
    elif isinstance(node, str):
        yield node


def own_texts(study) -> str:
    """Every text the study gives itself (see the module's docstring), one per line."""
    spec = yaml.safe_load(study.read_text(encoding="utf-8"))
    texts = list(_values({k: v for k, v in spec.items() if k != "data"}))
    for key, name in spec["data"].items():
        if not isinstance(name, str) or not name.endswith(".csv"):
            continue
        frame = pd.read_csv(study.parent / name, dtype=str, encoding="utf-8-sig")
        if key == "survey":
            columns = [spec["comments"]] if spec.get("comments") else []
        else:
            columns = [c for c in frame.columns if c not in VOCABULARY]
        for column in columns:
            texts += frame[column].dropna().tolist()
    return "\n".join(texts)


def visible(page) -> str:
    """A page's text as a reader sees it, without the provenance footer (file names, hashes)."""
    source = page.read_text(encoding="utf-8")
    source = re.sub(r"<(style|script)\b.*?</\1>", "", source, flags=re.S)
    source = re.sub(r'src="data:[^"]*"', "", source)
    text = html.unescape(re.sub(r"<[^>]+>", "\n", source))
    from sqmreport.present.i18n import text as words

    for language in ("zh", "en"):
        text = text.split(f"\n{words(language, 'footer.provenance')}\n")[0]
    return text


def _locale_text(language: str) -> str:
    source = resources.files("sqmreport.present").joinpath("locales", f"{language}.yml")
    return "\n".join(str(v) for v in _values(yaml.safe_load(source.read_text("utf-8"))))


def small_study(folder):
    """An English study whose segment values are Chinese (labelled in English by the study)
    and whose first item is worded in Chinese only."""
    path = write_gallery_study(folder, Shape("small-en", [3, 3], (1, 5), language="en",
                                             recommend=False, comments=True))
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec["instrument"]["items"][0]["label"] = "服务台的指示清楚"
    survey = pd.read_csv(folder / "survey.csv")
    survey["region"] = survey["region"].map({"North": "北区", "South": "南区", "East": "东区"})
    survey.to_csv(folder / "survey.csv", index=False)
    spec["segments"] = [{"column": "region", "label": "Region",
                         "values": {"北区": "North", "南区": "South", "东区": "East"}}]
    spec.update(respondent="patient", sector="healthcare")
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from sqmreport.build.render import build_studies

    root = tmp_path_factory.mktemp("translation")
    studies = {"demo-en": DEMO / "study-en.yml", "demo": DEMO / "study.yml",
               "small-en": small_study(root / "small")}
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)  # a batch builds each study into reports/<name> of the working folder
        build_studies(list(studies.values()))
    return {name: (study, sorted((root / "reports" / name).glob("*.html")))
            for name, study in studies.items()}


def test_own_texts_keep_the_study_file_values_not_its_keys(tmp_path):
    study = small_study(tmp_path)
    own = own_texts(study)
    assert "服务台的指示清楚" in own and "Region" in own and "北区" not in own


def test_english_pages_have_no_chinese_the_study_did_not_give(built):
    for name in ("demo-en", "small-en"):
        study, pages = built[name]
        own = own_texts(study)
        assert len(pages) == 4, name  # three reports and the index
        for page in pages:
            leaks = sorted({run for run in CJK.findall(visible(page)) if run not in own})
            assert leaks == [], (name, page.name, leaks)
    # The study's own Chinese wording is shown as given (not dropped to pass the test).
    _, pages = built["small-en"]
    assert "服务台的指示清楚" in visible(next(p for p in pages if p.name == "satisfaction.html"))


def test_no_page_shows_a_raw_key(built):
    for name, (study, pages) in built.items():
        language = "en" if name.endswith("-en") else "zh"
        allowed = _locale_text(language) + own_texts(study)
        for page in pages:
            keys = sorted({w for w in SNAKE.findall(visible(page)) if w not in allowed})
            assert keys == [], (name, page.name, keys)
