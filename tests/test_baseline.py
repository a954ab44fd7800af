"""mibench on itself: rerun the quick suite and fail on any accuracy regression against the committed baseline.

When an estimator's behaviour changes on purpose, update the baseline with the command in
results/baseline/README.md and commit it with the change.
"""

from pathlib import Path

import mibench
from mibench.compare import compare, has_regressions
from mibench.estimator import default_estimators
from mibench.experiment_file import load_experiment

BASELINE = Path(__file__).resolve().parent.parent / "results" / "baseline" / "quick"


def test_quick_suite_has_not_regressed():
    baseline = mibench.load_records(BASELINE)
    options = load_experiment("quick")
    candidate = mibench.run(estimators=default_estimators(builtin_only=True), jobs=2, **options)
    result = compare(baseline, candidate)
    flagged = result[result["flags"].str.contains("regression|missing|new failures", regex=True)]
    assert not has_regressions(result), (
        "accuracy regressed against results/baseline/quick:\n"
        + flagged[["estimator", "scenario", "n", "delta_rmse", "delta_bias", "flags"]].to_string(index=False)
        + "\nIf the change is intended, update the baseline: see results/baseline/README.md"
    )
    assert result["paired"].all(), "the baseline and this run should see the same samples"
