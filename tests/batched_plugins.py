"""Batched estimators for the harness tests (loaded with --plugin): cheap, seeded, and one that dies."""

import os

import numpy as np

import mibench


@mibench.register_estimator("batch_gaussian", batched=True, compute=("max_batch",))
def batch_gaussian(xs, ys, *, max_batch: int = 4, rngs=()):
    """Gaussian MI of each sample plus 1e-3 × a uniform draw from that sample's own generator."""
    values = []
    for x, y, rng in zip(xs, ys, rngs):
        rho = np.corrcoef(x[:, 0], y[:, 0])[0, 1]
        values.append(-0.5 * np.log1p(-(rho**2)) + 1e-3 * rng.random())
    return values


@mibench.register_estimator("batch_dies", batched=True, compute=("max_batch",))
def batch_dies(xs, ys, *, max_batch: int = 3, rngs=()):
    """Kills its worker when a call holds a sample of exactly 77 points; else returns 0 for each."""
    if any(len(x) == 77 for x in xs):
        os._exit(3)
    return [0.0] * len(xs)
