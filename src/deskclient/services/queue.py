"""The window's queue: open cases, overdue / due-soon reminders, and the home screen's page of cases.

Index-backed queries (``store.queries``) behind one service, so the home screen, the head's desk, the
handover sheet and the CLI read the queue the same way. Reading only: showing the queue never writes
(deemed acceptance runs from the app's timer and at sign-in, ``DeskContext.run_due_clocks``).
"""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select

from deskclient.domain.cases import CaseStatus
from deskclient.domain.clock_types import CaseClock
from deskclient.services.desk_base import OPEN_VALUES, DeskFeature, Reminders
from deskclient.services.home_reads import (
    PENDING_CAP,
    DayCounts,
    OpenCaseLine,
    PauseRow,
    QueuePage,
    ReminderLine,
    shown_count,
)
from deskclient.store.models import Case
from deskclient.store.queries import PAGE_SIZE, SCOPES, CaseQuery, CaseRow, TodayCounts

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
        size (``reminders`` lists every case and is for the day screen). ``HomeReads.reminder_line``."""
        return self.ctx.home.reminder_line(window, today)

    def page(self, q: CaseQuery, *, offset: int = 0) -> QueuePage:
        """The home screen's page: the rows, how many match, today's counts and what waits to be sent
        (``HomeReads.page``, on the light connection)."""
        return self.ctx.home.page(q, offset=offset)

    def current_pause(self, window: str) -> PauseRow | None:
        """The window's open 暂停服务, if any (``HomeReads.current_pause``)."""
        return self.ctx.home.current_pause(window)
