"""``mibench info``: a run's provenance."""

from __future__ import annotations

import argparse
import json

NAME = "info"
HELP = "Show a run's provenance: versions, machine, experiment, times, progress."


def setup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run", help="a run folder")


def run(args: argparse.Namespace) -> int:
    from ..store import Store

    keys = ("experiment", "fingerprint", "code_versions", "provenance", "started", "finished")
    with Store(args.run, create=False) as store:
        meta = {key: store.get_meta(key) for key in keys}
        meta["schema_version"] = store.schema_version
        records = store.records()
    meta["records"] = {"total": len(records), **records["status"].value_counts().to_dict()}
    meta["workers"] = sorted(records["worker"].dropna().unique().tolist())
    print(json.dumps(meta, indent=2, default=str))
    return 0
