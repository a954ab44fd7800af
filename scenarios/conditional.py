r"""Conditional scenarios: the conditional MI I(X;Y|Z) known exactly.

.. math:: I(X;Y|Z) = \mathbb E\left[\ln \frac{p(x, y \mid z)}{p(x \mid z)\, p(y \mid z)}\right]
          = H(X,Z) + H(Y,Z) - H(X,Y,Z) - H(Z)

Linear-Gaussian structural models (a fork with a direct link, a chain X → Z → Y and a collider
X → Z ← Y) with the closed form from the covariance; discrete joint tables (noisy XOR, chains,
colliders, random tables) with the exact sum; class-conditional Gaussians given a discrete z; discrete
classes, binary channels and zero-inflated (mixed) responses given covariates.

References
----------
Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., §2.5 (conditional MI)
and §8.4 (Gaussian entropy). Pearl, J. (2009). Causality, 2nd ed., §1.2.3 (d-separation: chains and colliders).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mibench.plugin import Scenario, Truth, number, positive_int, probability, register_scenario

from .discrete import JointTable
from .mixed import GaussianClasses, ZeroInflatedGaussian

GAUSSIAN_CITATION = "Cover & Thomas (2006), §8.4; Pearl (2009), Causality, §1.2.3"
TABLE_CITATION = "Cover & Thomas (2006), eq. 2.60"


def gaussian_cmi(covariance: np.ndarray, dim_x: int, dim_y: int) -> float:
    r"""½ ln(det Σ_xz det Σ_yz / (det Σ_z det Σ_xyz)) for a covariance ordered (x, y, z)."""
    x = np.arange(dim_x)
    y = np.arange(dim_x, dim_x + dim_y)
    z = np.arange(dim_x + dim_y, covariance.shape[0])

    def log_det(index: np.ndarray) -> float:
        return float(np.linalg.slogdet(covariance[np.ix_(index, index)])[1])

    xz, yz = np.concatenate([x, z]), np.concatenate([y, z])
    return 0.5 * (log_det(xz) + log_det(yz) - log_det(z) - log_det(np.arange(covariance.shape[0])))


class LinearGaussian(Scenario):
    r"""Jointly Gaussian (X, Y, Z) from a linear structural model with unit-variance noise.

    Every variable is a block of coordinates; an edge U → V with coefficient c adds
    :math:`c\,M_{VU} U` to V, where :math:`M_{VU}` is the all-ones :math:`d_V \times d_U` matrix over
    :math:`\sqrt{d_U}`. With W = (X, Y, Z) and noise e ~ N(0, I), W = BW + e, so
    :math:`W = (I - B)^{-1} e` and :math:`\Sigma = (I-B)^{-1}(I-B)^{-\top}`; the truth is the closed form
    :func:`gaussian_cmi`.
    """

    family = "gaussian structural"
    citation = GAUSSIAN_CITATION
    quantity = "cmi"
    z_type = "continuous"

    def _set_structure(self, dim_x: int, dim_y: int, dim_z: int, edges: dict[tuple[str, str], float]) -> None:
        self.dim_x, self.dim_y, self.dim_z = (
            positive_int(d, name) for d, name in ((dim_x, "dim_x"), (dim_y, "dim_y"), (dim_z, "dim_z"))
        )
        starts = {"x": 0, "y": self.dim_x, "z": self.dim_x + self.dim_y}
        sizes = {"x": self.dim_x, "y": self.dim_y, "z": self.dim_z}
        total = sum(sizes.values())
        structure = np.zeros((total, total))
        for (source, target), coefficient in edges.items():
            rows = slice(starts[target], starts[target] + sizes[target])
            columns = slice(starts[source], starts[source] + sizes[source])
            structure[rows, columns] = number(coefficient, f"{source}→{target} coefficient") / np.sqrt(sizes[source])
        self.mixing = np.linalg.inv(np.eye(total) - structure)
        self.covariance = self.mixing @ self.mixing.T

    def _truth(self) -> Truth:
        return Truth(gaussian_cmi(self.covariance, self.dim_x, self.dim_y), "closed form")

    @property
    def unconditional_mi(self) -> float:
        """I(X; Y) without conditioning: ½ ln(det Σ_xx det Σ_yy / det Σ_xy)."""
        block = self.covariance[: self.dim_x + self.dim_y, : self.dim_x + self.dim_y]
        return gaussian_cmi(block, self.dim_x, self.dim_y)

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        joint = rng.standard_normal((n, self.covariance.shape[0])) @ self.mixing.T
        return np.split(joint, [self.dim_x, self.dim_x + self.dim_y], axis=1)


@register_scenario("gaussian_cmi")
class GaussianCMI(LinearGaussian):
    r"""A common cause with a direct link: Z → X (a), Z → Y (b), X → Y (c), any block dimensions.

    Z ~ N(0, I); X = a M Z + e_x; Y = b M Z + c M X + e_y. The truth is the Gaussian closed form
    from the covariance; c = 0 gives I(X;Y|Z) = 0 while I(X;Y) > 0 (confounding).

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., §8.4.
    """

    def __init__(
        self, dim_x: int = 1, dim_y: int = 1, dim_z: int = 1, a: float = 1.0, b: float = 1.0, c: float = 0.5
    ) -> None:
        self._set_structure(dim_x, dim_y, dim_z, {("z", "x"): a, ("z", "y"): b, ("x", "y"): c})
        self.c = number(c, "c")

    def _truth(self) -> Truth:
        if self.c == 0:  # Z separates X from Y: exactly 0, where the log-determinants leave ~1e-16
            return Truth(0.0, "closed form")
        return super()._truth()


@register_scenario("gaussian_chain")
class GaussianChain(LinearGaussian):
    r"""A Gaussian chain X → Z → Y: I(X;Y|Z) = 0 exactly while I(X;Y) > 0.

    X ~ N(0, I); Z = a M X + e_z; Y = b M Z + e_y. Z separates X from Y (d-separation), so the
    conditional MI is 0 (the closed form of the covariance agrees to rounding; tested).

    References
    ----------
    Pearl, J. (2009). Causality, 2nd ed., §1.2.3.
    """

    family = "gaussian chain"

    def __init__(self, dim_x: int = 1, dim_y: int = 1, dim_z: int = 1, a: float = 1.0, b: float = 1.0) -> None:
        self._set_structure(dim_x, dim_y, dim_z, {("x", "z"): a, ("z", "y"): b})

    def _truth(self) -> Truth:
        return Truth(0.0, "closed form")


@register_scenario("gaussian_collider")
class GaussianCollider(LinearGaussian):
    r"""A Gaussian collider X → Z ← Y: I(X;Y) = 0 while I(X;Y|Z) > 0 (explaining away).

    X, Y ~ N(0, I) independent; Z = a M X + b M Y + e_z. The truth is the closed form; for 1-D
    blocks it is :math:`\tfrac12\ln\frac{(1+a^2)(1+b^2)}{1+a^2+b^2}`.

    References
    ----------
    Pearl, J. (2009). Causality, 2nd ed., §1.2.3.
    """

    family = "gaussian collider"

    def __init__(self, dim_x: int = 1, dim_y: int = 1, dim_z: int = 1, a: float = 1.0, b: float = 1.0) -> None:
        self._set_structure(dim_x, dim_y, dim_z, {("x", "z"): a, ("y", "z"): b})


def binary_entropy(p: np.ndarray | float) -> np.ndarray | float:
    """h(p) = −p ln p − (1 − p) ln(1 − p) in nats; 0 at p = 0 and 1."""
    from scipy.special import xlogy

    return -xlogy(p, p) - xlogy(1 - p, 1 - p)


def normal_expectation(function: Callable[[float], float]) -> tuple[float, float]:
    """E f(X) for X ~ N(0, 1) by adaptive quadrature (scipy ``quad``) over the real line, and its error bound."""
    from scipy.integrate import quad

    return quad(
        lambda x: np.exp(-0.5 * x * x) / np.sqrt(2 * np.pi) * function(x),
        -np.inf,
        np.inf,
        epsabs=1e-13,
        epsrel=1e-12,
        limit=200,
    )


def table_cmi(table: np.ndarray) -> float:
    r"""Σ p(x,y,z) ln [p(x,y,z) p(z) / (p(x,z) p(y,z))] over the non-zero cells of a 3-D pmf."""
    pz = table.sum(axis=(0, 1), keepdims=True)
    pxz = table.sum(axis=1, keepdims=True)
    pyz = table.sum(axis=0, keepdims=True)
    nonzero = table > 0
    ratio = (table * pz) / (pxz * pyz)
    return float(np.sum(table[nonzero] * np.log(ratio[nonzero])))


class ConditionalTable(JointTable):
    """Discrete X, Y and Z drawn from a 3-D joint probability table; the exact sum :func:`table_cmi`."""

    citation = TABLE_CITATION
    quantity = "cmi"
    z_type = "discrete"
    dim_z = 1
    table_dims = 3

    def _truth(self) -> Truth:
        return Truth(table_cmi(self.table), "exact sum", 1e-12)

    @property
    def has_log_pmi(self) -> bool:
        return False


def _noisy_copy(k: int, noise: float) -> np.ndarray:
    """p(b | a): b = a with probability 1 − noise, else uniform over k values."""
    return (1 - noise) * np.eye(k) + noise / k


@register_scenario("noisy_xor")
class NoisyXOR(ConditionalTable):
    r"""X, Z ~ Bernoulli(½) independent, Y = X ⊕ Z ⊕ B with B ~ Bernoulli(p).

    I(X;Y) = 0 while :math:`I(X;Y|Z) = \ln 2 - h(p)`, h the binary entropy in nats: a purely
    synergistic dependence. Truth: the exact sum over the 2 × 2 × 2 table.

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., eq. 2.60.
    """

    family = "noisy xor"

    def __init__(self, p: float = 0.1) -> None:
        p = probability(p, "p")
        x, y, z = np.indices((2, 2, 2))
        self._set_table(np.where(y == x ^ z, 1 - p, p) / 4)


@register_scenario("discrete_chain")
class DiscreteChain(ConditionalTable):
    r"""A discrete chain X → Z → Y on k symbols: I(X;Y|Z) = 0 exactly while I(X;Y) > 0.

    X uniform; Z = X with probability 1 − noise, else uniform; Y = Z likewise.

    References
    ----------
    Pearl, J. (2009). Causality, 2nd ed., §1.2.3.
    """

    family = "discrete chain"

    def __init__(self, k: int = 4, noise: float = 0.3) -> None:
        k, noise = positive_int(k, "k", minimum=2), probability(noise, "noise")
        copy = _noisy_copy(k, noise)
        self._set_table(np.einsum("xz,zy->xyz", copy / k, copy))

    def _truth(self) -> Truth:
        return Truth(0.0, "closed form")


@register_scenario("discrete_collider")
class DiscreteCollider(ConditionalTable):
    r"""A discrete collider X → Z ← Y on k symbols: I(X;Y) = 0 while I(X;Y|Z) > 0.

    X, Y uniform and independent; Z = (X + Y) mod k with probability 1 − noise, else uniform.
    Truth: the exact sum over the k × k × k table.

    References
    ----------
    Pearl, J. (2009). Causality, 2nd ed., §1.2.3.
    """

    family = "discrete collider"

    def __init__(self, k: int = 3, noise: float = 0.2) -> None:
        k, noise = positive_int(k, "k", minimum=2), probability(noise, "noise")
        x, y, z = np.indices((k, k, k))
        self._set_table(np.where(z == (x + y) % k, 1 - noise, 0.0) / k**2 + noise / k**3)


@register_scenario("random_cmi_pmf")
class RandomCMIPMF(ConditionalTable):
    r"""A kx × ky × kz joint table drawn from a symmetric Dirichlet(``concentration``) with its own ``seed``.

    Truth: the exact sum over the table.

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., eq. 2.60.
    """

    def __init__(self, kx: int = 3, ky: int = 3, kz: int = 3, concentration: float = 0.5, seed: int = 0) -> None:
        shape = tuple(positive_int(k, name) for k, name in ((kx, "kx"), (ky, "ky"), (kz, "kz")))
        concentration = number(concentration, "concentration", 0, np.inf)
        seed = positive_int(seed, "seed", minimum=0)
        table = np.random.default_rng([seed, *shape]).dirichlet(np.full(int(np.prod(shape)), concentration))
        self._set_table(table.reshape(shape))


@register_scenario("gaussian_given_class")
class GaussianGivenClass(Scenario):
    r"""Continuous X and Y, correlated Gaussians given a discrete class Z (mixed types).

    Z uniform on {0, …, classes − 1}; given Z = c, (X, Y) is bivariate normal with means
    (shift·c, shift·c), unit variances and correlation :math:`\rho_c = \rho\,(c+1)/\text{classes}`, so

    .. math:: I(X;Y|Z) = -\frac{1}{2\,\text{classes}} \sum_c \ln(1 - \rho_c^2)

    (closed form), while I(X;Y) also carries the shared class means.

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., §2.5 and eq. 8.56.
    """

    family = "gaussian given class"
    citation = "Cover & Thomas (2006), §2.5, eq. 8.56"
    quantity = "cmi"
    z_type = "discrete"
    dim_z = 1

    def __init__(self, classes: int = 3, rho: float = 0.8, shift: float = 1.0) -> None:
        self.classes = positive_int(classes, "classes")
        rho = number(rho, "rho", -1.0, 1.0)
        self.shift = number(shift, "shift")
        self.correlations = rho * np.arange(1, self.classes + 1) / self.classes

    def _truth(self) -> Truth:
        return Truth(float(-0.5 * np.mean(np.log1p(-(self.correlations**2)))), "closed form")

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        z = rng.integers(0, self.classes, n)
        rho = self.correlations[z]
        u, v = rng.standard_normal((2, n))
        x = self.shift * z + u
        y = self.shift * z + rho * u + np.sqrt(1 - rho**2) * v
        return x, y, z


@register_scenario("classes_given_covariate")
class ClassesGivenCovariate(Scenario):
    r"""A discrete class X, a continuous response Y and a continuous covariate Z that also moves Y.

    X uniform on {0, …, k − 1} and Z ~ N(0, 1) independent of it; Y = separation·X + coupling·Z +
    sigma·ε with ε ~ N(0, 1). Given Z = z, Y is the class signal shifted by the constant coupling·z,
    which changes no MI, so

    .. math:: I(X;Y|Z) = I(X;\ \text{separation}\cdot X + \sigma\varepsilon)

    the MI of :class:`~mibench.scenarios.mixed.GaussianClasses` with these means and ``sigma``
    (quadrature), while without Z the covariate is noise: I(X;Y) is the same with
    :math:`\sqrt{\sigma^2 + \text{coupling}^2}` (``unconditional_mi``). Discrete x, continuous y and z.

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., §2.5 (conditional MI).
    Ross, B. C. (2014). Mutual information between discrete and continuous data sets. PLoS ONE 9, e87357.
    """

    family = "classes given covariate"
    citation = "Cover & Thomas (2006), §2.5; Ross (2014), PLoS ONE 9, e87357"
    quantity = "cmi"
    z_type = "continuous"
    dim_z = 1

    def __init__(self, k: int = 3, separation: float = 1.0, sigma: float = 1.0, coupling: float = 1.0) -> None:
        self.k = positive_int(k, "k", minimum=2)
        self.separation = number(separation, "separation")
        self.sigma = number(sigma, "sigma", 0.0, np.inf)
        self.coupling = number(coupling, "coupling")
        self.x_type, self.y_type = "discrete", "continuous"
        self._classes(self.sigma)  # refuses a sigma too small beside the class means

    def _classes(self, sigma: float) -> Scenario:
        return GaussianClasses(k=self.k, separation=self.separation, sigma=sigma)

    def _truth(self) -> Truth:
        return self._classes(self.sigma).truth

    @property
    def unconditional_mi(self) -> float:
        """I(X; Y) without Z, which then only adds noise of variance coupling²."""
        return self._classes(float(np.hypot(self.sigma, self.coupling))).mi

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        x = rng.integers(0, self.k, n)
        z = rng.standard_normal(n)
        return x, self.separation * x + self.coupling * z + self.sigma * rng.standard_normal(n), z


@register_scenario("atoms_given_covariate")
class AtomsGivenCovariate(Scenario):
    r"""A zero-inflated response Y of a continuous X, both moved by a covariate Z.

    (U, V) standard bivariate normal with correlation ``rho``; D ~ Bernoulli(1 − q); Z ~ N(0, 1),
    or 0 with probability ``z_atom`` (then z is mixed too); all independent. X = U + coupling·Z and
    Y = D·(V + coupling·Z): a point mass at 0 with probability q and a density (mixed y). Given Z = z,
    X and Y's continuous part are shifted by constants, which changes no MI, and Y ≠ 0 exactly when D = 1,
    so I(X;Y|Z) = I(U; D·V), :class:`~mibench.scenarios.mixed.ZeroInflatedGaussian`'s MI:

    .. math:: I(X;Y|Z) = (1 - q)\left(-\tfrac12 \ln(1 - \rho^2)\right)

    Without Z the shared shift is dependence of its own: for a Gaussian Z (``z_atom`` = 0), (U + cZ,
    V + cZ) has correlation r = (ρ + c²)/(1 + c²) and I(X;Y) = (1 − q)(−½ ln(1 − r²)) (``unconditional_mi``).
    Continuous x, mixed y, continuous z (mixed with ``z_atom`` > 0).

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., §2.5 (conditional MI).
    Gao, W., Kannan, S., Oh, S., Viswanath, P. (2017). Estimating mutual information for
    discrete–continuous mixtures. NeurIPS 30 (point-mass mixtures).
    """

    family = "atoms given covariate"
    citation = "Cover & Thomas (2006), §2.5; Gao, Kannan, Oh, Viswanath (2017), NeurIPS 30"
    quantity = "cmi"
    dim_z = 1

    def __init__(self, rho: float = 0.8, q: float = 0.3, coupling: float = 1.0, z_atom: float = 0.0) -> None:
        self._pair = ZeroInflatedGaussian(rho=rho, q=q)
        self.rho, self.q = self._pair.rho, self._pair.q
        self.coupling = number(coupling, "coupling")
        self.z_atom = number(z_atom, "z_atom", 0.0, 1.0, inclusive=True)
        if self.z_atom == 1:
            raise ValueError("z_atom must be below 1 (at z_atom = 1, Z is constant)")
        self.x_type, self.y_type = "continuous", "mixed"
        self.z_type = "mixed" if self.z_atom > 0 else "continuous"

    def _truth(self) -> Truth:
        return self._pair.truth

    @property
    def unconditional_mi(self) -> float:
        """I(X; Y) without Z, for a Gaussian Z (z_atom = 0): the zero-inflated MI at correlation (ρ + c²)/(1 + c²)."""
        if self.z_atom:
            raise ValueError("I(X;Y) has a closed form only for a Gaussian Z (z_atom = 0)")
        square = self.coupling**2
        return ZeroInflatedGaussian(rho=(self.rho + square) / (1 + square), q=self.q).mi

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        u, v = self._pair.sample(n, rng)
        z = np.where(rng.random(n) < self.z_atom, 0.0, rng.standard_normal(n))
        shift = self.coupling * z
        return u[:, 0] + shift, np.where(v[:, 0] == 0, 0.0, v[:, 0] + shift), z


@register_scenario("classes_given_condition")
class ClassesGivenCondition(Scenario):
    r"""A discrete class X whose frequencies depend on a discrete condition Z, and a continuous response Y.

    Z uniform on {0, …, m − 1}; given Z = c, X takes class c mod k with probability
    dependence + (1 − dependence)/k and each other class with (1 − dependence)/k; Y = separation·X +
    shift·Z + sigma·ε with ε ~ N(0, 1). Given Z = c, Y is a Gaussian mixture over the classes with
    weights p(x | c), shifted by shift·c, so

    .. math:: I(X;Y|Z) = \frac1m \sum_c I_c,\qquad I_c = h(f_c) - \tfrac12\ln(2\pi e\sigma^2),\quad
              f_c(y) = \sum_j p(j \mid c)\,N(y;\ \text{separation}\cdot j, \sigma^2)

    each :math:`I_c` the MI of :class:`~mibench.scenarios.mixed.GaussianClasses` with those weights
    (quadrature). Z moves both X and Y, so I(X;Y) is not I(X;Y|Z). Discrete x and z, continuous y.

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., §2.5 (conditional MI).
    Ross, B. C. (2014). Mutual information between discrete and continuous data sets. PLoS ONE 9, e87357.
    """

    family = "classes given condition"
    citation = "Cover & Thomas (2006), §2.5; Ross (2014), PLoS ONE 9, e87357"
    quantity = "cmi"
    z_type = "discrete"
    dim_z = 1

    def __init__(
        self,
        k: int = 3,
        m: int = 2,
        dependence: float = 0.6,
        separation: float = 1.0,
        sigma: float = 1.0,
        shift: float = 2.0,
    ) -> None:
        self.k, self.m = positive_int(k, "k", minimum=2), positive_int(m, "m", minimum=2)
        self.dependence = number(dependence, "dependence", 0.0, 1.0, inclusive=True)
        self.separation, self.shift = number(separation, "separation"), number(shift, "shift")
        self.sigma = number(sigma, "sigma", 0.0, np.inf)
        self.x_type, self.y_type = "discrete", "continuous"
        self.class_probs = np.full((self.m, self.k), (1 - self.dependence) / self.k)  # p(x | z), a row per z
        self.class_probs[np.arange(self.m), np.arange(self.m) % self.k] += self.dependence
        self._classes(0)  # refuses a sigma too small beside the class means

    def _classes(self, condition: int) -> Scenario:
        probs = tuple(float(p) for p in self.class_probs[condition])
        return GaussianClasses(k=self.k, separation=self.separation, sigma=self.sigma, probs=probs)

    def _truth(self) -> Truth:
        truths = [self._classes(condition).truth for condition in range(self.m)]
        return Truth(float(np.mean([t.value for t in truths])), "quadrature", float(np.mean([t.error for t in truths])))

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        z = rng.integers(0, self.m, n)
        x = (rng.random(n)[:, None] > np.cumsum(self.class_probs[z], axis=1)[:, :-1]).sum(axis=1)
        return x, self.separation * x + self.shift * z + self.sigma * rng.standard_normal(n), z


@register_scenario("channel_given_covariate")
class ChannelGivenCovariate(Scenario):
    r"""A binary X whose odds follow a continuous covariate Z, sent through a binary symmetric channel to Y.

    Z ~ N(0, 1); X | Z = z ~ Bernoulli(σ(slope·z)) with σ the logistic function; Y = X flipped with
    probability ``error``, whatever Z. Given Z = z, Y is Bernoulli(q(z)) with
    q(z) = error + (1 − 2·error)·σ(slope·z), and Y | X has entropy h(error) (h the binary entropy in nats), so

    .. math:: I(X;Y|Z) = \int \varphi(z)\,\bigl[h(q(z)) - h(\text{error})\bigr]\,dz

    by adaptive quadrature (scipy ``quad``). Discrete x and y, continuous z.

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., §2.5 (conditional MI)
    and §7.1.4 (the binary symmetric channel).
    """

    family = "channel given covariate"
    citation = "Cover & Thomas (2006), §2.5 and §7.1.4"
    quantity = "cmi"
    z_type = "continuous"
    dim_z = 1

    def __init__(self, slope: float = 2.0, error: float = 0.1) -> None:
        self.slope = number(slope, "slope")
        self.error = probability(error, "error")
        self.x_type = self.y_type = "discrete"

    def _truth(self) -> Truth:
        from scipy.special import expit

        if self.error == 0.5:  # Y is noise: exactly 0, where quad leaves ~1e-17
            return Truth(0.0, "closed form")

        def gain(z: float) -> float:  # h(q(z)) − h(error)
            q = self.error + (1 - 2 * self.error) * float(expit(self.slope * z))
            return float(binary_entropy(q) - binary_entropy(self.error))

        value, error = normal_expectation(gain)
        return Truth(max(value, 0.0), "quadrature", max(error, 1e-14))

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        from scipy.special import expit

        z = rng.standard_normal(n)
        x = (rng.random(n) < expit(self.slope * z)).astype(np.int64)
        return x, x ^ (rng.random(n) < self.error), z
