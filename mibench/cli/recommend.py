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
    parser.add_argument("--z-type", choices=TYPES, help="rank for conditional MI I(x; y | z) with a z of this type")
    parser.add_argument("--dim-z", type=int, default=1)
    parser.add_argument(
        "--te",
        action="store_true",
        help="rank for transfer entropy x → y: x the source's past, y the target, z (--dim-z) the target's past",
    )
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--run", help="rank on this run instead of the shipped reference results")
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--format", choices=["table", "csv", "json", "markdown"], default="table")


def describe_basis(table, x_type: str, y_type: str, dim_x: int, dim_y: int, n: int, z_type: str | None = None) -> str:  # noqa: ANN001
    """What a recommendation rests on, in words, with a plain warning when that is not close to the request."""
    attrs = table.attrs
    dims = attrs["dims"]
    given = f" given {z_type} z ({dims[2]}-D)" if z_type else ""
    lines = [
        f"ranking rests on {attrs['scenarios']} scenario(s) with {x_type} x ({dims[0]}-D) and {y_type} y "
        f"({dims[1]}-D){given} at n = {attrs['n']:,}, from the {attrs['source']}: {', '.join(attrs['scenario_labels'])}",
        f"expected_bias and expected_rmse: medians over those scenarios at n = {attrs['n'] if attrs['extrapolated'] else n:,} "
        "(95 % intervals in _low/_high)",
    ]
    if not attrs["close"]:
        lines.append(
            f"warning: the {attrs['source']} hold nothing close to {dim_x}-D x and {dim_y}-D y; the nearest are "
            f"{dims[0]}-D and {dims[1]}-D, so this ranking may not carry over to your data"
        )
    if attrs["extrapolated"]:
        lines.append(
            f"warning: n = {n:,} is outside the measured sample sizes; the expected values are those at the nearest, "
            f"n = {attrs['n']:,}"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from ..recommend import recommend
    from ..store import load_records

    records = load_records(args.run) if args.run else None
    table = recommend(
        args.x_type,
        args.y_type,
        args.dim_x,
        args.dim_y,
        args.n,
        z_type=args.z_type,
        dim_z=args.dim_z,
        transfer_entropy=args.te,
        records=records,
    )
    z_type = (args.z_type or args.y_type) if args.te else args.z_type
    basis = describe_basis(table, args.x_type, args.y_type, args.dim_x, args.dim_y, args.n, z_type)
    print(basis, file=sys.stderr)
    print_table(table.drop(columns="estimator").head(args.top), args.format)
    return 0
