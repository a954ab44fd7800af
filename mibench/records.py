"""The one record schema: one tidy row per estimate."""

from __future__ import annotations

import pandas as pd

__all__ = ["RECORD_COLUMNS", "STATUSES", "records_frame"]

#: Column name → SQLite type. The order is the order of exported tables.
RECORD_COLUMNS: dict[str, str] = {
    "task_id": "TEXT",
    "estimator": "TEXT",
    "scenario": "TEXT",
    "x_type": "TEXT",
    "y_type": "TEXT",
    "dim_x": "INTEGER",
    "dim_y": "INTEGER",
    "n": "INTEGER",
    "rep": "INTEGER",
    "seed": "INTEGER",
    "true_mi": "REAL",
    "estimate": "REAL",
    "error": "REAL",
    "seconds": "REAL",
    "cpu_seconds": "REAL",
    "status": "TEXT",
    "message": "TEXT",
    "worker": "TEXT",
}

#: ok; error (the estimator raised); invalid (NaN, inf or not a number);
#: timeout (killed after the per-task limit); crashed (the worker process died).
STATUSES = ("ok", "error", "invalid", "timeout", "crashed")

#: Columns whose values depend on the machine and the moment, not on the experiment.
VOLATILE_COLUMNS = ("seconds", "cpu_seconds", "worker")

_SORT = ["estimator", "scenario", "n", "rep"]


def records_frame(rows: list[dict] | pd.DataFrame) -> pd.DataFrame:
    """Records as a DataFrame with the schema's columns, in a canonical row order."""
    frame = pd.DataFrame(rows, columns=list(RECORD_COLUMNS)) if not isinstance(rows, pd.DataFrame) else rows
    missing = [column for column in RECORD_COLUMNS if column not in frame.columns]
    if missing:
        raise ValueError(f"records lack the columns {missing}")
    frame = frame[list(RECORD_COLUMNS)].astype(
        {"dim_x": "int64", "dim_y": "int64", "n": "int64", "rep": "int64", "seed": "int64"}
    )
    for column in ("true_mi", "estimate", "error", "seconds", "cpu_seconds"):
        frame[column] = frame[column].astype("float64")
    return frame.sort_values(_SORT, kind="stable").reset_index(drop=True)
