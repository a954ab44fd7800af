"""Choosing an estimator: rank estimators on the scenarios that look like the user's data."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from .ranking import rank_estimators
from .stats import summarize

__all__ = ["recommend", "reference_summary"]

REFERENCE_FILE = "summary.csv"


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
    """Estimators ranked (:func:`mibench.ranking.rank_estimators`) on the scenarios matching the types and dimensions.

    Scenarios of the same types are matched on dimensions, the nearest available (in log scale)
    if none match exactly; the sample size is the available n nearest to ``n`` (in log scale).
    ``attrs`` of the result say what the ranking rests on: ``scenarios``, ``n``, ``dims`` and ``source``.
    """
    source = "run" if records is not None or summary is not None else "reference results"
    if summary is None:
        summary = summarize(records) if records is not None else reference_summary()
    cells = summary[(summary["x_type"] == x_type) & (summary["y_type"] == y_type)]
    if cells.empty:
        available = sorted(set(zip(summary["x_type"], summary["y_type"], strict=True)))
        raise ValueError(f"no scenarios with x {x_type} and y {y_type} in the {source}; available: {available}")
    distance = np.abs(np.log(cells["dim_x"] / dim_x)) + np.abs(np.log(cells["dim_y"] / dim_y))
    cells = cells[distance == distance.min()]
    sizes = np.sort(cells["n"].unique())
    nearest = int(sizes[np.argmin(np.abs(np.log(sizes / n)))])
    cells = cells[cells["n"] == nearest]
    table = rank_estimators(cells)
    table.attrs.update(
        scenarios=cells["scenario"].nunique(),
        n=nearest,
        dims=(int(cells["dim_x"].iloc[0]), int(cells["dim_y"].iloc[0])),
        source=source,
    )
    return table
