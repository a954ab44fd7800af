r"""The Beyond-Normal benchmark's tasks under their own ids: ``bmi(task='multinormal-dense-2-2-0.5')``.

Czyż et al. (2023) name each task by an id that lists its transforms, then its base distribution
(``spiral-normal_cdf-multinormal-sparse-3-3-2-2.0``). ``bmi`` parses such an id into the same
distribution: mibench's own families where they are the same (``gaussian``, ``gaussian_dense``,
``gaussian_sparse``, ``student_t``, ``additive_uniform``, and the ``normal_cdf``, ``half_cube``
and ``asinh`` maps), and the benchmark's definitions where mibench has none or a different one
(its wiggly maps, its spiral, the Swiss roll, the bimodal margins, and the Bend-and-Mix mixtures
of its second version). Every transform is invertible, so the truth is the base's; for the
mixtures it is a Monte Carlo mean of the exact pointwise MI over 10^6 draws (the benchmark uses
10^5), with its standard error. ``BMI_V1`` and ``BMI_V2`` list the benchmark's two task lists.

The benchmark also rescales every sample to zero mean and unit variance per column before
estimating (an affine map estimated from the sample); mibench does not: its estimators
standardise where their method calls for it.

References
----------
Czyż, P., Grabowski, F., Vogt, J. E., Beerenwinkel, N., Marx, A. (2023). Beyond Normal: On the
Evaluation of Mutual Information Estimators. NeurIPS 36. Package ``benchmark-mi`` (tasks in
``bmi.benchmark``; the second version's list in ``workflows/benchmark/v2/config.py``).
Czyż, P. et al. (2023). The Mixtures and the Neural Critics: On the Pointwise Mutual Information
Profiles of Fine Distributions. arXiv:2310.10240 (the Bend-and-Mix models).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy.linalg import solve_triangular
from scipy.special import logsumexp, ndtr, ndtri

from mibench.plugin import Scenario, Truth, get_scenario, register_scenario

from .mixtures import monte_carlo_truth
from .transforms import half_cube, half_cube_inverse

Map = Callable[[np.ndarray], np.ndarray]

#: The first version's 40 tasks (``bmi.benchmark.BENCHMARK_TASKS`` of benchmark-mi 0.1.3), in its order.
BMI_V1 = (
    "1v1-normal-0.75",
    "normal_cdf-1v1-normal-0.75",
    "1v1-additive-0.1",
    "1v1-additive-0.75",
    "1v1-bimodal-0.75",
    "wiggly-1v1-normal-0.75",
    "half_cube-1v1-normal-0.75",
    "student-identity-1-1-1",
    "asinh-student-identity-1-1-1",
    "swissroll_x-normal_cdf-1v1-normal-0.75",
    *(f"multinormal-dense-{d}-{d}-0.5" for d in (2, 3, 5, 25, 50)),
    *(f"multinormal-sparse-{d}-{d}-2-2.0" for d in (2, 3, 5, 25)),
    *(f"student-identity-{d}-{d}-{dof}" for d, dof in ((2, 1), (2, 2), (3, 2), (3, 3), (5, 2), (5, 3))),
    *(
        f"{prefix}multinormal-sparse-{d}-{d}-2-2.0"
        for prefix in ("normal_cdf-", "half_cube-", "spiral-", "spiral-normal_cdf-")
        for d in (3, 5, 25)
    ),
    *(f"asinh-student-identity-{d}-{d}-{dof}" for d, dof in ((2, 1), (3, 2), (5, 2))),
)

#: The second version's 26 tasks (``workflows/benchmark/v2/config.py`` of the benchmark), in its order.
BMI_V2 = (
    "1v1-additive-0.75",
    "asinh-student-identity-1-1-1",
    "1v1-X-0.9",
    "1v1-AI",
    "swissroll_x-normal_cdf-1v1-normal-0.75",
    "2v1-waves-12-5.0-3.0",
    "2v1-galaxy-0.5-3.0",
    "3v1-concentric_gaussians-5",
    "5v1-concentric_gaussians-5",
    "3v1-concentric_gaussians-10",
    "5v1-concentric_gaussians-10",
    "25v1-concentric_gaussians-5",
    *(f"multinormal-dense-{d}-{d}-0.5" for d in (5, 25, 50)),
    *(f"multinormal-sparse-{d}-{d}-2-2.0" for d in (5, 25)),
    *(f"mult-sparse-w-inliers-{d}-{d}-2-2.0-{f}" for f in (0.2, 0.5) for d in (5, 25)),
    *(f"asinh-student-identity-{d}-{d}-{dof}" for d, dof in ((2, 1), (3, 2), (5, 2))),
    *(f"spiral-multinormal-sparse-{d}-{d}-2-2.0" for d in (3, 5)),
)


class _Mapped(Scenario):
    """A base scenario with invertible maps applied to x and to y (either may be the identity)."""

    def __init__(
        self,
        base: Scenario,
        x_maps: tuple[Map, Map] | None = None,
        y_maps: tuple[Map, Map] | None = None,
        dim_x: int | None = None,
    ) -> None:
        self.base, self.x_maps, self.y_maps = base, x_maps, y_maps
        self.dim_x, self.dim_y = dim_x or base.dim_x, base.dim_y
        self.heavy_tails = base.heavy_tails

    def _truth(self) -> Truth:
        return self.base.truth

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x, y = self.base.sample(n, rng)
        return (self.x_maps[0](x) if self.x_maps else x), (self.y_maps[0](y) if self.y_maps else y)

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return self.base.log_pmi(self.x_maps[1](x) if self.x_maps else x, self.y_maps[1](y) if self.y_maps else y)


class _GaussianMixture(Scenario):
    r"""A finite mixture of Gaussians on (x, y): the pointwise MI is exact,
    :math:`\ln \sum_k w_k N(x,y;\mu_k,\Sigma_k) - \ln \sum_k w_k N(x;\mu_{k,x},\Sigma_{k,xx}) - \ln \sum_k w_k N(y;\mu_{k,y},\Sigma_{k,yy})`."""

    def __init__(self, weights: Sequence[float], means: Any, covariances: Any, dim_x: int) -> None:
        self.weights = np.asarray(weights, dtype=float)
        self.means = np.asarray(means, dtype=float)
        self.covariances = np.asarray(covariances, dtype=float)
        self.dim_x, self.dim_y = dim_x, self.means.shape[1] - dim_x
        self._cholesky = np.linalg.cholesky(self.covariances)

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        component = rng.choice(len(self.weights), size=n, p=self.weights)
        z = rng.standard_normal((n, self.means.shape[1]))
        for k, (mean, cholesky) in enumerate(zip(self.means, self._cholesky)):
            chosen = component == k
            z[chosen] = mean + z[chosen] @ cholesky.T
        return z[:, : self.dim_x], z[:, self.dim_x :]

    def _log_density(self, values: np.ndarray, block: slice) -> np.ndarray:
        terms = []
        for weight, mean, covariance in zip(self.weights, self.means, self.covariances):
            chol = np.linalg.cholesky(covariance[block, block])
            white = solve_triangular(chol, (values - mean[block]).T, lower=True)
            log_det = 2 * np.sum(np.log(np.diag(chol)))
            terms.append(
                np.log(weight) - 0.5 * (np.sum(white**2, axis=0) + log_det + values.shape[1] * np.log(2 * np.pi))
            )
        return logsumexp(np.stack(terms), axis=0)

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        both, dim = np.hstack([x, y]), self.dim_x + self.dim_y
        return (
            self._log_density(both, slice(0, dim))
            - self._log_density(x, slice(0, self.dim_x))
            - self._log_density(y, slice(self.dim_x, dim))
        )


def _canonical_pairs(rhos: Sequence[float], extra_y: int = 0) -> np.ndarray:
    """Unit variances, corr(x_i, y_i) = rho_i, all else 0 (the benchmark's ``canonical_correlation``)."""
    dim_x = len(rhos)
    covariance = np.eye(2 * dim_x + extra_y)
    for i, rho in enumerate(rhos):
        covariance[i, dim_x + i] = covariance[dim_x + i, i] = rho
    return covariance


def _x_mixture(rho: float) -> Scenario:
    return _GaussianMixture([0.5, 0.5], np.zeros((2, 2)), [_canonical_pairs([-rho]), _canonical_pairs([rho])], 1)


def _ai_mixture() -> Scenario:
    var_x, corr = 0.04, 0.95
    cross = np.sqrt(var_x * 0.2) * corr
    means = [[1.0, 0.0], [1.0, 1.0], [1.0, -1.0], [-0.8, -0.2], [-1.2, 0.0], [-0.4, 0.0]]
    covariances = [
        np.diag([0.01, 0.2]),
        np.diag([0.05, 0.001]),
        np.diag([0.05, 0.001]),
        np.diag([0.03, 0.001]),
        [[var_x, cross], [cross, 0.2]],
        [[var_x, -cross], [-cross, 0.2]],
    ]
    return _GaussianMixture(np.full(6, 1 / 6), means, covariances, 1)


def _plane_spiral(dim: int, i: int, j: int, speed: float) -> tuple[Map, Map]:
    """The benchmark's spiral: v ↦ exp(speed ‖v‖² A) v, A the generator of rotations in the plane (i, j)."""

    def rotate(values: np.ndarray, sign: float) -> np.ndarray:
        angle = sign * speed * np.sum(values**2, axis=1)
        out = values.copy()
        out[:, i] = np.cos(angle) * values[:, i] - np.sin(angle) * values[:, j]
        out[:, j] = np.sin(angle) * values[:, i] + np.cos(angle) * values[:, j]
        return out

    return (lambda v: rotate(v, 1.0)), (lambda v: rotate(v, -1.0))


def _galaxy(speed: float, distance: float) -> Scenario:
    means = [np.full(3, -distance / 2), np.full(3, distance / 2)]
    balls = _GaussianMixture([0.5, 0.5], means, [np.eye(3), np.eye(3)], 2)
    return _Mapped(balls, x_maps=_plane_spiral(2, 0, 1, speed))


def _waves(components: int, amplitude: float, frequency: float) -> Scenario:
    means = [np.array([k, 0.0, k % 4]) * 1.5 for k in range(components)]
    base = _GaussianMixture(np.full(components, 1 / components), means, [np.diag([0.1, 1.0, 0.1])] * components, 2)

    def forward(x: np.ndarray) -> np.ndarray:
        return np.column_stack([0.1 * (x[:, 0] + amplitude * np.sin(frequency * x[:, 1])) - 0.8, 0.5 * x[:, 1]])

    def inverse(v: np.ndarray) -> np.ndarray:
        second = v[:, 1] / 0.5
        return np.column_stack([(v[:, 0] + 0.8) / 0.1 - amplitude * np.sin(frequency * second), second])

    return _Mapped(base, x_maps=(forward, inverse))


def _concentric(dim_x: int, components: int) -> Scenario:
    scales = np.arange(1, components + 1)
    means = [np.r_[np.zeros(dim_x), float(i)] for i in scales]
    covariances = [np.diag([*([float(i) ** 2] * dim_x), 1e-4]) for i in scales]
    return _GaussianMixture(np.full(components, 1 / components), means, covariances, dim_x)


def _sparse_correlation(strength: float) -> float:
    """corr(x_i, y_i) of the benchmark's latent-variable design (noise 1, shared latent of weight λ): λ²/(1+λ²)."""
    return strength**2 / (1 + strength**2)


def _inliers(dim_x: int, dim_y: int, pairs: int, strength: float, fraction: float) -> Scenario:
    signal = get_scenario(
        f"gaussian_sparse(dim_x={dim_x}, dim_y={dim_y}, pairs={pairs}, rho={_sparse_correlation(strength)!r})"
    )
    covariance = signal.cov
    independent = covariance.copy()
    independent[:dim_x, dim_x:] = independent[dim_x:, :dim_x] = 0.0
    means = np.zeros((2, dim_x + dim_y))
    return _GaussianMixture([1 - fraction, fraction], means, [covariance, independent], dim_x)


def _increasing_inverse(function: Map, values: np.ndarray, low: float, high: float) -> np.ndarray:
    """The inverse of an increasing ``function`` at ``values`` by bisection on [low, high] to float64 precision."""
    low_bound, high_bound = np.full(values.shape, low), np.full(values.shape, high)
    for _ in range(200):
        middle = 0.5 * (low_bound + high_bound)
        above = function(middle) >= values
        high_bound, low_bound = np.where(above, middle, high_bound), np.where(above, low_bound, middle)
        if np.all(high_bound - low_bound <= 4 * np.finfo(float).eps * np.maximum(1.0, np.abs(middle))):
            break
    return 0.5 * (low_bound + high_bound)


def _wiggly(amplitudes: Sequence[tuple[float, float, float]], reach: float) -> tuple[Map, Map]:
    """v ↦ v + Σ a sin(f v + p), increasing when Σ |a f| < 1; ``reach`` bounds |w(v) - v|."""

    def forward(values: np.ndarray) -> np.ndarray:
        return values + sum(a * np.sin(f * values + p) for a, f, p in amplitudes)

    def inverse(values: np.ndarray) -> np.ndarray:
        return _increasing_inverse(forward, values, float(np.min(values)) - reach, float(np.max(values)) + reach)

    return forward, inverse


#: The benchmark's wiggly maps (``bmi.benchmark.tasks.wiggly``): amplitude, frequency, phase.
WIGGLY_X = ((0.4, 1.0, 0.0), (0.2, 1.7, 1.0), (0.03, 3.3, -2.5))
WIGGLY_Y = ((-0.4, 0.4, 0.0), (0.17, 1.3, 3.5), (0.02, 4.3, -2.5))


def _mixture_cdf_map(components: Sequence[tuple[float, float]]) -> tuple[Map, Map]:
    """v ↦ F⁻¹(Φ(v)) with F the CDF of Σ w N(m, 1): Gaussian margins made bimodal (monotone, invertible)."""

    def cdf(t: np.ndarray) -> np.ndarray:
        return sum(w * ndtr(t - m) for w, m in components)

    def forward(values: np.ndarray) -> np.ndarray:
        return _increasing_inverse(cdf, ndtr(values), -40.0, 40.0)

    return forward, (lambda values: ndtri(cdf(values)))


def _swiss_roll() -> tuple[Map, Map]:
    """u ∈ (0, 1) ↦ (t cos t, t sin t)/21 with t = 1.5π(1 + 2u): the benchmark's Swiss roll (1-D into 2-D)."""

    def forward(u: np.ndarray) -> np.ndarray:
        t = 1.5 * np.pi * (1 + 2 * u[:, 0])
        return np.column_stack([t * np.cos(t), t * np.sin(t)]) / 21.0

    def inverse(v: np.ndarray) -> np.ndarray:
        t = 21.0 * np.hypot(v[:, 0], v[:, 1])
        return ((t / (1.5 * np.pi) - 1) / 2)[:, None]

    return forward, inverse


NUMBER = r"(-?\d+(?:\.\d+)?(?:e-?\d+)?)"
INTEGER = r"(\d+)"

#: Base distributions: pattern → builder of (scenario, canonical id).
BASES: dict[str, Callable[..., Scenario]] = {
    rf"1v1-normal-{NUMBER}": lambda rho: get_scenario(f"gaussian(rho={float(rho)!r})"),
    rf"1v1-additive-{NUMBER}": lambda eps: get_scenario(f"additive_uniform(eps={float(eps)!r})"),
    rf"1v1-bimodal-{NUMBER}": lambda rho: _Mapped(
        get_scenario(f"gaussian(rho={float(rho)!r})"),
        _mixture_cdf_map([(0.3, 0.0), (0.7, 5.0)]),
        _mixture_cdf_map([(0.5, -1.0), (0.5, 3.0)]),
    ),
    rf"student-identity-{INTEGER}-{INTEGER}-{INTEGER}": lambda dx, dy, dof: _student(int(dx), int(dy), int(dof)),
    rf"multinormal-dense-{INTEGER}-{INTEGER}-{NUMBER}": lambda dx, dy, off: get_scenario(
        f"gaussian_dense(dim_x={int(dx)}, dim_y={int(dy)}, rho={float(off)!r})"
    ),
    rf"multinormal-sparse-{INTEGER}-{INTEGER}-{INTEGER}-{NUMBER}": lambda dx, dy, k, s: get_scenario(
        f"gaussian_sparse(dim_x={int(dx)}, dim_y={int(dy)}, pairs={int(k)}, rho={_sparse_correlation(float(s))!r})"
    ),
    rf"1v1-X-{NUMBER}": lambda rho: _x_mixture(float(rho)),
    r"1v1-AI": _ai_mixture,
    rf"2v1-galaxy-{NUMBER}-{NUMBER}": lambda speed, distance: _galaxy(float(speed), float(distance)),
    rf"2v1-waves-{INTEGER}-{NUMBER}-{NUMBER}": lambda k, a, f: _waves(int(k), float(a), float(f)),
    rf"{INTEGER}v1-concentric_gaussians-{INTEGER}": lambda d, k: _concentric(int(d), int(k)),
    rf"mult-sparse-w-inliers-{INTEGER}-{INTEGER}-{INTEGER}-{NUMBER}-{NUMBER}": lambda dx, dy, k, s, f: _inliers(
        int(dx), int(dy), int(k), float(s), float(f)
    ),
}


def _student(dim_x: int, dim_y: int, dof: int) -> Scenario:
    if dim_x != dim_y:
        raise ValueError(f"student-identity tasks with dim_x != dim_y are not in the benchmark (got {dim_x}, {dim_y})")
    return get_scenario(f"student_t(dof={float(dof)!r}, rho=0.0, dim={dim_x})")


def _transform(prefix: str, base: Scenario) -> Scenario:
    if prefix == "normal_cdf":
        return _Mapped(base, (ndtr, ndtri), (ndtr, ndtri))
    if prefix == "half_cube":
        return _Mapped(base, (half_cube, half_cube_inverse), (half_cube, half_cube_inverse))
    if prefix == "asinh":
        return _Mapped(base, (np.arcsinh, np.sinh), (np.arcsinh, np.sinh))
    if prefix == "wiggly":
        return _Mapped(base, _wiggly(WIGGLY_X, 0.63), _wiggly(WIGGLY_Y, 0.59))
    if prefix == "spiral":
        if base.dim_x < 2 or base.dim_y < 3:
            raise ValueError("the benchmark's spiral needs dim_x >= 2 and dim_y >= 3")
        return _Mapped(
            base, _plane_spiral(base.dim_x, 0, 1, 1 / base.dim_x), _plane_spiral(base.dim_y, 1, 2, 1 / base.dim_y)
        )
    if prefix == "swissroll_x":
        if base.dim_x != 1:
            raise ValueError("the Swiss roll embeds a 1-D x with values in (0, 1)")
        return _Mapped(base, x_maps=_swiss_roll(), dim_x=2)
    raise AssertionError(prefix)


TRANSFORMS = ("normal_cdf", "half_cube", "asinh", "wiggly", "spiral", "swissroll_x")


def build_task(task: str) -> Scenario:
    """The distribution of a benchmark task id (transforms first, then the base)."""
    for prefix in TRANSFORMS:
        if task.startswith(prefix + "-"):
            return _transform(prefix, build_task(task[len(prefix) + 1 :]))
    for pattern, builder in BASES.items():
        match = re.fullmatch(pattern, task)
        if match:
            return builder(*match.groups())
    raise ValueError(
        f"{task!r} is not a Beyond-Normal task id; ids look like 'multinormal-dense-2-2-0.5' or "
        f"'spiral-normal_cdf-multinormal-sparse-3-3-2-2.0'. The benchmark's tasks: mibench.scenarios.bmi.BMI_V1 "
        f"and BMI_V2 (mibench describe bmi)"
    )


@register_scenario("bmi")
class BeyondNormalTask(Scenario):
    r"""A task of the Beyond-Normal benchmark (Czyż et al. 2023) by its id, such as ``'1v1-normal-0.75'``.

    Bases: ``1v1-normal-ρ`` (bivariate normal), ``1v1-additive-ε`` (X ~ U(0, 1), Y = X + U(−ε, ε)),
    ``1v1-bimodal-ρ`` (a bivariate normal with margins mapped to the mixtures 0.3 N(0,1) + 0.7 N(5,1)
    and 0.5 N(−1,1) + 0.5 N(3,1) through their CDFs), ``student-identity-dx-dy-ν`` (Student-t with
    identity dispersion), ``multinormal-dense-dx-dy-c`` (all correlations c),
    ``multinormal-sparse-dx-dy-k-λ`` (k pairs correlated λ²/(1+λ²)), and the Bend-and-Mix
    mixtures ``1v1-X-ρ``, ``1v1-AI``, ``2v1-galaxy-s-d``, ``2v1-waves-k-a-f``,
    ``dv1-concentric_gaussians-k`` and ``mult-sparse-w-inliers-dx-dy-k-λ-f``. Transforms, as
    prefixes: ``normal_cdf-``, ``half_cube-``, ``asinh-``, ``wiggly-`` (the benchmark's two maps),
    ``spiral-`` (x rotated in its plane (0, 1) at speed 1/dx, y in (1, 2) at 1/dy, by ‖·‖²) and
    ``swissroll_x-``. All are invertible, so :math:`I(f(X); g(Y)) = I(X; Y)`: closed forms for the
    Gaussian, Student-t and uniform bases, a Monte Carlo mean of the exact pointwise MI over 10^6
    draws (with its standard error) for the mixtures.

    References
    ----------
    Czyż, P. et al. (2023). Beyond Normal: On the Evaluation of Mutual Information Estimators.
    NeurIPS 36. Czyż, P. et al. (2023). The Mixtures and the Neural Critics. arXiv:2310.10240.
    """

    family = "beyond normal"
    citation = "Czyż et al. (2023), Beyond Normal, NeurIPS 36; benchmark-mi 0.1.3"

    def __init__(self, task: str = "1v1-normal-0.75") -> None:
        if not isinstance(task, str):
            raise ValueError(f"task must be a Beyond-Normal task id (a string), got {task!r}")
        self.task = task
        self.distribution = build_task(task)
        self.dim_x, self.dim_y = self.distribution.dim_x, self.distribution.dim_y
        self.heavy_tails = self.distribution.heavy_tails

    def _truth(self) -> Truth:
        try:
            return self.distribution.truth
        except NotImplementedError:  # a mixture: no closed form
            return monte_carlo_truth(self)

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        return self.distribution.sample(n, rng)

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return self.distribution.log_pmi(x, y)
