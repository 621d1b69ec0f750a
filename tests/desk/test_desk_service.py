"""Handover, pause, the working day and the head's actions through the feature services (ctx.handover, ctx.workday,
ctx.head_desk), asserted on the ledger."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import select

from deskclient.domain.cases import CaseStatus, MaterialState, Outcome
from deskclient.domain.errors import RuleViolation, ValidationError
from deskclient.domain.notices import NoticeKind
from deskclient.services.cases import CheckInput
from deskclient.services.context import DeskContext
from deskclient.services.demo import DEMO_PIN
from deskclient.services.desk_base import DayNotClosable
from deskclient.services.handover import HandoverService
from deskclient.services.head_desk import HeadDeskService
from deskclient.services.workday import WorkdayService
from deskclient.store.models import Case, Complaint, DeskPause, Draft, FollowUp, Handover, Review, WorkDay

from .conftest import clerk_id, events, register


def _owners(ctx: DeskContext, window: str) -> set[str]:
    with ctx.ledger.read() as s:
        return {c.owner_clerk_id for c in s.exec(select(Case).where(Case.window == window,
                                                                    Case.status == "accepted"))}


# --- handover -----------------------------------------------------------------------------------------------
def test_handover_a_to_b_moves_open_cases_and_records_event(handover: HandoverService,
                                                            demo_ctx: DeskContext) -> None:
    a, b = clerk_id(demo_ctx, "wangfang"), clerk_id(demo_ctx, "liqiang")
    c1 = register(demo_ctx, "wangfang", seed=1)
    c2 = register(demo_ctx, "wangfang", "reported", seed=2)
    other = register(demo_ctx, "zhangmin", seed=3)  # window 2: not part of window 1's handover
    view = handover.handover_view("1", a)
    assert {ln.case_id for ln in view.cases} == {c1.id, c2.id}
    assert [c.login for c in view.candidates] == ["liqiang"]
    assert view.unsent_records is not None and view.unsent_records > 0
    result = handover.hand_over(window="1", from_clerk_id=a, to_login="liqiang", to_pin=DEMO_PIN,
                            desk_note="打印机缺纸,已报修", case_notes={c1.id: "申请人下午来补签字 13900001234"})
    assert result.moved == 2
    assert _owners(demo_ctx, "1") == {b}
    assert demo_ctx.cases.get(other.id).owner_clerk_id == clerk_id(demo_ctx, "zhangmin")
    assert handover.on_duty("1") == b
    with demo_ctx.ledger.read() as s:
        h = s.exec(select(Handover)).one()
    assert (h.window, h.from_clerk_id, h.to_clerk_id, h.open_cases) == ("1", a, b, 2)
    [ev] = events(demo_ctx, "desk.handover")
    assert ev["from_clerk_id"] == a and ev["to_clerk_id"] == b and ev["open_cases"] == 2
    assert sorted(ev["case_nos"]) == sorted([c1.case_no, c2.case_no])
    assert "13900001234" not in json.dumps(ev, ensure_ascii=False)  # the note's phone number is masked
    assert result.sheet.kind is NoticeKind.HANDOVER
    assert result.sheet.handover_from == "王芳" and result.sheet.handover_to == "李强"
    assert len(result.sheet.handover_cases) == 2


def test_handover_needs_b_pin_and_this_window(handover: HandoverService, demo_ctx: DeskContext) -> None:
    a = clerk_id(demo_ctx, "wangfang")
    register(demo_ctx, "wangfang")
    with pytest.raises(ValidationError):
        handover.hand_over(window="1", from_clerk_id=a, to_login="liqiang", to_pin="0000")
    with pytest.raises(RuleViolation):
        handover.hand_over(window="1", from_clerk_id=a, to_login="zhangmin", to_pin=DEMO_PIN)
    with pytest.raises(RuleViolation):
        handover.hand_over(window="1", from_clerk_id=a, to_login="wangfang", to_pin=DEMO_PIN)
    assert _owners(demo_ctx, "1") == {a}
    assert events(demo_ctx, "desk.handover") == []


def test_handover_lists_overdue_first(handover: HandoverService, demo_ctx: DeskContext) -> None:
    later = register(demo_ctx, "wangfang", seed=1)
    late = register(demo_ctx, "wangfang", seed=2)
    with demo_ctx.ledger.write(None) as tx:
        row = tx.session.get(Case, late.id)
        row.due_date = date(2026, 11, 20)
        tx.session.add(row)
    lines = handover.handover_view("1", clerk_id(demo_ctx, "wangfang")).cases
    assert [ln.case_id for ln in lines] == [late.id, later.id]
    assert lines[0].rank == 0


# --- pause --------------------------------------------------------------------------------------------------
def test_pause_and_resume(workday: WorkdayService, demo_ctx: DeskContext, clock) -> None:
    a = clerk_id(demo_ctx, "wangfang")
    back = datetime(2026, 11, 24, 10, 0)
    p = workday.pause(window="1", clerk_id=a, reason="参加业务培训", expected_back=back, redirect_window="3")
    assert workday.current_pause("1") is not None
    with pytest.raises(RuleViolation):
        workday.pause(window="1", clerk_id=a, reason="again")
    sign = workday.pause_sign(p)
    assert sign.kind is NoticeKind.PAUSE_SIGN and "3号窗口" in sign.redirect_window
    clock.advance(minutes=25)
    workday.resume(window="1", clerk_id=a)
    assert workday.current_pause("1") is None
    with demo_ctx.ledger.read() as s:
        row = s.exec(select(DeskPause)).one()
    assert row.ended_at == datetime(2026, 11, 24, 9, 55) and row.redirect_window == "3"
    assert events(demo_ctx, "desk.paused")[0]["reason"] == "参加业务培训"
    assert events(demo_ctx, "desk.resumed")[0]["minutes"] == 25
    with pytest.raises(RuleViolation):
        workday.resume(window="1", clerk_id=a)


@pytest.mark.parametrize("kw", [dict(reason=""), dict(reason="x", redirect_window="1"),
                                dict(reason="x", redirect_window="99"),
                                dict(reason="x", expected_back=datetime(2026, 11, 24, 9, 0))])
def test_pause_refuses_bad_input(workday: WorkdayService, demo_ctx: DeskContext, kw: dict) -> None:
    with pytest.raises(ValidationError):
        workday.pause(window="1", clerk_id=clerk_id(demo_ctx, "wangfang"), **kw)
    assert events(demo_ctx, "desk.paused") == []


# --- the day --------------------------------------------------------------------------------------------------
def test_open_day_lists_due_and_overdue(demo_ctx: DeskContext) -> None:
    from deskclient.services.desk_base import PrinterStatus

    workday = WorkdayService(demo_ctx, printer_check=lambda: PrinterStatus(True, "ok"))
    a = clerk_id(demo_ctx, "wangfang")
    late = register(demo_ctx, "wangfang", seed=1)
    today = register(demo_ctx, "wangfang", seed=2)
    with demo_ctx.ledger.write(None) as tx:
        for cid, due in ((late.id, date(2026, 11, 23)), (today.id, date(2026, 11, 24))):
            row = tx.session.get(Case, cid)
            row.due_date = due
            tx.session.add(row)
    opening = workday.open_day(window="1", clerk_id=a)
    assert opening.printer.ok is True and not opening.already_open
    assert [ln.case_id for ln in opening.reminders.overdue] == [late.id]
    assert [ln.case_id for ln in opening.reminders.due_today] == [today.id]
    again = workday.open_day(window="1", clerk_id=a)
    assert again.already_open
    assert len(events(demo_ctx, "day.opened")) == 1


def test_close_day_refuses_mid_intake_then_stores_summary(workday: WorkdayService,
                                                          demo_ctx: DeskContext) -> None:
    a = clerk_id(demo_ctx, "wangfang")
    workday.open_day(window="1", clerk_id=a)
    half = register(demo_ctx, "wangfang", accept=False, seed=5)
    register(demo_ctx, "wangfang", seed=6)
    with pytest.raises(DayNotClosable) as err:
        workday.close_day(window="1", clerk_id=a)
    assert [u.ref for u in err.value.items] == [half.id]
    assert half.case_no in err.value.message
    checks = [CheckInput(m.position, MaterialState.RECEIVED) for m in demo_ctx.cases.materials(half.id)]
    demo_ctx.cases.confirm_outcome(half.id, a, checks, Outcome.ACCEPT)
    with demo_ctx.ledger.write(a) as tx:  # a saved, unconfirmed intake also blocks closing
        tx.session.add(Draft(id="d1", clerk_id=a, data="{}", updated_at=tx.now))
    with pytest.raises(DayNotClosable):
        workday.close_day(window="1", clerk_id=a)
    with demo_ctx.ledger.write(a) as tx:
        tx.session.delete(tx.session.get(Draft, "d1"))
    closing = workday.close_day(window="1", clerk_id=a)
    assert closing.figures["registered"] == 2 and closing.figures["accepted"] == 2
    assert closing.sync_ok is None and closing.sync_message == "offline"
    with demo_ctx.ledger.read() as s:
        wd = s.exec(select(WorkDay)).one()
    assert wd.closed_by == a and json.loads(wd.summary)["registered"] == 2
    assert events(demo_ctx, "day.closed")[0]["figures"]["registered"] == 2
    with pytest.raises(RuleViolation):
        workday.close_day(window="1", clerk_id=a)


# --- the head's desk -----------------------------------------------------------------------------------------
def test_head_only(head_desk: HeadDeskService, demo_ctx: DeskContext) -> None:
    case = register(demo_ctx, "wangfang")
    with pytest.raises(RuleViolation):
        head_desk.approve_urgent(case.id, clerk_id(demo_ctx, "wangfang"))


def test_window_loads_and_urgent(head_desk: HeadDeskService, demo_ctx: DeskContext) -> None:
    head = clerk_id(demo_ctx, "zhouzhuren")
    c = register(demo_ctx, "wangfang")
    late = register(demo_ctx, "zhangmin", seed=4)
    with demo_ctx.ledger.write(None) as tx:
        row = tx.session.get(Case, late.id)
        row.due_date = date(2026, 11, 1)
        tx.session.add(row)
    loads = {w.window: w for w in head_desk.window_loads()}
    assert loads["1"].open_cases == 1 and loads["2"].overdue == 1 and loads["3"].open_cases == 0
    head_desk.approve_urgent(c.id, head, "群众就医急需")
    assert demo_ctx.cases.get(c.id).is_urgent
    assert events(demo_ctx, "case.marked_urgent")[0]["approved_by"] == head
    assert {w.window: w for w in head_desk.window_loads()}["1"].urgent == 1


def _returned(ctx: DeskContext) -> Case:
    case = register(ctx, "wangfang", accept=False, seed=9)
    checks = [CheckInput(m.position, MaterialState.RECEIVED) for m in ctx.cases.materials(case.id)]
    return ctx.cases.confirm_outcome(case.id, clerk_id(ctx, "wangfang"), checks, Outcome.REJECT,
                                     reasons=["不符合申请条件"])


def test_review_requested_and_decided(head_desk: HeadDeskService, demo_ctx: DeskContext) -> None:
    head = clerk_id(demo_ctx, "zhouzhuren")
    case = _returned(demo_ctx)
    r = head_desk.request_review(case.id, clerk_id(demo_ctx, "wangfang"), "申请人认为符合条件")
    assert r.due_date == date(2026, 11, 27)  # three working days, acceptance day not counted
    [line] = head_desk.reviews()
    assert line.case_no == case.case_no and not line.overdue
    with pytest.raises(ValidationError):
        head_desk.decide_review(r.id, head, "overturned", "")
    head_desk.decide_review(r.id, head, "overturned", "材料齐全,应予受理")
    with demo_ctx.ledger.read() as s:
        assert s.get(Review, r.id).decision == "overturned"
    assert demo_ctx.cases.get(case.id).status == CaseStatus.REGISTERED
    assert events(demo_ctx, "case.review_decided")[0]["decision"] == "overturned"
    assert head_desk.reviews() == []


def test_unowned_routed_and_outcome(head_desk: HeadDeskService, demo_ctx: DeskContext) -> None:
    head = clerk_id(demo_ctx, "zhouzhuren")
    case = register(demo_ctx, "wangfang", accept=False, seed=11)
    with demo_ctx.ledger.write(None) as tx:  # registered at intake as a need no window covers
        row = tx.session.get(Case, case.id)
        row.case_class = "unowned"
        tx.session.add(row)
    fu = head_desk.route_unowned(case.id, head, window="4", days=5, note="协调退役军人服务站")
    assert fu.due_date == date(2026, 12, 1)
    assert demo_ctx.cases.get(case.id).window == "4"
    assert events(demo_ctx, "case.routed")[0]["to_window"] == "4"
    done = head_desk.record_unowned_outcome(fu.id, head, "已协调解决")
    assert done.status == "closed" and "已协调解决" in done.outcome
    assert events(demo_ctx, "followup.closed")[0]["kind"] == "unowned"


def test_complaint_confidential_due_and_answer(head_desk: HeadDeskService, demo_ctx: DeskContext) -> None:
    head, clerk = clerk_id(demo_ctx, "zhouzhuren"), clerk_id(demo_ctx, "wangfang")
    simple = head_desk.record_complaint(clerk, channel="phone", content="窗口人员态度生硬", complainant_name="赵某某",
                                   window="1")
    multi = head_desk.record_complaint(head, channel="written", content="多部门推诿", complainant_name="钱某",
                                  window="2", multi_unit=True)
    assert simple.due_date == date(2026, 11, 25) and multi.due_date == date(2026, 12, 1)
    assert "赵某某" not in json.dumps(events(demo_ctx, "case.complaint"), ensure_ascii=False)
    by_head = {ln.complaint.id: ln for ln in head_desk.complaints(head)}
    by_clerk = {ln.complaint.id: ln for ln in head_desk.complaints(clerk)}
    assert by_head[simple.id].complainant == "赵某某" and by_clerk[simple.id].complainant != "赵某某"
    with pytest.raises(RuleViolation):
        head_desk.answer_complaint(simple.id, clerk, "x")
    with pytest.raises(ValidationError):
        head_desk.answer_complaint(multi.id, head, "  ")
    head_desk.answer_complaint(multi.id, head, "已书面答复:责成窗口限期办结")
    with demo_ctx.ledger.read() as s:
        assert s.get(Complaint, multi.id).status == "answered"
    assert events(demo_ctx, "case.complaint_answered")[0]["written"] is True
    # overdue once the due day has passed unanswered
    later = head_desk.complaints(head, open_only=True, today=date(2026, 11, 26))
    assert [ln.overdue for ln in later] == [True]


def test_bad_rating_followup_visit_close_and_revisit(head_desk: HeadDeskService, demo_ctx: DeskContext) -> None:
    head, clerk = clerk_id(demo_ctx, "zhouzhuren"), clerk_id(demo_ctx, "zhangmin")
    case = register(demo_ctx, "zhangmin", "immediate", seed=12)
    head_desk.clocks.rate(case.id, clerk, "unsatisfied", comment="等候太久")
    [task] = head_desk.followups("bad_rating")
    assert task.case_no == case.case_no and task.detail == "不满意" and not task.overdue
    head_desk.record_visit(task.followup.id, head, "已电话回访,群众反映排队时间长")
    assert head_desk.followups("bad_rating")[0].followup.status == "visited"
    head_desk.close_followup(task.followup.id, head, "增开高峰时段窗口,已整改")
    assert head_desk.followups("bad_rating") == []
    assert [e["kind"] for e in events(demo_ctx, "followup.closed")] == ["bad_rating"]
    head_desk.record_revisit(head, window="2", outcome="回访10名群众,均表示满意")
    assert head_desk.revisits_this_month() == {"2": 1}
    with demo_ctx.ledger.read() as s:
        kinds = sorted(f.kind for f in s.exec(select(FollowUp)))
    assert kinds == ["bad_rating", "revisit"]


def test_reminders_due_soon(workday: WorkdayService, demo_ctx: DeskContext) -> None:
    c = register(demo_ctx, "wangfang")
    with demo_ctx.ledger.write(None) as tx:
        row = tx.session.get(Case, c.id)
        row.due_date = date(2026, 11, 24) + timedelta(days=1)
        tx.session.add(row)
    r = workday.reminders("1")
    assert [ln.case_id for ln in r.due_soon] == [c.id] and r.count == 1


def test_close_day_needs_open_day_first_and_open_after_close_is_refused(workday: WorkdayService,
                                                                          demo_ctx: DeskContext) -> None:
    a = clerk_id(demo_ctx, "wangfang")
    with pytest.raises(RuleViolation, match="还没有开班"):
        workday.close_day(window="1", clerk_id=a)
    assert events(demo_ctx, "day.closed") == []
    workday.open_day(window="1", clerk_id=a)
    workday.close_day(window="1", clerk_id=a)
    with pytest.raises(RuleViolation, match="不能再开班"):
        workday.open_day(window="1", clerk_id=a)
    with demo_ctx.ledger.read() as s:
        wd = s.exec(select(WorkDay)).one()
    assert wd.closed_at is not None and len(events(demo_ctx, "day.opened")) == 1
