"""The run store: one SQLite file per run folder, written in transactions.

A record is committed as soon as its task finishes, so a run killed at any
moment loses nothing that had finished and leaves no partial row; rerunning
the same experiment on the same folder skips the finished tasks.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .records import ADDED_COLUMNS, RECORD_COLUMNS, records_frame

__all__ = ["Store", "StoreError", "STORE_FILE", "SCHEMA_VERSION", "load_records", "open_run"]

STORE_FILE = "mibench.sqlite"
#: The records of a committed results folder, which keeps no store: as CSV, compressed or not.
KEPT_RECORDS_FILES = ("records.csv", "records.csv.gz")

#: The layout of the records table (``PRAGMA user_version``). 1: the compute and code_version
#: columns; 2: the ties column; 3: the batch column; 4: quantity, z_type and dim_z (conditional
#: MI); 5: standardized (rescaled samples). A store that lacks only columns added since
#: (``ADDED_COLUMNS``) gains them, with their defaults, when it is opened.
SCHEMA_VERSION = 5


class StoreError(RuntimeError):
    """A store that cannot be used: corrupt, or written by another experiment."""


class Store:
    """Records and metadata of one run, in ``<folder>/mibench.sqlite``."""

    def __init__(self, folder: str | Path, create: bool = True) -> None:
        self.folder = Path(folder)
        self.path = self.folder / STORE_FILE
        if not self.path.exists() and not create:
            raise StoreError(f"{self.folder} is not a mibench run: {STORE_FILE} not found")
        if create:
            _writable_folder(self.folder)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            fresh = self.db.execute("SELECT name FROM sqlite_master WHERE name = 'records'").fetchone() is None
            columns = ", ".join(
                f"{name} {kind} PRIMARY KEY" if name == "task_id" else f"{name} {kind}"
                for name, kind in RECORD_COLUMNS.items()
            )
            self.db.execute(f"CREATE TABLE IF NOT EXISTS records ({columns})")
            self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            if fresh or self._add_new_columns():
                self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self.schema_version = int(self.db.execute("PRAGMA user_version").fetchone()[0])
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path} is not a readable mibench store ({exc}); move it away or pass --force to start a new one"
            ) from None

    def _add_new_columns(self) -> bool:
        """Add the columns an older store lacks, if they are all ``ADDED_COLUMNS``; True if it now has every column."""
        present = {row[1] for row in self.db.execute("PRAGMA table_info(records)")}
        missing = [name for name in RECORD_COLUMNS if name not in present]
        if not missing or any(name not in ADDED_COLUMNS for name in missing):
            return not missing
        for name in missing:
            self.db.execute(
                f"ALTER TABLE records ADD COLUMN {name} {RECORD_COLUMNS[name]} DEFAULT {ADDED_COLUMNS[name]!r}"
            )
        return True

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- metadata -----------------------------------------------------------
    def get_meta(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_meta(self, key: str, value: Any) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value)))

    # -- records ------------------------------------------------------------
    def finished_task_ids(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT task_id FROM records")}

    def add(self, record: Mapping[str, Any]) -> None:
        """Commit one record (a single INSERT is its own transaction), column by name."""
        self.db.execute(_INSERT, {name: _sql_value(record[name]) for name in RECORD_COLUMNS})

    def records(self) -> pd.DataFrame:
        try:
            frame = pd.read_sql_query("SELECT * FROM records", self.db)
        except (sqlite3.DatabaseError, pd.errors.DatabaseError) as exc:
            readable = len(self.salvage())
            raise StoreError(
                f"{self.path} is damaged ({exc}); {readable} records can still be read: "
                f"mibench export {self.folder} --salvage --output records.csv"
            ) from None
        return records_frame(frame)

    def salvage(self, chunk: int = 256) -> pd.DataFrame:
        """Every record that can still be read from a damaged store, chunk by chunk of row ids."""
        try:
            last = self.db.execute("SELECT MAX(rowid) FROM records").fetchone()[0] or 0
        except sqlite3.DatabaseError:
            last = 1_000_000  # the index is damaged: probe row ids blindly
        frames = []
        for start in range(0, last + 1, chunk):
            try:
                frames.append(
                    pd.read_sql_query(
                        "SELECT * FROM records WHERE rowid >= ? AND rowid < ?", self.db, params=(start, start + chunk)
                    )
                )
            except (sqlite3.DatabaseError, pd.errors.DatabaseError):
                continue
        frames = [f for f in frames if len(f)]
        return records_frame(pd.concat(frames)) if frames else records_frame([])


_INSERT = (
    f"INSERT OR REPLACE INTO records ({', '.join(RECORD_COLUMNS)}) "
    f"VALUES ({', '.join(':' + name for name in RECORD_COLUMNS)})"
)


def _writable_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise StoreError(f"{str(folder)!r} is a file, not a folder; choose another --out")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the run folder {str(folder)!r}: {exc.strerror}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(f"the run folder {str(folder)!r} is not writable; choose another --out")


def open_run(
    folder: str | Path,
    fingerprint: str,
    code_versions: Mapping[str, str],
    metadata: Mapping[str, Any],
    force: bool = False,
) -> Store:
    """Open a run folder's store for an experiment: create it, or resume the same experiment.

    A folder holding another experiment, a store of another schema or a damaged store is refused
    (``force`` replaces it). A folder whose records were made by other code versions (mibench or
    an estimator's package) is refused too: ``force`` resumes it anyway, marks the store
    (``mixed_code_versions``), and each record's ``code_version`` column tells them apart.
    """
    folder = Path(folder)
    _writable_folder(folder)  # not a "damaged store" that --force would replace
    try:
        store = Store(folder)
        existing, previous = store.get_meta("fingerprint"), store.get_meta("code_versions") or {}
    except (StoreError, sqlite3.DatabaseError) as exc:
        if not force:
            raise StoreError(
                f"{folder / STORE_FILE} is damaged ({exc}); pass --force to start a new run there"
            ) from None
        return _new_run(folder, fingerprint, code_versions, metadata)
    if existing is None:
        store.close()
        return _new_run(folder, fingerprint, code_versions, metadata)
    if existing != fingerprint or store.schema_version != SCHEMA_VERSION:
        store.close()
        if force:
            return _new_run(folder, fingerprint, code_versions, metadata)
        reason = (
            f"records of store schema {store.schema_version} (this mibench writes {SCHEMA_VERSION})"
            if store.schema_version != SCHEMA_VERSION
            else f"a different experiment (fingerprint {existing}, this one {fingerprint})"
        )
        raise StoreError(f"{folder} holds {reason}; choose another --out folder or pass --force to replace it")
    changed = {spec: (previous.get(spec), now) for spec, now in code_versions.items() if previous.get(spec) != now}
    if changed and not force:
        store.close()
        lines = "; ".join(f"{spec}: {before} → {after}" for spec, (before, after) in changed.items())
        raise StoreError(
            f"{folder} was started with other code versions ({lines}); resuming would mix results of two "
            f"versions. Choose another --out folder, or pass --force to resume anyway (each record's "
            f"code_version column tells them apart)"
        )
    if changed:
        store.set_meta("code_versions", {**previous, **code_versions})
        store.set_meta("mixed_code_versions", True)
    return store


def _new_run(folder: Path, fingerprint: str, code_versions: Mapping[str, str], metadata: Mapping[str, Any]) -> Store:
    """A new, empty store in ``folder`` (any store there is deleted first)."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(folder / STORE_FILE) + suffix).unlink(missing_ok=True)
    store = Store(folder)
    for key, value in {"fingerprint": fingerprint, "code_versions": dict(code_versions), **metadata}.items():
        store.set_meta(key, value)
    return store


def _sql_value(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    return None if value != value else value  # NaN is the one value unequal to itself


def load_records(run: str | Path) -> pd.DataFrame:
    """The records of a run folder, of a committed results folder (``records.csv`` or
    ``records.csv.gz``, as in ``results/``) or of an exported CSV/Parquet file, as a DataFrame."""
    path = Path(run)
    if path.is_dir():
        if (path / STORE_FILE).exists():
            with Store(path, create=False) as store:
                return store.records()
        kept = [path / name for name in KEPT_RECORDS_FILES if (path / name).exists()]
        if not kept:
            raise StoreError(
                f"{path} is not a mibench run: it holds no {STORE_FILE}, {' or '.join(KEPT_RECORDS_FILES)}"
            )
        path = kept[0]
    if not path.exists():
        raise FileNotFoundError(f"no run folder or records file at {str(path)!r}")
    if path.name.endswith((".csv", ".csv.gz")):
        return records_frame(pd.read_csv(path, keep_default_na=True, dtype={"message": str}).fillna({"message": ""}))
    if path.suffix in (".parquet", ".pq"):
        return records_frame(pd.read_parquet(path))
    raise ValueError(f"cannot read records from {str(path)!r}: expected a run folder, .csv or .parquet")
