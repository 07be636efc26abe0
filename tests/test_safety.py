"""Reports that never leak or break: escaping, small groups, personal data, determinism."""

import getpass
import hashlib
import html
import re
import shutil
from html.parser import HTMLParser
from importlib import resources

import pandas as pd
import pytest
import yaml

from sqmreport.build.render import build

from .conftest import DEMO, REPO

ATTACKS = ["<script>alert('x')</script>", "<img src=x onerror=alert(1)>",
           '<a href="javascript:alert(1)">click</a>', "javascript:alert(1)"]


class _Live(HTMLParser):
    """Collects everything in a page that could run: scripts, handlers, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed"):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}")
            if name in ("href", "src", "action") and value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}={value}")


def _evil_study(folder):
    shutil.copytree(DEMO, folder)
    spec = yaml.safe_load((folder / "study.yml").read_text(encoding="utf-8"))
    spec.update(title="Survey " + ATTACKS[0], client=ATTACKS[1], fieldwork=ATTACKS[2])
    spec["segments"][0]["label"] = ATTACKS[1]
    instrument = yaml.safe_load(resources.files("sqmreport.data.instruments").joinpath("servqual22.yml")
                                .read_text(encoding="utf-8"))
    instrument.pop("negative_in_1988")
    instrument["title"] = ATTACKS[3]
    instrument["dimensions"]["tangibles"] = {"zh": ATTACKS[0], "en": ATTACKS[0]}
    instrument["items"][0]["label"] = {"zh": ATTACKS[1], "en": ATTACKS[1]}
    spec["instrument"] = instrument
    (folder / "study.yml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    survey = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    survey["department"] = survey["department"].replace({"内科": ATTACKS[0], "外科": ATTACKS[2]})
    survey.loc[survey.index[:12], "comment"] = [ATTACKS[i % 4] + " 很好" for i in range(12)]
    survey.to_csv(folder / "survey.csv", index=False, encoding="utf-8-sig")
    _evil_tracking(folder)
    return folder / "study.yml"


MATH = r"Unit $\notacommand{x}$ 50%"  # matplotlib would parse this as (invalid) mathtext


def _evil_tracking(folder):
    """Attacks through the tracking files: wave label, KPI units, indicator label, complaint
    categories, channels and texts, maturity areas and practices."""
    spec = yaml.safe_load((folder / "study.yml").read_text(encoding="utf-8"))
    spec["waves"][0]["label"] = ATTACKS[0]
    spec["scorecard"]["indicators"][0]["label"] = {"zh": ATTACKS[1], "en": ATTACKS[1]}
    spec["complaints"]["categories"] = {ATTACKS[2]: "responsiveness"}
    (folder / "study.yml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    edits = {"kpi.csv": {"unit": {"药剂科": ATTACKS[3], "检验科": MATH}},
             "complaints.csv": {"category": {"等候时间": ATTACKS[2], "服务态度": MATH},
                                "channel": {"电话": ATTACKS[0]}, "unit": {"信息科": ATTACKS[1]}},
             "maturity.csv": {"area": {"问题管理": ATTACKS[0], "变更管理": MATH}}}
    for name, columns in edits.items():
        frame = pd.read_csv(folder / name, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for column, values in columns.items():
            frame[column] = frame[column].replace(values)
        if name == "complaints.csv":
            frame.loc[frame.index[:8], "text"] = [ATTACKS[i % 4] for i in range(8)]
        if name == "maturity.csv":
            frame.loc[frame.index[:3], "practice"] = ATTACKS[1]
        frame.to_csv(folder / name, index=False, encoding="utf-8-sig")


@pytest.fixture(scope="module")
def evil(tmp_path_factory):
    root = tmp_path_factory.mktemp("evil")
    out = root / "out"
    build(_evil_study(root / "study"), out=out)
    return out


def test_nothing_from_the_data_is_live(evil):
    pages = sorted(evil.glob("*.html"))
    assert [p.name for p in pages] == ["factor_analysis.html", "gap_model.html", "index.html",
                                       "satisfaction.html"]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        parser = _Live()
        parser.feed(text)
        assert parser.found == [], page.name
        assert re.search(r"&lt;script&gt;alert\((&#x27;|&#39;|')x(&#x27;|&#39;|')\)&lt;/script&gt;", text), page.name


def test_comments_and_segment_values_are_escaped(evil):
    page = (evil / "satisfaction.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt; 很好" in page
    assert re.search(r"&lt;a href=(&quot;|\")javascript:alert\(1\)(&quot;|\")&gt;click&lt;/a&gt;", page)


def test_no_machine_paths_or_user_names(evil):
    user = getpass.getuser()
    for path in evil.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8-sig", errors="replace")
            assert str(REPO) not in text and "/tmp/" not in text and str(evil) not in text, path.name
            assert f"/{user}/" not in text and f"\\{user}\\" not in text, path.name


def test_no_executed_notebooks_are_kept(evil):
    assert not list(evil.rglob("*.ipynb"))


SMALL = {"急诊", "康复科"}  # the demo's two departments below the minimum group size


def test_small_groups_are_suppressed_in_every_table(tmp_path_factory):
    out = tmp_path_factory.mktemp("small") / "out"
    build(DEMO / "study.yml", out=out, reports=["satisfaction"])
    for table in (out / "tables").glob("*.csv"):
        frame = pd.read_csv(table, encoding="utf-8-sig")
        for column in frame.columns:
            rows = frame[frame[column].astype(str).isin(SMALL)]
            numbers = rows.select_dtypes("number").drop(columns=["suppressed"], errors="ignore")
            assert numbers.isna().all().all(), f"{table.name}: {rows}"
    page = (out / "satisfaction.html").read_text(encoding="utf-8")
    for group in SMALL:  # named in the profile (as suppressed), never with a number
        for row in re.findall(rf"<tr>(?:(?!</tr>).)*{group}(?:(?!</tr>).)*</tr>", page):
            assert not re.search(r'class="num">[\d.,%+\u2212]+<', row), row


def _digests(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_same_inputs_give_the_same_reports(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    build(DEMO / "study.yml", out=tmp_path / "a")
    build(DEMO / "study.yml", out=tmp_path / "b")
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    # Kernels forked from a warm template, or started the ordinary way: the same bytes.
    monkeypatch.setenv("SQMREPORT_NO_FORK", "1")
    build(DEMO / "study.yml", out=tmp_path / "c")
    assert _digests(tmp_path / "a") == _digests(tmp_path / "c")


def test_tracking_sections_render_attacks_as_text(evil):
    satisfaction = (evil / "satisfaction.html").read_text(encoding="utf-8")
    gap = (evil / "gap_model.html").read_text(encoding="utf-8")
    for page, sections in ((satisfaction, ["waves", "scorecard", "complaints"]),
                           (gap, ["waves", "maturity"])):
        for section in sections:
            assert f'<h2 id="{section}">' in page
    assert html.escape(ATTACKS[3]) in satisfaction  # a KPI unit, shown as text
    assert "\\notacommand" in satisfaction  # and the would-be mathtext as plain text
