"""The one input validator: every estimator sees arrays checked here, once."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = ["VARIABLE_TYPES", "VariableType", "as_2d", "validate_variable", "validate_pair", "joint_codes"]

VariableType = Literal["continuous", "discrete", "mixed"]
VARIABLE_TYPES: tuple[str, ...] = ("continuous", "discrete", "mixed")


def check_variable_type(value: str, what: str = "variable type") -> str:
    if value not in VARIABLE_TYPES:
        raise ValueError(f"{what} must be one of {', '.join(VARIABLE_TYPES)}; got {value!r}")
    return value


def as_2d(values: Any, name: str) -> np.ndarray:
    """Turn array-like input into a 2-D array of shape (n_samples, n_features)."""
    if isinstance(values, (pd.DataFrame, pd.Series)):
        values = values.to_numpy()
    try:
        array = np.asarray(values)
    except ValueError as exc:
        if isinstance(values, (list, tuple)) and not any(isinstance(v, (list, np.ndarray)) for v in values):
            array = np.empty(len(values), dtype=object)  # labels such as tuples: one per sample
            array[:] = list(values)
        else:
            raise ValueError(f"{name} must be a rectangular array: {exc}") from None
    if array.ndim == 0:
        raise ValueError(f"{name} must be an array of samples, got a scalar")
    if array.ndim == 1:
        array = array.reshape(-1, 1)
    elif array.ndim != 2:
        raise ValueError(
            f"{name} must be 1-D (n_samples,) or 2-D (n_samples, n_features); "
            f"got a {array.ndim}-D array of shape {array.shape}"
        )
    if array.shape[0] == 0:
        raise ValueError(f"{name} is empty: it has no samples")
    if array.shape[1] == 0:
        raise ValueError(f"{name} has no features (shape {array.shape})")
    return array


def validate_variable(values: Any, variable_type: str, name: str = "x") -> np.ndarray:
    """Check and coerce one variable.

    Continuous and mixed variables become float64 arrays with finite values.
    Discrete variables may hold labels of any hashable type; each column is
    coded to integers 0..K-1 (in sorted label order where labels sort).
    """
    check_variable_type(variable_type)
    array = as_2d(values, name)
    if variable_type == "discrete":
        return _discrete_codes(array, name)
    if array.dtype.kind == "b":
        array = array.astype(np.float64)
    if array.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must be numeric for a {variable_type} variable; got dtype {array.dtype} "
            f"(for labels, declare the variable discrete)"
        )
    array = np.ascontiguousarray(array, dtype=np.float64)
    bad = ~np.isfinite(array)
    if bad.any():
        kind = "NaN" if np.isnan(array[bad]).any() else "infinite"
        row = int(np.argwhere(bad)[0][0])
        raise ValueError(f"{name} contains {kind} values ({int(bad.sum())} entries, first at row {row})")
    return array


def _discrete_codes(array: np.ndarray, name: str) -> np.ndarray:
    codes = np.empty(array.shape, dtype=np.int64)
    for column in range(array.shape[1]):
        labels = array[:, column]
        if labels.dtype.kind == "f" and not np.isfinite(labels).all():
            raise ValueError(f"{name} contains NaN or infinite labels in column {column}")
        if labels.dtype.kind == "O" and any(_is_missing(label) for label in labels):
            raise ValueError(f"{name} contains missing labels (None or NaN) in column {column}")
        try:
            codes[:, column] = pd.factorize(labels, sort=True)[0]
        except TypeError:  # labels of mixed types that do not sort
            codes[:, column] = pd.factorize(labels, sort=False)[0]
    return codes


def _is_missing(label: Any) -> bool:
    return label is None or (isinstance(label, float) and label != label)


def validate_pair(
    x: Any,
    y: Any,
    x_type: str = "continuous",
    y_type: str = "continuous",
    min_samples: int = 2,
) -> tuple[np.ndarray, np.ndarray]:
    """Validate x and y together: types, equal lengths, enough samples."""
    x_array = validate_variable(x, x_type, "x")
    y_array = validate_variable(y, y_type, "y")
    if x_array.shape[0] != y_array.shape[0]:
        raise ValueError(f"x and y must have the same number of samples; got {x_array.shape[0]} and {y_array.shape[0]}")
    if x_array.shape[0] < min_samples:
        raise ValueError(f"too few samples: got {x_array.shape[0]}, this estimator needs at least {min_samples}")
    return x_array, y_array


def joint_codes(codes: np.ndarray) -> np.ndarray:
    """Code each row of a 2-D integer array as one joint symbol 0..K-1."""
    if codes.shape[1] == 1:
        return codes[:, 0]
    return np.unique(codes, axis=0, return_inverse=True)[1].reshape(-1)
