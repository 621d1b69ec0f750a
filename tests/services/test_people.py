"""Sign-in with PINs: argon2 hashes, five wrong PINs lock the clerk, recorded as events."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deskclient.domain.clock import FixedClock
from deskclient.domain.errors import RuleViolation, ValidationError
from deskclient.services.context import DeskContext
from deskclient.store.models import Clerk, Event


def _types(ctx: DeskContext) -> list[str]:
    with ctx.ledger.read() as s:
        return [e.type for e in s.exec(select(Event).order_by(Event.seq))]


def test_pin_is_hashed_not_stored(demo_ctx: DeskContext) -> None:
    with demo_ctx.ledger.read() as s:
        clerk = s.exec(select(Clerk).where(Clerk.login == "wangfang")).one()
    assert clerk.pin_hash.startswith("$argon2id$") and "1234" not in clerk.pin_hash


def test_sign_in_and_lockout(demo_ctx: DeskContext, clock: FixedClock) -> None:
    people = demo_ctx.people
    assert people.verify_pin("wangfang", "1234").login == "wangfang"
    for left in (4, 3, 2, 1):
        with pytest.raises(ValidationError) as info:
            people.verify_pin("wangfang", "0000")
        assert f"{left} 次" in info.value.message
    with pytest.raises(RuleViolation):
        people.verify_pin("wangfang", "0000")
    with pytest.raises(RuleViolation) as info:
        people.verify_pin("wangfang", "1234")  # right PIN, still locked
    assert "锁定" in info.value.message
    types = _types(demo_ctx)
    assert types.count("clerk.pin_failed") == 5 and types.count("clerk.locked") == 1
    clock.advance(minutes=11)
    assert people.verify_pin("wangfang", "1234").login == "wangfang"


def test_unknown_login(demo_ctx: DeskContext) -> None:
    with pytest.raises(ValidationError):
        demo_ctx.people.verify_pin("nobody", "1234")


def test_setup_validates_before_writing(ctx: DeskContext) -> None:
    from deskclient.services.people import ClerkInput, WindowInput

    with pytest.raises(ValidationError):
        ctx.people.setup_station(code="ZX 01", name="x", centre="", windows=[WindowInput("1", "民政")],
                                 clerks=[ClerkInput("boss", "主任", "1234", "head")])
    with pytest.raises(ValidationError):
        ctx.people.setup_station(code="ZX01", name="青山镇", centre="", windows=[WindowInput("1", "民政")],
                                 clerks=[ClerkInput("a1", "甲", "1234", "clerk", "1", "A")])  # no head
    assert not ctx.people.is_configured()
    assert _types(ctx) == []


def test_first_events_carry_the_new_station_code(demo_ctx: DeskContext) -> None:
    with demo_ctx.ledger.read() as s:
        events = list(s.exec(select(Event).order_by(Event.seq)))
    assert {e.station for e in events} == {"ZX01"}
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert demo_ctx.ledger.station == "ZX01" and demo_ctx.cases.ledger.station == "ZX01"
