"""Coverage of summarize's 95 % intervals for the bias and the RMSE, by simulation.

Errors are drawn from laws with a known mean and mean square: the three the intervals are
calibrated for (normal with several biases, Student t3, gamma(2)) and others held out of the
calibration (t5, a centred exponential, a mirrored gamma, t3 with a bias). Each cell of the
table is the share of ``--draws`` simulated cells whose interval holds the truth.

Usage: python benchmarks/interval_coverage.py [--draws 40000] [--reps 3 5 10 20 50]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import numpy as np
import pandas as pd

from mibench.intervals import error_moments, moment_interval, mse_interval
from mibench.tables import render_table

Law = Callable[[np.random.Generator, tuple[int, int]], np.ndarray]

#: name: (sampler, mean, mean square).
LAWS: dict[str, tuple[Law, float, float]] = {
    "normal": (lambda rng, shape: rng.standard_normal(shape), 0.0, 1.0),
    "normal, bias 0.5": (lambda rng, shape: 0.5 + rng.standard_normal(shape), 0.5, 1.25),
    "normal, bias 1": (lambda rng, shape: 1.0 + rng.standard_normal(shape), 1.0, 2.0),
    "normal, bias 2": (lambda rng, shape: 2.0 + rng.standard_normal(shape), 2.0, 5.0),
    "Student t3": (lambda rng, shape: rng.standard_t(3, shape), 0.0, 3.0),
    "gamma(2)": (lambda rng, shape: rng.gamma(2.0, 1.0, shape), 2.0, 6.0),
    "held out: Student t5": (lambda rng, shape: rng.standard_t(5, shape), 0.0, 5 / 3),
    "held out: t3, bias 1": (lambda rng, shape: 1.0 + rng.standard_t(3, shape), 1.0, 4.0),
    "held out: exponential − 1": (lambda rng, shape: rng.exponential(1.0, shape) - 1.0, 0.0, 1.0),
    "held out: 0.1 − gamma(2, 0.05)": (lambda rng, shape: 0.1 - rng.gamma(2.0, 0.05, shape), 0.0, 0.005),
}


def coverage(law: str, reps: int, draws: int) -> tuple[float, float]:
    sampler, mean, mean_square = LAWS[law]
    errors = sampler(np.random.default_rng([31, reps, list(LAWS).index(law)]), (draws, reps))
    moments = error_moments(errors)
    low, high = moment_interval(moments["mean"], moments["sd"], moments["skewness"], moments["count"])
    bias = np.mean((low <= mean) & (mean <= high))
    low, high = mse_interval(**moments)
    return float(bias), float(np.mean((low <= mean_square) & (mean_square <= high)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--draws", type=int, default=40_000)
    parser.add_argument("--reps", type=int, nargs="+", default=[3, 5, 10, 20, 50])
    arguments = parser.parse_args()
    tables: dict[str, dict[str, dict[str, str]]] = {"bias": {}, "RMSE": {}}
    for law in LAWS:
        for reps in arguments.reps:
            bias, rmse = coverage(law, reps, arguments.draws)
            tables["bias"].setdefault(law, {})[f"{reps} reps"] = f"{100 * bias:.1f} %"
            tables["RMSE"].setdefault(law, {})[f"{reps} reps"] = f"{100 * rmse:.1f} %"
    for name, table in tables.items():
        print(f"## Coverage of the 95 % {name} interval ({arguments.draws:,} simulated cells each)\n")
        print(render_table(pd.DataFrame(table).T.rename_axis("errors").reset_index(), "markdown"))
        print()


if __name__ == "__main__":
    main()
