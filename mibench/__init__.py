"""mibench: benchmark mutual-information estimators on scenarios with known MI.

Quick start
-----------
>>> import mibench
>>> mibench.list_estimators()[:3]          # doctest: +SKIP
>>> records = mibench.run(["ksg", "gaussian"], ["gaussian(rho=0.8)"], [100, 1000], reps=5)
>>> mibench.summarize(records)             # doctest: +SKIP
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .estimator import (
    Conventions,
    Estimator,
    estimate,
    get_estimator,
    list_estimators,
    register_estimator,
)
from .registry import load_plugin
from .runner import run
from .scenario import Scenario, Truth, get_scenario, list_scenarios, register_scenario
from .stats import summarize, trends
from .store import load_records

try:
    __version__ = version("mibench")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"


__all__ = [
    "Conventions",
    "Estimator",
    "Scenario",
    "Truth",
    "estimate",
    "get_estimator",
    "get_scenario",
    "list_estimators",
    "list_scenarios",
    "load_plugin",
    "load_records",
    "register_estimator",
    "register_scenario",
    "run",
    "summarize",
    "trends",
]
