"""MI (or conditional MI) on a user's own table: type inference, an estimator choice, an uncertainty and a
permutation p-value."""

from __future__ import annotations

import codecs
import csv
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from .checks import flag, number, positive_int
from .estimator import CollinearDataError, Estimator, TiedDataError, UserData, estimators_accepting, get_estimator
from .intervals import t_interval
from .seeding import derived_generator
from .timeseries import embedding_times
from .validation import infer_variable_type, scale_aware_noise, unit_spread

__all__ = [
    "read_table",
    "split_column_names",
    "resolve_columns",
    "lagged_table",
    "estimate_table",
    "scan_delays",
    "TableEstimate",
    "DelayScan",
]

#: A text column counts as numeric with stray cells when at least this share of its cells are numbers.
NUMERIC_SHARE = 0.8


#: Formats read_table refuses by name (read as delimited text, they gave an empty or one-column table).
OTHER_FORMATS = frozenset(
    ".xlsx .xlsm .xls .ods .json .jsonl .feather .arrow .h5 .hdf5 .sav .dta .sas7bdat .pkl .pickle .npy .npz .mat".split()  # noqa: SIM905
)

#: Compression that pandas undoes from the file's suffix.
COMPRESSED = frozenset({".gz", ".bz2", ".xz", ".zip", ".zst"})

#: Numbers in text that a table reader leaves as text unless told their format: how each looks, and
#: the ``mibench estimate`` options that read it.
NUMBER_FORMATS = (
    (r"[+-]?\d*,\d+", "with a decimal comma", "--decimal ,"),
    (r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", "with commas between thousands", "--thousands ,"),
    (
        r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?",
        "with dots between thousands and a decimal comma",
        "--decimal , --thousands .",
    ),
)

#: A number with the same text before or after it in every cell: a unit, a currency or a percent sign.
AFFIXED_NUMBER = r"(\D*?)\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(\D*)"

#: Affixes that mark numbers even when every number is whole (a label such as "S12" is not a quantity).
UNIT_SIGNS = frozenset("%‰$€£¥")


def read_table(
    path: str | Path, decimal: str = ".", thousands: str | None = None, encoding: str = "utf-8"
) -> pd.DataFrame:
    """A Parquet file, or a delimited text file: tab-separated for .tsv and .tab, else comma-separated,
    or whatever one delimiter the header shows (semicolons, tabs) when it has no comma; compressed
    text (.gz, .bz2, .xz, .zip, .zst) is read too. ``decimal`` and ``thousands``: the characters a text
    file's numbers use (as pandas' read_csv); ``encoding``: its characters' (a byte-order mark is
    skipped)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no file at {str(path)!r}")
    if path.suffix.lower() in (".parquet", ".pq"):
        return pd.read_parquet(path)
    compressed = path.suffix.lower() in COMPRESSED
    suffix = (Path(path.stem) if compressed else path).suffix.lower()
    with open(path, "rb") as file:
        binary = b"\0" in file.read(4096) and not compressed
    if suffix in OTHER_FORMATS or binary:
        kind = f"{suffix} files" if suffix in OTHER_FORMATS else "binary files"
        raise ValueError(f"{str(path)!r}: mibench reads CSV, TSV or Parquet tables, not {kind}; save it as CSV first")
    if decimal == thousands:
        raise ValueError(f"decimal and thousands separators must differ, got {decimal!r} for both")
    try:
        encoding = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
    except LookupError:
        raise ValueError(f"unknown encoding {encoding!r} (utf-8, cp1252 and latin-1 are common)") from None
    try:
        first = pd.read_csv(
            path, sep="\x1f", header=None, nrows=1, dtype=str, quoting=csv.QUOTE_NONE, encoding=encoding
        )
        header = str(first.iloc[0, 0])  # the first line whole: \x1f (unit separator) is in no table
        options: dict[str, object] = {"sep": ","}
        if suffix in (".tsv", ".tab"):
            options = {"sep": "\t"}
        elif "," not in header and any(mark in header for mark in ";\t|"):
            options = {"sep": None, "engine": "python"}  # csv.Sniffer finds the delimiter
        read = lambda **extra: pd.read_csv(path, **options, encoding=encoding, **extra)  # noqa: E731
        table = read(decimal=decimal, thousands=thousands)
        if thousands is not None:
            _check_thousands(table, read(dtype=str, keep_default_na=False), decimal, thousands)
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{str(path)!r} is not {encoding.removesuffix('-sig')} text ({exc.reason}): "
            f"name its encoding (--encoding cp1252 for a file saved by Excel on Windows, or latin-1)"
        ) from None
    except pd.errors.EmptyDataError:
        raise ValueError(f"{str(path)!r} is empty: no header, no rows") from None
    except (pd.errors.ParserError, csv.Error) as exc:
        raise ValueError(f"{str(path)!r} cannot be read as a table: {exc}") from None
    return table


def _check_thousands(table: pd.DataFrame, text: pd.DataFrame, decimal: str, thousands: str) -> None:
    """Refuse a numeric column with a cell that holds the thousands separator out of place: the reader
    drops the separator wherever it is, so 1.5 read with thousands='.' becomes 15."""
    grouped = rf"[+-]?\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+(?:{re.escape(decimal)}\d*)?"
    for column in table.columns[[kind in "iuf" for kind in table.dtypes.map(lambda dtype: dtype.kind)]]:
        cells = text[column].str.strip()
        wrong = cells.str.contains(thousands, regex=False) & ~cells.str.fullmatch(grouped)
        if wrong.any():
            row = cells.index[wrong][0]
            raise ValueError(
                f"column {column!r} has {cells[row]!r} (row {row}), which is not a number with thousands separated "
                f"by {thousands!r}: read as one it would be {table.loc[row, column]}; check --thousands and "
                f"--decimal against the file"
            )


def _find(table: pd.DataFrame, column: str) -> str | None:
    """The table's name for a column: as given, or equal once spaces around either are stripped."""
    if column in table.columns:
        return column
    matches = [name for name in table.columns if str(name).strip() == column.strip()]
    return matches[0] if len(matches) == 1 else None


def split_column_names(names: str, table: pd.DataFrame) -> list[str]:
    """Column names written comma-separated, as on the command line; a name that is itself a column
    of the table (``"income, USD"``) is taken whole."""
    return [names] if _find(table, names) is not None else [name.strip() for name in names.split(",")]


def resolve_columns(table: pd.DataFrame, columns: Sequence[str], name: str, series: bool = False) -> list[str]:
    """The table's names for the columns asked for (spaces around a name do not matter), checked:
    they exist, hold no missing values, and are not numbers spoiled by a few stray text cells.
    In ``series`` (rows are time points), the advice is to fill a bad cell, not to drop its row."""
    if table.empty:
        raise ValueError("the table has no rows (only a header?)")
    found = [_find(table, column) for column in columns]
    missing = [column for column, match in zip(columns, found, strict=True) if match is None]
    if missing:
        raise ValueError(
            f"{name}: no column {', '.join(map(repr, missing))}; columns: {', '.join(map(repr, table.columns))}"
        )
    mend = "impute them (in a series, dropping a row would join the time points either side of it)"
    for column in found:
        values = table[column]
        if values.isna().any():
            row = values.index[values.isna()][0]
            advice = mend if series else "drop or impute them first"
            raise ValueError(f"column {column!r} has missing values (first at row {row}); {advice}")
        if values.dtype.kind != "O":
            continue
        numbers = pd.to_numeric(values, errors="coerce")
        stray = numbers.isna()
        if stray.any() and (~stray).mean() >= NUMERIC_SHARE:
            row = values.index[stray][0]
            readings = _number_formats(values.astype(str).str.strip(), ~stray)
            fix = f"these are numbers {readings}" if readings else mend if series else "fix or drop those rows"
            raise ValueError(
                f"column {column!r} is numeric except {int(stray.sum())} cell(s), first at row {row}: "
                f"{values[row]!r}; {fix}; as it is, the column would be read as labels"
            )
    return found


def check_numbers_as_text(table: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    """Refuse text columns whose cells are numbers in a format the reader was not told of (a decimal
    comma, thousands separators) or with a unit around them: read as labels, each value would be a
    class of its own and the estimate a discrete one on nearly distinct labels."""
    for column in columns:
        values = table[column]
        if values.dtype.kind != "O" or values.map(lambda cell: isinstance(cell, str)).mean() < NUMERIC_SHARE:
            continue
        text = values.astype(str).str.strip()
        if text.str.contains(r"\d").mean() < NUMERIC_SHARE:  # words, not numbers
            continue
        plain = pd.to_numeric(text, errors="coerce").notna()
        if plain.all():
            raise ValueError(
                f"{name} column {column!r} holds numbers as text, such as {text.iloc[0]!r} (written with another "
                f"decimal mark than the file was read with?): convert them to numbers, or declare {name} discrete "
                f"if they are labels"
            )
        readings = _number_formats(text, plain)
        if readings:
            example = text[~plain].iloc[0]
            raise ValueError(
                f"{name} column {column!r} holds numbers written as text, such as {example!r}: "
                f"{readings}; as text they would be read as labels"
            )
        parts = text.str.fullmatch(AFFIXED_NUMBER) & ~plain
        if not parts.any():
            continue
        pieces = text[parts].str.extract(AFFIXED_NUMBER)
        affix = pieces[0].str.strip() + "…" + pieces[2].str.strip()
        common = affix.mode().iloc[0]
        numbers = pd.to_numeric(pieces.loc[affix == common, 1])
        quantity = bool((numbers != numbers.round()).any()) or bool(UNIT_SIGNS & set(common))
        if quantity and (affix == common).sum() + plain.sum() >= NUMERIC_SHARE * len(text):
            example = text[parts & (affix == common)].iloc[0]
            raise ValueError(
                f"{name} column {column!r} holds numbers with {common.strip('…')!r} around them, such as "
                f"{example!r}: remove it from the cells to read them as numbers, or declare {name} discrete "
                f"if they are labels"
            )


def _number_formats(text: pd.Series, plain: pd.Series) -> str:
    """The formats of NUMBER_FORMATS that the cells not read as numbers (``~plain``) are written in,
    with the options that read them, when nearly all cells are numbers so read; else ''."""
    readings = []
    for pattern, looks, options in NUMBER_FORMATS:
        matches = text.str.fullmatch(pattern)
        if (matches & ~plain).any() and (matches | plain).mean() >= NUMERIC_SHARE:
            readings.append(f"{looks} (read them with {options})")
    return " or ".join(readings)


def _check_varying_columns(table: pd.DataFrame, variables: dict[str, list[str]]) -> None:
    """Refuse a column with one value in every row: in x or y its MI with anything is 0 and its
    half-samples all agree (the estimate would read 0 ± 0 whatever the population holds); in z it
    conditions on nothing."""
    for name, columns in variables.items():
        for column in columns:
            values = table[column]
            if len(values) > 1 and values.nunique(dropna=False) == 1:
                effect = "conditioning on it changes nothing" if name == "z" else "its MI with anything is 0"
                raise ValueError(f"{name} column {column!r} is {values.iloc[0]} in every row: {effect}; drop it")


def _check_distinct_columns(variables: dict[str, list[str]]) -> None:
    """Refuse a column named twice, within a variable or in two of x, y and z."""
    owners: dict[str, str] = {}
    for name, columns in variables.items():
        for column in columns:
            first = owners.setdefault(column, name)
            if first == name and columns.count(column) > 1:
                problem = f"{name} names column {column!r} twice (a repeated coordinate)"
            elif first == name:
                continue
            elif name == "z":
                problem = (
                    f"{first} and z both hold column {column!r} (conditioning on a column of {first} makes the MI 0)"
                )
            else:
                problem = f"x and y both hold column {column!r} (its MI with itself is its entropy, or infinite if continuous)"
            raise ValueError(f"{problem}; each column may be used once, in x, y or z")


@dataclass(frozen=True)
class TableEstimate:
    estimator: str
    x_type: str
    y_type: str
    n: int
    estimate: float
    stderr: float
    #: The 95 % interval for the estimator's mean at this n (:func:`sampling_interval`; NaN without a standard error).
    interval: tuple[float, float]
    p_value: float
    permutations: int
    subsamples: int
    chosen_because: str
    expected_bias: float
    expected_bias_interval: tuple[float, float]
    expected_rmse: float
    expected_rmse_interval: tuple[float, float]
    z_type: str | None = None
    expected_n: int | None = None
    history: int | None = None
    source_history: int | None = None
    delay: int | None = None
    no_stderr_because: str | None = None
    warning: str | None = None
    #: The estimates on the permuted samples, in the order of the permutations (which the seed fixes).
    null_estimates: tuple[float, ...] = field(default=(), repr=False)

    def as_dict(self) -> dict[str, object]:
        values = asdict(self)
        del values["null_estimates"]
        return values


#: A series is cut into this many stretches of time for its standard error (see _half_sample_stderr).
TIME_BLOCKS = 10

#: The fewest samples (time points for a transfer entropy) given a standard error. Below, half-samples
#: are too small to show the spread at n: simulated (``benchmarks/estimate_coverage.py --sections small``),
#: the interval (:func:`sampling_interval`) would hold the estimator's own mean in 75 % (ksg) and 86.5 %
#: (plugin) of samples at n = 16, and ksg's halves of n = 8 are all alike (SE 0); 93-93.5 % at
#: n = 100 (2026-11-28).
MIN_STDERR_N = 100


def _half_sample_stderr(estimator: Estimator, data: UserData, repeats: int, seed: int, in_time: bool = False) -> float:
    """Standard error at full n from disjoint half-samples (no resampling with replacement).

    Each repeat splits a random permutation into two disjoint halves a, b; being independent,
    (a − b)²/2 estimates the variance of a half-sample estimate without bias, whatever the overlap
    between repeats (the spread of all halves together does not: halves of different repeats
    share data, which made it 17–28 % too small). With Var ∝ 1/n, the variance at n is half the
    half-sample variance (Holmes & Nemenman 2019). Rows in time order (``in_time``) are cut into
    ``TIME_BLOCKS`` stretches of time, and each half takes half of them at random: random rows
    would interleave neighbouring, dependent time points and understate the spread (simulated in
    benchmarks/estimate_coverage.py).
    """
    if repeats == 0:
        return float("nan")
    rng = derived_generator(seed, 2)
    n = len(data.x)
    blocks = np.array_split(np.arange(n), min(TIME_BLOCKS, n)) if in_time else []
    squared_gaps = []
    for _ in range(repeats):
        if in_time:
            chosen = rng.permutation(len(blocks))
            halves = [np.concatenate([blocks[i] for i in part]) for part in np.array_split(chosen, 2)]
        else:
            halves = np.array_split(rng.permutation(n), 2)
        a, b = (
            estimator.estimate_validated(
                data.x[part],
                data.y[part],
                **{**data.types, "z": None if data.z is None else data.z[part]},
                rng=derived_generator(seed, 3),
            )
            for part in halves
        )
        squared_gaps.append((a - b) ** 2 / 2)
    return float(np.sqrt(np.mean(squared_gaps) / 2))


def sampling_interval(estimate: float, stderr: float, subsamples: int, confidence: float = 0.95) -> tuple[float, float]:
    """The interval for the estimator's mean at this n: estimate ∓ t · stderr, with Student's t on as
    many degrees of freedom as the half-sample pairs behind ``stderr`` (each pair's squared gap is
    one estimate of the variance); (NaN, NaN) without a standard error.

    It covers sampling noise, not the estimator's bias. Simulated (``benchmarks/estimate_coverage.py``):
    with 10 pairs, t = 2.23 held the mean in 90–95.5 % of samples (four MI cases) where 1.96 held it in 88–92.5 %.
    """
    if not subsamples or not np.isfinite(stderr):
        return float("nan"), float("nan")
    low, high = t_interval(estimate, stderr**2, subsamples, confidence)
    return float(low), float(high)


#: How far (a factor) the samples per discrete value may fall below the reference scenarios' fewest
#: before ``estimate_table`` warns that their expected bias and RMSE may not carry over.
SPARSE_CLASSES_FACTOR = 2.0


def _scale_warning(as_given: bool, data: UserData) -> str | None:
    """A warning when continuous columns were kept as given: the reference measured every estimator on
    columns divided by their spread, and a distance-based estimator's bias depends on their relative spread."""
    if not as_given or all(kind in (None, "discrete") for kind in (data.x_type, data.y_type, data.z_type)):
        return None
    return (
        "the expected bias and RMSE were measured with each continuous column divided by its spread; yours "
        "were kept as given (no standardizing), and a distance-based estimator's bias depends on the columns' "
        "relative spread"
    )


#: A value that an undeclared continuous column takes in at least this share of its rows (and at least
#: ATOM_ROWS rows) looks like a point mass: ``estimate_table`` suggests declaring the variable mixed.
ATOM_SHARE = 0.05
ATOM_ROWS = 10


def _atom_warning(table: pd.DataFrame, variables: dict[str, list[str]]) -> str | None:
    """A warning when a column of these variables (inferred continuous) repeats one value in many rows (a
    point mass, as a rainfall that is often exactly 0): then its expectations should come from the
    reference scenarios with atoms, which a declaration of the variable as mixed selects."""
    for name, columns in variables.items():
        for column in columns:
            counts = table[column].value_counts()
            if len(counts) and counts.iloc[0] >= max(ATOM_ROWS, ATOM_SHARE * len(table)):
                value = counts.index[0]
                end = {table[column].min(): " (its smallest value)", table[column].max(): " (its largest value)"}
                return (
                    f"{name} column {column!r} equals {value:g}{end.get(value, '')} in "
                    f"{counts.iloc[0] / len(table):.0%} of rows: a point mass (an atom, as a rainfall that is often "
                    f"exactly 0 or values censored at a detection limit) or coarse rounding? If an atom, "
                    f"declare {name} mixed ({name}_type='mixed', --{name}-type mixed), so that the estimator and "
                    f"the expected bias and RMSE come from data with atoms"
                )
    return None


def _sparse_classes_warning(attrs: dict, yours: float | None, n: int) -> str | None:
    """A warning when the user's discrete variables have far fewer samples per value than the
    reference scenarios behind the expectations, the nearest in that (:func:`mibench.recommend.recommend`):
    the bias of a count-based or per-class estimator follows the samples per class. ``yours`` is
    counted in as many of the user's n rows as the references' draws."""
    from .recommend import describe_samples_per_value, three_figures

    if (
        yours is None
        or "samples_per_value" not in attrs
        or yours >= attrs["samples_per_value"][0] / SPARSE_CLASSES_FACTOR
    ):
        return None
    counted = attrs["counted_at"]
    return (
        f"your discrete data have {three_figures(yours)} samples per distinct value (of the discrete variables taken "
        f"together{f', in {counted:,} of your {n:,} rows' if counted < n else ''}); the reference "
        f"scenarios nearest in that, behind the expected bias and RMSE, have {describe_samples_per_value(attrs)}, "
        "so those may not carry over"
    )


#: Neighbours in z among which a conditional permutation moves each y (Runge 2018 uses 5 to 10).
LOCAL_PERMUTATION_NEIGHBOURS = 5


def null_permutations(z: np.ndarray, z_type: str) -> Callable[[np.random.Generator], np.ndarray]:
    """Permutations of the samples under conditional independence given z, one per call with a
    generator: with a discrete z, within each class of z (X ⊥ Y | Z then holds exactly); with a
    continuous or mixed z, the local permutation of Runge (2018): in random order, each sample
    takes the y of one of its ``LOCAL_PERMUTATION_NEIGHBOURS`` nearest neighbours in z (itself
    included) not taken yet, or of any of them when all are taken. The classes or neighbours are
    found once, here."""
    n = len(z)
    if z_type == "discrete":
        classes = np.unique(z, axis=0, return_inverse=True)[1].reshape(-1)
        groups = [np.flatnonzero(classes == label) for label in np.unique(classes)]

        def within_classes(rng: np.random.Generator) -> np.ndarray:
            order = np.arange(n)
            for members in groups:
                order[members] = rng.permutation(members)
            return order

        return within_classes
    from scipy.spatial import cKDTree

    from ._local_permutation import local_permutation  # compiled on first use

    neighbours = cKDTree(z).query(z, k=min(LOCAL_PERMUTATION_NEIGHBOURS, n), p=np.inf)[1].reshape(n, -1)
    return partial(local_permutation, neighbours)


def lagged_table(
    table: pd.DataFrame,
    x: Sequence[str],
    y: Sequence[str],
    history: int,
    source_history: int,
    delay: int,
    z: Sequence[str] = (),
    start: int = 0,
) -> tuple[pd.DataFrame, list[str], list[str], list[str]]:
    """The variables of the transfer entropy x → y, given the series ``z`` if any
    (:func:`mibench.transfer_entropy_variables`), from a table whose rows are time points in order:
    its columns, x's at the source lags, y's now, y's and then z's at the target lags (each keeps
    its column's dtype), and the names of the three groups. Time points before ``start`` serve as
    history only."""
    now, source_lags, target_lags = embedding_times(len(table), history, source_history, delay)
    now = now[now >= positive_int(start, "start", minimum=0)]
    if not now.size:
        raise ValueError(f"the series have {len(table)} time points: none from start={start} on")
    groups = {"x": [(c, lag) for lag in source_lags for c in x], "y": [(c, 0) for c in y]}
    groups["z"] = [(c, lag) for series in (y, z) for lag in target_lags for c in series]
    columns = {
        f"{column}[t-{lag}]" if lag else f"{column}[t]": table[column].iloc[now - lag].reset_index(drop=True)
        for pairs in groups.values()
        for column, lag in pairs
    }
    names = {key: [f"{c}[t-{lag}]" if lag else f"{c}[t]" for c, lag in pairs] for key, pairs in groups.items()}
    return pd.DataFrame(columns), names["x"], names["y"], names["z"]


def estimate_table(
    table: pd.DataFrame,
    x: Sequence[str],
    y: Sequence[str],
    estimator: str = "auto",
    *,
    z: Sequence[str] | None = None,
    x_type: str | None = None,
    y_type: str | None = None,
    z_type: str | None = None,
    permutations: int = 100,
    subsamples: int = 10,
    seed: int = 0,
    jitter: float = 0.0,
    standardize: bool = True,
    history: int | None = None,
    source_history: int = 1,
    delay: int = 1,
    start: int = 0,
) -> TableEstimate:
    """Estimate I(x; y), or I(x; y | z) given ``z`` columns, or the transfer entropy from x to y
    given ``history``, between columns of a table, with a standard error and a permutation p-value.

    ``estimator="auto"`` takes the top recommendation for the types, dimensions and n from the
    reference results. The data are checked as :meth:`mibench.Estimator.prepare` checks them
    (strictly: labels that look continuous are an error); ``jitter`` adds seeded, scale-aware
    noise to continuous columns for estimators that refuse ties; ``standardize`` divides each
    continuous column by its spread first (:meth:`mibench.Estimator.prepare`). The p-value is (b + 1)/(m + 1), b of
    m permutations of y giving an estimate at least as large as the observed one; given z, the
    permutations keep y's relation to z (:func:`null_permutations`: exact within the classes of a
    discrete z, approximate for a continuous one). ``permutations=0`` skips the test and
    ``subsamples=0`` the standard error: they are then NaN, as the standard error is below
    ``MIN_STDERR_N`` samples (``no_stderr_because`` says why). ``expected_n``: the sample size the
    expected bias and RMSE are for: n itself within the reference's sample sizes (interpolated),
    the nearest of them outside (None without a reference).

    With ``history`` (k), the rows are time points in order, x the source series and y the target:
    the estimate is I(y_t; x_{t-u}, ..., x_{t-u-l+1} | y_{t-1}, ..., y_{t-k}) (:func:`lagged_table`,
    l = ``source_history``, u = ``delay``), at the time points from ``start`` on that have a full
    history (:func:`scan_delays` aligns several delays so); given z, the conditional transfer entropy, which also
    conditions on z_{t-1}, ..., z_{t-k} (z of the target's type). ``jitter`` goes to each series
    once, before the embedding (a time point keeps one value at every lag), the standard error
    comes from stretches of time, and the p-value from the permutations given the target's past
    (and z's; approximate: the rows are serially dependent).
    """
    permutations = positive_int(permutations, "permutations", minimum=0)
    subsamples = positive_int(subsamples, "subsamples", minimum=0)
    as_given = not flag(standardize, "standardize")
    series = history is not None
    x, y = resolve_columns(table, x, "x", series), resolve_columns(table, y, "y", series)
    if history is None and (source_history, delay, start) != (1, 1, 0):
        raise ValueError("source_history, delay and start describe a transfer entropy: give its history too")
    if z:
        z = resolve_columns(table, z, "z", series)
    elif z_type:
        raise ValueError(f"z_type={z_type!r} is given without z columns")
    variables = {"x": x, "y": y, **({"z": z} if z else {})}
    _check_distinct_columns(variables)
    declared = {"x": x_type, "y": y_type, "z": z_type}
    for name, columns in variables.items():
        if declared[name] != "discrete":  # declared labels are labels, whatever they look like
            check_numbers_as_text(table, columns, name)
    _check_varying_columns(table, variables)
    x_type = x_type or infer_variable_type(table[list(x)], "x")
    y_type = y_type or infer_variable_type(table[list(y)], "y")
    inferred = (("x", x, x_type), ("y", y, y_type))
    atoms = _atom_warning(
        table, {name: cols for name, cols, kind in inferred if kind == "continuous" and not declared[name]}
    )
    if history is not None:  # each series rescaled and jittered once per time point, not once per lag
        if z:  # a conditional transfer entropy: z's past joins the target's, so it must be of y's type
            z_type = z_type or infer_variable_type(table[list(z)], "z")
            if z_type != y_type:
                raise ValueError(
                    f"a transfer entropy given z conditions on the target's past and z's past together, so z must "
                    f"be of the target's type ({y_type}), not {z_type}"
                )
        kinds = {**dict.fromkeys(x, x_type), **dict.fromkeys(y, y_type), **dict.fromkeys(z or (), y_type)}
        numeric = [c for c, kind in kinds.items() if kind != "discrete" and pd.api.types.is_numeric_dtype(table[c])]
        table = table.copy()
        if flag(standardize, "standardize") and numeric:
            table[numeric] = unit_spread(table[numeric].to_numpy(dtype=float))
        standardize = False
        if number(jitter, "jitter", 0.0, inclusive=True):
            noisy = [c for c in numeric if kinds[c] == "continuous"]
            table[noisy] = scale_aware_noise(table[noisy].to_numpy(dtype=float), jitter, derived_generator(seed, 5))
            jitter = 0.0
        table, x, y, z = lagged_table(table, x, y, history, source_history, delay, z or (), start)
        z_type = y_type
    z_type = (z_type or infer_variable_type(table[list(z)], "z")) if z else None
    from .recommend import MAX_COUNTING_DRAWS, describe_scenarios, recommend, samples_per_value

    # Counted in as many rows as the references are drawn (at most MAX_COUNTING_DRAWS): samples per
    # value grow with the count, so both sides are compared at the same one.
    rows = derived_generator(seed, 6).permutation(len(table))[:MAX_COUNTING_DRAWS]
    groups = ((x, x_type), (y, y_type), (z or (), z_type))
    discrete = [pd.factorize(table[c].iloc[rows])[0] for columns, kind in groups if kind == "discrete" for c in columns]
    yours = samples_per_value(discrete) if discrete else None
    try:
        ranked = recommend(
            x_type,
            y_type,
            len(x),
            len(y),
            len(table),
            z_type=z_type,
            dim_z=len(z) if z else 1,
            transfer_entropy=history is not None,
            discrete_samples_per_value=yours,
        )
        basis = f"the reference's {describe_scenarios(ranked.attrs)}: {', '.join(ranked.attrs['scenario_labels'])}" + (
            "" if ranked.attrs["close"] else " (nothing closer to your dimensions)"
        )
    except (ValueError, FileNotFoundError) as exc:  # no reference scenarios of these types
        if estimator == "auto":
            dims = (len(x), len(y), len(z) if z else 0)
            accepting = ", ".join(estimators_accepting(x_type, y_type, z_type=z_type, dims=dims)) or "none registered"
            raise ValueError(
                f"cannot choose an estimator: {exc}; name one with -e (of those that accept these types: {accepting})"
            ) from None
        ranked, basis = pd.DataFrame(columns=["estimator"]), f"no reference results to compare with ({exc})"
    candidates = list(ranked["estimator"]) if estimator == "auto" else [estimator]
    skipped: dict[str, str] = {}
    for candidate in candidates:
        chosen = get_estimator(candidate)
        try:
            with warnings.catch_warnings(record=True) as raised:
                warnings.simplefilter("always", UserWarning)
                data = chosen.prepare(
                    table[list(x)],
                    table[list(y)],
                    z=table[list(z)] if z else None,
                    x_type=x_type,
                    y_type=y_type,
                    z_type=z_type,
                    rng=derived_generator(seed, 5),
                    jitter=jitter,
                    standardize=standardize,
                )
        except (TiedDataError, CollinearDataError) as exc:
            if estimator != "auto":
                raise
            skipped[chosen.name] = "ties" if isinstance(exc, TiedDataError) else "linearly dependent columns"
            continue
        break
    else:
        raise ValueError(
            f"no ranked estimator handles these data: {_skipped(skipped)}; pass --jitter for ties, or drop "
            f"redundant columns"
        )
    reason = f"top ranked by median RMSE on {basis}" if estimator == "auto" else f"named by you; reference: {basis}"
    if skipped:
        reason += f"; skipped {_skipped(skipped)} in your data"
    row = ranked[ranked["estimator"] == chosen.spec]
    expectation = {
        name: float(row[f"expected_{name}"].iloc[0]) if len(row) else float("nan")
        for name in ("bias", "bias_low", "bias_high", "rmse", "rmse_low", "rmse_high")
    }
    xs, ys = data.x, data.y
    value = chosen.estimate_validated(xs, ys, **data.types, rng=derived_generator(seed, 1))
    no_stderr_because = None
    if subsamples and len(xs) < MIN_STDERR_N:
        no_stderr_because = f"n = {len(xs):,} is below {MIN_STDERR_N}, where half-samples understate the spread"
        subsamples = 0
    rng = derived_generator(seed, 4)
    shuffle = (
        (lambda generator: generator.permutation(len(ys))) if data.z is None else null_permutations(data.z, z_type)
    )
    nulls = tuple(
        chosen.estimate_validated(xs, ys[shuffle(rng)], **data.types, rng=derived_generator(seed, 1))
        for _ in range(permutations)
    )
    stderr = _half_sample_stderr(chosen, data, subsamples, seed, in_time=history is not None)
    expected = expectation["rmse"] == expectation["rmse"]  # not NaN: the reference holds this estimator
    notes = [
        atoms,
        *(str(warning.message) for warning in raised),
        _sparse_classes_warning(ranked.attrs, yours, len(xs)),
        expected and _scale_warning(as_given, data),
    ]
    return TableEstimate(
        estimator=chosen.spec,
        x_type=x_type,
        y_type=y_type,
        n=len(xs),
        estimate=value,
        stderr=stderr,
        interval=sampling_interval(value, stderr, subsamples),
        p_value=_permutation_p_value(value, nulls),
        permutations=permutations,
        subsamples=subsamples,
        chosen_because=reason,
        expected_bias=expectation["bias"],
        expected_bias_interval=(expectation["bias_low"], expectation["bias_high"]),
        expected_rmse=expectation["rmse"],
        expected_rmse_interval=(expectation["rmse_low"], expectation["rmse_high"]),
        z_type=z_type,
        expected_n=(ranked.attrs["n"] if ranked.attrs["extrapolated"] else len(xs)) if ranked.attrs else None,
        **(
            {"history": int(history), "source_history": int(source_history), "delay": int(delay)}
            if history is not None
            else {}
        ),
        no_stderr_because=no_stderr_because,
        warning="; ".join(filter(None, notes)) or None,
        null_estimates=nulls,
    )


def _skipped(problems: dict[str, str]) -> str:
    """``ksg, ksg2 (they cannot handle the ties); gaussian (... the linearly dependent columns)``."""
    by_problem: dict[str, list[str]] = {}
    for name, problem in problems.items():
        by_problem.setdefault(problem, []).append(name)
    return "; ".join(
        f"{', '.join(names)} ({'it cannot' if len(names) == 1 else 'they cannot'} handle the {problem})"
        for problem, names in by_problem.items()
    )


def _permutation_p_value(value: float, nulls: Sequence[float]) -> float:
    """(b + 1)/(m + 1), b of the m null values at least ``value`` (NaN without permutations)."""
    return (sum(null >= value for null in nulls) + 1) / (len(nulls) + 1) if len(nulls) else float("nan")


@dataclass(frozen=True)
class DelayScan:
    """The transfer entropy at each of several source delays, on the same time points (see :func:`scan_delays`)."""

    delays: tuple[int, ...]
    results: tuple[TableEstimate, ...]
    best_delay: int
    p_value: float

    def as_dict(self) -> dict[str, object]:
        return {
            "delays": list(self.delays),
            "best_delay": self.best_delay,
            "p_value": self.p_value,
            "results": [result.as_dict() for result in self.results],
        }


def scan_delays(
    table: pd.DataFrame,
    x: Sequence[str],
    y: Sequence[str],
    delays: Iterable[int],
    estimator: str = "auto",
    *,
    history: int = 1,
    source_history: int = 1,
    **options: object,
) -> DelayScan:
    r"""The transfer entropy x → y at each source delay u in ``delays`` (:func:`estimate_table` with
    ``history``, ``source_history`` and ``delay=u``; ``options`` as there), and the delay where it is
    largest: the interaction delay that maximises the TE (Wibral et al. 2013).

    Every delay is estimated at the same time points, those with a full history at the longest
    delay, with one estimator (``"auto"``: the choice at the first delay), one seed and so the same
    permutations of the target given its past. ``p_value`` is for the largest TE over the delays:
    the share of permutations whose largest TE over the delays reaches the observed largest (a
    max-statistic test, Westfall & Young 1993). Each result's own p-value tests its delay alone
    and does not allow for having picked the largest; the error rates of both under no coupling are
    simulated in ``benchmarks/estimate_coverage.py``.

    References
    ----------
    Wibral, M., et al. (2013). Measuring information-transfer delays. PLoS ONE 8(2), e55809.
    Westfall, P. H., Young, S. S. (1993). Resampling-based multiple testing. Wiley.
    """
    if isinstance(delays, (str, bytes)) or not isinstance(delays, Iterable):
        raise ValueError(f"delays must be positive integers (a list or a range), got {delays!r}")
    delays = tuple(sorted({positive_int(delay, "delay") for delay in delays}))
    if not delays:
        raise ValueError("delays is empty: give at least one")
    start = int(embedding_times(len(table), history, source_history, delays[-1])[0][0])  # the longest delay's first
    results: list[TableEstimate] = []
    for delay in delays:
        spec = results[0].estimator if results else estimator
        result = estimate_table(
            table, x, y, spec, history=history, source_history=source_history, delay=delay, start=start, **options
        )
        if results:
            result = replace(result, chosen_because=results[0].chosen_because)
        results.append(result)
    values = [result.estimate for result in results]
    if not np.isfinite(values).all():
        bad = [delay for delay, value in zip(delays, values) if not np.isfinite(value)]
        raise ValueError(f"{results[0].estimator} gave no finite TE at delay(s) {bad}: no largest to pick")
    largest_nulls = np.max([result.null_estimates for result in results], axis=0) if results[0].null_estimates else ()
    return DelayScan(
        delays=delays,
        results=tuple(results),
        best_delay=delays[int(np.argmax(values))],
        p_value=_permutation_p_value(max(values), largest_nulls),
    )
