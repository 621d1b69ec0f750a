"""A town station made by the first-run wizard with two windows serves every catalog item: an item the
county catalog files under a window this station does not have is registered at the clerk's window,
and the intake screen says so instead of sending the visitor to a window that does not exist; an item
of the station's other window still suggests the transfer (首问负责)."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import SIZE, Ledger, new_app, screen_text, settle, sign_in
from tests.ui.test_desk_paths import register, start_intake
from tests.ui.test_wizard_station_notices import make_wizard_station

from deskclient.strings import ui as T
from deskclient.ui.screens.dialogs import TransferDialog


async def test_item_of_a_window_the_station_lacks_is_served_here(tmp_path: Path) -> None:
    paths = await make_wizard_station(tmp_path / "desk")  # windows 1 and 2 only
    ledger = Ledger(paths)
    app = new_app(paths)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wang", "1234")  # window 1
        await start_intake(app, pilot, "ny-001")  # the county catalog files it under window 5
        shown = screen_text(app)
        assert T.ITEM_NO_SUCH_WINDOW.format(window="5")[:12] in shown
        assert T.ITEM_OTHER_WINDOW.format(window="5")[:10] not in shown
        await register(app, pilot)
    case = ledger.case()
    assert case["window"] == "1" and case["item_code"] == "NY-001"
    assert ledger.events(case["id"])[0] == "case.registered"


async def test_item_of_the_stations_other_window_suggests_the_transfer(tmp_path: Path) -> None:
    paths = await make_wizard_station(tmp_path / "desk")
    app = new_app(paths)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wang", "1234")
        await start_intake(app, pilot, "rs-001")  # window 2, which this station has
        assert T.ITEM_OTHER_WINDOW.format(window="2")[:10] in screen_text(app)
        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, TransferDialog)
        assert app.screen.suggested == "2"
