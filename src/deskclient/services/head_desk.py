"""The centre head's desk: every window's load, urgent approval, 复核, 不管件 routing, complaints,
bad-rating follow-ups and 回访. Deadlines are recorded through :mod:`deskclient.services.followups`
(the one owner of those clocks); this service adds the head check and the head's views.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import col, select

from deskclient.domain.cases import CaseStatus
from deskclient.domain.clock_types import ClockKind
from deskclient.domain.errors import RuleViolation, ValidationError
from deskclient.domain.notices import NoticeData, NoticeKind
from deskclient.services.desk_base import (
    OPEN_VALUES,
    ROLE_HEAD,
    ComplaintLine,
    FollowUpLine,
    ReviewLine,
    WindowLoad,
    note_text,
)
from deskclient.services.followups import (
    FOLLOWUP_REVISIT,
    FOLLOWUP_UNOWNED,
    FollowUpService,
    close_followup,
    record_followup_visit,
    record_revisit,
    route_unowned,
)
from deskclient.services.home_reads import OpenCaseLine
from deskclient.services.queue import QueueService
from deskclient.store.models import Case, Clerk, Complaint, DeskPause, FollowUp, Rating, Review, Window
from deskclient.strings import desk as T


class HeadDeskService(QueueService):
    """What the centre head supervises and decides."""

    # --- the centre head's desk -------------------------------------------------------------------
    def window_loads(self, today: date | None = None) -> list[WindowLoad]:
        today = today or self.today()
        soon = self.soon_until(today)
        with self.ledger.read() as s:
            windows = list(s.exec(select(Window).where(Window.active == True).order_by(Window.number)))  # noqa: E712
            open_by = dict(s.exec(select(Case.window, func.count()).where(col(Case.status).in_(OPEN_VALUES))
                                  .group_by(Case.window)).all())
            accepted = s.exec(select(col(Case.window), col(Case.due_date), col(Case.is_urgent)).where(
                Case.status == str(CaseStatus.ACCEPTED), col(Case.due_date) <= soon)).all()
            urgent = dict(s.exec(select(Case.window, func.count()).where(col(Case.status).in_(OPEN_VALUES),
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
        for win in windows:
            duty = self.on_duty(win.number)
            out.append(WindowLoad(win.number, win.name, int(open_by.get(win.number, 0)), overdue.get(win.number, 0),
                                  due_soon.get(win.number, 0), int(urgent.get(win.number, 0)), win.number in paused,
                                  names.get(duty, "") if duty else ""))
        return out

    def approve_urgent(self, case_id: str, head_id: str, reason: str = "") -> Case:
        """急办件: the head recognises a case as urgent; it goes to the top of every list."""
        self.require_head(head_id)
        return self.ctx.cases.mark_urgent(case_id, head_id, head_id, note_text(reason))

    def approve_urgent_at_window(self, case_id: str, clerk_id: str, *, head_login: str, head_pin: str,
                                 reason: str = "") -> Case:
        """急办件 asked for at a window: the head confirms at the clerk's desk with their PIN
        (``PeopleService.verify_head``, the one head check), then the case is marked in one transaction."""
        head = self.ctx.people.verify_head(head_login, head_pin, purpose="approve_urgent")
        return self.ctx.cases.mark_urgent(case_id, clerk_id, head.id, note_text(reason))

    def urgent_notice(self, case_id: str) -> NoticeData:
        """The 急办件通知单 the centre sends to the lead window (seed 003 服务操作规程·急办件)."""
        from deskclient.services.notices.issue import notice_data_for_case

        with self.ledger.read() as s:
            case = s.get(Case, case_id)
            if case is None or not case.is_urgent:
                raise RuleViolation(T.NOT_URGENT)
            return notice_data_for_case(s, case_id, NoticeKind.URGENT, issued_at=self.ctx.ledger.clock.now())

    # 复核, 不管件, 投诉, 差评整改, 回访: recorded through services/followups.py (the one owner of deadlines)
    @property
    def clocks(self) -> FollowUpService:
        return self.ctx.followups

    def request_review(self, case_id: str, clerk_id: str, reason: str = "") -> Review:
        """The applicant asks the head to review a non-acceptance; due in three working days."""
        return self.clocks.request_review(case_id, clerk_id, reason)

    def unrouted_unowned(self, today: date | None = None) -> list[OpenCaseLine]:
        """不管件 the head has not routed yet (no routing follow-up): the top of the head's 不管件 tab."""
        from deskclient.domain.cases import CaseClass

        today = today or self.today()
        soon = self.soon_until(today)
        routed = select(FollowUp.case_id).where(FollowUp.kind == FOLLOWUP_UNOWNED, col(FollowUp.case_id).is_not(None))
        q = select(Case).where(col(Case.status).in_(OPEN_VALUES), Case.case_class == str(CaseClass.UNOWNED),
                               col(Case.id).not_in(routed)).order_by(col(Case.created_at))
        with self.ledger.read() as s:
            return [self._line(c, today, soon) for c in s.exec(q.limit(500))]

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
        if not note_text(note):
            raise ValidationError(T.REVIEW_NOTE_REQUIRED)
        return self.clocks.decide_review(review_id, head_id, decision, note)

    def route_unowned(self, case_id: str, head_id: str, *, window: str, days: int, note: str = "") -> FollowUp:
        """A need no window covers (不管件): the head gives it to a window with a time limit."""
        self.require_head(head_id)
        return route_unowned(self.ledger, case_id, head_id, to_window=window, limit_days=days, note=note,
                             calendar=self.ctx.calendar)

    def record_unowned_outcome(self, followup_id: str, head_id: str, outcome: str) -> FollowUp:
        """The routed need was met: the task is closed with its outcome."""
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
        clocks = {row.id: cl.get(ClockKind.COMPLAINT, row.id)
                  for row, cl in self.clocks.complaint_clocks(today=today, open_only=open_only)}
        out = []
        for c in rows:
            clock = clocks.get(c.id)
            out.append(ComplaintLine(c, c.complainant_name if head else (T.CONFIDENTIAL if c.complainant_name else ""),
                                     _complaint_overdue(c, today), clock is not None and clock.needs_delay_notice,
                                     clock is not None and clock.delay_told))
        return out

    def tell_complaint_delay(self, complaint_id: str, clerk_id: str, *, expected_on: date, reason: str) -> Complaint:
        """已告知投诉人延期答复: the complainant was told the answer will be late, when to expect it and
        why (投诉制度第六条); an event, and the complaint's reminder ends (``services.followups``)."""
        return self.clocks.tell_complaint_delay(complaint_id, clerk_id, expected_on=expected_on, note=reason)

    # 差评整改 and 回访 ---------------------------------------------------------------------------------
    def record_visit(self, followup_id: str, head_id: str, note: str) -> FollowUp:
        """The return visit of a bad rating was made (回访); rectification goes on."""
        self.require_head(head_id)
        return record_followup_visit(self.ledger, followup_id, head_id, note)

    def close_followup(self, followup_id: str, head_id: str, outcome: str) -> FollowUp:
        """Rectified: the bad-rating task ends here, with what was done."""
        self.require_head(head_id)
        return close_followup(self.ledger, followup_id, head_id, outcome)

    def record_revisit(self, head_id: str, *, window: str, outcome: str, case_id: str | None = None) -> FollowUp:
        """The monthly 回访 (follow-up visit) of a window's service, recorded with what was found."""
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
            out.append(FollowUpLine(f, case_no or "", overdue, T.RATING_LABELS.get(levels.get(f.case_id or "", ""), "")))
        return out


def _complaint_overdue(c: Complaint, today: date) -> bool:
    if c.answered_at is not None:
        return c.answered_at.date() > c.due_date
    return today > c.due_date
