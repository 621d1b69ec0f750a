"""The desk around the cases: AB-post handover, pausing service, opening and closing the day, and the
centre head's supervision (urgent cases, 复核, 不管件, complaints, bad-rating follow-ups, 回访).

Each confirmed action is one ledger transaction with its event, or a DeskError with a Chinese
message and no change. Due dates come from :mod:`deskclient.domain.clocks` (the one place that
computes deadlines). Event payloads never carry a complainant's or rater's name, nor free text that
could hold one unredacted; the notes go through ``identity.redact``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func
from sqlmodel import col, select

from deskclient.domain.cases import OPEN_STATUSES, CaseStatus
from deskclient.domain.clocks import (
    ClockRules,
)
from deskclient.domain.errors import DeskError, RuleViolation, ValidationError
from deskclient.domain.events import EventType
from deskclient.domain.identity import redact
from deskclient.domain.notices import HandoverLine, NoticeData, NoticeKind
from deskclient.domain.reports import due_rank
from deskclient.domain.workday import check_can_close, check_can_open, day_state
from deskclient.store.ledger import WriteTx, new_id, set_value
from deskclient.store.models import (
    Case,
    Clerk,
    Complaint,
    DeskPause,
    Draft,
    FollowUp,
    Handover,
    Notice,
    Rating,
    Review,
    Station,
    Window,
    WorkDay,
)
from deskclient.strings import cases as TC
from deskclient.strings import desk as T

if TYPE_CHECKING:
    from deskclient.services.context import DeskContext

ROLE_HEAD = "head"
_OPEN = [str(s) for s in OPEN_STATUSES]
FOLLOWUP_BAD_RATING = "bad_rating"
FOLLOWUP_REVISIT = "revisit"
FOLLOWUP_UNOWNED = "unowned"
MAX_NOTE = 500


def on_duty_key(window: str) -> str:
    return f"desk.on_duty.{window}"


# --- views ---------------------------------------------------------------------------------------------
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

    @property
    def channel_label(self) -> str:
        return T.CHANNEL_LABELS.get(self.complaint.channel, self.complaint.channel)


@dataclass(frozen=True)
class FollowUpLine:
    followup: FollowUp
    case_no: str
    overdue: bool
    detail: str = ""


def _note(text: str) -> str:
    """A note typed by a clerk: trimmed, limited, and with any ID or phone number masked."""
    return redact((text or "").strip())[:MAX_NOTE]


class DeskService:
    """Handover, pause, the working day and the head's desk, over one :class:`DeskContext`."""

    def __init__(self, ctx: DeskContext, *, printer_check: Callable[[], PrinterStatus] | None = None,
                 sync: Callable[[], tuple[bool | None, str]] | None = None) -> None:
        self.ctx = ctx
        self.ledger = ctx.ledger
        self._printer_check = printer_check
        self._sync = sync

    # --- helpers -----------------------------------------------------------------------------------
    @property
    def rules(self) -> ClockRules:
        from deskclient.services.clocks import rules_for

        return rules_for(self.ctx.settings)

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
        return sorted(lines, key=lambda ln: (ln.rank, ln.due_date or date.max, not ln.is_urgent, ln.case_no))

    def _clerk(self, s: Any, clerk_id: str) -> Clerk:
        clerk = s.get(Clerk, clerk_id)
        if clerk is None or not clerk.active:
            raise ValidationError(T.UNKNOWN_CLERK_ID)
        return clerk

    def _window(self, s: Any, number: str) -> Window:
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

    def _station(self, s: Any) -> Station | None:
        return s.exec(select(Station)).first()

    def window_label(self, number: str) -> str:
        with self.ledger.read() as s:
            w = s.get(Window, number)
        return T.WINDOW_LABEL.format(number=number, name=w.name) if w else T.WINDOW_LABEL_BARE.format(number=number)

    def open_cases(self, window: str | None = None, *, today: date | None = None, overdue_only: bool = False,
                   limit: int = 2000) -> list[OpenCaseLine]:
        """Open cases (of one window, or all), overdue first, then due today, due soon, later."""
        today = today or self.today()
        soon = self.soon_until(today)
        q = select(Case).where(col(Case.status).in_(_OPEN))
        if window is not None:
            q = q.where(Case.window == window)
        if overdue_only:
            q = q.where(Case.status == str(CaseStatus.ACCEPTED), col(Case.due_date) < today)
        with self.ledger.read() as s:
            rows = list(s.exec(q.limit(limit)))
        return self._sorted([self._line(c, today, soon) for c in rows])

    def unrouted_unowned(self, today: date | None = None) -> list[OpenCaseLine]:
        """不管件 the head has not routed yet (no routing follow-up): the top of the head's 不管件 tab."""
        from deskclient.domain.cases import CaseClass

        today = today or self.today()
        soon = self.soon_until(today)
        routed = select(FollowUp.case_id).where(FollowUp.kind == "unowned", col(FollowUp.case_id).is_not(None))
        q = select(Case).where(col(Case.status).in_(_OPEN), Case.case_class == str(CaseClass.UNOWNED),
                               col(Case.id).not_in(routed)).order_by(col(Case.created_at))
        with self.ledger.read() as s:
            return [self._line(c, today, soon) for c in s.exec(q.limit(500))]

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
        return Reminders(today, soon, [ln for ln in lines if ln.rank == 0], [ln for ln in lines if ln.rank == 1],
                         [ln for ln in lines if ln.rank == 2])

    # --- handover (AB岗 工作移交) ----------------------------------------------------------------------
    def pending_notices(self, window: str) -> list[PendingNotice]:
        """Notices of the window not printed yet (the reprint queue), oldest first."""
        with self.ledger.read() as s:
            clerk_ids = [c.id for c in s.exec(select(Clerk).where(Clerk.window == window))]
            q = (select(Notice, Case.case_no).join(Case, col(Notice.case_id) == col(Case.id), isouter=True)
                 .where(col(Notice.print_state).in_(("queued", "failed")))  # not printed, not superseded
                 .order_by(col(Notice.issued_at)))
            out = []
            for n, case_no in s.exec(q):
                mine = (case_no is not None and self._case_window(s, n.case_id) == window) or (
                    n.case_id is None and n.issued_by in clerk_ids)
                if mine:
                    out.append(PendingNotice(n.id, n.kind, case_no or "", n.issued_at, n.print_state, n.print_error))
        return out

    @staticmethod
    def _case_window(s: Any, case_id: str | None) -> str | None:
        c = s.get(Case, case_id) if case_id else None
        return c.window if c else None

    def handover_view(self, window: str, from_clerk_id: str) -> HandoverView:
        with self.ledger.read() as s:
            w = self._window(s, window)
            self._clerk(s, from_clerk_id)
            drafts = s.exec(select(func.count()).select_from(Draft).where(Draft.clerk_id == from_clerk_id)).one()
            candidates = list(s.exec(select(Clerk).where(Clerk.window == window, Clerk.active == True,  # noqa: E712
                                                         Clerk.id != from_clerk_id, Clerk.role != ROLE_HEAD)
                                     .order_by(Clerk.post, Clerk.login)))
        return HandoverView(window, w.name, from_clerk_id, self.open_cases(window), self.pending_notices(window),
                            _unsent(self.ctx), int(drafts if not isinstance(drafts, tuple) else drafts[0]),
                            candidates)

    def hand_over(self, *, window: str, from_clerk_id: str, to_login: str, to_pin: str, desk_note: str = "",
                  case_notes: Mapping[str, str] | None = None) -> HandoverResult:
        """B confirms with B's own PIN; from then the window's open cases and new work are B's."""
        to = self.ctx.people.verify_pin((to_login or "").strip(), to_pin or "", purpose="handover")
        with self.ledger.read() as s:
            self._window(s, window)
            frm = self._clerk(s, from_clerk_id)
        if to.id == frm.id:
            raise RuleViolation(T.HANDOVER_SAME_CLERK)
        if to.role == ROLE_HEAD or to.window != window:
            raise RuleViolation(T.HANDOVER_NOT_THIS_WINDOW.format(name=to.name, window=window))
        notes = {k: _note(v) for k, v in (case_notes or {}).items()}
        view_notices = len(self.pending_notices(window))
        unsent = _unsent(self.ctx)
        with self.ledger.write(from_clerk_id) as tx:
            cases = list(tx.session.exec(select(Case).where(Case.window == window, col(Case.status).in_(_OPEN))
                                         .order_by(Case.case_no)))
            for c in cases:
                c.owner_clerk_id = to.id
                c.updated_at = tx.now
                tx.session.add(c)
            kept = {c.id: notes.get(c.id, "") for c in cases}
            h = Handover(id=new_id(), window=window, from_clerk_id=frm.id, to_clerk_id=to.id, at=tx.now,
                         note=_note(desk_note), open_cases=len(cases),
                         case_notes=json.dumps(kept, ensure_ascii=False, sort_keys=True))
            tx.session.add(h)
            set_value(tx, on_duty_key(window), to.id)
            tx.emit(EventType.DESK_HANDOVER, {
                "handover_id": h.id, "window": window, "from_clerk_id": frm.id, "to_clerk_id": to.id,
                "from_name": frm.name, "to_name": to.name, "confirmed_with_pin": True,
                "open_cases": len(cases), "case_nos": [c.case_no for c in cases],
                "case_notes": {c.case_no: kept[c.id] for c in cases if kept[c.id]},
                "desk_note": h.note, "notices_waiting": view_notices, "unsent_records": unsent,
            })
        sheet = self.handover_sheet(h.id)
        return HandoverResult(h, len(cases), sheet)

    def on_duty(self, window: str) -> str | None:
        """The clerk whose the window's new work is (the last handover's taker), if any."""
        return self.ledger.get_value(on_duty_key(window))

    def last_handover(self, window: str) -> Handover | None:
        with self.ledger.read() as s:
            return s.exec(select(Handover).where(Handover.window == window)
                          .order_by(col(Handover.at).desc())).first()

    def handover_sheet(self, handover_id: str) -> NoticeData:
        """The printable 交接单 of a recorded handover."""
        with self.ledger.read() as s:
            h = s.get(Handover, handover_id)
            if h is None:
                raise ValidationError(T.HANDOVER_NOT_FOUND)
            frm, to = s.get(Clerk, h.from_clerk_id), s.get(Clerk, h.to_clerk_id)
            notes: dict[str, str] = json.loads(h.case_notes or "{}")
            cases = [c for c in (s.get(Case, cid) for cid in notes) if c is not None]
            station = self._station(s)
        lines = tuple(HandoverLine(c.case_no, c.item_name, TC.CASE_STATUS_LABELS.get(c.status, c.status),
                                   c.due_date, notes.get(c.id, "")) for c in sorted(cases, key=lambda c: c.case_no))
        return NoticeData(kind=NoticeKind.HANDOVER, issued_at=h.at, centre=_centre(station),
                          station=station.name if station else "", window=self.window_label(h.window),
                          handover_from=frm.name if frm else "", handover_to=to.name if to else "",
                          handover_cases=lines, note=h.note, training=self.ctx.is_training)

    # --- pause (暂停服务) -------------------------------------------------------------------------------
    def current_pause(self, window: str) -> DeskPause | None:
        with self.ledger.read() as s:
            return s.exec(select(DeskPause).where(DeskPause.window == window, col(DeskPause.ended_at).is_(None))
                          .order_by(col(DeskPause.started_at).desc())).first()

    def pause(self, *, window: str, clerk_id: str, reason: str, expected_back: datetime | None = None,
              redirect_window: str = "") -> DeskPause:
        reason = _note(reason)
        if not reason:
            raise ValidationError(T.PAUSE_REASON_REQUIRED)
        redirect_window = (redirect_window or "").strip()
        with self.ledger.write(clerk_id) as tx:
            self._window(tx.session, window)
            self._clerk(tx.session, clerk_id)
            if redirect_window:
                self._window(tx.session, redirect_window)
                if redirect_window == window:
                    raise ValidationError(T.PAUSE_REDIRECT_SAME)
            if expected_back is not None and expected_back <= tx.now:
                raise ValidationError(T.PAUSE_BACK_IN_PAST)
            if tx.session.exec(select(DeskPause).where(DeskPause.window == window,
                                                       col(DeskPause.ended_at).is_(None))).first():
                raise RuleViolation(T.ALREADY_PAUSED)
            p = DeskPause(window=window, clerk_id=clerk_id, reason=reason, expected_back=expected_back,
                          redirect_window=redirect_window, started_at=tx.now)
            tx.session.add(p)
            tx.session.flush()
            tx.emit(EventType.DESK_PAUSED, {"pause_id": p.id, "window": window, "reason": reason,
                                            "expected_back": expected_back, "redirect_window": redirect_window})
        return p

    def resume(self, *, window: str, clerk_id: str) -> DeskPause:
        with self.ledger.write(clerk_id) as tx:
            p = tx.session.exec(select(DeskPause).where(DeskPause.window == window,
                                                        col(DeskPause.ended_at).is_(None))).first()
            if p is None:
                raise RuleViolation(T.NOT_PAUSED)
            p.ended_at = tx.now
            tx.session.add(p)
            minutes = int((tx.now - p.started_at).total_seconds() // 60)
            tx.emit(EventType.DESK_RESUMED, {"pause_id": p.id, "window": window, "minutes": minutes})
        return p

    def pause_sign(self, pause: DeskPause) -> NoticeData:
        """The counter sign (暂停服务告示) pointing visitors to another window."""
        with self.ledger.read() as s:
            station = self._station(s)
        return NoticeData(kind=NoticeKind.PAUSE_SIGN, issued_at=pause.started_at, centre=_centre(station),
                          station=station.name if station else "", window=self.window_label(pause.window),
                          pause_reason=pause.reason, expected_back=pause.expected_back,
                          redirect_window=self.window_label(pause.redirect_window) if pause.redirect_window else "",
                          training=self.ctx.is_training)

    # --- the working day ------------------------------------------------------------------------------
    def check_printer(self) -> PrinterStatus:
        if self._printer_check is not None:
            try:
                return self._printer_check()
            except DeskError as err:
                return PrinterStatus(False, err.message)
        return default_printer_check(self.ctx)

    def open_day(self, *, window: str, clerk_id: str) -> DayOpening:
        """开班: the printer checked, the day's due and overdue cases listed; opening twice is harmless."""
        printer = self.check_printer()
        today = self.today()
        with self.ledger.write(clerk_id) as tx:
            self._window(tx.session, window)
            self._clerk(tx.session, clerk_id)
            wd = _workday(tx, today, window)
            check_can_open(day_state(wd.opened_at, wd.closed_at), wd.closed_at)
            already = wd.opened_at is not None
            if not already:
                wd.opened_at, wd.opened_by = tx.now, clerk_id
                tx.session.add(wd)
                tx.session.flush()
                tx.emit(EventType.DAY_OPENED, {"day": today, "window": window, "printer_ok": printer.ok})
        return DayOpening(wd, already, printer, self.reminders(window, today))

    def unfinished_intake(self, window: str, day: date | None = None) -> list[UnfinishedIntake]:
        """Intakes still mid-way: saved drafts of the window's clerks and today's undecided registrations."""
        day = day or self.today()
        start = datetime.combine(day, datetime.min.time())
        out: list[UnfinishedIntake] = []
        with self.ledger.read() as s:
            clerks = {c.id: c.name for c in s.exec(select(Clerk).where(Clerk.window == window))}
            if clerks:
                for d in s.exec(select(Draft).where(col(Draft.clerk_id).in_(list(clerks)))):
                    out.append(UnfinishedIntake("draft", d.id, clerks.get(d.clerk_id, ""), d.updated_at))
            for c in s.exec(select(Case).where(Case.window == window, Case.status == str(CaseStatus.REGISTERED),
                                               col(Case.created_at) >= start)):
                out.append(UnfinishedIntake("registered", c.id, c.case_no, c.created_at))
        return sorted(out, key=lambda u: u.at)

    def close_day(self, *, window: str, clerk_id: str, attempt_sync: bool = True) -> DayClosing:
        """收班: refused while an intake is mid-way; stores the day's figures; then tries a sync."""
        from deskclient.services.reports import day_figures

        today = self.today()
        current = self.workday(window, today)
        check_can_close(day_state(current.opened_at if current else None, current.closed_at if current else None))
        unfinished = self.unfinished_intake(window, today)
        if unfinished:
            listed = "、".join(u.label for u in unfinished[:10])
            raise DayNotClosable(T.DAY_UNFINISHED.format(n=len(unfinished), items=listed), unfinished)
        figures = day_figures(self.ctx.engine, today, window, now=self.ctx.clock.now()).to_dict()
        with self.ledger.write(clerk_id) as tx:
            self._window(tx.session, window)
            self._clerk(tx.session, clerk_id)
            wd = _workday(tx, today, window)
            check_can_close(day_state(wd.opened_at, wd.closed_at))  # again inside the transaction
            wd.closed_at, wd.closed_by = tx.now, clerk_id
            wd.summary = json.dumps(figures, ensure_ascii=False, sort_keys=True)
            tx.session.add(wd)
            tx.session.flush()
            tx.emit(EventType.DAY_CLOSED, {"day": today, "window": window, "figures": figures})
        ok, message = (self._sync or (lambda: default_sync(self.ctx)))() if attempt_sync else (None, "")
        return DayClosing(wd, figures, ok, message)

    def workday(self, window: str, day: date | None = None) -> WorkDay | None:
        with self.ledger.read() as s:
            return s.exec(select(WorkDay).where(WorkDay.day == (day or self.today()),
                                                WorkDay.window == window)).first()

    # --- the centre head's desk -------------------------------------------------------------------
    def window_loads(self, today: date | None = None) -> list[WindowLoad]:
        today = today or self.today()
        soon = self.soon_until(today)
        with self.ledger.read() as s:
            windows = list(s.exec(select(Window).where(Window.active == True).order_by(Window.number)))  # noqa: E712
            open_by = dict(s.exec(select(Case.window, func.count()).where(col(Case.status).in_(_OPEN))
                                  .group_by(Case.window)).all())
            accepted = s.exec(select(Case.window, Case.due_date, Case.is_urgent).where(
                Case.status == str(CaseStatus.ACCEPTED), col(Case.due_date) <= soon)).all()
            urgent = dict(s.exec(select(Case.window, func.count()).where(col(Case.status).in_(_OPEN),
                                                                         Case.is_urgent == True)  # noqa: E712
                                 .group_by(Case.window)).all())
            paused = {p.window for p in s.exec(select(DeskPause).where(col(DeskPause.ended_at).is_(None)))}
            names = {c.id: c.name for c in s.exec(select(Clerk))}
        overdue: dict[str, int] = {}
        due_soon: dict[str, int] = {}
        for w, due, _urgent in accepted:
            if due is None:
                continue
            target = overdue if due < today else due_soon
            target[w] = target.get(w, 0) + 1
        out = []
        for w in windows:
            duty = self.on_duty(w.number)
            out.append(WindowLoad(w.number, w.name, int(open_by.get(w.number, 0)), overdue.get(w.number, 0),
                                  due_soon.get(w.number, 0), int(urgent.get(w.number, 0)), w.number in paused,
                                  names.get(duty, "") if duty else ""))
        return out

    def approve_urgent(self, case_id: str, head_id: str, reason: str = "") -> Case:
        """急办件: the head recognises a case as urgent; it goes to the top of every list."""
        self.require_head(head_id)
        return self.ctx.cases.mark_urgent(case_id, head_id, head_id, _note(reason))

    # 复核, 不管件, 投诉, 差评整改, 回访: recorded through services/clocks.py (the one owner of deadlines)
    @property
    def clocks(self) -> Any:
        from deskclient.services.clocks import ClockService

        return ClockService.of(self.ctx)

    def request_review(self, case_id: str, clerk_id: str, reason: str = "") -> Review:
        """The applicant asks the head to review a non-acceptance; due in three working days."""
        return self.clocks.request_review(case_id, clerk_id, reason)

    def reviews(self, *, open_only: bool = True, today: date | None = None) -> list[ReviewLine]:
        today = today or self.today()
        q = select(Review, Case).join(Case, col(Review.case_id) == col(Case.id))
        if open_only:
            q = q.where(Review.decision == "")
        with self.ledger.read() as s:
            rows = s.exec(q.order_by(col(Review.due_date))).all()
        return [ReviewLine(r, c.case_no, c.window, c.item_name, not r.decision and r.due_date < today)
                for r, c in rows]

    def decide_review(self, review_id: str, head_id: str, decision: str, note: str = "") -> Review:
        """upheld: the non-acceptance stands; overturned: the case goes back to its window to be accepted."""
        self.require_head(head_id)
        if not _note(note):
            raise ValidationError(T.REVIEW_NOTE_REQUIRED)
        return self.clocks.decide_review(review_id, head_id, decision, note)

    def route_unowned(self, case_id: str, head_id: str, *, window: str, days: int, note: str = "") -> FollowUp:
        """A need no window covers (不管件): the head gives it to a window with a time limit."""
        from deskclient.services.clocks import route_unowned

        self.require_head(head_id)
        return route_unowned(self.ledger, case_id, head_id, to_window=window, limit_days=days, note=note,
                             calendar=self.ctx.calendar)

    def record_unowned_outcome(self, followup_id: str, head_id: str, outcome: str) -> FollowUp:
        """The routed need was met: the task is closed with its outcome."""
        from deskclient.services.clocks import close_followup

        self.require_head(head_id)
        with self.ledger.read() as s:
            fu = s.get(FollowUp, followup_id)
        if fu is None or fu.kind != FOLLOWUP_UNOWNED:
            raise ValidationError(T.FOLLOWUP_NOT_FOUND)
        return close_followup(self.ledger, followup_id, head_id, outcome)

    def record_complaint(self, clerk_id: str, *, channel: str, content: str, complainant_name: str = "",
                         case_id: str | None = None, window: str = "", multi_unit: bool = False) -> Complaint:
        """Recorded with its channel and due date; the complainant's name stays in this row only."""
        return self.clocks.record_complaint(clerk_id, channel=channel, content=content,
                                            complainant_name=complainant_name, case_id=case_id or None,
                                            window=window, multi_unit=multi_unit)

    def answer_complaint(self, complaint_id: str, head_id: str, answer: str) -> Complaint:
        """The head's answer; a written complaint gets a written answer (the text is required)."""
        self.require_head(head_id)
        return self.clocks.answer_complaint(complaint_id, head_id, answer)

    def complaints(self, viewer_id: str, *, open_only: bool = False, today: date | None = None
                   ) -> list[ComplaintLine]:
        """The complainant's name is shown to the centre head only."""
        today = today or self.today()
        with self.ledger.read() as s:
            viewer = self._clerk(s, viewer_id)
            q = select(Complaint).order_by(col(Complaint.due_date), col(Complaint.received_at))
            if open_only:
                q = q.where(Complaint.status == "open")
            rows = list(s.exec(q))
        head = viewer.role == ROLE_HEAD
        return [ComplaintLine(c, c.complainant_name if head else (T.CONFIDENTIAL if c.complainant_name else ""),
                              _complaint_overdue(c, today)) for c in rows]

    # 差评整改 and 回访 ---------------------------------------------------------------------------------
    def record_visit(self, followup_id: str, head_id: str, note: str) -> FollowUp:
        """The return visit of a bad rating was made (回访); rectification goes on."""
        from deskclient.services.clocks import record_followup_visit

        self.require_head(head_id)
        return record_followup_visit(self.ledger, followup_id, head_id, note)

    def close_followup(self, followup_id: str, head_id: str, outcome: str) -> FollowUp:
        """Rectified: the bad-rating task ends here, with what was done."""
        from deskclient.services.clocks import close_followup

        self.require_head(head_id)
        return close_followup(self.ledger, followup_id, head_id, outcome)

    def record_revisit(self, head_id: str, *, window: str, outcome: str, case_id: str | None = None) -> FollowUp:
        """The monthly 回访 (follow-up visit) of a window's service, recorded with what was found."""
        from deskclient.services.clocks import record_revisit

        self.require_head(head_id)
        with self.ledger.read() as s:
            self._window(s, window)
        return record_revisit(self.ledger, head_id, outcome=outcome, case_id=case_id or None, window=window)

    def revisits_this_month(self, today: date | None = None) -> dict[str, int]:
        """How many 回访 each window has had this month (a window with none is due one)."""
        today = today or self.today()
        start = datetime.combine(today.replace(day=1), datetime.min.time())
        with self.ledger.read() as s:
            rows = s.exec(select(FollowUp.window, func.count()).where(
                FollowUp.kind == FOLLOWUP_REVISIT, col(FollowUp.opened_at) >= start).group_by(FollowUp.window)).all()
        return {w: int(n) for w, n in rows}

    def followups(self, kind: str | None = None, *, open_only: bool = True, today: date | None = None
                  ) -> list[FollowUpLine]:
        today = today or self.today()
        q = select(FollowUp, Case.case_no).join(Case, col(FollowUp.case_id) == col(Case.id), isouter=True)
        if kind:
            q = q.where(FollowUp.kind == kind)
        if open_only:
            q = q.where(FollowUp.status != "closed")
        with self.ledger.read() as s:
            rows = s.exec(q.order_by(col(FollowUp.due_date), col(FollowUp.opened_at))).all()
            levels = {r.case_id: r.level for r in s.exec(select(Rating).where(
                col(Rating.case_id).in_([f.case_id for f, _ in rows if f.case_id])))} if rows else {}
        out = []
        for f, case_no in rows:
            due = f.visit_due if f.status == "open" and f.visit_due else f.due_date
            overdue = f.status != "closed" and due is not None and due < today
            out.append(FollowUpLine(f, case_no or "", overdue, T.RATING_LABELS.get(levels.get(f.case_id, ""), "")))
        return out


# --- module helpers ----------------------------------------------------------------------------------
def _centre(station: Station | None) -> str:
    if station is None:
        return ""
    return station.centre or station.name


def _workday(tx: WriteTx, day: date, window: str) -> WorkDay:
    wd = tx.session.exec(select(WorkDay).where(WorkDay.day == day, WorkDay.window == window)).first()
    return wd or WorkDay(day=day, window=window)


def _complaint_overdue(c: Complaint, today: date) -> bool:
    if c.answered_at is not None:
        return c.answered_at.date() > c.due_date
    return today > c.due_date


def _unsent(ctx: DeskContext) -> int | None:
    try:
        from deskclient.store.outbox import pending_count
    except ImportError:  # pragma: no cover - the outbox module ships with the store
        return None
    try:
        return pending_count(ctx.engine)
    except Exception:  # a count for display only; never blocks a handover
        return None


def default_printer_check(ctx: DeskContext) -> PrinterStatus:
    """Ask the notices service's printer check when it offers one; otherwise say what is configured."""
    printer = ctx.settings.printer
    if printer.kind == "none":
        return PrinterStatus(None, T.PRINTER_NONE)
    try:
        from deskclient.services.notices import printing
    except ImportError:
        return PrinterStatus(None, T.PRINTER_UNCHECKED)
    check = getattr(printing, "check_printer", None)
    if check is None:
        return PrinterStatus(None, T.PRINTER_UNCHECKED)
    try:
        result = check(printer)
    except DeskError as err:
        return PrinterStatus(False, err.message)
    except Exception as err:  # the check must not stop the day from opening
        return PrinterStatus(False, T.PRINTER_FAILED.format(error=type(err).__name__))
    ok = bool(getattr(result, "ok", result))
    return PrinterStatus(ok, getattr(result, "message", "") or (T.PRINTER_OK if ok else T.PRINTER_BAD))


def default_sync(ctx: DeskContext) -> tuple[bool | None, str]:
    """One bounded sync attempt at closing; offline is normal and the records stay safe locally."""
    central = ctx.settings.central
    if not central.url:
        return None, T.SYNC_NOT_CONFIGURED
    try:
        from deskclient.services.sync import SyncClient

        client = SyncClient(ctx.engine, central.url, central.token, ctx.station_code,
                            timeout_s=central.exit_sync_timeout_s)
        result = client.sync_once(timeout_s=max(1.0, central.exit_sync_timeout_s * 2))
    except DeskError as err:
        return False, err.message
    except Exception as err:  # sync_once does not raise; belt and braces
        return False, T.SYNC_FAILED.format(error=type(err).__name__)
    return bool(result.ok), result.message
