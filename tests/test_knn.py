"""kNN estimators against brute-force O(n^2) versions written here from the papers."""

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
    assert mibench.estimate(x, y, "ksg", k=k) == pytest.approx(expected, abs=1e-10)


def test_ksg_threads_give_the_same_value():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2000, 2))
    y = x + rng.normal(size=(2000, 2))
    assert mibench.estimate(x, y, "ksg", workers=2) == mibench.estimate(x, y, "ksg", workers=1)


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
