"""Conditional MI and transfer entropy: estimators against independent computations, scenario
truths against Monte Carlo or exact tables, bad z, and the whole pipeline."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import digamma
from scipy.stats import multivariate_normal, norm

import mibench
from mibench.harness import Experiment, plan, run_task
from mibench.records import records_frame
from mibench.userdata import estimate_table, null_permutations

# -- estimators against independent computations ----------------------------------------------


def brute_force_counts(x, y, z, k, strict):
    """Per point, by an O(n²) loop over max-norm distances: the k-th joint neighbour's distance and
    the counts of other points within it (< if strict, else <=) in the (x, z), (y, z) and z spaces."""
    xyz, xz, yz = np.hstack([x, y, z]), np.hstack([x, z]), np.hstack([y, z])
    rows = []
    for i in range(len(x)):
        joint = np.abs(xyz - xyz[i]).max(axis=1)
        joint[i] = np.inf
        radius = np.sort(joint)[k - 1]
        counts = []
        for space in (xz, yz, z):
            distance = np.abs(space - space[i]).max(axis=1)
            distance[i] = np.inf
            counts.append(int(np.sum(distance < radius if strict else distance <= radius)))
        rows.append((radius, *counts))
    return np.array(rows)


def brute_force_frenzel_pompe(x, y, z, k):
    """Frenzel & Pompe (2007) eq. (7): ψ(k) − ⟨ψ(n_xz + 1) + ψ(n_yz + 1) − ψ(n_z + 1)⟩, strict counts."""
    _, xz, yz, zz = brute_force_counts(x, y, z, k, strict=True).T
    return digamma(k) - np.mean(digamma(xz + 1) + digamma(yz + 1) - digamma(zz + 1))


@pytest.mark.parametrize("dims", [(1, 1, 1), (2, 1, 3)])
def test_ksg_with_z_is_the_frenzel_pompe_estimator(dims):
    rng = np.random.default_rng(3)
    n = 300
    z = rng.normal(size=(n, dims[2]))
    x = z[:, :1] + rng.normal(size=(n, dims[0]))
    y = x[:, :1] + z[:, :1] + rng.normal(size=(n, dims[1]))
    for k in (1, 3, 7):
        expected = brute_force_frenzel_pompe(x, y, z, k)
        assert mibench.estimate(x, y, "ksg", z=z, k=k, standardize=False) == pytest.approx(expected, abs=1e-9)


def distances(values, discrete=False, far=1e6):
    """Max-norm distances between rows; for a discrete variable the discrete metric: 0 between
    equal labels, ``far`` (more than any continuous distance here) between different ones."""
    values = np.asarray(values).reshape(len(values), -1)
    if discrete:
        return far * (values[:, None, :] != values[None, :, :]).any(axis=2)
    return np.abs(values[:, None, :] - values[None, :, :]).max(axis=2)


def brute_force_mesner_shalizi(dx, dy, dz, k):
    """Mesner & Shalizi (2021) from distance matrices: ⟨ψ(k̃) − ψ(n_xz) − ψ(n_yz) + ψ(n_z)⟩, each
    count the other points within ρ (<=), ρ the k-th joint neighbour's distance, so k̃ = k unless
    there are ties at ρ (the authors' code, knncmi: all points within ρ)."""
    n = len(dx)
    others = ~np.eye(n, dtype=bool)
    joint = np.maximum(np.maximum(dx, dy), dz)
    total = 0.0
    for i in range(n):
        rho = np.sort(joint[i][others[i]])[k - 1]
        count = [np.sum((d[i] <= rho) & others[i]) for d in (joint, np.maximum(dx, dz), np.maximum(dy, dz), dz)]
        total += digamma(count[0]) - digamma(count[1]) - digamma(count[2]) + digamma(count[3])
    return total / n


def test_mesner_shalizi_matches_its_definition_on_mixed_data_with_atoms():
    rng = np.random.default_rng(5)
    n = 250
    z = rng.integers(0, 3, n).astype(float)[:, None]  # declared mixed: numbers with atoms
    x = np.where(rng.random(n) < 0.3, 0.0, z[:, 0] + rng.normal(size=n))[:, None]
    y = np.round(x[:, 0] + rng.normal(size=n))[:, None]  # many repeated values: ties at rho > 0
    for k in (2, 5):
        expected = brute_force_mesner_shalizi(distances(x), distances(y), distances(z), k)
        value = mibench.estimate(
            x, y, "mesner_shalizi", z=z, k=k, x_type="mixed", y_type="mixed", z_type="mixed", standardize=False
        )
        assert value == pytest.approx(expected, abs=1e-9)


def test_mesner_shalizi_takes_discrete_variables_in_the_discrete_metric():
    """Different labels all equally far apart, farther than any continuous distance: a point whose
    cell holds fewer than k others has every point within ρ, and a term of 0."""
    rng = np.random.default_rng(6)
    n = 240
    z = np.concatenate([np.arange(12), rng.integers(12, 16, n - 12)])  # 12 labels seen once
    x = z % 4 + rng.normal(size=n)
    y = (z + rng.integers(0, 2, n)) % 5
    for k in (3, 5):
        expected = brute_force_mesner_shalizi(distances(x), distances(y, True), distances(z, True), k)
        value = mibench.estimate(x, y, "mesner_shalizi", z=z, k=k, y_type="discrete", z_type="discrete")
        assert value == pytest.approx(expected, abs=1e-9)
    no_z = brute_force_mesner_shalizi(distances(x), distances(y, True), np.zeros((n, n)), 5)
    assert mibench.estimate(x, y, "mesner_shalizi", y_type="discrete") == pytest.approx(no_z, abs=1e-9)


def test_gaussian_with_z_is_the_conditional_covariance_formula():
    """½ ln(det Σ_x|z det Σ_y|z / det Σ_xy|z) from Schur complements, another route to the same number."""
    rng = np.random.default_rng(0)
    n = 500
    z = rng.normal(size=(n, 2))
    x = z @ [[1.0], [0.5]] + rng.normal(size=(n, 1))
    y = np.hstack([x + z[:, :1], rng.normal(size=(n, 1))]) + rng.normal(size=(n, 2))
    covariance = np.cov(np.hstack([x, y, z]), rowvar=False)
    xy, zz = np.arange(3), np.arange(3, 5)
    residual = covariance[np.ix_(xy, xy)] - covariance[np.ix_(xy, zz)] @ np.linalg.solve(
        covariance[np.ix_(zz, zz)], covariance[np.ix_(zz, xy)]
    )
    expected = 0.5 * np.log(residual[0, 0] * np.linalg.det(residual[1:, 1:]) / np.linalg.det(residual))
    assert mibench.estimate(x, y, "gaussian", z=z) == pytest.approx(expected, rel=1e-10)


def hand_plugin_cmi(x, y, z):
    """Σ (n_xyz/N) ln(n_z n_xyz / (n_xz n_yz)), counted with a Counter."""
    from collections import Counter

    triples = list(zip(x, y, z, strict=True))
    n = len(triples)
    xyz, xz = Counter(triples), Counter((a, c) for a, _, c in triples)
    yz, zs = Counter((b, c) for _, b, c in triples), Counter(c for *_, c in triples)
    return sum(m / n * np.log(zs[c] * m / (xz[a, c] * yz[b, c])) for (a, b, c), m in xyz.items())


def test_plugin_and_miller_madow_with_z_against_a_hand_count():
    rng = np.random.default_rng(1)
    n = 400
    z = rng.choice(["u", "v", "w"], n)
    x = rng.integers(0, 3, n)
    y = (x + (z == "v") + (rng.random(n) < 0.3)) % 4
    expected = hand_plugin_cmi(x, y, z)
    kinds = {"x_type": "discrete", "y_type": "discrete", "z_type": "discrete"}
    assert mibench.estimate(x, y, "plugin", z=z, **kinds) == pytest.approx(expected, abs=1e-12)
    occupied = [
        len(set(zip(*columns, strict=True))) for columns in ((x, z), (y, z), (x, y, z), (z,))
    ]  # K_xz, K_yz, K_xyz, K_z
    correction = (occupied[0] + occupied[1] - occupied[2] - occupied[3]) / (2 * n)
    assert mibench.estimate(x, y, "miller_madow", z=z, **kinds) == pytest.approx(expected + correction, abs=1e-12)


@pytest.mark.parametrize("name", ["plugin", "miller_madow", "jackknife", "chao_shen", "grassberger", "nsb", "bayes"])
def test_discrete_conditional_estimators_find_the_noisy_xor(name):
    """I(X;Y) = 0 but I(X;Y|Z) = ln 2 − h(0.1): at n = 5000 every discrete estimator is within 0.03."""
    scenario = mibench.get_scenario("noisy_xor(p=0.1)")
    x, y, z = scenario.sample(5000, 7)
    kinds = {"x_type": "discrete", "y_type": "discrete"}
    truth = np.log(2) + 0.1 * np.log(0.1) + 0.9 * np.log(0.9)
    assert mibench.estimate(x, y, name, z=z, z_type="discrete", **kinds) == pytest.approx(truth, abs=0.03)
    assert abs(mibench.estimate(x, y, name, **kinds)) < 0.01


def test_gcmi_with_z_is_rank_invariant_and_near_the_gaussian_value():
    scenario = mibench.get_scenario("gaussian_cmi(c=0.5)")
    x, y, z = scenario.sample(20_000, 2)
    value = mibench.estimate(x, y, "gcmi", z=z)
    assert value == pytest.approx(scenario.mi, abs=0.015)
    assert mibench.estimate(np.exp(x), y**3, "gcmi", z=np.arctan(z)) == pytest.approx(value, abs=1e-12)


def test_gcmi_with_a_discrete_z_weights_the_per_class_values():
    scenario = mibench.get_scenario("gaussian_given_class(classes=3, rho=0.8)")
    x, y, z = scenario.sample(6000, 4)
    per_class = [(np.mean(z == c), mibench.estimate(x[z[:, 0] == c], y[z[:, 0] == c], "gcmi")) for c in range(3)]
    expected = sum(weight * value for weight, value in per_class)
    assert mibench.estimate(x, y, "gcmi", z=z, z_type="discrete") == pytest.approx(expected, abs=1e-12)
    assert expected == pytest.approx(scenario.mi, abs=0.03)


def test_peers_condition_on_the_same_samples():
    pytest.importorskip("npeet_plus")
    pytest.importorskip("infomeasure")
    x, y, z = mibench.get_scenario("gaussian_cmi(dim_z=2)").sample(800, 1)
    # NPEET and infomeasure add noise of 1e-10 before the search; the neighbour structure is unchanged.
    assert mibench.estimate(x, y, "npeet", z=z) == pytest.approx(mibench.estimate(x, y, "ksg", z=z), abs=1e-6)
    assert mibench.estimate(x, y, "infomeasure", z=z) == pytest.approx(
        mibench.estimate(x, y, "ksg", z=z, k=4), abs=1e-6
    )


def test_peers_that_jitter_are_reproducible_from_the_run_seed():
    """infomeasure jitters with its own generator: the adapter seeds it, so reruns are identical."""
    pytest.importorskip("infomeasure")
    x, y, z = mibench.get_scenario("var1_te(a=0.5, b=0.5, c=0.5, history=3)").sample(500, 0)
    estimator = mibench.get_estimator("infomeasure")
    by_seed = [estimator.estimate(x, y, z=z, rng=np.random.default_rng(s), standardize=False) for s in range(6)]
    assert len(set(by_seed)) > 1  # here the jitter moves points across the k-th distance
    assert by_seed == [estimator.estimate(x, y, z=z, rng=np.random.default_rng(s), standardize=False) for s in range(6)]


def test_ennemi_conditions_on_the_same_samples():
    pytest.importorskip("ennemi")
    scenario = mibench.get_scenario("gaussian_cmi")
    x, y, z = scenario.sample(4000, 2)
    # ennemi rescales each variable to unit variance first: on standardised data it is the conditional KSG.
    standard = [(v - v.mean(axis=0)) / v.std(axis=0) for v in (x, y, z)]
    assert mibench.estimate(x, y, "ennemi", z=z) == pytest.approx(
        mibench.estimate(*standard[:2], "ksg", z=standard[2]), abs=2e-3
    )


# -- the chain and the collider at large n ------------------------------------------------------


@pytest.mark.slow
def test_chain_and_collider_show_the_textbook_behaviour():
    chain = mibench.get_scenario("gaussian_chain")
    x, y, z = chain.sample(20_000, 0)
    assert abs(mibench.estimate(x, y, "ksg", z=z)) < 0.01 < 0.2 < mibench.estimate(x, y, "ksg")
    collider = mibench.get_scenario("gaussian_collider")
    x, y, z = collider.sample(20_000, 0)
    assert abs(mibench.estimate(x, y, "ksg")) < 0.01
    assert mibench.estimate(x, y, "ksg", z=z) == pytest.approx(collider.mi, abs=0.02)
    assert collider.mi > 0.1
    chain = mibench.get_scenario("discrete_chain(k=4, noise=0.3)")
    kinds = {"x_type": "discrete", "y_type": "discrete"}
    x, y, z = chain.sample(20_000, 0)
    assert abs(mibench.estimate(x, y, "miller_madow", z=z, z_type="discrete", **kinds)) < 0.005
    assert mibench.estimate(x, y, "miller_madow", **kinds) > 0.1


# -- scenario truths --------------------------------------------------------------------------


def monte_carlo_gaussian_cmi(covariance, dim_x, dim_y, n=200_000, seed=0):
    """Mean of ln p(x,y,z) + ln p(z) − ln p(x,z) − ln p(y,z) over draws, with its standard error."""
    rng = np.random.default_rng(seed)
    size = covariance.shape[0]
    w = rng.multivariate_normal(np.zeros(size), covariance, size=n)
    x, y, z = np.arange(dim_x), np.arange(dim_x, dim_x + dim_y), np.arange(dim_x + dim_y, size)

    def log_density(index):
        index = np.asarray(index)
        return multivariate_normal(np.zeros(index.size), covariance[np.ix_(index, index)]).logpdf(w[:, index])

    pointwise = log_density(np.arange(size)) + log_density(z) - log_density(np.r_[x, z]) - log_density(np.r_[y, z])
    return pointwise.mean(), pointwise.std() / np.sqrt(n)


@pytest.mark.parametrize(
    "spec",
    [
        "gaussian_cmi",
        "gaussian_cmi(dim_x=2, dim_y=2, dim_z=3)",
        "gaussian_chain(dim_x=2, dim_y=1, dim_z=2)",
        "gaussian_collider(a=2.0, b=0.5)",
        "gaussian_collider(dim_x=2, dim_y=2, dim_z=2)",
    ],
)
def test_gaussian_cmi_truths_by_monte_carlo(spec):
    scenario = mibench.get_scenario(spec)
    x, y, z = scenario.sample(50_000, 1)
    sample_covariance = np.cov(np.hstack([x, y, z]), rowvar=False)
    assert np.allclose(sample_covariance, scenario.covariance, atol=0.05 * scenario.covariance.max())
    value, error = monte_carlo_gaussian_cmi(scenario.covariance, scenario.dim_x, scenario.dim_y)
    assert abs(value - scenario.mi) < 5 * error + 1e-9


def test_the_chain_has_zero_cmi_and_the_collider_zero_mi():
    chain = mibench.get_scenario("gaussian_chain(dim_x=2, dim_z=3)")
    from mibench.scenarios.conditional import gaussian_cmi

    assert chain.mi == 0 and abs(gaussian_cmi(chain.covariance, 2, 1)) < 1e-12 and chain.unconditional_mi > 0.1
    collider = mibench.get_scenario("gaussian_collider(a=1.0, b=1.0)")
    assert collider.unconditional_mi == pytest.approx(0, abs=1e-12)
    assert collider.mi == pytest.approx(0.5 * np.log(2 * 2 / 3), abs=1e-12)  # ½ ln((1+a²)(1+b²)/(1+a²+b²))


def entropy_of(counts):
    p = np.asarray(counts, dtype=float).ravel()
    p = p[p > 0] / p.sum()
    return float(-np.sum(p * np.log(p)))


def table_by_entropies(table):
    return (
        entropy_of(table.sum(axis=1))
        + entropy_of(table.sum(axis=0))
        - entropy_of(table)
        - entropy_of(table.sum(axis=(0, 1)))
    )


@pytest.mark.parametrize(
    "spec",
    ["noisy_xor(p=0.2)", "discrete_chain(k=3, noise=0.5)", "discrete_collider(k=4, noise=0.1)", "random_cmi_pmf"],
)
def test_discrete_cmi_truths_by_entropies(spec):
    scenario = mibench.get_scenario(spec)
    assert scenario.mi == pytest.approx(table_by_entropies(scenario.table), abs=1e-12)
    x, y, z = scenario.sample(200_000, 3)
    empirical = np.zeros(scenario.table.shape)
    np.add.at(empirical, (x[:, 0], y[:, 0], z[:, 0]), 1)
    assert np.allclose(empirical / empirical.sum(), scenario.table, atol=0.005)


def test_noisy_xor_and_the_collider_have_zero_mi():
    xor = mibench.get_scenario("noisy_xor(p=0.2)")
    assert xor.mi == pytest.approx(np.log(2) + 0.2 * np.log(0.2) + 0.8 * np.log(0.8), abs=1e-12)
    for scenario in (xor, mibench.get_scenario("discrete_collider")):
        pair = scenario.table.sum(axis=2)
        assert entropy_of(pair.sum(1)) + entropy_of(pair.sum(0)) - entropy_of(pair) == pytest.approx(0, abs=1e-12)


def test_gaussian_given_class_truth_by_monte_carlo():
    scenario = mibench.get_scenario("gaussian_given_class(classes=4, rho=0.9, shift=2.0)")
    x, y, z = scenario.sample(200_000, 0)
    c, u, v = z[:, 0], x[:, 0] - 2.0 * z[:, 0], y[:, 0] - 2.0 * z[:, 0]
    rho = 0.9 * (c + 1) / 4
    joint = -np.log(2 * np.pi) - 0.5 * np.log(1 - rho**2) - (u**2 - 2 * rho * u * v + v**2) / (2 * (1 - rho**2))
    pointwise = joint - norm.logpdf(u) - norm.logpdf(v)
    assert abs(pointwise.mean() - scenario.mi) < 5 * pointwise.std() / np.sqrt(len(u))


def class_mixture_mi_on_a_grid(weights: np.ndarray, separation: float, scale: float) -> float:
    """I(X; separation·X + scale·ε), X with these class weights: the mixture's entropy by the trapezoid
    rule on a fine grid, less ½ ln(2πe scale²)."""
    grid = np.linspace(-12 * scale, separation * (len(weights) - 1) + 12 * scale, 400_001)
    density = sum(w * norm.pdf(grid, loc=separation * j, scale=scale) for j, w in enumerate(weights))
    return -np.trapezoid(density * np.log(np.maximum(density, 1e-300)), grid) - 0.5 * np.log(
        2 * np.pi * np.e * scale**2
    )


def pointwise_class_cmi(x, y, offset, weights, separation, sigma):
    """ln p(y | x, z) − ln p(y | z) with y | x, z ~ N(separation·x + offset, sigma²) and p(y | z) the
    mixture over the classes with weights (a row per sample)."""
    from scipy.special import logsumexp

    shifted = (y - offset)[:, None] - separation * np.arange(weights.shape[1])
    given_z = logsumexp(norm.logpdf(shifted, scale=sigma) + np.log(weights), axis=1)
    return norm.logpdf(y - offset - separation * x, scale=sigma) - given_z


def test_classes_given_covariate_truth_by_monte_carlo_and_on_a_grid():
    """I(X;Y|Z) = E ln p(y | x, z) / p(y | z) by Monte Carlo, and as h(mixture) − ½ ln(2πeσ²) on a
    fine grid, given z and without it."""
    k, separation, sigma, coupling = 4, 1.5, 0.8, 1.2
    spec = f"classes_given_covariate(k={k}, separation={separation}, sigma={sigma}, coupling={coupling})"
    scenario = mibench.get_scenario(spec)
    x, y, z = (v[:, 0] for v in scenario.sample(200_000, 0))
    assert set(np.unique(x)) == set(range(k)) and abs(np.corrcoef(x, z)[0, 1]) < 0.01
    pointwise = pointwise_class_cmi(x, y, coupling * z, np.full((len(y), k), 1 / k), separation, sigma)
    assert abs(pointwise.mean() - scenario.mi) < 5 * pointwise.std() / np.sqrt(len(y))
    uniform = np.full(k, 1 / k)
    assert scenario.mi == pytest.approx(class_mixture_mi_on_a_grid(uniform, separation, sigma), abs=1e-8)
    without_z = class_mixture_mi_on_a_grid(uniform, separation, np.hypot(sigma, coupling))
    assert scenario.unconditional_mi == pytest.approx(without_z, abs=1e-8)
    assert scenario.unconditional_mi < scenario.mi - 0.1  # ignoring z leaves its share of y as noise
    swapped = mibench.get_scenario(f"swapped(base='{scenario.spec}')")
    types = (swapped.x_type, swapped.y_type, swapped.z_type)
    assert types == ("continuous", "discrete", "continuous") and swapped.mi == scenario.mi


@pytest.mark.parametrize("z_atom", [0.0, 0.4])
def test_atoms_given_covariate_truth_by_monte_carlo(z_atom):
    """ln p(y | x, z) − ln p(y | z) by hand: 0 at the atom y = 0 (probability q either way), else the
    normal density of y − cz given x − cz (mean ρ(x − cz), variance 1 − ρ²) against N(0, 1)."""
    rho, q, coupling = 0.7, 0.4, 1.5
    scenario = mibench.get_scenario(f"atoms_given_covariate(rho={rho}, q={q}, coupling={coupling}, z_atom={z_atom})")
    assert (scenario.x_type, scenario.y_type, scenario.z_type) == (
        "continuous",
        "mixed",
        "mixed" if z_atom else "continuous",
    )
    x, y, z = (v[:, 0] for v in scenario.sample(400_000, 3))
    assert np.mean(y == 0) == pytest.approx(q, abs=0.005) and np.mean(z == 0) == pytest.approx(z_atom, abs=0.005)
    u, v = x - coupling * z, y - coupling * z
    pointwise = np.where(y == 0, 0.0, norm.logpdf(v, loc=rho * u, scale=np.sqrt(1 - rho**2)) - norm.logpdf(v))
    assert abs(pointwise.mean() - scenario.mi) < 5 * pointwise.std() / np.sqrt(len(y))
    assert scenario.mi == pytest.approx((1 - q) * -0.5 * np.log(1 - rho**2), rel=1e-12)
    if z_atom:
        with pytest.raises(ValueError, match="closed form only for a Gaussian Z"):
            _ = scenario.unconditional_mi
        return
    # Without z: (x, y ≠ 0) bivariate normal with variances 1 + c², covariance ρ + c².
    variance, covariance = 1 + coupling**2, rho + coupling**2
    joint = multivariate_normal(cov=[[variance, covariance], [covariance, variance]])
    both = np.c_[x, y]
    marginal = norm.logpdf(x, scale=np.sqrt(variance)) + norm.logpdf(y, scale=np.sqrt(variance))
    unconditional = np.where(y == 0, 0.0, joint.logpdf(both) - marginal)
    assert abs(unconditional.mean() - scenario.unconditional_mi) < 5 * unconditional.std() / np.sqrt(len(y))
    assert scenario.unconditional_mi > scenario.mi + 0.1  # the shared covariate is dependence of its own
    swapped = mibench.get_scenario(f"swapped(base='{scenario.spec}')")
    assert (swapped.x_type, swapped.y_type) == ("mixed", "continuous") and swapped.mi == scenario.mi


def test_classes_given_condition_truth_by_monte_carlo_and_on_a_grid():
    """p(x | z) by hand: class z mod k with dependence + (1 − dependence)/k, the others (1 − dependence)/k."""
    k, m, dependence, separation, sigma, shift = 3, 4, 0.5, 1.2, 0.7, 3.0
    spec = f"classes_given_condition(k={k}, m={m}, dependence={dependence}, separation={separation}, sigma={sigma}, shift={shift})"
    scenario = mibench.get_scenario(spec)
    weights = np.full((m, k), 0.5 / 3)
    weights[[0, 1, 2, 3], [0, 1, 2, 0]] += 0.5
    x, y, z = (v[:, 0] for v in scenario.sample(200_000, 1))
    for condition in range(m):
        drawn = np.bincount(x[z == condition], minlength=k) / np.sum(z == condition)
        assert np.abs(drawn - weights[condition]).max() < 0.01
    pointwise = pointwise_class_cmi(x, y, shift * z, weights[z], separation, sigma)
    assert abs(pointwise.mean() - scenario.mi) < 5 * pointwise.std() / np.sqrt(len(y))
    on_grid = np.mean([class_mixture_mi_on_a_grid(w, separation, sigma) for w in weights])
    assert scenario.mi == pytest.approx(on_grid, abs=1e-8)


def test_channel_given_covariate_truth_by_monte_carlo_and_gauss_hermite():
    """ln P(y | x) − ln P(y | z) by Monte Carlo; the integral over z by Gauss–Hermite nodes; a flat
    slope leaves the binary symmetric channel with a fair input, ln 2 − h(error), and error 0.5 nothing."""
    from numpy.polynomial.hermite_e import hermegauss
    from scipy.special import expit

    slope, error = 1.5, 0.15
    scenario = mibench.get_scenario(f"channel_given_covariate(slope={slope}, error={error})")
    x, y, z = (v[:, 0] for v in scenario.sample(200_000, 2))
    assert np.mean(x != y) == pytest.approx(error, abs=0.003)
    q = error + (1 - 2 * error) * expit(slope * z)  # P(Y = 1 | z)
    pointwise = np.log(np.where(x == y, 1 - error, error)) - np.log(np.where(y == 1, q, 1 - q))
    assert abs(pointwise.mean() - scenario.mi) < 5 * pointwise.std() / np.sqrt(len(y))

    def h(p):
        return -p * np.log(p) - (1 - p) * np.log(1 - p)

    nodes, weights = hermegauss(200)
    by_nodes = np.sum(weights * (h(error + (1 - 2 * error) * expit(slope * nodes)) - h(error))) / np.sqrt(2 * np.pi)
    assert scenario.mi == pytest.approx(by_nodes, abs=1e-9)
    flat = mibench.get_scenario(f"channel_given_covariate(slope=0, error={error})")
    assert flat.mi == pytest.approx(np.log(2) - h(error), abs=1e-12)
    assert mibench.get_scenario("channel_given_covariate(error=0.5)").mi == 0


def test_spike_transfer_entropy_by_monte_carlo_on_a_grid_and_zero_off_the_lag():
    """Y_t − b·Y_{t−1} = c·X_{t−δ} + η: the pointwise TE by Monte Carlo, the two-class MI on a grid, and
    the innovation uncorrelated with the source wherever its window misses X_{t−δ}; the series are
    stationary (the mean and variance of Y as the recursion gives them, so the burn-in is long enough)."""
    p, b, c = 0.3, 0.7, 1.5
    scenario = mibench.get_scenario(f"spike_te(p={p}, b={b}, c={c}, lag=2, delay=2, history=2)")
    x, y, z = scenario.sample(200_000, 4)
    spikes, innovation = x[:, 0], y[:, 0] - b * z[:, 0]
    assert spikes.mean() == pytest.approx(p, abs=0.005)
    assert abs(np.mean(innovation - c * spikes)) < 0.01 and np.var(innovation - c * spikes) == pytest.approx(
        1, abs=0.02
    )
    assert y.mean() == pytest.approx(c * p / (1 - b), abs=0.03)
    assert y.var() == pytest.approx((c**2 * p * (1 - p) + 1) / (1 - b**2), rel=0.03)
    weights = np.tile([1 - p, p], (len(y), 1))
    pointwise = pointwise_class_cmi(spikes, y[:, 0], b * z[:, 0], weights, c, 1.0)
    assert abs(pointwise.mean() - scenario.mi) < 5 * pointwise.std() / np.sqrt(len(y))
    assert scenario.mi == pytest.approx(class_mixture_mi_on_a_grid(np.array([1 - p, p]), c, 1.0), abs=1e-8)
    assert abs(np.corrcoef(innovation, spikes)[0, 1]) > 0.3
    window = mibench.get_scenario(f"spike_te(p={p}, b={b}, c={c}, lag=2, delay=1, source_history=2)")
    assert window.mi == scenario.mi
    for delay in (1, 3):  # the window misses X_{t-2}
        off = mibench.get_scenario(f"spike_te(p={p}, b={b}, c={c}, lag=2, delay={delay})")
        x, y, z = off.sample(200_000, 5)
        assert off.mi == 0 and abs(np.corrcoef(y[:, 0] - b * z[:, 0], x[:, 0])[0, 1]) < 0.01


def test_zero_inflated_transfer_entropy_by_monte_carlo_and_zero_off_the_lag():
    """Where Y_t ≠ 0, Y_t − b·Y_{t−1} = c·X_{t−δ} + η: the pointwise TE (0 at the atom, whose probability q
    is the same given the source) by Monte Carlo; the stationary variance (1 − q)(1 + c²)/(1 − (1 − q)b²)
    (so the burn-in is long enough); the innovation uncorrelated with the source where its window misses X_{t−δ}."""
    q, b, c = 0.4, 0.7, 1.5
    scenario = mibench.get_scenario(f"zero_inflated_te(q={q}, b={b}, c={c}, lag=2, delay=2, history=2)")
    assert (scenario.x_type, scenario.y_type, scenario.z_type) == ("continuous", "mixed", "mixed")
    x, y, z = (values for values in scenario.sample(200_000, 4))
    source, target, previous = x[:, 0], y[:, 0], z[:, 0]
    assert np.mean(target == 0) == pytest.approx(q, abs=0.005) and np.array_equal(z[1:, 0], target[:-1])
    assert target.var() == pytest.approx((1 - q) * (1 + c**2) / (1 - (1 - q) * b**2), rel=0.02)
    innovation = target - b * previous
    pointwise = np.where(
        target == 0, 0.0, norm.logpdf(innovation, loc=c * source) - norm.logpdf(innovation, scale=np.hypot(1, c))
    )
    assert abs(pointwise.mean() - scenario.mi) < 5 * pointwise.std() / np.sqrt(len(target))
    assert scenario.mi == pytest.approx((1 - q) * 0.5 * np.log(1 + c**2), rel=1e-12)
    assert np.corrcoef(innovation[target != 0], source[target != 0])[0, 1] == pytest.approx(
        c / np.hypot(1, c), abs=0.01
    )
    for delay in (1, 3):  # the window misses X_{t-2}
        off = mibench.get_scenario(f"zero_inflated_te(q={q}, b={b}, c={c}, lag=2, delay={delay})")
        x, y, z = off.sample(200_000, 5)
        moving = y[:, 0] != 0
        assert off.mi == 0 and abs(np.corrcoef(y[moving, 0] - b * z[moving, 0], x[moving, 0])[0, 1]) < 0.01


def test_event_amplitude_transfer_entropy_by_monte_carlo_on_a_grid_and_zero_off_the_lag():
    """Y_t − b·Y_{t−1} = c·X_{t−δ} + η with X exactly 0 between events: the pointwise TE, ln φ(v − c x) −
    ln f(v) with f the two-component mixture, by Monte Carlo; h(f) − ½ ln(2πe) by the trapezoid rule
    on a fine grid; the stationary mean and variance (so the burn-in suffices); the innovation
    uncorrelated with the source where its window misses X_{t−δ}."""
    p, mu, sigma, b, c = 0.25, 0.8, 0.6, 0.7, 1.5
    spec = f"event_amplitude_te(p={p}, mu={mu}, sigma={sigma}, b={b}, c={c}, lag=2, delay=2, history=2)"
    scenario = mibench.get_scenario(spec)
    assert (scenario.x_type, scenario.y_type, scenario.z_type) == ("mixed", "continuous", "continuous")
    x, y, z = scenario.sample(200_000, 4)
    source, target, innovation = x[:, 0], y[:, 0], y[:, 0] - b * z[:, 0]
    assert np.mean(source == 0) == pytest.approx(1 - p, abs=0.005)
    assert source[source != 0].mean() == pytest.approx(mu, abs=0.01)
    assert source[source != 0].std() == pytest.approx(sigma, rel=0.02)
    moment = p * mu, p * (mu**2 + sigma**2) - (p * mu) ** 2  # the source's mean and variance
    assert target.mean() == pytest.approx(c * moment[0] / (1 - b), abs=0.03)
    assert target.var() == pytest.approx((c**2 * moment[1] + 1) / (1 - b**2), rel=0.03)
    spread = np.hypot(1, c * sigma)

    def mixture(v):
        return (1 - p) * norm.pdf(v) + p * norm.pdf(v, loc=c * mu, scale=spread)

    pointwise = norm.logpdf(innovation - c * source) - np.log(mixture(innovation))
    assert abs(pointwise.mean() - scenario.mi) < 5 * pointwise.std() / np.sqrt(len(target))
    grid = np.linspace(-15 * spread, c * mu + 15 * spread, 400_001)
    entropy = -np.trapezoid(mixture(grid) * np.log(mixture(grid)), grid)
    assert scenario.mi == pytest.approx(entropy - 0.5 * np.log(2 * np.pi * np.e), abs=1e-8)
    for delay in (1, 3):  # the window misses X_{t-2}
        off = mibench.get_scenario(spec.replace("delay=2", f"delay={delay}"))
        x, y, z = off.sample(200_000, 5)
        assert off.mi == 0 and abs(np.corrcoef(y[:, 0] - b * z[:, 0], x[:, 0])[0, 1]) < 0.01
    with pytest.raises(ValueError, match="mu and sigma are both 0"):
        mibench.get_scenario("event_amplitude_te(mu=0.0, sigma=0.0)")


def test_logistic_transfer_entropy_by_monte_carlo_gauss_hermite_and_transition_counts():
    """P(Y_t = 1 | y, x) = σ(a x + b (2y − 1) + c): the pointwise TE by Monte Carlo, the TE by Gauss–Hermite
    nodes with the stationary law solved in the test, the drawn transition rates, and nothing from the
    source off the lag (the rates do not follow X there)."""
    from numpy.polynomial.hermite_e import hermegauss
    from scipy.special import expit, xlogy

    a, b, c = 1.5, 0.8, -0.5
    scenario = mibench.get_scenario(f"logistic_te(a={a}, b={b}, baseline={c}, history=2)")
    nodes, weights = hermegauss(200)
    weights = weights / weights.sum()

    def h(p):  # 0 ln 0 = 0 where the outer nodes saturate σ
        return -xlogy(p, p) - xlogy(1 - p, 1 - p)

    rates = {y: expit(a * nodes + b * (2 * y - 1) + c) for y in (0, 1)}
    m = np.array([weights @ rates[0], weights @ rates[1]])
    stationary_one = m[0] / (m[0] + 1 - m[1])  # π(1) P(1 → 0) = π(0) P(0 → 1)
    pi = np.array([1 - stationary_one, stationary_one])
    by_nodes = sum(pi[y] * (h(m[y]) - weights @ h(rates[y])) for y in (0, 1))
    assert scenario.mi == pytest.approx(by_nodes, abs=1e-9)
    assert scenario.mi == mibench.get_scenario(f"logistic_te(a={a}, b={b}, baseline={c})").mi  # any history

    x, y, z = scenario.sample(200_000, 3)
    source, now, before = x[:, 0], y[:, 0], z[:, 0]
    assert now.mean() == pytest.approx(pi[1], abs=0.005)
    for state in (0, 1):
        assert now[before == state].mean() == pytest.approx(m[state], abs=0.006)
    p_one = expit(a * source + b * (2 * before - 1) + c)
    pointwise = np.log(np.where(now == 1, p_one, 1 - p_one)) - np.log(np.where(now == 1, m[before], 1 - m[before]))
    assert abs(pointwise.mean() - scenario.mi) < 5 * pointwise.std() / np.sqrt(len(now))

    for extreme in ("baseline=-800", "b=800", "b=30"):  # a target stuck in one state: refused, not a NaN error bound
        with pytest.raises(ValueError, match="the target never leaves a state"):
            mibench.get_scenario(f"logistic_te({extreme})")
    off = mibench.get_scenario(f"logistic_te(a={a}, b={b}, baseline={c}, lag=2)")  # the window holds X_{t-1}
    x, y, z = off.sample(200_000, 4)
    assert off.mi == 0
    for state in (0, 1):
        given = z[:, 0] == state
        high, low = (y[given & side, 0].mean() for side in (x[:, 0] > 0, x[:, 0] <= 0))
        assert abs(high - low) < 0.012


def test_an_estimator_that_conditions_only_some_types_is_skipped_for_the_others():
    """gcmi conditions continuous x and y only: a run skips it on a discrete x given z (it recorded 60
    errors in the cmi suite before it said so), and a user's data get the reason."""
    records = mibench.run(["gcmi", "mesner_shalizi"], ["classes_given_covariate", "gaussian_cmi"], [200], reps=1)
    ran = set(zip(records["estimator"].str.split("(").str[0], records["scenario"].str.split("-v").str[0]))
    assert ran == {
        ("gcmi", "gaussian_cmi"),
        ("mesner_shalizi", "gaussian_cmi"),
        ("mesner_shalizi", "classes_given_covariate"),
    }
    assert (records["status"] == "ok").all()
    x, y, z = mibench.get_scenario("classes_given_covariate").sample(200, 0)
    with pytest.raises(
        ValueError,
        match=r"gcmi does not condition \(discrete, continuous\) data on a z; given z it accepts \(continuous, continuous\)",
    ):
        mibench.get_estimator("gcmi").estimate(x, y, z=z, x_type="discrete", y_type="continuous", z_type="continuous")
    assert mibench.get_estimator("gcmi").estimate(y, z, x_type="continuous", y_type="continuous") > 0  # without z


def test_transforms_keep_z_and_the_conditional_truth():
    base = mibench.get_scenario("gaussian_cmi(dim_z=2)")
    for spec in ("half_cube(base='gaussian_cmi(dim_z=2)')", "swapped(base='gaussian_cmi(dim_z=2)')"):
        scenario = mibench.get_scenario(spec)
        assert scenario.mi == base.mi and scenario.quantity == "cmi" and scenario.dim_z == 2
        assert [v.shape[1] for v in scenario.sample(10, 0)] == [1, 1, 2]
    x, y, z = base.sample(500, 3)
    hx, hy, hz = mibench.get_scenario("half_cube(base='gaussian_cmi(dim_z=2)')").sample(500, 3)
    assert np.allclose(hz, z * np.sqrt(np.abs(z)))


@pytest.mark.parametrize("history", [1, 2, 4])
def test_var1_transfer_entropy_by_regression_on_a_long_series(history):
    """½ ln of the residual variances of Y_t regressed on its own past, then on its past and X's."""
    scenario = mibench.get_scenario(f"var1_te(a=0.6, b=0.4, c=0.8, history={history}, source_history=2)")
    x, y, z = scenario.sample(300_000, 11)

    def residual_variance(*regressors):
        design = np.hstack([np.ones((len(y), 1)), *regressors])
        coefficients = np.linalg.lstsq(design, y, rcond=None)[0]
        return float(np.var(y - design @ coefficients))

    expected = 0.5 * np.log(residual_variance(z) / residual_variance(z, x))
    assert scenario.mi == pytest.approx(expected, abs=0.006)
    assert residual_variance(z, x) == pytest.approx(1.0, abs=0.01)  # the noise variance: X's lag 1 suffices
    assert mibench.get_scenario("var1_te(c=0.0)").mi == 0  # exactly: a relative error divides by it


@pytest.mark.parametrize("history, delay", [(1, 1), (2, 1), (1, 2)])
def test_var1_conditional_transfer_entropy_by_regression_on_long_series(history, delay):
    """½ ln of the residual variances of Y_t regressed on its own and W's past, then on X's past too:
    on the scenario's sample, and on a series simulated here step by step."""
    a, b, c, d, g = 0.6, 0.4, 0.5, 0.7, 0.9
    spec = f"var1_cte(a={a}, b={b}, c={c}, d={d}, g={g}, history={history}, source_history=2, delay={delay})"
    scenario = mibench.get_scenario(spec)

    def residual_variance(y, *regressors):
        design = np.hstack([np.ones((len(y), 1)), *regressors])
        return float(np.var(y - design @ np.linalg.lstsq(design, y, rcond=None)[0]))

    x, y, z = scenario.sample(300_000, 12)
    assert z.shape[1] == 2 * history
    assert scenario.mi == pytest.approx(0.5 * np.log(residual_variance(y, z) / residual_variance(y, z, x)), abs=0.006)
    if delay == 1:  # the noise: nothing else is left (at delay 2, X_{t-1} is missing)
        assert residual_variance(y, z, x) == pytest.approx(1.0, abs=0.01)
    rng = np.random.default_rng(13)
    steps = 200_000
    noise = rng.standard_normal((steps, 3))
    w_, x_, y_ = np.zeros(steps), np.zeros(steps), np.zeros(steps)
    for t in range(1, steps):
        w_[t] = d * w_[t - 1] + noise[t, 0]
        x_[t] = a * x_[t - 1] + g * w_[t - 1] + noise[t, 1]
        y_[t] = b * y_[t - 1] + c * x_[t - 1] + g * w_[t - 1] + noise[t, 2]
    x, y, z = mibench.transfer_entropy_variables(x_, y_, history, 2, delay, conditions=w_)
    assert scenario.mi == pytest.approx(0.5 * np.log(residual_variance(y, z) / residual_variance(y, z, x)), abs=0.008)
    null = mibench.get_scenario(f"var1_cte(c=0.0, history={history})")
    assert null.mi == 0  # exactly
    x, y, z = null.sample(100_000, 14)
    without_w = 0.5 * np.log(residual_variance(y, z[:, :history]) / residual_variance(y, z[:, :history], x))
    assert without_w > 0.02  # the common driver: TE without W, none given W


def test_var1_transfer_entropy_at_a_coupling_lag_and_an_embedding_delay():
    """Y_t = b Y_{t-1} + c X_{t-3} + η: the truth at delays u = 1..5 against regressions on a series
    simulated here step by step, and on the scenario's own sample; the scan peaks at u = 3."""
    a, b, c, lag = 0.7, 0.4, 0.8, 3
    steps = 200_000
    noise = np.random.default_rng(21).standard_normal((steps, 2))
    x_, y_ = np.zeros(steps), np.zeros(steps)
    for t in range(lag, steps):
        x_[t] = a * x_[t - 1] + noise[t, 0]
        y_[t] = b * y_[t - 1] + c * x_[t - lag] + noise[t, 1]
    x_, y_ = x_[1000:], y_[1000:]  # past the start from zeros

    def regression_te(x, y, z):
        def residual_variance(*regressors):
            design = np.hstack([np.ones((len(y), 1)), *regressors])
            return float(np.var(y - design @ np.linalg.lstsq(design, y, rcond=None)[0]))

        return 0.5 * np.log(residual_variance(z) / residual_variance(z, x))

    truths = []
    for delay in range(1, 6):
        scenario = mibench.get_scenario(f"var1_te(a={a}, b={b}, c={c}, lag={lag}, delay={delay}, history=2)")
        truths.append(scenario.mi)
        expected = regression_te(*mibench.transfer_entropy_variables(x_, y_, history=2, delay=delay))
        assert scenario.mi == pytest.approx(expected, abs=0.006), delay
        sample = scenario.sample(200_000, delay)
        assert [v.shape for v in sample] == [(200_000, 1), (200_000, 1), (200_000, 2)]
        assert scenario.mi == pytest.approx(regression_te(*sample), abs=0.006), delay
    assert np.argmax(truths) == lag - 1 and min(truths) > 0
    rng = np.random.default_rng(22)
    for a, b, c, lag, history in zip(
        *rng.uniform(-0.95, 0.95, (2, 40)), rng.uniform(-2, 2, 40), *rng.integers(1, 5, (2, 40))
    ):
        spec = f"var1_te(a={a}, b={b}, c={c}, lag={lag}, history={history}, delay="
        scan = [mibench.get_scenario(f"{spec}{delay})").mi for delay in range(1, 8)]
        assert np.argmax(scan) == lag - 1, spec  # the delay that maximises the TE is the coupling's (Wibral 2013)


def test_parameters_added_later_leave_earlier_specs_and_seeds_as_they_were():
    """results/te was published before ``delay`` and ``lag`` existed: at 1 they stay out of the spec,
    so its seeds, task ids and a comparison against it still hold."""
    published = "var1_te-v1(a=0.5, b=0.5, c=0.5, history=1, source_history=1)"
    assert mibench.get_scenario("var1_te").spec == mibench.get_scenario("var1_te(delay=1, lag=1)").spec == published
    assert mibench.get_scenario("var1_te(lag=2)").spec == published.replace(
        "history=1, source", "history=1, lag=2, source"
    )
    assert "delay=2" in mibench.get_scenario("markov_te(delay=2)").spec
    records = pd.read_csv(Path(__file__).parents[1] / "results" / "te" / "records.csv.gz")
    assert published in set(records["scenario"])


def test_var1_transfer_entropy_depends_on_the_history():
    values = [mibench.get_scenario(f"var1_te(a=0.9, b=0.5, c=1.0, history={k})").mi for k in (1, 2, 8)]
    assert values[0] > values[1] > values[2] > 0


@pytest.mark.parametrize("history, source_history, delay", [(1, 1, 1), (2, 1, 1), (3, 2, 1), (1, 1, 2), (2, 2, 3)])
def test_markov_transfer_entropy_by_counting_a_long_series(history, source_history, delay):
    spec = f"markov_te(flip=0.2, coupling=0.5, noise=0.15, history={history}, source_history={source_history}, "
    scenario = mibench.get_scenario(f"{spec}delay={delay})")
    x, y, z = scenario.sample(400_000, 5)
    assert x.shape[1] == source_history and z.shape[1] == history
    codes = [np.ravel_multi_index(v.T, [2] * v.shape[1]) for v in (x, y, z)]
    assert hand_plugin_cmi(*codes) == pytest.approx(scenario.mi, abs=0.004)
    assert mibench.get_scenario("markov_te(coupling=0.0)").mi == 0


@pytest.mark.parametrize("history, source_history, delay", [(1, 1, 1), (2, 1, 3), (1, 2, 2), (3, 2, 1)])
def test_markov_transfer_entropy_against_every_path(history, source_history, delay):
    """The truth summed over every path of max(k, u + l − 1) + 1 states, each its stationary
    probability times its transitions, written out here from the model's rule."""
    flip, coupling, noise = 0.2, 0.5, 0.15
    states = [(x, y) for x in (0, 1) for y in (0, 1)]

    def step(state, following):
        (x, y), (x_next, y_next) = state, following
        p_x = flip if x_next != x else 1 - flip
        p_keep = noise if y_next != y else 1 - noise
        return p_x * (coupling * (y_next == x) + (1 - coupling) * p_keep)

    transition = np.array([[step(a, b) for b in states] for a in states])
    stationary = np.linalg.matrix_power(transition, 2000)[0]
    span = max(history, delay + source_history - 1)
    weights: dict = {}
    for path in itertools.product(range(4), repeat=span + 1):  # oldest first; the last is time t
        weight = stationary[path[0]] * np.prod([transition[a, b] for a, b in itertools.pairwise(path)])
        key = (
            tuple(states[path[span - lag]][0] for lag in range(delay, delay + source_history)),
            states[path[span]][1],
            tuple(states[path[span - lag]][1] for lag in range(1, history + 1)),
        )
        weights[key] = weights.get(key, 0.0) + weight
    expected = sum(
        w
        * np.log(
            sum(v for (a, b, c), v in weights.items() if c == z)
            * w
            / sum(v for (a, b, c), v in weights.items() if a == x and c == z)
            / sum(v for (a, b, c), v in weights.items() if b == y and c == z)
        )
        for (x, y, z), w in weights.items()
        if w > 0
    )
    spec = f"markov_te(flip={flip}, coupling={coupling}, noise={noise}, history={history}, "
    assert mibench.get_scenario(f"{spec}source_history={source_history}, delay={delay})").mi == pytest.approx(
        expected, abs=1e-12
    )


def test_the_markov_transfer_entropy_fades_with_the_delay_past_the_coupling():
    """Y copies X_{t-1}; the source at a longer delay tells of X_{t-1} only through X's own
    flips, less at each step (out to delay 12: 4^13 paths, summed forward state by state)."""
    values = [mibench.get_scenario(f"markov_te(delay={delay})").mi for delay in range(1, 13)]
    assert all(a > b > 0 for a, b in itertools.pairwise(values))


def test_markov_series_follows_its_transition_rule():
    scenario = mibench.get_scenario("markov_te(flip=0.2, coupling=0.5, noise=0.15)")
    x, y, z = scenario.sample(200_000, 1)  # x = X_{t-1}, y = Y_t, z = Y_{t-1}
    same = x[:, 0] == z[:, 0]
    # P(Y_t = X_{t-1}) = c + (1 − c)·[(1 − noise) if Y_{t-1} = X_{t-1} else noise]
    assert np.mean(y[same, 0] == x[same, 0]) == pytest.approx(0.5 + 0.5 * 0.85, abs=0.01)
    assert np.mean(y[~same, 0] == x[~same, 0]) == pytest.approx(0.5 + 0.5 * 0.15, abs=0.01)


# -- bad z --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "z, kwargs, error, message",
    [
        (np.zeros(99), {}, ValueError, "x, y and z must have the same number of samples"),
        (np.r_[np.nan, np.arange(99.0)], {}, ValueError, "z contains NaN"),
        (np.r_[np.inf, np.arange(99.0)], {}, ValueError, "z contains infinite"),
        (np.array(["a", "b"] * 50), {"z_type": "continuous"}, TypeError, "z must be numeric"),
        (np.arange(100.0), {"estimator": "kde"}, ValueError, "kde cannot condition on z"),
        (np.arange(100) % 3, {"z_type": "discrete"}, ValueError, "ksg cannot condition on a discrete z"),
        (np.ones(100), {"z_type": "continuous"}, ValueError, "z column 0 is constant"),
    ],
)
def test_a_bad_z_gets_a_clear_error(z, kwargs, error, message):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=100), rng.normal(size=100)
    estimator = kwargs.pop("estimator", "ksg")
    with pytest.raises(error, match=message):
        mibench.estimate(x, y, estimator, z=z, **kwargs)


def test_z_type_without_z_is_refused():
    from mibench.validation import validate_sample

    with pytest.raises(ValueError, match="z_type='continuous' is given without z"):
        validate_sample([1.0, 2.0, 3.0], [1.0, 3.0, 2.0], z_type="continuous")
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=100), rng.normal(size=100)
    with pytest.raises(ValueError, match="z_type='discrete' is given without z"):
        mibench.estimate(x, y, "gaussian", z_type="discrete")  # never silently an unconditional MI
    with pytest.raises(ValueError, match="z_type='continuous' is given without z columns"):
        estimate_table(pd.DataFrame({"x": x, "y": y}), ["x"], ["y"], "gaussian", z_type="continuous")


def test_ties_in_z_are_refused_by_ksg_and_jittered_on_request():
    rng = np.random.default_rng(0)
    x, y, z = rng.normal(size=200), rng.normal(size=200), np.round(rng.normal(size=200), 1)
    with pytest.raises(ValueError, match="z has .* tied values"):
        mibench.estimate(x, y, "ksg", z=z, z_type="continuous")
    assert np.isfinite(mibench.estimate(x, y, "ksg", z=z, z_type="continuous", jitter=1e-10))


# -- the pipeline -----------------------------------------------------------------------------


def test_conditional_tasks_are_recorded_with_their_quantity_and_z():
    experiment = Experiment.resolve(
        ["ksg", "kde", "plugin", "gcmi"], ["gaussian_chain", "markov_te", "gaussian(rho=0.5)"], [300], reps=2
    )
    tasks, skipped = plan(experiment)
    assert any("kde" in line and "cannot condition" in line for line in skipped)
    frame = records_frame([run_task(task) for task in tasks])
    assert (frame["status"] == "ok").all()
    described = frame.groupby("scenario")[["quantity", "z_type", "dim_z"]].first()
    assert sorted(map(tuple, described.to_numpy().tolist())) == [
        ("cmi", "continuous", 1),
        ("mi", "", 0),
        ("te", "discrete", 1),
    ]
    again = records_frame([run_task(task) for task in tasks])
    assert again["estimate"].equals(frame["estimate"])  # seeded by the task: reproducible bit for bit


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "mibench", *args], capture_output=True, text=True, cwd=cwd)


@pytest.mark.slow
def test_a_cmi_run_goes_to_report_and_compare(tmp_path):
    common = [
        "-e",
        "ksg",
        "-e",
        "gaussian",
        "-s",
        "gaussian_cmi",
        "-s",
        "gaussian_collider",
        "-n",
        "300",
        "--reps",
        "3",
    ]
    first = run_cli("run", *common, "--out", str(tmp_path / "a"))
    assert first.returncode == 0, first.stderr
    second = run_cli("run", *common, "--seed", "1", "--out", str(tmp_path / "b"))
    assert second.returncode == 0, second.stderr
    report = run_cli("report", str(tmp_path / "a"), "--out", str(tmp_path / "report"))
    assert report.returncode == 0, report.stderr
    assert "gaussian_collider" in (tmp_path / "report" / "report.md").read_text()
    compared = run_cli("compare", str(tmp_path / "a"), str(tmp_path / "b"))
    assert compared.returncode in (0, 1), compared.stderr
    assert "4 cells compared" in compared.stderr
    summary = run_cli("summarize", str(tmp_path / "a"))
    table = pd.read_csv(__import__("io").StringIO(summary.stdout))
    assert set(table["quantity"]) == {"cmi"} and set(table["z_type"]) == {"continuous"}


def test_estimate_on_a_table_with_z_columns(tmp_path):
    x, y, z = mibench.get_scenario("gaussian_cmi(c=0.0, dim_z=2)").sample(600, 0)
    table = pd.DataFrame({"x": x[:, 0], "y": y[:, 0], "z1": z[:, 0], "z2": z[:, 1]})
    result = estimate_table(table, ["x"], ["y"], "ksg", z=["z1", "z2"], permutations=30, subsamples=4)
    assert result.z_type == "continuous" and abs(result.estimate) < 0.05
    assert result.p_value > 0.05  # X ⊥ Y | Z: the conditional permutation test does not reject
    path = tmp_path / "table.csv"
    table.to_csv(path, index=False)
    out = run_cli(
        "estimate",
        str(path),
        "--x",
        "x",
        "--y",
        "y",
        "--z",
        "z1,z2",
        "-e",
        "gaussian",
        "--permutations",
        "10",
        "--format",
        "json",
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["z_type"] == "continuous"
    text = run_cli(
        "estimate", str(path), "--x", "x", "--y", "y", "--z", "z1,z2", "-e", "gaussian", "--permutations", "0"
    )
    assert text.stdout.startswith("I(x; y | z1, z2) = "), text.stderr


def test_conditional_permutations_keep_y_with_its_z():
    rng = np.random.default_rng(0)
    z = rng.integers(0, 4, (500, 1))
    order = null_permutations(z, "discrete")(rng)
    assert sorted(order) == list(range(500)) and (z[order] == z).all()
    continuous = rng.normal(size=(500, 1))
    order = null_permutations(continuous, "continuous")(rng)
    assert len(set(order)) > 400  # mostly a permutation
    assert np.corrcoef(continuous[order, 0], continuous[:, 0])[0, 1] > 0.95  # y moves among neighbours in z
    # Runge's (2018) local permutation step by step: visit the samples in random order; each takes
    # the first of its 5 nearest neighbours in z (itself included), shuffled, not taken yet
    from scipy.spatial.distance import cdist

    distances = cdist(continuous, continuous, "chebyshev")
    nearest = np.argsort(distances, axis=1, kind="stable")[:, :5]
    for seed in range(3):
        rng, expected, taken = np.random.default_rng(seed), np.arange(500), set()
        for i in rng.permutation(500):
            candidates = rng.permutation(nearest[i])
            free = [j for j in candidates if j not in taken]
            expected[i] = free[0] if free else candidates[0]
            taken.add(int(expected[i]))
        np.testing.assert_array_equal(
            null_permutations(continuous, "continuous")(np.random.default_rng(seed)), expected
        )


@pytest.mark.parametrize("bit_generator", [np.random.PCG64, np.random.MT19937, np.random.Philox, np.random.SFC64])
@pytest.mark.parametrize("draws_per_sample", [8, 1])  # 1: the block of draws runs short and is drawn again
def test_the_compiled_local_permutation_makes_the_loops_draws_and_leaves_the_generator_where_the_loop_does(
    bit_generator, draws_per_sample, monkeypatch
):
    from mibench import _local_permutation

    monkeypatch.setattr(_local_permutation, "DRAWS_PER_SAMPLE", draws_per_sample)
    for n, m, seed in [(1, 1, 0), (3, 3, 1), (40, 5, 2), (700, 5, 3), (300, 9, 4)]:
        neighbours = np.random.default_rng(seed).integers(0, n, size=(n, m))  # any table of candidates
        loop, compiled = np.random.Generator(bit_generator(seed)), np.random.Generator(bit_generator(seed))
        compiled.integers(0, 2**32, dtype=np.uint32)  # an odd number of 32-bit draws before: PCG64 holds half a draw
        loop.integers(0, 2**32, dtype=np.uint32)
        expected, taken = np.arange(n), np.zeros(n, dtype=bool)
        for i in loop.permutation(n):
            row = loop.permutation(neighbours[i])
            free = row[~taken[row]]
            expected[i] = free[0] if free.size else row[0]
            taken[expected[i]] = True
        np.testing.assert_array_equal(_local_permutation.local_permutation(neighbours, compiled), expected)
        assert compiled.random() == loop.random() and compiled.integers(0, 2**32, dtype=np.uint32) == loop.integers(
            0, 2**32, dtype=np.uint32
        )


def test_conditional_permutation_p_values_are_uniform_under_the_null():
    """Under X ⊥ Y | Z (a discrete confounder) the p-value rejects at 5 % about 5 % of the time."""
    rejections = 0
    trials = 60
    for seed in range(trials):
        rng = np.random.default_rng(seed)
        z = rng.integers(0, 3, 200)
        table = pd.DataFrame({"x": z + rng.normal(size=200), "y": z + rng.normal(size=200), "z": z})
        result = estimate_table(table, ["x"], ["y"], "gcmi", z=["z"], z_type="discrete", permutations=19, subsamples=0)
        rejections += result.p_value <= 0.05
    assert rejections <= 8  # binomial(60, 0.05): P(> 8) < 1 %


def test_recommend_for_conditional_data_ranks_on_conditional_scenarios():
    from mibench.recommend import recommend

    table = recommend("continuous", "continuous", 1, 1, 1000, z_type="continuous", dim_z=1)
    assert "ksg(k=3, noise=0.0)" in set(table["estimator"]) and "kde" not in " ".join(table["estimator"])
    assert len(table.attrs["dims"]) == 3
    with pytest.raises(ValueError, match="a mixed z"):
        recommend("continuous", "continuous", z_type="mixed")
    for pair in (("discrete", "continuous"), ("continuous", "discrete")):  # a class and a response, given z
        for z_type, family in (("continuous", "classes_given_covariate"), ("discrete", "classes_given_condition")):
            table = recommend(*pair, 1, 1, 1000, z_type=z_type)
            assert "mesner_shalizi(k=5)" in set(table["estimator"]) and "gcmi" not in set(table["estimator"])
            assert family in table.attrs["scenario_specs"][0]
    channel = recommend("discrete", "discrete", 1, 1, 1000, z_type="continuous")  # binary data given a covariate
    assert channel.attrs["scenario_specs"] == ["channel_given_covariate-v1(error=0.1, slope=2.0)"]
