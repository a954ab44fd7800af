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
    parser.add_argument(
        "--samples-per-value",
        type=float,
        help="rows over the distinct values of your discrete variables together, counted in min(n, 20000) random "
        "rows: rank on the scenarios nearest in it",
    )
    parser.add_argument("--run", help="rank on this run instead of the shipped reference results")
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--format", choices=["table", "csv", "json", "markdown"], default="table")


def describe_basis(table, dim_x: int, dim_y: int, n: int) -> str:  # noqa: ANN001
    """What a recommendation rests on, in words, with a plain warning when that is not close to the request."""
    from ..recommend import describe_scenarios
    from ..records import describe_scaling

    attrs = table.attrs
    dims = attrs["dims"]
    lines = [
        f"ranking rests on {describe_scenarios(attrs)} at n = {attrs['n']:,}, from the {attrs['source']}: "
        f"{', '.join(attrs['scenario_labels'])}; {describe_scaling(attrs['standardized'])}",
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
        discrete_samples_per_value=args.samples_per_value,
    )
    basis = describe_basis(table, args.dim_x, args.dim_y, args.n)
    print(basis, file=sys.stderr)
    print_table(table.drop(columns="estimator").head(args.top), args.format)
    return 0
