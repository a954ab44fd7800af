"""Every registered estimator passes the mibench contract suite (mibench.testing)."""

import importlib.util

import numpy as np
import pytest

import mibench
from mibench.estimator import ESTIMATORS
from mibench.plugin import unit_scaled
from mibench.testing import REFERENCE_SCENARIOS, CheckSkipped, check_estimator, estimator_checks
from mibench.validation import VARIABLE_TYPES


def installed(estimator: str) -> bool:
    modules = {"npeet-plus": "npeet_plus"}
    return all(
        importlib.util.find_spec(modules.get(r, r)) for r in ESTIMATORS.entry(estimator).metadata["info"].requires
    )


BUILTINS = [e.name for e in ESTIMATORS.entries() if e.source.startswith("mibench.estimators.")]
#: The neural estimators are checked with short training (their defaults train for 10,000 steps).
NEURAL = {"infonce", "nwj", "dv", "mine", "smile"}
SPECS = {
    name: f"{name}(steps=200, batch_size=64, eval_every=50, learning_rate=0.01)" if name in NEURAL else name
    for name in BUILTINS
    if installed(name)
}
#: Peers whose value depends on the units of the data (measured on gaussian(rho=0.6), n = 400, x and
#: y both multiplied by 2^-1000 and by 2^1000, 2026-11-27), as their own code does.
UNIT_BOUND_PEERS = {
    "ennemi": "its rescaling by the standard deviation underflows near 1e-301 (-inf there; 0.174 near 1e301, "
    "0.220 as drawn)",
    "infomeasure": "its tie-breaking noise has a fixed absolute size, 1e-10 (-0.014 near 1e-301, 0.196 as drawn)",
    "npeet": "it adds noise of absolute size 1e-10 and counts within eps - 1e-15 (0.049 near 1e-301, 0.180 near "
    "1e301, 0.221 as drawn)",
    "sklearn": "its standardisation squares the values, then adds noise of absolute size 1e-10 (0.058 near 1e-301 "
    "and 1e301, 0.220 as drawn)",
}
CASES = [
    pytest.param(
        SPECS[name],
        check,
        id=f"{name}-{check.name}",
        marks=[pytest.mark.xfail(strict=True, reason=UNIT_BOUND_PEERS[name])]
        if name in UNIT_BOUND_PEERS and check.name == "same_in_any_units"
        else [],
    )
    for name in SPECS
    for check in estimator_checks(SPECS[name])
] + [pytest.param(name, None, id=f"{name}-not-installed") for name in BUILTINS if name not in SPECS]
OTHER_PAIRS = [
    pytest.param(name, pair, check, id=f"{name}-{pair[0]}-{pair[1]}-{check.name}")
    for name in SPECS
    for pair in ESTIMATORS.entry(name).metadata["info"].types[1:]
    for check in estimator_checks(SPECS[name], types=pair)
    if check.name
    in (
        "returns_finite_float",
        "refuses_bad_input",
        "near_zero_under_independence",
        "same_in_any_units",
        "same_under_renamed_labels",
    )
    and not (name in UNIT_BOUND_PEERS and check.name == "same_in_any_units")
]
#: Measured, not hidden: mixed_ksg's mean estimate under exact independence with atoms at 0 is
#: +0.06-0.07 nats at n = 2000 and decays slowly (independent_mixed: 0.116, 0.083, 0.055, 0.034 at
#: n = 500, 2000, 8000, 32000; 4 reps each). Strict, so a fix shows up as a failure here.
KNOWN_BIASED = {("mixed_ksg", pair) for pair in (("continuous", "mixed"), ("mixed", "continuous"), ("mixed", "mixed"))}
#: mesner_shalizi was biased downwards there (−0.092 and −0.093 at n = 2000) while it counted k~ = k
#: where points tie at the k-th neighbour's distance; counting them all, as the authors' code does,
#: it gives +0.002 and +0.001 (measured 2026-11-28), and passes.
OTHER_PAIRS = [
    pytest.param(
        *case.values,
        marks=pytest.mark.xfail(strict=True, reason=f"{case.values[0]} is biased under independence with atoms"),
        id=case.id,
    )
    if (case.values[0], case.values[1]) in KNOWN_BIASED and case.values[2].name == "near_zero_under_independence"
    else case
    for case in OTHER_PAIRS
]


@pytest.mark.parametrize("name, check", CASES)
def test_contract(name, check):
    if check is None:
        pytest.skip(f"{name} needs {ESTIMATORS.entry(name).metadata['info'].requires}")
    check()


@pytest.mark.parametrize("name, pair, check", OTHER_PAIRS)
def test_contract_on_every_declared_pair(name, pair, check):
    check()


def test_every_type_pair_has_reference_scenarios_of_those_types():
    assert set(REFERENCE_SCENARIOS) == {(a, b) for a in VARIABLE_TYPES for b in VARIABLE_TYPES}
    for pair, specs in REFERENCE_SCENARIOS.items():
        dependent, independent = (mibench.get_scenario(spec) for spec in specs)
        assert (dependent.x_type, dependent.y_type) == pair == (independent.x_type, independent.y_type)
        assert dependent.mi > 0.05 and abs(independent.mi) < 1e-12


def asymmetric_probe(x, y):
    """Gaussian MI of the correlation, declared not symmetric for the test."""
    r = np.corrcoef(unit_scaled(x)[0][:, 0], unit_scaled(y)[0][:, 0])[0, 1]  # in range near 1e±300
    return float(-0.5 * np.log1p(-min(r * r, 1 - 1e-12)))


def test_a_check_that_does_not_apply_is_skipped_with_its_reason():
    if "test_asymmetric" not in mibench.list_estimators():
        mibench.register_estimator("test_asymmetric", multivariate=False, symmetric=False)(asymmetric_probe)
    assert check_estimator("test_asymmetric") == {
        "symmetric": "the estimator declares itself not symmetric",
        "same_under_renamed_labels": "it takes no discrete variable here",
        "conditions_on_z": "it does not condition",
        "keeps_its_collinear_declaration": "it does not declare how it treats linearly dependent columns (collinear=)",
    }
    symmetric = next(check for check in estimator_checks("test_asymmetric") if check.name == "symmetric")
    with pytest.raises(CheckSkipped, match="not symmetric"):
        symmetric.run()
    with pytest.raises(pytest.skip.Exception, match="symmetric does not apply: the estimator declares"):
        symmetric()


def covariance_gaussian(x, y):
    """Gaussian MI from np.cov's determinants, declared to handle linearly dependent columns for the test."""

    def log_det(values):
        return np.linalg.slogdet(np.atleast_2d(np.cov(values, rowvar=False)))[1]

    return float(0.5 * (log_det(x) + log_det(y) - log_det(np.hstack([x, y]))))


def test_a_collinear_declaration_the_estimator_does_not_keep_fails_the_contract():
    if "test_claims_collinear_handled" not in mibench.list_estimators():
        mibench.register_estimator("test_claims_collinear_handled", collinear="handled")(covariance_gaussian)
    with pytest.raises(
        AssertionError,
        match="keeps_its_collinear_declaration: test_claims_collinear_handled: declares collinear='handled' but failed",
    ):
        check_estimator("test_claims_collinear_handled")
    assert "keeps_its_collinear_declaration" not in check_estimator("gaussian")  # refused, as declared
    assert "keeps_its_collinear_declaration" not in check_estimator("ksg")  # the same value, as declared


def labels_as_numbers(x, y):
    """Gaussian MI of the labels' numbers and y: it depends on how the classes are numbered."""
    return asymmetric_probe(x.astype(float), y)


def test_an_estimator_that_reads_labels_as_numbers_fails_the_contract():
    if "test_labels_as_numbers" not in mibench.list_estimators():
        mibench.register_estimator("test_labels_as_numbers", multivariate=False, types=[("discrete", "continuous")])(
            labels_as_numbers
        )
    with pytest.raises(AssertionError, match="same_under_renamed_labels: test_labels_as_numbers: .* renamed"):
        check_estimator("test_labels_as_numbers")
    for name, pair in (("plugin", None), ("ross", None), ("mixed_ksg", ("discrete", "continuous"))):
        assert "same_under_renamed_labels" not in check_estimator(name, types=pair)  # it applied, and passed


def broken(x, y):
    """Deliberately broken: unseeded noise and order dependence."""
    return float(np.random.default_rng().normal() + x[0, 0])


def test_broken_estimator_fails_with_the_property_named():
    if "test_broken_nondeterministic" not in mibench.list_estimators():
        mibench.register_estimator("test_broken_nondeterministic")(broken)
    with pytest.raises(AssertionError) as exc:
        check_estimator("test_broken_nondeterministic")
    message = str(exc.value)
    assert "deterministic: " in message and "not deterministic" in message
    assert "invariant_to_sample_order" in message
    assert "returns_finite_float" not in message


def test_missing_optional_package_gives_install_message(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "ennemi", None)  # makes `import ennemi` fail
    with pytest.raises(ImportError, match="pip install ennemi"):
        mibench.estimate(np.linspace(0, 1, 10) ** 3, np.linspace(0, 1, 10) ** 2, "ennemi")


def test_assert_accurate_passes_and_reports_figures_when_it_fails():
    from mibench.testing import assert_accurate

    figures = assert_accurate("gaussian", "gaussian(rho=0.8)", n=2000, reps=5, max_abs_bias=0.02, max_rmse=0.05)
    assert abs(figures["bias"]) < 0.02 and figures["rmse"] < 0.05
    assert figures["bias_low"] < figures["bias"] < figures["bias_high"]
    with pytest.raises(AssertionError, match=r"RMSE [0-9.e-]+ > 0.001 \(measured bias [+-][0-9.e-]+, 95 % interval"):
        assert_accurate("ksg", "gaussian(rho=0.8)", n=200, reps=3, max_rmse=0.001)
    with pytest.raises(AssertionError, match="does not support"):
        assert_accurate("plugin", "gaussian", n=100, reps=2)
