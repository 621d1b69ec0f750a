"""What the desk's feature services share: the views they return (plain dataclasses, no ID or phone
numbers), and :class:`DeskFeature`, the helpers over one :class:`~deskclient.services.context.DeskContext`
(today, the due-soon horizon, clerk/window look-ups, the head check, window labels).

The feature services built on it: :mod:`~deskclient.services.queue` (open cases, reminders, the home
queue), :mod:`~deskclient.services.handover` (AB岗), :mod:`~deskclient.services.workday` (暂停服务, 开班,
收班) and :mod:`~deskclient.services.head_desk` (the centre head). Each confirmed action is one ledger
transaction with its event, or a DeskError with a Chinese message and no change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, select

from deskclient.domain.cases import OPEN_STATUSES, CaseStatus, queue_key
from deskclient.domain.clock_types import CaseClock, ClockRules
from deskclient.domain.errors import RuleViolation, ValidationError
from deskclient.domain.identity import redact
from deskclient.domain.notices import NoticeData, NoticeKind
from deskclient.domain.reports import due_rank
from deskclient.services.home_reads import OpenCaseLine
from deskclient.store.ledger import WriteTx
from deskclient.store.models import (
    Case,
    Clerk,
    Complaint,
    FollowUp,
    Handover,
    Review,
    Station,
    Window,
    WorkDay,
)
from deskclient.strings import desk as T

if TYPE_CHECKING:
    from deskclient.services.context import DeskContext

ROLE_HEAD = "head"
OPEN_VALUES = [str(s) for s in OPEN_STATUSES]
MAX_NOTE = 500


def on_duty_key(window: str) -> str:
    return f"desk.on_duty.{window}"


# --- views ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PendingNotice:
    notice_id: str
    kind: str
    case_no: str
    issued_at: datetime
    print_state: str
    print_error: str

    @property
    def kind_label(self) -> str:
        try:
            return NoticeKind(self.kind).label
        except ValueError:
            return self.kind


@dataclass(frozen=True)
class HandoverView:
    """What the leaving clerk must hand over: everything in progress at the window."""

    window: str
    window_name: str
    from_clerk_id: str
    cases: list[OpenCaseLine]
    notices: list[PendingNotice]
    unsent_records: int | None  # None: the outbox could not be counted
    drafts: int
    candidates: list[Clerk]  # who may take over (the window's other post)


@dataclass(frozen=True)
class HandoverResult:
    handover: Handover
    moved: int
    sheet: NoticeData


@dataclass(frozen=True)
class Reminders:
    today: date
    soon_until: date
    overdue: list[OpenCaseLine]
    due_today: list[OpenCaseLine]
    due_soon: list[OpenCaseLine]
    #: Milestones missed (seed 003): department result not back the day before, return decision late.
    missed: list[tuple[OpenCaseLine, CaseClock]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.overdue) + len(self.due_today) + len(self.due_soon)


@dataclass(frozen=True)
class PrinterStatus:
    ok: bool | None  # None: not checked (no printer configured, or no check available)
    message: str


@dataclass(frozen=True)
class DayOpening:
    workday: WorkDay
    already_open: bool
    printer: PrinterStatus
    reminders: Reminders


@dataclass(frozen=True)
class UnfinishedIntake:
    kind: str  # "draft" | "registered"
    ref: str  # draft id or case id
    label: str  # case number or the clerk's name
    at: datetime


class DayNotClosable(RuleViolation):
    """Something is still mid-intake; ``items`` lists it so the screen can show each one."""

    def __init__(self, message: str, items: list[UnfinishedIntake]) -> None:
        super().__init__(message)
        self.items = items


@dataclass(frozen=True)
class DayClosing:
    workday: WorkDay
    figures: dict[str, Any]
    sync_ok: bool | None  # None: no office configured
    sync_message: str


@dataclass(frozen=True)
class WindowLoad:
    window: str
    name: str
    open_cases: int
    overdue: int
    due_soon: int
    urgent: int
    paused: bool
    on_duty: str  # clerk name ("" when unknown)


@dataclass(frozen=True)
class ReviewLine:
    review: Review
    case_no: str
    window: str
    item_name: str
    overdue: bool


@dataclass(frozen=True)
class ComplaintLine:
    complaint: Complaint
    complainant: str  # the name for the head, masked for anyone else
    overdue: bool
    needs_delay_notice: bool = False  # due soon or late, the complainant not told of a delay (reminder)
    delay_told: bool = False  # the complainant was told the answer will be late (投诉制度第六条)

    @property
    def channel_label(self) -> str:
        return T.CHANNEL_LABELS.get(self.complaint.channel, self.complaint.channel)


@dataclass(frozen=True)
class FollowUpLine:
    followup: FollowUp
    case_no: str
    overdue: bool
    detail: str = ""


def note_text(text: str) -> str:
    """A note typed by a clerk: trimmed, limited, and with any ID or phone number masked."""
    return redact((text or "").strip())[:MAX_NOTE]


class DeskFeature:
    """The shared helpers of the desk's feature services, over one :class:`DeskContext`."""

    def __init__(self, ctx: DeskContext) -> None:
        self.ctx = ctx
        self.ledger = ctx.ledger

    # --- helpers -----------------------------------------------------------------------------------
    @property
    def rules(self) -> ClockRules:
        return self.ctx.rules

    def today(self) -> date:
        return self.ctx.clock.today()

    def soon_until(self, today: date) -> date:
        return self.ctx.calendar.add_working_days(today, self.rules.due_soon_working_days).date

    def _line(self, c: Case, today: date, soon: date) -> OpenCaseLine:
        due = c.due_date if c.status == CaseStatus.ACCEPTED else None
        return OpenCaseLine(c.id, c.case_no, c.window, c.item_name, c.applicant_name, c.status, c.case_class, due,
                            c.due_provisional, c.owner_clerk_id, c.is_urgent, due_rank(due, today, soon))

    @staticmethod
    def _sorted(lines: list[OpenCaseLine]) -> list[OpenCaseLine]:
        """Urgent cases (急办件) lead every queue (domain.cases.queue_key), then by due date."""
        return sorted(lines, key=lambda ln: (*queue_key(urgent=ln.is_urgent, due=ln.due_date, received=None),
                                             ln.rank, ln.case_no))

    def _clerk(self, s: Session, clerk_id: str) -> Clerk:
        clerk = s.get(Clerk, clerk_id)
        if clerk is None or not clerk.active:
            raise ValidationError(T.UNKNOWN_CLERK_ID)
        return clerk

    def _window(self, s: Session, number: str) -> Window:
        w = s.get(Window, (number or "").strip())
        if w is None:
            raise ValidationError(T.UNKNOWN_WINDOW_NO.format(window=number))
        return w

    def require_head(self, clerk_id: str) -> Clerk:
        with self.ledger.read() as s:
            clerk = self._clerk(s, clerk_id)
        if clerk.role != ROLE_HEAD:
            raise RuleViolation(T.HEAD_ONLY)
        return clerk

    def _station(self, s: Session) -> Station | None:
        return s.exec(select(Station)).first()

    def window_label(self, number: str) -> str:
        with self.ledger.read() as s:
            w = s.get(Window, number)
        return T.WINDOW_LABEL.format(number=number, name=w.name) if w else T.WINDOW_LABEL_BARE.format(number=number)

    def on_duty(self, window: str) -> str | None:
        """The clerk whose the window's new work is (the last handover's taker), if any."""
        return self.ledger.get_value(on_duty_key(window))


def centre_name(station: Station | None) -> str:
    if station is None:
        return ""
    return station.centre or station.name


def workday_row(tx: WriteTx, day: date, window: str) -> WorkDay:
    wd = tx.session.exec(select(WorkDay).where(WorkDay.day == day, WorkDay.window == window)).first()
    return wd or WorkDay(day=day, window=window)


def unsent_count(ctx: DeskContext) -> int | None:
    """The outbox's unsent records, for display only (None when it cannot be counted)."""
    from deskclient.store.outbox import pending_count

    try:
        from deskclient.services.queue import PENDING_CAP

        return pending_count(ctx.engine, cap=PENDING_CAP)  # shown as 9999+ beyond the cap
    except Exception:  # a count for display only; never blocks a handover
        return None
