"""Issue #14 item 13, on a live desk: a Pilot walk through the screens a clerk sees in a morning (home, the
command palette with a query that finds nothing, intake, the checklist and its 需补正 dialog, key help, a
notification) and the text of each screen scanned for English words (tests/test_clerk_text_is_chinese.py)."""

from __future__ import annotations

from typing import Any

from tests.test_clerk_text_is_chinese import english_words
from tests.ui.conftest import Ledger, new_app, screen_text, settle, sign_in
from tests.ui.test_desk_paths import register, start_intake

from deskclient.strings import ui as TU
from deskclient.ui.screens.defect_dialog import DefectDialog


async def test_a_walk_shows_no_english(station: Any, ledger: Ledger) -> None:
    app = new_app(station)
    seen: dict[str, list[str]] = {}

    def scan(where: str) -> None:
        words = english_words(screen_text(app))
        if words:
            seen[where] = words

    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        scan("home")
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        scan("palette")
        await pilot.press(*"骆驼")
        await settle(app, pilot, 8)
        text = screen_text(app)
        assert TU.PALETTE_NO_MATCH.format(query="骆驼") in text, text  # Textual's "No matches found" never shows
        scan("palette-no-match")
        await pilot.press("escape")
        await settle(app, pilot)
        await start_intake(app, pilot, "mz-005")
        scan("intake")
        await register(app, pilot)
        scan("checklist")
        await pilot.press("b")
        await settle(app, pilot)
        assert isinstance(app.screen, DefectDialog)
        await pilot.press("enter")  # nothing typed: the message says what to do
        await settle(app, pilot)
        scan("defect-dialog")
        await pilot.press("escape", "f9")  # confirm with lines unmarked: the message says what to do
        await settle(app, pilot)
        scan("checklist-pending")
        app.notify_text("测试通知", severity="error")
        await settle(app, pilot)
        scan("toast")
        await pilot.press("f1")
        await settle(app, pilot)
        scan("key-help")
    assert seen == {}
    assert ledger.case()["status"] == "registered"


async def test_a_printer_fix_in_the_settings_file_names_the_real_file(station: Any, ledger: Ledger) -> None:
    """No printer set up: the notice is archived and the clerk is told where the settings file really is."""
    from tests.ui.test_desk_paths import confirm_outcome

    app = new_app(station)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(app, pilot, "zhangmin", "1234")
        await start_intake(app, pilot, "rs-001")
        await register(app, pilot)
        await pilot.press("a")
        await confirm_outcome(app, pilot)
        await pilot.press("f9")
        await settle(app, pilot)
        status = str(app.screen.query_one("#notice-status").render())
        assert str(station.config_file) in status and not english_words(status.replace(str(station.config_file), ""))
    [notice] = ledger.rows("SELECT print_state FROM notice")
    assert notice["print_state"] == "queued"  # kept for 补打 once the printer is set up
