"""Multivariate Student-t scenarios: heavy tails, MI above the Gaussian MI of the dispersion."""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, gammaln

from mibench.plugin import Scenario, Truth, number, positive_int, register_scenario

from .gaussian import SolvesForMI, correlation_for_mi, gaussian_mi, pairs_covariance

#: Above this many degrees of freedom per unit of d_x·d_y the correction is evaluated by its
#: asymptotic series, where the direct sum loses digits to cancellation. At the switch the two
#: agree to 3e-12 (d_x = d_y = 1, dof 200) and 7e-11 nats (5 × 5 at dof 200; the switch for 5 × 5
#: is at dof 5000, where they agree better still).
SERIES_FROM_DOF = 200.0


def _f(x: float) -> float:
    return float(gammaln(x / 2) - (x / 2) * digamma(x / 2))


def student_t_correction(dof: float, dim_x: int, dim_y: int) -> float:
    r"""c(ν, d_x, d_y) = f(ν) + f(ν+d_x+d_y) − f(ν+d_x) − f(ν+d_y), f(x) = ln Γ(x/2) − (x/2) ψ(x/2).

    For large ν: f(x) = −½ ln(x/2) − x/2 + const + 1/(3x) + O(x^{-3}), whose mixed second
    difference is evaluated in a cancellation-free form. c = 0 at ν = ∞.
    """
    a, b = dim_x, dim_y
    if np.isinf(dof):
        return 0.0
    if dof < SERIES_FROM_DOF * a * b:
        return _f(dof) + _f(dof + a + b) - _f(dof + a) - _f(dof + b)
    log_term = -0.5 * np.log1p(-a * b / ((dof + a) * (dof + b)))
    inverse_term = (a / 3) * (1 / (dof * (dof + a)) - 1 / ((dof + b) * (dof + a + b)))
    return float(log_term + inverse_term)


@register_scenario("student_t")
class StudentT(SolvesForMI, Scenario):
    r"""Multivariate Student-t with ``dof`` degrees of freedom and the pair dispersion of ``gaussian``.

    The dispersion Σ has unit diagonal and correlation ``rho`` between x_i and y_i
    (i < ``dim``). Sampled as Z·sqrt(ν/W), Z ~ N(0, Σ), W ~ χ²_ν.

    .. math::

        I = \tfrac12\ln\frac{\det\Sigma_{xx}\det\Sigma_{yy}}{\det\Sigma} + c(\nu, d_x, d_y),\quad
        c = f(\nu) + f(\nu+d_x+d_y) - f(\nu+d_x) - f(\nu+d_y),\quad
        f(x) = \ln\Gamma(x/2) - \tfrac{x}{2}\psi(x/2)

    (the minus sign in f; an older public version has a plus, which is wrong). c > 0, so X and Y
    are dependent even when rho = 0. ``dof = inf`` is the Gaussian. ``mi`` solves for ``rho``.

    References
    ----------
    Arellano-Valle, R. B., Contreras-Reyes, J. E., Genton, M. G. (2013). Shannon entropy and mutual
    information for multivariate skew-elliptical distributions. Scand. J. Stat. 40, 42–62
    (corrected as in Czyż et al. 2023, Beyond Normal, NeurIPS 36).
    """

    family = "student-t"
    citation = "Arellano-Valle et al. (2013), Scand. J. Stat. 40; corrected in Czyż et al. (2023), NeurIPS 36"
    heavy_tails = True

    def __init__(self, dof: float = 3.0, rho: float = 0.0, dim: int = 1, mi: float | None = None) -> None:
        dim = positive_int(dim, "dim")
        self.dof = number(dof, "dof", 0, np.inf, inclusive=False) if not np.isinf(dof) else np.inf
        self.dim_x = self.dim_y = dim
        correction = student_t_correction(self.dof, dim, dim)
        if mi is not None:
            mi = number(mi, "mi", 0, np.inf, inclusive=True)
            if mi < correction:
                raise ValueError(f"mi={mi:g} is below the Student-t floor c(dof={self.dof:g}) = {correction:.6g}")
            rho = correlation_for_mi(mi, dim, floor=correction)
        self.rho = number(rho, "rho", -1, 1)
        self.scale = pairs_covariance(self.rho, dim, dim, dim)
        self._chol = np.linalg.cholesky(self.scale)
        self._correction = correction

    def _truth(self) -> Truth:
        return Truth(gaussian_mi(self.scale, self.dim_x) + self._correction, "closed form")

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        z = rng.standard_normal((n, 2 * self.dim_x)) @ self._chol.T
        if not np.isinf(self.dof):
            z *= np.sqrt(self.dof / rng.chisquare(self.dof, size=(n, 1)))
        return z[:, : self.dim_x], z[:, self.dim_x :]

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        d = self.dim_x
        if np.isinf(self.dof):
            from .gaussian import _gaussian_log_density as density

            joint = density(np.hstack([x, y]), self.scale)
            return joint - density(x, self.scale[:d, :d]) - density(y, self.scale[d:, d:])

        from scipy.stats import multivariate_t  # imported here: scipy.stats takes ~0.4 s to import

        def logpdf(values: np.ndarray, shape: np.ndarray) -> np.ndarray:
            return np.atleast_1d(multivariate_t(loc=np.zeros(len(shape)), shape=shape, df=self.dof).logpdf(values))

        return logpdf(np.hstack([x, y]), self.scale) - logpdf(x, self.scale[:d, :d]) - logpdf(y, self.scale[d:, d:])
