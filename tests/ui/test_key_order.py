"""Keys typed faster than the screen reacts (an ID-card reader, a fast clerk, tmux send-keys) are
handled in the order typed: a Tab between two numbers moves to the next field before the second
number is typed. Keys are posted to the app all at once, without waiting between them, as a
terminal delivers a burst; the ledger holds what was typed in the right places."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.ui.conftest import SIZE, Ledger, new_app, settle, sign_in
from tests.ui.test_wizard_station_notices import make_wizard_station
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input

from deskclient.ui.key_order import KeysInOrder
from deskclient.ui.screens.intake import IntakeScreen

ID_NO = "11010519491231002X"
PHONE = "13812345678"


def burst(app: Any, text: str) -> None:
    """Post every key at once, as the terminal driver's thread does: no sender (a key made inside the
    app is stopped at the screen, which would hide a key handled twice). "\t" is Tab, "\r" is Enter."""
    for ch in text:
        key = events.Key("tab", None) if ch == "\t" else events.Key("enter", "\r") if ch == "\r" else events.Key(ch, ch)
        key._sender = None
        app.post_message(key)


class ThreeFields(KeysInOrder, App[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="a")
        yield Input(id="b")
        yield Input(id="c")


class PlainThreeFields(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="a")
        yield Input(id="b")
        yield Input(id="c")


async def _typed(app: App[None]) -> list[str]:
    async with app.run_test() as pilot:
        burst(app, f"{ID_NO}\t{PHONE}\tabc")
        for _ in range(3):
            await pilot.pause()
        # and the focus is where the last key was typed (a Tab handled twice moves it on again)
        return [i.value for i in app.query(Input)] + [app.focused.id if app.focused else ""]


async def test_a_burst_with_tabs_fills_each_field_in_order() -> None:
    assert await _typed(ThreeFields()) == [ID_NO, PHONE, "abc", "c"]


async def test_without_the_fix_textual_puts_the_burst_in_the_first_field() -> None:
    """Documents the behaviour the fix exists for (Textual 8): if this ever passes with the plain app,
    Textual fixed it upstream and ``KeysInOrder`` can go."""
    assert await _typed(PlainThreeFields()) != [ID_NO, PHONE, "abc", "c"]


async def test_intake_burst_from_an_id_card_reader_lands_in_the_right_fields(tmp_path: Path) -> None:
    paths = await make_wizard_station(tmp_path / "desk")
    ledger = Ledger(paths)
    app = new_app(paths)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wang", "1234")
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, IntakeScreen)
        await pilot.press(*"mz-001")
        await settle(app, pilot)
        await pilot.press("enter")  # the item; the cursor is now in the name field
        await settle(app, pilot)
        burst(app, f"张三\t{ID_NO}\t{PHONE}")
        await settle(app, pilot)
        s = app.screen
        assert [s.query_one(f"#{f}").value for f in ("a-name", "a-id", "a-phone")] == ["张三", ID_NO, PHONE]
        assert app.focused is s.query_one("#a-phone").input  # each Tab moved the cursor once
        await pilot.press("f9")  # register
        await settle(app, pilot)
    case = ledger.case()
    assert case["item_code"] == "MZ-001" and case["applicant_name"] == "张三"
    assert case["applicant_id_no"] == ID_NO and case["applicant_phone"] == PHONE
    assert ledger.events(case["id"])[0] == "case.registered"
