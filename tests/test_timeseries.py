"""Transfer entropy on the user's own series: the embedding against a loop written here, and TE's direction."""

import numpy as np
import pytest

import mibench
from mibench import transfer_entropy_variables


def embed_by_loop(source, target, k, m, u):
    """Row by row from the definition: x_t = (X_{t-u}, ..., X_{t-u-m+1}), y_t = Y_t, z_t = (Y_{t-1}, ..., Y_{t-k})."""
    rows = [t for t in range(len(target)) if t - k >= 0 and t - u - m + 1 >= 0]
    x = [[source[t - u - j] for j in range(m)] for t in rows]
    z = [[target[t - j] for j in range(1, k + 1)] for t in rows]
    return np.array(x), np.array([[target[t]] for t in rows]), np.array(z)


@pytest.mark.parametrize(("k", "m", "u"), [(1, 1, 1), (2, 2, 1), (1, 1, 3), (3, 2, 2), (2, 4, 1)])
def test_the_embedding_is_the_definitions(k, m, u):
    source, target = np.arange(12.0), 100 + np.arange(12.0)
    got = transfer_entropy_variables(source, target, history=k, source_history=m, delay=u)
    for mine, expected in zip(got, embed_by_loop(source, target, k, m, u), strict=True):
        np.testing.assert_array_equal(mine, expected)


def test_a_multivariate_series_keeps_its_components_side_by_side_at_each_lag():
    source = np.column_stack([np.arange(6), 10 + np.arange(6)])
    x, y, z = transfer_entropy_variables(source, np.arange(6) * 2, history=1, source_history=2)
    np.testing.assert_array_equal(x[0], [1, 11, 0, 10])  # t = 2: X_{t-1} then X_{t-2}, both components
    assert y.shape == (4, 1) and z.shape == (4, 1)


def test_transfer_entropy_has_a_direction():
    """A VAR(1) pair simulated here step by step: TE X → Y is var1_te's truth, TE Y → X is 0."""
    a, b, c, steps = 0.5, 0.5, 0.5, 20_001
    rng = np.random.default_rng(7)
    x, y = np.zeros(steps), np.zeros(steps)
    for t in range(1, steps):
        x[t] = a * x[t - 1] + rng.standard_normal()
        y[t] = b * y[t - 1] + c * x[t - 1] + rng.standard_normal()
    truth = mibench.get_scenario(f"var1_te(a={a}, b={b}, c={c}, history=2)").mi
    forward = transfer_entropy_variables(x, y, history=2)
    backward = transfer_entropy_variables(y, x, history=2)
    assert mibench.estimate(forward[0], forward[1], "gaussian", z=forward[2]) == pytest.approx(truth, abs=0.01)
    assert abs(mibench.estimate(backward[0], backward[1], "gaussian", z=backward[2])) < 0.01


@pytest.mark.parametrize(
    ("source", "target", "params", "message"),
    [
        (np.arange(10), np.arange(9), {}, "same length"),
        (np.arange(3), np.arange(3), {"history": 3}, "3 time points, and history=3"),
        (np.arange(5), np.arange(5), {"delay": 3, "source_history": 3}, "need the 5 before"),
        (np.arange(5), np.arange(5), {"history": 0}, "history"),
        (np.arange(5), np.arange(5), {"delay": 1.5}, "delay"),
        (np.zeros((4, 2, 2)), np.arange(4), {}, "source must be 1-D"),
        ({1, 2, 3}, np.arange(3), {}, "got a set"),
    ],
)
def test_bad_series_are_refused_by_name(source, target, params, message):
    with pytest.raises((ValueError, TypeError), match=message):
        transfer_entropy_variables(source, target, **params)
