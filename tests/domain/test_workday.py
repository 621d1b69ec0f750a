"""DOMAIN.md rule 13 (daily routine): 开班 first, 收班 once, no 开班 after 收班."""

from datetime import datetime

import pytest

from deskclient.domain.errors import RuleViolation
from deskclient.domain.workday import DayState, check_can_close, check_can_open, day_state

T0 = datetime(2026, 11, 24, 8, 30)
T1 = datetime(2026, 11, 24, 17, 30)


def test_day_state_follows_open_and_close() -> None:
    assert day_state(None, None) is DayState.NOT_OPEN
    assert day_state(T0, None) is DayState.OPEN
    assert day_state(T0, T1) is DayState.CLOSED


def test_rule13_close_needs_open_first() -> None:
    with pytest.raises(RuleViolation, match="开班"):
        check_can_close(DayState.NOT_OPEN)
    check_can_close(DayState.OPEN)


def test_rule13_close_only_once() -> None:
    with pytest.raises(RuleViolation):
        check_can_close(DayState.CLOSED)


def test_rule13_no_open_after_close_names_the_closing_time() -> None:
    check_can_open(DayState.NOT_OPEN)
    check_can_open(DayState.OPEN)  # opening twice is harmless
    with pytest.raises(RuleViolation, match="17:30"):
        check_can_open(DayState.CLOSED, T1)
