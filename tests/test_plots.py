"""Charts a consultant can hand over: every script drawn, fixed colour scales with a legend,
tick labels that never overlap, long scales in a few bands."""

import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.ft2font import FT2Font  # noqa: E402

from sqmreport.present import plots  # noqa: E402
from sqmreport.present.fonts import CJK_FONT  # noqa: E402
from sqmreport.present.i18n import text  # noqa: E402
from sqmreport.present.report import MINUS  # noqa: E402

KOREAN, CHINESE, JAPANESE = "서울 지점", "北京分行", "東京サービス"


@pytest.fixture(params=["en", "zh"])
def language(request):
    with matplotlib.rc_context(plots.report_style(request.param)):
        yield request.param
    plt.close("all")


def _draw(fig):
    """Draw ``fig`` and return the warnings matplotlib gave about missing glyphs."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    return [str(w.message) for w in caught if "Glyph" in str(w.message)]


def _pixels(label: str, family) -> np.ndarray:
    with matplotlib.rc_context({"font.family": family}):
        fig = plt.figure(figsize=(2, 0.5), dpi=100)
        fig.text(0.05, 0.3, label, fontsize=14)
        fig.canvas.draw()
        image = np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
    plt.close(fig)
    return image


def test_fonts_are_a_family_list_with_the_study_script_first():
    assert plots.report_style("en")["font.family"] == ["DejaVu Sans", CJK_FONT]
    assert plots.report_style("zh")["font.family"] == [CJK_FONT, "DejaVu Sans"]


@pytest.mark.parametrize("label", [KOREAN, CHINESE, JAPANESE, "Tangibles − 有形性"])
def test_each_character_resolves_to_a_font_that_has_it(language, label):
    paths = [font_manager.findfont(font_manager.FontProperties(family=[f]), fallback_to_default=False)
             for f in plots.font_families(language)]
    fonts = [FT2Font(p) for p in paths]
    for ch in label.replace(" ", ""):
        assert any(f.get_char_index(ord(ch)) for f in fonts), f"{ch!r} has no glyph in {paths}"


@pytest.mark.parametrize("label", [KOREAN, CHINESE, JAPANESE])
def test_cjk_labels_are_drawn_not_boxed(language, label):
    fig, ax = plt.subplots()
    ax.barh([0, 1, 2], [1, 2, 3])
    ax.set_yticks([0, 1, 2], [KOREAN, CHINESE, JAPANESE])
    ax.set_title(f"Branch {label}")
    assert _draw(fig) == []
    # The label is drawn as the CJK font draws it, not as DejaVu Sans' empty boxes.
    style = plots.report_style(language)["font.family"]
    label = label.replace(" ", "")  # a space is DejaVu Sans' in English, narrower than the CJK font's
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boxed = _pixels(label, ["DejaVu Sans"])
    drawn, cjk = _pixels(label, style), _pixels(label, [CJK_FONT])
    assert np.array_equal(drawn, cjk)
    assert not np.array_equal(drawn, boxed)


def _segments(rows, cols, low=5.3, high=6.2, seed=1):
    values = np.random.default_rng(seed).uniform(low, high, (len(rows), len(cols)))
    return pd.DataFrame(values, index=rows, columns=cols)


def test_heatmap_colours_are_anchored_to_the_scale_with_a_colour_bar(language):
    narrow = _segments(["a", "b"], ["x", "y"], 5.48, 5.58)
    narrow.iloc[0, 0], narrow.iloc[1, 1] = 5.48, 5.58
    wide = _segments(["c", "d", "e"], ["x", "y"], 2.0, 6.5)
    wide.iloc[0, 0] = 5.48
    colours = []
    for table in (narrow, wide):
        ax = plots.plot_heatmap(table, language=language, scale=(1, 7))
        mesh = ax.collections[0]
        assert (mesh.norm.vmin, mesh.norm.vmax) == (1, 7)
        bar = mesh.colorbar
        assert bar is not None and bar.ax.get_ylabel() == text(language, "axes.mean")
        assert [t.get_text() for t in bar.ax.get_yticklabels()] == [str(k) for k in range(1, 8)]
        colours.append(mesh.get_facecolors())
    # 5.48 is the same colour in both tables, and hardly differs from 5.58.
    assert np.allclose(colours[0][0], colours[1][0])
    assert np.abs(colours[0][0] - colours[0][3]).max() < 0.05


def test_heatmap_of_differences_is_centred_with_the_same_limits(language):
    table = _segments(["a", "b"], ["x", "y"])
    centre = pd.Series({"x": 5.7, "y": 5.6})
    ax = plots.plot_heatmap(table, language=language, scale=(1, 7), centre=centre, label="Δ")
    mesh = ax.collections[0]
    assert (mesh.norm.vmin, mesh.norm.vmax) == pytest.approx((-0.6, 0.6))
    assert mesh.colorbar.ax.get_ylabel() == "Δ"
    assert np.allclose(np.asarray(mesh.get_array()).ravel(), (table - centre).to_numpy().ravel())
    labels = [t.get_text() for t in mesh.colorbar.ax.get_yticklabels()]
    assert any(t.startswith(MINUS) for t in labels) and not any("-" in t for t in labels)
    with pytest.raises(ValueError, match="needs `label`"):
        plots.plot_heatmap(table, language=language, centre=5.6)


def test_heatmap_cells_use_the_report_formatter(language):
    table = pd.DataFrame({"x": [5.555, np.nan], "y": [6.0, 5.1]}, index=["a", "b"])
    ax = plots.plot_heatmap(table, language=language, scale=(1, 7))
    assert sorted(t.get_text() for t in ax.texts) == ["5.10", "5.55", "6.00"] or \
        sorted(t.get_text() for t in ax.texts) == ["5.10", "5.56", "6.00"]


def _free(ax):
    """True when no two x tick labels of ``ax`` overlap as drawn."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = [t for t in ax.get_xticklabels() if t.get_text()]
    angle = labels[0].get_rotation()
    if angle in (0, 90):
        boxes = [t.get_window_extent(renderer) for t in labels]
        return not any(a.overlaps(b) for k, a in enumerate(boxes) for b in boxes[k + 1:])
    # Parallel slanted labels: the distance between two baselines against a label's height.
    heights = []
    for t in labels:
        t.set_rotation(0)
        heights.append(t.get_window_extent(renderer).height)
        t.set_rotation(angle)
    return plots.tick_spacing(ax) * np.sin(np.radians(angle)) >= max(heights)


LONG_EN = ["Reliability of the promised service", "Responsiveness of the staff at the counter",
           "Assurance and courtesy", "Empathy", "Tangibles and facilities of the branch",
           "Overall satisfaction with the branch", "Waiting time before being served",
           "Clarity of the fees and charges", "Complaint handling", "Digital channels and the app"]
LONG_ZH = ["服务的可靠性与承诺兑现", "柜台员工的响应速度", "保证性与礼貌", "移情性", "网点的有形设施与环境",
           "对网点的总体满意度", "等候办理业务的时间", "费用说明是否清楚", "投诉处理", "手机银行与数字渠道"]


@pytest.mark.parametrize("columns", [LONG_EN[:3], LONG_EN[:6], LONG_EN, LONG_ZH[:5], LONG_ZH,
                                     [f"{a} {b}" for a, b in zip(LONG_EN, LONG_ZH)],
                                     [f"D{k}" for k in range(24)]],
                         ids=["en3", "en6", "en10", "zh5", "zh10", "mixed10", "short24"])
def test_heatmap_tick_labels_never_overlap(language, columns):
    ax = plots.plot_heatmap(_segments(["group A", "group B", "组 C"], columns), language=language,
                            scale=(1, 7))
    assert _free(ax)
    assert all(t.get_fontsize() >= 6 for t in ax.get_xticklabels())


def test_fit_tick_labels_wraps_before_it_turns(language):
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.bar(range(4), [1, 2, 3, 4])
    ax.set_xticks(range(4), ["Reliability of service", "Responsiveness of staff", "Assurance", "Empathy"])
    assert plots.fit_tick_labels(ax) in ("as is", "wrapped")
    assert _free(ax)
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.bar(range(8), range(8))
    ax.set_xticks(range(8), LONG_EN[:8])
    assert plots.fit_tick_labels(ax).startswith("turned")
    assert _free(ax)


@pytest.mark.parametrize("plot", ["correlations", "pareto", "maturity", "waves"])
def test_other_charts_with_category_axes_do_not_overlap(language, plot):
    if plot == "correlations":
        r = pd.DataFrame(np.eye(10), index=LONG_EN, columns=LONG_EN)
        ax = plots.plot_correlations(r, language=language)
    elif plot == "pareto":
        table = pd.DataFrame({"label": LONG_ZH[:8], "n": range(80, 0, -10)})
        table["cumulative"] = table["n"].cumsum() / table["n"].sum()
        ax = plots.plot_pareto(table, language=language)
    elif plot == "maturity":
        names = {1: "Initial and ad hoc", 2: "Repeatable but intuitive", 3: "Defined process",
                 4: "Managed and measurable", 5: "Optimised continuously"}
        ax = plots.plot_maturity(pd.DataFrame({"label": ["a", "b"], "level": [2, 4]}), names,
                                 language=language)
    else:
        waves = [f"{y} wave {k}" for y in (2024, 2025, 2026) for k in (1, 2, 3)]
        trend = pd.DataFrame({"label": "Overall", "wave": waves, "mean": 5.0, "ci_low": 4.8,
                              "ci_high": 5.2})
        fig, ax = plt.subplots(figsize=(4, 3))
        ax = plots.plot_waves(trend, language=language, ax=ax)
    assert _free(ax)


@pytest.mark.parametrize("points, bands", [(range(1, 101), 10), (range(0, 11), 6), (range(1, 8), 7),
                                           (range(1, 11), 10), (range(0, 101), 11 // 1 - 0)])
def test_long_scales_are_shown_in_at_most_ten_bands(points, bands):
    points = list(points)
    shares = pd.DataFrame(np.random.default_rng(0).dirichlet(np.ones(len(points)), 3), columns=points,
                          index=["a", "b", "c"])
    banded = plots.band_shares(shares)
    assert banded.shape[1] == min(bands, 10) or banded.shape[1] == bands
    assert banded.shape[1] <= 11
    np.testing.assert_allclose(banded.sum(axis=1), 1.0)
    covered = [p for _, part in plots.scale_bands(points) for p in part]
    assert covered == points  # every point in exactly one band, in order


def test_distribution_legend_of_a_1_to_100_scale_has_ten_bands(language):
    shares = pd.DataFrame(np.full((2, 100), 0.01), columns=range(1, 101), index=["Q1", "Q2"])
    ax = plots.plot_distribution(shares, language=language)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [f"{k}–{k + 9}" for k in range(1, 100, 10)]


def test_scale_bands_needs_two_bands():
    with pytest.raises(ValueError, match="`max_bands` must be at least 2, got 1"):
        plots.scale_bands(range(10), max_bands=1)


def test_loadings_are_signed_with_a_true_minus_and_no_negative_zero(language):
    loadings = pd.DataFrame({"F1": [0.81, -0.001, -0.42], "F2": [0.1, 0.9, 0.004]},
                            index=["Q1", "Q2", "Q3"])
    ax = plots.plot_loadings(loadings, language=language)
    cells = [t.get_text() for t in ax.texts]
    assert cells == ["0.81", "0.10", "0.00", "0.90", f"{MINUS}0.42", "0.00"]
    mesh = ax.collections[0]
    assert (mesh.norm.vmin, mesh.norm.vmax) == (-1, 1)
    assert mesh.colorbar.ax.get_ylabel() == text(language, "fa_columns.loading")


def test_numbers_drawn_on_bars_use_the_report_formatter(language):
    from types import SimpleNamespace

    ax = plots.plot_nps(SimpleNamespace(detractors=0.246, passives=0.381, promoters=0.373), language=language)
    assert [t.get_text() for t in ax.texts] == ["24.6%", "38.1%", "37.3%"]
    table = pd.DataFrame({"label": ["a", "b"], "mean": [5.555, 4.0], "ci_low": [5.2, 3.5], "ci_high": [5.9, 4.5]})
    ax = plots.plot_means(table, language=language, scale=(1, 7))
    assert [t.get_text().strip() for t in ax.texts] in (["5.55", "4.00"], ["5.56", "4.00"])
    ax = plots.plot_drivers(pd.DataFrame({"label": ["a", "b"], "share": [0.236, 0.764]}), language=language)
    assert sorted(t.get_text().strip() for t in ax.texts) == ["23.6%", "76.4%"]
