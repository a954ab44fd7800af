"""The plugin surface: everything an estimator or scenario plugin needs, and nothing more.

This is the stable API for plugin authors, built-in and third-party alike::

    from mibench.plugin import Conventions, Scenario, Truth, register_estimator, register_scenario

It sits at the bottom of the package: it imports nothing of the harness, the store, the
statistics, the plots or the executors, so a plugin never pulls the framework in (a test checks
this). Validation, seeding and timing are the framework's job; a plugin receives validated 2-D
arrays and the declared type of each variable, and returns a float in nats.
"""

from __future__ import annotations

from .checks import flag, number, positive_int, probability
from .estimator import Conventions, register_estimator
from .scenario import Scenario, Truth, get_scenario, register_scenario
from .seeding import derived_generator, stable_seed
from .timeseries import transfer_entropy_variables
from .validation import VARIABLE_TYPES, covariance_log_det, joint_codes, scale_aware_noise, unit_scaled

__all__ = [
    "Conventions",
    "Scenario",
    "Truth",
    "VARIABLE_TYPES",
    "covariance_log_det",
    "derived_generator",
    "flag",
    "get_scenario",
    "joint_codes",
    "number",
    "positive_int",
    "probability",
    "register_estimator",
    "register_scenario",
    "scale_aware_noise",
    "stable_seed",
    "transfer_entropy_variables",
    "unit_scaled",
]
