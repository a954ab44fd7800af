"""``mibench list``: registered estimators, scenarios and suites."""

from __future__ import annotations

import argparse

import pandas as pd

from ..tables import render_table

NAME = "list"
HELP = "List registered estimators, scenarios and suites."
EXAMPLES = """
    examples:
      mibench list                  every estimator, scenario and suite
      mibench list estimators       estimators with the data types they accept (and the z they condition on)
      mibench list scenarios        scenarios with their true MI (or conditional MI, TE) and how it is known
      mibench list suites
    """


def setup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", nargs="?", choices=["estimators", "scenarios", "suites"], help="what to list")


def run(args: argparse.Namespace) -> int:
    from ..estimator import ESTIMATORS
    from ..experiment_file import list_suites
    from ..scenario import SCENARIOS, get_scenario

    sections = []
    if args.what in (None, "estimators"):
        rows = []
        for entry in ESTIMATORS.entries():
            info = entry.metadata["info"]
            types = "any" if len(info.types) == 9 else ", ".join(f"{a[:4]}/{b[:4]}" for a, b in info.types)
            rows.append(
                [
                    entry.name,
                    types,
                    ", ".join(kind[:4] for kind in info.z_types) or "-",
                    "yes" if info.multivariate else "no",
                    ", ".join(info.requires) or "-",
                    entry.summary[:70],
                ]
            )
        table = pd.DataFrame(rows, columns=["name", "x/y types", "z types", "multivariate", "needs", "summary"])
        sections.append("estimators\n" + render_table(table))
    if args.what in (None, "scenarios"):
        rows = []
        for entry in SCENARIOS.entries():
            scenario = get_scenario(f"{entry.name}-v{entry.version}")
            rows.append(
                [
                    f"{entry.name}-v{entry.version}",
                    scenario.quantity,
                    f"{scenario.x_type[:4]}/{scenario.y_type[:4]}"
                    + (f"|{scenario.z_type[:4]}" if scenario.conditional else ""),
                    f"{scenario.dim_x}x{scenario.dim_y}" + (f"|{scenario.dim_z}" if scenario.conditional else ""),
                    f"{scenario.mi:.4f}",
                    scenario.truth.method,
                ]
            )
        table = pd.DataFrame(rows, columns=["name", "quantity", "x/y|z types", "dims", "true value", "truth"])
        sections.append("scenarios (at default parameters)\n" + render_table(table))
    if args.what in (None, "suites"):
        table = pd.DataFrame(list(list_suites().items()), columns=["name", "description"])
        sections.append("suites\n" + render_table(table))
    print("\n\n".join(sections))
    return 0
