"""Leaving the desk: the sync screen sends the outbox to a real office on loopback, or says the
records are safe locally when the office cannot be reached. It never traps the clerk."""

from __future__ import annotations

import socket
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

from tests.ui.conftest import settle

from deskclient.settings import CentralSettings, Paths


def _unsent(paths: Paths) -> int:
    con = sqlite3.connect(paths.ledger_file)
    n = con.execute("SELECT COUNT(*) FROM event WHERE sent_at IS NULL AND set_aside_reason = ''").fetchone()[0]
    con.close()
    return int(n)


def _app_with_office(station: Paths, url: str, token: str, timeout_s: float = 5.0) -> Any:
    from tests.ui.conftest import new_app

    app = new_app(station)
    ctx = app.ctx
    ctx.settings = replace(ctx.settings, central=CentralSettings(url=url, token=token,
                                                                   exit_sync_timeout_s=timeout_s))
    return app


async def test_exit_sync_sends_everything_to_the_office(station: Paths, tmp_path: Path) -> None:
    from tests.central.central_support import start_server

    from deskclient.central.admin import add_station
    from deskclient.central.db import make_engine

    office = make_engine(f"sqlite:///{tmp_path / 'office.sqlite'}")
    token = add_station(office, "ZX01", "示例镇便民服务中心")
    server = start_server(office)
    try:
        before = _unsent(station)
        assert before > 0
        app = _app_with_office(station, server.url, token)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press("ctrl+q")
            await settle(app, pilot, rounds=8)
        assert _unsent(station) == 0
        assert "已发送" in app.exit_message
        with office.connect() as conn:
            stored = conn.exec_driver_sql("SELECT COUNT(*) FROM central_event WHERE station = 'ZX01'").scalar()
        assert stored == before
    finally:
        server.stop()


async def test_exit_without_a_reachable_office_keeps_everything(station: Paths) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    before = _unsent(station)
    app = _app_with_office(station, dead, "token-x", timeout_s=1.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+q")
        await settle(app, pilot, rounds=8)
    assert app.return_code == 0
    assert _unsent(station) == before
    assert f"离线:{before} 条记录已安全保存在本机" in app.exit_message
