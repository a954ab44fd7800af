"""The run store: one SQLite file per run folder, written in transactions.

A record is committed as soon as its task finishes, so a run killed at any
moment loses nothing that had finished and leaves no partial row; rerunning
the same experiment on the same folder skips the finished tasks.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from .records import RECORD_COLUMNS, records_frame

__all__ = ["Store", "StoreError", "STORE_FILE", "load_records"]

STORE_FILE = "mibench.sqlite"


class StoreError(RuntimeError):
    """A store that cannot be used: corrupt, or written by another experiment."""


class Store:
    """Records and metadata of one run, in ``<folder>/mibench.sqlite``."""

    def __init__(self, folder: str | Path, create: bool = True) -> None:
        self.folder = Path(folder)
        self.path = self.folder / STORE_FILE
        if not self.path.exists() and not create:
            raise StoreError(f"{self.folder} is not a mibench run: {STORE_FILE} not found")
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            columns = ", ".join(
                f"{name} {kind} PRIMARY KEY" if name == "task_id" else f"{name} {kind}"
                for name, kind in RECORD_COLUMNS.items()
            )
            self.db.execute(f"CREATE TABLE IF NOT EXISTS records ({columns})")
            self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path} is not a readable mibench store ({exc}); move it away or pass --force to start a new one"
            ) from None

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

    def add(self, record: dict[str, Any]) -> None:
        """Commit one record (a single INSERT is its own transaction)."""
        values = [_sql_value(record[name]) for name in RECORD_COLUMNS]
        placeholders = ", ".join("?" for _ in RECORD_COLUMNS)
        self.db.execute(f"INSERT OR REPLACE INTO records VALUES ({placeholders})", values)

    def add_many(self, records: Iterable[dict[str, Any]]) -> None:
        with self.db:
            self.db.execute("BEGIN")
            for record in records:
                self.add(record)

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


def _sql_value(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def load_records(run: str | Path) -> pd.DataFrame:
    """The records of a run folder (or of an exported CSV/Parquet file) as a DataFrame."""
    path = Path(run)
    if path.is_dir():
        if not (path / STORE_FILE).exists() and (path / "records.csv").exists():
            path = path / "records.csv"  # a committed run folder keeps its records as CSV only
        else:
            with Store(path, create=False) as store:
                return store.records()
    if not path.exists():
        raise FileNotFoundError(f"no run folder or records file at {str(path)!r}")
    if path.name.endswith((".csv", ".csv.gz")):
        return records_frame(pd.read_csv(path, keep_default_na=True, dtype={"message": str}).fillna({"message": ""}))
    if path.suffix in (".parquet", ".pq"):
        return records_frame(pd.read_parquet(path))
    raise ValueError(f"cannot read records from {str(path)!r}: expected a run folder, .csv or .parquet")
