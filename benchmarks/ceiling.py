"""The most a machine gives from parallel work at a given moment, to read a measured speed-up against.

A compiled loop with no memory traffic is split evenly over threads or worker processes and timed
against the same loop on one; on a shared or virtual machine this ceiling moves from minute to
minute, so the benchmarks time it in the same alternating pairs as the code they measure.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from numba import njit

__all__ = ["SPIN_PER_SECOND", "paired_ratio", "spin", "spin_processes", "spin_threads"]

#: spin's iterations per second on one 2.1 GHz core, to size its work like the code it sits beside.
SPIN_PER_SECOND = 8 * 10**8


@njit(nogil=True)  # not cached: the module is imported under two names (script and asv package)
def spin(iterations: int) -> float:
    total = 0.0
    for i in range(iterations):
        total += (i % 7) * 0.5
    return total


def spin_threads(iterations: int, threads: int) -> None:
    """spin's iterations split evenly over threads (spin releases the GIL)."""
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(spin, [iterations // threads] * threads))


def spin_processes(iterations: int, processes: int) -> None:
    """spin's iterations split evenly over freshly forked processes, their start included."""
    spin(1)  # compiled or loaded before the fork, as the executor's workers find mibench imported
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=spin, args=(iterations // processes,)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def paired_ratio(one: Callable[[], object], many: Callable[[], object]) -> float:
    """Time one, then many, back to back: how many times faster many ran."""
    start = time.perf_counter()
    one()
    middle = time.perf_counter()
    many()
    return (middle - start) / (time.perf_counter() - middle)
