"""Leaving the desk when the office *refuses* (wrong token) or the link is unsafe (plain HTTP to
another machine): the exit message says which, never "离线", and every record stays in the ledger."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import settle
from tests.ui.test_exit_sync import _app_with_office, _unsent

from deskclient.settings import Paths


async def test_refused_token_is_named_not_offline(station: Paths, tmp_path: Path) -> None:
    from tests.central.central_support import start_server

    from deskclient.central.admin import add_station
    from deskclient.central.db import make_engine

    office = make_engine(f"sqlite:///{tmp_path / 'office.sqlite'}")
    add_station(office, "ZX01", "示例镇便民服务中心")
    server = start_server(office)
    try:
        before = _unsent(station)
        app = _app_with_office(station, server.url, "a-token-the-office-never-issued")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press("ctrl+q")
            await settle(app, pilot, rounds=8)
        assert app.return_code == 0 and _unsent(station) == before
        assert "站点令牌无效" in app.exit_message and "离线" not in app.exit_message
    finally:
        server.stop()


async def test_plain_http_to_another_machine_is_named(station: Paths) -> None:
    before = _unsent(station)
    app = _app_with_office(station, "http://10.20.30.40:8700", "token-x", timeout_s=1.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+q")
        await settle(app, pilot, rounds=8)
    assert app.return_code == 0 and _unsent(station) == before
    assert "明文" in app.exit_message and "离线" not in app.exit_message
