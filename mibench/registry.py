"""One registry mechanism for estimators and scenarios.

Built-in plugins live in the packages ``mibench.estimators`` and
``mibench.scenarios`` and register themselves with decorators when those
packages are imported (every module in them is imported; the core names none).
Third-party packages register through the entry-point groups of the same
names; a plugin that fails to load produces a warning and is skipped. A local
file is loaded with :func:`load_plugin`.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib
import importlib.metadata
import importlib.util
import inspect
import pkgutil
import sys
import threading
import traceback
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .spec import format_spec, format_value, parse_spec

__all__ = ["Entry", "Registry", "RegistryError", "PluginError", "load_plugin", "REQUIRED"]

REQUIRED = inspect.Parameter.empty


class RegistryError(LookupError, ValueError):
    """An unknown name, a duplicate name or an invalid parameter."""


class PluginError(ImportError):
    """A plugin file that cannot be imported: the message names the file, the line and the error."""


@dataclass(frozen=True)
class Entry:
    """A registered plugin: its name, version, target and declared metadata."""

    kind: str
    name: str
    version: int | None
    target: Callable[..., Any]
    parameters: Mapping[str, Any]
    metadata: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""

    @property
    def summary(self) -> str:
        doc = inspect.getdoc(self.target) or ""
        return doc.strip().split("\n\n")[0].replace("\n", " ")

    def describe_parameters(self) -> str:
        if not self.parameters:
            return "(no parameters)"
        return ", ".join(
            f"{key} (required)" if default is REQUIRED else f"{key}={format_value(default)}"
            for key, default in self.parameters.items()
        )


def signature_parameters(target: Callable[..., Any], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Keyword parameters of a function or class constructor and their defaults."""
    function = target.__init__ if inspect.isclass(target) else target
    parameters: dict[str, Any] = {}
    for index, parameter in enumerate(inspect.signature(function).parameters.values()):
        if index == 0 and inspect.isclass(target):
            continue  # self
        if parameter.name in skip or parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        parameters[parameter.name] = parameter.default
    return parameters


class Registry:
    """Names → plugins of one kind, filled from built-ins, entry points and files."""

    def __init__(self, kind: str, builtin_package: str, entry_point_group: str) -> None:
        self.kind = kind
        self.builtin_package = builtin_package
        self.entry_point_group = entry_point_group
        self._entries: dict[str, dict[int | None, Entry]] = {}
        self._loaded = False
        self._loading = threading.RLock()

    # -- registration -------------------------------------------------------
    def add(self, entry: Entry) -> None:
        if not self._loaded and not entry.source.startswith(self.builtin_package + "."):
            self.load()  # so that a plugin clashing with a built-in is the one refused
        versions = self._entries.setdefault(entry.name, {})
        if entry.version in versions:
            existing = versions[entry.version]
            label = format_spec(entry.name, {}, entry.version)
            raise RegistryError(
                f"{self.kind} {label!r} is already registered (by {existing.source}); "
                f"a second registration from {entry.source} is refused"
            )
        versions[entry.version] = entry

    # -- loading ------------------------------------------------------------
    def load(self) -> None:
        """Import the built-in plugins and the installed entry points, once."""
        with self._loading:
            if self._loaded:
                return
            self._loaded = True
            package = importlib.import_module(self.builtin_package)
            for module in pkgutil.iter_modules(package.__path__, prefix=self.builtin_package + "."):
                if not module.name.rsplit(".", 1)[-1].startswith("_"):  # private helpers load with their family
                    importlib.import_module(module.name)
            for entry_point in importlib.metadata.entry_points(group=self.entry_point_group):
                try:
                    entry_point.load()
                except Exception as exc:  # a broken third-party plugin must not break the host
                    warnings.warn(
                        f"mibench: could not load {self.kind} plugin {entry_point.name!r} "
                        f"({entry_point.value}): {type(exc).__name__}: {exc}",
                        RuntimeWarning,
                        stacklevel=2,
                    )

    # -- lookup -------------------------------------------------------------
    def names(self) -> list[str]:
        self.load()
        return sorted(self._entries)

    def entries(self) -> list[Entry]:
        """The newest version of every registered name, sorted by name."""
        return [self.entry(name) for name in self.names()]

    def entry(self, name: str, version: int | None = None) -> Entry:
        self.load()
        versions = self._entries.get(name)
        if versions is None:
            by_lower = {known.lower(): known for known in self._entries}
            close = [by_lower[m] for m in difflib.get_close_matches(name.lower(), list(by_lower), n=3, cutoff=0.6)]
            hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise RegistryError(
                f"unknown {self.kind} {name!r}.{hint} "
                f"See mibench.list_{self.kind}s() or `mibench list {self.kind}s` for all names."
            )
        if version is None:
            return versions[max(versions, key=lambda v: -1 if v is None else v)]
        if version not in versions:
            known = ", ".join(format_spec(name, {}, v) for v in versions)
            raise RegistryError(f"{self.kind} {name!r} has no version {version}; registered: {known}")
        return versions[version]

    def resolve(self, spec: str, **overrides: Any) -> tuple[Entry, dict[str, Any]]:
        """Parse ``spec``, layer ``overrides`` on it and fill in the defaults."""
        name, version, given = parse_spec(spec)
        entry = self.entry(name, version)
        given.update(overrides)
        unknown = sorted(set(given) - set(entry.parameters))
        if unknown:
            raise RegistryError(
                f"{self.kind} {name!r} has no parameter {', '.join(repr(u) for u in unknown)}; "
                f"valid parameters: {entry.describe_parameters()}"
            )
        params = {key: given.get(key, default) for key, default in entry.parameters.items()}
        missing = [key for key, value in params.items() if value is REQUIRED]
        if missing:
            raise RegistryError(
                f"{self.kind} {name!r} needs parameter {', '.join(repr(m) for m in missing)}; "
                f"valid parameters: {entry.describe_parameters()}"
            )
        return entry, params


_loaded_files: dict[Path, str] = {}


def load_plugin(path: str | Path) -> str:
    """Import a plugin file so that its decorators register what it defines.

    Loading the same file twice is a no-op. Returns the module name used.
    """
    resolved = Path(path).expanduser().resolve()
    if resolved in _loaded_files:
        return _loaded_files[resolved]
    if not resolved.is_file():
        raise FileNotFoundError(f"plugin file {str(path)!r} does not exist")
    digest = hashlib.sha256(str(resolved).encode()).hexdigest()[:12]
    module_name = f"mibench_plugin_{resolved.stem}_{digest}"
    module_spec = importlib.util.spec_from_file_location(module_name, resolved)
    if module_spec is None or module_spec.loader is None:
        raise ImportError(f"cannot load plugin file {str(path)!r}: not a Python module")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[module_name] = module
    try:
        module_spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[module_name]
        if isinstance(exc, SyntaxError) and exc.filename == str(resolved):
            line, message = exc.lineno, exc.msg
        else:
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(resolved)]
            line, message = (frames[-1].lineno if frames else "?"), str(exc)
        raise PluginError(f"plugin file {str(path)!r}, line {line}: {type(exc).__name__}: {message}") from None
    _loaded_files[resolved] = module_name
    return module_name


def loaded_plugin_files() -> list[str]:
    """Paths of the plugin files loaded so far (to reload them in worker processes)."""
    return [str(path) for path in _loaded_files]
