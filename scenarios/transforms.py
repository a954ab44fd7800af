r"""MI-preserving transforms of scenarios: invertible maps of continuous ones, x and y exchanged
(``swapped``), and independent noise coordinates mixed into a continuous variable (``noise_dims``).

If f and g are injective, measurable and have measurable inverses (here: strictly increasing maps
applied coordinate-wise, or norm-preserving rotations), then I(f(X); g(Y)) = I(X; Y), so a
transformed scenario keeps its base scenario's truth. With a conditional base, z is mapped too:
I(f(X); g(Y) | h(Z)) = I(X; Y | Z) for any such f, g and h (Cover & Thomas 2006, §2.8), so the
conditional MI is preserved as well. The pointwise MI is invariant too (the
Jacobians cancel), so ``log_pmi`` maps samples back to the base space and evaluates it there.
Most estimators are *not* invariant — that is the point of these scenarios.

References
----------
Kraskov, A., Stögbauer, H., Grassberger, P. (2004). Estimating mutual information. Phys. Rev. E 69, 066138
(invariance under reparametrisation); Czyż, P. et al. (2023). Beyond Normal. NeurIPS 36 (the transforms).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri

from mibench.plugin import Scenario, Truth, flag, get_scenario, number, positive_int, register_scenario, stable_seed

CITATION = "Czyż et al. (2023), Beyond Normal, NeurIPS 36; invariance: Kraskov et al. (2004), PRE 69, 066138"


def half_cube(values: np.ndarray) -> np.ndarray:
    """x ↦ x|x|^{1/2}."""
    return values * np.sqrt(np.abs(values))


def half_cube_inverse(values: np.ndarray) -> np.ndarray:
    return np.sign(values) * np.abs(values) ** (2 / 3)


class Transformed(Scenario):
    """A continuous base scenario with the same invertible map applied to x and to y."""

    family = "transformed"
    citation = CITATION

    def __init__(self, base: str = "gaussian(rho=0.8)") -> None:
        if not isinstance(base, str):
            raise ValueError(f"base must be a scenario spec string, got {base!r}")
        self.base = get_scenario(base)
        if self.base.x_type != "continuous" or self.base.y_type != "continuous":
            raise ValueError(
                f"base must be a continuous scenario; {self.base.spec} is {self.base.x_type}-{self.base.y_type}"
            )
        if self.base.conditional and self.base.z_type != "continuous":
            raise ValueError(f"base must have a continuous z; {self.base.spec} has a {self.base.z_type} z")
        self.dim_x, self.dim_y = self.base.dim_x, self.base.dim_y
        self.quantity, self.z_type, self.dim_z = self.base.quantity, self.base.z_type, self.base.dim_z
        self.heavy_tails = self.base.heavy_tails

    def canonical_params(self, params: dict[str, Any]) -> dict[str, Any]:
        params["base"] = self.base.spec
        return params

    @property
    def tags(self) -> dict[str, str]:
        return {**self.base.tags, "family": f"transformed {self.base.tags['family']}", "transform": self.name}

    def forward(self, values: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def inverse(self, values: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _truth(self) -> Truth:
        return self.base.truth

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
        return tuple(self.forward(values) for values in self.base.sample(n, rng))

    @property
    def has_log_pmi(self) -> bool:
        return self.base.has_log_pmi

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return self.base.log_pmi(self.inverse(x), self.inverse(y))


@register_scenario("normal_cdf")
class NormalCDF(Transformed):
    r"""The base scenario with Φ (the standard normal CDF) applied to every coordinate: uniform-scale margins.

    :math:`x \mapsto \Phi(x) = \tfrac12(1 + \operatorname{erf}(x/\sqrt2))`, onto (0, 1). MI unchanged.
    For a Gaussian base with unit variances this is the Gaussian copula on the unit cube.
    """

    forward, inverse = staticmethod(ndtr), staticmethod(ndtri)


@register_scenario("half_cube")
class HalfCube(Transformed):
    r"""The base scenario with :math:`x \mapsto x|x|^{1/2}` applied to every coordinate. MI unchanged."""

    forward, inverse = staticmethod(half_cube), staticmethod(half_cube_inverse)


@register_scenario("asinh")
class Asinh(Transformed):
    r"""The base scenario with :math:`x \mapsto \operatorname{asinh}(x) = \ln(x + \sqrt{1+x^2})` per coordinate.

    Compresses heavy tails (a Student-t base becomes light-tailed). MI unchanged.
    """

    forward, inverse = staticmethod(np.arcsinh), staticmethod(np.sinh)


@register_scenario("power")
class Power(Transformed):
    r"""The base scenario with :math:`x \mapsto \operatorname{sign}(x)|x|^p` per coordinate (p > 0). MI unchanged."""

    def __init__(self, base: str = "gaussian(rho=0.8)", exponent: float = 3.0) -> None:
        super().__init__(base)
        self.exponent = number(exponent, "exponent", 0, np.inf)

    def forward(self, values: np.ndarray) -> np.ndarray:
        return np.sign(values) * np.abs(values) ** self.exponent

    def inverse(self, values: np.ndarray) -> np.ndarray:
        return np.sign(values) * np.abs(values) ** (1 / self.exponent)


WIGGLES = ((0.3, 1.0, 0.0), (0.15, 2.0, 1.0), (0.05, 5.0, 2.0))  # amplitude, frequency, phase


@register_scenario("wiggly")
class Wiggly(Transformed):
    r"""The base scenario with a wiggly increasing map per coordinate. MI unchanged.

    .. math:: w(x) = x + 0.3\sin x + 0.15\sin(2x+1) + 0.05\sin(5x+2)

    :math:`w'(x) \ge 1 - 0.3 - 0.3 - 0.25 = 0.15 > 0`, so w is strictly increasing; its
    inverse is computed by safeguarded Newton iterations.
    """

    def forward(self, values: np.ndarray) -> np.ndarray:
        return values + sum(a * np.sin(f * values + p) for a, f, p in WIGGLES)

    def inverse(self, values: np.ndarray) -> np.ndarray:
        # w(x) - x is bounded by 0.5 in absolute value, so the root lies in [y - 0.5, y + 0.5].
        low, high = values - 0.5, values + 0.5
        x = values.copy()
        for _ in range(100):
            residual = self.forward(x) - values
            low = np.where(residual < 0, x, low)
            high = np.where(residual > 0, x, high)
            slope = 1 + sum(a * f * np.cos(f * x + p) for a, f, p in WIGGLES)
            step = x - residual / slope
            x = np.where((step > low) & (step < high), step, 0.5 * (low + high))
            if np.max(np.abs(residual)) < 1e-13:
                break
        return x


@register_scenario("spiral")
class Spiral(Transformed):
    r"""The base scenario with a spiral (the flow of an so(n) generator) applied to x and to y.

    :math:`x \mapsto \exp(s\,\|x\|^2 A)\,x`, where A rotates the coordinate planes (0,1), (2,3), …
    Rotations keep the norm, so the inverse rotates back by :math:`-s\|x\|^2`. MI unchanged.
    Needs at least 2 dimensions per variable.
    """

    def __init__(self, base: str = "gaussian(rho=0.8, dim=2)", speed: float = 0.5) -> None:
        super().__init__(base)
        if min(self.dim_x, self.dim_y) < 2:
            raise ValueError(
                "spiral needs a base scenario with dim_x, dim_y >= 2 (a rotation of a 1-D variable is trivial)"
            )
        self.speed = number(speed, "speed", -np.inf, np.inf)

    def _rotate(self, values: np.ndarray, sign: float) -> np.ndarray:
        angle = sign * self.speed * np.sum(values**2, axis=1)
        cos, sin = np.cos(angle), np.sin(angle)
        out = values.copy()
        for i in range(0, values.shape[1] - 1, 2):
            a, b = values[:, i], values[:, i + 1]
            out[:, i], out[:, i + 1] = cos * a - sin * b, sin * a + cos * b
        return out

    def forward(self, values: np.ndarray) -> np.ndarray:
        return self._rotate(values, 1.0)

    def inverse(self, values: np.ndarray) -> np.ndarray:
        return self._rotate(values, -1.0)


@register_scenario("affine")
class Affine(Transformed):
    r"""The base scenario with :math:`x \mapsto (x + \text{offset})\cdot\text{scale}` per coordinate.

    The defaults (offset 1e9, scale 1e-6) give values near 1000 that vary by about 1e-6: an
    estimator that uses absolute tolerances or computes variances by the naive formula breaks.
    In float64 the offset rounds x to multiples of 2^-23 ≈ 1.2e-7 before scaling, so the data
    are the base samples to about 1e-7 absolute; the MI of so fine a quantisation differs from
    the base truth by far less than any estimator's error. MI unchanged otherwise.
    """

    def __init__(self, base: str = "gaussian(rho=0.8)", offset: float = 1e9, scale: float = 1e-6) -> None:
        super().__init__(base)
        self.offset = number(offset, "offset")
        self.scale = number(scale, "scale", 0, np.inf)

    def forward(self, values: np.ndarray) -> np.ndarray:
        return (values + self.offset) * self.scale

    def inverse(self, values: np.ndarray) -> np.ndarray:
        return values / self.scale - self.offset


@register_scenario("swapped")
class Swapped(Scenario):
    r"""The base scenario with x and y exchanged: I(Y; X) = I(X; Y) (and I(Y; X | Z) = I(X; Y | Z)), for any types.

    Gives every (x_type, y_type) pair its mirror image, e.g. continuous × discrete from
    discrete × continuous; the pointwise MI is the base's with its arguments exchanged.

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., §2.4 (symmetry of I).
    """

    family = "swapped"
    citation = "Cover & Thomas (2006), §2.4"

    def __init__(self, base: str = "gaussian_classes") -> None:
        if not isinstance(base, str):
            raise ValueError(f"base must be a scenario spec string, got {base!r}")
        self.base = get_scenario(base)
        self.x_type, self.y_type = self.base.y_type, self.base.x_type
        self.dim_x, self.dim_y = self.base.dim_y, self.base.dim_x
        self.quantity, self.z_type, self.dim_z = self.base.quantity, self.base.z_type, self.base.dim_z
        self.heavy_tails = self.base.heavy_tails

    def canonical_params(self, params: dict[str, Any]) -> dict[str, Any]:
        params["base"] = self.base.spec
        return params

    def _truth(self) -> Truth:
        return self.base.truth

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
        x, y, *z = self.base.sample(n, rng)
        return (y, x, *z)

    @property
    def has_log_pmi(self) -> bool:
        return self.base.has_log_pmi

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return self.base.log_pmi(y, x)


#: The largest variable ``noise_dims`` rotates: a 2,000 × 2,000 rotation takes 32 MB and a second to draw.
MAX_ROTATED_DIM = 2000


def haar_rotation(dim: int) -> np.ndarray:
    """A fixed ``dim`` × ``dim`` orthogonal matrix, drawn once from the Haar measure (seeded by ``dim``).

    The QR factor of a standard Gaussian matrix with the signs of R's diagonal moved into Q
    (Mezzadri 2007, Notices of the AMS 54, 592). Its last bits come from LAPACK, so on another CPU
    the samples may differ by rounding, as the multivariate Gaussians' (a BLAS product) do.
    """
    rng = np.random.default_rng(stable_seed("noise_dims rotation", dim))
    q, r = np.linalg.qr(rng.standard_normal((dim, dim)))
    return q * np.sign(np.diag(r))


@register_scenario("noise_dims")
class NoiseDims(Scenario):
    r"""The base scenario with independent standard normal coordinates appended to a continuous x or y, then rotated.

    A variable V with ``extra`` > 0 becomes :math:`Q\,(V, \varepsilon)`, where ε ~ N(0, I_extra)
    is independent of everything else and Q is a fixed Haar-random rotation of dimension
    dim_V + extra (with ``rotate=False``, Q = I: the noise columns sit beside V's). The
    features that carry the information are then spread over every coordinate, as in a
    measurement with irrelevant channels mixed in. For any base,

    .. math:: I(Q_x(X, \varepsilon); Q_y(Y, \eta) \mid Z) = I((X, \varepsilon); (Y, \eta) \mid Z)
              = I(X; Y \mid Z),

    the first because the maps are invertible, the second by the chain rule, ε and η being
    independent of each other and of (X, Y, Z); z, if any, is left as it is. The pointwise MI is
    the base's at the first dim_V coordinates of :math:`Q^\top v` (the density of ε cancels).

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., §2.5 (chain rule)
    and §2.8 (invariance under invertible maps); Mezzadri, F. (2007). How to generate random
    matrices from the classical compact groups. Notices of the AMS 54, 592 (the rotation).
    """

    family = "noise dims"
    citation = "Cover & Thomas (2006), §2.5 and §2.8"

    def __init__(
        self,
        base: str = "gaussian_classes(k=3, separation=1.0, sigma=1.0)",
        extra_x: int = 0,
        extra_y: int = 4,
        rotate: bool = True,
    ) -> None:
        if not isinstance(base, str):
            raise ValueError(f"base must be a scenario spec string, got {base!r}")
        self.base = get_scenario(base)
        self.extra = {"x": positive_int(extra_x, "extra_x", 0), "y": positive_int(extra_y, "extra_y", 0)}
        types = {"x": self.base.x_type, "y": self.base.y_type}
        for side, extra in self.extra.items():
            if extra and types[side] != "continuous":
                raise ValueError(
                    f"noise coordinates go on a continuous variable; {self.base.spec}'s {side} is {types[side]}, "
                    f"so extra_{side} must be 0"
                )
        if not any(self.extra.values()):
            raise ValueError("extra_x and extra_y are both 0: give at least one variable noise coordinates")
        self.x_type, self.y_type = self.base.x_type, self.base.y_type
        self.dim_x, self.dim_y = self.base.dim_x + self.extra["x"], self.base.dim_y + self.extra["y"]
        self.quantity, self.z_type, self.dim_z = self.base.quantity, self.base.z_type, self.base.dim_z
        self.heavy_tails = self.base.heavy_tails
        dims = {"x": self.dim_x, "y": self.dim_y}
        rotate = flag(rotate, "rotate")
        if rotate and max(dims.values()) > MAX_ROTATED_DIM:
            raise ValueError(
                f"noise_dims rotates at most {MAX_ROTATED_DIM:,} coordinates per variable (a dense matrix of that size), "
                f"got dim_x = {self.dim_x:,} and dim_y = {self.dim_y:,}: give fewer extra coordinates or rotate=False"
            )
        self.rotations = {side: haar_rotation(dims[side]) if rotate and self.extra[side] else None for side in "xy"}

    def canonical_params(self, params: dict[str, Any]) -> dict[str, Any]:
        params["base"] = self.base.spec
        return params

    @property
    def tags(self) -> dict[str, str]:
        return {**self.base.tags, **super().tags, "family": f"{self.base.tags['family']} with noise dims"}

    def _truth(self) -> Truth:
        return self.base.truth

    def _padded(self, side: str, values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        if not self.extra[side]:
            return values
        padded = np.hstack([values, rng.standard_normal((len(values), self.extra[side]))])
        rotation = self.rotations[side]
        return padded if rotation is None else padded @ rotation.T

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
        x, y, *z = self.base.sample(n, rng)
        return (self._padded("x", x, rng), self._padded("y", y, rng), *z)

    def _unpadded(self, side: str, values: np.ndarray) -> np.ndarray:
        if not self.extra[side]:
            return values
        rotation = self.rotations[side]
        restored = values if rotation is None else np.asarray(values, dtype=float) @ rotation
        return restored[:, : -self.extra[side]]

    @property
    def has_log_pmi(self) -> bool:
        return self.base.has_log_pmi

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return self.base.log_pmi(self._unpadded("x", x), self._unpadded("y", y))
