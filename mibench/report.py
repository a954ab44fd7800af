"""A self-contained HTML report (figures embedded, nothing fetched) and a Markdown summary of a run."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any

import pandas as pd

from .labels import short_labels, type_pairing
from .plots import CAPTIONS, plot
from .ranking import at_largest_n, rank_estimators
from .records import describe_scaling, standardized_in
from .stats import MIN_RELIABLE_REPS, summarize
from .store import STORE_FILE, Store
from .tables import render_table

__all__ = ["write_report"]


def _rankings(summary: pd.DataFrame, records: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The ranking per pairing of variable types and per scenario family, at each scenario's largest n,
    with ties (paired tests on the records)."""
    largest = at_largest_n(summary)
    largest = largest.assign(pairing=type_pairing(largest), family=largest["scenario"].str.split("-v").str[0])
    shown = [
        "rank",
        "label",
        "tied_with",
        "median_rmse",
        "median_abs_bias",
        "worst_error",
        "worst_scenario",
        "failures",
    ]
    return {
        group: rank_estimators(largest, [key], records)[[key, *shown, "median_seconds", "scenarios"]]
        for group, key in (("pairing of variable types", "pairing"), ("scenario family", "family"))
    }


def _cells(summary: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """Per estimator × scenario × n: truth, bias and RMSE with their 95 % intervals, failures and why."""
    failed = records[records["status"] != "ok"]
    reasons = (
        (failed["status"] + ": " + failed["message"].str.slice(0, 120))
        .groupby([failed["estimator"], failed["scenario"], failed["n"]])
        .agg(lambda m: "; ".join(f"{count}× {text}" for text, count in m.value_counts().head(2).items()))
        .rename("failure_reasons")
    )
    table = summary.join(reasons, on=["estimator", "scenario", "n"]).fillna({"failure_reasons": ""})
    labels = {**short_labels(table["estimator"]), **short_labels(table["scenario"])}

    def interval(centre: pd.Series, low: pd.Series, high: pd.Series) -> list[str]:
        return [
            "" if pd.isna(c) else f"{c:.4f} [{lo:.4f}, {hi:.4f}]" if pd.notna(lo) else f"{c:.4f}"
            for c, lo, hi in zip(centre, low, high, strict=True)
        ]

    return pd.DataFrame(
        {
            "scenario": [labels[s] for s in table["scenario"]],
            "estimator": [labels[e] for e in table["estimator"]],
            "n": table["n"],
            "truth": table["true_mi"],
            "bias [95 % interval]": interval(table["bias"], table["bias_low"], table["bias_high"]),
            "RMSE [95 % interval]": interval(table["rmse"], table["rmse_low"], table["rmse_high"]),
            "reps": table["reps"],
            "failures": table["failures"],
            "why": table["failure_reasons"],
        }
    )


def _provenance(run: Path | None) -> dict[str, Any]:
    if run is None or not (run / STORE_FILE).exists():
        return {}
    with Store(run, create=False) as store:
        return {
            key: store.get_meta(key) for key in ("experiment", "provenance", "code_versions", "started", "finished")
        }


#: Said under a ranking heading with nothing beneath it.
NOTHING_RANKED = "Nothing to rank: no estimator has a successful estimate at a scenario's largest n."


def write_report(
    records: pd.DataFrame, folder: str | Path, run: str | Path | None = None, title: str = "mibench report"
) -> tuple[Path, Path]:
    """Write ``report.html`` (self-contained), ``report.md`` and the figures into ``folder``."""
    folder = Path(folder)
    figures = folder / "figures"
    summary = summarize(records)
    drawn = [path.stem for path in plot(records, figures, summary=summary) if path.suffix == ".png"]
    rankings = _rankings(summary, records)
    meta = _provenance(Path(run) if run is not None else None)
    failures = int((records["status"] != "ok").sum())

    sections = [f"<h1>{html.escape(title)}</h1>"]
    sections.append(
        f"<p>{len(records):,} estimates ({failures:,} failed) of {records['estimator'].nunique()} estimators on "
        f"{records['scenario'].nunique()} scenarios, n = {', '.join(f'{n:,}' for n in sorted(records['n'].unique()))}. "
        f"All figures are in nats. Every estimator saw the same samples (paired design), {describe_scaling(standardized_in(records))}.</p>"
    )
    for title_, ranks in rankings.items():
        key = ranks.columns[0]
        sections.append(
            f"<h2>Ranking per {title_}</h2><p>At each scenario's largest n, by median RMSE (nats). Estimators "
            "not significantly different from the first of a rank (paired test, 5 %) share its rank (tied_with); "
            "worst_error is the largest RMSE / |truth| (RMSE where the truth is 0).</p>"
        )
        if ranks.empty:
            sections.append(f"<p>{NOTHING_RANKED}</p>")
        for value, group in ranks.groupby(key, sort=True):
            sections.append(f"<h3>{html.escape(value)}</h3>" + render_table(group.drop(columns=key), "html"))
    cells = _cells(summary, records)
    few = int(summary["few_reps"].sum())
    note = (
        f" {few} cells have fewer than {MIN_RELIABLE_REPS} ok repetitions: their intervals are unreliable."
        if few
        else ""
    )
    sections.append(
        "<h2>Every cell</h2><p>Truth, bias and RMSE (nats) with 95 % intervals over the repetitions, and the "
        f"failures with their most frequent reasons, per scenario.{note}</p>"
    )
    for scenario, group in cells.groupby("scenario", sort=True):
        sections.append(
            f"<details><summary>{html.escape(scenario)}</summary>"
            + render_table(group.drop(columns="scenario"), "html")
            + "</details>"
        )
    sections.append("<h2>Figures</h2>")
    for kind in drawn:
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
    lines = [
        f"# {title}",
        "",
        f"{len(records):,} estimates ({failures:,} failed), {describe_scaling(standardized_in(records))}. Figures: `figures/`.",
        "",
    ]
    for title_, ranks in rankings.items():
        key = ranks.columns[0]
        lines += [f"## Ranking per {title_}", ""] + ([NOTHING_RANKED, ""] if ranks.empty else [])
        for value, group in ranks.groupby(key, sort=True):
            lines += [f"### {value}", "", render_table(group.drop(columns=key), "markdown"), ""]
    lines += ["## Every cell", "", note.strip(), ""] if note else ["## Every cell", ""]
    lines += [render_table(cells, "markdown"), ""]
    for kind in drawn:
        lines += [f"![{kind}](figures/{kind}.png)", "", CAPTIONS[kind], ""]
    markdown_path = folder / "report.md"
    markdown_path.write_text("\n".join(lines), encoding="utf-8")
    return html_path, markdown_path
