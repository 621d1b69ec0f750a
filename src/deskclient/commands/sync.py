"""``deskclient sync`` and ``deskclient export-bundle FILE``: the outbox from a shell or a scheduled task.

Both open the station like the desk does (``open_context``) and go through ``ctx.link``, the one sync
path, so a station set up with the first-run wizard (office address in its station row, token in
settings.toml) syncs from its nightly job exactly as from the desk. ``--url/--token/--station``
override the resolved identity for one run.

``sync`` shows a progress bar on a terminal and is silent otherwise unless something needs saying,
so cron / Task Scheduler only mails when the office could not be reached. Exit codes: 0 all sent and
updates checked, 3 offline (records kept), 2 refused or misconfigured (wrong token, station disabled,
another ledger, a conflict, a reply that proves nothing), 4 records sent but the catalog / holiday
update failed (the current files stay in use).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deskclient.strings import sync as T

if TYPE_CHECKING:
    from deskclient.services.context import DeskContext, StationIdentity

EXIT_OK = 0
EXIT_REFUSED = 2
EXIT_OFFLINE = 3
EXIT_UPDATE_FAILED = 4
SHELL_MIN_SECONDS = 60.0
REQUEST_TIMEOUT_CAP_S = 10.0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("sync", help=T.SYNC_HELP, description=T.SYNC_DESCRIPTION)
    _station_options(p)
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS", help=T.ARG_TIMEOUT)
    p.add_argument("--no-updates", action="store_true", help=T.ARG_NO_UPDATES)
    p.set_defaults(func=run_sync)
    p = subparsers.add_parser("export-bundle", help=T.EXPORT_HELP, description=T.EXPORT_HELP)
    p.add_argument("file", help=T.ARG_FILE)
    _station_options(p)
    p.set_defaults(func=run_export)


def _station_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--url", default=None, help=T.ARG_URL)
    p.add_argument("--token", default=None, help=T.ARG_TOKEN)
    p.add_argument("--token-file", default=None, metavar="FILE", help=T.ARG_TOKEN_FILE)
    p.add_argument("--station", default=None, help=T.ARG_STATION)


def _open(args: argparse.Namespace) -> DeskContext:
    from deskclient.services.context import open_context
    from deskclient.settings import Paths, mode_of

    return open_context(Paths.resolve(args.data_dir, mode_of(args)))


def _identity(ctx: DeskContext, args: argparse.Namespace) -> StationIdentity:
    return ctx.link.identity(url=args.url, token=_token(args) or None, code=args.station)


def _token(args: argparse.Namespace) -> str:
    """``--token-file FILE`` (``-`` = stdin, first line) or ``--token``; "" when neither is given.

    A token on the command line is visible to every user of the PC in the process list, so it is
    accepted (scripts use it) with a warning; the file or stdin keeps it out of ``ps``.
    """
    from deskclient.domain.errors import DeskError

    source = getattr(args, "token_file", None)
    if source:
        try:
            text = sys.stdin.readline() if source == "-" else Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise DeskError(T.TOKEN_FILE_BAD.format(path=source, error=type(err).__name__)) from None
        token = text.strip().splitlines()[0].strip() if text.strip() else ""
        if not token:
            raise DeskError(T.TOKEN_FILE_BAD.format(path=source, error="empty"))
        return token
    if args.token:
        print(T.TOKEN_ON_COMMAND_LINE, file=sys.stderr)
    return args.token or ""


def run_sync(args: argparse.Namespace) -> int:
    import time

    ctx = _open(args)
    try:
        identity = _identity(ctx, args)
        timeout_s = ctx.settings.central.exit_sync_timeout_s
        # --timeout bounds the whole run; without it a scheduled run may take longer than the exit screen.
        limit = args.timeout if args.timeout is not None else max(timeout_s, SHELL_MIN_SECONDS)
        deadline = time.monotonic() + limit
        request_timeout = min(timeout_s, REQUEST_TIMEOUT_CAP_S)
        if sys.stdout.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            with Progress(TextColumn(T.PROGRESS_LABEL), BarColumn(), MofNCompleteColumn(), transient=True) as bar:
                task = bar.add_task("sync", total=None)
                result = ctx.link.sync_once(lambda sent, total: bar.update(task, completed=sent, total=total),
                                            deadline=deadline, request_timeout_s=request_timeout, identity=identity)
            print(result.message)
        else:
            result = ctx.link.sync_once(None, deadline=deadline, request_timeout_s=request_timeout,
                                        identity=identity)
            if not result.ok or result.set_aside:
                print(result.message)
        updates_ok = True
        if result.ok and not args.no_updates:
            updates = ctx.link.check_updates(deadline=time.monotonic() + timeout_s, identity=identity)
            updates_ok = updates is None or updates.ok
            if updates is not None and (sys.stdout.isatty() or not updates.ok):
                print(updates.message)
    finally:
        ctx.close()
    if result.ok:
        return EXIT_OK if updates_ok else EXIT_UPDATE_FAILED
    return EXIT_OFFLINE if result.offline else EXIT_REFUSED


def run_export(args: argparse.Namespace) -> int:
    ctx = _open(args)
    try:
        info = ctx.link.export_bundle(Path(args.file), identity=_identity(ctx, args))
    finally:
        ctx.close()
    if info is None:
        print(T.BUNDLE_EMPTY)
        return EXIT_OK
    print(T.BUNDLE_WRITTEN.format(count=info.count, first=info.first_seq, last=info.last_seq, path=info.path))
    return EXIT_OK
