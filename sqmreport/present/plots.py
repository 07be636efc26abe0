"""Figures for the reports: ``plot_*(data, *, language, ax=None) -> Axes``, one look for all.

Labels arrive already in the study's language (a ``label`` column or labelled
index); axis titles come from the locale files.  Every figure draws its text with a
list of fonts, glyph by glyph (matplotlib >= 3.6): DejaVu Sans for Latin, Greek and
Cyrillic, and Noto Sans CJK SC, which the ``mplfonts`` package installs with sqmreport,
for Chinese, Japanese and Korean, so that a Korean branch name in an English report is
drawn, not boxed, and a fresh machine needs no system font.  Tick labels that would
overlap are wrapped, then turned (:func:`fit_tick_labels`).
"""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager

from sqmreport.present.fonts import CJK_FONT, cjk_font_path
from sqmreport.present.formatting import format_number
from sqmreport.present.i18n import text

__all__ = ["QUADRANT_COLOURS", "plot_changes", "plot_correlations", "plot_distribution",
           "plot_drivers", "plot_expectation_perception", "plot_five_gaps", "plot_heatmap",
           "plot_loadings", "plot_maturity", "plot_means", "plot_nps", "plot_pareto",
           "plot_q_matrix", "plot_scorecard", "plot_scree", "plot_waves", "plot_zone",
           "report_style", "band_shares", "scale_bands", "fit_tick_labels", "font_families",
           "DPI", "PRINT_SCALE"]

INK, GRID, ACCENT = "#1f2937", "#e5e7eb", "#1d4e89"
QUADRANT_COLOURS = {"improve": "#c0392b", "maintain": "#1d7a46", "low_priority": "#7f8c8d",
                    "overkill": "#d68910"}


#: Pixels per inch of a figure as the page lays it out; :data:`PRINT_SCALE` times more are
#: stored, so that figures stay sharp in print and on high-density screens.
DPI = 110
PRINT_SCALE = 2


def font_families(language: str) -> list[str]:
    """The fonts that draw a figure's text, in order of preference, glyph by glyph.

    The study's own script comes first (its punctuation and digits then match the
    labels); every other glyph falls back to the next font that has it, so Chinese,
    Japanese and Korean labels are drawn in a report in either language.

    >>> font_families("en"), font_families("zh")
    (['DejaVu Sans', 'Noto Sans CJK SC'], ['Noto Sans CJK SC', 'DejaVu Sans'])
    """
    return [CJK_FONT, "DejaVu Sans"] if language == "zh" else ["DejaVu Sans", CJK_FONT]


def report_style(language: str) -> dict:
    """Matplotlib settings of the reports' look, with fonts for every script a label may use.

    Registers the CJK font with matplotlib's font manager (once per process) and
    returns rcParams for :func:`matplotlib.rc_context` or :func:`matplotlib.rcParams.update`.
    ``font.family`` is a list of font names, not ``sans-serif``: matplotlib falls back
    glyph by glyph only between the fonts of that list (a generic family resolves to one
    font, and a glyph it lacks is drawn as a box).
    """
    _register_cjk_font()
    families = font_families(language)
    return {
        "font.family": families, "font.sans-serif": families, "font.size": 9,
        "axes.unicode_minus": True, "axes.edgecolor": "#9ca3af", "axes.labelcolor": INK,
        "axes.spines.top": False, "axes.spines.right": False, "axes.titlesize": 10,
        "xtick.color": INK, "ytick.color": INK, "figure.dpi": 100, "savefig.dpi": DPI,
        "figure.facecolor": "white", "savefig.bbox": "tight",
        # Labels come from the data: "$...$" in a unit's name is text, not mathtext to parse.
        "text.parse_math": False,
    }


def _register_cjk_font() -> None:
    path = str(cjk_font_path())
    if not any(f.fname == path for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)


def _format(value, kind: str) -> str:
    return format_number(value, kind)


def fit_tick_labels(ax, axis: str = "x", *, max_lines: int = 3) -> str:
    """Make the tick labels of ``axis`` not overlap: wrap long labels, else turn them.

    Each label is first wrapped (between words, or between any two CJK characters) to
    the space between two ticks, in at most ``max_lines`` lines; when a label still does
    not fit, the labels are turned to 45 degrees (anchored at their tick), or to 90 when
    the space between ticks is less than a label's height at 45; at 90 degrees the font
    shrinks (down to 6 pt) until they fit.  Labels of the y axis are only shrunk.
    Measured with the figure's renderer, so what is checked is what is drawn.

    Returns
    -------
    str
        What was done: ``"as is"``, ``"wrapped"``, ``"turned 45"``, ``"turned 90"`` or
        ``"shrunk"``.
    """
    if axis not in ("x", "y"):
        raise ValueError(f"`axis` must be 'x' or 'y', got {axis!r}")
    scale = ax.xaxis if axis == "x" else ax.yaxis
    fig = ax.figure
    fig.draw_without_rendering()  # places the tick labels
    renderer = fig.canvas.get_renderer()
    labels = [t for t in scale.get_ticklabels() if t.get_text()]
    if len(labels) < 2 or _overlap_free(labels, renderer):
        return "as is"
    if axis == "y":  # horizontal labels stacked: only a smaller font helps
        _shrink_until_free(ax, axis, labels, renderer)
        return "shrunk"
    spacing = tick_spacing(ax)
    room = spacing * 0.92
    originals = [t.get_text() for t in labels]
    # Text set on a tick label lasts until the next draw, which takes the axis' labels
    # again: what is decided is set with set_ticklabels (_keep), texts measured meanwhile.
    wrapped = [_wrap(text_, t.get_fontproperties(), room, renderer)
               for text_, t in zip(originals, labels)]
    if all(w.count("\n") < max_lines for w in wrapped):
        for t, w in zip(labels, wrapped):
            t.set_text(w)
        if all(t.get_window_extent(renderer).width <= room + 0.5 for t in labels):
            _keep(scale, labels)
            return "wrapped"
    # Turned labels: one line each, two when very long.
    size = labels[0].get_fontproperties().get_size_in_points()
    for t, text_ in zip(labels, originals):
        t.set_text(_wrap(text_, t.get_fontproperties(), 16 * size * fig.dpi / 72, renderer))
    height = max(t.get_window_extent(renderer).height for t in labels)
    angle = next((a for a in (45, 90) if spacing * np.sin(np.radians(a)) >= 1.1 * height), 90)
    while size > 6 and spacing * np.sin(np.radians(angle)) < 1.1 * height:
        size -= 0.5
        for t in labels:
            t.set_fontsize(size)
        height = max(t.get_window_extent(renderer).height for t in labels)
    _keep(scale, labels)
    ax.tick_params(axis=axis, labelsize=size, labelrotation=angle)
    for t in scale.get_ticklabels():
        t.set_rotation_mode("anchor" if angle == 45 else "default")
        t.set_horizontalalignment("right" if angle == 45 else "center")
        t.set_verticalalignment("center" if angle == 45 else "top")
    return f"turned {angle}"


def _keep(scale, labels) -> None:
    """Make the texts given to ``labels`` the axis' own (the next draw would undo them)."""
    changed = {id(t): t.get_text() for t in labels}
    texts = [changed.get(id(t), t.get_text()) for t in scale.get_ticklabels()]
    ticks = scale.get_ticklocs()
    scale.set_ticks(ticks, texts)


def tick_spacing(ax) -> float:
    """The smallest distance, in pixels, between two neighbouring ticks of the x axis."""
    ticks = np.asarray(ax.get_xticks(), dtype=float)
    low, high = sorted(ax.get_xlim())
    ticks = ticks[(ticks >= low) & (ticks <= high)]
    if len(ticks) < 2:
        return np.inf
    positions = ax.transData.transform(np.column_stack([ticks, np.zeros(len(ticks))]))[:, 0]
    return float(np.min(np.diff(np.sort(positions))))


def _overlap_free(labels, renderer) -> bool:
    """True when no two labels overlap or come closer than 3 points (a visible gap)."""
    pad = 1.5 * labels[0].figure.dpi / 72
    boxes = [t.get_window_extent(renderer).expanded(1, 1).padded(pad) for t in labels]
    return not any(a.overlaps(b) for k, a in enumerate(boxes) for b in boxes[k + 1:])


def _shrink_until_free(ax, axis, labels, renderer) -> None:
    size = labels[0].get_fontsize()
    while size > 6 and not _overlap_free(labels, renderer):
        size -= 0.5
        for t in labels:
            t.set_fontsize(size)
    ax.tick_params(axis=axis, labelsize=size)


def _tokens(text_: str) -> list[str]:
    """Pieces a line may break between: words with their following space, and CJK characters."""
    out, word = [], ""
    for ch in text_:
        if ch == " ":
            out.append(word + ch)
            word = ""
        elif _is_cjk(ch):
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        else:
            word += ch
    if word:
        out.append(word)
    return out


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (0x2E80 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or 0xF900 <= code <= 0xFAFF
            or 0xFF00 <= code <= 0xFFEF or 0x20000 <= code <= 0x2FFFF)


def _wrap(text_: str, prop, width: float, renderer) -> str:
    """``text_`` in lines no wider than ``width`` pixels where it can be broken."""
    def measure(s):
        w, _, _ = renderer.get_text_width_height_descent(s, prop, ismath=False)
        return w

    lines, line = [], ""
    for token in _tokens(text_):
        if line and measure((line + token).rstrip()) > width:
            lines.append(line.rstrip())
            line = token
        else:
            line += token
    lines.append(line.rstrip())
    return "\n".join(lines)


def _axes(ax, size):
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def plot_distribution(shares: pd.DataFrame, *, language: str, max_bands: int = 10, ax=None):
    """Stacked horizontal bars: the share of answers at each scale point, per item.

    ``shares``: rows labelled by item (display labels), columns the scale points in
    order.  A scale of more than ``max_bands`` points (0-10, 1-100) is shown in bands
    of equal width (:func:`scale_bands`: 1-10, 11-20, ...), so the legend stays readable.
    """
    shares = band_shares(shares, max_bands=max_bands)
    k = shares.shape[1]
    ax = _axes(ax, (7.5, 0.28 * len(shares) + 1.2))
    colours = plt.get_cmap("RdYlGn")(np.linspace(0.08, 0.92, k))
    left = np.zeros(len(shares))
    y = np.arange(len(shares))
    for colour, point in zip(colours, shares.columns):
        values = shares[point].fillna(0).to_numpy()
        ax.barh(y, values, left=left, color=colour, height=0.75, label=str(point),
                edgecolor="white", linewidth=0.4)
        left += values
    ax.set_yticks(y, shares.index)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1))
    ax.set_xlabel(text(language, "axes.share"))
    ax.legend(ncol=k, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False,
              fontsize=8, handlelength=1.2, columnspacing=0.8)
    return ax


def scale_bands(points, *, max_bands: int = 10) -> list[tuple]:
    """The scale points in at most ``max_bands`` bands of equal width, from the lowest.

    Returns ``(label, points)`` per band; a scale short enough keeps one band per point.

    Examples
    --------
    >>> [label for label, _ in scale_bands(range(1, 101))][:3], len(scale_bands(range(1, 101)))
    (['1–10', '11–20', '21–30'], 10)
    >>> [label for label, _ in scale_bands(range(0, 11))]
    ['0–1', '2–3', '4–5', '6–7', '8–9', '10']
    >>> [label for label, _ in scale_bands([1, 2, 3, 4, 5])]
    ['1', '2', '3', '4', '5']
    """
    if max_bands < 2:
        raise ValueError(f"`max_bands` must be at least 2, got {max_bands}")
    points = list(points)
    width = -(-len(points) // max_bands)  # ceiling
    bands = []
    for start in range(0, len(points), width):
        part = points[start:start + width]
        label = _point(part[0]) if len(part) == 1 else f"{_point(part[0])}–{_point(part[-1])}"
        bands.append((label, part))
    return bands


def _point(value) -> str:
    return f"{value:g}" if isinstance(value, (int, float, np.integer, np.floating)) else str(value)


def band_shares(shares: pd.DataFrame, *, max_bands: int = 10) -> pd.DataFrame:
    """``shares`` (items × scale points) summed into :func:`scale_bands`, columns the band labels."""
    bands = scale_bands(shares.columns, max_bands=max_bands)
    if all(len(part) == 1 for _, part in bands):
        return shares
    return pd.DataFrame({label: shares[part].sum(axis=1, min_count=1) for label, part in bands},
                        index=shares.index)


def plot_means(table: pd.DataFrame, *, language: str, scale: tuple | None = None,
               xlabel: str | None = None, ax=None):
    """Means with confidence intervals, one row per ``label``.

    With ``scale`` (low, high) the axis spans the scale (from its lowest point).  Without
    it (scores with no fixed ends, such as standardized ones) a bar's length would mean
    nothing: the means are points with their intervals, on an axis spanning the
    intervals.  ``xlabel``: the axis title (default "mean score").
    """
    ax = _axes(ax, (6.5, 0.4 * len(table) + 1.0))
    y = np.arange(len(table))
    mean = table["mean"].to_numpy(dtype=float)
    low_ci, high_ci = table["ci_low"].to_numpy(dtype=float), table["ci_high"].to_numpy(dtype=float)
    err = np.vstack([mean - low_ci, high_ci - mean])
    err = np.where(np.isfinite(err), err, 0)
    if scale is not None:
        ax.barh(y, mean, color=ACCENT, alpha=0.85, height=0.6)
    else:
        ax.plot(mean, y, "o", color=ACCENT, markersize=6)
    ax.errorbar(mean, y, xerr=err, fmt="none", ecolor=INK, capsize=3, linewidth=1)
    for yi, m, top in zip(y, mean, np.where(np.isfinite(high_ci), high_ci, mean)):
        ax.text(top, yi, f"  {_format(m, 'mean')}", va="center", ha="left", fontsize=8, color=INK)
    ax.set_yticks(y, table["label"])
    ax.invert_yaxis()
    if scale is not None:
        span = scale[1] - scale[0]
        ax.set_xlim(scale[0], scale[1] + (0.5 if span <= 10 else span / 12))
    else:
        ends = np.concatenate([low_ci, high_ci, mean])
        ends = ends[np.isfinite(ends)]
        if ends.size:
            span = max(ends.max() - ends.min(), 1e-9)
            ax.set_xlim(ends.min() - span * 0.1, ends.max() + span * 0.25)
    ax.set_xlabel(xlabel or text(language, "axes.mean"))
    ax.grid(axis="x", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    return ax


def plot_nps(result, *, language: str, ax=None):
    """One stacked bar of detractors, passives and promoters."""
    ax = _axes(ax, (6.5, 1.4))
    parts = [("detractors", result.detractors, "#c0392b"), ("passives", result.passives, "#bdc3c7"),
             ("promoters", result.promoters, "#1d7a46")]
    left = 0.0
    for key, share, colour in parts:
        ax.barh(0, share, left=left, color=colour, height=0.6,
                label=text(language, f"nps_groups.{key}"))
        if share > 0.06:
            ax.text(left + share / 2, 0, _format(share, "percent"), ha="center", va="center",
                    color="white" if key != "passives" else INK, fontsize=9)
        left += share
    ax.set_xlim(0, 1)
    ax.set_yticks([])
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1))
    ax.spines["left"].set_visible(False)
    ax.legend(ncol=3, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
    return ax


def plot_drivers(table: pd.DataFrame, *, language: str, ax=None):
    """Relative-weight shares of R², one bar per ``label``, largest first."""
    table = table.sort_values("share", ascending=True)
    ax = _axes(ax, (6.5, 0.4 * len(table) + 1.0))
    ax.barh(table["label"], table["share"], color=ACCENT, height=0.6)
    for y, s in enumerate(table["share"]):
        ax.text(s, y, f" {_format(s, 'percent')}", va="center", fontsize=8, color=INK)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1, decimals=0))
    ax.set_xlabel(text(language, "axes.weight_share"))
    ax.set_xlim(0, max(table["share"].max() * 1.2, 0.1))
    return ax


def plot_q_matrix(table: pd.DataFrame, *, language: str, importance_cut: float,
                  performance_cut: float, ax=None):
    """Importance (x) against performance (y), quadrants by colour, items labelled.

    ``table``: ``label, importance, performance, quadrant``; with ``importance_low,
    importance_high, performance_low, performance_high`` each point gets its intervals.
    """
    ax = _axes(ax, (7.5, 5.5))
    x, y = table["importance"].to_numpy(), table["performance"].to_numpy()
    bars = {"importance_low", "importance_high", "performance_low", "performance_high"} <= set(table)
    xs = [x] + ([table["importance_low"].to_numpy(), table["importance_high"].to_numpy()] if bars else [])
    ys = [y] + ([table["performance_low"].to_numpy(), table["performance_high"].to_numpy()] if bars
                else [])
    x_lo, x_hi = np.nanmin(np.concatenate(xs)), np.nanmax(np.concatenate(xs))
    y_lo, y_hi = np.nanmin(np.concatenate(ys)), np.nanmax(np.concatenate(ys))
    pad_x, pad_y = ((x_hi - x_lo) or 1) * 0.08, ((y_hi - y_lo) or 1) * 0.08
    xlim = (min(x_lo, importance_cut) - pad_x, max(x_hi, importance_cut) + pad_x)
    ylim = (min(y_lo, performance_cut) - pad_y, max(y_hi, performance_cut) + pad_y)
    if bars:
        ax.errorbar(x, y, xerr=[x - table["importance_low"], table["importance_high"] - x],
                    yerr=[y - table["performance_low"], table["performance_high"] - y],
                    fmt="none", ecolor="#9ca3af", elinewidth=0.6, zorder=2)
    ax.fill_between([importance_cut, xlim[1]], ylim[0], performance_cut,
                    color=QUADRANT_COLOURS["improve"], alpha=0.08, linewidth=0)
    ax.axvline(importance_cut, color="#6b7280", linestyle="--", linewidth=0.8)
    ax.axhline(performance_cut, color="#6b7280", linestyle="--", linewidth=0.8)
    for quadrant in QUADRANT_COLOURS:
        group = table[table["quadrant"] == quadrant]
        if group.empty:
            continue
        ax.scatter(group["importance"], group["performance"], s=28,
                   color=QUADRANT_COLOURS[quadrant],
                   label=text(language, f"quadrant_names.{quadrant}"),
                   zorder=3)
    for _, row in table.iterrows():
        ax.annotate(row["label"], (row["importance"], row["performance"]), fontsize=7,
                    xytext=(3, 3), textcoords="offset points", color=INK)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel(text(language, "axes.importance"))
    ax.set_ylabel(text(language, "axes.performance"))
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False, fontsize=8)
    return ax


def plot_heatmap(table: pd.DataFrame, *, language: str, scale: tuple | None = None,
                 centre=None, limit: float | None = None, label: str | None = None, ax=None):
    """Groups (rows) × measures (columns) means as a heatmap with its colour bar.

    Rows without any value (suppressed groups) are left out.  Colours never span the
    table's own range (where 5.48 would be deep red beside a green 5.58): they are
    anchored to fixed limits, the same for every segment of a study.

    Parameters
    ----------
    table : DataFrame
        Means, rows labelled by group, columns by measure (display labels).
    scale : (low, high), optional
        The rating scale: colours run from its lowest to its highest point, diverging at
        its midpoint; the colour bar is labelled "mean score" in the study's language.
        Without ``scale`` (and ``centre``), the limits are the whole scale points around
        the table's values.
    centre : float or Series, optional
        The overall mean (one number, or one per column): colours show each cell's
        difference from it, diverging at zero, within ±``limit``.  Needs ``label``, the
        colour bar's title in the study's language.
    limit : float, optional
        With ``centre``: the difference at the ends of the colour bar (default: a tenth of
        the scale's range, else 0.5), the same for every segment when the same is given.
    """
    import seaborn as sns

    table = table.dropna(how="all")
    width = 0.9 * table.shape[1] + 2.6
    ax = _axes(ax, (min(width, 9.5), 0.36 * table.shape[0] + 1.2))
    values = table.astype(float)
    annot = values.map(lambda v: _format(v, "mean")).to_numpy()
    if centre is not None:
        if label is None:
            raise ValueError("a heatmap of differences from `centre` needs `label`, the colour "
                             "bar's title in the study's language")
        if limit is None:
            limit = (scale[1] - scale[0]) / 10 if scale is not None else 0.5
        if not limit > 0:
            raise ValueError(f"`limit` must be positive, got {limit!r}")
        shown = values - (centre.reindex(values.columns) if isinstance(centre, pd.Series) else centre)
        norm = dict(vmin=-limit, vmax=limit)
    else:
        if scale is None:
            finite = values.to_numpy()[np.isfinite(values.to_numpy())]
            scale = (np.floor(finite.min()), np.ceil(finite.max())) if finite.size else (0, 1)
            if scale[0] == scale[1]:
                scale = (scale[0] - 1, scale[1] + 1)
        low, high = scale
        if not high > low:
            raise ValueError(f"`scale` must be (low, high) with low < high, got {scale!r}")
        shown, norm = values, dict(vmin=low, vmax=high)  # diverging at the midpoint
        label = label or text(language, "axes.mean")
    sns.heatmap(shown, annot=annot, fmt="", cmap="RdYlBu", **norm, linewidths=0.5,
                linecolor="white", ax=ax, annot_kws={"fontsize": 8}, xticklabels=True,
                yticklabels=True, cbar_kws={"shrink": 0.8, "pad": 0.02})
    bar = ax.collections[0].colorbar
    bar.set_label(label, fontsize=8)
    bar.ax.tick_params(labelsize=7)
    if centre is None:
        bar.set_ticks(_scale_ticks(low, high))
    if centre is None:  # scale points: 1, 2, ... 7
        bar.ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    else:
        bar.ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: _format(v, "gap")))
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="both", length=0)
    for t in ax.get_xticklabels() + ax.get_yticklabels():
        t.set_rotation(0)
    fit_tick_labels(ax, "x")
    return ax


def _scale_ticks(low: float, high: float) -> list[float]:
    span = high - low
    step = 1 if span <= 10 else (5 if span <= 50 else 10)
    first = np.ceil(low / step) * step
    return list(np.arange(first, high + step / 2, step))


def plot_expectation_perception(table: pd.DataFrame, *, language: str, scale: tuple, ax=None):
    """A dumbbell per item: mean expectation (open) to mean perception (filled).

    ``table``: ``label, expectation, perception``, in display order.
    """
    ax = _axes(ax, (7.5, 0.3 * len(table) + 1.2))
    y = np.arange(len(table))
    e, p = table["expectation"].to_numpy(), table["perception"].to_numpy()
    colours = np.where(p < e, QUADRANT_COLOURS["improve"], "#6b7280")
    ax.hlines(y, np.minimum(e, p), np.maximum(e, p), color=colours, linewidth=2)
    ax.scatter(e, y, s=30, facecolors="white", edgecolors=INK, zorder=3,
               label=text(language, "gap_columns.expectation"))
    ax.scatter(p, y, s=30, color=ACCENT, zorder=3, label=text(language, "gap_columns.perception"))
    ax.set_yticks(y, table["label"])
    ax.invert_yaxis()
    low = max(scale[0], np.floor(min(e.min(), p.min()) - 0.3))
    ax.set_xlim(low, scale[1] + 0.1)
    ax.set_xlabel(text(language, "axes.mean"))
    ax.grid(axis="x", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False, fontsize=8)
    return ax


def plot_five_gaps(model: pd.DataFrame, *, language: str, names: dict):
    """Gaps by dimension: gaps 1, 2, 4, 5 (scale points) beside gap 3 (relative to target).

    ``model``: indexed by dimension label, one column per measured gap.
    ``names``: gap id -> legend label.  Returns the figure's first Axes.
    """
    on_scale = [g for g in ("gap1", "gap2", "gap4", "gap5") if g in model]
    panels = 2 if "gap3" in model else 1
    fig, axes = plt.subplots(1, panels, figsize=(8 if panels == 2 else 6.5, 0.55 * len(model) + 1.4),
                             sharey=True, gridspec_kw={"width_ratios": [3, 1.3][:panels]})
    axes = np.atleast_1d(axes)
    colours = {"gap1": "#7f8c8d", "gap2": "#d68910", "gap3": "#8e44ad", "gap4": "#2e86c1",
               "gap5": QUADRANT_COLOURS["improve"]}
    y = np.arange(len(model))
    height = 0.8 / max(len(on_scale), 1)
    for k, gap in enumerate(on_scale):
        axes[0].barh(y - 0.4 + height * (k + 0.5), model[gap].fillna(0), height=height,
                     color=colours[gap], label=names[gap])
    axes[0].axvline(0, color=INK, linewidth=0.8)
    axes[0].set_yticks(y, model.index)
    axes[0].invert_yaxis()
    axes[0].set_xlabel(text(language, "axes.gap_points"))
    axes[0].legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4, frameon=False, fontsize=8)
    if panels == 2:
        axes[1].barh(y, model["gap3"].fillna(0), color=colours["gap3"], height=0.5,
                     label=names["gap3"])
        axes[1].axvline(0, color=INK, linewidth=0.8)
        axes[1].xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1, decimals=0))
        axes[1].set_xlabel(text(language, "axes.gap_target"))
        axes[1].legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
    return axes[0]


def plot_zone(table: pd.DataFrame, *, language: str, scale: tuple, ax=None):
    """Zone of tolerance per item: a bar from adequate to desired, a dot for perception.

    ``table``: ``label, adequate, desired, perception, zone``.
    """
    ax = _axes(ax, (7.5, 0.3 * len(table) + 1.2))
    y = np.arange(len(table))
    ax.barh(y, table["desired"] - table["adequate"], left=table["adequate"], height=0.55,
            color="#d5e3f0", label=text(language, "axes.zone"))
    colours = table["zone"].map({"below": QUADRANT_COLOURS["improve"], "inside": ACCENT,
                                 "above": QUADRANT_COLOURS["maintain"]})
    ax.scatter(table["perception"], y, color=colours, s=28, zorder=3,
               label=text(language, "gap_columns.perception"))
    ax.set_yticks(y, table["label"])
    ax.invert_yaxis()
    ax.set_xlim(scale[0], scale[1] + 0.1)
    ax.set_xlabel(text(language, "axes.mean"))
    ax.grid(axis="x", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False, fontsize=8)
    return ax


def plot_correlations(r: pd.DataFrame, *, language: str, ax=None):
    """Item correlations as a heatmap (items in the order given)."""
    import seaborn as sns

    size = min(0.3 * len(r) + 1.5, 9)
    ax = _axes(ax, (size + 1, size))
    sns.heatmap(r, cmap="RdBu_r", vmin=-1, vmax=1, square=True, linewidths=0.2, linecolor="white",
                cbar_kws={"shrink": 0.6}, ax=ax, xticklabels=True, yticklabels=True)
    ax.tick_params(labelsize=7, length=0)
    for t in ax.get_xticklabels() + ax.get_yticklabels():
        t.set_rotation(0)
    fit_tick_labels(ax, "x")
    fit_tick_labels(ax, "y")
    return ax


def plot_scree(parallel: pd.DataFrame, *, language: str, ax=None):
    """Observed factor eigenvalues against the parallel-analysis line."""
    ax = _axes(ax, (6.5, 3.6))
    shown = parallel.head(min(len(parallel), 15))
    ax.plot(shown["factor"], shown["observed_fa"], marker="o", color=ACCENT,
            label=text(language, "fa_columns.observed_fa"))
    ax.plot(shown["factor"], shown["simulated_fa"], linestyle="--", color=QUADRANT_COLOURS["improve"],
            label=text(language, "fa_columns.simulated_fa"))
    ax.plot(shown["factor"], shown["observed_pc"], marker=".", color="#9ca3af", linewidth=0.8,
            label=text(language, "fa_columns.observed_pc"))
    ax.set_xticks(shown["factor"])
    ax.set_xlabel(text(language, "fa_columns.factor"))
    ax.set_ylabel(text(language, "axes.eigenvalue"))
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.legend(frameon=False, fontsize=8)
    return ax


def plot_loadings(loadings: pd.DataFrame, *, language: str, ax=None):
    """Loadings, items × factors, as a heatmap with their signed values.

    Colours diverge at zero, from −1 to 1 (a colour bar shows the scale): a strong
    negative loading is as dark as a strong positive one, in the other colour.
    """
    import seaborn as sns

    ax = _axes(ax, (0.8 * loadings.shape[1] + 3.4, 0.28 * len(loadings) + 1))
    annot = loadings.astype(float).map(lambda v: _format(v, "mean")).to_numpy()
    sns.heatmap(loadings.astype(float), cmap="RdBu_r", vmin=-1, vmax=1, annot=annot,
                fmt="", annot_kws={"fontsize": 7}, linewidths=0.3, linecolor="white", ax=ax,
                xticklabels=True, yticklabels=True, cbar_kws={"shrink": 0.6, "pad": 0.02,
                                                              "ticks": [-1, -0.5, 0, 0.5, 1]})
    bar = ax.collections[0].colorbar
    bar.set_label(text(language, "fa_columns.loading"), fontsize=8)
    bar.ax.tick_params(labelsize=7)
    bar.ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: _format(v, "index")))
    ax.tick_params(labelsize=8, length=0)
    for t in ax.get_xticklabels() + ax.get_yticklabels():
        t.set_rotation(0)
    fit_tick_labels(ax, "x")
    return ax


def plot_waves(trend: pd.DataFrame, *, language: str, ylabel: str | None = None, ax=None):
    """Each measure's mean per wave with its interval: one line per ``label``.

    ``trend``: ``label, wave, mean, ci_low, ci_high``, waves in time order.
    """
    ax = _axes(ax, (7.0, 3.8))
    waves = list(dict.fromkeys(trend["wave"]))
    x = {w: k for k, w in enumerate(waves)}
    colours = plt.get_cmap("tab10")
    labels = list(dict.fromkeys(trend["label"]))
    for k, label in enumerate(labels):
        rows = trend[trend["label"] == label]
        xs = rows["wave"].map(x).to_numpy() + (k - (len(labels) - 1) / 2) * 0.03
        ax.errorbar(xs, rows["mean"], yerr=[rows["mean"] - rows["ci_low"],
                                            rows["ci_high"] - rows["mean"]],
                    marker="o", markersize=4, capsize=2, linewidth=1.4, color=colours(k % 10),
                    label=label)
    ax.set_xticks(range(len(waves)), waves)
    ax.set_xlim(-0.3, len(waves) - 0.7)
    ax.set_ylabel(ylabel or text(language, "axes.mean"))
    ax.grid(axis="y", color=GRID)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False, fontsize=8)
    fit_tick_labels(ax, "x")
    return ax


def plot_changes(table: pd.DataFrame, *, language: str, ax=None):
    """Change since the previous wave with its interval, one row per ``label``."""
    ax = _axes(ax, (6.5, 0.38 * len(table) + 1.0))
    y = np.arange(len(table))
    colour = np.where(table["ci_low"] > 0, "#1d7a46", np.where(table["ci_high"] < 0, "#c0392b",
                                                                "#6b7280"))
    ax.errorbar(table["change"], y, xerr=[table["change"] - table["ci_low"],
                                          table["ci_high"] - table["change"]],
                fmt="none", ecolor="#9ca3af", capsize=3)
    ax.scatter(table["change"], y, color=colour, zorder=3, s=30)
    ax.axvline(0, color="#6b7280", linewidth=0.8)
    ax.set_yticks(y, table["label"])
    ax.invert_yaxis()
    ax.set_xlabel(text(language, "axes.change"))
    ax.grid(axis="x", color=GRID)
    return ax


def plot_pareto(table: pd.DataFrame, *, language: str, ax=None):
    """Pareto chart: counts by ``label`` (largest first) and the cumulative share."""
    ax = _axes(ax, (7.0, 3.8))
    x = np.arange(len(table))
    ax.bar(x, table["n"], color=ACCENT, width=0.7)
    ax.set_xticks(x, table["label"])
    ax.set_ylabel(text(language, "axes.complaints"))
    twin = ax.twinx()
    twin.plot(x, table["cumulative"], color="#c0392b", marker="o", markersize=4)
    twin.set_ylim(0, 1.05)
    twin.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1))
    twin.axhline(0.8, color="#c0392b", linestyle=":", linewidth=0.8)
    twin.set_ylabel(text(language, "axes.cumulative"))
    twin.spines["right"].set_visible(True)
    fit_tick_labels(ax, "x")
    return ax


def plot_scorecard(table: pd.DataFrame, groups: dict, *, language: str, ax=None):
    """Each unit's index as stacked weighted group contributions, best unit on top.

    ``table``: ``label`` and one column per group score (0-100); ``groups``: group ->
    (weight, display name).
    """
    ax = _axes(ax, (7.0, 0.45 * len(table) + 1.2))
    y = np.arange(len(table))
    left = np.zeros(len(table))
    colours = plt.get_cmap("Set2")
    for k, (group, (weight, name)) in enumerate(groups.items()):
        part = table[group].fillna(0).to_numpy() * weight
        ax.barh(y, part, left=left, color=colours(k), height=0.7, label=name,
                edgecolor="white", linewidth=0.5)
        left += part
    for k, total in enumerate(left):
        ax.text(total + 1, k, _format(total, "index"), va="center", fontsize=8, color=INK)
    ax.set_yticks(y, table["label"])
    ax.invert_yaxis()
    ax.set_xlim(0, 108)
    ax.set_xlabel(text(language, "axes.index"))
    ax.legend(ncol=len(groups), loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False,
              fontsize=8, handlelength=1.2, columnspacing=0.8)
    return ax


def plot_maturity(table: pd.DataFrame, level_names: dict, *, language: str, ax=None):
    """Each area's maturity level (1-5) as a bar, with the level names on the axis."""
    ax = _axes(ax, (7.0, 0.45 * len(table) + 1.2))
    y = np.arange(len(table))
    colours = plt.get_cmap("RdYlGn")((table["level"].to_numpy() - 1) / 4 * 0.8 + 0.1)
    ax.barh(y, table["level"], color=colours, height=0.65)
    ax.set_yticks(y, table["label"])
    ax.invert_yaxis()
    ax.set_xlim(0, 5.2)
    ax.set_xticks(range(1, 6), [f"{k} {level_names[k]}" for k in range(1, 6)])
    ax.grid(axis="x", color=GRID)
    fit_tick_labels(ax, "x")
    return ax
