"""Estimators for the harness tests (loaded with --plugin): some misbehave on purpose, some report their worker."""

import ctypes
import os
import time

import mibench


@mibench.register_estimator("fault_raises")
def fault_raises(x, y):
    """Always raises."""
    raise RuntimeError("deliberate failure")


@mibench.register_estimator("fault_hangs")
def fault_hangs(x, y, seconds: float = 60.0):
    """Sleeps far past any timeout."""
    time.sleep(seconds)
    return 0.0


@mibench.register_estimator("fault_exits")
def fault_exits(x, y):
    """Kills its own worker process."""
    os._exit(3)


@mibench.register_estimator("fault_segfaults")
def fault_segfaults(x, y):
    """Dereferences a null pointer."""
    ctypes.string_at(0)
    return 0.0


@mibench.register_estimator("fault_writes_its_input")
def fault_writes_its_input(x, y):
    """Overwrites the sample it was given."""
    x[:] = 0.0
    return 0.0


@mibench.register_estimator("fault_nan")
def fault_nan(x, y):
    """Returns NaN."""
    return float("nan")


@mibench.register_estimator("fault_string")
def fault_string(x, y):
    """Returns a string."""
    return "0.5"


@mibench.register_estimator("slow_ok")
def slow_ok(x, y, seconds: float = 0.05):
    """A well-behaved estimator that takes a while: correlation MI after a sleep."""
    import numpy as np

    time.sleep(seconds)
    r = np.corrcoef(x[:, 0], y[:, 0])[0, 1]
    return float(-0.5 * np.log1p(-r * r))


@mibench.register_estimator("reports_blas_threads")
def reports_blas_threads(x, y):
    """Not an estimate: the most threads that any BLAS or OpenMP pool of its process may use."""
    from threadpoolctl import threadpool_info

    return float(max((pool["num_threads"] for pool in threadpool_info()), default=0))


@mibench.register_estimator("reports_torch_threads")
def reports_torch_threads(x, y):
    """Not an estimate: PyTorch's threads, with PyTorch imported here if it is not yet."""
    import torch

    return float(torch.get_num_threads())
