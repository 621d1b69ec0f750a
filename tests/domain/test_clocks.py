"""The clocks of a case (domain.clocks): every rule, against the shipped 2026 holiday schedule.

Expected dates are worked out by hand from the 2026 State Council schedule: 中秋 9/25–9/27,
国庆 10/1–10/7, make-up working days Sun 9/20 and Sat 10/10.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskclient.domain.calendar import WorkCalendar, parse_schedule
from deskclient.domain.clock_dues import (
    complaint_due,
    paused_working_days,
    promised_due,
    rating_followup_due,
    review_due,
    supplement_notice_due,
)
from deskclient.domain.clock_types import (
    CaseClocks,
    CaseEvent,
    ClockKind,
    ClockRules,
    ClockState,
    PauseReason,
    RatingLevel,
    rating_score,
)
from deskclient.domain.clocks import case_clocks
from deskclient.domain.errors import ValidationError
from deskclient.domain.events import EventType as E
from deskclient.domain.rating_presets import parse_rating_presets

DATA = Path(__file__).resolve().parents[2] / "data"


def _calendar() -> WorkCalendar:
    folder = DATA / "holidays"
    return WorkCalendar(parse_schedule(p.read_text(encoding="utf-8"), p.name) for p in sorted(folder.glob("*.toml")))


CAL = _calendar()
RULES = ClockRules()
PRESETS = parse_rating_presets((DATA / "rating_presets.toml").read_text(encoding="utf-8"), "rating_presets.toml")


def ev(type_: E, day: date, payload: dict[str, Any] | None = None, hour: int = 10) -> CaseEvent:
    return CaseEvent(type=str(type_), at=datetime.combine(day, time(hour)), payload=payload or {})


def accepted(day: date, days: int) -> list[CaseEvent]:
    return [ev(E.CASE_REGISTERED, day, hour=9),
            ev(E.CASE_ACCEPTED, day, {"acceptance_date": day.isoformat(), "promised_days": days})]


def clocks(events: list[CaseEvent], today: date, rules: ClockRules = RULES) -> CaseClocks:
    return case_clocks(events, calendar=CAL, rules=rules, today=today)


# --- the calendar facts the expectations rely on ---------------------------------------------------


def test_schedule_facts() -> None:
    assert not CAL.is_working_day(date(2026, 9, 25))  # 中秋
    assert not CAL.is_working_day(date(2026, 10, 7))  # 国庆
    assert CAL.is_working_day(date(2026, 10, 10))  # Saturday make-up day


# --- promised clock ------------------------------------------------------------------------------


def test_promised_clock_counts_working_days_from_acceptance() -> None:
    # 9/21 + 5 working days: 22, 23, 24, (25–27 中秋), 28, 29
    c = clocks(accepted(date(2026, 9, 21), 5), date(2026, 9, 23)).promised
    assert c is not None
    assert c.due == date(2026, 9, 29)
    assert c.state is ClockState.RUNNING
    assert c.days_left == 3  # 24, 28, 29
    assert not c.provisional
    assert c.basis and c.label


def test_promised_helper_is_the_same_arithmetic() -> None:
    assert promised_due(CAL, date(2026, 9, 21), 5).date == date(2026, 9, 29)
    assert promised_due(CAL, date(2026, 9, 21), 5, paused_working_days=6, extension_days=3).date == date(
        2026, 10, 16)


def test_promised_clock_due_soon_today_and_overdue() -> None:
    events = accepted(date(2026, 9, 21), 5)
    soon = clocks(events, date(2026, 9, 28)).promised
    assert soon is not None and soon.due_soon and soon.days_left == 1
    today = clocks(events, date(2026, 9, 29)).promised
    assert today is not None and today.days_left == 0 and today.state is ClockState.RUNNING
    late = clocks(events, date(2026, 9, 30)).promised
    assert late is not None and late.state is ClockState.OVERDUE and late.days_left == -1
    # a holiday after the due day is still overdue, never "0 left"
    holiday = clocks(events, date(2026, 10, 3)).promised
    assert holiday is not None and holiday.state is ClockState.OVERDUE and holiday.days_left < 0


def test_completion_stops_the_clock_met_or_late() -> None:
    events = accepted(date(2026, 9, 21), 5)
    on_time = clocks([*events, ev(E.CASE_COMPLETED, date(2026, 9, 28))], date(2026, 11, 1)).promised
    assert on_time is not None and on_time.state is ClockState.MET and on_time.days_left == 1
    assert not on_time.is_open
    late = clocks([*events, ev(E.CASE_COMPLETED, date(2026, 10, 9))], date(2026, 11, 1)).promised
    assert late is not None and late.state is ClockState.LATE and late.days_left < 0


def test_provisional_when_the_next_years_schedule_is_unknown() -> None:
    c = clocks(accepted(date(2026, 12, 28), 10), date(2026, 12, 28)).promised
    assert c is not None and c.provisional


def test_pause_and_extension_across_national_day() -> None:
    """Accepted Mon 9/21 for 5 days; 公示 from 9/23, resumed Fri 10/9; then extended by 3."""
    events = accepted(date(2026, 9, 21), 5)
    paused = [*events, ev(E.CASE_CLOCK_PAUSED, date(2026, 9, 23),
                          {"pause_id": "1", "reason": "public_notice", "step": "公示", "started_on": "2026-09-23"})]
    during = clocks(paused, date(2026, 9, 30))
    assert during.promised is not None and during.promised.state is ClockState.PAUSED
    assert during.open_pause is not None and during.open_pause.reason == "public_notice"
    assert during.promised.pause_step == "公示"
    # paused working days so far (9/23, 9/30]: 24, 28, 29, 30 → due moves from 9/29 by 4
    assert during.promised.paused_days == 4
    # while paused, "days left" stands still: the same at the pause start as a week later
    assert during.promised.days_left == clocks(paused, date(2026, 9, 24)).promised.days_left  # type: ignore[union-attr]

    resumed = [*paused, ev(E.CASE_CLOCK_RESUMED, date(2026, 10, 9), {"pause_id": "1", "ended_on": "2026-10-09"})]
    after = clocks(resumed, date(2026, 10, 9)).promised
    # (9/23, 10/9]: 24, 28, 29, 30, 10/8, 10/9 = 6 working days; 9/21 + 11 = 10/13
    assert after is not None
    assert after.paused_days == 6 and after.due == date(2026, 10, 13)
    assert after.state is ClockState.RUNNING

    extended = [*resumed, ev(E.CASE_EXTENDED, date(2026, 10, 12), {"days": 3})]
    result = clocks(extended, date(2026, 10, 12))
    assert result.promised is not None
    assert result.extended and result.extension_days == 3
    # 10/14, 10/15, 10/16
    assert result.promised.due == date(2026, 10, 16) and result.promised.extended_days == 3


def test_same_day_pause_costs_nothing_and_overlaps_count_once() -> None:
    from deskclient.domain.clock_types import PauseSpan

    spans = [PauseSpan("a", "hearing", "", date(2026, 11, 2), date(2026, 11, 2))]
    assert paused_working_days(CAL, spans, until=date(2026, 12, 1)) == 0
    overlapping = [PauseSpan("a", "hearing", "", date(2026, 11, 2), date(2026, 11, 6)),
                   PauseSpan("b", "expert_review", "", date(2026, 11, 4), date(2026, 11, 10))]
    # union (11/2, 11/10]: 3, 4, 5, 6, 9, 10
    assert paused_working_days(CAL, overlapping, until=date(2026, 12, 1)) == 6


def test_pause_before_acceptance_only_counts_from_acceptance() -> None:
    events = [*accepted(date(2026, 11, 4), 5),
              # recorded after acceptance with a start date typed two days back
              ev(E.CASE_CLOCK_PAUSED, date(2026, 11, 4), {"pause_id": "1", "reason": "other",
                                                         "started_on": "2026-11-02"}, hour=11),
              ev(E.CASE_CLOCK_RESUMED, date(2026, 11, 5), {"pause_id": "1", "ended_on": "2026-11-05"}, hour=12)]
    c = clocks(events, date(2026, 11, 5)).promised
    assert c is not None and c.paused_days == 1  # (11/4, 11/5]


def test_pause_reason_parse() -> None:
    assert PauseReason.parse("公示") is PauseReason.PUBLIC_NOTICE
    assert PauseReason.parse("hearing") is PauseReason.HEARING
    with pytest.raises(ValidationError):
        PauseReason.parse("午休")


# --- art. 32: supplement notice and deemed acceptance ------------------------------------------------


def examining(received: date, **payload: Any) -> list[CaseEvent]:
    return [ev(E.CASE_REGISTERED, received, hour=9),
            ev(E.CASE_EXAMINING, received, {"received_on": received.isoformat(), **payload})]


def test_supplement_countdown_in_working_days_and_deemed_on_day_six() -> None:
    """Received Wed 9/30: five working days are 10/8, 10/9, 10/10 (Sat, worked), 10/12, 10/13."""
    events = examining(date(2026, 9, 30))
    first = clocks(events, date(2026, 9, 30))
    notice = first.supplement_notice
    assert notice is not None and notice.due == date(2026, 10, 13) and notice.days_left == 5
    assert not notice.calendar_days and first.status == "examining" and not first.deemed_acceptance_due
    day5 = clocks(events, date(2026, 10, 13))
    assert day5.supplement_notice.days_left == 0 and not day5.deemed_acceptance_due  # type: ignore[union-attr]
    day6 = clocks(events, date(2026, 10, 14))
    assert day6.deemed_acceptance_due
    assert day6.supplement_notice.state is ClockState.OVERDUE  # type: ignore[union-attr]


def test_supplement_countdown_in_calendar_days() -> None:
    """Calendar days: 9/30 + 5 = 10/5, a holiday, so the period ends on the next working day 10/8."""
    rules = ClockRules(supplement_working_days=False)
    events = examining(date(2026, 9, 30))
    c = clocks(events, date(2026, 10, 1), rules)
    assert c.supplement_notice is not None
    assert c.supplement_notice.due == date(2026, 10, 8) and c.supplement_notice.calendar_days
    assert c.supplement_notice.days_left == 7  # calendar days
    assert not clocks(events, date(2026, 10, 8), rules).deemed_acceptance_due
    assert clocks(events, date(2026, 10, 9), rules).deemed_acceptance_due
    # an ordinary week: received Mon 11/2, day five Sat 11/7 rolls to Mon 11/9, deemed on 11/10
    plain = examining(date(2026, 11, 2))
    assert clocks(plain, date(2026, 11, 9), rules).supplement_notice.due == date(2026, 11, 9)  # type: ignore[union-attr]
    assert clocks(plain, date(2026, 11, 10), rules).deemed_acceptance_due


def test_the_rule_in_force_at_receipt_wins_over_a_later_setting() -> None:
    events = examining(date(2026, 9, 30), supplement_days=5, supplement_working_days=True)
    c = clocks(events, date(2026, 10, 1), ClockRules(supplement_working_days=False))
    assert c.supplement_notice is not None and c.supplement_notice.due == date(2026, 10, 13)


def test_supplement_notice_in_time_meets_the_clock() -> None:
    events = [*examining(date(2026, 9, 30)), ev(E.CASE_SUPPLEMENT_REQUESTED, date(2026, 10, 9))]
    c = clocks(events, date(2026, 10, 20))
    assert c.supplement_notice is not None and c.supplement_notice.state is ClockState.MET
    assert not c.deemed_acceptance_due and c.status == "awaiting_supplement"


def test_deemed_acceptance_counts_the_promise_from_receipt() -> None:
    events = [*examining(date(2026, 9, 30)),
              ev(E.CASE_DEEMED_ACCEPTED, date(2026, 10, 14), {"acceptance_date": "2026-09-30", "promised_days": 10})]
    c = clocks(events, date(2026, 10, 14))
    assert c.deemed_accepted and c.acceptance_date == date(2026, 9, 30)
    assert c.supplement_notice is not None and c.supplement_notice.state is ClockState.LATE
    # 9/30 + 10: 10/8, 9, 10, 12, 13, 14, 15, 16, 19, 20
    assert c.promised is not None and c.promised.due == date(2026, 10, 20)
    assert not c.deemed_acceptance_due


def test_supplement_helper_both_modes() -> None:
    assert supplement_notice_due(CAL, date(2026, 9, 30), 5, True).date == date(2026, 10, 13)
    assert supplement_notice_due(CAL, date(2026, 9, 30), 5, False).date == date(2026, 10, 8)
    assert supplement_notice_due(CAL, date(2026, 12, 30), 5, False).provisional  # ends in 2027


# --- reviews, complaints ---------------------------------------------------------------------------------


def test_review_three_working_days_lands_on_a_makeup_saturday() -> None:
    assert review_due(CAL, date(2026, 9, 30), RULES).date == date(2026, 10, 10)
    events = [ev(E.CASE_RETURNED, date(2026, 9, 30), hour=9),
              ev(E.CASE_REVIEW_REQUESTED, date(2026, 9, 30), {"review_id": "r1", "requested_on": "2026-09-30"})]
    c = clocks(events, date(2026, 10, 9)).get(ClockKind.REVIEW, "r1")
    assert c is not None and c.due == date(2026, 10, 10) and c.days_left == 1
    decided = clocks([*events, ev(E.CASE_REVIEW_DECIDED, date(2026, 10, 9), {"review_id": "r1"})],
                     date(2026, 10, 20)).get(ClockKind.REVIEW)
    assert decided is not None and decided.state is ClockState.MET


def test_complaint_next_working_day_or_a_calendar_week() -> None:
    """投诉制度第六条 (seed 003): two or more units — "一周之内", a calendar week, not five working days."""
    assert complaint_due(CAL, date(2026, 9, 30), False, RULES).date == date(2026, 10, 8)
    assert complaint_due(CAL, date(2026, 9, 30), True, RULES).date == date(2026, 10, 8)  # 10/7 is a holiday
    assert complaint_due(CAL, date(2026, 9, 23), True, RULES).date == date(2026, 9, 30)
    events = [ev(E.CASE_COMPLAINT, date(2026, 9, 30), {"complaint_id": "c1", "multi_unit": True}),
              ev(E.CASE_COMPLAINT, date(2026, 9, 30), {"complaint_id": "c2", "multi_unit": False})]
    c = clocks(events, date(2026, 10, 9))
    multi, simple = c.get(ClockKind.COMPLAINT, "c1"), c.get(ClockKind.COMPLAINT, "c2")
    assert multi is not None and multi.due == date(2026, 10, 8) and multi.state is ClockState.OVERDUE
    assert multi.calendar_days
    assert simple is not None and simple.due == date(2026, 10, 8) and simple.state is ClockState.OVERDUE
    answered = clocks([*events, ev(E.CASE_COMPLAINT_ANSWERED, date(2026, 10, 8), {"complaint_id": "c2"})],
                      date(2026, 10, 9)).get(ClockKind.COMPLAINT, "c2")
    assert answered is not None and answered.state is ClockState.MET


# --- ratings -------------------------------------------------------------------------------------------


def test_rating_levels_and_scores_by_province() -> None:
    assert [lv.is_bad for lv in RatingLevel] == [False, False, False, True, True]
    assert RatingLevel.parse("非常不满意") is RatingLevel.VERY_UNSATISFIED
    assert rating_score("satisfied", PRESETS["national"]) == 8
    with pytest.raises(ValidationError):
        RatingLevel.parse("一般")


@pytest.mark.parametrize(("preset", "rectify"), [("national", date(2026, 10, 27)),
                                                 ("shandong_dezhou", date(2026, 10, 13))])
def test_bad_rating_deadlines_under_two_provinces(preset: str, rectify: date) -> None:
    rules = ClockRules.from_settings(None, PRESETS[preset])
    visit, fix = rating_followup_due(CAL, date(2026, 9, 30), rules)
    assert visit.date == date(2026, 10, 8)  # one working day
    assert fix.date == rectify  # 15 working days: 10/27; 5: 10/13
    events = [ev(E.CASE_RATED, date(2026, 9, 30), {"level": "unsatisfied"}),
              ev(E.FOLLOWUP_OPENED, date(2026, 9, 30), {
                  "followup_id": "f1", "kind": "bad_rating", "rated_on": "2026-09-30",
                  "visit_days": rules.visit_within_days, "rectify_days": rules.rectify_within_days})]
    c = clocks(events, date(2026, 10, 8))
    assert c.get(ClockKind.RETURN_VISIT).due == date(2026, 10, 8)  # type: ignore[union-attr]
    assert c.get(ClockKind.RECTIFY).due == rectify  # type: ignore[union-attr]
    visited = clocks([*events, ev(E.FOLLOWUP_VISITED, date(2026, 10, 8), {"followup_id": "f1"})], date(2026, 10, 9))
    assert visited.get(ClockKind.RETURN_VISIT).state is ClockState.MET  # type: ignore[union-attr]
    assert visited.get(ClockKind.RECTIFY).is_open  # type: ignore[union-attr]


def test_unowned_case_routed_with_a_limit() -> None:
    events = [ev(E.CASE_REGISTERED, date(2026, 11, 2), hour=9),
              ev(E.CASE_ROUTED, date(2026, 11, 2), {"limit_days": 3, "routed_on": "2026-11-02"})]
    c = clocks(events, date(2026, 11, 3)).get(ClockKind.UNOWNED)
    assert c is not None and c.due == date(2026, 11, 5) and c.days_left == 2
    done = clocks([*events, ev(E.CASE_COMPLETED, date(2026, 11, 6))], date(2026, 11, 9)).get(ClockKind.UNOWNED)
    assert done is not None and done.state is ClockState.LATE


def test_rating_presets_file_errors_are_chinese_and_clear() -> None:
    with pytest.raises(ValidationError, match=r"rating_presets\.toml"):
        parse_rating_presets("[x]\nname = 1\n", "rating_presets.toml")
    with pytest.raises(ValidationError):
        parse_rating_presets("[x\n", "p.toml")
    ok = ("[x]\nname='甲省'\nvery_satisfied=10\nsatisfied=8\nbasic=6\nunsatisfied=3\nvery_unsatisfied=0\n"
          "visit_within_days=1\nrectify_within_days=10\n")
    assert parse_rating_presets(ok, "p.toml")["x"].rectify_within_days == 10
    with pytest.raises(ValidationError):
        parse_rating_presets(ok.replace("satisfied=8", "satisfied=12"), "p.toml")  # scores must not rise
    with pytest.raises(ValidationError):
        parse_rating_presets(ok + "colour='red'\n", "p.toml")


def test_rules_from_settings_duck_typed() -> None:
    from deskclient.settings import ClockSettings, RatingSettings

    rules = ClockRules.from_settings(ClockSettings(supplement_working_days=False, review_days=4),
                                     RatingSettings(rectify_within_days=10))
    assert not rules.supplement_working_days and rules.review_days == 4 and rules.rectify_within_days == 10


def test_nothing_for_an_enquiry() -> None:
    c = clocks([ev(E.CASE_REGISTERED, date(2026, 11, 2)), ev(E.CASE_ENQUIRY_ANSWERED, date(2026, 11, 2))],
               date(2026, 11, 2))
    assert c.clocks == () and c.running == () and c.most_urgent is None and c.status == "answered"


def test_immediate_case_without_a_promise_has_no_clock() -> None:
    events = [ev(E.CASE_ACCEPTED, date(2026, 11, 2), {"acceptance_date": "2026-11-02"}),
              ev(E.CASE_COMPLETED, date(2026, 11, 2))]
    assert clocks(events, date(2026, 11, 2)).promised is None


# --- property: a pause never makes a case due earlier -----------------------------------------------------

_days = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))


@settings(max_examples=200, deadline=None)
@given(accept=_days, promised=st.integers(0, 60), offsets=st.lists(
    st.tuples(st.integers(-10, 80), st.integers(0, 40), st.booleans()), max_size=4), look=st.integers(0, 200))
def test_a_paused_case_is_never_due_earlier(accept: date, promised: int,
                                            offsets: list[tuple[int, int, bool]], look: int) -> None:
    base = accepted(accept, promised)
    events = list(base)
    for i, (start_off, length, closed) in enumerate(offsets):
        start = accept + timedelta(days=start_off)
        events.append(ev(E.CASE_CLOCK_PAUSED, start, {"pause_id": str(i), "reason": "hearing",
                                                      "started_on": start.isoformat()}, hour=11))
        if closed:
            end = start + timedelta(days=length)
            events.append(ev(E.CASE_CLOCK_RESUMED, end, {"pause_id": str(i), "ended_on": end.isoformat()},
                             hour=12))
    today = accept + timedelta(days=look)
    plain = clocks(base, today).promised
    paused = clocks(events, today).promised
    assert plain is not None and paused is not None
    assert paused.due >= plain.due
    assert paused.paused_days >= 0
