"""Harness throughput: overhead per task with a trivial estimator, and the speed-up of 2 workers over 1.

    python benchmarks/harness_throughput.py
    python benchmarks/harness_throughput.py --jobs 16 --tasks 480 --rounds 2 --only-workers   # all cores against 1

Targets: overhead under 2 ms per task (issue 5; 0.3 ms, issue 16); on estimator-bound work, 2 local
worker processes at least 1.8× faster than 1 (0.9× linear, issue 16), read beside the machine's
ceiling for 2 processes, and the Dask executor within 1.5× of the processes executor's wall time
(issue 16), on a small run and on estimator-bound work. Speed-ups are medians of three alternating
rounds after a warm-up. Runs write to a temporary store, as real runs do. asv tracks the same
figures on smaller runs (``benchmarks.Harness``).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from functools import partial

import numpy as np

import mibench

TRIVIAL = {"estimators": ["bench_trivial"], "scenarios": ["gaussian(rho=0.5)"], "sample_sizes": [10], "reps": 2000}
SMALL = {
    "estimators": ["gaussian", "ksg"],
    "scenarios": ["gaussian(rho=0.5)", "gaussian(rho=0.8)"],
    "sample_sizes": [100],
    "reps": 75,
}
WORK = {"estimators": ["ksg"], "scenarios": ["gaussian(rho=0.5, dim=2)"], "sample_sizes": [20000], "reps": 120}


@mibench.register_estimator("bench_trivial")
def bench_trivial(x: np.ndarray, y: np.ndarray) -> float:
    """Returns 0: measures everything but the estimate."""
    return 0.0


def timed_run(**kwargs: object) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        records = mibench.run(out=folder, **kwargs)
        return time.perf_counter() - start, len(records)


def serial_overhead(trivial: dict = TRIVIAL, rounds: int = 3) -> tuple[list[float], int]:
    """Milliseconds per task of each serial round after a warm-up (sorted), and the tasks per round."""
    timed_run(executor="serial", **trivial)  # pays one-time imports
    runs = [timed_run(executor="serial", **trivial) for _ in range(rounds)]
    return sorted(1000 * seconds / tasks for seconds, tasks in runs), runs[0][1]


def dask_over_processes(small: dict = SMALL, pairs: int = 3, jobs: int = 2) -> tuple[list[float], str]:
    """Dask's wall time over the processes executor's, ``jobs`` workers each, in alternating pairs after a
    warm-up of each (the first Dask run starts the fork server its workers come from); and the last pair."""
    timed_run(jobs=jobs, executor="processes", **small)
    timed_run(jobs=jobs, executor="dask", **small)
    ratios = []
    for _ in range(pairs):
        processes, _ = timed_run(jobs=jobs, executor="processes", **small)
        dask, _ = timed_run(jobs=jobs, executor="dask", **small)
        ratios.append(dask / processes)
    return ratios, f"{dask:.2f} s / {processes:.2f} s"


def estimator_bound_rounds(work: dict = WORK, rounds: int = 3, jobs: int = 2) -> dict[str, list[float]]:
    """Alternating rounds of 1 process, ``jobs`` processes and Dask with ``jobs`` workers on
    estimator-bound work, each beside the machine's ceiling for ``jobs`` processes (a compiled loop),
    so that a slow spell hits every side."""
    # Imported here, not above: Dask's workers re-import the script they were started from, and the
    # ceiling's compiler (numba) would add its import time to every worker's start.
    if __package__:  # imported with the benchmarks package (asv imports every module it finds)
        from .ceiling import SPIN_PER_SECOND, paired_ratio, spin_processes
    else:  # run as a script
        from ceiling import SPIN_PER_SECOND, paired_ratio, spin_processes

    many = timed_run(jobs=jobs, executor="processes", **work)[0]  # warms the file cache and the kernels' cache
    timed_run(jobs=jobs, executor="dask", **work)
    iterations = int(many * SPIN_PER_SECOND)
    seen: dict[str, list[float]] = {"one": [], "many": [], "dask": [], "ceiling": []}
    for _ in range(rounds):
        seen["one"].append(timed_run(jobs=1, executor="processes", **work)[0])
        seen["many"].append(timed_run(jobs=jobs, executor="processes", **work)[0])
        seen["dask"].append(timed_run(jobs=jobs, executor="dask", **work)[0])
        seen["ceiling"].append(
            paired_ratio(partial(spin_processes, iterations, 1), partial(spin_processes, iterations, jobs))
        )
    return seen


def spread(values: list[float]) -> str:
    return f"median {np.median(values):.2f}× (spread {min(values):.2f}-{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=2, help="workers to compare against 1 (default 2)")
    parser.add_argument("--tasks", type=int, default=WORK["reps"], help="estimator-bound tasks per run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds on estimator-bound work")
    parser.add_argument("--only-workers", action="store_true", help="skip the overheads and the small tasks")
    args = parser.parse_args()
    jobs, work = args.jobs, {**WORK, "reps": args.tasks}
    if not args.only_workers:
        per_task, tasks = serial_overhead()
        print(
            f"harness overhead, serial, trivial estimator: {per_task[0]:.2f} ms per task, best of 3 after a "
            f"warm-up (spread {per_task[0]:.2f}-{per_task[-1]:.2f}; {tasks} tasks)"
        )
        seconds, tasks = timed_run(jobs=jobs, executor="processes", **TRIVIAL)
        print(
            f"harness overhead, {jobs} processes, trivial estimator: {1000 * seconds / tasks:.2f} ms per task "
            f"({tasks} tasks)"
        )
        ratios, last = dask_over_processes(jobs=jobs)
        print(
            f"300 small tasks on {jobs} workers, cluster start included: Dask LocalCluster / processes, three "
            f"pairs {spread(ratios)}; the last pair {last}"
        )
    seen = estimator_bound_rounds(work, args.rounds, jobs)
    rounds = zip(seen["one"], seen["many"], seen["dask"])
    print(
        f"estimator-bound work (ksg, {args.tasks} × n = {WORK['sample_sizes'][0]}), seconds on 1 process / "
        f"{jobs} processes / Dask with {jobs} workers: "
        + ", ".join(f"{one:.1f}/{many:.1f}/{dask:.1f}" for one, many, dask in rounds)
    )
    speedups = [one / many for one, many in zip(seen["one"], seen["many"])]
    print(
        f"  {jobs} processes over 1: {spread(speedups)}; the machine's ceiling, a compiled loop on 1 and {jobs} "
        f"forked processes in the same rounds: {spread(seen['ceiling'])}"
    )
    print(f"  Dask / {jobs} processes: {spread([dask / many for dask, many in zip(seen['dask'], seen['many'])])}")


if __name__ == "__main__":
    main()
