"""Fault isolation, crash-safe resume and executor equivalence (real processes, a real Dask cluster)."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mibench
from mibench.records import VOLATILE_COLUMNS
from mibench.store import StoreError

PLUGIN = str(Path(__file__).with_name("faulty_plugins.py"))
mibench.load_plugin(PLUGIN)


def stable(records):
    return records.drop(columns=list(VOLATILE_COLUMNS)).reset_index(drop=True)


def test_faults_are_recorded_as_data_and_the_run_goes_on():
    estimators = [
        "fault_raises",
        "fault_hangs",
        "fault_exits",
        "fault_segfaults",
        "fault_nan",
        "fault_string",
        "gaussian",
    ]
    records = mibench.run(estimators, ["gaussian(rho=0.5)"], [50], reps=2, jobs=2, executor="processes", timeout=3)
    status = records.groupby("estimator")["status"].agg(set).to_dict()
    assert status["fault_raises"] == {"error"}
    assert status["fault_hangs(seconds=60.0)"] == {"timeout"}
    assert status["fault_exits"] == {"crashed"}
    assert status["fault_segfaults"] == {"crashed"}
    assert status["fault_nan"] == {"invalid"}
    assert status["fault_string"] == {"invalid"}
    assert status["gaussian"] == {"ok"}
    messages = records.set_index("estimator")["message"]
    assert "RuntimeError: deliberate failure" in messages["fault_raises"].iloc[0]
    assert "exited with code 3" in messages["fault_exits"].iloc[0]
    assert "SIGSEGV" in messages["fault_segfaults"].iloc[0]
    assert "killed after 3 s" in messages["fault_hangs(seconds=60.0)"].iloc[0]
    summary = mibench.summarize(records)
    assert summary.set_index("estimator").loc["fault_raises", "failures"] == 2


def test_a_plugin_cannot_write_into_the_data_it_is_given():
    # It zeroed the caller's own array through mibench.estimate, and returned 0.0 as its estimate.
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=100), rng.normal(size=100)
    kept = x.copy()
    with pytest.raises(ValueError, match="read-only"):
        mibench.estimate(x, y, "fault_writes_its_input")
    assert np.array_equal(x, kept)
    records = mibench.run(["fault_writes_its_input"], ["gaussian(rho=0.5)"], [50], reps=1)
    assert records["status"].tolist() == ["error"] and "read-only" in records["message"].iloc[0]


def test_serial_processes_and_dask_give_identical_records():
    estimators = ["ksg", "gaussian", "plugin", "mixed_ksg"]
    scenarios = ["gaussian(rho=0.7)", "symmetric_channel", "uniform_shift"]
    serial = mibench.run(estimators, scenarios, [80, 160], reps=3, seed=5, executor="serial")
    processes = mibench.run(estimators, scenarios, [80, 160], reps=3, seed=5, jobs=2, executor="processes")
    dask = mibench.run(estimators, scenarios, [80, 160], reps=3, seed=5, jobs=2, executor="dask")
    pd.testing.assert_frame_equal(stable(serial), stable(processes))
    pd.testing.assert_frame_equal(stable(serial), stable(dask))
    assert dask["worker"].nunique() >= 1 and (dask["status"] == "ok").all()


def test_sigkill_mid_run_then_resume_equals_uninterrupted(tmp_path):
    out = tmp_path / "killed"
    command = [
        sys.executable,
        "-m",
        "mibench.cli",
        "--plugin",
        PLUGIN,
        "run",
        "-e",
        "slow_ok(seconds=0.05)",
        "-e",
        "gaussian",
        "-s",
        "gaussian(rho=0.3)",
        "-s",
        "gaussian(rho=0.8)",
        "-n",
        "40",
        "-n",
        "80",
        "--reps",
        "12",
        "--seed",
        "3",
        "--jobs",
        "2",
        "--out",
        str(out),
        "--quiet",
    ]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    store = out / "mibench.sqlite"
    deadline = time.time() + 60
    done = 0
    while time.time() < deadline and done < 15:
        time.sleep(0.1)
        if store.exists():
            try:
                with sqlite3.connect(store) as db:
                    done = db.execute("SELECT COUNT(*) FROM records").fetchone()[0]
            except sqlite3.Error:
                pass
    os.killpg(process.pid, signal.SIGKILL)  # the run and its workers, with no chance to clean up
    process.wait()
    partial = mibench.load_records(out)
    total = 2 * 2 * 2 * 12
    assert 0 < len(partial) < total, "the run should have been killed part-way"
    assert partial["task_id"].is_unique
    resumed = subprocess.run(command, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    final = mibench.load_records(out)
    assert len(final) == total and final["task_id"].is_unique
    # finished rows were not recomputed
    kept = final.set_index("task_id").loc[partial["task_id"], "seconds"]
    assert (kept.to_numpy() == partial["seconds"].to_numpy()).all()
    clean = mibench.run(
        ["slow_ok(seconds=0.05)", "gaussian"],
        ["gaussian(rho=0.3)", "gaussian(rho=0.8)"],
        [40, 80],
        reps=12,
        seed=3,
        executor="serial",
    )
    pd.testing.assert_frame_equal(stable(final), stable(clean))


def test_store_of_another_experiment_is_refused(tmp_path):
    mibench.run(["gaussian"], ["gaussian"], [30], reps=1, out=tmp_path)
    with pytest.raises(StoreError, match="different experiment"):
        mibench.run(["gaussian"], ["gaussian"], [30], reps=2, out=tmp_path)
    assert len(mibench.run(["gaussian"], ["gaussian"], [30], reps=2, out=tmp_path, force=True)) == 2


def test_corrupt_store_gives_a_clear_error(tmp_path):
    mibench.run(["gaussian"], ["gaussian"], [30], reps=3, out=tmp_path)
    store = tmp_path / "mibench.sqlite"
    store.write_bytes(b"this is not a database" + store.read_bytes()[100:])
    with pytest.raises(StoreError, match="not a readable mibench store"):
        mibench.load_records(tmp_path)
    with pytest.raises(StoreError, match="--force"):
        mibench.run(["gaussian"], ["gaussian"], [30], reps=3, out=tmp_path)
    assert store.exists()  # nothing deleted without --force
    assert len(mibench.run(["gaussian"], ["gaussian"], [30], reps=3, out=tmp_path, force=True)) == 3


def test_damaged_store_keeps_what_can_be_read(tmp_path):
    mibench.run(["gaussian", "ksg"], ["gaussian"], [30], reps=400, out=tmp_path)
    store = tmp_path / "mibench.sqlite"
    with sqlite3.connect(store) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(store.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 4096] = b"\xab" * 4096  # overwrite a page in the middle of the file
    store.write_bytes(bytes(data))
    with pytest.raises(StoreError, match=r"damaged .* (\d+) records can still be read: mibench export .* --salvage"):
        mibench.load_records(tmp_path)
    out = tmp_path / "salvaged.csv"
    from mibench.cli import main

    assert main(["export", str(tmp_path), "--salvage", "--output", str(out)]) == 0
    salvaged = mibench.load_records(out)
    assert 0 < len(salvaged) < 800 and salvaged["task_id"].is_unique and (salvaged["status"] == "ok").all()


def test_parallel_run_from_stdin_with_an_estimator_defined_there():
    """A notebook, a REPL or an unguarded script: workers must not re-import __main__."""
    script = """
import numpy as np, mibench

@mibench.register_estimator("stdin_corr", multivariate=False)
def stdin_corr(x, y):
    r = np.corrcoef(x[:, 0], y[:, 0])[0, 1]
    return float(-0.5 * np.log1p(-r * r))

records = mibench.run(["stdin_corr", "ksg"], ["gaussian(rho=0.6)"], [100, 200], reps=3, jobs=2)
print(sorted(set(records["status"])), len(records))
"""
    result = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "['ok'] 12", result.stdout + result.stderr[-2000:]


@pytest.mark.parametrize("executor", ["serial", "processes", "dask"])
def test_every_executor_runs_estimators_with_one_blas_thread(executor):
    records = mibench.run(["reports_blas_threads"], ["gaussian"], [50], reps=40, jobs=2, executor=executor)
    assert set(records["estimate"]) == {1.0}


def test_a_worker_of_an_outside_dask_cluster_gets_its_thread_limits_back():
    from distributed import Client, LocalCluster

    def allow_three_threads() -> float:
        import numpy  # noqa: F401  (loads OpenBLAS)
        from threadpoolctl import threadpool_info, threadpool_limits

        threadpool_limits(limits=3)  # Dask starts its workers' pools at one thread
        return max(pool["num_threads"] for pool in threadpool_info())

    def most_threads() -> float:
        from threadpoolctl import threadpool_info

        return max(pool["num_threads"] for pool in threadpool_info())

    cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster, Client(cluster) as client:
        # set in the thread that runs tasks: OpenBLAS can ignore a limit set there after one set in the main thread
        assert client.submit(allow_three_threads, pure=False).result() == 3
        records = mibench.run(
            ["reports_blas_threads"], ["gaussian"], [50], reps=20, scheduler=cluster.scheduler_address
        )
        assert set(records["estimate"]) == {1.0}
        assert client.submit(most_threads, pure=False).result() == 3


@pytest.mark.slow
def test_a_library_first_imported_mid_run_gets_the_thread_limit_and_the_callers_environment_is_kept(tmp_path):
    pytest.importorskip("torch")
    script = f"""
import json, os
import mibench
mibench.load_plugin({PLUGIN!r})
if __name__ == "__main__":
    seen = {{}}
    for executor in ("processes", "dask", "serial"):  # serial last: it imports PyTorch in this process
        records = mibench.run(["reports_torch_threads"], ["gaussian"], [50], reps=4, jobs=2, executor=executor)
        seen[executor] = sorted(records["estimate"])
    import torch
    seen["after"] = torch.get_num_threads()
    seen["environment"] = [os.environ.get(name) for name in ("OMP_NUM_THREADS", "PYTHONHASHSEED")]
    print(json.dumps(seen))
"""
    names = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MALLOC_TRIM_THRESHOLD_", "PYTHONHASHSEED")
    environment = {name: value for name, value in os.environ.items() if name not in names}
    default = subprocess.run(
        [sys.executable, "-c", "import torch; print(torch.get_num_threads())"],
        capture_output=True,
        text=True,
        env=environment,
    )
    default = int(default.stdout)  # PyTorch's threads wherever no limit reaches it
    if default < 2:
        pytest.skip("PyTorch starts with one thread on this machine")
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, env=environment, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["processes"] == seen["dask"] == [1.0, 1.0, 1.0, 1.0]  # workers: from the first call on
    assert seen["serial"] == [1.0, 1.0, 1.0, default]  # this process: from the call after the import on
    assert seen["after"] == default  # and PyTorch's own limit is back after the run
    assert seen["environment"] == [None, None]


def test_a_script_that_starts_dask_workers_unguarded_is_told_why_they_did_not_start(tmp_path):
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import mibench\nmibench.run(['gaussian'], ['gaussian(rho=0.5)'], [100], reps=4, jobs=1, executor='dask')\n"
    )
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("RuntimeError: the Dask executor")]
    assert errors, result.stderr[-2000:]
    assert 'under `if __name__ == "__main__":`' in errors[-1]


def test_a_script_whose_spawned_workers_cannot_start_is_told_why(tmp_path):
    """Where PyTorch sees a GPU, a run with a neural estimator spawns its workers; each imports the
    script, which here starts the run again. Before, every task was recorded as crashed, one
    spawned worker after another."""
    pytest.importorskip("torch")
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import torch\nimport mibench\ntorch.cuda.device_count = lambda: 1\n"
        "mibench.run(['ksg', 'smile(steps=60, batch_size=32, eval_every=30)'], ['gaussian'], [600], reps=3, "
        "jobs=1, executor='processes')\n"
    )
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("RuntimeError: a worker process")]
    assert errors, result.stderr[-2000:]
    assert "did not start" in errors[-1] and 'under `if __name__ == "__main__":`' in errors[-1]


@pytest.mark.slow
def test_dask_isolates_a_worker_death_inside_a_chunk(monkeypatch):
    from mibench import executors

    monkeypatch.setattr(executors, "CHUNKS_PER_WORKER", 1)  # chunks of 6: each estimator's tasks in one chunk
    records = mibench.run(["gaussian", "fault_exits"], ["gaussian"], [50], reps=6, jobs=2, executor="dask")
    by_estimator = records.groupby("estimator")["status"].agg(set).to_dict()
    assert by_estimator == {"gaussian": {"ok"}, "fault_exits": {"crashed"}}
    assert len(records) == 12


def test_dask_run_that_ends_with_a_crash_returns_its_records(monkeypatch):
    # The last crash leaves a nanny starting its worker again; Dask's close then failed ("can only join
    # a started process") and the run raised with every record in. A slow start makes that certain.
    import asyncio

    from distributed.process import AsyncProcess

    start = AsyncProcess.start

    async def slow_start(self):
        await asyncio.sleep(1.0)
        return await start(self)

    monkeypatch.setattr(AsyncProcess, "start", slow_start)
    records = mibench.run(["fault_exits"], ["gaussian"], [50], reps=1, jobs=1, executor="dask")
    assert records["status"].tolist() == ["crashed"]


def test_dask_cluster_that_fails_to_close_is_a_warning_not_a_lost_run(monkeypatch):
    from distributed import LocalCluster

    close = LocalCluster.close

    def close_then_fail(self, *args, **kwargs):
        close(self, *args, **kwargs)
        raise AssertionError("can only join a started process")

    monkeypatch.setattr(LocalCluster, "close", close_then_fail)
    with pytest.warns(UserWarning, match="local cluster did not close cleanly.*can only join a started process"):
        records = mibench.run(["gaussian"], ["gaussian"], [50], reps=2, jobs=1, executor="dask")
    assert records["status"].tolist() == ["ok", "ok"]


def test_a_local_dask_cluster_starts_no_more_workers_than_there_are_calls(monkeypatch):
    # jobs=64 started 64 workers for 2 tasks (8.0 s against 5.1 s here)
    from distributed import LocalCluster

    started, start = [], LocalCluster.__init__

    def counted(self, *args, **kwargs):
        started.append(kwargs["n_workers"])
        start(self, *args, **kwargs)

    monkeypatch.setattr(LocalCluster, "__init__", counted)
    records = mibench.run(["gaussian"], ["gaussian"], [50], reps=2, jobs=8, executor="dask")
    assert started == [2] and records["status"].tolist() == ["ok", "ok"]
