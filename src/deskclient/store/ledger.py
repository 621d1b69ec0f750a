"""The one way to change the ledger: a write transaction that appends events with the rows.

    with ledger.write(clerk_id) as tx:
        tx.session.add(case_row)
        tx.emit(EventType.CASE_REGISTERED, {...}, case_id=case_row.id)

Either everything in the block (rows and events) is committed with ``synchronous=FULL``, or
nothing is. Sequence numbers are per station, start at 1 and have no gaps, because they are
taken inside the same ``BEGIN IMMEDIATE`` transaction that a rollback would undo.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from deskclient.domain.clock import Clock, SystemClock
from deskclient.domain.errors import DeskError
from deskclient.store.dbapi import driver_connection
from deskclient.store.event_write import Emitted, EventLog, dump_payload, new_id
from deskclient.strings import store as T

if TYPE_CHECKING:  # SQLAlchemy is imported when the first ORM read or write runs (paint first)
    from collections.abc import Callable

    from sqlalchemy import Engine
    from sqlmodel import Session

    from deskclient.store.lite import LiteDB, LiteTx

__all__ = ["Emitted", "Ledger", "LedgerWriteError", "WriteTx", "dump_payload", "explain_write_error", "new_id",
           "set_value"]


class LedgerWriteError(DeskError):
    """A write could not be committed (disk full, read-only, locked); nothing was changed."""


@dataclass(kw_only=True)
class WriteTx(EventLog):
    """What a write block sees: the session, the transaction's time, and ``emit``
    (``store/event_write.py``: the events go in on the session's own sqlite3 connection)."""

    session: Session

    def dbapi(self) -> sqlite3.Connection:
        return driver_connection(self.session)

    def next_counter(self, name: str) -> int:
        """Increment and return a named counter inside this transaction (gap-free)."""
        return int(self.dbapi().execute(
            "INSERT INTO counter (name, value) VALUES (?, 1) "
            "ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value", (name,)).fetchone()[0])

    def flush_events(self) -> None:
        """Write the events emitted so far into the transaction (done at commit anyway); call it
        before reading the case's own events back inside the same transaction."""
        if self._rows:
            self.session.flush()
            self.write_events()


class Ledger:
    """The station's ledger: reads through :meth:`read`, writes through :meth:`write` (the ORM), and
    the light path's :meth:`lite_read` / :meth:`lite_write` (plain sqlite3, ``store/lite.py``).

    ``engine`` may be a callable that opens it: the desk's context opens SQLAlchemy's engine only when
    the first ORM read or write needs it."""

    def __init__(self, engine: Engine | Callable[[], Engine], station: str, clock: Clock | None = None, *,
                 lite: LiteDB | None = None) -> None:
        self._engine = engine
        self.station = station
        self.clock: Clock = clock or SystemClock()
        self._lite = lite

    @property
    def engine(self) -> Engine:
        from sqlalchemy import Engine

        if not isinstance(self._engine, Engine):
            self._engine = self._engine()
        return self._engine

    @engine.setter
    def engine(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def lite(self) -> LiteDB:
        if self._lite is None:
            from deskclient.store.lite import LiteDB

            self._lite = LiteDB(Path(str(self.engine.url.database)))
        return self._lite

    @contextmanager
    def lite_read(self) -> Iterator[sqlite3.Connection]:
        with self.lite.read() as con:
            yield con

    @contextmanager
    def lite_write(self, clerk_id: str | None, *, durable: bool = True) -> Iterator[LiteTx]:
        """The light twin of :meth:`write`: same events, same seq rule, same durability."""
        with self.lite.write(self.station, clerk_id, self.clock.now(), durable=durable) as tx:
            yield tx

    @contextmanager
    def read(self) -> Iterator[Session]:
        from sqlmodel import Session

        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self, clerk_id: str | None, *, durable: bool = True) -> Iterator[WriteTx]:
        """A durable write transaction; raises :class:`LedgerWriteError` with a Chinese message
        when the disk, the permissions or a lock prevent it (and then nothing was changed).

        ``durable=False`` commits without an fsync (``synchronous=OFF`` for this transaction only):
        for working state such as intake drafts, a convenience the next durable commit makes
        durable anyway; never for clerk work, which is the record."""
        from sqlalchemy.exc import OperationalError
        from sqlmodel import Session

        session = Session(self.engine, expire_on_commit=False)
        try:
            session.connection(execution_options={"sqlite_begin": "IMMEDIATE",
                                                  "sqlite_synchronous": "FULL" if durable else "OFF"})
            tx = WriteTx(session=session, station=self.station, clerk_id=clerk_id, now=self.clock.now())
            yield tx
            tx.flush_events()
            session.commit()
        except OperationalError as err:
            session.rollback()
            raise LedgerWriteError(explain_write_error(err.orig)) from None
        except sqlite3.OperationalError as err:  # the events' INSERT runs on the driver connection
            session.rollback()
            raise LedgerWriteError(explain_write_error(err)) from None
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def get_value(self, key: str, default: str | None = None) -> str | None:
        from deskclient.store.models import KeyValue

        with self.read() as s:
            row = s.get(KeyValue, key)
            return row.value if row else default


def set_value(tx: WriteTx, key: str, value: str) -> None:
    from deskclient.store.models import KeyValue

    row = tx.session.get(KeyValue, key) or KeyValue(key=key, value=value)
    row.value = value
    tx.session.add(row)


def explain_write_error(orig: BaseException | None) -> str:
    """A clerk-readable reason for a failed write, without the SQL (which may hold personal data)."""
    text = str(orig).lower() if orig is not None else ""
    if "full" in text or (isinstance(orig, OSError) and orig.errno == errno.ENOSPC):
        return T.DISK_FULL
    if "readonly" in text or "read-only" in text:
        return T.READ_ONLY
    if "locked" in text or "busy" in text:
        return T.LOCKED
    if isinstance(orig, sqlite3.Error):
        return T.WRITE_FAILED.format(error=type(orig).__name__)
    return T.WRITE_FAILED.format(error="OperationalError")
