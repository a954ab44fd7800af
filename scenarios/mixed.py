"""Mixed scenarios: a discrete variable with a continuous one."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

import numpy as np

from mibench.plugin import Scenario, Truth, flag, number, positive_int, register_scenario


@register_scenario("uniform_shift")
class UniformShift(Scenario):
    r"""X uniform on {0, …, m−1}; Y = X + U with U ~ Uniform[0, 2] (discrete x, continuous y).

    Y has density 1/(2m) on [0, 1) ∪ [m, m+1] and 1/m on [1, m), so

    .. math:: I = \ln m - \frac{m-1}{m}\ln 2

    References
    ----------
    Gao, W., Kannan, S., Oh, S., Viswanath, P. (2017). Estimating mutual information
    for discrete–continuous mixtures. NeurIPS 30.
    """

    family = "discrete-continuous"
    citation = "Gao, Kannan, Oh, Viswanath (2017), NeurIPS 30"

    def __init__(self, m: int = 4) -> None:
        self.m = positive_int(m, "m")
        self.x_type, self.y_type = "discrete", "continuous"

    def _truth(self) -> Truth:
        return Truth(np.log(self.m) - (self.m - 1) / self.m * np.log(2), "closed form")

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x = rng.integers(0, self.m, n)
        return x, x + rng.uniform(0, 2, n)

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        # p(y|x) = 1/2 on [x, x+2]; p(y) = (number of symbols s with s <= y <= s+2) / (2m)
        y = y[:, 0]
        covering = np.minimum(np.floor(y), self.m - 1) - np.maximum(np.ceil(y - 2), 0) + 1
        return np.log(self.m / covering)


def _normal_logpdf(y: np.ndarray, mean: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    return -0.5 * ((y - mean) / sigma) ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)


#: The narrowest class, relative to max(1, |mean|), whose values float64 resolves well enough for the truth's
#: quadrature: errors about 1e-10 nats there.
MIN_RELATIVE_SIGMA = 1e-6
#: Where the entropy integral is split around a narrow component, in multiples of its sigma from its mean.
NARROW_SPLITS = np.array([-14, -8, -4, -2, -1, 1, 2, 4, 8, 14])


@register_scenario("gaussian_classes")
class GaussianClasses(Scenario):
    r"""Discrete class X with P(X = j) = p_j; continuous Y | X = j ~ N(μ_j, σ_j²).

    By default k equiprobable classes with μ_j = j·``separation`` and σ_j = ``sigma``; ``means``,
    ``sigmas`` and ``probs`` override. With the mixture density f(y) = Σ p_j N(y; μ_j, σ_j²),

    .. math:: I = h(Y) - \sum_j p_j \tfrac12\ln(2\pi e\sigma_j^2),\qquad h(Y) = -\int f\ln f\,dy

    where h(Y) is computed by adaptive quadrature (scipy ``quad``) to an absolute error of 1e-10.

    References
    ----------
    Ross, B. C. (2014). Mutual information between discrete and continuous data sets. PLoS ONE 9, e87357.
    """

    family = "discrete-continuous"
    citation = "Ross (2014), PLoS ONE 9, e87357"

    def __init__(
        self,
        k: int = 3,
        separation: float = 1.0,
        sigma: float = 1.0,
        means: tuple | None = None,
        sigmas: tuple | None = None,
        probs: tuple | None = None,
    ) -> None:
        k = positive_int(k, "k") if means is None else len(means)
        self.means = np.asarray(means if means is not None else np.arange(k) * separation, dtype=float)
        self.sigmas = np.asarray(sigmas if sigmas is not None else np.full(k, sigma), dtype=float)
        self.probs = np.asarray(probs if probs is not None else np.full(k, 1 / k), dtype=float)
        if not (len(self.means) == len(self.sigmas) == len(self.probs) == k):
            raise ValueError(f"means, sigmas and probs must all have k={k} entries")
        if (self.sigmas <= 0).any() or (self.probs < 0).any() or not np.isclose(self.probs.sum(), 1):
            raise ValueError("sigmas must be positive and probs a probability vector")
        unresolved = self.sigmas < MIN_RELATIVE_SIGMA * np.maximum(1.0, np.abs(self.means))
        if unresolved.any():
            raise ValueError(
                f"sigma {self.sigmas[unresolved][0]:g} is too small to represent: that class's values round to its "
                f"mean in float64 (to 1 part in {1 / MIN_RELATIVE_SIGMA:.0e} and more); use sigmas >= "
                f"{MIN_RELATIVE_SIGMA:g} × max(1, |mean|)"
            )
        number(separation, "separation", -np.inf, np.inf)
        self.x_type, self.y_type = "discrete", "continuous"

    def _log_mixture(self, y: np.ndarray) -> np.ndarray:
        from scipy.special import logsumexp

        return logsumexp(_normal_logpdf(y[..., None], self.means, self.sigmas) + np.log(self.probs), axis=-1)

    def _quadrature_points(self, low: float) -> np.ndarray:
        """Where an integral over y from ``low`` up to 14 sigmas above the highest mean is split: at the
        component means so quad sees every peak, and around a narrow component at multiples of its width
        (with sigmas 1e-6 and means (0, 1) quad missed the peaks and gave 6.5 nats, above H(X) = ln 2)."""
        high = float(np.max(self.means + 14 * self.sigmas))
        narrow = self.sigmas < (high - float(np.min(self.means - 14 * self.sigmas))) / 1000
        around = (self.means[narrow, None] + self.sigmas[narrow, None] * NARROW_SPLITS).ravel()
        return np.unique(np.clip(np.concatenate([[low], self.means, around, [high]]), low, high))

    def _truth(self) -> Truth:
        from scipy.integrate import quad

        if np.all(self.means == self.means[0]) and np.all(self.sigmas == self.sigmas[0]):
            return Truth(0.0, "closed form")  # Y's law is the same in every class: exactly 0, quad leaves ~1e-16
        entropy, error = 0.0, 0.0
        points = self._quadrature_points(float(np.min(self.means - 14 * self.sigmas)))
        for a, b in zip(points[:-1], points[1:]):

            def integrand(y: float) -> float:
                log_f = float(self._log_mixture(np.array(y)))
                return -np.exp(log_f) * log_f

            value, err = quad(integrand, a, b, epsabs=1e-12, epsrel=1e-12, limit=500)
            entropy, error = entropy + value, error + err
        conditional = float(np.sum(self.probs * 0.5 * np.log(2 * np.pi * np.e * self.sigmas**2)))
        # the density's rounding near a narrow peak, which quad's own estimate leaves out (measured: 0.3-0.9 of this)
        rounding = 4 * np.finfo(float).eps * float(np.max(np.maximum(1.0, np.abs(self.means)) / self.sigmas))
        return Truth(entropy - conditional, "quadrature", max(error + rounding, 1e-14))

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x = np.searchsorted(np.cumsum(self.probs)[:-1], rng.random(n), side="right")
        return x, self.means[x] + self.sigmas[x] * rng.standard_normal(n)

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        j = x[:, 0].astype(int)
        return _normal_logpdf(y[:, 0], self.means[j], self.sigmas[j]) - self._log_mixture(y[:, 0])


@register_scenario("censored_classes")
class CensoredClasses(GaussianClasses):
    r"""``gaussian_classes`` with Y censored below a detection limit c: Y = max(Y*, c) (discrete x, mixed y).

    How often Y sits on its atom at c depends on the class (in ``class_atoms`` it does not). With
    :math:`A_j = \Phi((c-\mu_j)/\sigma_j)` the atom's probability in class j, :math:`A = \sum_j p_j A_j`,
    :math:`f_j` the class densities and :math:`f = \sum_j p_j f_j`,

    .. math:: I = \sum_j p_j A_j\ln\frac{A_j}{A} + \int_c^\infty \sum_j p_j f_j(y)\ln\frac{f_j(y)}{f(y)}\,dy,

    the second term by adaptive quadrature (scipy ``quad``); as c → −∞ it is ``gaussian_classes``'s MI.

    References
    ----------
    Tobin, J. (1958). Estimation of relationships for limited dependent variables. Econometrica
    26, 24–36 (censoring); Ross, B. C. (2014). PLoS ONE 9, e87357 (the classes); truth derived for mibench.
    """

    family = "censored"
    citation = "Tobin (1958), Econometrica 26, 24; Ross (2014), PLoS ONE 9, e87357"

    def __init__(
        self,
        k: int = 3,
        separation: float = 1.0,
        sigma: float = 1.0,
        means: tuple | None = None,
        sigmas: tuple | None = None,
        probs: tuple | None = None,
        threshold: float = 0.5,
    ) -> None:
        super().__init__(k, separation, sigma, means, sigmas, probs)
        self.threshold = number(threshold, "threshold")
        self.y_type = "mixed"

    def _log_atoms(self) -> tuple[np.ndarray, float]:
        """ln A_j per class and ln A."""
        from scipy.special import log_ndtr, logsumexp

        log_atoms = log_ndtr((self.threshold - self.means) / self.sigmas)
        return log_atoms, float(logsumexp(log_atoms + np.log(self.probs)))

    def _truth(self) -> Truth:
        from scipy.integrate import quad

        log_atoms, log_atom = self._log_atoms()
        value = float(np.sum(self.probs * np.exp(log_atoms) * (log_atoms - log_atom)))
        error = 0.0

        def integrand(y: float) -> float:
            log_classes = _normal_logpdf(y, self.means, self.sigmas)
            return float(np.sum(self.probs * np.exp(log_classes) * (log_classes - self._log_mixture(np.array(y)))))

        points = self._quadrature_points(self.threshold)
        for a, b in zip(points[:-1], points[1:]):
            part, err = quad(integrand, a, b, epsabs=1e-12, epsrel=1e-12, limit=500)
            value, error = value + part, error + err
        return Truth(value, "quadrature", max(error, 1e-14))

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x, y = super()._sample(n, rng)
        return x, np.maximum(y, self.threshold)

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        log_atoms, log_atom = self._log_atoms()
        j = x[:, 0].astype(int)
        return np.where(y[:, 0] == self.threshold, log_atoms[j] - log_atom, super().log_pmi(x, y))


#: I_0 = 2 ln 2 − γ_E − Σ_{i≥1} 2^{-i} ln i, the MI at p = 0.
def _zip_base_mi() -> float:
    i = np.arange(1, 200, dtype=np.float64)
    return float(2 * np.log(2) - 0.57721566490153286061 - np.sum(np.log(i) / 2**i))


@register_scenario("zero_inflated_poisson")
class ZeroInflatedPoisson(Scenario):
    r"""Zero-inflated Poissonization: X ~ Exp(1); Y = 0 w.p. p, else Y | X ~ Poisson(X).

    Continuous x, discrete y. Without inflation Y is geometric, P(Y=k) = 2^{-(k+1)}, and
    :math:`I_0 = 2\ln2 - \gamma_E - \sum_{i\ge1}2^{-i}\ln i \approx 0.3012`. For p > 0 the exact
    value is

    .. math::

        I(p) = (1-p)(I_0 - \tfrac12\ln2 + \tfrac14) - \tfrac{1+p}{4} - \tfrac{1+p}{2}\ln\tfrac{1+p}{2}
        - \frac{p^2\ln p}{2(1-p)}

    The widely quoted (1−p)·I_0 is exact only at p = 0 (inflated zeros are not distinguishable
    from Poisson zeros).

    References
    ----------
    Gao, W., Kannan, S., Oh, S., Viswanath, P. (2017). Estimating mutual information for
    discrete–continuous mixtures. NeurIPS 30 (the scenario; exact p > 0 form derived for mibench).
    """

    family = "discrete-continuous"
    citation = "Gao, Kannan, Oh, Viswanath (2017), NeurIPS 30"

    def __init__(self, p: float = 0.15) -> None:
        self.p = number(p, "p", 0.0, 1.0, inclusive=True)
        if self.p == 1:
            raise ValueError("p must be below 1 (at p = 1, Y is constant)")
        self.x_type, self.y_type = "continuous", "discrete"

    def _truth(self) -> Truth:
        p, base = self.p, _zip_base_mi()
        if p == 0:
            return Truth(base, "closed form")
        value = (
            (1 - p) * (base - 0.5 * np.log(2) + 0.25)
            - (1 + p) / 4
            - (1 + p) / 2 * np.log((1 + p) / 2)
            - p**2 * np.log(p) / (2 * (1 - p))
        )
        return Truth(float(value), "closed form")

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x = rng.exponential(1.0, n)
        y = rng.poisson(x)
        return x, np.where(rng.random(n) < self.p, 0, y)

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        from scipy.special import gammaln

        x, y = x[:, 0], y[:, 0]
        poisson = np.exp(-x + y * np.log(x) - gammaln(y + 1))
        conditional = (1 - self.p) * poisson + self.p * (y == 0)
        marginal = (1 - self.p) * 0.5 ** (y + 1) + self.p * (y == 0)
        return np.log(conditional) - np.log(marginal)


@register_scenario("gao_mixture")
class GaoMixture(Scenario):
    r"""Gao et al.'s mixture: w.p. p_c a bivariate normal (correlation rho), else atoms at ±1.

    In the discrete component X is uniform on {−1, +1} and Y = X w.p. beta, else −X. Both
    variables are mixed (atoms and a density). The component is a function of X and of Y, so

    .. math:: I = p_c\,(-\tfrac12\ln(1-\rho^2)) + p_d\,(\ln 2 - h_2(\beta)) + H(p_c, p_d)

    References
    ----------
    Gao, W., Kannan, S., Oh, S., Viswanath, P. (2017). Estimating mutual information for
    discrete–continuous mixtures. NeurIPS 30, Experiment I.
    """

    family = "discrete-continuous"
    citation = "Gao, Kannan, Oh, Viswanath (2017), NeurIPS 30"

    def __init__(self, p_c: float = 0.5, rho: float = 0.9, beta: float = 0.9) -> None:
        self.p_c = number(p_c, "p_c", 0.0, 1.0)
        self.rho = number(rho, "rho", -1.0, 1.0)
        self.beta = number(beta, "beta", 0.0, 1.0)
        self.x_type = self.y_type = "mixed"

    def _truth(self) -> Truth:
        pc, pd, b = self.p_c, 1 - self.p_c, self.beta
        binary = np.log(2) + b * np.log(b) + (1 - b) * np.log(1 - b)
        value = pc * -0.5 * np.log1p(-(self.rho**2)) + pd * binary - pc * np.log(pc) - pd * np.log(pd)
        return Truth(float(value), "closed form")

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        continuous = rng.random(n) < self.p_c
        gx = rng.standard_normal(n)
        gy = self.rho * gx + np.sqrt(1 - self.rho**2) * rng.standard_normal(n)
        atom = rng.choice([-1.0, 1.0], n)
        same = rng.random(n) < self.beta
        return np.where(continuous, gx, atom), np.where(continuous, gy, np.where(same, atom, -atom))

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        # densities with respect to (Lebesgue + counting on {±1}) in each variable; Gaussian
        # samples hit ±1 with probability 0, so a value of exactly ±1 in both is an atom.
        x, y = x[:, 0], y[:, 0]
        atom = (np.abs(x) == 1) & (np.abs(y) == 1)
        r2 = 1 - self.rho**2
        gaussian = -0.5 * np.log(r2) - (x**2 - 2 * self.rho * x * y + y**2) / (2 * r2) + (x**2 + y**2) / 2
        with np.errstate(divide="ignore"):
            discrete = np.where(x == y, np.log(self.beta), np.log1p(-self.beta)) + np.log(2)
        return np.where(atom, discrete - np.log(1 - self.p_c), gaussian - np.log(self.p_c))


@register_scenario("zero_inflated_gaussian")
class ZeroInflatedGaussian(Scenario):
    r"""A bivariate normal pair (correlation rho) in which Y is replaced by an atom at 0 w.p. q.

    Continuous x, mixed y (a point mass at 0 plus a density). The atom indicator D is a function
    of Y and independent of X, so I(X;Y) = I(X;D) + I(X;Y|D) = (1 − q)·(−½ ln(1 − ρ²)).

    References
    ----------
    Gao, W., Kannan, S., Oh, S., Viswanath, P. (2017). Estimating mutual information for
    discrete–continuous mixtures. NeurIPS 30 (point-mass mixtures); truth derived for mibench.
    """

    family = "discrete-continuous"
    citation = "Gao, Kannan, Oh, Viswanath (2017), NeurIPS 30"

    def __init__(self, rho: float = 0.8, q: float = 0.3) -> None:
        self.rho = number(rho, "rho", -1.0, 1.0)
        self.q = number(q, "q", 0.0, 1.0, inclusive=True)
        if self.q == 1:
            raise ValueError("q must be below 1 (at q = 1, Y is constant)")
        self.x_type, self.y_type = "continuous", "mixed"

    def _truth(self) -> Truth:
        return Truth(float((1 - self.q) * -0.5 * np.log1p(-(self.rho**2))), "closed form")

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x = rng.standard_normal(n)
        y = self.rho * x + np.sqrt(1 - self.rho**2) * rng.standard_normal(n)
        return x, np.where(rng.random(n) < self.q, 0.0, y)

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        x, y = x[:, 0], y[:, 0]
        r2 = 1 - self.rho**2
        gaussian = -0.5 * np.log(r2) - (x**2 - 2 * self.rho * x * y + y**2) / (2 * r2) + (x**2 + y**2) / 2
        return np.where(y == 0, 0.0, gaussian)


@register_scenario("censored_gaussian")
class CensoredGaussian(Scenario):
    r"""A standard bivariate normal pair (X*, Y*) with correlation rho, censored below detection limits.

    Y = max(Y*, c_y), and X = max(X*, c_x) where ``threshold_x`` is given (else X = X*): each
    censored variable is mixed, an atom at its limit (a Tobit model) holding the values at or below
    it, so unlike in ``zero_inflated_gaussian`` how often one sits on its atom depends on the other.
    With :math:`s = \sqrt{1-\rho^2}`, φ and Φ the standard normal density and CDF, and the log
    ratio ℓ = ln p(x, y)/(p(x) p(y)) taken over the four parts of the plane,

    .. math:: I = P_{aa}\ln\frac{P_{aa}}{\Phi(c_x)\Phi(c_y)}
              + \int_{c_y}^\infty \varphi(y)\,A_x(y)\ln\frac{A_x(y)}{\Phi(c_x)}\,dy
              + \int_{c_x}^\infty \varphi(x)\Big[A_y(x)\ln\frac{A_y(x)}{\Phi(c_y)}
              + (1 - A_y(x))\big(-\ln s + \tfrac12\rho^2(x^2-1)\big)
              + \big(\rho s x - \tfrac12\rho^2\alpha_y(x)\big)\varphi(\alpha_y(x))\Big]dx

    where :math:`\alpha_y(x) = (c_y - \rho x)/s`, :math:`A_y(x) = \Phi(\alpha_y(x))` is Y's atom
    given x (and :math:`A_x` X's given y), and :math:`P_{aa} = \int_{-\infty}^{c_x}\varphi(x)A_y(x)\,dx`
    both atoms' mass; the last term is ℓ's mean over the density part, from the truncated normal's
    first two moments. Uncensored x (c_x = −∞) leaves only the last integral. Each is taken by
    adaptive quadrature (scipy ``quad``); as the limits go to −∞ the MI tends to −½ ln(1 − ρ²).

    References
    ----------
    Tobin, J. (1958). Estimation of relationships for limited dependent variables. Econometrica
    26, 24–36 (the censored model); Johnson, N. L., Kotz, S., Balakrishnan, N. (1994). Continuous
    Univariate Distributions, vol. 1, 2nd ed., §13.10 (truncated normal moments); truth derived for mibench.
    """

    family = "censored"
    citation = "Tobin (1958), Econometrica 26, 24; Johnson, Kotz & Balakrishnan (1994), §13.10"

    def __init__(self, rho: float = 0.8, threshold_y: float = 0.0, threshold_x: float | None = None) -> None:
        self.rho = number(rho, "rho", -1.0, 1.0)
        self.threshold_y = number(threshold_y, "threshold_y", -8.0, 8.0, inclusive=True)
        self.threshold_x = (
            None if threshold_x is None else number(threshold_x, "threshold_x", -8.0, 8.0, inclusive=True)
        )
        self.spread = float(np.sqrt(1 - self.rho**2))
        self.x_type = "continuous" if self.threshold_x is None else "mixed"
        self.y_type = "mixed"

    @staticmethod
    def _pdf(values: np.ndarray | float) -> np.ndarray:
        return np.exp(_normal_logpdf(values, 0.0, 1.0))

    def _atom_given(self, values: np.ndarray | float, threshold: float) -> np.ndarray:
        """ln P(the other variable sits on its atom at ``threshold`` | this one's latent value)."""
        from scipy.special import log_ndtr

        return log_ndtr((threshold - self.rho * values) / self.spread)

    @cached_property
    def both_atoms(self) -> float:
        """P(X = c_x, Y = c_y), with x censored."""
        from scipy.integrate import quad

        c_x, c_y = self.threshold_x, self.threshold_y
        mass = quad(lambda x: self._pdf(x) * np.exp(self._atom_given(x, c_y)), -40, c_x, epsabs=1e-14, limit=200)
        return float(mass[0])

    def _truth(self) -> Truth:
        from scipy.integrate import quad
        from scipy.special import log_ndtr

        rho, s, c_y, c_x = self.rho, self.spread, self.threshold_y, self.threshold_x

        def one_atom(value: float, threshold: float) -> float:  # φ(v) A ln(A / Φ(c)) at latent value v
            log_atom = self._atom_given(value, threshold)
            return self._pdf(value) * np.exp(log_atom) * (log_atom - log_ndtr(threshold))

        def density_part(x: float) -> float:
            alpha = (c_y - rho * x) / s
            free = -np.expm1(log_ndtr(alpha))
            mean_log_ratio = free * (-np.log(s) + 0.5 * rho**2 * (x**2 - 1))
            mean_log_ratio += (rho * s * x - 0.5 * rho**2 * alpha) * self._pdf(alpha)
            return one_atom(x, c_y) + self._pdf(x) * mean_log_ratio

        def integral(function: Callable[[float], float], low: float, threshold: float) -> tuple[float, float]:
            # split at 0 and where the other variable's atom given this one crosses 1/2
            points = sorted(p for p in {0.0, threshold / rho if rho else 0.0} if low < p < 12)
            return quad(function, low, 12, points=points or None, epsabs=1e-12, epsrel=1e-12, limit=200)[:2]

        value, error = integral(density_part, -12.0 if c_x is None else c_x, c_y)
        if c_x is not None:
            both = self.both_atoms
            if both > 0:
                value += both * (np.log(both) - log_ndtr(c_x) - log_ndtr(c_y))
            part, part_error = integral(lambda y: one_atom(y, c_x), c_y, c_x)
            value, error = value + part, error + part_error
        return Truth(float(value), "quadrature", max(float(error), 1e-14))

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x = rng.standard_normal(n)
        y = np.maximum(self.rho * x + self.spread * rng.standard_normal(n), self.threshold_y)
        return (x if self.threshold_x is None else np.maximum(x, self.threshold_x)), y

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        from scipy.special import log_ndtr

        x, y = x[:, 0], y[:, 0]
        c_x, c_y = self.threshold_x, self.threshold_y
        y_atom = y == c_y
        density = -np.log(self.spread) - (y - self.rho * x) ** 2 / (2 * self.spread**2) + y**2 / 2
        value = np.where(y_atom, self._atom_given(x, c_y) - log_ndtr(c_y), density)
        if c_x is not None:
            x_atom = x == c_x
            value = np.where(x_atom, self._atom_given(y, c_x) - log_ndtr(c_x), value)
            value = np.where(x_atom & y_atom, np.log(self.both_atoms) - log_ndtr(c_x) - log_ndtr(c_y), value)
        return value


@register_scenario("class_atoms")
class ClassAtoms(Scenario):
    r"""X uniform on {0, …, m−1}; Y = X (an atom) w.p. q, else Y = X + U, U ~ Uniform[0, 2] (discrete x, mixed y).

    Whether Y is an atom is a function of Y (a.s.) independent of X, so with B that indicator
    I(X; Y) = I(X; B) + I(X; Y | B) = q·H(X) + (1 − q)·I_shift:

    .. math:: I = q\ln m + (1-q)\left(\ln m - \frac{m-1}{m}\ln 2\right)

    (I_shift is :class:`UniformShift`'s MI). With ``independent=True`` Y is built from an
    independent copy of X, and I = 0.

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., §2.5 (chain rule).
    Gao, W., Kannan, S., Oh, S., Viswanath, P. (2017). Estimating mutual information for
    discrete–continuous mixtures. NeurIPS 30.
    """

    family = "discrete-mixed"
    citation = "Cover & Thomas (2006), §2.5; Gao et al. (2017), NeurIPS 30"

    def __init__(self, m: int = 4, q: float = 0.5, independent: bool = False) -> None:
        self.m = positive_int(m, "m", minimum=2)
        self.q = number(q, "q", 0.0, 1.0)
        self.independent = flag(independent, "independent")
        self.x_type, self.y_type = "discrete", "mixed"

    def _truth(self) -> Truth:
        if self.independent:
            return Truth(0.0, "closed form")
        shift = np.log(self.m) - (self.m - 1) / self.m * np.log(2)
        return Truth(self.q * np.log(self.m) + (1 - self.q) * shift, "closed form")

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x = rng.integers(0, self.m, n)
        source = rng.integers(0, self.m, n) if self.independent else x
        atom = rng.random(n) < self.q
        return x, np.where(atom, source, source + rng.uniform(0, 2, n))

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        if self.independent:
            return np.zeros(len(x))
        y = y[:, 0]
        atom = y == np.round(y)  # the continuous part hits an integer with probability 0
        covering = np.minimum(np.floor(y), self.m - 1) - np.maximum(np.ceil(y - 2), 0) + 1
        return np.where(atom, np.log(self.m), np.log(self.m / np.maximum(covering, 1)))


@register_scenario("independent_mixed")
class IndependentMixed(Scenario):
    r"""Independent mixed X and Y: each a standard normal replaced by an atom at 0 w.p. q; I = 0.

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., §2.6 (I = 0 iff independent).
    """

    family = "independent"
    citation = "Cover & Thomas (2006), §2.6"

    def __init__(self, q: float = 0.3) -> None:
        self.q = number(q, "q", 0.0, 1.0)
        self.x_type = self.y_type = "mixed"

    def _truth(self) -> Truth:
        return Truth(0.0, "closed form")

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x, y = rng.standard_normal((2, n))
        return np.where(rng.random(n) < self.q, 0.0, x), np.where(rng.random(n) < self.q, 0.0, y)

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.zeros(len(x))
