"""Exponential-family pairs with closed-form MI (gamma–exponential, ordered Weinman exponential)."""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, gammaln

from mibench.plugin import Scenario, Truth, number, register_scenario

from .noise import resolvable_noise

EULER_GAMMA = 0.57721566490153286061


@register_scenario("gamma_exponential")
class GammaExponential(Scenario):
    r"""X ~ Gamma(θ, 1); Y | X ~ Exponential(rate X): density :math:`x^\theta e^{-x-xy}/\Gamma(\theta)` on x, y > 0.

    Y is Lomax: :math:`p(y) = \theta (1+y)^{-\theta-1}` (heavy-tailed).

    .. math:: I(X;Y) = \psi(\theta + 1) - \ln\theta

    References
    ----------
    Darbellay, G. A., Vajda, I. (2000). Entropy expressions for multivariate continuous distributions.
    IEEE Trans. Inf. Theory 46, 709–712.
    """

    family = "exponential family"
    citation = "Darbellay & Vajda (2000), IEEE Trans. Inf. Theory 46, 709"
    heavy_tails = True

    def __init__(self, theta: float = 1.0) -> None:
        self.theta = number(theta, "theta", 0, np.inf)

    def _truth(self) -> Truth:
        return Truth(float(digamma(self.theta + 1) - np.log(self.theta)), "closed form")

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x = rng.gamma(self.theta, 1.0, n)
        return x, rng.exponential(1.0, n) / x

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        x, y, t = x[:, 0], y[:, 0], self.theta
        log_joint = t * np.log(x) - x - x * y - gammaln(t)
        log_x = (t - 1) * np.log(x) - x - gammaln(t)
        log_y = np.log(t) - (t + 1) * np.log1p(y)
        return log_joint - log_x - log_y


@register_scenario("weinman_exponential")
class OrderedWeinmanExponential(Scenario):
    r"""Ordered Weinman exponential: density :math:`(2/\theta)\exp(-2x - (y-x)/\theta)` on 0 < x < y.

    X ~ Exp(rate 2) and Y = X + E with E ~ Exp(mean θ). With α = min(2, 1/θ)/|1/θ − 2|:

    .. math::

        I = \begin{cases}
        \psi(1/(1-2\theta)) + \gamma_E + \ln((1-2\theta)/(2\theta)) & \theta < 1/2 \\
        \gamma_E & \theta = 1/2 \\
        \psi(2\theta/(2\theta-1)) + \gamma_E + \ln((2\theta-1)/(2\theta)) & \theta > 1/2
        \end{cases}

    References
    ----------
    Darbellay, G. A., Vajda, I. (2000). Entropy expressions for multivariate continuous distributions.
    IEEE Trans. Inf. Theory 46, 709–712.
    """

    family = "exponential family"
    citation = "Darbellay & Vajda (2000), IEEE Trans. Inf. Theory 46, 709"

    def __init__(self, theta: float = 0.3) -> None:
        self.theta = resolvable_noise(number(theta, "theta", 0, np.inf), "theta")

    def _truth(self) -> Truth:
        t = self.theta
        if t == 0.5:
            value = EULER_GAMMA
        elif t < 0.5:
            value = digamma(1 / (1 - 2 * t)) + EULER_GAMMA + np.log((1 - 2 * t) / (2 * t))
        else:
            value = digamma(2 * t / (2 * t - 1)) + EULER_GAMMA + np.log((2 * t - 1) / (2 * t))
        return Truth(float(value), "closed form")

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x = rng.exponential(0.5, n)
        return x, x + rng.exponential(self.theta, n)

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        x, y, t = x[:, 0], y[:, 0], self.theta
        log_joint = np.log(2 / t) - 2 * x - (y - x) / t
        log_x = np.log(2.0) - 2 * x
        c = 2 - 1 / t  # p(y) = (2/θ) e^{-y/θ} (1 - e^{-c y}) / c, or 4 y e^{-2y} at c = 0
        log_y = np.log(4 * y) - 2 * y if c == 0 else np.log(2 / t) - y / t + np.log(-np.expm1(-c * y) / c)
        return log_joint - log_x - log_y
