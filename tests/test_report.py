"""The display layer: titled tables and figures, escaping, formatting, the logo."""

import base64
import csv
import io
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from sqmreport import load_survey
from sqmreport.present import report
from sqmreport.present.report import Report, format_value

from .conftest import small_spec


@pytest.fixture
def rep(write_study, tmp_path):
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
    (tmp_path / "logo.jpg").write_bytes(png)
    path = write_study(small_spec(logo="logo.jpg", client="<b>ACME</b>"))
    return Report(load_survey(path), "satisfaction", tables_dir=tmp_path / "tables")


def test_header_escapes_and_embeds_the_logo(rep, shown):
    rep.header()
    assert "&lt;b&gt;ACME&lt;/b&gt;" in shown[0] and "<b>ACME" not in shown[0]
    assert 'src="data:image/jpeg;base64,' in shown[0]


def test_table_is_titled_explained_escaped_and_written(rep, shown, tmp_path):
    frame = pd.DataFrame({"item": ["<script>x</script>"], "n": [12.0], "mean": [3.14159],
                          "p_value": [0.0004], "share": [0.256]})
    rep.table("overall", frame, note={"low": 1, "high": 5})
    html = shown[0]
    assert "<figcaption>Overall satisfaction</figcaption>" in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert re.findall(r"<td[^>]*>([^<]*)</td>", html)[1:] == ["12", "3.14", "&lt;0.001", "25.6%"]
    written = pd.read_csv(tmp_path / "tables" / "overall.csv", encoding="utf-8-sig")
    assert written["mean"].iloc[0] == pytest.approx(3.14159)  # unrounded


@pytest.mark.parametrize("column, value, expected", [
    ("n", 1234.0, "1,234"), ("share", 0.5, "50.0%"), ("p_value", 0.0123, "0.012"),
    ("r", 0.12345, "0.123"), ("mean", np.nan, "—"), ("mean", 5.678, "5.68"), ("value", "北", "北"),
])
def test_format_value(column, value, expected):
    assert format_value(column, value) == expected


def test_logo_must_be_an_image(write_study, tmp_path):
    (tmp_path / "logo.txt").write_text("x")
    from sqmreport import InputError, load_study
    with pytest.raises(InputError, match="key 'logo': 'logo.txt' is not a PNG"):
        load_study(write_study(small_spec(logo="logo.txt")))


HOSTILE = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
           "\tindent", "\rreturn", "Normal text", "a=b"]


def test_tables_neutralise_texts_a_spreadsheet_would_run(rep, shown, tmp_path):
    frame = pd.DataFrame({"label": HOSTILE, "n": [-1.5] * len(HOSTILE)})
    rep.table("hostile", frame.rename(columns={"label": "=label"}), title="T", note="N")
    with open(tmp_path / "tables" / "hostile.csv", encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f))
    assert header == ["'=label", "n"]
    for original, (cell, n) in zip(HOSTILE, rows, strict=True):
        expected = original.replace("\r", "\n")  # a bare carriage return would end the row
        assert cell == ("'" + expected if original[0] in "=+-@\t\r" else expected)
        assert n == "-1.5"  # numbers are numbers, negative ones too


def test_figures_are_stored_at_twice_the_pixels_they_are_laid_out_in(rep, shown):
    from sqmreport.present.plots import DPI, PRINT_SCALE

    fig, ax = plt.subplots(figsize=(5, 2))
    ax.plot([0, 1], [0, 1])
    ax.set_title("서울 北京 東京")
    rep.figure("nps", ax)
    data, width, height = re.search(r'<img alt="[^"]*" src="data:image/png;base64,([^"]+)" '
                                    r'width="(\d+)" height="(\d+)">', shown[0]).groups()
    with Image.open(io.BytesIO(base64.b64decode(data))) as image:
        assert image.mode == "P"  # a palette: a third of the bytes of RGBA
        assert abs(image.size[0] - PRINT_SCALE * int(width)) <= 1
        assert abs(image.size[1] - PRINT_SCALE * int(height)) <= 1
    assert 4 * DPI <= int(width) <= 5 * DPI + 40  # about the figure's 5 inches, at 1x
    assert not plt.get_fignums()  # closed


def test_compact_png_gives_the_same_bytes_for_the_same_figure():
    def png():
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.bar([0, 1], [2, 3])
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata={"Software": None})
        plt.close(fig)
        return buffer.getvalue()

    first, size = report.compact_png(png())
    assert report.compact_png(png())[0] == first and len(first) < len(png())
    assert size[0] > 0


@pytest.mark.parametrize("segment", ["a/b", "../../escape", "..", "区域 / 科室", "x" * 300, "con:prn?*"])
def test_any_segment_name_makes_one_table_inside_the_tables_folder(rep, tmp_path, segment):
    (tmp_path / "tables").mkdir(exist_ok=True)
    rep.write_table(f"segment_means_{segment}", pd.DataFrame({"value": ["a"], "n": [5]}))
    written = [p for p in tmp_path.rglob("*.csv") if p.name != "survey.csv"]
    assert len(written) == 1 and written[0].parent == tmp_path / "tables", written
    assert report.table_file(f"segment_means_{segment}") != report.table_file("segment_means_a_b")


def test_a_questionnaire_without_a_title_is_named_by_its_shape(rep, shown):
    rep.header()
    assert "4 items in 2 dimensions" in shown[0] and ">custom<" not in shown[0]
