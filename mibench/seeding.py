"""The one seeding rule: a task's seed comes from what the task is, never from when it ran."""

from __future__ import annotations

import hashlib
import json

import numpy as np

__all__ = ["task_seed", "as_generator", "derived_generator"]


def task_seed(run_seed: int, scenario_spec: str, n: int, rep: int) -> int:
    """A stable 63-bit seed for one sample: run seed, canonical scenario spec, n, rep.

    Uses SHA-256 of a canonical JSON encoding, so it is identical across
    processes, machines and Python versions (unlike the salted ``hash()``).
    Every estimator in a cell sees the sample drawn from this seed.
    """
    payload = json.dumps([int(run_seed), scenario_spec, int(n), int(rep)]).encode()
    return int.from_bytes(hashlib.sha256(payload).digest()[:8], "little") >> 1


def as_generator(seed_or_rng: np.random.Generator | int | np.random.SeedSequence) -> np.random.Generator:
    """A numpy Generator from a Generator (returned as is), an int or a SeedSequence."""
    if isinstance(seed_or_rng, np.random.Generator):
        return seed_or_rng
    if isinstance(seed_or_rng, (int, np.integer, np.random.SeedSequence)) and not isinstance(seed_or_rng, bool):
        return np.random.default_rng(seed_or_rng)
    raise TypeError(f"rng must be a numpy Generator or an int seed, got {type(seed_or_rng).__name__}")


def derived_generator(seed: int, *stream: int) -> np.random.Generator:
    """An independent stream derived from ``seed`` (e.g. an estimator's tie-breaking noise)."""
    return np.random.default_rng([int(seed), *map(int, stream)])
