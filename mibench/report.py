"""A self-contained HTML report (figures embedded, nothing fetched) and a Markdown summary of a run."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any

import pandas as pd

from .labels import short_label
from .plots import KINDS, plot
from .stats import markdown_table, summarize

__all__ = ["ranking", "write_report"]

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


def ranking(summary: pd.DataFrame) -> pd.DataFrame:
    """Per scenario family, at each scenario's largest n: estimators ranked by median RMSE.

    Also gives the median |bias|, median seconds, failures and how many scenarios the rank rests on.
    """
    largest = summary[summary["n"] == summary.groupby("scenario")["n"].transform("max")].copy()
    largest["family"] = largest["scenario"].str.split("-v").str[0]
    largest["abs_bias"] = largest["bias"].abs()
    table = largest.groupby(["family", "estimator"], as_index=False).agg(
        median_rmse=("rmse", "median"),
        median_abs_bias=("abs_bias", "median"),
        median_seconds=("median_seconds", "median"),
        failures=("failures", "sum"),
        scenarios=("scenario", "nunique"),
    )
    table["estimator"] = [short_label(s) for s in table["estimator"]]
    table = table.sort_values(["family", "median_rmse"], na_position="last")
    table.insert(1, "rank", table.groupby("family").cumcount() + 1)
    return table.reset_index(drop=True)


def _provenance(run: Path | None) -> dict[str, Any]:
    if run is None or not (run / "mibench.sqlite").exists():
        return {}
    from .store import Store

    with Store(run, create=False) as store:
        return {key: store.get_meta(key) for key in ("experiment", "provenance", "started", "finished")}


def _html_table(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, escape=True, float_format=lambda v: f"{v:.4g}", border=0, classes="table")


def write_report(
    records: pd.DataFrame, folder: str | Path, run: str | Path | None = None, title: str = "mibench report"
) -> tuple[Path, Path]:
    """Write ``report.html`` (self-contained), ``report.md`` and the figures into ``folder``."""
    folder = Path(folder)
    figures = folder / "figures"
    plot(records, figures)
    summary = summarize(records)
    ranks = ranking(summary)
    meta = _provenance(Path(run) if run is not None else None)
    failures = int((records["status"] != "ok").sum())

    sections = [f"<h1>{html.escape(title)}</h1>"]
    sections.append(
        f"<p>{len(records):,} estimates ({failures:,} failed) of {records['estimator'].nunique()} estimators on "
        f"{records['scenario'].nunique()} scenarios, n = {', '.join(f'{n:,}' for n in sorted(records['n'].unique()))}. "
        "All figures are in nats. Every estimator saw the same samples (paired design).</p>"
    )
    sections.append("<h2>Ranking per scenario family</h2><p>At each scenario's largest n, by median RMSE.</p>")
    for family, group in ranks.groupby("family", sort=True):
        sections.append(f"<h3>{html.escape(family)}</h3>" + _html_table(group.drop(columns="family")))
    sections.append("<h2>Figures</h2>")
    for kind in KINDS:
        data = base64.b64encode((figures / f"{kind}.png").read_bytes()).decode()
        sections.append(
            f'<figure id="figure-{kind}"><img alt="{html.escape(kind)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{html.escape(CAPTIONS[kind])}</figcaption></figure>"
        )
    if meta:
        sections.append("<h2>Provenance</h2><pre>" + html.escape(json.dumps(meta, indent=2, default=str)) + "</pre>")
    document = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; }}
table.table {{ border-collapse: collapse; font-size: 0.85em; margin-bottom: 1em; }}
table.table th, table.table td {{ padding: 0.2em 0.6em; border-bottom: 1px solid #ddd; text-align: right; }}
table.table th:first-child, table.table td:nth-child(2) {{ text-align: left; }}
figure {{ margin: 2em 0; }} figure img {{ max-width: 100%; }} figcaption {{ color: #555; }}
pre {{ background: #f6f6f6; padding: 1em; overflow-x: auto; font-size: 0.8em; }}
</style></head>
<body>
{chr(10).join(sections)}
<script>
window.addEventListener("load", function () {{
  var loaded = Array.prototype.filter.call(document.images, function (i) {{ return i.complete && i.naturalWidth > 0; }});
  document.body.setAttribute("data-figures-loaded", String(loaded.length));
}});
</script>
</body></html>
"""
    html_path = folder / "report.html"
    html_path.write_text(document, encoding="utf-8")
    lines = [f"# {title}", "", f"{len(records):,} estimates ({failures:,} failed). Figures: `figures/`.", ""]
    for family, group in ranks.groupby("family", sort=True):
        lines += [f"## {family}", "", markdown_table(group.drop(columns="family")), ""]
    for kind in KINDS:
        lines += [f"![{kind}](figures/{kind}.png)", "", CAPTIONS[kind], ""]
    markdown_path = folder / "report.md"
    markdown_path.write_text("\n".join(lines), encoding="utf-8")
    return html_path, markdown_path
