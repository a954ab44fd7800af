"""Short, readable labels for canonical specs (figures and tables); the canonical spec stays the identity.

Labels are computed from the specs alone, never from the registry, so records made on another
machine, with plugins that are not installed here, still label and plot.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .spec import SpecError, format_spec, parse_spec

__all__ = ["short_labels", "type_pairing"]


def short_labels(specs: Iterable[str]) -> dict[str, str]:
    """Spec → label for a set of specs shown together.

    A label drops the version suffix, ``None`` values, and every parameter whose value is the
    same in all the specs of that name in the set: ``ksg(k=3, noise=0.0)`` alone is ``ksg``;
    beside ``ksg(k=10, noise=0.0)`` the two are ``ksg(k=3)`` and ``ksg(k=10)``. A nested spec (a
    wrapper's ``base``) is labelled by the same rule among the bases of the wrappers of that name,
    and where it is the same in all, by its name: ``swapped(base='class_atoms(m=4)')`` alone is
    ``swapped(base=class_atoms)``; beside ``swapped(base='uniform_shift(m=4)')`` and
    ``swapped(base='uniform_shift(m=10)')`` the three are ``swapped(base=class_atoms)``,
    ``swapped(base=uniform_shift(m=4))`` and ``swapped(base=uniform_shift(m=10))``.
    """
    parsed: dict[str, tuple[str, dict[str, Any]]] = {}
    for spec in dict.fromkeys(specs):
        try:
            name, _, params = parse_spec(spec)
        except (SpecError, TypeError):
            parsed[spec] = (str(spec), {})
            continue
        parsed[spec] = (name, {key: value for key, value in params.items() if value is not None})
    by_name: dict[str, list[dict[str, Any]]] = {}
    for name, params in parsed.values():
        by_name.setdefault(name, []).append(params)
    labels = {}
    for spec, (name, params) in parsed.items():
        shown = {}
        for key, value in params.items():
            differs = any(other.get(key) != value for other in by_name[name])
            if (nested := _parse_nested(value)) is None:
                if differs:
                    shown[key] = value
            elif differs:
                siblings = [other[key] for other in by_name[name] if isinstance(other.get(key), str)]
                shown[key] = short_labels(siblings)[value]
            else:  # a wrapper's base says what it wraps
                shown[key] = nested[0]
        labels[spec] = format_spec(name, shown).replace("'", "").replace('"', "")
    return labels


def _parse_nested(value: Any) -> tuple[str, dict[str, Any]] | None:
    """A parameter value that is itself a spec with parameters, as (name, params); else None."""
    if not isinstance(value, str) or "(" not in value:
        return None
    try:
        name, _, params = parse_spec(value)
    except SpecError:
        return None
    return name, params


def type_pairing(summary: Any) -> Any:
    """Each summary row's pairing of variable types: ``continuous × discrete``, and ``| discrete z``
    appended for a conditional cell (summaries written before conditional MI have no z)."""
    pairing = summary["x_type"] + " × " + summary["y_type"]
    if "z_type" not in summary:
        return pairing
    z_type = summary["z_type"].fillna("").astype(str)
    return pairing + z_type.where(z_type == "", " | " + z_type + " z")
