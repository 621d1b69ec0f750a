"""Paint first (issue 20): sign-in is shown from a sqlite3 read of the clerk list while the context
(SQLAlchemy, SQLModel, the services) is still opening; a PIN typed in that time is checked once the
context is open, and the clerk's sign-in is in the ledger."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from tests.ui.conftest import FIXED_NOW, SIZE, Ledger, settle

from deskclient.domain.clock import FixedClock
from deskclient.services.sign_in import sign_in_list
from deskclient.settings import Mode, Paths


def _gated_app(paths: Paths) -> tuple[Any, threading.Event]:
    """The desk with its context opening held until ``gate`` is set (the ORM still loading)."""
    from deskclient.ui.app import make_app

    app = make_app(paths, clock=FixedClock(FIXED_NOW), cursor_blink=False, demo_cases=0)
    gate = threading.Event()
    open_blocking = app._open_blocking

    def held() -> Any:
        gate.wait(60)
        return open_blocking()

    app._open_blocking = held
    return app, gate


async def test_a_pin_typed_before_the_context_is_open_signs_the_clerk_in(station: Paths, ledger: Ledger) -> None:
    from textual.widgets import OptionList

    app, gate = _gated_app(station)
    async with app.run_test(headless=True, size=SIZE) as pilot:
        for _ in range(500):  # until sign-in is mounted and has filled its list (composed is not enough)
            if type(app.screen).__name__ == "SignInScreen" and any(o.option_count for o in app.screen.query(OptionList)):
                break
            await pilot.pause(0.01)
        assert app.ctx is None  # painted from the sqlite3 read
        options = app.screen.query_one("#clerks", OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)][:2] == ["wangfang",
                                                                                                 "liqiang"]
        options.highlighted = 0
        await pilot.press("enter")
        await pilot.press(*"1234")
        await pilot.press("enter")
        await pilot.pause()
        assert app.clerk is None and type(app.screen).__name__ == "SignInScreen"  # waiting for the context
        gate.set()
        for _ in range(1000):
            if type(app.screen).__name__ == "HomeScreen":
                break
            await pilot.pause(0.01)
        await settle(app, pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        assert app.clerk is not None and app.clerk.login == "wangfang"
    signed = ledger.rows("SELECT payload FROM event WHERE type = 'clerk.signed_in'")
    assert len(signed) == 1 and '"window": "1"' in signed[0]["payload"]


async def test_signed_in_before_the_context_goes_home_once_it_is_open(station: Paths) -> None:
    """What the start-up bench does: ``signed_in`` straight from the painted list, before the context."""
    app, gate = _gated_app(station)
    async with app.run_test(headless=True, size=SIZE) as pilot:
        for _ in range(500):
            if type(app.screen).__name__ == "SignInScreen" and app.clerks:
                break
            await pilot.pause(0.01)
        app.signed_in(app.clerks[0])
        await pilot.pause()
        assert app.clerk is None and type(app.screen).__name__ == "SignInScreen"
        gate.set()
        for _ in range(1000):
            if type(app.screen).__name__ == "HomeScreen":
                break
            await pilot.pause(0.01)
        await settle(app, pilot)
        assert type(app.screen).__name__ == "HomeScreen" and app.clerk == app.clerks[0]


def test_the_light_list_answers_only_a_current_configured_ledger(station: Paths, tmp_path: Any) -> None:
    listed = sign_in_list(station)
    assert listed is not None and {c.login for c in listed.clerks} >= {"wangfang", "liqiang"}
    assert all(not hasattr(c, "pin_hash") for c in listed.clerks)
    assert sign_in_list(Paths.resolve(tmp_path / "none", Mode.STATION)) is None  # no ledger: the full open
    con = sqlite3.connect(station.ledger_file)  # a migration pending: the full open (it migrates)
    with con:
        con.execute("UPDATE alembic_version SET version_num = '0001'")
    con.close()
    assert sign_in_list(station) is None
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "ledger.sqlite").write_bytes(b"not a database at all" * 100)
    assert sign_in_list(Paths.resolve(tmp_path / "junk", Mode.STATION)) is None
