"""Coverage of the interval routine, checked by simulation on draws independent of its calibration."""

import numpy as np
import pytest
from scipy import stats

import mibench
from mibench.intervals import error_moments, holm, mean_interval, moment_interval, mse_interval, skewness
from mibench.stats import summarize

SIMULATIONS = 20_000


def _coverage(draws: np.ndarray, truth: float) -> float:
    n = draws.shape[1]
    mean, sd = draws.mean(axis=1), draws.std(axis=1, ddof=1)
    g = stats.skew(draws, axis=1, bias=False)
    low, high = moment_interval(mean, sd, g, np.full(len(mean), n))
    return float(np.mean((low <= truth) & (truth <= high)))


@pytest.mark.slow
@pytest.mark.parametrize("reps", [5, 10, 20])
@pytest.mark.parametrize(
    "errors, truth",
    [
        (lambda rng, shape: rng.standard_normal(shape), 0.0),
        (lambda rng, shape: rng.standard_t(3, shape), 0.0),
        (lambda rng, shape: rng.gamma(2.0, 1.0, shape), 2.0),
        (lambda rng, shape: 0.1 - rng.gamma(2.0, 0.05, shape), 0.0),
    ],
    ids=["normal", "t3", "gamma", "mirrored gamma"],
)
def test_bias_intervals_cover_within_93_to_97_percent(errors, truth, reps):
    rng = np.random.default_rng([2026, reps])
    coverage = _coverage(errors(rng, (SIMULATIONS, reps)), truth)
    assert 0.93 <= coverage <= 0.97, f"coverage {coverage:.3f} at {reps} reps"


def test_the_plain_t_interval_would_under_cover_skewed_errors():
    """The reason for the skewness correction: the same check fails for Student's t alone."""
    rng = np.random.default_rng(11)
    draws = rng.gamma(2.0, 1.0, (SIMULATIONS, 5))
    half = stats.t.ppf(0.975, 4) * draws.std(axis=1, ddof=1) / np.sqrt(5)
    assert np.mean(np.abs(draws.mean(axis=1) - 2.0) <= half) < 0.93
    assert _coverage(draws, 2.0) >= 0.93


def test_summarize_uses_the_one_interval_routine_per_cell():
    records = mibench.run(["gaussian", "ksg"], ["gaussian(rho=0.5)"], [100, 300], reps=7)
    for row in summarize(records).itertuples():
        cell = records[(records["estimator"] == row.estimator) & (records["n"] == row.n)]["error"].to_numpy()
        assert np.allclose(mean_interval(cell), (row.bias_low, row.bias_high))
        assert np.allclose(np.sqrt(mse_interval(**error_moments(cell))), (row.rmse_low, row.rmse_high))


def test_interval_helpers_by_hand():
    values = np.array([1.0, 2.0, 4.0])
    assert skewness(values) == pytest.approx(stats.skew(values, bias=False))
    assert skewness(np.array([3.0, 3.0, 3.0])) == 0.0
    low, high = mean_interval(np.array([5.0, 5.0]))
    assert low == high == 5.0
    assert holm(np.array([0.01, 0.04, 0.03, np.nan]), 0.05).tolist() == [True, False, False, False]
    assert holm(np.array([0.01, 0.02]), 0.05).tolist() == [True, True]  # 0.01 ≤ 0.025, then 0.02 ≤ 0.05


def _rmse_coverage(draws: np.ndarray, truth_rmse: float) -> float:
    """Coverage of the RMSE interval summarize prints: the square root of mse_interval."""
    low, high = np.sqrt(mse_interval(**error_moments(draws)))
    return float(np.mean((low <= truth_rmse) & (truth_rmse <= high)))


@pytest.mark.slow
@pytest.mark.parametrize("reps", [5, 10, 20])
@pytest.mark.parametrize(
    "errors, truth_rmse",
    [
        (lambda rng, shape: rng.standard_normal(shape), 1.0),
        (lambda rng, shape: 0.5 + rng.standard_normal(shape), np.hypot(0.5, 1.0)),
        (lambda rng, shape: 2.0 + rng.standard_normal(shape), np.hypot(2.0, 1.0)),
        (lambda rng, shape: rng.standard_t(3, shape), np.sqrt(3.0)),
        (lambda rng, shape: rng.gamma(2.0, 1.0, shape), np.sqrt(6.0)),
    ],
    ids=["normal", "normal, bias 0.5", "normal, bias 2", "t3", "gamma"],
)
def test_rmse_intervals_cover_within_93_to_97_percent(errors, truth_rmse, reps):
    """Fresh draws, seeded apart from the reference quantiles the interval is calibrated on."""
    rng = np.random.default_rng([2028, reps, int(100 * truth_rmse)])
    coverage = _rmse_coverage(errors(rng, (SIMULATIONS, reps)), truth_rmse)
    assert 0.93 <= coverage <= 0.97, f"coverage {coverage:.3f} at {reps} reps"


def test_the_rmse_interval_of_the_squares_alone_would_under_cover_heavy_tails():
    """The reason for mse_interval: the one mean interval applied to squared t3 errors covers about 80 %."""
    rng = np.random.default_rng(12)
    draws = rng.standard_t(3, (SIMULATIONS, 10))
    squares = draws**2
    low, high = moment_interval(
        squares.mean(axis=1), squares.std(axis=1, ddof=1), stats.skew(squares, axis=1, bias=False), 10
    )
    assert np.mean((low <= 3.0) & (high >= 3.0)) < 0.9
    assert _rmse_coverage(draws, np.sqrt(3.0)) >= 0.93


def test_mse_interval_by_hand():
    """MOVER's limits recomputed from the formula in the docstring, for one skewed sample."""
    from mibench.intervals import _normal_trimmed_variance_quantile, _t3_variance_quantile

    errors = np.array([0.3, 0.9, 0.4, 2.5, 0.7, 1.1])
    n, mean, var = errors.size, errors.mean(), errors.var(ddof=1)
    deviations = errors - mean
    g1 = stats.skew(errors, bias=False)
    k = np.mean(deviations**4) / np.mean(deviations**2) ** 2
    trimmed = (np.sum(deviations**2) - np.max(deviations**2)) / (n - 1)
    low_b, high_b = moment_interval(mean, np.sqrt(var), g1, n, 0.90)
    theta1, theta2 = mean**2 - var / n, var
    d1_low = theta1 - (min(low_b**2, high_b**2) if low_b > 0 else 0.0)
    d2_low = var - trimmed / _normal_trimmed_variance_quantile(n, 0.94)
    d1_high = max(low_b**2, high_b**2) - theta1
    d2_high = var / _t3_variance_quantile(n, 0.03) - var
    r = min(1.0, g1 / np.sqrt(k - (n - 3) / (n - 1)))
    expected = (
        theta1 + theta2 - np.sqrt(d1_low**2 + d2_low**2 + 2 * r * d1_low * d2_low),
        theta1 + theta2 + np.sqrt(d1_high**2 + d2_high**2 + 2 * r * d1_high * d2_high),
    )
    assert np.allclose(mse_interval(**error_moments(errors)), expected)
    moments = error_moments(errors)
    assert moments["skewness"] == pytest.approx(g1) and moments["kurtosis"] == pytest.approx(k)
    assert np.isnan(mse_interval(**error_moments(errors[:1]))).all()


@pytest.mark.parametrize("count", [4, 10])
def test_the_reference_quantiles_agree_with_an_independent_simulation(count):
    from mibench.intervals import _normal_trimmed_variance_quantile, _t3_variance_quantile

    draws = stats.t.rvs(3, size=(100_000, count), random_state=np.random.default_rng(77))
    assert _t3_variance_quantile(count, 0.03) == pytest.approx(
        np.quantile(draws.var(axis=1, ddof=1) / 3, 0.03), rel=0.03
    )
    normal = stats.norm.rvs(size=(100_000, count), random_state=np.random.default_rng(78))
    squares = np.sort((normal - normal.mean(axis=1, keepdims=True)) ** 2, axis=1)
    trimmed = squares[:, :-1].sum(axis=1) / (count - 1)
    assert _normal_trimmed_variance_quantile(count, 0.94) == pytest.approx(np.quantile(trimmed, 0.94), rel=0.02)
