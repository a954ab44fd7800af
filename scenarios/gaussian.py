"""Gaussian scenarios: correlated normal vectors with closed-form MI.

For (X, Y) ~ N(0, Σ) with blocks Σxx, Σyy, the MI is

.. math:: I(X;Y) = \\tfrac12 \\ln \\frac{\\det\\Sigma_{xx}\\det\\Sigma_{yy}}{\\det\\Sigma}

(Cover & Thomas 2006, §8; the canonical-correlation form −½ Σ ln(1−ρ_i²) is equal).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import brentq

from mibench.plugin import Scenario, Truth, number, positive_int, register_scenario

CITATION = "Cover & Thomas (2006), Elements of Information Theory, 2nd ed., §8 (eq. 8.56)"


def gaussian_mi(cov: np.ndarray, dim_x: int) -> float:
    """½ ln(det Σxx det Σyy / det Σ) via Cholesky log-determinants."""

    def logdet(m: np.ndarray) -> float:
        return 2.0 * float(np.sum(np.log(np.diag(np.linalg.cholesky(m)))))

    return 0.5 * (logdet(cov[:dim_x, :dim_x]) + logdet(cov[dim_x:, dim_x:]) - logdet(cov))


def _gaussian_log_density(z: np.ndarray, cov: np.ndarray) -> np.ndarray:
    chol = np.linalg.cholesky(cov)
    solved = np.linalg.solve(chol, z.T)
    return -0.5 * np.sum(solved**2, axis=0) - np.sum(np.log(np.diag(chol))) - 0.5 * z.shape[1] * np.log(2 * np.pi)


class JointGaussian(Scenario):
    """Zero-mean jointly Gaussian (X, Y) with a given joint covariance; the base of this family."""

    family = "gaussian"
    citation = CITATION

    def _set_covariance(self, cov: Any, dim_x: int) -> None:
        cov = np.array(cov, dtype=np.float64)
        if cov.ndim != 2 or cov.shape[0] != cov.shape[1] or not 1 <= dim_x < cov.shape[0]:
            raise ValueError(f"cov must be a square matrix larger than dim_x={dim_x}; got shape {cov.shape}")
        if not np.allclose(cov, cov.T):
            raise ValueError("cov must be symmetric")
        try:
            self._chol = np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            raise ValueError("cov must be positive definite") from None
        self.cov = cov
        self.dim_x, self.dim_y = dim_x, cov.shape[0] - dim_x

    def _truth(self) -> Truth:
        return Truth(gaussian_mi(self.cov, self.dim_x), "closed form")

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        z = rng.standard_normal((n, self.cov.shape[0])) @ self._chol.T
        return z[:, : self.dim_x], z[:, self.dim_x :]

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        d = self.dim_x
        return (
            _gaussian_log_density(np.hstack([x, y]), self.cov)
            - _gaussian_log_density(x, self.cov[:d, :d])
            - _gaussian_log_density(y, self.cov[d:, d:])
        )


def pairs_covariance(rho: float, pairs: int, dim_x: int, dim_y: int) -> np.ndarray:
    """Unit variances; x_i and y_i correlated with rho for i < pairs; all else independent."""
    cov = np.eye(dim_x + dim_y)
    for i in range(pairs):
        cov[i, dim_x + i] = cov[dim_x + i, i] = rho
    return cov


def correlation_for_mi(mi: float, pairs: int, floor: float = 0.0) -> float:
    """The correlation ρ of each of ``pairs`` Gaussian pairs that together carry ``mi − floor`` nats
    (``floor``: what the scenario carries without them): I = −(pairs/2) ln(1 − ρ²), so
    ρ = sqrt(1 − e^(−2I/pairs))."""
    rho = float(np.sqrt(-np.expm1(-2 * (mi - floor) / pairs)))
    if not rho < 1:
        largest = floor - 0.5 * pairs * np.log1p(-(np.nextafter(1.0, 0.0) ** 2))
        raise ValueError(
            f"mi={mi:g} is too large to represent with float64 correlations: at most {largest:.4g} nats over "
            f"{pairs} pair{'s' if pairs > 1 else ''}"
        )
    return rho


class SolvesForMI:
    """Scenarios with a ``mi=`` parameter that overrides ``rho``: the spec then names mi, not rho."""

    def canonical_params(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("mi") is not None:
            params["rho"] = None
        return params


def _solve_mi(mi: Any, mi_of: Any, low: float, high: float, name: str) -> float:
    mi = number(mi, "mi", 0.0, np.inf, inclusive=True)
    if mi == 0:
        return 0.0
    if not mi_of(low) <= mi <= mi_of(high):
        raise ValueError(f"mi={mi:g} is out of reach for {name}: at most {mi_of(high):.4g} nats")
    return float(brentq(lambda r: mi_of(r) - mi, low, high, xtol=1e-15, rtol=1e-15, maxiter=500))


@register_scenario("gaussian")
class CorrelatedGaussian(SolvesForMI, JointGaussian):
    r"""``dim`` independent bivariate-normal pairs (x_i, y_i), each with correlation ``rho``.

    .. math:: I(X;Y) = -\tfrac{d}{2}\ln(1-\rho^2)

    Give ``mi`` (nats) instead of ``rho`` to sweep the MI directly (``mi`` overrides ``rho``): then
    :math:`\rho = \sqrt{1-e^{-2I/d}}`.

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., eq. (8.56).
    """

    def __init__(self, rho: float = 0.5, dim: int = 1, mi: float | None = None) -> None:
        dim = positive_int(dim, "dim")
        if mi is not None:
            rho = correlation_for_mi(number(mi, "mi", 0, np.inf, inclusive=True), dim)
        self.rho = number(rho, "rho", -1, 1)
        self._set_covariance(pairs_covariance(self.rho, dim, dim, dim), dim)

    def _truth(self) -> Truth:
        return Truth(-0.5 * self.dim_x * np.log1p(-(self.rho**2)), "closed form")


@register_scenario("gaussian_cov")
class GaussianCovariance(JointGaussian):
    r"""Jointly Gaussian (X, Y) with an arbitrary joint covariance ``cov``; X is the first ``dim_x`` coordinates.

    .. math:: I(X;Y) = \tfrac12 \ln \frac{\det\Sigma_{xx}\det\Sigma_{yy}}{\det\Sigma}

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., §8.
    """

    def __init__(self, cov: Any = ((1.0, 0.5), (0.5, 1.0)), dim_x: int = 1) -> None:
        self._set_covariance(cov, positive_int(dim_x, "dim_x"))


@register_scenario("gaussian_dense")
class DenseGaussian(SolvesForMI, JointGaussian):
    r"""Equicorrelated Gaussian: unit variances, every pair of the ``dim_x + dim_y`` coordinates correlated ``rho``.

    Positive definite for :math:`-1/(d-1) < \rho < 1` with :math:`d = d_x + d_y`. Give ``mi`` to solve
    for ``rho`` (in [0, 1)). MI from the determinant formula
    :math:`\tfrac12\ln(\det\Sigma_{xx}\det\Sigma_{yy}/\det\Sigma)`, with
    :math:`\det` of an m×m equicorrelation matrix :math:`(1-\rho)^{m-1}(1+(m-1)\rho)`.

    References
    ----------
    Czyż, P. et al. (2023). Beyond Normal: On the Evaluation of Mutual Information Estimators. NeurIPS 36
    (dense interaction designs).
    """

    citation = "Czyż et al. (2023), Beyond Normal, NeurIPS 36"

    def __init__(self, dim_x: int = 5, dim_y: int = 5, rho: float = 0.3, mi: float | None = None) -> None:
        dim_x, dim_y = positive_int(dim_x, "dim_x"), positive_int(dim_y, "dim_y")
        d = dim_x + dim_y

        def covariance(r: float) -> np.ndarray:
            return np.full((d, d), r) + (1 - r) * np.eye(d)

        if mi is not None:
            rho = _solve_mi(mi, lambda r: gaussian_mi(covariance(r), dim_x), 0.0, 1 - 1e-12, "gaussian_dense")
        self.rho = number(rho, "rho", -1 / (d - 1), 1)
        self._set_covariance(covariance(self.rho), dim_x)


@register_scenario("gaussian_sparse")
class SparseGaussian(SolvesForMI, JointGaussian):
    r"""Sparse interactions: ``pairs`` latent-variable pairs among ``dim_x`` × ``dim_y`` coordinates.

    For i < ``pairs``, :math:`x_i = \sqrt{\rho} z_i + \sqrt{1-\rho}\,e_i` and
    :math:`y_i = \sqrt{\rho} z_i + \sqrt{1-\rho}\,e'_i` share a latent :math:`z_i`, so
    corr(x_i, y_i) = ρ (ρ ≥ 0); all other coordinates are independent noise.

    .. math:: I(X;Y) = -\tfrac{p}{2}\ln(1-\rho^2)

    Give ``mi`` to solve for ``rho``.

    References
    ----------
    Czyż, P. et al. (2023). Beyond Normal: On the Evaluation of Mutual Information Estimators. NeurIPS 36
    (sparse interaction designs).
    """

    citation = "Czyż et al. (2023), Beyond Normal, NeurIPS 36"

    def __init__(
        self, dim_x: int = 10, dim_y: int = 10, pairs: int = 2, rho: float = 0.8, mi: float | None = None
    ) -> None:
        dim_x, dim_y = positive_int(dim_x, "dim_x"), positive_int(dim_y, "dim_y")
        pairs = positive_int(pairs, "pairs")
        if pairs > min(dim_x, dim_y):
            raise ValueError(f"pairs must be at most min(dim_x, dim_y) = {min(dim_x, dim_y)}, got {pairs}")
        if mi is not None:
            rho = correlation_for_mi(number(mi, "mi", 0, np.inf, inclusive=True), pairs)
        self.rho = number(rho, "rho", 0, 1, inclusive=False) if rho != 0 else 0.0
        self._set_covariance(pairs_covariance(self.rho, pairs, dim_x, dim_y), dim_x)


@register_scenario("additive_gaussian")
class AdditiveGaussian(JointGaussian):
    r"""Gaussian channel: X ~ N(0, I_d), Y = X + N(0, σ² I_d).

    .. math:: I(X;Y) = \tfrac{d}{2}\ln\left(1 + 1/\sigma^2\right)

    References
    ----------
    Shannon, C. E. (1948). A Mathematical Theory of Communication; Cover & Thomas (2006), §9.1.
    """

    citation = "Shannon (1948); Cover & Thomas (2006), Elements of Information Theory, §9.1"

    def __init__(self, sigma: float = 1.0, dim: int = 1) -> None:
        dim = positive_int(dim, "dim")
        self.sigma = number(sigma, "sigma", 0, np.inf)
        cov = np.block([[np.eye(dim), np.eye(dim)], [np.eye(dim), (1 + self.sigma**2) * np.eye(dim)]])
        try:
            self._set_covariance(cov, dim)
        except ValueError:  # "cov must be positive definite", of a matrix the user never gave
            raise ValueError(
                f"sigma={sigma:g} is too small to represent: the covariance of (X, X + N(0, sigma²)) is singular "
                "in float64"
            ) from None

    def _truth(self) -> Truth:
        return Truth(0.5 * self.dim_x * np.log1p(1 / self.sigma**2), "closed form")
