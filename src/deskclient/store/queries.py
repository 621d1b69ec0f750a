"""Paged, index-backed reads for the desk's screens (the queue, search, counts, a case's timeline).

The home screen must stay instant on a ledger of 100,000 cases: every query here is bounded by
``LIMIT``, filters only on indexed columns (``created_at``, ``window``+``status``+``due_date``,
``window``+``created_at``, ``first_asked_clerk_id``+``status``, the unique ``case_no``,
``applicant_name``, ``item_name``), and text search uses prefix *ranges* (``col >= q AND col < q ||
U+FFFF``) so SQLite can walk an index instead of scanning the table. Nothing here loads the whole ledger.

The desk queue's first page is the hot path (docs/performance.md). When the window has many open
cases, its filter columns are written with a unary ``+`` (``+window = ?``), which tells SQLite not to use their
indexes, so it walks ``ix_case_created`` newest first and stops after one page instead of
collecting every matching case and sorting them. When the window has few open cases that walk could
cover the whole ledger, so the indexed OR plan (collect, then sort a few hundred rows) is used instead.
Its total is three index-only counts (see :func:`_desk_total`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import Session

from deskclient.store import queue_sql
from deskclient.store.dbapi import driver_connection
from deskclient.store.models import Clerk, Draft, Event, Notice, Transfer
from deskclient.store.queue_sql import (
    PAGE_SIZE,
    SCOPES,
    URGENT_MAX,
    WALK_MIN_MATCHES,
    CaseQuery,
    CaseRow,
    Scope,
    TodayCounts,
    page_sql,
    urgent_sql,
)

__all__ = ["PAGE_SIZE", "SCOPES", "URGENT_MAX", "WALK_MIN_MATCHES", "CaseQuery", "CaseRow", "Scope", "TimelineEntry",
           "TodayCounts", "case_notices", "case_timeline", "case_transfers", "clerk_names", "count_cases",
           "latest_draft", "page_cases", "page_sql", "today_counts", "urgent_sql"]


# The queue's reads are plain SQL in ``store/queue_sql.py`` (the one copy; the home screen runs them on
# the light sqlite3 connection): these run the same functions on a connection of the engine.
def page_cases(engine: Engine, q: CaseQuery, *, offset: int = 0, limit: int = PAGE_SIZE) -> list[CaseRow]:
    with engine.connect() as conn:
        return queue_sql.page_cases(driver_connection(conn), q, offset=offset, limit=limit)


def count_cases(engine: Engine, q: CaseQuery, *, cap: int = 100_000) -> int:
    with engine.connect() as conn:
        return queue_sql.count_cases(driver_connection(conn), q, cap=cap)


def today_counts(engine: Engine, window: str, today: date) -> TodayCounts:
    with engine.connect() as conn:
        return queue_sql.today_counts(driver_connection(conn), window, today)


@dataclass(frozen=True)
class TimelineEntry:
    seq: int
    at: datetime
    type: str
    clerk_name: str
    payload: dict[str, Any]


def case_timeline(engine: Engine, case_id: str, limit: int = 200) -> list[TimelineEntry]:
    """A case's events in order (ix_event_case), with the clerk's name."""
    stmt = (select(Event.seq, Event.at, Event.type, Clerk.name, Event.payload)
            .join(Clerk, Clerk.id == Event.clerk_id, isouter=True)
            .where(Event.case_id == case_id).order_by(Event.seq).limit(limit))
    out: list[TimelineEntry] = []
    with Session(engine) as s:
        for seq, at, type_, name, payload in s.execute(stmt):
            try:
                data = json.loads(payload) if payload else {}
            except ValueError:
                data = {}
            out.append(TimelineEntry(seq, at, type_, name or "", data if isinstance(data, dict) else {}))
    return out


def case_notices(engine: Engine, case_id: str) -> list[Notice]:
    with Session(engine, expire_on_commit=False) as s:
        return list(s.scalars(select(Notice).where(Notice.case_id == case_id).order_by(Notice.issued_at)))


def case_transfers(engine: Engine, case_id: str) -> list[Transfer]:
    with Session(engine, expire_on_commit=False) as s:
        return list(s.scalars(select(Transfer).where(Transfer.case_id == case_id).order_by(Transfer.at)))


def clerk_names(engine: Engine, ids: Sequence[str]) -> dict[str, str]:
    if not ids:
        return {}
    with Session(engine) as s:
        return {i: n for i, n in s.execute(select(Clerk.id, Clerk.name).where(Clerk.id.in_(set(ids))))}


# --- intake drafts (local only: never an event, never synced) ---------------------------------

def latest_draft(engine: Engine, clerk_id: str, kind: str = "intake") -> Draft | None:
    with Session(engine, expire_on_commit=False) as s:
        return s.scalars(select(Draft).where(Draft.clerk_id == clerk_id, Draft.kind == kind)
                         .order_by(Draft.updated_at.desc()).limit(1)).first()
