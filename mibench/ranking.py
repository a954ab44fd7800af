"""The one ranking of estimators, used by the report, ``recommend`` and the README's table.

Within each group of summary rows (a scenario family, a pairing of variable types, or the
scenarios that match a user's data), estimators are ranked by their median RMSE across the
group's scenarios at each scenario's largest n, among the estimators that have results on all
of them. The worst case stands beside the median: the largest relative error (absolute error
where the truth is 0) and the failures.

Given the records, ranks carry their uncertainty: walking down the order, an estimator whose
difference from the first of the current rank is not significant (paired sign-flip permutation
test at 5 %, below) shares that rank. Every estimator in a cell saw the same samples, so the
test pairs their squared errors rep by rep: d = e_B² − e_A², each scenario's differences divided
by that scenario's mean squared error of the two, the statistic the mean over scenarios of
their mean d. Under the null that the two estimators' errors are exchangeable on each sample,
flipping the sign of each d is as likely as not.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .labels import short_labels
from .seeding import stable_seed

__all__ = ["rank_estimators", "at_largest_n", "paired_difference_test"]

#: Level of each test of a tie, and permutations per test.
TIE_LEVEL = 0.05
PERMUTATIONS = 2000


def at_largest_n(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary rows at each scenario's largest n."""
    return summary[summary["n"] == summary.groupby("scenario")["n"].transform("max")]


def paired_difference_test(records: pd.DataFrame, better: str, worse: str, cells: pd.DataFrame) -> float:
    """Two-sided p-value of the paired sign-flip test that ``better`` and ``worse`` are equally accurate
    on the scenario × n cells of ``cells`` (see the module's docstring); 1.0 with no paired estimates."""
    keys = ["scenario", "n", "rep"]
    wanted = cells[["scenario", "n"]].drop_duplicates()
    ok = records[(records["status"] == "ok") & records["estimator"].isin([better, worse])].merge(wanted)
    pairs = ok[ok["estimator"] == better][[*keys, "seed", "error"]].merge(
        ok[ok["estimator"] == worse][[*keys, "seed", "error"]], on=[*keys, "seed"], suffixes=("_a", "_b")
    )
    if pairs.empty:
        return 1.0
    squared_a, squared_b = pairs["error_a"] ** 2, pairs["error_b"] ** 2
    scale = (squared_a + squared_b).groupby([pairs["scenario"], pairs["n"]]).transform("mean") / 2
    difference = ((squared_b - squared_a) / scale.where(scale > 0)).fillna(0.0).to_numpy()
    cell = pairs.groupby(["scenario", "n"]).ngroup().to_numpy()
    weights = 1.0 / (np.bincount(cell)[cell] * (cell.max() + 1))  # the mean over cells of each cell's mean
    observed = float(np.sum(weights * difference))
    if np.all(difference == 0):
        return 1.0
    rng = np.random.default_rng(stable_seed("tie", better, worse, *sorted(wanted["scenario"])))
    signs = rng.choice([-1.0, 1.0], size=(PERMUTATIONS, difference.size))
    flipped = np.abs(signs @ (weights * difference))
    return float((1 + np.sum(flipped >= abs(observed) - 1e-12)) / (1 + PERMUTATIONS))


def rank_estimators(cells: pd.DataFrame, by: Sequence[str] = (), records: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rank estimators within each group of ``cells`` (summary rows, one n per scenario).

    Columns: the group keys, ``rank``, ``estimator`` (canonical spec), ``label``, ``median_rmse``,
    ``median_abs_bias``, ``worst_error`` (largest RMSE / |truth|, or RMSE where the truth is 0),
    ``worst_scenario``, ``failures``, ``median_seconds`` and ``scenarios``. With ``records``, ranks
    share ties (not significantly different, paired) and ``tied_with`` names the rank's first estimator.
    """
    by = list(by)
    cells = cells.assign(
        abs_bias=cells["bias"].abs(),
        worst=np.where(cells["true_mi"] != 0, cells["rmse"] / cells["true_mi"].abs(), cells["rmse"]),
    )
    group_keys = by or (lambda _: 0)
    scenarios_in_group = cells.groupby(group_keys)["scenario"].transform("nunique")
    complete = cells.groupby([*by, "estimator"])["scenario"].transform("nunique") == scenarios_in_group
    cells = cells[complete & cells["rmse"].notna()]
    worst_index = cells.groupby([*by, "estimator"])["worst"].idxmax()
    table = cells.groupby([*by, "estimator"], as_index=False).agg(
        median_rmse=("rmse", "median"),
        median_abs_bias=("abs_bias", "median"),
        worst_error=("worst", "max"),
        failures=("failures", "sum"),
        median_seconds=("median_seconds", "median"),
        scenarios=("scenario", "nunique"),
    )
    table["worst_scenario"] = cells.loc[worst_index.to_numpy(), "scenario"].to_numpy()
    labels = short_labels(table["estimator"])
    table.insert(len(by) + 1, "label", [labels[spec] for spec in table["estimator"]])
    table = table.sort_values([*by, "median_rmse", "median_seconds"], kind="stable")
    ranks = table.groupby(by).cumcount() + 1 if by else pd.Series(np.arange(1, len(table) + 1), index=table.index)
    table.insert(len(by), "rank", ranks)
    table["tied_with"] = ""
    if records is not None:
        groups = table.groupby(by) if by else [((), table)]
        for key, group in groups:
            group_cells = cells if not by else cells[(cells[by] == pd.Series(key, index=by)).all(axis=1)]
            head = None
            for index, row in group.iterrows():
                if (
                    head is not None
                    and paired_difference_test(records, head[1], row["estimator"], group_cells) >= TIE_LEVEL
                ):
                    table.loc[index, ["rank", "tied_with"]] = [head[0], labels[head[1]]]
                else:
                    head = (table.loc[index, "rank"], row["estimator"])
    scenario_labels = short_labels(cells["scenario"])
    table["worst_scenario"] = [scenario_labels[spec] for spec in table["worst_scenario"]]
    return table.reset_index(drop=True)
