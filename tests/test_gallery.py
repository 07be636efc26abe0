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
    scale_type: str = "points"
    scales: dict = field(default_factory=dict)  # dimension number (1-based) -> (min, max)
    overall_binary: bool = False
    recommend_scale: tuple | None = None  # None: 0-10


SHAPES = [
    Shape("one", [12], (1, 5), recommend=False, segments=False),
    Shape("two", [4, 4], (1, 7), language="zh", overall=False),
    Shape("five", [3, 4, 5, 4, 4], (1, 7), comments=True),
    Shape("eight", [3] * 8, (0, 10), language="zh", comments=True),
    Shape("hundred", [3, 3, 3], (1, 100), expectation=False, recommend=False),
    # issue 12: a continuous scale, items on two scales, a categorical overall with a
    # recommend question off 0-10, one-item dimensions
    Shape("continuous", [3, 3, 3], (0, 100), scale_type="continuous", expectation=False,
          recommend=False),
    Shape("mixed", [3, 3, 3], (1, 5), scales={2: (1, 100)}, expectation=False, language="zh",
          recommend_scale=(1, 11)),
    Shape("binary", [3, 3, 2], (1, 7), overall_binary=True, recommend_scale=(1, 5)),
    Shape("single", [4, 1, 3, 1], (1, 5), language="zh", overall_binary=True, recommend=False),
]


def write_study(folder, shape: Shape, n: int = 150, seed: int = 1):
    """A survey of ``shape`` with a common factor, dimension factors and noise."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    items, dimensions = [], {}
    frame = pd.DataFrame({"id": range(1, n + 1)})
    common = rng.normal(0, 1, n)
    k = 0
    for d, count in enumerate(shape.dims):
        dim = f"d{d + 1}"
        lo, hi = shape.scales.get(d + 1, shape.scale)
        dimensions[dim] = {"en": f"Aspect {chr(65 + d)}", "zh": f"方面{chr(65 + d)}"}
        own = rng.normal(0, 0.6, n)
        for _ in range(count):
            k += 1
            items.append({"id": f"q{k}", "dimension": dim,
                          "label": {"en": f"Statement {k}", "zh": f"陈述{k}"}})
            base, sd = lo + (hi - lo) * 0.65, (hi - lo) / 6
            p = base + sd * (common + own + rng.normal(0, 0.7, n)) - (hi - lo) * 0.03 * (k % 4)
            whole = shape.scale_type == "points"
            frame[f"P_q{k}"] = (np.clip(np.rint(p), lo, hi).astype(int) if whole
                                else np.clip(p, lo, hi).round(2))
            if shape.expectation:
                e = base + (hi - lo) * 0.08 + sd * (0.5 * common + rng.normal(0, 0.7, n))
                frame[f"E_q{k}"] = (np.clip(np.rint(e), lo, hi).astype(int) if whole
                                    else np.clip(e, lo, hi).round(2))
    spec = {"name": shape.name, "title": f"Gallery {shape.name}", "language": shape.language,
            "data": {"survey": "survey.csv"}, "respondent_id": "id",
            "instrument": {"dimensions": dimensions, "items": items},
            "columns": {"perception": "P_{item}",
                        **({"expectation": "E_{item}"} if shape.expectation else {})},
            "scale": {"min": shape.scale[0], "max": shape.scale[1],
                      **({"type": shape.scale_type} if shape.scale_type != "points" else {})}}
    if shape.scales:
        spec["scales"] = {f"d{d}": {"min": lo, "max": hi} for d, (lo, hi) in shape.scales.items()}
    if shape.overall and shape.overall_binary:
        frame["overall"] = np.where(common + rng.normal(0, 0.6, n) > -0.3, "yes", "no")
        spec["overall"] = {"column": "overall", "satisfied": ["yes"]}
    elif shape.overall:
        frame["overall"] = np.clip(np.rint(3 + common + rng.normal(0, 0.6, n)), 1, 5).astype(int)
        spec["overall"] = {"column": "overall", "scale": {"min": 1, "max": 5}}
    if shape.recommend and shape.recommend_scale:
        lo, hi = shape.recommend_scale
        frame["nps"] = np.clip(np.rint(lo + (hi - lo) * 0.7 + (hi - lo) / 6 * common), lo, hi).astype(int)
        spec["recommend"] = {"column": "nps", "scale": {"min": lo, "max": hi}}
    elif shape.recommend:
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
        build_studies(list(studies.values()), deliverables=["deck"])  # the workbook by default
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


def test_long_and_continuous_scales_have_no_top_2_box(gallery):
    # issue 12: two points of a hundred say nothing; the top box is the top fifth of the range
    for shape, page, _, _, tables in _pages(gallery):
        long = shape.scale_type != "points" or shape.scale[1] - shape.scale[0] + 1 > 11
        if page == "satisfaction.html" and long and not shape.scales:
            items = next(t for t in tables if t and t[0][:2] in (["Item", "Dimension"], ["题项", "维度"]))
            header = " ".join(items[0])
            assert "Top-2-box" not in header and "前两格" not in header, shape.name
            assert re.search(r"Top box \(≥ \d+\)|高分段（≥ \d+）", header), shape.name


def test_nps_only_from_an_11_point_question(gallery):
    for shape, page, text, headings, _ in _pages(gallery):
        if page != "satisfaction.html" or not shape.recommend:
            continue
        scale = shape.recommend_scale or (0, 10)
        nps = scale[1] - scale[0] + 1 == 11
        titles = {h.strip() for h in headings}
        assert bool(titles & {"Net Promoter Score", "净推荐值（NPS）"}) == nps, shape.name
        if not nps:
            assert "detractor" not in text.lower() and "贬损者" not in text, shape.name
            assert titles & {"Likelihood to recommend", "推荐意愿"}, shape.name


def test_a_categorical_overall_is_a_share_satisfied(gallery):
    for shape, page, text, _, tables in _pages(gallery):
        if page != "satisfaction.html" or not shape.overall_binary:
            continue
        assert "Wilson" in text, shape.name
        overall = [t for t in tables if t and t[0][:1] in (["Measure"], ["指标"])
                   and len(t[0]) == 5]
        assert overall and overall[0][0][2] in ("Share satisfied", "满意比例"), shape.name


def test_items_on_two_scales_are_compared_in_percent_of_range(gallery):
    for shape, page, text, _, _ in _pages(gallery):
        if page == "satisfaction.html" and shape.scales:
            assert "全距" in text or "scale's range" in text, shape.name
            assert "1–100" in text and "1–5" in text, shape.name


def test_one_item_dimensions_are_left_out_with_a_sentence(gallery):
    for shape, page, text, _, _ in _pages(gallery):
        if page == "factor_analysis.html" and 1 in shape.dims:
            assert ("Dimensions of one item" in text) or ("只有一个题项" in text), shape.name


def test_english_pages_have_no_chinese_and_no_page_a_raw_key(gallery):
    # Issue 13: the gallery's studies word everything in both languages, so Chinese on an
    # English page is an untranslated value; a snake_case word that no locale text of the
    # page's language has is a raw key (a column header such as rmsea_ci_low).
    from .test_translation import CJK, SNAKE, _locale_text

    locale = {language: _locale_text(language) for language in ("zh", "en")}
    for shape, page, text, _, _ in _pages(gallery):
        body = text.split("Provenance")[0].split("数据来源")[0]
        if shape.language == "en":
            assert not CJK.findall(body), (shape.name, page, CJK.findall(body)[:5])
        keys = sorted({w for w in SNAKE.findall(body) if w not in locale[shape.language]})
        assert keys == [], (shape.name, page, keys)


def test_every_shape_gets_its_workbook_and_deck(gallery):
    """Issue 14: every shape's workbook holds each of its tables, in the study's language
    (a raw column name is no header), and its deck opens, each slide titled, with no
    undefined number written out."""
    from openpyxl import load_workbook
    from pptx import Presentation

    from .test_translation import CJK

    undefined = re.compile(r"\b(nan|None|NaN|inf)\b")
    for shape, folder in gallery.values():
        book = load_workbook(folder / "workbook.xlsx")
        assert len(book.worksheets) == 1 + len(list((folder / "tables").glob("*.csv"))), shape.name
        for sheet in book.worksheets[1:]:
            # the header row: the last frozen one (title, note and header are frozen)
            last = int(re.sub(r"[A-Z]+", "", sheet.freeze_panes)) - 1
            header = [c for c in next(sheet.iter_rows(min_row=last, max_row=last, values_only=True))
                      if c is not None]
            assert header and not [h for h in header if re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", str(h))], \
                (shape.name, sheet.title, header)
            if shape.language == "en":
                words = [c for row in sheet.iter_rows(max_row=last, values_only=True) for c in row
                         if isinstance(c, str)]
                assert not [w for w in words if CJK.search(w)], (shape.name, sheet.title)
        deck = Presentation(folder / "deck.pptx")
        assert len(deck.slides) >= 2, shape.name
        for number, slide in enumerate(deck.slides, 1):
            texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
            assert any(t.strip() for t in texts), (shape.name, number)
            assert not [t for t in texts if undefined.search(t)], (shape.name, number, texts)
