"""``deskclient report daily|weekly|monthly --date D --format table|csv|json [-o FILE] [--window N]``.

Light at import time (argparse and strings only); the ledger, SQLAlchemy and rich are imported when
the command runs. Bad input gives a Chinese message on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from deskclient.strings import desk as T

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help=T.CMD_HELP, description=T.CMD_DESCRIPTION,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kind", choices=("daily", "weekly", "monthly"), help=T.ARG_KIND)
    p.add_argument("--date", dest="day", default="", metavar="YYYY-MM-DD", help=T.ARG_DATE)
    p.add_argument("--format", dest="fmt", choices=("table", "csv", "json"), default="table", help=T.ARG_FORMAT)
    p.add_argument("-o", "--output", default="", metavar="FILE", help=T.ARG_OUTPUT)
    p.add_argument("--window", default=None, metavar="N", help=T.ARG_WINDOW)
    p.add_argument("--encoding", choices=("utf-8-sig", "gb18030"), default="utf-8-sig", help=T.ARG_ENCODING)
    p.set_defaults(func=run)


def parse_day(raw: str) -> date | None:
    text = (raw or "").strip()
    if len(text) != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from deskclient.services import reports as R
    from deskclient.services.context import open_context
    from deskclient.services.files import atomic_write_bytes
    from deskclient.settings import Paths, mode_of

    day: date | None
    if args.day:
        day = parse_day(args.day)
        if day is None:
            print(T.BAD_DATE.format(value=args.day), file=sys.stderr)
            return EXIT_BAD_INPUT
    else:
        day = None
    ctx = open_context(Paths.resolve(args.data_dir, mode_of(args)))
    try:
        if not ctx.people.is_configured():
            print(T.NOT_CONFIGURED, file=sys.stderr)
            return EXIT_BAD_INPUT
        names = ctx.reports.names()
        window = args.window.strip() if args.window else None
        if window is not None and window not in names.windows:
            print(T.BAD_WINDOW.format(window=window, windows="、".join(sorted(names.windows))), file=sys.stderr)
            return EXIT_BAD_INPUT
        summary = ctx.reports.summary(args.kind, day, window=window)
    finally:
        ctx.close()
    if args.fmt == "csv":
        try:
            data = R.to_csv(summary, names, args.encoding)
        except UnicodeEncodeError:
            print(T.ENCODE_FAILED.format(encoding=args.encoding), file=sys.stderr)
            return EXIT_BAD_INPUT
    elif args.fmt == "json":
        data = (R.to_json(summary, names) + "\n").encode("utf-8")
    else:
        data = R.render_text(summary, names, width=160 if args.output else _terminal_width()).encode("utf-8")
    if args.output:
        path = Path(args.output).expanduser()
        try:
            atomic_write_bytes(path, data)
        except OSError as err:
            print(T.WRITE_FAILED.format(path=path, error=err.strerror or type(err).__name__), file=sys.stderr)
            return EXIT_BAD_INPUT
        print(T.WRITTEN.format(path=path))
        return EXIT_OK
    if args.fmt == "csv":
        sys.stdout.buffer.write(data)  # the bytes as they would be saved (BOM included)
        sys.stdout.flush()
    else:
        sys.stdout.write(data.decode("utf-8"))
    return EXIT_OK


def _terminal_width() -> int:
    import shutil

    return max(80, shutil.get_terminal_size((120, 40)).columns)
