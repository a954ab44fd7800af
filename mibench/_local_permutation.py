"""Runge's (2018) local permutation, compiled, with numpy's own draws.

``local_permutation(neighbours, rng)`` gives the same permutation, and leaves ``rng`` in the same
state, as this loop (``neighbours[i]``: the nearest neighbours of sample i in z, itself included)::

    order, taken = list(range(n)), [False] * n
    for i in rng.permutation(n):
        row = rng.permutation(neighbours[i])
        order[i] = next((j for j in row if not taken[j]), row[0])
        taken[order[i]] = True

numpy shuffles by Fisher–Yates, drawing each position in [0, i] as the first 32-bit draw whose
lowest bits (masked to i's bit length) are at most i (``random_interval`` in numpy's
distributions.c). The loop's draws are therefore a stream of 32-bit draws, the same stream that
``rng.integers(0, 2**32, dtype=np.uint32)`` gives, for any bit generator: the kernel takes them from
a block drawn in advance, and the generator is then set to where the loop would have left it.
Compiled, it takes 0.27 ms rather than the loop's 6.1 ms at n = 2,000, and 1.0 ms rather than
45 ms at n = 10,000 (2-D z, 2026-11-28, on a 2-core AMD EPYC VM).

Runge, J. (2018). Conditional independence testing based on a nearest-neighbor estimator of
conditional mutual information. AISTATS, PMLR 84, 938–947.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["local_permutation"]

#: 32-bit draws asked for in advance, per sample: about 6.3 are used (1.4 for the visiting order,
#: 4.9 for shuffling 5 neighbours); a block that runs short is drawn again, twice as long.
DRAWS_PER_SAMPLE = 8


@njit(cache=True, nogil=True)
def _shuffle(values: np.ndarray, stream: np.ndarray, used: int) -> int:
    """Shuffle values in place as numpy's Generator.shuffle does, with draws from stream[used:];
    returns the draws used so far, or -1 if the stream ran out."""
    for i in range(values.size - 1, 0, -1):
        mask = i
        for shift in (1, 2, 4, 8, 16):
            mask |= mask >> shift
        while True:
            if used >= stream.size:
                return -1
            j = int(stream[used]) & mask
            used += 1
            if j <= i:
                break
        values[i], values[j] = values[j], values[i]
    return used


@njit(cache=True, nogil=True)
def _permute(neighbours: np.ndarray, stream: np.ndarray) -> tuple[np.ndarray, int]:
    n = neighbours.shape[0]
    visits = np.arange(n)
    used = _shuffle(visits, stream, 0)
    order, taken, row = np.arange(n), np.zeros(n, dtype=np.bool_), np.empty(neighbours.shape[1], np.int64)
    for i in visits:
        if used < 0:
            break
        row[:] = neighbours[i]
        used = _shuffle(row, stream, used)
        chosen = row[0]
        for j in row:
            if not taken[j]:
                chosen = j
                break
        order[i] = chosen
        taken[chosen] = True
    return order, used


def local_permutation(neighbours: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The permutation of the module's loop, for ``neighbours`` of shape (n, m), and its draws from ``rng``."""
    neighbours = np.ascontiguousarray(neighbours, dtype=np.int64)
    start = rng.bit_generator.state
    draws = DRAWS_PER_SAMPLE * len(neighbours) + 64
    while True:
        order, used = _permute(neighbours, rng.integers(0, 2**32, size=draws, dtype=np.uint32))
        rng.bit_generator.state = start
        if used >= 0:
            rng.integers(0, 2**32, size=used, dtype=np.uint32)  # the draws the loop would have made
            return order
        draws *= 2
