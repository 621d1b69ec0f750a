"""Who practised what (per trainee and scenario: right, with help, wrong) survives a reset; the class
summary counts each step once; handouts print a scenario's steps and the phrasebook as A4 PDF."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from deskclient.cli import main
from deskclient.services.trainees import TraineeBook, step_result
from deskclient.services.training import ScenarioRunner, load_scenarios, open_training_context
from deskclient.settings import Mode, Paths

SCENARIOS, _ = load_scenarios()
DIBAO = next(s for s in SCENARIOS if s.id == "02-dibao-missing")


def test_step_results_right_help_wrong_and_a_reset_keeps_them(tmp_path: Path) -> None:
    paths = Paths.resolve(tmp_path, Mode.TRAINING)
    book = TraineeBook.for_paths(paths)
    book.name("  张  小明 ")
    ctx = open_training_context(paths, DIBAO, fresh=True)
    runner = ScenarioRunner(ctx, DIBAO)
    at = datetime(2026, 11, 24, 10, 0)
    assert book.record_step(runner, 0, at) is None  # a talking step records nothing
    runner.forward()
    assert step_result(runner, 1) == "wrong"  # not done yet
    runner.demonstrate()
    assert book.record_step(runner, 1, at) == "help"  # the program showed it
    runner.forward()
    # the trainee does the check by hand: through the same service the screen calls
    from deskclient.domain.cases import MaterialState, Outcome
    from deskclient.services.cases import CheckInput

    mats = ctx.cases.materials(runner._latest_case())
    ctx.cases.confirm_outcome(runner._latest_case(), runner.clerk_id(), [
        CheckInput(m.position, MaterialState.DEFECTIVE, "未签字") if m.name == "家庭收入和财产状况申报表"
        else CheckInput(m.position, MaterialState.MISSING if m.name == "家庭成员患病、残疾等证明"
                        else MaterialState.RECEIVED) for m in mats], Outcome.SUPPLEMENT)
    assert book.record_step(runner, 2, at) == "right"
    ctx.close()
    # a reset starts a new run; the record stays
    again = open_training_context(paths, DIBAO, fresh=True)
    again.close()
    rows = book.summary()
    assert [(r.trainee, r.scenario, r.right, r.help, r.wrong) for r in rows] == [("张 小明", DIBAO.id, 1, 1, 0)]
    csv_text = book.summary_csv()
    assert csv_text.startswith("\ufeff学员,场景")


def test_half_done_check_is_not_shown_done(tmp_path: Path) -> None:
    """Marking only one of the two materials to supplement must not tick the step: it expects both."""
    from deskclient.domain.cases import MaterialState, Outcome
    from deskclient.services.cases import CheckInput

    ctx = open_training_context(Paths.resolve(tmp_path, Mode.TRAINING), DIBAO, fresh=True)
    runner = ScenarioRunner(ctx, DIBAO)
    runner.forward()
    runner.demonstrate()
    runner.forward()
    mats = ctx.cases.materials(runner._latest_case())
    ctx.cases.confirm_outcome(runner._latest_case(), runner.clerk_id(),
                              [CheckInput(m.position, MaterialState.DEFECTIVE, "未签字")
                               if m.name == "家庭收入和财产状况申报表"
                               else CheckInput(m.position, MaterialState.RECEIVED) for m in mats], Outcome.SUPPLEMENT)
    assert not runner.is_done()
    ctx.close()


def test_demonstrating_twice_registers_one_case(tmp_path: Path) -> None:
    ctx = open_training_context(Paths.resolve(tmp_path, Mode.TRAINING), DIBAO, fresh=True)
    runner = ScenarioRunner(ctx, DIBAO)
    runner.forward()
    runner.demonstrate()
    runner.demonstrate()
    with ctx.ledger.read() as s:
        n = s.connection().exec_driver_sql("SELECT COUNT(*) FROM \"case\"").scalar()
    assert n == 1
    ctx.close()


def test_failed_demonstration_leaves_the_clock(tmp_path: Path) -> None:
    """Step 4 moves the clock three days; failing (no case registered) must leave it where it was."""
    ctx = open_training_context(Paths.resolve(tmp_path, Mode.TRAINING), DIBAO, fresh=True)
    runner = ScenarioRunner(ctx, DIBAO)
    runner.index = 3
    before = ctx.clock.now()
    import pytest

    from deskclient.domain.errors import DeskError

    with pytest.raises(DeskError):
        runner.demonstrate()
    assert ctx.clock.now() == before
    ctx.close()


def test_handout_pdf_has_steps_phrases_and_phrasebook(tmp_path: Path) -> None:
    from pypdf import PdfReader

    out = tmp_path / "handout.pdf"
    assert main(["--data-dir", str(tmp_path), "training", "handout", "--scenario", DIBAO.id,
                 "--phrasebook", "-o", str(out)]) == 0
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert DIBAO.title in text
    assert "请说" in text and "忌语" in text
    assert "我不知道,你去问别人" in text  # a forbidden phrase from the phrasebook
    assert len(reader.pages) >= 2


def test_summary_command_without_records(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--data-dir", str(tmp_path), "training", "summary"]) == 0
    assert "还没有学员练习记录" in capsys.readouterr().out
