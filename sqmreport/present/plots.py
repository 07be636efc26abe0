"""Figures for the reports: ``plot_*(data, *, language, ax=None) -> Axes``, one look for all.

Labels arrive already in the study's language (a ``label`` column or labelled
index); axis titles come from the locale files.  Chinese text is set in Noto Sans
CJK SC, which the ``mplfonts`` package installs with sqmreport, so a fresh
machine needs no system font.
"""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager

from sqmreport.present.fonts import CJK_FONT, cjk_font_path
from sqmreport.present.i18n import text

__all__ = ["QUADRANT_COLOURS", "plot_changes", "plot_correlations", "plot_distribution",
           "plot_drivers", "plot_expectation_perception", "plot_five_gaps", "plot_heatmap",
           "plot_loadings", "plot_maturity", "plot_means", "plot_nps", "plot_pareto",
           "plot_q_matrix", "plot_scorecard", "plot_scree", "plot_waves", "plot_zone",
           "report_style"]

INK, GRID, ACCENT = "#1f2937", "#e5e7eb", "#1d4e89"
QUADRANT_COLOURS = {"improve": "#c0392b", "maintain": "#1d7a46", "low_priority": "#7f8c8d",
                    "overkill": "#d68910"}


def report_style(language: str) -> dict:
    """Matplotlib settings of the reports' look, with a font that has the study's script.

    Registers the CJK font with matplotlib's font manager (once per process) and
    returns rcParams for :func:`matplotlib.rc_context` or :func:`matplotlib.rcParams.update`.
    """
    font_manager.fontManager.addfont(str(cjk_font_path()))
    families = [CJK_FONT, "DejaVu Sans"] if language == "zh" else ["DejaVu Sans", CJK_FONT]
    return {
        "font.family": "sans-serif", "font.sans-serif": families, "font.size": 9,
        "axes.unicode_minus": False, "axes.edgecolor": "#9ca3af", "axes.labelcolor": INK,
        "axes.spines.top": False, "axes.spines.right": False, "axes.titlesize": 10,
        "xtick.color": INK, "ytick.color": INK, "figure.dpi": 100, "savefig.dpi": 110,
        "figure.facecolor": "white", "savefig.bbox": "tight",
        # Labels come from the data: "$...$" in a unit's name is text, not mathtext to parse.
        "text.parse_math": False,
    }


def _axes(ax, size):
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def plot_distribution(shares: pd.DataFrame, *, language: str, ax=None):
    """Stacked horizontal bars: the share of answers at each scale point, per item.

    ``shares``: rows labelled by item (display labels), columns the scale points.
    """
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


def plot_means(table: pd.DataFrame, *, language: str, scale: tuple | None = None, ax=None):
    """Means with confidence intervals, one row per ``label``."""
    ax = _axes(ax, (6.5, 0.4 * len(table) + 1.0))
    y = np.arange(len(table))
    mean = table["mean"].to_numpy()
    err = np.vstack([mean - table["ci_low"].to_numpy(), table["ci_high"].to_numpy() - mean])
    ax.barh(y, mean, color=ACCENT, alpha=0.85, height=0.6)
    ax.errorbar(mean, y, xerr=err, fmt="none", ecolor=INK, capsize=3, linewidth=1)
    for yi, m, top in zip(y, mean, table["ci_high"].to_numpy()):
        ax.text(top, yi, f"  {m:.2f}", va="center", ha="left", fontsize=8, color=INK)
    ax.set_yticks(y, table["label"])
    ax.invert_yaxis()
    if scale is not None:
        ax.set_xlim(scale[0], scale[1] + 0.5)
    ax.set_xlabel(text(language, "axes.mean"))
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
            ax.text(left + share / 2, 0, f"{share:.0%}", ha="center", va="center",
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
        ax.text(s, y, f" {s:.0%}", va="center", fontsize=8, color=INK)
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


def plot_heatmap(table: pd.DataFrame, *, language: str, ax=None):
    """Groups (rows) × measures (columns) means as a heatmap.

    Rows without any value (suppressed groups) are left out; colours span the
    table's own range, so that differences between groups stand out.
    """
    import seaborn as sns

    table = table.dropna(how="all")
    ax = _axes(ax, (0.9 * table.shape[1] + 1.8, 0.36 * table.shape[0] + 0.9))
    sns.heatmap(table, annot=True, fmt=".2f", cmap="RdYlGn",
                cbar=False, linewidths=0.5, linecolor="white", ax=ax,
                annot_kws={"fontsize": 8})
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", rotation=0)
    ax.tick_params(axis="y", rotation=0)
    return ax


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
    ax.tick_params(labelsize=7, rotation=0)
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
    """Absolute loadings, items × factors, as a heatmap with values."""
    import seaborn as sns

    ax = _axes(ax, (0.8 * loadings.shape[1] + 2.8, 0.28 * len(loadings) + 1))
    sns.heatmap(loadings.abs(), cmap="Blues", vmin=0, vmax=1, annot=loadings.round(2), fmt="",
                annot_kws={"fontsize": 7}, cbar=False, linewidths=0.3, linecolor="white", ax=ax,
                yticklabels=True)
    ax.tick_params(labelsize=8, rotation=0)
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
    ax.set_xticks(x, table["label"], rotation=30 if len(table) > 5 else 0, ha="right"
                  if len(table) > 5 else "center")
    ax.set_ylabel(text(language, "axes.complaints"))
    twin = ax.twinx()
    twin.plot(x, table["cumulative"], color="#c0392b", marker="o", markersize=4)
    twin.set_ylim(0, 1.05)
    twin.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1))
    twin.axhline(0.8, color="#c0392b", linestyle=":", linewidth=0.8)
    twin.set_ylabel(text(language, "axes.cumulative"))
    twin.spines["right"].set_visible(True)
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
        ax.text(total + 1, k, f"{total:.1f}", va="center", fontsize=8, color=INK)
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
    ax.set_xticks(range(1, 6), [f"{k}\n{level_names[k]}" for k in range(1, 6)])
    ax.grid(axis="x", color=GRID)
    return ax
