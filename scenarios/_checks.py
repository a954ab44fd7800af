"""Parameter checks shared by the scenario modules (clear messages, one place)."""

from __future__ import annotations

from typing import Any

import numpy as np


def positive_int(value: Any, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def number(value: Any, name: str, low: float = -np.inf, high: float = np.inf, *, inclusive: bool = False) -> float:
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if ok:
        value = float(value)
        ok = (low <= value <= high) if inclusive else (low < value < high)
    if not ok:
        brackets = "[]" if inclusive else "()"
        raise ValueError(f"{name} must be a number in {brackets[0]}{low:g}, {high:g}{brackets[1]}, got {value!r}")
    return value


def probability(value: Any, name: str) -> float:
    return number(value, name, 0.0, 1.0, inclusive=True)
