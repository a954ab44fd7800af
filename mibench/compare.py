"""Compare a candidate run against a baseline: paired accuracy changes, regressions and runtime.

Seeds come from the task, so two runs of the same experiment see the same samples and each
estimate in the candidate is paired with the baseline's estimate of the same sample. Where the
seeds differ (another run seed), the comparison falls back to unpaired statistics.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .records import records_frame
from .stats import CELL, _cell_seed

__all__ = ["Tolerance", "compare", "has_regressions"]

FLAGS = ("regression", "missing", "new failures", "slower")


@dataclass(frozen=True)
class Tolerance:
    """How much worse counts as a regression.

    A cell regresses when its RMSE or |bias| grew by more than ``absolute + relative × baseline
    RMSE`` nats *and* the ``confidence`` interval of the change excludes zero. Runtime is
    flagged when the ratio of median seconds exceeds ``runtime_ratio`` and the medians differ by
    more than ``runtime_floor`` seconds (below that, timer noise dominates).
    """

    absolute: float = 0.01
    relative: float = 0.10
    confidence: float = 0.95
    runtime_ratio: float = 1.5
    runtime_floor: float = 0.001
    bootstrap: int = 2000
    seed: int = 0


def _interval(values: np.ndarray, tolerance: Tolerance, seed: int) -> tuple[float, float]:
    if values.size < 2:
        return (np.nan, np.nan)
    if np.all(values == values[0]):
        return (float(values[0]), float(values[0]))
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, values.size, (tolerance.bootstrap, values.size))].mean(axis=1)
    alpha = (1 - tolerance.confidence) / 2
    low, high = np.quantile(means, [alpha, 1 - alpha])
    return float(low), float(high)


def _unpaired_interval(a: np.ndarray, b: np.ndarray, tolerance: Tolerance, seed: int) -> tuple[float, float]:
    """Bootstrap interval of mean(a) − mean(b) for independent samples."""
    if a.size < 2 or b.size < 2:
        return (np.nan, np.nan)
    rng = np.random.default_rng(seed)
    diff = a[rng.integers(0, a.size, (tolerance.bootstrap, a.size))].mean(axis=1) - b[
        rng.integers(0, b.size, (tolerance.bootstrap, b.size))
    ].mean(axis=1)
    alpha = (1 - tolerance.confidence) / 2
    low, high = np.quantile(diff, [alpha, 1 - alpha])
    return float(low), float(high)


def compare(baseline: pd.DataFrame, candidate: pd.DataFrame, tolerance: Tolerance | None = None) -> pd.DataFrame:
    """One row per estimator × scenario × n of the baseline or candidate, with changes and flags.

    Columns: the cell; ``paired`` (same samples); baseline and candidate ``rmse``/``bias``/``std``;
    ``delta_rmse``, ``delta_bias``, ``delta_std``; ``delta_mse_low/high`` and ``delta_bias_low/high``
    (confidence intervals of the changes); ``runtime_ratio``; ``new_failures``; and ``flags``
    (``regression``, ``missing``, ``new failures``, ``slower``, or empty).
    """
    tolerance = tolerance or Tolerance()
    base, cand = records_frame(baseline), records_frame(candidate)
    keys = ["estimator", "scenario", "n", "rep"]
    rows = []
    cells = pd.concat([base[CELL], cand[CELL]]).drop_duplicates().sort_values(CELL)
    base_groups = dict(tuple(base.groupby(CELL)))
    cand_groups = dict(tuple(cand.groupby(CELL)))
    for cell in cells.itertuples(index=False):
        key = tuple(cell)
        row: dict[str, object] = dict(zip(CELL, key, strict=True))
        b, c = base_groups.get(key), cand_groups.get(key)
        flags: list[str] = []
        if b is None or c is None:
            row["flags"] = "missing" if c is None else "new"
            rows.append(row)
            continue
        b_ok, c_ok = b[b["status"] == "ok"], c[c["status"] == "ok"]
        row["new_failures"] = max(0, (c["status"] != "ok").sum() - (b["status"] != "ok").sum())
        if row["new_failures"]:
            flags.append("new failures")
        if len(b_ok) == 0 or len(c_ok) == 0:  # nothing to measure accuracy on: only failures can be flagged
            row["flags"] = ", ".join(flags)
            rows.append(row)
            continue
        merged = b_ok.merge(c_ok, on=keys, suffixes=("_b", "_c"))
        paired = len(merged) >= 2 and bool((merged["seed_b"] == merged["seed_c"]).all())
        row["paired"] = paired
        eb, ec = b_ok["error"].to_numpy(float), c_ok["error"].to_numpy(float)
        rmse_b, rmse_c = np.sqrt(np.mean(eb**2)), np.sqrt(np.mean(ec**2))
        row.update(
            rmse_baseline=rmse_b,
            rmse_candidate=rmse_c,
            delta_rmse=rmse_c - rmse_b,
            bias_baseline=eb.mean(),
            bias_candidate=ec.mean(),
            delta_bias=ec.mean() - eb.mean(),
            std_baseline=np.std(b_ok["estimate"], ddof=1),
            std_candidate=np.std(c_ok["estimate"], ddof=1),
        )
        row["delta_std"] = row["std_candidate"] - row["std_baseline"]
        seed = _cell_seed(tolerance.seed, *key)
        if paired:
            pb, pc = merged["error_b"].to_numpy(float), merged["error_c"].to_numpy(float)
            mse_interval = _interval(pc**2 - pb**2, tolerance, seed)
            bias_interval = _interval(pc - pb, tolerance, seed + 1)
        else:
            mse_interval = _unpaired_interval(ec**2, eb**2, tolerance, seed)
            bias_interval = _unpaired_interval(ec, eb, tolerance, seed + 1)
        row["delta_mse_low"], row["delta_mse_high"] = mse_interval
        row["delta_bias_low"], row["delta_bias_high"] = bias_interval
        allowed = tolerance.absolute + tolerance.relative * rmse_b
        rmse_worse = row["delta_rmse"] > allowed and mse_interval[0] > 0
        bias_worse = abs(ec.mean()) - abs(eb.mean()) > allowed and (
            bias_interval[0] > 0 if ec.mean() > eb.mean() else bias_interval[1] < 0
        )
        if rmse_worse or bias_worse:
            flags.append("regression")
        median_b, median_c = np.median(b_ok["seconds"]), np.median(c_ok["seconds"])
        row["runtime_ratio"] = median_c / median_b if median_b > 0 else np.nan
        if row["runtime_ratio"] > tolerance.runtime_ratio and median_c - median_b > tolerance.runtime_floor:
            flags.append("slower")
        row["flags"] = ", ".join(flags)
        rows.append(row)
    columns = [
        *CELL,
        "paired",
        "rmse_baseline",
        "rmse_candidate",
        "delta_rmse",
        "delta_mse_low",
        "delta_mse_high",
        "bias_baseline",
        "bias_candidate",
        "delta_bias",
        "delta_bias_low",
        "delta_bias_high",
        "std_baseline",
        "std_candidate",
        "delta_std",
        "runtime_ratio",
        "new_failures",
        "flags",
    ]
    return pd.DataFrame(rows).reindex(columns=columns)


def has_regressions(comparison: pd.DataFrame, runtime: bool = False) -> bool:
    """True if any cell regressed in accuracy, went missing or gained failures (or got slower, if asked)."""
    failing = {"regression", "missing", "new failures"} | ({"slower"} if runtime else set())
    return any(failing & {flag.strip() for flag in str(flags).split(",")} for flags in comparison["flags"])
