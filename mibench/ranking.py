"""The one ranking of estimators, used by the report, ``recommend`` and the README's table.

Within each group of summary rows (a scenario family, a pairing of variable types, or the
scenarios that match a user's data), estimators are ranked by their median RMSE across the
group's scenarios at each scenario's largest n, among the estimators that have results on all
of them. The worst case stands beside the median: the largest relative error (absolute error
where the truth is 0) and the failures.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .labels import short_labels

__all__ = ["rank_estimators", "at_largest_n"]


def at_largest_n(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary rows at each scenario's largest n."""
    return summary[summary["n"] == summary.groupby("scenario")["n"].transform("max")]


def rank_estimators(cells: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Rank estimators within each group of ``cells`` (summary rows, one n per scenario).

    Columns: the group keys, ``rank``, ``estimator`` (canonical spec), ``label``, ``median_rmse``,
    ``median_abs_bias``, ``worst_error`` (largest RMSE / |truth|, or RMSE where the truth is 0),
    ``worst_scenario``, ``failures``, ``median_seconds`` and ``scenarios``.
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
    ranks = table.groupby(by).cumcount() + 1 if by else np.arange(1, len(table) + 1)
    table.insert(len(by), "rank", ranks)
    scenario_labels = short_labels(cells["scenario"])
    table["worst_scenario"] = [scenario_labels[spec] for spec in table["worst_scenario"]]
    return table.reset_index(drop=True)
