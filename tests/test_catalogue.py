"""The catalogue of bad inputs (docs/bad-inputs.md): every case with its documented outcome.

Each case starts from a copy of the demo study and changes one thing.  Outcomes:

- ``error``: ``sqmreport validate`` stops with one line naming the file (and the
  column and rows where there are any): an :class:`InputError` matching the pattern;
- ``ok``: the study is read and every report can be computed;
- ``explained``: valid data that a statistic cannot use; the named report records
  why for the section, which the report shows in place of it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sqmreport import InputError, load_study, load_survey
from sqmreport.data.check import check

from .conftest import DEMO, REPO


@dataclass
class Case:
    name: str
    outcome: str  # error | ok | explained
    expect: str = ""  # error: regex; explained: "report:section:key"
    data: object = None  # callable(DataFrame of strings) -> DataFrame
    spec: object = None  # callable(dict) -> None
    files: object = None  # callable(folder) -> None, for raw bytes


def _column(segment):
    return segment if isinstance(segment, str) else segment["column"]


def _append(path, text):
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _set(column, rows, value):
    def change(d):
        d.loc[rows, column] = value
        return d
    return change


def _spec(**changes):
    def change(s):
        for dotted, value in changes.items():
            node, *path = dotted.split("__")
            target = s
            for key in [node, *path][:-1]:
                target = target.setdefault(key, {})
            if value is _DELETE:
                target.pop([node, *path][-1])
            else:
                target[[node, *path][-1]] = value
    return change


_DELETE = object()


def _write(name, content: bytes, survey=False):
    def make(folder: Path):
        (folder / name).write_bytes(content)
        if survey:
            spec = yaml.safe_load((folder / "study.yml").read_text(encoding="utf-8"))
            spec["data"]["survey"] = name
            (folder / "study.yml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return make


def _edit_csv(name, change):
    def make(folder: Path):
        path = folder / name
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        change(frame).to_csv(path, index=False, encoding="utf-8-sig")
    return make


def _recode(encoding):
    def make(folder: Path):
        text = (folder / "survey.csv").read_text(encoding="utf-8-sig")
        (folder / "survey.csv").write_bytes(text.encode(encoding))
    return make


def _excel(title_row=False, merged=False, hidden_first=False, merge=None, formulas=False, sheet=None):
    def make(folder: Path):
        data = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
        path = folder / "survey.xlsx"
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            if hidden_first:  # an old copy of the data, hidden, before the sheet to read
                data.iloc[:3].assign(P1="old").to_excel(writer, sheet_name="old", index=False)
                writer.sheets["old"].sheet_state = "hidden"
            data.to_excel(writer, index=False, startrow=1 if title_row or merged else 0)
            sheet_ = writer.sheets["Sheet1"]
            if title_row:
                sheet_["A1"] = "患者满意度调查 2026"
            if merged:
                sheet_.merge_cells("G1:AB1")
                sheet_["G1"] = "期望"
                sheet_.merge_cells(start_row=2, start_column=1, end_row=2, end_column=3)
            if merge:
                sheet_.merge_cells(merge)
            if formulas:  # written by a program: formulas, no values computed
                for row in (4, 5):
                    sheet_[f"AC{row}"] = f"=G{row}"
        spec = yaml.safe_load((folder / "study.yml").read_text(encoding="utf-8"))
        spec["data"]["survey"] = "survey.xlsx" if sheet is None else {"path": "survey.xlsx", "sheet": sheet}
        (folder / "study.yml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return make


def _lines(change):
    """Edit survey.csv line by line: change(i, line) for the data rows (i = 0 for row 2)."""
    def make(folder: Path):
        path = folder / "survey.csv"
        header, *rows = path.read_text(encoding="utf-8-sig").splitlines()
        rows = [change(i, line) for i, line in enumerate(rows)]
        path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8-sig")
    return make


def _korean(d):
    """The demo's texts in Korean, for a file saved in CP949 (the header stays as it is)."""
    d["姓名"] = d["姓名"].str.replace("患者", "환자")
    d["department"] = d["department"].map(dict(zip(
        ["妇产科", "内科", "外科", "儿科", "急诊", "康复科"], ["산부인과", "내과", "외과", "소아과", "응급실", "재활의학과"])))
    d["visit_type"] = d["visit_type"].map({"住院": "입원", "门诊": "외래"})
    d["age_band"] = d["age_band"].str.replace("–", "-")
    d["comment"] = d["comment"].map(lambda c: "대기 시간이 너무 길었습니다" if c else c)
    return d


def _qualtrics_rows(rows=True, change=None):
    """The demo's survey as a Qualtrics export: question texts and ImportIds under the header."""
    def make(folder: Path):
        import csv
        import json
        data = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
        if change is not None:
            data = change(data)
        with open(folder / "survey.csv", "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(data.columns)
            writer.writerow([f"Question {c}: how satisfied are you?" for c in data.columns])
            writer.writerow([json.dumps({"ImportId": f"QID{i}"}) for i in range(len(data.columns))])
            if rows:
                writer.writerows(data.itertuples(index=False))
    return make


def _sav(folder: Path):
    """The demo's survey as an SPSS file: numbers as numbers, with a label on each item."""
    import pyreadstat
    data = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for column in data.columns:
        if column != "phone" and data[column].str.fullmatch(r"\d*").all():
            data[column] = pd.to_numeric(data[column].replace("", None))
    pyreadstat.write_sav(data, str(folder / "survey.sav"),
                         column_labels={c: f"Item {c}" for c in data.columns if c[0] in "PE"})
    _write("survey.sav", (folder / "survey.sav").read_bytes(), survey=True)(folder)


CASES = [
    # --- the study file ----------------------------------------------------------------------
    Case("unknown key", "error", r"study.yml: unknown key 'min_grup_size' \(did you mean 'min_group_size'\?\)",
         spec=_spec(min_grup_size=5)),
    Case("misspelt nested key", "error", r"unknown key 'analysis.segment_tset'", spec=_spec(analysis__segment_tset="welch")),
    Case("wrong type", "error", r"key 'min_group_size' must be a whole number, got 'five'", spec=_spec(min_group_size="five")),
    Case("missing required key", "error", r"required key 'scale' is missing", spec=_spec(scale=_DELETE)),
    Case("invalid value", "error", r"key 'language': input should be 'zh' or 'en', got 'fr'", spec=_spec(language="fr")),
    Case("data file that does not exist", "error", r"key 'data.survey': file 'nope.csv' not found", spec=_spec(data__survey="nope.csv")),
    Case("data path outside the study folder", "error", r"'../survey.csv' lies outside the study's folder",
         spec=_spec(data__survey="../survey.csv")),
    Case("invalid YAML", "error", r"study.yml: not valid YAML at line \d+",
         files=lambda f: (f / "study.yml").write_text("name: demo\ntitle: [broken\n", encoding="utf-8")),
    Case("groups smaller than 3 allowed", "error", r"key 'min_group_size': input should be greater than or equal to 3, got 1", spec=_spec(min_group_size=1)),
    Case("respondent id as a segment", "error", r"key 'segments': 'respondent_id' is the respondent id",
         spec=lambda s: s.update(segments=[*s["segments"], s["respondent_id"]])),
    Case("personal column as a segment", "error", r"key 'segments': '.+' is listed in personal_columns",
         spec=lambda s: s.update(personal_columns=[_column(s["segments"][0])])),
    Case("key given twice in the study file", "error",
         r"study.yml: not valid YAML at line \d+: key 'min_group_size' is given twice",
         files=lambda f: _append(f / "study.yml", "min_group_size: 5\nmin_group_size: 1\n")),
    Case("YAML alias in the study file", "error",
         r"study.yml: not valid YAML at line \d+: aliases \(\*a\) are not allowed",
         files=lambda f: _append(f / "study.yml", "fieldwork: &a 2026\nclient: *a\n")),
    Case("study file nested too deep", "error",
         r"study.yml: not valid YAML at line 1: nested more than 12 levels deep",
         files=lambda f: (f / "study.yml").write_text("a: " + "[" * 40 + "]" * 40 + "\n")),
    Case("study file not UTF-8", "error", r"study.yml: the study file is not UTF-8 text",
         files=lambda f: (f / "study.yml").write_bytes((f / "study.yml").read_text(encoding="utf-8").encode("gbk"))),
    Case("reverse item not in the instrument", "error", r"key 'reverse_items': 23 is not an item", spec=_spec(reverse_items=[23])),
    Case("importance missing a dimension", "error", r"key 'importance' must give a column for every dimension; missing: empathy",
         spec=_spec(importance__empathy=_DELETE)),
    Case("scale ends reversed", "error", r"key 'scale': min \(7\) must be below max \(1\)", spec=_spec(scale={"min": 7, "max": 1})),
    Case("logo that is not an image", "error", r"key 'logo': 'logo.txt' is not a PNG",
         spec=_spec(logo="logo.txt"), files=lambda f: (f / "logo.txt").write_text("ACME")),
    # --- reading the survey file -------------------------------------------------------------
    Case("empty file", "error", r"survey.csv: the file is empty", files=_write("survey.csv", b"")),
    Case("header only", "error", r"survey.csv: no respondents: the file has a header but no rows",
         files=lambda f: (f / "survey.csv").write_text((f / "survey.csv").read_text(encoding="utf-8-sig").splitlines()[0] + "\n")),
    Case("wrong delimiter declared", "error", r"survey.csv: the header has a single column; it looks separated by ','",
         spec=_spec(data__survey={"path": "survey.csv", "delimiter": ";"})),
    Case("undecodable bytes", "error", r"survey.csv: cannot tell the file's encoding: \S+ reads '...', .*; write the right one in the study file's data entry",
         files=lambda f: (f / "survey.csv").write_bytes(b"respondent_id,P1\nR1,\xff\xff\xff\n")),
    Case("Excel sheet with a title row above the header", "error", r"survey.xlsx: column 2 of the header has no name",
         files=_excel(title_row=True)),
    Case("Excel sheet with merged header cells", "error", r"survey.xlsx: sheet 'Sheet1' has merged cells G1:AB1, A2:C2: "
         r"only the first cell", files=_excel(merged=True)),
    Case("Excel sheet with merged cells in the data", "error", r"survey.xlsx: sheet 'Sheet1' has merged cells D4:D7: .*unmerge",
         files=_excel(merge="D4:D7")),
    Case("Excel formulas without saved values", "error",
         r"survey.xlsx: sheet 'Sheet1': 2 formula cells have no saved value \(AC4, AC5\); open the workbook in Excel",
         files=_excel(formulas=True)),
    Case("Excel workbook with a hidden sheet first (the visible one is read)", "ok", files=_excel(hidden_first=True)),
    Case("Excel sheet named by number that is hidden", "error",
         r"survey.xlsx: sheet 0 \('old'\) is hidden; to read it anyway, name it: `sheet: old`",
         files=_excel(hidden_first=True, sheet=0)),
    Case("a separator at the end of every row (the empty last fields are dropped)", "ok",
         files=_lines(lambda i, line: line + ",")),
    Case("a separator at the end of every line, the header's too", "ok",
         files=lambda f: (f / "survey.csv").write_text("".join(line + ",\n" for line in (
             f / "survey.csv").read_text(encoding="utf-8-sig").splitlines()), encoding="utf-8-sig")),
    Case("a row with one field too many", "error",
         r"survey.csv: 1 row has more fields than the header's 80 columns: is a column name missing, "
         r"or a value with ',' in it not quoted\? \(row 5\)", files=_lines(lambda i, line: line + ",x" if i == 3 else line)),
    Case("rows cut short", "error",
         r"survey.csv: 2 rows have fewer fields than the header's 80 columns: .* \(rows 3, 9\)",
         files=_lines(lambda i, line: line.rsplit(",", 1)[0] if i in (1, 7) else line)),
    Case("a tab-delimited row with a trailing value too many", "error", r"survey.tsv: 1 row has more fields .* \(row 2\)",
         files=lambda f: _write("survey.tsv", ("\n".join(
             line.replace(",", "\t") + ("\tx" if i == 1 else "")
             for i, line in enumerate((f / "survey.csv").read_text(encoding="utf-8-sig").splitlines()[:3])) + "\n").encode(),
             survey=True)(f)),
    Case("a binary file given as CSV", "error", r"survey.csv: the file is binary \(it contains NUL bytes\), not CSV text",
         files=_write("survey.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")),
    Case("an XLSX workbook named .csv", "error", r"survey.csv: the file is a ZIP archive or an XLSX workbook, not CSV text",
         files=lambda f: (_excel()(f), (f / "survey.xlsx").rename(f / "survey.csv"),
                          _spec(data__survey="survey.csv")(s_ := yaml.safe_load((f / "study.yml").read_text(encoding="utf-8"))),
                          (f / "study.yml").write_text(yaml.safe_dump(s_, allow_unicode=True), encoding="utf-8"))),
    Case("a folder where a data file should be", "error", r"study.yml: key 'data.kpi': 'kpi.csv' is a folder, not a file",
         files=lambda f: ((f / "kpi.csv").unlink(), (f / "kpi.csv").mkdir())),
    Case("unreadable Excel file", "error", r"survey.xlsx: not a readable XLSX workbook", files=_write("survey.xlsx", b"not a workbook", survey=True)),
    Case("unreadable Parquet file", "error", r"survey.parquet: not a readable Parquet file", files=_write("survey.parquet", b"PAR1 broken", survey=True)),
    Case("unknown file type", "error", r"survey.dat: cannot tell the file's format from '.dat'", files=_write("survey.dat", b"a,b\n1,2\n", survey=True)),
    Case("duplicated column in the header", "error", r"column 'P1' appears more than once in the header",
         data=lambda d: d.rename(columns={"P2": "P1"})),
    # --- client files as they arrive: encodings, SPSS, Qualtrics (issue 12) --------------------
    Case("CP949 (Korean) answers under an ASCII header (detected, read as Korean)", "ok",
         data=_korean, files=_recode("cp949")),
    Case("an encoding that cannot be told (one answer that reads as Chinese or as Korean)", "error",
         r"survey.csv: cannot tell the file's encoding: gbk \(Chinese\) reads '男', .*cp949 \(Korean\) reads '켕'.*; "
         r"write the right one in the study file's data entry, e.g. `encoding: gbk`",
         files=lambda f: (f / "survey.csv").write_bytes("respondent_id,department\nR1,男\n".encode("gbk"))),
    Case("an encoding named in the study file that does not decode the file", "error",
         r"survey.csv: the file is not utf-8 text: byte 0x[0-9a-f]{2} on line 1 cannot be read as utf-8; "
         r"set `encoding: auto` to detect the encoding", files=_recode("gbk"),
         spec=_spec(data__survey={"path": "survey.csv", "encoding": "utf-8"})),
    Case("Korean (CP949) answers with `encoding: gbk` in the study file (they would read as Chinese)", "error",
         r"survey.csv: the text reads as cp949 \(Korean: '[^']+'\), not as gbk \('[^']+'\): set encoding: cp949$",
         data=_korean, files=_recode("cp949"), spec=_spec(data__survey={"path": "survey.csv", "encoding": "gbk"})),
    Case("UTF-16 text (Excel's Unicode text)", "ok", files=_recode("utf-16")),
    Case("an SPSS .sav export of the survey", "ok", files=_sav),
    Case("an old Excel (.xls) workbook", "error", r"survey.xls: an old Excel \(.xls\) workbook is not read: save it as .xlsx",
         files=_write("survey.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, survey=True)),
    Case("a damaged SPSS file", "error", r"survey.sav: not a readable SPSS .sav file \(.+\)",
         files=_write("survey.sav", b"$FL2@(#) IBM SPSS STATISTICS" + b"\x00" * 40, survey=True)),
    Case("an SPSS file named .csv", "error", r"survey.csv: the file is an SPSS data file, not CSV text: name it .sav",
         files=lambda f: (_sav(f), (f / "survey.sav").rename(f / "survey.csv"),
                          _spec(data__survey="survey.csv")(s_ := yaml.safe_load((f / "study.yml").read_text(encoding="utf-8"))),
                          (f / "study.yml").write_text(yaml.safe_dump(s_, allow_unicode=True), encoding="utf-8"))),
    Case("a Qualtrics export with its question-text and ImportId rows", "ok", files=_qualtrics_rows()),
    Case("a Qualtrics export with a rating out of scale (rows numbered as in the file)", "error",
         r"survey.csv, column P7: 1 values outside the scale 1–7 \(row 7\)", files=_qualtrics_rows(change=_set("P7", [3], "8"))),
    Case("a Qualtrics export cut after its header rows", "error",
         r"survey.csv: the file is a Qualtrics export cut after its header rows \(rows 2–3\): it has no responses",
         files=_qualtrics_rows(rows=False)),
    # --- the survey's cells ------------------------------------------------------------------
    Case("duplicated respondent ids", "error", r"survey.csv, column respondent_id: 1 respondent ids appear more than once \(rows 2, 5\)",
         data=_set("respondent_id", [3], "R0001")),
    Case("blank respondent id", "error", r"column respondent_id: 1 respondents have no id \(row 7\)", data=_set("respondent_id", [5], "")),
    Case("missing columns", "error", r"survey.csv: 2 columns named in the study file not found: P7, overall",
         data=lambda d: d.drop(columns=["P7", "overall"])),
    Case("text with a unit in a rating (5分)", "error", r"column P7: 1 values are not numbers \('5分'\).*\(row 12\)", data=_set("P7", [10], "5分")),
    Case("N/A not declared as a missing code", "error", r"column P7: 2 values are not numbers \('N/A'\).*\(rows 4, 9\)", data=_set("P7", [2, 7], "N/A")),
    Case("a Chinese numeral (五)", "error", r"column E3: 1 values are not numbers \('五'\)", data=_set("E3", [0], "五")),
    Case("a fraction on a whole-point scale (4.5 )", "error", r"column P1: 1 values are not points of the scale 1–7 \(e.g. 4.5\); "
         r"for answers between points set 'scale.type: continuous' \(row 3\)",
         data=_set("P1", [1], "4.5 ")),
    Case("values out of scale", "error", r"survey.csv, column P7: 3 values outside the scale 1–7 \(rows 12, 40, 41\)",
         data=_set("P7", [10, 38, 39], "8")),
    Case("recommend above 10", "error", r"column recommend: 1 values outside the scale 0–10", data=_set("recommend", [4], "11")),
    Case("importance points that do not add up to 100", "error", r"importance points of 1 respondents do not add up to 100",
         data=_set("imp_tangibles", [6], "99")),
    Case("personal-data column declared but absent", "error", r"1 column named in the study file not found: phone",
         data=lambda d: d.drop(columns=["phone"])),
    # --- the gap model's other files ---------------------------------------------------------
    Case("standard for an item the instrument lacks", "error", r"standards.csv, column item: 1 items are not in the instrument",
         files=lambda f: (f / "standards.csv").write_text("item,standard\n1,6\n99,5\n")),
    Case("service level with an unknown direction", "error", r"service_levels.csv, column direction: direction must be 'higher' or 'lower'",
         files=lambda f: (f / "service_levels.csv").write_text(
             "dimension,indicator,direction,target,actual\nreliability,on time,up,95,90\n")),
    # --- read as they are --------------------------------------------------------------------
    Case("GBK encoding", "ok", files=_recode("gbk")),
    Case("UTF-8 with BOM", "ok", files=_recode("utf-8-sig")),
    Case("UTF-8 without BOM", "ok", files=_recode("utf-8")),
    Case("tab-delimited file", "ok", files=lambda f: pd.read_csv(f / "survey.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
         .to_csv(f / "survey.csv", sep="\t", index=False)),
    Case("unexpected extra columns (ignored, never shown)", "ok", data=lambda d: d.assign(internal_note="VIP", 身份证="11010519491231002X")),
    Case("missing-value codes, numbers and text", "ok", data=_set("P7", [2, 7], "N/A"), spec=_spec(missing_codes=[0, 99, "N/A"])),
    Case("a segment of one respondent (suppressed)", "ok", data=_set("department", [0], "眼科")),
    Case("an item with every answer missing", "error", r"survey.csv, column P5: no answers: every cell is empty or a missing code \(0, 99\)",
         data=lambda d: d.assign(P5="")),
    # --- statistical degeneracy, explained in the report -------------------------------------
    Case("a constant item (zero variance)", "explained", "factor_analysis:efa:no_variance", data=lambda d: d.assign(P5="5")),
    Case("two perfectly collinear items", "explained", "factor_analysis:efa:collinear", data=lambda d: d.assign(P2=d["P1"])),
    Case("more items than respondents", "explained", "factor_analysis:efa:singular", data=lambda d: d.iloc[:12]),
    Case("one respondent", "explained", "satisfaction:drivers:too_few_cases", data=lambda d: d.iloc[:1]),
    Case("overall satisfaction the same for everyone", "explained", "satisfaction:drivers:no_variance_driver",
         data=lambda d: d.assign(overall="6")),
    Case("a Heywood case in the EFA", "explained", "factor_analysis:heywood:heywood",
         data=lambda d: d.assign(P2=d["P1"].where(d.index > 2, "7")),
         spec=_spec(analysis__factor_analysis={"method": "principal", "n_factors": 6})),
    Case("a CFA with too few complete responses", "explained", "factor_analysis:cfa:too_few_cases", data=lambda d: d.iloc[:20]),
    # --- tracking and operations files --------------------------------------------------------
    Case("an earlier wave given both as data and as tables", "error", r"study.yml: key 'waves\[0\]': give either",
         spec=_spec(waves=[{"label": "2026 年 4 月", "survey": "wave_2026_04.csv", "tables": "kpi.csv"}])),
    Case("an earlier wave with this wave's label", "error", r"study.yml: key 'waves\[0\].label': '2026 年 10 月' names two waves",
         spec=_spec(waves=[{"label": "2026 年 10 月", "survey": "wave_2026_04.csv"}])),
    Case("an earlier wave without respondent ids", "error", r"wave_2026_04.csv: column not found: respondent_id",
         files=_edit_csv("wave_2026_04.csv", lambda d: d.drop(columns="respondent_id"))),
    Case("KPIs without scorecard settings", "error", r"study.yml: key 'data.kpi' needs 'scorecard'",
         spec=_spec(scorecard=_DELETE)),
    Case("a KPI unit twice in one period", "error", r"kpi.csv, column unit: unit '药剂科' has more than one row for period '2026-Q1' \(rows 2, 20\)",
         files=_edit_csv("kpi.csv", lambda d: pd.concat([d, d.iloc[:1]]))),
    Case("a KPI that is not a number", "error", r"kpi.csv, column fcr: 1 values are not numbers \('80%'\) \(row 3\)",
         files=_edit_csv("kpi.csv", _set("fcr", [1], "80%"))),
    Case("a complaint closed before it was received", "error",
         r"complaints.csv, column closed: 1 complaints closed before they were received \(row 4\)",
         files=_edit_csv("complaints.csv", _set("closed", [2], "2025-12-31 08:00"))),
    Case("a complaint time that is not a date", "error",
         r"complaints.csv, column received: 1 values are not dates and times \('昨天'\).*\(row 2\)",
         files=_edit_csv("complaints.csv", _set("received", [0], "昨天"))),
    Case("a complaint category linked to an unknown dimension", "error",
         r"study.yml: key 'complaints.categories': '等候时间' is linked to 'speed'",
         spec=_spec(complaints__categories={"等候时间": "speed"})),
    # --- numbers that measure nothing; settings out of range -----------------------------------
    Case("'inf' as a rating", "error", r"survey.csv, column P7: 1 values are not numbers \('inf'\).*\(row 4\)",
         data=_set("P7", [2], "inf")),
    Case("'-inf' as importance points", "error", r"survey.csv, column imp_empathy: 1 values are not numbers \('-inf'\)",
         data=_set("imp_empathy", [0], "-inf")),
    Case("'nan' as a KPI value", "error", r"kpi.csv, column fcr: 1 values are not numbers \('nan'\) \(row 3\)",
         files=_edit_csv("kpi.csv", _set("fcr", [1], "nan"))),
    Case("'inf' as a service level", "error", r"service_levels.csv, column actual: 1 values are not numbers \('inf'\) \(row 2\)",
         files=_edit_csv("service_levels.csv", _set("actual", [0], "inf"))),
    Case("'inf' as a complaint's satisfaction", "error", r"complaints.csv, column satisfaction: 1 values are not numbers \('inf'\)",
         files=_edit_csv("complaints.csv", _set("satisfaction", [0], "inf"))),
    Case("'NaN' as a maturity rating", "error", r"maturity.csv, column rating: 1 values are not numbers \('NaN'\) \(row 2\)",
         files=_edit_csv("maturity.csv", _set("rating", [0], "NaN"))),
    Case("a service-level target of 0", "error",
         r"service_levels.csv, column target: 1 records have a target of 0: the gap to target is measured relative "
         r"to the target.* \(row 3\)", files=_edit_csv("service_levels.csv", _set("target", [1], "0"))),
    Case("a scorecard target of .inf", "error", r"study.yml: key 'scorecard.indicators\[1\].target' must be a finite number, got inf",
         spec=lambda s: s["scorecard"]["indicators"][1].update(target=float("inf"))),
    Case("a negative seed", "error", r"study.yml: key 'analysis.seed': input should be greater than or equal to 0, got -1",
         spec=_spec(analysis__seed=-1)),
    Case("repeat complaints counted over a century", "error",
         r"study.yml: key 'complaints.repeat_days': input should be less than or equal to 3650, got 36500",
         spec=_spec(complaints__repeat_days=36500)),
    Case("a quote as the delimiter", "error", r"study.yml: key 'data.survey.delimiter': '\"' cannot separate fields; use a comma",
         spec=_spec(data__survey={"path": "survey.csv", "delimiter": '"'})),
    Case("a sheet for a CSV file", "error", r"study.yml: key 'data.survey.sheet': only an XLSX workbook has sheets",
         spec=_spec(data__survey={"path": "survey.csv", "sheet": "Sheet1"})),
    Case("a personal column that is also the comments", "error",
         r"study.yml: key 'personal_columns': 'comment' is also the comments column; personal columns are dropped",
         spec=lambda s: s.update(personal_columns=[*s["personal_columns"], s["comments"]])),
    Case("a personal column that is also an item", "error",
         r"study.yml: key 'personal_columns': 'P3' is also the perception column of item 3",
         spec=lambda s: s.update(personal_columns=[*s["personal_columns"], "P3"])),
    Case("a near-unique segment (a time stamp)", "error",
         r"survey.csv, column submitted: 252 distinct values: 252 of 252 respondents are in groups smaller than "
         r"min_group_size \(5\).*group the values .* or drop the segment",
         data=lambda d: d.assign(submitted=[f"2026-10-{1 + i % 28:02d} {i // 28:02d}:{i % 60:02d}" for i in range(len(d))]),
         spec=lambda s: s.update(segments=[*s["segments"], "submitted"])),
    Case("a segment with 100 single respondents and 152 missing (missing values count as one group)", "ok",
         data=lambda d: d.assign(ward=[f"W{i}" if i < 100 else "" for i in range(len(d))]),
         spec=lambda s: s.update(segments=[*s["segments"], "ward"])),
    # --- a client's file as it comes (issue 12) ------------------------------------------------
    Case("no respondent ids (row numbers stand in; waves compared unpaired)", "ok",
         data=lambda d: d.drop(columns="respondent_id"), spec=_spec(respondent_id=_DELETE)),
    Case("question-text headers found by the start the study file gives (P1 finds 'P1. 环境整洁')", "ok",
         data=lambda d: d.rename(columns={f"P{i}": f"P{i}. 问题 {i}" for i in range(1, 23)})),
    Case("a column name that is the start of several headers", "error",
         r"survey.csv: the study file's column 'Q9' is the start of 2 headers \('Q9_1', 'Q9_2'\); give the whole header",
         data=lambda d: d.assign(Q9_1="1", Q9_2="2"), spec=_spec(comments="Q9")),
    Case("an answer text the scale's values do not list", "error",
         r"survey.csv, column P7: 1 answers are neither answers listed under 'scale.values' nor missing codes \('还行'\).*\(row 5\)",
         data=_set("P7", [3], "还行"), spec=_spec(scale={"min": 1, "max": 7, "values": {"非常满意": 7, "非常不满意": 1}})),
    Case("overall satisfaction with every answer missing", "error",
         r"survey.csv, column overall: no answers: every cell is empty or a missing code \(0, 99\)",
         data=lambda d: d.assign(overall="99")),
    Case("a 0/1 overall flag whose 0 is also a study-wide missing code", "error",
         r"survey.csv, column overall: every answer is '1': with one answer category there is nothing to compare",
         data=lambda d: d.assign(overall=[str(i % 2) for i in range(len(d))]),
         spec=_spec(overall={"column": "overall", "satisfied": [1]})),
    Case("overall answers counted satisfied that never occur", "error",
         r"survey.csv, column overall: no answer is one of those listed under overall.satisfied \('满意'\)",
         spec=_spec(overall={"column": "overall", "satisfied": ["满意"]})),
    Case("a reverse-coded item on an unbounded scale", "error",
         r"study.yml: item '1' is reverse-coded but its scale \('scales.tangibles'\) is unbounded",
         spec=_spec(scales={"tangibles": {"type": "unbounded"}}, reverse_items=[1])),
    Case("polychoric correlations of 11-point items", "error",
         r"study.yml: key 'analysis.factor_analysis.correlation' is 'polychoric', but item '1' is rated on 11 points",
         spec=_spec(scale={"min": 0, "max": 10}, missing_codes=[99], analysis__factor_analysis={"correlation": "polychoric"})),
    Case("a maturity practice at level 6", "error", r"maturity.csv, column level: 1 values outside the scale 2–5 \(row 2\)",
         files=_edit_csv("maturity.csv", _set("level", [0], "6"))),
]


def _build_case(tmp_path: Path, case: Case) -> Path:
    folder = tmp_path / "study"
    shutil.copytree(DEMO, folder)
    if case.data is not None:
        path = folder / "survey.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        case.data(frame).to_csv(path, index=False, encoding="utf-8-sig")
    if case.spec is not None:
        spec = yaml.safe_load((folder / "study.yml").read_text(encoding="utf-8"))
        case.spec(spec)
        (folder / "study.yml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    if case.files is not None:
        case.files(folder)
    return folder / "study.yml"


def _validate(path: Path):
    study = load_study(path)
    survey = load_survey(study)
    check(study)
    return survey


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_catalogue(tmp_path, monkeypatch, case):
    path = _build_case(tmp_path, case)
    if case.outcome == "error":
        with pytest.raises(InputError, match=case.expect) as info:
            _validate(path)
        assert "\n" not in str(info.value)
        return
    survey = _validate(path)
    if case.outcome == "ok":  # what validate passes, the build computes: every notebook's code
        from .test_validate_build import run_notebooks

        run_notebooks(path, monkeypatch)
        return
    report, section, key = case.expect.split(":")
    module = import_module(f"sqmreport.analysis.{report}")
    result = module.analyse(survey)
    assert result.problems[section].key == key


def test_the_catalogue_has_forty_cases_and_the_docs_list_them():
    assert len(CASES) >= 40
    docs = (REPO / "docs" / "bad-inputs.md").read_text(encoding="utf-8")
    missing = [c.name for c in CASES if c.name not in docs]
    assert not missing, f"docs/bad-inputs.md does not list: {missing}"


def markdown() -> str:
    """docs/bad-inputs.md, from the catalogue: every case with the outcome it really gets."""
    import tempfile

    from sqmreport.present.i18n import text

    lines = ["# What sqmreport checks: the catalogue of bad inputs", "",
             "Generated from `tests/test_catalogue.py` (`python -m tests.test_catalogue > docs/bad-inputs.md`),",
             "where each case is a small fixture tested with this outcome. Each starts from the demo study",
             "and changes one thing. A user error stops `sqmreport validate` and `sqmreport build` with one",
             "line and exit code 2, before any notebook runs; valid data that a statistic cannot use is",
             "explained in the report, in place of the section it affects.", "",
             "| case | outcome |", "|---|---|"]
    for case in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            path = _build_case(Path(tmp), case)
            if case.outcome == "error":
                try:
                    _validate(path)
                    outcome = "(no error)"
                except InputError as exc:
                    outcome = f"error: `{exc}`"
            elif case.outcome == "ok":
                outcome = "read and reported as usual"
            else:
                report, section, key = case.expect.split(":")
                reason = text("en", f"problems.{key}", **{k: "…" for k in ("item", "a", "b", "n", "needed", "items")})
                outcome = f"explained in the {report.replace('_', ' ')} report ({section}): “{reason}”"
        lines.append(f"| {case.name} | {outcome.replace('|', '/')} |")
    lines += ["", "## The report folder", "",
              "`sqmreport build` replaces a study's report folder as a whole (see the README, \"Builds",
              "that cannot half-write\"). What it refuses, with one line and exit code 2, and what it says",
              "when a build is stopped, each tested in `tests/test_transactional.py`:", "",
              "| case | outcome |", "|---|---|", *[f"| {case} | {outcome} |" for case, outcome in FOLDER_CASES]]
    return "\n".join(lines) + "\n"


# Build-time cases of the report folder, tested in tests/test_transactional.py.
FOLDER_CASES = [
    ("`--out` is an existing file", "error: `DIR is a file, not a folder: give --out a folder`"),
    ("`--out` is read-only", "error: `DIR is read-only: its reports cannot be replaced`"),
    ("the folder above `--out` is read-only", "error: `cannot write DIR/: its folder PARENT is read-only`"),
    ("the disk fills while writing", "error: `cannot write DIR/: No space left on device; the previous "
     "reports are unchanged in DIR/` (a first build: `nothing was written to DIR/`)"),
    ("the temporary directory is full", "error: `cannot write the build's scratch folder "
     "TMP/sqmreport-…: No space left on device; the previous reports are unchanged in DIR/`"),
    ("another build is writing the folder", "error: `another build is writing DIR/ (pid N); try again "
     "when it has finished`"),
    ("the folder holds a file sqmreport did not write", "error: `DIR/ holds notes.txt, which sqmreport "
     "did not write; the build replaces the folder as a whole: move it away or build into another "
     "folder (--out)`"),
    ("the folder contains one of the study's inputs", "error: `the report folder DIR/ contains the "
     "study's input PATH, which the build reads: build into another folder (--out)`"),
    ("the folder is inside the notebooks' folder", "error: `the report folder DIR/ is inside the "
     "notebooks' folder PATH: build into another folder (--out)`"),
    ("Ctrl-C or SIGTERM (exit 130; a second one waits for this line)", "`interrupted: the previous "
     "reports are unchanged in DIR/`, or `interrupted: the new reports are in place in DIR/`"),
]


if __name__ == "__main__":
    print(markdown(), end="")
