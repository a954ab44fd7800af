"""``mibench run``: estimators × scenarios × sample sizes × repetitions into a run folder."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ._common import UserError

NAME = "run"
HELP = "Run estimators × scenarios × sample sizes × repetitions."
EXAMPLES = """
    examples:
      mibench run quick --out runs/quick
      mibench run -e ksg -e "ksg(k=5)" -e gaussian -s "gaussian(rho=0.8)" -n 100 -n 1000 --reps 10 --out runs/demo
      mibench run experiment.toml --jobs 2 --timeout 60
      mibench run standard --scheduler tcp://127.0.0.1:8786 --out runs/standard
    Rerunning the same command on the same --out folder resumes an interrupted run.
    """


def setup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("experiment", nargs="?", help="a suite name or an experiment TOML file")
    parser.add_argument("-e", "--estimator", action="append", dest="estimators", metavar="SPEC")
    parser.add_argument(
        "-s", "--scenario", action="append", dest="scenarios", metavar="SPEC", help="a scenario spec or a suite name"
    )
    parser.add_argument("-n", "--sample-size", action="append", dest="sample_sizes", type=int, metavar="N")
    parser.add_argument("--reps", type=int)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--jobs", type=int, help="worker processes (default: one per core)")
    parser.add_argument("--executor", choices=["serial", "processes", "dask"])
    parser.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://host:8786")
    parser.add_argument("--timeout", type=float, metavar="SECONDS", help="kill a task after this long")
    parser.add_argument(
        "--warmup", action="store_true", default=None, help="discard each estimator's first call in a worker"
    )
    parser.add_argument(
        "--standardize",
        action="store_true",
        default=None,
        help="divide each continuous column by its spread first, as mibench estimate does (default: as drawn)",
    )
    parser.add_argument("--out", metavar="DIR", help="run folder")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace a run folder of a different experiment; resume one made by other code versions",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress bar and no summary lines (errors still shown)"
    )
    parser.add_argument("--verbose", action="store_true", help="list every skipped estimator × scenario pair")


def run(args: argparse.Namespace) -> int:
    from ..estimator import default_estimators
    from ..experiment_file import expand_scenarios, load_experiment
    from ..runner import run as run_experiment

    options: dict[str, Any] = load_experiment(args.experiment) if args.experiment else {}
    for key in (
        "estimators",
        "sample_sizes",
        "reps",
        "seed",
        "jobs",
        "executor",
        "scheduler",
        "timeout",
        "warmup",
        "standardize",
    ):
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
    records = run_experiment(out=out, force=args.force, progress=not args.quiet, **options)
    say = (lambda line: None) if args.quiet else (lambda line: print(line, file=sys.stderr))
    if records.skipped:
        say(
            f"skipped {len(records.skipped)} estimator × scenario pairs that do not fit (types or dimensions)"
            + ("" if args.verbose else "; --verbose lists them")
        )
        if args.verbose:
            for line in records.skipped:
                say(f"  skipped {line}")
    failed = records[records["status"] != "ok"]
    say(f"{len(records) - len(failed)} estimates ok, {len(failed)} failed; records and summary in {out}/")
    if len(failed):
        print("failed estimates:", file=sys.stderr)
        for (estimator, status), count in failed.groupby(["estimator", "status"]).size().items():
            print(f"  {estimator}: {count} {status}", file=sys.stderr)
        reasons = (failed["status"] + ": " + failed["message"].str.slice(0, 160)).value_counts()
        print(f"most frequent failure reasons (all in {out / 'run.log'}):", file=sys.stderr)
        for reason, count in reasons.head(5).items():
            print(f"  {count} × {reason}", file=sys.stderr)
    print(out)
    return 1 if len(failed) else 0
