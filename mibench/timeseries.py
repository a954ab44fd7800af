r"""Transfer entropy as conditional MI: two time series embedded as (source past, target, target past).

.. math:: T_{X\to Y}^{(k,l,u)} = I\left(Y_t;\ X_{t-u}, \dots, X_{t-u-l+1} \mid Y_{t-1}, \dots, Y_{t-k}\right)

with target history length k (``history``), source history length l (``source_history``) and
source delay u (``delay``; Schreiber's definition has u = 1). Any conditional-MI estimator then
estimates the TE from the three embedded variables; their rows are serially dependent. Given
further series W (``conditions``), the conditional transfer entropy

.. math:: T_{X\to Y \mid W} = I\left(Y_t;\ X_{t-u}, \dots \mid Y_{t-1}, \dots, Y_{t-k},\ W_{t-1}, \dots, W_{t-k}\right)

conditions on their values over the target's history window as well (Lizier et al. 2008), so
that a common driver of X and Y gives no transfer entropy.

References
----------
Schreiber, T. (2000). Measuring information transfer. Phys. Rev. Lett. 85, 461.
Wibral, M., et al. (2013). Measuring information-transfer delays. PLoS ONE 8(2), e55809.
Lizier, J. T., Prokopenko, M., Zomaya, A. Y. (2008). Local information transfer as a
spatiotemporal filter for complex systems. Phys. Rev. E 77, 026110.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .checks import positive_int
from .validation import as_2d

__all__ = ["embedding_times", "transfer_entropy_variables"]


def transfer_entropy_variables(
    source: Any, target: Any, history: int = 1, source_history: int = 1, delay: int = 1, conditions: Any = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""The variables whose conditional MI I(x; y | z) is the transfer entropy from source to target.

    .. math:: x_t = (X_{t-u}, \dots, X_{t-u-l+1}), \quad y_t = Y_t, \quad z_t = (Y_{t-1}, \dots, Y_{t-k})

    for every time t with a full history: t = m, ..., T − 1 with m = max(k, u + l − 1), so T − m rows.
    Given ``conditions`` W, z_t also holds (W_{t-1}, ..., W_{t-k}): the conditional transfer entropy.

    Parameters
    ----------
    source, target : array-like, shape (T,) or (T, d)
        Two series of the same length, time along the first axis, one row per time point (a
        multivariate series has one column per component).
    history : int
        k, the number of past target values conditioned on.
    source_history : int
        l, the number of past source values.
    delay : int
        u, the lag of the most recent source value used (1: the value just before t).
    conditions : array-like, shape (T,) or (T, d), optional
        Further series to condition on, at the target's lags 1, ..., k.

    Returns
    -------
    x, y, z : ndarray
        Shapes (T − m, l·d_source), (T − m, d_target) and (T − m, k·(d_target + d_conditions)); x's
        columns are the source at lags u, u + 1, ...; z's the target at lags 1, 2, ..., then the
        conditions at lags 1, 2, ...

    Examples
    --------
    >>> x, y, z = mibench.transfer_entropy_variables(source, target, history=2)
    >>> mibench.estimate(x, y, "ksg", z=z)  # the TE from source to target, in nats

    References
    ----------
    Schreiber, T. (2000). Measuring information transfer. Phys. Rev. Lett. 85, 461.
    Wibral, M., et al. (2013). Measuring information-transfer delays. PLoS ONE 8(2), e55809.
    Lizier, J. T., Prokopenko, M., Zomaya, A. Y. (2008). Phys. Rev. E 77, 026110 (conditional TE).
    """
    series = {"source": as_2d(source, "source"), "target": as_2d(target, "target")}
    if conditions is not None:
        series["conditions"] = as_2d(conditions, "conditions")
    if len({len(values) for values in series.values()}) > 1:
        lengths = ", ".join(f"{len(values)}" for values in series.values())
        raise ValueError(
            f"{' and '.join(series)} must be series of the same length (time along the first axis); "
            f"got {lengths} time points"
        )
    source, target = series["source"], series["target"]
    now, source_lags, target_lags = embedding_times(len(target), history, source_history, delay)
    x = np.hstack([source[now - lag] for lag in source_lags])
    pasts = [target] + ([series["conditions"]] if conditions is not None else [])
    z = np.hstack([values[now - lag] for values in pasts for lag in target_lags])
    return x, target[now], z


def embedding_times(
    length: int, history: int = 1, source_history: int = 1, delay: int = 1
) -> tuple[np.ndarray, list[int], list[int]]:
    """The time points with a full history in series of ``length`` points, and the source's and the
    target's lags: ``(now, [u, ..., u + l − 1], [1, ..., k])``, checked."""
    k = positive_int(history, "history")
    l_ = positive_int(source_history, "source_history")
    u = positive_int(delay, "delay")
    start = max(k, u + l_ - 1)
    if length <= start:
        raise ValueError(
            f"the series have {length} time points, and history={k}, source_history={l_}, delay={u} "
            f"need the {start} before a time point: no time point has a full history"
        )
    return np.arange(start, length), list(range(u, u + l_)), list(range(1, k + 1))
