"""The report notebooks as researchers edit them: sections compute, then show; sections can
be dropped, swapped and added; the key findings are collected and summarised at the end.

The notebooks run in-process (each code cell ``exec``-ed in one namespace, with what a
Report displays captured), so these tests need no kernel and no build.
"""

from __future__ import annotations

import re

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell

from sqmreport import load_survey
from sqmreport.present import Report, page
from sqmreport.present.i18n import MissingText

from .conftest import DEMO, REPO

NOTEBOOKS = REPO / "sqmreport" / "notebooks"
REPORTS = ["satisfaction", "gap_model", "factor_analysis"]
# The sections each notebook shows on the demo study, in order; the summary comes last
# (the build moves it under the title).
SECTIONS = {
    "satisfaction": ["response", "items", "dimensions", "csi", "nps", "segments", "drivers",
                     "q_matrix", "grey", "waves", "scorecard", "complaints", "comments", "method"],
    "gap_model": ["servqual", "overview", "five_gaps", "delivery", "zone", "priorities", "waves",
                  "maturity", "caution", "method"],
    "factor_analysis": ["suitability", "factors", "efa", "reliability", "cfa", "validity", "pca",
                        "method"],
}


def _read(name: str):
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def _cell(nb, cell_id: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.get("id") == cell_id)


@pytest.fixture
def run(shown, tmp_path):
    """Run a notebook's code cells on the demo study; return the displayed HTML, joined."""

    def run(nb, study: str = "study.yml") -> str:
        namespace = {}
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            source = cell.source
            if "parameters" in cell.metadata.get("tags", []):
                source = f"study = {str(DEMO / study)!r}\ntables_dir = {str(tmp_path / 'tables')!r}"
            exec(compile(source, f"<{cell.get('id')}>", "exec"), namespace)
        return "".join(shown)

    return run


def _sections(page_html: str) -> list[str]:
    return re.findall(r'<h2 id="([^"]+)"', page_html)


def _summary(page_html: str) -> str:
    begin, end = page_html.index(page.FINDINGS_BEGIN), page_html.index(page.FINDINGS_END)
    return page_html[begin + len(page.FINDINGS_BEGIN):end]


# -- the committed notebooks -----------------------------------------------------------------

@pytest.mark.parametrize("name", REPORTS)
def test_notebook_format(name):
    nb = _read(name)
    nbformat.validate(nb)
    assert (nb.nbformat, nb.nbformat_minor) == (4, 5)
    ids = [c.get("id") for c in nb.cells]
    assert all(ids) and len(set(ids)) == len(ids)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and "remove-cell" in first.metadata.get("tags", [])
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    assert re.findall(r"^(\w+) =", params[0].source, re.M) == ["study", "tables_dir"]
    for cell in code:  # logic belongs in the package
        assert not re.search(r"^\s*(def|class|for|while)\b", cell.source, re.M), cell.source
    tags = [t for c in nb.cells if c.cell_type == "markdown" for t in c.metadata.get("tags", [])]
    assert {"lang-zh", "lang-en"} <= set(tags)  # a narrative paragraph in each language
    assert code[-1].source.startswith("show.summary(rep)")


@pytest.mark.parametrize("name", REPORTS)
def test_notebook_shows_every_section_then_the_summary(run, name):
    html = run(_read(name))
    assert _sections(html) == SECTIONS[name] + ["summary"]
    assert html.count(page.FINDINGS) == 1  # the placeholder in the title block
    assert html.index(page.FINDINGS) < html.index(page.FINDINGS_BEGIN)
    findings = re.findall(r"<li>([^<]+)</li>", _summary(html))
    assert len(findings) >= 4
    assert html.rstrip().endswith(page.FINDINGS_END)


def test_a_dropped_section_is_gone_with_its_findings(run):
    nb = _read("satisfaction")
    del nb.cells[_cell(nb, "nps")]
    html = run(nb, "study-en.yml")
    assert _sections(html) == [s for s in SECTIONS["satisfaction"] if s != "nps"] + ["summary"]
    assert "Net Promoter Score" not in _summary(html)
    assert "satisfaction index" in _summary(html)


def test_swapped_sections_swap_on_the_page_and_in_the_findings(run):
    nb = _read("satisfaction")
    i, j = _cell(nb, "items"), _cell(nb, "csi")
    nb.cells[i], nb.cells[j] = nb.cells[j], nb.cells[i]
    html = run(nb, "study-en.yml")
    expected = list(SECTIONS["satisfaction"])
    a, b = expected.index("items"), expected.index("csi")
    expected[a], expected[b] = expected[b], expected[a]
    assert _sections(html) == expected + ["summary"]
    findings = re.findall(r"<li>([^<]+)</li>", _summary(html))
    csi = next(k for k, f in enumerate(findings) if "satisfaction index" in f)
    rated = next(k for k, f in enumerate(findings) if "is rated best" in f)  # the dimensions'
    assert csi < rated  # findings follow the sections' order


def test_a_new_section_with_a_literal_table_and_a_changed_option(run, tmp_path):
    nb = _read("satisfaction")
    nb.cells.insert(_cell(nb, "method"), new_code_cell(
        'rep.section("my_section", heading={"zh": "我的分析", "en": "My analysis"})\n'
        'frame = items.table[["item", "mean"]]\n'
        'rep.table("my_table", frame, title="My table", note={"zh": "说明。", "en": "Item means."})\n'
        'rep.add_findings(["A finding of my own."])', id="my-section"))
    segments = nb.cells[_cell(nb, "segments")]
    segments.source = segments.source.replace("test=None", 'test="kruskal"')
    html = run(nb, "study-en.yml")
    assert _sections(html) == SECTIONS["satisfaction"][:-1] + ["my_section", "method", "summary"]
    assert '<h2 id="my_section">My analysis</h2>' in html
    assert "<figcaption>My table</figcaption>" in html and '<p class="note">Item means.</p>' in html
    assert "Kruskal" in html  # the option given in the notebook reaches the table's note
    assert "A finding of my own." in _summary(html)
    written = pd.read_csv(tmp_path / "tables" / "my_table.csv", encoding="utf-8-sig")
    assert list(written.columns) == ["item", "mean"]


def test_an_option_at_the_call_site_changes_the_statistic(run):
    nb = _read("factor_analysis")
    efa = nb.cells[_cell(nb, "efa")]
    efa.source = efa.source.replace("rotation=None", 'rotation="varimax"')
    html = run(nb, "study-en.yml")
    assert "varimax" in html.lower()


# -- the report object -----------------------------------------------------------------------

@pytest.fixture
def rep():
    return Report(load_survey(DEMO / "study-en.yml"), "satisfaction")


def test_a_missing_locale_key_names_both_files_and_the_way_out(rep, shown):
    frame = pd.DataFrame({"item": ["Q1"], "mean": [3.2]})
    with pytest.raises(MissingText, match=r"'tables\.my_table\.title'.*locales/zh\.yml.*"
                                          r"locales/en\.yml.*title=\"\.\.\.\", note=\"\.\.\.\"") as info:
        rep.table("my_table", frame)
    assert isinstance(info.value, KeyError)  # callers that caught KeyError still do
    assert not str(info.value).startswith("'")  # a sentence, not a bare key
    with pytest.raises(MissingText, match=r"'tables\.my_table\.note'.*note="):
        rep.table("my_table", frame, title="My table")
    with pytest.raises(MissingText, match=r"'sections\.my_section'.*heading="):
        rep.section("my_section")
    with pytest.raises(MissingText, match=r"'figures\.my_chart\.title'.*rep\.figure"):
        import matplotlib.pyplot as plt
        rep.figure("my_chart", plt.subplots()[1])
    assert shown == []


def test_literal_texts_and_placeholder_values(rep, shown):
    frame = pd.DataFrame({"value": ["a"], "n": [3]})
    rep.table("t", frame, title={"zh": "表", "en": "Table"}, note="Counts.")
    assert "<figcaption>Table</figcaption>" in shown[-1] and "Counts." in shown[-1]
    rep.table("overall", frame, values={"low": 1, "high": 5})  # locale texts with placeholders
    assert "<figcaption>Overall satisfaction</figcaption>" in shown[-1]
    rep.table("overall", frame, note={"low": 1, "high": 5})  # the older form of values
    assert "1" in shown[-1]
    with pytest.raises(ValueError, match="no text for the study's language 'en'"):
        rep.table("t", frame, title={"zh": "表"}, note="x")
    rep.section("summary", heading="<Summary>")
    assert shown[-1] == '<h2 id="summary">&lt;Summary&gt;</h2>'


def test_findings_are_collected_and_summarised_between_markers(rep, shown):
    rep.header()
    assert page.FINDINGS in shown[0] and page.TOC in shown[0]
    rep.add_findings(["First <finding>."])
    rep.under("tracking_").add_findings(["From a tracking section."])  # one list for both
    assert rep.collected_findings == ["First <finding>.", "From a tracking section."]
    rep.summary()
    block = shown[-1]
    assert block.startswith(page.FINDINGS_BEGIN) and block.endswith(page.FINDINGS_END)
    assert '<h2 id="summary">Key findings</h2>' in block
    assert "<li>First &lt;finding&gt;.</li><li>From a tracking section.</li>" in block


def test_a_summary_without_findings_shows_no_empty_heading(rep, shown):
    rep.summary()
    assert shown == [page.FINDINGS_BEGIN + page.FINDINGS_END]
