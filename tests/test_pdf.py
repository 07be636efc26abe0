"""The combined A4 PDF (sqmreport.present.deliverables.pdf), from small synthetic pages.

The pages are written here with the structure the report template gives them (title
block, table of contents, sections with ids, table figures with a header row, chart
figures with an embedded PNG, the provenance footer), in Chinese (with Korean and Japanese
labels) and in English.
"""

from __future__ import annotations

import base64
import html
import io
import re

import pytest

from sqmreport.present.deliverables import StudyInfo
from sqmreport.present.deliverables.pdf import build_pdf, combine
from sqmreport.present.fonts import font_face
from sqmreport.present.i18n import text
from sqmreport.present.page import FONT_FACE

pypdf = pytest.importorskip("pypdf")
pdfium = pytest.importorskip("pypdfium2")

A4 = (595.28, 841.89)  # points
MM = 72 / 25.4

WORDS = {
    "zh": {"title": "患者期望与满意度调查", "client": "示例医院", "fieldwork": "2026 年 10 月",
           "reports": {"satisfaction": "患者满意度报告", "gap_model": "服务质量差距报告"},
           "sections": {"satisfaction": [("summary", "主要发现"), ("items", "各题项感知评价"),
                                         ("segments", "不同患者群体的差异")],
                        "gap_model": [("summary", "主要发现"), ("overview", "服务质量差距概览")]},
           "item": "题项", "dimension": "维度", "labels": ["有形性", "可靠性", "响应性", "保证性",
                                                          "移情性", "한국어 병동", "ひらがな外来"],
           "overview": "执行摘要", "toc": "目录", "note": "均值及其 95% 置信区间。",
           "chart": "各维度得分", "provenance": "数据来源与版本"},
    "en": {"title": "Patient survey", "client": "Example Hospital", "fieldwork": "October 2026",
           "reports": {"satisfaction": "Patient satisfaction report",
                       "gap_model": "Service-quality gap report"},
           "sections": {"satisfaction": [("summary", "Key findings"), ("items", "Perception of each item"),
                                         ("segments", "Differences between patient groups")],
                        "gap_model": [("summary", "Key findings"), ("overview", "The gaps at a glance")]},
           "item": "Item", "dimension": "Dimension",
           "labels": ["Tangibles", "Reliability", "Responsiveness", "Assurance", "Empathy",
                      "Paediatrics and adolescent medicine", "Ortho 한국"],
           "overview": "Executive overview", "toc": "Contents", "note": "Mean with its 95% interval.",
           "chart": "Dimension scores", "provenance": "Provenance"},
}
BUILT = "2026-12-03T19:00:00Z"


def _png(width: int, height: int) -> str:
    from PIL import Image

    out = io.BytesIO()
    image = Image.new("RGB", (width, height), (70, 110, 160)).quantize(8)
    image.save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def _page(language: str, report: str, extra: str = "") -> str:
    """A report page as the template writes it (before the build fills in the font)."""
    w = WORDS[language]
    sections = w["sections"][report]
    toc = "".join(f'<li><a href="#{i}">{html.escape(t)}</a></li>' for i, t in sections)
    body = []
    for number, (ident, title) in enumerate(sections):
        body.append(f'<h2 id="{ident}">{html.escape(title)}</h2>')
        if ident == "summary":
            body.append('<ul class="findings">' + "".join(f"<li>{html.escape(label)}: 5.{i}</li>"
                                                          for i, label in enumerate(w["labels"])) + "</ul>")
            continue
        # A long table (split across pages, its header repeated) and a wide one.
        columns = 4 if number % 2 else 12
        rows = 34 if number % 2 else 8
        head = "".join(f"<th>{html.escape(w['dimension'])} {c}</th>" for c in range(columns))
        cells = "".join(
            "<tr>" + f'<td class="txt">{i + 1}. {html.escape(w["labels"][i % 7])}</td>'
            + "".join(f'<td class="num">{5 + (i * c) % 100 / 100:.2f}</td>' for c in range(columns - 1))
            + "</tr>" for i in range(rows))
        body.append(f'<figure class="table"><figcaption>{html.escape(title)}</figcaption>'
                    f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{cells}'
                    f'</tbody></table></div><p class="note">{html.escape(w["note"])}</p></figure>')
        body.append(f'<figure class="chart"><figcaption>{html.escape(w["chart"])}</figcaption>'
                    f'<img alt="{html.escape(w["chart"])}" src="data:image/png;base64,{_png(1600, 900)}" '
                    f'width="800" height="450"><p class="note">{html.escape(w["note"])}</p></figure>')
    return (f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8">'
            f'<title>{w["title"]} · {w["reports"][report]}</title><style>\n{FONT_FACE}\n'
            f'{_css()}</style></head><body><main>'
            f'<header class="title-block"><p class="kicker">{w["reports"][report]}</p>'
            f'<h1>{w["title"]}</h1><dl><div><dt>{text(language, "title_block.client")}</dt>'
            f'<dd>{w["client"]}</dd></div></dl></header>'
            f'<nav class="toc" aria-label="{w["toc"]}"><p>{w["toc"]}</p><ol>{toc}</ol></nav>'
            f'{"".join(body)}{extra}'
            f'<footer class="provenance"><h2 id="provenance">{w["provenance"]}</h2><dl>'
            f'<dt>{text(language, "footer.built")}</dt><dd>2026-12-03 19:00 UTC</dd>'
            f'<dt>{text(language, "footer.parameters")}</dt><dd><code>report = {report}</code></dd>'
            f"</dl></footer></main></body></html>")


def _overview(language: str) -> str:
    w = WORDS[language]
    links = "".join(f'<li><a href="{r}.html#{i}">{html.escape(t)}</a></li>'
                    for r in w["reports"] for i, t in w["sections"][r][1:])
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{w["title"]}</title>'
            f"<style>{FONT_FACE}\n{_css()}</style></head><body><main>"
            f'<header class="title-block"><h1 id="top">{w["title"]}</h1></header>'
            f'<ul class="report-list">{links}<li><a href="workbook.xlsx">xlsx</a></li></ul>'
            f"</main></body></html>")


def _css() -> str:
    from importlib import resources

    return (resources.files("sqmreport.present").joinpath("templates", "sqmreport", "report.css")
            .read_text(encoding="utf-8"))


def _study(language: str) -> StudyInfo:
    w = WORDS[language]
    return StudyInfo(name="demo", title=w["title"], language=language, client=w["client"],
                     fieldwork=w["fieldwork"],
                     provenance={"survey.csv": "ab" * 32, "study.yml": "cd" * 32,
                                 "sqmreport": "0.1.0", "built": BUILT},
                     reports=tuple(w["reports"]))


def _inputs(language: str) -> tuple[StudyInfo, str, list[tuple[str, str]]]:
    """The study, overview and pages with one font subset, as the build embeds them."""
    overview = _overview(language)
    pages = [(r, _page(language, r)) for r in WORDS[language]["reports"]]
    face = font_face("".join({c for t in [overview, *(p for _, p in pages)] for c in t if ord(c) > 0x7F}))
    return (_study(language), overview.replace(FONT_FACE, face),
            [(r, p.replace(FONT_FACE, face)) for r, p in pages])


@pytest.fixture(scope="module", params=["zh", "en"])
def built(request):
    study, overview, pages = _inputs(request.param)
    return request.param, build_pdf(study, overview, pages)


def _reader(data: bytes):
    return pypdf.PdfReader(io.BytesIO(data))


def test_every_page_is_a4(built):
    _, data = built
    reader = _reader(data)
    assert len(reader.pages) > 4
    for page in reader.pages:
        box = page.mediabox
        assert float(box.width) == pytest.approx(A4[0], abs=0.5)
        assert float(box.height) == pytest.approx(A4[1], abs=0.5)


def test_page_numbers_and_running_header(built):
    language, data = built
    reader = _reader(data)
    total = len(reader.pages)
    w = WORDS[language]
    for number, page in enumerate(reader.pages, 1):
        found = re.sub(r"\s+", " ", page.extract_text())
        label = text(language, "pdf.page", page=number, pages=total)
        if number == 1:  # the cover: no header, no number
            assert label not in found
            assert w["title"] in found and w["client"] in found
        else:
            assert label in found
            assert f"{w['client']} · {w['title']}" in found


def test_fonts_are_embedded_with_a_cjk_font(built):
    language, data = built
    reader = _reader(data)
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descendant = descendant.get_object()
                descriptor = descendant["/FontDescriptor"].get_object()
                fonts[str(descendant["/BaseFont"])] = any(
                    k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts  # every font embedded
    assert any("CJK" in name for name in fonts), fonts
    # Chinese, Korean and Japanese glyphs are drawn from the CJK font, none missing.
    document = pdfium.PdfDocument(data)
    wanted = {"한", "ひ", "有"} if language == "zh" else {"한"}
    seen = {}
    for page in document:
        textpage = page.get_textpage()
        for i in range(textpage.count_chars()):
            char = textpage.get_text_range(i, 1)
            if char in wanted:
                buffer = pdfium.raw.FPDFText_GetFontInfo(textpage, i, None, 0, None)
                name = bytearray(buffer)
                pdfium.raw.FPDFText_GetFontInfo(textpage, i, (pdfium.raw.c_char * buffer).from_buffer(name),
                                                buffer, None)
                seen[char] = name.rstrip(b"\0").decode()
    assert set(seen) == wanted
    assert all("CJK" in name for name in seen.values()), seen


def test_outline_has_every_report_and_section(built):
    language, data = built
    reader = _reader(data)
    w = WORDS[language]

    def flatten(items, level=1):
        for item in items:
            if isinstance(item, list):
                yield from flatten(item, level + 1)
            else:
                yield level, item.title

    outline = list(flatten(reader.outline))
    expected = [(1, w["toc"]), (1, w["overview"])]
    for report, name in w["reports"].items():
        expected += [(1, name), *((2, t) for _, t in w["sections"][report])]
    expected.append((1, w["provenance"]))
    assert outline == expected


def test_metadata_carries_the_provenance(built):
    _, data = built
    info = _reader(data).metadata
    study = _study(built[0])
    assert info.title == study.title
    assert info.author == study.client
    assert "ab" * 32 in info["/Keywords"] and "cd" * 32 in info["/Keywords"]
    assert "sqmreport 0.1.0" in info["/Subject"]
    assert info["/CreationDate"].startswith("D:20261203190000")
    assert '"survey.csv": "' + "ab" * 32 in info["/sqmreportprovenance"]


def test_same_inputs_same_bytes(built):
    language, data = built
    if language == "en":
        pytest.skip("once is enough: Chinese, with its font subsets")
    assert build_pdf(*_inputs(language)) == data


def test_nothing_drawn_outside_the_page_box(built):
    """The left and right margins are blank on every page (a table or figure wider than
    the page would cross them), and so are the top and bottom edges outside the running
    header and the page number."""
    import numpy as np

    _, data = built
    document = pdfium.PdfDocument(data)
    for number, page in enumerate(document, 1):
        if number == 1:
            continue  # the cover's band runs to the edges on purpose
        pixels = np.asarray(page.render(scale=1).to_pil().convert("L"))
        height, width = pixels.shape
        side = int(16 * MM)  # the margins are 17 mm
        assert pixels[:, :side].min() > 250, f"page {number}: drawn in the left margin"
        assert pixels[:, width - side:].min() > 250, f"page {number}: drawn in the right margin"
        assert pixels[:int(8 * MM)].min() > 250, f"page {number}: drawn above the header"
        assert pixels[height - int(8 * MM):].min() > 250, f"page {number}: drawn below the footer"
        # The content itself reached (the page is not blank).
        assert pixels[int(25 * MM):height - int(25 * MM), side:width - side].min() < 200


def test_combined_document_links_and_anchors():
    study, overview, pages = _inputs("zh")
    document = combine(study, overview, pages)
    ids = re.findall(r'\sid="([^"]+)"', document)
    assert len(ids) == len(set(ids))  # unique across the reports
    assert 'id="satisfaction--items"' in document and 'id="gap_model--overview"' in document
    # The overview's links point into the reports; its link to the workbook is gone.
    assert 'href="#satisfaction--items"' in document and 'href="#gap_model--overview"' in document
    assert "workbook.xlsx" not in document
    # The pages' own tables of contents are dropped; the provenance is kept once, without
    # the per-report parameters.
    assert 'class="toc"' not in document
    assert document.count('class="provenance"') == 1
    assert "report = " not in document
    # Every section's page number in the contents.
    assert document.count("target-counter") == 1
    for report, sections in WORDS["zh"]["sections"].items():
        for ident, _ in sections:
            assert f'<a href="#{report}--{ident}">' in document


def test_nothing_is_fetched(tmp_path):
    """Only data: URLs are read: an image given by a file path or a web address is not."""
    from PIL import Image

    local = tmp_path / "figure.png"
    Image.new("RGB", (40, 40), (200, 0, 0)).save(local)
    extra = (f'<figure class="chart"><img alt="x" src="{local.as_uri()}"></figure>'
             '<figure class="chart"><img alt="y" src="http://127.0.0.1:9/y.png"></figure>')
    study, _, pages = _inputs("en")
    pages = [(r, p.replace('<footer class="provenance">', extra + '<footer class="provenance">'))
             for r, p in pages[1:]]
    reader = _reader(build_pdf(study, "", pages))
    sizes = set()
    for page in reader.pages:
        for image in page.images:
            sizes.add(image.image.size)
    assert sizes == {(1600, 900)}  # only the embedded figures


def test_the_contents_give_each_section_its_page(built):
    """Every entry of the contents ends with the page it starts on (the pages' print rules,
    which hide what a link adds after it, must not hide these)."""
    language, data = built
    reader = _reader(data)
    total = len(reader.pages)
    contents = reader.pages[1].extract_text()
    entries = [line for line in contents.splitlines() if ". ." in line]
    assert len(entries) >= sum(len(s) for s in WORDS[language]["sections"].values())
    for line in entries:
        number = re.search(r"(\d+)\s*$", line)
        assert number and 3 <= int(number.group(1)) <= total, line


def test_the_cover_shows_the_logo():
    import dataclasses

    from PIL import Image

    logo = io.BytesIO()
    Image.new("RGB", (240, 80), (29, 78, 137)).save(logo, format="PNG")
    study, overview, pages = _inputs("en")
    study = dataclasses.replace(study, logo=logo.getvalue(), logo_type="image/png")
    reader = _reader(build_pdf(study, overview, pages[:1]))
    cover = reader.pages[0]
    # (the page's resources may list the document's other images too)
    assert (240, 80) in [image.image.size for image in cover.images]
