"""The deliverables of a build (issue 14), end to end: the demo built with every deliverable,
and each file checked against the tables the same build wrote.

The generators' own tests (tests/test_overview.py, test_workbook.py, test_pdf.py,
test_deck.py) check them in detail on synthetic manifests; here: that the build makes them
from the real reports, carries and remakes them as it does the reports, and that what
they show is what the tables hold.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile

import pandas as pd
import pytest
import yaml

from sqmreport.build.render import build

from .conftest import DEMO, small_spec, small_survey

REPORTS = ("satisfaction", "gap_model", "factor_analysis")


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False,
                       na_values=[""])


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The zh demo built with every deliverable."""
    folder = tmp_path_factory.mktemp("study")
    shutil.copytree(DEMO, folder, dirs_exist_ok=True)
    out = tmp_path_factory.mktemp("reports") / "demo"
    built = build(folder / "study.yml", out=out, deliverables=["all"])
    assert all(b.rebuilt for b in built)
    return {"study": folder / "study.yml", "folder": folder, "out": out}


def test_every_deliverable_is_made(demo):
    out = demo["out"]
    for name in ("index.html", "workbook.xlsx", "report.pdf", "deck.pptx",
                 *(f"{r}.html" for r in REPORTS)):
        assert (out / name).is_file(), name
    stamp = json.loads((out / ".build.json").read_text(encoding="utf-8"))
    assert set(stamp["made"]) == {"overview", "workbook", "pdf", "deck"}
    assert {"workbook.xlsx", "report.pdf", "deck.pptx"} <= set(stamp["files"])


def test_the_overview_links_reports_sections_and_deliverables(demo):
    out = demo["out"]
    page = (out / "index.html").read_text(encoding="utf-8")
    for report in REPORTS:
        assert f'href="{report}.html' in page
    for name in ("workbook.xlsx", "report.pdf", "deck.pptx"):
        assert f'href="{name}"' in page
    # each section link points at a section the page has
    import re

    for report, anchor in re.findall(r'href="(\w+)\.html#([^"]+)"', page):
        target = (out / f"{report}.html").read_text(encoding="utf-8")
        assert f'id="{anchor}"' in target, (report, anchor)
    assert "<script" not in page and "http://" not in page and "https://" not in page


def test_the_workbook_holds_every_table_with_the_same_values(demo):
    from openpyxl import load_workbook

    out = demo["out"]
    book = load_workbook(out / "workbook.xlsx")
    values = {}
    for sheet in book.worksheets[1:]:
        values[sheet.title] = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    tables = sorted((out / "tables").glob("*.csv"))
    assert len(book.worksheets) - 1 == len(tables)
    numbers = {}
    for rows in values.values():
        for row in rows:
            for cell in row:
                if isinstance(cell, (int, float)) and not isinstance(cell, bool):
                    numbers.setdefault(round(float(cell), 9), 0)
    for table in tables:
        frame = _csv(table.read_bytes())
        for column in frame.select_dtypes("number").columns:
            for value in frame[column].dropna():
                assert round(float(value), 9) in numbers, (table.name, column, value)


def test_the_deck_charts_carry_the_tables_numbers(demo):
    from pptx import Presentation

    from sqmreport.present import manifest

    out = demo["out"]
    deck = Presentation(out / "deck.pptx")
    charts = [shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart]
    assert charts, "no native chart in the deck"
    manifests = [manifest.read(out / f".{r}.manifest.jsonl") for r in REPORTS]
    drawn = {}
    for m in manifests:
        for figure in m.figures:
            if figure.key and figure.chart is not None and figure.chart.table:
                table = m.table(figure.chart.table)
                frame = _csv((out / "tables" / table.file).read_bytes())
                in_table = {round(float(v), 6) for c in frame.select_dtypes("number")
                            for v in frame[c].dropna()}
                for series in figure.chart.series:
                    for value in series.values:
                        if value is not None:
                            assert round(float(value), 6) in in_table, (figure.name, value)
                drawn[figure.title] = figure
    in_deck = set()
    for chart in charts:
        for plot in chart.plots:
            for series in plot.series:
                in_deck |= {round(float(v), 6) for v in series.values if v is not None}
                # an XY scatter's x values (python-pptx reads its y values only)
                in_deck |= {round(float(v.text), 6) for v in series._element.xpath("./c:xVal//c:v")}
    for figure in drawn.values():
        for series in figure.chart.series:
            for value in series.values:
                if value is not None:
                    assert round(float(value), 6) in in_deck, (figure.name, value)


def test_the_pdf_is_a4_with_every_report_section_in_its_outline(demo):
    import re

    from pypdf import PdfReader

    out = demo["out"]
    pdf = PdfReader(out / "report.pdf")
    for page in pdf.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.28) < 1 and abs(height - 841.89) < 1

    def titles(outline):
        for entry in outline:
            if isinstance(entry, list):
                yield from titles(entry)
            else:
                yield entry.title

    found = set(titles(pdf.outline))
    for report in REPORTS:
        body = (out / f"{report}.html").read_text(encoding="utf-8")
        body = body.split('<footer class="provenance">', 1)[0]
        for heading in re.findall(r'<h2 id="[^"]+">(.*?)</h2>', body, re.S):
            import html

            text = html.unescape(re.sub(r"<[^>]+>", "", heading)).strip()
            assert text in found, (report, text)


def test_each_deliverable_carries_the_inputs_hashes(demo):
    survey = _sha(demo["folder"] / "survey.csv")
    out = demo["out"]
    for name in ("workbook.xlsx", "deck.pptx"):
        with zipfile.ZipFile(out / name) as z:
            properties = "".join(z.read(n).decode("utf-8") for n in z.namelist()
                                 if n.startswith("docProps/") and n.endswith(".xml"))
        assert survey in properties, name
    from pypdf import PdfReader

    metadata = PdfReader(out / "report.pdf").metadata
    assert survey in "".join(str(v) for v in metadata.values())
    assert survey in (out / "index.html").read_text(encoding="utf-8")


def test_deliverables_are_carried_and_remade_as_their_reports_are(demo, tmp_path):
    out = tmp_path / "out"
    study = demo["study"]
    shutil.copytree(demo["out"], out)
    stamp = lambda: {n: (out / n).stat().st_mtime_ns for n in  # noqa: E731
                     ("index.html", "workbook.xlsx", "report.pdf", "deck.pptx", "gap_model.html")}
    before = stamp()
    assert not any(b.rebuilt for b in build(study, out=out, deliverables=["all"]))
    assert stamp() == before  # nothing changed: nothing remade
    # Without --deliverables, the study's own (html and workbook): the PDF and deck go.
    assert not any(b.rebuilt for b in build(study, out=out))
    assert not (out / "report.pdf").exists() and not (out / "deck.pptx").exists()
    assert (out / "workbook.xlsx").stat().st_mtime_ns == before["workbook.xlsx"]
    # The study file asks for the deck: it is made, no report is rebuilt.
    spec = yaml.safe_load(study.read_text(encoding="utf-8"))
    spec["deliverables"] = ["html", "workbook", "deck"]
    study.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    try:
        assert not any(b.rebuilt for b in build(study, out=out))
        assert (out / "deck.pptx").is_file()
        assert (out / "workbook.xlsx").stat().st_mtime_ns == before["workbook.xlsx"]
        # A file only the gap report reads: it and every deliverable are remade.
        promises = demo["folder"] / "promises.csv"
        original = promises.read_bytes()
        promises.write_bytes(original + b"\n")
        try:
            assert [b.rebuilt for b in build(study, out=out)] == [False, True, False]
        finally:
            promises.write_bytes(original)
        assert (out / "workbook.xlsx").stat().st_mtime_ns != before["workbook.xlsx"]
        assert (out / "satisfaction.html").stat().st_mtime_ns \
            == (demo["out"] / "satisfaction.html").stat().st_mtime_ns
    finally:
        spec.pop("deliverables")
        study.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")


def test_an_unknown_deliverable_is_one_clear_error(demo, tmp_path):
    from sqmreport._validation import InputError

    with pytest.raises(InputError, match="unknown deliverable 'slides'"):
        build(demo["study"], out=tmp_path / "x", deliverables=["slides"])


FORMULAS = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)"]


def test_formula_looking_texts_are_inert_in_the_tables_and_the_workbook(tmp_path):
    """Segment labels, comments, item labels and study-file texts that a spreadsheet would
    run: neither the CSV tables nor the workbook may hold them as formulas."""
    from openpyxl import load_workbook

    survey = small_survey(60)
    survey["region"] = [FORMULAS[i % 4] for i in range(60)]
    survey["comment"] = [f"{FORMULAS[i % 4]} comment {i}" for i in range(60)]
    spec = small_spec(title="=cmd|' /C calc'!A0", client="@client", comments="comment",
                      deliverables=["html", "workbook"])
    spec["instrument"]["items"][0]["label"] = {"en": "=1+2 first item", "zh": "=1+2"}
    spec["instrument"]["dimensions"]["beta"] = "+Beta"
    (tmp_path / "study").mkdir()
    survey.to_csv(tmp_path / "study" / "survey.csv", index=False)
    path = tmp_path / "study" / "study.yml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    build(path, out=out)
    for table in (out / "tables").glob("*.csv"):
        for line in table.read_text(encoding="utf-8-sig").splitlines():
            for field in line.split(","):
                assert not field.strip('"').startswith(("=", "+", "-", "@")) \
                    or _number(field), (table.name, field)
    book = load_workbook(out / "workbook.xlsx")
    seen = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                    seen.add(cell.value)
    assert any(v.startswith("=HYPERLINK") or v.startswith("'=HYPERLINK") for v in seen)


def _number(field: str) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True
