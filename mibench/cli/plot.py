"""``mibench plot``: the figures of a run."""

from __future__ import annotations

import argparse
import sys

from ._common import UserError, output_folder, records_to_analyse

NAME = "plot"
HELP = "Write the figures of a run (PNG; SVG too with --format svg)."


def setup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run", help="a run folder or records file")
    parser.add_argument(
        "--kind",
        action="append",
        dest="kinds",
        metavar="KIND",
        help="estimate, bias, std, rmse, runtime, pareto, heatmap, sweep (repeatable; default all)",
    )
    parser.add_argument("--out", metavar="DIR", help="where to write (RUN/figures if not given)")
    parser.add_argument(
        "--format",
        action="append",
        dest="formats",
        choices=["png", "svg"],
        help="figure format (repeatable; png if not given)",
    )


def run(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")  # the command line draws into files only
    from ..plots import plot

    folder = output_folder(args.run, args.out, "figures")
    paths = plot(records_to_analyse(args.run), folder, kinds=args.kinds, formats=args.formats or ("png",))
    for path in paths:
        print(path)
    drawn = {path.stem for path in paths}
    for kind in [kind for kind in dict.fromkeys(args.kinds or ()) if kind not in drawn]:
        print(f"no {kind} figure: {NOTHING_TO_SHOW.get(kind, 'nothing to show in this run')}", file=sys.stderr)
    if not paths:
        raise UserError("no figure was drawn")
    return 0


NOTHING_TO_SHOW = {"sweep": "the run holds no sweep (three or more scenarios of a family differing in one parameter)"}
