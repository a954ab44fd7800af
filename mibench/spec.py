"""Spec strings: ``name``, ``name-vN`` or ``name(key=value, ...)``.

Values are Python literals (numbers, strings, booleans, None, tuples, lists,
dicts) plus the bare names ``inf`` and ``nan``. They are parsed with
:mod:`ast`, never evaluated. The *canonical* spec fills in every default and
sorts the keys, and is the identity used in records, seeds and comparisons.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["SpecError", "parse_spec", "format_spec", "format_value"]

_HEAD = re.compile(r"^\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:-v(?P<version>\d+))?\s*(?P<rest>\(.*\))?\s*$", re.S)
_NAMED_CONSTANTS = {"inf": math.inf, "nan": math.nan, "True": True, "False": False, "None": None}


class SpecError(ValueError):
    """A spec string that cannot be parsed."""


def parse_spec(spec: str) -> tuple[str, int | None, dict[str, Any]]:
    """Split a spec string into its name, optional version and parameters.

    Examples
    --------
    >>> parse_spec("ksg(k=5)")
    ('ksg', None, {'k': 5})
    >>> parse_spec("gaussian-v1(rho=0.8, dim=2)")
    ('gaussian', 1, {'rho': 0.8, 'dim': 2})
    """
    if not isinstance(spec, str):
        raise TypeError(f"a spec must be a string, got {type(spec).__name__}")
    match = _HEAD.match(spec)
    if match is None:
        raise SpecError(f"cannot parse spec {spec!r}: expected 'name' or 'name(key=value, ...)'")
    name, version, rest = match["name"], match["version"], match["rest"]
    params: dict[str, Any] = {}
    if rest:
        try:
            call = ast.parse("f" + rest, mode="eval").body
        except SyntaxError as exc:
            raise SpecError(f"cannot parse parameters of spec {spec!r}: {exc.msg}") from None
        if not isinstance(call, ast.Call) or call.args:
            raise SpecError(f"spec {spec!r}: parameters must be given as key=value")
        for keyword in call.keywords:
            if keyword.arg is None:
                raise SpecError(f"spec {spec!r}: '**' is not allowed")
            if keyword.arg in params:
                raise SpecError(f"spec {spec!r}: parameter {keyword.arg!r} given twice")
            params[keyword.arg] = _literal(keyword.value, spec)
    return name, (int(version) if version is not None else None), params


def _literal(node: ast.AST, spec: str) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name) and node.id in _NAMED_CONSTANTS:
        return _NAMED_CONSTANTS[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _literal(node.operand, spec)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, (ast.Tuple, ast.List)):
        items = [_literal(item, spec) for item in node.elts]
        return tuple(items) if isinstance(node, ast.Tuple) else items
    if isinstance(node, ast.Dict) and all(key is not None for key in node.keys):
        return {_literal(k, spec): _literal(v, spec) for k, v in zip(node.keys, node.values)}
    raise SpecError(f"spec {spec!r}: {ast.unparse(node)!r} is not a literal value")


def format_value(value: Any) -> str:
    """Render a parameter value so that :func:`parse_spec` reads it back."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(format_value(item) for item in value)
        if isinstance(value, tuple):
            return f"({inner},)" if len(value) == 1 else f"({inner})"
        return f"[{inner}]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{format_value(k)}: {format_value(v)}" for k, v in value.items()) + "}"
    return repr(value)


def format_spec(name: str, params: Mapping[str, Any], version: int | None = None) -> str:
    """The canonical spec: name, version suffix and parameters sorted by key."""
    head = f"{name}-v{version}" if version is not None else name
    if not params:
        return head
    body = ", ".join(f"{key}={format_value(params[key])}" for key in sorted(params))
    return f"{head}({body})"
