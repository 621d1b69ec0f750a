"""Issue #19 item 8: every path of the coverage list has a shipped scenario, and the runner's actions
those scenarios need (联办件 notice, 上报件 result returned, 不管件 routing and outcome, 复核 request and
decision, art. 32 deemed acceptance at sign-in, bad-rating visit and rectification) work through the
front-door services, on the training ledger, with the head's PIN checked."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from deskclient.domain.errors import DeskError, ValidationError
from deskclient.domain.scenarios import ScenarioInvalid, parse_scenario
from deskclient.services.training import ScenarioRunner, load_scenarios, open_training_context
from deskclient.settings import Mode, Paths
from deskclient.store.models import Event, Notice, Review
from deskclient.strings import training as T

SCENARIOS = {s.id: s for s in load_scenarios()[0]}


def _steps(pred: Any) -> set[str]:
    return {s.id for s in SCENARIOS.values() for step in s.steps if pred(step)}


#: Each path item 8 asks for, and what a scenario must demonstrate (and check in the ledger) to cover it.
COVERAGE = {
    "联办件": lambda st: st.action == "issue_notice" and st.expect_fields.get("kind") == "joint",
    "上报件跟踪": lambda st: st.action == "result_returned" and st.expect == "case.result_returned",
    "急办件": lambda st: st.action == "urgent" and st.expect == "case.marked_urgent",
    "不管件交办": lambda st: st.action == "route_unowned" and st.expect == "case.routed",
    "不管件结果": lambda st: st.action == "unowned_outcome" and st.expect_fields.get("kind") == "unowned",
    "暂停服务": lambda st: st.action == "pause_desk" and st.expect == "desk.paused",
    "恢复服务": lambda st: st.action == "resume_desk",
    "窗口领取": lambda st: st.action == "complete" and st.expect_fields.get("delivery") == "window",
    "邮寄送达": lambda st: st.action == "complete" and st.args.get("delivery") == "post",
    "差评": lambda st: st.action == "rate" and st.expect_fields.get("level") == "unsatisfied",
    "差评回访": lambda st: st.action == "followup_visit",
    "差评整改": lambda st: st.action == "rectify" and st.expect_fields.get("kind") == "bad_rating",
    "申请复核": lambda st: st.action == "request_review",
    "复核决定": lambda st: st.action == "decide_review" and st.expect == "case.review_decided",
    "收件待审": lambda st: st.action == "check" and st.args.get("outcome") == "examine",
    "视为受理": lambda st: st.expect == "case.deemed_accepted",
    "开班": lambda st: st.action == "open_day",
    "收班": lambda st: st.action == "close_day",
}


@pytest.mark.parametrize("path", list(COVERAGE))
def test_every_path_of_the_coverage_list_has_a_scenario(path: str) -> None:
    assert _steps(COVERAGE[path]), f"no shipped scenario demonstrates {path}"


def _run(tmp_path: Path, scenario: Any, upto: int) -> tuple[Any, ScenarioRunner]:
    """Open a fresh training run of ``scenario`` and demonstrate its steps before index ``upto``."""
    ctx = open_training_context(Paths.resolve(tmp_path, Mode.TRAINING), scenario, fresh=True)
    runner = ScenarioRunner(ctx, scenario)
    for _ in range(upto):
        if runner.step.action:
            runner.demonstrate()
        runner.forward()
    return ctx, runner


def _events(ctx: Any, type_: str) -> list[dict[str, Any]]:
    with ctx.ledger.read() as s:
        return [json.loads(e.payload) if isinstance(e.payload, str) else e.payload
                for e in s.exec(select(Event).where(Event.type == type_))]


def test_joint_notice_is_issued_with_its_departments(tmp_path: Path) -> None:
    scenario = SCENARIOS["15-joint"]
    ctx, runner = _run(tmp_path, scenario, len(scenario.steps))
    try:
        with ctx.ledger.read() as s:
            notices = list(s.exec(select(Notice).where(Notice.case_id == runner.case_id)))
        [joint] = [n for n in notices if n.kind == "joint"]
        assert joint.training and json.loads(joint.detail)["departments"] == [
            "镇人民政府(住建)", "县住房和城乡建设局", "县财政局"]
        assert ctx.cases.get(runner.case_id).case_class == "joint"
        [confirmed] = _events(ctx, "case.joint_departments_confirmed")
        assert confirmed["departments"] == ["镇人民政府(住建)", "县住房和城乡建设局", "县财政局"]
    finally:
        ctx.close()


def test_head_steps_check_the_heads_pin_and_leave_the_clock_on_failure(tmp_path: Path) -> None:
    scenario = SCENARIOS["18-review"]
    decide = next(i for i, st in enumerate(scenario.steps) if st.action == "decide_review")
    wrong = replace(scenario, steps=tuple(
        replace(st, args={**st.args, "head_pin": "0000", "advance_days": 1}) if i == decide else st
        for i, st in enumerate(scenario.steps)))
    ctx, runner = _run(tmp_path, wrong, decide)
    try:
        today = ctx.clock.now()
        with pytest.raises(DeskError):
            runner.demonstrate()
        assert ctx.clock.now() == today
        assert _events(ctx, "case.review_decided") == [] and not runner.is_done()
        with ctx.ledger.read() as s:
            [review] = s.exec(select(Review)).all()
        assert review.decision == ""
    finally:
        ctx.close()


def test_a_decision_needs_a_review_request_first(tmp_path: Path) -> None:
    scenario = SCENARIOS["18-review"]
    request = next(i for i, st in enumerate(scenario.steps) if st.action == "request_review")
    skipped = replace(scenario, steps=scenario.steps[:request] + scenario.steps[request + 1:])
    ctx, runner = _run(tmp_path, skipped, request)
    try:
        with pytest.raises(ValidationError) as info:
            runner.demonstrate()
        assert info.value.message == T.NO_OPEN_REVIEW
    finally:
        ctx.close()


def test_review_overturned_sends_the_case_back_to_be_accepted(tmp_path: Path) -> None:
    scenario = SCENARIOS["18-review"]
    ctx, runner = _run(tmp_path, scenario, len(scenario.steps))
    try:
        [decided] = _events(ctx, "case.review_decided")
        assert decided["decision"] == "overturned" and decided["on_time"] is True
        case = ctx.cases.get(runner.case_id)
        assert case.status == "accepted" and case.due_date is not None
    finally:
        ctx.close()


def test_unowned_is_routed_with_its_limit_and_closed_with_the_outcome(tmp_path: Path) -> None:
    scenario = SCENARIOS["17-unowned"]
    ctx, runner = _run(tmp_path, scenario, len(scenario.steps))
    try:
        [routed] = _events(ctx, "case.routed")
        assert (routed["from_window"], routed["to_window"], routed["limit_days"]) == ("3", "5", 5)
        assert routed["due_date"] == "2026-12-01"  # five working days after Tuesday 24 November
        [closed] = _events(ctx, "followup.closed")
        assert closed["kind"] == "unowned" and closed["on_time"] is True
        assert ctx.cases.get(runner.case_id).window == "5"
    finally:
        ctx.close()


def test_deemed_acceptance_comes_only_after_the_fifth_working_day(tmp_path: Path) -> None:
    """What scenario 19's text promises: examined on Tuesday 24 November, still 收件待审 at the sign-in
    of Tuesday 1 December (the fifth working day), deemed accepted from 24 November at the sign-in of
    Wednesday 2 December."""
    scenario = SCENARIOS["19-five-days"]
    sign_in = next(i for i, st in enumerate(scenario.steps) if st.action == "sign_in")
    early = replace(scenario, steps=tuple(
        replace(st, args={**st.args, "advance_days": 7}) if i == sign_in else st
        for i, st in enumerate(scenario.steps)))
    ctx, runner = _run(tmp_path, early, sign_in)
    try:
        runner.demonstrate()
        assert ctx.clock.today() == date(2026, 12, 1)
        assert ctx.cases.get(runner.case_id).status == "examining" and not runner.is_done()
        runner.demonstrated.clear()
        runner.scenario = scenario  # the next morning: one more day, signing in again
        ctx.clock.advance(days=1)
        runner.ctx.people.verify_pin("wangfang", "1234")
        ctx.run_due_clocks()
        assert runner.is_done()
        case = ctx.cases.get(runner.case_id)
        assert (case.status, str(case.acceptance_date)) == ("accepted", "2026-11-24")
    finally:
        ctx.close()


def test_result_returned_then_completed_at_the_window(tmp_path: Path) -> None:
    scenario = SCENARIOS["16-reported"]
    ctx, runner = _run(tmp_path, scenario, len(scenario.steps))
    try:
        [back] = _events(ctx, "case.result_returned")
        assert back["returned_on"] == "2026-12-04"  # ten days after 24 November
        case = ctx.cases.get(runner.case_id)
        assert (case.status, case.delivery, case.case_class) == ("completed", "window", "reported")
        clocks = ctx.case_clock.clocks(runner.case_id)
        [dept] = [m for m in clocks.milestones if m.kind == "department_return"]
        assert dept.finished_on == date(2026, 12, 4)
    finally:
        ctx.close()


def test_bad_rating_visit_and_rectification_are_recorded_by_the_head(tmp_path: Path) -> None:
    scenario = SCENARIOS["13-bad-rating"]
    ctx, runner = _run(tmp_path, scenario, len(scenario.steps))
    try:
        assert ctx.cases.get(runner.case_id).status == "completed"
        [visited] = _events(ctx, "followup.visited")
        [closed] = _events(ctx, "followup.closed")
        assert visited["kind"] == closed["kind"] == "bad_rating" and closed["on_time"] is True
        heads = {f.followup.status for f in ctx.head_desk.followups("bad_rating", open_only=False)}
        assert heads == {"closed"}
    finally:
        ctx.close()


_HEAD = 'id = "x"\ntitle = "t"\ngoal = "g"\nclock = "2026-11-24T09:00:00"\nclerk = "wangfang"\n'


def test_validator_checks_the_new_actions_arguments() -> None:
    bad = _HEAD + ('\n[[step]]\ntitle = "a"\ndo = "d"\naction = "issue_notice"\nexpect = "notice.issued"\n'
                   '[step.args]\nkind = "passport"\n'
                   '\n[[step]]\ntitle = "b"\ndo = "d"\naction = "decide_review"\nexpect = "case.review_decided"\n'
                   '[step.args]\ndecision = "maybe"\nnote = "n"\nhead = "zhouzhuren"\nhead_pin = "8888"\n'
                   '\n[[step]]\ntitle = "c"\ndo = "d"\naction = "register"\nexpect = "case.registered"\n'
                   '[step.args]\nname = "某人"\n'
                   '\n[[step]]\ntitle = "e"\ndo = "d"\naction = "route_unowned"\nexpect = "case.routed"\n'
                   '[step.args]\nwindow = "5"\n')
    with pytest.raises(ScenarioInvalid) as info:
        parse_scenario(bad, "bad.toml")
    text = "\n".join(p.message for p in info.value.problems)
    assert "passport" in text and "maybe" in text
    assert "register" in text and "item" in text  # no item and not a 不管件
    assert all(arg in text for arg in ("days", "head", "head_pin"))
    lines = bad.splitlines()
    assert {p.line for p in info.value.problems} <= set(range(1, len(lines) + 1))
    good = _HEAD + ('\n[[step]]\ntitle = "c"\ndo = "d"\naction = "register"\nexpect = "case.registered"\n'
                    '[step.args]\nname = "某人"\nunowned = true\n')
    assert parse_scenario(good, "good.toml").steps[0].args["unowned"] is True


async def test_ctrl_b_runs_the_due_clocks_at_once(tmp_path: Path) -> None:
    """Moving the training date (Ctrl+B) shows art. 32 on the day it applies, not at the desk timer's
    next tick ten minutes later: the 收件待审 case of scenario 19 is deemed accepted on the eighth press."""
    from deskclient.ui.app import make_app

    paths = Paths.resolve(tmp_path, Mode.TRAINING)
    paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text("[training]\ndemo_key_delay_s = 0\n", encoding="utf-8")
    ids = [s.id for s in load_scenarios()[0]]
    app = make_app(paths, cursor_blink=False, demo_cases=0)

    async def settle(rounds: int = 4) -> None:
        for _ in range(rounds):
            await app.workers.wait_for_complete()
            await pilot.pause()

    async with app.run_test(size=(120, 40)) as pilot:
        await settle()
        await pilot.press("ctrl+o")
        await settle()
        await pilot.press(*["down"] * ids.index("19-five-days"), "enter")
        await settle(6)
        runner = app.training.runner
        for _ in range(2):  # register, then 收件待审
            await pilot.press("ctrl+d")
            await settle()
            assert runner.is_done()
            await pilot.press("ctrl+right")
            await settle(2)
        case_id = runner.case_id or runner._latest_case_or_none()
        for day in range(1, 9):
            await pilot.press("ctrl+b")
            await settle()
            status = runner.ctx.cases.get(case_id).status
            assert status == ("accepted" if day == 8 else "examining"), (day, status)
        [deemed] = _events(runner.ctx, "case.deemed_accepted")
        assert deemed["acceptance_date"] == "2026-11-24"
        assert _events(runner.ctx, "clerk.signed_in") == []  # the date moved it, not a sign-in
        await pilot.press("ctrl+q")
