"""The demo reports in a real browser: headless Chromium, driven by Playwright.

Runs when Chromium and Playwright are present (``make test-browser`` installs them);
otherwise skipped with the reason.  Screenshots of every page are saved to
``tests/artifacts/screenshots/`` for a person to look at.
"""

import shutil

import pytest

from sqmreport.build.render import build

from .conftest import DEMO, REPO

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
