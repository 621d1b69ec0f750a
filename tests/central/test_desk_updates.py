"""Catalog / holiday updates reach the open desk too (its background round), and ``deskclient sync``
says so with its exit code when an update could not be applied."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from central_support import local_events, start_server

from deskclient.central.admin import add_station, publish
from deskclient.central.db import make_engine
from deskclient.cli import main
from deskclient.domain.clock import FixedClock
from deskclient.services.cases import Intake, PersonInput
from deskclient.services.context import open_context
from deskclient.services.demo import CLERKS, WINDOWS
from deskclient.settings import CentralSettings, Mode, Paths, Settings, save_settings

HOLIDAYS = Path(__file__).resolve().parents[2] / "data" / "holidays"
CODE = "QS13"
NOW = datetime(2026, 11, 24, 9, 30)


def wizard_station(root: Path, office_url: str, token: str) -> Paths:
    """A station set up through the services (as the first-run wizard does), one case registered,
    and the settings file with the office address and the token the county gave it."""
    paths = Paths.resolve(root, Mode.STATION)
    ctx = open_context(paths, clock=FixedClock(NOW))
    ctx.people.setup_station(code=CODE, name="青石镇便民服务中心", centre="青石镇便民服务中心",
                             windows=list(WINDOWS), clerks=list(CLERKS))
    ctx.refresh_station()
    clerk = next(c for c in ctx.people.clerks() if c.window == "1")
    item = next(it for it in ctx.catalog if it.materials and not it.is_immediate)
    ctx.cases.register(Intake(window="1", item=item, applicant=PersonInput("张桂兰", "510107198802114568",
                                                                          "13900001234")), clerk.id)
    ctx.close()
    save_settings(paths.config_file, Settings(central=CentralSettings(url=office_url, token=token)))
    return paths


def _unsent(paths: Paths) -> int:
    from deskclient.store.db import open_ledger

    engine = open_ledger(paths.ledger_file)
    try:
        return sum(1 for e in local_events(engine) if not e["sent"])
    finally:
        engine.dispose()


def _office(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'office.sqlite'}")
    token = add_station(engine, CODE, "青石镇便民服务中心")
    publish(engine, "holidays", HOLIDAYS)
    return engine, token, start_server(engine)


def test_desk_background_round_sends_then_asks_for_updates(tmp_path: Path) -> None:
    engine, token, server = _office(tmp_path)
    try:
        paths = wizard_station(tmp_path / "desk", server.url, token)
        ctx = open_context(paths, clock=FixedClock(NOW))
        try:
            result, updates = ctx.link.background_round(timeout_s=10.0)
        finally:
            ctx.close()
    finally:
        server.stop()
    assert result.ok and result.remaining == 0 and _unsent(paths) == 0, result.message
    assert updates is not None and set(updates.status) == {"catalog", "holidays"}
    assert updates.status["catalog"] == "none"  # asked: nothing published
    assert updates.status["holidays"] in ("applied", "refused")  # asked and answered (not offline)
    if updates.status["holidays"] == "applied":
        assert (paths.data_dir / "holidays" / "2026.toml").read_text(encoding="utf-8") == \
            (HOLIDAYS / "2026.toml").read_text(encoding="utf-8")
    engine.dispose()


def test_sync_command_exits_non_zero_when_the_update_fails(tmp_path: Path) -> None:
    engine, token, server = _office(tmp_path)
    try:
        paths = wizard_station(tmp_path / "desk", server.url, token)
        assert _unsent(paths) > 0
        (paths.data_dir / "holidays.new").write_text("in the way", encoding="utf-8")  # cannot stage the update
        code = main(["--data-dir", str(paths.data_dir), "sync", "--timeout", "30"])
    finally:
        server.stop()
    assert code == 4 and _unsent(paths) == 0  # the records went; the update did not
    assert main(["--data-dir", str(paths.data_dir), "sync", "--no-updates", "--timeout", "30"]) == 0
    engine.dispose()
