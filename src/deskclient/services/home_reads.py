"""What the home screen reads, on the light sqlite3 connection (``ctx.home``): no SQLAlchemy, SQLModel or
pydantic is imported to show home after the PIN (docs/decisions.md, "The desk's light path").

Every read here is the one copy of its SQL: the page, the total and today's counters
(``store/queue_sql.py``), the day's figures (``services/report_figures.py``, the F12 report's own),
the reminders line (``store/reminder_queries.py``), the clocks behind the due marks
(``services/clock_read.py``), the outbox count and the pause. ``QueueService`` and ``ReminderService``
hand their callers to these same methods. The ORM is loaded only when a reminder needs it (an open
complaint's clocks), never to show home.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from deskclient.domain.cases import CaseStatus
from deskclient.domain.clock_types import CaseClocks
from deskclient.domain.reports import due_rank
from deskclient.services.clock_read import clocks_for_cases
from deskclient.services.report_figures import day_figures
from deskclient.store import queue_sql
from deskclient.store.dbapi import parse_dt
from deskclient.store.lite import pending_count
from deskclient.store.queue_sql import PAGE_SIZE, SCOPES, CaseQuery, CaseRow
from deskclient.strings import cases as TC
from deskclient.strings import desk as T

if TYPE_CHECKING:
    from deskclient.services.context import DeskContext

__all__ = ["PAGE_SIZE", "PENDING_CAP", "SCOPES", "CaseQuery", "CaseRow", "ChecklistCase", "DayCounts", "HomeReads",
           "OpenCaseLine", "OtherReminders", "PauseRow", "QueuePage", "ReminderLine", "shown_count"]

PENDING_CAP = 10_000  # beyond this every screen says 9999+ instead of counting every row


def shown_count(n: int | None, cap: int = PENDING_CAP) -> str:
    """An outbox count as shown to a clerk: "9999+" once the capped count reaches the cap."""
    from deskclient.strings import ui as TU

    if n is None:
        return ""
    return TU.PENDING_MANY.format(n=cap - 1) if n >= cap else str(n)


@dataclass(frozen=True)
class DayCounts:
    """Home's 今日 line: the day's figures exactly as the F12 daily report of the window has them
    (``report_figures.day_figures``), and the cases overdue now (a state, not a day's figure)."""

    registered: int = 0
    accepted: int = 0
    completed: int = 0
    returned: int = 0
    answered: int = 0
    overdue: int = 0


@dataclass(frozen=True)
class QueuePage:
    """One page of the home queue with the day's counts and the outbox state."""

    today: date
    rows: list[CaseRow]
    total: int
    counts: DayCounts
    pending: int
    online: bool


@dataclass(frozen=True)
class OpenCaseLine:
    """An open case as the desk lists it (no ID or phone numbers)."""

    case_id: str
    case_no: str
    window: str
    item_name: str
    applicant_name: str
    status: str
    case_class: str
    due_date: date | None
    due_provisional: bool
    owner_clerk_id: str
    is_urgent: bool
    rank: int  # 0 overdue, 1 due today, 2 due soon, 3 later, 4 no due date

    @property
    def status_label(self) -> str:
        return TC.CASE_STATUS_LABELS.get(self.status, self.status)

    @property
    def class_label(self) -> str:
        return TC.CASE_CLASS_LABELS.get(self.case_class, self.case_class)

    @property
    def rank_label(self) -> str:
        return T.RANK_LABELS[self.rank]


@dataclass(frozen=True)
class ReminderLine:
    """The home screen's reminders: three counts and the most urgent case (flat cost at 1M cases)."""

    today: date
    soon_until: date
    overdue: int
    due_today: int
    due_soon: int
    first: OpenCaseLine | None

    @property
    def count(self) -> int:
        return self.overdue + self.due_today + self.due_soon


@dataclass(frozen=True)
class OtherReminders:
    """Reminders besides the promised dates: missed milestones of cases not yet overdue, and complaints
    whose complainant must be told of a late answer."""

    missed: int
    complaints: int

    @property
    def count(self) -> int:
        return self.missed + self.complaints


@dataclass(frozen=True)
class PauseRow:
    """A window's 暂停服务 (the ``deskpause`` row) as the screens show it."""

    id: int
    window: str
    clerk_id: str
    reason: str
    expected_back: datetime | None
    redirect_window: str
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class ChecklistCase:
    """A 已登记 case whose one-time checklist was never confirmed (offered for resuming)."""

    id: str
    case_no: str
    applicant_name: str
    created_at: datetime


CURRENT_PAUSE = ("SELECT id, window, clerk_id, reason, expected_back, redirect_window, started_at, ended_at "
                 "FROM deskpause WHERE window = ? AND ended_at IS NULL ORDER BY started_at DESC LIMIT 1")
UNFINISHED_CHECKLISTS = ('SELECT id, case_no, applicant_name, created_at FROM "case" WHERE window = ? AND status = ? '
                         "ORDER BY created_at")
DUE_SOON_OR_EXAMINING = ('SELECT id FROM "case" WHERE status = :accepted AND due_date >= :today AND due_date <= :soon'
                         '{w} UNION ALL SELECT id FROM "case" WHERE status = :examining{w}')
ANY_OPEN_COMPLAINT = "SELECT 1 FROM complaint WHERE status = 'open' LIMIT 1"


class HomeReads:
    """The home screen's reads (``ctx.home``), each one transaction on the light connection."""

    def __init__(self, ctx: DeskContext) -> None:
        self.ctx = ctx
        self.ledger = ctx.ledger

    def today(self) -> date:
        return self.ctx.clock.today()

    def soon_until(self, today: date) -> date:
        return self.ctx.calendar.add_working_days(today, self.ctx.rules.due_soon_working_days).date

    def page(self, q: CaseQuery, *, offset: int = 0) -> QueuePage:
        """The home screen's page: the rows, how many match, today's counts and what waits to be sent."""
        now = self.ctx.clock.now()
        with self.ledger.lite_read() as con:
            rows = queue_sql.page_cases(con, q, offset=offset)
            f = day_figures(con, q.today, q.window, now=now)  # the report's figures, not a copy
            overdue = queue_sql.overdue_count(con, q.window, q.today)  # the day's other figures: f
            total = queue_sql.count_cases(con, q)
            pending = pending_count(con, cap=PENDING_CAP)
        counts = DayCounts(f.registered, f.accepted, f.completed, f.returned, f.answered, overdue)
        return QueuePage(q.today, rows, total, counts, pending, bool(self.ctx.station.office_url))

    def clocks_many(self, case_ids: Sequence[str], today: date | None = None) -> dict[str, CaseClocks]:
        """The clocks of many cases (the due marks of a page): ``clock_read.clocks_for_cases``."""
        return clocks_for_cases(self.ledger, case_ids, today, calendar=self.ctx.calendar, settings=self.ctx.rules)

    def reminder_line(self, window: str | None = None, today: date | None = None) -> ReminderLine:
        """Three counts from the ``case_count`` counters and one row, whatever the ledger's size."""
        from deskclient.store.reminder_queries import first_reminder, reminder_counts

        today = today or self.today()
        soon = self.soon_until(today)
        with self.ledger.lite_read() as con:
            counts = reminder_counts(con, window, today, soon)
            row = first_reminder(con, window, soon) if counts.count else None
        first = None if row is None else OpenCaseLine(
            row.id, row.case_no, row.window, row.item_name, row.applicant_name, row.status, row.case_class,
            row.due_date, row.due_provisional, row.owner_clerk_id or "", row.is_urgent,
            due_rank(row.due_date, today, soon))
        return ReminderLine(today, soon, counts.overdue, counts.due_today, counts.due_soon, first)

    def other_counts(self, window: str | None = None, today: date | None = None) -> OtherReminders:
        """The home line's extra count, without walking every overdue case: missed milestones of cases
        due today or soon and of 收件待审 cases, and the complaints to tell of a delay (their clocks go
        through the ORM's follow-ups, read only when an open complaint exists)."""
        today = today or self.today()
        soon = self.soon_until(today)
        params = {"accepted": str(CaseStatus.ACCEPTED), "examining": str(CaseStatus.EXAMINING),
                  "today": today.isoformat(), "soon": soon.isoformat(), "w": window}
        with self.ledger.lite_read() as con:
            ids = [r[0] for r in con.execute(DUE_SOON_OR_EXAMINING.format(w=" AND window = :w" if window else ""),
                                             params)]
            any_complaint = con.execute(ANY_OPEN_COMPLAINT).fetchone() is not None
        missed = sum(1 for clocks in self.clocks_many(ids, today).values() if clocks.missed_milestones) if ids else 0
        complaints = len(self.ctx.reminders.complaint_items(window, today)) if any_complaint else 0
        return OtherReminders(missed, complaints)

    def current_pause(self, window: str) -> PauseRow | None:
        """The window's open 暂停服务, if any."""
        with self.ledger.lite_read() as con:
            r = con.execute(CURRENT_PAUSE, (window,)).fetchone()
        if r is None:
            return None
        started = parse_dt(r[6])
        assert started is not None
        return PauseRow(r[0], r[1], r[2], r[3], parse_dt(r[4]), r[5] or "", started, parse_dt(r[7]))

    def unfinished_checklists(self, window: str) -> list[ChecklistCase]:
        """已登记 cases at a window whose checklist was never confirmed (Esc, a crash, a transfer in, an
        overturned 复核), oldest first: offered for resuming after sign-in."""
        with self.ledger.lite_read() as con:
            rows = con.execute(UNFINISHED_CHECKLISTS, (window, str(CaseStatus.REGISTERED))).fetchall()
        return [ChecklistCase(r[0], r[1], r[2], parse_dt(r[3]) or datetime.min) for r in rows]
