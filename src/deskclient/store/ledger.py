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
import json
import sqlite3
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, insert
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from deskclient.domain.clock import Clock, SystemClock
from deskclient.domain.errors import DeskError
from deskclient.domain.events import EventType
from deskclient.domain.identity import redact_payload
from deskclient.store.models import Event
from deskclient.strings import store as T


class LedgerWriteError(DeskError):
    """A write could not be committed (disk full, read-only, locked); nothing was changed."""


def new_id() -> str:
    return uuid.uuid4().hex


def _json_default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dump_payload(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, default=_json_default)


@dataclass(frozen=True)
class Emitted:
    """An event appended in the current transaction (inserted with the rows at commit)."""

    id: str
    seq: int
    type: str
    case_id: str | None
    at: datetime


@dataclass
class WriteTx:
    """What a write block sees: the session, the transaction's time, and ``emit``."""

    session: Session
    station: str
    clerk_id: str | None
    now: datetime
    events: list[Emitted] = field(default_factory=list)
    _rows: list[dict[str, Any]] = field(default_factory=list)
    _next_seq: int | None = None

    def emit(self, type_: EventType | str, payload: Mapping[str, Any] | None = None, *,
             case_id: str | None = None) -> Emitted:
        """Append an event; it is written with one multi-row INSERT just before the commit.

        Free text in the payload is masked here (``identity.redact_payload``), the one place every
        event passes: a phone or ID number typed into a note never leaves the station in full."""
        if self._next_seq is None:
            # a plain SQL read on the transaction's connection: no ORM autoflush on the hot path
            top = self.session.connection().exec_driver_sql(
                "SELECT COALESCE(MAX(seq), 0) FROM event WHERE station = ?", (self.station,)).scalar()
            self._next_seq = int(top or 0) + 1
        ev = Emitted(id=new_id(), seq=self._next_seq, type=str(type_), case_id=case_id, at=self.now)
        self._rows.append({"id": ev.id, "station": self.station, "seq": ev.seq, "at": self.now,
                           "clerk_id": self.clerk_id, "type": ev.type, "case_id": case_id,
                           "payload": dump_payload(redact_payload(dict(payload or {}), self.station)),
                           "sent_at": None, "set_aside_reason": ""})
        self._next_seq += 1
        self.events.append(ev)
        return ev

    def next_counter(self, name: str) -> int:
        """Increment and return a named counter inside this transaction (gap-free)."""
        return int(self.session.connection().exec_driver_sql(
            "INSERT INTO counter (name, value) VALUES (?, 1) "
            "ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value", (name,)).scalar())

    def flush_events(self) -> None:
        """Write the events emitted so far into the transaction (done at commit anyway); call it
        before reading the case's own events back inside the same transaction."""
        if self._rows:
            self.session.flush()
            self.session.connection().execute(insert(Event.__table__), self._rows)
            self._rows.clear()


class Ledger:
    """The station's ledger: reads through :meth:`read`, writes through :meth:`write`."""

    def __init__(self, engine: Engine, station: str, clock: Clock | None = None) -> None:
        self.engine = engine
        self.station = station
        self.clock: Clock = clock or SystemClock()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self, clerk_id: str | None, *, durable: bool = True) -> Iterator[WriteTx]:
        """A durable write transaction; raises :class:`LedgerWriteError` with a Chinese message
        when the disk, the permissions or a lock prevent it (and then nothing was changed).

        ``durable=False`` commits without an fsync (``synchronous=OFF`` for this transaction only):
        for working state such as intake drafts, a convenience the next durable commit makes
        durable anyway; never for clerk work, which is the record."""
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
            raise LedgerWriteError(_explain(err)) from None
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


def _explain(err: OperationalError) -> str:
    """A clerk-readable reason for a failed write, without the SQL (which may hold personal data)."""
    orig = err.orig
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
