"""The clock services (services.case_clock, services.followups, services.rules) against a real ledger:
rows, events and the case row's due date."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from deskclient.domain.cases import CaseStatus, Delivery, MaterialState, Outcome
from deskclient.domain.clock import FixedClock
from deskclient.domain.clock_dues import promised_due
from deskclient.domain.clock_types import ClockKind, ClockState
from deskclient.domain.errors import RuleViolation, ValidationError
from deskclient.domain.events import EventType
from deskclient.domain.notices import check_notice
from deskclient.services import case_clock, followups, rules
from deskclient.services.cases import CheckInput, Intake, PersonInput
from deskclient.services.context import DeskContext, open_context
from deskclient.services.demo import ensure_demo_station, make_id_number
from deskclient.settings import ClockSettings, Paths, RatingSettings, Settings
from deskclient.store.models import Case, ClockPause, Complaint, Event, Extension, FollowUp, Rating, Review


def at(y: int, m: int, d: int, h: int = 9) -> datetime:
    return datetime(y, m, d, h, 30)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(at(2026, 9, 21))


def _ctx(tmp_path: Path, clock: FixedClock, settings: Settings) -> DeskContext:
    ctx = open_context(Paths.resolve(tmp_path), clock=clock, settings=settings)
    ensure_demo_station(ctx)
    return ctx


@pytest.fixture
def ctx(tmp_path: Path, clock: FixedClock) -> Iterator[DeskContext]:
    context = _ctx(tmp_path, clock, Settings(rating=RatingSettings(province="shandong_dezhou")))
    yield context
    context.close()


def ids(ctx: DeskContext) -> tuple[str, str]:
    clerks = {c.login: c.id for c in ctx.people.clerks()}
    return clerks["wangfang"], clerks["zhouzhuren"]


def item(ctx: DeskContext, code: str = "NY-005") -> Any:
    return next(i for i in ctx.catalog if i.code == code)


def register(ctx: DeskContext, code: str = "NY-005") -> Case:
    clerk, _ = ids(ctx)
    rng = random.Random(7)
    it = item(ctx, code)
    return ctx.cases.register(Intake(window="1", item=it,
                                     applicant=PersonInput("王小明", make_id_number(rng), "13800001234")), clerk)


def all_received(ctx: DeskContext, case: Case) -> list[CheckInput]:
    return [CheckInput(m.position, MaterialState.RECEIVED) for m in ctx.cases.materials(case.id)]


def accept(ctx: DeskContext, code: str = "NY-005") -> Case:
    clerk, _ = ids(ctx)
    case = register(ctx, code)
    return ctx.cases.confirm_outcome(case.id, clerk, all_received(ctx, case), Outcome.ACCEPT)


def events(ctx: DeskContext, case_id: str | None = None, type_: EventType | None = None) -> list[Event]:
    with ctx.ledger.read() as s:
        q = select(Event).order_by(col(Event.seq))
        if case_id is not None:
            q = q.where(Event.case_id == case_id)
        if type_ is not None:
            q = q.where(Event.type == str(type_))
        return list(s.exec(q))


def row(ctx: DeskContext, model: type, key: object) -> Any:
    with ctx.ledger.read() as s:
        return s.get(model, key)


# --- acceptance uses the one helper ------------------------------------------------------------------


def test_acceptance_due_date_is_the_domain_helper(ctx: DeskContext) -> None:
    case = accept(ctx)
    assert case.due_date == promised_due(ctx.calendar, date(2026, 9, 21), case.promised_days).date
    c = ctx.case_clock.clocks(case.id)
    assert c.promised is not None and c.promised.due == case.due_date
    assert c.promised.state is ClockState.RUNNING


# --- pause and extension across National Day -----------------------------------------------------------


def test_pause_resume_extend_across_national_day(ctx: DeskContext, clock: FixedClock) -> None:
    clerk, head = ids(ctx)
    case = accept(ctx)  # NY-005: 10 working days from Mon 9/21: 9/22-24, 9/28-30, 10/8, 10/9, 10/10 (Sat), 10/12
    original = row(ctx, Case, case.id).due_date
    assert original == date(2026, 10, 12)

    clock.current = at(2026, 9, 23)
    with pytest.raises(RuleViolation):  # not one of NY-005's non-counting steps
        ctx.case_clock.pause(case.id, clerk, "site_inspection", step="受理", item=item(ctx))
    assert events(ctx, case.id, EventType.CASE_CLOCK_PAUSED) == []
    with pytest.raises(RuleViolation):  # art. 45 does not stop the clock for a site inspection
        ctx.case_clock.pause(case.id, clerk, "实地核查", notice_days=5, item=item(ctx))
    with pytest.raises(RuleViolation):  # no back-dating (issue #16 item 3)
        ctx.case_clock.pause(case.id, clerk, "鉴定", on=date(2026, 9, 22), notice_days=5, item=item(ctx))
    with pytest.raises(ValidationError):  # the applicant is told the time needed (art. 45)
        ctx.case_clock.pause(case.id, clerk, "鉴定", item=item(ctx))
    assert events(ctx, case.id, EventType.CASE_CLOCK_PAUSED) == []
    pause = ctx.case_clock.pause(case.id, clerk, "鉴定", notice_days=10, item=item(ctx))
    paused_ev = json.loads(events(ctx, case.id, EventType.CASE_CLOCK_PAUSED)[0].payload)
    assert paused_ev["notice_days"] == 10 and "第四十五条" in paused_ev["basis"]
    with pytest.raises(RuleViolation):  # already paused
        ctx.case_clock.pause(case.id, clerk, "hearing", notice_days=3)
    paused = ctx.case_clock.clocks(case.id, date(2026, 9, 30))
    assert paused.promised is not None and paused.promised.state is ClockState.PAUSED
    assert row(ctx, Case, case.id).due_date == original  # the row keeps the settled date while paused

    clock.current = at(2026, 10, 9)
    after = ctx.case_clock.resume(case.id, clerk)
    assert row(ctx, ClockPause, pause.id).ended_on == date(2026, 10, 9)
    # (9/23, 10/9]: 24, 28, 29, 30, 10/8, 10/9 = 6 working days → 10/12 + 6 = 10/20
    assert after.promised is not None and after.promised.paused_days == 6
    assert row(ctx, Case, case.id).due_date == date(2026, 10, 20) == after.promised.due
    resumed = json.loads(events(ctx, case.id, EventType.CASE_CLOCK_RESUMED)[0].payload)
    assert resumed["paused_working_days"] == 6

    clock.current = at(2026, 10, 12)
    with pytest.raises(RuleViolation):  # a clerk cannot approve
        ctx.case_clock.extend(case.id, clerk, head_id=clerk, days=3, reason="需补充现场测量")
    with pytest.raises(ValidationError):
        ctx.case_clock.extend(case.id, clerk, head_id=head, days=3, reason="  ", applicant_told=True)
    with pytest.raises(RuleViolation):  # art. 42: the reasons are told to the applicant in writing
        ctx.case_clock.extend(case.id, clerk, head_id=head, days=3, reason="需补充现场测量")
    with pytest.raises(RuleViolation):  # art. 42: at most 10 working days (NY-005 is not a 联办件)
        ctx.case_clock.extend(case.id, clerk, head_id=head, days=11, reason="需补充现场测量", applicant_told=True)
    result = ctx.case_clock.extend(case.id, clerk, head_id=head, days=3, reason="需补充现场测量", applicant_told=True)
    assert result.original_date == date(2026, 10, 20) and result.new_date == date(2026, 10, 23)
    assert row(ctx, Case, case.id).due_date == date(2026, 10, 23)
    ext = events(ctx, case.id, EventType.CASE_EXTENDED)
    assert len(ext) == 1 and json.loads(ext[0].payload)["due_date"] == "2026-10-23"
    assert json.loads(ext[0].payload)["applicant_told"] is True
    with ctx.ledger.read() as s:
        assert s.exec(select(Extension).where(Extension.case_id == case.id)).one().approved_by == head
    notice = result.notice(issued_at=clock.now(), centre="示例镇便民服务中心", window="1号窗口", clerk="王芳",
                           progress_phone="12345", complaint_phone="12345")  # rule 6: the station's contact lines
    check_notice(notice)
    assert notice.extension_days == 3 and notice.original_date == date(2026, 10, 20)
    assert "*" in notice.applicant.id_masked  # type: ignore[union-attr]
    with pytest.raises(RuleViolation):  # once only
        ctx.case_clock.extend(case.id, clerk, head_id=head, days=2, reason="再延", applicant_told=True)
    assert ctx.case_clock.clocks(case.id).promised.due == date(2026, 10, 23)  # type: ignore[union-attr]


# --- deemed acceptance ----------------------------------------------------------------------------------


def _examine(ctx: DeskContext, clock: FixedClock) -> Case:
    clerk, _ = ids(ctx)
    clock.current = at(2026, 9, 30)
    case = register(ctx)
    return ctx.cases.confirm_outcome(case.id, clerk, [], Outcome.EXAMINE)


def test_deemed_acceptance_on_day_six_working_days(ctx: DeskContext, clock: FixedClock) -> None:
    case = _examine(ctx, clock)
    first = ctx.case_clock.clocks(case.id)
    assert first.supplement_notice is not None and first.supplement_notice.days_left == 5
    assert first.supplement_notice.due == date(2026, 10, 13)
    clock.current = at(2026, 10, 13)
    assert ctx.case_clock.apply_deemed_acceptance() == []
    assert row(ctx, Case, case.id).status == CaseStatus.EXAMINING
    clock.current = at(2026, 10, 14)
    assert ctx.case_clock.apply_deemed_acceptance() == [case.id]
    moved = row(ctx, Case, case.id)
    assert moved.status == CaseStatus.ACCEPTED and moved.acceptance_date == date(2026, 9, 30)
    assert moved.due_date == promised_due(ctx.calendar, date(2026, 9, 30), moved.promised_days).date
    deemed = events(ctx, case.id, EventType.CASE_DEEMED_ACCEPTED)
    assert len(deemed) == 1
    payload = json.loads(deemed[0].payload)
    assert payload["acceptance_date"] == "2026-09-30" and "第三十二条" in payload["reason"]
    assert ctx.case_clock.apply_deemed_acceptance() == []  # idempotent
    assert len(events(ctx, case.id, EventType.CASE_DEEMED_ACCEPTED)) == 1
    c = ctx.case_clock.clocks(case.id)
    assert c.deemed_accepted and c.promised is not None and c.promised.due == moved.due_date


def test_deemed_acceptance_calendar_days(tmp_path: Path, clock: FixedClock) -> None:
    ctx = _ctx(tmp_path, clock, Settings(clocks=ClockSettings(supplement_working_days=False)))
    try:
        case = _examine(ctx, clock)
        clock.current = at(2026, 10, 8)  # 9/30 + 5 = 10/5 (holiday) → 10/8
        assert case_clock.apply_deemed_acceptance(ctx.ledger, ctx.calendar, ctx.settings) == []
        clock.current = at(2026, 10, 9)
        assert case_clock.apply_deemed_acceptance(ctx.ledger, ctx.calendar, ctx.settings) == [case.id]
    finally:
        ctx.close()


def test_supplement_notice_in_time_stops_the_countdown(ctx: DeskContext, clock: FixedClock) -> None:
    clerk, _ = ids(ctx)
    case = _examine(ctx, clock)
    mats = ctx.cases.materials(case.id)
    checks = [CheckInput(m.position, MaterialState.MISSING if i == 0 else MaterialState.RECEIVED)
              for i, m in enumerate(mats)]
    clock.current = at(2026, 10, 9)
    ctx.cases.confirm_outcome(case.id, clerk, checks, Outcome.SUPPLEMENT)
    clock.current = at(2026, 10, 20)
    assert case_clock.apply_deemed_acceptance(ctx.ledger, ctx.calendar, ctx.settings) == []
    notice = ctx.case_clock.clocks(case.id).supplement_notice
    assert notice is not None and notice.state is ClockState.MET


# --- review ---------------------------------------------------------------------------------------------


def test_review_request_and_decision(ctx: DeskContext, clock: FixedClock) -> None:
    clerk, head = ids(ctx)
    clock.current = at(2026, 9, 30)
    case = register(ctx)
    ctx.cases.confirm_outcome(case.id, clerk, all_received(ctx, case), Outcome.REJECT, reasons=["不符合条件"])
    review = ctx.followups.request_review(case.id, clerk, "申请人认为符合条件")
    assert row(ctx, Review, review.id).due_date == date(2026, 10, 10)  # make-up Saturday
    with pytest.raises(RuleViolation):
        ctx.followups.request_review(case.id, clerk)
    assert ctx.case_clock.clocks(case.id, date(2026, 10, 9)).get(ClockKind.REVIEW).days_left == 1  # type: ignore[union-attr]
    with pytest.raises(RuleViolation):
        ctx.followups.decide_review(review.id, clerk, "overturned")
    with pytest.raises(ValidationError):
        ctx.followups.decide_review(review.id, head, "maybe")
    ctx.followups.decide_review(review.id, head, "overturned", "材料齐全")
    assert row(ctx, Case, case.id).status == CaseStatus.REGISTERED
    assert ctx.case_clock.clocks(case.id).get(ClockKind.REVIEW).state is ClockState.MET  # type: ignore[union-attr]


# --- complaints -------------------------------------------------------------------------------------------


def test_complaints_deadlines_and_confidential_name(ctx: DeskContext, clock: FixedClock) -> None:
    clerk, head = ids(ctx)
    clock.current = at(2026, 9, 30)
    simple = ctx.followups.record_complaint(clerk, channel="phone", content="窗口无人", window="1",
                                      complainant_name="赵投诉")
    multi = ctx.followups.record_complaint(clerk, channel="书面", content="多部门推诿", window="2", multi_unit=True)
    # 投诉制度: a multi-unit complaint is a calendar week (9/30 + 7 = 10/7, a holiday → 10/8), issue #16
    assert (simple.due_date, multi.due_date) == (date(2026, 10, 8), date(2026, 10, 8))
    assert row(ctx, Complaint, simple.id).complainant_name == "赵投诉"
    assert all("赵投诉" not in e.payload for e in events(ctx))
    with pytest.raises(ValidationError):
        ctx.followups.record_complaint(clerk, channel="telepathy", content="x")
    with pytest.raises(RuleViolation):
        followups.complainant_name(ctx.ledger, simple.id, clerk)
    assert followups.complainant_name(ctx.ledger, simple.id, head) == "赵投诉"
    board = followups.complaint_clocks(ctx.ledger, calendar=ctx.calendar, settings=ctx.settings, today=date(2026, 10, 9))
    states = {c.id: cl.get(ClockKind.COMPLAINT).state for c, cl in board}  # type: ignore[union-attr]
    assert states == {simple.id: ClockState.OVERDUE, multi.id: ClockState.OVERDUE}
    clock.current = at(2026, 10, 8)
    ctx.followups.answer_complaint(simple.id, head, "已整改")
    assert row(ctx, Complaint, simple.id).status == "answered"
    with pytest.raises(RuleViolation):
        ctx.followups.answer_complaint(simple.id, head, "再答")


# --- ratings ----------------------------------------------------------------------------------------------


def test_bad_rating_opens_followup_with_province_deadlines(ctx: DeskContext, clock: FixedClock) -> None:
    clerk, head = ids(ctx)
    clock.current = at(2026, 9, 30)
    case = accept(ctx)
    ctx.cases.complete(case.id, clerk, Delivery.WINDOW)
    rating = ctx.followups.rate(case.id, clerk, "非常不满意", rater_name="钱评价")
    assert rating.score == 0 and row(ctx, Rating, rating.id).rater_name == "钱评价"
    with ctx.ledger.read() as s:
        fu = s.exec(select(FollowUp).where(FollowUp.case_id == case.id)).one()
    # 山东德州 preset: visit in 1 working day (10/8), rectify in 5 (10/13)
    assert (fu.kind, fu.visit_due, fu.due_date) == ("bad_rating", date(2026, 10, 8), date(2026, 10, 13))
    assert all("钱评价" not in e.payload for e in events(ctx))
    c = ctx.case_clock.clocks(case.id, date(2026, 10, 8))
    assert c.get(ClockKind.RETURN_VISIT).days_left == 0  # type: ignore[union-attr]
    assert c.get(ClockKind.RECTIFY).due == date(2026, 10, 13)  # type: ignore[union-attr]
    with pytest.raises(RuleViolation):
        followups.rater_name(ctx.ledger, case.id, clerk)
    assert followups.rater_name(ctx.ledger, case.id, head) == "钱评价"
    clock.current = at(2026, 10, 8)
    followups.record_followup_visit(ctx.ledger, fu.id, head, "已电话回访")
    followups.close_followup(ctx.ledger, fu.id, head, "已整改并反馈")
    done = ctx.case_clock.clocks(case.id, date(2026, 10, 20))
    assert done.get(ClockKind.RETURN_VISIT).state is ClockState.MET  # type: ignore[union-attr]
    assert done.get(ClockKind.RECTIFY).state is ClockState.MET  # type: ignore[union-attr]
    assert followups.open_followups(ctx.ledger) == []


def test_case_service_rate_also_opens_the_followup(ctx: DeskContext, clock: FixedClock) -> None:
    clerk, _ = ids(ctx)
    good, bad = accept(ctx), accept(ctx)
    for case in (good, bad):
        ctx.cases.complete(case.id, clerk, Delivery.WINDOW)
    ctx.cases.rate(good.id, clerk, "satisfied", 8)
    ctx.cases.rate(bad.id, clerk, "unsatisfied", 3)
    opened = events(ctx, type_=EventType.FOLLOWUP_OPENED)
    assert [e.case_id for e in opened] == [bad.id]
    assert json.loads(opened[0].payload)["rectify_days"] == rules.rules_for(ctx.settings).rectify_within_days


def test_unknown_preset_is_a_clear_message() -> None:
    with pytest.raises(ValidationError, match="火星省"):
        rules.effective_rating(replace(RatingSettings(), province="火星省"))
    assert rules.effective_rating(RatingSettings(province="national")).rectify_within_days == 15


# --- monthly 回访 and 不管件 -------------------------------------------------------------------------------


def test_monthly_revisit_records(ctx: DeskContext, clock: FixedClock) -> None:
    _, head = ids(ctx)
    clock.current = at(2026, 11, 24)
    followups.record_revisit(ctx.ledger, head, outcome="回访3户,均满意", window="1")
    with pytest.raises(ValidationError):
        followups.record_revisit(ctx.ledger, head, outcome=" ", window="1")
    assert [r.window for r in followups.revisits_in_month(ctx.ledger, 2026, 11)] == ["1"]
    assert followups.revisits_in_month(ctx.ledger, 2026, 12) == []
    assert events(ctx, type_=EventType.FOLLOWUP_VISITED)


def test_route_unowned_with_limit(ctx: DeskContext, clock: FixedClock) -> None:
    clerk, head = ids(ctx)
    clock.current = at(2026, 11, 2)
    case = register(ctx)
    with ctx.ledger.write(head) as tx:  # the head marks it as nobody's job (issue 7's screen)
        c = tx.session.get(Case, case.id)
        c.case_class = "unowned"
        tx.session.add(c)
    with pytest.raises(RuleViolation):
        followups.route_unowned(ctx.ledger, case.id, clerk, to_window="3", limit_days=3, calendar=ctx.calendar)
    followups.route_unowned(ctx.ledger, case.id, head, to_window="3", limit_days=3, calendar=ctx.calendar)
    assert row(ctx, Case, case.id).window == "3"
    unowned = ctx.case_clock.clocks(case.id, date(2026, 11, 3)).get(ClockKind.UNOWNED)
    assert unowned is not None and unowned.due == date(2026, 11, 5)


# --- issue #16: the law's rules through the services -----------------------------------------------------


def test_art42_service_refuses_an_extension_once_overdue_and_keeps_the_lateness(ctx: DeskContext,
                                                                                  clock: FixedClock) -> None:
    clerk, head = ids(ctx)
    case = accept(ctx)  # due 2026-10-12
    clock.current = at(2026, 10, 19)
    with pytest.raises(RuleViolation, match="超期"):
        ctx.case_clock.extend(case.id, clerk, head_id=head, days=5, reason="补充测量", applicant_told=True)
    assert events(ctx, case.id, EventType.CASE_EXTENDED) == []
    late = ctx.case_clock.clocks(case.id)
    assert late.promised is not None and late.promised.state is ClockState.OVERDUE
    assert row(ctx, Case, case.id).due_date == date(2026, 10, 12)


def test_art42_para2_joint_case_may_be_extended_by_fifteen(ctx: DeskContext, clock: FixedClock) -> None:
    clerk, head = ids(ctx)
    case = accept(ctx, "NY-001")  # 联办件
    clock.current = at(2026, 9, 25)
    with pytest.raises(RuleViolation):
        ctx.case_clock.extend(case.id, clerk, head_id=head, days=16, reason="多部门会审", applicant_told=True)
    result = ctx.case_clock.extend(case.id, clerk, head_id=head, days=15, reason="多部门会审", applicant_told=True)
    assert result.new_date == ctx.calendar.add_working_days(result.original_date, 15).date


def test_art42_item_extension_limit_from_the_catalog(ctx: DeskContext, clock: FixedClock) -> None:
    clerk, head = ids(ctx)
    case = accept(ctx)
    strict = replace(item(ctx), extension_limit=3)
    clock.current = at(2026, 9, 25)
    with pytest.raises(RuleViolation, match="3"):
        ctx.case_clock.extend(case.id, clerk, head_id=head, days=4, reason="补充测量", applicant_told=True, item=strict)
    ctx.case_clock.extend(case.id, clerk, head_id=head, days=3, reason="补充测量", applicant_told=True, item=strict)


def test_art45_service_allows_public_notice_only_where_the_item_law_adds_it(ctx: DeskContext,
                                                                            clock: FixedClock) -> None:
    clerk, _ = ids(ctx)
    plain = accept(ctx)  # NY-005: no 公示 in its law
    with pytest.raises(RuleViolation, match="第四十五条"):
        ctx.case_clock.pause(plain.id, clerk, "public_notice", notice_days=7, item=item(ctx))
    listed = accept(ctx, "NY-001")  # 村级审查公示, the catalog names its basis
    step = next(s for s in item(ctx, "NY-001").non_counting_steps if s.pause == "public_notice")
    ctx.case_clock.pause(listed.id, clerk, "public_notice", step=step.name, notice_days=7, item=item(ctx, "NY-001"))
    paused = json.loads(events(ctx, listed.id, EventType.CASE_CLOCK_PAUSED)[0].payload)
    assert paused["basis"] == dict(item(ctx, "NY-001").pause_bases)["public_notice"]


def test_seed003_general_material_missing_is_accepted_with_a_follow_up(ctx: DeskContext) -> None:
    clerk, _ = ids(ctx)
    case = register(ctx, "LY-001")
    checks = all_received(ctx, case)
    mats = ctx.cases.materials(case.id)
    general = next(m for m in mats if not m.is_main)
    main = next(m for m in mats if m.is_main)
    with pytest.raises(RuleViolation, match="主件"):
        ctx.cases.confirm_outcome(case.id, clerk, [*checks[:main.position], CheckInput(main.position, MaterialState.MISSING),
                                                   *checks[main.position + 1:]], Outcome.ACCEPT)
    checks[general.position] = CheckInput(general.position, MaterialState.MISSING)
    done = ctx.cases.confirm_outcome(case.id, clerk, checks, Outcome.ACCEPT)
    assert done.status == CaseStatus.ACCEPTED
    accepted = json.loads(events(ctx, case.id, EventType.CASE_ACCEPTED)[0].payload)
    assert accepted["follow_up"] == [general.name]
    assert accepted["follow_up_by"] == "2026-09-29"  # five working days after Mon 9/21 (9/25 中秋)


def test_rule3_one_time_notification_needs_the_heads_approval_for_a_new_missing_material(
        ctx: DeskContext, clock: FixedClock) -> None:
    clerk, head = ids(ctx)
    case = register(ctx)
    checks = all_received(ctx, case)
    checks[0] = CheckInput(0, MaterialState.MISSING)
    ctx.cases.confirm_outcome(case.id, clerk, checks, Outcome.SUPPLEMENT)
    clock.current = at(2026, 9, 23)
    later = all_received(ctx, case)
    later[1] = CheckInput(1, MaterialState.MISSING)  # not on the first notice
    with pytest.raises(RuleViolation, match="一次性告知"):
        ctx.cases.receive_supplement(case.id, clerk, later)
    assert events(ctx, case.id, EventType.CASE_NOTIFICATION_AMENDED) == []
    with pytest.raises(RuleViolation):  # a clerk is not the head
        ctx.cases.receive_supplement(case.id, clerk, later, head_id=clerk, amend_reason="政策调整")
    ctx.cases.receive_supplement(case.id, clerk, later, head_id=head, amend_reason="政策调整")
    amended = json.loads(events(ctx, case.id, EventType.CASE_NOTIFICATION_AMENDED)[0].payload)
    assert amended["approved_by"] == head and amended["reason"] == "政策调整"
    assert amended["added"] == [ctx.cases.materials(case.id)[1].name]


def test_seed003_department_result_reminder_until_returned(ctx: DeskContext, clock: FixedClock) -> None:
    clerk, _ = ids(ctx)
    case = accept(ctx)  # due Mon 10-12: the department's day is Sat 10-10 (a make-up working day)
    missed = ctx.queue.reminders(today=date(2026, 10, 11)).missed
    assert [(ln.case_id, m.kind) for ln, m in missed] == [(case.id, ClockKind.DEPARTMENT_RETURN)]
    clock.current = at(2026, 10, 9)
    ctx.case_clock.record_result_returned(case.id, clerk, note="县局已出证")
    assert ctx.queue.reminders(today=date(2026, 10, 11)).missed == []
    assert len(events(ctx, case.id, EventType.CASE_RESULT_RETURNED)) == 1


def test_complaint_multi_unit_delay_told_is_an_event_and_ends_the_reminder(ctx: DeskContext,
                                                                            clock: FixedClock) -> None:
    clerk, _ = ids(ctx)
    clock.current = at(2026, 9, 30)
    multi = ctx.followups.record_complaint(clerk, channel="书面", content="多部门推诿", window="2", multi_unit=True)
    board = dict((c.id, cl) for c, cl in followups.complaint_clocks(ctx.ledger, calendar=ctx.calendar,
                                                               settings=ctx.settings, today=date(2026, 10, 8)))
    assert board[multi.id].get(ClockKind.COMPLAINT).needs_delay_notice  # type: ignore[union-attr]
    clock.current = at(2026, 10, 8)
    with pytest.raises(ValidationError):
        ctx.followups.tell_complaint_delay(multi.id, clerk, expected_on=date(2026, 10, 8))
    ctx.followups.tell_complaint_delay(multi.id, clerk, expected_on=date(2026, 10, 15), note="已电话告知")
    board = dict((c.id, cl) for c, cl in followups.complaint_clocks(ctx.ledger, calendar=ctx.calendar,
                                                               settings=ctx.settings, today=date(2026, 10, 9)))
    clock_after = board[multi.id].get(ClockKind.COMPLAINT)
    assert clock_after is not None and clock_after.delay_told and not clock_after.needs_delay_notice
    assert len(events(ctx, None, EventType.CASE_COMPLAINT_DELAY_TOLD)) == 1


def test_art45_pause_notice_and_seed003_urgent_notice_are_complete(ctx: DeskContext, clock: FixedClock) -> None:
    """The 特别程序告知书 tells the time needed and the basis; the 急办件通知单 goes to the lead window."""
    clerk, head = ids(ctx)
    case = accept(ctx)
    clock.current = at(2026, 9, 23)
    message = ctx.case_clock.pause_and_issue(case.id, clerk, "检测", notice_days=12, item=item(ctx))
    assert message and [e for e in events(ctx, case.id, EventType.NOTICE_ISSUED)
                        if json.loads(e.payload)["kind"] == "clock_pause"]
    notice = ctx.notices.data_for_case(case.id, "clock_pause", clerk_id=clerk)
    check_notice(notice)
    assert notice.pause_days == 12 and notice.pause_reason == "检测" and "第四十五条" in notice.pause_basis
    assert notice.pause_start == date(2026, 9, 23)
    with pytest.raises(RuleViolation):
        ctx.head_desk.urgent_notice(case.id)
    ctx.head_desk.approve_urgent(case.id, head, "申请人住院,急需办理")
    urgent = ctx.head_desk.urgent_notice(case.id)
    check_notice(urgent)
    assert urgent.reasons == ("申请人住院,急需办理",) and urgent.window
