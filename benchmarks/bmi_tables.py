"""Tables of a Beyond-Normal run: mean absolute error over tasks per estimator and n, and per task.

    python benchmarks/bmi_tables.py runs/bmi_v1 --out results/bmi_v1

Writes ``mae_by_estimator.csv`` (per estimator and n: the mean over tasks of each cell's mean
absolute error, the number of tasks it ran on, and its failures) and ``mae_by_task.csv`` (per task,
estimator and n: the cell's mean absolute error), and prints the first as Markdown. Only tasks an
estimator completed count, so compare estimators over the same number of tasks.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

import mibench
from mibench.labels import short_labels
from mibench.tables import render_table


def tables(records: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    summary = mibench.summarize(records)
    summary["task"] = summary["scenario"].str.extract(r"task='([^']+)'", expand=False)
    labels = short_labels(summary["estimator"].unique())
    summary["estimator"] = summary["estimator"].map(labels)
    by_task = summary[["task", "estimator", "n", "true_mi", "mae", "bias", "reps", "failures"]]
    complete = summary[summary["failures"] == 0]
    by_estimator = (
        complete.groupby(["estimator", "n"])
        .agg(tasks=("task", "nunique"), mean_abs_error=("mae", "mean"))
        .reset_index()
        .merge(summary.groupby(["estimator", "n"])["failures"].sum().reset_index(), on=["estimator", "n"])
        .sort_values(["n", "mean_abs_error"])
    )
    return by_estimator, by_task.sort_values(["task", "n", "estimator"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run")
    parser.add_argument("--out", type=Path)
    arguments = parser.parse_args()
    by_estimator, by_task = tables(mibench.load_records(arguments.run))
    if arguments.out is not None:
        arguments.out.mkdir(parents=True, exist_ok=True)
        by_estimator.to_csv(arguments.out / "mae_by_estimator.csv", index=False)
        by_task.to_csv(arguments.out / "mae_by_task.csv", index=False)
    print(render_table(by_estimator, "markdown", digits=3))


if __name__ == "__main__":
    main()
