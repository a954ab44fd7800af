"""The one interval routine: confidence intervals for means of repetitions (summarize, compare, testing).

Intervals are Student-t intervals over the repetitions of a cell (Welch's for the difference of
two independent means). Each repetition is an independent estimate, so these are exact for
normal errors; their coverage for heavy-tailed and skewed errors is checked by simulation in
the tests. Resampling whole estimates with a percentile bootstrap under-covers at 5–10
repetitions, which is why it is not used.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["mean_interval", "mean_test", "holm", "t_interval"]


def t_interval(centre: np.ndarray, variance: np.ndarray, dof: np.ndarray, confidence: float = 0.95):
    """centre ∓ t_{dof} · sqrt(variance), elementwise (variance: of the estimated mean); NaN where dof < 1."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    dof = np.asarray(dof, dtype=float)
    with np.errstate(invalid="ignore"):
        half = stats.t.ppf(0.5 + confidence / 2, np.where(dof >= 1, dof, np.nan)) * np.sqrt(variance)
    return centre - half, centre + half


def _moments(values: np.ndarray, other: np.ndarray | None) -> tuple[float, float, float]:
    """Centre, variance of the centre and degrees of freedom (Welch's with ``other``)."""
    if other is None:
        return values.mean(), values.var(ddof=1) / values.size, values.size - 1
    va, vb = values.var(ddof=1) / values.size, other.var(ddof=1) / other.size
    variance = va + vb
    dof = variance**2 / (va**2 / (values.size - 1) + vb**2 / (other.size - 1)) if variance > 0 else 1.0
    return values.mean() - other.mean(), variance, dof


def mean_test(values: np.ndarray, other: np.ndarray | None = None, alternative: str = "greater") -> float:
    """p-value of the t-test that mean(values) (− mean(other)) is 0, against ``greater`` or ``two-sided``.

    NaN with fewer than two values in a sample; 1 (or 0) when every difference is exactly 0 (or
    all have one sign and no spread).
    """
    values = np.asarray(values, dtype=float)
    other = None if other is None else np.asarray(other, dtype=float)
    if values.size < 2 or (other is not None and other.size < 2):
        return np.nan
    centre, variance, dof = _moments(values, other)
    if variance == 0:
        if centre == 0:
            return 1.0
        return 0.0 if (centre > 0 or alternative == "two-sided") else 1.0
    statistic = centre / np.sqrt(variance)
    if alternative == "greater":
        return float(stats.t.sf(statistic, dof))
    if alternative == "two-sided":
        return float(2 * stats.t.sf(abs(statistic), dof))
    raise ValueError(f"alternative must be 'greater' or 'two-sided', got {alternative!r}")


def holm(p_values: np.ndarray, level: float = 0.05) -> np.ndarray:
    """Which hypotheses Holm's step-down procedure rejects at family-wise error ``level`` (NaN: never)."""
    p = np.asarray(p_values, dtype=float)
    rejected = np.zeros(p.size, dtype=bool)
    finite = np.flatnonzero(np.isfinite(p))
    order = finite[np.argsort(p[finite], kind="stable")]
    for step, index in enumerate(order):
        if p[index] > level / (order.size - step):
            break
        rejected[index] = True
    return rejected


def mean_interval(values: np.ndarray, other: np.ndarray | None = None, confidence: float = 0.95) -> tuple[float, float]:
    """Interval for mean(values), or for mean(values) − mean(other) of independent samples.

    NaN bounds where there are fewer than two values in a sample. Paired differences are
    passed as one array (``values = a − b``).
    """
    values = np.asarray(values, dtype=float)
    if values.size < 2 or (other is not None and np.size(other) < 2):
        return (np.nan, np.nan)
    centre, variance, dof = _moments(values, None if other is None else np.asarray(other, dtype=float))
    low, high = t_interval(centre, variance, dof, confidence)
    return (float(low), float(high))
