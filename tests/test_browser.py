"""The demo reports in a real browser: headless Chromium, driven by Playwright.

Runs when Chromium and Playwright are present (``make test-browser`` installs them);
otherwise skipped with the reason.  Screenshots of every page are saved to
``tests/artifacts/screenshots/`` for a person to look at.

Every page, and the executive overview made from the synthetic manifests of
``tests/manifests.py``, is also opened at phone width (390 px): nothing may overlap, the
page itself may not scroll sideways (wide tables scroll inside their own box), and a
label column is never squeezed to a character a line.
"""

import shutil

import pytest

from sqmreport.build.render import build
from sqmreport.present.deliverables.overview import build_overview
from sqmreport.present.fonts import font_face
from sqmreport.present.page import FONT_FACE

from .conftest import DEMO, REPO
from .manifests import manifests, study

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: run make test-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed: run make test-browser")

SHOTS = REPO / "tests" / "artifacts" / "screenshots"
PAGES = [(lang, page) for lang in ("zh", "en")
         for page in ("index", "satisfaction", "gap_model", "factor_analysis")]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser")
    build(DEMO / "study.yml", out=out / "zh")
    build(DEMO / "study-en.yml", out=out / "en")
    return out


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.mark.parametrize("language, name", PAGES, ids=[f"{a}-{b}" for a, b in PAGES])
def test_report_in_chromium(reports, browser, language, name):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    errors, outside = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    def only_the_file(route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_file)
    page.goto((reports / language / f"{name}.html").as_uri(), wait_until="load")
    page.evaluate("document.fonts.ready")

    assert errors == []
    assert outside == []  # nothing fetched from the network
    images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
    assert all(done and width > 0 for done, width in images)
    if name != "index":
        assert len(images) >= 3

    # The title is drawn with the report's embedded CJK font (Chinese title in zh).
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    heading = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "h1"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": heading})["fonts"]
    if language == "zh":
        assert any("CJK" in f["familyName"] and f["isCustomFont"] for f in fonts), fonts

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{language}-{name}.png"), full_page=True)
    page.close()


PHONE = 390  # CSS px: an iPhone 12-15 held upright
PHONE_PAGES = [(lang, page) for lang in ("zh", "en")
               for page in ("overview", "index", "satisfaction", "gap_model", "factor_analysis")]


@pytest.fixture(scope="module")
def overviews(tmp_path_factory):
    """The executive overview of the synthetic manifests, its font embedded as the build does."""
    out = tmp_path_factory.mktemp("overview")
    files = {"workbook": "workbook.xlsx", "pdf": "report.pdf", "deck": "deck.pptx"}
    for language in ("zh", "en"):
        page = build_overview(study(language), manifests(language)[0], files=files)
        face = font_face("".join({c for c in page if ord(c) > 0x7F}))
        (out / f"{language}.html").write_text(page.replace(FONT_FACE, face, 1), encoding="utf-8")
    return out


# Boxes that overlap at phone width: the page's own blocks (title block, contents, headings,
# figures ...), the entries of the contents and of the overview's lists, widened to the left by
# their list's indent (where the numbers are drawn), and the overview's cards.
_LAYOUT = r"""() => {
  const box = (e, left = 0) => { const r = e.getBoundingClientRect();
    return {x0: r.left - left, x1: r.right, y0: r.top, y1: r.bottom, name: e.tagName + '.' + e.className}; };
  const meets = (a, b) => a.x0 < b.x1 - 1 && b.x0 < a.x1 - 1 && a.y0 < b.y1 - 1 && b.y0 < a.y1 - 1;
  const overlaps = [];
  const check = (boxes) => { for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++)
    if (meets(boxes[i], boxes[j])) overlaps.push([boxes[i].name, boxes[j].name]); };
  for (const parent of document.querySelectorAll('main, main > section'))
    check(Array.from(parent.children).filter(e => getComputedStyle(e).display !== 'none').map(e => box(e)));
  for (const list of document.querySelectorAll('nav.toc ol, ol.sections, ol.actions')) {
    const indent = parseFloat(getComputedStyle(list).paddingLeft);
    check(Array.from(list.children).map(e => box(e, indent)));
  }
  check(Array.from(document.querySelectorAll('.card')).map(e => box(e)));
  const narrow = [], broken = [];
  for (const cell of document.querySelectorAll('td.txt')) {
    const style = getComputedStyle(cell), size = parseFloat(style.fontSize);
    const label = cell.textContent.trim();
    if (!label) continue;
    const r = cell.getBoundingClientRect();
    if (r.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) < 2.5 * size) narrow.push(label);
    // A short label without spaces (有形性, 总体满意度) is drawn on one line.
    if (label.length <= 6 && !/\s/.test(label)) {
      const range = document.createRange(); range.selectNodeContents(cell);
      const tops = new Set(Array.from(range.getClientRects()).map(q => Math.round(q.top)));
      if (tops.size > 1) broken.push(label);
    }
  }
  const wide = Array.from(document.querySelectorAll('main *')).filter(e => !e.closest('.scroll'))
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .map(e => e.tagName + '.' + e.className);
  const scrolls = Array.from(document.querySelectorAll('.scroll')).filter(e => e.scrollWidth > e.clientWidth + 1).length;
  return {scrollWidth: document.scrollingElement.scrollWidth, overlaps, narrow, broken, wide, scrolls,
          cells: document.querySelectorAll('td.txt').length};
}"""


@pytest.mark.parametrize("language, name", PHONE_PAGES, ids=[f"{a}-{b}" for a, b in PHONE_PAGES])
def test_page_at_phone_width(reports, overviews, browser, language, name):
    path = overviews / f"{language}.html" if name == "overview" else reports / language / f"{name}.html"
    page = browser.new_page(viewport={"width": PHONE, "height": 844}, device_scale_factor=2)
    page.goto(path.as_uri(), wait_until="load")
    page.evaluate("document.fonts.ready")
    layout = page.evaluate(_LAYOUT)

    assert layout["scrollWidth"] <= PHONE  # the page itself never scrolls sideways
    assert layout["wide"] == []  # nothing but a table's own scroll box runs past the edge
    assert layout["overlaps"] == []
    assert layout["narrow"] == []  # no label squeezed to a character a line
    assert layout["broken"] == []
    if name in ("satisfaction", "gap_model", "factor_analysis"):
        assert layout["cells"] > 0 and layout["scrolls"] > 0  # wide tables scroll in their box

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{language}-{name}-{PHONE}px.png"), full_page=True)
    page.close()
