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

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from deskclient.domain.clock import Clock, SystemClock
from deskclient.domain.errors import DeskError
from deskclient.domain.events import EventType
from deskclient.store.models import Counter, Event
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


@dataclass
class WriteTx:
    """What a write block sees: the session, the transaction's time, and ``emit``."""

    session: Session
    station: str
    clerk_id: str | None
    now: datetime
    events: list[Event] = field(default_factory=list)
    _next_seq: int | None = None

    def emit(self, type_: EventType | str, payload: Mapping[str, Any] | None = None, *,
             case_id: str | None = None) -> Event:
        if self._next_seq is None:
            top = self.session.exec(  # type: ignore[call-overload]
                select(func.coalesce(func.max(Event.seq), 0)).where(Event.station == self.station)
            ).one()
            self._next_seq = int(top[0] if isinstance(top, tuple | list) or hasattr(top, "_mapping")
                                 else top) + 1
        ev = Event(
            id=new_id(),
            station=self.station,
            seq=self._next_seq,
            at=self.now,
            clerk_id=self.clerk_id,
            type=str(type_),
            case_id=case_id,
            payload=dump_payload(payload or {}),
        )
        self._next_seq += 1
        self.session.add(ev)
        self.events.append(ev)
        return ev

    def next_counter(self, name: str) -> int:
        """Increment and return a named counter inside this transaction (gap-free)."""
        row = self.session.get(Counter, name)
        if row is None:
            row = Counter(name=name, value=0)
        row.value += 1
        self.session.add(row)
        self.session.flush()
        return row.value


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
    def write(self, clerk_id: str | None) -> Iterator[WriteTx]:
        """A durable write transaction; raises :class:`LedgerWriteError` with a Chinese message
        when the disk, the permissions or a lock prevent it (and then nothing was changed)."""
        session = Session(self.engine, expire_on_commit=False)
        try:
            session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
            tx = WriteTx(session=session, station=self.station, clerk_id=clerk_id, now=self.clock.now())
            yield tx
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
