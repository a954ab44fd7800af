"""Harness throughput: overhead per task with a trivial estimator, and the speed-up of 2 workers over 1.

    python benchmarks/harness_throughput.py

Targets: overhead under 2 ms per task (issue 5; 0.3 ms, issue 16); on estimator-bound work, 2 local
worker processes at least 1.8× faster than 1 (0.9× linear, issue 16), read beside the machine's
ceiling for 2 processes, and the Dask executor within 1.5× of the processes executor's wall time
(issue 16), on a small run and on estimator-bound work. Speed-ups are medians of three alternating
rounds after a warm-up. Runs write to a temporary store, as real runs do. asv tracks the same
figures on smaller runs (``benchmarks.Harness``).
"""

from __future__ import annotations

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


def dask_over_processes(small: dict = SMALL, pairs: int = 3) -> tuple[list[float], str]:
    """Dask's wall time over the processes executor's, 2 workers each, in alternating pairs after a
    warm-up of each (the first Dask run starts the fork server its workers come from); and the last pair."""
    timed_run(jobs=2, executor="processes", **small)
    timed_run(jobs=2, executor="dask", **small)
    ratios = []
    for _ in range(pairs):
        processes, _ = timed_run(jobs=2, executor="processes", **small)
        dask, _ = timed_run(jobs=2, executor="dask", **small)
        ratios.append(dask / processes)
    return ratios, f"{dask:.2f} s / {processes:.2f} s"


def estimator_bound_rounds(work: dict = WORK, rounds: int = 3) -> dict[str, list[float]]:
    """Alternating rounds of 1 process, 2 processes and Dask with 2 workers on estimator-bound work, each
    beside the machine's ceiling for 2 processes (a compiled loop), so that a slow spell hits every side."""
    # Imported here, not above: Dask's workers re-import the script they were started from, and the
    # ceiling's compiler (numba) would add its import time to every worker's start.
    if __package__:  # imported with the benchmarks package (asv imports every module it finds)
        from .ceiling import SPIN_PER_SECOND, paired_ratio, spin_processes
    else:  # run as a script
        from ceiling import SPIN_PER_SECOND, paired_ratio, spin_processes

    two = timed_run(jobs=2, executor="processes", **work)[0]  # warms the file cache and the compiled kernels' cache
    timed_run(jobs=2, executor="dask", **work)
    iterations = int(two * SPIN_PER_SECOND)
    seen: dict[str, list[float]] = {"one": [], "two": [], "dask": [], "ceiling": []}
    for _ in range(rounds):
        seen["one"].append(timed_run(jobs=1, executor="processes", **work)[0])
        seen["two"].append(timed_run(jobs=2, executor="processes", **work)[0])
        seen["dask"].append(timed_run(jobs=2, executor="dask", **work)[0])
        seen["ceiling"].append(
            paired_ratio(partial(spin_processes, iterations, 1), partial(spin_processes, iterations, 2))
        )
    return seen


def spread(values: list[float]) -> str:
    return f"median {np.median(values):.2f}× (spread {min(values):.2f}-{max(values):.2f})"


def main() -> None:
    per_task, tasks = serial_overhead()
    print(
        f"harness overhead, serial, trivial estimator: {per_task[0]:.2f} ms per task, best of 3 after a warm-up "
        f"(spread {per_task[0]:.2f}-{per_task[-1]:.2f}; {tasks} tasks)"
    )
    seconds, tasks = timed_run(jobs=2, executor="processes", **TRIVIAL)
    print(f"harness overhead, 2 processes, trivial estimator: {1000 * seconds / tasks:.2f} ms per task ({tasks} tasks)")
    ratios, last = dask_over_processes()
    print(
        f"300 small tasks on 2 workers, cluster start included: Dask LocalCluster / processes, three pairs "
        f"{spread(ratios)}; the last pair {last}"
    )
    seen = estimator_bound_rounds()
    rounds = zip(seen["one"], seen["two"], seen["dask"])
    print(
        "estimator-bound work (ksg, 120 × n = 20000), seconds on 1 process / 2 processes / Dask with 2 workers: "
        + ", ".join(f"{one:.1f}/{two:.1f}/{dask:.1f}" for one, two, dask in rounds)
    )
    speedups = [one / two for one, two in zip(seen["one"], seen["two"])]
    print(
        f"  2 processes over 1: {spread(speedups)}; the machine's ceiling, a compiled loop on 1 and 2 forked "
        f"processes in the same rounds: {spread(seen['ceiling'])}"
    )
    print(f"  Dask / 2 processes: {spread([dask / two for dask, two in zip(seen['dask'], seen['two'])])}")


if __name__ == "__main__":
    main()
