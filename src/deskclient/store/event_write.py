"""The one event writer, at the DBAPI level (plain ``sqlite3``): per-station seq and the INSERT.

Both ways of writing the ledger go through here: :class:`deskclient.store.ledger.WriteTx` (the ORM's
transaction, on the session's own sqlite3 connection, so rows and events commit together) and
:class:`deskclient.store.lite.LiteTx` (the desk's light path: sign-in and the other writes made before
SQLAlchemy is loaded, docs/performance.md). Both run inside a ``BEGIN IMMEDIATE`` transaction with
``synchronous=FULL`` (unless a draft asks for OFF), so the ``MAX(seq) + 1`` read here cannot race
another writer and a rollback leaves no gap. Importing this module costs no SQLAlchemy.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from deskclient.domain.events import EventType
from deskclient.domain.identity import redact_payload
from deskclient.store.dbapi import sql_dt

EVENT_COLUMNS = ("id", "station", "seq", "at", "clerk_id", "type", "case_id", "payload", "sent_at",
                 "set_aside_reason")
INSERT_EVENT = f"INSERT INTO event ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"
TOP_SEQ = "SELECT COALESCE(MAX(seq), 0) FROM event WHERE station = ?"


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


@dataclass(kw_only=True)
class EventLog:
    """The events of one write transaction: ``emit`` buffers them (masked), ``write_events`` inserts them
    with one ``executemany`` on the transaction's sqlite3 connection. Subclasses say which connection."""

    station: str
    clerk_id: str | None
    now: datetime
    events: list[Emitted] = field(default_factory=list)
    _rows: list[tuple[Any, ...]] = field(default_factory=list)
    _next_seq: int | None = None

    def dbapi(self) -> sqlite3.Connection:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def emit(self, type_: EventType | str, payload: Mapping[str, Any] | None = None, *,
             case_id: str | None = None) -> Emitted:
        """Append an event; it is written with the rows just before the commit.

        Free text in the payload is masked here (``identity.redact_payload``), the one place every
        event passes: a phone or ID number typed into a note never leaves the station in full."""
        if self._next_seq is None:
            self._next_seq = int(self.dbapi().execute(TOP_SEQ, (self.station,)).fetchone()[0] or 0) + 1
        ev = Emitted(id=new_id(), seq=self._next_seq, type=str(type_), case_id=case_id, at=self.now)
        self._rows.append((ev.id, self.station, ev.seq, sql_dt(self.now), self.clerk_id, ev.type, case_id,
                           dump_payload(redact_payload(dict(payload or {}), self.station)), None, ""))
        self._next_seq += 1
        self.events.append(ev)
        return ev

    def write_events(self) -> None:
        """Insert the events emitted so far into the open transaction."""
        if self._rows:
            self.dbapi().executemany(INSERT_EVENT, self._rows)
            self._rows.clear()
