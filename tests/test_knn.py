"""kNN estimators against brute-force O(n^2) versions written here from the papers."""

import math

import numpy as np
import pytest
from scipy.special import digamma

import mibench


def chebyshev_matrix(a: np.ndarray) -> np.ndarray:
    return np.abs(a[:, None, :] - a[None, :, :]).max(axis=2)


def ksg1_brute_force(x: np.ndarray, y: np.ndarray, k: int) -> float:
    """Kraskov et al. (2004) eq. (8): strict marginal counts within the k-th joint distance."""
    n = len(x)
    dx, dy = chebyshev_matrix(x), chebyshev_matrix(y)
    dz = np.maximum(dx, dy)
    np.fill_diagonal(dz, np.inf)
    eps = np.sort(dz, axis=1)[:, k - 1]
    np.fill_diagonal(dx, np.inf)
    np.fill_diagonal(dy, np.inf)
    n_x = (dx < eps[:, None]).sum(axis=1)
    n_y = (dy < eps[:, None]).sum(axis=1)
    return digamma(k) + digamma(n) - np.mean(digamma(n_x + 1) + digamma(n_y + 1))


def datasets():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(300, 1))
    yield "gaussian 1-D", x, 0.6 * x + 0.8 * rng.normal(size=(300, 1))
    x = rng.normal(size=(250, 3))
    yield "3-D x, 2-D y", x, x[:, :2] + rng.normal(size=(250, 2))
    x = np.round(rng.normal(size=(300, 1)), 1)
    yield "marginal ties (rounded)", x, np.round(x + rng.normal(size=(300, 1)), 1)
    x = rng.normal(size=(200, 1)) * 1e3 + 1e6
    yield "large offset", x, x + rng.normal(size=(200, 1))


@pytest.mark.parametrize("k", [1, 3, 7])
@pytest.mark.parametrize("label, x, y", list(datasets()), ids=[d[0] for d in datasets()])
def test_ksg_matches_brute_force(label, x, y, k):
    expected = ksg1_brute_force(x, y, k)
    # The validated path: ksg's raw value, ties included (mibench.estimate refuses tied data for ksg).
    x2, y2 = x.reshape(len(x), -1).astype(float), y.reshape(len(y), -1).astype(float)
    value = mibench.get_estimator("ksg", k=k).estimate_validated(x2, y2, x_type="continuous", y_type="continuous")
    assert value == pytest.approx(expected, abs=1e-10)


def test_ksg_threads_give_the_same_value():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2000, 2))
    y = x + rng.normal(size=(2000, 2))
    assert mibench.estimate(x, y, "ksg", workers=2) == mibench.estimate(x, y, "ksg", workers=1)


@pytest.mark.parametrize("strict", [True, False])
def test_one_dimensional_counts_split_across_threads_match_a_brute_force_count(strict):
    """Above 10,000 points the 1-D counts run on several threads."""
    from mibench.estimators._neighbours import count_within

    rng = np.random.default_rng(4)
    values = np.round(rng.normal(size=(30_000, 1)), 2)  # many ties at the slice boundaries
    radius = np.abs(rng.normal(size=30_000)) * 0.01
    radius[::5] = 0.0
    threaded = count_within(values, radius, strict, workers=3)
    assert np.array_equal(threaded, count_within(values, radius, strict, workers=1))
    sample = rng.choice(30_000, 200, replace=False)
    distance = np.abs(values[:, 0][None, :] - values[sample, 0][:, None])
    inside = distance < radius[sample, None] if strict else distance <= radius[sample, None]
    inside[np.arange(200), sample] = False
    assert np.array_equal(threaded[sample], inside.sum(axis=1))


def search_cases():
    """Points with ties, exact duplicates, a constant column and a large offset, in 1 to 10 dimensions."""
    rng = np.random.default_rng(21)
    for dims in (1, 2, 3, 5, 10):
        for n in (2, 9, 70, 400):
            points = rng.normal(size=(n, dims))
            points[: n // 4] = np.round(points[: n // 4], 1)
            points[n // 2 : n // 2 + n // 8] = points[0]
            if dims > 2:
                points[:, 1] = 3.0
                points[:, 2] = points[:, 2] * 1e3 + 1e6
            yield f"{dims}-D n={n}", points


@pytest.mark.parametrize("label, points", list(search_cases()), ids=[c[0] for c in search_cases()])
def test_the_compiled_searches_match_a_brute_force_search(label, points):
    """The k-d tree's k-th neighbour distances and neighbours, and radius counts by the tree, by
    sorted windows (1-D) and by window bit sets (any dimension), against all pairs."""
    from mibench.estimators._kdtree import Tree, sorted_counts, window_counts
    from mibench.estimators._neighbours import knn_indices

    n = len(points)
    distance = chebyshev_matrix(points)
    others = distance + np.diag(np.full(n, np.inf))
    tree = Tree(points)
    for k in range(1, min(n - 1, 4) + 1):
        found_distance, found_position = tree.neighbours(k)
        expected = np.sort(others, axis=1)[:, :k][tree.order]
        assert np.array_equal(found_distance, expected)
        index = tree.order[found_position]
        assert np.array_equal(others[tree.order[:, None], index], expected)  # the distances are the neighbours'
        assert np.array_equal(
            np.sort(others[np.arange(n)[:, None], knn_indices(points, k)], axis=1), np.sort(others, axis=1)[:, :k]
        )
    rng = np.random.default_rng(n)
    radius = np.sort(others, axis=1)[:, min(2, n - 2)] * rng.choice([0.0, 1.0, 1.0, 1.7], n)
    for strict in (True, False):
        expected = (distance < radius[:, None]).sum(axis=1) if strict else (distance <= radius[:, None]).sum(axis=1)
        in_tree = np.empty(n, dtype=np.int64)
        in_tree[tree.order] = tree.counts(radius[tree.order], strict)
        assert np.array_equal(in_tree, expected)
        assert np.array_equal(window_counts(points, radius, strict), expected)
        if points.shape[1] == 1:
            order = np.argsort(points[:, 0])
            assert np.array_equal(sorted_counts(points[order, 0], radius[order], strict), expected[order])


def test_window_counts_across_tiles_and_threads(monkeypatch):
    """Window bit sets held in several tiles and counted on several threads give the same counts."""
    from mibench.estimators import _kdtree

    rng = np.random.default_rng(5)
    points = np.round(rng.normal(size=(20_500, 3)), 2)
    radius = rng.uniform(0, 0.3, size=20_500)
    radius[::7] = 0.0
    expected = _kdtree.window_counts(points, radius, True)
    monkeypatch.setattr(_kdtree, "TILE_WORDS", 64)
    assert np.array_equal(_kdtree.window_counts(points, radius, True, workers=3), expected)
    sample = rng.choice(20_500, 300, replace=False)
    assert np.array_equal(expected[sample], (chebyshev_matrix_rows(points, sample) < radius[sample, None]).sum(axis=1))


def test_the_tree_is_the_same_when_built_on_several_threads():
    from mibench.estimators._kdtree import Tree

    points = np.random.default_rng(6).normal(size=(40_000, 2))
    one, three = Tree(points), Tree(points, workers=3)
    assert np.array_equal(one.points, three.points) and np.array_equal(one.order, three.order)
    assert all(np.array_equal(a, b) for a, b in zip(one._nodes, three._nodes, strict=True))
    assert np.array_equal(one.neighbours(3)[0], three.neighbours(3, workers=3)[0])


@pytest.mark.parametrize(("n", "workers", "parts"), [(9_999, 4, 1), (50_000, 1, 1), (30_000, 2, 12), (10**6, 2, 16)])
def test_queries_are_shared_out_in_contiguous_ranges_that_cover_every_point(n, workers, parts):
    from mibench.estimators._kdtree import _ranges

    ranges = _ranges(n, workers)
    assert len(ranges) == parts
    assert ranges[0][0] == 0 and ranges[-1][1] == n
    assert all(a < b == c for (a, b), (c, _) in zip(ranges, ranges[1:] + [(n, None)], strict=True))


def test_the_digamma_table_holds_scipys_values_whatever_was_asked_before():
    from mibench.estimators import _neighbours
    from scipy.special import digamma

    for n in (5, 3, 1_000, 70_000, _neighbours.DIGAMMA_KEPT_UP_TO + 3, 40):
        table = _neighbours.digamma_table(n)
        assert table.size == n + 1 and table[0] == -np.inf and not table.flags.writeable
        assert np.array_equal(table[1:], digamma(np.arange(1, n + 1, dtype=np.float64)))
    assert _neighbours._digamma_kept.size <= _neighbours.DIGAMMA_KEPT_UP_TO


def test_share_out_returns_every_result_in_order_and_raises_a_failure_after_the_other_threads_finish():
    import threading
    import time

    from mibench.estimators._kdtree import share_out

    threads = set()

    def square(value):
        threads.add(threading.get_ident())
        time.sleep(0.002)
        return value * value

    assert share_out(square, list(range(40)), workers=3) == [v * v for v in range(40)]
    assert threading.get_ident() in threads and len(threads) > 1  # the calling thread takes its share
    for _ in range(5):
        assert threads_at_work_when_a_failure_is_raised(share_out) == 0


def threads_at_work_when_a_failure_is_raised(share_out) -> int:
    """One helper fails at once, the other is slow, the calling thread waits for a helper to start:
    how many are still inside the task when the error reaches the caller."""
    import threading
    import time

    caller, lock, helping = threading.get_ident(), threading.Lock(), threading.Event()
    state = {"failed": False, "active": 0}

    def fail_once_then_dawdle(value):
        if threading.get_ident() == caller:
            helping.wait(10)
            time.sleep(0.002)
            return value
        helping.set()
        with lock:
            state["active"] += 1
            fail = not state["failed"]
            state["failed"] = True
        try:
            if fail:
                raise ValueError("failed")
            time.sleep(0.02)
        finally:
            with lock:
                state["active"] -= 1

    with pytest.raises(ValueError, match="failed"):
        share_out(fail_once_then_dawdle, list(range(60)), workers=3)
    return state["active"]


def test_work_shared_out_from_a_helper_thread_does_not_wait_on_its_own_pool():
    """4 workers over 2 spaces: each space's count shares out again, from inside a helper thread."""
    from mibench.estimators._neighbours import count_within, count_within_each

    rng = np.random.default_rng(8)
    spaces = [rng.normal(size=(12_000, 3)), rng.normal(size=(12_000, 1))]
    radius = np.abs(rng.normal(size=12_000)) * 0.2
    shared = count_within_each(spaces, radius, strict=True, workers=4)
    assert all(np.array_equal(a, count_within(p, radius, True)) for a, p in zip(shared, spaces, strict=True))


def test_a_forked_child_starts_its_own_threads():
    """The pools are kept between calls; a child forked after the parent used them has none of their threads."""
    import multiprocessing

    rng = np.random.default_rng(9)
    x, y = rng.normal(size=(20_000, 1)), rng.normal(size=(20_000, 1))
    parent = mibench.estimate(x, y, "ksg", workers=2)
    with multiprocessing.get_context("fork").Pool(1) as pool:
        child = pool.apply_async(mibench.estimate, (x, y, "ksg"), {"workers": 2}).get(timeout=60)
    assert child == parent


def test_a_tree_copies_the_points_unless_told_it_may_overwrite_them():
    from mibench.estimators._kdtree import Tree

    points = np.random.default_rng(10).normal(size=(500, 2))
    kept = points.copy()
    Tree(points)
    assert np.array_equal(points, kept)
    tree = Tree(points, overwrite=True)
    assert tree.points is points and not np.array_equal(points, kept)
    assert np.array_equal(points, kept[tree.order])


def chebyshev_matrix_rows(points: np.ndarray, rows: np.ndarray) -> np.ndarray:
    return np.abs(points[rows][:, None, :] - points[None, :, :]).max(axis=2)


def test_ksg_is_not_clipped_at_zero():
    rng = np.random.default_rng(11)
    values = [mibench.estimate(rng.normal(size=200), rng.normal(size=200), "ksg") for _ in range(20)]
    assert min(values) < 0  # under independence about half the raw estimates are negative


def test_ksg_noise_is_seeded_and_scale_aware():
    rng = np.random.default_rng(5)
    x = np.round(rng.normal(size=500), 1)
    y = np.round(x + rng.normal(size=500), 1)
    a = mibench.estimate(x, y, "ksg(noise=1e-10)", rng=1)
    assert a == mibench.estimate(x, y, "ksg(noise=1e-10)", rng=1)
    scaled = mibench.estimate(x * 1e6, y * 1e6, "ksg(noise=1e-10)", rng=1)
    assert scaled == pytest.approx(a, abs=1e-9)


def knn_sets(dz: np.ndarray, k: int) -> np.ndarray:
    dz = dz.copy()
    np.fill_diagonal(dz, np.inf)
    return np.argsort(dz, axis=1, kind="stable")[:, :k]


def ksg2_brute_force(x: np.ndarray, y: np.ndarray, k: int) -> float:
    """Kraskov et al. (2004) eq. (9): radii from the k joint neighbours, counts <= radius, minus 1/k."""
    n = len(x)
    dx, dy = chebyshev_matrix(x), chebyshev_matrix(y)
    neighbours = knn_sets(np.maximum(dx, dy), k)
    rows = np.arange(n)[:, None]
    eps_x, eps_y = dx[rows, neighbours].max(axis=1), dy[rows, neighbours].max(axis=1)
    np.fill_diagonal(dx, np.inf)
    np.fill_diagonal(dy, np.inf)
    n_x = (dx <= eps_x[:, None]).sum(axis=1)
    n_y = (dy <= eps_y[:, None]).sum(axis=1)
    return digamma(k) - 1 / k + digamma(n) - np.mean(digamma(n_x) + digamma(n_y))


# Algorithm 2 depends on which points form the k-neighbour set, which is ambiguous when several points
# tie at the k-th joint distance (as on rounded data); compare where the set is unique.
UNTIED = [d for d in datasets() if "ties" not in d[0]]


@pytest.mark.parametrize("k", [1, 3, 7])
@pytest.mark.parametrize("label, x, y", UNTIED, ids=[d[0] for d in UNTIED])
def test_ksg2_matches_brute_force(label, x, y, k):
    assert mibench.estimate(x, y, "ksg2", k=k, standardize=False) == pytest.approx(ksg2_brute_force(x, y, k), abs=1e-10)


def test_ksg2_has_the_minus_one_over_k_term():
    rng = np.random.default_rng(9)
    x = rng.normal(size=(3000, 1))
    y = 0.6 * x + 0.8 * rng.normal(size=(3000, 1))
    # KSG2 ≈ KSG1 on Gaussian data (Kraskov et al. Fig. 2); an estimator missing −1/k would sit 1/k above
    assert abs(mibench.estimate(x, y, "ksg2") - mibench.estimate(x, y, "ksg")) < 0.02


def kl_entropy_brute_force(v: np.ndarray, k: int) -> float:
    from scipy.special import gammaln

    n, d = v.shape
    dist = chebyshev_matrix(v)
    np.fill_diagonal(dist, np.inf)
    r = np.sort(dist, axis=1)[:, k - 1]
    return digamma(n) - digamma(k) + d * np.log(2) + d * np.mean(np.log(r)) + 0 * gammaln(1)


def test_kl_matches_brute_force():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(300, 2))
    y = x[:, :1] + rng.normal(size=(300, 1))
    expected = (
        kl_entropy_brute_force(x, 3) + kl_entropy_brute_force(y, 3) - kl_entropy_brute_force(np.hstack([x, y]), 3)
    )
    assert mibench.estimate(x, y, "kl", k=3, standardize=False) == pytest.approx(expected, abs=1e-10)


def test_kl_does_not_depend_on_how_numpy_rounds_its_vectorized_log(monkeypatch):
    """numpy's AVX-512 log rounds differently from its log elsewhere (kl's 20-D estimates moved by up
    to 32 ulp between two machines); kl takes its logarithms from the C library instead."""
    rng = np.random.default_rng(5)
    x = rng.normal(size=(300, 10))
    y = x + rng.normal(size=(300, 10))
    before = mibench.estimate(x, y, "kl")
    numpy_log = np.log
    monkeypatch.setattr(np, "log", lambda values, *args, **kwargs: numpy_log(values, *args, **kwargs) * (1 + 1e-9))
    assert mibench.estimate(x, y, "kl") == before


def test_the_portable_log_is_the_c_librarys():
    from mibench.estimators._neighbours import log_each

    values = np.concatenate([[0.0, 5e-324, 1e-300, 1.0, 2.0, 1e300], np.random.default_rng(6).random(1000) * 10])
    assert log_each(values).tolist() == [math.log(v) if v > 0 else -math.inf for v in values]


def lnc_loop(x: np.ndarray, y: np.ndarray, k: int, alpha: float) -> float:
    """Gao, Ver Steeg, Galstyan (2015), one point at a time, as in the authors' reference code (1-D x, y)."""
    z = np.hstack([x, y])
    n = len(z)
    neighbours = knn_sets(chebyshev_matrix(z), k)
    total = 0.0
    for i in range(n):
        local = z[np.concatenate([[i], neighbours[i]])] - z[i]
        covariance = local[1:].T @ local[1:] / k
        _, vectors = np.linalg.eigh(covariance)
        log_pca = sum(np.log(np.max(np.abs(local @ vectors[:, c]))) for c in range(z.shape[1]))
        log_box = sum(np.log(np.max(np.abs(local[:, c]))) for c in range(z.shape[1]))
        if log_pca < log_box + np.log(alpha) and log_box - log_pca > 0:
            total += (log_box - log_pca) / n
    return ksg2_brute_force(x, y, k) + total


def test_lnc_matches_loop_implementation():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(250, 1))
    y = x + 0.05 * rng.normal(size=(250, 1))  # strong dependence, where the correction acts
    expected = lnc_loop(x, y, 5, 0.25)
    assert expected > ksg2_brute_force(x, y, 5) + 0.01
    assert mibench.estimate(x, y, "lnc", k=5, alpha=0.25, standardize=False) == pytest.approx(expected, abs=1e-9)


def test_lnc_with_fewer_neighbours_than_joint_dimensions_is_refused_with_where_to_read_why():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(100, 2)), rng.normal(size=(100, 1))
    with pytest.raises(
        ValueError,
        match=r"lnc\(alpha=0.25, k=2, noise=0.0\) accepts a joint dimension of at most 2 .*describe lnc.*got 2 \+ 1",
    ):
        mibench.estimate(x, y, "lnc(k=2)")
    assert "k ≥ d_x + d_y" in mibench.get_estimator("lnc").entry.target.__doc__
