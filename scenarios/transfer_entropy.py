r"""Transfer entropy scenarios: TE from X to Y as conditional MI on lagged series.

.. math:: T_{X\to Y}^{(k,l,u)} = I\left(Y_t;\ X_{t-u}^{(l)} \mid Y_{t-1}^{(k)}\right),
          \quad X_{t-u}^{(l)} = (X_{t-u}, \dots, X_{t-u-l+1}),\ Y_{t-1}^{(k)} = (Y_{t-1}, \dots, Y_{t-k})

A sample of size n is n consecutive embedded time points of one stationary series (started from
the stationary distribution, so no burn-in is needed): x holds the source history
:math:`X_{t-u}^{(l)}` (``source_history`` columns from the source's ``delay`` u, 1 by default),
y the target's present :math:`Y_t`, z the
target history :math:`Y_{t-1}^{(k)}` (``history`` columns). Any conditional-MI estimator then
estimates the TE; the samples are serially dependent, as in every TE analysis.

References
----------
Schreiber, T. (2000). Measuring information transfer. Phys. Rev. Lett. 85, 461.
Barnett, L., Barrett, A. B., Seth, A. K. (2009). Granger causality and transfer entropy are
equivalent for Gaussian variables. Phys. Rev. Lett. 103, 238701.
Wibral, M., et al. (2013). Measuring information-transfer delays. PLoS ONE 8(2), e55809.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from functools import cached_property

import numpy as np
from scipy.linalg import solve_discrete_lyapunov

from mibench.plugin import (
    Scenario,
    Truth,
    number,
    positive_int,
    probability,
    register_scenario,
    transfer_entropy_variables,
)

from .conditional import binary_entropy, gaussian_cmi, normal_expectation, table_cmi
from .mixed import GaussianClasses

#: The states (x, y) of the binary pair, in the order of the transition matrix.
STATES = list(itertools.product((0, 1), repeat=2))

CITATION = "Schreiber (2000), PRL 85, 461; Barnett, Barrett & Seth (2009), PRL 103, 238701"


class TransferEntropy(Scenario):
    """Base of the TE scenarios: quantity ``te``, x = source history, y = target, z = target history."""

    quantity = "te"
    citation = CITATION
    added_parameters = {"delay": 1, "lag": 1}

    def _set_histories(self, history: int, source_history: int, delay: int = 1) -> None:
        self.history = positive_int(history, "history")
        self.source_history = positive_int(source_history, "source_history")
        self.delay = positive_int(delay, "delay")
        self.dim_x, self.dim_y, self.dim_z = self.source_history, 1, self.history

    @property
    def embedding_span(self) -> int:
        """The time points before the first row of a sample: max(k, u + l − 1)."""
        return max(self.history, self.delay + self.source_history - 1)


@register_scenario("var1_te")
class VAR1TransferEntropy(TransferEntropy):
    r"""A linear-Gaussian pair with coupling X → Y at lag δ; exact TE for the stated histories and delay.

    .. math:: X_t = a X_{t-1} + \varepsilon_t, \qquad Y_t = b Y_{t-1} + c X_{t-\delta} + \eta_t,

    with independent standard normal noise, |a|, |b| < 1 and δ = ``lag`` ≥ 1 (a VAR(1) pair when
    δ = 1). The state :math:`S_t = (X_t, \dots, X_{t-\delta+1}, Y_t)` is a VAR(1), :math:`S_t = A S_{t-1}
    + \xi_t`; its stationary covariance Γ(0) solves Γ(0) = A Γ(0) Aᵀ + Q (Q the noise covariance) and
    Γ(h) = Aʰ Γ(0). The covariance of (X^{(l)}_{t-u}, Y_t, Y^{(k)}_{t-1}) built from them gives the TE
    in closed form (Gaussian conditional MI), for the source's embedding ``delay`` u (its most recent
    lag, as in :func:`~mibench.transfer_entropy_variables`). Y alone is not Markov, so the TE depends on
    the target history k; with u = δ it equals ½ ln(Var(Y_t | Y^{(k)}) / 1) for any l ≥ 1, and with
    l = 1 a scan over u peaks at u = δ (Wibral et al. 2013). The reverse coupling is 0, so TE from Y to X is 0;
    with c = 0 the TE from X to Y is 0 too.

    References
    ----------
    Barnett, L., Barrett, A. B., Seth, A. K. (2009). Phys. Rev. Lett. 103, 238701.
    Wibral, M., et al. (2013). Measuring information-transfer delays. PLoS ONE 8(2), e55809.
    """

    family = "var1 transfer entropy"
    x_type = y_type = z_type = "continuous"

    def __init__(
        self,
        a: float = 0.5,
        b: float = 0.5,
        c: float = 0.5,
        history: int = 1,
        source_history: int = 1,
        lag: int = 1,
        delay: int = 1,
    ) -> None:
        self.a, self.b = number(a, "a", -1.0, 1.0), number(b, "b", -1.0, 1.0)
        self.c = number(c, "c")
        self._set_histories(history, source_history, delay)
        self.lag = positive_int(lag, "lag")
        size = self.lag + 1  # X_t, ..., X_{t-lag+1}, Y_t
        self.transition = np.zeros((size, size))
        self.transition[0, 0], self.transition[-1, -1], self.transition[-1, self.lag - 1] = self.a, self.b, self.c
        self.transition[np.arange(1, self.lag), np.arange(self.lag - 1)] = 1.0
        noise = np.zeros(size)
        noise[[0, -1]] = 1.0
        self.stationary = solve_discrete_lyapunov(self.transition, np.diag(noise))
        self.state_index = (0, self.lag)  # where X_t and Y_t sit in the state

    def _lagged_covariance(self, lag: int) -> np.ndarray:
        """Cov(S_{t+lag}, S_t) of the state S; lag may be negative."""
        if lag < 0:
            return self._lagged_covariance(-lag).T
        return np.linalg.matrix_power(self.transition, lag) @ self.stationary

    def _coordinates(self) -> list[tuple[int, int]]:
        """(series, time offset) of each coordinate of (x, y, z); series 0 is X and 1 is Y."""
        return (
            [(0, -lag) for lag in range(self.delay, self.delay + self.source_history)]
            + [(1, 0)]
            + [(1, -lag) for lag in range(1, self.history + 1)]
        )

    def _truth(self) -> Truth:
        if self.c == 0:  # X never reaches Y: exactly 0, where the log-determinants leave ~1e-16
            return Truth(0.0, "closed form")
        coordinates = [(self.state_index[series], offset) for series, offset in self._coordinates()]
        size = len(coordinates)
        covariance = np.empty((size, size))
        for i, (u, s) in enumerate(coordinates):
            for j, (v, t) in enumerate(coordinates):
                covariance[i, j] = self._lagged_covariance(s - t)[u, v]
        return Truth(gaussian_cmi(covariance, self.source_history, 1), "closed form")

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
        steps = n + self.embedding_span
        start = rng.multivariate_normal(np.zeros(self.lag + 1), self.stationary)  # S at time lag - 1
        noise_x, noise_y = rng.standard_normal((2, steps - 1))
        x = np.concatenate([start[self.lag - 1 : 0 : -1], _ar1(self.a, noise_x, start[0])])  # from time 0
        y = _ar1(self.b, self.c * x[: steps - 1] + noise_y, start[-1])  # from time lag - 1
        return transfer_entropy_variables(x[self.lag - 1 :], y, self.history, self.source_history, self.delay)


@register_scenario("var1_cte")
class VAR1ConditionalTransferEntropy(VAR1TransferEntropy):
    r"""A linear-Gaussian VAR(1) triple: X → Y, and a common driver W of both; the exact conditional TE
    from X to Y given W.

    .. math::

        W_t = d\,W_{t-1} + \zeta_t, \qquad X_t = a X_{t-1} + g W_{t-1} + \varepsilon_t, \qquad
        Y_t = b Y_{t-1} + c X_{t-1} + g W_{t-1} + \eta_t,

    with independent standard normal noise and |a|, |b|, |d| < 1. The truth is
    :math:`I(Y_t;\ X^{(l)}_{t-u} \mid Y^{(k)}_{t-1}, W^{(k)}_{t-1})` (u the source's ``delay``; z holds the target's past, then
    W's over the same k lags: ``transfer_entropy_variables(..., conditions=W)``), in closed form from
    the stationary covariances as for ``var1_te``. With c = 0 it is exactly 0, though the TE from X
    to Y without W is not: X's past tells of W's, which drives Y.

    References
    ----------
    Lizier, J. T., Prokopenko, M., Zomaya, A. Y. (2008). Phys. Rev. E 77, 026110.
    Barnett, L., Barrett, A. B., Seth, A. K. (2009). Phys. Rev. Lett. 103, 238701.
    """

    family = "var1 conditional transfer entropy"
    citation = f"{CITATION}; Lizier, Prokopenko & Zomaya (2008), PRE 77, 026110"

    def __init__(
        self,
        a: float = 0.5,
        b: float = 0.5,
        c: float = 0.5,
        d: float = 0.8,
        g: float = 0.8,
        history: int = 1,
        source_history: int = 1,
        delay: int = 1,
    ) -> None:
        self.a, self.b, self.d = (number(value, name, -1.0, 1.0) for value, name in ((a, "a"), (b, "b"), (d, "d")))
        self.c, self.g = number(c, "c"), number(g, "g")
        self._set_histories(history, source_history, delay)
        self.dim_z = 2 * self.history
        self.transition = np.array([[self.a, 0.0, self.g], [self.c, self.b, self.g], [0.0, 0.0, self.d]])
        self.stationary = solve_discrete_lyapunov(self.transition, np.eye(3))
        self.state_index = (0, 1, 2)

    def _coordinates(self) -> list[tuple[int, int]]:
        """As for var1_te, then W (series 2) at the target's lags."""
        return super()._coordinates() + [(2, -lag) for lag in range(1, self.history + 1)]

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
        steps = n + self.embedding_span
        start = rng.multivariate_normal(np.zeros(3), self.stationary)
        noise = rng.standard_normal((3, steps - 1))
        w = _ar1(self.d, noise[2], start[2])
        x = _ar1(self.a, self.g * w[:-1] + noise[0], start[0])
        y = _ar1(self.b, self.c * x[:-1] + self.g * w[:-1] + noise[1], start[1])
        return transfer_entropy_variables(x, y, self.history, self.source_history, self.delay, conditions=w)


class DrivenAtLag(TransferEntropy):
    """A target driven by the source's value δ = ``lag`` steps back and by nothing else of the source:
    the TE is positive only where the source's window holds that value."""

    lag: int

    @property
    def sees_the_lag(self) -> bool:
        """Whether the source's window X_{t−u}, …, X_{t−u−l+1} holds X_{t−δ}."""
        return self.delay <= self.lag < self.delay + self.source_history


class LeakyTarget(DrivenAtLag):
    """A target that leaks, Y_t = b·Y_{t−1} + c·X_{t−δ} + η_t (or a change of it), whose stationary law has no
    closed form: each series first runs until b^steps < 1e-17 from Y = 0, which leaves the start below
    float precision."""

    def _set_drive(self, b: float, c: float, lag: int) -> None:
        self.b, self.c = number(b, "b", -1.0, 1.0), number(c, "c")
        self.lag = positive_int(lag, "lag")
        self.burn_in = int(np.ceil(np.log(1e-17) / np.log(abs(self.b)))) if self.b else 0

    def _steps(self, n: int) -> int:
        """The source's length for n embedded time points: the embedding, the lag and the burn-in."""
        return n + self.embedding_span + self.lag - 1 + self.burn_in

    def _embedded(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
        """The TE variables of a source x and a target y one longer than x less the lag, y[t] driven by
        x[t − 1]: the slices leave y_t driven by x_{t−δ}, after the burn-in."""
        start = self.lag - 1 + self.burn_in
        return transfer_entropy_variables(x[start:], y[self.burn_in :], self.history, self.source_history, self.delay)

    def _linear_target(self, x: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
        """The TE variables of the source x and the target Y_t = b·Y_{t−1} + c·X_{t−δ} + η_t it drives."""
        steps = x.size - self.lag
        return self._embedded(x, _ar1(self.b, self.c * x[:steps] + rng.standard_normal(steps), 0.0))


@register_scenario("spike_te")
class SpikeTransferEntropy(LeakyTarget):
    r"""A binary spike train X drives a continuous leaky target Y at lag δ; the TE is a two-class MI.

    .. math:: X_t \sim \text{Bernoulli}(p)\ \text{i.i.d.}, \qquad Y_t = b\,Y_{t-1} + c\,X_{t-\delta} + \eta_t,

    with standard normal η and |b| < 1 (δ = ``lag``). Given the target's past, Y_t is known up to its
    innovation W_t = c X_{t−δ} + η_t, which is independent of everything before t except X_{t−δ}: the
    target's past holds only spikes up to t − δ − 1. So when the source's window
    X_{t−u}, …, X_{t−u−l+1} holds X_{t−δ} (u ≤ δ ≤ u + l − 1, u the ``delay``, l the ``source_history``),

    .. math:: T_{X\to Y} = I(X;\ cX + \eta) = h(f) - \tfrac12\ln(2\pi e),\quad f = (1-p)\,N(0, 1) + p\,N(c, 1)

    for any target history k ≥ 1 (the MI of :class:`~mibench.scenarios.mixed.GaussianClasses` with means
    0 and c, by quadrature), and otherwise exactly 0. Discrete x, continuous y and z (a spike train and a
    membrane potential or a calcium trace). Y's stationary law has no closed form, so each series first
    runs until b^steps < 1e-17 from Y = 0, which leaves the start below float precision.

    References
    ----------
    Schreiber, T. (2000). Measuring information transfer. Phys. Rev. Lett. 85, 461.
    Ross, B. C. (2014). Mutual information between discrete and continuous data sets. PLoS ONE 9, e87357.
    """

    family = "spike transfer entropy"
    citation = "Schreiber (2000), PRL 85, 461; Ross (2014), PLoS ONE 9, e87357"
    x_type, y_type, z_type = "discrete", "continuous", "continuous"

    def __init__(
        self,
        p: float = 0.2,
        b: float = 0.5,
        c: float = 2.0,
        lag: int = 1,
        history: int = 1,
        source_history: int = 1,
        delay: int = 1,
    ) -> None:
        self.p = probability(p, "p")
        self._set_drive(b, c, lag)
        self._set_histories(history, source_history, delay)

    def _truth(self) -> Truth:
        if not self.sees_the_lag:
            return Truth(0.0, "closed form")
        return GaussianClasses(means=(0.0, self.c), sigmas=(1.0, 1.0), probs=(1 - self.p, self.p)).truth

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
        steps = self._steps(n)
        return self._linear_target((rng.random(steps) < self.p).astype(np.int64), rng)


@register_scenario("event_amplitude_te")
class EventAmplitudeTransferEntropy(LeakyTarget):
    r"""A zero-inflated (mixed) source X, events of random amplitude, drives a continuous leaky target Y at lag δ.

    .. math:: X_t = S_t A_t,\quad S_t \sim \text{Bernoulli}(p),\ A_t \sim N(\mu, \sigma^2)\ \text{i.i.d.},
              \qquad Y_t = b\,Y_{t-1} + c\,X_{t-\delta} + \eta_t,

    with standard normal η and |b| < 1 (δ = ``lag``): a source exactly 0 between events (a spike train
    with amplitudes, a rainfall driving a river level). Given the target's past, Y_t is known up to its
    innovation V_t = c X_{t−δ} + η_t, independent of everything before t except X_{t−δ}. So when the
    source's window X_{t−u}, …, X_{t−u−l+1} holds X_{t−δ} (u ≤ δ ≤ u + l − 1),

    .. math:: T_{X\to Y} = I(X;\ cX + \eta) = h(f) - \tfrac12\ln(2\pi e)
              = I(S;\ V) + p\,\tfrac12\ln(1 + c^2\sigma^2),
              \quad f = (1-p)\,N(0, 1) + p\,N(c\mu,\ 1 + c^2\sigma^2)

    for any target history k ≥ 1 (X = 0 exactly when S = 0, so I(X; V) = I(S; V) + p I(A; cA + η); I(S; V)
    is the MI of :class:`~mibench.scenarios.mixed.GaussianClasses` with these two components, by
    quadrature), and otherwise exactly 0. Mixed x, continuous y and z. Each series first runs until
    b^steps < 1e-17 from Y = 0, which leaves the start below float precision.

    References
    ----------
    Schreiber, T. (2000). Measuring information transfer. Phys. Rev. Lett. 85, 461.
    Gao, W., Kannan, S., Oh, S., Viswanath, P. (2017). Estimating mutual information for
    discrete–continuous mixtures. NeurIPS 30 (point-mass mixtures).
    """

    family = "event amplitude transfer entropy"
    citation = "Schreiber (2000), PRL 85, 461; Gao, Kannan, Oh, Viswanath (2017), NeurIPS 30"
    x_type, y_type, z_type = "mixed", "continuous", "continuous"

    def __init__(
        self,
        p: float = 0.3,
        mu: float = 1.0,
        sigma: float = 0.5,
        b: float = 0.5,
        c: float = 2.0,
        lag: int = 1,
        history: int = 1,
        source_history: int = 1,
        delay: int = 1,
    ) -> None:
        self.p = number(p, "p", 0.0, 1.0)
        self.mu, self.sigma = number(mu, "mu"), number(sigma, "sigma", 0.0, np.inf, inclusive=True)
        if self.mu == 0 and self.sigma == 0:
            raise ValueError("mu and sigma are both 0: every event would have amplitude 0, the source be 0 throughout")
        self._set_drive(b, c, lag)
        self._set_histories(history, source_history, delay)

    def _truth(self) -> Truth:
        if not self.sees_the_lag:
            return Truth(0.0, "closed form")
        event_spread = np.hypot(1.0, self.c * self.sigma)
        events = GaussianClasses(
            means=(0.0, self.c * self.mu), sigmas=(1.0, event_spread), probs=(1 - self.p, self.p)
        ).truth
        return Truth(events.value + self.p * float(np.log(event_spread)), events.method, events.error)

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
        steps = self._steps(n)
        events = rng.random(steps) < self.p
        return self._linear_target(np.where(events, self.mu + self.sigma * rng.standard_normal(steps), 0.0), rng)


@register_scenario("zero_inflated_te")
class ZeroInflatedTransferEntropy(LeakyTarget):
    r"""A continuous source X drives a zero-inflated (mixed) target Y at lag δ: the target is 0 at random times.

    .. math:: X_t \sim N(0, 1)\ \text{i.i.d.}, \qquad Y_t = D_t\,(b\,Y_{t-1} + c\,X_{t-\delta} + \eta_t),

    with D_t ~ Bernoulli(1 − q) and η_t ~ N(0, 1) i.i.d., |b| < 1 and 0 < q < 1 (δ = ``lag``): a point mass at 0
    with probability q and a density otherwise, as a rainfall or a firing rate that is often exactly 0. Y_t
    depends on the past only through Y_{t−1} and W_t = c X_{t−δ} + η_t, and W_t and D_t are independent of
    the target's past (which holds the source only up to t − δ − 1). Given that past, Y_t ↔ (D_t, D_t W_t)
    one to one, so when the source's window X_{t−u}, …, X_{t−u−l+1} holds X_{t−δ} (u ≤ δ ≤ u + l − 1)

    .. math:: T_{X\to Y} = I(D;\,X) + (1-q)\,I(X;\ cX + \eta) = (1-q)\,\tfrac12\ln(1 + c^2)

    for any target history k ≥ 1, and otherwise exactly 0. Continuous x, mixed y and z. Each series first
    runs until b^steps < 1e-17 from Y = 0: a series started anywhere else agrees with it from the first
    D_t = 0 on, and shrinks towards it by b each step before.

    References
    ----------
    Schreiber, T. (2000). Measuring information transfer. Phys. Rev. Lett. 85, 461.
    Gao, W., Kannan, S., Oh, S., Viswanath, P. (2017). Estimating mutual information for
    discrete–continuous mixtures. NeurIPS 30 (point-mass mixtures).
    """

    family = "zero-inflated transfer entropy"
    citation = "Schreiber (2000), PRL 85, 461; Gao, Kannan, Oh, Viswanath (2017), NeurIPS 30"
    x_type, y_type, z_type = "continuous", "mixed", "mixed"

    def __init__(
        self,
        q: float = 0.3,
        b: float = 0.5,
        c: float = 1.0,
        lag: int = 1,
        history: int = 1,
        source_history: int = 1,
        delay: int = 1,
    ) -> None:
        self.q = number(q, "q", 0.0, 1.0)
        self._set_drive(b, c, lag)
        self._set_histories(history, source_history, delay)

    def _truth(self) -> Truth:
        if not self.sees_the_lag:
            return Truth(0.0, "closed form")
        return Truth(float((1 - self.q) * 0.5 * np.log1p(self.c**2)), "closed form")

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
        steps = self._steps(n)
        x = rng.standard_normal(steps)
        drive = self.c * x[: steps - self.lag] + rng.standard_normal(steps - self.lag)
        kept = rng.random(steps - self.lag) >= self.q
        y = np.zeros(steps - self.lag + 1)
        for t in range(1, y.size):
            y[t] = self.b * y[t - 1] + drive[t - 1] if kept[t - 1] else 0.0
        return self._embedded(x, y)


@register_scenario("logistic_te")
class LogisticTransferEntropy(DrivenAtLag):
    r"""A continuous source X drives a binary, self-exciting target Y at lag δ through a logistic link.

    .. math:: X_t \sim N(0, 1)\ \text{i.i.d.}, \qquad
              P(Y_t = 1 \mid Y_{t-1}, X_{t-\delta}) = \sigma(a\,X_{t-\delta} + b\,(2Y_{t-1} - 1) + c)

    with σ the logistic function, c the ``baseline`` log-odds and δ = ``lag``. X_{t−δ} is independent of the target's past, which holds
    only inputs up to t − δ − 1, and given Y_{t−1} and X_{t−δ} nothing else tells of Y_t. So where the
    source's window X_{t−u}, …, X_{t−u−l+1} holds X_{t−δ}, for any target history k ≥ 1,

    .. math:: T_{X\to Y} = \sum_{y} \pi(y)\,\Bigl[h\bigl(m(y)\bigr) - \mathbb E_X\,h\bigl(\sigma(aX + b\,(2y-1) + c)\bigr)\Bigr],
              \quad m(y) = \mathbb E_X\,\sigma(aX + b\,(2y - 1) + c)

    (h the binary entropy in nats; π the stationary law of Y, a two-state chain with P(Y_t = 1 | y) =
    m(y)), each expectation over X ~ N(0, 1) by adaptive quadrature; elsewhere it is exactly 0.
    Continuous x, discrete y and z (a stimulus driving a spiking unit).

    References
    ----------
    Schreiber, T. (2000). Measuring information transfer. Phys. Rev. Lett. 85, 461.
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., §2.5 (conditional MI).
    """

    family = "logistic transfer entropy"
    citation = "Schreiber (2000), PRL 85, 461; Cover & Thomas (2006), §2.5"
    x_type, y_type, z_type = "continuous", "discrete", "discrete"

    def __init__(
        self,
        a: float = 2.0,
        b: float = 1.0,
        baseline: float = -1.0,
        lag: int = 1,
        history: int = 1,
        source_history: int = 1,
        delay: int = 1,
    ) -> None:
        self.a, self.b, self.baseline = number(a, "a"), number(b, "b"), number(baseline, "baseline")
        self.lag = positive_int(lag, "lag")
        self._set_histories(history, source_history, delay)
        means = self._expectations[0]
        if min(means[0], 1 - means[1]) < 1e-6:  # its stationary law and TE are then lost in rounding
            raise ValueError(
                f"with a={self.a:g}, b={self.b:g}, baseline={self.baseline:g} the target never leaves a state "
                f"(P(Y_t = 1 | Y_t-1 = 0, 1) = {means[0]:.3g}, {means[1]:.3g}: it leaves one less than once in a "
                "million steps), so a series shows one state; keep |b| + |baseline| below about 12"
            )

    @cached_property
    def _expectations(self) -> tuple[np.ndarray, np.ndarray, float]:
        """m(y) and E_X h(σ(aX + b(2y − 1) + c)) for y = 0, 1, and the summed quadrature error bound."""
        from scipy.special import expit

        means, entropies, error = np.empty(2), np.empty(2), 0.0
        for y, sign in ((0, -1.0), (1, 1.0)):

            def rate(x: float, sign: float = sign) -> float:
                return float(expit(self.a * x + self.b * sign + self.baseline))

            (means[y], e1), (entropies[y], e2) = (
                normal_expectation(rate),
                normal_expectation(lambda x: float(binary_entropy(rate(x)))),
            )
            error += e1 + e2
        return means, entropies, error

    @property
    def stationary(self) -> np.ndarray:
        """π(0), π(1): the two-state chain's stationary law, P(Y_t = 1 | Y_{t−1} = y) = m(y)."""
        means = self._expectations[0]
        one = means[0] / (1 - means[1] + means[0])
        return np.array([1 - one, one])

    def _truth(self) -> Truth:
        if not self.sees_the_lag or self.a == 0:
            return Truth(0.0, "closed form")
        means, entropies, error = self._expectations
        binary = binary_entropy(means)
        # generous: the TE moves with m through h (slope ln((1 - m) / m)) and through π (slope at most 1 / m)
        slope = np.abs(np.log((1 - means) / means)).max() + 1 / min(means.min(), 1 - means.max())
        return Truth(float(self.stationary @ (binary - entropies)), "quadrature", float(10 * error * (1 + slope)))

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
        from scipy.special import expit

        steps = n + self.embedding_span + self.lag - 1
        x = rng.standard_normal(steps)
        uniforms = rng.random(steps - self.lag + 1)
        y = np.empty(steps - self.lag + 1, dtype=np.int64)  # from time lag - 1
        y[0] = uniforms[0] < self.stationary[1]
        drive = self.a * x[: steps - self.lag] + self.baseline
        for t in range(1, len(y)):
            y[t] = uniforms[t] < expit(drive[t - 1] + self.b * (2 * y[t - 1] - 1))
        return transfer_entropy_variables(x[self.lag - 1 :], y, self.history, self.source_history, self.delay)


def _ar1(coefficient: float, drive: np.ndarray, start: float) -> np.ndarray:
    """S_0 = start, S_t = coefficient · S_{t-1} + drive_{t-1}: a series one longer than its drive."""
    from scipy.signal import lfilter  # imported here: scipy.signal takes ~1 s to import

    return np.concatenate([[start], lfilter([1.0], [1.0, -coefficient], drive, zi=[coefficient * start])[0]])


@register_scenario("markov_te")
class MarkovTransferEntropy(TransferEntropy):
    r"""A binary Markov pair with coupling X → Y; exact TE by summing over the stationary paths.

    X flips with probability ``flip`` at each step; Y copies :math:`X_{t-1}` with probability
    ``coupling``, and otherwise keeps :math:`Y_{t-1}` flipped with probability ``noise``. (X, Y) is
    a Markov chain on four states; a path of m + 1 states (m = max(k, u + l − 1) for the source's
    ``delay`` u) has the stationary probability of its first state times the transition
    probabilities. Summed forward from t − m to t, over the states whose values are not recorded,
    they give the exact table of (X^{(l)}_{t-u}, Y_t, Y^{(k)}_{t-1}), and the TE is its exact sum
    :func:`table_cmi`; the cost grows with m, not as 4^m.

    References
    ----------
    Schreiber, T. (2000). Measuring information transfer. Phys. Rev. Lett. 85, 461.
    """

    family = "markov transfer entropy"
    x_type = y_type = z_type = "discrete"

    def __init__(
        self,
        flip: float = 0.1,
        coupling: float = 0.6,
        noise: float = 0.1,
        history: int = 1,
        source_history: int = 1,
        delay: int = 1,
    ) -> None:
        self.flip = probability(flip, "flip")
        self.coupling = probability(coupling, "coupling")
        self.noise = probability(noise, "noise")
        self._set_histories(history, source_history, delay)
        self.chain  # noqa: B018  (computed now: a chain that does not mix is refused here)

    def _step(self, state: tuple[int, int], following: tuple[int, int]) -> float:
        (x, y), (x_next, y_next) = state, following
        p_x = self.flip if x_next != x else 1 - self.flip
        keep = self.noise if y_next != y else 1 - self.noise
        p_y = self.coupling * (y_next == x) + (1 - self.coupling) * keep
        return p_x * p_y

    @cached_property
    def chain(self) -> tuple[np.ndarray, np.ndarray]:
        """The 4 × 4 transition matrix over the states (x, y) in STATES' order, and its stationary law."""
        transition = np.array([[self._step(s, t) for t in STATES] for s in STATES])
        eigenvalues, eigenvectors = np.linalg.eig(transition.T)
        if np.sum(np.abs(eigenvalues - 1) < 1e-9) > 1:
            raise ValueError(
                f"the chain with flip={self.flip}, coupling={self.coupling}, noise={self.noise} has more than one "
                "stationary law (X or Y, or the pair, never leaves its starting class), so one series does not "
                "define its TE"
            )
        stationary = np.real(eigenvectors[:, np.argmin(np.abs(eigenvalues - 1))])
        return transition, stationary / stationary.sum()

    def _truth(self) -> Truth:
        if self.coupling == 0:  # Y never copies X: exactly 0, where the sum leaves ~1e-16
            return Truth(0.0, "closed form")
        transition, stationary = self.chain
        span, k, m = self.embedding_span, self.history, self.source_history
        # The paths from t - span to t, walked forward and summed over the states not recorded:
        # the probability of (source bits, target bits, state now), the bits oldest first.
        paths: dict[tuple[tuple[int, ...], tuple[int, ...], int], float] = {
            ((), (), state): stationary[state] for state in range(4)
        }
        for lag in range(span, -1, -1):
            if lag < span:
                following: defaultdict = defaultdict(float)
                for (xs, ys, state), probability_ in paths.items():
                    for after in range(4):
                        following[xs, ys, after] += probability_ * transition[state, after]
                paths = following
            paths = {
                (
                    xs + (STATES[state][0],) * (self.delay <= lag < self.delay + m),
                    ys + (STATES[state][1],) * (lag <= k),
                    state,
                ): probability_
                for (xs, ys, state), probability_ in paths.items()
            }
        table = np.zeros((2**m, 2, 2**k))
        for (xs, ys, _), probability_ in paths.items():  # ys ends with Y_t
            table[_code(xs[::-1]), ys[-1], _code(ys[-2::-1])] += probability_
        return Truth(table_cmi(table), "exact sum", 1e-12)

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
        steps = n + self.embedding_span
        x0 = int(rng.integers(2))
        flips = rng.random(steps - 1) < self.flip
        x = np.concatenate([[x0], x0 ^ (np.cumsum(flips) % 2)]).astype(np.int64)
        # Y_t = X_{t-1} if it copies at t, else Y_{t-1} xor a flip; so Y_t is the last copied X
        # (or Y_0) xor the parity of the flips since then. Y_0 from its stationary law given X_0.
        copies = rng.random(steps - 1) < self.coupling
        noise = np.concatenate([[0], (rng.random(steps - 1) < self.noise).astype(np.int64)])
        parity = np.cumsum(noise) % 2
        stationary = self.chain[1]
        y0 = int(rng.random() * (stationary[2 * x0] + stationary[2 * x0 + 1]) < stationary[2 * x0 + 1])
        time = np.arange(steps)
        last_copy = np.maximum.accumulate(np.where(np.concatenate([[False], copies]), time, 0))
        source = np.where(last_copy > 0, x[np.maximum(last_copy - 1, 0)], y0)
        y = (source ^ parity ^ parity[last_copy]).astype(np.int64)
        return transfer_entropy_variables(x, y, self.history, self.source_history, self.delay)


def _code(bits: list[int]) -> int:
    return int(sum(bit << i for i, bit in enumerate(bits)))
