"""The law's rules for changing a running time limit, and the fixed limits of seed 003.

Pure checks the services call before writing (issue #16):

- **Extension** (《行政许可法》第四十二条): only *within* the period (an overdue case cannot be
  extended; its lateness stays on record), once, with the head's approval, by at most 10 working
  days (15 for joint or centralised handling, para. 2), or less when the item's own law says so; the
  reasons are told to the applicant in writing (seed 001: "应提前向服务对象说明原因").
- **Pause** (第四十五条): see :mod:`deskclient.domain.pauses`.
- **Seed 003 limits**: a complex application that may be returned is decided within three working
  days (服务操作规程·退回件); a complaint involving two or more units is answered "一周之内", a
  calendar week (投诉制度第六条); the department hands the result back to the window by the day
  before the promised date (窗口管理制度第八条).
"""

from __future__ import annotations

from datetime import date, timedelta

from deskclient.domain.calendar import WorkCalendar
from deskclient.domain.errors import RuleViolation, ValidationError
from deskclient.strings import clocks as T

#: 第四十二条第一款 / 第二款 (the law says 日, counted in working days by 第八十二条).
EXTENSION_DAYS = 10
EXTENSION_DAYS_JOINT = 15
#: 服务操作规程·退回件: "最迟不超过三个工作日".
RETURN_DECISION_WORKING_DAYS = 3
#: 投诉制度: "在一周之内作出答复" — a calendar week.
COMPLAINT_MULTI_UNIT_CALENDAR_DAYS = 7


# --------------------------------------------------------------------------------------------------
# Extension (art. 42)
# --------------------------------------------------------------------------------------------------


def extension_limit(*, joint: bool, item_limit: int | None = None) -> tuple[int, str]:
    """The most working days this case may be extended by, and the basis to quote."""
    days, basis = (EXTENSION_DAYS_JOINT, T.EXTENSION_BASIS_ART42_JOINT) if joint else (
        EXTENSION_DAYS, T.EXTENSION_BASIS_ART42)
    if item_limit is not None and 0 <= item_limit < days:
        return item_limit, T.EXTENSION_BASIS_ITEM
    return days, basis


def check_extension(*, days: int, today: date, due: date, already_extended: bool, joint: bool,
                    item_limit: int | None = None, head_approved: bool, applicant_told: bool) -> None:
    """Raise unless art. 42 allows extending a case due on ``due`` by ``days`` working days today."""
    if already_extended:
        raise RuleViolation(T.EXTENSION_TWICE)
    if today > due:
        raise RuleViolation(T.EXTENSION_OVERDUE.format(due=due.isoformat()))
    limit, basis = extension_limit(joint=joint, item_limit=item_limit)
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValidationError(T.EXTENSION_DAYS_BAD.format(limit=limit))
    if days > limit:
        raise RuleViolation(T.EXTENSION_OVER_LIMIT.format(limit=limit, basis=basis, days=days))
    if not head_approved:
        raise RuleViolation(T.EXTENSION_HEAD_REQUIRED)
    if not applicant_told:
        raise RuleViolation(T.EXTENSION_APPLICANT_NOT_TOLD)


# --------------------------------------------------------------------------------------------------
# Seed 003 limits
# --------------------------------------------------------------------------------------------------


def return_decision_due(calendar: WorkCalendar, received_on: date) -> date:
    """服务操作规程·退回件: a complex application is decided (returned or not) within three working days."""
    return calendar.add_working_days(received_on, RETURN_DECISION_WORKING_DAYS).date


def complaint_multi_unit_due(received_on: date) -> date:
    """投诉制度: a complaint involving two or more units is answered within a (calendar) week."""
    return received_on + timedelta(days=COMPLAINT_MULTI_UNIT_CALENDAR_DAYS)


def department_return_due(calendar: WorkCalendar, promised: date) -> date:
    """窗口管理制度第八条: the department returns the result by the day before the promised date — the
    last working day before it, so the window still has a working day to hand it over."""
    day = promised - timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


#: 容缺受理: how long the applicant has to bring the missing general materials (a centre practice the
#: seeds leave open; the same five working days art. 32 gives the office, see docs/clocks.md).
FOLLOW_UP_WORKING_DAYS = 5


def follow_up_due(calendar: WorkCalendar, accepted_on: date, promised: date | None) -> date:
    """By when the 补报材料通知单 asks for the general materials: five working days after acceptance,
    never later than the department's day before the promised date (seed 003)."""
    day = calendar.add_working_days(accepted_on, FOLLOW_UP_WORKING_DAYS).date
    if promised is not None and promised > accepted_on:
        day = min(day, max(accepted_on, department_return_due(calendar, promised)))
    return day


__all__ = [
    "COMPLAINT_MULTI_UNIT_CALENDAR_DAYS",
    "EXTENSION_DAYS",
    "EXTENSION_DAYS_JOINT",
    "FOLLOW_UP_WORKING_DAYS",
    "RETURN_DECISION_WORKING_DAYS",
    "check_extension",
    "complaint_multi_unit_due",
    "department_return_due",
    "extension_limit",
    "follow_up_due",
    "return_decision_due",
]
