"""Issue #16: the law's rules for extending and pausing a clock (《行政许可法》第四十二条、第四十五条),
seed 003's main/general materials, one-time notification, return decision, department return, urgent
cases and the art. 32 clock of a registered case — each test names the rule it enforces."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskclient.domain.cases import (
    MaterialCheck,
    MaterialState,
    Outcome,
    check_accept_materials,
    check_one_time_notification,
    follow_up_materials,
    propose_outcome,
    queue_key,
)
from deskclient.domain.clock_dues import promised_due
from deskclient.domain.clock_types import CaseEvent, ClockKind, ClockState, PauseReason
from deskclient.domain.clocks import case_clocks
from deskclient.domain.deadlines import (
    check_extension,
    department_return_due,
    extension_limit,
    return_decision_due,
)
from deskclient.domain.errors import RuleViolation, ValidationError
from deskclient.domain.events import EventType as E
from deskclient.domain.pauses import check_pause, lawful_pauses
from deskclient.domain.statutory import statutory_days
from deskclient.services.holidays import load_calendar

CAL, _ = load_calendar()


def ev(type_: E, day: date, payload: dict[str, Any] | None = None, hour: int = 10) -> CaseEvent:
    return CaseEvent(str(type_), datetime(day.year, day.month, day.day, hour), payload or {})


def accepted(day: date, days: int) -> list[CaseEvent]:
    return [ev(E.CASE_REGISTERED, day, hour=9), ev(E.CASE_ACCEPTED, day, {"acceptance_date": day, "promised_days": days})]


def ok_extension(**kw: Any) -> None:
    args: dict[str, Any] = {"days": 5, "today": date(2026, 11, 9), "due": date(2026, 11, 9), "already_extended": False,
                            "joint": False, "head_approved": True, "applicant_told": True}
    check_extension(**(args | kw))


# --- art. 42: extension ---------------------------------------------------------------------------------


def test_art42_no_extension_once_overdue_and_lateness_stays() -> None:
    """Art. 42 allows extending only within the period: due 11-09, asked on 11-16 → refused."""
    ok_extension(today=date(2026, 11, 9))  # on the due day itself: still within the period
    with pytest.raises(RuleViolation, match="超期"):
        ok_extension(today=date(2026, 11, 16))


def test_art42_extension_at_most_ten_working_days_fifteen_for_joint() -> None:
    assert extension_limit(joint=False)[0] == 10
    assert extension_limit(joint=True)[0] == 15  # art. 42 para. 2
    ok_extension(days=10)
    with pytest.raises(RuleViolation):
        ok_extension(days=11)
    ok_extension(days=15, joint=True)
    with pytest.raises(RuleViolation):
        ok_extension(days=45)  # the forestry permit extended by 45 into 2027 (issue #16 item 2)


def test_art42_item_law_may_set_a_stricter_limit() -> None:
    assert extension_limit(joint=False, item_limit=5)[0] == 5
    assert extension_limit(joint=False, item_limit=20)[0] == 10  # never looser than the law
    with pytest.raises(RuleViolation):
        ok_extension(days=6, item_limit=5)


def test_art42_once_with_head_approval_and_applicant_told_seed_001() -> None:
    with pytest.raises(RuleViolation):
        ok_extension(already_extended=True)
    with pytest.raises(RuleViolation):
        ok_extension(head_approved=False)
    with pytest.raises(RuleViolation):  # seed 001: 提前向服务对象说明原因
        ok_extension(applicant_told=False)
    with pytest.raises(ValidationError):
        ok_extension(days=0)


def test_art42_extension_across_national_day_2026() -> None:
    """10 working days from 2026-09-28: 9/29, 9/30, (10/1-7 off), 10/8, 10/9, 10/10 (make-up Sat), 10/12-16."""
    base = accepted(date(2026, 9, 28), 10)
    before = case_clocks(base, calendar=CAL, today=date(2026, 10, 9)).promised
    assert before is not None and before.due == date(2026, 10, 16)
    ext = [*base, ev(E.CASE_EXTENDED, date(2026, 10, 9), {"days": 3})]
    after = case_clocks(ext, calendar=CAL, today=date(2026, 10, 9)).promised
    assert after is not None and after.due == date(2026, 10, 21) and after.extended_days == 3


def test_art42_extension_across_the_2026_2027_year_end_is_provisional_and_skips_new_year() -> None:
    base = accepted(date(2026, 12, 21), 5)  # 12/22, 23, 24, 25, 28
    ext = [*base, ev(E.CASE_EXTENDED, date(2026, 12, 24), {"days": 5})]
    c = case_clocks(ext, calendar=CAL, today=date(2026, 12, 24)).promised
    assert c is not None and c.due == date(2027, 1, 5)  # + 12/29, 30, 31, (1/1 元旦, 1/2-3), 1/4, 1/5
    assert c.provisional
    assert c.due not in statutory_days(2027)


# --- art. 45: pauses ------------------------------------------------------------------------------------


def test_art45_lists_the_default_pauses_and_site_inspection_is_not_one() -> None:
    allowed = lawful_pauses()
    assert {r.label for r in allowed} == {"听证", "招标", "拍卖", "检验", "检测", "检疫", "鉴定", "专家评审"}
    assert PauseReason.SITE_INSPECTION not in allowed and PauseReason.PUBLIC_NOTICE not in allowed
    with pytest.raises(RuleViolation, match="第四十五条"):
        check_pause(reason=PauseReason.SITE_INSPECTION, allowed=allowed, start=date(2026, 9, 23),
                    today=date(2026, 9, 23), due=date(2026, 10, 12), notice_days=5)


def test_art45_item_law_may_add_public_notice_with_its_basis() -> None:
    allowed = lawful_pauses({"public_notice": "《最低生活保障审核确认办法》"})
    basis = check_pause(reason=PauseReason.PUBLIC_NOTICE, allowed=allowed, start=date(2026, 9, 23),
                        today=date(2026, 9, 23), due=date(2026, 10, 12), notice_days=7)
    assert basis == "《最低生活保障审核确认办法》"


def test_art45_pause_never_back_dated_never_when_overdue_and_time_needed_told() -> None:
    allowed = lawful_pauses()
    kw: dict[str, Any] = {"reason": PauseReason.APPRAISAL, "allowed": allowed, "due": date(2026, 11, 9)}
    with pytest.raises(RuleViolation, match="倒签"):
        check_pause(start=date(2026, 11, 2), today=date(2026, 11, 5), notice_days=5, **kw)
    with pytest.raises(RuleViolation, match="超期"):
        check_pause(start=date(2026, 11, 16), today=date(2026, 11, 16), notice_days=5, **kw)
    with pytest.raises(ValidationError):
        check_pause(start=date(2026, 11, 5), today=date(2026, 11, 5), notice_days=None, **kw)
    assert "第四十五条" in check_pause(start=date(2026, 11, 5), today=date(2026, 11, 5), notice_days=5, **kw)


def test_art45_pause_across_national_day_2026() -> None:
    """Paused 9/30 → resumed 10/9: (9/30, 10/9] has 10/8 and 10/9 = 2 working days added."""
    base = accepted(date(2026, 9, 28), 10)
    events = [*base, ev(E.CASE_CLOCK_PAUSED, date(2026, 9, 30), {"pause_id": "p", "reason": "appraisal"}),
              ev(E.CASE_CLOCK_RESUMED, date(2026, 10, 9), {"pause_id": "p"})]
    c = case_clocks(events, calendar=CAL, today=date(2026, 10, 9)).promised
    assert c is not None and c.paused_days == 2 and c.due == date(2026, 10, 20)


def test_art45_pause_across_the_2026_2027_year_end() -> None:
    """Paused 12/30 → resumed 1/4: 12/31 and 1/4 (1/1 元旦 by law, 1/2-3 weekend) = 2 working days."""
    base = accepted(date(2026, 12, 28), 10)
    events = [*base, ev(E.CASE_CLOCK_PAUSED, date(2026, 12, 30), {"pause_id": "p", "reason": "testing"}),
              ev(E.CASE_CLOCK_RESUMED, date(2027, 1, 4), {"pause_id": "p"})]
    c = case_clocks(events, calendar=CAL, today=date(2027, 1, 4)).promised
    assert c is not None and c.paused_days == 2 and c.provisional
    assert c.due == CAL.add_working_days(date(2026, 12, 28), 12).date


# --- properties: pauses and extensions never make a case due earlier ------------------------------------

starts = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31))


@settings(max_examples=150, deadline=None)
@given(start=starts, n=st.integers(1, 60), pause_at=st.integers(0, 40), pause_len=st.integers(0, 40),
       ext=st.integers(0, 15))
def test_paused_or_extended_case_is_never_due_earlier_art42_art45(start: date, n: int, pause_at: int,
                                                                    pause_len: int, ext: int) -> None:
    plain = accepted(start, n)
    p0 = start + timedelta(days=pause_at)
    changed = [*plain, ev(E.CASE_CLOCK_PAUSED, p0, {"pause_id": "p", "reason": "appraisal"}),
               ev(E.CASE_CLOCK_RESUMED, p0 + timedelta(days=pause_len), {"pause_id": "p"})]
    if ext:
        changed.append(ev(E.CASE_EXTENDED, start, {"days": ext}, hour=11))
    today = start + timedelta(days=120)
    a = case_clocks(plain, calendar=CAL, today=today).promised
    b = case_clocks(changed, calendar=CAL, today=today).promised
    assert a is not None and b is not None and b.due >= a.due


@settings(max_examples=150, deadline=None)
@given(start=starts, n=st.integers(0, 60), ext=st.integers(0, 15))
def test_an_extension_never_shortens_art42(start: date, n: int, ext: int) -> None:
    assert promised_due(CAL, start, n, extension_days=ext).date >= promised_due(CAL, start, n).date


# --- seed 003: main and general materials ---------------------------------------------------------------


def m(name: str, main: bool, state: MaterialState, problem: str = "") -> MaterialCheck:
    return MaterialCheck(name, main, state, problem)


R, X = MaterialState.RECEIVED, MaterialState.MISSING


def test_seed003_main_missing_is_a_returned_case() -> None:
    checks = [m("申请表", True, X), m("村委会意见", False, R)]
    assert propose_outcome(checks) is Outcome.REJECT
    with pytest.raises(RuleViolation, match="主件"):
        check_accept_materials(checks)


def test_seed003_main_complete_general_missing_is_accepted_with_a_follow_up_list() -> None:
    checks = [m("申请表", True, R), m("村委会意见", False, X), m("照片", False, R)]
    assert propose_outcome(checks) is Outcome.ACCEPT
    assert [c.name for c in check_accept_materials(checks)] == ["村委会意见"]
    assert [c.name for c in follow_up_materials(checks)] == ["村委会意见"]


def test_art32_material_not_in_legal_form_is_a_supplement_notice() -> None:
    checks = [m("申请表", True, MaterialState.DEFECTIVE, problem="未签字"), m("照片", False, R)]
    assert propose_outcome(checks) is Outcome.SUPPLEMENT
    assert propose_outcome(checks, ineligible=True) is Outcome.REJECT


def test_rule3_one_time_notification_a_new_missing_material_needs_the_head() -> None:
    first = ["村委会意见"]
    assert check_one_time_notification(first, ["村委会意见"], head_approved=False, reason="") == []
    with pytest.raises(RuleViolation, match="一次性告知"):
        check_one_time_notification(first, ["村委会意见", "户口簿"], head_approved=False, reason="")
    with pytest.raises(RuleViolation):
        check_one_time_notification(first, ["户口簿"], head_approved=True, reason=" ")
    assert check_one_time_notification(first, ["户口簿"], head_approved=True, reason="政策调整") == ["户口簿"]


# --- seed 003: limits ------------------------------------------------------------------------------------


def test_seed003_return_decision_within_three_working_days() -> None:
    """服务操作规程·退回件: 9/30 + 3 working days across National Day → 10/10 (make-up Saturday)."""
    assert return_decision_due(CAL, date(2026, 9, 30)) == date(2026, 10, 10)
    events = [ev(E.CASE_REGISTERED, date(2026, 9, 30), hour=9),
              ev(E.CASE_EXAMINING, date(2026, 9, 30), {"received_on": date(2026, 9, 30)})]
    c = case_clocks(events, calendar=CAL, today=date(2026, 10, 12)).get(ClockKind.RETURN_DECISION)
    assert c is not None and c.due == date(2026, 10, 10) and c.state is ClockState.OVERDUE
    decided = case_clocks([*events, ev(E.CASE_RETURNED, date(2026, 10, 9))], calendar=CAL,
                          today=date(2026, 10, 12)).get(ClockKind.RETURN_DECISION)
    assert decided is not None and decided.state is ClockState.MET


def test_seed003_department_returns_the_result_the_day_before_the_promise() -> None:
    """窗口管理制度第八条: promised Monday 10/12 → the department's day is Saturday 10/10 (a make-up day)."""
    assert department_return_due(CAL, date(2026, 10, 12)) == date(2026, 10, 10)
    base = accepted(date(2026, 9, 21), 10)  # due 10/12
    c = case_clocks(base, calendar=CAL, today=date(2026, 10, 11)).get(ClockKind.DEPARTMENT_RETURN)
    assert c is not None and c.due == date(2026, 10, 10) and c.state is ClockState.OVERDUE
    back = case_clocks([*base, ev(E.CASE_RESULT_RETURNED, date(2026, 10, 9))], calendar=CAL,
                       today=date(2026, 10, 11)).get(ClockKind.DEPARTMENT_RETURN)
    assert back is not None and back.state is ClockState.MET


def test_art32_a_case_left_registered_has_the_five_day_clock() -> None:
    """Issue #16 item 11: materials received at registration start art. 32's clock even if left 已登记."""
    events = [ev(E.CASE_REGISTERED, date(2026, 11, 2), {"enquiry": False})]
    c = case_clocks(events, calendar=CAL, today=date(2026, 11, 10)).supplement_notice
    assert c is not None and c.started_on == date(2026, 11, 2) and c.due == date(2026, 11, 9)
    assert c.state is ClockState.OVERDUE
    assert case_clocks([ev(E.CASE_REGISTERED, date(2026, 11, 2), {"enquiry": True})], calendar=CAL,
                       today=date(2026, 11, 10)).supplement_notice is None


def test_seed003_urgent_cases_lead_every_queue() -> None:
    keys = {
        "plain_early": queue_key(urgent=False, due=date(2026, 10, 8), received=datetime(2026, 9, 1, 9)),
        "urgent_late": queue_key(urgent=True, due=date(2026, 12, 1), received=datetime(2026, 9, 2, 9)),
        "undated": queue_key(urgent=False, due=None, received=None),
    }
    assert sorted(keys, key=keys.__getitem__) == ["urgent_late", "plain_early", "undated"]


def test_art42_an_extension_recorded_after_the_due_date_does_not_erase_the_lateness() -> None:
    """Issue #16 item 1 as reproduced: due 11-09, 'extended' on 11-16 — the case stays overdue."""
    base = accepted(date(2026, 10, 26), 10)  # due 2026-11-09
    before = case_clocks(base, calendar=CAL, today=date(2026, 11, 16)).promised
    assert before is not None and before.due == date(2026, 11, 9)
    late = [*base, ev(E.CASE_EXTENDED, date(2026, 11, 16), {"days": 10})]
    c = case_clocks(late, calendar=CAL, today=date(2026, 11, 16)).promised
    assert c is not None and c.due == date(2026, 11, 9) and c.state is ClockState.OVERDUE
    assert c.extended_days == 0


def test_seed003_follow_up_materials_due_within_five_working_days_before_the_department_day() -> None:
    """补报材料通知单: five working days after acceptance, never after the department's day."""
    from deskclient.domain.deadlines import follow_up_due

    assert follow_up_due(CAL, date(2026, 9, 28), date(2026, 10, 30)) == date(2026, 10, 10)  # across 国庆
    assert follow_up_due(CAL, date(2026, 11, 2), date(2026, 11, 5)) == date(2026, 11, 4)
