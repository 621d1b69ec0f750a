"""A case's events as the clocks read them, in plain SQL on a DBAPI (sqlite3) connection.

The one copy of this read: the ORM side passes its session's own sqlite3 connection
(``store.dbapi.driver_connection``: same transaction, so events just emitted are seen), the light path
its ``store/lite.py`` connection (the home screen's due marks, the sign-in's deemed-acceptance check).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from deskclient.domain.clock_types import CaseEvent
from deskclient.store.dbapi import parse_dt

CASE_EVENTS = "SELECT type, at, payload FROM event WHERE case_id = ? ORDER BY seq"
CHUNK = 500


def _event(type_: str, at: Any, payload: str | None) -> CaseEvent:
    try:
        data = json.loads(payload) if payload else {}
    except ValueError:
        data = {}
    when = parse_dt(at)
    assert when is not None
    return CaseEvent(type=type_, at=when, payload=data if isinstance(data, dict) else {})


def case_events(con: sqlite3.Connection, case_id: str) -> list[CaseEvent]:
    """A case's events in ledger order (``ix_event_case``)."""
    return [_event(*r) for r in con.execute(CASE_EVENTS, (case_id,))]


def case_events_many(con: sqlite3.Connection, case_ids: Sequence[str]) -> dict[str, list[CaseEvent]]:
    """The events of many cases, one query per 500 ids; every id is a key (empty list if none)."""
    ids = list(dict.fromkeys(case_ids))
    grouped: dict[str, list[CaseEvent]] = {cid: [] for cid in ids}
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        sql = (f"SELECT case_id, type, at, payload FROM event WHERE case_id IN ({', '.join('?' * len(chunk))}) "
               "ORDER BY seq")
        for case_id, type_, at, payload in con.execute(sql, chunk):
            grouped[case_id].append(_event(type_, at, payload))
    return grouped
