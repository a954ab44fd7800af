import numpy as np
import pytest

import mibench


def test_gaussian_matches_correlation_formula():
    rng = np.random.default_rng(0)
    x = rng.normal(size=1000)
    y = 0.5 * x + rng.normal(size=1000)
    r = np.corrcoef(x, y)[0, 1]
    assert mibench.estimate(x, y, "gaussian") == pytest.approx(-0.5 * np.log(1 - r * r), abs=1e-12)


def test_gaussian_multivariate_matches_canonical_correlations():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2000, 3))
    y = x[:, :2] @ np.array([[1.0, 0.3], [0.2, -0.5]]) + rng.normal(size=(2000, 2))
    # independent route: canonical correlations from whitened cross-covariance (Cover & Thomas / CCA)
    c = np.cov(np.hstack([x, y]), rowvar=False)
    cxx, cyy, cxy = c[:3, :3], c[3:, 3:], c[:3, 3:]

    def inv_sqrt(m):
        w, v = np.linalg.eigh(m)
        return v @ np.diag(w**-0.5) @ v.T

    rho = np.linalg.svd(inv_sqrt(cxx) @ cxy @ inv_sqrt(cyy), compute_uv=False)
    assert mibench.estimate(x, y, "gaussian") == pytest.approx(-0.5 * np.sum(np.log(1 - rho**2)), abs=1e-10)


def test_gaussian_refuses_no_more_samples_than_joint_dimensions():
    # 5 samples of 4 + 4 dimensions gave 70.1 nats from a singular covariance, as an estimate.
    rng = np.random.default_rng(1)
    with pytest.raises(ValueError, match="more samples than joint dimensions.*got 8 samples of 8 dimensions"):
        mibench.estimate(rng.normal(size=(8, 4)), rng.normal(size=(8, 4)), "gaussian")
    with pytest.raises(ValueError, match="got 9 samples of 9 dimensions"):
        mibench.estimate(rng.normal(size=(9, 4)), rng.normal(size=(9, 4)), "gaussian", z=rng.normal(size=9))
    assert np.isfinite(mibench.estimate(rng.normal(size=(9, 4)), rng.normal(size=(9, 4)), "gaussian"))
