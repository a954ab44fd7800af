"""``mibench summarize``: bias, std, RMSE with intervals and runtime per cell, or trends across n."""

from __future__ import annotations

import argparse

from ._common import print_table, records_to_analyse

NAME = "summarize"
HELP = "Summary statistics of a run: per cell, or trends across n."


def setup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run", help="a run folder or records file (CSV/Parquet)")
    parser.add_argument("--format", choices=["csv", "json", "markdown", "table"], default="csv")
    parser.add_argument("--units", choices=["nats", "bits"], default="nats")
    parser.add_argument("--trends", action="store_true", help="exponents across n and the reliable n instead")
    parser.add_argument("--threshold", type=float, default=0.1, help="relative error for --trends")


def run(args: argparse.Namespace) -> int:
    from ..stats import summarize, trends

    table = summarize(records_to_analyse(args.run), units=args.units)
    if args.trends:
        table = trends(table, threshold=args.threshold)
    print_table(table, args.format)
    return 0
