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


REFERENCE = Path(__file__).resolve().parent.parent / "results" / "reference" / "records.csv.gz"


def test_the_reference_records_are_reproduced_bit_for_bit():
    """A slice of the committed reference run, rerun: the same estimates to the last bit.

    The kNN estimators sum over points in their tree's order, so a change to the tree's shape
    (its leaf size, say) moves their values in the 15th digit; only a change made on purpose,
    with the reference re-derived and the change named, may do that. The slice holds the kNN
    estimators whose arithmetic does not depend on the CPU's vector instructions (their logarithms
    come from the C library, not numpy's vectorized log, which rounds differently with AVX-512);
    ``lnc`` is left out: its principal axes come from LAPACK, whose kernels depend on the CPU.
    ``kl`` is held to 1e-12 nats instead: the multivariate Gaussian samples come from a BLAS matrix
    product whose last bits depend on the CPU too (AVX-512 or not), and where the neighbour counts
    of the others do not move with those bits, kl's logarithms of distances do (by 4e-15 on an Intel
    Xeon with AVX-512 against the AMD EPYC that made the reference).
    """
    import numpy as np
    import pandas as pd

    reference = mibench.load_records(REFERENCE)
    knn = reference["estimator"].str.match(r"(ksg|ksg2|kl|mixed_ksg|mesner_shalizi|ross)\(")
    scenarios = [
        "gaussian-v1(dim=5, mi=None, rho=0.5)",  # a 10-D joint space
        "gaussian_dense-v1(dim_x=10, dim_y=10, mi=1.0, rho=None)",  # 20-D
    ]
    chosen = reference[knn & reference["scenario"].isin(scenarios) & reference["n"].isin([100, 300])]
    one_d = reference[knn & (reference["dim_x"] == 1) & (reference["n"] == 300)]
    chosen = pd.concat([chosen, one_d[one_d["scenario"] == one_d["scenario"].iloc[0]]])
    assert chosen["estimator"].nunique() >= 5 and chosen["scenario"].nunique() == 3
    rerun = mibench.run(
        sorted(chosen["estimator"].unique()),
        sorted(chosen["scenario"].unique()),
        [100, 300],
        reps=int(reference["rep"].max()) + 1,
        seed=0,
        standardize=bool(reference["standardized"].iloc[0]),
    )
    key = ["estimator", "scenario", "n", "rep"]
    both = chosen.merge(rerun[[*key, "estimate"]], on=key, suffixes=("_reference", "_now"))
    assert len(both) == len(chosen)
    tolerance = np.where(both["estimator"].str.startswith("kl("), 1e-12, 0.0)
    same = (abs(both["estimate_reference"] - both["estimate_now"]) <= tolerance) | (
        both["estimate_reference"].isna() & both["estimate_now"].isna()
    )
    assert same.all(), both.loc[~same, [*key, "estimate_reference", "estimate_now"]].head(10).to_string()
    assert np.isfinite(both["estimate_now"]).mean() > 0.9
