"""Pilot helpers: a sample station on a temporary data dir, a fixed clock, and ledger assertions
made on the SQLite file itself (not only on the screen)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from deskclient.domain.clock import FixedClock
from deskclient.settings import Mode, Paths

FIXED_NOW = datetime(2026, 11, 24, 9, 30)
SIZE = (120, 40)


@pytest.fixture(scope="session")
def _station_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample station (windows, clerks, PINs hashed) built once, copied per test."""
    from deskclient.services.context import open_context
    from deskclient.services.demo import ensure_demo_station

    root = tmp_path_factory.mktemp("template") / "desk"
    ctx = open_context(Paths.resolve(root, Mode.STATION), clock=FixedClock(FIXED_NOW))
    ensure_demo_station(ctx)
    ctx.close()
    return root


@pytest.fixture
def station(tmp_path: Path, _station_template: Path) -> Paths:
    root = tmp_path / "desk"
    shutil.copytree(_station_template, root)
    return Paths.resolve(root, Mode.STATION)


_SHARED: dict[str, Any] = {}  # the catalog and its search index, built once per test session
_OPEN: list[Any] = []


def new_app(paths: Paths, *, draft_debounce: float = 0.4, **kw: Any) -> Any:
    """The app on ``paths`` with a FixedClock, no cursor blink, and the session's catalog index."""
    from deskclient.services.context import open_context
    from deskclient.ui.app import make_app

    ctx = open_context(paths, clock=FixedClock(FIXED_NOW))
    if "catalog_index" not in _SHARED:
        _SHARED["catalog_load"] = ctx.catalog_load
        _SHARED["catalog_index"] = ctx.catalog_index
    ctx.__dict__.update(_SHARED)
    _OPEN.append(ctx)
    app = make_app(paths, clock=ctx.clock, context=ctx, cursor_blink=False, **kw)
    app.draft_debounce = draft_debounce  # 0: save the draft on every change, no timer to wait for
    return app


@pytest.fixture(autouse=True)
def _close_contexts() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


async def settle(app: Any, pilot: Any, rounds: int = 4) -> None:
    """Let workers finish and their results be painted (no sleeps)."""
    import contextlib

    from textual.worker import WorkerCancelled

    for _ in range(rounds):
        # a screen may replace its own load with a newer one: the cancelled worker is fine
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()


async def sign_in(app: Any, pilot: Any, login: str, pin: str) -> None:
    from textual.widgets import OptionList

    await settle(app, pilot)
    options = app.screen.query_one("#clerks", OptionList)
    index = next(i for i in range(options.option_count) if options.get_option_at_index(i).id == login)
    options.highlighted = index
    options.focus()
    await pilot.press("enter")
    await pilot.press(*pin)
    await pilot.press("enter")
    await settle(app, pilot)


async def type_text(pilot: Any, text: str) -> None:
    await pilot.press(*text)


class Ledger:
    """Read the ledger file directly: what was committed, not what the screen says."""

    def __init__(self, paths: Paths) -> None:
        self.path = paths.ledger_file

    def rows(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        con = sqlite3.connect(self.path)
        con.row_factory = sqlite3.Row
        try:
            return list(con.execute(sql, args))
        finally:
            con.close()

    def case(self, case_no: str | None = None) -> sqlite3.Row:
        if case_no:
            return self.rows("SELECT * FROM 'case' WHERE case_no = ?", case_no)[0]
        return self.rows("SELECT * FROM 'case' ORDER BY created_at DESC, rowid DESC LIMIT 1")[0]

    def events(self, case_id: str) -> list[str]:
        return [r["type"] for r in self.rows("SELECT type FROM event WHERE case_id = ? ORDER BY seq", case_id)]

    def payloads(self, case_id: str, type_: str) -> list[dict[str, Any]]:
        return [json.loads(r["payload"]) for r in
                self.rows("SELECT payload FROM event WHERE case_id = ? AND type = ? ORDER BY seq", case_id, type_)]

    def count(self, sql: str, *args: Any) -> int:
        return int(self.rows(sql, *args)[0][0])


@pytest.fixture
def ledger(station: Paths) -> Iterator[Ledger]:
    yield Ledger(station)


def screen_text(app: Any) -> str:
    """The screen as plain text (for asserting that names show literally)."""
    from rich.console import Console

    update = app.screen._compositor.render_update(full=True)
    with open("/dev/null", "w") as sink:
        con = Console(width=app.size.width, record=True, file=sink, legacy_windows=False)
        con.print(update)
        return con.export_text()
