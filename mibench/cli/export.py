"""``mibench export``: a run's records as CSV or Parquet."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._common import UserError

NAME = "export"
HELP = "Export a run's records to CSV or Parquet."


def setup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run", help="a run folder")
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv")
    parser.add_argument("--output", required=True, metavar="FILE")
    parser.add_argument("--salvage", action="store_true", help="from a damaged store, export every readable record")


def run(args: argparse.Namespace) -> int:
    from ..store import Store, load_records

    if Path(args.output).is_dir():
        raise UserError(f"--output {args.output!r} is a folder; name the file to write")
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
