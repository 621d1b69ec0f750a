"""Storing a station's events at the office: validate, insert once, confirm each event by its hash.

The same code serves the HTTP API and bundle import, so a bundle whose events also arrived online
stores each event once. One transaction per batch:

1. lock the station's row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE``
   already serialises writers), so copies of the service ingesting for the same station take turns;
   check the ledger identity (a batch from another install of the station is refused whole);
2. look up what the office already holds in the batch's seq range (per station: one station's
   token can never touch another station's events; an id held at another seq of the station is
   caught by the ``(station, event_id)`` unique key when inserting, and is a conflict too);
3. a *different* event at a held slot (other id, or same id with other content) is a **conflict**:
   recorded, reported, never stored over the first copy; the batch is stored only up to it, so
   two ledgers can never be interleaved;
4. ``INSERT ... ON CONFLICT DO NOTHING`` the rest (a refused event is a row with its reason and no
   payload); free text holding a full ID or phone number is stored masked and quarantined;
5. reply with ``confirmed``: ``(id, seq, hash)`` of every event of the batch the office now holds
   with exactly that content - the station marks sent only those whose hash matches its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select, text, update

from deskclient.central import project
from deskclient.central.db import (
    WRITE,
    bulk_insert,
    conflicts,
    events,
    insert_many,
    key_in,
    quarantine,
    stations,
)
from deskclient.central.limits import has_bad_text
from deskclient.domain.events import canonical_payload, content_hash
from deskclient.domain.identity import might_hold_number, redact_payload
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


class LedgerMismatchError(Exception):
    """The batch comes from another ledger (install) than the one registered for the station."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class IngestResult:
    """What the office tells the station after a batch."""

    station: str
    acked_seq: int
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    held_max: int = 0
    confirmed: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    quarantined: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"station": self.station, "acked_seq": self.acked_seq, "held_max": self.held_max,
                "received": self.received, "stored": self.stored, "duplicates": self.duplicates,
                "confirmed": self.confirmed, "rejected": self.rejected, "conflicts": self.conflicts,
                "quarantined": self.quarantined}


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


def validate_event(raw: Any, station: str = "") -> tuple[int | None, str, dict[str, Any] | None, str | None]:
    """``(seq, claimed_id, row, reason)``: a row ready to insert, or the reason it is refused.

    ``seq`` is None when the event has no usable sequence number (it cannot take a slot). Free text
    with a full ID or phone number does not refuse the event: the row carries the masked text and
    ``_quarantined`` names the fields (the state change is kept; the county sees the refusal).
    """
    if not isinstance(raw, Mapping):
        return None, "", None, T.REJECT_NOT_OBJECT
    if has_bad_text(raw):  # NUL / lone surrogate: no column can store it (h17b hook)
        seq, claimed = raw.get("seq"), raw.get("id")
        ok_seq = isinstance(seq, int) and not isinstance(seq, bool) and 1 <= seq <= MAX_SEQ
        safe_id = claimed[:64] if isinstance(claimed, str) and not has_bad_text(claimed) else ""
        return (seq if ok_seq else None), safe_id, None, T.REJECT_BAD_TEXT
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
        payload_text = canonical_payload(payload)
    except (TypeError, ValueError):
        return seq, claimed_id, None, T.REJECT_PAYLOAD_NOT_OBJECT
    if len(payload_text) > MAX_PAYLOAD_CHARS:
        return seq, claimed_id, None, T.REJECT_PAYLOAD_TOO_LARGE
    digest = content_hash(claimed, seq, at, clerk_id, type_, case_id, payload, payload_json=payload_text)
    quarantined: list[str] = []
    stored_payload: dict[str, Any] = payload
    if might_hold_number(payload_text):  # else neither redaction nor the full-number check can match
        cleaned = redact_payload(payload, station)
        if cleaned != payload:
            assert isinstance(cleaned, dict)
            quarantined = sorted(k for k in payload if cleaned.get(k) != payload[k])
            payload_text = canonical_payload(cleaned)
            stored_payload = cleaned
        reason = looks_personal(payload_text)
        if reason:
            return seq, claimed_id, None, reason
    row = {"seq": seq, "event_id": claimed, "claimed_id": claimed, "at": at, "clerk_id": clerk_id,
           "type": type_, "case_id": case_id, "payload": payload_text, "rejected_reason": None,
           "content_sha256": digest, "_quarantined": quarantined, "_payload": stored_payload}
    return seq, claimed_id, row, None


def _insert(conn: Connection, table: Any = events) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING`` in the engine's dialect."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing()


_HELD_COLS = (events.c.seq, events.c.event_id, events.c.claimed_id, events.c.rejected_reason,
              events.c.content_sha256, events.c.at, events.c.clerk_id, events.c.type, events.c.case_id,
              events.c.payload)


def _held_hash(row: Any) -> str | None:
    """The content hash of a held row (computed for rows stored before hashes were kept)."""
    if row.content_sha256 or row.event_id is None:
        return row.content_sha256
    return content_hash(row.event_id, row.seq, row.at, row.clerk_id, row.type, row.case_id,
                        json.loads(row.payload))


def _held(conn: Connection, station: str, seqs: Sequence[int]) -> dict[int, Any]:
    """What the office already holds for ``station`` in the seq range of a batch (one range query:
    nothing at all for a batch of new events)."""
    if not seqs:
        return {}
    stmt = select(*_HELD_COLS).where(events.c.station == station, events.c.seq.between(min(seqs), max(seqs)))
    return {row.seq: row for row in conn.execute(stmt)}


def _held_ids(conn: Connection, station: str, ids: Sequence[str]) -> dict[str, Any]:
    """The rows holding these ids for ``station`` (only asked for the few rows an insert skipped)."""
    if not ids:
        return {}
    stmt = select(*_HELD_COLS).where(events.c.station == station, key_in(conn, events.c.event_id, ids))
    return {row.event_id: row for row in conn.execute(stmt)}


_MARK_SQL = text(
    "SELECT COALESCE(MAX(seq), :m) FROM ("
    " SELECT seq, ROW_NUMBER() OVER (ORDER BY seq) AS rn FROM central_event"
    " WHERE station = :st AND seq > :m) AS t"
    " WHERE seq - rn = :m"
)


def contiguous_from(conn: Connection, station: str, mark: int) -> int:
    """The highest seq ``n`` such that every seq in ``1..n`` is held (given ``1..mark`` are)."""
    return int(conn.execute(_MARK_SQL, {"st": station, "m": mark}).scalar_one())


def held_max(conn: Connection, station: str) -> int:
    """The highest seq held for the station (0 when none): a ledger below it was restored or copied."""
    return int(conn.execute(select(func.coalesce(func.max(events.c.seq), 0))
                            .where(events.c.station == station)).scalar_one())


def lock_station(conn: Connection, station: str) -> Any:
    """Lock the station's row for this transaction; the row (mark, ledger id), or None if unknown."""
    stmt = select(stations.c.contiguous, stations.c.ledger_id).where(stations.c.code == station).with_for_update()
    return conn.execute(stmt).first()


def _set_alert(conn: Connection, station: str, message: str, now: datetime) -> None:
    conn.execute(update(stations).where(stations.c.code == station).values(alert=message, alert_at=now))


def _classify(row: dict[str, Any], by_seq: dict[int, Any]) -> tuple[str, Any]:
    """``new``, ``duplicate``, ``rejected_before`` or ``conflict`` (with the held row). An id held
    at *another* seq is found by the insert itself (the ``(station, event_id)`` unique key)."""
    slot = by_seq.get(row["seq"])
    if slot is None:
        return "new", None
    if slot.event_id is not None and slot.event_id == row["claimed_id"]:
        if row["rejected_reason"] is None and _held_hash(slot) == row["content_sha256"]:
            return "duplicate", slot
        return ("rejected_before" if row["rejected_reason"] else "conflict"), slot
    if slot.rejected_reason is not None and slot.claimed_id == row["claimed_id"]:
        return "rejected_before", slot
    return "conflict", slot


def _conflict_row(station: str, row: dict[str, Any], held: Any, ledger_id: str | None, now: datetime) -> dict[str, Any]:
    offered = row["content_sha256"] or ("rejected:" + row["claimed_id"])[:64]
    return {"station": station, "seq": row["seq"], "offered_sha256": offered, "offered_id": row["claimed_id"],
            "held_id": None if held is None else (held.event_id or held.claimed_id),
            "held_sha256": None if held is None else _held_hash(held), "ledger_id": ledger_id, "seen_at": now}


def ingest(engine: Engine, station: str, raw_events: Iterable[Any], *, via: str = "online",
           ledger_id: str | None = None, now: datetime | None = None,
           also: Callable[[Connection], None] | None = None) -> IngestResult:
    """Store a batch for ``station`` (already authenticated); see the module docstring.

    ``ledger_id`` identifies the install the batch comes from: the first one seen is registered for
    the station; a batch from any other is refused whole (:class:`LedgerMismatchError`, after the
    refusal is recorded for ``central status``). ``None`` skips the check (office tools only).
    ``also`` runs in the batch's transaction once the station is locked (the station's report).
    """
    now = now or utcnow()
    raw_list = list(raw_events)
    rows: dict[int, dict[str, Any]] = {}
    result = IngestResult(station=station, acked_seq=0, received=len(raw_list))
    for raw in raw_list:
        if isinstance(raw, Mapping) and raw.get("station") not in (None, station):
            raise ForeignStationError(str(raw.get("station"))[:32])
        seq, claimed_id, row, reason = validate_event(raw, station)
        if seq is None:
            result.rejected.append({"seq": None, "id": claimed_id, "reason": reason})
            continue
        if row is None:
            # The case id is kept (when it is a plain id) so the office can show the case number.
            case_id = raw.get("case_id") if isinstance(raw, Mapping) else None
            case_id = case_id if isinstance(case_id, str) and _ID_RE.match(case_id) else None
            row = {"seq": seq, "event_id": None, "claimed_id": claimed_id, "at": "", "clerk_id": None,
                   "type": "", "case_id": case_id, "payload": "{}", "rejected_reason": reason,
                   "content_sha256": None, "_quarantined": []}
        rows.setdefault(seq, row)
    ordered = [rows[s] for s in sorted(rows)]

    mismatch: str | None = None
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        locked = lock_station(conn, station)
        if locked is None:
            raise ForeignStationError(station)
        if also is not None:
            also(conn)
        mark = int(locked.contiguous)
        if ledger_id is not None:
            if locked.ledger_id is None:
                conn.execute(update(stations).where(stations.c.code == station).values(ledger_id=ledger_id))
            elif locked.ledger_id != ledger_id:
                mismatch = T.LEDGER_OTHER.format(station=station)
                _set_alert(conn, station, T.ALERT_LEDGER_OTHER.format(ledger=ledger_id[:8],
                                                                      registered=locked.ledger_id[:8]), now)
        if mismatch is None:
            _store(conn, station, ordered, result, via, ledger_id, now)
            new_mark = contiguous_from(conn, station, mark)
            result.acked_seq = max(mark, new_mark)
            result.held_max = held_max(conn, station)
            conn.execute(update(stations).where(stations.c.code == station)
                         .values(contiguous=result.acked_seq, last_contact=now))
    if mismatch is not None:
        raise LedgerMismatchError(mismatch)
    return result


# the row's own columns (``validate_event``'s rows also carry ``_``-prefixed working fields)
_STORED_KEYS = ("seq", "event_id", "claimed_id", "at", "clerk_id", "type", "case_id", "payload", "rejected_reason")


def _insert_rows(conn: Connection, station: str, *parts: list[dict[str, Any]]) -> set[int]:
    """Insert the rows and return the seqs that were stored.

    Every slot was free when classified and the station's row lock keeps it so; a row can only be
    refused because its id is held at another seq of the station (or comes twice in the batch). On
    PostgreSQL one indexed query for the ids tells whether any is held: when none is and no id
    repeats (the usual case) the rows go in with
    ``COPY`` (:func:`db.bulk_insert`). Otherwise, and on SQLite, a plain ``executemany`` of
    ``INSERT ... ON CONFLICT DO NOTHING`` (no ``RETURNING``: on PostgreSQL that would be one huge
    multi-row statement that psycopg parses in Python); when its row count does not say that
    every row went in, one range query finds which of ours are there."""
    wanted = {r["seq"]: r["claimed_id"] for rows in parts for r in rows}
    if not wanted:
        return set()
    ids = [r["event_id"] for rows in parts for r in rows if r["event_id"]]
    if conn.dialect.name == "postgresql" and len(set(ids)) == len(ids) and not _held_ids(conn, station, ids):
        for rows in parts:
            bulk_insert(conn, events, rows)
        return set(wanted)
    skipped = False
    for rows in parts:
        if rows:
            count = insert_many(conn, events, rows, skip_conflicts=True)
            skipped = skipped or count != len(rows)  # -1 (unknown) counts as "look"
    if not skipped:
        return set(wanted)
    stmt = select(events.c.seq, events.c.claimed_id).where(
        events.c.station == station, events.c.seq.between(min(wanted), max(wanted)))
    return {row.seq for row in conn.execute(stmt) if wanted.get(row.seq) == row.claimed_id}


def _store(conn: Connection, station: str, ordered: list[dict[str, Any]], result: IngestResult, via: str,
           ledger_id: str | None, now: datetime) -> None:
    """Classify the batch against what is held, record conflicts, insert the rest up to the first one."""
    by_seq = _held(conn, station, [r["seq"] for r in ordered])
    to_insert: list[dict[str, Any]] = []
    conflict_rows: list[dict[str, Any]] = []
    for row in ordered:
        kind, held = _classify(row, by_seq)
        if kind == "conflict":
            # Stop here: storing the events after a conflict would interleave two ledgers.
            conflict_rows.append(_conflict_row(station, row, held, ledger_id, now))
            result.conflicts.append({"seq": row["seq"], "id": row["claimed_id"], "reason": T.CONFLICT_SEQ})
            break
        if kind == "duplicate":
            result.duplicates += 1
            result.confirmed.append({"id": row["claimed_id"], "seq": row["seq"], "hash": row["content_sha256"]})
        elif kind == "rejected_before":
            result.rejected.append({"seq": row["seq"], "id": row["claimed_id"],
                                    "reason": held.rejected_reason or T.REJECT_DUPLICATE_ID})
        else:
            to_insert.append(row)
    if to_insert:
        # The received hash is stored only where the stored payload differs from the one received
        # (a quarantined field); otherwise it is recomputed from the row when needed - one column
        # less in the bulk insert, which is most of the cost on PostgreSQL.
        plain: list[dict[str, Any]] = []
        altered: list[dict[str, Any]] = []
        for r in to_insert:
            keep = {k: r[k] for k in _STORED_KEYS}
            keep.update(station=station, via=via, received_at=now)
            if r["_quarantined"]:
                altered.append({**keep, "content_sha256": r["content_sha256"]})
            else:
                plain.append(keep)
        inserted = _insert_rows(conn, station, plain, altered)
        skipped = [r for r in to_insert if r["seq"] not in inserted]
        elsewhere = _held_ids(conn, station, [r["claimed_id"] for r in skipped])
        q_rows = []
        for r in to_insert:
            if r["seq"] not in inserted:  # its id is held at another seq of this station: a conflict
                held = elsewhere.get(r["claimed_id"])
                conflict_rows.append(_conflict_row(station, r, held, ledger_id, now))
                where = held.seq if held is not None else "?"
                result.conflicts.append({"seq": r["seq"], "id": r["claimed_id"],
                                         "reason": T.CONFLICT_ID.format(seq=where)})
                continue
            if r["rejected_reason"] is not None:
                result.rejected.append({"seq": r["seq"], "id": r["claimed_id"], "reason": r["rejected_reason"]})
                continue
            result.stored += 1
            result.confirmed.append({"id": r["claimed_id"], "seq": r["seq"], "hash": r["content_sha256"]})
            if r["_quarantined"]:
                result.quarantined.append({"seq": r["seq"], "id": r["claimed_id"], "fields": r["_quarantined"]})
                q_rows += [{"station": station, "seq": r["seq"], "field": f[:64], "case_id": r["case_id"],
                            "reason": T.QUARANTINE_REASON, "seen_at": now} for f in r["_quarantined"]]
        if q_rows:
            conn.execute(_insert(conn, quarantine), q_rows)
        # the county's read models (central/project.py) follow the events as stored (masked text),
        # given the payload already parsed (the object ``payload`` was made from)
        project.apply(conn, station, [{**r, "payload": r["_payload"]} for r in to_insert
                                      if r["seq"] in inserted and r["rejected_reason"] is None])
    if conflict_rows:
        conn.execute(_insert(conn, conflicts), conflict_rows)
        first = conflict_rows[0]
        _set_alert(conn, station, T.ALERT_CONFLICT.format(seq=first["seq"]), now)


def touch(engine: Engine, station: str, now: datetime | None = None) -> int:
    """Record contact (a status request) and return the station's current mark."""
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        locked = lock_station(conn, station)
        mark = int(locked.contiguous) if locked is not None else 0
        conn.execute(update(stations).where(stations.c.code == station).values(last_contact=now or utcnow()))
    return mark
