"""Every reminder of a window (or of every window, for the centre head) as one list, and the short
count the home screen and the head's desk show beside the overdue / due-today / due-soon counts.

A reminder is anything the desk must act on before (or since) a day: a promised date overdue, due
today or soon; a seed-003 milestone whose day passed with nothing done (the department's result not
back the day before the promised date, the return decision of a complex application not made within
three working days); a complaint whose answer is due soon or late with the complainant not yet told of
the delay (投诉制度第六条). The clocks decide (``domain.clocks.case_clocks`` through ``ctx.case_clock``
and ``services.followups.complaint_clocks``); this module only gathers them for the list screen.

The home line's count stays cheap on a large ledger: it computes clocks only for cases not already
counted as overdue (due today or soon, and 收件待审 cases), while the list opened from it (one key)
shows every reminder, the milestones of overdue cases included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import col, select

from deskclient.domain.clock_types import CaseClock, ClockKind, ClockState
from deskclient.services.home_reads import OtherReminders
from deskclient.services.queue import QueueService
from deskclient.store.models import Case
from deskclient.strings import clocks_ui as T

__all__ = ["OtherReminders", "ReminderItem", "ReminderService"]


@dataclass(frozen=True)
class ReminderItem:
    """One reminder: which case (none for a complaint not about a case), what is due, by when, and
    since when it is late (``since``: the first late day; None while not late yet)."""

    case_id: str | None
    case_no: str
    window: str
    kind: ClockKind
    due: date
    rank: int  # 0 late, 1 due today, 2 due soon
    since: date | None
    complaint_id: str = ""

    @property
    def what(self) -> str:
        """What is due, in the clerk's words."""
        return T.REMINDER_WHAT.get(self.kind.value, self.kind.label)


def _rank(clock: CaseClock, today: date) -> int:
    if clock.state is ClockState.OVERDUE or clock.due < today:
        return 0
    return 1 if clock.due == today else 2


def _since(clock: CaseClock, today: date) -> date | None:
    return clock.due + timedelta(days=1) if clock.due < today else None


class ReminderService(QueueService):
    """The reminders list (``ctx.reminders``)."""

    def items(self, window: str | None = None, today: date | None = None) -> list[ReminderItem]:
        """Every reminder of the window (all windows when ``window`` is None), late ones first."""
        today = today or self.today()
        r = self.reminders(window, today)
        out = [ReminderItem(ln.case_id, ln.case_no, ln.window, ClockKind.PROMISED, ln.due_date, ln.rank,
                            ln.due_date + timedelta(days=1) if ln.rank == 0 else None)
               for ln in (*r.overdue, *r.due_today, *r.due_soon) if ln.due_date is not None]
        out += [ReminderItem(ln.case_id, ln.case_no, ln.window, m.kind, m.due, 0, _since(m, today) or m.due)
                for ln, m in r.missed]
        out += self.complaint_items(window, today)
        return sorted(out, key=lambda it: (it.rank, it.due, it.case_no, it.kind.value))

    def complaint_items(self, window: str | None = None, today: date | None = None) -> list[ReminderItem]:
        """Open complaints due soon, today or late whose complainant has not been told of a delay."""
        today = today or self.today()
        out: list[ReminderItem] = []
        for row, clocks in self.ctx.followups.complaint_clocks(today=today):
            if window is not None and row.window != window:
                continue
            clock = clocks.get(ClockKind.COMPLAINT, row.id)
            if clock is None or not clock.needs_delay_notice:
                continue
            out.append(ReminderItem(row.case_id, "", row.window, ClockKind.COMPLAINT, clock.due, _rank(clock, today),
                                    _since(clock, today), complaint_id=row.id))
        if any(it.case_id for it in out):
            with self.ledger.read() as s:
                numbers = dict(s.exec(select(Case.id, Case.case_no).where(
                    col(Case.id).in_([it.case_id for it in out if it.case_id]))).all())
            out = [ReminderItem(it.case_id, numbers.get(it.case_id or "", ""), it.window, it.kind, it.due, it.rank,
                                it.since, it.complaint_id) for it in out]
        return out

    def other_counts(self, window: str | None = None, today: date | None = None) -> OtherReminders:
        """The home line's extra count (``HomeReads.other_counts``, on the light connection)."""
        return self.ctx.home.other_counts(window, today)
