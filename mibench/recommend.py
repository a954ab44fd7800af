"""Choosing an estimator: rank estimators on the scenarios that look like the user's data."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from .labels import short_labels
from .ranking import rank_estimators
from .stats import summarize

__all__ = ["recommend", "reference_summary", "expected_at"]

REFERENCE_FILE = "summary.csv"
REFERENCE_RECORDS = "records.csv.gz"

#: Scenarios farther than this from the request (sum of |ln| dimension ratios) are "not close".
CLOSE = float(np.log(2))


def reference_summary() -> pd.DataFrame:
    """The summary of the committed reference run (results/reference, installed as mibench.reference)."""
    try:
        source = resources.files("mibench.reference") / REFERENCE_FILE
        with resources.as_file(source) as path:
            return pd.read_csv(path)
    except (ModuleNotFoundError, FileNotFoundError):
        raise FileNotFoundError(
            "no reference results are installed (results/reference/summary.csv); name a run with --run"
        ) from None


def reference_records() -> pd.DataFrame | None:
    """The records of the committed reference run (for paired ties in its rankings), if installed."""
    from .store import load_records

    try:
        with resources.as_file(resources.files("mibench.reference") / REFERENCE_RECORDS) as path:
            return load_records(path) if path.exists() else None
    except (ModuleNotFoundError, FileNotFoundError):
        return None


def expected_at(cells: pd.DataFrame, n: int) -> pd.DataFrame:
    """Per estimator × scenario: bias and RMSE (with their interval bounds) at ``n``, interpolated in ln n
    (RMSE and its bounds in ln–ln) between the two nearest sample sizes; held at the end values
    outside the measured range (``extrapolated``)."""
    rows = []
    for (estimator, scenario), group in cells.groupby(["estimator", "scenario"]):
        group = group.sort_values("n")
        log_n = np.log(group["n"].to_numpy(dtype=float))
        row = {"estimator": estimator, "scenario": scenario, "extrapolated": not log_n[0] <= np.log(n) <= log_n[-1]}
        for column in ("bias", "bias_low", "bias_high", "rmse", "rmse_low", "rmse_high"):
            if column not in group:  # a summary without intervals
                row[column] = np.nan
            elif column.startswith("bias"):
                row[column] = float(np.interp(np.log(n), log_n, group[column].to_numpy(dtype=float)))
            else:
                values = np.log(np.clip(group[column].to_numpy(dtype=float), 1e-12, None))
                row[column] = float(np.exp(np.interp(np.log(n), log_n, values)))
        rows.append(row)
    return pd.DataFrame(rows)


def recommend(
    x_type: str,
    y_type: str,
    dim_x: int = 1,
    dim_y: int = 1,
    n: int = 1000,
    *,
    records: pd.DataFrame | None = None,
    summary: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Estimators ranked (:func:`mibench.ranking.rank_estimators`) on the scenarios most like the request.

    Scenarios must have the requested types; among them, those whose dimensions are closest are
    used: nearest in Σ|ln(dim / requested dim)| over x and y, ties broken by the nearest joint
    dimension dim_x + dim_y. The ranking is at the available n nearest to ``n`` (in ln n); the
    columns ``expected_bias`` and ``expected_rmse`` (with ``_low``/``_high`` bounds of their 95 %
    intervals) are the medians over those scenarios, interpolated to ``n`` itself.

    ``attrs`` say what the ranking rests on: ``scenarios`` (how many), ``scenario_labels``,
    ``n``, ``dims``, ``close`` (False when the nearest scenarios are more than a factor 2 away in
    dimension), ``extrapolated`` (``n`` outside the measured range) and ``source``.
    """
    source = "run" if records is not None or summary is not None else "reference results"
    if summary is None and records is None:
        summary, records = reference_summary(), reference_records()
    elif summary is None:
        summary = summarize(records)
    cells = summary[(summary["x_type"] == x_type) & (summary["y_type"] == y_type)]
    if cells.empty:
        available = sorted(set(zip(summary["x_type"], summary["y_type"], strict=True)))
        raise ValueError(f"no scenarios with x {x_type} and y {y_type} in the {source}; available: {available}")
    distance = (np.abs(np.log(cells["dim_x"] / dim_x)) + np.abs(np.log(cells["dim_y"] / dim_y))).round(9)
    joint = np.abs(np.log((cells["dim_x"] + cells["dim_y"]) / (dim_x + dim_y))).round(9)
    nearest_distance = distance.min()
    cells = cells[(distance == nearest_distance) & (joint == joint[distance == nearest_distance].min())]
    sizes = np.sort(cells["n"].unique())
    nearest = int(sizes[np.argmin(np.abs(np.log(sizes / n)))])
    table = rank_estimators(cells[cells["n"] == nearest], records=records)
    expected = expected_at(cells[cells["estimator"].isin(table["estimator"])], n)
    medians = expected.groupby("estimator")[["bias", "bias_low", "bias_high", "rmse", "rmse_low", "rmse_high"]].median()
    for column in medians.columns:
        table[f"expected_{column}"] = table["estimator"].map(medians[column])
    scenarios = sorted(cells["scenario"].unique())
    labels = short_labels(scenarios)
    table.attrs.update(
        scenarios=len(scenarios),
        scenario_labels=[labels[s] for s in scenarios],
        n=nearest,
        dims=(int(cells["dim_x"].iloc[0]), int(cells["dim_y"].iloc[0])),
        close=bool(nearest_distance <= CLOSE + 1e-6),
        extrapolated=bool(expected["extrapolated"].any()),
        source=source,
    )
    return table
