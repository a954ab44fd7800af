"""Short, readable labels for canonical specs (figures and tables); the canonical spec stays the identity."""

from __future__ import annotations

from functools import lru_cache

from .spec import format_spec, parse_spec


@lru_cache(maxsize=4096)
def short_label(spec: str, kind: str = "estimator") -> str:
    """The spec without its version suffix, None values and parameters at their defaults.

    ``ksg(k=3, noise=0.0, workers=1)`` → ``ksg``; ``gaussian-v1(dim=1, mi=None, rho=0.8)`` →
    ``gaussian(rho=0.8)``. Falls back to the spec itself if the name is not registered.
    """
    name, _, params = parse_spec(spec)
    from .estimator import ESTIMATORS
    from .scenario import SCENARIOS

    try:
        defaults = (ESTIMATORS if kind == "estimator" else SCENARIOS).entry(name).parameters
    except LookupError:
        defaults = {}
    shown = {}
    for key, value in params.items():
        if value is None or (key in defaults and defaults[key] == value and key != "base"):
            continue
        shown[key] = short_label(value, "scenario") if key == "base" and isinstance(value, str) else value
    label = format_spec(name, shown)
    return label.replace("'", "")
