"""F8 → G, S (告知书信息): the head changes what refusals and lookups print, at 80×24, confirmed with
the head's PIN; asserted on settings.toml and the ledger's event (issue #15)."""

from __future__ import annotations

from tests.ui.conftest import Ledger, new_app, screen_text, settle, sign_in

from deskclient.settings import Paths, load_settings
from deskclient.ui.widgets.desk_forms import FormDialog


async def test_head_sets_the_notice_lines_at_80x24(station: Paths, ledger: Ledger) -> None:
    app = new_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "zhouzhuren", "8888")
        await pilot.press("f8")
        await settle(app, pilot)
        await pilot.press("g")
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        shown = screen_text(app)
        for label in ("复议机关", "诉讼法院", "进度查询电话", "投诉电话", "F9"):
            assert label in shown, shown  # every field and the key to save fit on 80×24
        court = dialog.query_one("#f-court")
        court.value = "某某市铁路运输法院"
        dialog.query_one("#f-head_pin").value = "8888"
        await pilot.press("f9")
        await settle(app, pilot)
        assert "告知书信息已保存" in screen_text(app)
    assert load_settings(station.config_file).station.court == "某某市铁路运输法院"
    [row] = ledger.rows("SELECT payload FROM event WHERE type = 'station.notice_lines_changed'")
    assert "某某市铁路运输法院" in row["payload"]
