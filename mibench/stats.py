"""Statistics of records: accuracy and runtime per estimator × scenario × n, and trends across n.

Everything here reads records only and never re-runs anything. Confidence intervals come from a
seeded bootstrap over the repetitions of a cell (resampling whole estimates, not data points).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from .records import records_frame

__all__ = ["summarize", "trends", "CELL", "to_units", "markdown_table"]

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


def _cell_seed(seed: int, *parts: object) -> int:
    return int.from_bytes(hashlib.sha256(repr((seed, *parts)).encode()).digest()[:8], "little")


def _bootstrap(errors: np.ndarray, draws: int, confidence: float, seed: int) -> tuple[float, float, float, float]:
    if errors.size < 2 or draws == 0:
        return (np.nan,) * 4
    rng = np.random.default_rng(seed)
    resampled = errors[rng.integers(0, errors.size, (draws, errors.size))]
    alpha = (1 - confidence) / 2
    bias = np.quantile(resampled.mean(axis=1), [alpha, 1 - alpha])
    rmse = np.quantile(np.sqrt(np.mean(resampled**2, axis=1)), [alpha, 1 - alpha])
    return float(bias[0]), float(bias[1]), float(rmse[0]), float(rmse[1])


def summarize(
    records: pd.DataFrame,
    *,
    units: str = "nats",
    confidence: float = 0.95,
    bootstrap: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """One row per estimator × scenario × n, from the ``ok`` estimates (long form).

    Columns: ``true_mi``; ``reps`` (ok estimates) and ``failures``; ``mean_estimate``; ``bias``
    (mean error) with its bootstrap interval ``bias_low``–``bias_high``; ``std`` (ddof = 1) and
    ``variance``; ``rmse`` with ``rmse_low``–``rmse_high``; ``mae``; ``relative_error``
    (RMSE / |truth|, NaN where the truth is 0); ``median_seconds`` and ``iqr_seconds``.
    """
    records = records_frame(records)
    rows = []
    for (estimator, scenario, n), cell in records.groupby(CELL, sort=True):
        ok = cell[cell["status"] == "ok"]
        errors = ok["error"].to_numpy(dtype=float)
        count = errors.size
        truth = float(cell["true_mi"].iloc[0])
        seconds = ok["seconds"].to_numpy(dtype=float)
        bias_low, bias_high, rmse_low, rmse_high = _bootstrap(
            errors, bootstrap, confidence, _cell_seed(seed, estimator, scenario, int(n))
        )
        rmse = float(np.sqrt(np.mean(errors**2))) if count else np.nan
        std = float(np.std(ok["estimate"], ddof=1)) if count > 1 else np.nan
        rows.append(
            {
                "estimator": estimator,
                "scenario": scenario,
                "n": int(n),
                "x_type": cell["x_type"].iloc[0],
                "y_type": cell["y_type"].iloc[0],
                "dim_x": int(cell["dim_x"].iloc[0]),
                "dim_y": int(cell["dim_y"].iloc[0]),
                "true_mi": truth,
                "reps": count,
                "failures": int(len(cell) - count),
                "mean_estimate": float(ok["estimate"].mean()) if count else np.nan,
                "bias": float(errors.mean()) if count else np.nan,
                "bias_low": bias_low,
                "bias_high": bias_high,
                "std": std,
                "variance": std**2,
                "rmse": rmse,
                "rmse_low": rmse_low,
                "rmse_high": rmse_high,
                "mae": float(np.mean(np.abs(errors))) if count else np.nan,
                "relative_error": rmse / abs(truth) if truth != 0 and count else np.nan,
                "median_seconds": float(np.median(seconds)) if count else np.nan,
                "iqr_seconds": float(np.subtract(*np.percentile(seconds, [75, 25]))) if count else np.nan,
            }
        )
    return to_units(pd.DataFrame(rows), units)


def _slope(n: np.ndarray, values: np.ndarray) -> float:
    keep = np.isfinite(values) & (values > 0)
    if keep.sum() < 2 or np.unique(n[keep]).size < 2:
        return np.nan
    return float(np.polyfit(np.log(n[keep]), np.log(values[keep]), 1)[0])


def trends(summary: pd.DataFrame, threshold: float = 0.1) -> pd.DataFrame:
    """Per estimator × scenario, across n: convergence and runtime exponents, and the reliable n.

    ``rmse_exponent`` is the slope of log RMSE on log n (−½ for a root-n estimator);
    ``runtime_exponent`` the slope of log median seconds on log n; ``reliable_n`` the smallest n
    beyond which the relative error stays under ``threshold`` (NaN if it never does).
    """
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


def markdown_table(frame: pd.DataFrame, digits: int = 4) -> str:
    """A GitHub-flavoured Markdown table (numbers rounded to ``digits`` significant figures)."""

    def cell(value: object) -> str:
        if isinstance(value, (float, np.floating)):
            return "" if np.isnan(value) else f"{value:.{digits}g}"
        return str(value).replace("|", "\\|")

    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])
