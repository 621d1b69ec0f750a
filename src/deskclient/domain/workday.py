"""The working day of a window (DOMAIN.md rule 13): 开班 comes first, 收班 closes it, once.

A closed day stays closed: opening it again would make the stored closing figures wrong, so 开班
after 收班 is refused with a message, never reported as done.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from deskclient.domain.errors import RuleViolation
from deskclient.strings import desk as T


class DayState(StrEnum):
    NOT_OPEN = "not_open"  # 尚未开班
    OPEN = "open"  # 已开班
    CLOSED = "closed"  # 已收班


def day_state(opened_at: datetime | None, closed_at: datetime | None) -> DayState:
    if closed_at is not None:
        return DayState.CLOSED
    if opened_at is not None:
        return DayState.OPEN
    return DayState.NOT_OPEN


def check_can_open(state: DayState, closed_at: datetime | None = None) -> None:
    """开班 after 收班 is refused (opening twice while open is harmless and says so)."""
    if state is DayState.CLOSED:
        raise RuleViolation(T.DAY_OPEN_AFTER_CLOSE.format(time=f"{closed_at:%H:%M}" if closed_at else ""))


def check_can_close(state: DayState) -> None:
    """收班 needs 开班 first, and happens once a day."""
    if state is DayState.NOT_OPEN:
        raise RuleViolation(T.DAY_CLOSE_NOT_OPEN)
    if state is DayState.CLOSED:
        raise RuleViolation(T.DAY_ALREADY_CLOSED)
