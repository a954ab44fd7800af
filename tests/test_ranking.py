"""The ranking's ties: their error rate and power checked by simulation on paired synthetic records."""

import numpy as np
import pandas as pd
import pytest
from synthetic import record

from mibench.ranking import paired_difference_test, rank_estimators
from mibench.stats import summarize


def synthetic(rng, scales: dict[str, float], scenarios: int = 8, reps: int = 10) -> pd.DataFrame:
    """Paired records: every estimator sees the same samples (a shared error part), plus noise of its own."""
    rows = []
    for s in range(scenarios):
        shared = rng.normal(0, 0.05 * (s + 1), reps)
        for name, scale in scales.items():
            errors = scale * (shared + rng.normal(0, 0.05 * (s + 1), reps))
            rows += [record(name, f"s{s}", rep, error, n=1000, seed=1000 * s + rep) for rep, error in enumerate(errors)]
    return pd.DataFrame(rows)


@pytest.mark.slow
def test_identical_estimators_are_split_at_most_about_five_percent_of_the_time():
    rng = np.random.default_rng(17)
    splits = 0
    simulations = 300
    for _ in range(simulations):
        records = synthetic(rng, {"a": 1.0, "b": 1.0})
        splits += paired_difference_test(records, "a", "b", summarize(records)) < 0.05
    assert splits / simulations <= 0.08, f"{splits} of {simulations} identical pairs split"  # 5 % ± 2.5 SE


@pytest.mark.slow
def test_a_clearly_better_estimator_is_ranked_apart():
    rng = np.random.default_rng(18)
    separated = 0
    for _ in range(50):
        records = synthetic(rng, {"good": 0.6, "poor": 1.0})
        table = rank_estimators(summarize(records), records=records)
        separated += table.set_index("label").loc["poor", "rank"] == 2
    assert separated >= 45, f"separated in only {separated} of 50"


def test_ties_share_the_rank_of_the_first_and_say_so():
    rng = np.random.default_rng(19)
    records = synthetic(rng, {"a": 1.0, "b": 1.0001, "c": 3.0})
    table = rank_estimators(summarize(records), records=records).set_index("label")
    assert table.loc["a", "rank"] == table.loc["b", "rank"] == 1
    assert sorted(table.loc[["a", "b"], "tied_with"]) == ["", "a"] or sorted(table.loc[["a", "b"], "tied_with"]) == [
        "",
        "b",
    ]
    assert table.loc["c", "rank"] == 3 and table.loc["c", "tied_with"] == ""
    without_records = rank_estimators(summarize(records)).set_index("label")
    assert without_records["rank"].tolist() == [1, 2, 3]
