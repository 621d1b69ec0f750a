"""The desk's light path to the ledger: one plain ``sqlite3`` connection, no SQLAlchemy (paint first).

Sign-in (the PIN check and its events), the home screen's reads and the cheap "is any deemed
acceptance due?" check run here, so a clerk reaches home without importing SQLAlchemy, SQLModel or
pydantic (docs/performance.md, docs/decisions.md). The connection has the ledger's pragmas (WAL,
``synchronous=FULL``, foreign keys, busy timeout) and a small page cache; it is shared by the desk's
worker threads under a lock, one transaction at a time. Writes take the lock up front
(``BEGIN IMMEDIATE``) and append their events through the same code as the ORM's ``WriteTx``
(``store/event_write.py``), so both paths allocate the per-station seq under the same rules.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from deskclient.store.db import BUSY_TIMEOUT_MS
from deskclient.store.event_write import EventLog

LITE_CACHE_KIB = 512  # page cache of the light connection (SQLite's default is 2,000 KiB per connection)


@dataclass(kw_only=True)
class LiteTx(EventLog):
    """A light write transaction: ``con`` (plain sqlite3, inside ``BEGIN IMMEDIATE``) and ``emit``."""

    con: sqlite3.Connection

    def dbapi(self) -> sqlite3.Connection:
        return self.con


@dataclass(frozen=True)
class StationRow:
    """The station row's identity columns (``services.context.resolve_identity`` merges them)."""

    code: str
    name: str
    centre: str
    county: str
    central_url: str


STATION_ROW = "SELECT code, name, centre, county, central_url FROM station LIMIT 1"


def station_row(con: sqlite3.Connection) -> StationRow | None:
    r = con.execute(STATION_ROW).fetchone()
    return None if r is None else StationRow(*(v or "" for v in r))


def has_draft(con: sqlite3.Connection, clerk_id: str, kind: str = "intake") -> bool:
    """Whether the clerk has an unconfirmed draft (the ORM loads it only then)."""
    return con.execute("SELECT 1 FROM draft WHERE clerk_id = ? AND kind = ? LIMIT 1", (clerk_id, kind)).fetchone() \
        is not None


PENDING_ARCHIVE_KEY = "_archive"  # services/notices/pending.py: the issued document kept until archived


def pending_notice_ids(con: sqlite3.Connection) -> list[str]:
    """Notices issued but not yet archived, oldest first (the one copy of this read)."""
    return [r[0] for r in con.execute("SELECT id FROM notice WHERE instr(detail, ?) > 0 ORDER BY issued_at",
                                      (f'"{PENDING_ARCHIVE_KEY}"',))]


# the outbox: events not yet confirmed by the office and not set aside (index-only: ix_event_outbox)
PENDING_WHERE = "sent_at IS NULL AND set_aside_reason = ''"


def pending_count(con: sqlite3.Connection, *, cap: int | None = None) -> int:
    """How many events wait for the office; ``cap`` stops counting there (the one copy of this read:
    ``store.outbox.pending_count`` runs it on a connection of the engine)."""
    if cap is None:
        return int(con.execute(f"SELECT count(*) FROM event WHERE {PENDING_WHERE}").fetchone()[0])
    return int(con.execute(f"SELECT count(*) FROM (SELECT seq FROM event WHERE {PENDING_WHERE} LIMIT ?)",
                           (cap,)).fetchone()[0])


def connect(path: Path, *, cache_kib: int = LITE_CACHE_KIB) -> sqlite3.Connection:
    """A connection with the ledger's pragmas, in autocommit mode (transactions begun explicitly)."""
    con = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("PRAGMA foreign_keys=ON")
    con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    con.execute(f"PRAGMA cache_size=-{int(cache_kib)}")
    return con


class LiteDB:
    """The light connection of one ledger file, opened on first use and shared under a lock."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._con: sqlite3.Connection | None = None
        self._lock = threading.RLock()

    def _connection(self) -> sqlite3.Connection:
        if self._con is None:
            self._con = connect(self.path)
        return self._con

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """One consistent read (a deferred transaction: never blocks the writer under WAL)."""
        with self._lock:
            con = self._connection()
            if con.in_transaction:  # a read nested in this thread's own transaction: it already sees it
                yield con
                return
            con.execute("BEGIN")
            try:
                yield con
            finally:
                con.execute("COMMIT")

    @contextmanager
    def write(self, station: str, clerk_id: str | None, now: datetime, *, durable: bool = True) -> Iterator[LiteTx]:
        """A write transaction with its events; committed with ``synchronous=FULL`` unless ``durable``
        is False. Raises ``LedgerWriteError`` (a Chinese message) when the disk or a lock prevents it."""
        from deskclient.store.ledger import LedgerWriteError, explain_write_error

        with self._lock:
            con = self._connection()
            try:
                con.execute(f"PRAGMA synchronous={'FULL' if durable else 'OFF'}")
                con.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as err:
                raise LedgerWriteError(explain_write_error(err)) from None
            try:
                tx = LiteTx(con=con, station=station, clerk_id=clerk_id, now=now)
                yield tx
                tx.write_events()
                con.execute("COMMIT")
            except sqlite3.OperationalError as err:
                con.execute("ROLLBACK")
                raise LedgerWriteError(explain_write_error(err)) from None
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
            finally:
                if not durable:
                    con.execute("PRAGMA synchronous=FULL")

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None
