"""Parameter checks with clear messages: the one place plugins and the harness validate numbers."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["positive_int", "number", "probability", "flag"]


def positive_int(value: Any, name: str, minimum: int = 1) -> int:
    """``value`` as an int, or ValueError unless it is an integer (not a bool) >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        wanted = {0: "a non-negative integer", 1: "a positive integer"}.get(minimum, f"an integer >= {minimum}")
        raise ValueError(f"{name} must be {wanted}, got {value!r}")
    return int(value)


def number(value: Any, name: str, low: float = -np.inf, high: float = np.inf, *, inclusive: bool = False) -> float:
    """``value`` as a float, or ValueError unless it is a finite real number (not a bool) in the range.

    ``inclusive`` takes in the finite ends of the range; an infinite end is never taken in (a noise
    amplitude of inf made every sample infinite, and ksg returned -3.4 nats from them).
    """
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if ok:
        value = float(value)
        ok = math.isfinite(value) and ((low <= value <= high) if inclusive else (low < value < high))
    if not ok:
        opening = "[" if inclusive and math.isfinite(low) else "("
        closing = "]" if inclusive and math.isfinite(high) else ")"
        raise ValueError(f"{name} must be a number in {opening}{low:g}, {high:g}{closing}, got {value!r}")
    return value


def probability(value: Any, name: str) -> float:
    return number(value, name, 0.0, 1.0, inclusive=True)


def flag(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)
