"""Every column of every CSV table the reports write has a header in the study's language.

Each table in ``tables/`` is also a sheet of the client's workbook, whose header row is the
manifest's column headers: a column without a locale header or a label would show its
snake_case name (``scale_low``, ``group1``) — in English in a Chinese study.  The reports'
views run in-process here (the notebooks' cells, as tests/_manifest_demo.py runs them, and
the factor-analysis notebook's), for the demo in both languages and for gallery shapes
(a categorical overall, mixed scales, one-item dimensions) in Chinese.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

import sqmreport as sq
from sqmreport.analysis import factor_analysis as fa
from sqmreport.analysis import gap_model as gap
from sqmreport.analysis import satisfaction as sat
from sqmreport.present import Report, manifest
from sqmreport.present.views import factor_analysis as fshow
from sqmreport.present.views import gap_model as gshow
from sqmreport.present.views import satisfaction as show

from .test_gallery import SHAPES, write_study

ROOT = Path(__file__).resolve().parents[1]
# Gallery shapes, in Chinese: mixed scales; a categorical overall with a 1-5 recommend question.
GALLERY = ("mixed", "binary")
DEMO = {"zh": ROOT / "data" / "demo" / "study.yml", "en": ROOT / "data" / "demo" / "study-en.yml"}

# Latin words a Chinese header may keep: statistical symbols and the names of tests and
# criteria as Chinese statistics texts write them.
SYMBOLS = {"n", "p", "t", "r", "R", "df", "df1", "df2", "SD", "SE", "CI", "E", "P", "h", "u",
           "AVE", "CR", "KMO", "MSA", "MSS", "HTMT", "RMSEA", "CFI", "TLI", "SRMR", "MAP",
           "NPS", "CSI", "SERVQUAL", "SERVPERF", "DPMO", "Wilcoxon", "Fornell", "Larcker"}
FACTORS = re.compile(r"(F|PC)\d+")  # factors and components, named as the page and charts name them
SNAKE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")


def _run_factor_analysis(out: Path, study: Path) -> None:
    """The factor-analysis notebook's cells, with the study's settings."""
    survey = sq.load_survey(study)
    rep = Report(survey, "factor_analysis", tables_dir=out / "factor_analysis")
    rep.header()
    fshow.suitability(rep, fa.suitability(survey))
    factors = fa.factors(survey)
    fshow.factors(rep, factors)
    fshow.efa(rep, fa.efa(survey, n_factors=factors.n_factors))
    fshow.reliability(rep, fa.reliability(survey))
    cfa = fa.cfa(survey)
    fshow.cfa(rep, cfa)
    fshow.validity(rep, cfa)
    fshow.pca(rep, fa.pca(survey, n_components=factors.n_factors))
    fshow.method(rep)
    fshow.summary(rep)


def _run_gallery(out: Path, study: Path) -> None:
    """The satisfaction and gap notebooks' cells for a gallery study (no tracking data;
    its factor analysis writes the demo's columns, with other numbers of factors)."""
    survey = sq.load_survey(study)
    rep = Report(survey, "satisfaction", tables_dir=out / "satisfaction")
    rep.header()
    show.items(rep, sat.items(survey))
    show.dimensions(rep, sat.dimensions(survey))
    show.csi(rep, sat.csi(survey))
    show.nps(rep, sat.nps(survey))
    segments = sat.segments(survey)
    show.segments(rep, segments)
    show.drivers(rep, sat.drivers(survey))
    show.q_matrix(rep, sat.q_matrix(survey))
    show.grey(rep, sat.grey(survey, segments=segments))
    if "gap_model" in rep.study.spec.reports:
        rep = Report(survey, "gap_model", tables_dir=out / "gap_model")
        rep.header()
        gshow.servqual(rep, gap.item_gaps(survey))
        gshow.overview(rep, gap.overview(survey))
        gshow.zone(rep, gap.zone(survey))
        gshow.priorities(rep, gap.priorities(survey))
        gshow.caution(rep, gap.caution(survey))


def _manifests(out: Path) -> list[manifest.Manifest]:
    return [manifest.read(p) for p in sorted(out.glob(f"*/{manifest.MANIFEST}"))]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """language or gallery shape -> (the manifests of its reports, words its data gives)."""
    from sqmreport.present import report

    spec = importlib.util.spec_from_file_location("_run_demo", Path(__file__).with_name("_manifest_demo.py"))
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    found = {}
    keep, report._display = report._display, lambda markup: None
    try:
        for language, study in DEMO.items():
            out = tmp_path_factory.mktemp(f"demo-{language}")
            demo.run(out, study)
            _run_factor_analysis(out, study)
            found[language] = (_manifests(out), set())
        for shape in (s for s in SHAPES if s.name in GALLERY):
            out = tmp_path_factory.mktemp(shape.name)
            study = write_study(out / "study", dataclasses.replace(shape, language="zh"))
            _run_gallery(out, study)
            # The study's own words: its segment and groups, its dimensions' and items' names.
            spec = yaml.safe_load(study.read_text(encoding="utf-8"))
            words = [*spec["instrument"]["dimensions"].values(),
                     *(i["label"] for i in spec["instrument"]["items"])]
            data = pd.read_csv(study.parent / "survey.csv")
            groups = {"region", *data["region"].astype(str)} if "region" in data else set()
            found[shape.name] = (_manifests(out), groups | {w["zh"] for w in words})
    finally:
        report._display = keep
    return found


def _columns(manifests):
    for m in manifests:
        for table in m.tables:
            for column in table.columns:
                yield m, table, column


def _without(header: str, words) -> str:
    """A header without the study's own words in it (its groups, dimensions and items)."""
    for word in sorted(words, key=len, reverse=True):
        header = header.replace(word, "")
    return header


def _latin(header: str) -> list[str]:
    """The Latin words of a header that are not accepted symbols."""
    return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9]*", header)
            if w not in SYMBOLS and not FACTORS.fullmatch(w)]


@pytest.mark.parametrize("case", ["zh", *GALLERY])
def test_chinese_headers_are_chinese(reports, case):
    manifests, values = reports[case]
    assert "satisfaction" in {m.report for m in manifests}
    assert all(m.language == "zh" for m in manifests)
    wrong = sorted({(m.report, t.name, c.name, c.header) for m, t, c in _columns(manifests)
                    if (c.header == c.name and SNAKE.fullmatch(c.name))
                    or _latin(_without(c.header, values))})
    assert not wrong, wrong


def test_english_headers_are_words(reports):
    manifests, _ = reports["en"]
    assert {m.report for m in manifests} == {"satisfaction", "gap_model", "factor_analysis"}
    wrong = sorted({(m.report, t.name, c.name) for m, t, c in _columns(manifests)
                    if c.header == c.name and SNAKE.fullmatch(c.name) and c.name not in SYMBOLS})
    assert not wrong, wrong


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_csv_table_has_a_title(reports, language):
    """A table written and never shown (waves.csv) has its own title and note too."""
    manifests, _ = reports[language]
    untitled = [(m.report, t.name) for m in manifests for t in m.tables
                if t.file and (t.title == t.name or not t.note)]
    assert not untitled, untitled
    waves = next(m for m in manifests if m.report == "satisfaction").table("waves")
    assert waves.file and waves.note


def test_demo_tables_cover_the_three_reports(reports):
    """The demo writes its tracking tables too (waves, scorecard, maturity): they are checked."""
    names = {t.name for m in reports["zh"][0] for t in m.tables if t.file}
    assert {"waves", "internal_scorecard", "maturity", "q_matrix", "importance_performance",
            "segment_pairs", "zone_of_tolerance", "validity", "htmt", "efa_loadings"} <= names
