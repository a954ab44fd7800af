"""What the subcommands share: the user-error type, table output and output folders."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..tables import render_table


class UserError(Exception):
    """A problem with what the user asked for: reported in one line, exit code 1."""


def print_table(table: pd.DataFrame, fmt: str) -> None:
    """Print a table to stdout in ``fmt`` (``table`` is aligned text)."""
    text = render_table(table, "text" if fmt == "table" else fmt)
    print(text, end="" if text.endswith("\n") else "\n")


def records_to_analyse(run: str | Path) -> pd.DataFrame:
    """The records of a run folder or records file, or UserError if it holds none."""
    from ..store import load_records

    records = load_records(run)
    if records.empty:
        raise UserError(f"{run} holds no records: nothing to analyse")
    return records


#: Suffixes that make an --out that does not exist yet look like a file, not a folder.
FILE_SUFFIXES = {".html", ".htm", ".md", ".png", ".svg", ".pdf", ".csv"}


def output_folder(run: str, out: str | None, subfolder: str = "") -> Path:
    """``out`` if given, else the run folder (or the records file's folder), plus ``subfolder``."""
    if out:
        folder = Path(out)
        if folder.is_file() or (not folder.is_dir() and folder.suffix.lower() in FILE_SUFFIXES):
            raise UserError(f"--out {out!r} names a file; name the folder to write into (the file names are fixed)")
        return folder
    path = Path(run)
    return (path if path.is_dir() else path.parent) / subfolder
