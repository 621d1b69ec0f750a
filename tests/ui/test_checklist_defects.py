"""The 需补正 mark on the one-time checklist (issue #14 after #16): B marks a material that is there but not
in legal form and asks what is wrong; the mark is saved as made; the outcome follows the rule in
docs/decisions.md ("补正, 退回件 and 容缺受理"). Every walk asserts on the ledger."""

from __future__ import annotations

from typing import Any

from tests.ui.conftest import Ledger, screen_text, settle
from tests.ui.test_desk_paths import at_checklist, confirm_outcome

from deskclient.ui.screens.case_detail import CaseDetailScreen
from deskclient.ui.screens.checklist import ChecklistScreen
from deskclient.ui.screens.defect_dialog import DefectDialog
from deskclient.ui.widgets.checklist import MaterialChecklist


async def defect(app: Any, pilot: Any, problem: str) -> None:
    await pilot.press("b")
    await settle(app, pilot)
    assert isinstance(app.screen, DefectDialog)
    await pilot.press(*problem, "enter")
    await settle(app, pilot)
    assert isinstance(app.screen, ChecklistScreen)


def states(ledger: Ledger, case_id: str) -> list[tuple[str, str]]:
    return [(r["state"], r["problem"]) for r in ledger.rows(
        "SELECT state, problem FROM casematerial WHERE case_id=? ORDER BY position", case_id)]


async def test_art32_main_defective_proposes_supplement_listing_defects_and_missing(station: Any,
                                                                                     ledger: Ledger) -> None:
    """A main material not in legal form → 补正告知书 naming it with what is wrong, and the missing general one."""
    async with at_checklist(station, "mz-005") as (app, pilot):
        await pilot.press("r")
        await defect(app, pilot, "复印件不清晰")
        await pilot.press("r", "r", "m")
        await settle(app, pilot)
        text = screen_text(app)
        assert "主件需补正" in text and "申请人居民身份证(复印件不清晰)" in text and "退回件" not in text
        await confirm_outcome(app, pilot)
        notice = str(app.screen.query_one("#notice-text").render())
        assert "补正告知书" in notice and "复印件不清晰" in notice and "授权委托书" in notice
    case = ledger.case()
    assert (case["status"], case["case_class"]) == ("awaiting_supplement", "supplement")
    assert states(ledger, case["id"])[1] == ("defective", "复印件不清晰")
    [requested] = ledger.payloads(case["id"], "case.supplement_requested")
    assert [(m["name"], m["state"], m["problem"]) for m in requested["missing"]] == [
        ("申请人居民身份证", "defective", "复印件不清晰"), ("授权委托书及代办人居民身份证", "missing", "")]


async def test_seed003_general_defective_is_accepted_with_what_to_correct(station: Any, ledger: Ledger) -> None:
    """Main materials complete and in form, a general one needing correction → 容缺受理, 补报 lists it."""
    async with at_checklist(station, "mz-005") as (app, pilot):
        await pilot.press("r", "r", "r", "r")
        await defect(app, pilot, "未签字")
        assert "容缺受理" in screen_text(app) and "授权委托书及代办人居民身份证(未签字)" in screen_text(app)
        await confirm_outcome(app, pilot)
    case = ledger.case()
    assert case["status"] == "accepted" and case["due_date"] is not None
    assert ledger.payloads(case["id"], "case.accepted")[0]["follow_up"] == ["授权委托书及代办人居民身份证"]


async def test_defect_dialog_cancelled_or_empty_changes_nothing(station: Any, ledger: Ledger) -> None:
    async with at_checklist(station, "mz-005") as (app, pilot):
        await pilot.press("b")
        await settle(app, pilot)
        await pilot.press("enter")  # nothing typed: the dialog says what is needed and stays
        await settle(app, pilot)
        assert isinstance(app.screen, DefectDialog) and "要写明问题" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ChecklistScreen)
        assert app.screen.query_one(MaterialChecklist).cursor_row == 0
    case = ledger.case()
    assert {s for s, _ in states(ledger, case["id"])} == {"pending"}
    assert "case.materials_marked" not in ledger.events(case["id"])


async def test_art32_corrected_material_brought_back_is_accepted(station: Any, ledger: Ledger) -> None:
    """The visitor comes back with the corrected material (S on the case detail): R clears the defect."""
    async with at_checklist(station, "mz-005") as (app, pilot):
        await defect(app, pilot, "未签字")
        await pilot.press("a")
        await settle(app, pilot)
        await confirm_outcome(app, pilot)
        case = ledger.case()
        app.push_screen(CaseDetailScreen(case["id"]))
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, ChecklistScreen) and app.screen.supplement
        await pilot.press("r")
        await settle(app, pilot)
        await confirm_outcome(app, pilot)
    row = ledger.case(case["case_no"])
    assert row["status"] == "accepted" and row["acceptance_date"] is not None
    assert states(ledger, case["id"])[0] == ("received", "")
    assert ledger.payloads(case["id"], "case.supplement_received")[0]["still_missing"] == []
