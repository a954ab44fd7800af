"""Additive-noise channels with closed-form MI."""

from __future__ import annotations

import numpy as np

from mibench.plugin import Scenario, Truth, number, register_scenario

#: The narrowest noise that float64 keeps apart from an X of order 1 (rounding about 1e-16): a million
#: rounding steps and more. eps=1e-20 drew Y == X, for a truth of 45 nats.
MIN_NOISE = 1e-9


def resolvable_noise(width: float, name: str) -> float:
    """``width``, or ValueError if Y = X + noise of that width would round to X in float64."""
    if width < MIN_NOISE:
        raise ValueError(
            f"{name}={width:g} is too small to represent: Y = X + noise of that width rounds to X in float64; "
            f"use {name} >= {MIN_NOISE:g}"
        )
    return width


@register_scenario("additive_uniform")
class AdditiveUniform(Scenario):
    r"""X ~ U(0, 1), Y = X + N with N ~ U(−ε, ε).

    .. math:: I = \begin{cases} \varepsilon - \ln(2\varepsilon) & \varepsilon \le 1/2 \\ 1/(4\varepsilon) & \varepsilon > 1/2 \end{cases}

    References
    ----------
    Czyż, P. et al. (2023). Beyond Normal: On the Evaluation of Mutual Information Estimators. NeurIPS 36
    (additive uniform noise task).
    """

    family = "additive noise"
    citation = "Czyż et al. (2023), Beyond Normal, NeurIPS 36"

    def __init__(self, eps: float = 0.1) -> None:
        self.eps = resolvable_noise(number(eps, "eps", 0, np.inf), "eps")

    def _truth(self) -> Truth:
        e = self.eps
        return Truth(e - np.log(2 * e) if e <= 0.5 else 1 / (4 * e), "closed form")

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x = rng.uniform(0, 1, n)
        return x, x + rng.uniform(-self.eps, self.eps, n)

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        # p(y|x) = 1/(2ε); p(y) = |[y−ε, y+ε] ∩ [0, 1]| / (2ε)
        y = y[:, 0]
        overlap = np.minimum(y + self.eps, 1.0) - np.maximum(y - self.eps, 0.0)
        return -np.log(overlap)
