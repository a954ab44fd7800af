"""What is needed to reproduce a run: versions, machine, code revision, times."""

from __future__ import annotations

import importlib.metadata
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["provenance", "now"]

_PACKAGES = (
    "mibench",
    "numpy",
    "scipy",
    "pandas",
    "scikit-learn",
    "dask",
    "distributed",
    "ennemi",
    "npeet-plus",
    "infomeasure",
)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _git() -> dict[str, Any]:
    """The commit of the git checkout the run starts in (else of mibench's source folder), whatever the install."""
    try:
        inside = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], capture_output=True, timeout=5)
        source = Path.cwd() if inside.returncode == 0 else Path(__file__).resolve().parent.parent
        commit = subprocess.run(
            ["git", "-C", str(source), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(source), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(dirty)}


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def provenance(plugin_packages: list[str] | None = None) -> dict[str, Any]:
    """Versions of mibench and its stack, the git revision, the platform and the CPU."""
    import os

    versions = {name: _version(name) for name in (*_PACKAGES, *(plugin_packages or []))}
    return {
        "mibench": versions.pop("mibench"),
        "git": _git(),
        "python": sys.version.split()[0],
        "packages": versions,
        "platform": platform.platform(),
        "cpu": _cpu(),
        "cpu_count": os.cpu_count(),
        "hostname": platform.node(),
    }
