"""The executive overview (index.html) from the reports' manifests: its texts, links and parts."""

from dataclasses import replace
from html.parser import HTMLParser

import pytest

from sqmreport.present.deliverables.overview import build_overview
from sqmreport.present.i18n import text
from sqmreport.present.manifest import Action, FigureEntry, Headline, Manifest, TableEntry
from sqmreport.present.page import FONT_FACE

from .manifests import manifests, study

FILES = {"overview": "index.html", "workbook": "workbook.xlsx", "pdf": "report.pdf", "deck": "deck.pptx"}
LANGUAGES = ("zh", "en")


class _Page(HTMLParser):
    """The page's elements: (tag, attributes, text inside) and whether every tag closes."""

    VOID = {"meta", "img", "br", "link", "hr", "input"}

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.open, self.elements, self.texts = [], [], []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = [tag, dict(attrs), ""]
        self.elements.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1][0] == tag, f"</{tag}> closes {self.open[-1][0] if self.open else None}"
        self.open.pop()

    def handle_data(self, data):
        self.texts.append(data)
        for element in self.open:
            element[2] += data

    def find(self, tag, cls=None):
        return [e for e in self.elements if e[0] == tag and (cls is None or cls in e[1].get("class", "").split())]

    def hrefs(self):
        return [e[1]["href"] for e in self.find("a")]


def _lines(shown: str) -> list[str]:
    return [line.strip() for line in shown.splitlines() if line.strip()]


def _build(language, ms=None, **kwargs):
    ms = manifests(language)[0] if ms is None else ms
    page = build_overview(study(language), ms, **kwargs)
    parsed = _Page(page)
    assert parsed.open == []  # every element closed
    return page, parsed


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_self_contained_page_in_the_studys_language(language):
    page, parsed = _build(language, files=FILES)
    assert page.startswith("<!DOCTYPE html>")
    html = parsed.find("html")[0]
    assert html[1]["lang"] == ("zh-CN" if language == "zh" else "en")
    assert parsed.find("meta")[0][1] == {"charset": "utf-8"}
    assert any(m[1].get("name") == "viewport" for m in parsed.find("meta"))
    style = parsed.find("style")
    assert len(style) == 1 and FONT_FACE in style[0][2]
    assert ".card" in style[0][2] and "@media print" in style[0][2]  # the report stylesheet, inlined
    assert parsed.find("script") == [] and "<script" not in page.lower()
    assert not [h for h in parsed.hrefs() if ":" in h.split("#")[0]]  # nothing from the network
    assert not [e for e in parsed.elements if any(a in e[1] for a in ("src",)) and not e[1]["src"].startswith("data:")]
    assert parsed.find("h1")[0][2] == study(language).title
    assert text(language, "overview.kicker") in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_study_in_one_line(language):
    _, parsed = _build(language)
    line = parsed.find("p", "study-line")[0][2]
    if language == "zh":
        assert line == "示例医院 · 2026-10，252 名患者作答（发放 300 份，回收率 84.0%）。"
    else:
        assert line == "Example Hospital · 252 patients answered in 2026-10 (84.0% of 300 invited)."


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_line_says_only_what_the_study_gives(language):
    ms = manifests(language)[0]
    facts = [{"n": 252}, {"n": 252, "response_rate": 0.84, "respondent": "x"}, {}]
    lines = []
    for given in facts:
        changed = [replace(m, facts=given) for m in ms]
        lines.append(_build(language, changed)[1].find("p", "study-line")[0][2])
    assert "84.0%" not in lines[0] and "300" not in lines[0] and "2026-10" in lines[0]  # the study's fieldwork
    assert "84.0%" in lines[1] and "300" not in lines[1]
    assert "252" not in lines[2] and "2026-10" in lines[2]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_headline_figure_is_a_card(language):
    ms = manifests(language)[0]
    _, parsed = _build(language, ms)
    cards = parsed.find("div", "card")
    headlines = [h for m in ms for h in m.headlines]
    assert len(cards) == len(headlines) == 4
    for card, h in zip(cards, headlines):
        assert h.label in card[2]
    csi, nps, servqual, share = (c[2] for c in cards)
    assert "78.6" in csi and "(76.3–81.0)" in csi and "0–100" in csi and "+2.1 since 2026-04" in csi
    assert "+13" in nps and "(+3 to +22)" in nps
    assert "−0.63" in servqual
    # No interval in the report's text: the overview writes it from the numbers.
    assert "71.0%" in share and text(language, "overview.interval", low="65.0%", high="77.0%") in share
    assert [e[1]["href"] for e in parsed.find("a") if e[2].startswith(text(language, "overview.more", title=""))] \
        == ["satisfaction.html#csi", "satisfaction.html#nps", "gap_model.html#gap5", "gap_model.html#gap5"]
    assert parsed.find("p", "note")[0][2] == text(language, "overview.interval_note")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_change_without_words_is_written_from_its_number(language):
    ms = manifests(language)[0]
    share = Headline("share_below", "share", 0.71, "percent", change=-0.052)
    nps = Headline("nps", "nps", 13, "nps", change=4.4, text="+13")
    ms = [replace(ms[0], headlines=(share, nps)), ms[1]]
    cards = _build(language, ms)[1].find("p", "card-change")
    points = text(language, "overview.change_points", change="−5.2")
    assert cards[0][2] == text(language, "overview.change", change=points)
    assert cards[1][2] == text(language, "overview.change", change="+4")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_actions_name_item_group_and_evidence_and_link_to_the_report(language):
    ms = manifests(language)[0]
    _, parsed = _build(language, ms)
    shown = parsed.find("ol", "actions")[0][2]
    actions = ms[0].actions
    rows = [e[2] for e in parsed.find("li") if any(a.item in e[2] for a in actions) and e[2] != shown]
    assert len(rows) == 2 and actions[0].item in rows[0] and actions[1].item in rows[1]  # by rank
    assert text(language, "overview.group", group="外科") in rows[1]
    assert text(language, "overview.evidence", evidence="gap −1.02 (−1.3 to −0.7)") in rows[0]
    assert actions[0].text in rows[0]
    links = [e for e in parsed.find("a") if e[2] == actions[0].item]
    assert links[0][1]["href"] == "satisfaction.html#priorities"


@pytest.mark.parametrize("language", LANGUAGES)
def test_at_most_five_actions_each_once(language):
    sat, gap = manifests(language)[0]
    many = tuple(Action(rank, f"item {rank}", "do it", "") for rank in range(1, 8))
    twice = (Action(1, "item 1", "do it", ""),)  # the same action in the other report
    _, parsed = _build(language, [replace(sat, actions=many), replace(gap, actions=twice)])
    shown = parsed.find("ol", "actions")[0][2]
    assert [f"item {r}" in shown for r in range(1, 8)] == [True] * 5 + [False] * 2
    assert shown.count("item 1") == 1
    assert text(language, "overview.more_actions", n=2) in parsed.texts


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_action_says_no_shortfall_is_clear_enough(language):
    sat, gap = manifests(language)[0]
    ranked = TableEntry("priorities", "priorities.csv", "p", "", "priorities", ())
    no_actions = [replace(sat, actions=(), tables=(*sat.tables, ranked)), gap]
    page, parsed = _build(language, no_actions)
    assert parsed.find("ol", "actions") == []
    assert parsed.find("p", "no-actions")[0][2] == text(language, "overview.no_actions")
    assert parsed.find("div", "card")  # the figures are still there
    # A study whose reports rank nothing (no priority table or figure) says nothing about actions.
    page, parsed = _build(language, [replace(sat, actions=()), gap])
    assert parsed.find("section", "actions") == [] and text(language, "overview.no_actions") not in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_links_into_every_section_of_every_report(language):
    ms = manifests(language)[0]
    _, parsed = _build(language, ms)
    hrefs = parsed.hrefs()
    for m in ms:
        assert f"{m.report}.html" in hrefs
        assert [e for e in parsed.find("a") if e[1]["href"] == f"{m.report}.html"][0][2] == m.title
        for section, heading in m.sections:
            link = [e for e in parsed.find("a") if e[1]["href"] == f"{m.report}.html#{section}"]
            assert heading in [e[2] for e in link]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_other_files_by_their_names_in_words(language):
    _, parsed = _build(language, files=FILES)
    files = parsed.find("section", "files")[0][2]
    for deliverable, name in FILES.items():
        if deliverable == "overview":
            assert "index.html" not in parsed.hrefs()
            continue
        assert text(language, f"overview.file_names.{deliverable}") in files
        assert name in parsed.hrefs()
    _, parsed = _build(language, files={"workbook": "workbook.xlsx"})
    assert parsed.hrefs()[-1] == "workbook.xlsx" and "report.pdf" not in parsed.hrefs()
    _, parsed = _build(language)
    assert parsed.find("section", "files") == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_texts_that_look_like_html_or_formulas_are_shown_as_text(language):
    sat, gap = manifests(language)[0]
    evil = '<script>alert("x")</script> & <b>'
    sat = replace(sat, title=evil, sections=(('a"><img src=x>', "=HYPERLINK(\"http://x\",\"y\")"),),
                  headlines=(Headline("csi", "+SUM(A1)<i>", 1.0, "index", text="@1 <u>"),),
                  actions=(Action(1, "=cmd|' /C calc'!A0", "-2+3", "<em>e</em>", group="@外科", section="x y"),),
                  facts={"n": 5, "respondent": "<b>patients</b>", "fieldwork": "=1+1"})
    page, parsed = _build(language, [sat, gap])
    assert "<script" not in page and "<b>" not in page and "<i>" not in page and "<em>" not in page
    assert "<img src=x" not in page
    shown = "".join(parsed.texts)
    for visible in (evil, "=HYPERLINK(\"http://x\",\"y\")", "+SUM(A1)<i>", "@1 <u>", "=cmd|' /C calc'!A0",
                    "-2+3", "<b>patients</b>", "=1+1"):
        assert visible in shown
    hrefs = parsed.hrefs()
    assert "satisfaction.html#a%22%3E%3Cimg%20src%3Dx%3E" in hrefs and "satisfaction.html#x%20y" in hrefs
    assert not [h for h in hrefs if ":" in h or "<" in h or '"' in h]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_study_with_only_a_factor_analysis_says_what_it_has(language):
    findings = ("The questionnaire measures five dimensions.", "Reliability is good.") if language == "en" \
        else ("问卷测量五个维度。", "信度良好。")
    fa = Manifest("factor_analysis", language, text(language, "reports.factor_analysis"), facts={"n": 252},
                  sections=(("efa", "EFA"), ("cfa", "CFA")), findings=findings,
                  figures=(FigureEntry("scree", "Scree", "", "efa", b"", 10, 10),))
    page, parsed = _build(language, [fa], files=FILES)
    assert parsed.find("section", "headlines") == [] and parsed.find("section", "actions") == []
    assert "card" not in [c for e in parsed.elements for c in e[1].get("class", "").split()]
    assert text(language, "overview.no_actions") not in page
    assert parsed.find("p", "instead")[0][2] == text(language, "overview.no_headlines.one", reports=fa.title)
    assert _lines(parsed.find("ul", "findings")[0][2]) == list(findings)
    assert "factor_analysis.html#efa" in parsed.hrefs()
    # Without findings it points to the report instead.
    _, parsed = _build(language, [replace(fa, findings=())])
    assert parsed.find("p", "instead")[0][2] == text(language, "overview.no_headlines.plain", reports=fa.title)
    assert parsed.find("ul", "findings") == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_report_without_figures_beside_one_with_them_shows_its_findings(language):
    sat, _ = manifests(language)[0]
    fa = Manifest("factor_analysis", language, "FA", findings=("finding",), sections=(("efa", "EFA"),))
    _, parsed = _build(language, [sat, fa])
    assert parsed.find("p", "instead") == []
    # Only the report without figures lists its findings (the satisfaction's are in its cards).
    assert [_lines(e[2]) for e in parsed.find("ul", "findings")] == [["finding"]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_section_is_empty(language):
    cases = [manifests(language)[0], [replace(m, headlines=(), actions=()) for m in manifests(language)[0]], []]
    for ms in cases:
        page, parsed = _build(language, ms)
        for section in parsed.find("section"):
            heading = [e for e in parsed.find("h2") if e[2] and e[2] in section[2]][0][2]
            assert section[2].replace(heading, "").strip(), section
    assert parsed.find("p", "instead")[0][2] == text(language, "overview.no_reports")
    assert parsed.find("section") == []


def test_the_same_inputs_give_the_same_page():
    assert build_overview(study("zh"), manifests("zh")[0], files=FILES) == \
        build_overview(study("zh"), manifests("zh")[0], files=FILES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_logo_and_provenance(language):
    info = replace(study(language), logo=b"\x89PNG\r\n", logo_type="image/png")
    page = build_overview(info, manifests(language)[0])
    parsed = _Page(page)
    assert parsed.find("img", "logo")[0][1]["src"].startswith("data:image/png;base64,")
    footer = parsed.find("footer", "provenance")[0][2]
    assert "2026-12-03 19:00 UTC" in footer and "ab" * 32 in footer and "0.1.0" in footer
