import numpy as np
import pandas as pd
import pytest

import mibench
from mibench.harness import Experiment, plan
from mibench.records import RECORD_COLUMNS, VOLATILE_COLUMNS
from mibench.seeding import task_seed
from mibench.store import StoreError

ESTIMATORS = ["ksg", "gaussian", "plugin"]
SCENARIOS = ["gaussian(rho=0.8)", "symmetric_channel", "uniform_shift"]


def stable(records: pd.DataFrame) -> pd.DataFrame:
    return records.drop(columns=list(VOLATILE_COLUMNS))


def test_records_schema_pairing_and_skips():
    records = mibench.run(ESTIMATORS, SCENARIOS, [50, 200], reps=3, seed=1)
    assert list(records.columns) == list(RECORD_COLUMNS)
    assert (records["status"] == "ok").all()
    # ksg and gaussian on the gaussian scenario; plugin on the channel; nothing accepts uniform_shift yet
    assert len(records) == (2 + 1) * 2 * 3
    assert any("uniform_shift" in line for line in records.skipped)
    np.testing.assert_allclose(records["error"], records["estimate"] - records["true_mi"])
    # paired: every estimator in a cell saw the same seed, which comes from (seed, scenario, n, rep)
    cells = records.groupby(["scenario", "n", "rep"])["seed"].nunique()
    assert (cells == 1).all()
    row = records.iloc[0]
    assert row["seed"] == task_seed(1, row["scenario"], int(row["n"]), int(row["rep"]))


def test_seed_rule_is_stable_and_distinct():
    # the same inputs give the same seed in any process (no salted hash); a change to any input changes it
    assert task_seed(0, "gaussian-v1(dim=1, rho=0.8)", 100, 0) == task_seed(0, "gaussian-v1(dim=1, rho=0.8)", 100, 0)
    seeds = {task_seed(s, sc, n, r) for s in (0, 1) for sc in ("a", "b") for n in (10, 20) for r in (0, 1)}
    assert len(seeds) == 16


@pytest.mark.parametrize(
    "rng, error, message",
    [(-5, ValueError, "non-negative int seed, got -5"), ("a", TypeError, "got str"), (True, TypeError, "got bool")],
)
def test_a_seed_that_cannot_seed_is_named(rng, error, message):
    scenario = mibench.get_scenario("gaussian")
    with pytest.raises(error, match=f"rng must be a numpy Generator or .*{message}"):
        scenario.sample(10, rng=rng)
    with pytest.raises(error, match=f"rng must be a numpy Generator or .*{message}"):
        mibench.estimate(*scenario.sample(10, rng=0), "ksg", rng=rng)


def test_run_is_reproducible_and_estimate_matches_direct_call():
    first = mibench.run(["ksg", "gaussian"], ["gaussian(rho=0.5)"], [100], reps=2, seed=3)
    second = mibench.run(["gaussian", "ksg"], ["gaussian(rho=0.5)"], [100], reps=2, seed=3)
    pd.testing.assert_frame_equal(stable(first), stable(second))
    row = first[first["estimator"] == "gaussian"].iloc[0]
    x, y = mibench.get_scenario(row["scenario"]).sample(int(row["n"]), int(row["seed"]))
    assert row["estimate"] == mibench.estimate(x, y, "gaussian", standardize=False)  # runs take samples as drawn


def test_serial_and_processes_give_identical_records(tmp_path):
    serial = mibench.run(ESTIMATORS, SCENARIOS, [60], reps=3, seed=2, executor="serial")
    parallel = mibench.run(ESTIMATORS, SCENARIOS, [60], reps=3, seed=2, jobs=2, executor="processes")
    pd.testing.assert_frame_equal(stable(serial), stable(parallel))


def test_summary_against_hand_computed_values():
    records = mibench.run(["gaussian"], ["gaussian(rho=0.6)"], [30], reps=4, seed=0)
    summary = mibench.summarize(records)
    assert len(summary) == 1
    estimates = records["estimate"].to_numpy()
    truth = -0.5 * np.log(1 - 0.36)
    row = summary.iloc[0]
    assert row["mean_estimate"] == pytest.approx(estimates.mean())
    assert row["bias"] == pytest.approx(estimates.mean() - truth)
    assert row["std"] == pytest.approx(np.std(estimates, ddof=1))
    assert row["rmse"] == pytest.approx(np.sqrt(np.mean((estimates - truth) ** 2)))
    assert row["failures"] == 0 and row["reps"] == 4


def test_numpy_integers_name_sample_sizes_reps_and_seed_as_python_ints_do():
    """Sizes from np.arange or np.logspace(...).astype(int) are numpy integers: the same experiment."""
    plain = Experiment.resolve(["ksg"], ["gaussian"], [100, 300], reps=3, seed=7)
    numpy = Experiment.resolve(["ksg"], ["gaussian"], np.array([100, 300]), reps=np.int64(3), seed=np.int64(7))
    assert numpy.fingerprint == plain.fingerprint and numpy.sample_sizes == (100, 300)
    assert Experiment.resolve(["ksg"], ["gaussian"], np.int64(100)).sample_sizes == (100,)
    with pytest.raises(ValueError, match="sample sizes must be positive integers"):
        Experiment.resolve(["ksg"], ["gaussian"], np.array([100.0]))


def test_experiment_validation_messages():
    with pytest.raises(ValueError, match="sample sizes must be positive integers"):
        Experiment.resolve(["ksg"], ["gaussian"], [0])
    with pytest.raises(ValueError, match="reps must be a positive integer"):
        Experiment.resolve(["ksg"], ["gaussian"], [10], reps=0)
    with pytest.raises(ValueError, match="estimators is empty"):
        Experiment.resolve([], ["gaussian"], [10])
    tasks, skipped = plan(Experiment.resolve(["plugin"], ["gaussian"], [10], reps=1))
    assert tasks == [] and len(skipped) == 1


def test_out_folder_has_records_summary_and_store(tmp_path):
    out = tmp_path / "run"
    records = mibench.run(["ksg"], ["gaussian"], [50], reps=2, out=out)
    assert {"records.csv", "summary.csv", "mibench.sqlite"} <= {p.name for p in out.iterdir()}
    pd.testing.assert_frame_equal(stable(mibench.load_records(out)), stable(records))
    pd.testing.assert_frame_equal(stable(mibench.load_records(out / "records.csv")), stable(records))


CALLS: list[tuple[int, int]] = []


def counted(x, y):
    """Gaussian MI of the first columns; records the dimensions it was called with."""
    CALLS.append((x.shape[1], y.shape[1]))
    r = np.corrcoef(x[:, 0], y[:, 0])[0, 1]
    return float(-0.5 * np.log1p(-r * r))


def test_warmup_calls_once_per_estimator_and_shape_of_data():
    # Compiled kernels differ between 1-D and multi-D data: one warm-up per estimator missed the second.
    if "test_counted" not in mibench.list_estimators():
        mibench.register_estimator("test_counted")(counted)
    CALLS.clear()
    scenarios = ["gaussian(rho=0.5)", "gaussian(rho=0.5, dim=2)"]
    records = mibench.run(["test_counted"], scenarios, [50, 80], reps=2, seed=3, warmup=True)
    assert (records["status"] == "ok").all() and len(records) == 8
    assert sorted(CALLS) == [(1, 1)] * 5 + [(2, 2)] * 5  # 4 timed calls and 1 warm-up per shape
    CALLS.clear()
    mibench.run(["test_counted"], scenarios, [50], reps=2, seed=4, warmup=True)
    assert len(CALLS) == 4  # warm already: this process ran them


def test_a_standardized_run_measures_what_mibench_estimate_gives(tmp_path):
    """``standardize`` gives each estimator the sample as ``mibench.estimate`` rescales it: the same
    value to the last bit, continuous columns divided by their spread and discrete codes as drawn."""
    scenarios = ["var1_te(a=0.95, b=0.95, c=0.2)", "uniform_shift(m=4)"]
    raw = mibench.run(["ksg", "mesner_shalizi"], scenarios, [300], reps=2, seed=4)
    scaled = mibench.run(["ksg", "mesner_shalizi"], scenarios, [300], reps=2, seed=4, standardize=True)
    assert (raw["standardized"] == 0).all() and (scaled["standardized"] == 1).all() and len(scaled) == 6
    for row in scaled.itertuples():
        scenario = mibench.get_scenario(row.scenario)
        x, y, *z = scenario.sample(row.n, row.seed)
        types = {"x_type": row.x_type, "y_type": row.y_type, "z": z[0] if z else None, "z_type": row.z_type or None}
        assert row.estimate == mibench.estimate(x, y, row.estimator, **types)
    te = scaled["scenario"].str.startswith("var1_te") & scaled["estimator"].str.startswith("ksg")
    assert not np.allclose(scaled.loc[te, "estimate"], raw.loc[te, "estimate"])  # the source's spread: 1/3 the target's
    # a run folder of samples as drawn is another experiment: it is not resumed as a rescaled one
    mibench.run(["gaussian"], ["gaussian"], [50], reps=1, out=tmp_path / "run")
    with pytest.raises(StoreError, match="holds a different experiment"):
        mibench.run(["gaussian"], ["gaussian"], [50], reps=1, out=tmp_path / "run", standardize=True)
