"""Quantised Gaussian pairs: real data with ties, and the exact MI of the quantised variables."""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from mibench.plugin import Scenario, Truth, number, register_scenario

#: Cells cover ±TAIL standard deviations; the mass outside is below 1e-18.
TAIL = 9.0


def _cell_probabilities(rho: float, edges: np.ndarray, nodes: int) -> np.ndarray:
    """P(X in cell i, Y in cell j) for a standard bivariate normal, by Gauss–Legendre in x.

    P_ij = ∫_{a_i}^{b_i} φ(x) [Φ((d_j − ρx)/s) − Φ((c_j − ρx)/s)] dx, s = sqrt(1 − ρ²).
    """
    t, w = np.polynomial.legendre.leggauss(nodes)
    a, b = edges[:-1], edges[1:]
    half = (b - a)[:, None] / 2
    x = (a + b)[:, None] / 2 + half * t[None, :]  # (cells, nodes)
    weights = half * w[None, :] * np.exp(-0.5 * x**2) / np.sqrt(2 * np.pi)
    s = np.sqrt(1 - rho**2)
    cdf = ndtr((edges[None, None, :] - rho * x[:, :, None]) / s)  # (cells, nodes, edges)
    return np.einsum("cn,cnj->cj", weights, np.diff(cdf, axis=2))


def _table_mi(table: np.ndarray) -> float:
    px, py = table.sum(1, keepdims=True), table.sum(0, keepdims=True)
    nz = table > 0
    return float(np.sum(table[nz] * np.log(table[nz] / (px * py)[nz])))


@register_scenario("quantized")
class QuantizedGaussian(Scenario):
    r"""A bivariate normal pair (correlation ``rho``) rounded to a grid of width ``step``: many ties.

    X = step·round(X'/step), likewise Y. The truth is the exact MI of the quantised pair,

    .. math:: I = \sum_{ij} P_{ij} \ln\frac{P_{ij}}{P_{i\cdot}P_{\cdot j}}

    with the cell probabilities :math:`P_{ij}` of the bivariate normal computed by Gauss–Legendre
    quadrature (the error bound is the change from 24 to 48 nodes per cell). It is below the
    unquantised −½ ln(1−ρ²) (data processing) and approaches it as step → 0. The variables are
    declared continuous — the values are numbers on a grid — so continuous estimators face the ties.

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., §8.3 (quantisation
    and the data-processing inequality).
    """

    family = "quantized"
    citation = "Cover & Thomas (2006), Elements of Information Theory, §8.3"

    def __init__(self, rho: float = 0.8, step: float = 0.5) -> None:
        self.rho = number(rho, "rho", -1, 1)
        self.step = number(step, "step", 0, np.inf)
        half_cells = int(np.ceil(TAIL / self.step))
        if half_cells > 2000:
            raise ValueError(f"step={step} is too fine: use step >= {TAIL / 2000:g}")
        self.grid = np.arange(-half_cells, half_cells + 1)
        edges = (np.arange(-half_cells, half_cells + 2) - 0.5) * self.step
        edges[0], edges[-1] = -np.inf, np.inf
        # Edges at most one sd beyond ±TAIL, so that no cell is much wider than the density: 48 nodes over
        # the cell [-50, 50] missed its peak (step=100 gave 0.25 nats where the truth is 0).
        reach = TAIL + min(self.step, 1.0)
        self._edges = np.clip(edges, -reach, reach)
        self._table = _cell_probabilities(self.rho, self._edges, 48)

    def _truth(self) -> Truth:
        coarse = _table_mi(_cell_probabilities(self.rho, self._edges, 24))
        value = _table_mi(self._table)
        return Truth(value, "quadrature", max(abs(value - coarse), 1e-14))

    def _sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x = rng.standard_normal(n)
        y = self.rho * x + np.sqrt(1 - self.rho**2) * rng.standard_normal(n)
        return self.step * np.round(x / self.step), self.step * np.round(y / self.step)

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        offset = self.grid[-1]
        i = np.clip(np.round(x[:, 0] / self.step).astype(int) + offset, 0, len(self.grid) - 1)
        j = np.clip(np.round(y[:, 0] / self.step).astype(int) + offset, 0, len(self.grid) - 1)
        px, py = self._table.sum(1), self._table.sum(0)
        return np.log(self._table[i, j]) - np.log(px[i]) - np.log(py[j])

    @property
    def tags(self) -> dict[str, str]:
        return {**super().tags, "ties": "yes"}
