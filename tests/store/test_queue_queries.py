"""The home queue's queries: same rows and totals whichever plan is used, and index-backed plans.

The desk page has two plans (walk ``ix_case_created`` newest first, or the indexed OR then sort)
and the total is three disjoint index-only counts; both must agree with a plain Python filter of
every case, for every window and clerk.
"""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import sqlite
from sqlmodel import Session

from deskclient.domain.cases import OPEN_STATUSES
from deskclient.domain.clock import FixedClock
from deskclient.settings import Mode, Paths
from deskclient.store import queries as Q
from deskclient.store.models import Case

NOW = datetime(2026, 11, 24, 10, 0)
OPEN = {str(s) for s in OPEN_STATUSES}


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from deskclient.services.context import open_context
    from deskclient.services.demo import ensure_demo_station, generate_cases

    root: Path = tmp_path_factory.mktemp("queue") / "desk"
    c = open_context(Paths.resolve(root, Mode.DEMO), clock=FixedClock(NOW))
    ensure_demo_station(c)
    generate_cases(c, 600, days_back=20)
    with Session(c.engine) as s:  # some open cases followed by a clerk of another window
        for case in s.scalars(select(Case).where(Case.window == "2").limit(15)):
            case.status = "accepted"
        s.commit()
    yield c
    c.close()


def _expected(ctx: Any, q: Q.CaseQuery) -> list[str]:
    start = datetime.combine(q.today, time.min)
    with Session(ctx.engine) as s:
        cases = list(s.scalars(select(Case)))
    keep = [c for c in cases if (c.created_at >= start and c.window == q.window)
            or (c.window == q.window and c.status in OPEN)
            or (c.first_asked_clerk_id == q.clerk_id and c.status in OPEN)]
    keep.sort(key=lambda c: (c.created_at, c.id), reverse=True)
    return [c.id for c in keep]


@pytest.mark.parametrize("walk_from", [0, 10**9])  # always walk / never walk
def test_desk_page_and_total_match_a_plain_filter(ctx: Any, walk_from: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Q, "WALK_MIN_MATCHES", walk_from)
    checked = 0
    for clerk in ctx.people.clerks():
        for window in {clerk.window or "1", "1", "2"}:
            q = Q.CaseQuery(window=window, clerk_id=clerk.id, today=NOW.date(), scope=Q.Scope.DESK)
            want = _expected(ctx, q)
            assert Q.count_cases(ctx.engine, q) == len(want)
            got = [r.id for r in Q.page_cases(ctx.engine, q, limit=20)]
            assert got == want[:20]
            assert [r.id for r in Q.page_cases(ctx.engine, q, offset=20, limit=20)] == want[20:40]
            checked += bool(want)
    assert checked > 3


def _plan(ctx: Any, stmt: Any) -> str:
    if isinstance(stmt, tuple):  # plain SQL and its parameters (store/queue_sql.py)
        sql, params = stmt
    else:
        sql, params = str(stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})), {}
    with ctx.lite.read() as con:
        return " | ".join(str(r[3]) for r in con.execute("EXPLAIN QUERY PLAN " + sql, params))


def test_walk_plan_stops_early_instead_of_sorting_every_match(ctx: Any) -> None:
    clerk = ctx.people.clerks()[0]
    q = Q.CaseQuery(window="1", clerk_id=clerk.id, today=NOW.date(), scope=Q.Scope.DESK)
    plan = _plan(ctx, Q.page_sql(q, walk=True))
    assert "ix_case_created" in plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan  # only "RIGHT PART OF ORDER BY" (ties on created_at)


def test_home_counts_read_indexes_only(ctx: Any) -> None:
    from sqlalchemy import func

    today = NOW.date()
    overdue = select(func.count()).where(Case.window == "1", Case.status == "accepted", Case.due_date < today)  # type: ignore[operator]
    assert "COVERING INDEX ix_case_window_status_due" in _plan(ctx, overdue)
    start = datetime.combine(today, time.min)
    todays = select(Case.status, func.count()).where(Case.created_at >= start, Case.window == "1").group_by(Case.status)
    assert "COVERING INDEX ix_case_window_created" in _plan(ctx, todays)


def test_pending_count_cap(tmp_path) -> None:
    from deskclient.domain.clock import FixedClock
    from deskclient.domain.events import EventType
    from deskclient.store.db import open_ledger
    from deskclient.store.ledger import Ledger
    from deskclient.store.outbox import pending_count

    ledger = Ledger(open_ledger(tmp_path / "l.sqlite"), "ZX01", FixedClock(datetime(2026, 11, 24, 9, 30)))
    with ledger.write(None) as tx:
        for _ in range(30):
            tx.emit(EventType.STATION_CONFIGURED, {})
    assert pending_count(ledger.engine) == 30
    assert pending_count(ledger.engine, cap=10) == 10
    assert pending_count(ledger.engine, cap=100) == 30


def test_urgent_cases_lead_page_one_read_from_the_urgent_index_only(ctx: Any) -> None:
    """Rule 4 (急办件 first) without reading every open case of the window: the lookup scans the
    partial index of urgent cases (migration 0012), and page one starts with them, oldest first."""
    clerk = ctx.people.clerks()[0]
    q = Q.CaseQuery(window="1", clerk_id=clerk.id, today=NOW.date(), scope=Q.Scope.DESK)
    plan = _plan(ctx, Q.urgent_sql(q))
    assert "ix_case_urgent" in plan and "TEMP B-TREE" not in plan
    with Session(ctx.engine) as s:
        open_here = list(s.scalars(select(Case).where(Case.window == "1", Case.status.in_(OPEN))
                                   .order_by(Case.created_at)))  # type: ignore[attr-defined]
        assert len(open_here) >= 3
        picked = [open_here[-1], open_here[0]]  # the newest and the oldest open case
        for case in picked:
            case.is_urgent = True
        s.commit()
        picked_ids = sorted(picked, key=lambda c: (c.created_at, c.id))
        want = [c.id for c in picked_ids]
    try:
        page = [r.id for r in Q.page_cases(ctx.engine, q, limit=20)]
        assert page[:2] == want
        assert len(set(page)) == len(page)
    finally:
        with Session(ctx.engine) as s:
            for case in s.scalars(select(Case).where(Case.id.in_(want))):  # type: ignore[attr-defined]
                case.is_urgent = False
            s.commit()
