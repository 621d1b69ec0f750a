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
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Engine, and_, func, or_, select, text
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression
from sqlmodel import Session

from deskclient.domain.cases import OPEN_STATUSES, CaseStatus
from deskclient.store.models import Case, Clerk, Draft, Event, Notice, Transfer

PAGE_SIZE = 50
WALK_MIN_MATCHES = 1_000  # from this many desk cases on, walking the created_at index wins (see module doc)
_TOP = "\uffff"
_OPEN = tuple(str(s) for s in OPEN_STATUSES)


class Scope:
    """Which cases the queue shows."""

    DESK = "desk"  # today's at this window + open ones it owns + transferred-out ones I still follow
    OPEN = "open"  # every open case at this window
    OVERDUE = "overdue"  # open cases at this window past their due date
    ALL = "all"  # the whole ledger (search)


SCOPES = (Scope.DESK, Scope.OPEN, Scope.OVERDUE, Scope.ALL)


@dataclass(frozen=True)
class CaseQuery:
    window: str
    clerk_id: str
    today: date
    scope: str = Scope.DESK
    text: str = ""


@dataclass(frozen=True)
class CaseRow:
    """Just what a queue line shows (no identity numbers)."""

    id: str
    case_no: str
    created_at: datetime
    window: str
    item_name: str
    case_class: str
    status: str
    applicant_name: str
    due_date: date | None
    due_provisional: bool
    is_urgent: bool
    first_asked_clerk_id: str


_ROW_COLS = (Case.id, Case.case_no, Case.created_at, Case.window, Case.item_name, Case.case_class,
             Case.status, Case.applicant_name, Case.due_date, Case.due_provisional, Case.is_urgent,
             Case.first_asked_clerk_id)


def _prefix(col: Any, text: str) -> Any:
    return and_(col >= text, col < text + _TOP)


def _noindex(col: Any) -> Any:
    """``+col``: the same value, but SQLite will not pick an index on ``col`` for this term."""
    return UnaryExpression(col, operator=operators.custom_op("+"), type_=col.type)


def _where(q: CaseQuery, *, walk: bool = False) -> list[Any]:
    """The filter of ``q``; ``walk`` (desk scope) hides the filter columns' indexes (module doc)."""
    conds: list[Any] = []
    start = datetime.combine(q.today, time.min)
    if q.scope == Scope.DESK:
        ix = _noindex if walk else (lambda c: c)
        window, status, first_asked = ix(Case.window), ix(Case.status), ix(Case.first_asked_clerk_id)
        conds.append(or_(
            and_(Case.created_at >= start, window == q.window),
            and_(window == q.window, status.in_(_OPEN)),
            and_(first_asked == q.clerk_id, status.in_(_OPEN)),
        ))
    elif q.scope == Scope.OPEN:
        conds.append(and_(Case.window == q.window, Case.status.in_(_OPEN)))
    elif q.scope == Scope.OVERDUE:
        conds.append(and_(Case.window == q.window, Case.status == str(CaseStatus.ACCEPTED),
                          Case.due_date < q.today))  # type: ignore[operator]
    text = q.text.strip()
    if text:
        upper = text.upper()
        conds.append(or_(_prefix(Case.case_no, upper), _prefix(Case.applicant_name, text),
                         _prefix(Case.item_name, text)))
    return conds


_OPEN_SQL = ", ".join(f"'{st}'" for st in _OPEN)
# From the counters kept by triggers (``store/report_summary.py``, table case_count): a few rows per
# window and clerk whatever the ledger's size (the same three disjoint parts as the index counts were).
_DESK_TOTAL = text(f"""
SELECT (SELECT coalesce(sum(n), 0) FROM case_count
         WHERE kind = 'status' AND day = '' AND window = :w AND status IN ({_OPEN_SQL}))
     + (SELECT coalesce(sum(n), 0) FROM case_count
         WHERE kind = 'status' AND day = '' AND clerk = :c AND status IN ({_OPEN_SQL}) AND window != :w)
     + (SELECT coalesce(sum(n), 0) FROM case_count
         WHERE kind = 'created' AND day >= :today AND window = :w AND status NOT IN ({_OPEN_SQL}))
""")


def _desk_total(s: Session, q: CaseQuery) -> int:
    """Cases in the desk scope (no text): open here + open, mine, elsewhere + today here and not open,
    summed from the ``case_count`` counters (flat from 1k to 1M cases)."""
    return int(s.execute(_DESK_TOTAL, {"w": q.window, "c": q.clerk_id, "today": q.today.isoformat()}).scalar() or 0)


def _many_open_here(s: Session, q: CaseQuery) -> bool:
    """At least WALK_MIN_MATCHES open cases at the window, so the desk's matches are dense enough in
    ``created_at`` order for the walk to stop early (an index-only count, capped)."""
    inner = (select(Case.window).where(Case.window == q.window, Case.status.in_(_OPEN))
             .limit(WALK_MIN_MATCHES).subquery())
    return int(s.execute(select(func.count()).select_from(inner)).scalar() or 0) >= WALK_MIN_MATCHES


def page_stmt(q: CaseQuery, *, offset: int = 0, limit: int = PAGE_SIZE, walk: bool = False) -> Any:
    """The page query (exposed so tests and the benchmark can EXPLAIN it)."""
    stmt = select(*_ROW_COLS).where(*_where(q, walk=walk)).order_by(Case.created_at.desc(), Case.id.desc())
    return stmt.offset(max(0, offset)).limit(limit)


URGENT_MAX = 50  # urgent cases put at the top of a queue page (the centre marks a handful at most)


def urgent_stmt(q: CaseQuery) -> Any:
    """The open urgent cases of the query's scope, oldest first: 急办件 are done first (rule 4).
    Bounded by the open-at-window indexes; only open cases can be urgent work."""
    conds = [*_where(q), Case.is_urgent == True, Case.status.in_(_OPEN)]  # noqa: E712
    return select(*_ROW_COLS).where(*conds).order_by(Case.created_at, Case.id).limit(URGENT_MAX)


def page_cases(engine: Engine, q: CaseQuery, *, offset: int = 0, limit: int = PAGE_SIZE) -> list[CaseRow]:
    """One page of the queue, newest first, with the scope's open urgent cases first on page one (and
    not repeated further down). A search (text) or the whole ledger keeps plain newest-first order."""
    with Session(engine) as s:
        walk = q.scope == Scope.DESK and not q.text.strip() and _many_open_here(s, q)
        rows = [CaseRow(*row) for row in s.execute(page_stmt(q, offset=offset, limit=limit, walk=walk))]
        if q.text.strip() or q.scope == Scope.ALL:
            return rows
        urgent = [CaseRow(*row) for row in s.execute(urgent_stmt(q))]
    ids = {u.id for u in urgent}
    rest = [r for r in rows if r.id not in ids]
    return [*urgent, *rest] if offset == 0 else rest


def count_cases(engine: Engine, q: CaseQuery, *, cap: int = 100_000) -> int:
    """How many rows the query has (capped, so a count never walks more than ``cap`` index entries)."""
    with Session(engine) as s:
        if q.scope == Scope.DESK and not q.text.strip():
            return min(cap, _desk_total(s, q))
        inner = select(Case.id).where(*_where(q)).limit(cap).subquery()
        return int(s.execute(select(func.count()).select_from(inner)).scalar() or 0)


@dataclass(frozen=True)
class TodayCounts:
    registered: int = 0
    accepted: int = 0
    completed: int = 0
    supplement: int = 0
    returned: int = 0
    enquiries: int = 0
    overdue: int = 0


_TODAY = text("SELECT status, sum(n) FROM case_count WHERE kind = 'created' AND day >= :today AND window = :w "
              "GROUP BY status")
_OVERDUE = text("SELECT coalesce(sum(n), 0) FROM case_count WHERE kind = 'due' AND window = :w AND status = :st "
                "AND day < :today")


def today_counts(engine: Engine, window: str, today: date) -> TodayCounts:
    """Today's figures at a window (每日一汇总) plus the overdue count, from the ``case_count`` counters."""
    params = {"w": window, "today": today.isoformat(), "st": str(CaseStatus.ACCEPTED)}
    with engine.connect() as conn:
        by = {str(st): int(n) for st, n in conn.execute(_TODAY, params)}
        overdue = int(conn.execute(_OVERDUE, params).scalar() or 0)
    return TodayCounts(
        registered=sum(by.values()), accepted=by.get(str(CaseStatus.ACCEPTED), 0),
        completed=by.get(str(CaseStatus.COMPLETED), 0), supplement=by.get(str(CaseStatus.AWAITING_SUPPLEMENT), 0),
        returned=by.get(str(CaseStatus.RETURNED), 0), enquiries=by.get(str(CaseStatus.ANSWERED), 0),
        overdue=overdue,
    )


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
