"""Hand-made records for tests of the statistics: one row of the record schema per estimate."""

from __future__ import annotations

from typing import Any


def record(
    estimator: str, scenario: str, rep: int, error: float, *, n: int = 100, seed: int = 0, **fields: Any
) -> dict:
    """A record of an ok estimate with the given error against a truth of 1 nat (override any field)."""
    return {
        "task_id": f"{estimator}-{scenario}-{n}-{rep}",
        "estimator": estimator,
        "scenario": scenario,
        "x_type": "continuous",
        "y_type": "continuous",
        "dim_x": 1,
        "dim_y": 1,
        "n": n,
        "rep": rep,
        "seed": seed,
        "true_mi": 1.0,
        "estimate": 1.0 + error,
        "error": error,
        "seconds": 0.01,
        "cpu_seconds": 0.01,
        "status": "ok",
        "message": "",
        "worker": "w",
        **fields,
    }
