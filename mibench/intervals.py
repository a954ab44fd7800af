"""The one interval routine: confidence intervals for means of repetitions (summarize, compare, testing).

The interval for a mean over the repetitions of a cell is the union of a Student-t interval at
``confidence − 0.02`` and Hall's (1992) skewness-corrected t interval at ``confidence``. The
t interval alone under-covers skewed errors at few repetitions (91.6 % for gamma(2) errors at
5 reps) and Hall's alone heavy-tailed ones (92.8 % for t3 at 20 reps); their union, calibrated at
95 %, covered 94.2–96.6 % for normal, t3 and gamma(2) errors at 5, 10 and 20 repetitions (40,000
simulations each; exponential errors: 93.2 %, 94.4 %, 95.2 %), and a test rechecks it on fresh draws. A
percentile bootstrap over the repetitions under-covers at 5–10 (82–89 %), so it is not used.
Differences of independent means use Welch's t; the tests of ``compare`` are t-tests with Holm's
correction across cells.

Hall, P. (1992). On the removal of skewness by transformation. J. R. Stat. Soc. B 54, 221–228.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["mean_interval", "mean_test", "holm", "t_interval", "moment_interval"]

#: The t part of the union sits this much below the nominal confidence (calibrated by simulation at 95 %).
T_LEVEL_OFFSET = 0.02


def moment_interval(
    mean: np.ndarray, sd: np.ndarray, skewness: np.ndarray, count: np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Interval for a population mean from the sample mean, sd (ddof 1), skewness and count, elementwise.

    The union of ``mean ± t_{n−1} sd/√n`` at ``confidence − 0.02`` and Hall's interval at
    ``confidence``, which inverts g(T) = T + aT² + a²T³/3 + γ/(6n), a = γ/(3√n), γ the sample
    skewness. NaN where count < 2; a zero sd gives the point itself.
    """
    if not 0 < confidence - T_LEVEL_OFFSET < confidence < 1:
        raise ValueError(f"confidence must be in ({T_LEVEL_OFFSET}, 1), got {confidence!r}")
    mean, sd, count = (np.asarray(v, dtype=float) for v in (mean, sd, count))
    gamma = np.nan_to_num(np.asarray(skewness, dtype=float))
    with np.errstate(invalid="ignore", divide="ignore"):
        dof = np.where(count >= 2, count - 1, np.nan)
        se = sd / np.sqrt(count)
        q_t = stats.t.ppf(0.5 + (confidence - T_LEVEL_OFFSET) / 2, dof)
        q_hall = stats.t.ppf(0.5 + confidence / 2, dof)
        a = gamma / (3 * np.sqrt(count))
        safe_a = np.where(np.abs(a) > 1e-12, a, 1.0)

        def inverse(z: np.ndarray) -> np.ndarray:
            w = z - gamma / (6 * count)
            return np.where(np.abs(a) > 1e-12, (np.cbrt(1 + 3 * a * w) - 1) / safe_a, w)

        low = np.minimum(mean - q_t * se, mean - inverse(q_hall) * se)
        high = np.maximum(mean + q_t * se, mean - inverse(-q_hall) * se)
    return low, high


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
    """Interval for mean(values) (:func:`moment_interval`), or for mean(values) − mean(other) of
    independent samples (Welch).

    NaN bounds where there are fewer than two values in a sample. Paired differences are
    passed as one array (``values = a − b``).
    """
    values = np.asarray(values, dtype=float)
    if values.size < 2 or (other is not None and np.size(other) < 2):
        return (np.nan, np.nan)
    if other is None:
        low, high = moment_interval(values.mean(), values.std(ddof=1), skewness(values), values.size, confidence)
    else:
        low, high = t_interval(*_moments(values, np.asarray(other, dtype=float)), confidence)
    return (float(low), float(high))


def skewness(values: np.ndarray) -> float:
    """The adjusted sample skewness G1 (0 with fewer than 3 values or no spread)."""
    n = values.size
    sd = values.std(ddof=1) if n > 1 else 0.0
    if n < 3 or sd == 0:
        return 0.0
    return float(np.mean((values - values.mean()) ** 3) * n * n / ((n - 1) * (n - 2)) / sd**3)
