"""Working days under the State Council schedule: due dates, provisional years, schedule files."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskclient.domain.calendar import (
    MAX_WORKING_DAYS,
    DueDate,
    WorkCalendar,
    YearSchedule,
    parse_schedule,
)
from deskclient.domain.errors import ValidationError

HOLIDAY_DIR = Path(__file__).resolve().parents[2] / "data" / "holidays"


def _load_shipped() -> WorkCalendar:
    """Parse the shipped files directly (pure domain; the service layer is tested separately)."""
    schedules = [parse_schedule(p.read_text("utf-8"), p.name) for p in sorted(HOLIDAY_DIR.glob("*.toml"))]
    return WorkCalendar(schedules)


CAL = _load_shipped()


# --------------------------------------------------------------------------------------------------
# The shipped schedules
# --------------------------------------------------------------------------------------------------


def test_every_year_2020_to_2026_is_shipped() -> None:
    assert set(range(2020, 2027)) <= set(CAL.known_years)
    assert not CAL.is_known(2030)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # 2026 (published 2025-11-04)
        ("2026-01-01", False),
        ("2026-01-03", False),
        ("2026-01-04", True),  # Sunday worked
        ("2026-02-14", True),  # Saturday worked
        ("2026-02-15", False),
        ("2026-02-23", False),  # Monday, last day of the Spring Festival
        ("2026-02-24", True),
        ("2026-02-28", True),  # Saturday worked
        ("2026-04-06", False),
        ("2026-05-05", False),
        ("2026-05-09", True),
        ("2026-06-19", False),
        ("2026-09-20", True),  # Sunday worked
        ("2026-09-25", False),
        ("2026-10-07", False),
        ("2026-10-08", True),
        ("2026-10-10", True),  # Saturday worked
        ("2026-10-11", False),  # ordinary Sunday
        # 2020: the COVID extension to 2 February replaced the 1 February make-up Saturday
        ("2020-01-19", True),
        ("2020-01-31", False),
        ("2020-02-01", False),
        ("2020-02-02", False),
        ("2020-02-03", True),
        ("2020-10-08", False),
        ("2020-10-10", True),
        # cross-year New Year's Day 2023
        ("2022-12-31", False),
        ("2023-01-02", False),
        ("2023-01-28", True),
        # 2024 and 2025
        ("2024-02-09", True),  # New Year's Eve only "encouraged" off, still a working day
        ("2024-02-18", True),
        ("2024-06-10", False),
        ("2025-01-28", False),  # 除夕 a public holiday from 2025
        ("2025-04-27", True),
        ("2025-10-08", False),
        ("2025-10-11", True),
        ("2021-09-18", True),
        ("2022-10-08", True),
        ("2022-10-09", True),
    ],
)
def test_shipped_schedule_days(day: str, working: bool) -> None:
    assert CAL.is_working_day(date.fromisoformat(day)) is working


def test_make_up_working_days_are_all_weekends_and_never_holidays() -> None:
    for schedule in CAL.schedules:
        assert schedule.source
        for day in schedule.workdays:
            assert day.weekday() >= 5
            assert day not in schedule.holidays


def test_holiday_names_are_kept() -> None:
    assert CAL.holiday_name(date(2026, 2, 17)) == "春节"
    assert CAL.holiday_name(date(2026, 10, 1)) == "国庆节"
    assert CAL.holiday_name(date(2026, 3, 2)) is None
    assert CAL.makeup_workday_name(date(2026, 2, 14)) == "春节调休上班"


# --------------------------------------------------------------------------------------------------
# Due dates
# --------------------------------------------------------------------------------------------------


def test_spring_festival_2026_counts_the_make_up_saturday() -> None:
    due = CAL.add_working_days(date(2026, 2, 13), 5)  # accepted on Friday before the festival
    # 2/14 (make-up Saturday) is day 1, 2/15-2/23 skipped, 2/24..2/27 are days 2..5
    assert due.date == date(2026, 2, 27)
    assert not due.provisional
    assert due.makeup_workdays_counted == ((date(2026, 2, 14), "春节调休上班"),)
    assert [d for d, _ in due.skipped_holidays] == [date(2026, 2, 15) + timedelta(days=i) for i in range(9)]
    assert {name for _, name in due.skipped_holidays} == {"春节"}


def test_spring_festival_2026_longer_limit_reaches_the_second_make_up_day() -> None:
    due = CAL.add_working_days(date(2026, 2, 13), 10)
    # days 1..5 as above, 3/2..3/6 would be 7..11; 2/28 (Saturday worked) is day 6
    assert due.date == date(2026, 3, 5)
    assert [d for d, _ in due.makeup_workdays_counted] == [date(2026, 2, 14), date(2026, 2, 28)]


def test_national_day_2026_ends_on_the_make_up_saturday() -> None:
    due = CAL.add_working_days(date(2026, 9, 30), 3)
    assert due.date == date(2026, 10, 10)  # 10/8, 10/9, then Saturday 10/10 worked
    assert len(due.skipped_holidays) == 7
    assert due.makeup_workdays_counted == ((date(2026, 10, 10), "国庆节调休上班"),)


def test_make_up_sunday_before_national_day_counts() -> None:
    due = CAL.add_working_days(date(2026, 9, 18), 1)  # Friday
    assert due.date == date(2026, 9, 20)  # Sunday worked


def test_acceptance_day_is_not_counted() -> None:
    assert CAL.add_working_days(date(2026, 3, 2), 1).date == date(2026, 3, 3)  # Monday -> Tuesday
    assert CAL.add_working_days(date(2026, 3, 6), 1).date == date(2026, 3, 9)  # Friday -> Monday
    # accepted on a make-up Saturday: that day is still not counted
    assert CAL.add_working_days(date(2026, 2, 14), 1).date == date(2026, 2, 24)


def test_zero_days_returns_the_start() -> None:
    due = CAL.add_working_days(date(2026, 2, 15), 0)
    assert due == DueDate(date=date(2026, 2, 15), provisional=False)


def test_negative_or_absurd_limits_are_refused_in_chinese() -> None:
    with pytest.raises(ValidationError, match="负数"):
        CAL.add_working_days(date(2026, 1, 5), -1)
    with pytest.raises(ValidationError, match=str(MAX_WORKING_DAYS)):
        CAL.add_working_days(date(2026, 1, 5), MAX_WORKING_DAYS + 1)


def test_date_overflow_is_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        CAL.add_working_days(date.max - timedelta(days=2), 5)


def test_due_date_into_2027_is_provisional_and_skips_new_year_by_law() -> None:
    """《全国年节及纪念日放假办法》art. 2: 2027-01-01 (Friday) is 元旦 even before the 2027 notice."""
    due = CAL.add_working_days(date(2026, 12, 28), 5)  # Monday
    assert due.date == date(2027, 1, 5)  # 12/29..12/31, (1/1 元旦, 1/2-3 weekend), 1/4, 1/5
    assert (date(2027, 1, 1), "元旦") in due.skipped_holidays
    assert due.provisional
    assert due.unknown_years == (2027,)


def test_far_unknown_years_never_crash() -> None:
    due = CAL.add_working_days(date(2029, 12, 31), 20)
    assert due.provisional
    assert due.unknown_years == (2030,)
    assert due.date.weekday() < 5
    assert CAL.working_days_between(date(2029, 12, 31), due.date) == 20


def test_next_working_day_skips_the_whole_festival() -> None:
    assert CAL.next_working_day(date(2026, 2, 14)) == date(2026, 2, 24)
    assert CAL.next_working_day(date(2026, 9, 19)) == date(2026, 9, 20)


def test_working_days_between_signs_and_examples() -> None:
    assert CAL.working_days_between(date(2026, 2, 13), date(2026, 2, 27)) == 5
    assert CAL.working_days_between(date(2026, 2, 27), date(2026, 2, 13)) == -5
    assert CAL.working_days_between(date(2026, 3, 3), date(2026, 3, 3)) == 0
    # an overdue case: due 2/27, today 3/3 -> three working days late (Saturday 2/28 was worked)
    assert CAL.working_days_between(date(2026, 3, 3), date(2026, 2, 27)) == -3


def test_an_empty_calendar_counts_statutory_holidays_at_their_widest() -> None:
    """No schedule at all: 国庆 10-01..03 by law, and every weekday up to 10-08 counted as possibly off."""
    cal = WorkCalendar()
    due = cal.add_working_days(date(2026, 9, 30), 3)
    assert due.date == date(2026, 10, 13)  # 10/9, 10/12, 10/13
    assert due.provisional
    assert cal.known_years == ()


# --------------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------------

starts = st.dates(min_value=date(2019, 6, 1), max_value=date(2031, 12, 31))
limits = st.integers(min_value=0, max_value=400)


@settings(max_examples=200, deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=400))
def test_result_is_a_working_day(start: date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    assert CAL.is_working_day(due.date)
    assert due.date > start
    walked_years = range((start + timedelta(days=1)).year, due.date.year + 1)
    assert due.unknown_years == tuple(y for y in walked_years if not CAL.is_known(y))
    assert due.provisional == bool(due.unknown_years)


@settings(max_examples=200, deadline=None)
@given(start=starts, n=limits)
def test_monotonic_in_n(start: date, n: int) -> None:
    assert CAL.add_working_days(start, n + 1).date > CAL.add_working_days(start, n).date


@settings(max_examples=200, deadline=None)
@given(start=starts, n=limits)
def test_between_is_the_inverse_of_add(start: date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, due.date) == n
    # every day strictly between start and the due date is either non-working or counted before n
    if n:
        assert CAL.working_days_between(start, due.date - timedelta(days=1)) == n - 1


@settings(max_examples=200, deadline=None)
@given(a=starts, b=starts)
def test_between_matches_a_day_by_day_count_and_is_antisymmetric(a: date, b: date) -> None:
    lo, hi = min(a, b), max(a, b)
    brute = sum(CAL.is_working_day(lo + timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
    assert CAL.working_days_between(lo, hi) == brute
    assert CAL.working_days_between(a, b) == -CAL.working_days_between(b, a)


@settings(max_examples=100, deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=60))
def test_skipped_holidays_are_exactly_the_holidays_passed(start: date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    passed = [start + timedelta(days=i) for i in range(1, (due.date - start).days + 1)]
    expected = [(d, CAL.holiday_name(d)) for d in passed if CAL.holiday_name(d) and not CAL.is_working_day(d)]
    assert list(due.skipped_holidays) == expected


# --------------------------------------------------------------------------------------------------
# Schedule files
# --------------------------------------------------------------------------------------------------


def test_parse_start_end_and_dates() -> None:
    text = """\
year = 2031
[[holiday]]
name = "春节"
start = "2031-01-22"
end = "2031-01-28"
[[holiday]]
name = "元旦"
dates = ["2031-01-01", 2030-12-31]
[[workday]]
date = "2031-01-19"
[[workday]]
dates = ["2031-02-08"]
name = "春节调休"
"""
    schedule = parse_schedule(text, "2031.toml")
    assert schedule.year == 2031
    assert schedule.source is None
    assert len(schedule.holidays) == 9
    assert schedule.holidays[date(2030, 12, 31)] == "元旦"  # native TOML dates are accepted too
    assert schedule.workdays == {date(2031, 1, 19): "调休上班", date(2031, 2, 8): "春节调休"}


def test_a_later_schedule_for_the_same_year_wins() -> None:
    old = YearSchedule(2031, holidays={date(2031, 1, 1): "元旦"})
    new = YearSchedule(2031, holidays={date(2031, 1, 2): "元旦"})
    cal = WorkCalendar([old, new])
    assert cal.is_working_day(date(2031, 1, 1))
    assert not cal.is_working_day(date(2031, 1, 2))
    assert cal.version != WorkCalendar([new, old]).version


def test_version_is_stable_and_content_based() -> None:
    assert CAL.version == _load_shipped().version
    assert len(CAL.version) == 16
    assert WorkCalendar(reversed(CAL.schedules)).version == CAL.version
    changed = [*CAL.schedules[:-1], YearSchedule(2026, holidays={date(2026, 1, 1): "元旦"})]
    assert WorkCalendar(changed).version != CAL.version


def _error(text: str, name: str = "2031.toml") -> str:
    with pytest.raises(ValidationError) as info:
        parse_schedule(text, name)
    return info.value.message


def test_toml_syntax_error_names_file_and_line() -> None:
    message = _error('year = 2031\n[[holiday]]\nname = "春节"\nstart = 2031-01-22\nend "2031-01-28"\n')
    assert "2031.toml" in message
    assert "第5行" in message


def test_bad_date_names_file_and_line() -> None:
    message = _error('year = 2031\n\n[[holiday]]\nname = "春节"\ndates = ["2031-01-22", "2031-02-30"]\n')
    assert "2031.toml第5行" in message
    assert "2031-02-30" in message


def test_badly_formatted_date_is_rejected() -> None:
    message = _error('year = 2031\n[[holiday]]\nname = "春节"\ndates = ["2031/01/22"]\n')
    assert "第4行" in message


def test_workday_on_a_weekday_is_rejected_with_line() -> None:
    message = _error('year = 2031\n[[workday]]\nname = "x"\ndate = "2031-01-20"\n')  # a Monday
    assert "第4行" in message
    assert "星期一" in message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('source = "x"\n', "缺少年份"),
        ("year = 1800\n", "第1行"),
        ('year = "2031"\n', "年份"),
        ('year = 2031\nholiday = "x"\n', "第2行"),
        ('year = 2031\n[[holiday]]\ndates = ["2031-01-01"]\n', "第2行"),  # no name
        ('year = 2031\n[[holiday]]\nname = "x"\n', "缺少日期"),
        ('year = 2031\n[[holiday]]\nname = "x"\ndate = "2031-01-01"\nstart = "2031-01-01"\n', "只能选一种"),
        ('year = 2031\n[[holiday]]\nname = "x"\nstart = "2031-01-05"\nend = "2031-01-01"\n', "第5行"),
        ('year = 2031\n[[holiday]]\nname = "x"\nstart = "2031-01-01"\nend = "2031-03-01"\n', "超过"),
        ('year = 2031\n[[holiday]]\nname = "x"\ndates = ["2035-01-01"]\n', "不属于"),
        ('year = 2031\n[[holiday]]\nname = "x"\nstrat = "2031-01-01"\n', "strat"),
        ("year = 2031\nyaer = 2031\n", "第2行"),
        (
            'year = 2031\n[[holiday]]\nname = "a"\ndates = ["2031-01-01"]\n'
            '[[holiday]]\nname = "b"\ndates = ["2031-01-01"]\n',
            "两个假期",
        ),
        (
            'year = 2031\n[[holiday]]\nname = "a"\ndates = ["2031-01-04"]\n[[workday]]\ndate = "2031-01-04"\n',
            "第6行",
        ),
    ],
)
def test_schedule_problems_are_explained(text: str, fragment: str) -> None:
    message = _error(text)
    assert "2031.toml" in message
    assert fragment in message


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_parse_schedule_never_raises_anything_but_validation_error(text: str) -> None:
    try:
        parse_schedule(text, "x.toml")
    except ValidationError as err:
        assert "x.toml" in err.message
