"""asv: the configuration and the benchmarks are valid, and the accuracy track runs (results stay in .asv/)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ASV = shutil.which("asv")


@pytest.mark.slow
@pytest.mark.skipif(ASV is None, reason="asv is installed by the test extra")
def test_asv_check_and_accuracy_track():
    config = json.loads((ROOT / "asv.conf.json").read_text())
    assert config["results_dir"].startswith(".asv") and config["html_dir"].startswith(".asv")
    subprocess.run([ASV, "machine", "--yes"], cwd=ROOT, check=True, capture_output=True)
    check = subprocess.run([ASV, "check", "--python=same"], cwd=ROOT, capture_output=True, text=True)
    assert check.returncode == 0 and "No problems found" in check.stdout, check.stdout + check.stderr
    result = subprocess.run(
        [ASV, "run", "--python=same", "--quick", "--bench", "Accuracy.track_rmse"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "ksg" in result.stdout and "failed" not in result.stdout.lower()
