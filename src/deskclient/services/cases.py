"""A case's life at the window, each confirmed step one durable transaction with its events.

The UI calls these methods from worker threads; each either commits rows and events together or
raises a :class:`~deskclient.domain.errors.DeskError` with a Chinese message and changes nothing.
Payloads carry masked identity numbers only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from deskclient.domain import identity
from deskclient.domain.calendar import WorkCalendar
from deskclient.domain.cases import (
    CaseClass,
    CaseStatus,
    Completion,
    CompletionResult,
    Delivery,
    MaterialCheck,
    MaterialState,
    Outcome,
    check_accept_materials,
    check_can_complete,
    check_can_mark,
    check_can_transfer,
    check_completion,
    check_defect,
    check_one_time_notification,
    check_outcome_allowed,
    class_after_outcome,
    follow_up_materials,
    main_defective,
    main_missing,
    status_after_outcome,
    supplement_materials,
)
from deskclient.domain.catalog import ServiceItem
from deskclient.domain.clock_dues import promised_due
from deskclient.domain.clock_types import ClockRules
from deskclient.domain.deadlines import follow_up_due
from deskclient.domain.errors import RuleViolation, ValidationError
from deskclient.domain.events import EventType
from deskclient.domain.identity import redact
from deskclient.domain.notices import NoticeKind
from deskclient.store.drafts import delete_in as delete_draft_in
from deskclient.store.ledger import Ledger, WriteTx, new_id
from deskclient.store.models import Case, CaseMaterial, Clerk, Event, Rating, Transfer, Window
from deskclient.store.rows import (
    exists,
    insert_new,
    insert_rows,
    load_detached,
    rows_where,
    update_rows,
    write_back,
)
from deskclient.strings import cases as T
from deskclient.strings import intake as TI

if TYPE_CHECKING:
    from deskclient.services.notice_desk import NoticeDesk


@dataclass(frozen=True)
class PersonInput:
    """What the clerk typed about a person; validated and masked by :func:`validate_person`."""

    name: str
    id_no: str = ""
    phone: str = ""


@dataclass(frozen=True)
class CleanPerson:
    name: str
    id_no: str
    id_masked: str
    phone: str
    phone_masked: str


def validate_person(p: PersonInput, *, id_required: bool) -> CleanPerson:
    """Check a person's fields; raise ValidationError naming the first wrong field."""
    msg = identity.check_name(p.name)
    if msg:
        raise ValidationError(TI.FIELD_ERROR.format(field=TI.NAME, message=msg))
    name = identity.normalize_name(p.name)
    id_no = id_masked = ""
    if p.id_no.strip():
        try:
            parsed = identity.parse_id_number(p.id_no)
        except ValidationError as err:
            raise ValidationError(TI.FIELD_ERROR.format(field=TI.ID_NO, message=err.message)) from None
        id_no, id_masked = parsed.value, identity.mask_id(parsed.value)
    elif id_required:
        raise ValidationError(TI.FIELD_ERROR.format(field=TI.ID_NO, message=TI.REQUIRED))
    phone = phone_masked = ""
    if p.phone.strip():
        try:
            phone = identity.parse_mobile(p.phone)
        except ValidationError as err:
            raise ValidationError(TI.FIELD_ERROR.format(field=TI.PHONE, message=err.message)) from None
        phone_masked = identity.mask_phone(phone)
    return CleanPerson(name, id_no, id_masked, phone, phone_masked)


@dataclass(frozen=True)
class Intake:
    """A new matter as confirmed at the intake screen."""

    window: str
    item: ServiceItem
    applicant: PersonInput
    agent: PersonInput | None = None
    agent_relation: str = ""
    power_of_attorney: bool = False
    enquiry: bool = False
    note: str = ""
    unowned: bool = False  # 不管件: a need no window covers; the centre head routes it


@dataclass
class MaterialLine:
    """A checklist line as the transaction sees it (plain data, no ORM state)."""

    id: int
    position: int
    name: str
    is_main: bool
    state: str
    problem: str


@dataclass(frozen=True)
class CheckInput:
    position: int
    state: MaterialState
    problem: str = ""


UNOWNED_ITEM_CODE = "BG-000"


def unowned_item(window: str = "") -> ServiceItem:
    """The stand-in catalog item of a 不管件 registered with no matching item (no materials, no steps;
    the head's routing sets its time limit)."""
    from deskclient.strings import clocks_ui as TC

    return ServiceItem(code=UNOWNED_ITEM_CODE, name=TC.UNOWNED_ITEM_NAME, department=TC.UNOWNED_ITEM_DEPARTMENT,
                       window=window, item_class=CaseClass.UNOWNED, promised_days=0, legal_days=0, basis="",
                       conditions="", steps=(), fee="", fee_basis="", aliases=(), materials=())


class CaseService:
    def __init__(self, ledger: Ledger, calendar: WorkCalendar, rules: ClockRules | None = None, *,
                 notices: NoticeDesk | None = None) -> None:
        self.ledger = ledger
        self.calendar = calendar
        self.notices = notices  # an action's own notices (急办件, 补报材料) in its transaction; None: not issued
        self.rules = rules or ClockRules()  # bad-rating follow-up deadlines (services.rules.rules_for)

    # --- registration (每件一登记) ---------------------------------------------------------------
    def register(self, intake: Intake, clerk_id: str, *, draft_id: str | None = None,
                 transfer_to: str | None = None, transfer_reason: str = "") -> Case:
        """Register a matter, in ONE transaction with, when given: deleting the intake draft it was
        typed into, and transferring it to the right window (首问负责: registered here, then handed on).
        Either all of it is in the ledger, or none of it."""
        applicant = validate_person(intake.applicant, id_required=not intake.enquiry)
        agent = validate_person(intake.agent, id_required=True) if intake.agent else None
        if agent and not intake.agent_relation.strip():
            raise ValidationError(TI.FIELD_ERROR.format(field=TI.AGENT_RELATION, message=TI.REQUIRED))
        if transfer_to is not None and not transfer_reason.strip():
            raise ValidationError(TI.REASON_REQUIRED)
        item = intake.item
        with self.ledger.write(clerk_id) as tx:
            case = self._register_in(tx, intake, clerk_id, applicant, agent, item)
            if transfer_to is not None:
                self._transfer_in(tx, case, clerk_id, transfer_to, transfer_reason)
            if draft_id is not None:
                delete_draft_in(tx, draft_id)
        return case

    def _register_in(self, tx: WriteTx, intake: Intake, clerk_id: str, applicant: CleanPerson,
                     agent: CleanPerson | None, item: ServiceItem) -> Case:
        _require_window(tx, intake.window)
        day = tx.now.date()
        n = tx.next_counter(f"case_no:{day:%Y%m%d}")
        case = insert_new(  # one INSERT, no unit-of-work flush; the case comes back as if loaded
            tx, Case, id=new_id(), case_no=f"{self.ledger.station}-{day:%Y%m%d}-{n:04d}", window=intake.window,
            item_code=item.code, item_name=item.name, item_class=str(item.item_class),
            item_department=item.department, promised_days=item.promised_days, legal_days=item.legal_days,
            case_class=str(CaseClass.ENQUIRY if intake.enquiry
                           else CaseClass.UNOWNED if intake.unowned else item.item_class),
            status=str(CaseStatus.REGISTERED),
            applicant_name=applicant.name, applicant_id_no=applicant.id_no,
            applicant_id_masked=applicant.id_masked, applicant_phone=applicant.phone,
            applicant_phone_masked=applicant.phone_masked,
            agent_name=agent.name if agent else "", agent_id_no=agent.id_no if agent else "",
            agent_id_masked=agent.id_masked if agent else "", agent_phone=agent.phone if agent else "",
            agent_phone_masked=agent.phone_masked if agent else "",
            agent_relation=intake.agent_relation.strip(), has_power_of_attorney=intake.power_of_attorney,
            note=intake.note, first_asked_clerk_id=clerk_id, owner_clerk_id=clerk_id,
            created_at=tx.now, updated_at=tx.now,
        )
        if item.materials:  # one executemany: the checklist lines of the new case
            insert_rows(tx, CaseMaterial, [
                {"case_id": case.id, "position": pos, "name": m.name, "form": str(m.form), "copies": m.copies,
                 "is_main": m.main, "state": str(MaterialState.PENDING), "problem": ""}
                for pos, m in enumerate(item.materials)])
        tx.emit(EventType.CASE_REGISTERED, {
            "case_no": case.case_no, "window": case.window, "item_code": item.code,
            "item_name": item.name, "item_class": case.item_class, "case_class": case.case_class,
            "enquiry": intake.enquiry, "unowned": intake.unowned, "applicant_name": applicant.name,
            "applicant_id_masked": applicant.id_masked, "applicant_phone_masked": applicant.phone_masked,
            "agent_name": case.agent_name, "agent_id_masked": case.agent_id_masked,
            "agent_relation": case.agent_relation, "power_of_attorney": intake.power_of_attorney,
            "first_asked_clerk_id": clerk_id, "materials": len(item.materials),
        }, case_id=case.id)
        return case

    # --- the one-time checklist ---------------------------------------------------------------
    def confirm_outcome(self, case_id: str, clerk_id: str, checks: Sequence[CheckInput], outcome: Outcome, *,
                        reasons: Sequence[str] = (), promised_days: int | None = None,
                        head_id: str | None = None, amend_reason: str = "") -> Case:
        """Record the checklist as marked and the outcome the clerk confirmed, in one transaction.

        ACCEPT starts the working-day clock from today (a 即办件 is finished on the spot); it needs every
        main material, missing general ones are listed to follow (容缺受理, seed 003); SUPPLEMENT lists
        every missing material at once (a second notice naming a material the first did not needs the
        head's approval ``head_id`` with ``amend_reason``); REJECT needs at least one reason.
        """
        if outcome is Outcome.REJECT and not [r for r in reasons if r.strip()]:
            raise ValidationError(TI.REASON_REQUIRED)
        with self.ledger.write(clerk_id) as tx:
            case = load_detached(tx, Case, case_id)  # read once; its changes written back below (store.rows)
            if case is None:
                raise ValidationError(T.CASE_NOT_FOUND.format(case=case_id))
            status = CaseStatus(case.status)
            check_outcome_allowed(status, outcome)
            mats = self._apply_checks(tx, case, checks)
            material_checks = [MaterialCheck(m.name, m.is_main, MaterialState(m.state), m.problem) for m in mats]
            follow_up = check_accept_materials(material_checks) if outcome is Outcome.ACCEPT else []
            if outcome is Outcome.SUPPLEMENT and not supplement_materials(material_checks):
                raise RuleViolation(TI.NOTHING_MISSING)
            if outcome in (Outcome.ACCEPT, Outcome.SUPPLEMENT) and any(
                    c.state is MaterialState.PENDING for c in material_checks):
                raise RuleViolation(T.CHECKLIST_INCOMPLETE)
            tx.emit(EventType.CASE_MATERIALS_CHECKED, {
                "materials": [{"name": m.name, "main": m.is_main, "state": m.state, "problem": m.problem}
                              for m in mats]}, case_id=case.id)
            item_class = CaseClass(case.item_class)
            case.case_class = str(class_after_outcome(item_class, outcome, CaseClass(case.case_class)))
            case.status = str(status_after_outcome(outcome, item_class))
            case.updated_at = tx.now
            if case.received_at is None and outcome is not Outcome.ENQUIRY:
                case.received_at = tx.now
            if outcome is Outcome.ACCEPT:
                self._accept(tx, case, promised_days, follow_up=[c.name for c in follow_up])
            elif outcome is Outcome.SUPPLEMENT:
                listed = supplement_materials(material_checks)  # missing and 需补正, all at once (art. 32)
                if status is CaseStatus.AWAITING_SUPPLEMENT:
                    self._one_time_check(tx, case, [c.name for c in listed], head_id, amend_reason)
                tx.emit(EventType.CASE_SUPPLEMENT_REQUESTED, {
                    "missing": [{"name": c.name, "main": c.is_main, "state": str(c.state), "problem": c.problem}
                                for c in listed]}, case_id=case.id)
            elif outcome is Outcome.REJECT:
                case.return_reasons = "\n".join(r.strip() for r in reasons if r.strip())
                case.returned_at = tx.now  # the event's time: the day the 今日/report figures count it on
                tx.emit(EventType.CASE_RETURNED, {"reasons": [r.strip() for r in reasons if r.strip()]},
                        case_id=case.id)
            elif outcome is Outcome.ENQUIRY:
                case.completed_at = tx.now
                tx.emit(EventType.CASE_ENQUIRY_ANSWERED, {}, case_id=case.id)
            elif outcome is Outcome.EXAMINE:
                tx.emit(EventType.CASE_EXAMINING, {"received_on": tx.now.date()}, case_id=case.id)
            write_back(tx, case)  # one UPDATE of what changed (or the flush, once a notice took it into the session)
        if outcome is Outcome.ACCEPT and follow_up and self.notices is not None:
            self.notices.archive_after()  # the 补报材料通知单's PDF, after the commit
        return case

    def save_marks(self, case_id: str, clerk_id: str, checks: Sequence[CheckInput]) -> list[MaterialLine]:
        """Save the checklist marks as the clerk makes them (a crash or Esc loses nothing); the outcome is
        still confirmed by :meth:`confirm_outcome`. Only lines whose mark changed are written and logged."""
        with self.ledger.write(clerk_id) as tx:
            case = self._case(tx, case_id)
            check_can_mark(CaseStatus(case.status))
            before = {m.position: (m.state, m.problem) for m in self._lines(tx, case)}
            changed = [c for c in checks if before.get(c.position) != (str(c.state), c.problem.strip())]
            if not changed:
                return self._lines(tx, case)
            lines = self._apply_checks(tx, case, changed)
            by_pos = {ln.position: ln for ln in lines}
            tx.emit(EventType.CASE_MATERIALS_MARKED, {"marks": [
                {"position": c.position, "name": by_pos[c.position].name, "state": str(c.state),
                 "problem": by_pos[c.position].problem} for c in changed]},
                case_id=case.id)
            case.updated_at = tx.now
            tx.session.add(case)
            return lines

    @staticmethod
    def _lines(tx: WriteTx, case: Case) -> list[MaterialLine]:
        """The case's checklist lines in position order (the one read of them in a write)."""
        return [MaterialLine(r["id"], r["position"], r["name"], r["is_main"], r["state"], r["problem"])
                for r in rows_where(tx, CaseMaterial, "case_id", case.id, "position")]

    def receive_supplement(self, case_id: str, clerk_id: str, checks: Sequence[CheckInput], *,
                           head_id: str | None = None, amend_reason: str = "") -> Case:
        """The visitor came back with the missing materials. All present: accepted, the clock starts
        today. Still something missing: a new supplement notice listing all of it. A material missing
        now that the first notice did not list breaks one-time notification: refused unless the head
        (``head_id``) approves it with ``amend_reason``, recorded as an event (DOMAIN.md rule 3)."""
        with self.ledger.write(clerk_id) as tx:
            case = self._case(tx, case_id)
            if CaseStatus(case.status) is not CaseStatus.AWAITING_SUPPLEMENT:
                raise RuleViolation(T.OUTCOME_NOT_ALLOWED.format(outcome=TI.SUPPLEMENT_RECEIVED,
                                                                 status=CaseStatus(case.status).label))
            mats = self._apply_checks(tx, case, checks)
            checks_now = [MaterialCheck(m.name, m.is_main, MaterialState(m.state), m.problem) for m in mats]
            if any(c.state is MaterialState.PENDING for c in checks_now):
                raise RuleViolation(T.CHECKLIST_INCOMPLETE)
            # every main material present and in form: accepted, general ones may follow (容缺受理, seed 003)
            accept = not main_missing(checks_now) and not main_defective(checks_now)
            missing = [] if accept else supplement_materials(checks_now)
            self._one_time_check(tx, case, [c.name for c in missing], head_id, amend_reason)
            tx.emit(EventType.CASE_SUPPLEMENT_RECEIVED, {
                "still_missing": [{"name": c.name, "main": c.is_main, "state": str(c.state), "problem": c.problem}
                                  for c in missing]}, case_id=case.id)
            case.updated_at = tx.now
            if accept:
                case.case_class = str(class_after_outcome(CaseClass(case.item_class), Outcome.ACCEPT,
                                                          CaseClass(case.case_class)))
                case.status = str(CaseStatus.ACCEPTED)
                self._accept(tx, case, None, follow_up=[c.name for c in follow_up_materials(checks_now)])
            tx.session.add(case)
        return case

    @staticmethod
    def _one_time_check(tx: WriteTx, case: Case, now_missing: list[str], head_id: str | None,
                        reason: str) -> None:
        """One-time notification holds: compare with the first supplement notice of this case."""
        first = tx.session.exec(select(Event).where(Event.case_id == case.id,
                                                    Event.type == str(EventType.CASE_SUPPLEMENT_REQUESTED))
                                .order_by(col(Event.at))).first()
        if first is None:
            return
        listed = [str(m.get("name", "")) for m in json.loads(first.payload or "{}").get("missing", [])]
        head = tx.session.get(Clerk, head_id) if head_id else None
        approved = head is not None and head.role == "head" and head.active
        added = check_one_time_notification(listed, now_missing, head_approved=approved, reason=reason)
        if added:
            tx.emit(EventType.CASE_NOTIFICATION_AMENDED, {"added": added, "approved_by": head_id,
                                                          "reason": redact(reason.strip())}, case_id=case.id)

    def _accept(self, tx: WriteTx, case: Case, promised_days: int | None, *,
                follow_up: Sequence[str] = ()) -> None:
        case.accepted_at = tx.now
        case.acceptance_date = tx.now.date()
        item_class = CaseClass(case.item_class)
        payload: dict[str, Any] = {"acceptance_date": case.acceptance_date, "case_class": case.case_class}
        follow = list(follow_up)  # 容缺受理: general materials to bring later (补报材料通知单, seed 003)
        if item_class is CaseClass.IMMEDIATE and not case.is_urgent:
            case.due_date = case.acceptance_date
            case.due_provisional = False
        else:
            days = promised_days if promised_days is not None else case.promised_days
            due = promised_due(self.calendar, case.acceptance_date, days)  # the one due-date rule
            case.due_date = due.date
            case.due_provisional = bool(due.provisional)
            payload.update({"promised_days": days, "due_date": due.date, "due_provisional": due.provisional})
        if follow:
            payload.update({"follow_up": follow, "follow_up_by": follow_up_due(
                self.calendar, case.acceptance_date, case.due_date)})
        tx.emit(EventType.CASE_ACCEPTED, payload, case_id=case.id)
        if follow and self.notices is not None:  # 容缺受理: the 补报材料通知单 goes with the acceptance
            tx.session.add(case)  # the notice reads the case through the session: the ORM writes it from here
            self.notices.issue_with_action(tx, case, NoticeKind.FOLLOW_UP, tx.clerk_id or case.owner_clerk_id)
        if item_class is CaseClass.IMMEDIATE:
            # 即办件: finished on the spot (rule 4); the clerk hands the result over at the window.
            case.status = str(CaseStatus.COMPLETED)
            case.completed_at = tx.now
            case.delivery = str(Delivery.WINDOW)
            case.result = str(CompletionResult.APPROVED)
            tx.emit(EventType.CASE_COMPLETED, {"delivery": case.delivery, "on_the_spot": True,
                                               "result": case.result}, case_id=case.id)

    @classmethod
    def _apply_checks(cls, tx: WriteTx, case: Case, checks: Sequence[CheckInput]) -> list[MaterialLine]:
        """Apply the clerk's marks to the case's checklist lines (one UPDATE for all of them)."""
        lines = {ln.position: ln for ln in cls._lines(tx, case)}
        changes = []
        for c in checks:
            line = lines.get(c.position)
            if line is None:
                raise ValidationError(TI.UNKNOWN_MATERIAL)
            # what is wrong goes on paper and into events: said, and any ID or phone number in it masked
            line.state, line.problem = str(c.state), redact(check_defect(c.state, c.problem))
            changes.append({"id": line.id, "state": line.state, "problem": line.problem})
        update_rows(tx, CaseMaterial, changes)  # one executemany for all of them
        return [lines[p] for p in sorted(lines)]

    # --- follow-up ---------------------------------------------------------------------------
    def complete(self, case_id: str, clerk_id: str, completion: Completion | Delivery, note: str = "") -> Case:
        """办结: the result (approved, or refused with reasons) and how it reaches the applicant (at the
        window, or by post to an address), in one transaction. A bare Delivery means approved."""
        if isinstance(completion, Delivery):
            completion = Completion(CompletionResult.APPROVED, completion)
        done = check_completion(completion)
        with self.ledger.write(clerk_id) as tx:
            case = self._case(tx, case_id)
            check_can_complete(CaseStatus(case.status))
            case.status = str(CaseStatus.COMPLETED)
            case.completed_at = tx.now
            case.delivery = str(done.delivery)
            case.delivery_address = done.address
            case.result = str(done.result)
            case.result_reasons = "\n".join(done.reasons)
            case.updated_at = tx.now
            tx.session.add(case)
            tx.emit(EventType.CASE_COMPLETED, {
                "delivery": str(done.delivery), "note": note, "result": str(done.result),
                "reasons": list(done.reasons), "by_post_to_address": bool(done.address),  # the address stays local
                "on_time": case.due_date is None or tx.now.date() <= case.due_date}, case_id=case.id)
        return case

    def transfer(self, case_id: str, clerk_id: str, to_window: str, reason: str) -> Case:
        """首问负责: the matter moves to the right window; the first-asked clerk keeps seeing it."""
        if not reason.strip():
            raise ValidationError(TI.REASON_REQUIRED)
        with self.ledger.write(clerk_id) as tx:
            case = self._case(tx, case_id)
            self._transfer_in(tx, case, clerk_id, to_window, reason)
        return case

    @staticmethod
    def _transfer_in(tx: WriteTx, case: Case, clerk_id: str, to_window: str, reason: str) -> None:
        _require_window(tx, to_window)
        check_can_transfer(CaseStatus(case.status), case.window, to_window)
        tx.session.add(Transfer(case_id=case.id, from_window=case.window, to_window=to_window,
                                reason=reason.strip(), by_clerk_id=clerk_id, at=tx.now))
        tx.emit(EventType.CASE_TRANSFERRED, {"from_window": case.window, "to_window": to_window,
                                             "reason": reason.strip()}, case_id=case.id)
        case.window = to_window
        case.updated_at = tx.now
        tx.session.add(case)

    def mark_urgent(self, case_id: str, clerk_id: str, head_id: str, reason: str = "") -> Case:
        """急办件: recognised by the centre (the head's PIN is checked by the caller)."""
        with self.ledger.write(clerk_id) as tx:
            case = self._case(tx, case_id)
            if not CaseStatus(case.status).is_open:
                raise RuleViolation(T.TRANSFER_CLOSED.format(status=CaseStatus(case.status).label))
            case.is_urgent = True  # a mark: the case keeps its class (domain.cases.class_after_outcome)
            case.updated_at = tx.now
            tx.session.add(case)
            tx.emit(EventType.CASE_MARKED_URGENT, {"approved_by": head_id, "reason": reason}, case_id=case.id)
            if self.notices is not None:  # seed 003: the centre sends the lead window a 急办件通知单
                self.notices.issue_with_action(tx, case, NoticeKind.URGENT, clerk_id)
        if self.notices is not None:
            self.notices.archive_after()
        return case

    def rate(self, case_id: str, clerk_id: str, level: str, score: int, comment: str = "",
             rater_name: str = "") -> Rating:
        """好差评; a bad rating opens its follow-up task in the same transaction (services.followups)."""
        from deskclient.services.followups import rate_case

        return rate_case(self.ledger, case_id, clerk_id, level, score=score, comment=comment,
                         rater_name=rater_name, calendar=self.calendar, settings=self.rules)

    # --- reads ---------------------------------------------------------------------------------
    def get(self, case_id: str) -> Case:
        with self.ledger.read() as s:
            case = s.get(Case, case_id)
            if case is None:
                raise ValidationError(T.CASE_NOT_FOUND.format(case=case_id))
            return case

    def by_number(self, case_no: str) -> Case:
        with self.ledger.read() as s:
            case = s.exec(select(Case).where(Case.case_no == case_no.strip())).first()
            if case is None:
                raise ValidationError(T.CASE_NOT_FOUND.format(case=case_no))
            return case

    def materials(self, case_id: str) -> list[CaseMaterial]:
        with self.ledger.read() as s:
            return list(s.exec(select(CaseMaterial).where(CaseMaterial.case_id == case_id)
                               .order_by(col(CaseMaterial.position))))

    @staticmethod
    def _case(tx: WriteTx, case_id: str) -> Case:
        case = tx.session.get(Case, case_id)
        if case is None:
            raise ValidationError(T.CASE_NOT_FOUND.format(case=case_id))
        return case


def _require_window(tx: WriteTx, number: str) -> None:
    """The window exists (a plain read by key: loading its row as an object cost as much as the
    INSERT it guards)."""
    if not exists(tx, Window, number):
        raise ValidationError(TI.UNKNOWN_WINDOW.format(window=number))
