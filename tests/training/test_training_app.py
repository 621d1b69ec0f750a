"""Training mode in the real app: reset and step back, the trainer's keys only in training mode, a step
done by hand ticking the panel. Every shipped scenario's walk through the real app (typed and
demonstrated, on the training ledger only, with no network call) is in test_typed_and_demonstrated.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.training.pilot_support import panel_text, settle

from deskclient.services.training import load_scenarios
from deskclient.settings import Mode, Paths
from deskclient.ui.widgets.training_panel import TrainingPanel

SCENARIOS, _ = load_scenarios()


async def test_reset_and_step_back(tmp_path: Path, no_network: list[Any]) -> None:
    from deskclient.ui.app import make_app

    paths = Paths.resolve(tmp_path, Mode.TRAINING)
    app = make_app(paths, cursor_blink=False, demo_cases=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+o", "enter")
        await settle(app, pilot, rounds=6)
        await pilot.press("ctrl+right", "ctrl+d")
        await settle(app, pilot)
        assert app.training.runner.is_done()
        await pilot.press("ctrl+left")
        await pilot.pause()
        assert app.training.runner.index == 0
        await pilot.press("ctrl+r")  # asks first: Esc keeps the practice data
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.training.runner.is_done(1)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        await pilot.press("f9")
        await settle(app, pilot, rounds=6)
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
        await settle(app, pilot)
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
        await settle(app, pilot)
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(app, pilot, rounds=6)
        await pilot.press("ctrl+right", "ctrl+d")
        await settle(app, pilot)
        await pilot.press("ctrl+right")
        await settle(app, pilot)
        runner = app.training.runner
        assert "○" in panel_text(app)
        case_id = runner._latest_case()
        mats = app.ctx.cases.materials(case_id)

        def check(missing: set[str], defective: str) -> None:
            app.ctx.cases.confirm_outcome(case_id, runner.clerk_id(), [
                CheckInput(m.position, MaterialState.DEFECTIVE, "未签字") if m.name == defective else
                CheckInput(m.position, MaterialState.MISSING if m.name in missing else MaterialState.RECEIVED)
                for m in mats], Outcome.SUPPLEMENT)

        check({"家庭成员患病、残疾等证明"}, "家庭收入和财产状况申报表")
        assert "○" in panel_text(app)  # nothing redrew the panel yet
        app.training._poll()
        await settle(app, pilot)
        assert "✓" in panel_text(app)
        await pilot.press("ctrl+q")
    assert no_network == []
