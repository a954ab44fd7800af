"""Nearest-neighbour searches and counts shared by the kNN estimators.

All distances are max-norm (Chebyshev), searched with the compiled k-d tree of
``_kdtree``. Comparisons use the same floating-point differences a brute-force
loop would compute, so the results do not depend on rounding at the boundary.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.special import digamma

from mibench.plugin import number, positive_int, scale_aware_noise

__all__ = [
    "joint_kth_distance",
    "knn_indices",
    "kth_neighbour_distance",
    "max_norm",
    "count_within",
    "count_within_each",
    "digamma_table",
    "log_each",
    "neighbour_params",
    "prepare",
]


def kth_neighbour_distance(points: np.ndarray, k: int, workers: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Max-norm distance from each point to its k-th nearest other point, in the tree's order.

    Returns ``(order, distance)``: ``distance[i]`` belongs to ``points[order[i]]``. Estimators
    that are sums over points use this order directly and skip a scatter back. Duplicates are
    neighbours at distance 0.
    """
    from ._kdtree import Tree  # compiled on first use; importing numba costs 0.5 s

    tree = Tree(points, workers)
    return tree.order, tree.neighbours(k, workers)[0][:, -1]


def joint_kth_distance(spaces: Sequence[np.ndarray], k: int, workers: int = 1) -> tuple[list[np.ndarray], np.ndarray]:
    """``kth_neighbour_distance`` in the joint space of several variables (the same rows).

    Returns the variables in the tree's order, as views of its copy of the joint points, and the
    distances in that order.
    """
    from ._kdtree import Tree

    tree = Tree(np.hstack(spaces), workers, overwrite=True)
    edges = np.cumsum([0, *(space.shape[1] for space in spaces)])
    ordered = [tree.points[:, a:b] for a, b in zip(edges[:-1], edges[1:], strict=True)]
    return ordered, tree.neighbours(k, workers)[0][:, -1]


def knn_indices(points: np.ndarray, k: int, workers: int = 1) -> np.ndarray:
    """Indices of the k nearest neighbours of each point (max-norm, self excluded), nearest first;
    among equal distances the lower index first, whatever the tree."""
    from ._kdtree import Tree

    tree = Tree(points, workers)
    positions = tree.neighbours(k, workers)[1]
    index = np.empty_like(positions)
    index[tree.order] = tree.order[positions]
    return index


def max_norm(points: np.ndarray, neighbours: np.ndarray) -> np.ndarray:
    """Max-norm distance from each point to the given neighbour(s).

    ``neighbours`` has shape (n,) or (n, m); returns the same shape.
    """
    if neighbours.ndim == 1:
        return np.abs(points[neighbours] - points).max(axis=1)
    return np.abs(points[neighbours] - points[:, None, :]).max(axis=2)


#: Above this many points, count_within searches a k-d tree instead of intersecting
#: per-coordinate windows: the windows cost O(n^2 d / 64) word operations, a tree O(n^a) with a
#: constant that grows fast with the dimension. Measured on Gaussian samples with ksg's radii:
#: windows 2–4.5× faster than the tree at n = 10^5 in 2 to 8 dimensions.
WINDOWS_UP_TO = 200_000


def count_within(points: np.ndarray, radius: np.ndarray, strict: bool, workers: int = 1) -> np.ndarray:
    """For each point i: #{j != i : ||p_j - p_i||_max < radius_i} (strict) or <= (not strict)."""
    from ._kdtree import Tree, sorted_counts, window_counts  # compiled on first use

    n, dims = points.shape
    if dims == 1:
        order = np.argsort(points[:, 0])
        within = np.empty(n, dtype=np.int64)
        within[order] = sorted_counts(points[order, 0], radius[order], strict, workers)
    elif n <= WINDOWS_UP_TO:
        within = window_counts(points, radius, strict, workers)
    else:
        tree = Tree(points, workers)
        within = np.empty(n, dtype=np.int64)
        within[tree.order] = tree.counts(radius[tree.order], strict, workers)
    # The point itself is inside unless the radius is 0 with a strict count.
    return within - ((radius > 0) if strict else 1)


def count_within_each(
    spaces: Sequence[np.ndarray], radius: np.ndarray | Sequence[np.ndarray], strict: bool, workers: int = 1
) -> list[np.ndarray]:
    """``count_within`` for several spaces of the same points (one radius, or one per space).

    With workers > 1 the spaces are counted side by side, each on its share of the threads.
    """
    radii = [radius] * len(spaces) if isinstance(radius, np.ndarray) else list(radius)
    if workers == 1 or len(spaces) == 1:
        return [count_within(points, r, strict, workers) for points, r in zip(spaces, radii, strict=True)]
    from ._kdtree import share_out

    share = max(1, workers // len(spaces))
    return share_out(lambda pair: count_within(*pair, strict, share), list(zip(spaces, radii, strict=True)), workers)


#: digamma_table keeps up to this many values it has computed (8 MiB) and reuses them: computing
#: them again cost about 1% of a ksg estimate at n = 10^5.
DIGAMMA_KEPT_UP_TO = 2**20

_digamma_kept = np.array([-np.inf])


def digamma_table(n: int) -> np.ndarray:
    """digamma(m) for m = 0..n, with digamma(0) set to -inf (read-only)."""
    global _digamma_kept
    kept = _digamma_kept
    if n >= kept.size:
        size = max(n + 1, min(2 * kept.size, DIGAMMA_KEPT_UP_TO))  # doubling, but never past what is kept
        kept = np.concatenate([kept, digamma(np.arange(kept.size, size, dtype=np.float64))])
        kept.flags.writeable = False
        if kept.size <= DIGAMMA_KEPT_UP_TO:
            _digamma_kept = kept
    return kept[: n + 1]


def log_each(values: np.ndarray) -> np.ndarray:
    """ln of each value, whatever the CPU's vector width (``np.log`` rounds differently with AVX-512); ln 0 = −inf."""
    from ._kdtree import libm_log

    return libm_log(np.ascontiguousarray(values, dtype=np.float64))


def more_than_k(params: dict) -> int:
    """The fewest samples a k-neighbour estimator accepts: k + 1."""
    return int(params["k"]) + 1


def check_k(k: int) -> None:
    positive_int(k, "k")


def neighbour_params(params: dict) -> None:
    """Check k (and noise and workers, where the estimator has them) when a spec is resolved."""
    check_k(params["k"])
    if "noise" in params:
        number(params["noise"], "noise", 0.0, inclusive=True)
    if "workers" in params:
        positive_int(params["workers"], "workers")


def prepare(
    x: np.ndarray,
    y: np.ndarray,
    k: int,
    noise: float,
    rng: np.random.Generator | None,
    z: np.ndarray | None = None,
) -> tuple[np.ndarray, ...]:
    """Check k and noise, and add the seeded, scale-aware jitter if asked for: (x, y), or (x, y, z)
    when a conditioning variable is given."""
    check_k(k)
    number(noise, "noise", 0.0, inclusive=True)
    variables = (x, y) if z is None else (x, y, z)
    if noise:
        rng = rng if rng is not None else np.random.default_rng(0)
        return tuple(scale_aware_noise(values, noise, rng) for values in variables)
    return variables
