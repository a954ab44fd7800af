"""Estimators for discrete–continuous data and for variables with atoms (point masses)."""

from __future__ import annotations

import math

import numpy as np

from mibench.plugin import VARIABLE_TYPES, Conventions, joint_codes, register_estimator, unit_scaled

from ._neighbours import (
    check_k,
    count_within,
    digamma_table,
    joint_kth_distance,
    kth_neighbour_distance,
    more_than_k,
    neighbour_params,
)


def _ross(labels: np.ndarray, values: np.ndarray, k: int, workers: int) -> float:
    codes = joint_codes(labels)
    class_size = np.bincount(codes)[codes]
    keep = class_size > 1  # a label seen once has no neighbour of its own class
    codes, values, class_size = codes[keep], values[keep], class_size[keep]
    n = codes.size
    if n < 2:
        raise ValueError("ross needs at least one label that occurs twice")
    radius = np.empty(n)
    k_used = np.minimum(k, class_size - 1)
    for label in np.unique(codes):
        members = np.flatnonzero(codes == label)
        k_label = int(k_used[members[0]])
        order, distance = kth_neighbour_distance(values[members], k_label, workers)
        radius[members[order]] = distance
    m = count_within(values, radius, strict=False, workers=workers)
    psi = digamma_table(n + 1)
    return float(psi[n] - np.mean(psi[class_size]) + np.mean(psi[k_used]) - np.mean(psi[m]))


@register_estimator(
    "ross",
    collinear="handled",
    check=neighbour_params,
    compute=("workers",),
    ties="refused",
    types=[("discrete", "continuous"), ("continuous", "discrete")],
    min_samples=more_than_k,
    conventions=Conventions(
        variant="Ross (2014) nearest-neighbour MI between a discrete and a continuous variable (max-norm)",
        counting="non-strict: m_i = #{j != i: ||y_j - y_i|| <= d_i}, d_i the k-th same-label neighbour distance",
        ties="labels seen once are dropped and N counts the rest; k_i = min(k, N_x - 1) (as scikit-learn)",
        complexity="O(n log n)",
        citation="Ross (2014), PLoS ONE 9, e87357",
    ),
)
def ross(x: np.ndarray, y: np.ndarray, k: int = 3, workers: int = 1, *, x_type: str = "discrete") -> float:
    r"""Ross (2014) estimator of I(X; Y) for discrete X and continuous Y (or the reverse).

    .. math:: \hat I = \psi(N) - \langle\psi(N_{x_i})\rangle + \psi(k) - \langle\psi(m_i)\rangle

    :math:`N_{x_i}` is the number of samples with label :math:`x_i`; :math:`d_i` the distance from
    :math:`y_i` to its k-th nearest neighbour among them; :math:`m_i` the number of samples of
    any label within :math:`d_i` of :math:`y_i` (itself excluded, the k-th neighbour included).

    References
    ----------
    Ross, B. C. (2014). Mutual information between discrete and continuous data sets. PLoS ONE 9, e87357.
    """
    check_k(k)
    labels, values = (x, y) if x_type == "discrete" else (y, x)
    return _ross(labels, values, k, workers)


ANY_PAIR = [(a, b) for a in VARIABLE_TYPES for b in VARIABLE_TYPES]
DISCRETE_METRIC = (
    "no; a discrete variable's rows are 0 apart if equal, else all equally far, farther than any continuous "
    "distance (the discrete metric: how its labels are numbered cannot matter)"
)


#: What the two mixed kNN estimators declare alike.
MIXED_NEIGHBOURS = {
    "ties": "handled",
    "check": neighbour_params,
    "compute": ("workers",),
    "types": ANY_PAIR,
    "min_samples": more_than_k,
}


def _metric_spaces(variables: list[tuple[np.ndarray, str]]) -> tuple[list[np.ndarray], float]:
    """The variables in the max-norm space the two estimators search, and the spacing of labels there.

    Continuous and mixed variables are divided by one power of two where their magnitudes lie beyond
    2^±400 (:func:`~mibench.validation.unit_scaled` over all of them: exact, so every comparison of
    distances is as before, and room is left to space labels past them). A discrete variable's codes
    are spaced by a power of two above twice every continuous span: exactly that far apart in floating
    point, and farther than any continuous distance. Searches in this space find the neighbours of
    the discrete metric (different labels all one spacing apart) while the radius stays below the
    spacing; a point whose k-th neighbour lies farther has, in that metric, every point of another
    label at exactly one spacing, so the estimators take ``rho = spacing`` there and never count at a
    larger radius.
    """
    continuous = [values for values, kind in variables if kind != "discrete"]
    unit = float(unit_scaled(np.hstack(continuous), axis=(0, 1))[1].item()) if continuous else 1.0
    if unit != 1.0:
        continuous = [values / unit for values in continuous]
    spacing = 2.0 ** math.ceil(math.log2(2.0 * max((float(np.ptp(v)) for v in continuous), default=0.0) + 1.0))
    scaled = iter(continuous)
    spaces = [values.astype(np.float64) * spacing if kind == "discrete" else next(scaled) for values, kind in variables]
    return spaces, spacing


@register_estimator(
    "mixed_ksg",
    collinear="handled",
    **MIXED_NEIGHBOURS,
    conventions=Conventions(
        variant="Gao et al. (2017) mixed KSG, the authors' code form, with exact comparisons instead of 1e-15",
        counting="rho_i > 0: counts strictly within rho_i, self included, k~ = k; rho_i = 0: counts of exact "
        "duplicates (self included) in z, x and y",
        ties="handled by the method: atoms and repeated values are its point",
        complexity="O(n log n)",
        citation="Gao, Kannan, Oh, Viswanath (2017), NeurIPS 30",
        standardises=DISCRETE_METRIC,
    ),
)
def mixed_ksg(
    x: np.ndarray,
    y: np.ndarray,
    k: int = 5,
    workers: int = 1,
    *,
    x_type: str = "continuous",
    y_type: str = "continuous",
) -> float:
    r"""Mixed KSG (Gao, Kannan, Oh, Viswanath 2017): MI for any mix of discrete, continuous and atoms.

    With :math:`\rho_i` the max-norm distance from :math:`z_i` to its k-th joint neighbour,

    .. math:: \hat I = \frac1N\sum_i\left[\psi(\tilde k_i) + \ln N - \psi(n_{x,i}) - \psi(n_{y,i})\right]

    where, if :math:`\rho_i = 0`, :math:`\tilde k_i, n_{x,i}, n_{y,i}` count the points equal to
    :math:`z_i, x_i, y_i` (itself included), and otherwise :math:`\tilde k_i = k` and
    :math:`n_{x,i} = \#\{j: \|x_j-x_i\| < \rho_i\}` (itself included), likewise :math:`n_{y,i}`.
    A discrete variable enters in the discrete metric: 0 between equal labels, else one distance
    larger than any continuous one, so how the labels are numbered cannot change the estimate.

    References
    ----------
    Gao, W., Kannan, S., Oh, S., Viswanath, P. (2017). Estimating mutual information for
    discrete–continuous mixtures. NeurIPS 30.
    """
    check_k(k)
    (x, y), scale = _metric_spaces([(x, x_type), (y, y_type)])
    (x, y), rho = joint_kth_distance([x, y], k, workers)
    rho = np.minimum(rho, scale)  # the discrete metric: every other label lies at exactly `scale`
    joint = np.hstack([x, y])
    n = joint.shape[0]
    atom = rho == 0
    k_tilde = np.where(atom, count_within(joint, np.zeros(n), strict=False, workers=workers) + 1, k)
    n_x = count_within(x, rho, strict=True, workers=workers) + 1
    n_y = count_within(y, rho, strict=True, workers=workers) + 1
    zero = np.zeros(n)
    n_x[atom] = (count_within(x, zero, strict=False, workers=workers) + 1)[atom]
    n_y[atom] = (count_within(y, zero, strict=False, workers=workers) + 1)[atom]
    psi = digamma_table(n + 1)
    return float(np.mean(psi[k_tilde] - psi[n_x] - psi[n_y]) + math.log(n))


@register_estimator(
    "mesner_shalizi",
    collinear="handled",
    **MIXED_NEIGHBOURS,
    z_types=VARIABLE_TYPES,
    conventions=Conventions(
        variant="Mesner & Shalizi (2021) kNN conditional MI for mixed data; without z, its reduction with Z trivial "
        "(n_z = N − 1)",
        counting="non-strict: neighbours with distance <= rho_i (the k-th joint neighbour's distance), self excluded; "
        "k~_i = the number of other points within rho_i: k, more with ties at rho_i (the authors' code, knncmi)",
        ties="handled by the method: atoms and repeated values are its point",
        clipping="none: the raw mean of xi_i, may be negative",
        complexity="O(n log n)",
        citation="Mesner & Shalizi (2021), IEEE Trans. Inf. Theory 67(1), 464",
        standardises=DISCRETE_METRIC,
    ),
)
def mesner_shalizi(
    x: np.ndarray,
    y: np.ndarray,
    k: int = 5,
    workers: int = 1,
    *,
    x_type: str = "continuous",
    y_type: str = "continuous",
    z: np.ndarray | None = None,
    z_type: str = "continuous",
) -> float:
    r"""Conditional MI for any mix of discrete, continuous and mixed variables (Mesner & Shalizi 2021).

    With :math:`\rho_i` the max-norm distance from :math:`w_i = (x_i, y_i, z_i)` to its k-th
    nearest neighbour,

    .. math::

        \hat I(X;Y|Z) = \frac1N\sum_i \left[\psi(\tilde k_i) - \psi(n_{xz,i}) - \psi(n_{yz,i}) + \psi(n_{z,i})\right]

    where :math:`n_{v,i} = \#\{j \ne i: \|v_j - v_i\|_\infty \le \rho_i\}` in the subspace v, and
    :math:`\tilde k_i` the same count in the joint space: k, or more where points tie at
    :math:`\rho_i` (at 0, repeated points), as the authors' code (knncmi) counts it. Without z, Z is
    trivial: :math:`n_{z,i} = N - 1` and the subspaces are x and y. A discrete variable enters in
    the discrete metric (0 between equal labels, else one distance larger than any continuous one),
    so a point whose cell holds fewer than k others has every point within :math:`\rho_i` and a
    term of 0, and how the labels are numbered cannot change the estimate.

    Measured (results/cmi, README): +0.01 to +0.03 nats on continuous data at n = 5,000 (−0.05 on
    the 2 × 2 × 2 collider); within 0.008 on every discrete table and on a zero-inflated response
    given a continuous or mixed covariate; at n = 200, +0.24 on the discrete collider, whose rare
    cells hold k samples or fewer.

    References
    ----------
    Mesner, O. C., Shalizi, C. R. (2021). Conditional mutual information estimation for mixed,
    discrete and continuous data. IEEE Trans. Inf. Theory 67(1), 464–484.
    """
    check_k(k)
    variables = [(x, x_type), (y, y_type), *([(z, z_type)] if z is not None else [])]
    spaces, scale = _metric_spaces(variables)
    spaces, rho = joint_kth_distance(spaces, k, workers)
    n = rho.size
    # Where the k-th neighbour has another label, the discrete metric puts every point within
    # rho = scale: all counts are N - 1 and the point's term is 0.
    near = rho < scale
    radius = np.where(near, rho, 0.0)
    k_tilde = count_within(np.hstack(spaces), radius, strict=False, workers=workers)
    conditioning = spaces[2:]
    n_xz, n_yz = (
        count_within(np.hstack([v, *conditioning]), radius, strict=False, workers=workers) for v in spaces[:2]
    )
    n_z = count_within(conditioning[0], radius, strict=False, workers=workers) if conditioning else np.full(n, n - 1)
    psi = digamma_table(n)
    terms = psi[k_tilde[near]] - psi[n_xz[near]] - psi[n_yz[near]] + psi[n_z[near]]
    return float(np.sum(terms) / n)
