"""Figures from records and summaries (seaborn, long-form data in; PNG and SVG out).

Every figure uses the same colour for an estimator, log axes where n spans decades, and draws
the truth where there is one. ``plot(records, folder)`` writes all kinds; ``KINDS`` lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd
import seaborn as sns

from .labels import short_labels
from .stats import summarize

__all__ = ["KINDS", "CAPTIONS", "plot", "palette"]

FORMATS = ("png", "svg")


def palette(estimators: Sequence[str]) -> dict[str, tuple[float, float, float]]:
    """A fixed colour per estimator label, by sorted order, shared by every figure of a run."""
    labels = sorted(set(estimators))
    colours = sns.color_palette("tab20" if len(labels) > 10 else "tab10", n_colors=max(len(labels), 1))
    return dict(zip(labels, colours, strict=False))


def _labelled(summary: pd.DataFrame) -> pd.DataFrame:
    frame = summary.copy()
    for column in ("estimator", "scenario"):
        labels = short_labels(frame[column])
        frame[f"{column}_label"] = [labels[spec] for spec in frame[column]]
    return frame


def _facets(
    frame: pd.DataFrame,
    draw: Callable[[plt.Axes, pd.DataFrame], None],
    colours: dict,
    title: str,
    ylabel: str,
    logy: bool = False,
    col_wrap: int = 5,
) -> plt.Figure:
    scenarios = sorted(frame["scenario_label"].unique())
    cols = min(col_wrap, len(scenarios))
    rows = int(np.ceil(len(scenarios) / cols))
    figure, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.6 * rows + 0.8), squeeze=False)
    for ax, scenario in zip(axes.ravel(), scenarios, strict=False):
        panel = frame[frame["scenario_label"] == scenario]
        draw(ax, panel)
        ax.set_xscale("log")
        if logy:
            ax.set_yscale("log")
        ax.set_title(scenario if len(scenario) < 42 else scenario[:40] + "…", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_xlabel("n", fontsize=8)
        ax.set_ylabel(ylabel, fontsize=8)
    for ax in axes.ravel()[len(scenarios) :]:
        ax.set_visible(False)
    handles = [
        plt.Line2D([], [], color=c, lw=2, label=e) for e, c in colours.items() if e in set(frame["estimator_label"])
    ]
    figure.suptitle(title, fontsize=11)
    figure.tight_layout()
    figure.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=min(8, len(handles)),
        fontsize=8,
        frameon=False,
    )
    return figure


def _lines(column: str, band: str | None = None, truth: bool = False, zero: bool = False):
    def draw(ax: plt.Axes, panel: pd.DataFrame, colours: dict) -> None:
        for label, group in panel.groupby("estimator_label"):
            group = group.sort_values("n")
            ax.plot(group["n"], group[column], marker="o", ms=3, lw=1.4, color=colours[label])
            if band:
                ax.fill_between(
                    group["n"],
                    group[column] - group[band],
                    group[column] + group[band],
                    color=colours[label],
                    alpha=0.15,
                    lw=0,
                )
        if truth:
            ax.axhline(panel["true_mi"].iloc[0], color="black", ls="--", lw=1)
        if zero:
            ax.axhline(0, color="black", ls="--", lw=1)

    return draw


def estimate_figure(summary: pd.DataFrame, colours: dict) -> plt.Figure:
    draw = _lines("mean_estimate", band="std", truth=True)
    return _facets(
        summary,
        lambda ax, p: draw(ax, p, colours),
        colours,
        "Estimate against n (mean ± std over repetitions; dashed: true MI)",
        "MI (nats)",
    )


def bias_figure(summary: pd.DataFrame, colours: dict) -> plt.Figure:
    draw = _lines("bias", zero=True)
    return _facets(summary, lambda ax, p: draw(ax, p, colours), colours, "Bias against n", "bias (nats)")


def std_figure(summary: pd.DataFrame, colours: dict) -> plt.Figure:
    draw = _lines("std")
    return _facets(
        summary, lambda ax, p: draw(ax, p, colours), colours, "Standard deviation against n", "std (nats)", logy=True
    )


def rmse_figure(summary: pd.DataFrame, colours: dict) -> plt.Figure:
    draw = _lines("rmse")
    return _facets(summary, lambda ax, p: draw(ax, p, colours), colours, "RMSE against n", "RMSE (nats)", logy=True)


def runtime_figure(summary: pd.DataFrame, colours: dict) -> plt.Figure:
    """Median seconds (median over scenarios) against n, log–log, with the fitted exponent per estimator."""
    figure, ax = plt.subplots(figsize=(7, 4.5))
    timing = summary.groupby(["estimator_label", "n"], as_index=False)["median_seconds"].median()
    for label, group in timing.groupby("estimator_label"):
        group = group[group["median_seconds"] > 0].sort_values("n")
        if group.empty:
            continue
        slope = np.polyfit(np.log(group["n"]), np.log(group["median_seconds"]), 1)[0] if len(group) > 1 else np.nan
        ax.plot(
            group["n"],
            group["median_seconds"],
            marker="o",
            ms=3,
            color=colours[label],
            label=f"{label} (n^{slope:.2f})",
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("n")
    ax.set_ylabel("median seconds per estimate")
    ax.set_title("Runtime against n (median over scenarios; legend: fitted exponent)")
    ax.legend(fontsize=7, ncol=2, frameon=False)
    figure.tight_layout()
    return figure


def pareto_figure(summary: pd.DataFrame, colours: dict, n: int | None = None) -> plt.Figure:
    """Median relative error against median runtime at one n, per pairing of variable types; Pareto fronts dashed."""
    n = n or int(summary["n"].max())
    at_n = summary[summary["n"] == n].assign(types=lambda f: f["x_type"] + " × " + f["y_type"])
    groups = sorted(at_n["types"].unique())
    cols = min(3, max(1, len(groups)))
    rows = int(np.ceil(max(1, len(groups)) / cols))
    figure, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 4.2 * rows), squeeze=False)
    for ax in axes.ravel()[len(groups) :]:
        ax.set_visible(False)
    for ax, types in zip(axes.ravel(), groups, strict=False):
        points = (
            at_n[at_n["types"] == types]
            .groupby("estimator_label", as_index=False)
            .agg(seconds=("median_seconds", "median"), error=("relative_error", "median"))
            .dropna()
        )
        points = points[(points["seconds"] > 0) & (points["error"] > 0)]
        for row in points.itertuples():
            ax.scatter(row.seconds, row.error, color=colours[row.estimator_label], s=36, zorder=3)
            ax.annotate(
                row.estimator_label, (row.seconds, row.error), fontsize=7, xytext=(4, 3), textcoords="offset points"
            )
        front, best = [], np.inf
        for row in points.sort_values("seconds").itertuples():
            if row.error < best:
                front.append((row.seconds, row.error))
                best = row.error
        if front:
            ax.plot(*zip(*front, strict=True), color="black", lw=1, ls="--")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_title(types, fontsize=9)
        ax.set_xlabel("median seconds per estimate")
        ax.set_ylabel("median relative error (RMSE / truth)")
    figure.suptitle(f"Accuracy against runtime at n = {n:,} (median over scenarios; dashed: Pareto front)")
    figure.tight_layout()
    return figure


def heatmap_figure(summary: pd.DataFrame, colours: dict) -> plt.Figure:
    """Relative error at each scenario's largest n; cells with failures are marked, not hidden."""
    largest = summary[summary["n"] == summary.groupby("scenario")["n"].transform("max")]
    error = largest.pivot_table(
        index="scenario_label", columns="estimator_label", values="relative_error", aggfunc="first", dropna=False
    )
    failures = largest.pivot_table(
        index="scenario_label", columns="estimator_label", values="failures", aggfunc="first"
    ).reindex_like(error)
    annotation = error.map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
    failed = failures > 0
    annotation = annotation.where(~failed, annotation + "\n✗" + failures.fillna(0).astype(int).astype(str))
    # seaborn leaves NaN cells blank, annotation included: a cell whose every estimate failed shows as worst
    shown = error.where(~(failed & error.isna()), 1.0).clip(upper=1.0)
    figure, ax = plt.subplots(figsize=(1.0 + 0.6 * error.shape[1], 1.2 + 0.28 * error.shape[0]))
    sns.heatmap(
        shown,
        annot=annotation,
        fmt="",
        cmap="rocket_r",
        vmin=0,
        vmax=1,
        ax=ax,
        annot_kws={"fontsize": 5},
        cbar_kws={"label": "relative error (clipped at 1)"},
        linewidths=0.3,
    )
    ax.set_title("Relative error at the largest n (✗k: k failed estimates; blank: unsupported or truth 0)", fontsize=9)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(labelsize=7)
    figure.tight_layout()
    return figure


def sweep_figure(summary: pd.DataFrame, colours: dict) -> plt.Figure:
    """Mean estimate against true MI for scenario families with three or more truths, at the largest n."""
    frame = summary.copy()
    frame["family"] = frame["scenario"].str.split("-v").str[0]
    largest = frame[frame["n"] == frame["n"].max()]
    families = [f for f, g in largest.groupby("family") if g["true_mi"].nunique() >= 3]
    figure, axes = plt.subplots(1, max(1, len(families)), figsize=(4 * max(1, len(families)), 4), squeeze=False)
    for ax, family in zip(axes.ravel(), families, strict=False):
        group = largest[largest["family"] == family]
        for label, line in group.groupby("estimator_label"):
            line = line.sort_values("true_mi")
            ax.errorbar(
                line["true_mi"],
                line["mean_estimate"],
                yerr=line["std"],
                marker="o",
                ms=3,
                lw=1,
                color=colours[label],
                label=label,
            )
        top = float(group["true_mi"].max())
        ax.plot([0, top], [0, top], color="black", ls="--", lw=1)
        ax.set_title(f"{family} at n = {int(largest['n'].max()):,}", fontsize=9)
        ax.set_xlabel("true MI (nats)")
        ax.set_ylabel("mean estimate (nats)")
    if not families:
        axes[0, 0].text(0.5, 0.5, "no scenario family with three or more truths in this run", ha="center")
        axes[0, 0].set_axis_off()
    else:
        axes[0, 0].legend(fontsize=7, frameon=False)
    figure.suptitle("Estimate against true MI along an MI sweep (dashed: identity)")
    figure.tight_layout()
    return figure


#: What each figure shows, for the report.
CAPTIONS = {
    "estimate": "Mean estimate ± one standard deviation over repetitions against n; dashed: the true MI.",
    "bias": "Bias (mean estimate − truth) against n.",
    "std": "Standard deviation of the estimates against n (log–log).",
    "rmse": "Root mean squared error against n (log–log).",
    "runtime": "Median seconds per estimate against n (log–log); the legend gives each fitted exponent.",
    "pareto": "Accuracy against runtime at the largest n, per pairing of variable types: lower left is better.",
    "heatmap": "Relative error at each scenario's largest n; ✗k marks k failed estimates.",
    "sweep": "Mean estimate against the true MI along MI sweeps; dashed: identity.",
}

KINDS: dict[str, Callable[[pd.DataFrame, dict], plt.Figure]] = {
    "estimate": estimate_figure,
    "bias": bias_figure,
    "std": std_figure,
    "rmse": rmse_figure,
    "runtime": runtime_figure,
    "pareto": pareto_figure,
    "heatmap": heatmap_figure,
    "sweep": sweep_figure,
}


def plot(
    records: pd.DataFrame,
    folder: str | Path,
    kinds: Sequence[str] | None = None,
    formats: Sequence[str] = FORMATS,
    scenarios: Sequence[str] | None = None,
) -> list[Path]:
    """Write the figures of ``kinds`` (all by default) as PNG and SVG into ``folder``; return the paths."""
    unknown = set(kinds or ()) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown plot kind {', '.join(sorted(unknown))}; choose from {', '.join(KINDS)}")
    summary = _labelled(summarize(records))
    if scenarios:
        summary = summary[summary["scenario"].isin(scenarios) | summary["scenario_label"].isin(scenarios)]
    if summary.empty:
        raise ValueError("no estimates to plot")
    colours = palette(summary["estimator_label"])
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with sns.axes_style("whitegrid"):
        for kind in kinds or KINDS:
            figure = KINDS[kind](summary, colours)
            for fmt in formats:
                path = folder / f"{kind}.{fmt}"
                figure.savefig(path, dpi=110, bbox_inches="tight")
                written.append(path)
            plt.close(figure)
    return written
