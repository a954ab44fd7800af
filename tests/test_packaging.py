"""The wheel holds mibench, mibench.estimators, mibench.scenarios (with the suites) and the reference results
that recommend ranks on (MI, conditional MI, transfer entropy), and no generic top-level name such as ``estimators``."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_contents(tmp_path):
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    # setuptools' deprecations, which end in errors: the license table and classifier, and the suites
    # shipped as data of a package missing from the configuration
    output = build.stdout + build.stderr
    for deprecated in ("as a TOML table is deprecated", "License classifiers are deprecated", "is absent from the"):
        assert deprecated not in output, output[-3000:]
    wheel = next(tmp_path.glob("mibench-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    suites = {path.name for path in (ROOT / "scenarios" / "suites").glob("*.toml")}
    assert {name.rsplit("/", 1)[1] for name in names if name.startswith("mibench/scenarios/suites/")} >= suites
    top = {name.split("/")[0] for name in names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"mibench"}
    for required in (
        "mibench/estimators/knn.py",
        "mibench/scenarios/gaussian.py",
        "mibench/scenarios/suites/quick.toml",
        "mibench/reference/__init__.py",
        "mibench/reference/summary.csv",
        "mibench/reference_cmi/summary.csv",
        "mibench/reference_te/summary.csv",
        "mibench/reference_te/records.csv.gz",
        "mibench/cli/__init__.py",
        "mibench/cli/run.py",
        "mibench/plugin.py",
        "mibench/py.typed",
    ):
        assert required in names
    assert any(name.endswith(".dist-info/licenses/LICENSE") or name.endswith(".dist-info/LICENSE") for name in names)
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "mibench = mibench.cli:main" in entry_points
