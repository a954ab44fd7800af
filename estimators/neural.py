r"""Neural estimators: variational lower bounds on MI maximised over a critic network (PyTorch).

Each estimator trains a critic :math:`T(x, y)` by Adam on minibatches of a training split and
evaluates its bound on the held-out split. The score matrix of a batch of m paired samples holds
:math:`T(x_i, y_j)` for all i, j: the diagonal are samples of p(x, y), and the m(m - 1)
off-diagonal pairs stand for samples of p(x)p(y) (no random permutation: it would leave some
pairs in place). Critics: ``joint``, an MLP with ReLU on the concatenated (x, y) (the
Beyond-Normal benchmark's critic, hidden layers 16 and 8 by default); ``separable``,
:math:`g(x)^\top h(y)` with two such MLPs ending in ``embedding`` outputs.

The harness hands these estimators every repetition of a cell at once (they are *batched*); all
critics of a call are trained as one batched model, each with its own seed, split and minibatches,
so a critic's estimate does not depend on the others in its batch (bit for bit on the CPU). PyTorch is optional:
``pip install 'mibench[neural]'``. ``device`` ("auto": a GPU when one is present, else the CPU)
and ``max_batch`` (the most critics trained at once) are compute settings, outside the identity.

References
----------
Belghazi, M. I. et al. (2018). Mutual information neural estimation. ICML.
van den Oord, A., Li, Y., Vinyals, O. (2018). Representation learning with contrastive predictive
coding. arXiv:1807.03748.
Nguyen, X., Wainwright, M. J., Jordan, M. I. (2010). Estimating divergence functionals and the
likelihood ratio by convex risk minimization. IEEE Trans. Inf. Theory 56, 5847.
Donsker, M. D., Varadhan, S. R. S. (1983). Asymptotic evaluation of certain Markov process
expectations for large time IV. Comm. Pure Appl. Math. 36, 183.
Poole, B. et al. (2019). On variational bounds of mutual information. ICML.
Song, J., Ermon, S. (2020). Understanding the limitations of variational mutual information
estimators. ICLR.
Czyż, P. et al. (2023). Beyond normal: on the evaluation of mutual information estimators. NeurIPS.
"""

from __future__ import annotations

import importlib
import inspect
import math
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np

from mibench.plugin import Conventions, flag, number, positive_int, register_estimator

INSTALL = "pip install torch==2.13.0 'mibench[neural]'"

#: The largest learning rate or clip PyTorch can hold: it keeps them as float32.
FLOAT32_MAX = float(np.finfo(np.float32).max)

#: Critics trained at once on the CPU, whatever ``max_batch`` allows: more only add cache misses
#: (benchmarks/neural_throughput.py: 270 critic-steps per second with 2 or 4, 220 with 8, 113 with 64).
#: An estimate does not depend on how many critics share its model, so this changes no result.
CPU_CRITICS = 4

SELECTION = (
    "the bound on the held-out split at the critic's stopping step (select='final'); select='max' "
    "takes the largest held-out value seen during training, the Beyond-Normal benchmark's choice, "
    "which is optimistic"
)


def _torch_available() -> None:
    try:
        importlib.import_module("torch")
    except ImportError:
        raise ImportError(f"the neural estimators need PyTorch, which is not installed: {INSTALL}") from None


def _check(params: Mapping[str, Any]) -> None:
    """Refuse bad settings, and a missing PyTorch, before any task runs."""
    if params["critic"] not in ("joint", "separable"):
        raise ValueError(f"critic must be 'joint' or 'separable', got {params['critic']!r}")
    if params["select"] not in ("final", "max"):
        raise ValueError(f"select must be 'final' or 'max', got {params['select']!r}")
    hidden = params["hidden"]
    if not isinstance(hidden, (tuple, list)) or not all(isinstance(h, int) and h > 0 for h in hidden):
        raise ValueError(f"hidden must be a tuple of positive layer widths, such as (16, 8); got {hidden!r}")
    for key in ("embedding", "batch_size", "steps", "eval_every", "max_batch"):
        positive_int(params[key], key)
    if params["batch_size"] < 2:
        raise ValueError("batch_size must be at least 2: the bounds need off-diagonal pairs")
    number(params["learning_rate"], "learning_rate", 0.0, FLOAT32_MAX)
    number(params["train_fraction"], "train_fraction", 0.0, 1.0)
    flag(params["early_stopping"], "early_stopping")
    flag(params["standardize"], "standardize")
    if "clip" in params:
        number(params["clip"], "clip", 0.0, FLOAT32_MAX)
    if "smoothing" in params:
        number(params["smoothing"], "smoothing", 0.0, 1.0)
    _torch_available()
    if params["device"] != "auto":
        try:
            importlib.import_module("torch").device(params["device"])
        except (TypeError, RuntimeError):
            raise ValueError(
                f"device must be 'auto' or a PyTorch device name ('cpu', 'cuda', 'cuda:0'), got {params['device']!r}"
            ) from None


def _min_samples(params: Mapping[str, Any]) -> int:
    """Enough samples for a training split of batch_size and a held-out split of at least 2."""
    fraction = params["train_fraction"]
    n = math.ceil(params["batch_size"] / fraction)
    while round(fraction * n) < params["batch_size"] or n - round(fraction * n) < 2:
        n += 1
    return n


def _conventions(bound: str, citation: str, training: str) -> Conventions:
    return Conventions(
        variant=f"{bound}; {training}; estimate: {SELECTION}",
        counting="negatives: the m(m - 1) off-diagonal pairs of an m × m score matrix (minibatch in training, "
        "the whole held-out split in evaluation)",
        ties="handled: ties do not break a critic",
        clipping="none: raw value of the bound (InfoNCE cannot exceed ln m)",
        standardises="yes: each variable to zero mean and unit variance over the whole sample, before the "
        "train/held-out split (as the Beyond-Normal benchmark)",
        complexity="O(steps · batch_size² · width) for the joint critic, O(steps · batch_size · width) + "
        "O(steps · batch_size²) for the separable one",
        citation=citation,
    )


def _estimate(
    bound: str,
    xs: Sequence[np.ndarray],
    ys: Sequence[np.ndarray],
    rngs: Sequence[np.random.Generator],
    params: Mapping[str, Any],
) -> list[float]:
    _torch_available()
    from ._neural_training import Settings, resolve_device, train_critics

    settings = Settings(
        bound=bound,
        critic=params["critic"],
        hidden=tuple(params["hidden"]),
        embedding=params["embedding"],
        learning_rate=float(params["learning_rate"]),
        batch_size=params["batch_size"],
        steps=params["steps"],
        train_fraction=float(params["train_fraction"]),
        eval_every=params["eval_every"],
        early_stopping=params["early_stopping"],
        select=params["select"],
        standardize=params["standardize"],
        clip=float(params.get("clip", math.inf)),
        smoothing=float(params.get("smoothing", 0.5)),
    )
    values: list[float] = []
    device = resolve_device(params["device"])
    size = params["max_batch"] if device.startswith("cuda") else min(params["max_batch"], CPU_CRITICS)
    for start in range(0, len(xs), size):
        chunk = list(zip(xs[start : start + size], ys[start : start + size]))
        values += train_critics(chunk, rngs[start : start + size], settings, device)
    return values


#: The statistical parameters every bound shares, with the Beyond-Normal benchmark's defaults.
SETTINGS: dict[str, Any] = {
    "critic": "joint",
    "hidden": (16, 8),
    "embedding": 8,
    "learning_rate": 0.1,
    "batch_size": 256,
    "steps": 10_000,
    "train_fraction": 0.5,
    "eval_every": 250,
    "early_stopping": True,
    "select": "final",
    "standardize": True,
}
#: Compute settings, outside the identity: on the CPU they cannot change an estimate; on a GPU the
#: float32 kernels depend on the batch's shape, and estimates moved by about 1e-6 relative.
COMPUTE: dict[str, Any] = {"device": "auto", "max_batch": 64}


def _bound(
    name: str, doc: str, *, citation: str, training: str, bound: str, extra: Mapping[str, Any] = MappingProxyType({})
) -> Callable[..., list[float]]:
    """Define and register the estimator of bound ``name``: ``f(xs, ys, *, <settings>, rngs)``."""
    defaults = {**SETTINGS, **extra, **COMPUTE}

    def estimator(xs: Sequence[np.ndarray], ys: Sequence[np.ndarray], *, rngs: Sequence[Any] = (), **params: Any):
        return _estimate(name, xs, ys, rngs, {**defaults, **params})

    keyword = inspect.Parameter.KEYWORD_ONLY
    estimator.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("xs", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter("ys", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            *(inspect.Parameter(key, keyword, default=value) for key, value in defaults.items()),
            inspect.Parameter("rngs", keyword, default=()),
        ]
    )
    estimator.__name__ = estimator.__qualname__ = name
    estimator.__doc__ = doc
    return register_estimator(
        name,
        batched=True,
        symmetric=False,
        ties="handled",
        compute=tuple(COMPUTE),
        requires=("torch",),
        check=_check,
        min_samples=_min_samples,
        min_samples_reason="batch_size={batch_size} to train on at train_fraction={train_fraction}, and 2 held out; "
        "a smaller batch_size lowers it",
        conventions=_conventions(bound, citation, training),
    )(estimator)


infonce = _bound(
    "infonce",
    r"""InfoNCE (contrastive predictive coding) lower bound.

.. math::

    \hat I = \ln m + \frac1m \sum_{i=1}^m \Big[T(x_i, y_i) - \ln \sum_{j=1}^m e^{T(x_i, y_j)}\Big]

over an m × m score matrix. It can never exceed ln m: with batch_size 256 the training bound
saturates at ln 256 = 5.55 nats; evaluated on a held-out split of m samples, at ln m.

References
----------
van den Oord, A., Li, Y., Vinyals, O. (2018). arXiv:1807.03748. Poole, B. et al. (2019). ICML.
""",
    citation="van den Oord et al. (2018), arXiv:1807.03748; Poole et al. (2019), ICML, eq. 12",
    training="trained on the bound itself",
    bound="InfoNCE: ln m + (1/m) Σ_i [T(x_i, y_i) - ln Σ_j exp T(x_i, y_j)]; each row's denominator includes "
    "its positive",
)

nwj = _bound(
    "nwj",
    r"""Nguyen–Wainwright–Jordan lower bound (the convex dual of the KL divergence).

.. math::

    \hat I = \frac1m \sum_i T(x_i, y_i) - e^{-1} \frac{1}{m(m-1)} \sum_{i \ne j} e^{T(x_i, y_j)}

(the bound :math:`E_p[f] - E_q[e^{f-1}]` with :math:`f = T`; Poole et al. write it with the
critic shifted by 1, as the Beyond-Normal benchmark does). Unbiased but of high variance at
high MI.

References
----------
Nguyen, X., Wainwright, M. J., Jordan, M. I. (2010). IEEE Trans. Inf. Theory 56, 5847.
""",
    citation="Nguyen, Wainwright & Jordan (2010), IEEE Trans. Inf. Theory 56, 5847; Poole et al. (2019), ICML, eq. 9",
    training="trained on the bound itself",
    bound="NWJ (f-divergence / MINE-f): (1/m) Σ_i T(x_i, y_i) - e^{-1} mean_{i≠j} exp T(x_i, y_j)",
)

dv = _bound(
    "dv",
    r"""Donsker–Varadhan lower bound.

.. math::

    \hat I = \frac1m \sum_i T(x_i, y_i) - \ln \frac{1}{m(m-1)} \sum_{i \ne j} e^{T(x_i, y_j)}

References
----------
Donsker, M. D., Varadhan, S. R. S. (1983). Comm. Pure Appl. Math. 36, 183.
Belghazi, M. I. et al. (2018). ICML (the bound as MINE evaluates it).
""",
    citation="Donsker & Varadhan (1983), Comm. Pure Appl. Math. 36, 183; Belghazi et al. (2018), ICML",
    training="trained on the bound itself (the minibatch's own denominator: biased gradient)",
    bound="Donsker-Varadhan: (1/m) Σ_i T(x_i, y_i) - ln mean_{i≠j} exp T(x_i, y_j)",
)

mine = _bound(
    "mine",
    r"""MINE: the Donsker–Varadhan bound trained with a bias-corrected gradient.

The value is the DV bound (see :func:`dv`). In training, the gradient of
:math:`\ln \bar e_t`, :math:`\bar e_t = \operatorname{mean}_{i \ne j} e^{T(x_i, y_j)}`, is replaced by
:math:`\nabla \bar e_t / a_t` with the moving average
:math:`a_t = s\, a_{t-1} + (1 - s)\, \bar e_t` (``smoothing`` = s, :math:`a_0 = 0`), Belghazi
et al.'s eq. 12 (the Beyond-Normal benchmark's parametrisation).

References
----------
Belghazi, M. I. et al. (2018). Mutual information neural estimation. ICML.
""",
    citation="Belghazi et al. (2018), MINE, ICML, eqs. 10-12",
    training="gradient with the moving-average correction: the gradient of ln mean exp T over negatives is "
    "divided by an exponential moving average of that mean (weight `smoothing` on the past)",
    bound="Donsker-Varadhan: (1/m) Σ_i T(x_i, y_i) - ln mean_{i≠j} exp T(x_i, y_j)",
    extra={"smoothing": 0.9},
)

smile = _bound(
    "smile",
    r"""SMILE: the Donsker–Varadhan value with the negatives' scores clipped, the critic trained on JS.

.. math::

    \hat I = \frac1m \sum_i T(x_i, y_i) - \ln \frac{1}{m(m-1)} \sum_{i \ne j}
    e^{\operatorname{clip}(T(x_i, y_j), -\tau, \tau)}

The clip (τ = ``clip``, 5 by default) trades the DV bound's variance for bias; the critic is
trained on the Jensen–Shannon bound, whose optimum is the same density ratio.

References
----------
Song, J., Ermon, S. (2020). Understanding the limitations of variational mutual information
estimators. ICLR.
""",
    citation="Song & Ermon (2020), ICLR, eq. 17",
    training="trained on the Jensen-Shannon (f-GAN) bound -E_p[softplus(-T)] - E_q[softplus(T)]",
    bound="SMILE: (1/m) Σ_i T(x_i, y_i) - ln mean_{i≠j} exp clip(T(x_i, y_j), -τ, τ), τ = clip",
    extra={"clip": 5.0},
)
