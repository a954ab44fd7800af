"""``mibench compare``: a candidate run against a baseline; exit 1 on an accuracy regression."""

from __future__ import annotations

import argparse
import sys

from ._common import print_table

NAME = "compare"
HELP = "Compare a candidate run against a baseline; exit 1 on an accuracy regression."
EXAMPLES = """
    examples:
      mibench compare results/baseline/quick runs/candidate
      mibench compare base.csv cand.csv --format markdown --all
    The family-wise false-alarm rate over all cells is held at --level (Holm's procedure).
    """


def setup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("baseline", help="run folder or records file (CSV/Parquet)")
    parser.add_argument("candidate", help="run folder or records file (CSV/Parquet)")
    parser.add_argument("--abs-tol", type=float, default=0.01, help="nats of RMSE or |bias| allowed")
    parser.add_argument("--rel-tol", type=float, default=0.10, help="fraction of baseline RMSE allowed")
    parser.add_argument("--level", type=float, default=0.05, help="family-wise false-alarm rate")
    parser.add_argument("--confidence", type=float, default=0.95, help="of the intervals shown")
    parser.add_argument("--runtime-ratio", type=float, default=1.5, help="flag cells this much slower")
    parser.add_argument("--fail-on-runtime", action="store_true", help="exit 1 on runtime regressions too")
    parser.add_argument("--format", choices=["table", "json", "markdown", "csv"], default="table")
    parser.add_argument("--all", action="store_true", help="show every cell, not only flagged ones")


def _machine(run: str) -> tuple | None:
    """(hostname, cpu) from a run folder's provenance, None for a records file."""
    from pathlib import Path

    from ..store import STORE_FILE, Store

    if not (Path(run) / STORE_FILE).exists():
        return None
    with Store(run, create=False) as store:
        meta = store.get_meta("provenance") or {}
    return (meta.get("hostname"), meta.get("cpu"))


def run(args: argparse.Namespace) -> int:
    from ..compare import UNTESTED, Tolerance, compare, has_regressions
    from ..store import load_records

    tolerance = Tolerance(
        absolute=args.abs_tol,
        relative=args.rel_tol,
        level=args.level,
        confidence=args.confidence,
        runtime_ratio=args.runtime_ratio,
    )
    machines = {_machine(args.baseline), _machine(args.candidate)}
    same_machine = len(machines) == 1 and None not in machines
    result = compare(load_records(args.baseline), load_records(args.candidate), tolerance, same_machine=same_machine)
    if result.empty:
        raise ValueError(f"neither {args.baseline} nor {args.candidate} holds any record: nothing to compare")
    shown = result if args.all else result[(result["flags"].fillna("") != "") | (result["notes"].fillna("") != "")]
    failed = has_regressions(result, runtime=args.fail_on_runtime)
    if args.format == "table":
        columns = ["estimator", "scenario", "n", "delta_rmse", "delta_bias", "runtime_ratio", "flags", "notes"]
        if len(shown):
            print_table(shown[columns], "table")
        else:
            print("no changes flagged")
    else:
        print_table(shown, args.format)
    counts = result["flags"].fillna("").str.split(", ").explode().value_counts()
    summary = ", ".join(f"{count} {flag}" for flag, count in counts.items() if flag) or "nothing flagged"
    untested = int(result["notes"].fillna("").str.contains(UNTESTED, regex=False).sum())
    if untested:
        summary += f"; {untested} not tested for accuracy (see their notes)"
    if not same_machine:
        summary += "; runtime not compared (the runs do not both show the same machine)"
    print(f"{len(result)} cells compared: {summary}; {'FAIL' if failed else 'OK'}", file=sys.stderr)
    return 1 if failed else 0
