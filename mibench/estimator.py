"""Estimator plugins: the decorator that registers them and the object that runs them."""

from __future__ import annotations

import importlib.metadata
import inspect
import math
import numbers
import string
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from .checks import flag, number, positive_int
from .registry import REQUIRED, Entry, Registry, RegistryError, signature_parameters
from .seeding import as_generator
from .spec import format_spec, format_value
from .validation import (
    as_2d,
    check_sample_count,
    check_user_data,
    check_variable_type,
    collinearity,
    infer_variable_type,
    scale_aware_noise,
    spread_scaled,
    tied_samples,
    validate_sample,
)

__all__ = [
    "ESTIMATORS",
    "Conventions",
    "Estimator",
    "InvalidEstimateError",
    "NonFiniteEstimateError",
    "register_estimator",
    "get_estimator",
    "list_estimators",
    "estimate",
]

ESTIMATORS = Registry("estimator", "mibench.estimators", "mibench.estimators")

CONTINUOUS_PAIR = (("continuous", "continuous"),)


class InvalidEstimateError(TypeError):
    """A plugin returned something that is not a real number."""


class NonFiniteEstimateError(ValueError):
    """A plugin returned NaN or an infinity for a user's data."""


class TiedDataError(ValueError):
    """Tied continuous values given to an estimator that cannot handle ties."""


class CollinearDataError(ValueError):
    """Linearly dependent continuous columns given to an estimator whose value needs a density on their joint space."""


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
    min_samples_reason: str = ""
    max_joint_dim: Callable[[Mapping[str, Any]], int] | None = None
    conventions: Conventions = field(default_factory=Conventions)
    compute: tuple[str, ...] = ()
    ties: str = "undeclared"
    collinear: str = "undeclared"
    jitter_parameter: str | None = None
    check: Callable[[Mapping[str, Any]], Any] | None = None
    batched: bool = False
    z_types: tuple[str, ...] = ()
    conditional_types: tuple[tuple[str, str], ...] = ()


def register_estimator(
    name: str,
    *,
    types: Iterable[tuple[str, str]] = CONTINUOUS_PAIR,
    multivariate: bool = True,
    symmetric: bool = True,
    min_samples: int | Callable[[Mapping[str, Any]], int] = 2,
    min_samples_reason: str = "",
    requires: Iterable[str] = (),
    conventions: Conventions | None = None,
    max_joint_dim: Callable[[Mapping[str, Any]], int] | None = None,
    compute: Iterable[str] = (),
    ties: str = "undeclared",
    collinear: str = "undeclared",
    jitter_parameter: str | None = None,
    check: Callable[[Mapping[str, Any]], Any] | None = None,
    batched: bool = False,
    z_types: Iterable[str] = (),
    conditional_types: Iterable[tuple[str, str]] | None = None,
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
    min_samples_reason
        Why, as a format string over the parameters (``"{batch_size} to train on"``), shown
        when too few samples are given.
    requires
        Optional Python packages it needs, imported lazily by the plugin.
    max_joint_dim
        A function of the parameters giving the largest dim_x + dim_y it accepts (None: any).
    compute
        Parameters that cannot change the result (threads, device, batching): compute settings.
        They are left out of the canonical spec, the seeds and the comparison key, and recorded
        in the record's ``compute`` column instead.
    ties
        How it treats continuous samples that share values: ``"handled"`` (the method is sound
        with ties), ``"jittered"`` (it adds noise of its own), ``"refused"`` (ties make its value
        unsound: given tied continuous data it is not run on a user's data unless jitter is asked
        for; benchmark runs still run it and record the ties) or ``"undeclared"``.
    collinear
        How it treats continuous columns that are linearly dependent (a column repeated or rescaled
        in x, y given as a linear function of x): ``"handled"`` (its value stays sound: it counts
        neighbours or bins), ``"refused"`` (its value needs a density, or a nonsingular covariance, on
        the joint space of the columns, which then has none: such samples are refused, by
        ``mibench.estimate`` and in benchmark runs alike) or ``"undeclared"``.
    jitter_parameter
        The parameter that, when positive, makes the estimator jitter tied values itself (``noise``).
    check
        A function of the parameters that raises ValueError for invalid values; it runs when a
        spec is resolved, so a bad value is refused before any task runs.
    batched
        The function estimates many samples in one call: it is called as
        ``f(xs, ys, **params, rngs=...)`` with lists of samples (all of one size, types and
        dimensions) and one generator per sample, and returns one value per sample, each as if
        estimated alone. The harness then hands it many repetitions at once, at most its compute
        setting ``max_batch`` where it has one (else ``DEFAULT_BATCH``).
    z_types
        The types of a conditioning variable z it accepts (none: it estimates I(X;Y) only). Such
        an estimator takes the keywords ``z`` (validated as x and y are, 2-D) and, if it wants,
        ``z_type``; given z it returns I(X;Y|Z), without z (``z=None``) I(X;Y), under the same name.
        With z, ``types`` still lists the (x_type, y_type) pairs it accepts.
    conditional_types
        The (x_type, y_type) pairs it accepts given a z, where these are fewer than ``types``
        (``gcmi`` conditions continuous x and y only); by default all of ``types``.
    """
    if ties not in TIE_HANDLING:
        raise ValueError(f"ties must be one of {', '.join(TIE_HANDLING)}, got {ties!r}")
    if collinear not in COLLINEAR_HANDLING:
        raise ValueError(f"collinear must be one of {', '.join(COLLINEAR_HANDLING)}, got {collinear!r}")
    pairs = _type_pairs(types, "types")
    given_z = pairs if conditional_types is None else _type_pairs(conditional_types, "conditional_types")
    if not set(given_z) <= set(pairs):
        raise ValueError(f"conditional_types {given_z} must be among types {pairs}")
    if not callable(min_samples):
        min_samples = positive_int(min_samples, "min_samples")
    minimum = min_samples if callable(min_samples) else (lambda _params, m=min_samples: m)
    compute = tuple(compute)
    z_types = tuple(check_variable_type(kind, "z type") for kind in z_types)

    def decorate(target: Any) -> Any:
        if batched and inspect.isclass(target):
            raise RegistryError(f"estimator {name!r}: a batched estimator is a function of (xs, ys, ...)")
        skip = TYPE_KEYWORDS if inspect.isclass(target) else (*TYPE_KEYWORDS, *_first_two(target))
        parameters = signature_parameters(target, skip)
        method = target.estimate if inspect.isclass(target) else target
        if z_types and (batched or "z" not in inspect.signature(method).parameters):
            raise RegistryError(f"estimator {name!r} declares z_types: it must be unbatched and take the keyword z")
        unknown = [key for key in compute if key not in parameters]
        if unknown:
            raise RegistryError(f"estimator {name!r}: compute settings {unknown} are not parameters of it")
        named = [field for _, field, _, _ in string.Formatter().parse(min_samples_reason) if field is not None]
        unknown = [field for field in named if field not in parameters]
        if unknown:
            raise RegistryError(f"estimator {name!r}: min_samples_reason names {unknown}, not parameters of it")
        if jitter_parameter is not None and jitter_parameter not in parameters:
            raise RegistryError(f"estimator {name!r}: jitter_parameter {jitter_parameter!r} is not a parameter of it")
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
                        min_samples_reason=min_samples_reason,
                        requires=tuple(requires),
                        conventions=conventions or Conventions(),
                        max_joint_dim=max_joint_dim,
                        compute=compute,
                        ties=ties,
                        collinear=collinear,
                        jitter_parameter=jitter_parameter,
                        check=check,
                        batched=batched,
                        z_types=z_types,
                        conditional_types=given_z,
                    )
                },
                source=getattr(target, "__module__", "?"),
            )
        )
        return target

    return decorate


TIE_HANDLING = ("handled", "jittered", "refused", "undeclared")
COLLINEAR_HANDLING = ("handled", "refused", "undeclared")


def _type_pairs(types: Iterable[tuple[str, str]], name: str) -> tuple[tuple[str, str], ...]:
    if isinstance(types, str) or not all(isinstance(pair, (tuple, list)) and len(pair) == 2 for pair in types):
        raise ValueError(f"{name} must be (x_type, y_type) pairs such as [('continuous', 'continuous')], got {types!r}")
    return tuple((check_variable_type(a), check_variable_type(b)) for a, b in types)


#: Keywords the framework passes to a plugin that declares them; never parameters. A batched
#: plugin gets ``rngs``, one generator per sample, where others get ``rng``; ``z`` and ``z_type``
#: come only with a conditioning variable.
TYPE_KEYWORDS = ("rng", "rngs", "x_type", "y_type", "z", "z_type")

#: Samples per call of a batched estimator without a ``max_batch`` compute setting.
DEFAULT_BATCH = 16


def _first_two(function: Callable[..., Any]) -> tuple[str, ...]:
    names = list(inspect.signature(function).parameters)
    if len(names) < 2:
        raise TypeError(f"estimator function {function.__name__} must take (x, y, ...)")
    return tuple(names[:2])


@dataclass(frozen=True)
class UserData:
    """A user's data checked for an estimator (:meth:`Estimator.prepare`)."""

    x: np.ndarray
    y: np.ndarray
    x_type: str
    y_type: str
    rng: np.random.Generator
    z: np.ndarray | None = None
    z_type: str | None = None

    @property
    def types(self) -> dict[str, Any]:
        """The keywords that pass these data's types (and z) to :meth:`Estimator.estimate_validated`."""
        return {"x_type": self.x_type, "y_type": self.y_type, "z": self.z, "z_type": self.z_type}


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
        if self.info.check is not None:
            self.info.check(params)
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
    def takes_rng(self) -> bool:
        """Whether the plugin draws random numbers (it accepts ``rng`` or ``rngs``)."""
        return "rng" in self._keywords or "rngs" in self._keywords

    @property
    def compute_label(self) -> str:
        """The compute settings as ``key=value, ...`` (the record's ``compute`` column)."""
        return ", ".join(f"{key}={format_value(self.compute[key])}" for key in sorted(self.compute))

    def __repr__(self) -> str:
        return f"Estimator({self.spec!r})"

    @property
    def refuses_ties(self) -> bool:
        """True if tied continuous samples make its value unsound (and it is not jittering them itself)."""
        jitter = self.info.jitter_parameter
        return self.info.ties == "refused" and not (jitter and self.params.get(jitter, 0) > 0)

    @property
    def batch_limit(self) -> int:
        """The most samples the harness hands it in one call (1 unless it is batched)."""
        if not self.info.batched:
            return 1
        return int(self.compute.get("max_batch", DEFAULT_BATCH))

    @property
    def min_samples(self) -> int:
        return int(self.info.min_samples(self.params))

    def check_sample_count(self, n: int) -> None:
        """Refuse fewer than :attr:`min_samples` samples, saying why where the plugin says."""
        check_sample_count(n, self.min_samples, self.spec, self.info.min_samples_reason.format(**self.params))

    def supports(
        self, x_type: str, y_type: str, dim_x: int = 1, dim_y: int = 1, z_type: str | None = None, dim_z: int = 0
    ) -> bool:
        return self.why_unsupported(x_type, y_type, dim_x, dim_y, z_type, dim_z) is None

    def why_unsupported(
        self, x_type: str, y_type: str, dim_x: int = 1, dim_y: int = 1, z_type: str | None = None, dim_z: int = 0
    ) -> str | None:
        """Why it cannot estimate on data of these types and dimensions (None if it can). A
        ``z_type`` asks for I(X;Y|Z) with a ``dim_z``-dimensional z of that type."""
        return _why_unsupported(
            self.spec, self.name, self.info, self.params, x_type, y_type, dim_x, dim_y, z_type, dim_z
        )

    def estimate(
        self,
        x: Any,
        y: Any,
        *,
        z: Any = None,
        x_type: str | None = None,
        y_type: str | None = None,
        z_type: str | None = None,
        rng: np.random.Generator | int | None = None,
        jitter: float = 0.0,
        standardize: bool = True,
    ) -> float:
        """Validate a user's data and return the estimate of I(x; y), or of I(x; y | z) given ``z``,
        in nats (see :meth:`prepare`)."""
        data = self.prepare(
            x,
            y,
            z=z,
            x_type=x_type,
            y_type=y_type,
            z_type=z_type,
            rng=rng,
            jitter=jitter,
            standardize=standardize,
            strict=False,
        )
        return self.estimate_validated(data.x, data.y, **data.types, rng=data.rng)

    def prepare(
        self,
        x: Any,
        y: Any,
        *,
        z: Any = None,
        x_type: str | None = None,
        y_type: str | None = None,
        z_type: str | None = None,
        rng: np.random.Generator | int | None = None,
        jitter: float = 0.0,
        standardize: bool = True,
        strict: bool = True,
    ) -> UserData:
        """A user's ``x``, ``y`` (and ``z``) checked for this estimator: validated arrays, types and generator.

        Types not given are inferred by :func:`mibench.validation.infer_variable_type` (the rule the
        command line uses). Data the estimator cannot handle are refused with the reason: types it
        does not accept (a z given to an estimator that cannot condition among them), discrete
        labels that are all distinct, and tied continuous values for an estimator that refuses
        ties, unless ``jitter`` > 0 adds N(0, (jitter·sd)²) noise, seeded from ``rng``, to every
        continuous column. ``rng`` defaults to a fixed seed, so the result is deterministic.
        ``standardize`` (the default) divides each continuous or mixed column by its spread first
        (:func:`mibench.validation.unit_spread`, the interquartile range in standard deviations of
        a normal): MI does not change, but an estimator that measures distances across columns
        would otherwise see the widest alone.
        ``strict``: discrete labels that look continuous are an error (else a warning).
        """
        given = {"x": (x, x_type), "y": (y, y_type), **({"z": (z, z_type)} if z is not None else {})}
        inferred = {name: kind is None for name, (_, kind) in given.items()}
        kinds = {name: kind or infer_variable_type(values, name) for name, (values, kind) in given.items()}
        x_type, y_type, z_type = kinds["x"], kinds["y"], kinds.get("z", z_type)  # a z_type alone is refused below
        x_array, y_array, z_array = validate_sample(x, y, x_type, y_type, 1, z=z, z_type=z_type)
        arrays = {"x": x_array, "y": y_array, **({"z": z_array} if z_array is not None else {})}
        dim_z = 0 if z_array is None else z_array.shape[1]
        problem = self.why_unsupported(x_type, y_type, x_array.shape[1], y_array.shape[1], z_type, dim_z)
        if problem:
            dims = (x_array.shape[1], y_array.shape[1], dim_z)
            others = ", ".join(estimators_accepting(x_type, y_type, z_type=z_type, dims=dims)) or "none registered"
            shape = f"{dims[0]}-D × {dims[1]}-D" + (f" given a {dims[2]}-D {z_type} z" if z_type else "")
            problem = f"{problem}. Estimators that accept ({x_type}, {y_type}) data, {shape}: {others}"
            for name, (values, _) in given.items():
                if inferred[name] and as_2d(values, name).dtype.kind not in "biuf":
                    raise TypeError(
                        f"{name} must be numeric for {self.name}: it holds labels, so it is discrete. {problem}"
                    )
        self.check_sample_count(len(x_array))
        if problem:
            raise ValueError(problem)
        check_user_data(arrays, kinds, {name: values for name, (values, _) in given.items()}, strict=strict)
        self.check_collinear(arrays, kinds)
        self._warn_if_x_and_y_are_linearly_related(arrays, kinds)
        generator = as_generator(0 if rng is None else rng)
        if flag(standardize, "standardize"):
            arrays = {name: spread_scaled(a, kinds[name]) for name, a in arrays.items()}
        if number(jitter, "jitter", 0.0, inclusive=True):
            arrays = {
                name: scale_aware_noise(array, jitter, generator) if kinds[name] == "continuous" else array
                for name, array in arrays.items()
            }
        elif self.refuses_ties:
            self._check_ties(arrays, kinds)
        return UserData(arrays["x"], arrays["y"], x_type, y_type, generator, arrays.get("z"), z_type)

    def check_collinear(self, arrays: Mapping[str, np.ndarray | None], kinds: Mapping[str, str | None]) -> None:
        """Refuse linearly dependent continuous columns (:func:`mibench.validation.collinearity`) if it
        declares ``collinear="refused"``, naming the estimators that handle them (CollinearDataError)."""
        if self.info.collinear != "refused":
            return
        found = collinearity(dict(arrays), dict(kinds))
        if found:
            present = {name: values for name, values in arrays.items() if values is not None}
            dims = tuple(present[name].shape[1] if name in present else 0 for name in ("x", "y", "z"))
            handlers = estimators_accepting(
                kinds["x"], kinds["y"], z_type=kinds.get("z") if "z" in present else None, dims=dims, collinear=True
            )
            raise CollinearDataError(
                f"{found.problem}. {self.name} cannot estimate on such data: its value needs a density (or a nonsingular "
                f"covariance) on the joint space of these columns, which they do not have. Estimators that "
                f"handle such data: {', '.join(handlers) or 'none registered'}"
            )

    def _warn_if_x_and_y_are_linearly_related(self, arrays: Mapping[str, np.ndarray], kinds: Mapping[str, str]) -> None:
        """Continuous x and y linearly related have infinite MI, which an estimator that takes them
        (:meth:`check_collinear`) can only put at some finite value: a UserWarning says so."""
        if self.info.collinear == "refused":
            return
        found = collinearity({"x": arrays["x"], "y": arrays["y"]}, dict(kinds))
        if found and found.variables == ("x", "y"):
            warnings.warn(
                f"{found.problem}: any value {self.name} gives is finite (a kNN estimate stays below about "
                f"ln n = {math.log(len(arrays['x'])):.2f} nats) and says only that the MI is very large",
                UserWarning,
                stacklevel=4,
            )

    def _check_ties(self, arrays: Mapping[str, np.ndarray], kinds: Mapping[str, str]) -> None:
        for name, values in arrays.items():
            tied = int(tied_samples(values).sum()) if kinds[name] == "continuous" else 0
            if tied:
                dims = (arrays["x"].shape[1], arrays["y"].shape[1], arrays["z"].shape[1] if "z" in arrays else 0)
                handlers = ", ".join(
                    other
                    for other in estimators_accepting(
                        kinds["x"], kinds["y"], ties=True, z_type=kinds.get("z"), dims=dims
                    )
                    if other != self.name
                )
                raise TiedDataError(
                    f"{name} has {tied} tied values among {len(values)} samples (samples sharing a value), and "
                    f"{self.name} cannot handle ties: they make neighbour distances 0 and its value unsound. "
                    f"Estimators that handle such data: {handlers or 'none registered'}; or declare {name} "
                    f"discrete or mixed if its values repeat by nature; or pass jitter=1e-10 for seeded, "
                    f"scale-aware noise"
                )

    def estimate_validated(
        self,
        x: np.ndarray,
        y: np.ndarray,
        *,
        x_type: str,
        y_type: str,
        rng: Any = None,
        z: np.ndarray | None = None,
        z_type: str | None = None,
    ) -> float:
        """Run the plugin on arrays that have already been through validation, with their declared
        types: I(x; y), or I(x; y | z) given ``z``. A value that is NaN or infinite is refused
        (NonFiniteEstimateError); benchmark runs record it instead, as an invalid estimate."""
        value = self._estimate_raw(x, y, x_type, y_type, rng, z, z_type)
        if not math.isfinite(value):
            raise NonFiniteEstimateError(
                f"{self.name} returned {value} on these data, not an estimate: its formula is undefined for "
                f"them (a singular covariance, a zero distance, an overflow); try another estimator"
            )
        return value

    def _estimate_raw(
        self, x: np.ndarray, y: np.ndarray, x_type: str, y_type: str, rng: Any, z: np.ndarray | None, z_type: str | None
    ) -> float:
        """The plugin's value as it comes, NaN and infinities included (the harness records those as invalid)."""
        if rng is None and self.takes_rng:
            rng = 0
        generator = None if rng is None else as_generator(rng)
        if self.info.batched:
            return self.estimate_batch([x], [y], x_type=x_type, y_type=y_type, rngs=[generator])[0]
        x, y = _read_only(x), _read_only(y)
        offered = {"rng": generator, "x_type": x_type, "y_type": y_type}
        if z is not None:
            offered.update(z=_read_only(z), z_type=z_type)
        kwargs = {key: offered[key] for key in self._keywords if key in offered}
        if self._instance is not None:
            value = self._instance.estimate(x, y, **kwargs)
        else:
            value = self.entry.target(x, y, **self.params, **self.compute, **kwargs)
        return as_real(value, self.name)

    def estimate_batch(
        self,
        xs: list[np.ndarray],
        ys: list[np.ndarray],
        *,
        x_type: str,
        y_type: str,
        rngs: list[np.random.Generator | None],
        zs: list[np.ndarray] | None = None,
        z_type: str | None = None,
    ) -> list[float]:
        """Estimates of several validated samples of one size, types and dimensions, one generator
        each: one call of a batched plugin, or one call per sample of any other (batched plugins
        never condition, so ``zs`` goes to the others only)."""
        if not self.info.batched:
            zs = zs if zs is not None else [None] * len(xs)
            return [self._estimate_raw(x, y, x_type, y_type, rng, z, z_type) for x, y, z, rng in zip(xs, ys, zs, rngs)]
        offered = {"rngs": list(rngs), "x_type": x_type, "y_type": y_type}
        kwargs = {key: offered[key] for key in self._keywords if key in offered}
        xs, ys = [_read_only(x) for x in xs], [_read_only(y) for y in ys]
        values = self.entry.target(xs, ys, **self.params, **self.compute, **kwargs)
        if not isinstance(values, (list, tuple, np.ndarray)) or len(values) != len(xs):
            raise InvalidEstimateError(f"batched estimator {self.name} must return one value per sample ({len(xs)})")
        return [as_real(value, self.name) for value in values]


@lru_cache(maxsize=1)
def _distributions() -> Mapping[str, list[str]]:
    return importlib.metadata.packages_distributions()


def _installed_version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "(not installed)"


def _read_only(values: np.ndarray) -> np.ndarray:
    """A view a plugin cannot write through: the caller's data (and a run's shared samples) stay as given."""
    view = values.view()
    view.flags.writeable = False
    return view


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


def _why_unsupported(
    spec: str,
    name: str,
    info: EstimatorInfo,
    params: Mapping[str, Any],
    x_type: str,
    y_type: str,
    dim_x: int,
    dim_y: int,
    z_type: str | None,
    dim_z: int,
) -> str | None:
    if (x_type, y_type) not in info.types:
        accepted = ", ".join(f"({a}, {b})" for a, b in info.types)
        return f"{name} does not accept ({x_type}, {y_type}) data; it accepts {accepted}"
    if z_type and z_type not in info.z_types:
        if not info.z_types:
            return f"{name} cannot condition on z: it estimates I(X;Y) only"
        return f"{name} cannot condition on a {z_type} z; it accepts z of type {', '.join(info.z_types)}"
    if z_type and (x_type, y_type) not in info.conditional_types:
        accepted = ", ".join(f"({a}, {b})" for a, b in info.conditional_types)
        return f"{name} does not condition ({x_type}, {y_type}) data on a z; given z it accepts {accepted}"
    dims = {"dim_x": dim_x, "dim_y": dim_y, **({"dim_z": dim_z} if z_type else {})}
    if not info.multivariate and max(dims.values()) > 1:
        got = ", ".join(f"{key}={value}" for key, value in dims.items())
        return f"{name} accepts one-dimensional variables only; got {got}"
    if info.max_joint_dim is not None and not any(value is REQUIRED for value in params.values()):
        limit = info.max_joint_dim(params)
        if sum(dims.values()) > limit:
            return (
                f"{spec} accepts a joint dimension of at most {limit} (`mibench describe {name}` says why); "
                f"got {' + '.join(map(str, dims.values()))}"
            )
    return None


def estimators_accepting(
    x_type: str,
    y_type: str,
    ties: bool = False,
    z_type: str | None = None,
    dims: tuple[int, int, int] = (1, 1, 0),
    collinear: bool = False,
) -> list[str]:
    """Names of the registered estimators that accept data of these types and dimensions (dim_x,
    dim_y, dim_z) with their default parameters, conditioning on a ``z_type`` z if one is given
    (and that handle ties, or linearly dependent columns, if asked)."""
    accepted = []
    for entry in ESTIMATORS.entries():
        info = entry.metadata["info"]
        defaults = dict(entry.parameters)
        unsupported = _why_unsupported(
            entry.name, entry.name, info, defaults, x_type, y_type, *dims[:2], z_type, dims[2]
        )
        if (
            unsupported is None
            and (not ties or info.ties == "handled")
            and (not collinear or info.collinear == "handled")
        ):
            accepted.append(entry.name)
    return accepted


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
    z: Any = None,
    x_type: str | None = None,
    y_type: str | None = None,
    z_type: str | None = None,
    rng: np.random.Generator | int | None = None,
    jitter: float = 0.0,
    standardize: bool = True,
    **params: Any,
) -> float:
    """Estimate I(x; y), or the conditional MI I(x; y | z) given ``z``, in nats on your own arrays
    (see :meth:`Estimator.estimate`).

    Variable types not given are inferred: text, booleans and integers with at most 20 distinct
    values are discrete; other numbers continuous. With ``z``, the estimator must be one that
    can condition (the ``z types`` column of ``mibench list estimators``). Continuous columns are
    divided by their spread first (:func:`mibench.validation.unit_spread`) unless
    ``standardize=False``: MI does not change, and a kNN estimator's neighbourhoods would otherwise
    follow the widest column.

    Examples
    --------
    >>> import numpy as np, mibench
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=2000); y = x + rng.normal(size=2000)
    >>> round(mibench.estimate(x, y, "gaussian"), 2)   # truth 0.5*ln 2 = 0.35
    0.35
    """
    return get_estimator(estimator, **params).estimate(
        x, y, z=z, x_type=x_type, y_type=y_type, z_type=z_type, rng=rng, jitter=jitter, standardize=standardize
    )
