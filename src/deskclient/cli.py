"""``deskclient``: start the desk, or run one of the headless commands.

Kept thin and light: argparse only at import time. The Textual app is imported only when the
desk is actually started.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from deskclient import __version__
from deskclient.strings import cli as T

# Subcommand modules under deskclient.commands, in the order --help lists them.
COMMAND_MODULES = (
    "app",
    "demo_data",
    "due_date",
    "catalog",
    "notice",
    "sync",
    "central",
    "report",
    "serve",
    "training",
)


class ChineseHelpFormatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="deskclient", description=T.DESCRIPTION, epilog=T.EPILOG, formatter_class=ChineseHelpFormatter,
        add_help=False,
    )
    parser._optionals.title = T.OPTIONS_TITLE
    parser.add_argument("-h", "--help", action="help", help=T.HELP)
    parser.add_argument("--version", action="version", version=f"deskclient {__version__}", help=T.VERSION)
    add_common(parser)
    sub = parser.add_subparsers(title=T.COMMANDS_TITLE, metavar=T.COMMAND_METAVAR, dest="command")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"deskclient.commands.{name}")
        module.register(sub)
    for command in sub.choices.values():  # the global flags work after the subcommand too
        add_common(command)
    return parser


#: The global flags and their values when given nowhere.
GLOBAL_DEFAULTS: dict[str, object] = {"data_dir": None, "demo": False, "training": False}


def add_common(parser: argparse.ArgumentParser) -> None:
    """``--data-dir``, ``--demo``, ``--training``: on the top parser and on every subcommand.

    SUPPRESS as the default means a subcommand's parser only sets the flag when it is given there, so
    ``deskclient --demo report`` and ``deskclient report --demo`` both reach the demo ledger (argparse
    would otherwise let the subcommand's default ``False`` overwrite the top level's ``True``)."""
    parser.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS, help=T.DATA_DIR)
    parser.add_argument("--demo", action="store_true", default=argparse.SUPPRESS, help=T.DEMO)
    parser.add_argument("--training", action="store_true", default=argparse.SUPPRESS, help=T.TRAINING)


def main(argv: Sequence[str] | None = None) -> int:
    import os

    os.umask(0o077)  # ledger (full ID numbers), bundles, logs, keys, office DB: owner only (#17)
    parser = build_parser()
    args = parser.parse_args(argv)
    for name, value in GLOBAL_DEFAULTS.items():
        if not hasattr(args, name):
            setattr(args, name, value)
    _log_to_file(args)
    func = getattr(args, "func", None)
    if func is None:
        from deskclient.commands.app import run_app

        func = run_app
    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        print(T.INTERRUPTED, file=sys.stderr)
        return 130
    except Exception as err:  # the last line of defence: a message, never a traceback
        from deskclient.domain.errors import DeskError

        if isinstance(err, DeskError):
            print(err.message, file=sys.stderr)
            return 2
        import logging

        logging.getLogger("deskclient").exception("unexpected error in %s", getattr(args, "command", "app"))
        print(T.UNEXPECTED.format(kind=type(err).__name__), file=sys.stderr)
        return 1


def _log_to_file(args: argparse.Namespace) -> None:
    """Every command logs to the rotating file (never to the terminal: no tracebacks for clerks)."""
    import contextlib

    from deskclient.commands.app import mode_of
    from deskclient.logs import setup_logging
    from deskclient.settings import Paths

    with contextlib.suppress(OSError):
        setup_logging(Paths.resolve(args.data_dir, mode_of(args)).log_file)
