"""Test helpers for estimator authors: a contract suite and an accuracy assertion.

``check_estimator(spec)`` runs every property a well-behaved MI estimator has, in the spirit of
scikit-learn's ``check_estimator``, raises an AssertionError naming each property that broke,
and returns the checks that did not apply with the reason. ``estimator_checks(spec)`` yields the
checks one by one for ``pytest.mark.parametrize``; a check that does not apply raises
:class:`CheckSkipped` (under pytest, a skip with its reason). ``assert_accurate`` bounds bias
and RMSE on a scenario. The checks call the estimator on the samples as drawn, as benchmark runs do
(``standardize=False``: rescaling would hide whether it depends on the units).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from .estimator import Estimator, get_estimator
from .intervals import mean_interval
from .scenario import Scenario, get_scenario

__all__ = ["check_estimator", "estimator_checks", "assert_accurate", "CheckSkipped", "REFERENCE_SCENARIOS"]


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
        near_zero_under_independence,
        error_shrinks_with_n,
        conditions_on_z,
        runs_on_smallest_n,
    ):
        yield Check(check.__name__, check)


def check_estimator(spec: str | Estimator, n: int = 400, types: tuple[str, str] | None = None) -> dict[str, str]:
    """Run every contract check; raise one AssertionError listing each property that broke.

    Returns the checks that did not apply, each with its reason.
    """
    failures, skipped = [], {}
    for check in estimator_checks(spec, n, types):
        try:
            check.run()
        except CheckSkipped as exc:
            skipped[check.name] = str(exc)
        except AssertionError as exc:
            failures.append(f"{check.name}: {exc}")
    if failures:
        raise AssertionError("estimator failed the mibench contract:\n  " + "\n  ".join(failures))
    return skipped


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
