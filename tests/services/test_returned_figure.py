"""The day's returned figure (home 今日 line and reports) from ``case.returned_at`` and the ``case_day``
read model: a return through the checklist sets the column with its event and counts on that day; a
复核 overturn takes the case out of the figure; a second return counts it on the new day."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from deskclient.domain.cases import CaseStatus, MaterialState, Outcome
from deskclient.domain.clock import FixedClock
from deskclient.domain.events import EventType
from deskclient.services.cases import CheckInput, Intake, PersonInput
from deskclient.services.context import DeskContext, open_context
from deskclient.services.demo import ensure_demo_station, make_id_number
from deskclient.settings import Paths
from deskclient.store.queue_sql import CaseQuery, Scope


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 23, 9, 30))


@pytest.fixture
def ctx(tmp_path: Path, clock: FixedClock) -> Iterator[DeskContext]:
    context = open_context(Paths.resolve(tmp_path), clock=clock)
    ensure_demo_station(context)
    yield context
    context.close()


def _ids(ctx: DeskContext) -> tuple[str, str]:
    clerks = {c.login: c.id for c in ctx.people.clerks()}
    return clerks["wangfang"], clerks["zhouzhuren"]


def _reject(ctx: DeskContext, case_id: str, clerk: str) -> None:
    checks = [CheckInput(m.position, MaterialState.RECEIVED) for m in ctx.cases.materials(case_id)]
    ctx.cases.confirm_outcome(case_id, clerk, checks, Outcome.REJECT, reasons=["不符合条件"])


def _returned_today(ctx: DeskContext, clerk: str, day: date) -> int:
    return ctx.home.page(CaseQuery("1", clerk, day, Scope.DESK)).counts.returned


def _row(ctx: DeskContext, case_id: str) -> Any:
    with ctx.engine.connect() as conn:
        return conn.execute(text('SELECT status, returned_at FROM "case" WHERE id = :i'), {"i": case_id}).one()


def _last_return_event(ctx: DeskContext, case_id: str) -> str:
    with ctx.engine.connect() as conn:
        return conn.execute(text("SELECT max(at) FROM event WHERE case_id = :i AND type = :t"),
                            {"i": case_id, "t": str(EventType.CASE_RETURNED)}).scalar_one()


def test_a_return_counts_on_its_day_and_an_overturn_takes_it_out(ctx: DeskContext, clock: FixedClock) -> None:
    clerk, head = _ids(ctx)
    item = next(i for i in ctx.catalog if i.code == "NY-005")
    case = ctx.cases.register(Intake(window="1", item=item, applicant=PersonInput(
        "王小明", make_id_number(random.Random(7)), "13800001234")), clerk)
    assert _returned_today(ctx, clerk, date(2026, 11, 23)) == 0

    clock.current = datetime(2026, 11, 23, 10, 15)
    _reject(ctx, case.id, clerk)
    status, returned_at = _row(ctx, case.id)
    assert status == CaseStatus.RETURNED
    assert str(returned_at) == _last_return_event(ctx, case.id)  # the column is its event's time
    assert returned_at.startswith("2026-11-23 10:15")
    assert _returned_today(ctx, clerk, date(2026, 11, 23)) == 1

    clock.current = datetime(2026, 11, 24, 9, 0)
    review = ctx.followups.request_review(case.id, clerk, "申请人认为符合条件")
    ctx.followups.decide_review(review.id, head, "overturned", "材料齐全")
    assert _row(ctx, case.id)[0] == CaseStatus.REGISTERED
    assert _returned_today(ctx, clerk, date(2026, 11, 23)) == 0  # no longer returned: counted nowhere
    assert _returned_today(ctx, clerk, date(2026, 11, 24)) == 0

    clock.current = datetime(2026, 11, 25, 11, 0)
    _reject(ctx, case.id, clerk)  # returned again: counted once, on the day of its last return
    _, returned_at = _row(ctx, case.id)
    assert str(returned_at) == _last_return_event(ctx, case.id) and returned_at.startswith("2026-11-25 11:00")
    assert [_returned_today(ctx, clerk, date(2026, 11, d)) for d in (23, 24, 25)] == [0, 0, 1]
    with ctx.engine.connect() as conn:
        assert conn.execute(text("SELECT day, n FROM case_day WHERE kind = 'returned'")).all() == [("2026-11-25", 1)]
