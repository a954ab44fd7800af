"""Harness throughput: overhead per task with a trivial estimator, and the speed-up of 2 workers over 1.

    python benchmarks/harness_throughput.py

Targets: overhead under 2 ms per task (issue 5; 0.3 ms, issue 16); on estimator-bound work, 2 local
worker processes at least 1.8× faster than 1 (0.9× linear, issue 16), read beside the machine's
ceiling for 2 processes, and the Dask executor within 1.5× of the processes executor's wall time
(issue 16), on a small run and on estimator-bound work. Speed-ups are medians of three alternating
rounds after a warm-up. Runs write to a temporary store, as real runs do.
"""

from __future__ import annotations

import tempfile
import time
from functools import partial

import numpy as np

import mibench


@mibench.register_estimator("bench_trivial")
def bench_trivial(x: np.ndarray, y: np.ndarray) -> float:
    """Returns 0: measures everything but the estimate."""
    return 0.0


def timed_run(**kwargs: object) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        records = mibench.run(out=folder, **kwargs)
        return time.perf_counter() - start, len(records)


def main() -> None:
    # Imported here, not above: Dask's workers re-import the script they were started from, and the
    # ceiling's compiler (numba) would add its import time to every worker's start.
    if __package__:  # imported with the benchmarks package (asv imports every module it finds)
        from .ceiling import SPIN_PER_SECOND, paired_ratio, spin_processes
    else:  # run as a script
        from ceiling import SPIN_PER_SECOND, paired_ratio, spin_processes

    trivial = {"estimators": ["bench_trivial"], "scenarios": ["gaussian(rho=0.5)"], "sample_sizes": [10], "reps": 2000}
    runs = [timed_run(executor="serial", **trivial) for _ in range(4)][1:]  # the first pays one-time imports
    per_task = sorted(1000 * seconds / tasks for seconds, tasks in runs)
    print(
        f"harness overhead, serial, trivial estimator: {per_task[0]:.2f} ms per task, best of 3 after a warm-up "
        f"(spread {per_task[0]:.2f}-{per_task[-1]:.2f}; {runs[0][1]} tasks)"
    )
    seconds, tasks = timed_run(
        estimators=["bench_trivial"],
        scenarios=["gaussian(rho=0.5)"],
        sample_sizes=[10],
        reps=2000,
        jobs=2,
        executor="processes",
    )
    print(f"harness overhead, 2 processes, trivial estimator: {1000 * seconds / tasks:.2f} ms per task ({tasks} tasks)")
    small = {
        "estimators": ["gaussian", "ksg"],
        "scenarios": ["gaussian(rho=0.5)", "gaussian(rho=0.8)"],
        "sample_sizes": [100],
        "reps": 75,
    }
    timed_run(jobs=2, executor="processes", **small)
    timed_run(jobs=2, executor="dask", **small)  # starts the fork server the Dask workers come from
    small_ratios = []
    for _ in range(3):
        processes, tasks = timed_run(jobs=2, executor="processes", **small)
        dask, _ = timed_run(jobs=2, executor="dask", **small)
        small_ratios.append(dask / processes)
    print(
        f"{tasks} small tasks on 2 workers, cluster start included: Dask LocalCluster / processes, median of three "
        f"pairs {np.median(small_ratios):.2f}× (spread {min(small_ratios):.2f}-{max(small_ratios):.2f}; the last "
        f"pair {dask:.2f} s / {processes:.2f} s)"
    )
    work = {"estimators": ["ksg"], "scenarios": ["gaussian(rho=0.5, dim=2)"], "sample_sizes": [20000], "reps": 120}
    two = timed_run(jobs=2, executor="processes", **work)[0]  # warms the file cache and the compiled kernels' cache
    iterations = int(two * SPIN_PER_SECOND)
    ratios, ceilings, dask_ratios, triples = [], [], [], []
    for _ in range(3):  # alternating, so that a slow spell of a shared machine hits every side
        one, _ = timed_run(jobs=1, executor="processes", **work)
        two, _ = timed_run(jobs=2, executor="processes", **work)
        dask, _ = timed_run(jobs=2, executor="dask", **work)
        ratios.append(one / two)
        dask_ratios.append(dask / two)
        triples.append(f"{one:.1f}/{two:.1f}/{dask:.1f}")
        ceilings.append(paired_ratio(partial(spin_processes, iterations, 1), partial(spin_processes, iterations, 2)))
    print(
        f"estimator-bound work (ksg, 120 × n = 20000), seconds on 1 process / 2 processes / Dask with 2 workers: "
        f"{', '.join(triples)}"
    )
    print(
        f"  2 processes over 1: median {np.median(ratios):.2f}× (spread {min(ratios):.2f}-{max(ratios):.2f}); the "
        f"machine's ceiling, a compiled loop on 1 and 2 forked processes in the same rounds: "
        f"{np.median(ceilings):.2f}× (spread {min(ceilings):.2f}-{max(ceilings):.2f})"
    )
    print(
        f"  Dask / 2 processes: median {np.median(dask_ratios):.2f}× "
        f"(spread {min(dask_ratios):.2f}-{max(dask_ratios):.2f})"
    )


if __name__ == "__main__":
    main()
