"""Summary statistics of records: accuracy and runtime per estimator × scenario × n."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .records import records_frame

__all__ = ["summarize", "CELL"]

CELL = ["estimator", "scenario", "n"]


def summarize(records: pd.DataFrame) -> pd.DataFrame:
    """One row per estimator × scenario × n, from the ``ok`` estimates.

    Columns: ``true_mi``, ``reps`` (ok estimates), ``failures``, ``mean_estimate``,
    ``bias`` (mean error), ``std`` (sample std of the estimates, ddof=1),
    ``rmse`` (root mean squared error), ``mae``, ``median_seconds``.
    """
    records = records_frame(records)
    rows = []
    for (estimator, scenario, n), cell in records.groupby(CELL, sort=True):
        ok = cell[cell["status"] == "ok"]
        errors = ok["error"].to_numpy()
        count = errors.size
        rows.append(
            {
                "estimator": estimator,
                "scenario": scenario,
                "n": n,
                "x_type": cell["x_type"].iloc[0],
                "y_type": cell["y_type"].iloc[0],
                "dim_x": cell["dim_x"].iloc[0],
                "dim_y": cell["dim_y"].iloc[0],
                "true_mi": cell["true_mi"].iloc[0],
                "reps": count,
                "failures": int(len(cell) - count),
                "mean_estimate": ok["estimate"].mean() if count else np.nan,
                "bias": errors.mean() if count else np.nan,
                "std": ok["estimate"].std(ddof=1) if count > 1 else np.nan,
                "rmse": float(np.sqrt(np.mean(errors**2))) if count else np.nan,
                "mae": float(np.mean(np.abs(errors))) if count else np.nan,
                "median_seconds": ok["seconds"].median() if count else np.nan,
            }
        )
    return pd.DataFrame(rows)
