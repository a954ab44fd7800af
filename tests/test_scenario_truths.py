"""Every scenario's truth against an independent computation, over the whole registry."""

import numpy as np
import pytest

import mibench
from mibench.scenario import SCENARIOS

SPECS = [f"{entry.name}-v{entry.version}" for entry in SCENARIOS.entries()]


@pytest.mark.parametrize("spec", SPECS)
def test_shapes_types_and_determinism(spec):
    scenario = mibench.get_scenario(spec)
    x, y = scenario.sample(50, 3)
    assert x.shape == (50, scenario.dim_x) and y.shape == (50, scenario.dim_y)
    assert scenario.x_type in ("continuous", "discrete", "mixed")
    x2, y2 = scenario.sample(50, np.random.default_rng(3))
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    assert np.isfinite(scenario.mi)


@pytest.mark.parametrize("spec", SPECS)
def test_truth_matches_monte_carlo_of_log_pmi(spec):
    """Î_MC = mean log p(x,y)/(p(x)p(y)) over fresh draws, within 4 standard errors (+ the truth's own error)."""
    scenario = mibench.get_scenario(spec)
    if not scenario.has_log_pmi:
        pytest.skip("no tractable log_pmi")
    x, y = scenario.sample(400_000, 2024)
    pmi = scenario.log_pmi(x, y)
    assert np.all(np.isfinite(pmi))
    se = pmi.std() / np.sqrt(pmi.size)
    assert abs(pmi.mean() - scenario.mi) <= 4 * se + 4 * scenario.truth.error + 1e-12


@pytest.mark.parametrize(
    "spec",
    [s for s in SPECS if mibench.get_scenario(s).x_type == "discrete" and mibench.get_scenario(s).y_type == "discrete"],
)
def test_discrete_truth_matches_empirical_table(spec):
    """Plug-in MI of 10^6 draws, less its first-order bias (Kx-1)(Ky-1)/(2N), within 4 SE of the truth."""
    scenario = mibench.get_scenario(spec)
    n = 1_000_000
    x, y = scenario.sample(n, 99)
    _, a = np.unique(x, axis=0, return_inverse=True)
    _, b = np.unique(y, axis=0, return_inverse=True)
    a, b = a.ravel(), b.ravel()
    table = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(table, (a, b), 1)
    p = table / n
    px, py = p.sum(1, keepdims=True), p.sum(0, keepdims=True)
    nz = p > 0
    empirical = np.sum(p[nz] * np.log(p[nz] / (px @ py)[nz]))
    bias = (table.shape[0] - 1) * (table.shape[1] - 1) / (2 * n)
    pointwise = np.log(p / (px @ py))[a, b]
    se = pointwise.std() / np.sqrt(n)
    assert abs(empirical - bias - scenario.mi) <= 4 * se + 1e-4


@pytest.mark.parametrize(
    "spec, value",
    [
        ("gaussian(rho=0.75)", 0.4133),  # -0.5 ln(1 - 0.5625)
        ("gaussian(rho=0.5, dim=3)", -1.5 * np.log(0.75)),
        ("symmetric_channel(k=2, error=0.11)", np.log(2) + 0.89 * np.log(0.89) + 0.11 * np.log(0.11)),  # BSC capacity
        ("uniform_shift(m=2)", 0.346574),
        ("uniform_shift(m=5)", 1.054920),
        ("uniform_shift(m=10)", 1.678753),
    ],
)
def test_published_values(spec, value):
    assert mibench.get_scenario(spec).mi == pytest.approx(value, abs=5e-5)
