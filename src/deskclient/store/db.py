"""Opening the station's SQLite ledger: durable pragmas, explicit transactions, cheap schema check.

Durability: WAL journal with ``synchronous=FULL``, so a transaction the clerk was told is saved
survives a power cut. Writes take the lock up front (``BEGIN IMMEDIATE``) so two writers never
deadlock halfway; reads use a plain deferred ``BEGIN`` and never block the writer under WAL.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from deskclient.domain.errors import DeskError
from deskclient.strings import store as T

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 10_000
ENGINE_CACHE_KIB = 1024  # page cache per pooled connection (SQLite's default 2,000 KiB each; issue 20's session peak)


class SchemaTooNewError(DeskError):
    """The ledger was written by a newer deskclient; opening it could corrupt it."""


class LedgerOpenError(DeskError):
    """The ledger file cannot be opened (locked, read-only, not a database, disk full)."""


def known_revisions() -> list[str]:
    """Revision ids are the zero-padded number that starts each migration file's name."""
    return sorted(p.name.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("[0-9]*_*.py"))


def head_revision() -> str:
    return known_revisions()[-1]


def stored_revision(path: Path) -> str | None:
    """The schema revision recorded in the file, read with plain sqlite3 (no Alembic import)."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        row = con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        if row is None:
            return None
        rev = con.execute("SELECT version_num FROM alembic_version").fetchone()
        return rev[0] if rev else None
    except sqlite3.DatabaseError as err:
        raise LedgerOpenError(T.NOT_A_LEDGER.format(path=path)) from err
    finally:
        con.close()


def make_engine(path: Path) -> Engine:
    """An engine with the ledger's pragmas on every connection; no schema work."""
    from sqlalchemy import create_engine, event  # not at import: the sign-in list reads with sqlite3
    from sqlalchemy.exc import DBAPIError

    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None  # transactions are begun explicitly below
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute(f"PRAGMA cache_size=-{ENGINE_CACHE_KIB}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: object) -> None:
        options = conn.get_execution_options()
        # Every transaction states its durability (it cannot change inside one): FULL unless a write
        # asks otherwise (drafts, Ledger.write(durable=False)), so a pooled connection never keeps OFF.
        sync = "OFF" if options.get("sqlite_synchronous") == "OFF" else "FULL"
        begin = f"BEGIN {options.get('sqlite_begin', 'DEFERRED')}"
        # straight on the sqlite3 connection: two statements of every transaction, where SQLAlchemy's
        # execution context cost more than running them (issue #20); a failure (a lock held past the
        # busy timeout) is raised as SQLAlchemy's OperationalError, as exec_driver_sql raised it
        raw = conn.connection.driver_connection
        for statement in (f"PRAGMA synchronous={sync}", begin):
            try:
                raw.execute(statement)
            except sqlite3.Error as err:
                raise DBAPIError.instance(statement, None, err, sqlite3.Error) from err

    return engine


def open_ledger(path: Path) -> Engine:
    """Open (creating or upgrading as needed) the ledger at ``path``, with its SQLAlchemy engine."""
    return make_engine(prepare_ledger(path))


def prepare_ledger(path: Path) -> Path:
    """Create or upgrade the ledger at ``path`` as needed; no engine (the desk opens it lazily).

    The common case, a ledger already at the head revision, costs one tiny sqlite3 query and
    imports neither Alembic nor SQLAlchemy. A ledger from a newer program is refused with a clear message.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise LedgerOpenError(T.CANNOT_CREATE_DIR.format(path=path.parent, error=err.strerror)) from err
    current = stored_revision(path)
    head = head_revision()
    if current != head:
        if current is not None and current not in known_revisions():
            raise SchemaTooNewError(T.SCHEMA_TOO_NEW.format(path=path, found=current, head=head))
        _upgrade(path, current)
    return path


def _upgrade(path: Path, current: str | None) -> None:
    """Run the pending migrations in one go; a copy of the old file is kept first."""
    if current is not None:
        backup = path.with_name(f"{path.stem}.before-{head_revision()}.bak")
        src = sqlite3.connect(path)
        dst = sqlite3.connect(backup)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        log.info("ledger schema %s is behind %s; backup at %s", current, head_revision(), backup.name)
    from deskclient.store.migrations.runner import upgrade_to_head

    engine = make_engine(path)
    try:
        upgrade_to_head(engine)
    except sqlite3.OperationalError as err:
        raise LedgerOpenError(T.MIGRATION_FAILED.format(path=path, error=err)) from err
    finally:
        engine.dispose()
