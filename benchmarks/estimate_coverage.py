"""Coverage of ``mibench estimate``'s interval (estimate ± 1.96 × half-sample standard error), by simulation.

For scenarios with known MI, many samples are drawn; on each, the estimate and its half-sample
standard error are computed as ``mibench estimate`` does. Reported: how often the interval holds
the estimator's own mean (what a standard error can cover) and how often it holds the true MI
(which it misses by the estimator's bias).

Usage: python benchmarks/estimate_coverage.py [--samples 200]
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

import mibench
from mibench.tables import render_table
from mibench.userdata import estimate_table

CASES = [
    ("ksg", "gaussian(rho=0.6)", 500),
    ("ksg", "gaussian(rho=0.6, dim=3)", 1000),
    ("plugin", "symmetric_channel(k=4, error=0.2)", 300),
]


def coverage(estimator: str, scenario: str, n: int, samples: int) -> dict[str, object]:
    truth = mibench.get_scenario(scenario).mi
    estimates, errors = [], []
    for sample in range(samples):
        x, y = mibench.get_scenario(scenario).sample(n, 10_000 + sample)
        table = pd.DataFrame(
            np.hstack([x, y]), columns=[f"x{i}" for i in range(x.shape[1])] + [f"y{i}" for i in range(y.shape[1])]
        )
        xs, ys = [c for c in table if c.startswith("x")], [c for c in table if c.startswith("y")]
        kind = mibench.get_scenario(scenario).x_type
        result = estimate_table(table, xs, ys, estimator, x_type=kind, y_type=kind, permutations=0, seed=sample)
        estimates.append(result.estimate)
        errors.append(result.stderr)
    estimates, errors = np.array(estimates), np.array(errors)
    centre = estimates.mean()
    return {
        "estimator": estimator,
        "scenario": scenario,
        "n": n,
        "samples": samples,
        "covers its mean": float(np.mean(np.abs(estimates - centre) <= 1.96 * errors)),
        "covers the truth": float(np.mean(np.abs(estimates - truth) <= 1.96 * errors)),
        "bias": float(centre - truth),
        "mean stderr / sd of estimates": float(errors.mean() / estimates.std(ddof=1)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    rows = [coverage(*case, args.samples) for case in CASES]
    print(render_table(pd.DataFrame(rows), "markdown", digits=3))


if __name__ == "__main__":
    main()
