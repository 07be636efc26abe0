"""The build pipeline, end to end on the demo study, and what a failed build leaves."""

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys

import nbformat
import pandas as pd
import pytest
import yaml

from sqmreport import InputError
from sqmreport.build.render import BuildError, build, build_studies, check_parameters

from .conftest import DEMO, REPO, small_spec, small_survey

SECTIONS = {
    "satisfaction": ["summary", "response", "items", "dimensions", "csi", "nps", "segments",
                     "drivers", "q_matrix", "grey", "waves", "scorecard", "complaints",
                     "comments", "method"],
    "gap_model": ["summary", "servqual", "overview", "five_gaps", "delivery", "zone", "priorities",
                  "waves", "maturity", "caution", "method"],
    "factor_analysis": ["summary", "suitability", "factors", "efa", "reliability", "cfa", "validity",
                        "pca", "method"],
}
REPORTS = list(SECTIONS)
TABLES = ["csi", "dimension_descriptives", "drivers", "gap_dimensions", "gap_items", "gap_model",
          "gap_reliability", "gap_summary", "grey", "importance_performance", "item_descriptives",
          "nps", "overall", "q_matrix",
          "response_rate", "sample_profile", "segment_means_age_band", "segment_means_department",
          "segment_means_visit_type", "segment_tests", "service_levels", "defects",
          # items by group and the pairs of groups that differ (issue 13)
          "segment_items_age_band", "segment_items_department", "segment_items_visit_type",
          "segment_pairs",
          "zone_of_tolerance",
          # the factor-analysis report (issue 4 names the first nine)
          "kmo", "parallel_analysis", "efa_loadings", "efa_variance", "reliability", "item_total",
          "cfa_fit", "cfa_loadings", "validity", "suitability", "fornell_larcker", "htmt", "pca_loadings",
          # tracking and operations (issue 7 names the first four)
          "waves", "internal_scorecard", "complaints_summary", "maturity", "maturity_next_steps",
          "complaints_channels", "complaints_periods", "complaints_dimensions"]


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cli(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "sqmreport", *args], cwd=cwd,
                          capture_output=True, text=True, encoding="utf-8")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The zh and en demo studies built by the CLI into temporary folders."""
    out = tmp_path_factory.mktemp("reports")
    before = {p.name: _sha(p) for p in DEMO.iterdir() if p.is_file()}
    for study, name in (("study.yml", "zh"), ("study-en.yml", "en")):
        done = _cli("build", str(DEMO / study), "--out", str(out / name))
        assert done.returncode == 0, done.stderr
    after = {p.name: _sha(p) for p in DEMO.iterdir() if p.is_file()}
    pages = {(language, report): (out / language / f"{report}.html").read_text(encoding="utf-8")
             for language in ("zh", "en") for report in REPORTS}
    return {"out": out, "inputs_before": before, "inputs_after": after, "pages": pages,
            "zh": pages["zh", "satisfaction"], "en": pages["en", "satisfaction"]}


PAGES = [(language, report) for language in ("zh", "en") for report in REPORTS]


@pytest.mark.parametrize("language, report", PAGES)
def test_every_section_is_there(demo, language, report):
    page = demo["pages"][language, report]
    ids = re.findall(r'<h2 id="([^"]+)"', page)
    assert ids == SECTIONS[report] + ["provenance"]
    assert page.count('<nav class="toc"') == 1


@pytest.mark.parametrize("language, report", PAGES)
def test_no_code_no_warnings_no_network(demo, language, report):
    page = demo["pages"][language, report]
    for forbidden in ("<script", "Traceback", "Warning", "warn(", "import sqmreport", "In [",
                      "http://", "https://", "@import", "<pre"):
        assert forbidden not in page, forbidden
    assert "src=" not in re.sub(r'src="data:[^"]+"', "", page)  # every image is embedded


@pytest.mark.parametrize("language, report", PAGES)
def test_figures_are_embedded_and_titled(demo, language, report):
    page = demo["pages"][language, report]
    charts = re.findall(r'<figure class="chart"><figcaption>[^<]+</figcaption><img alt="[^"]+" '
                        r'src="data:image/png;base64,', page)
    assert len(charts) >= {"satisfaction": 8, "gap_model": 4, "factor_analysis": 3}[report]
    assert page.count("<figure") == page.count("<figcaption>")
    assert len(page.encode()) < 1.5e6


def test_chinese_report_is_in_chinese(demo):
    page = demo["zh"]
    assert '<html lang="zh-CN">' in page
    for words in ("患者满意度报告", "主要发现", "示例医院", "可靠性", "回收率 84.0%", "重点改进"):
        assert words in page
    assert "@font-face" in page and "font/woff2" in page


def test_english_report_is_in_english(demo):
    page = demo["en"]
    for words in ("Patient satisfaction report", "Key findings", "Reliability",
                  "response rate of 84.0%", "Improve first", "Internal medicine"):
        assert words in page
    headings = re.findall(r"<h2[^>]*>([^<]+)</h2>", page)
    assert not any(re.search(r"[\u4e00-\u9fff]", h) for h in headings)


def test_title_block_and_provenance(demo):
    page = demo["zh"]
    assert "患者期望与满意度调查（演示）" in page
    assert "报告日期" in page
    assert _sha(DEMO / "survey.csv") in page
    assert "pandas" in page and "papermill" in page


def test_tables_are_written(demo):
    tables = sorted(p.stem for p in (demo["out"] / "zh" / "tables").glob("*.csv"))
    assert tables == sorted(TABLES)
    q = (demo["out"] / "zh" / "tables" / "q_matrix.csv").read_text(encoding="utf-8-sig")
    header = q.splitlines()[0].split(",")
    assert {"item", "label", "importance", "performance", "quadrant", "quadrants", "gap", "score",
            "score_low", "score_high", "action", "priority_rank"} <= set(header)
    assert len(q.splitlines()) == 23
    ipa = (demo["out"] / "zh" / "tables" / "importance_performance.csv").read_text(encoding="utf-8-sig")
    assert {"item", "dimension", "quadrant"} <= set(ipa.splitlines()[0].split(","))


def test_index_links_the_reports(demo):
    index = (demo["out"] / "zh" / "index.html").read_text(encoding="utf-8")
    assert '<a href="satisfaction.html">患者满意度报告</a>' in index
    assert '<a href="gap_model.html">服务质量差距报告</a>' in index


def test_no_personal_data_and_no_machine_paths(demo):
    survey = (DEMO / "survey.csv").read_text(encoding="utf-8-sig")
    phones = re.findall(r"\b139\d{8}\b", survey)
    folder = demo["out"]
    texts = list(demo["pages"].values()) + [p.read_text(encoding="utf-8-sig")
                                            for p in folder.rglob("*.csv")]
    for text in texts:
        assert "患者001" not in text and "R0001" not in text
        assert not any(p in text for p in phones[:50])
        assert "13812345678" not in text and "patient.li@example.com" not in text
        assert str(REPO) not in text and str(folder) not in text
    assert "▇▇▇" in demo["zh"]


def test_inputs_are_unchanged(demo):
    assert demo["inputs_after"] == demo["inputs_before"]


def test_an_unchanged_study_is_not_rebuilt(demo):
    done = _cli("build", str(DEMO / "study.yml"), "--out", str(demo["out"] / "zh"))
    assert done.returncode == 0
    assert done.stdout == "" and done.stderr == ""  # nothing built; no progress off a terminal
    done = _cli("build", str(DEMO / "study.yml"), "--out", str(demo["out"] / "zh"), "--progress")
    assert "satisfaction.html: up to date" in done.stderr and done.stdout == ""


@pytest.mark.parametrize("report", REPORTS)
def test_the_notebook_runs_with_its_default_parameters(tmp_path, report):
    import papermill

    papermill.execute_notebook(str(REPO / "sqmreport" / "notebooks" / f"{report}.ipynb"),
                               str(tmp_path / "out.ipynb"), cwd=str(REPO / "sqmreport" / "notebooks"),
                               progress_bar=False)
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    streams = [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "stream"]
    assert streams == []  # no warnings, no prints


def test_committed_notebooks_have_no_outputs():
    for path in (REPO / "sqmreport" / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), path.name
        assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells), path.name


@pytest.fixture
def study_copy(tmp_path):
    """The demo study copied to a scratch folder."""
    folder = tmp_path / "study"
    shutil.copytree(DEMO, folder)
    return folder


def _notebooks_with(tmp_path, source: str, cell: int = 3):
    """A copy of the notebooks with one cell's source replaced."""
    def edit(nb):
        nb.cells[cell].source = source

    return _notebooks_edited(tmp_path, edit)


def _notebooks_edited(tmp_path, edit, report: str = "satisfaction"):
    """A copy of the notebooks with ``edit(nb)`` applied to one report's notebook."""
    folder = tmp_path / "notebooks"
    shutil.copytree(REPO / "sqmreport" / "notebooks", folder)
    path = folder / f"{report}.ipynb"
    nb = nbformat.read(path, as_version=4)
    edit(nb)
    nbformat.write(nb, path)
    return folder


def _last_code_cell(nb) -> int:
    return max(i for i, c in enumerate(nb.cells) if c.cell_type == "code")


def test_a_failing_notebook_leaves_the_previous_report(tmp_path, study_copy):
    out = tmp_path / "out"
    build(study_copy / "study.yml", out=out)
    good = (out / "satisfaction.html").read_bytes()
    broken = _notebooks_with(tmp_path, "1 / 0", cell=5)
    with pytest.raises(BuildError, match=r"satisfaction.ipynb, cell \d+: ZeroDivisionError") as failed:
        build(study_copy / "study.yml", out=out, notebooks=broken, force=True,
              reports=["satisfaction"])
    assert failed.value.study == str(study_copy / "study.yml")  # the CLI names it
    assert (out / "satisfaction.html").read_bytes() == good
    assert sorted(p.name for p in out.iterdir()) == [
        ".build.json", ".factor_analysis.manifest.jsonl", ".gap_model.manifest.jsonl",
        ".satisfaction.manifest.jsonl", "factor_analysis.html", "gap_model.html", "index.html",
        "satisfaction.html", "tables", "workbook.xlsx"]


def test_bad_data_is_caught_before_any_notebook_runs(tmp_path, study_copy):
    text = (study_copy / "survey.csv").read_text(encoding="utf-8-sig")
    (study_copy / "survey.csv").write_text(text.replace("\nR0002,", "\nR0001,", 1),
                                           encoding="utf-8-sig")
    with pytest.raises(InputError, match=r"survey.csv, column respondent_id: 1 respondent ids "
                                         r"appear more than once \(rows 2, 3\)"):
        build(study_copy / "study.yml", out=tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_unknown_or_missing_parameters_are_errors(tmp_path):
    folder = _notebooks_with(tmp_path, "study = 'x'\ntables_dir = None\nlanguage = 'zh'", cell=1)
    with pytest.raises(BuildError, match="declares language, which the build does not pass"):
        check_parameters(folder / "satisfaction.ipynb")
    folder = _notebooks_with(tmp_path / "again", "study = 'x'", cell=1)
    with pytest.raises(BuildError, match="does not declare tables_dir"):
        check_parameters(folder / "satisfaction.ipynb")


def test_build_stamp_records_each_report(demo):
    stamps = json.loads((demo["out"] / "zh" / ".build.json").read_text())
    assert set(stamps["reports"]) == {"satisfaction", "gap_model", "factor_analysis"}
    gap, factors = stamps["reports"]["gap_model"], stamps["reports"]["factor_analysis"]
    assert gap["notebook"].keys() == {"gap_model.ipynb"}
    assert {"survey.csv", "promises.csv", "maturity.csv"} <= set(gap["inputs"])
    assert set(factors["inputs"]) == {"study.yml", "survey.csv"}
    assert "analysis.factor_analysis" in factors["options"]
    assert "analysis.factor_analysis" not in gap["options"]
    assert "scorecard" in stamps["reports"]["satisfaction"]["options"]
    assert set(stamps["made"]) == {"overview", "workbook"}  # the study's default deliverables


def test_every_study_key_is_declared_by_a_report(study_copy):
    """A new study-file key must be placed in REPORT_INPUTS (until then it rebuilds all)."""
    from sqmreport.build.render import _input_files, _options, _undeclared
    from sqmreport.data.study import load_study

    study = load_study(study_copy / "study.yml")
    assert _undeclared(_options(study.spec), "options") == []
    assert _undeclared(_input_files(study), "data") == []


def test_a_change_rebuilds_only_the_reports_that_depend_on_it(tmp_path, study_copy):
    import os

    out = tmp_path / "out"
    path = study_copy / "study.yml"
    assert [b.rebuilt for b in build(path, out=out)] == [True, True, True]
    promises = study_copy / "promises.csv"
    promises.write_bytes(promises.read_bytes() + b"\n")  # used by the gap report only
    assert [b.rebuilt for b in build(path, out=out)] == [False, True, False]
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec.setdefault("analysis", {})["factor_analysis"] = {"loading_threshold": 0.35}
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    assert [b.rebuilt for b in build(path, out=out)] == [False, False, True]
    # The overview shows every report's figures: it is remade with any of them, and only then.
    index = (out / "index.html").stat().st_mtime_ns
    assert [b.rebuilt for b in build(path, out=out)] == [False, False, False]
    assert (out / "index.html").stat().st_mtime_ns == index
    survey = study_copy / "survey.csv"
    survey.write_bytes(survey.read_bytes() + b"\n")
    assert [b.rebuilt for b in build(path, out=out)] == [True, True, True]
    assert not [p for p in os.listdir(out) if p.endswith(".partial")]


def test_reports_are_written_with_the_umask_like_any_file(tmp_path):
    """No os.umask in the package: the mode comes from creating the file with 0666."""
    import os
    from pathlib import Path

    from sqmreport.build.output import _write_file as _write_atomic  # the build's one writer

    status = Path("/proc/self/status").read_text() if os.path.exists("/proc/self/status") else ""
    mask = int(re.search(r"Umask:\s*(\d+)", status).group(1), 8) if "Umask" in status else None
    _write_atomic(tmp_path / "page.html", b"x")
    if mask is not None:
        assert (tmp_path / "page.html").stat().st_mode & 0o777 == 0o666 & ~mask
    sources = [p.read_text(encoding="utf-8") for p in (REPO / "sqmreport").rglob("*.py")]
    assert not [s for s in sources if "os.umask(" in s or "os.chdir(" in s.replace(
        'os.chdir(request["cwd"])', "")]  # the forked kernel's own directory, in the child


def test_load_survey_returns_a_remembered_survey_while_its_files_are_unchanged(tmp_path,
                                                                               study_copy):
    import os

    from sqmreport.data.survey import load_survey, remember

    path = study_copy / "study.yml"
    survey = load_survey(path)
    remember(survey)
    assert load_survey(path) is survey
    assert load_survey(str(path)) is survey
    os.utime(study_copy / "survey.csv", ns=(0, 0))  # as if edited since
    assert load_survey(path) is not survey


@pytest.mark.parametrize("fork", ["fork", "no fork"])
def test_a_dead_kernel_shows_its_last_words(tmp_path, study_copy, monkeypatch, fork):
    if fork == "no fork":
        monkeypatch.setenv("SQMREPORT_NO_FORK", "1")
    crash = ("import os, sys\nprint('the kernel is going down', file=sys.__stderr__, flush=True)\n"
             "os._exit(3)")
    broken = _notebooks_with(tmp_path, crash, cell=5)
    with pytest.raises(BuildError, match=r"satisfaction.ipynb, cell \d+: the kernel died; its last "
                                         r"words on stderr:\n(.*\n)*the kernel is going down"):
        build(study_copy / "study.yml", out=tmp_path / "out", notebooks=broken,
              reports=["satisfaction"])
    assert not (tmp_path / "out" / "satisfaction.html").exists()


def test_narrative_and_lost_output(tmp_path, study_copy):
    """Markdown cells reach the page (tagged ones in their language), raw HTML as text;
    output that does not reach the page is a warning naming the cell."""
    def edit(nb):
        nb.cells[0].metadata["tags"] = ["remove-cell"]  # the researchers' notes
        last = _last_code_cell(nb)
        md = nbformat.v4.new_markdown_cell
        code = nbformat.v4.new_code_cell
        nb.cells[last:last] = [
            md("## Our view\n\nThe **waiting time** matters most. <script>alert(1)</script> "
               "<b>bold?</b> [x](javascript:alert(1))"),
            md("只在中文报告中出现的段落。", metadata={"tags": ["lang-zh"]}),
            md("Only in the English report.", metadata={"tags": ["lang-en"]}),
            md("Secret researcher note.", metadata={"tags": ["remove-cell"]}),
            code("print('hello')"),
            code("survey.ratings['perception'].head()"),
            code("print('hidden on purpose')", metadata={"tags": ["remove-output"]}),
            code("import sys\nprint('careful', file=sys.stderr)"),
        ]

    notebooks = _notebooks_edited(tmp_path, edit)
    lines = []
    build(study_copy / "study.yml", out=tmp_path / "out", notebooks=notebooks,
          reports=["satisfaction"], log=lines.append)
    page = (tmp_path / "out" / "satisfaction.html").read_text(encoding="utf-8")
    assert "Researchers&#39; notes" not in page and "Researchers' notes" not in page
    assert "Secret researcher note" not in page and "Only in the English report" not in page
    assert "只在中文报告中出现的段落。" in page
    assert "The <strong>waiting time</strong> matters most." in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script" not in page
    assert "&lt;b&gt;bold?&lt;/b&gt;" in page and "javascript:" not in page
    ids = re.findall(r'<h2 id="([^"]+)"', page)
    assert ids.count("note-our-view") == 1 and set(SECTIONS["satisfaction"]) <= set(ids)
    assert ids.index("note-our-view") > ids.index("comments")  # where the cell is
    assert '<a href="#note-our-view">Our view</a>' in page  # in the table of contents
    warnings = [line for line in lines if line.startswith("warning: ")
                and any(w in line for w in ("hello", "head()", "careful", "on purpose"))]
    source = str(study_copy / "study.yml")
    assert [w.split(": ", 2)[1] for w in warnings] == [source] * 3
    assert re.search(r"satisfaction.ipynb, cell \d+ \(print\('hello'\)\): printed output is not "
                     r"shown in the report", warnings[0])
    assert "(survey.ratings['perception'].head()): the value of its last line" in warnings[1]
    assert "stderr output is not shown in the report (careful)" in warnings[2]
    assert not [w for w in warnings if "hidden on purpose" in w]


def test_gap_report_names_the_gaps_in_chinese(demo):
    page = demo["pages"]["zh", "gap_model"]
    for name in ("管理者认识差距", "质量标准差距", "服务传递差距", "市场沟通差距", "感知服务质量差距",
                 "容忍区间", "西格玛水平"):
        assert name in page


def test_a_survey_only_study_builds_and_says_what_it_cannot_measure(tmp_path, study_copy):
    text = (study_copy / "study.yml").read_text(encoding="utf-8")
    for key in ("management", "standards", "service_levels", "promises"):
        text = re.sub(rf"\n  {key}: .*", "", text)
    text = re.sub(r'\n  (adequate|desired): .*', "", text)
    (study_copy / "study.yml").write_text(text, encoding="utf-8")
    build(study_copy / "study.yml", out=tmp_path / "out", reports=["gap_model"])
    page = (tmp_path / "out" / "gap_model.html").read_text(encoding="utf-8")
    assert "现有数据未能测量" in page
    assert "未测量：需要管理者按期望问卷估计患者的期望" in page
    # the sections without data are left out and named once, with the reason, in the method notes
    assert 'id="zone"' not in page and 'id="delivery"' not in page
    assert "容忍区间：问卷没有适当与理想服务水平" in page and "未提供服务水平记录及其目标" in page


def test_a_study_without_tracking_files_never_mentions_them(tmp_path, study_copy):
    path = study_copy / "study.yml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in ("waves", "scorecard", "complaints"):
        del spec[key]
    for key in ("kpi", "complaints", "maturity"):
        del spec["data"][key]
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    build(path, out=tmp_path / "out", reports=["satisfaction", "gap_model"])
    for report, words in (("satisfaction", ["上一期", "计分卡", "帕累托"]),
                          ("gap_model", ["上一期", "成熟度"])):
        page = (tmp_path / "out" / f"{report}.html").read_text(encoding="utf-8")
        ids = re.findall(r'<h2 id="([^"]+)"', page)
        assert not {"waves", "scorecard", "complaints", "maturity"} & set(ids)
        assert not [w for w in words if w in page]
    tables = {p.stem for p in (tmp_path / "out" / "tables").glob("*.csv")}
    assert not {"waves", "internal_scorecard", "complaints_summary", "maturity"} & tables


def test_tracking_tables_in_both_languages(demo):
    for language in ("zh", "en"):
        tables = demo["out"] / language / "tables"
        waves = pd.read_csv(tables / "waves.csv", encoding="utf-8-sig")
        assert set(waves["wave"]) == ({"2026 年 4 月", "2026 年 10 月"} if language == "zh"
                                      else {"April 2026", "October 2026"})
        card = pd.read_csv(tables / "internal_scorecard.csv", encoding="utf-8-sig")
        assert len(card) == 18 and card["index"].between(0, 100).all()
        complaints = pd.read_csv(tables / "complaints_summary.csv", encoding="utf-8-sig")
        assert complaints["n"].iloc[-1] == 420 and complaints["category"].iloc[-1] == "all"
        maturity = pd.read_csv(tables / "maturity.csv", encoding="utf-8-sig")
        assert list(maturity["level"]) == [4, 3, 2, 3, 3, 1]
    en = demo["pages"]["en", "satisfaction"]
    assert "Internal-service scorecard" in en and "Pharmacy" in en and "Waiting time" in en
    assert "Overall maturity: level 1 (initial)" in demo["pages"]["en", "gap_model"]


def test_factor_report_recovers_the_dimensions_in_both_languages(demo):
    assert "5 因子解还原了量表的 5 个维度" in demo["pages"]["zh", "factor_analysis"]
    assert ("recovers the instrument's 5 dimensions: all 22 items"
            in html.unescape(demo["pages"]["en", "factor_analysis"]))


@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM", "SIGKILL"])
def test_an_interrupted_build_keeps_the_previous_report(tmp_path, study_copy, how):
    import os
    import signal
    import time
    import uuid

    out = tmp_path / "out"
    build(study_copy / "study.yml", out=out, reports=["satisfaction"])
    before = {p.relative_to(out): _sha(p) for p in out.rglob("*") if p.is_file()}
    # A mark in the build's environment, which its template and kernels inherit: they are
    # found even once the build is gone and they are no longer this process's descendants.
    token = f"{uuid.uuid4().hex}"
    process = subprocess.Popen([sys.executable, "-m", "sqmreport", "build", str(study_copy / "study.yml"),
                                "--out", str(out), "--report", "satisfaction", "--force",
                                "--progress"],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "SQMREPORT_TEST_TOKEN": token})
    # Wait for the notebook to start, not for a fixed time: builds differ in speed.
    steps = []
    while not (steps and steps[-1].endswith(": building\n")):
        steps.append(process.stderr.readline())
        assert steps[-1], "the build ended before its notebook started"
    time.sleep(1.0)  # the kernel is running the notebook
    assert _kernel_processes(token)  # the check sees the build's kernel processes
    process.send_signal(getattr(signal, how))
    _, stderr = process.communicate(timeout=60)
    assert process.returncode != 0
    if how != "SIGKILL":
        assert process.returncode == 130
        assert "interrupted: the previous reports are unchanged" in stderr
        assert "Traceback" not in stderr
    after = {p.relative_to(out): _sha(p) for p in out.rglob("*") if p.is_file()}
    assert after == before  # nothing changed, nothing partial
    # ... and nothing left running: the kernel template and its kernels are gone too.
    deadline = time.monotonic() + 5
    while _kernel_processes(token) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _kernel_processes(token) == []


def _kernel_processes(token: str | None = None) -> list[str]:
    """Command lines of kernel templates and kernels of this test: this process's
    descendants, and processes whose environment carries ``token`` (a build's, whose
    processes outlive it).  Kernels of other programs (a JupyterLab beside the tests) are
    not counted."""
    from pathlib import Path

    mine = os.getpid()
    parents, lines, marked = {}, {}, set()
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            stat = (proc / "stat").read_text()
            parents[int(proc.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
            line = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if token and f"SQMREPORT_TEST_TOKEN={token}".encode() in (proc / "environ").read_bytes():
                marked.add(int(proc.name))
        except (OSError, ValueError):
            continue
        if "sqmreport.build.forkserver" in line or "ipykernel_launcher" in line:
            lines[int(proc.name)] = line

    def ours(pid: int) -> bool:
        seen = set()
        while pid > 1 and pid not in seen:
            if pid == mine or pid in marked:
                return True
            seen.add(pid)
            pid = parents.get(pid, 0)
        return False

    return [line for pid, line in lines.items() if ours(pid)]


def test_the_process_check_ignores_kernels_of_other_programs():
    """A kernel that is not the tests' (a JupyterLab's, say) is not counted."""
    import signal
    import time
    from pathlib import Path

    # Started through a shell that exits at once: the process is not a descendant of this one.
    started = subprocess.run(["sh", "-c", f"{sys.executable} -c 'import time; time.sleep(60)' "
                              "-m ipykernel_launcher -f other.json >/dev/null 2>&1 & echo $!"],
                             capture_output=True, text=True, check=True, env={"PATH": os.environ["PATH"]})
    pid = int(started.stdout.split()[0])
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # until it runs under its own command line
            try:
                if b"ipykernel_launcher" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    break
            except OSError:
                pass
            time.sleep(0.05)
        assert _kernel_processes("no-such-token") == []
    finally:
        os.kill(pid, signal.SIGKILL)


def test_a_dead_kernel_template_falls_back_to_ordinary_kernels(tmp_path):
    from sqmreport.build import forkserver as _forkserver

    template = _forkserver.start()
    if template is None:
        pytest.skip("no fork on this platform")
    template._process.kill()  # gone before the first kernel is asked for
    template._process.wait()
    try:
        built = build(DEMO / "study.yml", out=tmp_path / "out", reports=["satisfaction"],
                      template=template)
    finally:
        template.close()
    assert [b.rebuilt for b in built] == [True]
    assert '<h2 id="summary">' in (tmp_path / "out" / "satisfaction.html").read_text(encoding="utf-8")


def _small_studies(root, names, *, out_of_scale=()):
    """One small study per name, each in its own folder; the listed ones with a bad value."""
    paths = []
    for name in names:
        folder = root / name
        folder.mkdir()
        survey = small_survey()
        if name in out_of_scale:
            survey.loc[3, "P_b1"] = 9
        survey.to_csv(folder / "survey.csv", index=False)
        path = folder / "study.yml"
        path.write_text(yaml.safe_dump(small_spec(name=name), allow_unicode=True), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.mark.parametrize("jobs", [1, 2])
def test_several_studies_are_built_in_one_go(tmp_path, monkeypatch, jobs):
    import tempfile

    monkeypatch.chdir(tmp_path)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    paths = _small_studies(tmp_path, ["one", "two", "three"])
    steps, cached = [], []

    def log(step):
        steps.append(step)
        # the cached surveys: in the build's private folder (sqmreport.build.scratch)
        cached.append(len(list(scratch.glob("sqmreport-*/s*/survey.pickle"))))

    built = build_studies(paths, jobs=jobs, log=log)
    assert list(scratch.iterdir()) == []  # the cached surveys and scratch notebooks are gone
    if jobs == 1:  # ... and each as soon as its study is done
        assert max(cached) == 1
    assert [(b.path.as_posix(), b.rebuilt) for b in built] == [
        (f"reports/{name}/satisfaction.html", True) for name in ("one", "two", "three")]
    for name in ("one", "two", "three"):
        assert '<h2 id="summary">' in (tmp_path / "reports" / name / "satisfaction.html").read_text()
    # Each study is checked before its notebook starts; with one job, one step at a time.
    checked = [i for i, step in enumerate(steps) if "data checked" in step]
    started = [i for i, step in enumerate(steps) if step.endswith(": building")]
    assert len(checked) == len(started) == 3
    assert all(c < s for c, s in zip(checked, started))
    if jobs == 1:
        assert [step.split(":")[1].strip().split(" (")[0] for step in steps] == [
            "data checked", "building", "executed and exported"] * 3
    # Nothing changed: nothing is rebuilt, no kernel started.
    again = build_studies(paths, jobs=jobs, log=log)
    assert [b.rebuilt for b in again] == [False, False, False]
    assert steps[-3:] == [f"reports/{n}/satisfaction.html: up to date" for n in ("one", "two", "three")]


def test_a_bad_study_stops_the_batch_and_the_others_are_whole(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    paths = _small_studies(tmp_path, ["first", "bad", "last"], out_of_scale={"bad"})
    with pytest.raises(InputError, match=r"survey.csv, column P_b1: 1 values outside the scale "
                                         r"1–5 \(row 5\)"):
        build_studies(paths, jobs=1)
    # The study checked before the bad one is built whole; nothing starts after it.
    assert sorted(p.name for p in (tmp_path / "reports" / "first").iterdir()) == [
        ".build.json", ".satisfaction.manifest.jsonl", "index.html", "satisfaction.html", "tables",
        "workbook.xlsx"]
    assert not (tmp_path / "reports" / "bad").exists()
    assert not (tmp_path / "reports" / "last").exists()


@pytest.mark.parametrize("flags, passed", [([], None), (["-j1"], "1"), (["-j3"], "3"),
                                           (["-j"], None)])
def test_make_passes_its_job_count_to_the_build(flags, passed):
    done = subprocess.run(["make", "-n", *flags, "reports", "STUDY=a/study.yml b/study.yml"],
                          cwd=REPO, capture_output=True, text=True)
    command = [line for line in done.stdout.splitlines() if "sqmreport build" in line]
    assert len(command) == 1, done.stdout  # one process for every study
    assert command[0].endswith("a/study.yml b/study.yml")
    assert ("--jobs" in command[0]) == (passed is not None)
    if passed:
        assert f"--jobs {passed} " in command[0]


def test_two_studies_of_one_name_are_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first, second = _small_studies(tmp_path, ["a", "b"])
    second.write_text(second.read_text(encoding="utf-8").replace("name: b", "name: a"), encoding="utf-8")
    with pytest.raises(InputError, match=r"a/study.yml and .*b/study.yml both build into reports/a/"):
        build_studies([first, second])
    assert not (tmp_path / "reports").exists()


def test_a_font_subset_is_the_same_whenever_it_is_made(monkeypatch):
    from sqmreport.present.fonts import _subset

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # what fontTools would stamp otherwise
    first = _subset("服务质量")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "2000000000")
    assert _subset("服务质量") == first


def test_font_subsets_written_at_once_are_whole(tmp_path, monkeypatch):
    """A batch's studies may subset the same characters at the same moment."""
    from concurrent.futures import ThreadPoolExecutor

    from sqmreport.present.fonts import font_face

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with ThreadPoolExecutor(2) as pool:
        faces = list(pool.map(font_face, ["服务质量报告"] * 2))
    assert faces[0] == faces[1]
    cached = list((tmp_path / "sqmreport" / "fonts").iterdir())
    assert [p.suffix for p in cached] == [".woff2"]  # one subset, no temporary file left
    assert font_face("服务质量报告") == faces[0]  # as read back from the cache


def test_a_build_does_not_depend_on_the_working_directory_once_started(tmp_path, monkeypatch):
    """papermill's file handling changes the process's working directory while it reads
    and writes; in a batch, the other threads see it."""
    import os

    monkeypatch.chdir(tmp_path)
    paths = _small_studies(tmp_path, ["one"])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def log(step):
        if "data checked" in step:
            os.chdir(elsewhere)

    build_studies(paths, jobs=1, log=log)
    assert (tmp_path / "reports" / "one" / "satisfaction.html").is_file()
    assert not (elsewhere / "reports").exists()
