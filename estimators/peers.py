"""Adapters to the estimators of other libraries, so that mibench compares them on the same samples.

Each adapter converts units to nats and states the library's own conventions. The optional ones
are registered always and used only when their package is installed (``pip install 'mibench[peers]'``);
otherwise they raise an error that says what to install.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import numpy as np

from mibench.plugin import Conventions, register_estimator

from ._neighbours import more_than_k, neighbour_params

ALL_PAIRS = [
    ("continuous", "continuous"),
    ("continuous", "discrete"),
    ("discrete", "continuous"),
    ("discrete", "discrete"),
]


def _require(module: str, package: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(
            f"this estimator needs the package {package!r}: pip install {package} (or pip install 'mibench[peers]')"
        ) from None


def _seed(rng: np.random.Generator | None) -> int:
    return int((rng or np.random.default_rng(0)).integers(2**31 - 1))


@register_estimator(
    "sklearn",
    ties="jittered",
    check=neighbour_params,
    types=ALL_PAIRS,
    multivariate=False,
    min_samples=more_than_k,
    requires=(),
    conventions=Conventions(
        variant="scikit-learn: mutual_info_regression (continuous y), mutual_info_classif (discrete y or x), "
        "mutual_info_score (both discrete)",
        counting="KSG algorithm 1 (strict, radius nextafter(eps, 0)); Ross (2014) for mixed pairs",
        ties="adds 1e-10·max(1, mean|x|)·N(0,1) noise to continuous variables, seeded from the run's rng",
        clipping="clipped at 0 by scikit-learn",
        standardises="yes: continuous features scaled to unit variance",
        citation="Pedregosa et al. (2011), JMLR 12, 2825; Kraskov et al. (2004); Ross (2014)",
    ),
)
def sklearn(
    x: np.ndarray,
    y: np.ndarray,
    k: int = 3,
    rng: np.random.Generator | None = None,
    x_type: str = "continuous",
    y_type: str = "continuous",
) -> float:
    """scikit-learn's MI estimators, chosen by the variable types (nats).

    Continuous x and y: ``mutual_info_regression`` (KSG); one discrete side:
    ``mutual_info_classif`` (Ross); both discrete: ``mutual_info_score`` (plug-in).

    References
    ----------
    Pedregosa, F. et al. (2011). Scikit-learn: Machine Learning in Python. JMLR 12, 2825–2830.
    """
    from sklearn.feature_selection import mutual_info_classif, mutual_info_regression
    from sklearn.metrics import mutual_info_score

    discrete_x, discrete_y = x_type == "discrete", y_type == "discrete"
    seed = _seed(rng)
    if discrete_x and discrete_y:
        return float(mutual_info_score(x[:, 0], y[:, 0]))
    if discrete_x or discrete_y:
        feature, target = (y, x[:, 0]) if discrete_x else (x, y[:, 0])
        return float(mutual_info_classif(feature, target, n_neighbors=k, random_state=seed)[0])
    return float(mutual_info_regression(x, y[:, 0], n_neighbors=k, random_state=seed)[0])


@register_estimator(
    "ennemi",
    ties="jittered",
    check=neighbour_params,
    types=[("continuous", "continuous"), ("continuous", "discrete")],
    multivariate=False,
    min_samples=more_than_k,
    requires=("ennemi",),
    z_types=("continuous",),
    conventions=Conventions(
        variant="ennemi.estimate_mi: KSG algorithm 1 (continuous), Ross-type (discrete y); with z (cond=): its "
        "conditional KSG",
        ties="ennemi adds low-amplitude noise with its own fixed seed",
        standardises="yes (preprocess=True): continuous variables rescaled to unit variance",
        clipping="none",
        citation="Laarne, Zaidan, Nieminen (2021), J. Open Source Softw. 6, 3161",
    ),
)
def ennemi(x: np.ndarray, y: np.ndarray, k: int = 3, y_type: str = "continuous", z: np.ndarray | None = None) -> float:
    """The ennemi library's KSG estimator (nats), single-threaded; given z, its conditional MI (``cond=z``).

    References
    ----------
    Laarne, P., Zaidan, M. A., Nieminen, T. (2021). ennemi: Non-linear correlation detection with mutual
    information. J. Open Source Softw. 6, 3161.
    """
    library = _require("ennemi", "ennemi")
    discrete_y = y_type == "discrete"
    target = y[:, 0] if discrete_y else y[:, 0].astype(np.float64)
    condition = None if z is None else z[:, 0]
    value = library.estimate_mi(target, x[:, 0], k=k, cond=condition, discrete_y=discrete_y, max_threads=1)
    return float(value[0, 0])


@register_estimator(
    "npeet",
    ties="jittered",
    check=neighbour_params,
    min_samples=more_than_k,
    requires=("npeet-plus",),
    z_types=("continuous",),
    conventions=Conventions(
        variant="NPEET (npeet-plus) mi: KSG algorithm 1 with radius eps − 1e-15 (an absolute epsilon); with z, its cmi "
        "(Frenzel–Pompe)",
        ties="adds 1e-10·U(0,1) noise from numpy's global generator; the adapter seeds it from the run's rng",
        units="bits in NPEET; converted to nats here",
        clipping="none",
        citation="Ver Steeg, NPEET (github.com/gregversteeg/NPEET); npeet-plus on PyPI",
    ),
)
def npeet(
    x: np.ndarray, y: np.ndarray, k: int = 3, rng: np.random.Generator | None = None, z: np.ndarray | None = None
) -> float:
    """NPEET's KSG mutual information (given z, its conditional MI ``cmi``), converted from bits to nats.

    References
    ----------
    Ver Steeg, G. Non-parametric entropy estimation toolbox (NPEET).
    """
    library = _require("npeet_plus", "npeet-plus")
    np.random.seed(_seed(rng))
    if z is not None:
        return float(library.cmi(x, y, z, k=k, base=2)) * np.log(2)
    return float(library.mi(x, y, k=k, base=2)) * np.log(2)


@register_estimator(
    "infomeasure",
    ties="jittered",
    check=neighbour_params,
    min_samples=more_than_k,
    requires=("infomeasure",),
    z_types=("continuous",),
    conventions=Conventions(
        variant="infomeasure mutual_information(approach='ksg'), KSG algorithm 1, max-norm; with z, "
        "conditional_mutual_information(cond=z)",
        ties="adds noise of level 1e-10 (infomeasure's default) from its generator, seeded from the run's rng",
        clipping="none",
        citation="Butt et al. (2025), infomeasure: a comprehensive Python package for information theory measures",
    ),
)
def infomeasure(
    x: np.ndarray, y: np.ndarray, k: int = 4, rng: np.random.Generator | None = None, z: np.ndarray | None = None
) -> float:
    """The infomeasure library's KSG estimator in nats (its default k is 4); given z, its conditional MI.

    References
    ----------
    Butt, C. et al. (2025). infomeasure: a comprehensive Python package for information theory measures.
    """
    library = _require("infomeasure", "infomeasure")
    seed = _seed(rng)  # infomeasure jitters with its own generator, seeded here from the run's
    if z is not None:
        return float(library.conditional_mutual_information(x, y, cond=z, approach="ksg", k=k, base="e", seed=seed))
    return float(library.mutual_information(x, y, approach="ksg", k=k, base="e", seed=seed))
