"""The harness hands batched estimators many samples per call and still writes one record per estimate."""

import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mibench
from mibench.estimator import get_estimator
from mibench.harness import ESTIMATOR_STREAM, Experiment, batches, plan
from mibench.records import VOLATILE_COLUMNS
from mibench.seeding import derived_generator
from mibench.store import SCHEMA_VERSION, STORE_FILE, Store

PLUGIN = str(Path(__file__).with_name("batched_plugins.py"))
mibench.load_plugin(PLUGIN)

SCENARIOS = ["gaussian(rho=0.5)", "gaussian(rho=0.8)", "gaussian(rho=0.3, dim=2)"]


def stable(records: pd.DataFrame) -> pd.DataFrame:
    return records.drop(columns=list(VOLATILE_COLUMNS))


def test_calls_group_a_batched_estimator_by_n_and_dimensions_up_to_its_limit():
    experiment = Experiment.resolve(["batch_gaussian(max_batch=4)", "gaussian"], SCENARIOS, [50, 80], reps=3)
    tasks, _ = plan(experiment)
    calls = batches(tasks)
    assert sorted(task.task_id for call in calls for task in call) == sorted(task.task_id for task in tasks)
    for call in calls:
        keys = {(t.run_spec, t.n, t.dim_x, t.dim_y) for t in call}
        assert len(keys) == 1
        assert len(call) <= (4 if call[0].estimator == "batch_gaussian" else 1)
    # 1-D scenarios share calls: 2 scenarios × 3 reps = 6 tasks per n → calls of 4 and 2; 2-D: one call of 3
    sizes = sorted(len(call) for call in calls if call[0].estimator == "batch_gaussian")
    assert sizes == [2, 2, 3, 3, 4, 4]


@pytest.mark.parametrize("executor", ["serial", "processes", "dask"])
def test_batched_records_equal_estimates_made_alone(executor):
    records = mibench.run(
        ["batch_gaussian(max_batch=4)", "gaussian"], SCENARIOS, [50], reps=3, seed=5, executor=executor, jobs=2
    )
    assert (records["status"] == "ok").all()
    batched = records[records["estimator"] == "batch_gaussian"]
    assert set(batched["batch"]) == {2, 3, 4} and set(records.loc[records["estimator"] == "gaussian", "batch"]) == {1}
    assert set(batched["compute"]) == {"max_batch=4"}
    estimator = get_estimator("batch_gaussian")
    for row in batched.itertuples():
        x, y = mibench.get_scenario(row.scenario).sample(row.n, row.seed)
        alone = estimator.estimate_validated(
            x, y, x_type="continuous", y_type="continuous", rng=derived_generator(row.seed, ESTIMATOR_STREAM)
        )
        assert row.estimate == alone
    # each record of a call carries an equal share of the call's time: here (dim_x, batch) names one call each
    # (1-D: calls of 4 and 2; 2-D: one call of 3)
    shares = batched.groupby(["dim_x", "batch"])["seconds"].nunique()
    assert (batched["seconds"] > 0).all() and len(shares) == 3 and (shares == 1).all()


def test_executors_and_batch_limits_give_identical_records():
    serial = mibench.run(["batch_gaussian(max_batch=4)"], SCENARIOS, [50], reps=3, seed=5)
    one_by_one = mibench.run(["batch_gaussian(max_batch=1)"], SCENARIOS, [50], reps=3, seed=5)
    parallel = mibench.run(["batch_gaussian(max_batch=4)"], SCENARIOS, [50], reps=3, seed=5, jobs=2)
    columns = ["estimator", "scenario", "n", "rep", "seed", "estimate", "task_id"]
    pd.testing.assert_frame_equal(serial[columns], one_by_one[columns])
    pd.testing.assert_frame_equal(stable(serial), stable(parallel))
    assert set(one_by_one["batch"]) == {1}


def test_a_crashed_call_costs_its_own_tasks_only():
    records = mibench.run(["batch_dies"], ["gaussian(rho=0.5)"], [77, 90], reps=5, jobs=2, executor="processes")
    crashed = records[records["status"] == "crashed"]
    assert set(crashed["n"]) == {77} and len(crashed) == 5
    assert (records.loc[records["n"] == 90, "status"] == "ok").all()
    assert crashed["message"].str.contains("exited with code 3").all()


def test_an_older_store_gains_the_batch_column_and_resumes(tmp_path):
    folder = tmp_path / "run"
    experiment = {"estimators": ["gaussian"], "scenarios": ["gaussian(rho=0.5)"], "sample_sizes": [100], "reps": 2}
    first = mibench.run(out=folder, **{**experiment, "reps": 2})
    with sqlite3.connect(folder / STORE_FILE) as db:  # make it a schema-2 store: no batch column
        db.execute("ALTER TABLE records DROP COLUMN batch")
        db.execute("PRAGMA user_version = 2")
        db.execute("DELETE FROM records WHERE rep = 1")
    again = mibench.run(out=folder, **experiment)
    with Store(folder) as store:
        assert store.schema_version == SCHEMA_VERSION
    assert len(again) == 2 and set(again["batch"]) == {1}
    np.testing.assert_array_equal(again["estimate"], first["estimate"])
