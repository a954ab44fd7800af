"""Mixed-type estimators against brute-force versions written from the papers."""

import numpy as np
import pytest
from scipy.special import digamma

import mibench


def chebyshev_matrix(a):
    return np.abs(a[:, None, :] - a[None, :, :]).max(axis=2)


def label_distances(labels, far=1e6):
    """The discrete metric: 0 between equal labels, ``far`` between any two different ones."""
    labels = np.asarray(labels).reshape(len(labels), -1)
    return far * (labels[:, None, :] != labels[None, :, :]).any(axis=2)


def mixed_ksg_brute_force(x, y, k, dx=None, dy=None):
    """Gao, Kannan, Oh, Viswanath (2017), the authors' code form with exact comparisons; x and y
    in the max-norm unless their distance matrices are given."""
    n = len(x)
    dx = chebyshev_matrix(x) if dx is None else dx
    dy = chebyshev_matrix(y) if dy is None else dy
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
    # discrete x in the discrete metric: different labels all equally far, farther than any y
    # distance; 20 classes of one sample, numbered in a row, then 10 of 28, so that some k-th
    # neighbours lie in another class, and not in the class numbered next to it
    labels = np.repeat(np.arange(30), [1] * 20 + [28] * 10)
    values = labels % 3 + rng.uniform(0, 2, len(labels))
    for k in (3, 5):
        expected = mixed_ksg_brute_force(labels, values[:, None], k, dx=label_distances(labels))
        got = mibench.estimate(labels, values, "mixed_ksg", k=k, x_type="discrete", y_type="continuous")
        assert got == pytest.approx(expected, abs=1e-10)


def test_mixed_ksg_on_two_discrete_variables_in_the_discrete_metric():
    rng = np.random.default_rng(9)
    x = np.concatenate([np.arange(15), rng.integers(15, 20, 185)])  # 15 classes of one sample
    y = (x + rng.integers(0, 3, 200)) % 12
    expected = mixed_ksg_brute_force(x, y, 5, dx=label_distances(x), dy=label_distances(y))
    assert mibench.estimate(x, y, "mixed_ksg", x_type="discrete", y_type="discrete") == pytest.approx(
        expected, abs=1e-10
    )


@pytest.mark.parametrize("name", ["mixed_ksg", "mesner_shalizi"])
def test_labels_are_spaced_past_continuous_values_of_any_magnitude(name):
    """Labels are spaced past twice every continuous span; near 2^1023 that spacing overflowed
    (an OverflowError from deep inside). Scaling by powers of two is exact, so the estimate stays."""
    rng = np.random.default_rng(4)
    labels = rng.integers(0, 3, 300)
    values = labels + rng.normal(size=300)
    atoms = np.where(rng.random(300) < 0.3, 0.0, values)
    reference = mibench.estimate(labels, values, name, x_type="discrete", standardize=False)
    with_atoms = mibench.estimate(labels, atoms, name, x_type="discrete", y_type="mixed", standardize=False)
    for factor in (2.0**1020, 2.0**-1000):
        assert mibench.estimate(labels, values * factor, name, x_type="discrete", standardize=False) == reference
        assert (
            mibench.estimate(labels, atoms * factor, name, x_type="discrete", y_type="mixed", standardize=False)
            == with_atoms
        )


@pytest.mark.parametrize("name", ["mixed_ksg", "mesner_shalizi"])
def test_renaming_the_labels_leaves_the_estimate_as_it_was(name):
    """Labels name classes; their order means nothing. Before, codes were spaced along a line, so a
    k-th neighbour in another class counted the classes numbered next to it (mesner_shalizi 0.145
    against 0.093 for two numberings of the same rounded Gaussian pair)."""
    rng = np.random.default_rng(0)
    a = rng.normal(size=500)
    b = a + rng.normal(size=500)
    x, y = np.round(a).astype(int), np.round(b).astype(int)
    classes = np.unique(x)
    renamed = dict(zip(classes, rng.permutation([f"class {c}" for c in "kbzaqmcxe"[: len(classes)]]), strict=True))
    x_renamed = np.array([renamed[v] for v in x])
    for pair in ((x, y), (x, b), (x, a[::-1].copy())):
        as_numbered = mibench.estimate(*pair, name, x_type="discrete")
        as_renamed = mibench.estimate(x_renamed, pair[1], name, x_type="discrete")
        assert as_renamed == pytest.approx(as_numbered, abs=1e-12)


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
