"""A case's clocks, read and changed through the ledger: reading (:meth:`CaseClockService.clocks`),
特别程序 pauses, the one head-approved extension (延期) and art. 32 deemed acceptance.

Reading: :func:`clocks_for_case` (and :func:`clocks_for_cases` for a list) load a case's events and
ask :func:`deskclient.domain.clocks.case_clocks`; the UI, notices and reports use nothing else.
Each change is one durable transaction with its events, and keeps the case row's
``due_date``/``due_provisional`` in step with the clocks, so the home screen's indexed queries agree
with what case detail shows. (Split out of the former ``services/clocks.py``; reviews, complaints,
ratings and follow-ups live in :mod:`deskclient.services.followups`.)
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from deskclient.domain.calendar import WorkCalendar
from deskclient.domain.case_actions import EXTENDABLE_CLASSES
from deskclient.domain.cases import CaseClass, CaseStatus
from deskclient.domain.catalog import ServiceItem
from deskclient.domain.clock_types import CaseClocks, CaseEvent, ClockRules, PauseReason
from deskclient.domain.clocks import case_clocks
from deskclient.domain.deadlines import check_extension
from deskclient.domain.errors import DeskError, RuleViolation, ValidationError
from deskclient.domain.events import EventType
from deskclient.domain.identity import redact
from deskclient.domain.notices import NoticeData, NoticeKind, Person
from deskclient.domain.pauses import check_pause, lawful_pauses
from deskclient.services.clock_read import clocks_for_cases
from deskclient.services.rules import rules_for
from deskclient.settings import Settings
from deskclient.store.case_events import case_events as read_case_events
from deskclient.store.dbapi import driver_connection
from deskclient.store.ledger import Ledger, WriteTx
from deskclient.store.models import Case, Clerk, ClockPause, Event, Extension
from deskclient.strings import cases as TC
from deskclient.strings import clocks as T

if TYPE_CHECKING:
    from deskclient.services.notice_desk import NoticeDesk
    from deskclient.services.people import PeopleService

log = logging.getLogger(__name__)
ROLE_HEAD = "head"  # services.people.ROLE_HEAD
MAX_EXTENSION_DAYS = 60

# --------------------------------------------------------------------------------------------------
# Reading the clocks
# --------------------------------------------------------------------------------------------------


def to_case_event(ev: Event) -> CaseEvent:
    try:
        payload = json.loads(ev.payload) if ev.payload else {}
    except ValueError:
        payload = {}
    return CaseEvent(type=ev.type, at=ev.at, payload=payload if isinstance(payload, dict) else {})


def case_events(session: Session, case_id: str) -> list[CaseEvent]:
    """A case's events in ledger order (``store.case_events``, on the session's own connection)."""
    return read_case_events(driver_connection(session), case_id)


def clocks_for_case(ledger: Ledger, case_id: str, today: date | None = None, *, calendar: WorkCalendar,
                    settings: Settings | ClockRules) -> CaseClocks:
    """THE answer to "which clocks run for this case and when are they due" (UI, notices, reports)."""
    with ledger.read() as s:
        if s.get(Case, case_id) is None:
            raise ValidationError(TC.CASE_NOT_FOUND.format(case=case_id))
        events = case_events(s, case_id)
    return case_clocks(events, calendar=calendar, rules=rules_for(settings), today=today or ledger.clock.today())


def tx_clocks(tx: WriteTx, case_id: str, calendar: WorkCalendar, rules: ClockRules,
               today: date | None = None) -> CaseClocks:
    # events are buffered until commit (one multi-row INSERT); write the ones emitted so far into this
    # transaction first, or the clocks would not see the event that was just emitted (a resume, a
    # deemed acceptance) and the stored due date would not move
    tx.flush_events()
    tx.session.flush()
    return case_clocks(case_events(tx.session, case_id), calendar=calendar, rules=rules,
                       today=today or tx.now.date())


def sync_due(tx: WriteTx, case: Case, clocks: CaseClocks) -> None:
    """Keep the indexed row in step with the clocks (paused: the row keeps the last settled date)."""
    promised = clocks.promised
    if promised is None or clocks.open_pause is not None:
        return
    if case.due_date != promised.due or case.due_provisional != promised.provisional:
        case.due_date = promised.due
        case.due_provisional = promised.provisional
        case.updated_at = tx.now
        tx.session.add(case)


def case_row(tx: WriteTx, case_id: str) -> Case:
    case = tx.session.get(Case, case_id)
    if case is None:
        raise ValidationError(TC.CASE_NOT_FOUND.format(case=case_id))
    return case


def require_head(session: Session, clerk_id: str | None) -> Clerk:
    clerk = session.get(Clerk, clerk_id) if clerk_id else None
    if clerk is None or clerk.role != ROLE_HEAD or not clerk.active:
        raise RuleViolation(T.HEAD_ONLY)
    return clerk


def clean_note(text: str) -> str:
    """Free text that goes into an event: stripped, and any ID/phone number masked."""
    return redact((text or "").strip())


# --------------------------------------------------------------------------------------------------
# Pauses (特别程序)
# --------------------------------------------------------------------------------------------------


def pause_clock(ledger: Ledger, case_id: str, clerk_id: str, reason: PauseReason | str, *, step: str = "",
                note: str = "", on: date | None = None, item: ServiceItem | None = None,
                notice_days: int | None = None, calendar: WorkCalendar | None = None,
                settings: Settings | ClockRules | None = None) -> ClockPause:
    """Stop the promised clock for a step art. 45 (or the item's own law) does not count.

    The reason must be lawful for the item (``domain.pauses.lawful_pauses``); the pause starts today
    (``on`` may only be today: no back-dating), never once the case is overdue, and ``notice_days`` is
    the time needed that the pause notice (特别程序告知书) tells the applicant in writing. With the
    catalog ``item`` given, a named ``step`` must be one of its non-counting steps.
    """
    why = PauseReason.parse(str(reason))
    step = step.strip()
    if item is not None and step:
        allowed_steps = [s.name for s in item.non_counting_steps]
        if not allowed_steps:
            raise RuleViolation(T.NO_NON_COUNTING_STEPS)
        if step not in allowed_steps:
            raise RuleViolation(T.STEP_COUNTS.format(step=step, allowed="、".join(allowed_steps)))
    allowed = lawful_pauses(dict(item.pause_bases) if item is not None else None)
    with ledger.write(clerk_id) as tx:
        case = case_row(tx, case_id)
        if CaseStatus(case.status) is not CaseStatus.ACCEPTED or case.due_date is None:
            raise RuleViolation(T.PAUSE_NOT_RUNNING.format(status=CaseStatus(case.status).label))
        open_row = tx.session.exec(select(ClockPause).where(ClockPause.case_id == case_id,
                                                            col(ClockPause.ended_on).is_(None))).first()
        if open_row is not None:
            raise RuleViolation(T.ALREADY_PAUSED.format(reason=PauseReason.parse(open_row.reason).label))
        today = tx.now.date()
        start = on or today
        due = case.due_date
        if calendar is not None:
            current = tx_clocks(tx, case_id, calendar, rules_for(settings or ClockRules())).promised
            due = current.due if current is not None else due
        basis = check_pause(reason=why, allowed=allowed, start=start, today=today, due=due,
                            notice_days=notice_days)
        row = ClockPause(case_id=case_id, reason=str(why), started_on=start)
        tx.session.add(row)
        tx.session.flush()
        tx.emit(EventType.CASE_CLOCK_PAUSED, {"pause_id": str(row.id), "reason": str(why), "step": clean_note(step),
                                              "note": clean_note(note), "started_on": start, "basis": basis,
                                              "notice_days": notice_days}, case_id=case_id)
    return row


def record_result_returned(ledger: Ledger, case_id: str, clerk_id: str, *, note: str = "") -> None:
    """The department handed the result back to the window (窗口管理制度第八条: by the day before the
    promised date); ends the department-return reminder."""
    with ledger.write(clerk_id) as tx:
        case = case_row(tx, case_id)
        if CaseStatus(case.status) is not CaseStatus.ACCEPTED:
            raise RuleViolation(T.RESULT_NOT_RUNNING.format(status=CaseStatus(case.status).label))
        tx.emit(EventType.CASE_RESULT_RETURNED, {"returned_on": tx.now.date(), "note": clean_note(note)},
                case_id=case_id)


def resume_clock(ledger: Ledger, case_id: str, clerk_id: str, *, calendar: WorkCalendar,
                 settings: Settings | ClockRules, on: date | None = None) -> CaseClocks:
    """End the open pause; the promised date moves by the paused working days (row updated)."""
    rules = rules_for(settings)
    with ledger.write(clerk_id) as tx:
        case = case_row(tx, case_id)
        row = tx.session.exec(select(ClockPause).where(ClockPause.case_id == case_id,
                                                       col(ClockPause.ended_on).is_(None))).first()
        if row is None:
            raise RuleViolation(T.NOT_PAUSED)
        end = on or tx.now.date()
        if end < row.started_on:
            raise ValidationError(T.RESUME_BEFORE_PAUSE.format(start=row.started_on.isoformat()))
        row.ended_on = end
        tx.session.add(row)
        days = calendar.working_days_between(row.started_on, end)
        tx.emit(EventType.CASE_CLOCK_RESUMED, {"pause_id": str(row.id), "ended_on": end,
                                               "paused_working_days": days}, case_id=case_id)
        clocks = tx_clocks(tx, case_id, calendar, rules)
        sync_due(tx, case, clocks)
    return clocks


# --------------------------------------------------------------------------------------------------
# Extension (延期)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtensionResult:
    """What the extension notice (延期通知书) needs, and the clocks after it."""

    case: Case
    days: int
    reason: str
    original_date: date
    new_date: date
    provisional: bool
    acceptance_date: date | None
    approved_by: str
    clocks: CaseClocks

    def notice_fields(self) -> dict[str, Any]:
        """The case-specific NoticeData fields of the extension notice."""
        c = self.case
        return {
            "kind": NoticeKind.EXTENSION, "case_no": c.case_no, "item_name": c.item_name,
            "item_code": c.item_code, "case_class": CaseClass(c.case_class).label,
            "applicant": Person(name=c.applicant_name, id_masked=c.applicant_id_masked,
                                phone_masked=c.applicant_phone_masked),
            "agent": Person(name=c.agent_name, id_masked=c.agent_id_masked, phone_masked=c.agent_phone_masked,
                            relation=c.agent_relation) if c.agent_name else None,
            "acceptance_date": self.acceptance_date, "original_date": self.original_date,
            "promised_date": self.new_date, "promised_provisional": self.provisional,
            "extension_days": self.days, "extension_reason": self.reason,
        }

    def notice(self, *, issued_at: datetime, centre: str, window: str, clerk: str, **extra: Any) -> NoticeData:
        """A ready NoticeData; the caller adds the station's centre/window/clerk and contact lines."""
        return NoticeData(issued_at=issued_at, centre=centre, window=window, clerk=clerk,
                          **{**self.notice_fields(), **extra})


def extend_case(ledger: Ledger, case_id: str, clerk_id: str, *, head_id: str, days: int, reason: str,
                calendar: WorkCalendar, settings: Settings | ClockRules, applicant_told: bool = False,
                item: ServiceItem | None = None) -> ExtensionResult:
    """Extend a promised case once by ``days`` working days, approved by the centre head (whose PIN
    the caller has checked), within the period only (art. 42: an overdue case stays late), by at most
    10 working days (15 for a 联办件, art. 42 para. 2; the catalog item's ``extension_limit`` when
    stricter). ``applicant_told`` confirms the reasons are told to the applicant in writing (the
    延期通知书 issued with it; seed 001); it is recorded in the event."""
    rules = rules_for(settings)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationError(T.EXTENSION_DAYS_BAD.format(limit=MAX_EXTENSION_DAYS))
    why = clean_note(reason)
    if not why:
        raise ValidationError(T.REASON_REQUIRED)
    if not head_id:
        raise RuleViolation(T.EXTENSION_HEAD_REQUIRED)
    with ledger.write(clerk_id) as tx:
        require_head(tx.session, head_id)
        case = case_row(tx, case_id)
        status = CaseStatus(case.status)
        if status is not CaseStatus.ACCEPTED or CaseClass(case.case_class) not in EXTENDABLE_CLASSES:
            raise RuleViolation(T.EXTENSION_NOT_ALLOWED.format(status=status.label))
        if tx.session.exec(select(Extension).where(Extension.case_id == case_id)).first() is not None:
            raise RuleViolation(T.EXTENSION_TWICE)
        before = tx_clocks(tx, case_id, calendar, rules)
        if before.promised is None:
            raise RuleViolation(T.EXTENSION_NO_DUE)
        if before.extended:
            raise RuleViolation(T.EXTENSION_TWICE)
        original = before.promised.due
        check_extension(days=days, today=tx.now.date(), due=original, already_extended=before.extended,
                        joint=CaseClass(case.case_class) is CaseClass.JOINT,
                        item_limit=item.extension_limit if item is not None else None, head_approved=True,
                        applicant_told=applicant_told)
        # the new date goes into the event too, so the office sees it without recomputing
        preview = case_clocks([*case_events(tx.session, case_id),
                               CaseEvent(str(EventType.CASE_EXTENDED), tx.now, {"days": days})],
                              calendar=calendar, rules=rules, today=tx.now.date()).promised
        assert preview is not None
        tx.session.add(Extension(case_id=case_id, days=days, reason=why, approved_by=head_id, at=tx.now))
        tx.emit(EventType.CASE_EXTENDED, {"days": days, "reason": why, "approved_by": head_id,
                                          "applicant_told": True, "applicant_told_on": tx.now.date(),
                                          "original_date": original, "due_date": preview.due,
                                          "due_provisional": preview.provisional}, case_id=case_id)
        after = tx_clocks(tx, case_id, calendar, rules)
        assert after.promised is not None
        sync_due(tx, case, after)
    return ExtensionResult(case=case, days=days, reason=why, original_date=original,
                           new_date=after.promised.due, provisional=after.promised.provisional,
                           acceptance_date=case.acceptance_date, approved_by=head_id, clocks=after)


# --------------------------------------------------------------------------------------------------
# Deemed acceptance (行政许可法 第三十二条)
# --------------------------------------------------------------------------------------------------


def apply_deemed_acceptance(ledger: Ledger, calendar: WorkCalendar, settings: Settings | ClockRules, *,
                            today: date | None = None, clerk_id: str | None = None) -> list[str]:
    """Every EXAMINING case whose five days ran out becomes accepted from its receipt date.

    Idempotent (a moved case is no longer EXAMINING); call it at sign-in, day opening or on a timer.
    Returns the ids of the cases moved.
    """
    rules = rules_for(settings)
    day = today or ledger.clock.today()
    with ledger.read() as s:
        candidates = list(s.exec(select(Case.id).where(Case.status == str(CaseStatus.EXAMINING))))
    moved: list[str] = []
    for case_id in candidates:
        with ledger.write(clerk_id) as tx:
            case = tx.session.get(Case, case_id)
            if case is None or CaseStatus(case.status) is not CaseStatus.EXAMINING:
                continue  # someone decided it meanwhile
            clocks = tx_clocks(tx, case_id, calendar, rules, day)
            if not clocks.deemed_acceptance_due:
                continue
            notice = clocks.supplement_notice
            received = clocks.received_on or (case.received_at or case.created_at).date()
            item_class = CaseClass(case.item_class)
            days = case.promised_days
            case.status = str(CaseStatus.ACCEPTED)
            case.case_class = str(item_class)  # 急办 stays a mark (is_urgent), never the class
            case.accepted_at = tx.now
            case.acceptance_date = received
            case.updated_at = tx.now
            tx.emit(EventType.CASE_DEEMED_ACCEPTED, {
                "acceptance_date": received, "received_on": received, "promised_days": days,
                "supplement_due": notice.due if notice else None, "case_class": case.case_class,
                "basis": T.DEEMED_ACCEPTED_BASIS, "reason": T.DEEMED_ACCEPTED_REASON,
            }, case_id=case_id)
            after = tx_clocks(tx, case_id, calendar, rules, day)
            if after.promised is not None:
                case.due_date = after.promised.due
                case.due_provisional = after.promised.provisional
            tx.session.add(case)
            moved.append(case_id)
    return moved


# --------------------------------------------------------------------------------------------------
# The service a desk, the CLI and the training runner call (``ctx.case_clock``)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Extended:
    """An approved extension and what became of its notice (issued, or to be retried from the preview)."""

    days: int
    new_date: date
    message: str
    overrides: dict[str, Any]  # the extension's notice fields, for the preview and a retry
    issued: bool = True


class CaseClockService:
    """The functions above bound to one desk's ledger, calendar and clock rules (``ctx.case_clock``)."""

    def __init__(self, ledger: Ledger, calendar: WorkCalendar, rules: ClockRules, *,
                 people: PeopleService | None = None, notices: NoticeDesk | None = None) -> None:
        self.ledger = ledger
        self.calendar = calendar
        self.rules = rules
        self._people = people
        self._notices = notices

    def clocks(self, case_id: str, today: date | None = None) -> CaseClocks:
        return clocks_for_case(self.ledger, case_id, today, calendar=self.calendar, settings=self.rules)

    def clocks_many(self, case_ids: Sequence[str], today: date | None = None) -> dict[str, CaseClocks]:
        return clocks_for_cases(self.ledger, case_ids, today, calendar=self.calendar, settings=self.rules)

    def pause(self, case_id: str, clerk_id: str, reason: PauseReason | str, *, step: str = "", note: str = "",
              on: date | None = None, item: ServiceItem | None = None,
              notice_days: int | None = None) -> ClockPause:
        return pause_clock(self.ledger, case_id, clerk_id, reason, step=step, note=note, on=on, item=item,
                           notice_days=notice_days, calendar=self.calendar, settings=self.rules)

    def pause_and_issue(self, case_id: str, clerk_id: str, reason: PauseReason | str, *, step: str = "",
                        item: ServiceItem | None = None, notice_days: int | None) -> str:
        """特别程序 at the window: the clock paused (art. 45), then the 特别程序告知书 issued telling the
        applicant the time needed. The pause stands even if the notice cannot be made now (reprint
        retries); the message says what happened to the notice."""
        if self._notices is None:
            raise RuntimeError("CaseClockService.pause_and_issue needs the context's notices")
        self.pause(case_id, clerk_id, reason, step=step, item=item, notice_days=notice_days)
        try:
            return self._notices.issue(case_id, NoticeKind.CLOCK_PAUSE, clerk_id).message
        except DeskError as err:
            log.warning("pause notice not issued: %s", err.message)
            return err.message

    def record_result_returned(self, case_id: str, clerk_id: str, note: str = "") -> None:
        record_result_returned(self.ledger, case_id, clerk_id, note=note)

    def resume(self, case_id: str, clerk_id: str, on: date | None = None) -> CaseClocks:
        return resume_clock(self.ledger, case_id, clerk_id, calendar=self.calendar, settings=self.rules, on=on)

    def extend(self, case_id: str, clerk_id: str, *, head_id: str, days: int, reason: str,
               applicant_told: bool = False, item: ServiceItem | None = None) -> ExtensionResult:
        return extend_case(self.ledger, case_id, clerk_id, head_id=head_id, days=days, reason=reason,
                           calendar=self.calendar, settings=self.rules, applicant_told=applicant_told, item=item)

    def apply_deemed_acceptance(self, today: date | None = None) -> list[str]:
        return apply_deemed_acceptance(self.ledger, self.calendar, self.rules, today=today)

    def extension_fields(self, case_id: str) -> dict[str, Any]:
        """The extension notice's fields of an extended case, from its ``case.extended`` event (the
        original date is in no row): what a later reprint or ``deskclient notice`` needs. Empty when
        the case was never extended."""
        with self.ledger.read() as s:
            events = [e for e in case_events(s, case_id) if e.type == str(EventType.CASE_EXTENDED)]
        if not events:
            return {}
        p = events[-1].payload
        fields: dict[str, Any] = {"extension_days": p.get("days"), "extension_reason": p.get("reason", "")}
        if p.get("original_date"):
            fields["original_date"] = date.fromisoformat(str(p["original_date"]))
        return fields

    def extend_and_issue(self, case_id: str, clerk_id: str, *, head_login: str, head_pin: str, days: int,
                         reason: str, item: ServiceItem | None = None) -> Extended:
        """延期 at the window: the head's PIN checked (``verify_head``), the case extended (one transaction),
        then the extension notice issued. The extension stands even if the notice cannot be made (it is
        approved and recorded); ``issued=False`` says so and the preview's F9 retries."""
        if self._people is None or self._notices is None:
            raise RuntimeError("CaseClockService.extend_and_issue needs the context's people and notices")
        head = self._people.verify_head(head_login, head_pin, purpose="approve_extension")
        # the 延期通知书 issued below is how the applicant is told the reasons in writing (art. 42, seed 001)
        result = self.extend(case_id, clerk_id, head_id=head.id, days=days, reason=reason, applicant_told=True,
                             item=item)
        fields = {k: v for k, v in result.notice_fields().items() if k != "kind"}
        try:
            issued = self._notices.issue(case_id, NoticeKind.EXTENSION, clerk_id, overrides=fields)
        except DeskError as err:
            log.warning("extension notice not issued: %s", err.message)
            return Extended(result.days, result.new_date, err.message, fields, issued=False)
        return Extended(result.days, result.new_date, issued.message, fields)
