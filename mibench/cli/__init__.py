"""The ``mibench`` command line: data on stdout, progress and messages on stderr.

Each subcommand lives in its own module beside this one, with its parser and its handler
together: ``NAME``, ``HELP``, optional ``EXAMPLES``, ``setup_arguments(parser)`` and ``run(args)``.
To add a subcommand, add a module and name it in ``COMMANDS``.

Exit codes: 0 success; 1 failed estimates or a user error; 2 a usage error; 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import os
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


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Examples kept as written; every option's default shown."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if action.option_strings and action.default not in (None, False, [], argparse.SUPPRESS):
            text += " (default: %(default)s)"
        return text


def _parser() -> tuple[argparse.ArgumentParser, dict[str, object]]:
    parser = argparse.ArgumentParser(
        prog="mibench",
        description="Benchmark mutual-information estimators on scenarios with known MI.",
        epilog=EPILOG,
        formatter_class=HelpFormatter,
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
            formatter_class=HelpFormatter,
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
        for action in sub._actions:  # argparse shows defaults only beside help text
            if action.option_strings and action.help is None:
                action.help = action.dest.replace("_", " ")
        modules[module.NAME] = module
    return parser, modules


def main(argv: Sequence[str] | None = None) -> int:
    parser, modules = _parser()
    args = parser.parse_args(argv)
    from ..registry import load_plugin

    try:
        for path in [*args.plugin, *args.command_plugins]:
            load_plugin(path)
        code = modules[args.command].run(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:  # the reader went away (`mibench list | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (UserError, LookupError, ValueError, TypeError, OSError, RuntimeError, ImportError) as exc:
        print(f"mibench: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("mibench: interrupted; finished estimates are kept: rerun the same command to resume", file=sys.stderr)
        return 130
