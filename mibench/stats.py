"""Statistics of records: accuracy and runtime per estimator × scenario × n, and trends across n.

Everything here reads records only and never re-runs anything. Confidence intervals come from
:mod:`mibench.intervals`, over the repetitions of a cell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .checks import number
from .intervals import moment_interval, moments_for_mse, mse_interval
from .records import records_frame

__all__ = ["summarize", "trends", "CELL", "to_units", "MIN_RELIABLE_REPS"]

CELL = ["estimator", "scenario", "n"]
PAIR = ["estimator", "scenario"]
LN2 = float(np.log(2))

#: Summary columns measured in units of information (converted by ``to_units``).
INFORMATION_COLUMNS = (
    "true_mi",
    "mean_estimate",
    "bias",
    "bias_low",
    "bias_high",
    "std",
    "rmse",
    "rmse_low",
    "rmse_high",
    "mae",
    "estimate",
    "error",
)


#: The columns that describe a cell's data, carried from its records into its summary row.
DESCRIPTION = ("quantity", "x_type", "y_type", "z_type", "dim_x", "dim_y", "dim_z", "true_mi")

#: Below this many repetitions a cell's intervals rest on too little to be trusted (flagged ``few_reps``).
MIN_RELIABLE_REPS = 5


def summarize(records: pd.DataFrame, *, units: str = "nats", confidence: float = 0.95) -> pd.DataFrame:
    """One row per estimator × scenario × n, from the ``ok`` estimates (long form).

    Columns: the cell's description (``quantity``, the types and dimensions of x, y and z);
    ``true_mi`` (the true value of its quantity: MI, conditional MI or transfer entropy); ``reps`` (ok estimates) and ``failures``; ``mean_estimate``; ``bias``
    (mean error) with its ``confidence`` interval ``bias_low``–``bias_high``; ``std`` (ddof = 1) and
    ``variance``; ``rmse`` with ``rmse_low``–``rmse_high`` (the square roots of
    :func:`~mibench.intervals.mse_interval`); ``mae``; ``relative_error`` (RMSE / |truth|, NaN where the truth is 0);
    ``median_seconds`` and ``iqr_seconds``; ``few_reps`` (True below ``MIN_RELIABLE_REPS``
    repetitions, where the intervals are unreliable). Intervals come from :mod:`mibench.intervals`.
    """
    records = records_frame(records)
    first = records.groupby(CELL, sort=True)[list(DESCRIPTION)].first()
    total = records.groupby(CELL, sort=True).size()
    ok = records[records["status"] == "ok"].assign(
        squared=lambda f: f["error"] ** 2, absolute=lambda f: f["error"].abs()
    )
    deviation = ok["error"] - ok.groupby(CELL)["error"].transform("mean")
    ok = ok.assign(error_cubed=deviation**3, deviation_squared=deviation**2, deviation_fourth=deviation**4)
    grouped = ok.groupby(CELL, sort=True)
    stats_ = grouped.agg(
        reps=("error", "size"),
        mean_estimate=("estimate", "mean"),
        bias=("error", "mean"),
        error_var=("error", "var"),
        mse=("squared", "mean"),
        error_m3=("error_cubed", "mean"),
        error_m4=("deviation_fourth", "mean"),
        largest_deviation=("deviation_squared", "max"),
        std=("estimate", "std"),
        mae=("absolute", "mean"),
        median_seconds=("seconds", "median"),
    )
    quartiles = grouped["seconds"].quantile([0.25, 0.75]).unstack().reindex(columns=[0.25, 0.75])
    stats_["q25"], stats_["q75"] = quartiles[0.25], quartiles[0.75]
    frame = first.join(total.rename("cells")).join(stats_, how="left")
    reps = frame["reps"].fillna(0).astype(int)
    moments = moments_for_mse(
        frame["bias"],
        frame["error_var"],
        frame["error_m3"],
        frame["error_m4"],
        frame["largest_deviation"],
        reps,
    )
    bias_low, bias_high = moment_interval(frame["bias"], moments["sd"], moments["skewness"], reps, confidence)
    mse_low, mse_high = mse_interval(**moments, confidence=confidence)
    rmse = np.sqrt(frame["mse"])
    truth = frame["true_mi"]
    out = pd.DataFrame(
        {
            **{column: frame[column] for column in DESCRIPTION[:-1]},
            "true_mi": truth,
            "reps": reps,
            "failures": (frame["cells"] - reps).astype(int),
            "mean_estimate": frame["mean_estimate"],
            "bias": frame["bias"],
            "bias_low": bias_low,
            "bias_high": bias_high,
            "std": frame["std"],
            "variance": frame["std"] ** 2,
            "rmse": rmse,
            "rmse_low": np.sqrt(np.clip(mse_low, 0, None)),
            "rmse_high": np.sqrt(mse_high),
            "mae": frame["mae"],
            "relative_error": (rmse / truth.abs()).where(truth != 0),
            "median_seconds": frame["median_seconds"],
            "iqr_seconds": frame["q75"] - frame["q25"],
            "few_reps": reps < MIN_RELIABLE_REPS,
        }
    ).reset_index()
    return to_units(out, units)


def _slope(n: np.ndarray, values: np.ndarray) -> float:
    keep = np.isfinite(values) & (values > 0)
    if keep.sum() < 2 or np.unique(n[keep]).size < 2:
        return np.nan
    return float(np.polyfit(np.log(n[keep]), np.log(values[keep]), 1)[0])


def trends(summary: pd.DataFrame, threshold: float = 0.1) -> pd.DataFrame:
    """Per estimator × scenario, across n: convergence and runtime exponents, and the reliable n.

    ``summary`` is :func:`summarize`'s table, or records (summarized first).
    ``rmse_exponent`` is the slope of log RMSE on log n (−½ for a root-n estimator);
    ``runtime_exponent`` the slope of log median seconds on log n; ``reliable_n`` the smallest n
    beyond which the relative error stays under ``threshold`` (NaN if it never does).
    """
    number(threshold, "threshold (a relative error)", 0.0, np.inf)
    if not isinstance(summary, pd.DataFrame) or "relative_error" not in summary:
        summary = summarize(summary)
    rows = []
    for (estimator, scenario), group in summary.groupby(PAIR, sort=True):
        group = group.sort_values("n")
        n = group["n"].to_numpy(dtype=float)
        relative = group["relative_error"].to_numpy(dtype=float)
        good = np.isfinite(relative) & (relative < threshold)
        reliable = np.nan
        for index in range(len(n)):
            if good[index:].all():
                reliable = n[index]
                break
        rows.append(
            {
                "estimator": estimator,
                "scenario": scenario,
                "n_min": int(n.min()),
                "n_max": int(n.max()),
                "rmse_exponent": _slope(n, group["rmse"].to_numpy(dtype=float)),
                "runtime_exponent": _slope(n, group["median_seconds"].to_numpy(dtype=float)),
                "reliable_n": reliable,
                "threshold": threshold,
            }
        )
    return pd.DataFrame(rows)


def to_units(frame: pd.DataFrame, units: str) -> pd.DataFrame:
    """Convert information columns from nats to ``units`` ("nats" or "bits")."""
    if units not in ("nats", "bits"):
        raise ValueError(f"units must be 'nats' or 'bits', got {units!r}")
    frame = frame.copy()
    if units == "bits":
        for column in INFORMATION_COLUMNS:
            if column in frame:
                frame[column] = frame[column] / LN2
        if "variance" in frame:
            frame["variance"] = frame["variance"] / LN2**2
    frame.attrs["units"] = units
    return frame
