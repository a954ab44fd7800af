"""Estimator plugins: the decorator that registers them and the object that runs them."""

from __future__ import annotations

import importlib.metadata
import inspect
import numbers
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from .registry import Entry, Registry, RegistryError, signature_parameters
from .seeding import as_generator
from .spec import format_spec, format_value
from .validation import check_variable_type, validate_pair

__all__ = [
    "ESTIMATORS",
    "Conventions",
    "Estimator",
    "InvalidEstimateError",
    "register_estimator",
    "get_estimator",
    "list_estimators",
    "estimate",
]

ESTIMATORS = Registry("estimator", "mibench.estimators", "mibench.estimators")

CONTINUOUS_PAIR = (("continuous", "continuous"),)


class InvalidEstimateError(TypeError):
    """A plugin returned something that is not a real number."""


@dataclass(frozen=True)
class Conventions:
    """What an estimator does that users otherwise have to dig out of its code."""

    variant: str = ""
    counting: str = "not applicable"
    ties: str = "not handled"
    clipping: str = "none: raw value, may be negative"
    standardises: str = "no"
    complexity: str = ""
    units: str = "nats"
    citation: str = ""

    def as_dict(self) -> dict[str, str]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class EstimatorInfo:
    types: tuple[tuple[str, str], ...]
    multivariate: bool
    symmetric: bool
    min_samples: Callable[[Mapping[str, Any]], int]
    requires: tuple[str, ...]
    max_joint_dim: Callable[[Mapping[str, Any]], int] | None = None
    conventions: Conventions = field(default_factory=Conventions)
    compute: tuple[str, ...] = ()


def register_estimator(
    name: str,
    *,
    types: Iterable[tuple[str, str]] = CONTINUOUS_PAIR,
    multivariate: bool = True,
    symmetric: bool = True,
    min_samples: int | Callable[[Mapping[str, Any]], int] = 2,
    requires: Iterable[str] = (),
    conventions: Conventions | None = None,
    max_joint_dim: Callable[[Mapping[str, Any]], int] | None = None,
    compute: Iterable[str] = (),
) -> Callable[[Any], Any]:
    """Register an estimator function or class under ``name``.

    A function is called as ``f(x, y, **params)``; a class as
    ``cls(**params).estimate(x, y)``. Either may take the keywords ``rng`` (a
    ``numpy.random.Generator`` from the harness, for seeded tie-breaking) and
    ``x_type`` / ``y_type`` (the declared type of each variable: "continuous",
    "discrete" or "mixed"). ``x`` and ``y`` arrive validated: 2-D float64 for
    continuous and mixed variables, 2-D integer codes for discrete ones.

    Parameters
    ----------
    types
        Supported ``(x_type, y_type)`` pairs; continuous x and y by default.
    multivariate
        Whether x and y may have more than one column.
    symmetric
        Whether I(x; y) is computed symmetrically (swapping x and y gives the same value).
    min_samples
        The fewest samples it accepts, or a function of the parameters giving it.
    requires
        Optional Python packages it needs, imported lazily by the plugin.
    max_joint_dim
        A function of the parameters giving the largest dim_x + dim_y it accepts (None: any).
    compute
        Parameters that cannot change the result (threads, device, batching): compute settings.
        They are left out of the canonical spec, the seeds and the comparison key, and recorded
        in the record's ``compute`` column instead.
    """
    pairs = tuple((check_variable_type(a), check_variable_type(b)) for a, b in types)
    minimum = min_samples if callable(min_samples) else (lambda _params, m=int(min_samples): m)
    compute = tuple(compute)

    def decorate(target: Any) -> Any:
        skip = TYPE_KEYWORDS if inspect.isclass(target) else (*TYPE_KEYWORDS, *_first_two(target))
        parameters = signature_parameters(target, skip)
        unknown = [key for key in compute if key not in parameters]
        if unknown:
            raise RegistryError(f"estimator {name!r}: compute settings {unknown} are not parameters of it")
        ESTIMATORS.add(
            Entry(
                kind="estimator",
                name=name,
                version=None,
                target=target,
                parameters=parameters,
                metadata={
                    "info": EstimatorInfo(
                        types=pairs,
                        multivariate=multivariate,
                        symmetric=symmetric,
                        min_samples=minimum,
                        requires=tuple(requires),
                        conventions=conventions or Conventions(),
                        max_joint_dim=max_joint_dim,
                        compute=compute,
                    )
                },
                source=getattr(target, "__module__", "?"),
            )
        )
        return target

    return decorate


#: Keywords the framework passes to a plugin that declares them; never parameters.
TYPE_KEYWORDS = ("rng", "x_type", "y_type")


def _first_two(function: Callable[..., Any]) -> tuple[str, ...]:
    names = list(inspect.signature(function).parameters)
    if len(names) < 2:
        raise TypeError(f"estimator function {function.__name__} must take (x, y, ...)")
    return tuple(names[:2])


class Estimator:
    """A configured estimator: name, parameters, compute settings, declared support, and ``estimate``.

    ``spec`` is the canonical spec of its statistical parameters: its identity in records, seeds
    and comparisons. ``compute`` holds the compute settings (threads, device...), which cannot
    change the result; ``run_spec`` names both, to rebuild the same configuration elsewhere.
    """

    def __init__(self, entry: Entry, params: Mapping[str, Any]) -> None:
        self.entry = entry
        self.name = entry.name
        self.info: EstimatorInfo = entry.metadata["info"]
        self.params = {key: value for key, value in params.items() if key not in self.info.compute}
        self.compute = {key: value for key, value in params.items() if key in self.info.compute}
        self.spec = format_spec(entry.name, self.params)
        self.run_spec = format_spec(entry.name, {**self.params, **self.compute})
        target = entry.target
        self._instance = target(**params) if inspect.isclass(target) else None
        method = self._instance.estimate if self._instance is not None else target
        accepted = inspect.signature(method).parameters
        self._keywords = tuple(key for key in TYPE_KEYWORDS if key in accepted)

    @cached_property
    def code_version(self) -> str:
        """The versions of the code behind its results: mibench, the package that registered it and
        the packages it requires (``mibench 0.1.0; ennemi 1.5.0``). Part of a run's fingerprint."""
        top = self.entry.source.split(".")[0]
        packages = dict.fromkeys(["mibench", *_distributions().get(top, []), *self.info.requires])
        return "; ".join(f"{name} {_installed_version(name)}" for name in packages)

    @property
    def compute_label(self) -> str:
        """The compute settings as ``key=value, ...`` (the record's ``compute`` column)."""
        return ", ".join(f"{key}={format_value(self.compute[key])}" for key in sorted(self.compute))

    def __repr__(self) -> str:
        return f"Estimator({self.spec!r})"

    @property
    def min_samples(self) -> int:
        return int(self.info.min_samples(self.params))

    def supports(self, x_type: str, y_type: str, dim_x: int = 1, dim_y: int = 1) -> bool:
        return self.why_unsupported(x_type, y_type, dim_x, dim_y) is None

    def why_unsupported(self, x_type: str, y_type: str, dim_x: int = 1, dim_y: int = 1) -> str | None:
        if (x_type, y_type) not in self.info.types:
            accepted = ", ".join(f"({a}, {b})" for a, b in self.info.types)
            return f"{self.name} does not accept ({x_type}, {y_type}) data; it accepts {accepted}"
        if not self.info.multivariate and (dim_x > 1 or dim_y > 1):
            return f"{self.name} accepts one-dimensional x and y only; got dim_x={dim_x}, dim_y={dim_y}"
        if self.info.max_joint_dim is not None and dim_x + dim_y > self.info.max_joint_dim(self.params):
            limit = self.info.max_joint_dim(self.params)
            return f"{self.spec} accepts dim_x + dim_y <= {limit}; got {dim_x} + {dim_y}"
        return None

    def estimate(
        self,
        x: Any,
        y: Any,
        *,
        x_type: str | None = None,
        y_type: str | None = None,
        rng: np.random.Generator | int | None = None,
    ) -> float:
        """Validate ``x`` and ``y`` and return the MI estimate in nats.

        ``x_type`` and ``y_type`` default to the estimator's first supported pair.
        ``rng`` seeds any tie-breaking noise; the default is a fixed seed, so the
        result is deterministic.
        """
        default_x, default_y = self.info.types[0]
        x_type, y_type = x_type or default_x, y_type or default_y
        x_array, y_array = validate_pair(x, y, x_type, y_type, self.min_samples)
        problem = self.why_unsupported(x_type, y_type, x_array.shape[1], y_array.shape[1])
        if problem:
            raise ValueError(problem)
        return self.estimate_validated(x_array, y_array, x_type=x_type, y_type=y_type, rng=rng)

    def estimate_validated(self, x: np.ndarray, y: np.ndarray, *, x_type: str, y_type: str, rng: Any = None) -> float:
        """Run the plugin on arrays that have already been through validation, with their declared types."""
        offered = {"rng": as_generator(0 if rng is None else rng), "x_type": x_type, "y_type": y_type}
        kwargs = {key: offered[key] for key in self._keywords}
        if self._instance is not None:
            value = self._instance.estimate(x, y, **kwargs)
        else:
            value = self.entry.target(x, y, **self.params, **self.compute, **kwargs)
        return as_real(value, self.name)


@lru_cache(maxsize=1)
def _distributions() -> Mapping[str, list[str]]:
    return importlib.metadata.packages_distributions()


def _installed_version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "(not installed)"


def as_real(value: Any, name: str) -> float:
    """The plugin's value as a float, or InvalidEstimateError if it is not a real number."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(()).item()
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise InvalidEstimateError(f"estimator {name} returned {type(value).__name__}, not a real number")
    return float(value)


def get_estimator(spec: str | Estimator, **params: Any) -> Estimator:
    """An estimator from a spec string such as ``"ksg(k=5)"``, with overrides."""
    if isinstance(spec, Estimator):
        spec = spec.run_spec
    entry, resolved = ESTIMATORS.resolve(spec, **params)
    try:
        return Estimator(entry, resolved)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"invalid parameters for estimator {entry.name!r}: {exc}") from None


def list_estimators() -> list[str]:
    """The sorted names of all registered estimators."""
    return ESTIMATORS.names()


def default_estimators(builtin_only: bool = False) -> list[str]:
    """Every registered estimator that needs no optional package (only mibench's own if ``builtin_only``)."""
    return [
        entry.name
        for entry in ESTIMATORS.entries()
        if not entry.metadata["info"].requires
        and (not builtin_only or entry.source.startswith(ESTIMATORS.builtin_package + "."))
    ]


def estimate(
    x: Any,
    y: Any,
    estimator: str | Estimator = "ksg",
    *,
    x_type: str | None = None,
    y_type: str | None = None,
    rng: np.random.Generator | int | None = None,
    **params: Any,
) -> float:
    """Estimate I(x; y) in nats on your own arrays.

    Examples
    --------
    >>> import numpy as np, mibench
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=2000); y = x + rng.normal(size=2000)
    >>> round(mibench.estimate(x, y, "gaussian"), 2)   # truth 0.5*ln 2 = 0.35
    0.35
    """
    return get_estimator(estimator, **params).estimate(x, y, x_type=x_type, y_type=y_type, rng=rng)
