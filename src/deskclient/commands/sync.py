"""``deskclient sync`` and ``deskclient export-bundle FILE``: the outbox from a shell or a scheduled task.

``sync`` shows a progress bar on a terminal and is silent otherwise unless something needs saying,
so cron / Task Scheduler only mails when the office could not be reached. Exit codes: 0 all sent,
3 offline (records kept), 2 refused or misconfigured.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deskclient.strings import sync as T

EXIT_OK = 0
EXIT_REFUSED = 2
EXIT_OFFLINE = 3
SHELL_MIN_SECONDS = 60.0


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
    p.add_argument("--station", default=None, help=T.ARG_STATION)


@dataclass
class StationContext:
    """What sync needs: the ledger, the station code, the office and its time limit."""

    engine: Any
    data_dir: Path
    station: str
    url: str
    token: str
    timeout_s: float


def load_context(args: argparse.Namespace) -> StationContext:
    """The station's settings (via ``deskclient.settings``), overridden by --url/--token/--station."""
    from deskclient import settings as S

    loader = getattr(S, "load_station_context", None)
    if loader is not None:
        ctx = loader(args)
        engine = getattr(ctx, "engine", None)
        data_dir = Path(getattr(ctx, "data_dir", None) or getattr(getattr(ctx, "paths", None), "data_dir", "."))
        sets = getattr(ctx, "settings", None)
        station = getattr(ctx, "station", None) or getattr(getattr(sets, "station", None), "code", "")
        central = getattr(sets, "central", None)
        url = getattr(ctx, "url", None) or getattr(central, "url", "")
        token = getattr(ctx, "token", None) or getattr(central, "token", "")
        timeout = getattr(ctx, "timeout_s", None) or getattr(central, "exit_sync_timeout_s", 5.0)
        if not isinstance(station, str):
            station = getattr(station, "code", "")
    else:
        paths = S.Paths.resolve(getattr(args, "data_dir", None))
        sets = S.load_settings(paths.config_file)
        engine, data_dir = None, paths.data_dir
        station, url, token = sets.station.code, sets.central.url, sets.central.token
        timeout = sets.central.exit_sync_timeout_s
    if engine is None:
        from deskclient.store.db import open_ledger

        engine = open_ledger(S.Paths.resolve(getattr(args, "data_dir", None)).ledger_file)
    return StationContext(engine=engine, data_dir=data_dir, station=args.station or station,
                          url=args.url or url, token=args.token or token,
                          timeout_s=float(getattr(args, "timeout", None) or timeout))


def run_sync(args: argparse.Namespace) -> int:
    import time

    from deskclient.services.sync import SyncClient

    ctx = load_context(args)
    client = SyncClient(ctx.engine, ctx.url, ctx.token, ctx.station, timeout_s=min(ctx.timeout_s, 10.0),
                        data_dir=ctx.data_dir)
    # --timeout bounds the whole run; without it a scheduled run may take longer than the exit screen.
    limit = args.timeout if args.timeout is not None else max(ctx.timeout_s, SHELL_MIN_SECONDS)
    deadline = time.monotonic() + limit
    if sys.stdout.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        with Progress(TextColumn(T.PROGRESS_LABEL), BarColumn(), MofNCompleteColumn(), transient=True) as bar:
            task = bar.add_task("sync", total=None)
            result = client.sync_once(lambda sent, total: bar.update(task, completed=sent, total=total),
                                      deadline)
        print(result.message)
    else:
        result = client.sync_once(None, deadline)
        if not result.ok or result.set_aside:
            print(result.message)
    if result.ok and not getattr(args, "no_updates", False):
        updates = client.check_updates(ctx.data_dir, time.monotonic() + ctx.timeout_s)
        if sys.stdout.isatty() or not updates.ok:
            print(updates.message)
    if result.ok:
        return EXIT_OK
    return EXIT_OFFLINE if result.offline else EXIT_REFUSED


def run_export(args: argparse.Namespace) -> int:
    from deskclient.services.bundle import export_bundle

    ctx = load_context(args)
    if not ctx.token or not ctx.station:
        print(T.OPTION_MISSING.format(option="--token / --station"), file=sys.stderr)
        return EXIT_REFUSED
    info = export_bundle(ctx.engine, Path(args.file), ctx.station, ctx.token)
    if info is None:
        print(T.BUNDLE_EMPTY)
        return EXIT_OK
    print(T.BUNDLE_WRITTEN.format(count=info.count, first=info.first_seq, last=info.last_seq, path=info.path))
    return EXIT_OK
