"""k-nearest-neighbour estimators of continuous MI (Kraskov–Stögbauer–Grassberger family)."""

from __future__ import annotations

import math

import numpy as np
from scipy.special import digamma, gammaln

from mibench.plugin import Conventions, number, register_estimator, unit_scaled

from ._neighbours import (
    count_within_each,
    digamma_table,
    joint_kth_distance,
    knn_indices,
    kth_neighbour_distance,
    log_each,
    max_norm,
    more_than_k,
    neighbour_params,
    prepare,
)


@register_estimator(
    "ksg",
    collinear="handled",
    check=neighbour_params,
    compute=("workers",),
    ties="refused",
    jitter_parameter="noise",
    min_samples=more_than_k,
    z_types=("continuous",),
    conventions=Conventions(
        variant="KSG algorithm 1; with z, the Frenzel–Pompe conditional form (same counting in xz, yz and z)",
        counting="strict: marginal neighbours with distance < eps_i (the k-th joint neighbour's distance), self excluded",
        ties="not handled by default (duplicates give eps_i = 0); noise=c adds N(0, (c*sd)^2) per column from the run's rng",
        standardises="no",
        complexity="O(n log n) in time, O(n k) in memory",
        citation="Kraskov, Stögbauer, Grassberger (2004), Phys. Rev. E 69, 066138, eq. (8); with z: Frenzel & Pompe "
        "(2007), Phys. Rev. Lett. 99, 204101, eq. (7)",
    ),
)
def ksg(
    x: np.ndarray,
    y: np.ndarray,
    k: int = 3,
    noise: float = 0.0,
    workers: int = 1,
    rng: np.random.Generator | None = None,
    z: np.ndarray | None = None,
) -> float:
    r"""Kraskov–Stögbauer–Grassberger estimator, algorithm 1.

    .. math::

        \hat I = \psi(k) + \psi(N) - \frac{1}{N}\sum_i \left[\psi(n_x(i)+1) + \psi(n_y(i)+1)\right]

    where :math:`\epsilon_i` is the max-norm distance from :math:`z_i=(x_i,y_i)`
    to its k-th nearest neighbour (itself excluded) and
    :math:`n_x(i) = \#\{j \ne i: \|x_j-x_i\|_\infty < \epsilon_i\}`, likewise :math:`n_y(i)`.

    Given z, the conditional MI of Frenzel & Pompe (2007):

    .. math::

        \hat I(X;Y|Z) = \psi(k) - \frac{1}{N}\sum_i \left[\psi(n_{xz}(i)+1) + \psi(n_{yz}(i)+1)
        - \psi(n_z(i)+1)\right]

    with :math:`\epsilon_i` the max-norm distance to the k-th neighbour in the joint (x, y, z)
    space and the strict counts :math:`n_{xz}(i)`, :math:`n_{yz}(i)`, :math:`n_z(i)` in the
    subspaces (x, z), (y, z) and z.

    Parameters
    ----------
    k : int
        Number of joint neighbours.
    noise : float
        Relative amplitude of Gaussian jitter added to each column before the
        search (0: none). The jitter is drawn from the run's seeded rng.
    workers : int
        Threads for the neighbour searches and counts; the value does not depend on it.

    References
    ----------
    Kraskov, A., Stögbauer, H., Grassberger, P. (2004). Estimating mutual
    information. Phys. Rev. E 69, 066138.
    Frenzel, S., Pompe, B. (2007). Partial mutual information for coupling analysis of
    multivariate time series. Phys. Rev. Lett. 99, 204101.
    """
    if z is not None:
        return _frenzel_pompe(*prepare(x, y, k, noise, rng, z), k, workers)
    x, y = prepare(x, y, k, noise, rng)
    n = x.shape[0]
    (x, y), eps = joint_kth_distance([x, y], k, workers)
    n_x, n_y = count_within_each([x, y], eps, strict=True, workers=workers)
    psi = digamma_table(max(k, n_x.max() + 1, n_y.max() + 1))
    return float(psi[k] + digamma(n) - np.mean(psi[n_x + 1] + psi[n_y + 1]))


def _frenzel_pompe(x: np.ndarray, y: np.ndarray, z: np.ndarray, k: int, workers: int) -> float:
    (x, y, z), eps = joint_kth_distance([x, y, z], k, workers)
    n_xz, n_yz, n_z = count_within_each([np.hstack([x, z]), np.hstack([y, z]), z], eps, strict=True, workers=workers)
    psi = digamma_table(max(k, n_xz.max() + 1, n_yz.max() + 1, n_z.max() + 1))
    return float(psi[k] - np.mean(psi[n_xz + 1] + psi[n_yz + 1] - psi[n_z + 1]))


KNN_CITATION = "Kraskov, Stögbauer, Grassberger (2004), Phys. Rev. E 69, 066138"


@register_estimator(
    "ksg2",
    collinear="handled",
    check=neighbour_params,
    compute=("workers",),
    ties="refused",
    jitter_parameter="noise",
    min_samples=more_than_k,
    conventions=Conventions(
        variant="KSG algorithm 2",
        counting="non-strict: marginal neighbours with distance <= eps_x(i) (the largest x-distance among the k joint "
        "neighbours), self excluded",
        ties="not handled by default (points tied at the k-th joint distance: the kd-tree picks the k); "
        "noise=c adds N(0, (c*sd)^2) per column from the run's rng",
        complexity="O(n log n) in time, O(n k) in memory",
        citation=KNN_CITATION + ", eq. (9)",
    ),
)
def ksg2(
    x: np.ndarray,
    y: np.ndarray,
    k: int = 3,
    noise: float = 0.0,
    workers: int = 1,
    rng: np.random.Generator | None = None,
) -> float:
    r"""Kraskov–Stögbauer–Grassberger estimator, algorithm 2.

    .. math::

        \hat I = \psi(k) - \frac1k + \psi(N) - \frac1N\sum_i\left[\psi(n_x(i)) + \psi(n_y(i))\right]

    with :math:`\epsilon_x(i) = \max_{j\in kNN(i)}\|x_j-x_i\|_\infty` over the k joint (max-norm)
    neighbours of :math:`z_i`, and :math:`n_x(i) = \#\{j\ne i: \|x_j-x_i\|_\infty \le \epsilon_x(i)\}`,
    likewise for y. (The −1/k term is the paper's; one public library omits it.)

    References
    ----------
    Kraskov, A., Stögbauer, H., Grassberger, P. (2004). Estimating mutual information.
    Phys. Rev. E 69, 066138.
    """
    x, y = prepare(x, y, k, noise, rng)
    return _ksg2_given(x, y, knn_indices(np.hstack([x, y]), k, workers), workers)


def _ksg2_given(x: np.ndarray, y: np.ndarray, neighbours: np.ndarray, workers: int) -> float:
    """KSG algorithm 2 from the k joint neighbours of each point (shared with lnc)."""
    n, k = neighbours.shape
    eps_x = max_norm(x, neighbours).max(axis=1)
    eps_y = max_norm(y, neighbours).max(axis=1)
    n_x, n_y = count_within_each([x, y], [eps_x, eps_y], strict=False, workers=workers)
    psi = digamma_table(max(k, n_x.max(), n_y.max()))
    return float(psi[k] - 1 / k + digamma(n) - np.mean(psi[n_x] + psi[n_y]))


def check_norm(norm: str) -> None:
    if norm not in ("max", "euclidean"):
        raise ValueError(f"norm must be 'max' or 'euclidean', got {norm!r}")


def check_alpha(alpha: float) -> None:
    if number(alpha, "alpha", 0.0, 1.0, inclusive=True) == 0:
        raise ValueError(f"alpha must be in (0, 1], got {alpha!r}")


def _log_unit_ball(dim: int, norm: str) -> float:
    if norm == "max":
        return dim * math.log(2.0)
    return 0.5 * dim * math.log(math.pi) - float(gammaln(dim / 2 + 1))


def kozachenko_leonenko(values: np.ndarray, k: int, norm: str = "max", workers: int = 1) -> float:
    r"""Ĥ = ψ(N) − ψ(k) + ln V_d + (d/N) Σ ln r_i, r_i the distance to the k-th neighbour."""
    n, dim = values.shape
    if norm == "max":
        radius = kth_neighbour_distance(values, k, workers)[1]
    else:
        neighbours = knn_indices(values, k, workers)[:, -1]
        radius = np.sqrt(np.sum((values[neighbours] - values) ** 2, axis=1))
    return float(digamma(n) - digamma(k) + _log_unit_ball(dim, norm) + dim * np.mean(log_each(radius)))


@register_estimator(
    "kl",
    collinear="refused",
    check=lambda p: (neighbour_params(p), check_norm(p["norm"])),
    compute=("workers",),
    ties="refused",
    jitter_parameter="noise",
    min_samples=more_than_k,
    conventions=Conventions(
        variant="sum of three Kozachenko–Leonenko entropies, separate kNN searches: H(X) + H(Y) − H(X,Y)",
        counting="k-th neighbour distance, self excluded",
        ties="not handled: a duplicate point gives ln 0 = −inf (recorded as invalid); use noise=c",
        complexity="O(n log n)",
        citation="Kozachenko & Leonenko (1987), Probl. Peredachi Inf. 23(2), 9",
    ),
)
def kl(
    x: np.ndarray,
    y: np.ndarray,
    k: int = 3,
    norm: str = "max",
    noise: float = 0.0,
    workers: int = 1,
    rng: np.random.Generator | None = None,
) -> float:
    r"""MI as a sum of Kozachenko–Leonenko entropy estimates.

    .. math::

        \hat H(Z) = \psi(N) - \psi(k) + \ln V_d + \frac dN\sum_i \ln r_i,\qquad
        \hat I = \hat H(X) + \hat H(Y) - \hat H(X, Y)

    :math:`r_i` is the distance from point i to its k-th neighbour in that space and
    :math:`V_d` the volume of the unit ball of the norm (:math:`2^d` for max, :math:`\pi^{d/2}/\Gamma(d/2+1)`
    for euclidean). The biases of the three terms do not cancel, which motivated KSG.

    References
    ----------
    Kozachenko, L. F., Leonenko, N. N. (1987). Sample estimate of the entropy of a random vector.
    Probl. Peredachi Inf. 23(2), 9–16.
    """
    check_norm(norm)
    x, y = prepare(x, y, k, noise, rng)
    entropy = lambda v: kozachenko_leonenko(v, k, norm, workers)  # noqa: E731
    return entropy(x) + entropy(y) - entropy(np.hstack([x, y]))


def lnc_correction(joint: np.ndarray, neighbours: np.ndarray, alpha: float) -> float:
    r"""(1/N) Σ_i 1[ln V̄_i < ln V_i + ln α] (ln V_i − ln V̄_i), the LNC term of Gao et al. (2015).

    ln V_i = Σ_c ln ε_c(i), the KSG-2 box over all joint coordinates; ln V̄_i = Σ_l ln w_l, the
    box aligned with the principal axes of the k neighbours (covariance (1/k) Σ (z_j − z_i)(z_j − z_i)ᵀ),
    with half-widths w_l = max over i and its neighbours of |v_lᵀ (z_j − z_i)|.
    """
    # (n, k, d); a point's offsets near 1e±300 are rescaled together (only the volumes' ratio counts)
    offsets = unit_scaled(joint[neighbours] - joint[:, None, :], axis=(1, 2))[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        log_box = np.sum(np.log(np.abs(offsets).max(axis=1)), axis=1)
        covariance = np.einsum("nkc,nkd->ncd", offsets, offsets) / neighbours.shape[1]
        _, axes = np.linalg.eigh(covariance)
        projected = np.abs(np.einsum("nkc,ncl->nkl", offsets, axes)).max(axis=1)
        log_pca_box = np.sum(np.log(projected), axis=1)
        corrected = log_pca_box < log_box + np.log(alpha)
        gain = np.where(corrected, log_box - log_pca_box, 0.0)  # duplicates give −inf − (−inf): no correction
    return float(np.mean(np.where(gain > 0, gain, 0.0)))


@register_estimator(
    "lnc",
    collinear="refused",
    check=lambda p: (neighbour_params(p), check_alpha(p["alpha"])),
    compute=("workers",),
    ties="refused",
    jitter_parameter="noise",
    min_samples=more_than_k,
    max_joint_dim=lambda params: params["k"],
    conventions=Conventions(
        variant="KSG algorithm 2 plus the local non-uniformity correction on the joint space (per-coordinate boxes)",
        counting="as ksg2",
        ties="not handled; noise=c adds N(0, (c*sd)^2) per column from the run's rng",
        complexity="O(n k d^2 + n d^3)",
        citation="Gao, Ver Steeg, Galstyan (2015), AISTATS, PMLR 38, 277",
    ),
)
def lnc(
    x: np.ndarray,
    y: np.ndarray,
    k: int = 5,
    alpha: float = 0.25,
    noise: float = 0.0,
    workers: int = 1,
    rng: np.random.Generator | None = None,
) -> float:
    r"""KSG with local non-uniformity correction (LNC).

    .. math::

        \hat I_{LNC} = \hat I_{KSG2} + \frac1N\sum_i \mathbb 1[\ln\bar V_i < \ln V_i + \ln\alpha]\,(\ln V_i - \ln\bar V_i)

    :math:`V_i` is the KSG-2 box around z_i and its k joint neighbours (the product of
    per-coordinate half-widths), :math:`\bar V_i` the box aligned with the neighbours' principal
    axes; where the neighbourhood is strongly non-uniform (:math:`\bar V_i < \alpha V_i`) the
    smaller volume is used. Corrects KSG's underestimation at high MI. For vector x and y the
    correction is computed on the joint space (the reference code treats every coordinate as a
    separate variable, which is a total correlation, not I(x; y)). The k neighbours must span the
    joint space (k ≥ d_x + d_y), or the principal-axes box is degenerate.

    References
    ----------
    Gao, S., Ver Steeg, G., Galstyan, A. (2015). Efficient estimation of mutual information for
    strongly dependent variables. AISTATS, PMLR 38, 277–286.
    """
    check_alpha(alpha)
    x, y = prepare(x, y, k, noise, rng)
    joint = np.hstack([x, y])
    neighbours = knn_indices(joint, k, workers)
    return _ksg2_given(x, y, neighbours, workers) + lnc_correction(joint, neighbours, alpha)
