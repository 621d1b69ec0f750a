"""The scenario format a trainer writes: the validator reports every error by file and line, in Chinese;
every key a scenario names exists on the screen it names; broken files are shown, never dropped."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from deskclient.cli import main
from deskclient.domain.scenarios import SCREENS, ScenarioInvalid, keys_in_text, parse_scenario, textual_key
from deskclient.services.training import load_scenarios, trainer_folder
from deskclient.settings import Mode, Paths

DOCS = Path(__file__).resolve().parents[2] / "docs" / "examples"
SCENARIOS, BROKEN = load_scenarios()


def _screen_keys() -> dict[str, set[str]]:
    """Every key each screen answers to: its own bindings, its widgets', the app's and the global ones."""
    from deskclient.ui import navigation
    from deskclient.ui.app import DeskApp
    from deskclient.ui.screens.case_detail import CaseDetailScreen
    from deskclient.ui.screens.checklist import ChecklistScreen
    from deskclient.ui.screens.day import DayScreen
    from deskclient.ui.screens.handover import HandoverScreen
    from deskclient.ui.screens.head import HeadScreen
    from deskclient.ui.screens.home import HomeScreen
    from deskclient.ui.screens.intake import IntakeScreen
    from deskclient.ui.screens.notice_preview import NoticePreviewScreen
    from deskclient.ui.screens.report import ReportScreen
    from deskclient.ui.widgets.checklist import MaterialChecklist

    navigation.load_screen_modules()
    classes = {"home": [HomeScreen], "intake": [IntakeScreen], "checklist": [ChecklistScreen, MaterialChecklist],
               "case_detail": [CaseDetailScreen], "handover": [HandoverScreen], "day": [DayScreen],
               "head": [HeadScreen], "report": [ReportScreen], "notice": [NoticePreviewScreen]}
    everywhere = {e.key for e in navigation.keyed_entries(training=True) if e.key}
    everywhere |= {b.key for b in DeskApp.BINDINGS if hasattr(b, "key")}
    out: dict[str, set[str]] = {}
    for name, kinds in classes.items():
        keys = set(everywhere)
        for kind in kinds:
            for b in kind.BINDINGS:
                for k in getattr(b, "key", "").split(","):
                    keys.add(k.strip())
        out[name] = keys
    return out


def test_shipped_scenarios_are_all_valid() -> None:
    assert BROKEN == []
    assert {s.screen for s in SCENARIOS for s in s.steps if s.screen} <= set(SCREENS)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_every_key_a_scenario_names_exists_on_that_screen(scenario) -> None:
    """S3 told trainees to press N for 不予受理 (N marks 不适用) and S6 to press F6 for a complaint:
    every key named in a step's text must be listed, and must exist on the screen the step names."""
    keys = _screen_keys()
    for n, step in enumerate(scenario.steps, start=1):
        assert set(keys_in_text(step.do)) <= set(step.keys), (scenario.id, n)
        for key in step.keys:
            assert textual_key(key) in keys[step.screen], f"{scenario.id} step {n}: {key} not on {step.screen}"


def test_keys_in_text_finds_function_letters_and_ctrl() -> None:
    assert keys_in_text("按 F2 新建登记,按 N“不适用”,按 Ctrl+D 演示,F10 退出") == ("F2", "Ctrl+D", "F10", "N")
    assert textual_key("Ctrl+→") == "ctrl+right"


def test_worked_example_in_the_guide_is_accepted() -> None:
    s = parse_scenario((DOCS / "scenario-example.toml").read_text(encoding="utf-8"), "scenario-example.toml")
    assert len(s.steps) == 3 and s.steps[1].keys == ("F2", "F9")
    assert [a.key or a.text for a in s.steps[1].inputs][:3] == ["F2", "jycyz", "Enter"]
    assert s.steps[1].inputs[3].into == "a-name" and s.steps[2].notice == "acceptance"


def test_broken_example_in_the_guide_is_refused_with_every_line() -> None:
    text = (DOCS / "scenario-broken.toml").read_text(encoding="utf-8")
    with pytest.raises(ScenarioInvalid) as info:
        parse_scenario(text, "scenario-broken.toml")
    lines = text.splitlines()
    by_line = {p.line: p.message for p in info.value.problems}
    assert lines[5 - 1].startswith("clock") and "2026-13-01" in by_line[5]  # the bad date, on its line
    assert any("registre" in m for m in by_line.values())
    assert any("很好" in m for m in by_line.values())
    assert any("F2" in m and "screen" in m for m in by_line.values())  # a key named with no screen
    assert "F13" in by_line[lines.index('input = [{ key = "R" }, { key = "F13" }]') + 1]
    assert len(info.value.problems) >= 4
    for p in info.value.problems:  # every line given points at the right place in the file
        assert 1 <= p.line <= len(lines)


def test_syntax_error_names_its_line() -> None:
    with pytest.raises(ScenarioInvalid) as info:
        parse_scenario('id = "x"\ntitle = \n', "bad.toml")
    assert info.value.problems[0].line == 2


def test_validate_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["training", "validate", str(DOCS / "scenario-example.toml")]) == 0
    assert "没有发现错误" in capsys.readouterr().out
    assert main(["training", "validate", str(DOCS / "scenario-broken.toml")]) == 1
    err = capsys.readouterr().err
    assert "scenario-broken.toml 第 5 行" in err and "Traceback" not in err


def test_trainer_folder_scenarios_load_and_broken_ones_are_kept(tmp_path: Path) -> None:
    paths = Paths.resolve(tmp_path, Mode.TRAINING)
    folder = trainer_folder(paths)
    folder.mkdir(parents=True)
    (folder / "21-mine.toml").write_text((DOCS / "scenario-example.toml").read_text(encoding="utf-8"),
                                         encoding="utf-8")
    (folder / "22-broken.toml").write_text((DOCS / "scenario-broken.toml").read_text(encoding="utf-8"),
                                           encoding="utf-8")
    good, broken = load_scenarios(folder)
    assert "21-town-example" in {s.id for s in good}
    assert [b.file for b in broken] == ["22-broken.toml"] and broken[0].problems
    shutil.rmtree(folder)  # sample applicants' numbers: not left for the suite-wide privacy scan


def test_input_and_notice_are_checked_every_problem_at_once() -> None:
    """``input`` entries: one of key/type, known keys only, no trainer key, ``into`` only with text;
    the keys a step names must be pressed by its input; ``notice`` must be a notice kind."""
    text = """id = "x"
title = "t"
goal = "g"
clock = "2026-11-24T09:30:00"
clerk = "wangfang"

[[step]]
title = "a"
do = "按 F2 登记,按 F9 确认。"
screen = "intake"
keys = ["F2", "F9"]
input = [{ key = "F2" }, { key = "F2", type = "x" }, { key = "Ctrl+D" }, { key = "A", into = "a-name" },
         { type = "" }, { key = "Down", times = 99 }, { type = "x", into = "1bad" }, { kex = "F9" }]
notice = "nonsense"
"""
    with pytest.raises(ScenarioInvalid) as info:
        parse_scenario(text, "x.toml")
    messages = "\n".join(p.message for p in info.value.problems)
    for n in (2, 3, 4, 5, 6, 7, 8):
        assert f"input 第 {n} 项" in messages, n
    assert "培训老师的按键" in messages and "nonsense" in messages
    assert "F9" in messages and "没有出现在 input 中" in messages  # F9 named, never pressed
    assert all(p.line == 12 or p.line == 14 for p in info.value.problems), [p.line for p in info.value.problems]
