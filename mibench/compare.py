"""Compare a candidate run against a baseline: paired accuracy changes, regressions and runtime.

Seeds come from the task, so two runs of the same experiment see the same samples and each
estimate in the candidate is paired with the baseline's estimate of the same sample. Where the
seeds differ (another run seed), the comparison falls back to unpaired (Welch) statistics.

A comparison tests every cell at once, so a per-cell 5 % test would raise a false alarm in
almost every suite of hundreds of cells. Instead each cell gets p-values (a one-sided t-test
that its mean squared error grew; a two-sided test that its bias changed) and Holm's step-down
procedure holds the probability of any false alarm across all cells at ``Tolerance.level``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .checks import number
from .intervals import holm, mean_interval, mean_test
from .records import records_frame
from .stats import CELL

__all__ = ["Tolerance", "compare", "has_regressions"]


@dataclass(frozen=True)
class Tolerance:
    """How much worse counts as a regression.

    A cell regresses when its RMSE or |bias| grew by more than ``absolute + relative × baseline
    RMSE`` nats *and* the change is significant after Holm's correction across every test of the
    comparison at family-wise level ``level``. ``confidence`` sets the intervals shown. Runtime
    is flagged when the ratio of median seconds exceeds ``runtime_ratio`` and the medians differ
    by more than ``runtime_floor`` seconds (below that, timer noise dominates).
    """

    absolute: float = 0.01
    relative: float = 0.10
    level: float = 0.05
    confidence: float = 0.95
    runtime_ratio: float = 1.5
    runtime_floor: float = 0.001

    def __post_init__(self) -> None:
        largest = float(np.finfo(float).max)
        number(self.absolute, "absolute tolerance", 0.0, largest, inclusive=True)
        number(self.relative, "relative tolerance", 0.0, largest, inclusive=True)
        number(self.level, "level", 0.0, 1.0)
        number(self.confidence, "confidence", 0.0, 1.0)
        number(self.runtime_ratio, "runtime ratio", 0.0, largest)
        number(self.runtime_floor, "runtime floor", 0.0, largest, inclusive=True)


COLUMNS = [
    *CELL,
    "paired",
    "reps",
    "rmse_baseline",
    "rmse_candidate",
    "delta_rmse",
    "delta_mse_low",
    "delta_mse_high",
    "p_mse",
    "bias_baseline",
    "bias_candidate",
    "delta_bias",
    "delta_bias_low",
    "delta_bias_high",
    "p_bias",
    "std_baseline",
    "std_candidate",
    "delta_std",
    "runtime_ratio",
    "new_failures",
    "flags",
    "notes",
]


def _cell(b: pd.DataFrame, c: pd.DataFrame, tolerance: Tolerance) -> dict[str, object]:
    """Accuracy changes of one cell with ok estimates on both sides (before any multiplicity correction)."""
    keys = ["estimator", "scenario", "n", "rep"]
    merged = b.merge(c, on=keys, suffixes=("_b", "_c"))
    paired = len(merged) >= 2 and bool((merged["seed_b"] == merged["seed_c"]).all())
    eb, ec = b["error"].to_numpy(float), c["error"].to_numpy(float)
    if paired:
        pb, pc = merged["error_b"].to_numpy(float), merged["error_c"].to_numpy(float)
        mse_args, bias_args = (pc**2 - pb**2, None), (pc - pb, None)
    else:
        mse_args, bias_args = (ec**2, eb**2), (ec, eb)
    rmse_b, rmse_c = float(np.sqrt(np.mean(eb**2))), float(np.sqrt(np.mean(ec**2)))
    std_b, std_c = np.std(b["estimate"], ddof=1), np.std(c["estimate"], ddof=1)
    mse_low, mse_high = mean_interval(*mse_args, confidence=tolerance.confidence)
    bias_low, bias_high = mean_interval(*bias_args, confidence=tolerance.confidence)
    median_b, median_c = np.median(b["seconds"]), np.median(c["seconds"])
    return {
        "paired": paired,
        "reps": min(len(eb), len(ec)),
        "rmse_baseline": rmse_b,
        "rmse_candidate": rmse_c,
        "delta_rmse": rmse_c - rmse_b,
        "delta_mse_low": mse_low,
        "delta_mse_high": mse_high,
        "p_mse": mean_test(*mse_args, alternative="greater"),
        "bias_baseline": eb.mean(),
        "bias_candidate": ec.mean(),
        "delta_bias": ec.mean() - eb.mean(),
        "delta_bias_low": bias_low,
        "delta_bias_high": bias_high,
        "p_bias": mean_test(*bias_args, alternative="two-sided"),
        "std_baseline": std_b,
        "std_candidate": std_c,
        "delta_std": std_c - std_b,
        "runtime_ratio": median_c / median_b if median_b > 0 else np.nan,
        "runtime_difference": median_c - median_b,
    }


#: The note on a cell whose two runs gave the estimators differently scaled samples.
SCALES_DIFFER = "the baseline's samples were {}, the candidate's {}: a change may be the scaling's"
SCALES = {0: "as drawn", 1: "rescaled"}

#: The note on a cell whose accuracy cannot be tested (one repetition, or no successful estimate, on a side).
UNTESTED = "accuracy not tested"


def compare(
    baseline: pd.DataFrame,
    candidate: pd.DataFrame,
    tolerance: Tolerance | None = None,
    *,
    same_machine: bool = True,
) -> pd.DataFrame:
    """One row per estimator × scenario × n of the baseline or candidate, with changes and flags.

    Columns: the cell; ``paired`` (same samples); baseline and candidate ``rmse``/``bias``/``std``
    and their changes with ``confidence`` intervals (``delta_mse_low/high``, ``delta_bias_low/high``);
    ``p_mse`` and ``p_bias`` (per-cell p-values before Holm's correction); ``runtime_ratio``;
    ``new_failures``; ``flags`` (``regression``, ``missing``, ``new``, ``new failures``,
    ``slower``); ``notes``. Runtime is only flagged when ``same_machine``; otherwise a slower
    cell gets a note.
    """
    tolerance = tolerance or Tolerance()
    base, cand = records_frame(baseline), records_frame(candidate)
    cells = pd.concat([base[CELL], cand[CELL]]).drop_duplicates().sort_values(CELL)
    base_groups = dict(tuple(base.groupby(CELL)))
    cand_groups = dict(tuple(cand.groupby(CELL)))
    rows = []
    for cell in cells.itertuples(index=False):
        key = tuple(cell)
        row: dict[str, object] = dict(zip(CELL, key, strict=True))
        b, c = base_groups.get(key), cand_groups.get(key)
        if b is None or c is None:
            row["flags"] = ["missing" if c is None else "new"]
            rows.append(row)
            continue
        b_ok, c_ok = b[b["status"] == "ok"], c[c["status"] == "ok"]
        row["new_failures"] = max(0, int((c["status"] != "ok").sum() - (b["status"] != "ok").sum()))
        row["flags"] = ["new failures"] if row["new_failures"] else []
        scales = (SCALES[b["standardized"].iloc[0]], SCALES[c["standardized"].iloc[0]])
        if scales[0] != scales[1]:
            row["scales"] = SCALES_DIFFER.format(*scales)
        if len(b_ok) and len(c_ok):
            row.update(_cell(b_ok, c_ok, tolerance))
        else:  # nothing to measure accuracy on: only failures can be flagged
            sides = [side for side, ok in (("baseline", b_ok), ("candidate", c_ok)) if ok.empty]
            row["untested"] = f"{UNTESTED}: no successful estimate in the {' or the '.join(sides)}"
        rows.append(row)
    frame = pd.DataFrame(rows).reindex(columns=[*COLUMNS, "runtime_difference", "untested", "scales"])
    significant = holm(np.concatenate([frame["p_mse"], frame["p_bias"]]), tolerance.level).reshape(2, -1)
    allowed = tolerance.absolute + tolerance.relative * frame["rmse_baseline"]
    rmse_worse = (frame["delta_rmse"] > allowed) & significant[0]
    bias_worse = (frame["bias_candidate"].abs() - frame["bias_baseline"].abs() > allowed) & significant[1]
    slower = (frame["runtime_ratio"] > tolerance.runtime_ratio) & (
        frame["runtime_difference"] > tolerance.runtime_floor
    )
    notes = []
    for index, row in frame.iterrows():
        if rmse_worse[index] or bias_worse[index]:
            row["flags"].append("regression")
        note = []
        if isinstance(row["untested"], str):
            note.append(row["untested"])
        elif row["reps"] < 2:
            note.append(f"{UNTESTED}: 1 repetition (2 or more needed)")
        if isinstance(row["scales"], str):
            note.append(row["scales"])
        if slower[index]:
            if same_machine:
                row["flags"].append("slower")
            else:
                note.append(f"{row['runtime_ratio']:.2g}× slower, but the runs come from different machines")
        notes.append("; ".join(note))
    frame["flags"] = [", ".join(flags) for flags in frame["flags"]]
    frame["notes"] = notes
    return frame.reindex(columns=COLUMNS)


def has_regressions(comparison: pd.DataFrame, runtime: bool = False) -> bool:
    """True if any cell regressed in accuracy, went missing or gained failures (or got slower, if asked)."""
    failing = {"regression", "missing", "new failures"} | ({"slower"} if runtime else set())
    return any(failing & {flag.strip() for flag in str(flags).split(",")} for flags in comparison["flags"])
