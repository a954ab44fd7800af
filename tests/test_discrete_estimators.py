import numpy as np
import pytest

import mibench


def test_plugin_on_a_hand_computed_table():
    # Joint counts  x\y  a  b
    #               0    3  1
    #               1    1  3      N = 8, all marginals 4
    # I = 2 * (3/8) ln(8*3/16) + 2 * (1/8) ln(8*1/16) = (3/4) ln 1.5 + (1/4) ln 0.5
    x = [0, 0, 0, 0, 1, 1, 1, 1]
    y = ["a", "a", "a", "b", "a", "b", "b", "b"]
    expected = 0.75 * np.log(1.5) + 0.25 * np.log(0.5)
    got = mibench.estimate(x, y, "plugin", x_type="discrete", y_type="discrete")
    assert got == pytest.approx(expected, abs=1e-15)


def test_plugin_multivariate_is_a_joint_symbol():
    # x = (x1, x2) with four joint symbols; y = x1 xor x2 is a function of the joint symbol
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 5)
    y = x[:, 0] ^ x[:, 1]
    assert mibench.estimate(x, y, "plugin") == pytest.approx(np.log(2), abs=1e-15)
    # each coordinate alone carries no information about y
    assert mibench.estimate(x[:, 0], y, "plugin") == pytest.approx(0.0, abs=1e-15)


def test_plugin_matches_sklearn():
    from sklearn.metrics import mutual_info_score

    rng = np.random.default_rng(4)
    for _ in range(5):
        x = rng.integers(0, 7, 500)
        y = (x + rng.integers(0, 3, 500)) % 5
        assert mibench.estimate(x, y, "plugin") == pytest.approx(mutual_info_score(x, y), abs=1e-12)
