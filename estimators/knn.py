"""k-nearest-neighbour estimators of continuous MI (Kraskov–Stögbauer–Grassberger family)."""

from __future__ import annotations

import numpy as np

from mibench import Conventions, register_estimator

from ._neighbours import count_within, digamma_table, knn_indices, max_norm, scale_aware_noise


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")


def _check_noise(noise: float) -> None:
    if not isinstance(noise, (int, float)) or noise < 0:
        raise ValueError(f"noise must be a number >= 0, got {noise!r}")


@register_estimator(
    "ksg",
    min_samples=lambda params: params["k"] + 1,
    conventions=Conventions(
        variant="KSG algorithm 1",
        counting="strict: marginal neighbours with distance < eps_i (the k-th joint neighbour's distance), self excluded",
        ties="not handled by default (duplicates give eps_i = 0); noise=c adds N(0, (c*sd)^2) per column from the run's rng",
        standardises="no",
        complexity="O(n log n) in time, O(n k) in memory",
        citation="Kraskov, Stögbauer, Grassberger (2004), Phys. Rev. E 69, 066138, eq. (8)",
    ),
)
def ksg(
    x: np.ndarray,
    y: np.ndarray,
    k: int = 3,
    noise: float = 0.0,
    workers: int = 1,
    rng: np.random.Generator | None = None,
) -> float:
    r"""Kraskov–Stögbauer–Grassberger estimator, algorithm 1.

    .. math::

        \hat I = \psi(k) + \psi(N) - \frac{1}{N}\sum_i \left[\psi(n_x(i)+1) + \psi(n_y(i)+1)\right]

    where :math:`\epsilon_i` is the max-norm distance from :math:`z_i=(x_i,y_i)`
    to its k-th nearest neighbour (itself excluded) and
    :math:`n_x(i) = \#\{j \ne i: \|x_j-x_i\|_\infty < \epsilon_i\}`, likewise :math:`n_y(i)`.

    Parameters
    ----------
    k : int
        Number of joint neighbours.
    noise : float
        Relative amplitude of Gaussian jitter added to each column before the
        search (0: none). The jitter is drawn from the run's seeded rng.
    workers : int
        Threads for the kd-tree searches.

    References
    ----------
    Kraskov, A., Stögbauer, H., Grassberger, P. (2004). Estimating mutual
    information. Phys. Rev. E 69, 066138.
    """
    _check_k(k)
    _check_noise(noise)
    if noise:
        x = scale_aware_noise(x, noise, rng)
        y = scale_aware_noise(y, noise, rng)
    n = x.shape[0]
    joint = np.hstack([x, y])
    kth = knn_indices(joint, k, workers)[:, -1]
    eps = max_norm(joint, kth)
    n_x = count_within(x, eps, strict=True, workers=workers)
    n_y = count_within(y, eps, strict=True, workers=workers)
    psi = digamma_table(n + 1)
    return float(psi[k] + psi[n] - np.mean(psi[n_x + 1] + psi[n_y + 1]))
