"""Coverage of ``mibench estimate``'s interval (estimate ∓ t × half-sample standard error, Student's t on as
many degrees of freedom as half-sample pairs: :func:`mibench.userdata.sampling_interval`), by simulation,
and, for transfer entropy (``--te``), the false-positive rate of its permutation p-value.

For scenarios with known MI, many samples are drawn; on each, the estimate and its half-sample
standard error are computed as ``mibench estimate`` does. Reported: how often the interval holds
the estimator's own mean (what a standard error can cover) and how often it holds the true MI
(which it misses by the estimator's bias); section ``cmi`` does so for conditional MI, z in the
table too. Transfer entropy is estimated on pairs of series
(serially dependent rows), with the standard error from halves made of whole stretches of time (5 of
10), and for comparison from random halves of the rows; on series without coupling (TE 0), and on
series with a common driver given it (conditional TE 0), how often p ≤ 0.05. A scan over source
delays (``--delay 1-5``, :func:`mibench.userdata.scan_delays`): on series without coupling, how often
its p-value for the largest TE is ≤ 0.05, and how often some delay's own p-value is; on series
coupled at lag 3, how often the largest TE is at delay 3 and its p-value ≤ 0.05.
Below ``MIN_STDERR_N`` samples ``mibench estimate`` gives no standard error: section ``small`` shows
the coverage that the half-sample standard error would have there.

Usage: python benchmarks/estimate_coverage.py [--samples 200] [--sections mi cmi te null scan small]
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

import mibench
from mibench.estimator import get_estimator
from mibench.seeding import derived_generator
from mibench.tables import render_table
from mibench.userdata import (
    MIN_STDERR_N,
    _half_sample_stderr,
    estimate_table,
    lagged_table,
    sampling_interval,
    scan_delays,
)

CASES = [
    ("ksg", "gaussian(rho=0.6)", 500),
    ("ksg", "gaussian(rho=0.6, dim=3)", 1000),
    ("plugin", "symmetric_channel(k=4, error=0.2)", 300),
    ("ksg", "gaussian(rho=0.9, dim=2)", 1000),
]
#: Conditional MI I(X;Y|Z), z in the table as well.
CMI_CASES = [
    ("gaussian", "gaussian_cmi", 1000),
    ("ksg", "gaussian_cmi", 1000),
    ("mesner_shalizi", "classes_given_covariate", 1000),
    ("plugin", "random_cmi_pmf(kx=3, ky=3, kz=4)", 1000),
]
#: Standard errors from this many half-sample pairs, estimate_table's default.
SUBSAMPLES = 10
#: Transfer entropy on series: strongly autocorrelated (a = b = 0.9), where random halves of the
#: rows would interleave dependent neighbours.
TE_CASES = [
    ("gaussian", "var1_te(a=0.9, b=0.9, c=0.5)", 1000),
    ("ksg", "var1_te(a=0.9, b=0.9, c=0.5)", 1000),
    ("plugin", "markov_te(flip=0.05, coupling=0.3, noise=0.05)", 1000),
]
#: Small samples, up to MIN_STDERR_N: the standard error computed as estimate_table computes it above.
SMALL_CASES = [
    (estimator, scenario, n)
    for estimator, scenario in (("ksg", "gaussian(rho=0.6)"), ("plugin", "symmetric_channel(k=4, error=0.2)"))
    for n in (8, 16, 32, 64, MIN_STDERR_N)
]
#: Series W, X, Y where W drives X and Y one step later: the TE X → Y given W is 0 (``--z w``).
COMMON_DRIVER = "common driver W → X, W → Y, given W"
BINARY_COMMON_DRIVER = "binary common driver W → X, W → Y, given W"
NULL_CASES = [
    ("gaussian", "var1_te(a=0.9, b=0.9, c=0.0)", 500),
    ("ksg", "var1_te(a=0.9, b=0.9, c=0.0)", 500),
    ("plugin", "markov_te(flip=0.05, coupling=0.0, noise=0.05)", 500),
    ("gaussian", COMMON_DRIVER, 500),
    ("ksg", COMMON_DRIVER, 500),
    ("plugin", BINARY_COMMON_DRIVER, 500),
]

#: Delay scans (delays 1..5): without coupling, and coupled at lag 3.
SCAN_DELAYS = (1, 2, 3, 4, 5)
SCAN_CASES = [
    ("gaussian", "var1_te(a=0.9, b=0.9, c=0.0)", 500),
    ("ksg", "var1_te(a=0.9, b=0.9, c=0.0)", 500),
    ("plugin", "markov_te(flip=0.05, coupling=0.0, noise=0.05)", 500),
    ("gaussian", "var1_te(a=0.5, b=0.5, c=0.3, lag=3)", 500),
    ("ksg", "var1_te(a=0.5, b=0.5, c=0.3, lag=3)", 500),
]


def series_table(scenario: str, n: int, seed: int) -> pd.DataFrame:
    """The two series behind a TE scenario's sample (history 1, delay 1): x = X_{t-1}, y = Y_t, z = Y_{t-1} for
    t = 1..n give X_0..X_{n-1} and Y_0..Y_n; X_n, never used, is repeated from X_{n-1}."""
    x, y, z = mibench.get_scenario(scenario).sample(n, seed)
    return pd.DataFrame({"source": np.append(x[:, 0], x[-1, 0]), "target": np.append(z[0, 0], y[:, 0])})


def common_driver_table(_scenario: str, n: int, seed: int) -> pd.DataFrame:
    """W_t = 0.8 W_{t-1} + e, X_t = 0.5 X_{t-1} + 0.8 W_{t-1} + e', Y_t = 0.5 Y_{t-1} + 0.8 W_{t-1} + e'':
    given W_{t-1}, Y_t depends on nothing else, so the TE X → Y given W is 0 (without W it is not)."""
    noise = np.random.default_rng(seed).standard_normal((n + 1, 3))
    w, x, y = np.zeros(n + 1), np.zeros(n + 1), np.zeros(n + 1)
    for t in range(1, n + 1):
        w[t] = 0.8 * w[t - 1] + noise[t, 0]
        x[t] = 0.5 * x[t - 1] + 0.8 * w[t - 1] + noise[t, 1]
        y[t] = 0.5 * y[t - 1] + 0.8 * w[t - 1] + noise[t, 2]
    return pd.DataFrame({"source": x, "target": y, "w": w})


def binary_common_driver_table(_scenario: str, n: int, seed: int) -> pd.DataFrame:
    """W a binary Markov chain (flips with probability 0.1); X_t and Y_t are W_{t-1}, each flipped
    with probability 0.2: given W_{t-1}, Y_t depends on nothing else, so the TE X → Y given W is 0."""
    rng = np.random.default_rng(seed)
    w = np.cumsum(rng.random(n + 1) < 0.1) % 2
    x, y = (np.concatenate([[0], w[:-1] ^ (rng.random(n) < 0.2)]) for _ in range(2))
    return pd.DataFrame({"source": x, "target": y, "w": w})


#: The series tables of the common-driver cases, by name.
DRIVEN = {COMMON_DRIVER: common_driver_table, BINARY_COMMON_DRIVER: binary_common_driver_table}


def te_coverage(estimator: str, scenario: str, n: int, samples: int) -> dict[str, object]:
    truth = mibench.get_scenario(scenario).mi
    estimates, in_time, shuffled = [], [], []
    for sample in range(samples):
        table = series_table(scenario, n, 20_000 + sample)
        result = estimate_table(table, ["source"], ["target"], estimator, history=1, permutations=0, seed=sample)
        estimates.append(result.estimate)
        in_time.append(result.stderr)
        lagged, x, y, z = lagged_table(table, ["source"], ["target"], 1, 1, 1)
        iid = estimate_table(lagged, x, y, estimator, z=z, permutations=0, seed=sample)  # rows as if independent
        shuffled.append(iid.stderr)
    estimates = np.array(estimates)
    centre = estimates.mean()
    row = {"estimator": estimator, "scenario": scenario, "n": n, "samples": samples, "bias": float(centre - truth)}
    for label, errors in (("stretches of time", np.array(in_time)), ("random halves", np.array(shuffled))):
        row[f"covers its mean ({label})"] = covered(estimates, errors, centre)
        row[f"stderr / sd ({label})"] = float(errors.mean() / estimates.std(ddof=1))
    return row


def null_rejections(estimator: str, scenario: str, n: int, samples: int, permutations: int = 19) -> dict[str, object]:
    p_values = [
        estimate_table(
            DRIVEN.get(scenario, series_table)(scenario, n, 30_000 + sample),
            ["source"],
            ["target"],
            estimator,
            z=["w"] if scenario in DRIVEN else None,
            history=1,
            permutations=permutations,
            subsamples=0,
            seed=sample,
        ).p_value
        for sample in range(samples)
    ]
    return {
        **case_columns(estimator, scenario, n, samples, permutations),
        "p <= 0.05": float(np.mean(np.array(p_values) <= 0.05)),
    }


def case_columns(estimator: str, scenario: str, n: int, series: int, permutations: int) -> dict[str, object]:
    """The columns that name a case of a test's simulated error rate."""
    return {"estimator": estimator, "scenario": scenario, "n": n, "series": series, "permutations": permutations}


def scan_rejections(estimator: str, scenario: str, n: int, samples: int, permutations: int = 19) -> dict[str, object]:
    scans = [
        scan_delays(
            series_table(scenario, n, 40_000 + sample),
            ["source"],
            ["target"],
            SCAN_DELAYS,
            estimator,
            permutations=permutations,
            subsamples=0,
            seed=sample,
        )
        for sample in range(samples)
    ]
    lag = getattr(mibench.get_scenario(scenario), "lag", 1)
    return {
        **case_columns(estimator, scenario, n, samples, permutations),
        "p (largest) <= 0.05": float(np.mean([scan.p_value <= 0.05 for scan in scans])),
        "some delay's p <= 0.05": float(np.mean([min(r.p_value for r in scan.results) <= 0.05 for scan in scans])),
        "largest at the lag, p <= 0.05": float(
            np.mean([scan.best_delay == lag and scan.p_value <= 0.05 for scan in scans])
        ),
    }


def small_sample_coverage(estimator: str, scenario: str, n: int, samples: int) -> dict[str, object]:
    """As :func:`coverage`, with the estimate and its half-sample standard error computed as
    ``estimate_table`` computes them (the same seeds), below the n where it withholds the latter."""
    source, chosen = mibench.get_scenario(scenario), get_estimator(estimator)
    estimates, errors = [], []
    for sample in range(samples):
        x, y = source.sample(n, 10_000 + sample)
        data = chosen.prepare(x, y, x_type=source.x_type, y_type=source.y_type)
        estimates.append(chosen.estimate_validated(data.x, data.y, **data.types, rng=derived_generator(sample, 1)))
        errors.append(_half_sample_stderr(chosen, data, SUBSAMPLES, sample))
    return coverage_row(estimator, scenario, n, np.array(estimates), np.array(errors), source.mi)


def covered(estimates: np.ndarray, errors: np.ndarray, target: float) -> float:
    """The share of samples whose interval, as ``mibench estimate`` gives it, holds ``target``."""
    intervals = [sampling_interval(value, error, SUBSAMPLES) for value, error in zip(estimates, errors, strict=True)]
    return float(np.mean([low <= target <= high for low, high in intervals]))


def coverage_row(
    estimator: str, scenario: str, n: int, estimates: np.ndarray, errors: np.ndarray, truth: float
) -> dict[str, object]:
    centre = estimates.mean()
    return {
        "estimator": estimator,
        "scenario": scenario,
        "n": n,
        "samples": len(estimates),
        "covers its mean": covered(estimates, errors, centre),
        "covers the truth": covered(estimates, errors, truth),
        "± 1.96 SE covers its mean": float(np.mean(np.abs(estimates - centre) <= 1.96 * errors)),
        "bias": float(centre - truth),
        "mean stderr / sd of estimates": float(errors.mean() / estimates.std(ddof=1)),
        "stderr 0": int(np.sum(errors == 0)),
    }


def coverage(estimator: str, scenario: str, n: int, samples: int) -> dict[str, object]:
    """The interval's coverage on a scenario's samples put in a table (x, y and, for conditional MI, z
    columns), estimated as ``mibench estimate`` does."""
    source = mibench.get_scenario(scenario)
    estimates, errors = [], []
    for sample in range(samples):
        variables = dict(zip("xyz", source.sample(n, 10_000 + sample)))
        table = pd.DataFrame(
            np.hstack(list(variables.values())),
            columns=[f"{name}{i}" for name, values in variables.items() for i in range(values.shape[1])],
        )
        columns = {name: [c for c in table if c.startswith(name)] for name in variables}
        result = estimate_table(
            table,
            columns["x"],
            columns["y"],
            estimator,
            z=columns.get("z"),
            x_type=source.x_type,
            y_type=source.y_type,
            z_type=source.z_type if "z" in columns else None,
            permutations=0,
            seed=sample,
        )
        estimates.append(result.estimate)
        errors.append(result.stderr)
    return coverage_row(estimator, scenario, n, np.array(estimates), np.array(errors), source.mi)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument(
        "--sections",
        nargs="+",
        choices=["mi", "cmi", "te", "null", "scan", "small"],
        default=["mi", "cmi", "te", "null", "scan", "small"],
    )
    args = parser.parse_args()
    sections = {
        "mi": (coverage, CASES, "MI: the interval estimate ∓ t × SE"),
        "cmi": (coverage, CMI_CASES, "conditional MI: the interval estimate ∓ t × SE"),
        "te": (te_coverage, TE_CASES, "transfer entropy: the interval estimate ∓ t × SE"),
        "null": (null_rejections, NULL_CASES, "transfer entropy without coupling: permutation p ≤ 0.05"),
        "scan": (scan_rejections, SCAN_CASES, f"delay scans over {SCAN_DELAYS}: p ≤ 0.05"),
        "small": (
            small_sample_coverage,
            SMALL_CASES,
            f"MI below n = {MIN_STDERR_N}: the interval estimate ∓ t × SE, were it given",
        ),
    }
    for name in args.sections:
        function, cases, title = sections[name]
        print(f"### {title}\n")
        print(render_table(pd.DataFrame([function(*case, args.samples) for case in cases]), "markdown", digits=3))
        print()


if __name__ == "__main__":
    main()
