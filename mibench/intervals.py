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

The interval for a mean squared error (:func:`mse_interval`, the RMSE interval of summarize)
splits it as bias² + variance and joins an interval for each by MOVER. Its upper variance limit
assumes tails as heavy as Student's t with 3 degrees of freedom, since a few repetitions cannot
show the rare large errors that make up much of such a variance; its lower limit, which large
errors can only push up, leaves out the largest squared deviation. Calibrated at 95 %, it covered
93.5–97.2 % for normal (bias 0 to 2 sd), t3 and gamma(2) errors at 5, 10 and 20 repetitions
(40,000 simulations each, ``benchmarks/interval_coverage.py``; 93.7–95.9 % for t5, exponential
and mirrored gamma errors, held out of the calibration), and a test rechecks it on fresh draws.

Hall, P. (1992). On the removal of skewness by transformation. J. R. Stat. Soc. B 54, 221–228.
Zou, G. Y. & Donner, A. (2008). Construction of confidence limits about effect measures: a
general approach. Statistics in Medicine 27, 1693–1702.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from scipy import special

__all__ = [
    "mean_interval",
    "mean_test",
    "holm",
    "t_interval",
    "moment_interval",
    "mse_interval",
    "error_moments",
    "moments_for_mse",
    "skewness_from_moments",
]

#: The t part of the union sits this much below the nominal confidence (calibrated by simulation at 95 %).
T_LEVEL_OFFSET = 0.02

#: mse_interval's shares of the miss rate α = 1 − confidence (calibrated by simulation at 95 %):
#: its bias interval is at 1 − 2α, its variance limits at the 1.2α upper quantile of the trimmed
#: variance under normal errors and the 0.6α lower quantile of the variance under t3 errors.
MSE_BIAS_SHARE, MSE_LOWER_SHARE, MSE_UPPER_SHARE = 2.0, 1.2, 0.6
#: Draws behind each reference quantile, and the largest count simulated (a larger count uses this
#: one's quantiles, which widens its interval).
REFERENCE_DRAWS, REFERENCE_MAX_COUNT = 100_000, 100


def _t_quantile(probability: float, dof: np.ndarray) -> np.ndarray:
    """Student's t quantile, as ``scipy.stats.t.ppf`` computes it (``stdtrit``), without importing
    scipy.stats (0.4 s or more)."""
    return special.stdtrit(dof, probability)


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
        q_t = _t_quantile(0.5 + (confidence - T_LEVEL_OFFSET) / 2, dof)
        q_hall = _t_quantile(0.5 + confidence / 2, dof)
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
        half = _t_quantile(0.5 + confidence / 2, np.where(dof >= 1, dof, np.nan)) * np.sqrt(variance)
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
        return float(special.stdtr(dof, -statistic))
    if alternative == "two-sided":
        return float(2 * special.stdtr(dof, -abs(statistic)))
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


def skewness(values: np.ndarray) -> np.ndarray | float:
    """The adjusted sample skewness G1 of a 1-D array, or of each row of a 2-D one (0 with fewer
    than 3 values or no spread)."""
    values = np.asarray(values, dtype=float)
    deviations = values - values.mean(axis=-1, keepdims=True)
    count = values.shape[-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        variance = (deviations**2).sum(axis=-1) / (count - 1)
    result = skewness_from_moments((deviations**3).mean(axis=-1), variance, count)
    return float(result) if np.ndim(result) == 0 else result


def skewness_from_moments(m3: np.ndarray, variance: np.ndarray, count: np.ndarray | int) -> np.ndarray:
    """G1 = m₃ n² / ((n − 1)(n − 2) s³) from the third central moment m₃ (divided by n) and the
    variance s² (ddof 1); 0 below 3 values or without spread."""
    m3, variance, count = (np.asarray(v, dtype=float) for v in (m3, variance, count))
    with np.errstate(invalid="ignore", divide="ignore"):
        g1 = m3 * count**2 / ((count - 1) * (count - 2)) / variance**1.5
    return np.where((variance > 0) & (count >= 3), g1, 0.0)


def mse_interval(
    mean: np.ndarray,
    sd: np.ndarray,
    skewness: np.ndarray,
    kurtosis: np.ndarray,
    trimmed_variance: np.ndarray,
    count: np.ndarray,
    confidence: float = 0.95,
) -> tuple[np.ndarray, np.ndarray]:
    """Interval for the mean squared error E[e²] = b² + σ² from the errors' moments, elementwise.

    With ē, s² (ddof 1), n: the estimates are θ₁ = ē² − s²/n for b² and θ₂ = s² for σ². The bias
    interval [l, u] (:func:`moment_interval` at 1 − 2α) gives b² in [0 or min(l², u²), max(l², u²)];
    σ² is above ``trimmed_variance`` / q_N(1 − 1.2α), where the trimmed variance is
    (Σ(e − ē)² − max (e − ē)²) / (n − 1) and q_N its quantile over σ² under normal errors, and below
    s² / q_t3(0.6α), q_t3 the quantile of s²/σ² under Student-t3 errors (both simulated). MOVER joins
    them (Zou & Donner 2008): θ₁ + θ₂ ∓ √(d₁² + d₂² + 2r d₁d₂), d the distances from each estimate
    to its limit, r = max(0, sign(ē) G1 / √(k − (n − 3)/(n − 1))) the correlation of ē² with s²
    (G1 the sample skewness, k the kurtosis m₄/m₂²). NaN where count < 2.

    Calibrated at 95 %. At other levels the shares of α scale with it: measured on the normal
    (bias 0 to 2 sd), t3 and gamma(2) errors of ``benchmarks/interval_coverage.py`` at 5–20
    repetitions, 86.3–92.3 % at 90 % and 98.3–99.6 % at 99 %.
    """
    alpha = 1 - confidence
    if not 0 < MSE_BIAS_SHARE * alpha < 1:
        raise ValueError(f"confidence must be in ({1 - 1 / MSE_BIAS_SHARE}, 1), got {confidence!r}")
    mean, sd, skewness, kurtosis, trimmed_variance, count = (
        np.asarray(v, dtype=float) for v in (mean, sd, skewness, kurtosis, trimmed_variance, count)
    )
    bias_low, bias_high = moment_interval(mean, sd, skewness, count, 1 - MSE_BIAS_SHARE * alpha)
    variance = sd**2
    sizes, where = np.unique(np.where(count >= 2, count, 2).astype(int), return_inverse=True)
    lower_q = np.array([_normal_trimmed_variance_quantile(size, 1 - MSE_LOWER_SHARE * alpha) for size in sizes])
    upper_q = np.array([_t3_variance_quantile(size, MSE_UPPER_SHARE * alpha) for size in sizes])
    lower_q, upper_q = lower_q[where].reshape(count.shape), upper_q[where].reshape(count.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        squared_bias = mean**2 - variance / count
        covers_zero = (bias_low <= 0) & (bias_high >= 0)
        squared_low = np.where(covers_zero, 0.0, np.minimum(bias_low**2, bias_high**2))
        squared_high = np.maximum(bias_low**2, bias_high**2)
        spread = np.sqrt(np.maximum(kurtosis - (count - 3) / (count - 1), 1e-12))
        r = np.clip(np.sign(mean) * np.nan_to_num(skewness) / spread, 0.0, 1.0)
        d1_low = np.clip(squared_bias - squared_low, 0, None)
        d2_low = np.clip(variance - trimmed_variance / lower_q, 0, None)
        d1_high = np.clip(squared_high - squared_bias, 0, None)
        d2_high = variance / upper_q - variance
        centre = squared_bias + variance
        low = np.clip(centre - np.sqrt(d1_low**2 + d2_low**2 + 2 * r * d1_low * d2_low), 0, None)
        high = centre + np.sqrt(d1_high**2 + d2_high**2 + 2 * r * d1_high * d2_high)
    invalid = ~(count >= 2)
    return np.where(invalid, np.nan, low), np.where(invalid, np.nan, high)


def error_moments(errors: np.ndarray) -> dict[str, np.ndarray]:
    """The moments :func:`mse_interval` takes, of each row of ``errors`` (2-D) or of a 1-D array."""
    errors = np.asarray(errors, dtype=float)
    count = errors.shape[-1]
    deviations = errors - errors.mean(axis=-1, keepdims=True)
    squares = deviations**2
    with np.errstate(invalid="ignore", divide="ignore"):
        variance = squares.sum(axis=-1) / (count - 1)
    return moments_for_mse(
        errors.mean(axis=-1),
        variance,
        (squares * deviations).mean(axis=-1),
        (squares**2).mean(axis=-1),
        squares.max(axis=-1),
        np.full(deviations.shape[:-1], count),
    )


def moments_for_mse(
    mean: np.ndarray,
    variance: np.ndarray,
    m3: np.ndarray,
    m4: np.ndarray,
    largest_square: np.ndarray,
    count: np.ndarray,
) -> dict[str, np.ndarray]:
    """:func:`mse_interval`'s arguments from the mean, the variance s² (ddof 1), the central moments
    m₃, m₄ (divided by n), the largest squared deviation and the count: s, G1, the kurtosis m₄/m₂²
    (m₂ = s²(n − 1)/n) and the trimmed variance s² − largest / (n − 1)."""
    mean, variance, m3, m4, largest_square, count = (
        np.asarray(v, dtype=float) for v in (mean, variance, m3, m4, largest_square, count)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        m2 = variance * (count - 1) / count
        return {
            "mean": mean,
            "sd": np.sqrt(variance),
            "skewness": skewness_from_moments(m3, variance, count),
            "kurtosis": np.where(m2 > 0, m4 / m2**2, 0.0),
            "trimmed_variance": variance - largest_square / (count - 1),
            "count": count,
        }


def _reference_statistics(kind: str, count: int) -> np.ndarray:
    """REFERENCE_DRAWS values of the variance over σ² (t3) or the trimmed variance over σ² (normal)
    of ``count`` draws, from a fixed seed per count, simulated in blocks to bound the memory."""
    rng = np.random.default_rng([20261126, count, 0 if kind == "normal" else 3])
    block, values = 10_000, []
    for _ in range(REFERENCE_DRAWS // block):
        if kind == "normal":
            squares = rng.standard_normal((block, count))
            squares = (squares - squares.mean(axis=1, keepdims=True)) ** 2
            values.append((squares.sum(axis=1) - squares.max(axis=1)) / (count - 1))
        else:
            values.append(rng.standard_t(3, (block, count)).var(axis=1, ddof=1) / 3.0)
    return np.concatenate(values)


@cache
def _normal_trimmed_variance_quantile(count: int, q: float) -> float:
    return float(np.quantile(_reference_statistics("normal", min(count, REFERENCE_MAX_COUNT)), q))


@cache
def _t3_variance_quantile(count: int, q: float) -> float:
    return float(np.quantile(_reference_statistics("t3", min(count, REFERENCE_MAX_COUNT)), q))
