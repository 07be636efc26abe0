"""A gallery of study shapes: every sentence of every page must be true for its study.

Studies of one, two, five and eight dimensions, on 1-5, 1-7, 0-10 and 1-100 scales, with and
without expectations, overall satisfaction, a recommend question, segments and comments,
are built with every report they allow; each page's text is then scanned for what would be
false, or foreign, for that study: counts of dimensions it does not have, a comparison of a
thing with itself, sections for data it does not have, internal names, raw placeholders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
import yaml

NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
                8: "eight", 9: "nine", 10: "ten"}
ZH_NUMBERS = "一二三四五六七八九十"


@dataclass
class Shape:
    name: str
    dims: list
    scale: tuple = (1, 7)
    language: str = "en"
    expectation: bool = True
    overall: bool = True
    recommend: bool = True
    segments: bool = True
    comments: bool = False
    reports: list = field(default_factory=list)


SHAPES = [
    Shape("one", [12], (1, 5), recommend=False, segments=False),
    Shape("two", [4, 4], (1, 7), language="zh", overall=False),
    Shape("five", [3, 4, 5, 4, 4], (1, 7), comments=True),
    Shape("eight", [3] * 8, (0, 10), language="zh", comments=True),
    Shape("hundred", [3, 3, 3], (1, 100), expectation=False, recommend=False),
]


def write_study(folder, shape: Shape, n: int = 150, seed: int = 1):
    """A survey of ``shape`` with a common factor, dimension factors and noise."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    lo, hi = shape.scale
    items, dimensions = [], {}
    frame = pd.DataFrame({"id": range(1, n + 1)})
    common = rng.normal(0, 1, n)
    k = 0
    for d, count in enumerate(shape.dims):
        dim = f"d{d + 1}"
        dimensions[dim] = {"en": f"Aspect {chr(65 + d)}", "zh": f"方面{chr(65 + d)}"}
        own = rng.normal(0, 0.6, n)
        for _ in range(count):
            k += 1
            items.append({"id": f"q{k}", "dimension": dim,
                          "label": {"en": f"Statement {k}", "zh": f"陈述{k}"}})
            base, sd = lo + (hi - lo) * 0.65, (hi - lo) / 6
            p = base + sd * (common + own + rng.normal(0, 0.7, n)) - (hi - lo) * 0.03 * (k % 4)
            frame[f"P_q{k}"] = np.clip(np.rint(p), lo, hi).astype(int)
            if shape.expectation:
                e = base + (hi - lo) * 0.08 + sd * (0.5 * common + rng.normal(0, 0.7, n))
                frame[f"E_q{k}"] = np.clip(np.rint(e), lo, hi).astype(int)
    spec = {"name": shape.name, "title": f"Gallery {shape.name}", "language": shape.language,
            "data": {"survey": "survey.csv"}, "respondent_id": "id",
            "instrument": {"dimensions": dimensions, "items": items},
            "columns": {"perception": "P_{item}",
                        **({"expectation": "E_{item}"} if shape.expectation else {})},
            "scale": {"min": lo, "max": hi}}
    if shape.overall:
        frame["overall"] = np.clip(np.rint(3 + common + rng.normal(0, 0.6, n)), 1, 5).astype(int)
        spec["overall"] = {"column": "overall", "scale": {"min": 1, "max": 5}}
    if shape.recommend:
        frame["nps"] = np.clip(np.rint(7 + 1.5 * common + rng.normal(0, 1, n)), 0, 10).astype(int)
        spec["recommend"] = "nps"
    if shape.segments:
        frame["region"] = rng.choice(["North", "South", "East"], size=n, p=[0.45, 0.4, 0.15])
        spec["segments"] = ["region"]
    if shape.comments:
        frame["comment"] = rng.choice(["", "Quick and kind", "Too slow at the desk"], size=n)
        spec["comments"] = "comment"
    spec["reports"] = shape.reports or (["satisfaction", "gap_model", "factor_analysis"]
                                        if shape.expectation else ["satisfaction", "factor_analysis"])
    frame.to_csv(folder / "survey.csv", index=False)
    (folder / "study.yml").write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False),
                                      encoding="utf-8")
    return folder / "study.yml"


class _Text(HTMLParser):
    """The visible text of a page: headings and paragraphs, tables as rows of cells."""

    def __init__(self):
        super().__init__()
        self.parts, self.skip, self.headings, self.rows, self._row = [], 0, [], [], None

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.skip += 1
        if tag == "table":
            self.rows.append([])
        if tag == "tr":
            self._row = []
        if tag in ("h2", "h3"):
            self.headings.append("")

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.skip -= 1
        if tag == "tr" and self._row is not None:
            if self.rows:
                self.rows[-1].append(self._row)
            self._row = None
        if tag in ("p", "li", "h2", "h3", "td", "th", "figcaption", "dd", "dt"):
            self.parts.append("\n")

    def handle_data(self, data):
        if self.skip:
            return
        self.parts.append(data)
        if self._row is not None and data.strip():
            self._row.append(data.strip())
        if self.headings and self.lasttag in ("h2", "h3"):
            self.headings[-1] += data


def _page(path):
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    text = re.sub(r"[ \t]+", " ", "".join(parser.parts))
    return text, parser.headings, parser.rows


@pytest.fixture(scope="module")
def gallery(tmp_path_factory):
    from sqmreport.build.render import build_studies

    root = tmp_path_factory.mktemp("gallery")
    studies = {s.name: write_study(root / s.name, s) for s in SHAPES}
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)  # a batch builds each study into reports/<name> of the working folder
        build_studies(list(studies.values()))
    return {s.name: (s, root / "reports" / s.name) for s in SHAPES}


def _pages(gallery):
    for shape, folder in gallery.values():
        for page in sorted(folder.glob("*.html")):
            text, headings, rows = _page(page)
            yield shape, page.name, text, headings, rows


def test_every_shape_builds_every_report_it_allows(gallery):
    for shape, folder in gallery.values():
        built = {p.stem for p in folder.glob("*.html")} - {"index"}
        expected = {"satisfaction", "factor_analysis"} | ({"gap_model"} if shape.expectation else set())
        assert built == expected, shape.name


def test_no_page_counts_dimensions_the_study_does_not_have(gallery):
    # "the five dimensions", "what the 8 dimensions explain", "the instrument has 5 dimensions"
    for shape, page, text, _, _ in _pages(gallery):
        k = len(shape.dims)
        for n, word in NUMBER_WORDS.items():
            if n != k:
                claim = rf"\b(the|has|of) ({word}|{n}) dimensions?\b|\b({word}|{n}) dimension gaps\b"
                assert not re.search(claim, text, re.I), (shape.name, page, word)
        for i, word in enumerate(ZH_NUMBERS, start=1):
            if i != k:
                assert f"{word}个维度" not in text, (shape.name, page, word)


def test_no_sentence_compares_a_thing_with_itself(gallery):
    for shape, page, text, _, _ in _pages(gallery):
        for line in text.split("\n"):
            same = re.search(r"(\S.*?) is rated best \(mean [\d.]+\) and \1 lowest", line)
            assert not same, (shape.name, page, line)
            ranges = re.search(r"from (-?[\d.]+) to \1\b", line) or re.search(r"从 (-?[\d.]+) 到 \1", line)
            assert not ranges, (shape.name, page, line)


def test_no_grammar_of_a_template(gallery):
    for shape, page, text, _, _ in _pages(gallery):
        assert not re.search(r"\b1 (comparisons|items|dimensions|groups|respondents|factors)\b", text), \
            (shape.name, page)
        for leftover in ("{", "}", "the codes none", "编码 无"):
            assert leftover not in text, (shape.name, page, leftover)
        assert not re.search(r"\b(nan|NaN|None|inf)\b", text), (shape.name, page)


def test_no_internal_names_or_sources_in_client_text(gallery):
    for shape, page, text, _, _ in _pages(gallery):
        body = text.split("Provenance")[0].split("数据来源")[0]
        assert not re.search(r"\b(data|columns|analysis)\.[a-z_]+", body), (shape.name, page)
        assert not re.search(r"seed 0\d\d|\d{3} 号资料|§", body), (shape.name, page)


def test_sections_only_for_data_the_study_has(gallery):
    absent = {"recommend": ("Net Promoter Score", "净推荐值"),
              "segments": ("Differences between customer groups", "不同顾客群体的差异"),
              "comments": ("In the customers' own words", "顾客原话")}
    for shape, page, _, headings, _ in _pages(gallery):
        if page != "satisfaction.html":
            continue
        for attribute, titles in absent.items():
            if not getattr(shape, attribute):
                assert not set(h.strip() for h in headings) & set(titles), (shape.name, attribute)


def test_no_table_is_all_dashes(gallery):
    for shape, page, _, _, tables in _pages(gallery):
        for table in tables:
            body = [row[1:] for row in table[1:] if len(row) > 1]  # without header and labels
            cells = [c for row in body for c in row]
            assert not cells or not all(c in ("—", "-") for c in cells), (shape.name, page, table)
