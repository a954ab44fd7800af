"""``mibench info``: a run's provenance."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ._common import UserError

NAME = "info"
HELP = "Show a run's provenance: versions, machine, experiment, times, progress."


def setup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run", help="a run folder")


def run(args: argparse.Namespace) -> int:
    from ..store import KEPT_RECORDS_FILES, STORE_FILE, Store

    folder = Path(args.run)
    kept = [name for name in KEPT_RECORDS_FILES if (folder / name).exists()]
    if folder.is_dir() and not (folder / STORE_FILE).exists() and kept:
        raise UserError(
            f"{folder} keeps its records only ({kept[0]}), not the run's store with its provenance; "
            "the folder's README, where there is one, says how they were made"
        )
    keys = ("experiment", "fingerprint", "code_versions", "provenance", "started", "finished")
    with Store(args.run, create=False) as store:
        meta = {key: store.get_meta(key) for key in keys}
        meta["schema_version"] = store.schema_version
        records = store.records()
    meta["records"] = {"total": len(records), **records["status"].value_counts().to_dict()}
    meta["workers"] = sorted(records["worker"].dropna().unique().tolist())
    print(json.dumps(meta, indent=2, default=str))
    return 0
