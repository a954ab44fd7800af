"""Scenario plugins: distributions with exactly known mutual information, conditional MI or transfer entropy."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .checks import number, positive_int
from .registry import Entry, Registry, signature_parameters
from .seeding import as_generator
from .spec import format_spec
from .validation import check_variable_type

__all__ = ["SCENARIOS", "QUANTITIES", "Scenario", "Truth", "register_scenario", "get_scenario", "list_scenarios"]

SCENARIOS = Registry("scenario", "mibench.scenarios", "mibench.scenarios")

TRUTH_METHODS = ("closed form", "quadrature", "monte carlo", "exact sum")

#: What a scenario's truth measures: I(X;Y), I(X;Y|Z), or transfer entropy (I(X;Y|Z) on lagged series).
QUANTITIES = ("mi", "cmi", "te")


@dataclass(frozen=True)
class Truth:
    """The true value (MI, conditional MI or transfer entropy) in nats and how it was obtained.

    ``error`` is the standard error for Monte Carlo, the absolute error bound
    for quadrature and exact sums, and 0 for closed forms.
    """

    value: float
    method: str
    error: float = 0.0

    def __post_init__(self) -> None:
        if self.method not in TRUTH_METHODS:
            raise ValueError(f"truth method must be one of {TRUTH_METHODS}, got {self.method!r}")
        largest = float(np.finfo(float).max)
        error = number(self.error, "a truth's error", 0.0, largest, inclusive=True)
        # MI, conditional MI and TE are never negative; a Monte Carlo value may dip below 0 by its noise.
        number(self.value, "a truth (nats: finite, not negative)", -max(5 * error, 1e-12), largest, inclusive=True)

    def __str__(self) -> str:
        if self.method == "closed form":
            return f"{self.value:.6f} nats (closed form)"
        label = "± SE" if self.method == "monte carlo" else "error ≤"
        return f"{self.value:.6f} nats ({self.method}, {label} {self.error:.1e})"


class Scenario:
    """Base class of scenarios.

    Subclasses set ``x_type``, ``y_type``, ``dim_x`` and ``dim_y`` in their
    constructor, implement ``_truth()`` and ``_sample(n, rng)``, and where the
    density is tractable ``log_pmi(x, y)``. The registry sets ``name``,
    ``version``, ``params`` and ``spec``.

    A conditional scenario (quantity ``"cmi"``, or ``"te"`` for transfer entropy as I(X;Y|Z) on
    lagged series) also sets ``z_type`` and ``dim_z``; its ``_sample`` returns (x, y, z) and its
    truth is the exact I(X;Y|Z).
    """

    family: ClassVar[str] = ""
    citation: ClassVar[str] = ""
    heavy_tails: ClassVar[bool] = False
    #: Parameters added after a scenario was first released, with the value that draws its earlier
    #: samples: left out of the canonical spec at that value, so the specs, seeds and records of
    #: earlier runs stay valid (a changed sampler or truth bumps the version instead).
    added_parameters: ClassVar[dict[str, Any]] = {}

    x_type: str = "continuous"
    y_type: str = "continuous"
    dim_x: int = 1
    dim_y: int = 1
    quantity: str = "mi"
    z_type: str = ""
    dim_z: int = 0
    name: str = ""
    version: int | None = None
    params: dict[str, Any]
    spec: str = ""
    _cached_truth: Truth | None = None

    def __repr__(self) -> str:
        return f"Scenario({self.spec or type(self).__name__!r})"

    # -- truth --------------------------------------------------------------
    def _truth(self) -> Truth:
        raise NotImplementedError

    @property
    def truth(self) -> Truth:
        if self._cached_truth is None:
            self._cached_truth = _TRUTH_CACHE.get(self.spec) if self.spec else None
            if self._cached_truth is None:
                try:
                    self._cached_truth = self._truth()
                except (TypeError, ValueError) as exc:
                    raise ValueError(f"scenario {self.spec or type(self).__name__}'s truth: {exc}") from None
                if self.spec:
                    _TRUTH_CACHE[self.spec] = self._cached_truth
        return self._cached_truth

    @property
    def mi(self) -> float:
        """The true value in nats: I(X;Y), or I(X;Y|Z) for a conditional scenario."""
        return self.truth.value

    @property
    def conditional(self) -> bool:
        """True if the scenario has a conditioning variable z (its quantity is cmi or te)."""
        return self.dim_z > 0

    @property
    def tags(self) -> dict[str, str]:
        dims = max(self.dim_x, self.dim_y)
        mi = self.mi
        return {
            "family": self.family or self.name,
            "quantity": self.quantity,
            "types": f"{self.x_type}-{self.y_type}" + (f"|{self.z_type}" if self.conditional else ""),
            "tails": "heavy" if self.heavy_tails else "light",
            "dimension": "1" if dims == 1 else ("low" if dims <= 5 else "high"),
            "mi level": "zero" if mi == 0 else ("low" if mi < 0.5 else ("medium" if mi < 2 else "high")),
        }

    # -- sampling -----------------------------------------------------------
    def _sample(self, n: int, rng: np.random.Generator) -> tuple[Any, Any]:
        raise NotImplementedError

    def sample(self, n: int, rng: np.random.Generator | int) -> tuple[np.ndarray, ...]:
        """Draw ``n`` samples: x of shape (n, dim_x) and y of shape (n, dim_y), and for a conditional
        scenario z of shape (n, dim_z) as well."""
        n = positive_int(n, "n")
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):  # non-finite values are refused below
            drawn = self._sample(n, as_generator(rng))
        dims = (self.dim_x, self.dim_y, *((self.dim_z,) if self.conditional else ()))
        if len(drawn) != len(dims):
            raise TypeError(f"scenario {self.name or type(self).__name__} drew {len(drawn)} variables, not {len(dims)}")
        arrays = tuple(np.asarray(values) for values in drawn)
        for name, values, dim in zip("xyz", arrays, dims):
            if values.ndim == 0 or len(values) != n or values.size != n * dim:  # a flat (n·dim,) array is ambiguous
                raise ValueError(
                    f"scenario {self.spec or self.name or type(self).__name__} drew {name} of shape {values.shape} "
                    f"for n = {n} and dim_{name} = {dim}: its sampler must return ({n}, {dim}) values"
                )
        arrays = tuple(values.reshape(n, dim) for values, dim in zip(arrays, dims))
        for name, values in zip("xyz", arrays):
            if values.dtype.kind in "fc" and not np.isfinite(values).all():
                bad = int((~np.isfinite(values)).any(axis=1).sum())
                raise ValueError(
                    f"scenario {self.spec or self.name or type(self).__name__} drew {bad} of {n} samples with a "
                    f"non-finite {name} (inf or NaN): at these parameters its values leave float64's range"
                )
        return arrays

    def canonical_params(self, params: dict[str, Any]) -> dict[str, Any]:
        """The parameters that name this scenario in its canonical spec (override to normalise)."""
        added = self.added_parameters
        return {key: value for key, value in params.items() if not (key in added and value == added[key])}

    @property
    def has_log_pmi(self) -> bool:
        return type(self).log_pmi is not Scenario.log_pmi

    def log_pmi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Pointwise log p(x, y) / (p(x) p(y)) at each sample (where tractable)."""
        raise NotImplementedError(f"scenario {self.name} has no tractable log_pmi")


_TRUTH_CACHE: dict[str, Truth] = {}


def register_scenario(name: str, *, version: int = 1) -> Callable[[Any], Any]:
    """Register a Scenario subclass, or a function returning a Scenario, under ``name``.

    ``version`` is part of the canonical spec (``name-vN(...)``): bump it when
    the truth or the sampler changes, so that old results are never mixed with
    new ones.
    """

    def decorate(target: Any) -> Any:
        SCENARIOS.add(
            Entry(
                kind="scenario",
                name=name,
                version=int(version),
                target=target,
                parameters=signature_parameters(target),
                source=getattr(target, "__module__", "?"),
            )
        )
        return target

    return decorate


def get_scenario(spec: str | Scenario, **params: Any) -> Scenario:
    """A scenario from a spec string such as ``"gaussian(rho=0.8)"``, with overrides."""
    if isinstance(spec, Scenario):
        spec = spec.spec
    entry, resolved = SCENARIOS.resolve(spec, **params)
    try:
        scenario = entry.target(**resolved)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"invalid parameters for scenario {entry.name!r}: {exc}") from None
    except MemoryError as exc:
        raise ValueError(
            f"invalid parameters for scenario {entry.name!r}: they need more memory than is free ({exc})"
        ) from None
    if not isinstance(scenario, Scenario):
        raise TypeError(f"scenario {entry.name!r} did not produce a Scenario (got {type(scenario).__name__})")
    if scenario.quantity not in QUANTITIES or (scenario.quantity != "mi") != scenario.conditional:
        raise TypeError(
            f"scenario {entry.name!r}: quantity {scenario.quantity!r} with dim_z={scenario.dim_z} "
            f"(mi has no z; cmi and te need one)"
        )
    try:
        variables = ("x", "y", "z") if scenario.conditional else ("x", "y")
        for variable in variables:
            check_variable_type(getattr(scenario, f"{variable}_type"), f"{variable}_type")
            positive_int(getattr(scenario, f"dim_{variable}"), f"dim_{variable}")
    except ValueError as exc:
        raise TypeError(f"scenario {entry.name!r}: {exc}") from None
    scenario.name = entry.name
    scenario.version = entry.version
    scenario.params = scenario.canonical_params(dict(resolved))
    scenario.spec = format_spec(entry.name, scenario.params, entry.version)
    return scenario


def list_scenarios() -> list[str]:
    """The sorted names of all registered scenarios."""
    return SCENARIOS.names()


def scenario_doc(scenario: Scenario) -> str:
    return inspect.getdoc(type(scenario)) or ""
