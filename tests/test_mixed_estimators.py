"""Mixed-type estimators against brute-force versions written from the papers."""

import numpy as np
import pytest
from scipy.special import digamma

import mibench


def chebyshev_matrix(a):
    return np.abs(a[:, None, :] - a[None, :, :]).max(axis=2)


def mixed_ksg_brute_force(x, y, k):
    """Gao, Kannan, Oh, Viswanath (2017), the authors' code form with exact comparisons."""
    n = len(x)
    dx, dy = chebyshev_matrix(x), chebyshev_matrix(y)
    dz = np.maximum(dx, dy)
    off = dz + np.diag(np.full(n, np.inf))
    rho = np.sort(off, axis=1)[:, k - 1]
    total = 0.0
    for i in range(n):
        if rho[i] == 0:
            kt, nx, ny = np.sum(dz[i] == 0), np.sum(dx[i] == 0), np.sum(dy[i] == 0)
        else:
            kt, nx, ny = k, np.sum(dx[i] < rho[i]), np.sum(dy[i] < rho[i])
        total += digamma(kt) + np.log(n) - digamma(nx) - digamma(ny)
    return total / n


def test_mixed_ksg_on_atoms_and_densities():
    scenario = mibench.get_scenario("gao_mixture")
    x, y = scenario.sample(400, 5)
    for k in (1, 5):
        expected = mixed_ksg_brute_force(x, y, k)
        assert mibench.estimate(
            x, y, "mixed_ksg", k=k, x_type="mixed", y_type="mixed", standardize=False
        ) == pytest.approx(expected, abs=1e-10)


def test_mixed_ksg_on_continuous_data_and_discrete_labels():
    rng = np.random.default_rng(8)
    x = rng.normal(size=(300, 2))
    y = x[:, :1] + rng.normal(size=(300, 1))
    assert mibench.estimate(x, y, "mixed_ksg", standardize=False) == pytest.approx(
        mixed_ksg_brute_force(x, y, 5), abs=1e-10
    )
    # discrete x with the discrete metric equals brute force on labels spread farther than any y distance
    labels = rng.integers(0, 4, 300)
    values = labels + rng.uniform(0, 2, 300)
    spread = labels[:, None] * 1e6
    expected = mixed_ksg_brute_force(spread.astype(float), values[:, None], 5)
    got = mibench.estimate(labels, values, "mixed_ksg", x_type="discrete", y_type="continuous", standardize=False)
    assert got == pytest.approx(expected, abs=1e-10)


def ross_brute_force(labels, values, k):
    """Ross (2014): d_i = k-th same-label neighbour distance, m_i = #{j != i: |y_j - y_i| <= d_i}."""
    n = len(labels)
    d = chebyshev_matrix(values)
    total = 0.0
    for i in range(n):
        same = np.flatnonzero((labels == labels[i]) & (np.arange(n) != i))
        radius = np.sort(d[i, same])[k - 1]
        m = np.sum(d[i] <= radius) - 1
        total += digamma(n) - digamma(len(same) + 1) + digamma(k) - digamma(m)
    return total / n


def test_ross_matches_brute_force_and_is_symmetric_in_types():
    scenario = mibench.get_scenario("gaussian_classes(k=3, separation=1.0)")
    x, y = scenario.sample(300, 3)
    expected = ross_brute_force(x[:, 0], y, 3)
    assert mibench.estimate(x, y, "ross", x_type="discrete", y_type="continuous") == pytest.approx(expected, abs=1e-10)
    assert mibench.estimate(y, x, "ross", x_type="continuous", y_type="discrete") == pytest.approx(expected, abs=1e-10)


def test_ross_agrees_with_sklearn_within_its_noise():
    from sklearn.feature_selection import mutual_info_classif

    scenario = mibench.get_scenario("uniform_shift(m=5)")
    for seed in range(3):
        x, y = scenario.sample(1000, seed)
        ours = mibench.estimate(x, y, "ross", x_type="discrete", y_type="continuous")
        theirs = mutual_info_classif(y, x[:, 0], n_neighbors=3, random_state=0)[0]
        assert ours == pytest.approx(theirs, abs=1e-6)
