"""``mibench recommend``: estimators ranked for data of given types, dimensions and sample size."""

from __future__ import annotations

import argparse
import sys

from ._common import print_table

NAME = "recommend"
HELP = "Rank estimators for data of given types, dimensions and sample size."

TYPES = ["continuous", "discrete", "mixed"]


def setup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--x-type", required=True, choices=TYPES)
    parser.add_argument("--y-type", required=True, choices=TYPES)
    parser.add_argument("--dim-x", type=int, default=1)
    parser.add_argument("--dim-y", type=int, default=1)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--run", help="rank on this run instead of the shipped reference results")
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--format", choices=["table", "csv", "json", "markdown"], default="table")


def run(args: argparse.Namespace) -> int:
    from ..recommend import recommend
    from ..store import load_records

    records = load_records(args.run) if args.run else None
    table = recommend(args.x_type, args.y_type, args.dim_x, args.dim_y, args.n, records=records)
    dims = table.attrs["dims"]
    print(
        f"ranking rests on {table.attrs['scenarios']} scenario(s) with {args.x_type} x ({dims[0]}-D) and "
        f"{args.y_type} y ({dims[1]}-D) at n = {table.attrs['n']:,}, from the {table.attrs['source']}",
        file=sys.stderr,
    )
    print_table(table.drop(columns="estimator").head(args.top), args.format)
    return 0
