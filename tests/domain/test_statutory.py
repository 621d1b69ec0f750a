"""Statutory holidays of any year (《全国年节及纪念日放假办法》2024 revision, art. 2) and the latest-date
rule for a year whose State Council schedule is not yet published (issue #16 item 8, DOMAIN.md rule 5)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from deskclient.domain.calendar import WorkCalendar
from deskclient.domain.statutory import provisional_rest_days, statutory_days, statutory_holidays
from deskclient.services.holidays import load_calendar

CAL, _ = load_calendar()
NO_2027 = WorkCalendar([s for s in CAL.schedules if s.year != 2027])


def test_2027_statutory_days_by_the_2024_revision() -> None:
    """元旦 1, 春节 4 from 除夕, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3: thirteen days in all."""
    days = statutory_days(2027)
    assert len(days) == 13
    assert days[date(2027, 1, 1)] == "元旦"
    assert [d for d, n in days.items() if n == "春节"] == [date(2027, 2, 5) + timedelta(days=i) for i in range(4)]
    assert days[date(2027, 4, 5)] == "清明节"  # the solar term, from lunar-python
    assert days[date(2027, 6, 9)] == "端午节"
    assert days[date(2027, 9, 15)] == "中秋节"
    assert [d for d, n in days.items() if n == "国庆节"] == [date(2027, 10, 1), date(2027, 10, 2),
                                                            date(2027, 10, 3)]


def test_spring_festival_2026_matches_the_lunar_calendar() -> None:
    """2026 除夕 is 02-16 (腊月廿九 as the last day of the month); 初一 02-17."""
    spring = next(h for h in statutory_holidays(2026) if h.key == "spring_festival")
    assert spring.days == tuple(date(2026, 2, 16) + timedelta(days=i) for i in range(4))


def test_every_published_rest_day_2020_2026_lies_within_the_statutory_reach() -> None:
    """The reach bounds the real schedules: no weekday any notice gave off is outside it (the basis for
    'never enforced earlier than the latest date the real schedule could give')."""
    for schedule in CAL.schedules:
        model = {**provisional_rest_days(schedule.year), **provisional_rest_days(schedule.year + 1)}
        outside = [d for d in schedule.holidays if d.weekday() < 5 and d not in model]
        assert outside == [], (schedule.year, outside)


def test_new_year_2027_is_never_a_promised_date() -> None:
    """Issue #16 item 8: a 受理通知书 printed 2027-01-01 as the promised date; it is 元旦 by law."""
    due = CAL.add_working_days(date(2026, 12, 31), 1)
    assert due.date == date(2027, 1, 4)
    assert due.provisional and due.unknown_years == (2027,)
    assert not CAL.is_working_day(date(2027, 1, 1))


def test_national_day_2027_reach_counts_as_rest_until_the_schedule_is_published() -> None:
    """国庆 2027 (Fri 10-01): a block could run to 10-08, so a limit ending there is enforced on 10-11."""
    assert not CAL.is_working_day(date(2027, 10, 1))
    assert not CAL.is_working_day(date(2027, 10, 8))
    assert CAL.holiday_name(date(2027, 10, 8)) == "国庆节前后(调休未公布,按可能放假计)"
    due = CAL.add_working_days(date(2027, 9, 30), 1)
    assert due.date == date(2027, 10, 11) and due.provisional


def test_published_year_dates_are_not_touched_by_the_next_years_reach() -> None:
    """2026 is published: 2026-12-31 stays a working day although 元旦 2027's reach starts there."""
    assert CAL.is_working_day(date(2026, 12, 31))
    assert not WorkCalendar().is_working_day(date(2026, 12, 31))


years = st.integers(min_value=2020, max_value=2026)


@settings(max_examples=150, deadline=None)
@given(year=years, start_offset=st.integers(min_value=-40, max_value=330), n=st.integers(min_value=0, max_value=60))
def test_provisional_due_is_never_earlier_than_the_published_one(year: int, start_offset: int, n: int) -> None:
    """Hiding a published year (as if its notice were not out yet) never moves a due date earlier."""
    hidden = WorkCalendar([s for s in CAL.schedules if s.year != year])
    start = date(year, 1, 1) + timedelta(days=start_offset)
    assert hidden.add_working_days(start, n).date >= CAL.add_working_days(start, n).date


@settings(max_examples=200, deadline=None)
@given(start=st.dates(min_value=date(2026, 6, 1), max_value=date(2040, 12, 31)),
       n=st.integers(min_value=1, max_value=120))
@example(start=date(2026, 9, 18), n=1)  # Friday; the next working day is the make-up Sunday 2026-09-20
def test_a_provisional_due_date_never_falls_on_a_statutory_holiday(start: date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    assert due.date not in statutory_days(due.date.year)
    assert CAL.is_working_day(due.date)
    if due.date.year not in {s.year for s in CAL.schedules}:
        # no published schedule: no make-up working day can be assumed, so never a weekend
        assert due.date.weekday() < 5
    # a published year's make-up Sunday (e.g. 2026-09-20, 调休上班) is a working day by the State
    # Council's notice, and a due date may fall on it; it was an example hypothesis found
