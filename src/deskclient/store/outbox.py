"""The client's view of the outbox: the events the county office has not yet confirmed.

An event is *pending* while ``sent_at`` is NULL and it has not been set aside. The office confirms
each event it holds by ``(id, seq, content hash)``; :func:`mark_confirmed` marks exactly those
events, never a range. Queries stay on the ``ix_event_outbox (sent_at, set_aside_reason, seq)``
index so that a station with years of sent events still finds its few pending ones cheaply.

The ledger's identity (:func:`ledger_id`, a per-install uuid in ``keyvalue``) goes with every batch:
the office registers the first ledger it sees for a station and refuses batches from any other.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, bindparam, func, select, text, update

from deskclient.domain.events import content_hash
from deskclient.store.models import Event, KeyValue

_T = Event.__table__
_KV = KeyValue.__table__
LEDGER_ID_KEY = "ledger.id"
_WRITE = {"sqlite_begin": "IMMEDIATE"}  # honoured by store.db engines; ignored elsewhere


@dataclass(frozen=True, slots=True)
class OutgoingEvent:
    """One ledger event as it leaves the station (payload still the stored JSON text)."""

    id: str
    station: str
    seq: int
    at: datetime
    clerk_id: str | None
    type: str
    case_id: str | None
    payload: str
    set_aside_reason: str = ""

    def to_wire(self) -> dict[str, Any]:
        """The JSON object sent to the office (and written into bundles)."""
        try:
            payload: Any = json.loads(self.payload)
        except ValueError:
            payload = self.payload  # sent as is; the office rejects it and we set it aside
        return {
            "id": self.id,
            "seq": self.seq,
            "at": self.at.isoformat() if isinstance(self.at, datetime) else str(self.at),
            "clerk_id": self.clerk_id,
            "type": self.type,
            "case_id": self.case_id,
            "payload": payload,
        }

    def content_hash(self) -> str:
        """The hash the office must return to confirm it holds this event (``events.content_hash``)."""
        w = self.to_wire()
        return content_hash(w["id"], w["seq"], w["at"], w["clerk_id"], w["type"], w["case_id"], w["payload"])


_COLS = (_T.c.id, _T.c.station, _T.c.seq, _T.c.at, _T.c.clerk_id, _T.c.type, _T.c.case_id,
         _T.c.payload, _T.c.set_aside_reason)


def _pending_where() -> Any:
    from deskclient.store.lite import PENDING_WHERE  # the one copy of the outbox's filter

    return text(PENDING_WHERE)


def pending(engine: Engine, limit: int = 500, after_seq: int = 0) -> list[OutgoingEvent]:
    """The next ``limit`` unsent events (not set aside), lowest sequence first."""
    stmt = select(*_COLS).where(_pending_where())
    if after_seq:
        stmt = stmt.where(_T.c.seq > after_seq)
    stmt = stmt.order_by(_T.c.seq).limit(limit)
    with engine.connect() as conn:
        return [OutgoingEvent(*row) for row in conn.execute(stmt).all()]  # one fetch, not one per row


def pending_count(engine: Engine, *, cap: int | None = None) -> int:
    """How many events wait for the office (shown on the home screen and the exit screen).

    ``cap`` stops counting there: the home screen shows "9999+" for a station that has been
    offline for months, instead of counting hundreds of thousands of rows on every refresh.
    The SQL is ``store.lite.pending_count`` (the home screen runs it on the light connection)."""
    from deskclient.store.dbapi import driver_connection
    from deskclient.store.lite import pending_count as count

    with engine.connect() as conn:
        return count(driver_connection(conn), cap=cap)


def mark_confirmed(engine: Engine, events: Iterable[OutgoingEvent], at: datetime) -> int:
    """Mark exactly these events sent (the office confirmed each one by id, seq and content hash;
    the caller has matched the ids). One ``UPDATE`` per run of consecutive seqs, on the
    ``(station, seq)`` key, so confirming a whole batch costs one statement."""
    chosen = sorted({(e.station, e.seq) for e in events})
    if not chosen:
        return 0
    runs: list[tuple[str, int, int]] = []
    for station, seq in chosen:
        if runs and runs[-1][0] == station and runs[-1][2] == seq - 1:
            runs[-1] = (station, runs[-1][1], seq)
        else:
            runs.append((station, seq, seq))
    stmt = (update(_T).where(_T.c.station == bindparam("st"), _T.c.seq.between(bindparam("lo"), bindparam("hi")),
                             _T.c.sent_at.is_(None))
            .values(sent_at=at))
    changed = 0
    with engine.connect().execution_options(**_WRITE) as conn, conn.begin():
        for station, lo, hi in runs:
            changed += int(conn.execute(stmt, {"st": station, "lo": lo, "hi": hi}).rowcount or 0)
    return changed


def ledger_id(engine: Engine) -> str:
    """This ledger's identity (created on first use and kept in ``keyvalue``): a copy of the ledger
    file carries it along, a fresh install gets a new one."""
    stmt = select(_KV.c.value).where(_KV.c.key == LEDGER_ID_KEY)
    with engine.connect() as conn:
        found = conn.execute(stmt).scalar_one_or_none()
    if found:
        return str(found)
    with engine.connect().execution_options(**_WRITE) as conn, conn.begin():
        found = conn.execute(stmt).scalar_one_or_none()
        if not found:
            found = uuid.uuid4().hex
            conn.execute(_KV.insert().values(key=LEDGER_ID_KEY, value=found))
    return str(found)


def max_seq(engine: Engine) -> int:
    """The highest sequence number in the ledger (0 when empty)."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(_T.c.seq), 0))).scalar_one())


def reset_sent_after(engine: Engine, seq: int) -> int:
    """Resend everything above ``seq``: the office says it holds less than we were told
    (its database was restored from a backup). Returns how many events became pending again."""
    stmt = update(_T).where(_T.c.sent_at.is_not(None), _T.c.seq > seq,
                            _T.c.set_aside_reason == "").values(sent_at=None)
    with engine.connect().execution_options(**_WRITE) as conn, conn.begin():
        return int(conn.execute(stmt).rowcount or 0)


def last_sent_seq(engine: Engine) -> int:
    """The highest sequence number already acknowledged (0 when none)."""
    stmt = select(func.coalesce(func.max(_T.c.seq), 0)).where(_T.c.sent_at.is_not(None))
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def set_aside(engine: Engine, seqs: Iterable[int], reason: str) -> int:
    """Keep these events out of the outbox with the office's reason (shown to the clerk)."""
    wanted = sorted({int(s) for s in seqs})
    if not wanted:
        return 0
    changed = 0
    with engine.connect().execution_options(**_WRITE) as conn, conn.begin():
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            stmt = update(_T).where(_T.c.seq.in_(chunk)).values(set_aside_reason=reason or "?")
            changed += int(conn.execute(stmt).rowcount or 0)
    return changed


def set_aside_list(engine: Engine, limit: int = 1000) -> list[OutgoingEvent]:
    """Events the office refused as invalid, with the reason, lowest sequence first."""
    stmt = select(*_COLS).where(_T.c.set_aside_reason != "").order_by(_T.c.seq).limit(limit)
    with engine.connect() as conn:
        return [OutgoingEvent(*row) for row in conn.execute(stmt)]
