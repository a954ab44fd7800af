"""Figures from records and summaries (seaborn, long-form data in; PNG and SVG out).

Every figure gives an estimator the same colour, marker and line style, uses log axes where n
spans decades, draws the truth where there is one and the intervals of ``summarize`` where there
are some. ``figures(records)`` returns matplotlib Figures (for notebooks); ``plot(records,
folder)`` writes them. Importing this module never changes matplotlib's backend; the command
line chooses a non-interactive one for itself.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd
import seaborn as sns

from .labels import short_labels, type_pairing
from .spec import parse_spec
from .stats import summarize

__all__ = ["KINDS", "CAPTIONS", "figures", "plot", "palette"]

FORMATS = ("png", "svg")
DEFAULT_FORMATS = ("png",)
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
LINE_STYLES = ("-", "--", ":")

Styles = dict[str, dict[str, object]]


def palette(estimators: Sequence[str]) -> Styles:
    """A fixed colour, marker and line style per estimator label (by sorted order), shared by every figure.

    Ten colours × seven markers × three line styles: no two of up to 210 estimators look alike.
    """
    labels = sorted(set(estimators))
    colours = sns.color_palette("tab10", n_colors=10)
    combinations = [
        (colours[i % 10], MARKERS[i % len(MARKERS)], LINE_STYLES[(i // 10) % len(LINE_STYLES)])
        for i in range(len(labels))
    ]
    return {label: {"color": c, "marker": m, "linestyle": ls} for label, (c, m, ls) in zip(labels, combinations)}


def _labelled(summary: pd.DataFrame) -> pd.DataFrame:
    frame = summary.copy()
    for column in ("estimator", "scenario"):
        labels = short_labels(frame[column])
        frame[f"{column}_label"] = [labels[spec] for spec in frame[column]]
    return frame


def _legend(figure: plt.Figure, styles: Styles, shown: set[str]) -> None:
    handles = [plt.Line2D([], [], lw=1.6, ms=5, label=e, **s) for e, s in styles.items() if e in shown]
    figure.legend(handles=handles, loc="lower center", ncol=min(7, len(handles)), fontsize=8, frameon=False)


def _layout(figure: plt.Figure, title: str, legend_rows: int) -> None:
    """Fixed margins with room for the title above and the legend below, so neither overlaps the
    panels (fixed rather than tight_layout, which costs a full draw of every figure)."""
    width, height = figure.get_size_inches()
    figure.suptitle(title, fontsize=11, y=1 - 0.12 / height)
    figure.subplots_adjust(
        left=0.75 / width,
        right=1 - 0.2 / width,
        bottom=(0.75 + 0.22 * legend_rows) / height,
        top=1 - 0.75 / height,
        wspace=0.45,
        hspace=0.75,
    )


def _facets(
    frame: pd.DataFrame,
    draw: Callable[[plt.Axes, pd.DataFrame], None],
    styles: Styles,
    title: str,
    ylabel: str,
    logy: bool = False,
    col_wrap: int = 5,
) -> plt.Figure:
    scenarios = sorted(frame["scenario_label"].unique())
    cols = min(col_wrap, len(scenarios))
    rows = int(np.ceil(len(scenarios) / cols))
    shown = set(frame["estimator_label"])
    legend_rows = int(np.ceil(len(shown) / 7))
    figure, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.6 * rows + 0.8 + 0.25 * legend_rows), squeeze=False)
    for ax, scenario in zip(axes.ravel(), scenarios, strict=False):
        draw(ax, frame[frame["scenario_label"] == scenario])
        ax.set_xscale("log")
        _ticks_at(ax.xaxis, np.sort(frame["n"].unique()))
        if logy and not (np.isfinite(ax.dataLim.y1) and ax.dataLim.y1 > 0):
            _note(ax, "no value to show\n(one repetition, or no estimate)")
            ax.set_yticks([])
        elif logy:
            ax.set_yscale("log")
            ax.yaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
            ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:.2g}"))
            ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_title(scenario if len(scenario) < 42 else scenario[:40] + "…", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_xlabel("n", fontsize=8)
        ax.set_ylabel(ylabel, fontsize=8)
    for ax in axes.ravel()[len(scenarios) :]:
        ax.set_visible(False)
    _layout(figure, title, legend_rows)
    _legend(figure, styles, shown)
    return figure


def _lines(
    column: str, styles: Styles, band: tuple[str, str] | None = None, truth: bool = False, zero: bool = False
) -> Callable[[plt.Axes, pd.DataFrame], None]:
    def draw(ax: plt.Axes, panel: pd.DataFrame) -> None:
        for label, group in panel.groupby("estimator_label"):
            group = group.sort_values("n")
            ax.plot(group["n"], group[column], ms=3, lw=1.3, **styles[label])
            if band:
                low, high = group[band[0]], group[band[1]]
                ax.fill_between(group["n"], low, high, color=styles[label]["color"], alpha=0.12, lw=0)
        if truth:
            ax.axhline(panel["true_mi"].iloc[0], color="black", ls="--", lw=1)
        if zero:
            ax.axhline(0, color="black", ls="--", lw=1)

    return draw


def estimate_figure(summary: pd.DataFrame, styles: Styles) -> plt.Figure:
    frame = summary.assign(
        low=summary["mean_estimate"] - summary["std"], high=summary["mean_estimate"] + summary["std"]
    )
    draw = _lines("mean_estimate", styles, band=("low", "high"), truth=True)
    return _facets(
        frame, draw, styles, "Estimate against n (mean ± std over repetitions; dashed: true MI)", "MI (nats)"
    )


def bias_figure(summary: pd.DataFrame, styles: Styles) -> plt.Figure:
    draw = _lines("bias", styles, band=("bias_low", "bias_high"), zero=True)
    return _facets(summary, draw, styles, "Bias against n (bands: 95 % intervals)", "bias (nats)")


def std_figure(summary: pd.DataFrame, styles: Styles) -> plt.Figure:
    draw = _lines("std", styles)
    return _facets(summary, draw, styles, "Standard deviation against n", "std (nats)", logy=True)


def rmse_figure(summary: pd.DataFrame, styles: Styles) -> plt.Figure:
    frame = summary.assign(rmse_low=summary["rmse_low"].where(summary["rmse_low"] > 0))  # log axis: no zero
    draw = _lines("rmse", styles, band=("rmse_low", "rmse_high"))
    return _facets(frame, draw, styles, "RMSE against n (bands: 95 % intervals)", "RMSE (nats)", logy=True)


def runtime_figure(summary: pd.DataFrame, styles: Styles) -> plt.Figure:
    """Median seconds (median over scenarios) against n, log–log, with the fitted exponent per estimator."""
    figure, ax = plt.subplots(figsize=(8, 5))
    timing = summary.groupby(["estimator_label", "n"], as_index=False)["median_seconds"].median()
    for label, group in timing.groupby("estimator_label"):
        group = group[group["median_seconds"] > 0].sort_values("n")
        if group.empty:
            continue
        slope = np.polyfit(np.log(group["n"]), np.log(group["median_seconds"]), 1)[0] if len(group) > 1 else np.nan
        ax.plot(group["n"], group["median_seconds"], ms=3, label=f"{label} (n^{slope:.2f})", **styles[label])
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("n")
    ax.set_ylabel("median seconds per estimate")
    ax.set_title("Runtime against n (median over scenarios; legend: fitted exponent)", fontsize=10)
    if ax.lines:
        ax.legend(fontsize=7, ncol=2, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    else:
        _note(ax, "no estimate finished")
    figure.tight_layout()
    return figure


def _note(ax: plt.Axes, text: str) -> None:
    """Grey text in the middle of a panel that has nothing to draw."""
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, fontsize=7, color="0.4")


def _ticks_at(axis: matplotlib.axis.Axis, values: np.ndarray) -> None:
    """Ticks, labelled as plain numbers, at the measured values only (the sample sizes of a run):
    a log axis over one or two decades otherwise labels its minor ticks on top of each other."""
    axis.set_major_locator(matplotlib.ticker.FixedLocator(values))
    axis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    axis.set_minor_locator(matplotlib.ticker.NullLocator())


def _readable_log_axis(axis: matplotlib.axis.Axis, values: np.ndarray) -> None:
    """Plain numbers on a log axis; minor ticks labelled too when the data span less than a decade."""
    plain = matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:.3g}")
    axis.set_major_formatter(plain)
    narrow = len(values) and np.log10(np.max(values) / np.min(values)) < 1
    axis.set_minor_formatter(plain if narrow else matplotlib.ticker.NullFormatter())


def _annotate_without_overlap(ax: plt.Axes, points: pd.DataFrame) -> None:
    """Labels beside their points, nudged down (in display space) until no two overlap."""
    ax.get_xlim(), ax.get_ylim()  # settles the autoscaled limits, so transData is final
    placed: list[tuple[float, float]] = []
    for row in points.sort_values(["error", "seconds"], ascending=[False, True]).itertuples():
        x, y = ax.transData.transform((row.seconds, row.error))
        offset = 3.0
        while any(abs(x - px) < 60 and abs(y + offset - py) < 9 for px, py in placed):
            offset -= 9
        placed.append((x, y + offset))
        ax.annotate(
            row.estimator_label, (row.seconds, row.error), fontsize=7, xytext=(4, offset), textcoords="offset points"
        )


def pareto_figure(summary: pd.DataFrame, styles: Styles, n: int | None = None) -> plt.Figure:
    """Median relative error against median runtime at one n, per pairing of variable types; Pareto fronts dashed."""
    n = n or int(summary["n"].max())
    at_n = summary[summary["n"] == n].assign(types=type_pairing)
    groups = sorted(at_n["types"].unique())
    cols = min(3, max(1, len(groups)))
    rows = int(np.ceil(max(1, len(groups)) / cols))
    figure, axes = plt.subplots(rows, cols, figsize=(5.6 * cols, 4.4 * rows + 0.6), squeeze=False)
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
            style = styles[row.estimator_label]
            ax.scatter(row.seconds, row.error, color=style["color"], marker=style["marker"], s=36, zorder=3)
        front, best = [], np.inf
        for row in points.sort_values("seconds").itertuples():
            if row.error < best:
                front.append((row.seconds, row.error))
                best = row.error
        if front:
            ax.plot(*zip(*front, strict=True), color="black", lw=1, ls="--")
        ax.set_xscale("log")
        ax.set_yscale("log")
        if len(points):
            ax.margins(x=0.25, y=0.2)
            _readable_log_axis(ax.xaxis, points["seconds"].to_numpy())
            _readable_log_axis(ax.yaxis, points["error"].to_numpy())
        ax.tick_params(labelsize=7, which="both")
        ax.set_title(types, fontsize=9)
        ax.set_xlabel("median seconds per estimate")
        ax.set_ylabel("median relative error (RMSE / truth)")
        _annotate_without_overlap(ax, points)
    _layout(figure, f"Accuracy against runtime at n = {n:,} (median over scenarios; dashed: Pareto front)", 0)
    return figure


def heatmap_figure(summary: pd.DataFrame, styles: Styles) -> plt.Figure:
    """Relative error (absolute RMSE where the truth is 0, marked *) at each scenario's largest n; failures marked."""
    largest = summary[summary["n"] == summary.groupby("scenario")["n"].transform("max")]
    largest = largest.assign(shown=largest["relative_error"].where(largest["true_mi"] != 0, largest["rmse"]))
    error = largest.pivot_table(
        index="scenario_label", columns="estimator_label", values="shown", aggfunc="first", dropna=False
    )
    zero_truth = largest.groupby("scenario_label")["true_mi"].first().reindex(error.index) == 0
    failures = largest.pivot_table(
        index="scenario_label", columns="estimator_label", values="failures", aggfunc="first"
    ).reindex_like(error)
    annotation = error.map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
    annotation.loc[zero_truth] = annotation.loc[zero_truth].map(lambda text: f"{text}*" if text else "")
    failed = failures > 0
    annotation = annotation.where(~failed, annotation + "\n✗" + failures.fillna(0).astype(int).astype(str))
    # seaborn leaves NaN cells blank, annotation included: a cell whose every estimate failed shows as worst
    shown = error.where(~(failed & error.isna()), 1.0).clip(upper=1.0)
    figure, ax = plt.subplots(figsize=(1.0 + 0.6 * error.shape[1], 1.6 + 0.28 * error.shape[0]))
    sns.heatmap(
        shown,
        annot=annotation,
        fmt="",
        cmap="rocket_r",
        vmin=0,
        vmax=1,
        ax=ax,
        annot_kws={"fontsize": 5},
        cbar_kws={"label": "relative error (* RMSE in nats: truth 0), clipped at 1"},
        linewidths=0.3,
    )
    ax.set_title(
        "Error at the largest n: RMSE / truth, or RMSE in nats where the truth is 0 (*)\n"
        "✗k: k failed estimates; blank: not supported",
        fontsize=9,
    )
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(labelsize=7)
    figure.tight_layout()
    return figure


def sweeps(summary: pd.DataFrame) -> list[tuple[str, str, list[str]]]:
    """Sweeps in a run: (family, swept parameter, scenarios) for three or more scenarios of one family
    that agree on every parameter but one (a family may hold several sweeps: MI and dimension)."""
    found = []
    for family, specs in summary.groupby(summary["scenario"].str.split("-v").str[0])["scenario"]:
        params = {spec: parse_spec(spec)[2] for spec in specs.unique()}
        keys = set().union(*params.values())
        candidates = [(k,) for k in sorted(keys)] + ([("mi", "rho")] if {"mi", "rho"} <= keys else [])
        for swept in candidates:  # mi= and rho= together sweep the true MI
            groups: dict[str, list[str]] = {}
            for spec, values in params.items():
                rest = repr(sorted((k, repr(v)) for k, v in values.items() if k not in swept))
                groups.setdefault(rest, []).append(spec)
            name = "true MI" if len(swept) > 1 else swept[0]
            found += [(family, name, group) for group in groups.values() if len(group) >= 3]
    return [s for s in found if not any(set(s[2]) < set(other[2]) for other in found)]  # none inside another


def sweep_figure(summary: pd.DataFrame, styles: Styles) -> plt.Figure | None:
    """Mean estimate ± std against the swept quantity (true MI, or the swept parameter such as dimension),
    one line per estimator, one panel per n; None when the run holds no sweep."""
    found = sweeps(summary)
    if not found:
        return None
    sizes = sorted(summary["n"].unique())
    figure, axes = plt.subplots(
        len(found), len(sizes), figsize=(3.6 * len(sizes), 3.2 * len(found) + 1.2), squeeze=False
    )
    shown: set[str] = set()
    for (family, parameter, specs), row_axes in zip(found, axes, strict=True):
        for ax, n in zip(row_axes, sizes, strict=True):
            cells = summary[summary["scenario"].isin(specs) & (summary["n"] == n)].copy()
            by_mi = parameter in ("true MI", "mi", "rho")
            cells["x"] = cells["true_mi"] if by_mi else [parse_spec(s)[2][parameter] for s in cells["scenario"]]
            for label, line in cells.groupby("estimator_label"):
                line = line.sort_values("x")
                ax.errorbar(line["x"], line["mean_estimate"], yerr=line["std"], ms=3, lw=1, capsize=2, **styles[label])
                shown.add(label)
            truth = cells.drop_duplicates("x").sort_values("x")
            ax.plot(truth["x"], truth["true_mi"], color="black", ls="--", lw=1)
            ax.set_title(f"{family}, n = {int(n):,}", fontsize=9)
            ax.set_xlabel("true MI (nats)" if by_mi else parameter, fontsize=8)
            ax.set_ylabel("mean estimate (nats)", fontsize=8)
            ax.tick_params(labelsize=7)
    _layout(figure, "Estimate against the swept quantity (mean ± std; dashed: truth)", int(np.ceil(len(shown) / 7)))
    _legend(figure, styles, shown)
    return figure


#: What each figure shows, for the report.
CAPTIONS = {
    "estimate": "Mean estimate ± one standard deviation over repetitions against n; dashed: the true MI.",
    "bias": "Bias (mean estimate − truth) against n, with its 95 % interval.",
    "std": "Standard deviation of the estimates against n (log–log).",
    "rmse": "Root mean squared error against n (log–log), with its 95 % interval.",
    "runtime": "Median seconds per estimate against n (log–log); the legend gives each fitted exponent.",
    "pareto": "Accuracy against runtime at the largest n, per pairing of variable types: lower left is better.",
    "heatmap": "Relative error at each scenario's largest n (RMSE in nats where the truth is 0, marked *); "
    "✗k marks k failed estimates.",
    "sweep": "Mean estimate against the swept quantity (true MI or a parameter such as dimension), one panel per n.",
}

KINDS: dict[str, Callable[[pd.DataFrame, Styles], plt.Figure | None]] = {
    "estimate": estimate_figure,
    "bias": bias_figure,
    "std": std_figure,
    "rmse": rmse_figure,
    "runtime": runtime_figure,
    "pareto": pareto_figure,
    "heatmap": heatmap_figure,
    "sweep": sweep_figure,
}


def figures(
    records: pd.DataFrame,
    kinds: Sequence[str] | None = None,
    scenarios: Sequence[str] | None = None,
    summary: pd.DataFrame | None = None,
) -> dict[str, plt.Figure]:
    """The figures of ``kinds`` (all by default) as matplotlib Figures; a kind with nothing to show is left out.

    ``summary``: the run's summary, if already computed (it is computed from the records otherwise).
    """
    unknown = set(kinds or ()) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown plot kind {', '.join(sorted(unknown))}; choose from {', '.join(KINDS)}")
    summary = _labelled(summary if summary is not None else summarize(records))
    if scenarios:
        summary = summary[summary["scenario"].isin(scenarios) | summary["scenario_label"].isin(scenarios)]
    if summary.empty:
        raise ValueError("no estimates to plot")
    styles = palette(summary["estimator_label"])
    drawn = {}
    with sns.axes_style("whitegrid"):
        for kind in kinds or KINDS:
            figure = KINDS[kind](summary, styles)
            if figure is not None:
                drawn[kind] = figure
    return drawn


def plot(
    records: pd.DataFrame,
    folder: str | Path,
    kinds: Sequence[str] | None = None,
    formats: Sequence[str] = DEFAULT_FORMATS,
    scenarios: Sequence[str] | None = None,
    summary: pd.DataFrame | None = None,
) -> list[Path]:
    """Write the figures of ``kinds`` (all by default) in ``formats`` (PNG by default; SVG on request)
    into ``folder``; return the paths."""
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown figure format {', '.join(sorted(unknown))}; choose from {', '.join(FORMATS)}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    summary = summary if summary is not None else summarize(records)
    chosen = list(kinds or KINDS)
    jobs = min(len(chosen), os.cpu_count() or 1)
    if jobs > 1 and sys.platform.startswith("linux"):
        # Figures are independent: render them in forked processes, which inherit the summary.
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(jobs, mp_context=context) as pool:
            parts = pool.map(
                _render, [(records, [kind], scenarios, summary, folder, tuple(formats)) for kind in chosen]
            )
            return [path for part in parts for path in part]
    return _render((records, chosen, scenarios, summary, folder, tuple(formats)))


def _render(job: tuple) -> list[Path]:
    records, kinds, scenarios, summary, folder, formats = job
    written = []
    for kind, figure in figures(records, kinds, scenarios, summary).items():
        for fmt in formats:
            path = folder / f"{kind}.{fmt}"
            figure.savefig(path, dpi=110)
            written.append(path)
        plt.close(figure)
    return written
