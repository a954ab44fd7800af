"""The one input validator: every estimator sees arrays checked here, once."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterable, Iterator
from typing import Any, Literal, NamedTuple

import numpy as np

__all__ = [
    "VARIABLE_TYPES",
    "VariableType",
    "DISCRETE_MAX_LEVELS",
    "as_2d",
    "infer_variable_type",
    "validate_variable",
    "validate_sample",
    "check_user_data",
    "tied_samples",
    "scale_aware_noise",
    "unit_scaled",
    "unit_spread",
    "spread_scaled",
    "joint_codes",
    "linearly_dependent",
    "covariance_log_det",
    "collinearity",
]

#: A numeric variable whose values are all integers, with at most this many distinct values, is discrete.
DISCRETE_MAX_LEVELS = 20

VariableType = Literal["continuous", "discrete", "mixed"]
VARIABLE_TYPES: tuple[str, ...] = ("continuous", "discrete", "mixed")


def is_pandas(values: Any) -> bool:
    """Whether ``values`` is a pandas Series or DataFrame, without importing pandas (nothing is one
    unless pandas was imported): plain arrays are checked without its import's half second."""
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(values, (pandas.Series, pandas.DataFrame))


def check_variable_type(value: str, what: str = "variable type") -> str:
    if value not in VARIABLE_TYPES:
        raise ValueError(f"{what} must be one of {', '.join(VARIABLE_TYPES)}; got {value!r}")
    return value


def as_2d(values: Any, name: str) -> np.ndarray:
    """Turn array-like input into a 2-D array of shape (n_samples, n_features); an object array
    holding only numbers becomes a numeric one."""
    if is_pandas(values):
        values = values.to_numpy()
    if np.ma.isMaskedArray(values):
        masked = int(np.ma.count_masked(values))
        if masked:
            raise ValueError(
                f"{name} is a masked array with {masked} masked entries, which would be used as if present: "
                f"drop those samples (from every variable) or fill them first"
            )
        values = np.ma.getdata(values)
    try:
        array = np.asarray(values)
    except ValueError as exc:
        if isinstance(values, (list, tuple)) and not any(isinstance(v, (list, np.ndarray)) for v in values):
            array = np.empty(len(values), dtype=object)  # labels such as tuples: one per sample
            array[:] = list(values)
        else:
            raise ValueError(f"{name} must be a rectangular array: {exc}") from None
    if array.dtype.kind == "c":
        raise TypeError(
            f"{name} holds complex numbers ({array.dtype}): the estimators take real values; pass the real and "
            f"imaginary parts as two columns"
        )
    if array.ndim == 0:
        iterable = isinstance(values, Iterable) and not isinstance(values, (str, bytes, np.ndarray))
        got = f"a {type(values).__name__}" if iterable else "a scalar"  # a set, dict or generator has no order
        raise ValueError(f"{name} must be an array of samples (an array, list, Series or DataFrame), got {got}")
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
    if array.dtype.kind == "O":  # numbers in an object array (a mixed DataFrame's .values) are numbers
        import pandas as pd

        numbers = pd.DataFrame(array).infer_objects()
        if all(kind in "iuf" for kind in numbers.dtypes.map(lambda dtype: dtype.kind)):
            array = numbers.to_numpy()
    return array


def infer_variable_type(values: Any, name: str = "x") -> str:
    """The documented rule, the same for the Python API and the command line.

    A column is ``discrete`` if it holds text, booleans, categories or other non-numbers, or
    numbers that are all integers with at most ``DISCRETE_MAX_LEVELS`` distinct values;
    otherwise ``continuous``. A multivariate variable must be one or the other throughout.
    """
    kinds = set()
    for numbers in _column_numbers(values, name):
        if numbers is None:
            kinds.add("discrete")
            continue
        integral = all(_integral(part) for part in (numbers[:1024], numbers))  # the head settles most columns
        kinds.add("discrete" if integral and np.unique(numbers).size <= DISCRETE_MAX_LEVELS else "continuous")
    if len(kinds) > 1:
        raise ValueError(f"{name} mixes discrete and continuous columns; declare its type ({name}_type=...)")
    return kinds.pop()


def _column_numbers(values: Any, name: str) -> Iterator[np.ndarray | None]:
    """Each column's numbers, missing values left out, as floats; None for a column of non-numbers
    (text, booleans, categories)."""
    array = None if is_pandas(values) else as_2d(values, name)
    if array is not None and array.dtype.kind in "iuf":  # plain numbers: no DataFrame (3 ms at n = 10^5)
        for column in array.T:
            numbers = column.astype(float, copy=False)
            yield numbers[~np.isnan(numbers)] if array.dtype.kind == "f" else numbers
        return
    import pandas as pd

    frame = pd.DataFrame(array) if array is not None else values.to_frame() if isinstance(values, pd.Series) else values
    for position in range(frame.shape[1]):  # by position: labels may repeat
        series = frame.iloc[:, position]
        numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
        yield series.dropna().to_numpy(dtype=float) if numeric else None


def _integral(numbers: np.ndarray) -> bool:
    return bool(np.isfinite(numbers).all() and (numbers == np.trunc(numbers)).all())


def tied_samples(values: np.ndarray) -> np.ndarray:
    """A boolean mask of the samples (rows) whose value equals another sample's."""
    first = np.sort(values[:, 0])
    if not (first[1:] == first[:-1]).any():  # rows cannot tie where one column does not
        return np.zeros(values.shape[0], dtype=bool)
    if values.shape[1] == 1:
        column = values[:, 0]
        order = np.argsort(column)
        ordered = column[order]
        equal_next = ordered[1:] == ordered[:-1]
        tied = np.zeros(column.size, dtype=bool)
        tied[order[1:][equal_next]] = True
        tied[order[:-1][equal_next]] = True
        return tied
    _, inverse, counts = np.unique(values, axis=0, return_inverse=True, return_counts=True)
    return counts[inverse.reshape(-1)] > 1


#: Magnitudes beyond 2^±UNIT_RANGE are rescaled by unit_scaled: their squares, and products of a few
#: of them, would leave the floating-point range (about 2^±1022).
UNIT_RANGE = 400


def unit_scaled(values: np.ndarray, axis: int | tuple[int, ...] = 0) -> tuple[np.ndarray, np.ndarray]:
    """``values`` with each slice along ``axis`` (each column by default) whose largest magnitude lies
    beyond 2^±UNIT_RANGE divided by a power of two, to bring that magnitude into [1, 2): ``(scaled,
    scales)`` with ``values == scaled * scales`` (``scales`` keeps the reduced axes, as length 1).

    Other slices keep scale 1 and their values bit for bit. Dividing by a power of two is exact
    (unless a value becomes subnormal), so a scale-equivariant statistic (a mean, a standard
    deviation, a covariance) computed on ``scaled`` and scaled back equals the one computed on
    ``values``, but cannot overflow or underflow on values near 1e300 or 1e-300.
    """
    _, exponents = np.frexp(np.abs(values).max(axis=axis, keepdims=True))  # peak = m * 2**exponent, m in [0.5, 1)
    scales = np.where(np.abs(exponents) > UNIT_RANGE, np.ldexp(1.0, exponents - 1), 1.0)
    return values / scales, scales


def _unit_length_spectrum(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The singular values of the centred columns, each first scaled to unit length, and those lengths
    (in the units of :func:`unit_scaled`). A column of length 0 (constant) gives singular values 0."""
    scaled, _ = unit_scaled(values)
    centred = scaled - scaled.mean(axis=0)
    lengths = np.sqrt(np.einsum("ij,ij->j", centred, centred))
    if not lengths.all():
        return np.zeros(values.shape[1]), lengths
    return np.linalg.svd(centred / lengths, compute_uv=False), lengths


def _dependent(singular_values: np.ndarray, n_samples: int) -> bool:
    """The numerical-rank rule of ``numpy.linalg.matrix_rank`` (Press et al. 2007, Numerical Recipes,
    §2.6): a singular value at most the largest × max(n, d) × the machine epsilon counts as zero."""
    tolerance = singular_values.max() * max(n_samples, singular_values.size) * np.finfo(float).eps
    return bool(singular_values.min() <= tolerance)


def linearly_dependent(values: np.ndarray) -> bool:
    """Whether the columns of ``values`` (n × d) are linearly dependent once centred, to working precision:
    some linear combination of them is constant (a column repeated, rescaled or summed from others; with
    no more samples than columns, always). Rescaling a column does not change the answer."""
    return len(values) <= values.shape[1] or _dependent(_unit_length_spectrum(values)[0], len(values))


def covariance_log_det(values: np.ndarray) -> float:
    r"""ln det Ŝ of the sample covariance Ŝ = DᵀD / (n − 1), D the centred columns of ``values``, in the units
    of :func:`unit_scaled`: :math:`2\sum_i \ln\sigma_i + 2\sum_j \ln\lVert d_j\rVert - d\ln(n-1)`, with
    σ_i the singular values of D with each column d_j scaled to unit length.

    From the singular values of D it keeps its precision as the columns approach dependence, where the
    covariance itself loses it (forming DᵀD squares their condition number): for y = x + 10⁻⁷ e, a
    Gaussian MI from np.cov's determinant is off by 0.04 nats and is infinite at 10⁻⁸. Linearly dependent
    columns (:func:`linearly_dependent`) are refused: their log-determinant is −∞, and rounding would make it any
    large negative number.
    """
    n, dim = values.shape
    singular_values, lengths = _unit_length_spectrum(values)
    if n <= dim or _dependent(singular_values, n):
        raise ValueError(
            f"the sample covariance of these {dim} columns is singular: they are linearly dependent "
            f"(a constant, repeated or collinear column)"
        )
    return float(2 * np.log(singular_values).sum() + 2 * np.log(lengths).sum() - dim * np.log(n - 1))


class Collinearity(NamedTuple):
    """Linearly dependent continuous columns: what is dependent, in words, and the variables concerned."""

    problem: str
    variables: tuple[str, ...]


def collinearity(arrays: dict[str, np.ndarray | None], kinds: dict[str, str | None]) -> Collinearity | None:
    """What is linearly dependent among the continuous columns of a sample (x, y and z by name): one
    variable's own columns, two variables together, or all together; None when nothing is, or when there
    are no more samples than columns (where every set of columns is, and estimators say so themselves)."""
    continuous = {
        name: values for name, values in arrays.items() if values is not None and kinds.get(name) == "continuous"
    }
    if not continuous:
        return None
    joint = np.hstack(list(continuous.values()))
    if len(joint) <= joint.shape[1] or not linearly_dependent(joint):
        return None
    for name, values in continuous.items():
        if values.shape[1] > 1 and linearly_dependent(values):
            return Collinearity(
                f"the {values.shape[1]} columns of {name} are linearly dependent (one is a linear combination of "
                f"the others): drop the redundant ones, which does not change the MI",
                (name,),
            )
    names = list(continuous)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            if linearly_dependent(np.hstack([continuous[first], continuous[second]])):
                infinite = " (their MI is infinite)" if {first, second} == {"x", "y"} else ""
                return Collinearity(
                    f"{first} and {second} are linearly related: a combination of {first}'s columns equals a "
                    f"combination of {second}'s, up to a constant{infinite}",
                    (first, second),
                )
    together = f"the columns of {', '.join(names)} together are linearly dependent (a linear combination is constant)"
    return Collinearity(together, tuple(names))


#: The interquartile range of a standard normal, 2 Φ⁻¹(3/4): IQR / NORMAL_IQR is the standard deviation
#: for Gaussian data.
NORMAL_IQR = 1.3489795003921634


def unit_spread(values: np.ndarray) -> np.ndarray:
    """Each column divided by its spread: its interquartile range / ``NORMAL_IQR`` (its standard
    deviation where at least half the values are equal; a constant column is left as it is).

    MI is unchanged by rescaling a coordinate, but estimators that measure distances across
    coordinates (the kNN family, in the max-norm) are not: with x in units 100 times larger than
    y, the joint neighbourhoods follow x alone and ``ksg`` tends to 0. The interquartile range,
    unlike the standard deviation, is not inflated by a few extreme values (a heavy tail). Safe near
    1e±300.
    """
    scaled, _ = unit_scaled(values)
    low, high = np.percentile(scaled, [25, 75], axis=0)
    spread = np.where(high > low, (high - low) / NORMAL_IQR, scaled.std(axis=0))
    return np.where(spread > 0, scaled / np.where(spread > 0, spread, 1.0), values)


def spread_scaled(values: np.ndarray, variable_type: str) -> np.ndarray:
    """A validated variable as estimators see it after standardising: a continuous or mixed one
    through :func:`unit_spread`, a discrete one (codes) as it is."""
    return values if variable_type == "discrete" else unit_spread(values)


def scale_aware_noise(values: np.ndarray, level: float, rng: np.random.Generator) -> np.ndarray:
    """Add N(0, (level * sd_column)^2) noise to each column (sd 1 for a constant column)."""
    if level == 0:
        return values
    scaled, scales = unit_scaled(values)
    spread = scaled.std(axis=0) * scales
    spread = np.where(spread > 0, spread, 1.0)
    return values + level * spread * rng.standard_normal(values.shape)


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
    if not np.isfinite(array).all():
        bad = ~np.isfinite(array)
        kind = "NaN" if np.isnan(array[bad]).any() else "infinite"
        row = int(np.argwhere(bad)[0][0])
        raise ValueError(f"{name} contains {kind} values ({int(bad.sum())} entries, first at row {row})")
    constant = (array == array[:1]).all(axis=0)
    if array.shape[0] > 1 and constant.any():
        column = int(np.argmax(constant))
        raise ValueError(
            f"{name} column {column} is constant (every value is {array[0, column]:g}): a {variable_type} "
            f"variable needs some spread, and its MI with anything is 0; drop the column"
        )
    return array


def _discrete_codes(array: np.ndarray, name: str) -> np.ndarray:
    import pandas as pd

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


def validate_sample(
    x: Any,
    y: Any,
    x_type: str = "continuous",
    y_type: str = "continuous",
    min_samples: int = 2,
    *,
    z: Any = None,
    z_type: str | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Validate x, y and, for a conditional quantity, z together: types, equal lengths, enough samples.

    ``z`` (the conditioning variable of I(X;Y|Z)) is checked exactly as x and y are, with its own
    declared type (``z_type``, required with z); without z the third value returned is None.
    """
    x_array = validate_variable(x, x_type, "x")
    y_array = validate_variable(y, y_type, "y")
    arrays = {"x": x_array, "y": y_array}
    z_array = None
    if z is not None:
        if z_type is None:
            raise ValueError("z is given without its type: pass z_type ('continuous', 'discrete' or 'mixed')")
        z_array = arrays["z"] = validate_variable(z, z_type, "z")
    elif z_type:
        raise ValueError(f"z_type={z_type!r} is given without z")
    lengths = {name: array.shape[0] for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        if len(lengths) == 2:
            got = f"{lengths['x']} and {lengths['y']}"
            raise ValueError(f"x and y must have the same number of samples; got {got}")
        got = ", ".join(f"{name}: {count}" for name, count in lengths.items())
        raise ValueError(f"x, y and z must have the same number of samples; got {got}")
    indexes = [(name, value.index) for name, value in (("x", x), ("y", y), ("z", z)) if is_pandas(value)]
    for name, index in indexes[1:]:
        first, first_index = indexes[0]
        if not index.equals(first_index):
            raise ValueError(
                f"{first} and {name} are pandas objects with different indexes; samples are paired by position, "
                f"so align them first ({name}.reindex({first}.index)), or pass .to_numpy() to pair by position"
            )
    check_sample_count(x_array.shape[0], min_samples)
    return x_array, y_array, z_array


def check_sample_count(n: int, min_samples: int, who: str = "this estimator", why: str = "") -> None:
    if n < min_samples:
        raise ValueError(f"too few samples: got {n}, {who} needs at least {min_samples}" + (f" ({why})" if why else ""))


def check_user_data(
    arrays: dict[str, np.ndarray], kinds: dict[str, str], raw: dict[str, Any], strict: bool = True
) -> None:
    """Checks for a user's own data that a benchmark's samples need not pass.

    ``arrays``, ``kinds`` and ``raw``: the validated arrays, declared types and values as given,
    by variable name (x, y and z if there is one). A discrete variable whose labels are all
    distinct, or that holds non-integer numbers most of which are distinct, is almost surely
    continuous: a discrete estimate on it is ln n, not MI. ``strict``: an error (tables);
    otherwise a warning that says so (an explicit declaration in Python).
    """
    for name, codes in arrays.items():
        n = codes.shape[0]
        if kinds[name] != "discrete" or n < 10:
            continue
        distinct = len(np.unique(codes, axis=0)) if codes.shape[1] > 1 else len(np.unique(codes))
        numbers = np.asarray(as_2d(raw[name], name))
        fractional = numbers.dtype.kind == "f" and bool(np.any(np.mod(numbers[np.isfinite(numbers)], 1) != 0))
        if distinct == n or (fractional and distinct > n / 2):
            what = "all distinct" if distinct == n else f"non-integer numbers, {distinct} distinct among {n}"
            fix = (
                f"declare it so ({name}_type='continuous') and use a continuous estimator"
                if numbers.dtype.kind in "biuf"
                else "convert its values to numbers first: they are "
                + ("dates or times (seconds since the first, say)" if _dates(numbers) else "text or other labels")
            )
            message = (
                f"{name} is treated as discrete but its values are {what}: a discrete estimator sees almost every "
                f"sample as its own class (an estimate near ln n, not MI). If {name} is continuous, {fix}"
            )
            if strict:
                raise ValueError(message)
            warnings.warn(message, UserWarning, stacklevel=4)


def _dates(values: np.ndarray) -> bool:
    """Whether a column of labels holds dates or times (datetime64 values, or text that reads as them)."""
    if values.shape[1] != 1:
        return False
    import pandas as pd

    column = pd.Series(values[:, 0])
    if column.dtype.kind in "mM":
        return True
    with warnings.catch_warnings():  # pandas warns when it guesses each cell's format
        warnings.simplefilter("ignore")
        return bool(pd.to_datetime(column.astype(str), errors="coerce", format="mixed").notna().all())


def joint_codes(codes: np.ndarray) -> np.ndarray:
    """Code each row of a 2-D integer array as one joint symbol 0..K-1."""
    if codes.shape[1] == 1:
        return codes[:, 0]
    return np.unique(codes, axis=0, return_inverse=True)[1].reshape(-1)
