"""Nearest-neighbour searches and counts shared by the kNN estimators.

All distances are max-norm (Chebyshev). Strict counts use exact comparisons
of the same floating-point differences a brute-force loop would compute, so
the results do not depend on rounding at the boundary.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree
from scipy.special import digamma

__all__ = ["knn_indices", "max_norm", "count_within", "digamma_table", "scale_aware_noise"]


def knn_indices(points: np.ndarray, k: int, workers: int = 1) -> np.ndarray:
    """Indices of the k nearest neighbours of each point (max-norm, self excluded).

    Returns an (n, k) array ordered by distance. With duplicate points, the
    point itself may be replaced by one of its duplicates; distances are then 0
    either way.
    """
    tree = cKDTree(points, leafsize=16, balanced_tree=False, compact_nodes=False)
    _, index = tree.query(points, k=k + 1, p=np.inf, workers=workers)
    index = np.asarray(index)
    own = np.arange(points.shape[0])
    # Drop the point itself where the tree returned it; otherwise drop the last (tied) one.
    is_self = index == own[:, None]
    keep = np.ones_like(is_self)
    self_column = np.where(is_self.any(axis=1), is_self.argmax(axis=1), k)
    keep[own, self_column] = False
    return index[keep].reshape(points.shape[0], k)


def max_norm(points: np.ndarray, neighbours: np.ndarray) -> np.ndarray:
    """Max-norm distance from each point to the given neighbour(s).

    ``neighbours`` has shape (n,) or (n, m); returns the same shape.
    """
    if neighbours.ndim == 1:
        return np.abs(points[neighbours] - points).max(axis=1)
    return np.abs(points[neighbours] - points[:, None, :]).max(axis=2)


def count_within(points: np.ndarray, radius: np.ndarray, strict: bool, workers: int = 1) -> np.ndarray:
    """For each point i: #{j != i : ||p_j - p_i||_max < radius_i} (strict) or <= (not strict)."""
    n, dim = points.shape
    if dim == 1:
        return _count_within_1d(points[:, 0], radius, strict)
    tree = cKDTree(points, leafsize=16, balanced_tree=False, compact_nodes=False)
    query_radius = np.nextafter(radius, -np.inf) if strict else radius
    inside = np.full(n, -1, dtype=np.int64)  # minus the point itself
    ok = query_radius >= 0
    counts = tree.query_ball_point(points[ok], r=query_radius[ok], p=np.inf, return_length=True, workers=workers)
    inside[ok] += np.asarray(counts, dtype=np.int64)
    inside[~ok] = 0
    return inside


def _count_within_1d(values: np.ndarray, radius: np.ndarray, strict: bool) -> np.ndarray:
    order = np.sort(values)
    n = order.size
    margin = 4 * np.finfo(float).eps * (np.abs(values) + radius) + np.finfo(float).tiny
    low = np.searchsorted(order, values - radius - margin, side="left")
    high = np.searchsorted(order, values + radius + margin, side="right")  # exclusive

    def inside(j: np.ndarray, i: np.ndarray) -> np.ndarray:
        distance = np.abs(order[j] - values[i])
        return distance < radius[i] if strict else distance <= radius[i]

    # The widened window may hold a few points just outside the radius at either end; trim them exactly.
    active = np.flatnonzero(low < high)
    while active.size:
        bad = ~inside(low[active], active)
        active = active[bad]
        low[active] += 1
        active = active[low[active] < high[active]]
    active = np.flatnonzero(low < high)
    while active.size:
        bad = ~inside(high[active] - 1, active)
        active = active[bad]
        high[active] -= 1
        active = active[low[active] < high[active]]
    counts = high - low
    # The point itself is inside unless the radius is 0 with a strict count.
    self_inside = radius > 0 if strict else np.ones(n, dtype=bool)
    return counts - self_inside.astype(np.int64)


def digamma_table(n: int) -> np.ndarray:
    """digamma(m) for m = 0..n, with digamma(0) set to -inf."""
    table = np.empty(n + 1)
    table[0] = -np.inf
    table[1:] = digamma(np.arange(1, n + 1, dtype=np.float64))
    return table


def scale_aware_noise(values: np.ndarray, level: float, rng: np.random.Generator) -> np.ndarray:
    """Add N(0, (level * sd_column)^2) noise to each column (sd 1 for a constant column)."""
    if level == 0:
        return values
    scale = values.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    return values + level * scale * rng.standard_normal(values.shape)
