"""Reviews (复核), complaints (投诉), ratings (好差评) with their bad-rating follow-up, monthly 回访 records
and the routing of a 不管件: each one durable transaction with its events, deadlines from
:mod:`deskclient.domain.clocks`. Confidential names (complainant, rater) stay in their row and never go
into an event. (Split out of the former ``services/clocks.py``.)
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import col, select

from deskclient.domain.calendar import WorkCalendar
from deskclient.domain.cases import CaseClass, CaseStatus, check_can_rate
from deskclient.domain.clock_dues import complaint_due, rating_followup_due, review_due
from deskclient.domain.clock_types import CaseClocks, ClockRules, ComplaintChannel, RatingLevel, rating_score
from deskclient.domain.clocks import case_clocks
from deskclient.domain.errors import RuleViolation, ValidationError
from deskclient.domain.events import EventType
from deskclient.domain.identity import redact
from deskclient.services.case_clock import case_row, clean_note, require_head, to_case_event
from deskclient.services.rules import effective_rating, rules_for
from deskclient.settings import RatingSettings, Settings
from deskclient.store.ledger import Ledger, WriteTx, new_id
from deskclient.store.models import Case, Complaint, Event, FollowUp, Rating, Review, Window
from deskclient.strings import clocks as T

MAX_ROUTE_DAYS = 60
FOLLOWUP_BAD_RATING = "bad_rating"
FOLLOWUP_REVISIT = "revisit"
FOLLOWUP_UNOWNED = "unowned"

# --------------------------------------------------------------------------------------------------
# Reviews (复核)
# --------------------------------------------------------------------------------------------------


def request_review(ledger: Ledger, case_id: str, clerk_id: str, *, reason: str = "", calendar: WorkCalendar,
                   settings: Settings | ClockRules) -> Review:
    """The applicant asks the head to review a non-acceptance; decided within three working days."""
    rules = rules_for(settings)
    with ledger.write(clerk_id) as tx:
        case = case_row(tx, case_id)
        if CaseStatus(case.status) is not CaseStatus.RETURNED:
            raise RuleViolation(T.REVIEW_NOT_RETURNED.format(status=CaseStatus(case.status).label))
        if tx.session.exec(select(Review).where(Review.case_id == case_id, Review.decision == "")).first():
            raise RuleViolation(T.REVIEW_OPEN)
        start = tx.now.date()
        due = review_due(calendar, start, rules)
        row = Review(id=new_id(), case_id=case_id, requested_at=tx.now, due_date=due.date,
                     due_provisional=due.provisional, reason=clean_note(reason))
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
        require_head(tx.session, head_id)
        row = tx.session.get(Review, review_id)
        if row is None:
            raise ValidationError(T.REVIEW_NOT_FOUND)
        if row.decision:
            raise RuleViolation(T.REVIEW_DECIDED)
        row.decision, row.decision_note = decision, clean_note(note)
        row.decided_by, row.decided_at = head_id, tx.now
        tx.session.add(row)
        case = case_row(tx, row.case_id)
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
            case = case_row(tx, case_id)
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
    text = clean_note(answer)
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


def tell_complaint_delay(ledger: Ledger, complaint_id: str, clerk_id: str, *, expected_on: date,
                         note: str = "") -> Complaint:
    """The complainant is told the reply will be late and when to expect it (投诉制度第六条); an event,
    and the reminder for this complaint stops. The reason is required: the complainant is told why."""
    if not clean_note(note):
        raise ValidationError(T.DELAY_REASON_REQUIRED)
    with ledger.write(clerk_id) as tx:
        row = tx.session.get(Complaint, complaint_id)
        if row is None:
            raise ValidationError(T.COMPLAINT_NOT_FOUND)
        if row.status == "answered":
            raise RuleViolation(T.COMPLAINT_ANSWERED)
        if expected_on <= tx.now.date():
            raise ValidationError(T.DELAY_DATE_BAD.format(today=tx.now.date().isoformat()))
        tx.emit(EventType.CASE_COMPLAINT_DELAY_TOLD, {"complaint_id": row.id, "told_on": tx.now.date(),
                                                      "expected_on": expected_on, "note": clean_note(note)},
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
        types = [str(EventType.CASE_COMPLAINT), str(EventType.CASE_COMPLAINT_ANSWERED),
                 str(EventType.CASE_COMPLAINT_DELAY_TOLD)]
        for row in rows:
            # a complaint's events carry its case (ix_event_case), so the home screen's reminder count does
            # not scan the whole event table; one without a case reads the few case-less events
            of_case = col(Event.case_id).is_(None) if row.case_id is None else Event.case_id == row.case_id
            ev = s.exec(select(Event).where(of_case, col(Event.type).in_(types),
                                            col(Event.payload).contains(row.id))).all()
            out.append((row, case_clocks([to_case_event(e) for e in ev], calendar=calendar, rules=rules,
                                         today=day)))
    return out


def complainant_name(ledger: Ledger, complaint_id: str, viewer_id: str) -> str:
    """The complainant's name, for the centre head only."""
    with ledger.read() as s:
        require_head(s, viewer_id)
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
        case = case_row(tx, case_id)
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
        require_head(s, viewer_id)
        row = s.exec(select(Rating).where(Rating.case_id == case_id)).first()
        return row.rater_name if row else ""


def record_followup_visit(ledger: Ledger, followup_id: str, clerk_id: str, outcome: str) -> FollowUp:
    """The return visit of a bad rating was made (stops the visit clock)."""
    text = clean_note(outcome)
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
    text = clean_note(outcome)
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
    text = clean_note(outcome)
    if not text:
        raise ValidationError(T.OUTCOME_REQUIRED)
    with ledger.write(clerk_id) as tx:
        if case_id is not None:
            window = window or case_row(tx, case_id).window
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
        require_head(tx.session, head_id)
        case = case_row(tx, case_id)
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
                                        "due_provisional": due.provisional, "note": clean_note(note)},
                case_id=case_id)
        case.window = to_window
        case.updated_at = tx.now
        tx.session.add(case)
    return row


# --------------------------------------------------------------------------------------------------
# The service a desk, the CLI and the training runner call (``ctx.followups``)
# --------------------------------------------------------------------------------------------------


class FollowUpService:
    """Reviews, complaints, ratings and follow-ups bound to one desk's ledger, calendar and rules."""

    def __init__(self, ledger: Ledger, calendar: WorkCalendar, rules: ClockRules, rating: RatingSettings) -> None:
        self.ledger = ledger
        self.calendar = calendar
        self.rules = rules
        self.rating = rating

    def request_review(self, case_id: str, clerk_id: str, reason: str = "") -> Review:
        return request_review(self.ledger, case_id, clerk_id, reason=reason, calendar=self.calendar,
                              settings=self.rules)

    def decide_review(self, review_id: str, head_id: str, decision: str, note: str = "") -> Review:
        return decide_review(self.ledger, review_id, head_id, decision, note)

    def record_complaint(self, clerk_id: str, *, channel: ComplaintChannel | str, content: str,
                         case_id: str | None = None, window: str = "", complainant_name: str = "",
                         multi_unit: bool = False) -> Complaint:
        return record_complaint(self.ledger, clerk_id, channel=channel, content=content, case_id=case_id,
                                window=window, complainant_name=complainant_name, multi_unit=multi_unit,
                                calendar=self.calendar, settings=self.rules)

    def answer_complaint(self, complaint_id: str, clerk_id: str, answer: str) -> Complaint:
        return answer_complaint(self.ledger, complaint_id, clerk_id, answer)

    def complaint_clocks(self, today: date | None = None, open_only: bool = True
                         ) -> list[tuple[Complaint, CaseClocks]]:
        return complaint_clocks(self.ledger, calendar=self.calendar, settings=self.rules, today=today,
                                open_only=open_only)

    def tell_complaint_delay(self, complaint_id: str, clerk_id: str, *, expected_on: date,
                             note: str = "") -> Complaint:
        return tell_complaint_delay(self.ledger, complaint_id, clerk_id, expected_on=expected_on, note=note)

    def rate(self, case_id: str, clerk_id: str, level: RatingLevel | str, *, comment: str = "",
             rater_name: str = "") -> Rating:
        """The score is the province's score for the level (``ctx.rating``)."""
        return rate_case(self.ledger, case_id, clerk_id, level, comment=comment, rater_name=rater_name,
                         calendar=self.calendar, settings=self.rules, rating=self.rating)

    def rating_scores(self) -> dict[str, int]:
        """Each level's score under this station's rating preset (the rating dialog shows them)."""
        return {str(lv): rating_score(lv, self.rating) for lv in RatingLevel}
