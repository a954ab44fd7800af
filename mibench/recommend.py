"""Choosing an estimator: rank estimators on the scenarios that look like the user's data."""

from __future__ import annotations

import copy
import functools
from collections.abc import Sequence
from importlib import resources

import numpy as np
import pandas as pd

from .checks import number, positive_int
from .labels import short_labels
from .ranking import rank_estimators
from .records import standardized_in
from .stats import summarize

__all__ = [
    "recommend",
    "reference_summary",
    "expected_at",
    "describe_scenarios",
    "describe_samples_per_value",
    "samples_per_value",
    "MAX_COUNTING_DRAWS",
]

REFERENCE_FILE = "summary.csv"
REFERENCE_RECORDS = "records.csv.gz"

#: Scenarios farther than this from the request (sum of |ln| dimension ratios) are "not close".
CLOSE = float(np.log(2))

#: The most draws taken to count a scenario's samples per discrete value at the user's n (more
#: draws only give the scenario more samples per value).
MAX_COUNTING_DRAWS = 20_000


#: The committed reference runs by quantity: MI (results/reference), conditional MI (results/cmi)
#: and transfer entropy (results/te), installed as these packages.
REFERENCE_PACKAGES = {
    "mi": ("mibench.reference", "results/reference"),
    "cmi": ("mibench.reference_cmi", "results/cmi"),
    "te": ("mibench.reference_te", "results/te"),
}


def reference_summary(quantity: str = "mi") -> pd.DataFrame:
    """The summary of the committed reference run of ``quantity``: mi, cmi or te."""
    package, folder = REFERENCE_PACKAGES[quantity]
    try:
        with resources.as_file(resources.files(package) / REFERENCE_FILE) as path:
            summary = pd.read_csv(path)
    except (ModuleNotFoundError, FileNotFoundError):
        raise FileNotFoundError(
            f"no reference results are installed ({folder}/{REFERENCE_FILE}); name a run with --run"
        ) from None
    if "z_type" in summary:  # an empty column reads as NaN
        summary["z_type"] = summary["z_type"].astype(object).where(summary["z_type"].notna(), "")
    return summary


def reference_records(quantity: str = "mi") -> pd.DataFrame | None:
    """The records of a committed reference run (for paired ties in its rankings), if installed."""
    from .store import load_records

    try:
        with resources.as_file(resources.files(REFERENCE_PACKAGES[quantity][0]) / REFERENCE_RECORDS) as path:
            return load_records(path) if path.exists() else None
    except (ModuleNotFoundError, FileNotFoundError):
        return None


def expected_at(cells: pd.DataFrame, n: int) -> pd.DataFrame:
    """Per estimator × scenario: bias and RMSE (with their interval bounds) at ``n``, interpolated in ln n
    (RMSE and its bounds in ln–ln) between the two nearest sample sizes; held at the end values
    outside the measured range (``extrapolated``)."""
    rows = []
    for (estimator, scenario), group in cells.groupby(["estimator", "scenario"]):
        group = group.sort_values("n")
        log_n = np.log(group["n"].to_numpy(dtype=float))
        row = {"estimator": estimator, "scenario": scenario, "extrapolated": not log_n[0] <= np.log(n) <= log_n[-1]}
        for column in ("bias", "bias_low", "bias_high", "rmse", "rmse_low", "rmse_high"):
            if column not in group:  # a summary without intervals
                row[column] = np.nan
            elif column.startswith("bias"):
                row[column] = float(np.interp(np.log(n), log_n, group[column].to_numpy(dtype=float)))
            else:
                values = np.log(np.clip(group[column].to_numpy(dtype=float), 1e-12, None))
                row[column] = float(np.exp(np.interp(np.log(n), log_n, values)))
        rows.append(row)
    return pd.DataFrame(rows)


def samples_per_value(arrays: Sequence[np.ndarray]) -> float:
    """n over the number of distinct values the discrete variables take together (their joint cells)."""
    joint = np.hstack([np.asarray(values).reshape(len(values), -1) for values in arrays])
    return len(joint) / len(np.unique(joint, axis=0))


def scenario_samples_per_value(spec: str, n: int) -> float:
    """A scenario's samples per value of its discrete variables together, drawn at n (at most
    ``MAX_COUNTING_DRAWS``, seed 0)."""
    from .scenario import get_scenario

    scenario = get_scenario(spec)
    drawn = scenario.sample(min(n, MAX_COUNTING_DRAWS), 0)
    types = (scenario.x_type, scenario.y_type, scenario.z_type)
    return samples_per_value([values for values, kind in zip(drawn, types) if kind == "discrete"])


def recommend(
    x_type: str,
    y_type: str,
    dim_x: int = 1,
    dim_y: int = 1,
    n: int = 1000,
    *,
    z_type: str | None = None,
    dim_z: int = 1,
    transfer_entropy: bool = False,
    records: pd.DataFrame | None = None,
    summary: pd.DataFrame | None = None,
    discrete_samples_per_value: float | None = None,
) -> pd.DataFrame:
    """Estimators ranked (:func:`mibench.ranking.rank_estimators`) on the scenarios most like the request.

    Scenarios must have the requested types; among them, those whose dimensions are closest are
    used: nearest in Σ|ln(dim / requested dim)| over x and y, ties broken by the nearest joint
    dimension dim_x + dim_y. With ``z_type``, the request is for I(X;Y|Z): only conditional
    scenarios with a z of that type count (from the conditional reference run, results/cmi), and
    z's dimension joins the distance; without it, only unconditional ones. With
    ``transfer_entropy`` (x the source's past, y the target, z the target's past: z_type is y's),
    only transfer-entropy scenarios count (results/te), whose samples are serially dependent; a
    conditional request counts only conditional-MI scenarios. Given ``discrete_samples_per_value``
    (rows over the distinct values of the user's discrete variables together, counted in
    min(n, ``MAX_COUNTING_DRAWS``) random rows as the scenarios are), which sets the bias of
    count-based and per-class estimators where types and dimensions do not, only the scenarios
    whose discrete variables have about as many samples per value at n (:func:`scenario_samples_per_value`) count:
    those within a factor 2 of the nearest in |ln(theirs / yours)|. The ranking is at the
    available n nearest to ``n`` (in ln n); the columns ``expected_bias`` and ``expected_rmse`` (with ``_low``/``_high`` bounds of their 95 %
    intervals) are the medians over those scenarios, interpolated to ``n`` itself.

    ``attrs`` say what the ranking rests on: ``scenarios`` (how many), ``scenario_labels`` (and
    their canonical ``scenario_specs``),
    ``n``, ``dims``, ``close`` (False when the nearest scenarios are more than a factor 2 away in
    dimension), ``extrapolated`` (``n`` outside the measured range), ``source``, ``types``,
    ``quantity``, ``standardized`` (whether the estimators saw each continuous column divided by its
    spread: True, False, or None where the records are absent or mixed; :func:`mibench.records.describe_scaling`) and,
    given ``discrete_samples_per_value``, ``samples_per_value`` (the lowest and
    highest of the scenarios used, at ``counted_at`` draws) (:func:`describe_scenarios` puts them in words).
    A ranking on the installed reference run is kept per request while its files are unchanged (their
    modification times and sizes): the same question again is answered with a copy.
    """
    for name, value in (("dim_x", dim_x), ("dim_y", dim_y), ("dim_z", dim_z), ("n", n)):
        positive_int(value, name)
    if transfer_entropy:
        z_type = z_type or y_type
        if z_type != y_type:
            raise ValueError(f"a transfer entropy's z is the target's past: its type is y's ({y_type}), not {z_type}")
    quantity = "te" if transfer_entropy else "cmi" if z_type else "mi"
    request = (quantity, x_type, y_type, dim_x, dim_y, n, z_type, dim_z, discrete_samples_per_value)
    if summary is None and records is None:
        kept = _reference_ranking(*request, stamp=_reference_stamp(quantity))
        ranked = kept.copy()
        ranked.attrs = copy.deepcopy(kept.attrs)
        return ranked
    summary = summarize(records) if summary is None else summary
    return _rank_on(*request, summary=summary, records=records, source="run")


def _reference_stamp(quantity: str) -> tuple[tuple[int, int] | None, ...]:
    """The modification times and sizes of a reference run's installed files (None where absent): a
    ranking kept from them is reused while these are unchanged."""
    stamps = []
    for name in (REFERENCE_FILE, REFERENCE_RECORDS):
        try:
            with resources.as_file(resources.files(REFERENCE_PACKAGES[quantity][0]) / name) as path:
                status = path.stat()
            stamps.append((status.st_mtime_ns, status.st_size))
        except (ModuleNotFoundError, FileNotFoundError):
            stamps.append(None)
    return tuple(stamps)


@functools.lru_cache(maxsize=64)
def _reference_ranking(quantity: str, *request: object, stamp: tuple[tuple[int, int] | None, ...]) -> pd.DataFrame:
    """:func:`recommend` on the installed reference run, kept per request and reference file ``stamp``:
    ranking reads and tests thousands of records (0.2-0.9 s), and a delay scan, or a loop over pairs
    of columns, asks the same question again and again. Callers get a copy."""
    summary, records = reference_summary(quantity), reference_records(quantity)
    return _rank_on(quantity, *request, summary=summary, records=records, source="reference results")


def _rank_on(
    quantity: str,
    x_type: str,
    y_type: str,
    dim_x: int,
    dim_y: int,
    n: int,
    z_type: str | None,
    dim_z: int,
    discrete_samples_per_value: float | None,
    *,
    summary: pd.DataFrame,
    records: pd.DataFrame | None,
    source: str,
) -> pd.DataFrame:
    """:func:`recommend`'s ranking on a summary (and its records, for paired ties) from ``source``."""
    conditional = bool(z_type)
    for column, default in (("z_type", ""), ("dim_z", 0)):  # summaries written before conditional MI
        if column not in summary:
            summary = summary.assign(**{column: default})
    if "quantity" not in summary:
        summary = summary.assign(quantity=np.where(summary["z_type"] == "", "mi", "cmi"))
    cells = summary[
        (summary["x_type"] == x_type)
        & (summary["y_type"] == y_type)
        & (summary["z_type"] == (z_type or ""))
        & (summary["quantity"] == quantity)
    ]
    if cells.empty:
        kinds = {"mi": "", "cmi": f" and a {z_type} z", "te": f" and a {z_type} target (a transfer entropy)"}
        available = sorted(
            set(zip(summary["quantity"], summary["x_type"], summary["y_type"], summary["z_type"], strict=True))
        )
        others = {q for q, *types in available if tuple(types) == (x_type, y_type, z_type or "")}
        hint = ""
        if "te" in others:
            hint = " (those of these types measure transfer entropy: ask with transfer_entropy=True, or --te)"
        elif others:
            hint = " (those of these types measure conditional MI; a transfer entropy counts only its own scenarios)"
        raise ValueError(
            f"no scenarios with x {x_type}, y {y_type}{kinds[quantity]} in the {source}; "
            f"available (quantity, x, y, z types): {available}{hint}"
        )
    requested = {"dim_x": dim_x, "dim_y": dim_y, **({"dim_z": dim_z} if conditional else {})}
    distance = sum(np.abs(np.log(cells[key] / value)) for key, value in requested.items()).round(9)
    joint = np.abs(np.log(sum(cells[key] for key in requested) / sum(requested.values()))).round(9)
    nearest_distance = distance.min()
    cells = cells[(distance == nearest_distance) & (joint == joint[distance == nearest_distance].min())]
    sparsity = {}
    if discrete_samples_per_value is not None and "discrete" not in (x_type, y_type, z_type):
        raise ValueError(
            f"discrete_samples_per_value (--samples-per-value) is for discrete variables; x is {x_type}, "
            f"y {y_type}" + (f" and z {z_type}" if z_type else "")
        )
    if discrete_samples_per_value is not None:
        yours = number(discrete_samples_per_value, "discrete_samples_per_value", 1.0, np.inf, inclusive=True)
        theirs = {spec: scenario_samples_per_value(spec, n) for spec in cells["scenario"].unique()}
        gaps = {spec: abs(np.log(value / yours)) for spec, value in theirs.items()}
        kept = [spec for spec, gap in gaps.items() if gap <= min(gaps.values()) + CLOSE + 1e-9]
        cells = cells[cells["scenario"].isin(kept)]
        sparsity = {
            "samples_per_value": (min(theirs[spec] for spec in kept), max(theirs[spec] for spec in kept)),
            "counted_at": min(n, MAX_COUNTING_DRAWS),
        }
    sizes = np.sort(cells["n"].unique())
    nearest = int(sizes[np.argmin(np.abs(np.log(sizes / n)))])
    table = rank_estimators(cells[cells["n"] == nearest], records=records)
    if table.empty:
        raise ValueError(
            f"no estimator finished an estimate on the matching scenarios at n = {nearest} in the {source}"
        )
    expected = expected_at(cells[cells["estimator"].isin(table["estimator"])], n)
    medians = expected.groupby("estimator")[["bias", "bias_low", "bias_high", "rmse", "rmse_low", "rmse_high"]].median()
    for column in medians.columns:
        table[f"expected_{column}"] = table["estimator"].map(medians[column])
    scenarios = sorted(cells["scenario"].unique())
    labels = short_labels(scenarios)
    table.attrs.update(
        scenarios=len(scenarios),
        scenario_labels=[labels[s] for s in scenarios],
        scenario_specs=scenarios,
        n=nearest,
        dims=tuple(int(cells[key].iloc[0]) for key in requested),
        close=bool(nearest_distance <= CLOSE + 1e-6),
        extrapolated=bool(expected["extrapolated"].any()),
        source=source,
        types=(x_type, y_type, z_type or ""),
        quantity=quantity,
        standardized=None
        if records is None
        else standardized_in(records[records["scenario"].isin(scenarios) & (records["n"] == nearest)]),
        **sparsity,
    )
    return table


def describe_scenarios(attrs: dict) -> str:
    """What a recommendation's scenarios are, from its ``attrs``: "3 scenario(s) with continuous x
    (1-D) and discrete y (1-D)", and what they condition on."""
    (x_type, y_type, z_type), dims = attrs["types"], attrs["dims"]
    given = {
        "mi": "",
        "cmi": f" given {z_type} z ({dims[-1]}-D)",
        "te": f" given the target's {z_type} past ({dims[-1]}-D)",
    }[attrs["quantity"]]
    counts = f", {describe_samples_per_value(attrs)}" if "samples_per_value" in attrs else ""
    return f"{attrs['scenarios']} scenario(s) with {x_type} x ({dims[0]}-D) and {y_type} y ({dims[1]}-D){given}{counts}"


def describe_samples_per_value(attrs: dict) -> str:
    """ "40 samples per discrete value in 400 draws", or "100 to 133 ...": the scenarios a recommendation
    for discrete data rests on (its ``attrs``)."""
    low, high = (three_figures(value) for value in attrs["samples_per_value"])
    return f"{low if low == high else f'{low} to {high}'} samples per discrete value in {attrs['counted_at']:,} draws"


def three_figures(value: float) -> str:
    """A count to three significant figures, in digits: 2,000 rather than 2e+03; 133; 1.29."""
    return f"{float(f'{value:.3g}'):,g}"
