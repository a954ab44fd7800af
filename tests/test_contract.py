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


CASES = [
    pytest.param(name, check, id=f"{name}-{check.name}")
    for name in mibench.list_estimators()
    for check in estimator_checks(name)
]


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
