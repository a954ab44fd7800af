"""Experiment files and suites: TOML whose keys are the keyword arguments of ``mibench.run``.

A suite is an experiment file shipped in ``mibench/scenarios/suites``; its
name is the file's stem. Scenario entries may name suites, which expand to
their scenarios. Files are data: they are parsed as TOML, never executed.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["ExperimentFileError", "load_experiment", "list_suites", "suite_path", "RUN_KEYS"]

#: Keys an experiment file may hold, with the type each takes.
RUN_KEYS: dict[str, tuple[type, ...]] = {
    "estimators": (list,),
    "scenarios": (list,),
    "sample_sizes": (list,),
    "reps": (int,),
    "seed": (int,),
    "timeout": (int, float),
    "jobs": (int,),
    "executor": (str,),
    "scheduler": (str,),
    "warmup": (bool,),
    "standardize": (bool,),
    "threads": (int,),
}
#: Descriptive keys of suites, not passed to ``run``.
INFO_KEYS = ("name", "version", "description")


class ExperimentFileError(ValueError):
    """An experiment file with an unknown key, a wrong type or bad TOML."""


def _suites_folder() -> Any:
    return resources.files("mibench.scenarios") / "suites"


def list_suites() -> dict[str, str]:
    """Suite name → description."""
    suites = {}
    for item in sorted(_suites_folder().iterdir(), key=lambda p: p.name):
        if item.name.endswith(".toml"):
            data = tomllib.loads(item.read_text())
            suites[item.name[:-5]] = f"v{data.get('version', 1)}: {data.get('description', '')}"
    return suites


def suite_path(name: str) -> Any | None:
    item = _suites_folder() / f"{name}.toml"
    return item if item.is_file() else None


def load_experiment(source: str | Path, _seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """Read an experiment file (a path) or a suite (a name) into ``run`` keyword arguments."""
    name = str(source)
    path = suite_path(name) if not name.endswith(".toml") else None
    label = f"suite {name!r}" if path is not None else f"experiment file {name!r}"
    if path is None:
        path = Path(name)
        if not path.is_file():
            suites = ", ".join(list_suites())
            raise ExperimentFileError(f"no experiment file or suite named {name!r} (suites: {suites})")
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ExperimentFileError(f"{label} is not valid TOML: {exc}") from None
    options: dict[str, Any] = {}
    for key, value in data.items():
        if key in INFO_KEYS:
            continue
        if key not in RUN_KEYS:
            raise ExperimentFileError(f"{label}: unknown key {key!r}; valid keys: {', '.join([*RUN_KEYS, *INFO_KEYS])}")
        if isinstance(value, bool) and bool not in RUN_KEYS[key] or not isinstance(value, RUN_KEYS[key]):
            expected = " or ".join(t.__name__ for t in RUN_KEYS[key])
            raise ExperimentFileError(f"{label}: key {key!r} must be {expected}, got {value!r}")
        options[key] = value
    for key in ("estimators", "scenarios"):
        if key in options and not all(isinstance(item, str) for item in options[key]):
            raise ExperimentFileError(f"{label}: key {key!r} must be a list of spec strings")
    if "sample_sizes" in options and not all(
        isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in options["sample_sizes"]
    ):
        raise ExperimentFileError(f"{label}: key 'sample_sizes' must be a list of positive integers")
    if "scenarios" in options:
        options["scenarios"] = expand_scenarios(options["scenarios"], (*_seen, name))
    return options


def expand_scenarios(entries: list[str], seen: tuple[str, ...] = ()) -> list[str]:
    """Replace suite names among scenario entries by the suites' scenarios."""
    expanded: list[str] = []
    for entry in entries:
        if suite_path(entry) is not None and entry not in seen:
            expanded.extend(load_experiment(entry, seen).get("scenarios", []))
        else:
            expanded.append(entry)
    return expanded
