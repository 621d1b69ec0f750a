"""``deskclient central ...``: the county office's service and admin commands.

Module-level imports are light (argparse and strings only); SQLAlchemy, FastAPI and uvicorn are
imported by the handler that needs them.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from deskclient.strings import central as T
from deskclient.strings import county_web as W


def register(subparsers: Any) -> None:
    """Add ``central`` and its sub-commands."""
    parser = subparsers.add_parser("central", help=T.CMD_HELP, description=T.CMD_DESCRIPTION)
    parser.set_defaults(func=lambda _args: parser.print_help() or 0)
    sub = parser.add_subparsers(title=T.SUB_TITLE, dest="central_command")

    def add(name: str, help_: str, func: Any) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.add_argument("--db", metavar="URL", default=None, help=T.ARG_DB)
        p.set_defaults(func=func)
        return p

    p = add("serve", T.SERVE_HELP, _serve)
    p.add_argument("--host", default="127.0.0.1", help=T.ARG_HOST)
    p.add_argument("--port", type=int, default=8700, help=T.ARG_PORT)
    p = add("add-station", T.ADD_STATION_HELP, _add_station)
    p.add_argument("code", help=T.ARG_CODE)
    p.add_argument("name", help=T.ARG_NAME)
    p = add("add-user", W.ADD_USER_HELP, _add_user)
    p.add_argument("login", help=W.ARG_LOGIN)
    p.add_argument("name", help=W.ARG_USER_NAME)
    p.add_argument("--role", choices=("admin", "viewer"), default="viewer", help=W.ARG_ROLE)
    p.add_argument("--password-stdin", action="store_true", help=W.ARG_PASSWORD_STDIN)
    add("rebuild-views", W.REBUILD_HELP, _rebuild_views)
    p = add("status", T.STATUS_HELP, _status)
    p.add_argument("--json", action="store_true", dest="as_json", help=T.ARG_JSON)
    p = add("import-bundle", T.IMPORT_HELP, _import_bundle)
    p.add_argument("file", help=T.ARG_BUNDLE)
    p = add("publish-catalog", T.PUBLISH_CATALOG_HELP, lambda a: _publish(a, "catalog"))
    p.add_argument("dir", help=T.ARG_DIR)
    p = add("publish-holidays", T.PUBLISH_HOLIDAYS_HELP, lambda a: _publish(a, "holidays"))
    p.add_argument("dir", help=T.ARG_DIR)


def _engine(args: argparse.Namespace) -> Any:
    from sqlalchemy.exc import SQLAlchemyError

    from deskclient.central.db import default_db_url, make_engine
    from deskclient.domain.errors import DeskError

    url = args.db or default_db_url()
    try:
        return make_engine(url)
    except (SQLAlchemyError, ImportError, OSError) as err:
        raise DeskError(T.DB_ERROR.format(error=type(err).__name__)) from None


def _safe_db(url: str) -> str:
    """The database URL without a password, for the startup line."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "?"


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from deskclient.central.app import create_app
    from deskclient.central.db import default_db_url, normalise_url
    from deskclient.central.logs import setup_json_logging

    engine = _engine(args)
    setup_json_logging()
    print(T.SERVING.format(host=args.host, port=args.port,
                           db=_safe_db(normalise_url(args.db or default_db_url()))), file=sys.stderr)
    uvicorn.run(create_app(engine), host=args.host, port=args.port, access_log=False, log_config=None,
                proxy_headers=True, server_header=False)
    return 0


def _add_station(args: argparse.Namespace) -> int:
    from deskclient.central.admin import add_station

    token = add_station(_engine(args), args.code, args.name)
    print(T.STATION_ADDED.format(code=args.code, name=args.name, token=token))
    return 0


def _add_user(args: argparse.Namespace) -> int:
    """Create a web account; the password is read without echo (or from stdin for scripts)."""
    from deskclient.central.accounts import add_user
    from deskclient.domain.errors import DeskError

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        import getpass

        password = getpass.getpass(W.PASSWORD_PROMPT)
        if getpass.getpass(W.PASSWORD_AGAIN) != password:
            raise DeskError(W.PASSWORD_MISMATCH)
    user = add_user(_engine(args), args.login, args.name, args.role, password)
    print(W.USER_ADDED.format(login=user.login, role=W.ROLE_LABELS[user.role]))
    return 0


def _rebuild_views(args: argparse.Namespace) -> int:
    from deskclient.central.project import rebuild

    print(W.REBUILT.format(events=rebuild(_engine(args))))
    return 0


def _status(args: argparse.Namespace) -> int:
    from deskclient.central.admin import county_status

    rows = county_status(_engine(args), date.today())
    if args.as_json:
        print(json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(T.STATUS_EMPTY)
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=T.STATUS_TITLE)
    for col in T.STATUS_COLUMNS:
        table.add_column(col, justify="right" if col not in T.STATUS_COLUMNS[:3] else "left")
    for r in rows:
        contact = r.last_contact.strftime("%Y-%m-%d %H:%M") if r.last_contact else T.STATUS_NEVER
        table.add_row(r.code, r.name, contact, str(r.events_received), str(r.contiguous), str(r.rejected),
                      str(r.open_cases), str(r.overdue_cases))
    Console().print(table)
    return 0


def _import_bundle(args: argparse.Namespace) -> int:
    from deskclient.central.admin import import_bundle

    print(import_bundle(_engine(args), args.file).message())
    return 0


def _publish(args: argparse.Namespace, kind: str) -> int:
    from pathlib import Path

    from deskclient.central.admin import publish

    pub, changed = publish(_engine(args), kind, Path(args.dir))
    text = T.PUBLISHED if changed else T.PUBLISH_UNCHANGED
    print(text.format(kind=T.KIND_LABELS[kind], version=pub.version, files=len(pub.files)))
    return 0
