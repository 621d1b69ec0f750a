"""The due-date arithmetic of every clock: promised date, art. 32's five days, 复核, complaints, the
bad-rating follow-up and the working days a pause adds.

The only arithmetic on clock dates: :func:`deskclient.domain.clocks.case_clocks` and the services
(``CaseService`` at acceptance, ``followups`` when recording a complaint or a rating) all call these,
so a due date shown, printed and enforced is the same date. Split out of ``clocks`` so the rules of
counting can be read (and tested) without the event walk.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from deskclient.domain.calendar import DueDate, WorkCalendar
from deskclient.domain.clock_types import ClockRules, PauseSpan
from deskclient.domain.deadlines import (
    complaint_multi_unit_due,
)

# --------------------------------------------------------------------------------------------------
# Due-date helpers (the only arithmetic; everything else calls these)
# --------------------------------------------------------------------------------------------------


def promised_due(calendar: WorkCalendar, acceptance_date: date, promised_days: int, *,
                 paused_working_days: int = 0, extension_days: int = 0) -> DueDate:
    """The promised completion date: acceptance day not counted, pauses and the extension added."""
    return calendar.add_working_days(acceptance_date,
                                     max(0, promised_days) + max(0, paused_working_days) + max(0, extension_days))


def supplement_notice_due(calendar: WorkCalendar, received_on: date, days: int, working_days: bool) -> DueDate:
    """Art. 32's "five days" from receipt: working days, or calendar days whose last day moves off a
    rest day onto the next working day (the general rule for periods ending on a holiday)."""
    if working_days:
        return calendar.add_working_days(received_on, days)
    day = received_on + timedelta(days=max(0, days))
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    years = range(received_on.year, day.year + 1)
    unknown = tuple(y for y in years if not calendar.is_known(y))
    return DueDate(date=day, provisional=bool(unknown), unknown_years=unknown)


def review_due(calendar: WorkCalendar, requested_on: date, rules: ClockRules) -> DueDate:
    return calendar.add_working_days(requested_on, rules.review_days)


def complaint_due(calendar: WorkCalendar, received_on: date, multi_unit: bool, rules: ClockRules) -> DueDate:
    """Same or next working day for a simple complaint; a calendar week ("一周之内", 投诉制度第六条)
    when two or more units are involved, moved off a rest day onto the next working day."""
    if not multi_unit:
        return calendar.add_working_days(received_on, rules.complaint_simple_days)
    day = complaint_multi_unit_due(received_on)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    years = range(received_on.year, day.year + 1)
    unknown = tuple(y for y in years if not calendar.is_known(y))
    return DueDate(date=day, provisional=bool(unknown), unknown_years=unknown)


def rating_followup_due(calendar: WorkCalendar, rated_on: date, rules: ClockRules) -> tuple[DueDate, DueDate]:
    """A bad rating's (return visit, rectification) deadlines."""
    return (calendar.add_working_days(rated_on, rules.visit_within_days),
            calendar.add_working_days(rated_on, rules.rectify_within_days))


def paused_working_days(calendar: WorkCalendar, spans: Iterable[PauseSpan], *, until: date,
                        not_before: date | None = None) -> int:
    """Working days the clock stood still: the union of the spans, each counting the working days in
    (start, end] (paused and resumed on the same day: 0), an open span running until ``until``."""
    intervals: list[tuple[date, date]] = []
    for s in spans:
        start = s.started_on if not_before is None else max(s.started_on, not_before)
        end = s.ended_on if s.ended_on is not None else until
        if end > start:
            intervals.append((start, end))
    intervals.sort()
    merged: list[tuple[date, date]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return sum(calendar.working_days_between(a, b) for a, b in merged)

