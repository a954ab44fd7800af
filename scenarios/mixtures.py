"""Mixture scenarios whose truth is a Monte Carlo average of the pointwise MI (with its standard error)."""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp

from mibench.plugin import Scenario, Truth, number, positive_int, register_scenario, stable_seed

#: Draws for the Monte Carlo truth: its standard error is then about 1e-3 nats or less.
TRUTH_DRAWS = 1_000_000


def monte_carlo_truth(scenario: Scenario, draws: int = TRUTH_DRAWS) -> Truth:
    """Mean of log_pmi over fresh draws from a seed fixed by the scenario's spec; SE = sd/sqrt(M)."""
    seed = stable_seed(f"truth|{scenario.spec}", bits=64)
    pmi = np.concatenate(
        [scenario.log_pmi(*scenario.sample(chunk, seed + i)) for i, chunk in enumerate(_chunks(draws, 250_000))]
    )
    return Truth(float(pmi.mean()), "monte carlo", float(pmi.std(ddof=1) / np.sqrt(pmi.size)))


def _chunks(total: int, size: int) -> list[int]:
    return [size] * (total // size) + ([total % size] if total % size else [])


@register_scenario("gaussian_mixture")
class GaussianMixture(Scenario):
    r"""A bend-and-mix pair: an equal-weight mixture of ``components`` bivariate normals.

    Component j has unit variances, mean ``separation``·(cos 2πj/K, sin 2πj/K) and correlation
    ``rho``·(−1)^j, so the dependence bends between components and can be strong while the
    overall correlation is near zero. Both margins are Gaussian mixtures, so the pointwise MI

    .. math:: \mathrm{pmi}(x,y) = \ln\sum_j w_j N_2(x,y;\mu_j,\Sigma_j) - \ln\sum_j w_j N(x;\mu_{j,x},1) - \ln\sum_j w_j N(y;\mu_{j,y},1)

    is exact, and the truth is its Monte Carlo mean over 10^6 draws (with standard error).

    References
    ----------
    Czyż, P. et al. (2023). Beyond Normal: On the Evaluation of Mutual Information Estimators. NeurIPS 36
    (mixtures with Monte Carlo ground truth).
    """

    family = "mixture"
    citation = "Czyż et al. (2023), Beyond Normal, NeurIPS 36"

    def __init__(self, components: int = 2, separation: float = 2.0, rho: float = 0.8) -> None:
        self.components = positive_int(components, "components")
        self.separation = number(separation, "separation", 0, np.inf, inclusive=True)
        self.rho = number(rho, "rho", -1, 1)
        angles = 2 * np.pi * np.arange(self.components) / self.components
        self.means = self.separation * np.column_stack([np.cos(angles), np.sin(angles)])
        self.rhos = self.rho * (-1.0) ** np.arange(self.components)

    def _truth(self) -> Truth:
        return monte_carlo_truth(self)

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        j = rng.integers(0, self.components, n)
        x = rng.standard_normal(n)
        y = self.rhos[j] * x + np.sqrt(1 - self.rhos[j] ** 2) * rng.standard_normal(n)
        return x + self.means[j, 0], y + self.means[j, 1]

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        log_w = -np.log(self.components)
        dx = x[:, :1] - self.means[None, :, 0]
        dy = y[:, :1] - self.means[None, :, 1]
        r = self.rhos[None, :]
        s2 = 1 - r**2
        log_joint = -(dx**2 - 2 * r * dx * dy + dy**2) / (2 * s2) - np.log(2 * np.pi) - 0.5 * np.log(s2)
        log_normal = lambda d: -0.5 * d**2 - 0.5 * np.log(2 * np.pi)  # noqa: E731
        return (
            logsumexp(log_joint + log_w, axis=1)
            - logsumexp(log_normal(dx) + log_w, axis=1)
            - logsumexp(log_normal(dy) + log_w, axis=1)
        )
