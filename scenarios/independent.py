"""Independent pairs: the truth is exactly zero."""

from __future__ import annotations

import numpy as np

from mibench.plugin import Scenario, Truth, positive_int, register_scenario

MARGINALS = {
    "normal": lambda rng, shape: rng.standard_normal(shape),
    "uniform": lambda rng, shape: rng.uniform(0, 1, shape),
    "student_t": lambda rng, shape: rng.standard_t(2.0, shape),
    "lognormal": lambda rng, shape: rng.lognormal(0, 1.5, shape),
    "exponential": lambda rng, shape: rng.exponential(1.0, shape),
    "bimodal": lambda rng, shape: rng.standard_normal(shape) * 0.3 + rng.choice([-2.0, 2.0], shape),
}


@register_scenario("independent")
class IndependentContinuous(Scenario):
    """Independent continuous X and Y with the named marginal in every coordinate; I = 0.

    Marginals: normal, uniform, student_t (2 dof, infinite variance), lognormal (σ = 1.5),
    exponential, bimodal (a ±2 mixture of N(0, 0.3²)). Every estimator should return about 0;
    the spread of its estimates is its null distribution.

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., §2.6 (I = 0 iff independent).
    """

    family = "independent"
    citation = "Cover & Thomas (2006), §2.6"

    def __init__(self, marginal: str = "normal", dim_x: int = 1, dim_y: int = 1) -> None:
        if marginal not in MARGINALS:
            raise ValueError(f"marginal must be one of {', '.join(MARGINALS)}, got {marginal!r}")
        self.marginal = marginal
        self.heavy_tails = marginal in ("student_t", "lognormal")
        self.dim_x, self.dim_y = positive_int(dim_x, "dim_x"), positive_int(dim_y, "dim_y")

    def _truth(self) -> Truth:
        return Truth(0.0, "closed form")

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        draw = MARGINALS[self.marginal]
        return draw(rng, (n, self.dim_x)), draw(rng, (n, self.dim_y))

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.zeros(len(x))


@register_scenario("independent_discrete")
class IndependentDiscrete(Scenario):
    """Independent uniform symbols: X on ``kx`` symbols, Y on ``ky``; I = 0.

    The regime where the plug-in bias (kx−1)(ky−1)/(2N) is all there is to see.

    References
    ----------
    Miller, G. A. (1955). Note on the bias of information estimates. Information Theory in Psychology.
    """

    family = "independent"
    citation = "Miller (1955), Information Theory in Psychology"

    def __init__(self, kx: int = 10, ky: int = 10) -> None:
        self.kx, self.ky = positive_int(kx, "kx"), positive_int(ky, "ky")
        self.x_type = self.y_type = "discrete"

    def _truth(self) -> Truth:
        return Truth(0.0, "closed form")

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        return rng.integers(0, self.kx, n), rng.integers(0, self.ky, n)

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.zeros(len(x))
