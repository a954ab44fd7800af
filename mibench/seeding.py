"""The one seeding rule: a seed comes from what a thing is, never from when it ran.

Every seed mibench derives (a task's sample, a bootstrap of a cell, a Monte Carlo truth) is
:func:`stable_seed` of a canonical key: SHA-256 of the key's text, the first eight bytes read
little-endian. It is identical across processes, machines and Python versions, unlike the salted
``hash()``.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np

__all__ = ["stable_seed", "task_seed", "as_generator", "derived_generator"]


def stable_seed(*key: object, bits: int = 63) -> int:
    """A ``bits``-bit seed from a canonical key.

    A single string is hashed as it is; anything else is first encoded as a JSON list. The
    default 63 bits fit a signed 64-bit integer (SQLite, pandas).
    """
    text = key[0] if len(key) == 1 and isinstance(key[0], str) else json.dumps(list(key))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little") >> (64 - bits)


def task_seed(run_seed: int, scenario_spec: str, n: int, rep: int) -> int:
    """The seed of one sample: run seed, canonical scenario spec, n, rep.

    Every estimator in a cell sees the sample drawn from this seed (paired comparisons).
    """
    return stable_seed(int(run_seed), scenario_spec, int(n), int(rep))


def as_generator(seed_or_rng: np.random.Generator | int | np.random.SeedSequence) -> np.random.Generator:
    """A numpy Generator from a Generator (returned as is), an int or a SeedSequence."""
    if isinstance(seed_or_rng, np.random.Generator):
        return seed_or_rng
    if isinstance(seed_or_rng, (int, np.integer)) and not isinstance(seed_or_rng, bool):
        if seed_or_rng < 0:
            raise ValueError(f"rng must be a numpy Generator or a non-negative int seed, got {seed_or_rng}")
        return np.random.default_rng(seed_or_rng)
    if isinstance(seed_or_rng, np.random.SeedSequence):
        return np.random.default_rng(seed_or_rng)
    raise TypeError(f"rng must be a numpy Generator or an int seed, got {type(seed_or_rng).__name__}")


def derived_generator(seed: int, *stream: int) -> np.random.Generator:
    """An independent stream derived from ``seed`` (e.g. an estimator's tie-breaking noise)."""
    return np.random.default_rng([int(seed), *map(int, stream)])
