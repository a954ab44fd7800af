"""The Beyond-Normal benchmark's tasks: ids, dimensions and truths against the benchmark's own package,
samplers against its samples, and the mixtures' Monte Carlo truths against an independent Monte Carlo."""

import json
from pathlib import Path

import numpy as np
import pytest
from mibench.scenarios.bmi import BMI_V1, BMI_V2
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

import mibench
from mibench.experiment_file import load_experiment

#: Computed from benchmark-mi 0.1.3 by tests/data/make_bmi_reference.py: each task's dimensions and
#: ``task.mutual_information`` (closed forms; for the mixtures the package's Monte Carlo over 10^5
#: draws), and statistics of 200,000 of its samples.
REFERENCE = json.loads((Path(__file__).parent / "data" / "bmi_reference.json").read_text())
#: The tasks without a closed form: the Bend-and-Mix mixtures of the second version.
MIXTURES = {
    "1v1-X-0.9",
    "1v1-AI",
    "2v1-waves-12-5.0-3.0",
    "2v1-galaxy-0.5-3.0",
    *(f"{d}v1-concentric_gaussians-{k}" for d, k in ((3, 5), (5, 5), (3, 10), (5, 10), (25, 5))),
    *(f"mult-sparse-w-inliers-{d}-{d}-2-2.0-{f}" for d in (5, 25) for f in (0.2, 0.5)),
}


def scenario(task: str) -> mibench.Scenario:
    return mibench.get_scenario(f"bmi(task={task!r})")


def test_the_task_lists_are_the_benchmarks():
    assert len(BMI_V1) == len(set(BMI_V1)) == 40 and len(BMI_V2) == len(set(BMI_V2)) == 26
    assert set(BMI_V1) | set(BMI_V2) == set(REFERENCE["truths"])
    assert [s.split("'")[1] for s in load_experiment("bmi_v1")["scenarios"]] == list(BMI_V1)
    assert [s.split("'")[1] for s in load_experiment("bmi_v2")["scenarios"]] == list(BMI_V2)
    assert set(BMI_V2) >= MIXTURES


@pytest.mark.parametrize("task", sorted(set(REFERENCE["truths"]) - MIXTURES))
def test_closed_form_truths_and_dimensions_equal_the_packages(task):
    expected = REFERENCE["truths"][task]
    found = scenario(task)
    assert (found.dim_x, found.dim_y) == (expected["dim_x"], expected["dim_y"])
    assert found.truth.method == "closed form"
    # the package computes in float32 where JAX does (additive noise: 5e-8 apart)
    assert found.mi == pytest.approx(expected["mi"], rel=1e-7, abs=1e-7)


@pytest.mark.slow
@pytest.mark.parametrize("task", sorted(MIXTURES))
def test_mixture_truths_agree_with_the_packages_monte_carlo(task):
    expected = REFERENCE["truths"][task]
    found = scenario(task)
    assert (found.dim_x, found.dim_y) == (expected["dim_x"], expected["dim_y"])
    assert found.truth.method == "monte carlo" and 0 < found.truth.error < 2e-3
    # the package's own standard error (10^5 draws) is about sqrt(10) times ours (10^6 draws)
    combined = found.truth.error * np.sqrt(1 + 10)
    assert abs(found.mi - expected["mi"]) <= 4 * combined


@pytest.mark.slow
@pytest.mark.parametrize("task", sorted(REFERENCE["samples"]))
def test_samplers_match_the_packages_samples(task):
    expected = REFERENCE["samples"][task]
    size = REFERENCE["sample_size"]
    x, y = scenario(task).sample(size, 7)
    z = np.hstack([x[:, :3], y[:, :3]])
    std = z.std(axis=0)
    np.testing.assert_array_less(np.abs(z.mean(axis=0) - expected["mean"]), 4.5 * np.sqrt(2) * std / np.sqrt(size))
    np.testing.assert_allclose(std, expected["std"], rtol=0.02)
    for level, quantiles in zip((0.1, 0.5, 0.9), expected["q"]):
        below = (z <= np.asarray(quantiles)).mean(axis=0)
        np.testing.assert_array_less(np.abs(below - level), 4.5 * np.sqrt(2 * level * (1 - level) / size))
    assert abs(np.corrcoef(x[:, 0], y[:, 0])[0, 1] - expected["corr01"]) < 0.01


# The mixtures written out again from the benchmark's source (bmi/benchmark/tasks/mixtures.py): weights,
# means and covariances, sampled and scored here with scipy, independently of mibench's code.
def _pairs(rho: float, extra_y: int = 0) -> np.ndarray:
    c = np.eye(2 + extra_y)
    c[0, 1] = c[1, 0] = rho
    return c


def _ai() -> tuple:
    v, c = 0.04, np.sqrt(0.04 * 0.2) * 0.95
    means = [[1, 0], [1, 1], [1, -1], [-0.8, -0.2], [-1.2, 0], [-0.4, 0]]
    covs = [np.diag([0.01, 0.2]), np.diag([0.05, 0.001]), np.diag([0.05, 0.001]), np.diag([0.03, 0.001])]
    covs += [np.array([[v, c], [c, 0.2]]), np.array([[v, -c], [-c, 0.2]])]
    return np.full(6, 1 / 6), np.array(means, float), np.array(covs), 1


def _inliers(d: int, fraction: float) -> tuple:
    signal = np.eye(2 * d)
    for i in range(2):
        signal[i, d + i] = signal[d + i, i] = 0.8  # λ²/(1+λ²), λ = 2
    noise = signal.copy()
    noise[:d, d:] = noise[d:, :d] = 0
    return np.array([1 - fraction, fraction]), np.zeros((2, 2 * d)), np.array([signal, noise]), d


INDEPENDENT = {
    "1v1-X-0.9": lambda: (np.array([0.5, 0.5]), np.zeros((2, 2)), np.array([_pairs(-0.9), _pairs(0.9)]), 1),
    "1v1-AI": _ai,
    # galaxy and waves: MI-preserving maps of x applied to these mixtures
    "2v1-galaxy-0.5-3.0": lambda: (
        np.array([0.5, 0.5]),
        np.array([[-1.5] * 3, [1.5] * 3]),
        np.array([np.eye(3)] * 2),
        2,
    ),
    "2v1-waves-12-5.0-3.0": lambda: (
        np.full(12, 1 / 12),
        np.array([[1.5 * k, 0.0, 1.5 * (k % 4)] for k in range(12)]),
        np.array([np.diag([0.1, 1.0, 0.1])] * 12),
        2,
    ),
    "3v1-concentric_gaussians-5": lambda: (
        np.full(5, 0.2),
        np.array([[0, 0, 0, i] for i in range(1, 6)], float),
        np.array([np.diag([i**2, i**2, i**2, 1e-4]) for i in range(1, 6)], float),
        3,
    ),
    "mult-sparse-w-inliers-5-5-2-2.0-0.2": lambda: _inliers(5, 0.2),
}


def _log_mixture(values: np.ndarray, weights, means, covariances) -> np.ndarray:
    terms = [np.log(w) + multivariate_normal(m, c).logpdf(values) for w, m, c in zip(weights, means, covariances)]
    return logsumexp(np.stack(terms), axis=0)


@pytest.mark.slow
@pytest.mark.parametrize("task", sorted(INDEPENDENT))
def test_mixture_truths_agree_with_an_independent_monte_carlo(task):
    weights, means, covariances, dim_x = INDEPENDENT[task]()
    rng = np.random.default_rng(11)
    draws = 200_000
    component = rng.choice(len(weights), size=draws, p=weights)
    z = np.empty((draws, means.shape[1]))
    for k in range(len(weights)):
        z[component == k] = rng.multivariate_normal(means[k], covariances[k], size=int(np.sum(component == k)))
    x, y = z[:, :dim_x], z[:, dim_x:]
    pmi = (
        _log_mixture(z, weights, means, covariances)
        - _log_mixture(x, weights, means[:, :dim_x], covariances[:, :dim_x, :dim_x])
        - _log_mixture(y, weights, means[:, dim_x:], covariances[:, dim_x:, dim_x:])
    )
    found = scenario(task).truth
    assert abs(pmi.mean() - found.value) <= 4 * np.hypot(pmi.std() / np.sqrt(draws), found.error)


@pytest.mark.parametrize(
    "task",
    [
        "wiggly-1v1-normal-0.75",
        "1v1-bimodal-0.75",
        "swissroll_x-normal_cdf-1v1-normal-0.75",
        "spiral-normal_cdf-multinormal-sparse-5-5-2-2.0",
        "2v1-waves-12-5.0-3.0",
        "2v1-galaxy-0.5-3.0",
    ],
)
def test_the_benchmarks_maps_are_inverted_exactly(task):
    """log_pmi inverts each map: on the base's own draws, mapped and scored, it equals the base's pmi."""
    found = scenario(task)
    x, y = found.sample(2000, 3)
    base_x, base_y = found.distribution.base.sample(2000, 3)
    np.testing.assert_allclose(found.log_pmi(x, y), found.distribution.base.log_pmi(base_x, base_y), atol=1e-7)


def test_an_unknown_id_is_refused_with_examples():
    with pytest.raises(ValueError, match="is not a Beyond-Normal task id.*multinormal-dense-2-2-0.5"):
        mibench.get_scenario("bmi(task='multinormal-dense-2-2')")
    with pytest.raises(ValueError, match="spiral needs dim_x >= 2"):
        mibench.get_scenario("bmi(task='spiral-1v1-normal-0.75')")
