"""Training mode in the real app: every scenario walks end to end under Pilot, on the training ledger
only, with no network call (asserted by recording every socket connect)."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from tests.training.pilot_support import settle

from deskclient.services.training import load_scenarios
from deskclient.settings import Mode, Paths
from deskclient.ui.widgets.training_panel import TrainingPanel

SCENARIOS, _ = load_scenarios()


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record (and refuse) every outgoing connection attempt made while the test runs."""
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise OSError("network disabled in training tests")

    def refuse_create(address: Any, *a: Any, **k: Any) -> None:
        attempts.append(address)
        raise OSError("network disabled in training tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse_create)
    return attempts


_settle = settle


def _panel_text(app: Any) -> str:
    """The guide panel's text: of the top screen, or of the screen under a notice preview or dialog."""
    for screen in reversed(app.screen_stack):
        panels = list(screen.query(TrainingPanel))
        if panels:
            return str(panels[0].render())
    raise AssertionError("no training panel on any screen")


@pytest.mark.parametrize("index", range(len(SCENARIOS)), ids=[s.id for s in SCENARIOS])
async def test_scenario_end_to_end_in_the_app(tmp_path: Path, index: int, no_network: list[Any]) -> None:
    from deskclient.ui.app import make_app

    scenario = SCENARIOS[index]
    paths = Paths.resolve(tmp_path, Mode.TRAINING)
    paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text("[training]\ndemo_key_delay_s = 0\n", encoding="utf-8")  # Ctrl+D types at once
    app = make_app(paths, cursor_blink=False, demo_cases=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("ctrl+o")
        await _settle(app, pilot)
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("enter")
        await _settle(app, pilot, rounds=6)
        assert app.training.runner is not None and app.training.runner.scenario.id == scenario.id
        assert app.clerk is not None and app.clerk.login == scenario.clerk
        assert scenario.title in _panel_text(app)
        for i, step in enumerate(scenario.steps):
            assert f"第 {i + 1}/{len(scenario.steps)} 步" in _panel_text(app)
            if step.action:
                assert "○" in _panel_text(app), f"{scenario.id} step {i + 1} shown done too early"
                await pilot.press("ctrl+d")
                await _settle(app, pilot)
            assert app.training.runner.is_done(), f"{scenario.id} step {i + 1} ({step.title})"
            assert "✓" in _panel_text(app)
            await pilot.press("ctrl+right")
            await pilot.pause()
        expected = [s.expect for s in scenario.steps if s.expect]
        run_ledger = app.training.runner.ctx.paths.ledger_file
        await pilot.press("ctrl+q")
    # the training run's ledger holds the scenario's events; the station's ledger was never created
    assert run_ledger.is_relative_to(paths.data_dir)
    con = sqlite3.connect(run_ledger)
    types = {r[0] for r in con.execute("SELECT type FROM event")}
    con.close()
    assert set(expected) <= types
    station = Paths.resolve(tmp_path, Mode.STATION)
    assert not station.ledger_file.exists()
    assert no_network == []


async def test_reset_and_step_back(tmp_path: Path, no_network: list[Any]) -> None:
    from deskclient.ui.app import make_app

    paths = Paths.resolve(tmp_path, Mode.TRAINING)
    app = make_app(paths, cursor_blink=False, demo_cases=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        await pilot.press("ctrl+o", "enter")
        await _settle(app, pilot, rounds=6)
        await pilot.press("ctrl+right", "ctrl+d")
        await _settle(app, pilot)
        assert app.training.runner.is_done()
        await pilot.press("ctrl+left")
        await pilot.pause()
        assert app.training.runner.index == 0
        await pilot.press("ctrl+r")  # asks first: Esc keeps the practice data
        await _settle(app, pilot)
        await pilot.press("escape")
        await _settle(app, pilot)
        assert app.training.runner.is_done(1)
        await pilot.press("ctrl+r")
        await _settle(app, pilot)
        await pilot.press("f9")
        await _settle(app, pilot, rounds=6)
        assert app.training.runner.index == 0
        assert not app.training.runner.is_done(1)  # a new practice run
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert app.screen.query_one(TrainingPanel).has_class("-hidden")
        await pilot.press("ctrl+q")
    assert no_network == []


async def test_station_mode_has_no_trainer_keys(tmp_path: Path) -> None:
    from deskclient.ui.app import make_app

    app = make_app(Paths.resolve(tmp_path, Mode.DEMO), cursor_blink=False, demo_cases=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        assert app.training is None
        assert not list(app.screen.query(TrainingPanel))
        actions = [b.action for bs in app._bindings.key_to_bindings.values() for b in bs]
        assert actions and not any("training" in a for a in actions)
        await pilot.press("ctrl+q")


async def test_step_done_by_hand_ticks_the_panel(tmp_path: Path, no_network: list[Any]) -> None:
    """A step done by hand (here the check, written the way the checklist screen writes it) turns the
    panel's ○ into ✓ on the next poll, without the trainer pressing anything (half the work does not:
    tests/training/test_trainees_and_handouts.py::test_half_done_check_is_not_shown_done)."""
    from deskclient.domain.cases import MaterialState, Outcome
    from deskclient.services.cases import CheckInput
    from deskclient.ui.app import make_app

    index = next(i for i, s in enumerate(SCENARIOS) if s.id == "02-dibao-missing")
    app = make_app(Paths.resolve(tmp_path, Mode.TRAINING), cursor_blink=False, demo_cases=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("ctrl+o")
        await _settle(app, pilot)
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("enter")
        await _settle(app, pilot, rounds=6)
        await pilot.press("ctrl+right", "ctrl+d")
        await _settle(app, pilot)
        await pilot.press("ctrl+right")
        await _settle(app, pilot)
        runner = app.training.runner
        assert "○" in _panel_text(app)
        case_id = runner._latest_case()
        mats = app.ctx.cases.materials(case_id)

        def check(missing: set[str], defective: str) -> None:
            app.ctx.cases.confirm_outcome(case_id, runner.clerk_id(), [
                CheckInput(m.position, MaterialState.DEFECTIVE, "未签字") if m.name == defective else
                CheckInput(m.position, MaterialState.MISSING if m.name in missing else MaterialState.RECEIVED)
                for m in mats], Outcome.SUPPLEMENT)

        check({"家庭成员患病、残疾等证明"}, "家庭收入和财产状况申报表")
        assert "○" in _panel_text(app)  # nothing redrew the panel yet
        app.training._poll()
        await _settle(app, pilot)
        assert "✓" in _panel_text(app)
        await pilot.press("ctrl+q")
    assert no_network == []
