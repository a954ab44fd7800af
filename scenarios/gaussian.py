"""Gaussian scenarios: correlated normal pairs with closed-form MI."""

from __future__ import annotations

import numpy as np

from mibench import Scenario, Truth, register_scenario


def _check_rho(rho: float) -> float:
    if not isinstance(rho, (int, float)) or not -1 < rho < 1:
        raise ValueError(f"rho must be a number strictly between -1 and 1, got {rho!r}")
    return float(rho)


def _check_dim(dim: int, name: str = "dim") -> int:
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or dim < 1:
        raise ValueError(f"{name} must be a positive integer, got {dim!r}")
    return int(dim)


@register_scenario("gaussian")
class CorrelatedGaussian(Scenario):
    r"""``dim`` independent bivariate-normal pairs (x_i, y_i), each with correlation ``rho``.

    .. math:: I(X;Y) = -\tfrac{d}{2}\ln(1-\rho^2)

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., eq. (8.56).
    """

    family = "gaussian"
    citation = "Cover & Thomas (2006), Elements of Information Theory, §8"

    def __init__(self, rho: float = 0.5, dim: int = 1) -> None:
        self.rho = _check_rho(rho)
        self.dim_x = self.dim_y = _check_dim(dim)

    def _truth(self) -> Truth:
        return Truth(-0.5 * self.dim_x * np.log1p(-(self.rho**2)), "closed form")

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x = rng.standard_normal((n, self.dim_x))
        y = self.rho * x + np.sqrt(1 - self.rho**2) * rng.standard_normal((n, self.dim_y))
        return x, y

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        r2 = 1 - self.rho**2
        quad = (x**2 - 2 * self.rho * x * y + y**2) / (2 * r2) - (x**2 + y**2) / 2
        return np.sum(-0.5 * np.log(r2) - quad, axis=1)
