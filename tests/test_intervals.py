"""Coverage of the interval routine, checked by simulation on draws independent of its calibration."""

import numpy as np
import pytest
from scipy import stats

import mibench
from mibench.intervals import holm, mean_interval, moment_interval, skewness
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
        assert np.allclose(np.sqrt(np.clip(mean_interval(cell**2), 0, None)), (row.rmse_low, row.rmse_high))


def test_interval_helpers_by_hand():
    values = np.array([1.0, 2.0, 4.0])
    assert skewness(values) == pytest.approx(stats.skew(values, bias=False))
    assert skewness(np.array([3.0, 3.0, 3.0])) == 0.0
    low, high = mean_interval(np.array([5.0, 5.0]))
    assert low == high == 5.0
    assert holm(np.array([0.01, 0.04, 0.03, np.nan]), 0.05).tolist() == [True, False, False, False]
    assert holm(np.array([0.01, 0.02]), 0.05).tolist() == [True, True]  # 0.01 ≤ 0.025, then 0.02 ≤ 0.05


def _rmse_coverage(draws: np.ndarray, truth_rmse: float) -> float:
    """Coverage of the RMSE interval summarize prints: the square root of the interval for the mean squared error."""
    squares = draws**2
    n = squares.shape[1]
    g = stats.skew(squares, axis=1, bias=False)
    low, high = moment_interval(squares.mean(axis=1), squares.std(axis=1, ddof=1), g, np.full(len(squares), n))
    low, high = np.sqrt(np.clip(low, 0, None)), np.sqrt(np.clip(high, 0, None))
    return float(np.mean((low <= truth_rmse) & (truth_rmse <= high)))


@pytest.mark.slow
@pytest.mark.parametrize("reps", [10, 20])
@pytest.mark.parametrize("bias", [0.0, 0.5, 2.0])
def test_rmse_intervals_cover_normal_errors_from_10_reps(bias, reps):
    """What the README claims for the RMSE interval: normal errors, at least 10 repetitions."""
    rng = np.random.default_rng([2027, reps, int(10 * bias)])
    coverage = _rmse_coverage(bias + rng.standard_normal((SIMULATIONS, reps)), np.hypot(bias, 1.0))
    assert 0.93 <= coverage <= 0.97, f"coverage {coverage:.3f} at {reps} reps, bias {bias}"


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="measured, not hidden: the RMSE interval under-covers heavy-tailed errors")
@pytest.mark.parametrize("reps", [5, 10, 20])
def test_rmse_intervals_cover_student_t3_errors(reps):
    """t3 errors have squares of infinite variance: 78-84 % coverage at 5-20 reps (README). Strict, so a fix shows."""
    rng = np.random.default_rng([2028, reps])
    assert _rmse_coverage(rng.standard_t(3, (SIMULATIONS, reps)), np.sqrt(3.0)) >= 0.93
