"""The PowerPoint deck (sqmreport.present.deliverables.deck), from synthetic manifests."""

from __future__ import annotations

import dataclasses
import io
import math
import zipfile
from datetime import datetime

import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn

from sqmreport.present.deliverables.deck import FONTS, build_deck, fit_size, number_format
from sqmreport.present.i18n import text
from sqmreport.present.manifest import Action, Chart, FigureEntry, Headline, Manifest, Series, dumps, loads
from tests.manifests import manifests, study

LANGUAGES = ["zh", "en"]


def _open(data: bytes):
    return Presentation(io.BytesIO(data))


def _charts(slide):
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def _key_figures(found):
    return [(m, f) for m in found for f in m.figures if f.key]


@pytest.fixture(scope="module", params=LANGUAGES)
def built(request):
    language = request.param
    found, tables = manifests(language)
    return language, found, tables, build_deck(study(language), found)


def test_slides_and_titles(built):
    language, found, _, data = built
    deck = _open(data)
    assert (deck.slide_width, deck.slide_height) == (12192000, 6858000)  # 16:9
    titles = [slide.shapes.title.text for slide in deck.slides]
    assert titles == [study(language).title, text(language, "deck.headlines"),
                      text(language, "deck.actions"), *[f.title for _, f in _key_figures(found)]]


def test_title_slide_names_the_study_and_its_reports(built):
    language, found, _, data = built
    words = " ".join(shape.text_frame.text for shape in _open(data).slides[0].shapes
                     if shape.has_text_frame)
    info = study(language)
    for expected in (info.client, info.fieldwork, *[m.title for m in found], "2026-12-03"):
        assert expected in words
    assert "300" in words and "84.0%" in words  # responses of invited, response rate


def test_headline_cards_and_actions(built):
    language, found, _, data = built
    deck = _open(data)
    cards = " ".join(s.text_frame.text for s in deck.slides[1].shapes if s.has_text_frame)
    for headline in (h for m in found for h in m.headlines):
        assert headline.label in cards
        assert headline.text.split(" ")[0] in cards
        for extra in (headline.detail, headline.change_text):
            assert extra in cards
    actions = " ".join(s.text_frame.text for s in deck.slides[2].shapes if s.has_text_frame)
    for action in (a for m in found for a in m.actions):
        assert action.item in actions and action.evidence in actions
    assert text(language, "deck.group", group="外科") in actions


def test_native_charts_carry_the_manifest_numbers(built):
    _, found, _, data = built
    deck = _open(data)
    figures = _key_figures(found)
    for slide, (_, figure) in zip(list(deck.slides)[3:], figures):
        (chart,) = _charts(slide)
        assert chart.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
        plot = chart.plots[0]
        assert list(plot.categories) == list(figure.chart.categories)
        assert [s.name for s in plot.series] == [s.name for s in figure.chart.series]
        for drawn, given in zip(plot.series, figure.chart.series):
            assert drawn.values == pytest.approx(given.values)
        assert chart.value_axis.minimum_scale == figure.chart.axis_min
        assert chart.value_axis.maximum_scale == figure.chart.axis_max
        assert plot.data_labels.number_format == "0.00"  # kind "mean"
        assert chart.has_legend == (len(figure.chart.series) > 1)


def test_native_charts_carry_the_table_numbers(built):
    """A chart that names its table shows the numbers of the table's CSV file."""
    _, found, tables, data = built
    deck = _open(data)
    checked = 0
    for slide, (manifest, figure) in zip(list(deck.slides)[3:], _key_figures(found)):
        if figure.chart.table is None:
            continue
        entry = manifest.table(figure.chart.table)
        csv = pd.read_csv(io.BytesIO(tables[entry.file]), encoding="utf-8-sig")
        header = {c.header: c.name for c in entry.columns}
        label = next(c.name for c in entry.columns if c.kind is None)
        plot = _charts(slide)[0].plots[0]
        assert list(plot.categories) == csv[label].tolist()
        for series in plot.series:
            assert series.values == pytest.approx(csv[header[series.name]].tolist())
            checked += 1
    assert checked == 3


def test_fonts_on_every_run(built):
    language, _, _, data = built
    font = FONTS[language]
    deck = _open(data)
    runs = 0
    for slide in deck.slides:
        parts = [slide._element] + [chart._chartSpace for chart in _charts(slide)]
        for element in parts:
            for run in element.iter(qn("a:r"), qn("a:fld")):
                rpr = run.find(qn("a:rPr"))
                assert rpr.find(qn("a:latin")).get("typeface") == font
                assert rpr.find(qn("a:ea")).get("typeface") == font
                runs += 1
        for chart in _charts(slide):  # the chart's own text (ticks, labels, legend)
            for rpr in chart._chartSpace.iter(qn("a:defRPr")):
                assert rpr.find(qn("a:ea")).get("typeface") == font
    assert runs > 30
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # text the client adds: the theme's fonts
        theme = archive.read("ppt/theme/theme1.xml").decode()
    assert theme.count(f'<a:ea typeface="{font}"/>') == 2
    assert font == {"zh": "Microsoft YaHei", "en": "Calibri"}[language]


def test_korean_text_in_a_chinese_deck_keeps_its_characters():
    found, _ = manifests("zh")
    korean = "서울 본원 외래"
    figure = dataclasses.replace(found[0].figures[0], title=f"{korean} 满意度",
                                 chart=dataclasses.replace(found[0].figures[0].chart,
                                                           categories=("有形性", korean, "C", "D", "E")))
    deck = _open(build_deck(study("zh"), [dataclasses.replace(found[0], figures=(figure,))]))
    slide = deck.slides[3]
    assert slide.shapes.title.text == f"{korean} 满意度"
    assert korean in list(_charts(slide)[0].plots[0].categories)


def test_pictures_where_no_chart_data():
    found, _ = manifests("en")
    zone = next(f for f in found[1].figures if f.chart is None)
    gap = dataclasses.replace(found[1], figures=(dataclasses.replace(zone, key=True,
                                                                     takeaway="Most are inside."),))
    deck = _open(build_deck(study("en"), [gap]))
    slide = deck.slides[-1]
    assert slide.shapes.title.text == "Zone"
    (picture,) = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert picture.image.blob == zone.png
    assert picture.width / picture.height == pytest.approx(640 / 400, rel=0.01)
    assert not _charts(slide)


def _figure(chart: Chart, name="f") -> FigureEntry:
    return FigureEntry(name, f"Figure {name}", "On the 1–7 scale.", "s", b"", 640, 400, key=True,
                       takeaway="What it shows.", chart=chart)


def test_chart_types_and_formats():
    charts = [
        Chart("barh", ("A", "B", "C"), (Series("Share", (0.2, None, 0.7)),), "percent"),
        Chart("line", ("2024", "2025", "2026"), (Series("CSI", (70.1, 72.3, 74.0)),
                                                 Series("NPS", (10.0, 12.0, float("nan")))), "index"),
        Chart("scatter", ("=SUM(A1)", "Item 2", "Item 3"), (Series("Importance", (0.2, 0.4, 0.5)),
                                                           Series("Performance", (5.1, 5.9, 6.2))),
              "mean", axis_min=1, axis_max=7, x_title="Importance", y_title="Performance"),
        Chart("bar", ("X", "Y"), (Series("Gap", (-0.63, 0.12)),), "gap"),
    ]
    report = Manifest("r", "en", "Report", facts={"n": 10},
                      figures=tuple(_figure(c, str(i)) for i, c in enumerate(charts)))
    deck = _open(build_deck(study("en"), [report]))
    drawn = [_charts(slide)[0] for slide in list(deck.slides)[1:]]  # no actions, findings
    assert [c.chart_type for c in drawn] == [XL_CHART_TYPE.BAR_CLUSTERED, XL_CHART_TYPE.LINE_MARKERS,
                                             XL_CHART_TYPE.XY_SCATTER, XL_CHART_TYPE.COLUMN_CLUSTERED]
    barh, line, scatter, bar = drawn
    assert barh.plots[0].series[0].values == (0.2, None, 0.7)
    assert barh.category_axis.reverse_order  # first category on top
    assert barh.plots[0].data_labels.number_format == "0.0%"
    assert barh.value_axis.tick_labels.number_format.endswith("%")
    assert line.has_legend and line.plots[0].series[1].values == (10.0, 12.0, None)
    assert bar.plots[0].data_labels.number_format == number_format("gap")
    assert bar.value_axis.minimum_scale < -0.63  # bars from zero, negative ones too
    series = scatter.plots[0].series[0]
    assert series.values == (5.1, 5.9, 6.2)
    x_values = [float(v.text) for v in series._element.xpath("./c:xVal//c:v")]
    assert x_values == [0.2, 0.4, 0.5]
    labels = [series.points[i].data_label.text_frame.text for i in range(3)]
    assert labels == ["=SUM(A1)", "Item 2", "Item 3"]
    assert scatter.value_axis.axis_title.text_frame.text == "Performance"
    assert (scatter.value_axis.minimum_scale, scatter.value_axis.maximum_scale) == (1, 7)


def test_chart_workbook_keeps_texts_inert():
    """A category that looks like a formula is a text in the chart's workbook, not a formula."""
    chart = Chart("bar", ("=HYPERLINK(\"http://x\")", "+内科", "@急诊"),
                  (Series("Mean", (5.8, 5.6, 5.4)),), "mean")
    report = Manifest("r", "en", "Report", figures=(_figure(chart),))
    data = build_deck(study("en"), [report])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".xlsx")]
        with zipfile.ZipFile(io.BytesIO(archive.read(name))) as workbook:
            sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
            strings = workbook.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet and "HYPERLINK" in strings and "hyperlink" not in sheet


def test_provenance_in_core_properties(built):
    language, found, _, data = built
    core = _open(data).core_properties
    info = study(language)
    assert core.title == info.title
    assert core.author == info.client
    assert all(m.title in core.subject for m in found)
    for name, digest in info.provenance.items():
        if name not in ("sqmreport", "built"):
            assert f"{name} sha256:{digest}" in core.keywords
            assert digest in core.comments
    assert "sqmreport 0.1.0" in core.keywords and "2026-12-03T19:00:00Z" in core.keywords
    built_at = datetime(2026, 12, 3, 19, 0)
    assert core.created == core.modified == core.last_printed == built_at


def test_same_inputs_same_bytes(built):
    language, found, _, data = built
    again = build_deck(study(language), [loads(dumps(m)) for m in found])  # as the build reads them
    assert again == data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        assert {i.date_time for i in infos} == {(2026, 12, 3, 19, 0, 0)}
        for info in infos:
            if info.filename.endswith(".xlsx"):  # each chart's data, dated the same
                with zipfile.ZipFile(io.BytesIO(archive.read(info))) as workbook:
                    core = workbook.read("docProps/core.xml").decode()
                assert "2026-12-03T19:00:00Z" in core


def test_a_report_without_headlines_actions_or_figures():
    language = "zh"
    bare = Manifest("factor_analysis", language, "问卷效度报告")
    plain = dataclasses.replace(study(language), client="", fieldwork="", provenance={})
    deck = _open(build_deck(plain, [bare]))
    assert [slide.shapes.title.text for slide in deck.slides] == [study(language).title]
    assert deck.core_properties.author == "sqmreport"
    assert _open(build_deck(study("en"), [])).slides[0].shapes.title.text == "Patient survey"
    # Its findings instead, when it has some:
    found = dataclasses.replace(bare, findings=("七个因子解释了 68% 的方差。", "信度良好。"))
    deck = _open(build_deck(plain, [found]))
    assert [slide.shapes.title.text for slide in deck.slides][1:] == [text(language, "deck.findings")]
    words = " ".join(s.text_frame.text for s in deck.slides[1].shapes if s.has_text_frame)
    assert all(f in words for f in found.findings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_actions_says_no_shortfall_is_clear(language):
    """A report that shows the priority model but gives no action: no shortfall is clear."""
    found, _ = manifests(language)
    q_matrix = FigureEntry("q_matrix", "Q", "", "priorities", b"", 640, 400)
    ranked = [dataclasses.replace(m, actions=(), figures=(*m.figures, q_matrix)) for m in found]
    deck = _open(build_deck(study(language), ranked))
    slide = deck.slides[2]
    assert slide.shapes.title.text == text(language, "deck.actions")
    words = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    assert text(language, "deck.no_actions") in words


def test_actions_two_reports_share_are_shown_once():
    found, _ = manifests("en")
    both = [found[0], dataclasses.replace(found[1], actions=found[0].actions,
                                          headlines=(*found[1].headlines, found[0].headlines[0]))]
    deck = _open(build_deck(study("en"), both))
    actions = [s.text_frame.text for s in deck.slides[2].shapes if s.has_text_frame]
    assert sum(found[0].actions[0].item in a for a in actions) == 1
    badges = [s.text_frame.text for s in deck.slides[2].shapes
              if s.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE]
    assert badges == ["1", "2"]
    cards = " ".join(s.text_frame.text for s in deck.slides[1].shapes if s.has_text_frame)
    assert cards.count(found[0].headlines[0].label) == 1


def test_many_headlines_and_actions():
    headlines = tuple(Headline(f"h{i}", f"Figure {i}", 0.5 + i / 100, "percent") for i in range(10))
    actions = tuple(Action(i + 1, f"Item {i}", "Improve first.", "gap −0.5") for i in range(7))
    deck = _open(build_deck(study("en"), [Manifest("r", "en", "R", headlines=headlines,
                                                   actions=actions)]))
    titles = [slide.shapes.title.text for slide in deck.slides]
    assert titles[1:] == ["Headline figures", "Headline figures (continued)", "Where to act first"]
    assert "51.0%" in " ".join(s.text_frame.text for s in deck.slides[1].shapes if s.has_text_frame)
    words = " ".join(s.text_frame.text for s in deck.slides[3].shapes if s.has_text_frame)
    assert "Item 4" in words and "Item 5" not in words and "The reports rank 2 more." in words


def test_crowded_columns_become_horizontal_bars():
    items = tuple(f"{i}. The staff tell patients exactly when services will be performed" for i in range(22))
    chart = Chart("bar", items, (Series("E", tuple(6.0 for _ in items)),
                                 Series("P", tuple(5.5 for _ in items))), "mean", axis_min=1, axis_max=7)
    deck = _open(build_deck(study("en"), [Manifest("r", "en", "R", figures=(_figure(chart),))]))
    (drawn,) = _charts(deck.slides[1])
    assert drawn.chart_type == XL_CHART_TYPE.BAR_CLUSTERED and drawn.category_axis.reverse_order
    assert list(drawn.plots[0].categories) == list(items)
    assert not drawn.plots[0].has_data_labels  # 44 labels would cover the bars


@pytest.mark.parametrize("title", ["短标题", "Short title", "患者期望与满意度调查" * 8,
                                   "A long title of a figure that names every dimension " * 4])
def test_long_titles_shrink_to_fit_their_box(title):
    report = Manifest("r", "en", "R", figures=(dataclasses.replace(
        _figure(Chart("bar", ("A",), (Series("S", (1.0,)),), "mean")), title=title),))
    deck = _open(build_deck(study("en"), [report]))
    shape = deck.slides[-1].shapes.title
    size = shape.text_frame.paragraphs[0].runs[0].font.size.pt
    width, height = shape.width / 914400, shape.height / 914400
    wide = sum(1.0 if ord(c) > 0x2e80 else 0.6 for c in title)  # a generous width estimate
    lines = math.ceil(wide * size * 1.06 / 72 / (width - 0.1))
    assert lines * size * 1.2 / 72 <= height + 0.05
    assert (size == 28) == (len(title) < 20)


def test_fit_size_counts_cjk_twice():
    latin, cjk = "a" * 40, "满" * 40
    assert fit_size(cjk, 4, 0.5, 28, 8) < fit_size(latin, 4, 0.5, 28, 8)


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "WEBP"])
def test_logo_on_the_title_slide(kind):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (300, 100), (200, 30, 30)).save(out, format=kind)
    info = dataclasses.replace(study("en"), logo=out.getvalue(), logo_type=f"image/{kind.lower()}")
    slide = _open(build_deck(info, [])).slides[0]
    (picture,) = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert picture.width / picture.height == pytest.approx(3, rel=0.01)
    assert picture.left + picture.width <= 12192000


def test_number_formats_follow_the_kinds():
    assert [number_format(k) for k in ("mean", "percent", "count", "nps")] == \
        ["0.00", "0.0%", "#,##0", '+0;"−"0;0']
    assert number_format("percent", 0) == "0%" and number_format("mean", 0) == "0"
    with pytest.raises(ValueError, match="`kind` must be one of"):
        number_format("money")


def test_the_reports_colours():
    from sqmreport.present import plots
    from sqmreport.present.deliverables import deck

    assert (deck.INK, deck.GRID, deck.ACCENT) == (plots.INK, plots.GRID, plots.ACCENT)
    assert deck.QUADRANT_COLOURS == plots.QUADRANT_COLOURS


@pytest.mark.parametrize("language", LANGUAGES)
def test_many_inputs_fit_the_core_properties_and_all_are_custom_properties(language):
    """Office caps a core property at 255 characters: a study with a dozen inputs keeps its
    short provenance there and every input's SHA-256 in the custom properties."""
    info = study(language)
    many = {**{f"input_{i:02d}.csv": f"{i:02d}" * 32 for i in range(12)}, **info.provenance}
    data = build_deck(dataclasses.replace(info, provenance=many), manifests(language)[0])
    core = _open(data).core_properties
    assert len(core.keywords) <= 255 and len(core.comments) <= 255
    assert "sqmreport 0.1.0" in core.keywords
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        custom = z.read("docProps/custom.xml").decode()
        assert "custom-properties" in z.read("_rels/.rels").decode()
        assert "docProps/custom.xml" in z.read("[Content_Types].xml").decode()
    for name, digest in many.items():
        assert f'name="{name}"' in custom and digest in custom
