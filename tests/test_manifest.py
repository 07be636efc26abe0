"""The manifest a report notebook's Report writes: what the overview, the workbook, the PDF
and the deck are made from (sqmreport/present/manifest.py)."""

import json
import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from sqmreport import load_survey
from sqmreport.present import manifest
from sqmreport.present.manifest import Chart, Series
from sqmreport.present.report import Report

from .conftest import small_spec

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def rep(write_study, tmp_path, shown):
    path = write_study(small_spec())
    return Report(load_survey(path), "satisfaction", tables_dir=tmp_path / "tables")


def _lines(rep):
    text = (rep.tables_dir / manifest.MANIFEST).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def _read(rep):
    return manifest.read(rep.tables_dir / manifest.MANIFEST)


def test_the_first_line_names_the_report_and_the_study_in_figures(rep):
    m = _read(rep)
    assert (m.report, m.language, m.title) == ("satisfaction", "en", "Customer satisfaction report")
    assert m.facts["n"] == rep.survey.n and m.facts["respondent"] == "customers"
    assert set(m.facts) == {"n", "invited", "response_rate", "respondent", "fieldwork", "min_group_size"}


def test_a_new_report_starts_a_new_manifest(rep):
    rep.section("items")
    again = Report(rep.survey, "satisfaction", tables_dir=rep.tables_dir)
    assert [line["type"] for line in _lines(again)] == ["report"]


def test_sections_tables_and_their_csv_columns(rep):
    rep.section("items")
    frame = pd.DataFrame({"label": ["=a", "b"], "n": [3, 4], "mean": [1.5, 2.5],
                          "ci_low": [1.0, 2.0], "suppressed": [False, True]})
    rep.table("overall", frame, columns=["label", "mean"], note={"low": 1, "high": 5})
    m = _read(rep)
    assert [i for i, _ in m.sections] == ["items"] and m.sections[0][1]
    t = m.table("overall")
    assert t.file == "overall.csv" and t.section == "items" and t.suppressed
    assert t.title == "Overall satisfaction"
    written = pd.read_csv(rep.tables_dir / t.file, encoding="utf-8-sig", nrows=0).columns
    assert [c.name for c in t.columns] == list(written)
    kinds = {c.name: c.kind for c in t.columns}
    assert kinds == {"label": None, "n": "count", "mean": "mean", "ci_low": "mean", "suppressed": None}
    assert [c.name for c in t.columns][0] == "label"  # the CSV's own name (a text, not a formula)


def test_a_table_written_apart_keeps_its_file_and_the_shown_title(rep):
    data = pd.DataFrame({"item": ["1"], "gap": [-0.5], "rank": [1]})
    rep.write_table("q_matrix", data)
    rep.table("q_matrix", data.assign(shown="x"), csv=False, columns=["shown"],
              title="Priorities", note="What to do first")
    shown_first = pd.DataFrame({"a": [1.0]})
    rep.table("later", shown_first, csv=False, title="Later", note="N")
    rep.write_table("later", shown_first)
    m = _read(rep)
    q = m.table("q_matrix")
    assert (q.file, q.title) == ("q_matrix.csv", "Priorities")
    assert [c.name for c in q.columns] == ["item", "gap", "rank"]
    assert [c.kind for c in q.columns] == [None, "gap", "count"]
    later = m.table("later")
    assert (later.file, later.title) == ("later.csv", "Later")
    assert [t.name for t in m.tables] == ["q_matrix", "later"]


def test_a_table_without_a_csv_has_no_file(rep):
    rep.table("x", pd.DataFrame({"a": [1]}), csv=False, title="T", note="N")
    assert _read(rep).table("x").file is None


def test_figures_carry_their_png_size_key_takeaway_and_chart(rep):
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.bar([0, 1], [2, 3])
    chart = Chart(type="bar", categories=("A", "B"), series=(Series("Mean", (2.0, 3.0)),),
                  kind="mean", table="t")
    rep.figure("drivers", ax, title="T", note="N", key=True,
               takeaway={"zh": "中文", "en": "It rises."}, chart=chart)
    f = _read(rep).figures[0]
    assert f.png.startswith(b"\x89PNG") and f.width > 100 and f.height > 50
    assert (f.key, f.takeaway, f.chart) == (True, "It rises.", chart)
    assert not plt.get_fignums()


def test_headlines_actions_and_findings(rep):
    rep.section("csi")
    rep.headline("csi", 78.64, kind="index", ci=(76.3, 81.04), detail="0–100")
    rep.headline("servqual", -0.52, kind="gap", ci=(-0.6, -0.44))
    rep.headline("share_below", 0.385, kind="percent")
    rep.action(1, "Item", "Improve “Item” first.", "Gap −0.39 [−0.61, −0.18]")
    rep.add_findings(["One.", "Two."])
    rep.summary()
    m = _read(rep)
    csi, sq, below = m.headlines
    assert (csi.text, csi.label, csi.section, csi.ci_low) == ("78.6 (76.3–81.0)",
                                                           "Customer satisfaction index", "csi", 76.3)
    assert sq.text == "−0.52 (−0.60 to −0.44)" and below.text == "38.5%" and below.ci_low is None
    assert m.actions[0].rank == 1 and m.actions[0].section == "csi"
    assert m.findings == ("One.", "Two.")
    with pytest.raises(ValueError):
        rep.headline("x", 1.0, kind="nonsense", label="X")


def test_a_headline_updated_with_its_change_is_recorded_whole_again(rep):
    rep.headline("overall", 5.44, kind="mean", ci=(5.3, 5.57))
    rep.update_headline("overall", change=0.37, change_ci=(0.17, 0.57))
    rep.update_headline("nps", change=1.0)  # never recorded: nothing
    lines = [line for line in _lines(rep) if line["type"] == "headline"]
    assert len(lines) == 2 and lines[-1]["change"] == 0.37 and lines[-1]["value"] == 5.44
    assert lines[-1]["change_text"] == "+0.37 (+0.17 to +0.57)"


def test_without_a_tables_dir_nothing_is_written(write_study, tmp_path, shown):
    rep = Report(load_survey(write_study(small_spec())), "satisfaction")
    rep.section("items")
    rep.headline("csi", 1.0, kind="index")
    assert not list(tmp_path.rglob(manifest.MANIFEST))


# -- the demo's notebooks' views, in-process ---------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo's satisfaction and gap reports (their notebooks' cells, without Jupyter)."""
    import importlib.util

    from sqmreport.present import report

    out = tmp_path_factory.mktemp("manifest")
    keep, report._display = report._display, lambda markup: None
    try:
        spec = importlib.util.spec_from_file_location("_run_demo", Path(__file__).with_name("_manifest_demo.py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.run(out, ROOT / "data" / "demo" / "study.yml")
    finally:
        report._display = keep
    return out


def _numbers(frame: pd.DataFrame) -> set:
    values = frame.select_dtypes("number").to_numpy(float).ravel()
    return {round(v, 9) for v in values if np.isfinite(v)}


@pytest.mark.parametrize("report", ["satisfaction", "gap_model"])
def test_demo_manifest_matches_its_tables(demo, report):
    folder = demo / report
    m = manifest.read(folder / manifest.MANIFEST)
    written = {p.name for p in folder.glob("*.csv")}
    assert written <= {t.file for t in m.tables}  # every CSV is a table of the manifest
    for t in m.tables:
        if t.file is None:
            continue
        assert t.file in written, t.name
        columns = pd.read_csv(folder / t.file, encoding="utf-8-sig", nrows=0).columns
        assert [c.name for c in t.columns] == list(columns), t.name
    keys = [f for f in m.figures if f.key]
    assert keys and all(f.takeaway for f in keys)
    for f in m.figures:
        if f.chart is None or f.chart.table is None:
            continue
        table = pd.read_csv(folder / m.table(f.chart.table).file, encoding="utf-8-sig")
        numbers = _numbers(table)
        for series in f.chart.series:
            for v in series.values:
                assert v is None or round(v, 9) in numbers, (f.name, series.name, v)
            assert len(series.values) == len(f.chart.categories)


def test_demo_headlines(demo):
    sat = manifest.read(demo / "satisfaction" / manifest.MANIFEST)
    csi = pd.read_csv(demo / "satisfaction" / "csi.csv", encoding="utf-8-sig")
    headline = {h.key: h for h in sat.headlines}  # the later record of a key counts
    row = csi[csi["component"] == "csi"].iloc[0]
    assert math.isclose(headline["csi"].value, row["score"])
    assert (headline["csi"].ci_low, headline["csi"].ci_high) == pytest.approx((row["ci_low"], row["ci_high"]))
    assert headline["csi"].change is not None and headline["csi"].change_text
    assert headline["overall"].change is not None and {"nps", "overall", "csi"} <= set(headline)
    assert 1 <= len(sat.actions) <= 5 and [a.rank for a in sat.actions] == list(range(1, len(sat.actions) + 1))
    gap = manifest.read(demo / "gap_model" / manifest.MANIFEST)
    summary = pd.read_csv(demo / "gap_model" / "gap_summary.csv", encoding="utf-8-sig").set_index("measure")
    g = {h.key: h for h in gap.headlines}
    assert math.isclose(g["servqual"].value, summary.loc["unweighted", "value"])
    assert g["servqual"].ci_low < g["servqual"].value < g["servqual"].ci_high
    assert math.isclose(g["share_below"].value, summary.loc["share_below", "value"])
    key_charts = [f for m in (sat, gap) for f in m.figures if f.key]
    assert 4 <= len(key_charts) <= 8


