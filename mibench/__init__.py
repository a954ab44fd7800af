"""mibench: benchmark mutual-information estimators on scenarios with known MI.

Quick start
-----------
>>> import mibench
>>> mibench.list_estimators()[:3]          # doctest: +SKIP
>>> records = mibench.run(["ksg", "gaussian"], ["gaussian(rho=0.8)"], [100, 1000], reps=5)
>>> mibench.summarize(records)             # doctest: +SKIP

Plugins import :mod:`mibench.plugin`, never this module's harness functions: ``run``,
``summarize``, ``trends`` and ``load_records`` are loaded on first use, so importing mibench (or
a plugin) does not import the harness, the store or the statistics.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from .estimator import Conventions, Estimator, estimate, get_estimator, list_estimators, register_estimator
from .registry import load_plugin
from .scenario import Scenario, Truth, get_scenario, list_scenarios, register_scenario
from .timeseries import transfer_entropy_variables

# Imported from a source checkout (the clone's root on sys.path, as when the README is followed
# there after `pip install .`), the plugin packages sit beside this folder, as the package-dir
# mapping of pyproject.toml says: estimators/, scenarios/ and results/reference/.
_checkout = Path(__file__).resolve().parent.parent
if not (Path(__file__).parent / "estimators").is_dir() and (_checkout / "pyproject.toml").is_file():
    __path__ += [str(_checkout), str(_checkout / "results")]  # noqa: F821 (the package's own __path__)

try:
    __version__ = version("mibench")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

#: Names loaded on first use, from the module that holds them.
_LAZY = {"run": "runner", "summarize": "stats", "trends": "stats", "load_records": "store"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'mibench' has no attribute {name!r}")


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
    "transfer_entropy_variables",
    "trends",
]
