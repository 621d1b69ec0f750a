"""The desk queue's reads as plain SQL on a DBAPI (sqlite3) connection: the one copy of each.

The home screen reads through these on the light connection (``store/lite.py``, no SQLAlchemy); the
ORM-side callers (``store/queries.py``: the head's desk, the bench, tests) pass the sqlite3 connection
under a SQLAlchemy connection (``store.dbapi.driver_connection``). Plans and reasons are in
``store/queries.py``'s module docstring: the desk scope walks ``ix_case_created`` newest first when
the window has many open cases (its filter columns written ``+window`` so SQLite does not pick their
indexes), the urgent cases come from the partial index ``ix_case_urgent``, text search uses prefix
ranges, and the totals sum the trigger-kept ``case_count`` counters.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from deskclient.domain.cases import OPEN_STATUSES, CaseStatus
from deskclient.store.dbapi import parse_date, parse_dt, sql_dt

PAGE_SIZE = 50
WALK_MIN_MATCHES = 1_000  # from this many desk cases on, walking the created_at index wins (store/queries.py)
URGENT_MAX = 50  # urgent cases put at the top of a queue page (the centre marks a handful at most)
_TOP = "\uffff"
_OPEN = tuple(str(s) for s in OPEN_STATUSES)
OPEN_SQL = ", ".join(f"'{st}'" for st in _OPEN)


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


ROW_COLUMNS = ("id", "case_no", "created_at", "window", "item_name", "case_class", "status", "applicant_name",
               "due_date", "due_provisional", "is_urgent", "first_asked_clerk_id")
_SELECT = f'SELECT {", ".join(ROW_COLUMNS)} FROM "case"'


def case_row(r: tuple[Any, ...]) -> CaseRow:
    created = parse_dt(r[2])
    assert created is not None
    return CaseRow(r[0], r[1], created, r[3], r[4], r[5], r[6], r[7], parse_date(r[8]), bool(r[9]), bool(r[10]),
                   r[11])


def where_sql(q: CaseQuery, *, walk: bool = False) -> tuple[list[str], dict[str, Any]]:
    """The filter of ``q`` as SQL terms and named parameters; ``walk`` (desk scope) hides the filter
    columns' indexes (``+col``)."""
    conds: list[str] = []
    params: dict[str, Any] = {"w": q.window}
    if q.scope == Scope.DESK:
        ix = "+" if walk else ""
        params.update(c=q.clerk_id, start=sql_dt(datetime.combine(q.today, time.min)))
        conds.append(f"((created_at >= :start AND {ix}window = :w) "
                     f"OR ({ix}window = :w AND {ix}status IN ({OPEN_SQL})) "
                     f"OR ({ix}first_asked_clerk_id = :c AND {ix}status IN ({OPEN_SQL})))")
    elif q.scope == Scope.OPEN:
        conds.append(f"window = :w AND status IN ({OPEN_SQL})")
    elif q.scope == Scope.OVERDUE:
        params.update(accepted=str(CaseStatus.ACCEPTED), today=q.today.isoformat())
        conds.append("window = :w AND status = :accepted AND due_date < :today")
    text = q.text.strip()
    if text:
        params.update(tu=text.upper(), tu_top=text.upper() + _TOP, t=text, t_top=text + _TOP)
        conds.append("((case_no >= :tu AND case_no < :tu_top) OR (applicant_name >= :t AND applicant_name < :t_top) "
                     "OR (item_name >= :t AND item_name < :t_top))")
    return conds, params


def _where_clause(conds: list[str]) -> str:
    return f" WHERE {' AND '.join(conds)}" if conds else ""


def page_sql(q: CaseQuery, *, offset: int = 0, limit: int = PAGE_SIZE, walk: bool = False) -> tuple[str, dict[str, Any]]:
    """The page query (exposed so tests and the benchmark can EXPLAIN it)."""
    conds, params = where_sql(q, walk=walk)
    params.update(limit=limit, offset=max(0, offset))
    return f"{_SELECT}{_where_clause(conds)} ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset", params


def urgent_sql(q: CaseQuery) -> tuple[str, dict[str, Any]]:
    """The open urgent cases of the query's scope, oldest first: 急办件 are done first (rule 4).
    Planned on the partial index ``ix_case_urgent`` (urgent cases only, migration 0012): the scope's
    other indexes are hidden from the planner, which would otherwise read every open case of the window."""
    conds, params = where_sql(q, walk=True)
    conds += ["is_urgent = 1", f"+status IN ({OPEN_SQL})"]
    params["urgent_max"] = URGENT_MAX
    return f"{_SELECT}{_where_clause(conds)} ORDER BY created_at, id LIMIT :urgent_max", params


def many_open_here(con: sqlite3.Connection, q: CaseQuery) -> bool:
    """At least WALK_MIN_MATCHES open cases at the window (an index-only count, capped)."""
    n = con.execute(f'SELECT count(*) FROM (SELECT window FROM "case" WHERE window = :w AND status IN ({OPEN_SQL}) '
                    "LIMIT :cap)", {"w": q.window, "cap": WALK_MIN_MATCHES}).fetchone()[0]
    return int(n or 0) >= WALK_MIN_MATCHES


def page_cases(con: sqlite3.Connection, q: CaseQuery, *, offset: int = 0, limit: int = PAGE_SIZE) -> list[CaseRow]:
    """One page of the queue, newest first, with the scope's open urgent cases first on page one (and
    not repeated further down). A search (text) or the whole ledger keeps plain newest-first order."""
    walk = q.scope == Scope.DESK and not q.text.strip() and many_open_here(con, q)
    rows = [case_row(r) for r in con.execute(*page_sql(q, offset=offset, limit=limit, walk=walk))]
    if q.text.strip() or q.scope == Scope.ALL:
        return rows
    urgent = [case_row(r) for r in con.execute(*urgent_sql(q))]
    ids = {u.id for u in urgent}
    rest = [r for r in rows if r.id not in ids]
    return [*urgent, *rest] if offset == 0 else rest


# From the counters kept by triggers (``store/report_summary.py``, table case_count): a few rows per
# window and clerk whatever the ledger's size (the same three disjoint parts as the index counts were).
DESK_TOTAL = f"""
SELECT (SELECT coalesce(sum(n), 0) FROM case_count
         WHERE kind = 'status' AND day = '' AND window = :w AND status IN ({OPEN_SQL}))
     + (SELECT coalesce(sum(n), 0) FROM case_count
         WHERE kind = 'status' AND day = '' AND clerk = :c AND status IN ({OPEN_SQL}) AND window != :w)
     + (SELECT coalesce(sum(n), 0) FROM case_count
         WHERE kind = 'created' AND day >= :today AND window = :w AND status NOT IN ({OPEN_SQL}))
"""


def count_cases(con: sqlite3.Connection, q: CaseQuery, *, cap: int = 100_000) -> int:
    """How many rows the query has (capped, so a count never walks more than ``cap`` index entries)."""
    if q.scope == Scope.DESK and not q.text.strip():
        total = con.execute(DESK_TOTAL, {"w": q.window, "c": q.clerk_id, "today": q.today.isoformat()}).fetchone()[0]
        return min(cap, int(total or 0))
    conds, params = where_sql(q)
    params["cap"] = cap
    return int(con.execute(f'SELECT count(*) FROM (SELECT id FROM "case"{_where_clause(conds)} LIMIT :cap)',
                           params).fetchone()[0] or 0)


@dataclass(frozen=True)
class TodayCounts:
    registered: int = 0
    accepted: int = 0
    completed: int = 0
    supplement: int = 0
    returned: int = 0
    enquiries: int = 0
    overdue: int = 0


TODAY = ("SELECT status, sum(n) FROM case_count WHERE kind = 'created' AND day >= :today AND window = :w "
         "GROUP BY status")
OVERDUE = ("SELECT coalesce(sum(n), 0) FROM case_count WHERE kind = 'due' AND window = :w AND status = :st "
           "AND day < :today")


def overdue_count(con: sqlite3.Connection, window: str, today: date) -> int:
    """Accepted cases at a window whose due date has passed, from the ``case_count`` counters."""
    params = {"w": window, "today": today.isoformat(), "st": str(CaseStatus.ACCEPTED)}
    return int(con.execute(OVERDUE, params).fetchone()[0] or 0)


def today_counts(con: sqlite3.Connection, window: str, today: date) -> TodayCounts:
    """Today's figures at a window (每日一汇总) plus the overdue count, from the ``case_count`` counters."""
    by = {str(st): int(n) for st, n in con.execute(TODAY, {"w": window, "today": today.isoformat()})}
    overdue = overdue_count(con, window, today)
    return TodayCounts(
        registered=sum(by.values()), accepted=by.get(str(CaseStatus.ACCEPTED), 0),
        completed=by.get(str(CaseStatus.COMPLETED), 0), supplement=by.get(str(CaseStatus.AWAITING_SUPPLEMENT), 0),
        returned=by.get(str(CaseStatus.RETURNED), 0), enquiries=by.get(str(CaseStatus.ANSWERED), 0),
        overdue=overdue,
    )
