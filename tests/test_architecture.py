"""The architecture's promises: a plugin surface at the bottom, declared types, compute settings
outside an estimator's identity, third-party plugins, and a store that refuses to mix code versions."""

import ast
import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import mibench
from mibench.compare import compare, has_regressions
from mibench.labels import short_labels
from mibench.store import SCHEMA_VERSION, STORE_FILE, Store, StoreError

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("mibench.harness", "mibench.runner", "mibench.store", "mibench.stats", "mibench.plots", "mibench.executors")


def test_the_plugin_surface_and_every_builtin_plugin_import_nothing_of_the_harness():
    code = textwrap.dedent(f"""
        import sys, mibench.plugin, mibench
        mibench.list_estimators(); mibench.list_scenarios()
        print([m for m in {HEAVY!r} if m in sys.modules])
    """)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT / "tests"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


#: Libraries that take a large part of a second each to import, and that an estimate on arrays of
#: numbers does not need: loading every plugin and estimating must not import them.
SLOW_IMPORTS = ("pandas", "scipy.stats", "scipy.signal", "scipy.ndimage")


def test_an_estimate_on_arrays_imports_no_slow_library_it_does_not_use():
    code = textwrap.dedent(f"""
        import sys, numpy as np, mibench
        mibench.list_estimators(); mibench.list_scenarios()
        x = np.random.default_rng(0).normal(size=(300, 2)); y = x[:, :1] + x[:, 1:]
        mibench.estimate(x, y, "ksg"); mibench.estimate(x[:, 0], y, "kde"); mibench.estimate(x, y, "ksg", z=x[:, :1])
        print([m for m in {SLOW_IMPORTS!r} if m in sys.modules])
    """)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT / "tests"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_builtin_plugins_import_only_the_plugin_surface():
    for path in [*(ROOT / "estimators").glob("*.py"), *(ROOT / "scenarios").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "mibench":
                assert node.module == "mibench.plugin", f"{path.name} imports {node.module}"


PLUGIN = '''
import numpy as np
from mibench.plugin import Conventions, Scenario, Truth, register_estimator, register_scenario


@register_estimator("third_party_corr", multivariate=False, conventions=Conventions(citation="a test"))
def corr(x, y, x_type, y_type):
    """Gaussian MI of the Pearson correlation; records the types it was given."""
    corr.seen = (x_type, y_type)
    r = np.corrcoef(x[:, 0], y[:, 0])[0, 1]
    return -0.5 * np.log1p(-r * r)


@register_scenario("third_party_null")
class Null(Scenario):
    """Independent normals: I = 0."""

    def _truth(self):
        return Truth(0.0, "closed form")

    def _sample(self, n, rng):
        return rng.standard_normal(n), rng.standard_normal(n)
'''


def test_a_third_party_plugin_works_through_plugin_and_through_an_entry_point(tmp_path):
    (tmp_path / "third_party_plugin.py").write_text(PLUGIN)
    command = ["run", "-e", "third_party_corr", "-s", "third_party_null", "-n", "50", "--reps", "2", "--quiet"]
    by_file = subprocess.run(
        [
            sys.executable,
            "-m",
            "mibench",
            "--plugin",
            str(tmp_path / "third_party_plugin.py"),
            *command,
            "--out",
            str(tmp_path / "by_file"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert by_file.returncode == 0, by_file.stderr
    # An installed distribution: a dist-info folder whose entry points name the module.
    site = tmp_path / "site"
    (site / "third_party_plugin-1.0.dist-info").mkdir(parents=True)
    (site / "third_party_plugin.py").write_text(PLUGIN)
    (site / "third_party_plugin-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: third-party-plugin\nVersion: 1.0\n"
    )
    (site / "third_party_plugin-1.0.dist-info" / "top_level.txt").write_text("third_party_plugin\n")
    (site / "third_party_plugin-1.0.dist-info" / "entry_points.txt").write_text(
        "[mibench.estimators]\ncorr = third_party_plugin\n[mibench.scenarios]\nnull = third_party_plugin\n"
    )
    env = {**__import__("os").environ, "PYTHONPATH": str(site)}
    by_entry_point = subprocess.run(
        [sys.executable, "-m", "mibench", *command, "--out", str(tmp_path / "by_entry_point")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
    )
    assert by_entry_point.returncode == 0, by_entry_point.stderr
    records = mibench.load_records(tmp_path / "by_entry_point")
    assert (records["status"] == "ok").all() and len(records) == 2
    assert records["code_version"].iloc[0].endswith("third-party-plugin 1.0")


def test_plugins_receive_the_declared_types_not_a_dtype():
    seen = {}

    def probe(x, y, x_type, y_type):
        seen["types"] = (x_type, y_type, x.dtype.kind, y.dtype.kind)
        return 0.0

    if "test_type_probe" not in mibench.list_estimators():
        mibench.register_estimator("test_type_probe", types=[("mixed", "discrete"), ("continuous", "continuous")])(
            probe
        )
    mibench.estimate(np.array([0.0, 0.0, 1.5, 2.0]), [1, 2, 1, 2], "test_type_probe", x_type="mixed", y_type="discrete")
    assert seen["types"] == ("mixed", "discrete", "f", "i")


def test_compute_settings_are_not_part_of_the_identity(tmp_path):
    threaded, plain = mibench.get_estimator("ksg(workers=2)"), mibench.get_estimator("ksg")
    assert threaded.spec == plain.spec == "ksg(k=3, noise=0.0)"
    assert threaded.compute == {"workers": 2} and threaded.run_spec == "ksg(k=3, noise=0.0, workers=2)"
    experiment = {"scenarios": ["gaussian(rho=0.8)"], "sample_sizes": [300], "reps": 4}
    a = mibench.run(["ksg(workers=2)"], **experiment)
    b = mibench.run(["ksg"], **experiment)
    assert (a["estimator"] == b["estimator"]).all() and (a["task_id"] == b["task_id"]).all()
    assert set(a["compute"]) == {"workers=2"} and set(b["compute"]) == {"workers=1"}
    assert np.array_equal(a["estimate"], b["estimate"])  # threads cannot change the result
    result = compare(a, b)
    assert len(result) == 1 and result["paired"].all() and not has_regressions(result)
    # Resuming with more threads is the same experiment.
    mibench.run(["ksg"], out=tmp_path / "run", **experiment)
    again = mibench.run(["ksg(workers=2)"], out=tmp_path / "run", **experiment)
    assert set(again["compute"]) == {"workers=1"}  # nothing was recomputed


def test_a_run_made_by_another_code_version_is_not_resumed_silently(tmp_path):
    experiment = {"estimators": ["gaussian"], "scenarios": ["gaussian(rho=0.5)"], "sample_sizes": [100], "reps": 2}
    folder = tmp_path / "run"
    mibench.run(out=folder, **experiment)
    with Store(folder) as store:  # as if an older mibench had started it
        store.set_meta("code_versions", {"gaussian": "mibench 0.0.1"})
        store.db.execute("DELETE FROM records WHERE rep = 1")
    with pytest.raises(StoreError, match=r"other code versions \(gaussian: mibench 0.0.1 → mibench .*--force"):
        mibench.run(out=folder, **experiment)
    records = mibench.run(out=folder, force=True, **experiment)
    assert len(records) == 2 and set(records["code_version"]) == {f"mibench {mibench.__version__}"}
    with Store(folder) as store:
        assert store.get_meta("mixed_code_versions") is True


def test_the_store_has_a_schema_version_and_inserts_by_column_name(tmp_path):
    mibench.run(["gaussian"], ["gaussian(rho=0.5)"], [100], reps=1, out=tmp_path / "run")
    with sqlite3.connect(tmp_path / "run" / STORE_FILE) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    with Store(tmp_path / "run") as store:
        record = store.records().iloc[0].to_dict()
        store.add(dict(reversed(list({**record, "task_id": "reordered", "rep": 7}.items()))))
        again = store.records().set_index("task_id").loc["reordered"]
    assert again["rep"] == 7 and again["estimate"] == record["estimate"] and again["estimator"] == "gaussian"


def test_a_store_of_an_older_schema_is_refused_with_a_reason(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    with sqlite3.connect(folder / STORE_FILE) as db:
        db.execute("CREATE TABLE records (task_id TEXT PRIMARY KEY, estimator TEXT)")
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (json.dumps("0123456789abcdef"),))
    with pytest.raises(StoreError, match="store schema 0"):
        mibench.run(["gaussian"], ["gaussian(rho=0.5)"], [100], reps=1, out=folder)


def test_labels_need_no_registry():
    specs = ["ksg(k=3, noise=0.0)", "ksg(k=10, noise=0.0)", "not_installed_anywhere(alpha=1, beta=None)"]
    assert short_labels(specs) == {
        "ksg(k=3, noise=0.0)": "ksg(k=3)",
        "ksg(k=10, noise=0.0)": "ksg(k=10)",
        "not_installed_anywhere(alpha=1, beta=None)": "not_installed_anywhere",
    }
    nested = "normal_cdf-v1(base='gaussian-v1(dim=1, mi=None, rho=0.8)')"
    other = "normal_cdf-v1(base='gaussian-v1(dim=1, mi=None, rho=0.5)')"
    assert short_labels([nested, other])[nested] == "normal_cdf(base=gaussian(rho=0.8))"
    swapped = "swapped-v1(base='class_atoms-v1(independent=False, m=4, q=0.5)')"  # alone: what it wraps
    assert short_labels([nested, swapped])[swapped] == "swapped(base=class_atoms)"
    assert short_labels([nested])[nested] == "normal_cdf(base=gaussian)"
    inner = "noise_dims-v1(base='{}-v1(m=4)', extra_y=2, rotate=True)"
    wrapped = {base: f'swapped-v1(base="{inner.format(base)}")' for base in ("uniform_shift", "class_atoms")}
    assert short_labels([*wrapped.values(), swapped]) == {  # nested twice, each level by the same rule
        wrapped["uniform_shift"]: "swapped(base=noise_dims(base=uniform_shift))",
        wrapped["class_atoms"]: "swapped(base=noise_dims(base=class_atoms))",
        swapped: "swapped(base=class_atoms)",
    }
    assert short_labels(["asinh-v1(base='no spec (really', scale=1)"]) == {
        "asinh-v1(base='no spec (really', scale=1)": "asinh"
    }


def test_specs_are_resolved_once_per_run(monkeypatch):
    from mibench import harness

    harness._ESTIMATORS.clear()
    calls = []
    real = harness.get_estimator
    monkeypatch.setattr(harness, "get_estimator", lambda spec: calls.append(spec) or real(spec))
    mibench.run(["ksg(k=4)"], ["gaussian(rho=0.5)", "gaussian(rho=0.8)"], [50, 60], reps=3)
    assert len(calls) == 1
