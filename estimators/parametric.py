"""Parametric (Gaussian) estimators."""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, ndtri

from mibench.plugin import Conventions, covariance_log_det, joint_codes, register_estimator


@register_estimator(
    "gaussian",
    ties="handled",
    collinear="refused",
    min_samples=3,
    z_types=("continuous",),
    conventions=Conventions(
        variant="plug-in Gaussian MI (or, with z, conditional MI) from the sample covariance, no bias correction",
        ties="harmless: a covariance is defined with ties",
        standardises="not needed: invariant to affine maps of x and of y",
        complexity="O(n d^2 + d^3)",
        citation="Cover & Thomas (2006), Elements of Information Theory, eq. 8.56; exact for jointly Gaussian data",
    ),
)
def gaussian(x: np.ndarray, y: np.ndarray, z: np.ndarray | None = None) -> float:
    r"""Gaussian (parametric) MI from the sample covariance.

    .. math::

        \hat I = \tfrac12 \ln \frac{\det \hat\Sigma_{xx}\,\det \hat\Sigma_{yy}}{\det \hat\Sigma}

    Given z, the Gaussian conditional MI from the same sample covariance:

    .. math::

        \hat I(X;Y|Z) = \tfrac12 \ln \frac{\det \hat\Sigma_{xz}\,\det \hat\Sigma_{yz}}
        {\det \hat\Sigma_{z}\,\det \hat\Sigma_{xyz}}

    Consistent for jointly Gaussian data; for other data it is the MI of the
    Gaussian with the same covariance. No more samples than joint dimensions are
    refused, and so are linearly dependent columns (a singular covariance: a
    column repeated within x, y a linear function of x), whose determinants are 0.
    Each log-determinant comes from the singular values of the centred columns
    (:func:`mibench.validation.covariance_log_det`), which keeps its precision at
    high MI where the covariance's own determinant does not; a column near 1e±300
    is first divided by a power of two (exact; the MI does not change).

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., §8.
    """
    dims = x.shape[1] + y.shape[1] + (0 if z is None else z.shape[1])
    if len(x) <= dims:
        raise ValueError(
            f"gaussian needs more samples than joint dimensions (its sample covariance is singular otherwise); "
            f"got {len(x)} samples of {dims} dimensions"
        )
    if z is not None:
        xz, yz, xyz = np.hstack([x, z]), np.hstack([y, z]), np.hstack([x, y, z])
        logdets = [covariance_log_det(part) for part in (xz, yz, z, xyz)]
        return float(0.5 * (logdets[0] + logdets[1] - logdets[2] - logdets[3]))
    joint = np.hstack([x, y])
    return float(0.5 * (covariance_log_det(x) + covariance_log_det(y) - covariance_log_det(joint)))


def _copula_normal(values: np.ndarray) -> np.ndarray:
    """Per column: ranks 1..N (stable order for ties) → u = rank/(N+1) → Φ⁻¹(u)."""
    ranks = np.argsort(np.argsort(values, axis=0, kind="stable"), axis=0, kind="stable") + 1
    return ndtri(ranks / (values.shape[0] + 1.0))


def gaussian_entropy_corrected(values: np.ndarray) -> float:
    r"""Ĥ = ½ ln det Ŝ + (d/2)(ln 2π + 1) − [(d/2)(ln 2 − ln(N−1)) + ½ Σ_{i=1}^{d} ψ((N−i)/2)].

    The bracket is the expected bias of ln det Ŝ under a Wishart(N−1) sample covariance.
    """
    n, dim = values.shape
    if n <= dim + 1:
        raise ValueError(f"the Gaussian entropy of a {dim}-D variable needs more than {dim + 1} samples, got {n}")
    try:
        log_det = covariance_log_det(values)
    except ValueError:
        raise ValueError(
            f"the {dim} copula-normalised columns (ranks mapped to normal scores) are linearly dependent: the ranks "
            f"of one column follow those of others (as when it is a monotone function of another), where the "
            f"Gaussian-copula MI is infinite"
        ) from None
    bias = 0.5 * dim * (np.log(2) - np.log(n - 1)) + 0.5 * np.sum(digamma((n - np.arange(1, dim + 1)) / 2))
    return float(0.5 * log_det + 0.5 * dim * (np.log(2 * np.pi) + 1) - bias)


@register_estimator(
    "gcmi",
    ties="handled",
    collinear="refused",
    types=[("continuous", "continuous"), ("continuous", "discrete"), ("discrete", "continuous")],
    min_samples=4,
    z_types=("continuous", "discrete"),
    conditional_types=[("continuous", "continuous")],
    conventions=Conventions(
        variant="Gaussian-copula MI with the Wishart bias correction; discrete side: class-conditional entropies, "
        "samples of classes with at most d + 1 members left out; with z (continuous x and y only): continuous z "
        "copula-normalised with x and y (gccmi_ccc), discrete z: Σ_z p(z) Î(X;Y|Z=z), x and y copula-normalised "
        "within each class (gccmi_ccd)",
        ties="ranks of ties broken by sample order (stable sort)",
        standardises="yes: rank-transformed to standard normal margins (invariant to increasing maps)",
        complexity="O(n log n + n d^2)",
        citation="Ince et al. (2017), Hum. Brain Mapp. 38, 1541",
    ),
)
def gcmi(
    x: np.ndarray,
    y: np.ndarray,
    *,
    x_type: str = "continuous",
    y_type: str = "continuous",
    z: np.ndarray | None = None,
    z_type: str = "continuous",
) -> float:
    r"""Gaussian-copula MI (Ince et al. 2017), bias-corrected, in nats.

    Each continuous column is copula-normalised, :math:`\tilde x = \Phi^{-1}(\mathrm{rank}/(N+1))`, and

    .. math:: \hat I = \hat H_G(\tilde X) + \hat H_G(\tilde Y) - \hat H_G(\tilde X, \tilde Y)

    with the bias-corrected Gaussian entropy
    :math:`\hat H_G = \tfrac12\ln\det\hat S + \tfrac d2(\ln2\pi+1) - [\tfrac d2(\ln2-\ln(N-1)) + \tfrac12\sum_{i=1}^d\psi(\tfrac{N-i}2)]`.
    With a discrete side Y: :math:`\hat I = \hat H_G(\tilde X) - \sum_y \frac{N_y}{N}\hat H_G(\tilde X|Y=y)`,
    each term corrected with its own N_y. A lower bound on I when the copula is not Gaussian.

    Given z (continuous x and y): a continuous z is copula-normalised like x and y and
    :math:`\hat I = \hat H_G(\tilde X,\tilde Z) + \hat H_G(\tilde Y,\tilde Z) - \hat H_G(\tilde X,\tilde Y,\tilde Z) - \hat H_G(\tilde Z)`;
    a discrete z gives :math:`\hat I = \sum_z \frac{N_z}{N} \hat I(\tilde X_z; \tilde Y_z)`, x and y
    copula-normalised within each class (classes with at most d_x + d_y + 1 members left out).

    References
    ----------
    Ince, R. A. A. et al. (2017). A statistical framework for neuroimaging data analysis based on
    mutual information estimated via a Gaussian copula. Hum. Brain Mapp. 38, 1541–1573.
    """
    discrete_x, discrete_y = x_type == "discrete", y_type == "discrete"
    if z is not None:
        if discrete_x or discrete_y:
            raise ValueError("gcmi conditions continuous x and y only (Ince et al. give no form for a discrete side)")
        return _gcmi_conditional(x, y, z, z_type)
    if discrete_x or discrete_y:
        continuous, labels = (y, x) if discrete_x else (x, y)
        codes = joint_codes(labels)
        # A class needs more than d + 1 samples for its covariance; samples of smaller classes are left out.
        sizes = np.bincount(codes)
        keep = sizes[codes] > continuous.shape[1] + 1
        continuous, codes = continuous[keep], codes[keep]
        if continuous.shape[0] < continuous.shape[1] + 2:
            raise ValueError("gcmi: no class has enough samples for a class-conditional covariance")
        copula = _copula_normal(continuous)
        conditional = 0.0
        for label in np.unique(codes):
            members = codes == label
            conditional += members.mean() * gaussian_entropy_corrected(copula[members])
        return gaussian_entropy_corrected(copula) - conditional
    return _gcmi_continuous(x, y)


def _gcmi_continuous(x: np.ndarray, y: np.ndarray) -> float:
    cx, cy = _copula_normal(x), _copula_normal(y)
    return (
        gaussian_entropy_corrected(cx)
        + gaussian_entropy_corrected(cy)
        - gaussian_entropy_corrected(np.hstack([cx, cy]))
    )


def _gcmi_conditional(x: np.ndarray, y: np.ndarray, z: np.ndarray, z_type: str) -> float:
    if z_type != "discrete":
        cx, cy, cz = _copula_normal(x), _copula_normal(y), _copula_normal(z)
        entropy = gaussian_entropy_corrected
        return (
            entropy(np.hstack([cx, cz])) + entropy(np.hstack([cy, cz])) - entropy(np.hstack([cx, cy, cz])) - entropy(cz)
        )
    codes = joint_codes(z)
    sizes = np.bincount(codes)
    usable = np.flatnonzero(sizes > x.shape[1] + y.shape[1] + 1)
    if usable.size == 0:
        raise ValueError("gcmi: no class of z has enough samples for a class-conditional covariance")
    weights = sizes[usable] / sizes[usable].sum()
    return float(sum(w * _gcmi_continuous(x[codes == c], y[codes == c]) for w, c in zip(weights, usable)))
