"""Experiments: estimators × scenarios × sample sizes × repetitions, as independent tasks."""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from .checks import flag, number, positive_int
from .estimator import Estimator, InvalidEstimateError, get_estimator
from .records import make_record
from .scenario import Scenario, get_scenario
from .seeding import derived_generator, task_seed
from .validation import spread_scaled, tied_samples, validate_sample

__all__ = ["Experiment", "Task", "plan", "batches", "run_task", "run_tasks", "resolve_estimator", "resolve_scenario"]


_ESTIMATORS: dict[str, Estimator] = {}


def resolve_estimator(spec: str) -> Estimator:
    """The estimator of a spec, built once per process and remembered under its run spec too
    (specs are resolved once per run: the tasks name the run spec)."""
    if spec not in _ESTIMATORS:
        estimator = get_estimator(spec)
        _ESTIMATORS[spec] = _ESTIMATORS.setdefault(estimator.run_spec, estimator)
    return _ESTIMATORS[spec]


@lru_cache(maxsize=512)
def resolve_scenario(spec: str) -> Scenario:
    """The scenario of a spec, built once per process (its truth is computed once)."""
    return get_scenario(spec)


def _estimator(item: str | Estimator) -> Estimator:
    return resolve_estimator(item.run_spec if isinstance(item, Estimator) else item)


def _scenario(item: str | Scenario) -> Scenario:
    return resolve_scenario(item.spec if isinstance(item, Scenario) else item)


@dataclass(frozen=True)
class Experiment:
    """A resolved experiment: specs (estimators with their compute settings) and what fixes its records."""

    estimators: tuple[str, ...]
    scenarios: tuple[str, ...]
    sample_sizes: tuple[int, ...]
    reps: int = 10
    seed: int = 0
    timeout: float | None = None
    warmup: bool = False
    standardize: bool = False

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
        standardize: bool = False,
    ) -> Experiment:
        """Resolve every spec (refusing bad ones before anything runs) and check the numbers.

        Two specs that differ only in compute settings are one estimator: the first is kept.
        ``standardize`` divides each continuous or mixed column of every sample by its spread before
        the estimate, as :func:`mibench.estimate` does (:func:`mibench.validation.unit_spread`).
        """
        resolved = {}
        for item in _as_list(estimators, "estimators"):
            estimator = _estimator(item)
            resolved.setdefault(estimator.spec, estimator.run_spec)
        scenario_specs = _unique(_scenario(item).spec for item in _as_list(scenarios, "scenarios"))
        sizes = _as_list(sample_sizes, "sample_sizes")
        try:
            sizes = [positive_int(size, "sample size") for size in sizes]
        except ValueError:
            raise ValueError(f"sample sizes must be positive integers, got {sizes!r}") from None
        if timeout is not None:
            timeout = number(timeout, "timeout (seconds)", 0.0)
        return cls(
            tuple(resolved.values()),
            tuple(scenario_specs),
            tuple(_unique(sizes)),
            positive_int(reps, "reps"),
            positive_int(seed, "seed", minimum=0),
            timeout,
            bool(warmup),
            flag(standardize, "standardize"),
        )

    @property
    def fingerprint(self) -> str:
        """Identity of what the records hold: two runs with the same fingerprint have the same tasks.

        Compute settings are not part of it: resuming with more threads is the same experiment.
        """
        identity = {
            "estimators": [resolve_estimator(spec).spec for spec in self.estimators],
            **{
                key: value
                for key, value in asdict(self).items()
                if key in ("scenarios", "sample_sizes", "reps", "seed")
            },
            **({"standardize": True} if self.standardize else {}),  # earlier runs keep their fingerprints
        }
        return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]

    @property
    def code_versions(self) -> dict[str, str]:
        """Estimator spec → the versions of the code behind its results."""
        return {resolve_estimator(spec).spec: resolve_estimator(spec).code_version for spec in self.estimators}

    def as_dict(self) -> dict[str, Any]:
        return {key: list(value) if isinstance(value, tuple) else value for key, value in asdict(self).items()}


def _as_list(values: Any, name: str) -> list[Any]:
    if isinstance(values, (str, int, np.integer, Estimator, Scenario)):
        values = [values]
    values = list(values)
    if not values:
        raise ValueError(f"{name} is empty: name at least one")
    return values


def _unique(values: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


@dataclass(frozen=True)
class Task:
    """One estimate: an estimator on one sample of a scenario.

    ``estimator`` is the canonical spec (the identity); ``run_spec`` adds the compute settings
    that rebuild the same configuration in a worker; ``compute`` shows them in the record.
    """

    estimator: str
    run_spec: str
    compute: str
    code_version: str
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
    quantity: str = "mi"
    z_type: str = ""
    dim_z: int = 0
    standardize: bool = False

    @cached_property
    def task_id(self) -> str:
        return hashlib.sha256(json.dumps([self.estimator, self.scenario, self.n, self.rep]).encode()).hexdigest()[:20]


def plan(experiment: Experiment) -> tuple[list[Task], list[str]]:
    """The tasks of an experiment in canonical order, and the incompatible pairs skipped."""
    tasks: list[Task] = []
    skipped: list[str] = []
    estimators = [resolve_estimator(spec) for spec in experiment.estimators]
    for scenario_spec in experiment.scenarios:
        scenario = resolve_scenario(scenario_spec)
        for estimator in estimators:
            reason = estimator.why_unsupported(
                scenario.x_type, scenario.y_type, scenario.dim_x, scenario.dim_y, scenario.z_type, scenario.dim_z
            )
            if reason:
                skipped.append(f"{estimator.spec} × {scenario.spec}: {reason}")
                continue
            for n in experiment.sample_sizes:
                for rep in range(experiment.reps):
                    tasks.append(
                        Task(
                            estimator=estimator.spec,
                            run_spec=estimator.run_spec,
                            compute=estimator.compute_label,
                            code_version=estimator.code_version,
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
                            quantity=scenario.quantity,
                            z_type=scenario.z_type,
                            dim_z=scenario.dim_z,
                            standardize=experiment.standardize,
                        )
                    )
    return tasks, skipped


_warmed_up: set[tuple] = set()

#: Stream number of the estimator's own rng (tie-breaking noise), derived from the task seed.
ESTIMATOR_STREAM = 1


def batches(tasks: Iterable[Task]) -> list[list[Task]]:
    """The calls that run ``tasks``: one task each, except for batched estimators, whose tasks of
    one n, types and dimensions (the repetitions of a cell, and of other cells alike) share calls
    of at most the estimator's ``batch_limit``. Order: by each call's first task."""
    groups: dict[tuple[Any, ...], list[list[Task]]] = {}
    calls: list[list[Task]] = []
    for task in tasks:
        limit = resolve_estimator(task.run_spec).batch_limit
        if limit == 1:
            calls.append([task])
            continue
        key = (task.run_spec, task.n, task.x_type, task.y_type, task.z_type, task.dim_x, task.dim_y, task.dim_z)
        open_calls = groups.setdefault(key, [])
        if not open_calls or len(open_calls[-1]) == limit:
            open_calls.append([])
            calls.append(open_calls[-1])
        open_calls[-1].append(task)
    return calls


def run_task(task: Task) -> dict[str, Any]:
    """Draw the task's sample, time the estimate, and return its record. Never raises."""
    return run_tasks([task])[0]


def run_tasks(tasks: Sequence[Task]) -> list[dict[str, Any]]:
    """The records of one call (see :func:`batches`): every task's sample is drawn and validated,
    then all are estimated in one call of the estimator. Each record keeps its own seed and gets
    an equal share of the call's time; ``batch`` says how many estimates the call made. Never raises."""
    records: dict[str, dict[str, Any]] = {}
    ready = []
    for task in tasks:
        try:
            estimator = resolve_estimator(task.run_spec)
            x, y, *z = resolve_scenario(task.scenario).sample(task.n, task.seed)
            sample = validate_sample(
                x, y, task.x_type, task.y_type, 1, z=z[0] if z else None, z_type=task.z_type or None
            )
            estimator.check_sample_count(len(sample[0]))
            kinds = (task.x_type, task.y_type, task.z_type)
            estimator.check_collinear(dict(zip("xyz", sample)), dict(zip("xyz", kinds)))
        except Exception as exc:  # a broken scenario or a sample the estimator cannot take
            records[task.task_id] = make_record(task, "error", message=f"{type(exc).__name__}: {exc}")
            continue
        ties = count_ties(sample, kinds)
        if task.standardize:
            sample = tuple(
                None if values is None else spread_scaled(values, kind) for values, kind in zip(sample, kinds)
            )
        ready.append((task, sample, ties))
    if ready:
        records.update(_estimate(estimator, ready))
    return [records[task.task_id] for task in tasks]


def _estimate(estimator: Estimator, ready: list[tuple[Task, tuple, int]]) -> dict[str, dict]:
    first = ready[0][0]
    types = {"x_type": first.x_type, "y_type": first.y_type}
    xs, ys, zs = ([item[1][which] for item in ready] for which in range(3))
    if first.z_type:
        types.update(zs=zs, z_type=first.z_type)
    # Compiled code paths differ with the data's types and dimensions: one warm-up call for each.
    dims = (xs[0].shape[1], ys[0].shape[1], zs[0].shape[1] if first.z_type else 0)
    shape = (first.run_spec, first.x_type, first.y_type, first.z_type, dims)
    if first.warmup and shape not in _warmed_up:
        _warmed_up.add(shape)
        try:
            one = {**types, "zs": zs[:1]} if first.z_type else types
            estimator.estimate_batch(xs[:1], ys[:1], **one, rngs=[derived_generator(first.seed, ESTIMATOR_STREAM)])
        except Exception:
            pass  # the timed call below reports it
    rngs = [derived_generator(task.seed, ESTIMATOR_STREAM) if estimator.takes_rng else None for task, *_ in ready]
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        values: list[float] = estimator.estimate_batch(xs, ys, **types, rngs=rngs)
        status, message = "ok", ""
    except InvalidEstimateError as exc:
        values, status, message = [math.nan] * len(ready), "invalid", str(exc)
    except Exception as exc:
        values, status, message = [math.nan] * len(ready), "error", f"{type(exc).__name__}: {exc}"
    wall, cpu = (time.perf_counter() - wall) / len(ready), (time.process_time() - cpu) / len(ready)
    records = {}
    for (task, _, ties), value in zip(ready, values):
        shared = {"ties": ties, "batch": len(ready)}
        if status != "ok":
            records[task.task_id] = make_record(task, status, message=message, **shared)
        elif not math.isfinite(value):
            message = f"estimate is {value}"
            records[task.task_id] = make_record(task, "invalid", value, wall, cpu, message=message, **shared)
        else:
            records[task.task_id] = make_record(task, "ok", value, wall, cpu, **shared)
    return records


def count_ties(arrays: Sequence[np.ndarray | None], kinds: Sequence[str]) -> int:
    """Samples whose continuous x, y or z value equals another sample's (benchmarks record them, never refuse)."""
    tied = np.zeros(len(arrays[0]), dtype=bool)
    for values, kind in zip(arrays, kinds):
        if values is not None and kind == "continuous":
            tied |= tied_samples(values)
    return int(tied.sum())
