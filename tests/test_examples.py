"""The example gallery (examples/): client files as they arrive, each described by a study file.

Each study's data are written by ``examples/generate.py`` into a temporary folder beside a copy
of its ``study.yml``, built once (only the reports it asks for), and its pages are read for
what a consultant must see: the counts and names of its own questionnaire, the respondents'
noun, answers in their own script (no mojibake), an NPS only where there is an 11-point
recommend item, a share satisfied for a two-answer overall, no top-2-box on a 1-100 or
continuous scale.  Each file format also has a naive study file that must fail with one line
and exit code 2.
"""

from __future__ import annotations

import codecs
import importlib.util
import io
import re
import shutil
import signal
import subprocess
from contextlib import redirect_stderr, redirect_stdout
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from .conftest import REPO

EXAMPLES = REPO / "examples"
NAMES = sorted(p.parent.name for p in EXAMPLES.glob("*/study.yml"))


def _generator():
    spec = importlib.util.spec_from_file_location("examples_generate", EXAMPLES / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- reading a page -----------------------------------------------------------------------------

class _Text(HTMLParser):
    """A page's visible text, one line per paragraph, heading or table cell."""

    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.skip -= 1
        if tag in ("p", "li", "h1", "h2", "h3", "td", "th", "tr", "figcaption", "dd", "dt",
                   "div", "caption"):
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def page_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return re.sub(r"\n\s*\n+", "\n", re.sub(r"[ \t]+", " ", "".join(parser.parts)))


HAN = re.compile(r"[\u4e00-\u9fff]")
# What text decoded with the wrong code page looks like: the replacement character, or
# Latin-1/Windows-1252 letters standing for the bytes of a multi-byte script.
MOJIBAKE = re.compile(r"[\ufffd\u0080-\u009f]|[ÃÂ][\u0080-\u00bf]|[ƒ‚„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]{2}")


# -- building the gallery --------------------------------------------------------------------------

class Gallery:
    """Each study generated and built on first use, once per test module."""

    def __init__(self, root: Path):
        self.root, self.results, self.template = root, {}, None

    def study(self, name: str) -> Path:
        """A fresh copy of the study file with its data, in a folder of its own."""
        folder = self.root / "studies" / name
        if not folder.exists():
            folder.mkdir(parents=True)
            shutil.copy(EXAMPLES / name / "study.yml", folder / "study.yml")
            _generator().STUDIES[name](folder)
        return folder / "study.yml"

    def __getitem__(self, name: str) -> dict:
        """The built pages of a study, {report: text}; fails the test if the build did."""
        if not self.results:
            self._build_all()
        result = self.results[name]
        if isinstance(result, str):
            pytest.fail(f"{name} did not build: {result}")
        return result

    def _build_all(self):
        """Every study in one batch (a study's check overlaps another's notebooks); when the
        batch stops at a study, the ones it did not finish are built one by one, so that
        each study's outcome is its own."""
        from sqmreport.build import forkserver
        from sqmreport.build.render import build_studies

        studies = {}
        for name in NAMES:
            try:
                studies[name] = self.study(name)
            except Exception as exc:  # a format the generator cannot write here
                self.results[name] = f"data not generated: {type(exc).__name__}: {exc}"
        self.template = forkserver.start()
        with pytest.MonkeyPatch.context() as mp:
            mp.chdir(self.root)  # the batch builds each study into reports/<name>
            try:
                build_studies(list(studies.values()), template=self.template)
            except Exception:  # noqa: BLE001 - each study's own outcome is found below
                for name, study in studies.items():
                    if not (self.root / "reports" / name / "index.html").exists():
                        self.results[name] = self._build_one(study)
        for name, study in studies.items():
            self.results.setdefault(name, self._pages(name, study))

    def _build_one(self, study: Path):
        from sqmreport._validation import InputError
        from sqmreport.build.render import build

        try:
            build(study, template=self.template)
        except InputError as exc:
            return f"error: {exc}"
        except Exception as exc:  # noqa: BLE001 - reported by the study's tests
            return f"{type(exc).__name__}: {exc}"
        return self._pages(study.parent.name, study)

    def _pages(self, name: str, study: Path) -> dict:
        out = self.root / "reports" / name
        reports = yaml.safe_load(study.read_text(encoding="utf-8"))["reports"]
        pages = {r: page_text(out / f"{r}.html") for r in reports}
        pages["index"] = page_text(out / "index.html")
        return pages

    def close(self):
        if self.template is not None:
            self.template.close()


@pytest.fixture(scope="module")
def gallery(tmp_path_factory):
    built = Gallery(tmp_path_factory.mktemp("examples"))
    yield built
    built.close()


class Done:
    """What the command line said: its exit code, standard output and error."""

    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def cli(*args: str, cwd: Path) -> Done:
    """``sqmreport ARGS`` run in this process (as ``python -m sqmreport`` would run it, without
    a new interpreter importing everything again); its signal handlers are put back after."""
    from sqmreport.build.cli import main

    handlers = {n: signal.getsignal(n) for n in (signal.SIGINT, signal.SIGTERM)}
    out, err = io.StringIO(), io.StringIO()
    try:
        with pytest.MonkeyPatch.context() as mp, redirect_stdout(out), redirect_stderr(err):
            mp.chdir(cwd)
            mp.setenv("SQMREPORT_NO_FORK", "1")  # no kernel template: nothing is to be built
            code = main(list(args))
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
    return Done(code, out.getvalue(), err.getvalue())


def naive(gallery, name: str, change, tmp_path) -> Done:
    """``sqmreport build`` of the study with its study file changed as a first draft would be:
    one line, exit code 2, nothing written."""
    folder = tmp_path / name
    shutil.copytree(gallery.study(name).parent, folder)
    spec = yaml.safe_load((folder / "study.yml").read_text(encoding="utf-8"))
    change(spec)
    (folder / "study.yml").write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False),
                                      encoding="utf-8")
    done = cli("build", "study.yml", "--out", str(tmp_path / "out"), cwd=folder)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
    return done


def documented(done: Done) -> None:
    """docs/from-client-file.md quotes this message as the tool gives it."""
    doc = (REPO / "docs" / "from-client-file.md").read_text(encoding="utf-8")
    assert done.stderr.strip() in doc, done.stderr


def pages_of(gallery, name):
    pages = gallery[name]
    for report, text in pages.items():
        assert not MOJIBAKE.search(text), (name, report, MOJIBAKE.search(text).group())
        for leftover in ("Traceback", "nan", "NaN", "{", "}"):
            assert not re.search(rf"(?<![\w-]){re.escape(leftover)}(?![\w-])", text), \
                (name, report, leftover)
    return pages


def the_noun_only(pages, noun: str, others=("customer",)):
    """The respondents are called what the study calls them, never 'customers'."""
    every = "\n".join(pages.values())
    assert re.search(rf"\b{noun}s?\b", every, re.I), noun
    for other in others:
        found = re.search(rf"[^\n]*\b{other}s?\b[^\n]*", every, re.I)
        assert not found, found.group()


# -- the gallery's folders --------------------------------------------------------------------------

def test_every_example_has_a_study_file_a_readme_and_a_generator():
    generator = _generator()
    assert len(NAMES) >= 10
    assert sorted(generator.STUDIES) == NAMES
    for name in NAMES:
        readme = (EXAMPLES / name / "README.md").read_text(encoding="utf-8")
        assert readme.startswith("# "), name
        spec = yaml.safe_load((EXAMPLES / name / "study.yml").read_text(encoding="utf-8"))
        assert spec["name"] == name


def test_the_generator_writes_the_same_bytes_every_time(tmp_path):
    generator = _generator()
    names = ["kiosk-kr", "wjx-property", "gov-binary", "qualtrics-retail", "hospital-sav"]
    first = generator.generate(tmp_path / "a", names)
    second = generator.generate(tmp_path / "b", names)
    for a, b in zip(first, second):
        files = sorted(p.name for p in a.iterdir())
        assert files == sorted(p.name for p in b.iterdir()) and files
        for f in files:
            assert (a / f).read_bytes() == (b / f).read_bytes(), f


def test_no_generated_data_is_committed():
    tracked = subprocess.run(["git", "ls-files", "examples"], cwd=REPO, capture_output=True,
                             text=True).stdout.split()
    allowed = {"study.yml", "README.md", "generate.py", ".gitignore"}
    assert not [t for t in tracked if Path(t).name not in allowed]


# respondents, items and dimensions of each study: its rows as the client sent them
SHAPES = {"kiosk-kr": (240, 24, 6), "airline-100": (320, 12, 4), "wjx-property": (210, 15, 5),
          "qualtrics-retail": (260, 12, 4), "hospital-sav": (230, 15, 5), "bank-ecsi": (260, 14, 4),
          "gov-binary": (200, 12, 4), "hotel-jp": (180, 14, 4), "telecom-rec5": (190, 12, 4),
          "campus-mixed": (220, 10, 3), "servqual-big5": (300, 22, 5)}


@pytest.mark.parametrize("name", NAMES)
def test_each_report_counts_the_study_it_was_given(gallery, name):
    n, items, dims = SHAPES[name]
    sat = pages_of(gallery, name)["satisfaction"]
    spec = yaml.safe_load((EXAMPLES / name / "study.yml").read_text(encoding="utf-8"))
    if spec["language"] == "en":
        assert f"\n{n} respondents are analysed." in sat
        assert f"the {items} items and {dims} dimensions" in sat
    else:
        assert re.search(rf"纳入分析的\S+共 {n} 人", sat)
        assert f"{items} 个题项与 {dims} 个维度" in sat


# What the generator planted in each study's answers, which its report must find: the dimension
# that drives overall satisfaction, and the group served worse (or better) on one dimension.
PLANTED = {
    "kiosk-kr": ("Speed matters most", "부산 서면점 lowest"),
    "airline-100": ("Cabin crew matters most", "Business is highest"),
    "wjx-property": ("对总体满意度影响最大的是维修服务", "5号楼最低"),
    "qualtrics-retail": ("Staff matters most", None),
    "hospital-sav": ("对总体满意度影响最大的是响应性", "儿科最低"),
    "bank-ecsi": ("Perceived value matters most", "Évora is highest"),
    "gov-binary": ("对总体满意度影响最大的是办事效率", "不动产登记最低"),
    "hotel-jp": ("Room matters most", None),
    "telecom-rec5": ("对总体满意度影响最大的是网络质量", "4G 套餐最低"),
    "campus-mixed": ("Teaching matters most", "Engineering is highest"),
    "servqual-big5": ("对总体满意度影响最大的是可靠性", "高雄夢時代店最低"),
}


@pytest.mark.parametrize("name", NAMES)
def test_each_report_finds_what_the_data_hold(gallery, name):
    driver, group = PLANTED[name]
    sat = pages_of(gallery, name)["satisfaction"]
    assert driver in sat
    if group:
        assert group in sat


# -- 1. Korean kiosk survey: CP949 ----------------------------------------------------------------

def test_kiosk_kr_korean_answers_read_from_cp949(gallery):
    pages = pages_of(gallery, "kiosk-kr")
    sat = pages["satisfaction"]
    for korean in ("강남점", "홍대점", "부산 서면점", "50대 이상"):
        assert korean in sat, korean
    assert "카드 결제가 자주 실패합니다" in sat  # a comment, in the respondents' own words
    for report, text in pages.items():
        assert not HAN.search(text), (report, HAN.search(text).group())  # Korean read as GBK
    assert "24 items and 6 dimensions" in sat


LEGACY = [("kiosk-kr", "kiosk_survey.csv", "store", "강남점", "cp949"),
          ("hotel-jp", "ホテル満足度アンケート.csv", "宿泊目的", "観光", "shift_jis"),
          ("servqual-big5", "門市服務品質問卷.csv", "門市", "台北信義店", "big5"),
          ("bank-ecsi", "inquerito_ecsi_2026.csv", "agência", "Évora", "cp1252")]


@pytest.mark.parametrize(("name", "file", "column", "answer", "codec"), LEGACY,
                         ids=[x[0] for x in LEGACY])
def test_a_legacy_encoding_is_detected_when_the_study_gives_none(gallery, name, file, column,
                                                                 answer, codec):
    from sqmreport.data.files import read_table

    frame = read_table(gallery.study(name).parent / file)
    assert answer in set(frame[column])
    assert codecs.lookup(frame.attrs["encoding"]).name == codecs.lookup(codec).name


def test_kiosk_kr_korean_read_as_gbk_is_refused(gallery, tmp_path):
    done = naive(gallery, "kiosk-kr", lambda s: s["data"]["survey"].update(encoding="gbk"),
                 tmp_path)
    assert done.stderr.startswith("error: kiosk_survey.csv: ")
    assert "cp949" in done.stderr and "강남점" in done.stderr
    documented(done)


def test_kiosk_kr_respondents_are_users(gallery):
    the_noun_only(pages_of(gallery, "kiosk-kr"), "user")


def test_kiosk_kr_wrong_encoding_is_one_line(gallery, tmp_path):
    done = naive(gallery, "kiosk-kr",
                 lambda s: s["data"]["survey"].update(encoding="utf-8"), tmp_path)
    assert done.stderr.startswith("error: kiosk_survey.csv: ")
    assert "UTF-8" in done.stderr or "utf-8" in done.stderr
    documented(done)


# -- 2. Airline: 1-100 attributes, 1-7 overall, no id, an index column -----------------------------

def test_airline_100_builds_without_an_id_or_the_index_column(gallery):
    pages = pages_of(gallery, "airline-100")
    sat = pages["satisfaction"]
    assert "320 respondents" in sat
    assert "12 items and 4 dimensions" in sat


def test_airline_100_has_no_top_2_box_on_a_1_100_scale(gallery):
    sat = pages_of(gallery, "airline-100")["satisfaction"]
    assert "99–100" not in sat and "99-100" not in sat
    assert "1–100" in sat
    assert "there is no top-2-box" in sat and "Top box (≥ 81)" in sat
    # the overall question keeps its own 1-7 scale, where a top-2-box means something
    assert "Overall satisfaction on its 1–7 scale." in sat


def test_airline_100_respondents_are_passengers(gallery):
    the_noun_only(pages_of(gallery, "airline-100"), "passenger")


# -- 3. 问卷星 export: question headers, answer texts ------------------------------------------------

def test_wjx_property_answer_texts_become_points(gallery):
    pages = pages_of(gallery, "wjx-property")
    sat = pages["satisfaction"]
    for building in ("1号楼", "2号楼", "6号楼"):
        assert building in sat
    assert "保安巡逻" in sat and "社区活动组织" in sat
    assert "希望加强夜间巡逻" in sat  # the comments column, found by its question text


def test_wjx_property_no_answer_is_not_a_comment(gallery):
    assert "(空)" not in pages_of(gallery, "wjx-property")["satisfaction"]


def test_wjx_property_answer_texts_without_values_is_one_line(gallery, tmp_path):
    def numbers(spec):
        spec["scale"].pop("values")
        spec["overall"].pop("scale")
        spec.pop("missing_codes")

    done = naive(gallery, "wjx-property", numbers, tmp_path)
    assert done.stderr.startswith("error: 物业满意度调查_问卷星.xlsx, column 2、")
    assert "'一般'" in done.stderr and "rows 2, 3" in done.stderr
    documented(done)


def test_wjx_property_an_unmapped_answer_text_is_one_line(gallery, tmp_path):
    done = naive(gallery, "wjx-property", lambda s: s.pop("missing_codes"), tmp_path)
    assert done.stderr.startswith("error: 物业满意度调查_问卷星.xlsx, column 2、")
    assert "'不了解'" in done.stderr and "rows" in done.stderr
    documented(done)


# -- 4. Qualtrics export: three header rows, 1-11 coded recommend -----------------------------------

def _qualtrics_nps(study: Path) -> float:
    frame = pd.read_csv(study.parent / "Store_Visit_Survey_May_2026.csv", skiprows=[1, 2],
                        encoding="utf-8-sig")
    score = frame["Q5"] - 1
    return 100 * ((score >= 9).mean() - (score <= 6).mean())


def test_qualtrics_retail_reads_the_export_and_its_question_texts(gallery):
    sat = pages_of(gallery, "qualtrics-retail")["satisfaction"]
    assert "260 respondents" in sat  # the question-text and ImportId rows are not respondents
    assert "The store was clean and tidy" in sat  # item wording from the export's second row


def test_qualtrics_retail_items_are_named_by_their_statement(gallery):
    sat = pages_of(gallery, "qualtrics-retail")["satisfaction"]
    assert "How much do you agree with the following?" not in sat


def test_qualtrics_retail_nps_from_a_1_11_coding(gallery):
    sat = pages_of(gallery, "qualtrics-retail")["satisfaction"]
    nps = _qualtrics_nps(gallery.study("qualtrics-retail"))
    found = re.search(r"The Net Promoter Score is ([+−-]?\d+)", sat)
    assert found, "no NPS sentence"
    assert int(found.group(1).replace("−", "-")) == round(nps)


def test_qualtrics_retail_recommend_as_if_0_10_is_one_line_with_the_file_rows(gallery, tmp_path):
    done = naive(gallery, "qualtrics-retail", lambda s: s.update(recommend="Q5"), tmp_path)
    assert done.stderr.startswith("error: Store_Visit_Survey_May_2026.csv, column Q5: ")
    assert "0–10" in done.stderr
    frame = pd.read_csv(gallery.study("qualtrics-retail").parent / "Store_Visit_Survey_May_2026.csv",
                        skiprows=[1, 2], encoding="utf-8-sig")
    first = int(np.flatnonzero(frame["Q5"] == 11)[0]) + 4  # code row 1, two header rows
    assert re.search(rf"\(rows? {first}\b", done.stderr), done.stderr
    documented(done)


# -- 5. SPSS .sav: labels and value labels ----------------------------------------------------------

def test_hospital_sav_wording_from_variable_labels(gallery):
    pages = pages_of(gallery, "hospital-sav")
    for report in ("satisfaction", "gap_model"):
        assert "医院环境整洁舒适" in pages[report]
        assert "出院后有随访关怀" in pages[report]


def test_hospital_sav_gap_model_speaks_of_patients_and_healthcare(gallery):
    gap = pages_of(gallery, "hospital-sav")["gap_model"]
    assert "患者的感知 − 患者的期望" in gap
    assert "原因与对策为医疗机构中的常见情况" in gap  # sector: healthcare


def test_hospital_sav_segments_named_by_value_labels(gallery):
    sat = pages_of(gallery, "hospital-sav")["satisfaction"]
    for label in ("内科", "外科", "儿科", "门诊", "住院"):
        assert label in sat


def test_hospital_sav_respondents_are_patients(gallery):
    pages = pages_of(gallery, "hospital-sav")
    every = "\n".join(pages.values())
    assert "患者" in every
    assert "顾客" not in every and "客户" not in every


def test_hospital_sav_not_applicable_code_undeclared_is_one_line(gallery, tmp_path):
    done = naive(gallery, "hospital-sav", lambda s: s.pop("missing_codes"), tmp_path)
    assert done.stderr.startswith("error: hospital_2026.sav, column P")
    assert "1–5" in done.stderr and "rows" in done.stderr
    documented(done)


# -- 6. ECSI bank: 1-10, stated item importance, Latin-1 with semicolons -----------------------------

def test_bank_ecsi_reads_windows_1252(gallery):
    sat = pages_of(gallery, "bank-ecsi")["satisfaction"]
    assert "Évora" in sat and "Lisboa Baixa" in sat
    assert "Personal" in sat and "Business" in sat


def test_bank_ecsi_recommend_on_1_10_is_a_rating_not_nps(gallery):
    every = "\n".join(pages_of(gallery, "bank-ecsi").values())
    assert not re.search(r"The Net Promoter Score is|promoters|detractors", every, re.I)
    assert "Likelihood to recommend averages" in every


def test_bank_ecsi_q_matrix_uses_stated_importance(gallery):
    sat = pages_of(gallery, "bank-ecsi")["satisfaction"]
    assert re.search(r"stated importance", sat, re.I)


def test_bank_ecsi_respondents_are_clients(gallery):
    the_noun_only(pages_of(gallery, "bank-ecsi"), "client")


# -- 7. Government office: 满意/不满意 overall, a workbook's second sheet ------------------------------

def _share_satisfied(study: Path) -> float:
    frame = pd.read_excel(study.parent / "政务服务评价_2026Q2.xlsx", sheet_name="数据")
    answered = frame["总体评价"].dropna()
    return 100 * (answered == "满意").mean()


def test_gov_binary_reports_the_share_satisfied(gallery):
    pages = pages_of(gallery, "gov-binary")
    sat = pages["satisfaction"]
    share = _share_satisfied(gallery.study("gov-binary"))
    assert re.search(rf"{share:.1f}% 的\S+对总体表示满意", sat), share
    assert "该题为分类题而非评分量表，故不给出均值和前两格比例" in sat
    assert "点二列相关" in sat  # drivers for a two-answer outcome
    assert "户籍办理" in sat and "不动产登记" in sat


def test_gov_binary_respondents_are_citizens(gallery):
    every = "\n".join(pages_of(gallery, "gov-binary").values())
    assert "群众" in every or "市民" in every or "公众" in every
    assert "顾客" not in every and "客户" not in every


def test_gov_binary_data_on_a_second_sheet_is_named(gallery, tmp_path):
    done = naive(gallery, "gov-binary",
                 lambda s: s["data"].update(survey=s["data"]["survey"]["path"]), tmp_path)
    assert done.stderr.startswith("error: 政务服务评价_2026Q2.xlsx: ")
    assert "数据" in done.stderr and "sheet" in done.stderr


def test_gov_binary_text_overall_without_satisfied_is_one_line(gallery, tmp_path):
    done = naive(gallery, "gov-binary", lambda s: s["overall"].pop("satisfied"), tmp_path)
    assert done.stderr.startswith("error: 政务服务评价_2026Q2.xlsx, column 总体评价: ")
    assert "满意" in done.stderr


# -- 8. Japanese hotel: Shift-JIS ----------------------------------------------------------------

def test_hotel_jp_japanese_answers_read_from_shift_jis(gallery):
    pages = pages_of(gallery, "hotel-jp")
    sat = pages["satisfaction"]
    for japanese in ("ビジネス", "観光", "家族旅行", "50代以上", "朝食がとてもおいしかったです"):
        assert japanese in sat, japanese
    assert "14 items and 4 dimensions" in sat


def test_hotel_jp_respondents_are_guests(gallery):
    the_noun_only(pages_of(gallery, "hotel-jp"), "guest")


# -- 9. Telecom: a 1-5 recommend, a one-item dimension ---------------------------------------------

def test_telecom_rec5_recommend_is_a_rating_never_nps(gallery):
    every = "\n".join(pages_of(gallery, "telecom-rec5").values())
    for nps in ("净推荐值为", "推荐者占", "贬损者"):
        assert nps not in every
    assert re.search(r"推荐意愿的均值为 [\d.]+（1–5 分量表", every)


def test_telecom_rec5_respondents_are_users(gallery):
    every = "\n".join(pages_of(gallery, "telecom-rec5").values())
    assert "用户" in every
    assert "顾客" not in every and "客户" not in every


def test_telecom_rec5_one_item_dimension_in_the_factor_report(gallery):
    fa = pages_of(gallery, "telecom-rec5")["factor_analysis"]
    assert "账单只有一个题项，未列入" in fa  # reliability and CFA say why it is left out
    assert "S12. 账单准确清楚" in fa       # but the item is in the exploratory analysis
    assert "量表本身有 4 个维度" in fa
    assert "3 个维度中" in fa  # convergent and discriminant validity of the other three


# -- 10. Student services: three scales, one continuous --------------------------------------------

def test_campus_mixed_each_block_on_its_scale(gallery):
    sat = pages_of(gallery, "campus-mixed")["satisfaction"]
    for scale in ("1–7", "1–5", "0–100"):
        assert scale in sat, scale
    assert "99–100" not in sat and "100–100" not in sat


def test_campus_mixed_index_table_formatted_as_elsewhere(gallery):
    sat = pages_of(gallery, "campus-mixed")["satisfaction"]
    table = sat[sat.index("Student satisfaction index (CSI)"):]
    assert "\n33.3%\n" in table[:400] and "\n0.333\n" not in table[:400]


def test_campus_mixed_respondents_are_students(gallery):
    the_noun_only(pages_of(gallery, "campus-mixed"), "student")


def test_campus_mixed_sliders_without_scales_is_one_line(gallery, tmp_path):
    done = naive(gallery, "campus-mixed", lambda s: s.pop("scales"), tmp_path)
    assert done.stderr.startswith("error: student_services.csv, column ")
    assert "1–7" in done.stderr


# -- 11. SERVQUAL in Big5, factor analysis of gap scores --------------------------------------------

def test_servqual_big5_traditional_chinese_read(gallery):
    sat = pages_of(gallery, "servqual-big5")["satisfaction"]
    for store in ("台北信義店", "台中逢甲店", "高雄夢時代店", "金卡會員"):
        assert store in sat


def test_servqual_big5_factor_analysis_of_gap_scores(gallery):
    fa = pages_of(gallery, "servqual-big5")["factor_analysis"]
    assert "本报告分析差距得分" in fa
    assert "5 因子解还原了量表的 5 个维度" in fa
