import numpy as np
import pandas as pd
import pytest
from synthetic import record

import mibench
from mibench.cli import main
from mibench.compare import Tolerance, compare, has_regressions

SHIFT = {"value": 0.0}


def probe(x, y):
    """Gaussian MI plus a shift that the test changes between runs, as a code change would."""
    r = np.corrcoef(x[:, 0], y[:, 0])[0, 1]
    return float(-0.5 * np.log1p(-r * r)) + SHIFT["value"]


if "test_probe" not in mibench.list_estimators():
    mibench.register_estimator("test_probe", multivariate=False)(probe)

EXPERIMENT = {
    "estimators": ["test_probe", "ksg"],
    "scenarios": ["gaussian(rho=0.5)", "gaussian(rho=0.8)"],
    "sample_sizes": [300, 1000],
    "reps": 10,
}


def run(seed=0, shift=0.0):
    SHIFT["value"] = shift
    try:
        return mibench.run(seed=seed, **EXPERIMENT)
    finally:
        SHIFT["value"] = 0.0


def test_a_shift_of_five_hundredths_of_a_nat_is_caught():
    result = compare(run(), run(shift=0.05))
    flagged = result[result["flags"].str.contains("regression")]
    assert set(flagged["estimator"]) == {"test_probe"} and len(flagged) == 4
    assert flagged["paired"].all()
    assert np.allclose(flagged["delta_bias"], 0.05)
    assert has_regressions(result)


def test_a_rerun_with_another_seed_is_not_flagged():
    result = compare(run(seed=0), run(seed=1))
    assert not result["paired"].any()
    assert not has_regressions(result), result[["estimator", "scenario", "n", "delta_rmse", "flags"]]


def test_identical_runs_have_zero_change():
    result = compare(run(), run())
    assert (result["delta_rmse"] == 0).all() and (result["delta_bias"] == 0).all() and result["paired"].all()
    assert not result["flags"].str.contains("regression").any()


def test_missing_cells_new_failures_and_runtime():
    baseline = run()
    is_ksg = baseline["estimator"].str.startswith("ksg")
    candidate = baseline[~(is_ksg & (baseline["n"] == 1000))].copy()
    broken = candidate["estimator"] == "test_probe"
    candidate.loc[broken & (candidate["rep"] == 0), ["status", "estimate", "error"]] = ["error", np.nan, np.nan]
    candidate.loc[candidate["estimator"].str.startswith("ksg"), "seconds"] += 1.0
    result = compare(baseline, candidate)
    assert (result[(result["estimator"].str.startswith("ksg")) & (result["n"] == 1000)]["flags"] == "missing").all()
    assert result["flags"].str.contains("new failures").sum() == 4
    assert result["flags"].str.contains("slower").sum() == 2
    assert has_regressions(result)
    only_slow = compare(baseline, baseline.assign(seconds=baseline["seconds"] * 3 + 0.01))
    assert not has_regressions(only_slow) and has_regressions(only_slow, runtime=True)


def test_tolerance_is_configurable():
    result = compare(run(), run(shift=0.05), Tolerance(absolute=0.2))
    assert not has_regressions(result)


def test_cli_exit_codes_and_formats(tmp_path, capsys):
    base, cand = tmp_path / "base.csv", tmp_path / "cand.csv"
    run().to_csv(base, index=False)
    run(shift=0.05).to_csv(cand, index=False)
    assert main(["compare", str(base), str(base)]) == 0
    capsys.readouterr()
    assert main(["compare", str(base), str(cand), "--format", "markdown"]) == 1
    out = capsys.readouterr()
    assert out.out.startswith("| estimator |") and "regression" in out.out and "FAIL" in out.err
    assert main(["compare", str(base), str(cand), "--format", "json", "--abs-tol", "0.2"]) == 0


def test_cells_where_every_estimate_failed_are_compared_without_noise():
    import warnings

    baseline = run()
    failed = baseline.copy()
    failed.loc[failed["estimator"] == "test_probe", ["status", "estimate", "error"]] = ["error", np.nan, np.nan]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        both_failed = compare(failed, failed)
        newly_failed = compare(baseline, failed)
    assert not has_regressions(both_failed)
    probe = newly_failed[newly_failed["estimator"] == "test_probe"]
    assert (probe["flags"] == "new failures").all() and (probe["new_failures"] == 10).all()


def _synthetic_records(rng, cells, reps, seed_offset, shift=0.0):
    """Records of one estimator on ``cells`` scenarios with skewed (gamma) errors; ``shift`` moves cell 0."""
    return pd.DataFrame(
        [
            record("e", f"s{cell}", rep, error, seed=seed_offset + rep)
            for cell in range(cells)
            for rep, error in enumerate(rng.gamma(2.0, 0.05, reps) - 0.1 + (shift if cell == 0 else 0.0))
        ]
    )


@pytest.mark.slow
def test_the_family_wise_false_alarm_rate_is_held_by_simulation():
    """Null pairs (same code, other seeds) over 20 cells at 5 reps, with no practical margin so only the
    statistics decide: Holm keeps alarms at or under 5 % of comparisons, where testing each of the 40
    hypotheses at 5 % would alarm on most of them (measured at 30 cells: 4/200 at 5 reps, 0/200 at 10)."""
    rng = np.random.default_rng(7)
    strict = Tolerance(absolute=0.0, relative=0.0)
    pairs = 100
    alarms = sum(
        has_regressions(compare(_synthetic_records(rng, 20, 5, 0), _synthetic_records(rng, 20, 5, 1000), strict))
        for _ in range(pairs)
    )
    assert alarms <= 12, f"{alarms} false alarms in {pairs} null comparisons"  # P(X > 12 | 5 %) < 0.5 %
    caught = sum(
        has_regressions(
            compare(_synthetic_records(rng, 20, 10, 0), _synthetic_records(rng, 20, 10, 1000, shift=0.3), strict)
        )
        for _ in range(20)
    )
    assert caught >= 16, f"a +0.3 nat shift in one cell was caught in only {caught} of 20 comparisons"


def test_cells_with_no_ok_estimate_on_one_side_flag_failures_without_crashing():
    baseline = run()
    failed = baseline.assign(status="error", estimate=np.nan, error=np.nan)
    result = compare(baseline, failed)
    assert (result["flags"] == "new failures").all() and has_regressions(result)
    assert (compare(baseline, baseline.iloc[:0])["flags"] == "missing").all()


def test_a_comparison_of_single_repetitions_says_it_tested_nothing(tmp_path, capsys):
    # With one repetition no test can find a change, and the verdict read "nothing flagged; OK" alone.
    experiment = {**EXPERIMENT, "reps": 1}
    base, cand = tmp_path / "base.csv", tmp_path / "cand.csv"
    mibench.run(seed=0, **experiment).to_csv(base, index=False)
    SHIFT["value"] = 1.0  # a whole nat: it would be flagged with repetitions
    try:
        mibench.run(seed=0, **experiment).to_csv(cand, index=False)
    finally:
        SHIFT["value"] = 0.0
    result = compare(pd.read_csv(base), pd.read_csv(cand))
    assert (result["notes"] == "accuracy not tested: 1 repetition (2 or more needed)").all()
    assert main(["compare", str(base), str(cand)]) == 0
    assert "8 cells compared: nothing flagged; 8 not tested for accuracy (see their notes);" in capsys.readouterr().err


def test_a_comparison_of_cells_that_failed_on_both_sides_says_it_tested_nothing(tmp_path, capsys):
    # Every estimate failed in both runs, and the verdict read "nothing flagged; OK" alone.
    baseline = run()
    failed = baseline.assign(status="error", estimate=np.nan, error=np.nan)
    result = compare(failed, failed)
    assert (result["notes"] == "accuracy not tested: no successful estimate in the baseline or the candidate").all()
    assert not has_regressions(result)
    only_candidate = compare(baseline, failed)["notes"]
    assert (only_candidate == "accuracy not tested: no successful estimate in the candidate").all()
    failed.to_csv(tmp_path / "failed.csv", index=False)
    assert main(["compare", str(tmp_path / "failed.csv"), str(tmp_path / "failed.csv")]) == 0
    assert f"{len(result)} cells compared: nothing flagged; {len(result)} not tested" in capsys.readouterr().err


@pytest.mark.parametrize("option", [["--abs-tol", "-1"], ["--level", "0"], ["--level", "1.5"], ["--abs-tol", "nan"]])
def test_tolerances_that_cannot_work_are_refused(tmp_path, capsys, option):
    # They were taken as given: a negative tolerance flags noise, a level of 0 or 1.5 tests nothing.
    path = tmp_path / "run.csv"
    run().to_csv(path, index=False)
    assert main(["compare", str(path), str(path), *option]) == 1
    assert "must be a number in" in capsys.readouterr().err


def test_a_comparison_of_runs_on_differently_scaled_samples_says_so():
    as_drawn = mibench.run(["ksg"], ["var1_te(a=0.95, b=0.95, c=0.2)"], [200], reps=3, seed=0)
    rescaled = mibench.run(["ksg"], ["var1_te(a=0.95, b=0.95, c=0.2)"], [200], reps=3, seed=0, standardize=True)
    notes = compare(as_drawn, rescaled)["notes"]
    assert notes.str.contains("the baseline's samples were as drawn, the candidate's rescaled").all()
    assert not compare(rescaled, rescaled)["notes"].str.contains("rescaled").any()
