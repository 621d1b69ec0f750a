"""``deskclient central ...``: the county office's service and admin commands.

Module-level imports are light (argparse and strings only); SQLAlchemy, FastAPI and uvicorn are
imported by the handler that needs them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date, datetime
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
    p.add_argument("--tls-cert", metavar="PEM", default=None, help=T.ARG_TLS_CERT)
    p.add_argument("--tls-key", metavar="PEM", default=None, help=T.ARG_TLS_KEY)
    p.add_argument("--max-connections", type=int, default=None, metavar="N",
                   help=T.ARG_MAX_CONNECTIONS.format(default=_default_max_connections()))
    p = add("add-station", T.ADD_STATION_HELP, _add_station)
    p.add_argument("code", help=T.ARG_CODE)
    p.add_argument("name", help=T.ARG_NAME)
    p = add("rotate-token", T.ROTATE_HELP, _rotate_token)
    p.add_argument("code", help=T.ARG_CODE)
    p = add("revoke-station", T.REVOKE_HELP, _revoke_station)
    p.add_argument("code", help=T.ARG_CODE)
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
    p = add("accept-ledger", T.ACCEPT_LEDGER_HELP, _accept_ledger)
    p.add_argument("code", help=T.ARG_CODE)
    p = add("publish-catalog", T.PUBLISH_CATALOG_HELP, lambda a: _publish(a, "catalog"))
    p.add_argument("dir", help=T.ARG_DIR)
    p.add_argument("--signing-key", metavar="PEM", default=None, help=T.ARG_SIGNING_KEY)
    p = add("publish-holidays", T.PUBLISH_HOLIDAYS_HELP, lambda a: _publish(a, "holidays"))
    p.add_argument("dir", help=T.ARG_DIR)
    p.add_argument("--signing-key", metavar="PEM", default=None, help=T.ARG_SIGNING_KEY)
    p = sub.add_parser("signing-key", help=T.SIGNING_KEY_HELP, description=T.SIGNING_KEY_HELP)
    p.add_argument("--signing-key", metavar="PEM", default=None, help=T.ARG_SIGNING_KEY)
    p.set_defaults(func=_signing_key)


def _default_max_connections() -> int:
    from deskclient.central.limits import DEFAULT_LIMITS  # stdlib-only module: cheap at --help time

    return DEFAULT_LIMITS.max_connections


def _engine(args: argparse.Namespace) -> Any:
    from sqlalchemy.exc import SQLAlchemyError

    from deskclient.central.db import default_db_url, make_engine, normalise_url
    from deskclient.domain.errors import DeskError

    os.umask(0o077)  # the office database, its WAL and the signing key: owner only
    url = args.db or default_db_url()
    try:
        engine = make_engine(url)
    except (SQLAlchemyError, ImportError, OSError) as err:
        raise DeskError(T.DB_ERROR.format(error=type(err).__name__)) from None
    _owner_only(normalise_url(url))
    return engine


def _owner_only(url: str) -> None:
    """Tighten a SQLite office database made before files were created 0600 (and its WAL/SHM)."""
    import contextlib

    if not url.startswith("sqlite:///"):
        return
    path = url[len("sqlite:///"):].split("?", 1)[0]
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.chmod(path + suffix, 0o600)


def _safe_db(url: str) -> str:
    """The database URL without a password, for the startup line."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "?"


OPEN_FILES = 4096  # soft open-file limit for the service: room for the connection cap, bounded memory


def _serve(args: argparse.Namespace) -> int:
    import ssl
    from dataclasses import replace

    import uvicorn

    from deskclient.central.app import create_app
    from deskclient.central.db import default_db_url, normalise_url
    from deskclient.central.limits import (
        DEFAULT_LIMITS,
        limit_tls_handshakes,
        protocol_class,
        raise_open_file_limit,
    )
    from deskclient.central.logs import setup_json_logging
    from deskclient.domain.errors import DeskError

    if bool(args.tls_cert) != bool(args.tls_key):
        raise DeskError(T.TLS_NEEDS_BOTH)
    tls: dict[str, Any] = {}
    if args.tls_cert:
        try:  # a clear message now, not a traceback when uvicorn binds
            ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(args.tls_cert, args.tls_key)
        except (OSError, ssl.SSLError) as err:
            raise DeskError(T.TLS_FILE_BAD.format(path=f"{args.tls_cert} / {args.tls_key}",
                                                  error=type(err).__name__)) from None
        tls = {"ssl_certfile": args.tls_cert, "ssl_keyfile": args.tls_key}
        limit_tls_handshakes(DEFAULT_LIMITS)
    limits = DEFAULT_LIMITS
    if args.max_connections:
        limits = replace(limits, max_connections=max(8, args.max_connections))
    raise_open_file_limit(OPEN_FILES)
    engine = _engine(args)
    setup_json_logging()
    db = _safe_db(normalise_url(args.db or default_db_url()))
    print((T.SERVING_TLS if tls else T.SERVING).format(host=args.host, port=args.port, db=db), file=sys.stderr)
    if not tls and args.host not in ("127.0.0.1", "localhost", "::1"):
        print(T.PLAIN_HTTP_WARNING, file=sys.stderr)
    uvicorn.run(create_app(engine, limits=limits), host=args.host, port=args.port, access_log=False,
                log_config=None, proxy_headers=True, server_header=False, date_header=False,
                http=protocol_class(limits), ws="none", lifespan="off",
                limit_concurrency=limits.max_connections + 50, timeout_keep_alive=limits.keep_alive,
                h11_max_incomplete_event_size=limits.max_header_bytes, backlog=256,
                timeout_graceful_shutdown=10, **tls)
    return 0


def _add_station(args: argparse.Namespace) -> int:
    from deskclient.central.admin import add_station

    token = add_station(_engine(args), args.code, args.name)
    print(T.STATION_ADDED.format(code=args.code, name=args.name, token=token))
    return 0


def _rotate_token(args: argparse.Namespace) -> int:
    from deskclient.central.admin import rotate_token

    print(T.TOKEN_ROTATED.format(code=args.code, token=rotate_token(_engine(args), args.code)))
    return 0


def _revoke_station(args: argparse.Namespace) -> int:
    from deskclient.central.admin import revoke_station

    revoke_station(_engine(args), args.code)
    print(T.STATION_REVOKED.format(code=args.code))
    return 0


def _local(moment: Any) -> Any:
    """A stored UTC time in the office PC's local zone (SQLite hands back naive UTC values)."""
    from datetime import UTC

    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone()


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
        print(json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=2))  # ISO with offset
        return 0
    if not rows:
        print(T.STATUS_EMPTY)
        return 0
    from rich.console import Console
    from rich.table import Table

    zone = datetime.now().astimezone().strftime("UTC%z")
    table = Table(title=T.STATUS_TITLE, caption=T.STATUS_TIME_LABEL.format(tz=zone))
    for i, col in enumerate(T.STATUS_COLUMNS):
        table.add_column(col, justify="right" if i >= 3 else "left", no_wrap=i == 2)
    for r in rows:
        contact = _local(r.last_contact).strftime("%Y-%m-%d %H:%M") if r.last_contact else T.STATUS_NEVER
        table.add_row(r.code, r.name, contact, str(r.events_received), str(r.contiguous), str(r.rejected),
                      str(r.open_cases), str(r.overdue_cases))
    Console().print(table)
    for r in rows:
        for line in r.notes():
            print(line)
    return 0


def _accept_ledger(args: argparse.Namespace) -> int:
    from deskclient.central.admin import accept_ledger

    if not accept_ledger(_engine(args), args.code):
        print(T.STATION_UNKNOWN.format(code=args.code), file=sys.stderr)
        return 2
    print(T.LEDGER_ACCEPTED.format(code=args.code))
    return 0


def _import_bundle(args: argparse.Namespace) -> int:
    from deskclient.central.admin import import_bundle

    print(import_bundle(_engine(args), args.file).message())
    return 0


def _publish(args: argparse.Namespace, kind: str) -> int:
    from pathlib import Path

    from deskclient.central.admin import publish
    from deskclient.central.signing import load_signer

    engine = _engine(args)  # sets the owner-only umask before a key file may be created
    signer = load_signer(Path(args.signing_key) if args.signing_key else None)
    pub, changed = publish(engine, kind, Path(args.dir), signer)
    text = T.PUBLISHED if changed else T.PUBLISH_UNCHANGED
    print(text.format(kind=T.KIND_LABELS[kind], version=pub.version, files=len(pub.files)))
    return 0


def _signing_key(args: argparse.Namespace) -> int:
    from pathlib import Path

    from deskclient.central.signing import default_key_path, load_signer

    os.umask(0o077)
    path = Path(args.signing_key) if args.signing_key else default_key_path()
    print(T.SIGNING_KEY_SHOW.format(key=load_signer(path).public_key, path=path))
    return 0
