"""Reading client files as they arrive (sqmreport.data.files): encodings, SPSS, Qualtrics, 问卷星.

Every file is written here at test time: nothing binary is committed.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import random
import re

import pandas as pd
import pytest

from sqmreport import InputError
from sqmreport.data.files import detect_encoding, read_table

# Segment values and answer texts in each script, as a survey in that language has them.
SCRIPTS = {
    "korean": (["내과", "외과", "소아과", "정형외과"],
               ["매우 만족", "만족", "보통", "불만족", "매우 불만족", "직원이 친절하고 대기 시간이 짧았습니다"]),
    "japanese": (["内科", "外科", "小児科"], ["とても満足", "満足", "どちらでもない", "やや不満", "不満"]),
    "traditional": (["內科", "外科", "兒科", "急診"], ["非常滿意", "滿意", "普通", "不滿意", "服務很好，等待時間太長"]),
    "simplified": (["内科", "外科", "儿科", "急诊"], ["非常满意", "满意", "一般", "不满意", "护士很耐心，医生解释清楚"]),
    "western": (["Médecine", "Chirurgie", "Pédiatrie", "Zürich"],
                ["très satisfait", "satisfait", "neutre", "déçu", "Größe", "Atención rápida"]),
}
CASES = [("cp949", "korean"), ("euc_kr", "korean"), ("shift_jis", "japanese"), ("cp932", "japanese"),
         ("big5", "traditional"), ("gbk", "simplified"), ("gb18030", "simplified"),
         ("utf-16", "simplified"), ("utf-16", "korean"), ("utf-8", "korean"), ("utf-8-sig", "japanese"),
         ("latin-1", "western"), ("cp1252", "western")]


def _survey(script: str, rows: int = 30, seed: int = 1) -> str:
    """A survey file's text: an ASCII header, segment values and answers in the script."""
    segments, answers = SCRIPTS[script]
    rng = random.Random(seed)
    lines = ["respondent_id,dept,P1,P2,overall_text"]
    for i in range(rows):
        lines.append(f"R{i:03d},{rng.choice(segments)},{rng.randint(1, 5)},{rng.randint(1, 5)},"
                     f"{rng.choice(answers)}")
    return "\n".join(lines) + "\n"


def _expected(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(("encoding", "script"), CASES, ids=[f"{e}-{s}" for e, s in CASES])
def test_each_encoding_is_read_back_exactly_without_being_named(tmp_path, encoding, script):
    text = _survey(script)
    if script == "simplified" and encoding == "gb18030":
        text = text.replace("急诊", "急诊€")  # € is four bytes in GB18030, not in GBK
    path = tmp_path / "survey.csv"
    path.write_bytes(text.encode(encoding))
    frame = read_table(path)
    assert frame.to_dict("records") == _expected(text)
    used = codecs.lookup(frame.attrs["encoding"]).name
    # The name recorded decodes the file to the same text (EUC-KR is read as its superset CP949).
    assert path.read_bytes().decode(used).removeprefix("\ufeff") == text
    assert frame.attrs["first_row"] == 2 and frame.attrs["labels"] == {} and frame.attrs["value_labels"] == {}


@pytest.mark.parametrize(("encoding", "script"), [c for c in CASES if c[0] != "utf-16"])
def test_each_encoding_named_in_the_study_file_or_auto(tmp_path, encoding, script):
    text = _survey(script, rows=5)
    path = tmp_path / "survey.csv"
    path.write_bytes(text.encode(encoding))
    assert read_table(path, encoding=encoding).to_dict("records") == _expected(text)
    assert read_table(path, encoding=encoding).attrs["encoding"] == encoding


@pytest.mark.parametrize("rows", [1, 2, 3, 10, 200])
@pytest.mark.parametrize(("encoding", "script"), [("cp949", "korean"), ("gbk", "simplified"),
                                                  ("big5", "traditional"), ("shift_jis", "japanese"),
                                                  ("cp1252", "western")])
def test_short_files_are_read_right_or_refused_never_misread(tmp_path, encoding, script, rows):
    """An ASCII header and a few answers in a legacy encoding: the detection is right, or it
    refuses naming the right encoding among the candidates; it never returns other text."""
    for seed in range(4):
        text = _survey(script, rows=rows, seed=seed)
        path = tmp_path / "survey.csv"
        path.write_bytes(text.encode(encoding))
        try:
            frame = read_table(path)
        except InputError as exc:
            message = str(exc)
            assert message.startswith("survey.csv: cannot tell the file's encoding: ")
            named = re.findall(r"(?:: |, )([\w-]+)(?: \([^)]*\))? reads ", message)
            assert any(path.read_bytes().decode(n) == text for n in named), message
            assert "\n" not in message and "`encoding: " in message
            continue
        assert frame.to_dict("records") == _expected(text)


def test_a_cp949_file_with_an_ascii_header_is_korean_not_gbk(tmp_path):
    """Issue 12, item 1: the old reader decoded this as GBK without a word (mojibake)."""
    text = ("respondent_id,dept,P1,comment\n"
            "R1,내과,5,친절함\nR2,외과,4,매우 만족\nR3,내과,2,대기 시간이 길었습니다\nR4,소아과,5,만족\n")
    raw = text.encode("cp949")
    assert raw.decode("gbk") != text  # what the old fallback did, silently
    path = tmp_path / "survey.csv"
    path.write_bytes(raw)
    frame = read_table(path)
    assert frame["dept"].tolist() == ["내과", "외과", "내과", "소아과"]
    assert frame["comment"].tolist()[1] == "매우 만족"
    assert frame.attrs["encoding"] == "cp949"
    # Korean header too, as in the bad-input catalogue of the old reader.
    path.write_bytes("respondent_id,진료과,비고\nR1,내과,친절함\n".encode("cp949"))
    assert read_table(path).to_dict("records") == [{"respondent_id": "R1", "진료과": "내과", "비고": "친절함"}]


def test_an_encoding_that_cannot_be_told_is_refused_with_the_candidates(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_bytes("id,sex\n1,男\n".encode("gbk"))  # C4 D0: 男 in GBK, 켕 in CP949
    with pytest.raises(InputError) as info:
        read_table(path)
    message = str(info.value)
    assert message.startswith("survey.csv: cannot tell the file's encoding: gbk (Chinese) reads '男'")
    assert "cp949 (Korean) reads '켕'" in message and "`encoding: gbk`" in message
    assert detect_encoding("id,sex\n1,男\n".encode("gbk"))[0] is None
    # Named, it is read.
    assert read_table(path, encoding="gbk")["sex"].tolist() == ["男"]


def test_a_named_encoding_that_does_not_decode_says_where_and_suggests_auto(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_bytes("id,dept\n1,内科\n2,外科\n".encode("gbk"))
    with pytest.raises(InputError, match=r"^survey.csv: the file is not utf-8 text: byte 0xc4 on line 2 "
                                         r"cannot be read as utf-8; set `encoding: auto`"):
        read_table(path, encoding="utf-8")
    assert read_table(path, encoding="auto")["dept"].tolist() == ["内科", "外科"]


def test_utf16_with_and_without_a_byte_order_mark(tmp_path):
    text = "id\tdept\tcomment\n1\t内科\t很好\n2\t외과\t좋아요\n"
    path = tmp_path / "survey.txt"
    path.write_bytes(text.encode("utf-16"))  # Excel's "Unicode text": tab-delimited, with a BOM
    frame = read_table(path)
    assert frame.to_dict("records") == list(csv.DictReader(io.StringIO(text), delimiter="\t"))
    assert frame.attrs["encoding"] == "utf-16"
    path.write_bytes(text.encode("utf-16-le"))
    assert read_table(path).attrs["encoding"] == "utf-16-le"
    assert read_table(path)["comment"].tolist() == ["很好", "좋아요"]
    path.write_bytes("id\tP1\n1\t5\n".encode("utf-16-le"))  # ASCII only: valid UTF-8 too, with NULs
    assert read_table(path).to_dict("records") == [{"id": "1", "P1": "5"}]
    path.write_bytes("id\tP1\n1\t5\n".encode("utf-16-be"))
    assert read_table(path).attrs["encoding"] == "utf-16-be"
    path.write_bytes(codecs.BOM_UTF32_LE + text.encode("utf-32-le"))
    assert read_table(path)["dept"].tolist() == ["内科", "외과"]


def test_a_binary_file_is_still_refused(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    with pytest.raises(InputError, match=r"^survey.csv: the file is binary"):
        read_table(path)


# --- SPSS ---------------------------------------------------------------------------------

def _sav(path, **options):
    import pyreadstat

    frame = pd.DataFrame({"id": ["A1 ", "A2", "A3", "A4"], "q1": [1.0, 5.0, 99.0, None],
                          "q2": [2.5, 3.0, 4.0, 1.0], "dept": ["내과", "", "外科", "Médecine"]})
    pyreadstat.write_sav(frame, str(path),
                         column_labels={"q1": "How satisfied are you with the staff?", "dept": "Department"},
                         variable_value_labels={"q1": {1: "Very dissatisfied", 5: "Very satisfied",
                                                       99: "No answer"}},
                         missing_ranges={"q1": [99]}, **options)
    return path


@pytest.mark.parametrize("name", ["survey.sav", "survey.zsav"])
def test_spss_numbers_labels_and_value_labels(tmp_path, name):
    path = _sav(tmp_path / name, compress=name.endswith("zsav"))
    frame = read_table(path)
    assert frame.to_dict("records") == [
        {"id": "A1", "q1": 1, "q2": 2.5, "dept": "내과"},
        {"id": "A2", "q1": 5, "q2": 3, "dept": None},
        {"id": "A3", "q1": None, "q2": 4, "dept": "外科"},  # 99 is declared missing in the file
        {"id": "A4", "q1": None, "q2": 1, "dept": "Médecine"}]
    assert type(frame["q1"][0]) is int and type(frame["q2"][0]) is float
    assert frame.attrs["labels"] == {"q1": "How satisfied are you with the staff?", "dept": "Department"}
    assert frame.attrs["value_labels"] == {"q1": {1: "Very dissatisfied", 5: "Very satisfied", 99: "No answer"}}
    assert frame.attrs["first_row"] == 2 and frame.attrs["encoding"] is None


def test_spss_by_format_and_damaged_files(tmp_path):
    path = _sav(tmp_path / "export.dat")
    assert read_table(path, format="sav").shape == (4, 4)
    (tmp_path / "cut.sav").write_bytes(path.read_bytes()[:300])
    with pytest.raises(InputError, match=r"^cut.sav: not a readable SPSS .sav file \(.+\)$"):
        read_table(tmp_path / "cut.sav")
    (tmp_path / "survey.csv").write_bytes(path.read_bytes())
    with pytest.raises(InputError, match=r"^survey.csv: the file is an SPSS data file, not CSV text: name it .sav"):
        read_table(tmp_path / "survey.csv")


# --- Qualtrics ----------------------------------------------------------------------------

QUALTRICS_HEADER = ["StartDate", "EndDate", "Status", "ResponseId", "Q1", "Q2_1", "Q2_2", "Q3"]
QUALTRICS_LABELS = ["Start Date", "End Date", "Response Type", "Response ID",
                    "How satisfied are you overall?",
                    "How would you rate... - Cleanliness", "How would you rate... - Staff, \"courtesy\"",
                    "Any comments?\n(optional)"]
QUALTRICS_IDS = [json.dumps({"ImportId": i}) for i in
                 ("startDate", "endDate", "status", "_recordId", "QID1", "QID2_1", "QID2_2", "QID3_TEXT")]


def _qualtrics(path, rows, *, labels=True, ids=QUALTRICS_IDS):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(QUALTRICS_HEADER)
    if labels:
        writer.writerow(QUALTRICS_LABELS)
    if ids:
        writer.writerow(ids)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return path


RESPONSES = [["2026-10-01 09:00:00", "2026-10-01 09:05:00", "IP Address", f"R_{i}", str(1 + i % 5),
              str(1 + (i + 1) % 5), str(1 + (i + 2) % 5), "fine, thanks" if i % 2 else ""] for i in range(5)]


def test_a_qualtrics_export_loses_its_extra_header_rows_to_the_labels(tmp_path):
    frame = read_table(_qualtrics(tmp_path / "qualtrics.csv", RESPONSES))
    assert list(frame.columns) == QUALTRICS_HEADER
    assert frame["ResponseId"].tolist() == [f"R_{i}" for i in range(5)]
    assert frame["Q3"].fillna("-").tolist() == ["-", "fine, thanks", "-", "fine, thanks", "-"]
    assert frame.attrs["first_row"] == 4
    assert frame.attrs["labels"]["Q1"] == "How satisfied are you overall?"
    assert frame.attrs["labels"]["Q2_2"] == 'How would you rate... - Staff, "courtesy"'
    assert frame.attrs["labels"]["Q3"] == "Any comments?\n(optional)"
    only_ids = read_table(_qualtrics(tmp_path / "ids.csv", RESPONSES, labels=False))
    assert only_ids.attrs["first_row"] == 3 and only_ids.attrs["labels"] == {}
    assert only_ids["Q1"].tolist() == frame["Q1"].tolist()
    only_labels = read_table(_qualtrics(tmp_path / "labels.csv", RESPONSES, ids=None))
    assert only_labels.attrs["first_row"] == 3 and only_labels.attrs["labels"]["Q1"].startswith("How")
    assert only_labels["Q1"].tolist() == frame["Q1"].tolist()


def test_qualtrics_row_numbers_in_errors_are_the_files_rows(tmp_path):
    rows = [list(r) for r in RESPONSES]
    rows[2] = rows[2] + ["stray"]  # the third response: spreadsheet row 4 + 2 = 6
    with pytest.raises(InputError, match=r"^qualtrics.csv: 1 row has more fields than the header's 8 columns.* \(row 6\)$"):
        read_table(_qualtrics(tmp_path / "qualtrics.csv", rows))


def test_a_qualtrics_export_cut_after_its_header_rows(tmp_path):
    with pytest.raises(InputError, match=r"^cut.csv: the file is a Qualtrics export cut after its header rows "
                                         r"\(rows 2–3\): it has no responses"):
        read_table(_qualtrics(tmp_path / "cut.csv", []))
    ids = list(QUALTRICS_IDS)
    ids[4] = "QID1"
    with pytest.raises(InputError, match=r"^edited.csv: row 2 is Qualtrics' row of ImportIds, but its cell in "
                                         r"column 'Q1' is 'QID1'"):
        read_table(_qualtrics(tmp_path / "edited.csv", RESPONSES, labels=False, ids=ids))


# --- 问卷星 (Wenjuanxing) -------------------------------------------------------------------

WJX_HEADER = ["序号", "提交答卷时间", "所用时间", "来源", "来自IP", "1、您的性别", "2、您的年龄段",
              "5.您对医院环境的满意程度", "9(环境整洁)", "9(服务态度)", "9(等候时间)", "10、您的建议 "]
WJX_ROWS = [[str(i), f"2026/10/{i + 1:02d} 10:00:00", f"{60 + i}秒", "手机提交", "1.2.3.4(北京-北京)",
             "男" if i % 2 else "女", "18~25", ["非常满意", "满意", "一般", "不满意", "非常不满意"][i % 5],
             str(1 + i % 5), str(5 - i % 5), str(3), "希望增加停车位" if i == 1 else "(跳过)"] for i in range(1, 8)]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk", "gb18030"])
def test_wenjuanxing_headers_stay_exactly_as_in_the_file(tmp_path, encoding):
    path = tmp_path / "wjx.csv"
    path.write_bytes(("\n".join(",".join(r) for r in [WJX_HEADER, *WJX_ROWS]) + "\n").encode(encoding))
    frame = read_table(path)
    assert list(frame.columns) == [h.strip() for h in WJX_HEADER]
    assert frame["5.您对医院环境的满意程度"].tolist()[:3] == ["满意", "一般", "不满意"]
    assert frame["9(服务态度)"].tolist()[0] == "4"
    assert frame.attrs["first_row"] == 2 and frame.attrs["labels"] == {}


def test_a_question_text_header_given_twice_is_refused_and_numbered_ones_are_not_taken_for_copies(tmp_path):
    path = tmp_path / "wjx.csv"
    path.write_text("序号,9(环境整洁),9(环境整洁)\n1,5,4\n", encoding="utf-8-sig")
    with pytest.raises(InputError, match=r"^wjx.csv: column '9\(环境整洁\)' appears more than once in the header$"):
        read_table(path)
    # "3.1" beside "3" is a question and its sub-question, not a copy pandas renamed.
    path.write_text("序号,3,3.1,Q2,Q2.1\n1,5,4,2,1\n", encoding="utf-8-sig")
    assert list(read_table(path).columns) == ["序号", "3", "3.1", "Q2", "Q2.1"]


def test_a_wenjuanxing_workbook_with_several_sheets(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(WJX_HEADER)
    for row in WJX_ROWS:
        sheet.append([int(v) if v.isdigit() else v for v in row])
    stats = book.create_sheet("统计")
    stats.append(["题目", "平均分"])
    stats.append(["9(环境整洁)", 3.2])
    book.save(tmp_path / "wjx.xlsx")
    frame = read_table(tmp_path / "wjx.xlsx")
    assert list(frame.columns) == [h.strip() for h in WJX_HEADER]
    assert frame["9(环境整洁)"].tolist() == [2, 3, 4, 5, 1, 2, 3]
    assert frame["1、您的性别"].tolist()[:2] == ["男", "女"]
    assert frame.attrs == {"labels": {}, "value_labels": {}, "first_row": 2, "encoding": None, "unnamed": [],
                           "other_sheets": ["统计"]}
    assert read_table(tmp_path / "wjx.xlsx", sheet="统计").to_dict("records") == [{"题目": "9(环境整洁)", "平均分": 3.2}]


# --- columns without a name ---------------------------------------------------------------

def test_an_unnamed_index_column_is_kept_and_listed(tmp_path):
    path = tmp_path / "survey.csv"
    pd.DataFrame({"id": ["a", "b"], "P1": ["1", "2"]}).to_csv(path)  # pandas writes its index
    frame = read_table(path)
    assert list(frame.columns) == ["Unnamed: 0", "id", "P1"]
    assert frame.attrs["unnamed"] == [1]
    path.write_text("a,,\n1,2,3\n")  # two empty names are not one name given twice
    assert read_table(path).attrs["unnamed"] == [2, 3]


def test_a_qualtrics_export_as_a_workbook(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    for row in [QUALTRICS_HEADER, QUALTRICS_LABELS, QUALTRICS_IDS, *RESPONSES]:
        book.active.append([int(v) if v.isdigit() else v or None for v in row])
    book.save(tmp_path / "qualtrics.xlsx")
    frame = read_table(tmp_path / "qualtrics.xlsx")
    assert frame["Q1"].tolist() == [1, 2, 3, 4, 5]
    assert frame.attrs["first_row"] == 4 and frame.attrs["labels"]["Q3"] == "Any comments?\n(optional)"


def test_an_encoding_named_against_the_files_byte_order_mark(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_bytes("id,dept\n1,内科\n".encode("utf-8-sig"))
    with pytest.raises(InputError, match=r"^survey.csv: the file starts with a UTF-8 byte-order mark, but the "
                                         r"study file says `encoding: gbk`; remove `encoding` \(or set it to utf-8-sig\)$"):
        read_table(path, encoding="gbk")
    assert read_table(path, encoding="utf-8")["dept"].tolist() == ["内科"]
    path.write_bytes("id,dept\n1,内科\n".encode("utf-16"))
    assert read_table(path, encoding="UTF-16")["dept"].tolist() == ["内科"]
    with pytest.raises(InputError, match=r"UTF-16 byte-order mark, but the study file says `encoding: utf-8`"):
        read_table(path, encoding="utf-8")


@pytest.mark.parametrize(("encoding", "text"), [
    ("cp1254", "id,answer\n1,Çok memnun\n2,Değil\n3,İyi\n"),           # Ğ ş İ are Ð þ Ý in CP1252
    ("cp1251", "id,city,answer\n1,Москва,Очень доволен\n2,Киев,Доволен\n"),
    ("koi8_r", "id,city,answer\n1,Москва,Очень доволен\n2,Киев,Доволен\n"),
    ("cp1253", "id,answer\n1,Πολύ ικανοποιημένος\n2,Καθόλου\n"),
    ("cp1250", "id,city,answer\n1,Łódź,Bardzo zadowolony\n2,Brno,Příliš dlouhé čekání\n"),
    ("euc_jp", "id,answer\n1,とても満足\n2,不満\n3,普通\n")])
def test_other_legacy_encodings_are_read_right_or_refused(tmp_path, encoding, text):
    path = tmp_path / "survey.csv"
    path.write_bytes(text.encode(encoding))
    try:
        frame = read_table(path)
    except InputError as exc:
        assert "cannot tell the file's encoding" in str(exc)
        return
    assert frame.to_dict("records") == _expected(text)


def test_a_long_file_is_told_by_its_non_ascii_lines_wherever_they_are(tmp_path):
    """Detection reads a sample, the lines with non-ASCII bytes: Korean comments after 300 kB
    of numbers are still Korean, and a GB18030-only character after the sample still counts."""
    path = tmp_path / "survey.csv"
    rows = [f"R{i},{i % 5 + 1}," for i in range(40000)]
    text = "\n".join(["id,P1,comment", *rows, "R9,3,직원이 친절했습니다", "R10,4,대기 시간이 길었습니다"]) + "\n"
    path.write_bytes(text.encode("cp949"))
    frame = read_table(path)
    assert frame.attrs["encoding"] == "cp949" and frame["comment"].dropna().tolist()[0] == "직원이 친절했습니다"
    body = _survey("simplified", rows=12000)
    text = body + "R9,急诊€,1,1,满意\n"  # € has four bytes in GB18030 and none in GBK
    path.write_bytes(text.encode("gb18030"))
    frame = read_table(path)
    assert frame.attrs["encoding"] == "gb18030" and frame["dept"].tolist()[-1] == "急诊€"
    assert frame.to_dict("records") == _expected(text)


def test_an_old_excel_workbook_says_what_to_save_it_as(tmp_path):
    (tmp_path / "wjx.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(InputError, match=r"^wjx.xls: an old Excel \(.xls\) workbook is not read: save it as .xlsx"):
        read_table(tmp_path / "wjx.xls")


# --- a named encoding that decodes the file but reads as nonsense ---------------------------

def test_korean_named_as_gbk_is_refused_naming_the_encoding_it_reads_as(tmp_path):
    """The gallery's kiosk-kr complaint: `encoding: gbk` on a CP949 file turned every Korean
    answer into Chinese characters without a word."""
    text = _survey("korean", rows=40)
    path = tmp_path / "survey.csv"
    path.write_bytes(text.encode("cp949"))
    assert path.read_bytes().decode("gbk") != text  # GBK decodes it: nonsense, no error
    for named in ("gbk", "cp1252", "cp1251"):
        with pytest.raises(InputError) as info:
            read_table(path, encoding=named)
        message = str(info.value)
        assert re.match(rf"^survey.csv: the text reads as cp949 \(Korean: '[^']+'\), not as {named} "
                        rf"\('[^']+'\): set encoding: cp949$", message), message
    korean = re.search(r"Korean: '([^']+)'", message).group(1)
    assert korean in text
    assert read_table(path, encoding="cp949").to_dict("records") == _expected(text)


@pytest.mark.parametrize(("encoding", "script"), [("gbk", "simplified"), ("big5", "traditional"),
                                                  ("shift_jis", "japanese"), ("cp1252", "western"),
                                                  ("cp949", "korean"), ("euc_kr", "korean"),
                                                  ("cp932", "japanese"), ("gb18030", "simplified")])
@pytest.mark.parametrize("rows", [2, 40])
def test_a_named_encoding_that_reads_plausibly_is_trusted(tmp_path, encoding, script, rows):
    text = _survey(script, rows=rows)
    path = tmp_path / "survey.csv"
    path.write_bytes(text.encode(encoding))
    assert read_table(path, encoding=encoding).to_dict("records") == _expected(text)


def test_a_short_ambiguous_file_named_gbk_is_trusted(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_bytes("id,sex\n1,男\n2,男\n".encode("gbk"))  # C4 D0: 男 in GBK, 켕 in CP949
    assert read_table(path, encoding="gbk")["sex"].tolist() == ["男", "男"]
    # ... and the same bytes named as CP949: the detection cannot tell, so the user is trusted
    assert read_table(path, encoding="cp949")["sex"].tolist() == ["켕", "켕"]


def test_a_named_encoding_of_the_same_script_is_the_users_call(tmp_path):
    """Polish in CP1250 named as CP1252 reads '£ódŸ': a Latin code page for a Latin one is
    not second-guessed (the detection itself refuses when unsure between them)."""
    path = tmp_path / "survey.csv"
    path.write_bytes("id,city\n1,Łódź\n2,Kraków\n".encode("cp1250"))
    assert read_table(path, encoding="cp1252")["city"].tolist()[1] == "Kraków"


# --- a workbook whose first visible sheet is not the data -----------------------------------

def _notes_then_data(path, *, merged: bool = False, empty: bool = False):
    import openpyxl

    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "说明"
    if not empty:
        for line in ("本表为2026年第二季度政务服务评价数据", "数据来源：好差评系统", "请勿修改表头"):
            notes.append([line])
    if merged:
        notes.merge_cells("A1:D1")
    hidden = book.create_sheet("旧表")
    hidden.sheet_state = "hidden"
    hidden.append(["x"])
    data = book.create_sheet("数据")
    data.append(["编号", "总体评价", "P1"])
    data.append(["A1", "满意", 5])
    book.create_sheet("统计").append(["题目", "平均分"])
    book.save(path)


def test_a_default_sheet_lists_the_workbooks_other_visible_sheets(tmp_path):
    path = tmp_path / "评价.xlsx"
    _notes_then_data(path)
    frame = read_table(path)
    assert list(frame.columns) == ["本表为2026年第二季度政务服务评价数据"]
    assert frame.attrs["other_sheets"] == ["数据", "统计"]  # the hidden one is not offered
    named = read_table(path, sheet="数据")
    assert named.to_dict("records") == [{"编号": "A1", "总体评价": "满意", "P1": 5}]
    assert named.attrs["other_sheets"] == []
    assert read_table(path, sheet=0).attrs["other_sheets"] == []
    csv_file = tmp_path / "s.csv"
    csv_file.write_text("id,P1\n1,5\n", encoding="utf-8")
    assert read_table(csv_file).attrs["other_sheets"] == []


@pytest.mark.parametrize("problem", ["merged", "empty"])
def test_a_refused_default_sheet_names_the_other_sheets(tmp_path, problem):
    path = tmp_path / "评价.xlsx"
    _notes_then_data(path, merged=problem == "merged", empty=problem == "empty")
    with pytest.raises(InputError) as info:
        read_table(path)
    message = str(info.value)
    assert message.startswith("评价.xlsx: ") and "\n" not in message
    assert message.endswith("; the workbook's other sheets: 数据, 统计 — set `sheet`"), message
    # Named, the sheet's refusal says nothing of the others: the user chose it.
    with pytest.raises(InputError) as info:
        read_table(path, sheet="说明")
    assert "other sheets" not in str(info.value)


def test_other_sheets_wording():
    from sqmreport.data.files import other_sheets

    assert other_sheets([]) == ""
    assert other_sheets(["数据"]) == "; the workbook's other sheets: 数据 — set `sheet`"
    assert other_sheets([f"S{i}" for i in range(8)]).startswith(
        "; the workbook's other sheets: S0, S1, S2, S3, S4, S5 and 2 more — set `sheet`")
