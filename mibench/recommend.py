"""Choosing an estimator: rank estimators on the scenarios that look like the user's data."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from .checks import positive_int
from .labels import short_labels
from .ranking import rank_estimators
from .stats import summarize

__all__ = ["recommend", "reference_summary", "expected_at"]

REFERENCE_FILE = "summary.csv"
REFERENCE_RECORDS = "records.csv.gz"

#: Scenarios farther than this from the request (sum of |ln| dimension ratios) are "not close".
CLOSE = float(np.log(2))


#: The committed reference runs, by whether they condition: MI (results/reference) and conditional
#: MI (results/cmi), installed as these packages.
REFERENCE_PACKAGES = {False: ("mibench.reference", "results/reference"), True: ("mibench.reference_cmi", "results/cmi")}


def reference_summary(conditional: bool = False) -> pd.DataFrame:
    """The summary of the committed reference run of MI, or of conditional MI if ``conditional``."""
    package, folder = REFERENCE_PACKAGES[conditional]
    try:
        with resources.as_file(resources.files(package) / REFERENCE_FILE) as path:
            summary = pd.read_csv(path)
    except (ModuleNotFoundError, FileNotFoundError):
        raise FileNotFoundError(
            f"no reference results are installed ({folder}/{REFERENCE_FILE}); name a run with --run"
        ) from None
    if "z_type" in summary:  # an empty column reads as NaN
        summary["z_type"] = summary["z_type"].astype(object).where(summary["z_type"].notna(), "")
    return summary


def reference_records(conditional: bool = False) -> pd.DataFrame | None:
    """The records of a committed reference run (for paired ties in its rankings), if installed."""
    from .store import load_records

    try:
        with resources.as_file(resources.files(REFERENCE_PACKAGES[conditional][0]) / REFERENCE_RECORDS) as path:
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
    z_type: str | None = None,
    dim_z: int = 1,
    records: pd.DataFrame | None = None,
    summary: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Estimators ranked (:func:`mibench.ranking.rank_estimators`) on the scenarios most like the request.

    Scenarios must have the requested types; among them, those whose dimensions are closest are
    used: nearest in Σ|ln(dim / requested dim)| over x and y, ties broken by the nearest joint
    dimension dim_x + dim_y. With ``z_type``, the request is for I(X;Y|Z): only conditional
    scenarios with a z of that type count (from the conditional reference run, results/cmi), and
    z's dimension joins the distance; without it, only unconditional ones. The ranking is at the
    available n nearest to ``n`` (in ln n); the columns ``expected_bias`` and ``expected_rmse`` (with ``_low``/``_high`` bounds of their 95 %
    intervals) are the medians over those scenarios, interpolated to ``n`` itself.

    ``attrs`` say what the ranking rests on: ``scenarios`` (how many), ``scenario_labels``,
    ``n``, ``dims``, ``close`` (False when the nearest scenarios are more than a factor 2 away in
    dimension), ``extrapolated`` (``n`` outside the measured range) and ``source``.
    """
    for name, value in (("dim_x", dim_x), ("dim_y", dim_y), ("dim_z", dim_z), ("n", n)):
        positive_int(value, name)
    source = "run" if records is not None or summary is not None else "reference results"
    conditional = bool(z_type)
    if summary is None and records is None:
        summary, records = reference_summary(conditional), reference_records(conditional)
    elif summary is None:
        summary = summarize(records)
    for column, default in (("z_type", ""), ("dim_z", 0)):  # summaries written before conditional MI
        if column not in summary:
            summary = summary.assign(**{column: default})
    cells = summary[
        (summary["x_type"] == x_type) & (summary["y_type"] == y_type) & (summary["z_type"] == (z_type or ""))
    ]
    if cells.empty:
        available = sorted(set(zip(summary["x_type"], summary["y_type"], summary["z_type"], strict=True)))
        given = f" and a {z_type} z" if z_type else ""
        raise ValueError(
            f"no scenarios with x {x_type}, y {y_type}{given} in the {source}; available (x, y, z types): {available}"
        )
    requested = {"dim_x": dim_x, "dim_y": dim_y, **({"dim_z": dim_z} if conditional else {})}
    distance = sum(np.abs(np.log(cells[key] / value)) for key, value in requested.items()).round(9)
    joint = np.abs(np.log(sum(cells[key] for key in requested) / sum(requested.values()))).round(9)
    nearest_distance = distance.min()
    cells = cells[(distance == nearest_distance) & (joint == joint[distance == nearest_distance].min())]
    sizes = np.sort(cells["n"].unique())
    nearest = int(sizes[np.argmin(np.abs(np.log(sizes / n)))])
    table = rank_estimators(cells[cells["n"] == nearest], records=records)
    if table.empty:
        raise ValueError(
            f"no estimator finished an estimate on the matching scenarios at n = {nearest} in the {source}"
        )
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
        dims=tuple(int(cells[key].iloc[0]) for key in requested),
        close=bool(nearest_distance <= CLOSE + 1e-6),
        extrapolated=bool(expected["extrapolated"].any()),
        source=source,
    )
    return table
