"""The reminders line's counts and first case, read as counts plus one row, equal what the full
reminder lists (every accepted case due by the soon-date) give, for each window and for the head."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import Session

from deskclient.domain.clock import FixedClock
from deskclient.settings import Mode, Paths
from deskclient.store.models import Case
from deskclient.store.reminder_queries import first_reminder, reminder_counts

NOW = datetime(2026, 11, 24, 10, 0)


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from deskclient.services.context import open_context
    from deskclient.services.demo import ensure_demo_station, generate_cases

    root: Path = tmp_path_factory.mktemp("remind") / "desk"
    c = open_context(Paths.resolve(root, Mode.DEMO), clock=FixedClock(NOW))
    ensure_demo_station(c)
    generate_cases(c, 800, days_back=40)
    with Session(c.engine) as s:  # same-day ties: one urgent case must come first
        cases = list(s.scalars(select(Case).where(Case.status == "accepted", Case.window == "1")))
        for case in cases[:3]:
            case.due_date = NOW.date() - timedelta(days=30)
        cases[2].is_urgent = True
        s.commit()
    yield c
    c.close()


@pytest.mark.parametrize("window", ["1", "2", "3", "5", None])
def test_counts_and_first_row_match_the_full_lists(ctx: Any, window: str | None) -> None:
    full = ctx.queue.reminders(window)
    assert full.count > 0
    with ctx.lite.read() as conn:
        counts = reminder_counts(conn, window, full.today, full.soon_until)
        first = first_reminder(conn, window, full.soon_until)
    assert (counts.overdue, counts.due_today, counts.due_soon) == (
        len(full.overdue), len(full.due_today), len(full.due_soon))
    expected = next(iter([*full.overdue, *full.due_today, *full.due_soon]))
    assert first is not None and first.id == expected.case_id and first.due_date == expected.due_date


def test_an_urgent_case_comes_first_on_the_same_due_date(ctx: Any) -> None:
    with ctx.lite.read() as conn:
        first = first_reminder(conn, "1", NOW.date())
    assert first is not None and first.is_urgent and first.due_date == NOW.date() - timedelta(days=30)


@pytest.mark.parametrize("window", ["1", "4", None])
def test_the_home_reminder_line_equals_the_full_reminders(ctx: Any, window: str | None) -> None:
    full = ctx.queue.reminders(window)
    line = ctx.queue.reminder_line(window)
    assert (line.overdue, line.due_today, line.due_soon, line.count) == (
        len(full.overdue), len(full.due_today), len(full.due_soon), full.count)
    assert line.first == next(iter([*full.overdue, *full.due_today, *full.due_soon]))
