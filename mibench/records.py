"""The one record schema: one tidy row per estimate, and the one place records are built."""

from __future__ import annotations

import math
import os
import socket
from collections.abc import Mapping
from typing import Any, Protocol

import pandas as pd

__all__ = ["RECORD_COLUMNS", "VOLATILE_COLUMNS", "make_record", "records_frame", "standardized_in", "describe_scaling"]

#: Column name → SQLite type. The order is the order of exported tables.
RECORD_COLUMNS: dict[str, str] = {
    "task_id": "TEXT",
    "estimator": "TEXT",
    "scenario": "TEXT",
    "quantity": "TEXT",
    "x_type": "TEXT",
    "y_type": "TEXT",
    "z_type": "TEXT",
    "dim_x": "INTEGER",
    "dim_y": "INTEGER",
    "dim_z": "INTEGER",
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
    "compute": "TEXT",
    "code_version": "TEXT",
    "ties": "INTEGER",
    "batch": "INTEGER",
    "standardized": "INTEGER",
}

#: Columns added after the first release, with the value older record files get.
ADDED_COLUMNS = {
    "compute": "",
    "code_version": "",
    "ties": -1,
    "batch": 1,
    "quantity": "mi",
    "z_type": "",
    "dim_z": 0,
    "standardized": 0,
}

#: Columns whose values depend on the machine and the moment, not on the experiment.
VOLATILE_COLUMNS = ("seconds", "cpu_seconds", "worker")

_SORT = ["estimator", "scenario", "n", "rep"]


class TaskLike(Protocol):
    task_id: str
    estimator: str
    compute: str
    code_version: str
    scenario: str
    quantity: str
    x_type: str
    y_type: str
    z_type: str
    dim_x: int
    dim_y: int
    dim_z: int
    n: int
    rep: int
    seed: int
    true_mi: float
    standardize: bool


def make_record(
    task: TaskLike,
    status: str,
    estimate: float = math.nan,
    seconds: float = math.nan,
    cpu: float = math.nan,
    message: str = "",
    worker: str = "",
    ties: int = -1,
    batch: int = 1,
) -> dict[str, Any]:
    """The record of one task. ``status``: ok; error (the estimator raised); invalid (NaN, inf or
    not a number); timeout (killed after the per-task limit); crashed (the worker process died).
    ``ties``: how many samples share their continuous x or y value with another (-1: not known).
    ``batch``: how many estimates the estimator made in the call that made this one (1: alone).
    ``quantity``: what ``true_mi`` and ``estimate`` measure: mi, cmi (I(X;Y|Z)) or te (transfer
    entropy); ``z_type`` and ``dim_z`` describe z ("" and 0 without one). ``standardized``: 1 when each
    continuous or mixed column was divided by its spread before the estimate (as ``mibench.estimate``
    does), 0 when the estimator saw the sample as drawn."""
    return {
        "task_id": task.task_id,
        "estimator": task.estimator,
        "scenario": task.scenario,
        "quantity": task.quantity,
        "x_type": task.x_type,
        "y_type": task.y_type,
        "z_type": task.z_type,
        "dim_x": task.dim_x,
        "dim_y": task.dim_y,
        "dim_z": task.dim_z,
        "n": task.n,
        "rep": task.rep,
        "seed": task.seed,
        "true_mi": task.true_mi,
        "estimate": estimate,
        "error": estimate - task.true_mi,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "status": status,
        "message": message,
        "worker": worker or f"{socket.gethostname()}:{os.getpid()}",
        "compute": task.compute,
        "code_version": task.code_version,
        "ties": ties,
        "batch": batch,
        "standardized": int(task.standardize),
    }


def records_frame(rows: list[dict] | pd.DataFrame) -> pd.DataFrame:
    """Records as a DataFrame with the schema's columns, in a canonical row order."""
    if not isinstance(rows, pd.DataFrame):
        odd = [type(row).__name__ for row in rows if not isinstance(row, Mapping)] if isinstance(rows, list) else None
        if odd is None or odd:
            got = type(rows).__name__ + (f" holding {odd[0]}" if odd else "")
            raise TypeError(
                "records must be a DataFrame or a list of record dicts (from mibench.run or mibench.load_records), "
                f"got {got}"
            )
        rows = pd.DataFrame(rows, columns=list(RECORD_COLUMNS))
    frame = rows.copy()
    for column, default in ADDED_COLUMNS.items():
        if column not in frame.columns:
            frame[column] = default
    missing = [column for column in RECORD_COLUMNS if column not in frame.columns]
    if missing:
        raise ValueError(f"records lack the columns {missing}")
    for column, default in ADDED_COLUMNS.items():
        values = frame[column].astype(object) if isinstance(default, str) else frame[column]
        frame[column] = values.where(values.notna(), default)
    frame = frame[list(RECORD_COLUMNS)]
    numeric = {
        column: "int64" for column in ("dim_x", "dim_y", "dim_z", "n", "rep", "seed", "ties", "batch", "standardized")
    }
    numeric.update({column: "float64" for column in ("true_mi", "estimate", "error", "seconds", "cpu_seconds")})
    for column, dtype in numeric.items():
        try:
            frame[column] = frame[column].astype(dtype)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"records column {column!r} must hold {dtype[:-2]}s: {exc}") from None
    text = ("task_id", "estimator", "scenario", "x_type", "y_type", "status")
    for column in (*text, "message", "compute", "code_version", "quantity", "z_type"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), "").astype(str)
    return frame.sort_values(_SORT, kind="stable").reset_index(drop=True)


def standardized_in(records: pd.DataFrame) -> bool | None:
    """Whether the estimators of these records saw each continuous or mixed column divided by its spread
    (their ``standardized``): True for all, False for none (records from before the column too), None
    when they differ or there are no records."""
    seen = set(records["standardized"].astype(bool)) if "standardized" in records else {False}
    return seen.pop() if len(seen) == 1 else None


def describe_scaling(standardized: bool | None) -> str:
    """:func:`standardized_in`'s answer in words, as reports and recommendations print it."""
    return {
        True: "each continuous or mixed column divided by its spread first, as mibench estimate does",
        False: "continuous and mixed columns as drawn (mibench estimate divides yours by their spread unless told not to)",
        None: "columns as drawn in some records and rescaled in others, or not recorded (see standardized)",
    }[standardized]
