"""Compiled neighbour searches: the k nearest neighbours and radius counts of every point, max-norm.

The kNN estimators need exact queries on the sample itself: each point's k nearest other points
(or just the k-th distance), and the number of points within a radius of each point. ``Tree``
answers both with a balanced k-d tree (median splits, tight bounding boxes); ``sorted_counts``
counts in one dimension by a merge of sorted window edges; ``window_counts`` counts in several
dimensions by intersecting per-coordinate windows held as bit sets. All are compiled with numba
and release the GIL, so a caller may split the queries across threads.

Exactness: a distance is max_c fl(|p_jc - p_ic|), the same floating-point value a brute-force
loop computes. Boxes, cells and windows prune only by bounds of that same arithmetic (rounding
is monotone), so no result depends on the tree's shape or on rounding at the boundary.
"""

from __future__ import annotations

import itertools
import math
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from typing import TypeVar

import numpy as np
from numba import njit

__all__ = ["Tree", "libm_log", "share_out", "sorted_counts", "sorted_edges", "window_counts"]

T = TypeVar("T")
R = TypeVar("R")


class _Pools(threading.local):
    """The calling thread's pools, by size; forgotten in a forked child, which has none of their threads."""

    def __init__(self) -> None:
        self.pid, self.by_size = os.getpid(), {}


_pools = _Pools()


def _thread_pool(size: int) -> ThreadPoolExecutor:
    """A pool of ``size`` threads kept for the calling thread (starting threads costs about 0.4 ms a
    pool). Each calling thread has its own, so work shared out from a pool's thread never waits on
    the pool it runs in; a pool goes when its calling thread does."""
    if _pools.pid != os.getpid():
        _pools.pid, _pools.by_size = os.getpid(), {}
    if size not in _pools.by_size:
        _pools.by_size[size] = ThreadPoolExecutor(size, thread_name_prefix="mibench-neighbours")
    return _pools.by_size[size]


def share_out(task: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """``[task(item) for item in items]`` on up to ``workers`` threads, the calling one included,
    each taking the next item as it comes free (numpy and the compiled kernels release the GIL).

    One hand-off per helper thread rather than per item: on a virtual machine each hand-off cost the
    calling thread about 0.1 ms.
    """
    results: list = [None] * len(items)
    claims, lock = itertools.count(), threading.Lock()

    def work() -> None:
        while True:
            with lock:
                index = next(claims)
            if index >= len(items):
                return
            results[index] = task(items[index])

    helpers = min(workers, len(items)) - 1
    running = [_thread_pool(helpers).submit(work) for _ in range(helpers)] if helpers > 0 else []
    try:
        work()
    finally:
        wait(running)  # all of them, also when a share failed: none may write after we return
    for helper in running:
        helper.result()  # a helper's error, raised here
    return results


LEAF_SIZE = 8


@njit(cache=True, nogil=True)
def _select(points: np.ndarray, index: np.ndarray, dim: int, start: int, stop: int, nth: int) -> None:
    """Reorder rows start..stop-1 of points (and index with them) so that row nth holds the row of
    rank nth on coordinate dim, with no larger coordinate before it and no smaller one after it
    (Hoare's selection)."""
    low, high = start, stop - 1
    dims = points.shape[1]
    while low < high:
        middle = (low + high) // 2
        a, b, c = points[low, dim], points[middle, dim], points[high, dim]
        pivot = max(min(a, b), min(max(a, b), c))  # median of three
        i, j = low, high
        while i <= j:
            while points[i, dim] < pivot:
                i += 1
            while points[j, dim] > pivot:
                j -= 1
            if i <= j:
                for c in range(dims):
                    points[i, c], points[j, c] = points[j, c], points[i, c]
                index[i], index[j] = index[j], index[i]
                i += 1
                j -= 1
        if nth <= j:
            high = j
        elif nth >= i:
            low = i
        else:
            return


@njit(cache=True, nogil=True)
def _split(tree_points, index, start, stop, low, high, root, depths) -> None:
    """Split the nodes of the subtree under root, depths levels deep, top-down: each at the median
    of the coordinate along which its cell (the root's box cut by the splits above) is widest."""
    dims = tree_points.shape[1]
    for depth in range(depths):
        leftmost = root * 2**depth + 2**depth - 1
        for node in range(leftmost, leftmost + 2**depth):
            a, b = start[node], stop[node]
            widest, spread = 0, -1.0
            for c in range(dims):
                if high[node, c] - low[node, c] > spread:
                    widest, spread = c, high[node, c] - low[node, c]
            middle = (a + b) // 2
            if b - a > 1:
                _select(tree_points, index, widest, a, b, middle)
            split = tree_points[middle, widest] if b > a else low[node, widest]
            for child in (2 * node + 1, 2 * node + 2):
                low[child], high[child] = low[node], high[node]
            high[2 * node + 1, widest] = split
            low[2 * node + 2, widest] = split
            start[2 * node + 1], stop[2 * node + 1] = a, middle
            start[2 * node + 2], stop[2 * node + 2] = middle, b


@njit(cache=True, nogil=True)
def _tighten(tree_points, start, stop, low, high, root, depths, leaves) -> None:
    """The tight bounding boxes of the subtree under root, bottom-up: its leaves (depths levels
    down) from their points if leaves, then each node above from its children."""
    dims = tree_points.shape[1]
    leftmost = root * 2**depths + 2**depths - 1
    if leaves:
        for node in range(leftmost, leftmost + 2**depths):
            for c in range(dims):
                lo, hi = np.inf, -np.inf
                for j in range(start[node], stop[node]):
                    v = tree_points[j, c]
                    lo = min(lo, v)
                    hi = max(hi, v)
                low[node, c], high[node, c] = lo, hi
    for depth in range(depths - 1, -1, -1):
        leftmost = root * 2**depth + 2**depth - 1
        for node in range(leftmost, leftmost + 2**depth):
            for c in range(dims):
                low[node, c] = min(low[2 * node + 1, c], low[2 * node + 2, c])
                high[node, c] = max(high[2 * node + 1, c], high[2 * node + 2, c])


def _build(tree_points: np.ndarray, workers: int) -> tuple[np.ndarray, ...]:
    """The points reordered in place for the tree, its permutation, node ranges, bounding boxes and cells.

    The tree has 2^levels leaves of equal size (within one), about LEAF_SIZE points each. With
    workers > 1 the top levels are split first, then the subtrees below them in parallel; the
    tree is the same either way.
    """
    n, dims = tree_points.shape
    levels = max(0, int(np.ceil(np.log2(max(n, 1) / LEAF_SIZE))))
    nodes = 2 ** (levels + 1) - 1
    index = np.arange(n)
    start, stop = np.zeros(nodes, dtype=np.int64), np.zeros(nodes, dtype=np.int64)
    low, high = np.zeros((nodes, dims)), np.zeros((nodes, dims))
    stop[0] = n
    _tighten(tree_points, start, stop, low, high, 0, 0, True)  # the root's box is its cell
    cell_low, cell_high = low.copy(), high.copy()
    arrays = (tree_points, index, start, stop, cell_low, cell_high)
    top = min(levels, int(np.ceil(np.log2(workers)))) if workers > 1 and n > 10_000 else 0
    _split(*arrays, 0, top)

    def grow(root: int) -> None:
        _split(*arrays, root, levels - top)
        _tighten(tree_points, start, stop, low, high, root, levels - top, True)

    share_out(grow, range(2**top - 1, 2 ** (top + 1) - 1), workers)
    _tighten(tree_points, start, stop, low, high, 0, top, False)
    return tree_points, index, start, stop, low, high, cell_low, cell_high


@njit(cache=True, nogil=True, inline="always")
def _box_distances(low: np.ndarray, high: np.ndarray, node: int, q: np.ndarray) -> tuple[float, float]:
    """Lower and upper bounds of the max-norm distance from q to any point in the node's box."""
    near, far = 0.0, 0.0
    for c in range(q.size):
        below, above = low[node, c] - q[c], q[c] - high[node, c]
        gap = max(below, above)
        if gap > near:
            near = gap
        reach = max(q[c] - low[node, c], high[node, c] - q[c])
        if reach > far:
            far = reach
    return near, far


@njit(cache=True, nogil=True, inline="always")
def _near(low: np.ndarray, high: np.ndarray, node: int, q: np.ndarray) -> float:
    """A lower bound of the max-norm distance from q to any point in the node's box."""
    near = 0.0
    for c in range(q.size):
        gap = max(low[node, c] - q[c], q[c] - high[node, c])
        if gap > near:
            near = gap
    return near


@njit(cache=True, nogil=True, inline="always")
def _scan(tree_points, order, q, i, a, b, best, found) -> None:
    """Merge the points a..b-1 (skipping point i) into the k nearest so far: distances in best,
    tree positions in found, nearest first; among equal distances the lower original index
    (order[j]) first, so that the k chosen do not depend on the tree."""
    k = best.size
    worst = best[k - 1]
    for j in range(a, b):
        if j == i:
            continue
        distance = 0.0
        for c in range(q.size):
            d = abs(tree_points[j, c] - q[c])
            if d > distance:
                distance = d
                if distance > worst:
                    break
        if distance < worst or (distance == worst and order[j] < order[found[k - 1]]):
            m = k - 1
            while m > 0 and (best[m - 1] > distance or (best[m - 1] == distance and order[found[m - 1]] > order[j])):
                best[m] = best[m - 1]
                found[m] = found[m - 1]
                m -= 1
            best[m] = distance
            found[m] = j
            worst = best[k - 1]


@njit(cache=True, nogil=True)
def _neighbours(
    tree_points, order, start, stop, low, high, cell_low, cell_high, first, last, distances, positions
) -> None:
    """The k nearest other points of tree_points[i] for i in [first, last), k = distances.shape[1]:
    their distances and tree positions, nearest first.

    Each search starts in the query's own leaf and climbs towards the root, searching at each
    step the sibling subtree (nearer child first) where its box is closer than the k-th best so
    far, until the k-th best fits inside the cell of the subtree searched.
    """
    nodes = start.size
    first_leaf = nodes // 2
    k = distances.shape[1]
    stack = np.empty(128, dtype=np.int64)
    stack_near = np.empty(128)
    for i in range(first, last):
        q = tree_points[i]
        best, found = distances[i], positions[i]
        best[:] = np.inf
        found[:] = -1
        leaf = 0
        while leaf < first_leaf:
            leaf = 2 * leaf + 1 if i < stop[2 * leaf + 1] else 2 * leaf + 2
        _scan(tree_points, order, q, i, start[leaf], stop[leaf], best, found)
        node = leaf
        while node > 0:
            # Done once the k-th distance so far fits strictly inside this subtree's cell: a point
            # outside it is beyond a split value, at least as far as that split.
            worst, inside = best[k - 1], True
            for c in range(q.size):
                if q[c] - cell_low[node, c] <= worst or cell_high[node, c] - q[c] <= worst:
                    inside = False
                    break
            if inside:
                break
            sibling = node + 1 if node % 2 else node - 1
            node = (node - 1) // 2
            depth = 1
            stack[0], stack_near[0] = sibling, _near(low, high, sibling, q)
            while depth:
                depth -= 1
                visit = stack[depth]
                if stack_near[depth] > best[k - 1]:  # a box at the k-th distance may hold a tie
                    continue
                if visit >= first_leaf:
                    _scan(tree_points, order, q, i, start[visit], stop[visit], best, found)
                    continue
                left = 2 * visit + 1
                near_left, near_right = _near(low, high, left, q), _near(low, high, left + 1, q)
                if near_left <= near_right:
                    stack[depth], stack[depth + 1] = left + 1, left
                    stack_near[depth], stack_near[depth + 1] = near_right, near_left
                else:
                    stack[depth], stack[depth + 1] = left, left + 1
                    stack_near[depth], stack_near[depth + 1] = near_left, near_right
                depth += 2


@njit(cache=True, nogil=True)
def _counts(tree_points, start, stop, low, high, radius, strict, first, last, out) -> None:
    """out[i] = #{j : dist(j, i) < radius[i]} (strict) or <= (not strict), the point itself
    included, for i in [first, last)."""
    nodes = start.size
    stack = np.empty(128, dtype=np.int64)
    for i in range(first, last):
        q = tree_points[i]
        r = radius[i]
        total = 0
        depth = 1
        stack[0] = 0
        while depth:
            depth -= 1
            node = stack[depth]
            near, far = _box_distances(low, high, node, q)
            if (near >= r) if strict else (near > r):
                continue
            if (far < r) if strict else (far <= r):
                total += stop[node] - start[node]
                continue
            left = 2 * node + 1
            if left >= nodes:
                for j in range(start[node], stop[node]):
                    p = tree_points[j]
                    inside = True
                    for c in range(q.size):
                        d = abs(p[c] - q[c])
                        if (d >= r) if strict else (d > r):
                            inside = False
                            break
                    if inside:
                        total += 1
                continue
            stack[depth], stack[depth + 1] = left, left + 1
            depth += 2
        out[i] = total


@njit(cache=True, nogil=True, inline="always")
def _past(values, j, v, r, strict, upper) -> bool:
    """Whether sorted position j is at or past the window's lower edge (upper=False: values[j] is
    no longer below the window) or its upper edge (upper=True: values[j] is above it). Either is
    monotone in j: False up to the edge, True from it on."""
    gap = values[j] - v if upper else v - values[j]
    outside = gap >= r if strict else gap > r
    return outside == upper


@njit(cache=True, nogil=True)
def _edges(values, targets, by_target, radius, strict, upper, first, last, out) -> None:
    """out[i] = the first j with ``_past`` for point i, for the points by_target[first:last].

    The points come in the order of their approximate edges, targets = values ∓ radius, so one
    merge with the sorted values finds them all; a step or two with the exact test then corrects
    the rounding of the target.
    """
    n = values.size
    p = np.searchsorted(values, targets[by_target[first]]) if last > first else 0
    for s in range(first, last):
        i = by_target[s]
        while p < n and values[p] < targets[i]:
            p += 1
        v, r, edge = values[i], radius[i], p
        while edge > 0 and _past(values, edge - 1, v, r, strict, upper):
            edge -= 1
        while edge < n and not _past(values, edge, v, r, strict, upper):
            edge += 1
        out[i] = edge


def _ranges(n: int, workers: int) -> list[tuple[int, int]]:
    """Contiguous query ranges: one below 10,000 points or for one thread; otherwise about eight
    per thread (of at least 2,500 points), so that queries of uneven cost still share out evenly."""
    if workers == 1 or n < 10_000:
        return [(0, n)]
    parts = min(8 * workers, n // 2_500)
    bounds = np.linspace(0, n, parts + 1).astype(np.int64)
    return [(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def _run(kernel, n: int, workers: int, args: tuple, outputs: tuple) -> None:
    """Run a query kernel over the n points, split across threads (the kernels release the GIL);
    each thread takes the next range as it comes free."""
    share_out(lambda bounds: kernel(*args, *bounds, *outputs), _ranges(n, workers), workers)


class Tree:
    """A balanced max-norm k-d tree over the rows of ``points``.

    ``order`` is the tree's permutation of the rows; queries answer in that order (``result[i]``
    belongs to ``points[order[i]]``), which keeps memory access local.
    """

    def __init__(self, points: np.ndarray, workers: int = 1, overwrite: bool = False) -> None:
        """``overwrite``: the tree may reorder ``points`` in place (the caller has no further use for them)."""
        points = np.require(points, np.float64, ["C", "W"]) if overwrite else np.array(points, np.float64, order="C")
        self.points, self.order, *nodes = _build(points, workers)
        self._nodes, self._cells = tuple(nodes[:4]), tuple(nodes[4:])

    def neighbours(self, k: int, workers: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """Distances (n, k) and tree positions (n, k) of each point's k nearest other points,
        nearest first; among equal distances, the lower row of ``points`` first."""
        n = len(self.points)
        distances, positions = np.empty((n, k)), np.empty((n, k), dtype=np.int64)
        _run(_neighbours, n, workers, (self.points, self.order, *self._nodes, *self._cells), (distances, positions))
        return distances, positions

    def counts(self, radius: np.ndarray, strict: bool, workers: int = 1) -> np.ndarray:
        """Points within radius[i] of point i (< if strict, else <=), itself included; tree order."""
        counts = np.empty(len(self.points), dtype=np.int64)
        radius = np.ascontiguousarray(radius, dtype=np.float64)
        _run(_counts, len(self.points), workers, (self.points, *self._nodes, radius, strict), (counts,))
        return counts


def sorted_edges(
    values: np.ndarray, radius: np.ndarray, strict: bool, workers: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """For sorted 1-D values: the window of each point, positions lower[i]:upper[i] of the points
    within radius[i] of values[i] (< if strict, else <=), itself included; empty if upper <= lower."""
    values, radius = (np.ascontiguousarray(a, dtype=np.float64) for a in (values, radius))
    lower, upper = np.empty(values.size, dtype=np.int64), np.empty(values.size, dtype=np.int64)
    for is_upper, targets, edges in ((False, values - radius, lower), (True, values + radius, upper)):
        by_target = np.argsort(targets)
        _run(_edges, values.size, workers, (values, targets, by_target, radius, strict, is_upper), (edges,))
    return lower, upper


def sorted_counts(values: np.ndarray, radius: np.ndarray, strict: bool, workers: int = 1) -> np.ndarray:
    """For sorted 1-D values: points within radius[i] of values[i], itself included."""
    lower, upper = sorted_edges(values, radius, strict, workers)
    return np.maximum(upper - lower, 0)


@njit(cache=True, nogil=True, inline="always")
def _popcount(word: np.uint64) -> int:
    word = word - ((word >> np.uint64(1)) & np.uint64(0x5555555555555555))
    word = (word & np.uint64(0x3333333333333333)) + ((word >> np.uint64(2)) & np.uint64(0x3333333333333333))
    word = (word + (word >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return int((word * np.uint64(0x0101010101010101)) >> np.uint64(56))


@njit(cache=True, nogil=True)
def _prefix_sets(labels, first_word, words, out) -> None:
    """out[b] = the set of points at sorted positions 0..64b-1, as bits over the labels of one
    tile (words first_word..first_word+words-1)."""
    n = labels.size
    out[0, :] = 0
    low, high = first_word * 64, (first_word + words) * 64
    for b in range(out.shape[0] - 1):
        out[b + 1, :] = out[b, :]
        for p in range(64 * b, min(64 * b + 64, n)):
            label = labels[p]
            if low <= label < high:
                out[b + 1, (label - low) >> 6] |= np.uint64(1) << np.uint64((label - low) & 63)


@njit(cache=True, nogil=True)
def _window_counts(lower, upper, labels, prefixes, first_word, words, first, last, out) -> None:
    """out[i] += |∩_c window_c(i)| over the labels of one tile, for points i in [first, last).

    Point i's window in coordinate c is sorted positions lower[c, i]:upper[c, i]; points are
    labelled by their position in coordinate 0's order, so that window is a range of labels and
    the others are differences of two prefix sets, corrected at both ends.
    """
    dims = lower.shape[0]
    low = first_word * 64
    high = low + 64 * words
    acc = np.empty(words, dtype=np.uint64)
    window = np.empty(words, dtype=np.uint64)
    for i in range(first, last):
        a, b = max(lower[0, i], low), min(upper[0, i], high)
        empty = a >= b
        for c in range(1, dims):
            empty = empty or lower[c, i] >= upper[c, i]
        if empty:
            continue
        w_first, w_last = (a - low) >> 6, (b - 1 - low) >> 6
        for w in range(w_first, w_last + 1):
            acc[w] = ~np.uint64(0)
        acc[w_first] &= ~np.uint64(0) << np.uint64((a - low) & 63)
        acc[w_last] &= ~np.uint64(0) >> np.uint64(63 - ((b - 1 - low) & 63))
        for c in range(1, dims):
            s, e = lower[c, i], upper[c, i]
            head, tail = prefixes[c - 1, s >> 6], prefixes[c - 1, e >> 6]
            for w in range(w_first, w_last + 1):
                window[w] = head[w] ^ tail[w]
            for p in range(s & ~63, s):  # positions before s in the head's block: drop them
                label = labels[c - 1, p] - low
                if 0 <= label < 64 * words:
                    window[label >> 6] ^= np.uint64(1) << np.uint64(label & 63)
            for p in range(e & ~63, e):  # positions of the tail's block before e: add them
                label = labels[c - 1, p] - low
                if 0 <= label < 64 * words:
                    window[label >> 6] ^= np.uint64(1) << np.uint64(label & 63)
            for w in range(w_first, w_last + 1):
                acc[w] &= window[w]
        total = 0
        for w in range(w_first, w_last + 1):
            total += _popcount(acc[w])
        out[i] += total


#: Bits per tile of the window sets: 512 words, 32,768 points; fewer where the prefix sets
#: of a tile would pass PREFIX_BYTES.
TILE_WORDS = 512
PREFIX_BYTES = 2**26


def window_counts(points: np.ndarray, radius: np.ndarray, strict: bool, workers: int = 1) -> np.ndarray:
    """Points within radius[i] of point i (max-norm, < if strict, else <=), itself included, as
    the size of the intersection of the per-coordinate windows, held as bit sets.

    O(n^2 d / 64) word operations whatever the radius: faster than a tree where the windows are
    wide, as in 4 or more dimensions.
    """
    n, dims = points.shape
    lower, upper = np.empty((dims, n), dtype=np.int64), np.empty((dims, n), dtype=np.int64)
    order = np.argsort(points[:, 0])
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    labels = np.empty((max(dims - 1, 1), n), dtype=np.int64)
    for c in range(dims):
        by_value = order if c == 0 else np.argsort(points[:, c])
        lower[c, by_value], upper[c, by_value] = sorted_edges(points[by_value, c], radius[by_value], strict)
        if c:
            labels[c - 1] = rank[by_value]
    lower, upper = lower[:, order], upper[:, order]  # queries in label order
    counts = np.zeros(n, dtype=np.int64)
    blocks = n // 64 + 1
    tile = max(64, min(TILE_WORDS, PREFIX_BYTES // (8 * blocks * max(dims - 1, 1))))
    for first_word in range(0, (n + 63) // 64, tile):
        words = min(tile, (n + 63) // 64 - first_word)
        prefixes = np.empty((max(dims - 1, 1), blocks, words), dtype=np.uint64)
        for c in range(dims - 1):
            _prefix_sets(labels[c], first_word, words, prefixes[c])
        _run(_window_counts, n, workers, (lower, upper, labels, prefixes, first_word, words), (counts,))
    result = np.empty(n, dtype=np.int64)
    result[order] = counts
    return result


@njit(cache=True, nogil=True)
def libm_log(values: np.ndarray) -> np.ndarray:
    """ln of each value, by the C library's log one value at a time.

    numpy's vectorized log rounds differently on CPUs with AVX-512 than on the others (an estimate
    built on it moved by up to 32 ulp between two machines); the C library's log does not depend
    on the vector width. (numba built with Intel's SVML would vectorize this loop too.)
    """
    out = np.empty_like(values)
    for i in range(values.size):
        out[i] = math.log(values[i])
    return out
