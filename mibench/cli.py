"""The ``mibench`` command line: data on stdout, progress and messages on stderr.

Exit codes: 0 success; 1 failed estimates or a user error; 2 a usage error.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import __version__

EXAMPLES = {
    "list": """
        examples:
          mibench list                  every estimator, scenario and suite
          mibench list estimators       estimators with the data types they accept
          mibench list scenarios        scenarios with their true MI and how it is known
          mibench list suites
        """,
    "describe": """
        examples:
          mibench describe ksg
          mibench describe "gaussian(rho=0.9, dim=3)"
        """,
    "run": """
        examples:
          mibench run quick --out runs/quick
          mibench run -e ksg -e "ksg(k=5)" -e gaussian -s "gaussian(rho=0.8)" -n 100 -n 1000 --reps 10 --out runs/demo
          mibench run experiment.toml --jobs 2 --timeout 60
          mibench run standard --scheduler tcp://127.0.0.1:8786 --out runs/standard
        Rerunning the same command on the same --out folder resumes an interrupted run.
        """,
}


class UserError(Exception):
    """A problem with what the user asked for: reported in one line, exit code 1."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mibench", description="Benchmark mutual-information estimators on scenarios with known MI."
    )
    parser.add_argument("--version", action="version", version=f"mibench {__version__}")
    parser.add_argument(
        "--plugin",
        action="append",
        default=[],
        metavar="FILE.py",
        help="load estimators or scenarios from a Python file (repeatable)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=textwrap.dedent(EXAMPLES.get(name, "")),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.add_argument(
            "--plugin",
            action="append",
            default=[],
            dest="command_plugins",
            metavar="FILE.py",
            help="load estimators or scenarios from a Python file (repeatable)",
        )
        return sub

    listing = command("list", "List registered estimators, scenarios and suites.")
    listing.add_argument("what", nargs="?", choices=["estimators", "scenarios", "suites"], help="what to list")

    describe = command("describe", "Show an estimator's or scenario's parameters, conventions, truth and citation.")
    describe.add_argument("spec", help="a name or spec string")

    run = command("run", "Run estimators × scenarios × sample sizes × repetitions.")
    run.add_argument("experiment", nargs="?", help="a suite name or an experiment TOML file")
    run.add_argument("-e", "--estimator", action="append", dest="estimators", metavar="SPEC")
    run.add_argument(
        "-s",
        "--scenario",
        action="append",
        dest="scenarios",
        metavar="SPEC",
        help="a scenario spec or a suite name (repeatable)",
    )
    run.add_argument("-n", "--sample-size", action="append", dest="sample_sizes", type=int, metavar="N")
    run.add_argument("--reps", type=int)
    run.add_argument("--seed", type=int)
    run.add_argument("--jobs", type=int, help="worker processes (default: all cores)")
    run.add_argument("--executor", choices=["serial", "processes", "dask"])
    run.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://host:8786")
    run.add_argument("--timeout", type=float, metavar="SECONDS", help="kill a task after this long")
    run.add_argument(
        "--warmup", action="store_true", default=None, help="discard each estimator's first call in a worker"
    )
    run.add_argument("--out", metavar="DIR", help="run folder (default: runs/<UTC time>)")
    run.add_argument("--force", action="store_true", help="replace a run folder of a different experiment")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    export = command("export", "Export a run's records to CSV or Parquet.")
    export.add_argument("run", help="a run folder")
    export.add_argument("--format", choices=["csv", "parquet"], default="csv")
    export.add_argument("--output", required=True, metavar="FILE")
    export.add_argument("--salvage", action="store_true", help="from a damaged store, export every readable record")

    summary = command("summarize", "Summary statistics of a run: per cell, or trends across n.")
    summary.add_argument("run", help="a run folder or records file (CSV/Parquet)")
    summary.add_argument("--format", choices=["csv", "json", "markdown"], default="csv")
    summary.add_argument("--units", choices=["nats", "bits"], default="nats")
    summary.add_argument("--trends", action="store_true", help="exponents across n and the reliable n instead")
    summary.add_argument("--threshold", type=float, default=0.1, help="relative error for --trends (default 0.1)")

    compare = command("compare", "Compare a candidate run against a baseline; exit 1 on an accuracy regression.")
    compare.add_argument("baseline", help="run folder or records file (CSV/Parquet)")
    compare.add_argument("candidate", help="run folder or records file (CSV/Parquet)")
    compare.add_argument("--abs-tol", type=float, default=0.01, help="nats of RMSE or |bias| allowed (default 0.01)")
    compare.add_argument("--rel-tol", type=float, default=0.10, help="fraction of baseline RMSE allowed (default 0.1)")
    compare.add_argument("--confidence", type=float, default=0.95)
    compare.add_argument("--runtime-ratio", type=float, default=1.5, help="flag cells this much slower (default 1.5)")
    compare.add_argument("--fail-on-runtime", action="store_true", help="exit 1 on runtime regressions too")
    compare.add_argument("--format", choices=["table", "json", "markdown", "csv"], default="table")
    compare.add_argument("--all", action="store_true", help="show every cell, not only flagged ones")

    plots = command("plot", "Write the figures of a run (PNG and SVG).")
    plots.add_argument("run", help="a run folder or records file")
    plots.add_argument(
        "--kind",
        action="append",
        dest="kinds",
        metavar="KIND",
        help="estimate, bias, std, rmse, runtime, pareto, heatmap, sweep (repeatable; default all)",
    )
    plots.add_argument("--out", metavar="DIR", help="where to write (default: RUN/figures)")

    report = command("report", "Write a self-contained HTML report and a Markdown summary of a run.")
    report.add_argument("run", help="a run folder or records file")
    report.add_argument("--out", metavar="DIR", help="where to write (default: the run folder)")
    report.add_argument("--title", default="mibench report")

    recommend = command("recommend", "Rank estimators for data of given types, dimensions and sample size.")
    recommend.add_argument("--x-type", required=True, choices=["continuous", "discrete", "mixed"])
    recommend.add_argument("--y-type", required=True, choices=["continuous", "discrete", "mixed"])
    recommend.add_argument("--dim-x", type=int, default=1)
    recommend.add_argument("--dim-y", type=int, default=1)
    recommend.add_argument("--n", type=int, default=1000)
    recommend.add_argument("--run", help="rank on this run instead of the shipped reference results")
    recommend.add_argument("--top", type=int, default=10)
    recommend.add_argument("--format", choices=["table", "csv", "json", "markdown"], default="table")

    estimate = command("estimate", "Estimate MI between columns of your own CSV or Parquet table.")
    estimate.add_argument("table", help="a .csv or .parquet file")
    estimate.add_argument("--x", required=True, help="column name(s) of x, comma-separated")
    estimate.add_argument("--y", required=True, help="column name(s) of y, comma-separated")
    estimate.add_argument("-e", "--estimator", default="auto", help="a spec, or auto (the top recommendation)")
    estimate.add_argument("--x-type", choices=["continuous", "discrete", "mixed"], help="override the inferred type")
    estimate.add_argument("--y-type", choices=["continuous", "discrete", "mixed"], help="override the inferred type")
    estimate.add_argument("--permutations", type=int, default=100, help="for the p-value (default 100)")
    estimate.add_argument("--subsamples", type=int, default=10, help="half-sample splits for the standard error")
    estimate.add_argument("--seed", type=int, default=0)
    estimate.add_argument("--units", choices=["nats", "bits"], default="nats")
    estimate.add_argument("--format", choices=["text", "json"], default="text")

    info = command("info", "Show a run's provenance: versions, machine, experiment, times, progress.")
    info.add_argument("run", help="a run folder")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    from . import registry

    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "list": _list,
        "describe": _describe,
        "run": _run,
        "export": _export,
        "summarize": _summarize,
        "compare": _compare,
        "plot": _plot,
        "report": _report,
        "recommend": _recommend,
        "estimate": _estimate,
        "info": _info,
    }
    try:
        for path in [*args.plugin, *args.command_plugins]:
            registry.load_plugin(path)
        return handlers[args.command](args)
    except (UserError, LookupError, ValueError, TypeError, OSError, RuntimeError, ImportError) as exc:
        message = str(exc) if isinstance(exc, (UserError, OSError)) else f"{exc}"
        print(f"mibench: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("mibench: interrupted; rerun the same command to resume", file=sys.stderr)
        return 130


# -- list / describe ---------------------------------------------------------
def _table(rows: list[list[str]], headers: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)


def _list(args: argparse.Namespace) -> int:
    from .estimator import ESTIMATORS
    from .experiment_file import list_suites
    from .scenario import SCENARIOS, get_scenario

    what = args.what
    sections = []
    if what in (None, "estimators"):
        rows = []
        for entry in ESTIMATORS.entries():
            info = entry.metadata["info"]
            types = "any" if len(info.types) == 9 else ", ".join(f"{a[:4]}/{b[:4]}" for a, b in info.types)
            rows.append(
                [
                    entry.name,
                    types,
                    "yes" if info.multivariate else "no",
                    ", ".join(info.requires) or "-",
                    entry.summary[:70],
                ]
            )
        sections.append("estimators\n" + _table(rows, ["name", "x/y types", "multivariate", "needs", "summary"]))
    if what in (None, "scenarios"):
        rows = []
        for entry in SCENARIOS.entries():
            scenario = get_scenario(f"{entry.name}-v{entry.version}")
            rows.append(
                [
                    f"{entry.name}-v{entry.version}",
                    f"{scenario.x_type[:4]}/{scenario.y_type[:4]}",
                    f"{scenario.dim_x}x{scenario.dim_y}",
                    f"{scenario.mi:.4f}",
                    scenario.truth.method,
                ]
            )
        sections.append(
            "scenarios (at default parameters)\n" + _table(rows, ["name", "x/y types", "dims", "true MI", "truth"])
        )
    if what in (None, "suites"):
        rows = [[name, text] for name, text in list_suites().items()]
        sections.append("suites\n" + _table(rows, ["name", "description"]))
    print("\n\n".join(sections))
    return 0


def _describe(args: argparse.Namespace) -> int:
    from .estimator import ESTIMATORS, get_estimator
    from .registry import RegistryError
    from .scenario import SCENARIOS, get_scenario, scenario_doc
    from .spec import parse_spec

    name, _, params = parse_spec(args.spec)
    sections: list[str] = []
    errors: list[Exception] = []
    if name in ESTIMATORS.names():
        try:
            sections.append(_describe_estimator(get_estimator(args.spec)))
        except (LookupError, ValueError) as exc:
            errors.append(exc)
    if name in SCENARIOS.names():
        try:
            scenario = get_scenario(args.spec)
            lines = [
                f"scenario {scenario.spec}",
                "",
                textwrap.indent(scenario_doc(scenario).strip(), "  "),
                "",
                f"  parameters:   {SCENARIOS.entry(name, scenario.version).describe_parameters()}",
                f"  true MI:      {scenario.truth}",
                f"  types:        x {scenario.x_type} ({scenario.dim_x}-D), y {scenario.y_type} ({scenario.dim_y}-D)",
                f"  tags:         {', '.join(f'{k}={v}' for k, v in scenario.tags.items())}",
                f"  log_pmi:      {'available' if scenario.has_log_pmi else 'not tractable'}",
            ]
            if scenario.citation:
                lines.append(f"  citation:     {scenario.citation}")
            sections.append("\n".join(lines))
        except (LookupError, ValueError) as exc:
            errors.append(exc)
    if not sections:
        if errors:
            raise errors[0]
        try:
            ESTIMATORS.entry(name)
        except RegistryError as exc:
            close = SCENARIOS.names()
            raise RegistryError(f"{exc} Scenarios: {', '.join(close)}") from None
    print("\n\n".join(sections))
    return 0


def _describe_estimator(estimator: Any) -> str:
    import inspect

    info = estimator.info
    lines = [
        f"estimator {estimator.spec}",
        "",
        textwrap.indent((inspect.getdoc(estimator.entry.target) or "").strip(), "  "),
        "",
        f"  parameters:   {estimator.entry.describe_parameters()}",
        f"  accepts:      {', '.join(f'({a}, {b})' for a, b in info.types)}",
        f"  multivariate: {'yes' if info.multivariate else 'no'}; symmetric: {'yes' if info.symmetric else 'no'}",
        f"  min samples:  {estimator.min_samples}",
    ]
    if info.requires:
        lines.append(f"  requires:     {', '.join(info.requires)}")
    lines += [f"  {key + ':':<13} {value}" for key, value in info.conventions.as_dict().items() if value]
    return "\n".join(lines)


# -- run ---------------------------------------------------------------------
def _run(args: argparse.Namespace) -> int:
    from .estimator import default_estimators
    from .experiment_file import expand_scenarios, load_experiment
    from .runner import run

    options: dict[str, Any] = load_experiment(args.experiment) if args.experiment else {}
    for key in ("estimators", "sample_sizes", "reps", "seed", "jobs", "executor", "scheduler", "timeout", "warmup"):
        value = getattr(args, key)
        if value is not None:
            options[key] = value
    if args.scenarios:
        options["scenarios"] = expand_scenarios(args.scenarios)
    if not options.get("scenarios"):
        raise UserError("no scenarios: name a suite or experiment file, or give -s SPEC")
    if not options.get("sample_sizes"):
        raise UserError("no sample sizes: give -n N (repeatable) or an experiment file with sample_sizes")
    options.setdefault("estimators", default_estimators())
    options.setdefault("jobs", None)
    out = Path(args.out) if args.out else Path("runs") / datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    records = run(out=out, force=args.force, progress=not args.quiet, **options)
    for line in records.skipped:
        print(f"skipped {line}", file=sys.stderr)
    failed = records[records["status"] != "ok"]
    ok = len(records) - len(failed)
    print(
        f"{ok} estimates ok, {len(failed)} failed; records and summary in {out}/ "
        f"(records.csv, summary.csv, mibench.sqlite)",
        file=sys.stderr,
    )
    if len(failed):
        counts = failed.groupby(["estimator", "status"]).size()
        for (estimator, status), count in counts.items():
            print(f"  {estimator}: {count} {status}", file=sys.stderr)
    print(out)
    return 1 if len(failed) else 0


def _export(args: argparse.Namespace) -> int:
    from .store import Store, load_records

    if args.salvage:
        with Store(args.run, create=False) as store:
            records = store.salvage()
    else:
        records = load_records(args.run)
    if args.format == "parquet":
        try:
            records.to_parquet(args.output, index=False)
        except ImportError:
            raise UserError("Parquet export needs pyarrow: pip install 'mibench[parquet]'") from None
    else:
        records.to_csv(args.output, index=False)
    print(f"{len(records)} records written to {args.output}", file=sys.stderr)
    return 0


def _summarize(args: argparse.Namespace) -> int:
    from .stats import summarize, trends
    from .store import load_records

    table = summarize(load_records(args.run), units=args.units)
    if args.trends:
        table = trends(table, threshold=args.threshold)
    _print_table(table, args.format)
    return 0


def _print_table(table: Any, fmt: str) -> None:
    from .stats import markdown_table

    if fmt == "json":
        print(table.to_json(orient="records", indent=2))
    elif fmt == "markdown":
        print(markdown_table(table))
    elif fmt == "csv":
        print(table.to_csv(index=False), end="")
    else:
        print(table.to_string(index=False))


def _compare(args: argparse.Namespace) -> int:
    from .compare import Tolerance, compare, has_regressions
    from .store import load_records

    tolerance = Tolerance(
        absolute=args.abs_tol, relative=args.rel_tol, confidence=args.confidence, runtime_ratio=args.runtime_ratio
    )
    result = compare(load_records(args.baseline), load_records(args.candidate), tolerance)
    shown = result if args.all else result[result["flags"].fillna("") != ""]
    failed = has_regressions(result, runtime=args.fail_on_runtime)
    if args.format == "table":
        columns = ["estimator", "scenario", "n", "delta_rmse", "delta_bias", "runtime_ratio", "flags"]
        print(shown[columns].to_string(index=False) if len(shown) else "no changes flagged")
    else:
        _print_table(shown, args.format)
    counts = result["flags"].fillna("").str.split(", ").explode().value_counts()
    summary = ", ".join(f"{count} {flag}" for flag, count in counts.items() if flag) or "nothing flagged"
    print(f"{len(result)} cells compared: {summary}; {'FAIL' if failed else 'OK'}", file=sys.stderr)
    return 1 if failed else 0


def _output_folder(run: str, out: str | None, subfolder: str = "") -> Path:
    """``out`` if given, else the run folder (or the records file's folder), plus ``subfolder``."""
    if out:
        return Path(out)
    path = Path(run)
    return (path if path.is_dir() else path.parent) / subfolder


def _plot(args: argparse.Namespace) -> int:
    from .plots import plot
    from .store import load_records

    paths = plot(load_records(args.run), _output_folder(args.run, args.out, "figures"), kinds=args.kinds)
    for path in paths:
        print(path)
    return 0


def _report(args: argparse.Namespace) -> int:
    from .report import write_report
    from .store import load_records

    run = Path(args.run)
    html_path, markdown_path = write_report(
        load_records(run), _output_folder(args.run, args.out), run=run if run.is_dir() else None, title=args.title
    )
    print(html_path)
    print(markdown_path)
    return 0


def _recommend(args: argparse.Namespace) -> int:
    from .recommend import recommend
    from .store import load_records

    records = load_records(args.run) if args.run else None
    table = recommend(args.x_type, args.y_type, args.dim_x, args.dim_y, args.n, records=records)
    dims = table.attrs["dims"]
    print(
        f"ranking rests on {table.attrs['scenarios']} scenario(s) with {args.x_type} x ({dims[0]}-D) and "
        f"{args.y_type} y ({dims[1]}-D) at n = {table.attrs['n']:,}, from the {table.attrs['source']}",
        file=sys.stderr,
    )
    _print_table(table.drop(columns="estimator").head(args.top), args.format)
    return 0


def _estimate(args: argparse.Namespace) -> int:
    import json

    from .userdata import estimate_table, read_table

    result = estimate_table(
        read_table(args.table),
        [c.strip() for c in args.x.split(",")],
        [c.strip() for c in args.y.split(",")],
        args.estimator,
        x_type=args.x_type,
        y_type=args.y_type,
        permutations=args.permutations,
        subsamples=args.subsamples,
        seed=args.seed,
    ).as_dict()
    if args.units == "bits":
        result["estimate"] /= 0.6931471805599453
        result["stderr"] /= 0.6931471805599453
    result["units"] = args.units
    if args.format == "json":
        print(json.dumps(result, indent=2))
    else:
        print(
            f"I(x; y) = {result['estimate']:.4f} ± {result['stderr']:.4f} {args.units} "
            f"(permutation p = {result['p_value']:.3g}, {result['permutations']} permutations)"
        )
        print(f"estimator {result['estimator']}; x {result['x_type']}, y {result['y_type']}; n = {result['n']:,}")
    return 0


def _info(args: argparse.Namespace) -> int:
    import json

    from .store import Store

    with Store(args.run, create=False) as store:
        meta = {key: store.get_meta(key) for key in ("experiment", "fingerprint", "provenance", "started", "finished")}
        records = store.records()
    meta["records"] = {"total": len(records), **records["status"].value_counts().to_dict()}
    meta["workers"] = sorted(records["worker"].dropna().unique().tolist())
    print(json.dumps(meta, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
