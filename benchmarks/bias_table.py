"""One run's bias per scenario and estimator at one n, as a Markdown table (the CMI and TE results).

    python benchmarks/bias_table.py runs/cmi --n 5000

Each cell is the mean error over the repetitions with its 95 % interval (``mibench summarize``),
in nats; a blank cell is a pair the estimator does not accept. The first column is the truth.
"""

from __future__ import annotations

import argparse

import pandas as pd

import mibench
from mibench.labels import short_labels
from mibench.tables import render_table


def bias_table(records: pd.DataFrame, n: int) -> pd.DataFrame:
    summary = mibench.summarize(records)
    summary = summary[summary["n"] == n]
    scenarios = short_labels(summary["scenario"].unique())
    estimators = short_labels(summary["estimator"].unique())
    summary = summary.assign(
        scenario=summary["scenario"].map(scenarios),
        estimator=summary["estimator"].map(estimators),
        cell=[
            f"{bias:+.3f} [{low:+.3f}, {high:+.3f}]"
            for bias, low, high in zip(summary["bias"], summary["bias_low"], summary["bias_high"], strict=True)
        ],
    )
    table = summary.pivot(index="scenario", columns="estimator", values="cell").fillna("")
    truth = summary.groupby("scenario")["true_mi"].first().round(4)
    return table.reindex(columns=sorted(table.columns)).assign(truth=truth)[["truth", *sorted(table.columns)]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run")
    parser.add_argument("--n", type=int, required=True)
    arguments = parser.parse_args()
    table = bias_table(mibench.load_records(arguments.run), arguments.n)
    print(render_table(table.reset_index(), "markdown"))


if __name__ == "__main__":
    main()
