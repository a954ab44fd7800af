"""Discrete scenarios: channels and joint tables with exact MI."""

from __future__ import annotations

import numpy as np

from mibench import Scenario, Truth, register_scenario


def _check_probability(value: float, name: str, *, open_low: bool = False, open_high: bool = False) -> float:
    ok = (
        isinstance(value, (int, float))
        and (value > 0 if open_low else value >= 0)
        and (value < 1 if open_high else value <= 1)
    )
    if not ok:
        low, high = "(" if open_low else "[", ")" if open_high else "]"
        raise ValueError(f"{name} must be a probability in {low}0, 1{high}, got {value!r}")
    return float(value)


def xlogy_sum(p: np.ndarray) -> float:
    """Σ p ln p with 0 ln 0 = 0."""
    p = p[p > 0]
    return float(np.sum(p * np.log(p)))


@register_scenario("symmetric_channel")
class SymmetricChannel(Scenario):
    r"""X uniform on k symbols; Y = X with probability 1 − error, else one of the other k − 1 uniformly.

    .. math:: I = \ln k + (1-e)\ln(1-e) + e \ln\frac{e}{k-1}

    The k-ary symmetric channel at its capacity-achieving (uniform) input.

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., §7.1.5.
    """

    family = "discrete channel"
    citation = "Cover & Thomas (2006), Elements of Information Theory, §7.1"

    def __init__(self, k: int = 4, error: float = 0.1) -> None:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
            raise ValueError(f"k must be an integer >= 2, got {k!r}")
        self.k = int(k)
        self.error = _check_probability(error, "error")
        self.x_type = self.y_type = "discrete"

    def _truth(self) -> Truth:
        e, k = self.error, self.k
        return Truth(
            np.log(k) + xlogy_sum(np.array([1 - e])) + xlogy_sum(np.array([e])) - e * np.log(k - 1), "closed form"
        )

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x = rng.integers(0, self.k, n)
        flip = rng.random(n) < self.error
        shift = rng.integers(1, self.k, n)  # uniform over the k-1 other symbols
        y = np.where(flip, (x + shift) % self.k, x)
        return x, y

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        same = (x == y).all(axis=1)
        with np.errstate(divide="ignore"):
            return np.log(self.k) + np.where(same, np.log1p(-self.error), np.log(self.error / (self.k - 1)))
