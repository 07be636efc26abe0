"""The Excel workbook (sqmreport.present.deliverables.workbook), from synthetic manifests."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from sqmreport.present.deliverables.workbook import NUMBER_FORMATS, build_workbook
from sqmreport.present.i18n import text
from sqmreport.present.manifest import Column, Manifest, TableEntry
from sqmreport.present.report import formula_safe
from tests.manifests import manifests, study

LANGUAGES = ["zh", "en"]


def _open(data: bytes):
    return load_workbook(io.BytesIO(data))


def _build(language: str, **changes):
    info, (found, tables) = study(language), manifests(language)
    if changes:
        info = dataclasses.replace(info, **changes)
    return info, found, tables, build_workbook(info, found, tables)


def _entries(found):
    return [t for m in found for t in m.tables if t.file]


def _header_row(sheet) -> int:
    """The 1-based row of a table sheet's header: the last frozen row."""
    return int(sheet.freeze_panes.lstrip("AB")) - 1


def _csv(data: bytes) -> pd.DataFrame:
    """A CSV table as pandas reads it, with formula_safe's apostrophe undone."""
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    undo = lambda v: v[1:] if isinstance(v, str) and v[:1] == "'" and v[1:2] in tuple("=+-@\t\r\n") else v  # noqa: E731
    frame = frame.rename(columns=undo)
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].map(undo)
    return frame


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_table_is_a_sheet_with_the_same_values(language):
    _, found, tables, data = _build(language)
    book = _open(data)
    entries = _entries(found)
    assert len(book.worksheets) == 1 + len(tables)
    assert book.worksheets[0].title == text(language, "workbook.contents")
    for entry, sheet in zip(entries, book.worksheets[1:]):
        assert sheet["A1"].value == entry.title
        frame = _csv(tables[entry.file])
        first = _header_row(sheet) + 1
        rows = list(sheet.iter_rows(min_row=first, max_col=len(frame.columns), values_only=True))
        assert len(rows) == len(frame)
        for r, row in enumerate(rows):
            for c, column in enumerate(frame.columns):
                expected, cell = frame.iloc[r, c], row[c]
                if column == "suppressed":
                    assert cell == (text(language, "workbook.yes") if expected else None)
                elif pd.isna(expected):
                    assert cell is None, (entry.file, r, column)
                else:
                    assert cell == expected and type(cell) is not bool, (entry.file, r, column, cell)
                    assert isinstance(cell, str) == isinstance(expected, str)


@pytest.mark.parametrize("language", LANGUAGES)
def test_headers_are_in_the_studys_language(language):
    _, found, _, data = _build(language)
    book = _open(data)
    for entry, sheet in zip(_entries(found), book.worksheets[1:]):
        header = [c.value for c in sheet[_header_row(sheet)]][:len(entry.columns)]
        want = [text(language, "workbook.suppressed_column") if c.name == "suppressed" else c.header
                for c in entry.columns]
        assert header == want
        assert not any("_" in h for h in header)
    assert "维度" in [c.value for c in book.worksheets[1][_header_row(book.worksheets[1])]] \
        if language == "zh" else True


@pytest.mark.parametrize("language", LANGUAGES)
def test_formula_looking_texts_are_inert_string_cells(language):
    hostile = "=HYPERLINK(\"http://evil\",\"x\")"
    info, found, tables = study(language), *manifests(language)
    info = dataclasses.replace(info, title="=cmd|' /C calc'!A0", client="@client", fieldwork="-2026")
    sat = found[0]
    table = dataclasses.replace(sat.tables[0], title="+SUM(1,2)", note="-note",
                                columns=(Column("dimension", "=header", None),) + sat.tables[0].columns[1:])
    found = [dataclasses.replace(sat, title="@report", tables=(table, *sat.tables[1:])), found[1]]
    frame = pd.DataFrame({"item": ["001", "\tTab", "-1", "ok", "\rreturn"], "label": [hostile] * 5,
                          "mean": [1.0, 2.0, 3.0, 4.0, 5.0]})
    tables["texts.csv"] = formula_safe(frame).to_csv(index=False, lineterminator="\n").encode("utf-8-sig")
    extra = TableEntry("texts", "texts.csv", "Texts", "", "", (Column("item", "Item", None),
                       Column("label", "Label", None), Column("mean", "Mean", "mean")))
    found[1] = dataclasses.replace(found[1], tables=(*found[1].tables, extra))
    book = _open(build_workbook(info, found, tables))
    seen = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                    seen[cell.value] = cell
    for value in ("=cmd|' /C calc'!A0", "@client", "-2026", "@report", "+SUM(1,2)", "-note", "=header",
                  "=HYPERLINK(\"http://x\")", "+内科", "-外科", "@急诊", hostile, "\tTab", "-1", "\nreturn"):
        assert value in seen, value
        assert seen[value].quotePrefix, value  # Excel keeps it text even when it is edited
    assert seen["001"].value == "001" and not seen["ok"].quotePrefix
    assert not any(v.startswith("'") for v in seen)  # the CSV's apostrophe is gone


@pytest.mark.parametrize("language", LANGUAGES)
def test_number_formats_round_as_the_report_and_keep_the_value(language):
    _, found, _, data = _build(language)
    book = _open(data)
    scores, segments, gaps = book.worksheets[1:4]
    first = _header_row(scores) + 1
    assert scores.cell(first, 2).number_format == NUMBER_FORMATS["count"] == '#,##0;"−"#,##0'
    assert scores.cell(first, 3).number_format.startswith("0.00")
    assert scores.cell(first, 5).value == 5.52 + 0.17  # every digit: 5.6899999999999995
    row = _header_row(gaps) + 1
    assert gaps.cell(row, 4).number_format == '+0.00;"−"0.00;0.00'  # gap: signed
    assert gaps.cell(row, 5).number_format == '[<0.001]"<0.001";0.000'  # p
    assert gaps.cell(row, 5).value == 0.0001
    assert NUMBER_FORMATS["percent"].startswith("0.0%") and NUMBER_FORMATS["nps"].startswith("+0;")


@pytest.mark.parametrize("language", LANGUAGES)
def test_header_rows_are_frozen_and_sheets_link_both_ways(language):
    _, found, _, data = _build(language)
    book = _open(data)
    index, sheets = book.worksheets[0], book.worksheets[1:]
    links = {c.value: c.hyperlink.location for row in index.iter_rows() for c in row if c.hyperlink}
    for entry, sheet in zip(_entries(found), sheets):
        assert links[entry.title] == f"'{sheet.title}'!A1"
        header = _header_row(sheet)
        assert sheet.freeze_panes == f"A{header + 1}" and header >= 3
        back = [c for row in sheet.iter_rows(max_row=header) for c in row if c.hyperlink]
        assert [c.hyperlink.location for c in back] == [f"'{index.title}'!A1"]
        assert back[0].value == text(language, "workbook.back")
        assert sheet.sheet_view.showGridLines is False
    values = [c.value for row in index.iter_rows() for c in row]
    assert {"患者期望与满意度调查" if language == "zh" else "Patient survey", found[0].title,
            found[1].title} <= set(values)


@pytest.mark.parametrize("language", LANGUAGES)
def test_suppressed_cells_are_empty_with_a_note_and_a_comment(language):
    _, found, _, data = _build(language)
    segments = _open(data).worksheets[2]
    above = [c.value for row in segments.iter_rows(max_row=_header_row(segments) - 1) for c in row]
    note = text(language, "workbook.suppressed_note_any", people=found[0].facts["respondent"])
    assert note in above
    first = _header_row(segments) + 1
    for row in (first + 3, first + 4):  # @急诊 and Ortho 한국: too few respondents
        assert segments.cell(row, 2).value is None and segments.cell(row, 3).value is None
        assert segments.cell(row, 2).comment is not None
        assert segments.cell(row, 4).value == text(language, "workbook.yes")
    assert segments.cell(first, 2).comment is None and segments.cell(first, 4).value is None


def test_the_minimum_group_size_is_named_when_the_facts_give_it():
    info, (found, tables) = study("en"), manifests("en")
    found[0] = dataclasses.replace(found[0], facts={**found[0].facts, "min_group_size": 30})
    segments = _open(build_workbook(info, found, tables)).worksheets[2]
    values = [c.value for row in segments.iter_rows(max_row=4) for c in row]
    assert "Empty cells: fewer than 30 patients in the group, so the report does not show them." in values


@pytest.mark.parametrize("language", LANGUAGES)
def test_provenance_and_document_properties(language):
    info, _, _, data = _build(language)
    book = _open(data)
    props = {p.name: p.value for p in book.custom_doc_props.props}
    assert props == info.provenance
    assert book.properties.title == info.title and book.properties.subject == text(language, "workbook.subject")
    assert book.properties.created.isoformat() == "2026-12-03T19:00:00"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "<Company>" + info.client + "</Company>" in archive.read("docProps/app.xml").decode()
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        styles = archive.read("xl/styles.xml").decode()
    assert ("Microsoft YaHei" if language == "zh" else "Calibri") in styles
    if language == "zh":  # every font is YaHei itself, not the theme's (Calibri)
        assert 'val="minor"' not in styles and 'name val="Calibri"' not in styles


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_same_inputs_give_the_same_bytes(language):
    info, found, tables, data = _build(language)
    assert build_workbook(info, found, tables) == data
    later = dataclasses.replace(info, provenance={**info.provenance, "built": "2027-01-01T00:00:00Z"})
    assert build_workbook(later, found, tables) != data


def test_korean_text_survives_in_a_chinese_study():
    _, _, _, data = _build("zh")
    values = {c.value for row in _open(data).worksheets[2].iter_rows() for c in row}
    assert "Ortho 한국" in values


def test_sheet_names_are_valid_unique_and_readable():
    info = study("en")
    titles = ["History", "a/b:c*d?e[f]g\\h", "A title far too long for the tab of an Excel sheet", "Contents",
              "'quoted'", "A title far too long for the tab of an Excel sheet"]
    entries, files = [], {}
    for i, title in enumerate(titles):
        files[f"t{i}.csv"] = b"\xef\xbb\xbfx\n1\n"
        entries.append(TableEntry(f"t{i}", f"t{i}.csv", title, "", "", (Column("x", "X", "count"),)))
    found = [Manifest("satisfaction", "en", "Report", tables=tuple(entries))]
    book = _open(build_workbook(info, found, files))
    names = book.sheetnames[1:]
    assert len(names) == len(titles) and len({n.casefold() for n in book.sheetnames}) == len(titles) + 1
    assert "history" not in {n.casefold() for n in names}
    for name in names:
        assert len(name.encode("utf-16-le")) // 2 <= 31 and not set(name) & set("[]:*?/\\")
        assert not name.startswith("'") and not name.endswith("'")
    assert names[2] == "A title far too long for the…" and names[5] == "A title far too long for… (2)"
    assert names[1] == "a b c d e f g h"


def test_a_csv_no_manifest_names_still_gets_a_sheet():
    info, (found, tables) = study("en"), manifests("en")
    tables = {**tables, "extra_table.csv": b"\xef\xbb\xbfgroup,mean\nA,1.5\n",
              "nps.csv": b"\xef\xbb\xbfnps\n12.5\n"}
    book = _open(build_workbook(info, found, tables))
    assert len(book.worksheets) == 1 + len(tables)
    assert book.worksheets[-2]["A1"].value == "Extra table"  # never a file name
    assert book.worksheets[-1]["A1"].value == text("en", "tables.nps.title")  # the reports' title
    extra = book.worksheets[-2]
    header = _header_row(extra)
    assert [c.value for c in extra[header]][:2] == ["Group", "Mean"]
    assert [c.value for c in extra[header + 1]][:2] == ["A", 1.5]


def test_a_wide_table_keeps_its_labels_in_view():
    info = study("en")
    names = ["item", *(f"g{i}" for i in range(8))]
    data = ("\ufeff" + ",".join(names) + "\n" + "A long item label," + ",".join(["1.5"] * 8) + "\n").encode()
    entry = TableEntry("wide", "wide.csv", "Wide", "", "", tuple(
        Column(n, n.upper(), None if n == "item" else "mean") for n in names))
    book = _open(build_workbook(info, [Manifest("satisfaction", "en", "Report", tables=(entry,))],
                                {"wide.csv": data}))
    sheet = book.worksheets[1]
    assert sheet.freeze_panes == f"B{_header_row(sheet) + 1}"
    assert sheet.column_dimensions["A"].width > sheet.column_dimensions["B"].width


def test_a_column_whose_cells_are_all_suppressed_keeps_its_kind():
    info = study("en")
    data = "\ufeffgroup,mean\nA,\nB,\n".encode()
    entry = TableEntry("t", "t.csv", "T", "", "", (Column("group", "Group", None), Column("mean", "Mean", "mean")),
                       suppressed=True)
    sheet = _open(build_workbook(info, [Manifest("satisfaction", "en", "Report", tables=(entry,))],
                                 {"t.csv": data})).worksheets[1]
    first = _header_row(sheet) + 1
    assert [sheet.cell(r, 2).value for r in (first, first + 1)] == [None, None]
    assert all(sheet.cell(r, 2).comment is not None for r in (first, first + 1))


def test_a_table_known_only_by_its_name_gets_words_not_identifiers():
    """Names no locale text has (a researcher's own table) are written as words."""
    info = study("zh")
    data = "\ufeffzz_group,zz_count,mean\n内科,88,5.5\n".encode()
    entry = TableEntry("zz_extra", "zz_extra.csv", "zz_extra", "", "",
                       (Column("zz_group", "zz_group", None), Column("zz_count", "zz_count", "count"),
                        Column("mean", "均值", "mean")))
    book = _open(build_workbook(info, [Manifest("satisfaction", "zh", "报告", tables=(entry,))],
                                {"zz_extra.csv": data}))
    sheet = book.worksheets[1]
    assert sheet["A1"].value == sheet.title == "Zz extra"
    assert [c.value for c in sheet[_header_row(sheet)]][:3] == ["Zz group", "Zz count", "均值"]
