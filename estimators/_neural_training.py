"""Variational MI bounds trained in PyTorch, many critics at once.

Imported only when a neural estimator runs (PyTorch is optional). Every critic in a call is an
independent model with its own sample, initialisation, split and minibatches; they are stacked
along a leading axis and trained as one batched model. The loss is the sum of the critics'
losses and Adam works element by element, so each critic follows exactly the updates it would
follow alone.

Scores: ``scores[c, i, j] = f_c(x_i, y_j)`` on a minibatch (or the held-out split) of critic c.
The diagonal holds the paired samples, drawn from p(x, y); the off-diagonal pairs, all
``m (m - 1)`` of them, stand for samples of p(x) p(y). No random permutation is used for the
negatives (it would leave some pairs in place).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from mibench.plugin import unit_scaled

__all__ = ["BOUNDS", "Settings", "BoundTerms", "bound_terms", "bound_value", "train_critics"]

BOUNDS = ("infonce", "nwj", "dv", "mine", "smile")

#: Largest number of hidden activations per critic held at once when the held-out split is
#: evaluated (in row blocks of a size that does not depend on how many critics share the call).
EVALUATION_BLOCK = 2**21


@dataclass(frozen=True)
class BoundTerms:
    """Sums over a score matrix (or over row blocks of it) from which every bound follows.

    ``diagonal``: sum of the paired scores; ``row_lse``: sum over rows of logsumexp over the row
    (InfoNCE); ``offdiagonal_lse``: logsumexp over the off-diagonal scores; ``clipped_lse``: the
    same after clipping scores to [-clip, clip] (SMILE); ``size``: m, the matrix's side.
    """

    diagonal: torch.Tensor
    row_lse: torch.Tensor
    offdiagonal_lse: torch.Tensor
    clipped_lse: torch.Tensor
    size: int

    def combine(self, other: BoundTerms) -> BoundTerms:
        return BoundTerms(
            self.diagonal + other.diagonal,
            self.row_lse + other.row_lse,
            torch.logaddexp(self.offdiagonal_lse, other.offdiagonal_lse),
            torch.logaddexp(self.clipped_lse, other.clipped_lse),
            self.size,
        )


def bound_terms(scores: torch.Tensor, clip: float, first_row: int = 0, size: int | None = None) -> BoundTerms:
    """The :class:`BoundTerms` of rows ``first_row ...`` of a ``size`` × ``size`` score matrix.

    ``scores`` has shape (critics, rows, size); the whole matrix when ``first_row`` is 0 and rows
    equals size.
    """
    critics, rows, columns = scores.shape
    size = columns if size is None else size
    row_index = torch.arange(rows, device=scores.device)
    is_diagonal = torch.zeros(rows, columns, dtype=torch.bool, device=scores.device)
    is_diagonal[row_index, row_index + first_row] = True
    off = scores.masked_fill(is_diagonal, -math.inf).reshape(critics, -1)
    clipped = scores.clamp(-clip, clip).masked_fill(is_diagonal, -math.inf).reshape(critics, -1)
    return BoundTerms(
        diagonal=scores[:, row_index, row_index + first_row].sum(dim=1),
        row_lse=torch.logsumexp(scores, dim=2).sum(dim=1),
        offdiagonal_lse=torch.logsumexp(off, dim=1),
        clipped_lse=torch.logsumexp(clipped, dim=1),
        size=size,
    )


def bound_value(name: str, terms: BoundTerms) -> torch.Tensor:
    """The value of bound ``name`` (one per critic) from its :class:`BoundTerms`.

    With m the matrix side, ``T_ii`` the paired scores and the mean over i ≠ j written E_off:

    - infonce: ln m + (1/m) Σ_i [T_ii - ln Σ_j exp T_ij]
    - dv, mine: (1/m) Σ_i T_ii - ln E_off[exp T_ij]
    - nwj: (1/m) Σ_i T_ii - e^{-1} E_off[exp T_ij]
    - smile: (1/m) Σ_i T_ii - ln E_off[exp clip(T_ij, -τ, τ)]
    """
    m = terms.size
    diagonal_mean = terms.diagonal / m
    log_pairs = math.log(m * (m - 1))
    if name == "infonce":
        return math.log(m) + (terms.diagonal - terms.row_lse) / m
    if name in ("dv", "mine"):
        return diagonal_mean - (terms.offdiagonal_lse - log_pairs)
    if name == "nwj":
        return diagonal_mean - torch.exp(terms.offdiagonal_lse - log_pairs - 1.0)
    if name == "smile":
        return diagonal_mean - (terms.clipped_lse - log_pairs)
    raise ValueError(f"unknown bound {name!r}; choose one of {', '.join(BOUNDS)}")


def jensen_shannon_objective(scores: torch.Tensor) -> torch.Tensor:
    """The f-GAN Jensen-Shannon lower bound SMILE trains on (Song & Ermon 2020; Poole et al. 2019):
    -E_diag[softplus(-T)] - E_off[softplus(T)], one value per critic."""
    m = scores.shape[-1]
    diagonal = torch.diagonal(scores, dim1=1, dim2=2)
    softplus = torch.nn.functional.softplus
    off_sum = softplus(scores).sum(dim=(1, 2)) - softplus(diagonal).sum(dim=1)
    return -softplus(-diagonal).mean(dim=1) - off_sum / (m * (m - 1))


@dataclass(frozen=True)
class Settings:
    """The training settings of one neural estimator (its statistical parameters)."""

    bound: str
    critic: str
    hidden: tuple[int, ...]
    embedding: int
    learning_rate: float
    batch_size: int
    steps: int
    train_fraction: float
    eval_every: int
    early_stopping: bool
    select: str
    standardize: bool
    clip: float
    smoothing: float


class Critics:
    """``count`` independent critics, their parameters stacked along a leading axis.

    ``joint``: an MLP with ReLU on the concatenated (x, y); its first layer is split into an x and
    a y part so that the scores of all m² pairs need no m² concatenations. ``separable``:
    g(x)ᵀ h(y) with g and h MLPs ending in ``embedding`` outputs. Weights and biases start
    uniform in ±1/√fan_in, PyTorch's default for a linear layer, drawn on the CPU from each
    critic's own generator.
    """

    def __init__(
        self, kind: str, dim_x: int, dim_y: int, settings: Settings, generators: Sequence[torch.Generator], device: str
    ) -> None:
        self.kind = kind
        hidden = list(settings.hidden)
        if kind == "joint":
            self.x_layers = _layers([dim_x + dim_y, *hidden, 1], generators, device)
            self.y_layers: list[tuple[torch.Tensor, ...]] = []
            self.split = dim_x
        else:
            self.x_layers = _layers([dim_x, *hidden, settings.embedding], generators, device)
            self.y_layers = _layers([dim_y, *hidden, settings.embedding], generators, device)

    def parameters(self) -> list[torch.Tensor]:
        return [tensor for layer in (*self.x_layers, *self.y_layers) for tensor in layer]

    def scores(self, xs: torch.Tensor, ys: torch.Tensor) -> torch.Tensor:
        """Scores of every pair: xs (critics, r, dim_x) and ys (critics, m, dim_y) give (critics, r, m)."""
        if self.kind == "separable":
            return torch.bmm(_mlp(self.x_layers, xs, last_linear=True), _mlp(self.y_layers, ys, True).transpose(1, 2))
        (weight, bias), rest = self.x_layers[0], self.x_layers[1:]
        from_x = torch.bmm(xs, weight[:, : self.split])
        from_y = torch.baddbmm(bias, ys, weight[:, self.split :])
        critics, rows, columns = xs.shape[0], xs.shape[1], ys.shape[1]
        hidden = torch.relu(from_x[:, :, None, :] + from_y[:, None, :, :]).reshape(critics, rows * columns, -1)
        return _mlp(rest, hidden, last_linear=True).reshape(critics, rows, columns)


def _layers(dims: list[int], generators: Sequence[torch.Generator], device: str) -> list[tuple[torch.Tensor, ...]]:
    layers = []
    for fan_in, fan_out in zip(dims, dims[1:]):
        scale = 1.0 / math.sqrt(fan_in)
        weight = torch.stack([(torch.rand(fan_in, fan_out, generator=g) * 2 - 1) * scale for g in generators])
        bias = torch.stack([(torch.rand(1, fan_out, generator=g) * 2 - 1) * scale for g in generators])
        layers.append((weight.to(device).requires_grad_(), bias.to(device).requires_grad_()))
    return layers


def _mlp(layers: Sequence[tuple[torch.Tensor, ...]], values: torch.Tensor, last_linear: bool) -> torch.Tensor:
    for index, (weight, bias) in enumerate(layers):
        values = torch.baddbmm(bias, values, weight)
        if index < len(layers) - 1 or not last_linear:
            values = torch.relu(values)
    return values


def _standardized(values: np.ndarray, standardize: bool) -> np.ndarray:
    if not standardize:
        return values
    values = unit_scaled(values)[0]  # the same result, without overflow near 1e300
    spread = values.std(axis=0)
    return (values - values.mean(axis=0)) / np.where(spread > 0, spread, 1.0)


class _Minibatches:
    """Each critic's minibatches: its training indices in a fresh random order every epoch."""

    def __init__(self, rngs: Sequence[np.random.Generator], train_size: int, batch_size: int) -> None:
        self.rngs, self.train_size, self.batch_size = rngs, train_size, batch_size
        self.streams = [np.empty(0, dtype=np.int64) for _ in rngs]

    def next(self) -> np.ndarray:
        for index, rng in enumerate(self.rngs):
            if len(self.streams[index]) < self.batch_size:
                self.streams[index] = np.concatenate([self.streams[index], rng.permutation(self.train_size)])
        batch = np.stack([stream[: self.batch_size] for stream in self.streams])
        self.streams = [stream[self.batch_size :] for stream in self.streams]
        return batch


def resolve_device(device: str) -> str:
    """The device to train on: ``"auto"`` is CUDA where PyTorch sees a GPU, else the CPU.

    A device this process cannot use (a GPU on a CPU build of PyTorch; CUDA in a process forked
    after its parent initialised CUDA, PyTorch's "bad fork") is refused with a clear error rather
    than left to fail deep inside PyTorch.
    """
    named = device != "auto"
    if not named:
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and torch.cuda._is_in_bad_fork():
        raise RuntimeError(
            "CUDA cannot be used in this worker process: it was forked from a process that had already "
            "initialised CUDA. Run GPU estimators with one worker (--jobs 1 or executor='serial'), from a "
            "fresh process, or on the CPU (device='cpu')"
        )
    if named and torch.device(device).type != "cpu":
        try:
            torch.empty(0, device=device)
        except (AssertionError, RuntimeError) as exc:  # a CPU build of PyTorch, or no such GPU here
            raise RuntimeError(
                f"device={device!r} cannot be used here ({exc}); device='auto' trains on a GPU where PyTorch sees one, "
                "else on the CPU"
            ) from None
    return device


def train_critics(
    samples: Sequence[tuple[np.ndarray, np.ndarray]],
    rngs: Sequence[np.random.Generator],
    settings: Settings,
    device: str = "auto",
) -> list[float]:
    """Train one critic per sample (all of the same size and dimensions) and return each estimate.

    Each critic's sample is put in a canonical order (sorted by its rows), so that the estimate
    does not depend on the order of the input, then split at random into a training part (``train_fraction``) and a held-out
    part; minibatches of ``batch_size`` come from the training part. Every ``eval_every`` steps
    and at the last step the bound is evaluated on the whole held-out split. With early stopping,
    a critic stops once two evaluations in a row fail to beat its best. The estimate is the
    held-out bound at the critic's stopping step (``select="final"``) or the largest held-out
    value seen (``select="max"``, BMI's choice, optimistic).
    """
    device = resolve_device(device)
    if len(samples) == 1:
        # PyTorch multiplies a batch of one matrix by another kernel than a batch of several, and
        # rounding differences grow in training: a lone critic gets a companion, so that its
        # estimate is the same bit for bit as in any batch on the CPU.
        return train_critics([samples[0], samples[0]], [rngs[0], np.random.default_rng(0)], settings, device)[:1]
    count = len(samples)
    n, dim_x, dim_y = samples[0][0].shape[0], samples[0][0].shape[1], samples[0][1].shape[1]
    train_size = int(round(settings.train_fraction * n))
    generators, train_x, train_y, test_x, test_y = [], [], [], [], []
    for (x, y), rng in zip(samples, rngs):
        generators.append(torch.Generator().manual_seed(int(rng.integers(2**63 - 1))))
        canonical = np.lexsort(np.hstack([x, y]).T[::-1])  # the estimate does not depend on the input's order
        x, y = x[canonical], y[canonical]
        order = rng.permutation(n)
        x, y = _standardized(x, settings.standardize), _standardized(y, settings.standardize)
        train_x.append(x[order[:train_size]])
        train_y.append(y[order[:train_size]])
        test_x.append(x[order[train_size:]])
        test_y.append(y[order[train_size:]])

    def stacked(parts: list[np.ndarray]) -> torch.Tensor:
        return torch.as_tensor(np.stack(parts), dtype=torch.float32, device=device)

    train_x, train_y, test_x, test_y = map(stacked, (train_x, train_y, test_x, test_y))
    critics = Critics(settings.critic, dim_x, dim_y, settings, generators, device)
    optimiser = torch.optim.Adam(critics.parameters(), lr=settings.learning_rate)
    if torch.device(device).type == "cpu":
        _skip_graph_capture_check(optimiser)
    minibatches = _Minibatches(rngs, train_size, settings.batch_size)
    rows = torch.arange(count, device=device)[:, None]
    log_denominator = torch.full((count,), -math.inf, device=device)

    best = np.full(count, -np.inf)
    final = np.full(count, np.nan)
    since_best = np.zeros(count, dtype=int)
    running = np.ones(count, dtype=bool)
    for step in range(1, settings.steps + 1):
        index = torch.as_tensor(minibatches.next(), device=device)
        scores = critics.scores(train_x[rows, index], train_y[rows, index])
        objective, log_denominator = _objective(settings, scores, log_denominator)
        optimiser.zero_grad(set_to_none=True)
        (-objective.sum()).backward()
        optimiser.step()
        if step % settings.eval_every and step != settings.steps:
            continue
        value = _held_out_value(critics, settings, test_x, test_y)
        improved = value > best
        since_best = np.where(improved, 0, since_best + 1)
        best = np.where(running & improved, value, best)
        final = np.where(running, value, final)
        if settings.early_stopping:
            running &= since_best < 2
            if not running.any():
                break
    chosen = best if settings.select == "max" else final
    return [float(value) for value in chosen]


def _skip_graph_capture_check(optimiser: torch.optim.Optimizer) -> None:
    """Stop an optimiser on the CPU asking the GPU, at every step, whether a CUDA graph is being captured.

    PyTorch asks whenever it sees a GPU, whatever the tensors' device, and in a worker forked from a
    process that had initialised CUDA the question fails ("CUDA error: initialization error"). A
    graph is never captured on the CPU. (The check under its present name and its older one.)
    """
    for name in ("_accelerator_graph_capture_health_check", "_cuda_graph_capture_health_check"):
        setattr(optimiser, name, lambda: None)


def _objective(
    settings: Settings, scores: torch.Tensor, log_denominator: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """What a training step maximises (one value per critic), and MINE's running log-denominator."""
    if settings.bound == "smile":
        return jensen_shannon_objective(scores), log_denominator
    terms = bound_terms(scores, settings.clip)
    if settings.bound != "mine":
        return bound_value(settings.bound, terms), log_denominator
    # MINE (Belghazi et al. 2018, eq. 12): the gradient of ln E_off[exp T] is divided by a moving
    # average of E_off[exp T] instead of the minibatch's own mean, which biases it less.
    m = scores.shape[-1]
    batch_log_mean = terms.offdiagonal_lse - math.log(m * (m - 1))
    smoothed = torch.logaddexp(
        math.log(settings.smoothing) + log_denominator, math.log(1 - settings.smoothing) + batch_log_mean
    ).detach()
    correction = torch.exp(batch_log_mean.detach() - smoothed)
    return terms.diagonal / m - correction * batch_log_mean, smoothed


@torch.no_grad()
def _held_out_value(critics: Critics, settings: Settings, test_x: torch.Tensor, test_y: torch.Tensor) -> np.ndarray:
    """The bound on each critic's whole held-out split, evaluated in blocks of rows."""
    m = test_x.shape[1]
    width = max(settings.hidden) if settings.hidden else 1
    rows_per_block = max(1, EVALUATION_BLOCK // (m * width))
    terms = None
    for start in range(0, m, rows_per_block):
        block = critics.scores(test_x[:, start : start + rows_per_block], test_y)
        block_terms = bound_terms(block, settings.clip, first_row=start, size=m)
        terms = block_terms if terms is None else terms.combine(block_terms)
    return bound_value(settings.bound, terms).double().cpu().numpy()
