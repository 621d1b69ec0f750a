"""The clocks of a case, read and changed through the ledger.

Reading: :func:`clocks_for_case` (and :func:`clocks_for_cases` for a list) load a case's events and
ask :func:`deskclient.domain.clocks.case_clocks`; the UI, notices and reports use nothing else.

Changing: pauses (特别程序), the one extension (延期, head's approval), deemed acceptance (art. 32),
reviews (复核), complaints (投诉), ratings with their bad-rating follow-up, monthly 回访 records and the
routing of a 不管件. Each is one durable transaction with its events; each keeps the case row's
``due_date``/``due_provisional`` in step with the clocks, so the home screen's indexed queries agree
with what case detail shows. Confidential names (complainant, rater) never go into an event.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from deskclient.domain.calendar import WorkCalendar
from deskclient.domain.cases import CaseClass, CaseStatus, check_can_rate
from deskclient.domain.clocks import (
    CaseClocks,
    CaseEvent,
    ClockRules,
    ComplaintChannel,
    PauseReason,
    RatingLevel,
    RatingPreset,
    case_clocks,
    complaint_due,
    parse_rating_presets,
    rating_followup_due,
    rating_score,
    review_due,
)
from deskclient.domain.errors import RuleViolation, ValidationError
from deskclient.domain.events import EventType
from deskclient.domain.identity import redact
from deskclient.domain.notices import NoticeData, NoticeKind, Person
from deskclient.resources import data_path
from deskclient.settings import RatingSettings, Settings
from deskclient.store.ledger import Ledger, WriteTx, new_id
from deskclient.store.models import (
    Case,
    Clerk,
    ClockPause,
    Complaint,
    Event,
    Extension,
    FollowUp,
    Rating,
    Review,
    Window,
)
from deskclient.strings import cases as TC
from deskclient.strings import clocks as T

ROLE_HEAD = "head"  # services.people.ROLE_HEAD
MAX_EXTENSION_DAYS = 60
MAX_ROUTE_DAYS = 60
PRESETS_FILE = "rating_presets.toml"

FOLLOWUP_BAD_RATING = "bad_rating"
FOLLOWUP_REVISIT = "revisit"
FOLLOWUP_UNOWNED = "unowned"

#: Case classes whose acceptance starts a promised-date clock that may be extended.
_EXTENDABLE = frozenset({CaseClass.PROMISED, CaseClass.JOINT, CaseClass.REPORTED, CaseClass.URGENT,
                         CaseClass.UNOWNED, CaseClass.SUPPLEMENT})


# --------------------------------------------------------------------------------------------------
# Settings → rules
# --------------------------------------------------------------------------------------------------


def load_rating_presets(extra_dir: Path | None = None) -> dict[str, RatingPreset]:
    """The shipped presets, overridden by a station's own ``rating_presets.toml`` in ``extra_dir``.

    Raises ValidationError (Chinese, names the file) when a file is broken.
    """
    presets = dict(_shipped_presets())
    if extra_dir is not None:
        path = extra_dir / PRESETS_FILE
        if path.is_file():
            presets.update(_read_presets(path, str(path)))
    return presets


@cache
def _shipped_presets() -> dict[str, RatingPreset]:
    path = data_path(PRESETS_FILE)
    return _read_presets(path, PRESETS_FILE) if path.is_file() else {}


def _read_presets(path: Path, shown: str) -> dict[str, RatingPreset]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        raise ValidationError(T.PRESETS_SYNTAX.format(source=shown, line=1)) from None
    return parse_rating_presets(text, shown)


def effective_rating(rating: RatingSettings, presets: dict[str, RatingPreset] | None = None) -> RatingSettings:
    """``[rating] province = "<preset>"`` replaces the scores and deadlines with the preset's."""
    key = rating.province.strip()
    if not key:
        return rating
    presets = presets if presets is not None else load_rating_presets()
    preset = presets.get(key)
    if preset is None:
        raise ValidationError(T.PRESET_UNKNOWN.format(preset=key, allowed="、".join(sorted(presets)) or "-"))
    return replace(rating, **preset.values())


def rules_for(settings: Settings | ClockRules, presets: dict[str, RatingPreset] | None = None) -> ClockRules:
    """The clock rules of a station's settings (a ClockRules passes through)."""
    if isinstance(settings, ClockRules):
        return settings
    return ClockRules.from_settings(settings.clocks, effective_rating(settings.rating, presets))


# --------------------------------------------------------------------------------------------------
# Reading the clocks
# --------------------------------------------------------------------------------------------------


def _to_case_event(ev: Event) -> CaseEvent:
    try:
        payload = json.loads(ev.payload) if ev.payload else {}
    except ValueError:
        payload = {}
    return CaseEvent(type=ev.type, at=ev.at, payload=payload if isinstance(payload, dict) else {})


def case_events(session: Session, case_id: str) -> list[CaseEvent]:
    """A case's events in ledger order."""
    rows = session.exec(select(Event).where(Event.case_id == case_id).order_by(col(Event.seq)))
    return [_to_case_event(ev) for ev in rows]


def clocks_for_case(ledger: Ledger, case_id: str, today: date | None = None, *, calendar: WorkCalendar,
                    settings: Settings | ClockRules) -> CaseClocks:
    """THE answer to "which clocks run for this case and when are they due" (UI, notices, reports)."""
    with ledger.read() as s:
        if s.get(Case, case_id) is None:
            raise ValidationError(TC.CASE_NOT_FOUND.format(case=case_id))
        events = case_events(s, case_id)
    return case_clocks(events, calendar=calendar, rules=rules_for(settings), today=today or ledger.clock.today())


def clocks_for_cases(ledger: Ledger, case_ids: Iterable[str], today: date | None = None, *,
                     calendar: WorkCalendar, settings: Settings | ClockRules) -> dict[str, CaseClocks]:
    """The clocks of many cases with one query per 500 ids (home screen, handover sheet, head's desk)."""
    ids = list(dict.fromkeys(case_ids))
    rules = rules_for(settings)
    day = today or ledger.clock.today()
    grouped: dict[str, list[CaseEvent]] = {cid: [] for cid in ids}
    with ledger.read() as s:
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            rows = s.exec(select(Event).where(col(Event.case_id).in_(chunk)).order_by(col(Event.seq)))
            for ev in rows:
                grouped[ev.case_id or ""].append(_to_case_event(ev))
    return {cid: case_clocks(evs, calendar=calendar, rules=rules, today=day) for cid, evs in grouped.items()}


def _tx_clocks(tx: WriteTx, case_id: str, calendar: WorkCalendar, rules: ClockRules,
               today: date | None = None) -> CaseClocks:
    # events are buffered until commit (one multi-row INSERT); write the ones emitted so far into this
    # transaction first, or the clocks would not see the event that was just emitted (a resume, a
    # deemed acceptance) and the stored due date would not move
    tx.flush_events()
    tx.session.flush()
    return case_clocks(case_events(tx.session, case_id), calendar=calendar, rules=rules,
                       today=today or tx.now.date())


def _sync_due(tx: WriteTx, case: Case, clocks: CaseClocks) -> None:
    """Keep the indexed row in step with the clocks (paused: the row keeps the last settled date)."""
    promised = clocks.promised
    if promised is None or clocks.open_pause is not None:
        return
    if case.due_date != promised.due or case.due_provisional != promised.provisional:
        case.due_date = promised.due
        case.due_provisional = promised.provisional
        case.updated_at = tx.now
        tx.session.add(case)


def _case(tx: WriteTx, case_id: str) -> Case:
    case = tx.session.get(Case, case_id)
    if case is None:
        raise ValidationError(TC.CASE_NOT_FOUND.format(case=case_id))
    return case


def _require_head(session: Session, clerk_id: str | None) -> Clerk:
    clerk = session.get(Clerk, clerk_id) if clerk_id else None
    if clerk is None or clerk.role != ROLE_HEAD or not clerk.active:
        raise RuleViolation(T.HEAD_ONLY)
    return clerk


def _clean(text: str) -> str:
    """Free text that goes into an event: stripped, and any ID/phone number masked."""
    return redact((text or "").strip())


# --------------------------------------------------------------------------------------------------
# Pauses (特别程序)
# --------------------------------------------------------------------------------------------------


def pause_clock(ledger: Ledger, case_id: str, clerk_id: str, reason: PauseReason | str, *, step: str = "",
                note: str = "", on: date | None = None, item: Any = None) -> ClockPause:
    """Stop the promised clock for a step that does not count. With the catalog ``item`` given, a
    named ``step`` must be one of its non-counting steps."""
    why = PauseReason.parse(str(reason))
    step = step.strip()
    if item is not None and step:
        allowed = [s.name for s in item.non_counting_steps]
        if not allowed:
            raise RuleViolation(T.NO_NON_COUNTING_STEPS)
        if step not in allowed:
            raise RuleViolation(T.STEP_COUNTS.format(step=step, allowed="、".join(allowed)))
    with ledger.write(clerk_id) as tx:
        case = _case(tx, case_id)
        if CaseStatus(case.status) is not CaseStatus.ACCEPTED or case.due_date is None:
            raise RuleViolation(T.PAUSE_NOT_RUNNING.format(status=CaseStatus(case.status).label))
        open_row = tx.session.exec(select(ClockPause).where(ClockPause.case_id == case_id,
                                                            col(ClockPause.ended_on).is_(None))).first()
        if open_row is not None:
            raise RuleViolation(T.ALREADY_PAUSED.format(reason=PauseReason.parse(open_row.reason).label))
        start = on or tx.now.date()
        row = ClockPause(case_id=case_id, reason=str(why), started_on=start)
        tx.session.add(row)
        tx.session.flush()
        tx.emit(EventType.CASE_CLOCK_PAUSED, {"pause_id": str(row.id), "reason": str(why), "step": _clean(step),
                                              "note": _clean(note), "started_on": start}, case_id=case_id)
    return row


def resume_clock(ledger: Ledger, case_id: str, clerk_id: str, *, calendar: WorkCalendar,
                 settings: Settings | ClockRules, on: date | None = None) -> CaseClocks:
    """End the open pause; the promised date moves by the paused working days (row updated)."""
    rules = rules_for(settings)
    with ledger.write(clerk_id) as tx:
        case = _case(tx, case_id)
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
        clocks = _tx_clocks(tx, case_id, calendar, rules)
        _sync_due(tx, case, clocks)
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
                calendar: WorkCalendar, settings: Settings | ClockRules) -> ExtensionResult:
    """Extend a promised case once by ``days`` working days, approved by the centre head (whose PIN
    the caller has checked). The reason is printed on the notice to the applicant."""
    rules = rules_for(settings)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationError(T.EXTENSION_DAYS_BAD.format(limit=MAX_EXTENSION_DAYS))
    why = _clean(reason)
    if not why:
        raise ValidationError(T.REASON_REQUIRED)
    if not head_id:
        raise RuleViolation(T.EXTENSION_HEAD_REQUIRED)
    with ledger.write(clerk_id) as tx:
        _require_head(tx.session, head_id)
        case = _case(tx, case_id)
        status = CaseStatus(case.status)
        if status is not CaseStatus.ACCEPTED or CaseClass(case.case_class) not in _EXTENDABLE:
            raise RuleViolation(T.EXTENSION_NOT_ALLOWED.format(status=status.label))
        if tx.session.exec(select(Extension).where(Extension.case_id == case_id)).first() is not None:
            raise RuleViolation(T.EXTENSION_TWICE)
        before = _tx_clocks(tx, case_id, calendar, rules)
        if before.promised is None:
            raise RuleViolation(T.EXTENSION_NO_DUE)
        if before.extended:
            raise RuleViolation(T.EXTENSION_TWICE)
        original = before.promised.due
        # the new date goes into the event too, so the office sees it without recomputing
        preview = case_clocks([*case_events(tx.session, case_id),
                               CaseEvent(str(EventType.CASE_EXTENDED), tx.now, {"days": days})],
                              calendar=calendar, rules=rules, today=tx.now.date()).promised
        assert preview is not None
        tx.session.add(Extension(case_id=case_id, days=days, reason=why, approved_by=head_id, at=tx.now))
        tx.emit(EventType.CASE_EXTENDED, {"days": days, "reason": why, "approved_by": head_id,
                                          "original_date": original, "due_date": preview.due,
                                          "due_provisional": preview.provisional}, case_id=case_id)
        after = _tx_clocks(tx, case_id, calendar, rules)
        assert after.promised is not None
        _sync_due(tx, case, after)
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
            clocks = _tx_clocks(tx, case_id, calendar, rules, day)
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
            after = _tx_clocks(tx, case_id, calendar, rules, day)
            if after.promised is not None:
                case.due_date = after.promised.due
                case.due_provisional = after.promised.provisional
            tx.session.add(case)
            moved.append(case_id)
    return moved


# --------------------------------------------------------------------------------------------------
# Reviews (复核)
# --------------------------------------------------------------------------------------------------


def request_review(ledger: Ledger, case_id: str, clerk_id: str, *, reason: str = "", calendar: WorkCalendar,
                   settings: Settings | ClockRules) -> Review:
    """The applicant asks the head to review a non-acceptance; decided within three working days."""
    rules = rules_for(settings)
    with ledger.write(clerk_id) as tx:
        case = _case(tx, case_id)
        if CaseStatus(case.status) is not CaseStatus.RETURNED:
            raise RuleViolation(T.REVIEW_NOT_RETURNED.format(status=CaseStatus(case.status).label))
        if tx.session.exec(select(Review).where(Review.case_id == case_id, Review.decision == "")).first():
            raise RuleViolation(T.REVIEW_OPEN)
        start = tx.now.date()
        due = review_due(calendar, start, rules)
        row = Review(id=new_id(), case_id=case_id, requested_at=tx.now, due_date=due.date,
                     due_provisional=due.provisional, reason=_clean(reason))
        tx.session.add(row)
        tx.emit(EventType.CASE_REVIEW_REQUESTED, {"review_id": row.id, "requested_on": start,
                                                  "days": rules.review_days, "due_date": due.date,
                                                  "reason": row.reason}, case_id=case_id)
    return row


def decide_review(ledger: Ledger, review_id: str, head_id: str, decision: str, note: str = "") -> Review:
    """The head's decision: ``upheld`` (non-acceptance stands) or ``overturned`` (accept it)."""
    if decision not in T.REVIEW_DECISION_LABELS:
        raise ValidationError(T.REVIEW_DECISION_BAD.format(
            decision=decision, allowed="、".join(f"{k}({v})" for k, v in T.REVIEW_DECISION_LABELS.items())))
    with ledger.write(head_id) as tx:
        _require_head(tx.session, head_id)
        row = tx.session.get(Review, review_id)
        if row is None:
            raise ValidationError(T.REVIEW_NOT_FOUND)
        if row.decision:
            raise RuleViolation(T.REVIEW_DECIDED)
        row.decision, row.decision_note = decision, _clean(note)
        row.decided_by, row.decided_at = head_id, tx.now
        tx.session.add(row)
        case = _case(tx, row.case_id)
        if decision == "overturned" and CaseStatus(case.status) is CaseStatus.RETURNED:
            # back to the checklist: the window accepts it through the ordinary outcome step
            case.status = str(CaseStatus.REGISTERED)
            case.case_class = case.item_class
            case.updated_at = tx.now
            tx.session.add(case)
        tx.emit(EventType.CASE_REVIEW_DECIDED, {"review_id": row.id, "decision": decision,
                                                "note": row.decision_note, "on_time": tx.now.date() <= row.due_date},
                case_id=row.case_id)
    return row


# --------------------------------------------------------------------------------------------------
# Complaints (投诉)
# --------------------------------------------------------------------------------------------------


def record_complaint(ledger: Ledger, clerk_id: str, *, channel: ComplaintChannel | str, content: str,
                     case_id: str | None = None, window: str = "", complainant_name: str = "",
                     multi_unit: bool = False, calendar: WorkCalendar,
                     settings: Settings | ClockRules) -> Complaint:
    """Record a complaint. The complainant's name stays in the row (head only), never in an event."""
    rules = rules_for(settings)
    ch = ComplaintChannel.parse(str(channel))
    text = (content or "").strip()
    if not text:
        raise ValidationError(T.COMPLAINT_CONTENT_REQUIRED)
    with ledger.write(clerk_id) as tx:
        if case_id is not None:
            case = _case(tx, case_id)
            window = window or case.window
        if window and tx.session.get(Window, window) is None:
            raise ValidationError(T.WINDOW_UNKNOWN.format(window=window))
        start = tx.now.date()
        due = complaint_due(calendar, start, multi_unit, rules)
        row = Complaint(id=new_id(), case_id=case_id, window=window, channel=str(ch),
                        complainant_name=complainant_name.strip(), content=redact(text), multi_unit=multi_unit,
                        received_at=tx.now, due_date=due.date, due_provisional=due.provisional,
                        recorded_by=clerk_id)
        tx.session.add(row)
        days = rules.complaint_multi_unit_days if multi_unit else rules.complaint_simple_days
        tx.emit(EventType.CASE_COMPLAINT, {"complaint_id": row.id, "channel": str(ch), "window": window,
                                           "multi_unit": multi_unit, "received_on": start, "days": days,
                                           "due_date": due.date, "due_provisional": due.provisional},
                case_id=case_id)
    return row


def answer_complaint(ledger: Ledger, complaint_id: str, clerk_id: str, answer: str) -> Complaint:
    """Record the answer (a written complaint is answered in writing: the answer text is kept)."""
    text = _clean(answer)
    if not text:
        raise ValidationError(T.ANSWER_REQUIRED)
    with ledger.write(clerk_id) as tx:
        row = tx.session.get(Complaint, complaint_id)
        if row is None:
            raise ValidationError(T.COMPLAINT_NOT_FOUND)
        if row.status == "answered":
            raise RuleViolation(T.COMPLAINT_ANSWERED)
        row.status, row.answer, row.answered_at = "answered", text, tx.now
        tx.session.add(row)
        tx.emit(EventType.CASE_COMPLAINT_ANSWERED, {"complaint_id": row.id, "written": row.channel == "written",
                                                    "on_time": tx.now.date() <= row.due_date},
                case_id=row.case_id)
    return row


def complaint_clocks(ledger: Ledger, *, calendar: WorkCalendar, settings: Settings | ClockRules,
                     today: date | None = None, open_only: bool = True) -> list[tuple[Complaint, CaseClocks]]:
    """Complaints with their clock, for the head's desk (complaints without a case included)."""
    rules = rules_for(settings)
    day = today or ledger.clock.today()
    with ledger.read() as s:
        q = select(Complaint).order_by(col(Complaint.due_date))
        if open_only:
            q = q.where(Complaint.status == "open")
        rows = list(s.exec(q))
        out: list[tuple[Complaint, CaseClocks]] = []
        for row in rows:
            ev = s.exec(select(Event).where(Event.type == str(EventType.CASE_COMPLAINT),
                                            col(Event.payload).contains(row.id))).all()
            evs = [_to_case_event(e) for e in ev]
            answered = s.exec(select(Event).where(Event.type == str(EventType.CASE_COMPLAINT_ANSWERED),
                                                  col(Event.payload).contains(row.id))).all()
            evs += [_to_case_event(e) for e in answered]
            out.append((row, case_clocks(evs, calendar=calendar, rules=rules, today=day)))
    return out


def complainant_name(ledger: Ledger, complaint_id: str, viewer_id: str) -> str:
    """The complainant's name, for the centre head only."""
    with ledger.read() as s:
        _require_head(s, viewer_id)
        row = s.get(Complaint, complaint_id)
        if row is None:
            raise ValidationError(T.COMPLAINT_NOT_FOUND)
        return row.complainant_name


# --------------------------------------------------------------------------------------------------
# Ratings (好差评) and follow-ups
# --------------------------------------------------------------------------------------------------


def open_bad_rating_followup(tx: WriteTx, case: Case, level: RatingLevel, *, calendar: WorkCalendar,
                             rules: ClockRules) -> FollowUp:
    """Inside a rating's transaction: the return-visit and rectification task of a bad rating."""
    rated_on = tx.now.date()
    visit, rectify = rating_followup_due(calendar, rated_on, rules)
    row = FollowUp(id=new_id(), kind=FOLLOWUP_BAD_RATING, case_id=case.id, window=case.window,
                   opened_at=tx.now, visit_due=visit.date, due_date=rectify.date)
    tx.session.add(row)
    tx.emit(EventType.FOLLOWUP_OPENED, {
        "followup_id": row.id, "kind": FOLLOWUP_BAD_RATING, "level": str(level), "window": case.window,
        "rated_on": rated_on, "visit_days": rules.visit_within_days, "rectify_days": rules.rectify_within_days,
        "visit_due": visit.date, "due_date": rectify.date,
        "due_provisional": visit.provisional or rectify.provisional}, case_id=case.id)
    return row


def rate_case(ledger: Ledger, case_id: str, clerk_id: str, level: RatingLevel | str, *, score: int | None = None,
              comment: str = "", rater_name: str = "", calendar: WorkCalendar,
              settings: Settings | ClockRules, rating: RatingSettings | None = None) -> Rating:
    """Record a rating in one transaction; a bad one opens its follow-up task with the province's
    deadlines. ``score`` defaults to the province's score for the level. The rater's name stays in
    the row (head only), never in an event."""
    lv = RatingLevel.parse(str(level))
    rules = rules_for(settings)
    if score is None:
        if rating is None:
            rating = effective_rating(settings.rating) if isinstance(settings, Settings) else RatingSettings()
        score = rating_score(lv, rating)
    with ledger.write(clerk_id) as tx:
        case = _case(tx, case_id)
        existing = tx.session.exec(select(Rating).where(Rating.case_id == case.id)).first()
        check_can_rate(CaseStatus(case.status), existing is not None)
        row = Rating(case_id=case.id, level=str(lv), score=score, comment=redact(comment.strip()),
                     rater_name=rater_name.strip(), clerk_id=case.owner_clerk_id, window=case.window, at=tx.now)
        tx.session.add(row)
        case.rating_level = str(lv)
        case.updated_at = tx.now
        tx.session.add(case)
        tx.emit(EventType.CASE_RATED, {"level": str(lv), "score": score, "window": case.window,
                                       "clerk_id": case.owner_clerk_id, "has_comment": bool(comment.strip()),
                                       "bad": lv.is_bad}, case_id=case.id)
        if lv.is_bad:
            open_bad_rating_followup(tx, case, lv, calendar=calendar, rules=rules)
    return row


def rater_name(ledger: Ledger, case_id: str, viewer_id: str) -> str:
    """The rater's name (if given), for the centre head only."""
    with ledger.read() as s:
        _require_head(s, viewer_id)
        row = s.exec(select(Rating).where(Rating.case_id == case_id)).first()
        return row.rater_name if row else ""


def record_followup_visit(ledger: Ledger, followup_id: str, clerk_id: str, outcome: str) -> FollowUp:
    """The return visit of a bad rating was made (stops the visit clock)."""
    text = _clean(outcome)
    if not text:
        raise ValidationError(T.OUTCOME_REQUIRED)
    with ledger.write(clerk_id) as tx:
        row = _open_followup(tx, followup_id)
        row.status = "visited"
        row.outcome = text
        tx.session.add(row)
        tx.emit(EventType.FOLLOWUP_VISITED, {"followup_id": row.id, "kind": row.kind, "outcome": text,
                                             "visited_on": tx.now.date()}, case_id=row.case_id)
    return row


def _open_followup(tx: WriteTx, followup_id: str) -> FollowUp:
    """The follow-up task to record on, refused when missing or already closed."""
    row = tx.session.get(FollowUp, followup_id)
    if row is None:
        raise ValidationError(T.FOLLOWUP_NOT_FOUND)
    if row.status == "closed":
        raise RuleViolation(T.FOLLOWUP_CLOSED)
    return row


def close_followup(ledger: Ledger, followup_id: str, clerk_id: str, outcome: str) -> FollowUp:
    """Rectified (差评整改到位) or the routed task done: stops its clocks."""
    text = _clean(outcome)
    if not text:
        raise ValidationError(T.OUTCOME_REQUIRED)
    with ledger.write(clerk_id) as tx:
        row = _open_followup(tx, followup_id)
        row.status, row.closed_at = "closed", tx.now
        row.outcome = f"{row.outcome}\n{text}".strip() if row.outcome else text
        tx.session.add(row)
        tx.emit(EventType.FOLLOWUP_CLOSED, {"followup_id": row.id, "kind": row.kind, "outcome": text,
                                            "on_time": row.due_date is None or tx.now.date() <= row.due_date},
                case_id=row.case_id)
    return row


def record_revisit(ledger: Ledger, clerk_id: str, *, outcome: str, case_id: str | None = None,
                   window: str = "", visited_on: date | None = None) -> FollowUp:
    """A monthly 回访 (rule 10), recorded as a closed follow-up with its event."""
    text = _clean(outcome)
    if not text:
        raise ValidationError(T.OUTCOME_REQUIRED)
    with ledger.write(clerk_id) as tx:
        if case_id is not None:
            window = window or _case(tx, case_id).window
        day = visited_on or tx.now.date()
        row = FollowUp(id=new_id(), kind=FOLLOWUP_REVISIT, case_id=case_id, window=window, opened_at=tx.now,
                       visit_due=day, due_date=day, status="closed", outcome=text, closed_at=tx.now)
        tx.session.add(row)
        tx.emit(EventType.FOLLOWUP_VISITED, {"followup_id": row.id, "kind": FOLLOWUP_REVISIT, "window": window,
                                             "visited_on": day, "outcome": text}, case_id=case_id)
    return row


def revisits_in_month(ledger: Ledger, year: int, month: int) -> list[FollowUp]:
    """The month's 回访 records (for the monthly report)."""
    start = datetime(year, month, 1)
    end = datetime(year + (month == 12), month % 12 + 1, 1)
    with ledger.read() as s:
        return list(s.exec(select(FollowUp).where(FollowUp.kind == FOLLOWUP_REVISIT,
                                                  col(FollowUp.visit_due) >= start.date(),
                                                  col(FollowUp.visit_due) < end.date())
                           .order_by(col(FollowUp.visit_due))))


def open_followups(ledger: Ledger, window: str | None = None) -> list[FollowUp]:
    """Bad-rating and routed tasks not yet closed, earliest deadline first."""
    with ledger.read() as s:
        q = select(FollowUp).where(FollowUp.status != "closed", FollowUp.kind != FOLLOWUP_REVISIT)
        if window:
            q = q.where(FollowUp.window == window)
        return list(s.exec(q.order_by(col(FollowUp.visit_due), col(FollowUp.due_date))))


# --------------------------------------------------------------------------------------------------
# 不管件 routed by the head
# --------------------------------------------------------------------------------------------------


def route_unowned(ledger: Ledger, case_id: str, head_id: str, *, to_window: str, limit_days: int,
                  note: str = "", calendar: WorkCalendar) -> FollowUp:
    """The head routes a 不管件 to a window with a time limit (working days); the outcome is recorded
    when the case is completed."""
    if isinstance(limit_days, bool) or not isinstance(limit_days, int) or not 1 <= limit_days <= MAX_ROUTE_DAYS:
        raise ValidationError(T.ROUTE_DAYS_BAD.format(limit=MAX_ROUTE_DAYS))
    with ledger.write(head_id) as tx:
        _require_head(tx.session, head_id)
        case = _case(tx, case_id)
        if CaseClass(case.case_class) is not CaseClass.UNOWNED or not CaseStatus(case.status).is_open:
            raise RuleViolation(T.ROUTE_NOT_UNOWNED)
        if tx.session.get(Window, to_window) is None:
            raise ValidationError(T.WINDOW_UNKNOWN.format(window=to_window))
        day = tx.now.date()
        due = calendar.add_working_days(day, limit_days)
        row = FollowUp(id=new_id(), kind=FOLLOWUP_UNOWNED, case_id=case_id, window=to_window, opened_at=tx.now,
                       due_date=due.date)
        tx.session.add(row)
        tx.emit(EventType.CASE_ROUTED, {"followup_id": row.id, "from_window": case.window, "to_window": to_window,
                                        "limit_days": limit_days, "routed_on": day, "due_date": due.date,
                                        "due_provisional": due.provisional, "note": _clean(note)},
                case_id=case_id)
        case.window = to_window
        case.updated_at = tx.now
        tx.session.add(case)
    return row


# --------------------------------------------------------------------------------------------------
# A bound facade for the UI
# --------------------------------------------------------------------------------------------------


class ClockService:
    """The functions above bound to one desk's ledger, calendar and settings (``ClockService.of(ctx)``)."""

    def __init__(self, ledger: Ledger, calendar: WorkCalendar, settings: Settings) -> None:
        self.ledger = ledger
        self.calendar = calendar
        self.settings = settings
        self.rules = rules_for(settings)

    @classmethod
    def of(cls, ctx: Any) -> ClockService:
        """From a DeskContext (ledger, calendar, settings)."""
        return cls(ctx.ledger, ctx.calendar, ctx.settings)

    def clocks(self, case_id: str, today: date | None = None) -> CaseClocks:
        return clocks_for_case(self.ledger, case_id, today, calendar=self.calendar, settings=self.rules)

    def clocks_many(self, case_ids: Sequence[str], today: date | None = None) -> dict[str, CaseClocks]:
        return clocks_for_cases(self.ledger, case_ids, today, calendar=self.calendar, settings=self.rules)

    def pause(self, case_id: str, clerk_id: str, reason: PauseReason | str, **kw: Any) -> ClockPause:
        return pause_clock(self.ledger, case_id, clerk_id, reason, **kw)

    def resume(self, case_id: str, clerk_id: str, on: date | None = None) -> CaseClocks:
        return resume_clock(self.ledger, case_id, clerk_id, calendar=self.calendar, settings=self.rules, on=on)

    def extend(self, case_id: str, clerk_id: str, *, head_id: str, days: int, reason: str) -> ExtensionResult:
        return extend_case(self.ledger, case_id, clerk_id, head_id=head_id, days=days, reason=reason,
                           calendar=self.calendar, settings=self.rules)

    def apply_deemed_acceptance(self, today: date | None = None) -> list[str]:
        return apply_deemed_acceptance(self.ledger, self.calendar, self.rules, today=today)

    def request_review(self, case_id: str, clerk_id: str, reason: str = "") -> Review:
        return request_review(self.ledger, case_id, clerk_id, reason=reason, calendar=self.calendar,
                              settings=self.rules)

    def decide_review(self, review_id: str, head_id: str, decision: str, note: str = "") -> Review:
        return decide_review(self.ledger, review_id, head_id, decision, note)

    def record_complaint(self, clerk_id: str, **kw: Any) -> Complaint:
        return record_complaint(self.ledger, clerk_id, calendar=self.calendar, settings=self.rules, **kw)

    def answer_complaint(self, complaint_id: str, clerk_id: str, answer: str) -> Complaint:
        return answer_complaint(self.ledger, complaint_id, clerk_id, answer)

    def rate(self, case_id: str, clerk_id: str, level: RatingLevel | str, *, comment: str = "",
             rater_name: str = "") -> Rating:
        return rate_case(self.ledger, case_id, clerk_id, level, comment=comment, rater_name=rater_name,
                         calendar=self.calendar, settings=self.rules,
                         rating=effective_rating(self.settings.rating))


__all__ = [
    "ClockService",
    "ExtensionResult",
    "answer_complaint",
    "apply_deemed_acceptance",
    "case_events",
    "clocks_for_case",
    "clocks_for_cases",
    "close_followup",
    "complainant_name",
    "complaint_clocks",
    "decide_review",
    "effective_rating",
    "extend_case",
    "load_rating_presets",
    "open_bad_rating_followup",
    "open_followups",
    "pause_clock",
    "rate_case",
    "rater_name",
    "record_complaint",
    "record_followup_visit",
    "record_revisit",
    "request_review",
    "resume_clock",
    "revisits_in_month",
    "route_unowned",
    "rules_for",
]
