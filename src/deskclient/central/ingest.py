"""Storing a station's events at the office: validate, insert once, move the contiguous mark.

The same code serves the HTTP API and bundle import, so a bundle whose events also arrived online
stores each event once. One transaction per batch:

1. lock the station's row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE``
   already serialises writers), so copies of the service ingesting for the same station take turns;
2. ``INSERT ... ON CONFLICT DO NOTHING`` the valid events and the rejected ones (a rejected event is
   a row with its reason and no payload, so the mark can pass it);
3. look at the slots whose insert did nothing: the same event (a duplicate, fine), an event the
   office rejected earlier, or a *different* event (reported as a conflict);
4. compute the highest seq held without gaps in SQL and store it with the last-contact time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, select, text, update

from deskclient.central import project
from deskclient.central.db import WRITE, events, stations
from deskclient.strings import central as T

MAX_PAYLOAD_CHARS = 64_000
_ID_RE = re.compile(r"^[0-9A-Za-z_-]{8,64}$")
_TYPE_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
# A full resident ID number (18 chars with a plausible birth date) or a full mobile number,
# not part of a longer alphanumeric token (so uuids and masked forms do not match).
_FULL_ID_RE = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
    r"(?![0-9A-Za-z])"
)
_FULL_PHONE_RE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
MAX_SEQ = 2**31 - 1


class ForeignStationError(Exception):
    """A batch names a station other than the one its token (or bundle key) belongs to."""


@dataclass
class IngestResult:
    """What the office tells the station after a batch."""

    station: str
    acked_seq: int
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"station": self.station, "acked_seq": self.acked_seq, "received": self.received,
                "stored": self.stored, "duplicates": self.duplicates, "rejected": self.rejected}


def utcnow() -> datetime:
    return datetime.now(UTC)


def looks_personal(text_: str) -> str | None:
    """The rejection reason when ``text_`` holds a full ID or mobile number, else None."""
    if _FULL_ID_RE.search(text_):
        return T.REJECT_FULL_ID
    if _FULL_PHONE_RE.search(text_):
        return T.REJECT_FULL_PHONE
    return None


def _opt_str(raw: Mapping[str, Any], key: str) -> tuple[str | None, str | None]:
    value = raw.get(key)
    if value is None:
        return None, None
    if not isinstance(value, str) or len(value) > 64:
        return None, T.REJECT_BAD_FIELD.format(field=key)
    return value, None


def validate_event(raw: Any) -> tuple[int | None, str, dict[str, Any] | None, str | None]:
    """``(seq, claimed_id, row, reason)``: a row ready to insert, or the reason it is refused.

    ``seq`` is None when the event has no usable sequence number (it cannot take a slot).
    """
    if not isinstance(raw, Mapping):
        return None, "", None, T.REJECT_NOT_OBJECT
    seq = raw.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or not 1 <= seq <= MAX_SEQ:
        reason: str | None = T.REJECT_MISSING.format(field="seq") if seq is None else T.REJECT_BAD_FIELD.format(field="seq")
        return None, "", None, reason
    claimed = raw.get("id")
    claimed_id = claimed[:64] if isinstance(claimed, str) else ""
    for key in ("id", "at", "type", "payload"):
        if key not in raw or raw[key] is None:
            return seq, claimed_id, None, T.REJECT_MISSING.format(field=key)
    if not isinstance(claimed, str) or not _ID_RE.match(claimed):
        return seq, claimed_id, None, T.REJECT_BAD_FIELD.format(field="id")
    at = raw["at"]
    try:
        if not isinstance(at, str) or len(at) > 40:
            raise ValueError
        datetime.fromisoformat(at)
    except ValueError:
        return seq, claimed_id, None, T.REJECT_BAD_FIELD.format(field="at")
    type_ = raw["type"]
    if not isinstance(type_, str) or len(type_) > 64 or not _TYPE_RE.match(type_):
        return seq, claimed_id, None, T.REJECT_BAD_FIELD.format(field="type")
    clerk_id, reason = _opt_str(raw, "clerk_id")
    if reason:
        return seq, claimed_id, None, reason
    case_id, reason = _opt_str(raw, "case_id")
    if reason:
        return seq, claimed_id, None, reason
    payload = raw["payload"]
    if not isinstance(payload, dict):
        return seq, claimed_id, None, T.REJECT_PAYLOAD_NOT_OBJECT
    try:
        payload_text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        return seq, claimed_id, None, T.REJECT_PAYLOAD_NOT_OBJECT
    if len(payload_text) > MAX_PAYLOAD_CHARS:
        return seq, claimed_id, None, T.REJECT_PAYLOAD_TOO_LARGE
    reason = looks_personal(payload_text)
    if reason:
        return seq, claimed_id, None, reason
    row = {"seq": seq, "event_id": claimed, "claimed_id": claimed, "at": at, "clerk_id": clerk_id,
           "type": type_, "case_id": case_id, "payload": payload_text, "rejected_reason": None}
    return seq, claimed_id, row, None


def _insert(conn: Connection) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING RETURNING seq`` in the engine's dialect."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(events).on_conflict_do_nothing().returning(events.c.seq)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(events).on_conflict_do_nothing().returning(events.c.seq)


def _slots(conn: Connection, station: str, seqs: Sequence[int]) -> dict[int, Any]:
    found: dict[int, Any] = {}
    stmt = select(events.c.seq, events.c.event_id, events.c.claimed_id, events.c.rejected_reason).where(
        events.c.station == station, events.c.seq.in_(bindparam("seqs", expanding=True)))
    for start in range(0, len(seqs), 900):
        for row in conn.execute(stmt, {"seqs": list(seqs[start:start + 900])}):
            found[row.seq] = row
    return found


_MARK_SQL = text(
    "SELECT COALESCE(MAX(seq), :m) FROM ("
    " SELECT seq, ROW_NUMBER() OVER (ORDER BY seq) AS rn FROM central_event"
    " WHERE station = :st AND seq > :m) AS t"
    " WHERE seq - rn = :m"
)


def contiguous_from(conn: Connection, station: str, mark: int) -> int:
    """The highest seq ``n`` such that every seq in ``1..n`` is held (given ``1..mark`` are)."""
    return int(conn.execute(_MARK_SQL, {"st": station, "m": mark}).scalar_one())


def lock_station(conn: Connection, station: str) -> int | None:
    """Lock the station's row for this transaction; its stored mark, or None if unknown."""
    stmt = select(stations.c.contiguous).where(stations.c.code == station).with_for_update()
    value = conn.execute(stmt).scalar_one_or_none()
    return None if value is None else int(value)


def ingest(engine: Engine, station: str, raw_events: Iterable[Any], *, via: str = "online",
           now: datetime | None = None) -> IngestResult:
    """Store a batch for ``station`` (already authenticated) and return the new contiguous mark."""
    now = now or utcnow()
    raw_list = list(raw_events)
    valid: dict[int, dict[str, Any]] = {}
    refused: dict[int, dict[str, Any]] = {}
    result = IngestResult(station=station, acked_seq=0, received=len(raw_list))
    for raw in raw_list:
        if isinstance(raw, Mapping) and raw.get("station") not in (None, station):
            raise ForeignStationError(str(raw.get("station"))[:32])
        seq, claimed_id, row, reason = validate_event(raw)
        if seq is None:
            result.rejected.append({"seq": None, "id": claimed_id, "reason": reason})
            continue
        if row is not None:
            valid.setdefault(seq, row)
        else:
            # The case id is kept (when it is a plain id) so the office can show the case number.
            case_id = raw.get("case_id") if isinstance(raw, Mapping) else None
            case_id = case_id if isinstance(case_id, str) and _ID_RE.match(case_id) else None
            refused.setdefault(seq, {"seq": seq, "event_id": None, "claimed_id": claimed_id, "at": "",
                                     "clerk_id": None, "type": "", "case_id": case_id, "payload": "{}",
                                     "rejected_reason": reason})
    for row in (*valid.values(), *refused.values()):
        row["station"] = station
        row["via"] = via
        row["received_at"] = now

    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        mark = lock_station(conn, station)
        if mark is None:
            raise ForeignStationError(station)
        inserted: set[int] = set()
        ins = _insert(conn)
        for rows in (list(valid.values()), list(refused.values())):
            if rows:
                rows.sort(key=lambda r: r["seq"])
                inserted.update(r[0] for r in conn.execute(ins, rows))
        result.stored = len(inserted & valid.keys())
        project.apply(conn, station, [valid[s] for s in sorted(inserted & valid.keys())])
        for seq in sorted(inserted & refused.keys()):
            row = refused[seq]
            result.rejected.append({"seq": seq, "id": row["claimed_id"], "reason": row["rejected_reason"]})
        leftover = sorted((valid.keys() | refused.keys()) - inserted)
        slots = _slots(conn, station, leftover) if leftover else {}
        late: list[dict[str, Any]] = []
        for seq in leftover:
            sent = valid.get(seq) or refused[seq]
            slot = slots.get(seq)
            if slot is None:  # the event id is already stored under another seq
                reason = T.REJECT_DUPLICATE_ID
                late.append({**sent, "event_id": None, "payload": "{}", "rejected_reason": reason})
                result.rejected.append({"seq": seq, "id": sent["claimed_id"], "reason": reason})
            elif slot.event_id is not None and slot.event_id == sent["claimed_id"]:
                result.duplicates += 1
            elif slot.rejected_reason is not None and slot.claimed_id == sent["claimed_id"]:
                result.rejected.append({"seq": seq, "id": sent["claimed_id"], "reason": slot.rejected_reason})
            else:
                result.rejected.append({"seq": seq, "id": sent["claimed_id"], "reason": T.REJECT_SEQ_CONFLICT})
        if late:
            conn.execute(_insert(conn), late).all()
        new_mark = contiguous_from(conn, station, mark)
        conn.execute(update(stations).where(stations.c.code == station)
                     .values(contiguous=max(mark, new_mark), last_contact=now))
    result.acked_seq = max(mark, new_mark)
    return result


def touch(engine: Engine, station: str, now: datetime | None = None) -> int:
    """Record contact (a status request) and return the station's current mark."""
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        mark = lock_station(conn, station) or 0
        conn.execute(update(stations).where(stations.c.code == station).values(last_contact=now or utcnow()))
    return mark
