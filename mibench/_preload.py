"""Imported once by the fork server that the Dask executor's local workers are forked from.

Every worker forked from it then starts with the registries loaded (built-in plugins and installed
entry points) instead of loading them at its first task, and ignoring Ctrl-C: that is the run's to
handle, and it closes the cluster (a worker interrupted on its own printed a traceback).
"""

import signal

from .estimator import ESTIMATORS
from .scenario import SCENARIOS

ESTIMATORS.load()
SCENARIOS.load()
signal.signal(signal.SIGINT, signal.SIG_IGN)
