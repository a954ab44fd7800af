r"""Estimators of MI between discrete variables, from the joint count table.

Labels may be of any hashable type; a multivariate x or y is one joint symbol. Unless a method
defines MI itself, it is formed from entropies with the same estimator for all three terms,

.. math:: \hat I = \hat H(X) + \hat H(Y) - \hat H(X, Y),

where the alphabet sizes are the observed ones: K_X and K_Y symbols, and K_X·K_Y cells for the
joint (unobserved cells counted as empty). Bias-corrected values can be negative and are returned
raw. Formulas and sources: Paninski (2003) and Hausser & Strimmer (2009) for an overview.

Given a discrete z, each estimator returns the conditional MI in the same way from four entropies,

.. math:: \hat I(X;Y|Z) = \hat H(X, Z) + \hat H(Y, Z) - \hat H(X, Y, Z) - \hat H(Z),

over K_X·K_Z, K_Y·K_Z, K_X·K_Y·K_Z and K_Z cells (Cover & Thomas 2006, eq. 2.60–2.61).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import digamma, gammaln, polygamma

from mibench.plugin import Conventions, joint_codes, number, register_estimator

DISCRETE_PAIR = (("discrete", "discrete"),)
DISCRETE_Z = ("discrete",)

#: Joint tables up to this many cells are counted densely; larger ones by sorting.
DENSE_CELLS = 50_000_000


@dataclass(frozen=True)
class Counts:
    """Non-zero counts of one variable (or of the joint) and the size of its alphabet."""

    counts: np.ndarray  # non-zero counts, int64
    alphabet: int  # K, including unobserved symbols

    @property
    def total(self) -> int:
        return int(self.counts.sum())


def count_tables(x: np.ndarray, y: np.ndarray) -> tuple[Counts, Counts, Counts]:
    """Counts of X, of Y and of (X, Y)."""
    a, b = joint_codes(x), joint_codes(y)
    kx, ky = int(a.max()) + 1, int(b.max()) + 1
    cell = a.astype(np.int64) * ky + b
    if kx * ky <= DENSE_CELLS:
        dense = np.bincount(cell, minlength=kx * ky)
        joint = dense[dense > 0]
    else:
        joint = np.unique(cell, return_counts=True)[1]
    count_x = np.bincount(a, minlength=kx)
    count_y = np.bincount(b, minlength=ky)
    return Counts(count_x, kx), Counts(count_y, ky), Counts(joint.astype(np.int64), kx * ky)


def _xlogx(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    return values * np.log(np.where(values > 0, values, 1.0))


# -- entropy estimators on counts ---------------------------------------------------------------
def entropy_plugin(c: Counts) -> float:
    """Ĥ_ML = ln N − (1/N) Σ n_i ln n_i."""
    n = c.total
    return float(np.log(n) - _xlogx(c.counts).sum() / n)


def entropy_miller_madow(c: Counts) -> float:
    """Ĥ_MM = Ĥ_ML + (K_obs − 1)/(2N), K_obs the number of occupied cells (Miller 1955)."""
    occupied = int(np.count_nonzero(c.counts))
    return entropy_plugin(c) + (occupied - 1) / (2 * c.total)


def entropy_jackknife(c: Counts) -> float:
    """Ĥ_JK = N Ĥ_ML − ((N−1)/N) Σ_j Ĥ_ML^{(−j)} (Zahl 1977), grouped by cell: Σ_j = Σ_i n_i Ĥ(n − e_i)."""
    counts = c.counts[c.counts > 0].astype(np.float64)
    n = counts.sum()
    if n < 2:
        return entropy_plugin(c)
    s = _xlogx(counts).sum()
    leave_one_out = np.log(n - 1) - (s - _xlogx(counts) + _xlogx(counts - 1)) / (n - 1)
    return float(n * entropy_plugin(c) - (n - 1) / n * np.sum(counts * leave_one_out))


def entropy_chao_shen(c: Counts) -> float:
    """Coverage-adjusted Horvitz–Thompson entropy (Chao & Shen 2003).

    f1 = singletons (set to N−1 if every sample is a singleton); C = 1 − f1/N; p_a = C n_i/N;
    Ĥ = −Σ p_a ln p_a / (1 − (1 − p_a)^N).
    """
    counts = c.counts[c.counts > 0].astype(np.float64)
    n = counts.sum()
    singletons = float(np.sum(counts == 1))
    if singletons == n:
        singletons = n - 1
    coverage = 1 - singletons / n
    pa = coverage * counts / n
    with np.errstate(divide="ignore"):  # pa = 1 (one symbol): the inclusion probability is exactly 1
        inclusion = -np.expm1(n * np.log1p(-pa))
    return float(-np.sum(pa * np.log(pa) / inclusion))


def _grassberger_g(n: np.ndarray) -> np.ndarray:
    """G(n) = ψ(n) + ½(−1)^n [ψ((n+1)/2) − ψ(n/2)] (Grassberger 2003, eq. 35)."""
    n = n.astype(np.float64)
    sign = np.where(n % 2 == 0, 1.0, -1.0)
    return digamma(n) + 0.5 * sign * (digamma((n + 1) / 2) - digamma(n / 2))


def entropy_grassberger(c: Counts) -> float:
    """Ĥ_G = ln N − (1/N) Σ n_i G(n_i) (Grassberger 2003)."""
    counts = c.counts[c.counts > 0]
    n = counts.sum()
    return float(np.log(n) - np.sum(counts * _grassberger_g(counts)) / n)


def entropy_pseudocount(c: Counts, a: float) -> float:
    """Entropy of the posterior-mean pmf (n_i + a)/(N + K a) over all K cells."""
    n, k = c.total, c.alphabet
    observed = c.counts[c.counts > 0].astype(np.float64)
    empty = k - observed.size
    denominator = n + k * a
    p = (observed + a) / denominator
    value = -np.sum(p * np.log(p))
    if empty and a > 0:
        q = a / denominator
        value -= empty * q * np.log(q)
    return float(value)


def _posterior_mean_entropy(
    beta: np.ndarray, values: np.ndarray, multiplicity: np.ndarray, n: int, k: int
) -> np.ndarray:
    """⟨H⟩_β = ψ(N+Kβ+1) − Σ_i (n_i+β)/(N+Kβ) ψ(n_i+β+1), summed over all K cells (Wolpert & Wolf 1995)."""
    b = beta[:, None]
    total = n + k * beta
    terms = multiplicity * (values + b) * digamma(values + b + 1)
    return digamma(total + 1) - terms.sum(axis=1) / total


def entropy_dirichlet_mean(c: Counts, a: float) -> float:
    """Posterior mean of the entropy under a symmetric Dirichlet(a) prior (Wolpert & Wolf 1995)."""
    values, multiplicity = _multiplicities(c)
    return float(_posterior_mean_entropy(np.array([a]), values, multiplicity, c.total, c.alphabet)[0])


def _multiplicities(c: Counts) -> tuple[np.ndarray, np.ndarray]:
    """Distinct counts (0 included when cells are empty) and how many cells have each."""
    values, multiplicity = np.unique(c.counts[c.counts > 0], return_counts=True)
    empty = c.alphabet - int(multiplicity.sum())
    if empty > 0:
        values, multiplicity = np.append(values, 0), np.append(multiplicity, empty)
    return values.astype(np.float64), multiplicity.astype(np.float64)


def entropy_nsb(c: Counts, grid: int = 4000) -> float:
    r"""NSB entropy (Nemenman, Shafee, Bialek 2002): ⟨H⟩_β averaged over the posterior of β.

    The prior on β is flat in the a-priori mean entropy ξ(β) = ψ(Kβ+1) − ψ(β+1), so its density is
    dξ/dβ = K ψ₁(Kβ+1) − ψ₁(β+1); the evidence is ρ(β|n) = Γ(Kβ)/Γ(N+Kβ) Π Γ(n_i+β)/Γ(β).
    Both integrals run over u = ln β with the trapezoid rule, in log weights (max subtracted) on a
    grid refined around the posterior mode, so the result is always a finite number.
    """
    values, multiplicity = _multiplicities(c)
    n, k = c.total, c.alphabet
    if k == 1:
        return 0.0

    def log_weight(u: np.ndarray) -> np.ndarray:
        beta = np.exp(u)
        log_evidence = gammaln(k * beta) - gammaln(n + k * beta)
        log_evidence += (multiplicity * (gammaln(values + beta[:, None]) - gammaln(beta[:, None]))).sum(axis=1)
        prior = k * polygamma(1, k * beta + 1) - polygamma(1, beta + 1)
        return log_evidence + np.log(np.maximum(prior, np.finfo(float).tiny)) + u

    coarse = np.linspace(np.log(1e-8), np.log(1e6), 2000)
    w = log_weight(coarse)
    alive = np.flatnonzero(w > w.max() - 60)
    low, high = coarse[max(alive[0] - 2, 0)], coarse[min(alive[-1] + 2, coarse.size - 1)]
    u = np.linspace(low, high, grid)
    w = log_weight(u)
    weights = np.exp(w - w.max())
    mean_entropy = _posterior_mean_entropy(np.exp(u), values, multiplicity, n, k)
    return float(np.trapezoid(weights * mean_entropy, u) / np.trapezoid(weights, u))


def conditional_counts(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> tuple[Counts, Counts, Counts, Counts]:
    """Counts of (X, Z), (Y, Z), (X, Y, Z) and Z, over alphabets of K_x K_z, K_y K_z, K_x K_y K_z and K_z."""
    a, b, c = joint_codes(x).astype(np.int64), joint_codes(y).astype(np.int64), joint_codes(z).astype(np.int64)
    kx, ky, kz = int(a.max()) + 1, int(b.max()) + 1, int(c.max()) + 1

    def counts(cells: np.ndarray, alphabet: int) -> Counts:
        return Counts(np.unique(cells, return_counts=True)[1].astype(np.int64), alphabet)

    return (
        counts(a * kz + c, kx * kz),
        counts(b * kz + c, ky * kz),
        counts((a * ky + b) * kz + c, kx * ky * kz),
        counts(c, kz),
    )


def _mi_from_entropies(
    entropy: Callable[[Counts], float],
) -> Callable[[np.ndarray, np.ndarray, np.ndarray | None], float]:
    """Ĥ(X) + Ĥ(Y) − Ĥ(X, Y), never above min(Ĥ(X), Ĥ(Y)): I(X; Y) cannot exceed either entropy, so
    a joint estimate below the larger marginal one is raised to it. Given z: Ĥ(X, Z) + Ĥ(Y, Z) −
    Ĥ(X, Y, Z) − Ĥ(Z), likewise never above min(Ĥ(X|Z), Ĥ(Y|Z))."""

    def mi(x: np.ndarray, y: np.ndarray, z: np.ndarray | None = None) -> float:
        if z is not None:
            cxz, cyz, cxyz, cz = conditional_counts(x, y, z)
            hxz, hyz = entropy(cxz), entropy(cyz)
            return hxz + hyz - max(entropy(cxyz), hxz, hyz) - entropy(cz)
        cx, cy, cxy = count_tables(x, y)
        hx, hy = entropy(cx), entropy(cy)
        return hx + hy - max(entropy(cxy), hx, hy)

    return mi


def plugin_mi_from_table(table: np.ndarray) -> float:
    """Σ (n_xy/N) ln(N n_xy / (n_x n_y)) over the non-empty cells of a count (or probability) table."""
    i, j = np.nonzero(table)
    return _plugin_mi(table[i, j].astype(np.float64), table.sum(axis=1)[i], table.sum(axis=0)[j], table.sum())


def plugin_mi_from_codes(a: np.ndarray, b: np.ndarray) -> float:
    """:func:`plugin_mi_from_table` of the pairs of integer codes (a_i, b_i), from the non-empty cells
    only: no table of every pair of codes is built."""
    columns = int(b.max()) + 1
    cell, cells = np.unique(a.astype(np.int64) * columns + b, return_counts=True)  # row-major, as np.nonzero
    rows, cols = np.bincount(a).astype(np.float64), np.bincount(b).astype(np.float64)
    return _plugin_mi(cells.astype(np.float64), rows[cell // columns], cols[cell % columns], float(a.size))


def _plugin_mi(cells: np.ndarray, rows: np.ndarray, cols: np.ndarray, n: float) -> float:
    """Σ (n_xy/N) ln(N n_xy / (n_x n_y)) over non-empty cells, each with its row's and column's total."""
    return float(np.sum(cells * (np.log(cells) + np.log(n) - np.log(rows) - np.log(cols))) / n)


def _conventions(variant: str, citation: str, complexity: str = "O(N + K)") -> Conventions:
    return Conventions(
        variant=variant,
        ties="not applicable (discrete); multivariate x or y is one joint symbol",
        clipping="none below (may be negative); never above min(Ĥ(X), Ĥ(Y)) of the same entropy estimator",
        complexity=complexity,
        citation=citation,
    )


@register_estimator(
    "plugin",
    ties="handled",
    types=DISCRETE_PAIR,
    z_types=DISCRETE_Z,
    conventions=Conventions(
        variant="maximum-likelihood (plug-in) MI of the joint frequency table",
        ties="not applicable (discrete); multivariate x or y is one joint symbol",
        clipping="none (the plug-in MI is never negative)",
        complexity="O(N + K_x K_y)",
        citation="Cover & Thomas (2006), eq. 2.28; bias (K_x−1)(K_y−1)/(2N): Miller (1955)",
    ),
)
def plugin(x: np.ndarray, y: np.ndarray, z: np.ndarray | None = None) -> float:
    r"""Plug-in (maximum-likelihood) MI of discrete variables.

    .. math:: \hat I = \sum_{x,y} \frac{n_{xy}}{N} \ln \frac{N\, n_{xy}}{n_x\, n_y}

    Biased upwards by about (K_x−1)(K_y−1)/(2N). Given z, the plug-in conditional MI

    .. math:: \hat I(X;Y|Z) = \sum_{x,y,z} \frac{n_{xyz}}{N} \ln \frac{n_z\, n_{xyz}}{n_{xz}\, n_{yz}}

    References
    ----------
    Cover, T. M., Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., eq. (2.28).
    """
    if z is not None:
        cxz, cyz, cxyz, cz = conditional_counts(x, y, z)
        return entropy_plugin(cxz) + entropy_plugin(cyz) - entropy_plugin(cxyz) - entropy_plugin(cz)
    cx, cy, cxy = count_tables(x, y)
    return entropy_plugin(cx) + entropy_plugin(cy) - entropy_plugin(cxy)


@register_estimator(
    "miller_madow",
    ties="handled",
    types=DISCRETE_PAIR,
    z_types=DISCRETE_Z,
    conventions=_conventions(
        "Miller–Madow: plug-in + (K_obs − 1)/(2N) per entropy, K_obs occupied cells of each table",
        "Miller (1955), Note on the bias of information estimates",
    ),
)
def miller_madow(x: np.ndarray, y: np.ndarray, z: np.ndarray | None = None) -> float:
    r"""Miller–Madow corrected MI: plug-in entropies plus (K_obs − 1)/(2N) each.

    Each entropy is :math:`\hat H_{ML} + (K_{obs}-1)/(2N)`.

    K_obs counts the occupied cells of X, of Y and of (X, Y) separately, so
    :math:`\hat I = \hat I_{ML} + (K_x + K_y - K_{xy} - 1)/(2N)`.

    References
    ----------
    Miller, G. A. (1955). Note on the bias of information estimates. Information Theory in Psychology, 95–100.
    """
    return _mi_from_entropies(entropy_miller_madow)(x, y, z)


@register_estimator(
    "jackknife",
    ties="handled",
    types=DISCRETE_PAIR,
    z_types=DISCRETE_Z,
    min_samples=3,
    conventions=_conventions("delete-one jackknife of each plug-in entropy", "Zahl (1977), Ecology 58, 907"),
)
def jackknife(x: np.ndarray, y: np.ndarray, z: np.ndarray | None = None) -> float:
    r"""Jackknife-corrected MI from delete-one jackknife entropies (Zahl 1977).

    Each entropy is :math:`N\hat H - \frac{N-1}{N}\sum_j \hat H^{(-j)}`.

    :math:`\hat H^{(-j)}` is the plug-in entropy with sample j left out, summed by cell in O(K).

    References
    ----------
    Zahl, S. (1977). Jackknifing an index of diversity. Ecology 58, 907–913.
    """
    return _mi_from_entropies(entropy_jackknife)(x, y, z)


@register_estimator(
    "chao_shen",
    ties="handled",
    types=DISCRETE_PAIR,
    z_types=DISCRETE_Z,
    conventions=_conventions(
        "coverage-adjusted Horvitz–Thompson entropy, f1 = N set to N−1",
        "Chao & Shen (2003), Environ. Ecol. Stat. 10, 429",
    ),
)
def chao_shen(x: np.ndarray, y: np.ndarray, z: np.ndarray | None = None) -> float:
    r"""Chao–Shen MI from coverage-adjusted Horvitz–Thompson entropies.

    .. math:: \hat H = -\sum_i \frac{C\hat p_i \ln(C\hat p_i)}{1-(1-C\hat p_i)^N},\quad C = 1 - f_1/N

    with f_1 the number of singletons (f_1 = N is replaced by N − 1).

    References
    ----------
    Chao, A., Shen, T.-J. (2003). Nonparametric estimation of Shannon's index of diversity when there
    are unseen species in sample. Environ. Ecol. Stat. 10, 429–443.
    """
    return _mi_from_entropies(entropy_chao_shen)(x, y, z)


@register_estimator(
    "grassberger",
    ties="handled",
    types=DISCRETE_PAIR,
    z_types=DISCRETE_Z,
    conventions=_conventions(
        "Grassberger 2003 with ln N (not ψ(N))", "Grassberger (2003), arXiv:physics/0307138, eq. 35"
    ),
)
def grassberger(x: np.ndarray, y: np.ndarray, z: np.ndarray | None = None) -> float:
    r"""Grassberger (2003) MI from bias-corrected entropies.

    Each entropy is :math:`\ln N - \frac1N\sum_i n_i G(n_i)`.

    .. math:: G(n) = \psi(n) + \tfrac12(-1)^n\left[\psi\left(\tfrac{n+1}{2}\right) - \psi\left(\tfrac n2\right)\right]

    References
    ----------
    Grassberger, P. (2003). Entropy estimates from insufficient samplings. arXiv:physics/0307138.
    """
    return _mi_from_entropies(entropy_grassberger)(x, y, z)


@register_estimator(
    "james_stein",
    ties="handled",
    types=DISCRETE_PAIR,
    z_types=DISCRETE_Z,
    conventions=_conventions(
        "plug-in MI of the joint table shrunk toward uniform 1/(K_x K_y); marginals from the shrunk table",
        "Hausser & Strimmer (2009), JMLR 10, 1469",
        "O(N + K_x K_y)",
    ),
)
def james_stein(x: np.ndarray, y: np.ndarray, z: np.ndarray | None = None) -> float:
    r"""James–Stein shrinkage MI (Hausser & Strimmer 2009).

    The joint frequencies :math:`\hat p` over all K = K_x K_y cells are shrunk toward the uniform
    target t = 1/K with the estimated optimal intensity

    .. math:: \lambda^* = \frac{1 - \sum_c \hat p_c^2}{(N-1)\sum_c (t - \hat p_c)^2}\ \ (\text{clipped to } [0, 1];\ 1 \text{ if } N \le 1 \text{ or the denominator is } 0)

    and the MI is the plug-in MI of :math:`\lambda^* t + (1-\lambda^*)\hat p`, its marginals taken
    from the shrunk table. Given z, the table is the K_x K_y K_z table of (X, Y, Z), shrunk the
    same way, and the value its plug-in conditional MI.

    References
    ----------
    Hausser, J., Strimmer, K. (2009). Entropy inference and the James–Stein estimator, with
    application to nonlinear gene association networks. JMLR 10, 1469–1484.
    """
    codes = [joint_codes(v).astype(np.int64) for v in ((x, y) if z is None else (x, y, z))]
    shape = tuple(int(c.max()) + 1 for c in codes)
    if np.prod(shape, dtype=np.float64) > DENSE_CELLS:
        raise ValueError(f"james_stein needs the dense {'×'.join(map(str, shape))} table; at most {DENSE_CELLS} cells")
    n = codes[0].size
    table = np.bincount(np.ravel_multi_index(codes, shape), minlength=int(np.prod(shape))).reshape(shape) / n
    target = 1.0 / table.size
    denominator = (n - 1) * np.sum((target - table) ** 2)
    shrinkage = 1.0 if n <= 1 or denominator == 0 else float(np.clip((1 - np.sum(table**2)) / denominator, 0, 1))
    shrunk = shrinkage * target + (1 - shrinkage) * table
    if z is None:
        return plugin_mi_from_table(shrunk)
    return float(sum(shrunk[:, :, c].sum() * plugin_mi_from_table(shrunk[:, :, c]) for c in range(shape[2])))


@register_estimator(
    "nsb",
    ties="handled",
    types=DISCRETE_PAIR,
    z_types=DISCRETE_Z,
    conventions=_conventions(
        "NSB entropies of X, Y and (X, Y), K = observed alphabets; posterior over β integrated on a refined log grid",
        "Nemenman, Shafee, Bialek (2002), NIPS 14",
        "O(N + distinct counts × grid)",
    ),
)
def nsb(x: np.ndarray, y: np.ndarray, z: np.ndarray | None = None) -> float:
    r"""NSB (Nemenman–Shafee–Bialek) MI from three NSB entropies.

    .. math::

        \hat H_{NSB} = \frac{\int d\beta\, \frac{d\xi}{d\beta}\,\rho(\beta|n)\,\langle H\rangle_\beta}{\int d\beta\, \frac{d\xi}{d\beta}\,\rho(\beta|n)},\quad
        \xi(\beta) = \psi(K\beta+1) - \psi(\beta+1)

    with :math:`\rho(\beta|n) = \frac{\Gamma(K\beta)}{\Gamma(N+K\beta)}\prod_i\frac{\Gamma(n_i+\beta)}{\Gamma(\beta)}`
    and :math:`\langle H\rangle_\beta = \psi(N+K\beta+1) - \sum_i \frac{n_i+\beta}{N+K\beta}\psi(n_i+\beta+1)`.
    The integral runs over ln β on a grid refined around the mode, so it never returns NaN.

    References
    ----------
    Nemenman, I., Shafee, F., Bialek, W. (2002). Entropy and inference, revisited. NIPS 14.
    Nemenman, I., Bialek, W., de Ruyter van Steveninck, R. (2004). Phys. Rev. E 69, 056111.
    """
    return _mi_from_entropies(entropy_nsb)(x, y, z)


@register_estimator(
    "bayes",
    ties="handled",
    check=lambda p: check_bayes(p["a"], p["mean"]),
    types=DISCRETE_PAIR,
    z_types=DISCRETE_Z,
    conventions=_conventions(
        "Dirichlet(a) prior on each table (K = observed alphabets): 'pseudocount' = entropy of the posterior-mean "
        "pmf (n+a)/(N+Ka); 'posterior' = posterior mean of the entropy",
        "Hausser & Strimmer (2009), JMLR 10, 1469; Wolpert & Wolf (1995), Phys. Rev. E 52, 6841",
    ),
)
def bayes(
    x: np.ndarray, y: np.ndarray, a: float = 0.5, mean: str = "pseudocount", z: np.ndarray | None = None
) -> float:
    r"""Bayesian MI under a symmetric Dirichlet(a) prior on each table.

    ``mean="pseudocount"``: the entropy of the posterior-mean pmf :math:`(n_i+a)/(N+Ka)`
    (a = ½ Jeffreys, 1 Laplace, 1/K Schürmann–Grassberger). ``mean="posterior"``: the posterior
    mean of the entropy, :math:`\psi(N+Ka+1) - \sum_i \frac{n_i+a}{N+Ka}\psi(n_i+a+1)`.

    References
    ----------
    Hausser, J., Strimmer, K. (2009). JMLR 10, 1469–1484 (pseudocount estimators).
    Wolpert, D. H., Wolf, D. R. (1995). Estimating functions of probability distributions from a finite
    set of samples. Phys. Rev. E 52, 6841.
    """
    check_bayes(a, mean)
    if mean == "pseudocount":
        return _mi_from_entropies(lambda c: entropy_pseudocount(c, a))(x, y, z)
    return _mi_from_entropies(lambda c: entropy_dirichlet_mean(c, a))(x, y, z)


def check_bayes(a: float, mean: str) -> None:
    number(a, "a", 0.0, inclusive=True)
    if mean not in ("pseudocount", "posterior"):
        raise ValueError(f"mean must be 'pseudocount' or 'posterior', got {mean!r}")
    if mean == "posterior" and a == 0:
        raise ValueError("mean='posterior' needs a > 0")
