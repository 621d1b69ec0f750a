"""The window's queue: open cases, overdue / due-soon reminders, and the home screen's page of cases.

Index-backed queries (``store.queries``) behind one service, so the home screen, the head's desk, the
handover sheet and the CLI read the queue the same way. Reading only: showing the queue never writes
(deemed acceptance runs from the app's timer and at sign-in, ``DeskContext.run_due_clocks``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from deskclient.domain.cases import CaseStatus
from deskclient.domain.clock_types import CaseClock
from deskclient.domain.reports import due_rank
from deskclient.services.desk_base import OPEN_VALUES, DeskFeature, OpenCaseLine, ReminderLine, Reminders
from deskclient.store.models import Case, DeskPause
from deskclient.store.queries import PAGE_SIZE, SCOPES, CaseQuery, CaseRow, TodayCounts

PENDING_CAP = 10_000  # beyond this every screen says 9999+ instead of counting every row


def shown_count(n: int | None, cap: int = PENDING_CAP) -> str:
    """An outbox count as shown to a clerk: "9999+" once the capped count reaches the cap."""
    from deskclient.strings import ui as TU

    if n is None:
        return ""
    return TU.PENDING_MANY.format(n=cap - 1) if n >= cap else str(n)

__all__ = [
    "PAGE_SIZE",
    "PENDING_CAP",
    "SCOPES",
    "CaseQuery",
    "CaseRow",
    "DayCounts",
    "QueuePage",
    "QueueService",
    "ReminderLine",
    "Reminders",
    "TodayCounts",
    "shown_count",
]


@dataclass(frozen=True)
class DayCounts:
    """Home's 今日 line: the day's figures exactly as the F12 daily report of the window has them
    (``services.reports.day_figures``), and the cases overdue now (a state, not a day's figure)."""

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


class QueueService(DeskFeature):
    """Open cases and reminders of a window (or of all windows, for the head)."""

    def open_cases(self, window: str | None = None, *, today: date | None = None, overdue_only: bool = False,
                   limit: int = 2000) -> list[OpenCaseLine]:
        """Open cases (of one window, or all), overdue first, then due today, due soon, later."""
        today = today or self.today()
        soon = self.soon_until(today)
        q = select(Case).where(col(Case.status).in_(OPEN_VALUES))
        if window is not None:
            q = q.where(Case.window == window)
        if overdue_only:
            q = q.where(Case.status == str(CaseStatus.ACCEPTED), col(Case.due_date) < today)
        with self.ledger.read() as s:
            rows = list(s.exec(q.limit(limit)))
        return self._sorted([self._line(c, today, soon) for c in rows])

    def reminders(self, window: str | None = None, today: date | None = None) -> Reminders:
        """Overdue, due today and due soon (ix_case_status_due): shown at sign-in and at opening."""
        today = today or self.today()
        soon = self.soon_until(today)
        q = select(Case).where(Case.status == str(CaseStatus.ACCEPTED), col(Case.due_date).is_not(None),
                               col(Case.due_date) <= soon)
        if window is not None:
            q = q.where(Case.window == window)
        with self.ledger.read() as s:
            lines = self._sorted([self._line(c, today, soon) for c in s.exec(q)])
            # seed 003 milestones: a return decision (examining cases) or a department's result (cases due
            # within the reminder horizon) whose day passed with nothing done
            examining = select(Case).where(Case.status == str(CaseStatus.EXAMINING))
            if window is not None:
                examining = examining.where(Case.window == window)
            candidates = {ln.case_id: ln for ln in lines}
            candidates.update({c.id: self._line(c, today, soon) for c in s.exec(examining)})
        missed: list[tuple[OpenCaseLine, CaseClock]] = []
        if candidates:
            for case_id, clocks in self.ctx.case_clock.clocks_many(list(candidates), today).items():
                missed.extend((candidates[case_id], m) for m in clocks.missed_milestones)
        return Reminders(today, soon, [ln for ln in lines if ln.rank == 0], [ln for ln in lines if ln.rank == 1],
                         [ln for ln in lines if ln.rank == 2], missed)

    def reminder_line(self, window: str | None = None, today: date | None = None) -> ReminderLine:
        """The home screen's reminders: three index-only counts and one row, whatever the ledger's
        size (``reminders`` lists every case and is for the day screen)."""
        from deskclient.store.reminder_queries import first_reminder, reminder_counts

        today = today or self.today()
        soon = self.soon_until(today)
        with self.ctx.engine.connect() as conn:
            counts = reminder_counts(conn, window, today, soon)
            row = first_reminder(conn, window, soon) if counts.count else None
        first = None if row is None else OpenCaseLine(
            row.id, row.case_no, row.window, row.item_name, row.applicant_name, row.status, row.case_class,
            row.due_date, row.due_provisional, row.owner_clerk_id or "", row.is_urgent, due_rank(row.due_date, today, soon))
        return ReminderLine(today, soon, counts.overdue, counts.due_today, counts.due_soon, first)

    def page(self, q: CaseQuery, *, offset: int = 0) -> QueuePage:
        """The home screen's page: the rows, how many match, today's counts and what waits to be sent."""
        from deskclient.services.reports import day_figures
        from deskclient.store.outbox import pending_count
        from deskclient.store.queries import count_cases, page_cases, today_counts

        engine = self.ctx.engine
        rows = page_cases(engine, q, offset=offset)
        f = day_figures(engine, q.today, q.window, now=self.ctx.clock.now())  # the report's figures, not a copy
        counts = DayCounts(f.registered, f.accepted, f.completed, f.returned, f.answered,
                           today_counts(engine, q.window, q.today).overdue)
        return QueuePage(q.today, rows, count_cases(engine, q), counts, pending_count(engine, cap=PENDING_CAP),
                         bool(self.ctx.station.office_url))

    def current_pause(self, window: str) -> DeskPause | None:
        """The window's open 暂停服务, if any."""
        with self.ledger.read() as s:
            return s.exec(select(DeskPause).where(DeskPause.window == window, col(DeskPause.ended_at).is_(None))
                          .order_by(col(DeskPause.started_at).desc())).first()
