"""Mixed scenarios: a discrete variable with a continuous one."""

from __future__ import annotations

import numpy as np

from mibench import Scenario, Truth, register_scenario


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
        if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 1:
            raise ValueError(f"m must be a positive integer, got {m!r}")
        self.m = int(m)
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
