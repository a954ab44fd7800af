"""Estimators of MI between discrete variables, from contingency tables."""

from __future__ import annotations

import numpy as np

from mibench import Conventions, register_estimator
from mibench.validation import joint_codes

DISCRETE_PAIR = (("discrete", "discrete"),)


def contingency(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The joint count table of integer-coded x and y (multivariate rows as joint symbols).

    Rows and columns cover the observed symbols of x and y; cells may be 0.
    """
    a = joint_codes(x)
    b = joint_codes(y)
    rows, cols = int(a.max()) + 1, int(b.max()) + 1
    return np.bincount(a * cols + b, minlength=rows * cols).reshape(rows, cols)


def plugin_mi_from_table(table: np.ndarray) -> float:
    """Σ (n_xy/N) ln(N n_xy / (n_x n_y)) over the non-empty cells."""
    n = table.sum()
    row = table.sum(axis=1)
    col = table.sum(axis=0)
    i, j = np.nonzero(table)
    counts = table[i, j].astype(np.float64)
    return float(np.sum(counts * (np.log(counts) + np.log(n) - np.log(row[i]) - np.log(col[j]))) / n)


@register_estimator(
    "plugin",
    types=DISCRETE_PAIR,
    conventions=Conventions(
        variant="maximum-likelihood (plug-in) MI of the joint frequency table",
        ties="not applicable (discrete); multivariate x or y is one joint symbol",
        clipping="none (the plug-in MI is never negative)",
        complexity="O(n + K_x K_y)",
        citation="Cover & Thomas (2006), Elements of Information Theory, eq. 2.28; bias (K_x-1)(K_y-1)/(2N): Miller (1955)",
    ),
)
def plugin(x: np.ndarray, y: np.ndarray) -> float:
    r"""Plug-in (maximum-likelihood) MI of discrete variables.

    .. math::

        \hat I = \sum_{x,y} \frac{n_{xy}}{N} \ln \frac{N\, n_{xy}}{n_x\, n_y}

    Labels may be of any hashable type; a multivariate x or y is treated as one
    joint symbol. Biased upwards by about (K_x−1)(K_y−1)/(2N).

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., eq. (2.28).
    """
    return plugin_mi_from_table(contingency(x, y))
