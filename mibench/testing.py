"""Test helpers for estimator authors: a contract suite and an accuracy assertion.

``check_estimator(spec)`` runs every property a well-behaved MI estimator has, in the spirit of
scikit-learn's ``check_estimator``, raises an AssertionError naming each property that broke,
and returns the checks that did not apply with the reason. ``estimator_checks(spec)`` yields the
checks one by one for ``pytest.mark.parametrize``; a check that does not apply raises
:class:`CheckSkipped` (under pytest, a skip with its reason). ``check_scenario(spec)`` and
``scenario_checks(spec)`` do the same for a scenario: its samples and its truth against a
computation independent of the code that gives it. ``assert_accurate`` bounds bias and RMSE on a
scenario. The checks call the estimator on the samples as drawn, as benchmark runs do
(``standardize=False``: rescaling would hide whether it depends on the units).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from .estimator import CollinearDataError, Estimator, get_estimator
from .intervals import mean_interval
from .scenario import Scenario, get_scenario

__all__ = [
    "check_estimator",
    "estimator_checks",
    "check_scenario",
    "scenario_checks",
    "assert_accurate",
    "CheckSkipped",
    "REFERENCE_SCENARIOS",
]


def _swapped(spec: str) -> str:
    return f'swapped(base="{spec}")'


_CLASSES, _NO_CLASSES = "gaussian_classes(k=3, separation=1.5, sigma=1.0)", "gaussian_classes(k=3, separation=0.0)"
_ZERO_INFLATED, _ZERO_INFLATED_NULL = "zero_inflated_gaussian(rho=0.8, q=0.3)", "zero_inflated_gaussian(rho=0.0, q=0.3)"
_ATOMS, _NO_ATOMS = "class_atoms(m=4, q=0.5)", "class_atoms(m=4, q=0.5, independent=True)"

#: A dependent and an independent scenario for every (x_type, y_type) pair an estimator may declare.
REFERENCE_SCENARIOS: dict[tuple[str, str], tuple[str, str]] = {
    ("continuous", "continuous"): ("gaussian(rho=0.6)", "independent(marginal='normal')"),
    ("discrete", "discrete"): ("symmetric_channel(k=4, error=0.2)", "independent_discrete(kx=4, ky=4)"),
    ("discrete", "continuous"): (_CLASSES, _NO_CLASSES),
    ("continuous", "discrete"): (_swapped(_CLASSES), _swapped(_NO_CLASSES)),
    ("continuous", "mixed"): (_ZERO_INFLATED, _ZERO_INFLATED_NULL),
    ("mixed", "continuous"): (_swapped(_ZERO_INFLATED), _swapped(_ZERO_INFLATED_NULL)),
    ("discrete", "mixed"): (_ATOMS, _NO_ATOMS),
    ("mixed", "discrete"): (_swapped(_ATOMS), _swapped(_NO_ATOMS)),
    ("mixed", "mixed"): ("gao_mixture(p_c=0.5, rho=0.9, beta=0.9)", "independent_mixed(q=0.3)"),
}


#: For estimators that condition: a scenario with I(X;Y|Z) > 0 and one with I(X;Y|Z) = 0 for each
#: (x_type, y_type, z_type) with a reference (a collider or XOR, and a chain or a null).
CONDITIONAL_REFERENCE_SCENARIOS: dict[tuple[str, str, str], tuple[str, str]] = {
    ("continuous", "continuous", "continuous"): ("gaussian_collider", "gaussian_chain"),
    ("continuous", "continuous", "discrete"): ("gaussian_given_class(rho=0.8)", "gaussian_given_class(rho=0.0)"),
    ("discrete", "discrete", "discrete"): ("noisy_xor(p=0.1)", "discrete_chain(k=4, noise=0.3)"),
}


class CheckSkipped(Exception):  # noqa: N818 (a skip signal, like pytest.skip.Exception, not an error)
    """A contract check that does not apply to this estimator; the message says why."""


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[], None]

    def __call__(self) -> None:
        """Run the check; under pytest a check that does not apply becomes a skip with its reason."""
        try:
            self.run()
        except CheckSkipped as exc:
            import sys

            if "pytest" in sys.modules:
                import pytest

                pytest.skip(f"{self.name} does not apply: {exc}")
            raise

    def __repr__(self) -> str:
        return self.name


def _reference(estimator: Estimator, pair: tuple[str, str] | None) -> tuple[tuple[str, str], Scenario, Scenario]:
    pair = pair or estimator.info.types[0]
    if pair not in estimator.info.types:
        raise ValueError(f"{estimator.name} does not declare the types {pair}; it declares {estimator.info.types}")
    dependent, independent = REFERENCE_SCENARIOS[pair]
    return pair, get_scenario(dependent), get_scenario(independent)


def _estimate(estimator: Estimator, scenario: Scenario, x: Any, y: Any, seed: int = 0) -> float:
    return estimator.estimate(x, y, x_type=scenario.x_type, y_type=scenario.y_type, rng=seed, standardize=False)


def estimator_checks(spec: str | Estimator, n: int = 400, types: tuple[str, str] | None = None) -> Iterator[Check]:
    """The contract checks of an estimator on the reference scenarios of ``types`` (default: its
    first declared pair), each a callable that raises AssertionError on failure."""
    estimator = get_estimator(spec)
    pair, dependent, independent = _reference(estimator, types)
    label = estimator.spec
    x, y = dependent.sample(n, 1)

    def returns_finite_float() -> None:
        value = _estimate(estimator, dependent, x, y)
        assert isinstance(value, float) and np.isfinite(value), f"{label}: returned {value!r}, not a finite float"

    def deterministic() -> None:
        first, second = _estimate(estimator, dependent, x, y), _estimate(estimator, dependent, x.copy(), y.copy())
        assert first == second, f"{label}: not deterministic for the same input ({first!r} then {second!r})"

    def invariant_to_sample_order() -> None:
        order = np.random.default_rng(2).permutation(n)
        a, b = _estimate(estimator, dependent, x, y), _estimate(estimator, dependent, x[order], y[order])
        assert abs(a - b) <= 1e-8 * max(1.0, abs(a)), f"{label}: depends on the order of the samples ({a!r} vs {b!r})"

    def symmetric() -> None:
        swapped = (pair[1], pair[0])
        if not estimator.info.symmetric:
            raise CheckSkipped("the estimator declares itself not symmetric")
        if swapped not in estimator.info.types:
            raise CheckSkipped(f"it does not accept the swapped types {swapped}")
        a = _estimate(estimator, dependent, x, y)
        b = estimator.estimate(y, x, x_type=swapped[0], y_type=swapped[1], rng=0, standardize=False)
        assert abs(a - b) <= 1e-6 * max(1.0, abs(a)), f"{label}: declared symmetric but I(x;y)={a!r}, I(y;x)={b!r}"

    def refuses_bad_input() -> None:
        bad = x.astype(float).copy()
        bad[3, 0] = np.nan
        for args, fragment in (((bad, y), "NaN"), ((x, y[:-1]), "same number of samples")):
            try:
                estimator.estimate(*args, x_type=pair[0], y_type=pair[1], standardize=False)
            except (ValueError, TypeError) as exc:
                assert fragment in str(exc), f"{label}: bad input refused with an unclear message: {exc}"
            else:
                raise AssertionError(f"{label}: accepted bad input ({fragment})")

    def same_in_any_units(tolerance: float = 1e-6) -> None:
        scalable = [kind != "discrete" for kind in pair]
        if not any(scalable):
            raise CheckSkipped("discrete labels have no units")
        reference = _estimate(estimator, dependent, x, y)
        for factor in (2.0**-1000, 2.0**1000):  # about 1e-301 and 1e301: squares leave the float range
            sx, sy = (values * factor if scale else values for values, scale in zip((x, y), scalable, strict=True))
            try:
                value = _estimate(estimator, dependent, sx, sy)
            except (ValueError, TypeError) as exc:
                raise AssertionError(
                    f"{label}: refused the sample in units {factor:.0e} times as large: {exc}"
                ) from None
            assert abs(value - reference) <= tolerance * max(1.0, abs(reference)), (
                f"{label}: {value!r} on the sample in units {factor:.0e} times as large, {reference!r} on the sample"
            )

    def same_under_renamed_labels(size: int = 60) -> None:
        """Labels name classes: renaming them cannot change the estimate. Each discrete variable is
        first split into many small classes (its label and the row number modulo 7), so that a
        neighbour search has to leave its class, where a metric on the labels' numbers would show."""
        discrete = [kind == "discrete" for kind in pair]
        if not any(discrete):
            raise CheckSkipped("it takes no discrete variable here")
        sample = dependent.sample(max(size, estimator.min_samples), 3)
        rows = np.arange(len(sample[0]))[:, None] % 7
        classes = [
            np.unique(np.c_[values, rows], axis=0, return_inverse=True)[1].reshape(-1, 1) if is_discrete else values
            for values, is_discrete in zip(sample, discrete, strict=True)
        ]
        renaming = np.random.default_rng(0).permutation(7 * len(rows)) * 3 + 1
        renamed = [renaming[v] if is_discrete else v for v, is_discrete in zip(classes, discrete, strict=True)]
        reference, value = _estimate(estimator, dependent, *classes), _estimate(estimator, dependent, *renamed)
        assert abs(value - reference) <= 1e-9 * max(1.0, abs(reference)), (
            f"{label}: {value!r} with the labels renamed, {reference!r} as they were (n={len(rows)}): how classes "
            "are numbered cannot matter"
        )

    def near_zero_under_independence(tolerance: float = 0.05, size: int = 2000, reps: int = 4) -> None:
        values = [_estimate(estimator, independent, *independent.sample(size, 10 + r)) for r in range(reps)]
        mean = float(np.mean(values))
        assert abs(mean) <= tolerance, (
            f"{label}: mean estimate {mean:.4f} nats under independence ({independent.spec}, n={size}), "
            f"beyond ±{tolerance}"
        )

    def error_shrinks_with_n(small: int = 200, large: int = 3200, reps: int = 5) -> None:
        def rmse(size: int) -> float:
            errors = [
                _estimate(estimator, dependent, *dependent.sample(size, 100 + r)) - dependent.mi for r in range(reps)
            ]
            return float(np.sqrt(np.mean(np.square(errors))))

        a, b = rmse(small), rmse(large)
        assert b < a, (
            f"{label}: RMSE did not shrink from n={small} ({a:.4f}) to n={large} ({b:.4f}) on {dependent.spec}"
        )

    def conditions_on_z(tolerance: float = 0.05, size: int = 2000, reps: int = 4) -> None:
        kinds = [kind for kind in estimator.info.z_types if (*pair, kind) in CONDITIONAL_REFERENCE_SCENARIOS]
        if not kinds:
            why = "it does not condition" if not estimator.info.z_types else f"no conditional reference for {pair}"
            raise CheckSkipped(why)
        dependent_spec, null_spec = CONDITIONAL_REFERENCE_SCENARIOS[(*pair, kinds[0])]
        for spec in (dependent_spec, null_spec):
            scenario = get_scenario(spec)
            errors = []
            for r in range(reps):
                sx, sy, sz = scenario.sample(size, 20 + r)
                value = estimator.estimate(
                    sx, sy, z=sz, x_type=pair[0], y_type=pair[1], z_type=kinds[0], rng=r, standardize=False
                )
                errors.append(value - scenario.mi)
            bias = float(np.mean(errors))
            assert abs(bias) <= tolerance, (
                f"{label}: mean error {bias:+.4f} nats on I(X;Y|Z) of {scenario.spec} (n={size}), beyond ±{tolerance}"
            )
        try:
            estimator.estimate(sx, sy, z=sz[:-1], x_type=pair[0], y_type=pair[1], z_type=kinds[0])
        except ValueError as exc:
            assert "same number of samples" in str(exc), f"{label}: a z of another length refused unclearly: {exc}"
        else:
            raise AssertionError(f"{label}: accepted a z of another length")

    def keeps_its_collinear_declaration() -> None:
        handling = estimator.info.collinear
        if handling == "undeclared":
            raise CheckSkipped("it does not declare how it treats linearly dependent columns (collinear=)")
        if not estimator.info.multivariate:
            raise CheckSkipped("it takes one-dimensional variables only")
        if "continuous" not in pair:
            raise CheckSkipped("linear dependence is about continuous columns")
        # The first continuous variable with its column repeated: no MI changes, no distance or bin either.
        first = pair.index("continuous")
        repeated = [np.c_[values, values] if i == first else values for i, values in enumerate((x, y))]
        if handling == "refused":
            try:
                _estimate(estimator, dependent, *repeated)
            except CollinearDataError:
                return
            raise AssertionError(f"{label}: declares collinear='refused' but took a repeated column")
        try:
            value = _estimate(estimator, dependent, *repeated)
        except ValueError as exc:
            raise AssertionError(
                f"{label}: declares collinear='handled' but failed with a column repeated: {exc}"
            ) from None
        reference = _estimate(estimator, dependent, x, y)
        assert abs(value - reference) <= 1e-6 * max(1.0, abs(reference)), (
            f"{label}: declares collinear='handled' but gave {value!r} with a column repeated, {reference!r} without"
        )

    def runs_on_smallest_n() -> None:
        size = max(estimator.min_samples, 2)
        for seed in range(5):
            sx, sy = dependent.sample(size, seed)
            try:
                value = _estimate(estimator, dependent, sx, sy)
            except ValueError as exc:
                message = str(exc)
                assert "too few" not in message, f"{label}: claims min_samples={size} but refused it: {message}"
                continue  # a clear refusal of this particular sample (e.g. a constant column) is allowed
            assert isinstance(value, float), f"{label}: at n={size} returned {value!r}"

    for check in (
        returns_finite_float,
        deterministic,
        invariant_to_sample_order,
        symmetric,
        refuses_bad_input,
        same_in_any_units,
        same_under_renamed_labels,
        near_zero_under_independence,
        error_shrinks_with_n,
        conditions_on_z,
        keeps_its_collinear_declaration,
        runs_on_smallest_n,
    ):
        yield Check(check.__name__, check)


def _run_checks(checks: Iterator[Check], kind: str) -> dict[str, str]:
    failures, skipped = [], {}
    for check in checks:
        try:
            check.run()
        except CheckSkipped as exc:
            skipped[check.name] = str(exc)
        except AssertionError as exc:
            failures.append(f"{check.name}: {exc}")
        except Exception as exc:  # noqa: BLE001 (a plugin's own error is a broken property too)
            failures.append(f"{check.name}: raised {type(exc).__name__}: {exc}")
    if failures:
        raise AssertionError(f"{kind} failed the mibench contract:\n  " + "\n  ".join(failures))
    return skipped


def check_estimator(spec: str | Estimator, n: int = 400, types: tuple[str, str] | None = None) -> dict[str, str]:
    """Run every contract check; raise one AssertionError listing each property that broke.

    Returns the checks that did not apply, each with its reason.
    """
    return _run_checks(estimator_checks(spec, n, types), "estimator")


def _plug_in_cmi(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> tuple[float, float, float]:
    r"""Plug-in I(X;Y|Z) of discrete samples, its first-order bias and its standard error.

    .. math::

        \hat I = \frac1N \sum_i \ln \frac{\hat p(x_i, y_i, z_i)\, \hat p(z_i)}{\hat p(x_i, z_i)\, \hat p(y_i, z_i)},
        \qquad \text{bias} = \frac{K_{xyz} - K_{xz} - K_{yz} + K_z}{2N}

    with K the number of distinct values seen (Miller 1955: each plug-in entropy is low by
    (K − 1)/(2N)); the standard error is the sd of the summand over √N. A constant z gives I(X;Y).
    """

    def codes(*parts: np.ndarray) -> tuple[np.ndarray, int]:
        _, inverse, counts = np.unique(np.hstack(parts), axis=0, return_inverse=True, return_counts=True)
        return counts[inverse.reshape(-1)].astype(float), counts.size

    (xyz, k_xyz), (xz, k_xz), (yz, k_yz), (zs, k_z) = codes(x, y, z), codes(x, z), codes(y, z), codes(z)
    pointwise = np.log(xyz * zs / (xz * yz))
    n = len(pointwise)
    return float(pointwise.mean()), (k_xyz - k_xz - k_yz + k_z) / (2 * n), float(pointwise.std() / np.sqrt(n))


def scenario_checks(spec: str | Scenario, draws: int = 400_000) -> Iterator[Check]:
    """The contract checks of a scenario, each a callable that raises AssertionError on failure:
    its samples have the declared shapes and come from the seed alone, and its truth agrees with
    an independent computation on ``draws`` samples (a larger number for a large alphabet). The
    truth is checked as the mean of ``log_pmi`` where the scenario has one, and for discrete x, y
    (and z) as the bias-corrected plug-in value of the drawn table; a scenario with neither needs
    its truth checked another way (quadrature, published values), which the skip says."""
    scenario = get_scenario(spec)
    label = scenario.spec
    dims = (scenario.dim_x, scenario.dim_y, *((scenario.dim_z,) if scenario.conditional else ()))
    tolerance = lambda se: 4 * se + 4 * scenario.truth.error + 1e-12  # noqa: E731

    def draws_declared_shapes() -> None:
        for n in (1, 2, 50):
            shapes = [values.shape for values in scenario.sample(n, 3)]
            assert shapes == [(n, dim) for dim in dims], f"{label}: sample({n}) has shapes {shapes}, not {dims}"

    def reproducible_from_the_seed() -> None:
        first, again = scenario.sample(50, 7), scenario.sample(50, np.random.default_rng(7))
        for name, a, b in zip("xyz", first, again):
            assert np.array_equal(a, b), f"{label}: seed 7 drew another {name} the second time (a global generator?)"
        other = scenario.sample(50, 8)
        assert not all(np.array_equal(a, b) for a, b in zip(first, other, strict=True)), (
            f"{label}: seeds 7 and 8 drew the same sample (the generator is not used?)"
        )

    def truth_matches_monte_carlo_of_log_pmi() -> None:
        if not scenario.has_log_pmi:
            raise CheckSkipped("no log_pmi")
        if scenario.conditional:
            raise CheckSkipped("log_pmi is pointwise I(X;Y), and the truth of a conditional scenario I(X;Y|Z)")
        x, y = scenario.sample(draws, 2024)
        pmi = scenario.log_pmi(x, y)
        assert np.all(np.isfinite(pmi)), f"{label}: log_pmi is not finite at {int((~np.isfinite(pmi)).sum())} samples"
        mean, se = float(pmi.mean()), float(pmi.std() / np.sqrt(pmi.size))
        assert abs(mean - scenario.mi) <= tolerance(se), (
            f"{label}: truth {scenario.mi:.6f} nats, but log_pmi averages {mean:.6f} ± {se:.1e} over {draws:,} draws"
        )

    def truth_matches_the_drawn_table() -> None:
        if {scenario.x_type, scenario.y_type, scenario.z_type or "discrete"} != {"discrete"}:
            raise CheckSkipped("not every variable is discrete")
        if scenario.quantity == "te":
            raise CheckSkipped("the rows are time points of one series: the i.i.d. standard error does not hold")
        x, y, *z = scenario.sample(draws, 99)
        value, bias, se = _plug_in_cmi(x, y, z[0] if z else np.zeros((draws, 1)))
        cells = len(np.unique(np.hstack([x, y, *z]), axis=0))
        if cells > draws / 100:
            raise CheckSkipped(f"{cells:,} cells seen in {draws:,} draws: too few draws per cell for the correction")
        assert abs(value - bias - scenario.mi) <= tolerance(se) + 1e-4, (
            f"{label}: truth {scenario.mi:.6f} nats, but the table of {draws:,} draws gives {value - bias:.6f} "
            f"± {se:.1e} (plug-in {value:.6f} less its bias {bias:.1e})"
        )

    for check in (
        draws_declared_shapes,
        reproducible_from_the_seed,
        truth_matches_monte_carlo_of_log_pmi,
        truth_matches_the_drawn_table,
    ):
        yield Check(check.__name__, check)


def check_scenario(spec: str | Scenario, draws: int = 400_000) -> dict[str, str]:
    """Run every scenario contract check (:func:`scenario_checks`); raise one AssertionError listing
    each that broke. Returns the checks that did not apply, each with its reason."""
    return _run_checks(scenario_checks(spec, draws), "scenario")


def assert_accurate(
    estimator: str | Estimator,
    scenario: str | Scenario,
    n: int,
    reps: int = 10,
    *,
    max_abs_bias: float | None = None,
    max_rmse: float | None = None,
    seed: int = 0,
) -> dict[str, float]:
    """Assert that an estimator's |bias| and RMSE on a scenario stay within bounds; return the figures."""
    from .runner import NothingToRunError, run

    try:
        records = run([estimator], [scenario], [n], reps=reps, seed=seed)
    except NothingToRunError as exc:
        raise AssertionError(f"{estimator} does not support {scenario}: {exc}") from None
    failed = records[records["status"] != "ok"]
    if len(failed):
        raise AssertionError(f"{len(failed)} of {len(records)} estimates failed: {failed['message'].iloc[0]}")
    errors = records["error"].to_numpy()
    bias_low, bias_high = mean_interval(errors)
    figures = {
        "bias": float(errors.mean()),
        "bias_low": bias_low,
        "bias_high": bias_high,
        "rmse": float(np.sqrt(np.mean(errors**2))),
        "reps": reps,
        "n": n,
    }
    problems = []
    if max_abs_bias is not None and abs(figures["bias"]) > max_abs_bias:
        problems.append(f"|bias| {abs(figures['bias']):.4g} > {max_abs_bias:g}")
    if max_rmse is not None and figures["rmse"] > max_rmse:
        problems.append(f"RMSE {figures['rmse']:.4g} > {max_rmse:g}")
    if problems:
        spec = records["estimator"].iloc[0]
        raise AssertionError(
            f"{spec} on {records['scenario'].iloc[0]} at n={n} ({reps} reps): "
            + "; ".join(problems)
            + f" (measured bias {figures['bias']:+.4g}, 95 % interval [{bias_low:+.4g}, {bias_high:+.4g}]; "
            f"RMSE {figures['rmse']:.4g})"
        )
    return figures
