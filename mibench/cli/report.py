"""``mibench report``: a self-contained HTML report and a Markdown summary of a run."""

from __future__ import annotations

import argparse
from pathlib import Path

from ._common import output_folder, records_to_analyse

NAME = "report"
HELP = "Write a self-contained HTML report and a Markdown summary of a run."


def setup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run", help="a run folder or records file")
    parser.add_argument("--out", metavar="DIR", help="where to write")
    parser.add_argument("--title", default="mibench report")


def run(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")  # the command line draws into files only
    from ..report import write_report

    folder = Path(args.run)
    html_path, markdown_path = write_report(
        records_to_analyse(folder),
        output_folder(args.run, args.out),
        run=folder if folder.is_dir() else None,
        title=args.title,
    )
    print(html_path)
    print(markdown_path)
    return 0
