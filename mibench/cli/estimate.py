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
    parser.add_argument(
        "--delay",
        type=parse_delays,
        help="with --te: u, the lag of the latest source value used (default 1); several (1-6 or 1,2,5) scan them: "
        "the TE at each, the delay where it is largest, and a p-value for that largest",
    )
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


def parse_delays(text: str) -> list[int]:
    """``"2"``, ``"1-6"`` or ``"1,2,5"`` as a list of delays."""
    try:
        delays = []
        for part in text.split(","):
            first, _, last = part.strip().partition("-")
            delays += range(int(first), int(last or first) + 1)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a delay (2), a range (1-6) or a list (1,2,5), got {text!r}"
        ) from None
    if not delays or min(delays) < 1:
        raise argparse.ArgumentTypeError(f"delays are positive whole numbers of time steps, got {text!r}")
    return delays


def _null_for_nan(value: object) -> object:
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (tuple, list)):
        return [_null_for_nan(item) for item in value]
    if isinstance(value, dict):
        return {key: _null_for_nan(item) for key, item in value.items()}
    return value


def _in_units(result: dict, units: str) -> dict:
    """A result's values in ``units`` (they come in nats), with the units named."""
    if units == "bits":
        for key in ("estimate", "stderr", "expected_bias", "expected_rmse"):
            result[key] /= LN2
        for key in ("interval", "expected_bias_interval", "expected_rmse_interval"):
            result[key] = tuple(value / LN2 for value in result[key])
    result["units"] = units
    return result


def run(args: argparse.Namespace) -> int:
    from ..userdata import estimate_table, read_table, scan_delays, split_column_names

    lags = {"history": args.history, "source_history": args.source_history, "delay": args.delay}
    given = [f"--{name.replace('_', '-')}" for name, value in lags.items() if value is not None]
    if given and not args.te:
        raise ValueError(f"{', '.join(given)}: only with --te (a transfer entropy)")
    table = read_table(args.table, decimal=args.decimal, thousands=args.thousands, encoding=args.encoding)
    x, y = split_column_names(args.x, table), split_column_names(args.y, table)
    options = {
        "z": split_column_names(args.z, table) if args.z else None,
        "x_type": args.x_type,
        "y_type": args.y_type,
        "z_type": args.z_type,
        "permutations": args.permutations,
        "subsamples": args.subsamples,
        "seed": args.seed,
        "jitter": args.jitter,
        "standardize": args.standardize,
    }
    names = {"x": ", ".join(x), "y": ", ".join(y), "z": ", ".join(options["z"] or ())}
    if args.te:
        options["history"] = 1 if args.history is None else args.history
        options["source_history"] = 1 if args.source_history is None else args.source_history
        delays = args.delay or [1]
        if len(delays) > 1:
            scan = scan_delays(table, x, y, delays, args.estimator, **options).as_dict()
            scan["results"] = [_in_units(result, args.units) for result in scan["results"]]
            return _print_scan(scan, names, args)
        options["delay"] = delays[0]
    result = _in_units(estimate_table(table, x, y, args.estimator, **options).as_dict(), args.units)
    if args.format == "json":  # NaN (a skipped test, no reference) as null: JSON has no NaN
        print(json.dumps(_null_for_nan(result), indent=2))
        return 0
    if result["history"]:
        quantity = f"{_transfer(names)} (history {result['history']}, source history {result['source_history']}, delay {result['delay']})"
    else:
        given = f" | {names['z']}" if names["z"] else ""
        quantity = f"I({names['x']}; {names['y']}{given})"
    spread = (
        f" ± {result['stderr']:.4f} {args.units} (standard error from half-samples; 95 % interval for the estimator's "
        f"mean at this n {result['interval'][0]:.4f} to {result['interval'][1]:.4f}"
        if result["subsamples"]
        else f" {args.units} (no standard error: {result['no_stderr_because'] or '--subsamples 0'}"
    )
    test = (
        f"permutation p = {result['p_value']:.3g}, {result['permutations']} permutations"
        if result["permutations"]
        else "no permutation test: --permutations 0"
    )
    print(f"{quantity} = {result['estimate']:.4f}{spread}; {test})")
    _print_context(result, args)
    return 0


def _transfer(names: dict[str, str]) -> str:
    """'transfer entropy a → b', and ' given c' for a conditional one, in the table's column names."""
    return f"transfer entropy {names['x']} → {names['y']}" + (f" given {names['z']}" if names["z"] else "")


def _print_scan(scan: dict, names: dict[str, str], args: argparse.Namespace) -> int:
    if args.format == "json":
        print(json.dumps(_null_for_nan({**scan, "units": args.units}), indent=2))
        return 0
    import pandas as pd

    from ..tables import render_table

    results, best = scan["results"], scan["best_delay"]
    first = results[0]
    print(
        f"{_transfer(names)} (history {first['history']}, source history "
        f"{first['source_history']}) at delays {', '.join(map(str, scan['delays']))}, on the same time points"
    )
    rows = {
        "delay": [result["delay"] for result in results],
        f"TE ({args.units})": [f"{result['estimate']:.4f}" for result in results],
        "± SE": [f"{result['stderr']:.4f}" if result["subsamples"] else "" for result in results],
        "p (this delay alone)": [f"{result['p_value']:.3g}" if result["permutations"] else "" for result in results],
    }
    print(render_table(pd.DataFrame(rows)))
    test = (
        f"p = {scan['p_value']:.3g} for the largest of the {len(results)} delays (each of the {first['permutations']} "
        "permutations' largest over the delays); the p-values above test each delay alone, not the choice"
        if first["permutations"]
        else "no permutation test: --permutations 0"
    )
    print(f"largest at delay {best}: {test}")
    _print_context(results[scan["delays"].index(best)], args)
    return 0


def _print_context(result: dict, args: argparse.Namespace) -> None:
    """The estimator, types and n; why it was chosen; a warning; and what the reference results expect of it."""
    units = args.units
    if result["history"]:
        pasts = "the target's and z's past" if args.z else "the target's past"
        given, rows = f", {pasts} {result['z_type']}", " time points with a full history"
    else:
        given, rows = (f", z {result['z_type']}" if result["z_type"] else ""), ""
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
