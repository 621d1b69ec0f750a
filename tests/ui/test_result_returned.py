"""The department hands a case's result back to the window (case detail, J): the 上报件 walk of
training scenario 16 done by hand. Asserted on the ledger file (event and the clock it stops)."""

from __future__ import annotations

from tests.ui.conftest import SIZE, Ledger, new_app, screen_text
from tests.ui.test_clock_wiring import footer, open_detail, seed_case, settle, sign_in

from deskclient.domain.case_actions import CaseAction, CaseFacts, allowed_actions
from deskclient.domain.cases import CaseClass, CaseStatus
from deskclient.settings import Paths
from deskclient.strings import clocks_ui as TC
from deskclient.ui.screens.case_detail import CaseDetailScreen
from deskclient.ui.widgets.desk_forms import FormDialog


def test_result_returned_is_offered_once_while_a_promised_clock_runs() -> None:
    running = CaseFacts(CaseStatus.ACCEPTED, CaseClass.REPORTED, CaseClass.REPORTED, has_due_date=True)
    assert CaseAction.RESULT_RETURNED in allowed_actions(running)
    back = CaseFacts(CaseStatus.ACCEPTED, CaseClass.REPORTED, CaseClass.REPORTED, has_due_date=True,
                     result_returned=True)
    assert CaseAction.RESULT_RETURNED not in allowed_actions(back)
    done = CaseFacts(CaseStatus.COMPLETED, CaseClass.REPORTED, CaseClass.REPORTED, has_due_date=True)
    assert CaseAction.RESULT_RETURNED not in allowed_actions(done)


async def test_reported_case_result_returned_then_completed_at_the_window(station: Paths) -> None:
    ledger = Ledger(station)
    case = seed_case(station, "wangfang", "MZ-010")  # 上报件: 县级民政部门审批
    app = new_app(station, demo_cases=0)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        await open_detail(app, pilot, case.id)
        assert f"J {TC.KEY_RESULT_RETURNED}" in footer(app)
        await pilot.press("j")
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"xmj", "f9")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        [ev] = ledger.payloads(case.id, "case.result_returned")
        assert ev["note"] == "xmj" and ev["returned_on"] == "2026-11-24"
        assert TC.KEY_RESULT_RETURNED not in footer(app)  # recorded once
        assert TC.EVENT_LABELS["case.result_returned"] in screen_text(app)
        await pilot.press("c")  # then 办结, handed over at the window (the dialog's first choices)
        await settle(app, pilot)
        await pilot.press("enter", "enter", "f9")
        await settle(app, pilot)
    row = ledger.case(case.case_no)
    assert (row["status"], row["delivery"]) == ("completed", "window")
    events = ledger.events(case.id)
    assert events.index("case.result_returned") < events.index("case.completed")
