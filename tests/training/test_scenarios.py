"""Every shipped training scenario runs end to end on the training ledger (service level)."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskclient.domain.errors import ValidationError
from deskclient.domain.scenarios import ScenarioInvalid
from deskclient.services.training import (
    ScenarioRunner,
    load_phrasebook,
    load_scenarios,
    open_training_context,
    parse_scenario,
)
from deskclient.settings import Mode, Paths

SCENARIOS, PROBLEMS = load_scenarios()  # PROBLEMS: broken files, none shipped


def test_at_least_eight_scenarios_all_valid() -> None:
    assert PROBLEMS == []
    assert len(SCENARIOS) >= 8
    assert len({s.id for s in SCENARIOS}) == len(SCENARIOS)
    for s in SCENARIOS:
        assert any(step.say for step in s.steps), s.id


def test_phrasebook_has_courtesy_and_forbidden() -> None:
    book = load_phrasebook()
    assert set(book.courtesy) == {"您好", "请", "对不起", "谢谢", "再见"}
    assert "我不知道,你去问别人。" in book.forbidden


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario_runs_end_to_end(tmp_path: Path, scenario) -> None:
    paths = Paths.resolve(tmp_path, Mode.TRAINING)
    ctx = open_training_context(paths, scenario, fresh=True)
    try:
        runner = ScenarioRunner(ctx, scenario)
        for i, step in enumerate(scenario.steps):
            assert runner.index == i
            if step.action:
                assert not runner.is_done(), f"{scenario.id} step {i + 1} done before it was performed"
                runner.demonstrate()
            assert runner.is_done(), f"{scenario.id} step {i + 1} ({step.title}) not done"
            runner.forward()
        # stepping back and replaying from a fresh ledger works too
        runner.back()
        assert runner.index == len(scenario.steps) - 2 or len(scenario.steps) == 1
    finally:
        ctx.close()
    replay = open_training_context(paths, scenario, fresh=True)
    try:
        again = ScenarioRunner(replay, scenario)
        first_action = next(i for i, s in enumerate(scenario.steps) if s.action)
        assert not again.is_done(first_action)
    finally:
        replay.close()
    # nothing was written outside the training folder
    assert not (tmp_path / "ledger.sqlite").exists()


def test_holiday_scenario_due_date(tmp_path: Path) -> None:
    scenario = next(s for s in SCENARIOS if s.id == "08-holiday")
    ctx = open_training_context(Paths.resolve(tmp_path, Mode.TRAINING), scenario, fresh=True)
    runner = ScenarioRunner(ctx, scenario)
    runner.demonstrate()
    runner.forward()
    runner.demonstrate()
    case = ctx.cases.get(runner.case_id)
    assert str(case.due_date) == "2026-10-20"  # the date the scenario's courtesy phrase promises
    ctx.close()


def test_training_refuses_station_paths(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        open_training_context(Paths.resolve(tmp_path, Mode.STATION))


def test_broken_scenario_file_lists_every_problem_with_its_line() -> None:
    with pytest.raises(ScenarioInvalid) as info:
        parse_scenario('id = "x"\ntitle = "t"\n', "99-broken.toml")
    text = str(info.value)
    assert "99-broken.toml" in text
    assert {"goal", "clerk", "clock"} <= {f for f in ("goal", "clerk", "clock") if f in text}
