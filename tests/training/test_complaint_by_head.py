"""Scenario 06: the complaint is recorded by the centre head, who signs in at the desk (F10) to do it;
a window clerk cannot open the head's desk, so the scenario must not ask one to (issue #19's note)."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from deskclient.services.training import ScenarioRunner, load_scenarios, open_training_context
from deskclient.settings import Mode, Paths
from deskclient.store.models import Complaint, Event


def test_scenario_06_complaint_is_recorded_by_the_head(tmp_path: Path) -> None:
    scenario = next(s for s in load_scenarios()[0] if s.id == "06-complaint")
    step = next(st for st in scenario.steps if st.action == "complaint")
    assert step.args["head"] and "F10" in step.keys and step.inputs[0].key == "F10"
    ctx = open_training_context(Paths.resolve(tmp_path, Mode.TRAINING), scenario, fresh=True)
    try:
        runner = ScenarioRunner(ctx, scenario)
        for _ in scenario.steps:
            if runner.step.action:
                runner.demonstrate()
            runner.forward()
        head = next(c for c in ctx.people.heads() if c.login == step.args["head"])
        with ctx.ledger.read() as s:
            [event] = s.exec(select(Event).where(Event.type == "case.complaint")).all()
            [row] = s.exec(select(Complaint)).all()
        assert event.clerk_id == head.id
        assert row.complainant_name == "王海燕" and "王海燕" not in event.payload
    finally:
        ctx.close()
