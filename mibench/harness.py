"""Experiments: estimators × scenarios × sample sizes × repetitions, as independent tasks."""

from __future__ import annotations

import hashlib
import json
import math
import os
import socket
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from .estimator import Estimator, InvalidEstimateError, get_estimator
from .scenario import Scenario, get_scenario
from .seeding import derived_generator, task_seed
from .validation import validate_pair

__all__ = ["Experiment", "Task", "plan", "run_task"]


@dataclass(frozen=True)
class Experiment:
    """A resolved experiment: canonical specs and everything that fixes its records."""

    estimators: tuple[str, ...]
    scenarios: tuple[str, ...]
    sample_sizes: tuple[int, ...]
    reps: int = 10
    seed: int = 0
    timeout: float | None = None
    warmup: bool = False

    @classmethod
    def resolve(
        cls,
        estimators: Iterable[str | Estimator],
        scenarios: Iterable[str | Scenario],
        sample_sizes: Iterable[int],
        reps: int = 10,
        seed: int = 0,
        timeout: float | None = None,
        warmup: bool = False,
    ) -> Experiment:
        estimator_specs = _unique(get_estimator(spec).spec for spec in _as_list(estimators, "estimators"))
        scenario_specs = _unique(get_scenario(spec).spec for spec in _as_list(scenarios, "scenarios"))
        sizes = _as_list(sample_sizes, "sample_sizes")
        for size in sizes:
            if isinstance(size, bool) or not isinstance(size, int) or size < 1:
                raise ValueError(f"sample sizes must be positive integers, got {size!r}")
        if isinstance(reps, bool) or not isinstance(reps, int) or reps < 1:
            raise ValueError(f"reps must be a positive integer, got {reps!r}")
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
        if timeout is not None and (not isinstance(timeout, (int, float)) or not timeout > 0):
            raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
        return cls(
            tuple(estimator_specs), tuple(scenario_specs), tuple(_unique(sizes)), reps, seed, timeout, bool(warmup)
        )

    @property
    def fingerprint(self) -> str:
        """Identity of what the records hold: two runs with the same fingerprint have the same tasks."""
        identity = {
            k: v for k, v in asdict(self).items() if k in ("estimators", "scenarios", "sample_sizes", "reps", "seed")
        }
        return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]

    def as_dict(self) -> dict[str, Any]:
        return {key: list(value) if isinstance(value, tuple) else value for key, value in asdict(self).items()}


def _as_list(values: Any, name: str) -> list[Any]:
    if isinstance(values, (str, int, Estimator, Scenario)):
        values = [values]
    values = list(values)
    if not values:
        raise ValueError(f"{name} is empty: name at least one")
    return values


def _unique(values: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


@dataclass(frozen=True)
class Task:
    """One estimate: an estimator on one sample of a scenario."""

    estimator: str
    scenario: str
    n: int
    rep: int
    seed: int
    x_type: str
    y_type: str
    dim_x: int
    dim_y: int
    true_mi: float
    warmup: bool = False
    task_id: str = field(default="")

    @staticmethod
    def identify(estimator: str, scenario: str, n: int, rep: int) -> str:
        return hashlib.sha256(json.dumps([estimator, scenario, n, rep]).encode()).hexdigest()[:20]

    def record(
        self,
        status: str,
        estimate: float = math.nan,
        seconds: float = math.nan,
        cpu: float = math.nan,
        message: str = "",
        worker: str = "",
    ) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "estimator": self.estimator,
            "scenario": self.scenario,
            "x_type": self.x_type,
            "y_type": self.y_type,
            "dim_x": self.dim_x,
            "dim_y": self.dim_y,
            "n": self.n,
            "rep": self.rep,
            "seed": self.seed,
            "true_mi": self.true_mi,
            "estimate": estimate,
            "error": estimate - self.true_mi,
            "seconds": seconds,
            "cpu_seconds": cpu,
            "status": status,
            "message": message,
            "worker": worker or worker_name(),
        }


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def plan(experiment: Experiment) -> tuple[list[Task], list[str]]:
    """The tasks of an experiment in canonical order, and the incompatible pairs skipped."""
    tasks: list[Task] = []
    skipped: list[str] = []
    estimators = [get_estimator(spec) for spec in experiment.estimators]
    for scenario_spec in experiment.scenarios:
        scenario = get_scenario(scenario_spec)
        for estimator in estimators:
            reason = estimator.why_unsupported(scenario.x_type, scenario.y_type, scenario.dim_x, scenario.dim_y)
            if reason:
                skipped.append(f"{estimator.spec} × {scenario.spec}: {reason}")
                continue
            for n in experiment.sample_sizes:
                for rep in range(experiment.reps):
                    tasks.append(
                        Task(
                            estimator=estimator.spec,
                            scenario=scenario.spec,
                            n=n,
                            rep=rep,
                            seed=task_seed(experiment.seed, scenario.spec, n, rep),
                            x_type=scenario.x_type,
                            y_type=scenario.y_type,
                            dim_x=scenario.dim_x,
                            dim_y=scenario.dim_y,
                            true_mi=scenario.mi,
                            warmup=experiment.warmup,
                            task_id=Task.identify(estimator.spec, scenario.spec, n, rep),
                        )
                    )
    return tasks, skipped


@lru_cache(maxsize=256)
def _cached_estimator(spec: str) -> Estimator:
    return get_estimator(spec)


@lru_cache(maxsize=64)
def _cached_scenario(spec: str) -> Scenario:
    return get_scenario(spec)


_warmed_up: set[str] = set()

#: Stream number of the estimator's own rng (tie-breaking noise), derived from the task seed.
ESTIMATOR_STREAM = 1


def run_task(task: Task) -> dict[str, Any]:
    """Draw the task's sample, time the estimate, and return its record. Never raises."""
    try:
        estimator = _cached_estimator(task.estimator)
        scenario = _cached_scenario(task.scenario)
        x, y = scenario.sample(task.n, task.seed)
        x, y = validate_pair(x, y, task.x_type, task.y_type, estimator.min_samples)
    except Exception as exc:  # a broken scenario or a sample the estimator cannot take
        return task.record("error", message=f"{type(exc).__name__}: {exc}")
    if task.warmup and task.estimator not in _warmed_up:
        _warmed_up.add(task.estimator)
        try:
            estimator.estimate_validated(x, y, derived_generator(task.seed, ESTIMATOR_STREAM))
        except Exception:
            pass  # the timed call below reports it
    rng = derived_generator(task.seed, ESTIMATOR_STREAM)
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        value = estimator.estimate_validated(x, y, rng)
    except InvalidEstimateError as exc:
        return task.record("invalid", message=str(exc))
    except Exception as exc:
        return task.record("error", message=f"{type(exc).__name__}: {exc}")
    finally:
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if not math.isfinite(value):
        return task.record("invalid", estimate=value, seconds=wall, cpu=cpu, message=f"estimate is {value}")
    return task.record("ok", estimate=value, seconds=wall, cpu=cpu)
