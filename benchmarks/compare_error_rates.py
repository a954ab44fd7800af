"""False-alarm rate and power of ``mibench compare`` on the quick suite, measured by simulation.

Runs the quick suite (every built-in estimator, the baseline's 5 repetitions) under run seeds
0..S and compares:

- null pairs, other seeds: every pair of runs with different seeds (unpaired comparisons of the
  same code); any flagged regression is a false alarm;
- null pairs, same seeds: a run against a rerun of itself (paired);
- shifted pairs: a run against itself with one estimator changed (+0.02 or +0.05 nats of bias,
  or every error of that estimator scaled by 1.3, a 30 % RMSE inflation); the changed estimator
  rotates over all of them. Power is the share of such comparisons that flag a regression.

Usage: python benchmarks/compare_error_rates.py [--seeds 21] [--jobs 2]
"""

from __future__ import annotations

import argparse
import itertools
import time

import pandas as pd
from scipy import stats

import mibench
from mibench.compare import compare, has_regressions
from mibench.estimator import default_estimators
from mibench.experiment_file import load_experiment
from mibench.tables import render_table


def clopper_pearson(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    alpha = 1 - confidence
    low = stats.beta.ppf(alpha / 2, successes, trials - successes + 1) if successes else 0.0
    high = stats.beta.ppf(1 - alpha / 2, successes + 1, trials - successes) if successes < trials else 1.0
    return float(low), float(high)


def changed(records, estimator: str, shift: float = 0.0, scale: float = 1.0):
    """The records with one estimator's errors scaled and shifted, as a code change would."""
    records = records.copy()
    chosen = (records["estimator"] == estimator) & (records["status"] == "ok")
    records.loc[chosen, "error"] = records.loc[chosen, "error"] * scale + shift
    records.loc[chosen, "estimate"] = records.loc[chosen, "true_mi"] + records.loc[chosen, "error"]
    return records


def accuracy_alarm(baseline, candidate) -> bool:
    """Whether the gate fails: a regression, a missing cell or new failures (runtime aside)."""
    return has_regressions(compare(baseline, candidate))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--seeds", type=int, default=21, help="runs of the quick suite (pairs: seeds × (seeds − 1) / 2)"
    )
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    options = load_experiment("quick")
    options.pop("seed", None)
    estimators = default_estimators(builtin_only=True)
    started = time.perf_counter()
    runs = [mibench.run(estimators=estimators, seed=seed, jobs=args.jobs, **options) for seed in range(args.seeds)]
    print(
        f"{args.seeds} runs of the quick suite ({len(runs[0])} estimates each, {options['reps']} reps per cell) "
        f"in {time.perf_counter() - started:.0f} s"
    )
    rows = []
    null_pairs = list(itertools.combinations(range(args.seeds), 2))
    alarms = sum(accuracy_alarm(runs[i], runs[j]) for i, j in null_pairs)
    rows.append(("null, other seeds (unpaired)", alarms, len(null_pairs)))
    reruns = min(5, args.seeds)
    same = sum(
        accuracy_alarm(runs[seed], mibench.run(estimators=estimators, seed=seed, jobs=args.jobs, **options))
        for seed in range(reruns)
    )
    rows.append(("null, same seeds (paired rerun)", same, reruns))
    names = sorted(runs[0]["estimator"].unique())
    for label, shift, scale in (
        ("+0.02 nats bias", 0.02, 1.0),
        ("+0.05 nats bias", 0.05, 1.0),
        ("RMSE × 1.3", 0.0, 1.3),
    ):
        caught = sum(
            accuracy_alarm(run, changed(run, names[index % len(names)], shift, scale)) for index, run in enumerate(runs)
        )
        rows.append((f"shifted: {label} in one estimator (paired)", caught, len(runs)))
    table = pd.DataFrame(
        [
            (label, flagged, total, flagged / total, "{:.3f}–{:.3f}".format(*clopper_pearson(flagged, total)))
            for label, flagged, total in rows
        ],
        columns=["comparison", "flagged", "of", "rate", "95 % interval"],
    )
    print(render_table(table, "markdown", digits=3))


if __name__ == "__main__":
    main()
