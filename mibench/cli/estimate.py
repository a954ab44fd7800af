"""``mibench estimate``: MI (or conditional MI) between columns of a user's own table."""

from __future__ import annotations

import argparse
import json

NAME = "estimate"
HELP = (
    "Estimate MI, conditional MI given --z, or transfer entropy (--te) between columns of your own CSV or "
    "Parquet table."
)

TYPES = ["continuous", "discrete", "mixed"]
LN2 = 0.6931471805599453


def setup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("table", help="a .csv or .parquet file")
    parser.add_argument(
        "--x", required=True, help="column name(s) of x, comma-separated; a name with a comma in it is taken whole"
    )
    parser.add_argument("--y", required=True, help="column name(s) of y, as for --x")
    parser.add_argument("--z", help="column name(s) of z to condition on, as for --x: I(x; y | z)")
    parser.add_argument(
        "--te",
        action="store_true",
        help="transfer entropy x → y (given --z: the conditional transfer entropy): rows are time points in order, x "
        "the source series, y the target",
    )
    parser.add_argument("--history", type=int, help="with --te: k, the target's past values conditioned on (default 1)")
    parser.add_argument("--source-history", type=int, help="with --te: l, the source's past values used (default 1)")
    parser.add_argument("--delay", type=int, help="with --te: u, the lag of the latest source value used (default 1)")
    parser.add_argument("-e", "--estimator", default="auto", help="a spec, or auto (the top recommendation)")
    parser.add_argument("--x-type", choices=TYPES, help="override the inferred type")
    parser.add_argument("--y-type", choices=TYPES, help="override the inferred type")
    parser.add_argument("--z-type", choices=TYPES, help="override the inferred type")
    parser.add_argument("--permutations", type=int, default=100, help="for the p-value")
    parser.add_argument("--subsamples", type=int, default=10, help="half-sample splits for the standard error")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--jitter",
        type=float,
        default=0.0,
        help="seeded noise (× each column's sd) to break ties in continuous columns",
    )
    parser.add_argument(
        "--no-standardize",
        dest="standardize",
        action="store_false",
        help="estimate on the columns as they are (by default each continuous column is divided by its "
        "interquartile range: MI does not change, but kNN neighbourhoods would otherwise follow the widest column)",
    )
    parser.add_argument("--decimal", default=".", help="the decimal mark of a text table's numbers (default .)")
    parser.add_argument("--thousands", help="the thousands separator of a text table's numbers (default none)")
    parser.add_argument("--encoding", default="utf-8", help="a text table's character encoding (default utf-8)")
    parser.add_argument("--units", choices=["nats", "bits"], default="nats")
    parser.add_argument("--format", choices=["text", "json"], default="text")


def _null_for_nan(value: object) -> object:
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, tuple):
        return [_null_for_nan(item) for item in value]
    return value


def run(args: argparse.Namespace) -> int:
    from ..userdata import estimate_table, read_table, split_column_names

    lags = {"history": args.history, "source_history": args.source_history, "delay": args.delay}
    given = [f"--{name.replace('_', '-')}" for name, value in lags.items() if value is not None]
    if given and not args.te:
        raise ValueError(f"{', '.join(given)}: only with --te (a transfer entropy)")
    if args.te:
        lags = {name: 1 if value is None else value for name, value in lags.items()}
    table = read_table(args.table, decimal=args.decimal, thousands=args.thousands, encoding=args.encoding)
    result = estimate_table(
        table,
        split_column_names(args.x, table),
        split_column_names(args.y, table),
        args.estimator,
        z=split_column_names(args.z, table) if args.z else None,
        x_type=args.x_type,
        y_type=args.y_type,
        z_type=args.z_type,
        permutations=args.permutations,
        subsamples=args.subsamples,
        seed=args.seed,
        jitter=args.jitter,
        standardize=args.standardize,
        **(lags if args.te else {}),
    ).as_dict()
    if args.units == "bits":
        for key in ("estimate", "stderr", "expected_bias", "expected_rmse"):
            result[key] /= LN2
        for key in ("expected_bias_interval", "expected_rmse_interval"):
            result[key] = tuple(value / LN2 for value in result[key])
    result["units"] = args.units
    if args.format == "json":  # NaN (a skipped test, no reference) as null: JSON has no NaN
        print(json.dumps({key: _null_for_nan(value) for key, value in result.items()}, indent=2))
        return 0
    units = args.units
    if result["history"]:
        quantity = (
            f"transfer entropy x → y{' given z' if args.z else ''} (history {result['history']}, source history "
            f"{result['source_history']}, delay {result['delay']})"
        )
        pasts = "the target's and z's past" if args.z else "the target's past"
        given, rows = f", {pasts} {result['z_type']}", " time points with a full history"
    else:
        quantity = "I(x; y | z)" if result["z_type"] else "I(x; y)"
        given, rows = (f", z {result['z_type']}" if result["z_type"] else ""), ""
    spread = (
        f" ± {result['stderr']:.4f} {units} (standard error from half-samples"
        if result["subsamples"]
        else f" {units} (no standard error: {result['no_stderr_because'] or '--subsamples 0'}"
    )
    test = (
        f"permutation p = {result['p_value']:.3g}, {result['permutations']} permutations"
        if result["permutations"]
        else "no permutation test: --permutations 0"
    )
    print(f"{quantity} = {result['estimate']:.4f}{spread}; {test})")
    print(
        f"estimator {result['estimator']}; x {result['x_type']}, y {result['y_type']}{given}; n = {result['n']:,}{rows}"
    )
    print(f"chosen: {result['chosen_because']}")
    if result["warning"]:
        print(f"warning: {result['warning']}")
    if result["expected_rmse"] == result["expected_rmse"]:  # not NaN: the reference results hold this estimator
        low, high = result["expected_bias_interval"]
        rmse_low, rmse_high = result["expected_rmse_interval"]
        where = (
            "at this n"
            if result["expected_n"] == result["n"]
            else f"at n = {result['expected_n']:,}, the nearest measured (yours is outside their range)"
        )
        noise = "; the ± above is sampling noise only, the bias is not in it" if result["subsamples"] else ""
        print(
            f"expected {where} there: bias {result['expected_bias']:+.4f} [{low:+.4f}, {high:+.4f}], "
            f"RMSE {result['expected_rmse']:.4f} [{rmse_low:.4f}, {rmse_high:.4f}] {units}{noise}"
        )
    return 0
