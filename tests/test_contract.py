"""Every registered estimator passes the mibench contract suite (mibench.testing)."""

import importlib.util

import numpy as np
import pytest

import mibench
from mibench.estimator import ESTIMATORS
from mibench.testing import check_estimator, estimator_checks


def installed(estimator: str) -> bool:
    modules = {"npeet-plus": "npeet_plus"}
    return all(
        importlib.util.find_spec(modules.get(r, r)) for r in ESTIMATORS.entry(estimator).metadata["info"].requires
    )


BUILTINS = [e.name for e in ESTIMATORS.entries() if e.source.startswith("mibench.estimators.")]
CASES = [pytest.param(name, check, id=f"{name}-{check.name}") for name in BUILTINS for check in estimator_checks(name)]


@pytest.mark.parametrize("name, check", CASES)
def test_contract(name, check):
    if not installed(name):
        pytest.skip(f"{name} needs {ESTIMATORS.entry(name).metadata['info'].requires}")
    check()


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
        mibench.estimate(np.arange(10.0), np.arange(10.0) ** 2, "ennemi")


def test_assert_accurate_passes_and_reports_figures_when_it_fails():
    from mibench.testing import assert_accurate

    figures = assert_accurate("gaussian", "gaussian(rho=0.8)", n=2000, reps=5, max_abs_bias=0.02, max_rmse=0.05)
    assert abs(figures["bias"]) < 0.02 and figures["rmse"] < 0.05
    with pytest.raises(AssertionError, match=r"RMSE [0-9.e-]+ > 0.001 \(measured bias [+-][0-9.e-]+, RMSE"):
        assert_accurate("ksg", "gaussian(rho=0.8)", n=200, reps=3, max_rmse=0.001)
    with pytest.raises(AssertionError, match="does not support"):
        assert_accurate("plugin", "gaussian", n=100, reps=2)
