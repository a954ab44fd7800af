"""MI on a user's own table: type inference, an estimator choice, an uncertainty and a permutation p-value."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .estimator import Estimator, get_estimator
from .seeding import derived_generator
from .validation import validate_pair

__all__ = ["infer_type", "read_table", "estimate_table", "TableEstimate"]

#: A numeric column with at most this many distinct integer values is taken as discrete.
DISCRETE_MAX_LEVELS = 20


def infer_type(column: pd.Series) -> str:
    """``discrete`` for text, booleans, categories and integers with few levels; ``continuous`` otherwise."""
    if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return "discrete"
    values = column.dropna().to_numpy()
    integral = np.all(np.equal(np.mod(values, 1), 0)) if values.size else True
    return "discrete" if integral and np.unique(values).size <= DISCRETE_MAX_LEVELS else "continuous"


def read_table(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no file at {str(path)!r}")
    if path.suffix in (".parquet", ".pq"):
        return pd.read_parquet(path)
    return pd.read_csv(path)


def _variable_type(table: pd.DataFrame, columns: Sequence[str], given: str | None, name: str) -> str:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(
            f"{name}: no column {', '.join(map(repr, missing))}; columns: {', '.join(map(str, table.columns))}"
        )
    if given:
        return given
    kinds = {infer_type(table[c]) for c in columns}
    if len(kinds) > 1:
        raise ValueError(f"{name} mixes discrete and continuous columns; give --{name}-type")
    return kinds.pop()


@dataclass(frozen=True)
class TableEstimate:
    estimator: str
    x_type: str
    y_type: str
    n: int
    estimate: float
    stderr: float
    p_value: float
    permutations: int
    subsamples: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _half_sample_stderr(
    estimator: Estimator, x: np.ndarray, y: np.ndarray, types: dict[str, str], repeats: int, seed: int
) -> float:
    """Standard error at full n from disjoint half-samples (no resampling with replacement).

    Each repeat splits a random permutation into two disjoint halves; with Var ∝ 1/n the variance
    at n is half the variance of the half-sample estimates (Holmes & Nemenman 2019).
    """
    if repeats == 0:
        return float("nan")
    rng = derived_generator(seed, 2)
    halves = []
    for _ in range(repeats):
        order = rng.permutation(len(x))
        for part in np.array_split(order, 2):
            halves.append(estimator.estimate_validated(x[part], y[part], **types, rng=derived_generator(seed, 3)))
    return float(np.std(halves, ddof=1) / np.sqrt(2))


def estimate_table(
    table: pd.DataFrame,
    x: Sequence[str],
    y: Sequence[str],
    estimator: str = "auto",
    *,
    x_type: str | None = None,
    y_type: str | None = None,
    permutations: int = 100,
    subsamples: int = 10,
    seed: int = 0,
) -> TableEstimate:
    """Estimate I(x; y) between columns of a table, with a standard error and a permutation p-value.

    ``estimator="auto"`` takes the top recommendation for the types, dimensions and n from the
    reference results. The p-value is (b + 1)/(m + 1), b of m permutations of y giving an
    estimate at least as large as the observed one.
    """
    x_type = _variable_type(table, x, x_type, "x")
    y_type = _variable_type(table, y, y_type, "y")
    if table[list(x) + list(y)].isna().any().any():
        raise ValueError("the chosen columns contain missing values; drop or impute them first")
    if estimator == "auto":
        from .recommend import recommend

        ranked = recommend(x_type, y_type, len(x), len(y), len(table))
        if ranked.empty:
            raise ValueError(f"no recommendation for {x_type} x and {y_type} y; name an estimator with -e")
        estimator = str(ranked["estimator"].iloc[0])
    chosen = get_estimator(estimator)
    problem = chosen.why_unsupported(x_type, y_type, len(x), len(y))
    if problem:
        raise ValueError(problem)
    xs, ys = validate_pair(table[list(x)].to_numpy(), table[list(y)].to_numpy(), x_type, y_type, chosen.min_samples)
    types = {"x_type": x_type, "y_type": y_type}
    value = chosen.estimate_validated(xs, ys, **types, rng=derived_generator(seed, 1))
    rng = derived_generator(seed, 4)
    exceed = sum(
        chosen.estimate_validated(xs, ys[rng.permutation(len(ys))], **types, rng=derived_generator(seed, 1)) >= value
        for _ in range(permutations)
    )
    return TableEstimate(
        estimator=chosen.spec,
        x_type=x_type,
        y_type=y_type,
        n=len(xs),
        estimate=value,
        stderr=_half_sample_stderr(chosen, xs, ys, types, subsamples, seed),
        p_value=(exceed + 1) / (permutations + 1),
        permutations=permutations,
        subsamples=subsamples,
    )
