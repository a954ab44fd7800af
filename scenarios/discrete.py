"""Discrete scenarios: channels and joint tables with exact MI."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from mibench.plugin import Scenario, Truth, number, positive_int, probability, register_scenario


def h2(q: float) -> float:
    """Binary entropy in nats, with 0 ln 0 = 0."""
    return float(-sum(p * np.log(p) for p in (q, 1 - q) if p > 0))


def table_mi(table: np.ndarray) -> float:
    """Σ p(x,y) ln p(x,y)/(p(x)p(y)) over the non-zero cells of a joint pmf."""
    px, py = table.sum(1, keepdims=True), table.sum(0, keepdims=True)
    nz = table > 0
    return float(np.sum(table[nz] * np.log(table[nz] / (px * py)[nz])))


class JointTable(Scenario):
    """Discrete X and Y (and Z, with ``table_dims`` 3) drawn from a joint probability table; exact MI from the table."""

    family = "discrete table"
    table_dims: ClassVar[int] = 2

    def _set_table(self, table: Any) -> None:
        table = np.asarray(table, dtype=np.float64)
        if table.ndim != self.table_dims or (table < 0).any() or not np.isclose(table.sum(), 1.0, atol=1e-12):
            raise ValueError(f"the joint table must be a {self.table_dims}-D array of probabilities summing to 1")
        self.table = table / table.sum()
        self._cumulative = np.cumsum(self.table.ravel())
        self._cumulative[-1] = 1.0
        self.x_type = self.y_type = "discrete"

    def _truth(self) -> Truth:
        return Truth(table_mi(self.table), "exact sum", 1e-12)

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
        flat = np.searchsorted(self._cumulative, rng.random(n), side="right")
        return np.unravel_index(np.minimum(flat, self.table.size - 1), self.table.shape)

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        px, py = self.table.sum(1), self.table.sum(0)
        i, j = x[:, 0].astype(int), y[:, 0].astype(int)
        return np.log(self.table[i, j]) - np.log(px[i]) - np.log(py[j])


class BinaryChannel(JointTable):
    """A binary-input channel with P(X=1) = p, given by its transition matrix."""

    family = "discrete channel"
    citation = "Cover & Thomas (2006), Elements of Information Theory, §7.1"

    def __init__(self, p: float = 0.5, error: float = 0.1) -> None:
        self.p, self.error = probability(p, "p"), probability(error, "error")
        self._set_table(np.array([[1 - self.p], [self.p]]) * self.transition())

    def transition(self) -> np.ndarray:
        raise NotImplementedError

    def _truth(self) -> Truth:
        return Truth(self.closed_form(), "closed form")

    def closed_form(self) -> float:
        raise NotImplementedError


@register_scenario("binary_symmetric")
class BinarySymmetricChannel(BinaryChannel):
    r"""Binary symmetric channel: Y = X flipped with probability ``error``; P(X=1) = p.

    .. math:: I = h_2(p(1-\varepsilon) + (1-p)\varepsilon) - h_2(\varepsilon)

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., §7.1.4.
    """

    def transition(self) -> np.ndarray:
        e = self.error
        return np.array([[1 - e, e], [e, 1 - e]])

    def closed_form(self) -> float:
        p, e = self.p, self.error
        return h2(p * (1 - e) + (1 - p) * e) - h2(e)


@register_scenario("z_channel")
class ZChannel(BinaryChannel):
    r"""Z-channel: 0 → 0 always; 1 → 0 with probability ``error``, else 1; P(X=1) = p.

    .. math:: I = h_2(p(1-\varepsilon)) - p\,h_2(\varepsilon)

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., problem 7.8.
    """

    def transition(self) -> np.ndarray:
        e = self.error
        return np.array([[1.0, 0.0], [e, 1 - e]])

    def closed_form(self) -> float:
        return h2(self.p * (1 - self.error)) - self.p * h2(self.error)


@register_scenario("erasure_channel")
class BinaryErasureChannel(BinaryChannel):
    r"""Binary erasure channel: Y = X with probability 1 − ``error``, else the erasure symbol 2.

    .. math:: I = (1-\varepsilon)\,h_2(p)

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., §7.1.5.
    """

    def transition(self) -> np.ndarray:
        e = self.error
        return np.array([[1 - e, 0.0, e], [0.0, 1 - e, e]])

    def closed_form(self) -> float:
        return (1 - self.error) * h2(self.p)


@register_scenario("symmetric_channel")
class SymmetricChannel(JointTable):
    r"""X uniform on k symbols; Y = X with probability 1 − error, else one of the other k − 1 uniformly.

    .. math:: I = \ln k + (1-e)\ln(1-e) + e \ln\frac{e}{k-1}

    The k-ary symmetric channel at its capacity-achieving (uniform) input.

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., §7.1.5.
    """

    family = "discrete channel"
    citation = "Cover & Thomas (2006), Elements of Information Theory, §7.1"

    def __init__(self, k: int = 4, error: float = 0.1) -> None:
        self.k = positive_int(k, "k", minimum=2)
        self.error = probability(error, "error")
        self.x_type = self.y_type = "discrete"

    def _truth(self) -> Truth:
        e, k = self.error, self.k
        value = np.log(k) - h2(e) - e * np.log(k - 1)
        return Truth(float(value), "closed form")

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x = rng.integers(0, self.k, n)
        flip = rng.random(n) < self.error
        shift = rng.integers(1, self.k, n)  # uniform over the k-1 other symbols
        return x, np.where(flip, (x + shift) % self.k, x)

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        same = (x == y).all(axis=1)
        with np.errstate(divide="ignore"):
            return np.log(self.k) + np.where(same, np.log1p(-self.error), np.log(self.error / (self.k - 1)))


@register_scenario("random_pmf")
class RandomPMF(JointTable):
    r"""A kx × ky joint table drawn from a symmetric Dirichlet(``concentration``) with its own ``seed``.

    Small concentrations give sparse, peaked tables; large ones nearly uniform tables (MI near 0).
    The truth is the exact sum over the table.

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., eq. (2.28).
    """

    citation = "Cover & Thomas (2006), eq. 2.28"

    def __init__(self, kx: int = 5, ky: int = 5, concentration: float = 0.5, seed: int = 0) -> None:
        kx, ky = positive_int(kx, "kx"), positive_int(ky, "ky")
        concentration = number(concentration, "concentration", 0, np.inf)
        seed = positive_int(seed, "seed", minimum=0)
        table = np.random.default_rng([seed, kx, ky]).dirichlet(np.full(kx * ky, concentration))
        self._set_table(table.reshape(kx, ky))


@register_scenario("zipf_channel")
class ZipfChannel(Scenario):
    r"""Large alphabets: X ~ Zipf(``exponent``) on k symbols; Y = X w.p. 1 − ``error``, else uniform on all k.

    :math:`p(x) \propto (x+1)^{-s}`, :math:`p(y|x) = (1-e)[y=x] + e/k`,
    :math:`p(y) = (1-e)p_X(y) + e/k`. The truth is the exact sum, evaluated in O(k):

    .. math::

        I = \sum_x p(x)\Big[q_x \ln\frac{q_x}{p_Y(x)} + \frac{e}{k}\Big((k-1)\ln\frac{e}{k} - S + \ln p_Y(x)\Big)\Big],
        \quad q_x = 1 - e + e/k,\; S = \sum_y \ln p_Y(y)

    With k in the thousands the number of cells rivals the sample size: plug-in bias is
    (K−1)²/2N-sized and the corrected estimators matter.

    References
    ----------
    Nemenman, I., Shafee, F., Bialek, W. (2002). Entropy and inference, revisited. NIPS 14
    (the undersampled regime); Zipf, G. K. (1949). Human Behavior and the Principle of Least Effort.
    """

    family = "large alphabet"
    citation = "Nemenman, Shafee, Bialek (2002), NIPS 14"

    def __init__(self, k: int = 1000, exponent: float = 1.0, error: float = 0.5) -> None:
        self.k = positive_int(k, "k", minimum=2)
        if self.k > 100_000:
            raise ValueError(f"k must be at most 100000, got {k}")
        self.exponent = number(exponent, "exponent", 0, np.inf, inclusive=True)
        self.error = probability(error, "error")
        weights = np.arange(1, self.k + 1, dtype=np.float64) ** -self.exponent
        self.px = weights / weights.sum()
        self.py = (1 - self.error) * self.px + self.error / self.k
        self.x_type = self.y_type = "discrete"

    def _truth(self) -> Truth:
        e, k = self.error, self.k
        same = 1 - e + e / k
        value = np.sum(self.px * same * np.log(same / self.py))
        if e > 0:
            other = (e / k) * ((k - 1) * np.log(e / k) - (np.sum(np.log(self.py)) - np.log(self.py)))
            value += np.sum(self.px * other)
        return Truth(float(value), "exact sum", 1e-10)

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        cumulative = np.cumsum(self.px)
        cumulative[-1] = 1.0
        x = np.searchsorted(cumulative, rng.random(n), side="right")
        noisy = rng.random(n) < self.error
        return x, np.where(noisy, rng.integers(0, self.k, n), x)

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        x, y = x[:, 0].astype(int), y[:, 0].astype(int)
        conditional = np.where(x == y, 1 - self.error, 0.0) + self.error / self.k
        return np.log(conditional) - np.log(self.py[y])
