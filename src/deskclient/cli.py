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

# Every subcommand: name -> (its module under deskclient.commands, "strings module:NAME" of its help
# line), in the order --help lists them. Only the module of the command that runs is imported (its
# ``register`` sets up its arguments); --help lists every command from the help lines alone, so a
# command's start never pays for the other commands' imports (issue 20: 0.37 s of a search).
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("app", "cli:RUN_HELP"),
    "demo-data": ("demo_data", "cli:DEMO_DATA_HELP"),
    "due-date": ("due_date", "calendar:CMD_HELP"),
    "catalog": ("catalog", "catalog:CLI_HELP"),
    "notice": ("notice", "notices:CLI_HELP"),
    "sync": ("sync", "sync:SYNC_HELP"),
    "export-bundle": ("sync", "sync:EXPORT_HELP"),
    "central": ("central", "central:CMD_HELP"),
    "report": ("report", "desk:CMD_HELP"),
    "serve": ("serve", "cli:SERVE_HELP"),
    "training": ("training", "training:CMD_HELP"),
}
# Commands whose code writes no log line (the catalog's commands read files and print): the log
# file is set up only when main has an unexpected error to record, so a search does not import
# ``logging`` (6 ms of a ~50 ms command; tests/test_cli.py holds both halves of this).
QUIET_COMMANDS = frozenset({"catalog"})
COMMAND_MODULES = tuple(dict.fromkeys(module for module, _ in COMMANDS.values()))
_VALUE_OPTIONS = ("--data-dir",)  # global options that take a value (the scan below skips it)


class ChineseHelpFormatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for ``argv``: the chosen command's own arguments, every other command as a
    one-line entry of the list. Without ``argv`` (or when the command word cannot be told
    from it) every command module is loaded, as before."""
    parser = argparse.ArgumentParser(
        prog="deskclient", description=T.DESCRIPTION, epilog=T.EPILOG, formatter_class=ChineseHelpFormatter,
        add_help=False,
    )
    parser._optionals.title = T.OPTIONS_TITLE
    parser.add_argument("-h", "--help", action="help", help=T.HELP)
    parser.add_argument("--version", action="version", version=f"deskclient {__version__}", help=T.VERSION)
    add_common(parser)
    # prog given: argparse would otherwise build a help formatter here, importing shutil (+bz2, lzma)
    sub = parser.add_subparsers(title=T.COMMANDS_TITLE, metavar=T.COMMAND_METAVAR, dest="command",
                                prog=parser.prog)
    word = command_word(argv) if argv is not None else ""
    if word and word in COMMANDS:  # the command that runs: only its module, and no list to show
        importlib.import_module(f"deskclient.commands.{COMMANDS[word][0]}").register(sub)
    elif word is None:  # no command (the desk, --help, --version): every command as one line
        listing = any(t == "-h" or (len(t) > 2 and "--help".startswith(t)) for t in argv or ())
        for name, (_module, help_ref) in COMMANDS.items():
            text = _help_text(help_ref) if listing else None
            sub.add_parser(name, help=text, description=text, formatter_class=ChineseHelpFormatter)
    else:  # an unknown or unreadable command word: every module, argparse says what is wrong
        for module_name in COMMAND_MODULES:
            importlib.import_module(f"deskclient.commands.{module_name}").register(sub)
    for command in sub.choices.values():  # the global flags work after the subcommand too
        add_common(command)
    return parser


def command_word(argv: Sequence[str]) -> str | None:
    """The subcommand word of ``argv``; None when there is none; "" when it cannot be told
    safely (an abbreviated value option, say), so the caller loads every command."""
    skip = False
    for token in argv:
        if skip:
            skip = False
            continue
        if token == "--":
            return ""
        if token.startswith("-"):
            if "=" in token:
                continue
            if token in _VALUE_OPTIONS:
                skip = True
            elif token.startswith("--") and any(o.startswith(token) for o in _VALUE_OPTIONS):
                return ""  # argparse's abbreviations: leave the reading to argparse itself
            continue
        return token
    return None


def _help_text(ref: str) -> str:
    module, name = ref.split(":")
    return str(getattr(importlib.import_module(f"deskclient.strings.{module}"), name))


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
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    for name, value in GLOBAL_DEFAULTS.items():
        if not hasattr(args, name):
            setattr(args, name, value)
    if getattr(args, "command", None) not in QUIET_COMMANDS:
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

        _log_to_file(args)  # idempotent; a quiet command's file is set up here
        logging.getLogger("deskclient").exception("unexpected error in %s", getattr(args, "command", "app"))
        print(T.UNEXPECTED.format(kind=type(err).__name__), file=sys.stderr)
        return 1


def _log_to_file(args: argparse.Namespace) -> None:
    """Every command logs to the rotating file (never to the terminal: no tracebacks for clerks)."""
    import contextlib

    from deskclient.logs import setup_logging
    from deskclient.paths import Paths, mode_of

    with contextlib.suppress(OSError):
        setup_logging(Paths.resolve(args.data_dir, mode_of(args)).log_file)
