"""The client's view of the outbox: the events the county office has not yet acknowledged.

An event is *pending* while ``sent_at`` is NULL and it has not been set aside. The office
acknowledges by the highest sequence number it holds without gaps, so :func:`mark_sent` only ever
marks a prefix of the log. Queries stay on the ``ix_event_outbox (sent_at, set_aside_reason, seq)`` index so that a
station with years of sent events still finds its few pending ones cheaply.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, and_, func, select, update

from deskclient.store.models import Event

_T = Event.__table__
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


_COLS = (_T.c.id, _T.c.station, _T.c.seq, _T.c.at, _T.c.clerk_id, _T.c.type, _T.c.case_id,
         _T.c.payload, _T.c.set_aside_reason)


def _pending_where() -> Any:
    return and_(_T.c.sent_at.is_(None), _T.c.set_aside_reason == "")


def pending(engine: Engine, limit: int = 500, after_seq: int = 0) -> list[OutgoingEvent]:
    """The next ``limit`` unsent events (not set aside), lowest sequence first."""
    stmt = select(*_COLS).where(_pending_where())
    if after_seq:
        stmt = stmt.where(_T.c.seq > after_seq)
    stmt = stmt.order_by(_T.c.seq).limit(limit)
    with engine.connect() as conn:
        return [OutgoingEvent(*row) for row in conn.execute(stmt)]


def pending_count(engine: Engine, *, cap: int | None = None) -> int:
    """How many events wait for the office (shown on the home screen and the exit screen).

    ``cap`` stops counting there: the home screen shows "9999+" for a station that has been
    offline for months, instead of counting hundreds of thousands of rows on every refresh."""
    with engine.connect() as conn:
        if cap is None:
            q = select(func.count()).select_from(_T).where(_pending_where())
        else:
            q = select(func.count()).select_from(select(_T.c.seq).where(_pending_where()).limit(cap).subquery())
        return int(conn.execute(q).scalar_one())


def mark_sent(engine: Engine, upto_seq: int, at: datetime) -> int:
    """Mark every unsent event with ``seq <= upto_seq`` as acknowledged; returns how many changed.

    ``upto_seq`` must be the office's *contiguous* mark, never merely the last seq of a batch.
    Set-aside events keep ``sent_at`` NULL: they are listed by :func:`set_aside_list` instead.
    """
    if upto_seq <= 0:
        return 0
    stmt = (update(_T).where(_T.c.sent_at.is_(None), _T.c.seq <= upto_seq, _T.c.set_aside_reason == "")
            .values(sent_at=at))
    with engine.connect().execution_options(**_WRITE) as conn, conn.begin():
        return int(conn.execute(stmt).rowcount or 0)


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
