"""The ``mibench`` command line: data on stdout, progress and messages on stderr.

Each subcommand lives in its own module beside this one, with its parser and its handler
together: ``NAME``, ``HELP``, optional ``EXAMPLES``, ``setup_arguments(parser)`` and ``run(args)``.
To add a subcommand, add a module and name it in ``COMMANDS``.

Exit codes: 0 success; 1 failed estimates or a user error; 2 a usage error; 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import textwrap
from collections.abc import Sequence

from .. import __version__
from ._common import UserError

__all__ = ["main", "UserError"]

COMMANDS = (
    "listing",
    "describe",
    "run",
    "export",
    "summarize",
    "compare",
    "plot",
    "report",
    "recommend",
    "estimate",
    "info",
)

EPILOG = "exit codes: 0 success; 1 failed estimates or a user error; 2 a usage error; 130 interrupted"


def _parser() -> tuple[argparse.ArgumentParser, dict[str, object]]:
    parser = argparse.ArgumentParser(
        prog="mibench",
        description="Benchmark mutual-information estimators on scenarios with known MI.",
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"mibench {__version__}")
    parser.add_argument(
        "--plugin", action="append", default=[], metavar="FILE.py", help="load estimators or scenarios from a file"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules = {}
    for module_name in COMMANDS:
        module = importlib.import_module(f".{module_name}", __name__)
        sub = commands.add_parser(
            module.NAME,
            help=module.HELP,
            description=module.HELP,
            epilog=textwrap.dedent(getattr(module, "EXAMPLES", "")) + "\n" + EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.add_argument(
            "--plugin",
            action="append",
            default=[],
            dest="command_plugins",
            metavar="FILE.py",
            help="load estimators or scenarios from a Python file (repeatable)",
        )
        module.setup_arguments(sub)
        modules[module.NAME] = module
    return parser, modules


def main(argv: Sequence[str] | None = None) -> int:
    parser, modules = _parser()
    args = parser.parse_args(argv)
    from ..registry import load_plugin

    try:
        for path in [*args.plugin, *args.command_plugins]:
            load_plugin(path)
        return modules[args.command].run(args)
    except (UserError, LookupError, ValueError, TypeError, OSError, RuntimeError, ImportError) as exc:
        print(f"mibench: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("mibench: interrupted; rerun the same command to resume", file=sys.stderr)
        return 130
