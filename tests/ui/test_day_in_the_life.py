"""A clerk's morning, driven through the desk at 80×24 with the keys a clerk presses (issue #14): open the
day; ten visitors of every class, a crash mid-checklist and a transfer among them; an urgent approval,
a reprint, a handover to the B post, and 收班. At the end no open case is without a way forward, and
home's 今日 figures equal the report's and the figures stored at 收班."""

from __future__ import annotations

import json
from typing import Any

from tests.ui.conftest import FIXED_NOW, Ledger, new_app, screen_text, settle, sign_in
from tests.ui.test_desk_paths import confirm_outcome, register, start_intake
from textual.widgets import Input

from deskclient.domain.case_actions import FORWARD_ACTIONS, CaseFacts, allowed_actions
from deskclient.domain.cases import CaseClass, CaseStatus
from deskclient.domain.clock import FixedClock
from deskclient.services.context import open_context
from deskclient.strings import ui as TU
from deskclient.ui.screens.case_detail import CaseDetailScreen
from deskclient.ui.screens.checklist import ChecklistScreen
from deskclient.ui.screens.dialogs import ConfirmDialog, PinDialog, ReasonsDialog
from deskclient.ui.screens.home import HomeScreen
from deskclient.ui.screens.joint_dialog import JointDepartmentsDialog
from deskclient.ui.screens.notice_preview import NoticePreviewScreen

SIZE = (80, 24)


async def home(app: Any, pilot: Any) -> None:
    """Esc until home (a notice, then the case detail)."""
    for _ in range(4):
        if isinstance(app.screen, HomeScreen):
            return
        await pilot.press("escape")
        await settle(app, pilot)
    assert isinstance(app.screen, HomeScreen), screen_text(app)


async def accept(app: Any, pilot: Any, code: str, name: str) -> None:
    await start_intake(app, pilot, code, name=name)
    await register(app, pilot)
    await pilot.press("a", "f9")
    await settle(app, pilot)
    assert isinstance(app.screen, ConfirmDialog)
    await pilot.press("f9")
    await settle(app, pilot)
    if isinstance(app.screen, JointDepartmentsDialog):  # a 联办件: its departments confirmed first (F9)
        await pilot.press("f9")
        await settle(app, pilot, 6)
    assert isinstance(app.screen, NoticePreviewScreen), screen_text(app)
    await pilot.press("f9")  # issue the notice
    await settle(app, pilot)
    await home(app, pilot)


async def test_a_morning_at_window_one(station: Any, ledger: Ledger) -> None:
    app = new_app(station)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        await pilot.press("f6", "o")  # 开班
        await settle(app, pilot)
        assert "已开班" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)

        await accept(app, pilot, "mz-005", "赵一")  # 1 承诺件
        await accept(app, pilot, "mz-001", "钱二")  # 2 上报件
        await accept(app, pilot, "mz-006", "孙三")  # 3 联办件
        await accept(app, pilot, "rs-001", "李四")  # 4 即办件 (done on the spot)

        await start_intake(app, pilot, "mz-004", name="周五", enquiry=True)  # 5 咨询件
        await register(app, pilot)
        await confirm_outcome(app, pilot)
        await home(app, pilot)

        await start_intake(app, pilot, "mz-003", name="吴六")  # 6 补正件
        await register(app, pilot)
        await pilot.press("r", "b")  # the ID card copy is unreadable: 需补正, what is wrong typed in the dialog
        await settle(app, pilot)
        await pilot.press(*"复印件不清晰", "enter", "a")
        await settle(app, pilot)
        await confirm_outcome(app, pilot)
        await home(app, pilot)

        await start_intake(app, pilot, "mz-007", name="郑七")  # 7 退回件
        await register(app, pilot)
        await pilot.press("f6")
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonsDialog)
        await pilot.press("enter", "f9")
        await settle(app, pilot)
        await home(app, pilot)

        await start_intake(app, pilot, "rs-002", name="王八")  # 8 transfer at intake to window 2
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press("enter", *"社保事项", "f9")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)

        await start_intake(app, pilot, "mz-002", name="冯九")  # 9 不管件 (no window covers it)
        await pilot.press("f3", "f9")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        await home(app, pilot)

        await start_intake(app, pilot, "mz-010", name="陈十")  # 10: the power goes mid-checklist
        await register(app, pilot)
        await pilot.press("r", "r")
        await settle(app, pilot)
        app.exit()

    crashed = ledger.case()
    assert crashed["status"] == "registered"
    assert ledger.count("SELECT count(*) FROM casematerial WHERE case_id=? AND state='received'", crashed["id"]) == 2

    app = new_app(station)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        assert isinstance(app.screen, ConfirmDialog)  # resume the checklists left unconfirmed
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, ChecklistScreen)
        first = app.screen.case_id
        await pilot.press("a")
        await confirm_outcome(app, pilot)
        await home(app, pilot)
        for case_id in [r["id"] for r in ledger.rows(
                "SELECT id FROM 'case' WHERE status='registered' AND window='1' AND id != ?", first)]:
            app.push_screen(CaseDetailScreen(case_id))  # the other one: D on its case detail
            await settle(app, pilot)
            await pilot.press("d")
            await settle(app, pilot)
            assert isinstance(app.screen, ChecklistScreen)
            await pilot.press("a")
            await confirm_outcome(app, pilot)
            await home(app, pilot)

        promised = ledger.rows("SELECT id FROM 'case' WHERE applicant_name='赵一'")[0]["id"]
        app.push_screen(CaseDetailScreen(promised))  # the head approves it as urgent at the window
        await settle(app, pilot)
        await pilot.press("u")
        await settle(app, pilot)
        assert isinstance(app.screen, PinDialog)
        app.screen.query_one("#reason").value = "就医急需"
        app.screen.query_one("#pin").focus()
        await pilot.press(*"8888", "enter")
        await settle(app, pilot)
        # seed 003: the approval issued the 急办件通知单 by itself (queued), shown for printing
        assert isinstance(app.screen, NoticePreviewScreen) and app.screen.kind == "urgent"
        assert ledger.rows("SELECT print_state FROM notice WHERE case_id=? AND kind='urgent'",
                           promised)[0]["print_state"] == "queued"
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("v")  # the applicant lost the promise notice: 补打
        await settle(app, pilot)
        assert isinstance(app.screen, NoticePreviewScreen) and "补打" in screen_text(app)
        await pilot.press("f9")
        await settle(app, pilot)
        await home(app, pilot)

        await pilot.press("f7")  # handover to the B post
        await settle(app, pilot)
        app.screen.query_one("#to-pin", Input).focus()
        await pilot.press(*"1234", "f9")
        await settle(app, pilot, 6)
        assert app.clerk is not None and app.clerk.login == "liqiang"

        await pilot.press("f6", "c")  # 收班, confirmed
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert "已收班" in screen_text(app), screen_text(app)
        await pilot.press("escape")  # Esc leaves the day screen
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        home_text = "".join(screen_text(app).split())  # the 今日 line may wrap at 80 columns

    # no case stuck: every open case has a way forward from its case detail
    ctx = open_context(station, clock=FixedClock(FIXED_NOW))
    try:
        for row in ledger.rows("SELECT * FROM 'case'"):
            status = CaseStatus(row["status"])
            if status.is_open:
                facts = CaseFacts(status, CaseClass(row["case_class"]), CaseClass(row["item_class"]),
                                  bool(row["is_urgent"]), row["due_date"] is not None)
                assert allowed_actions(facts) & FORWARD_ACTIONS, (row["case_no"], status)
        assert ledger.count("SELECT count(*) FROM 'case' WHERE status='registered' AND window='1'") == 0
        classes = {r["case_class"] for r in ledger.rows("SELECT case_class FROM 'case'")}
        assert {"promised", "reported", "joint", "immediate", "enquiry", "supplement", "returned",
                "unowned"} <= classes
        urgent = ledger.rows("SELECT * FROM 'case' WHERE is_urgent=1")
        assert [r["case_class"] for r in urgent] == ["promised"]  # 急办 kept the class

        # the figures: home == the window's F12 daily report == the figures stored at 收班
        f = ctx.reports.day_figures(FIXED_NOW.date(), "1") if hasattr(ctx.reports, "day_figures") else None
        from deskclient.services.reports import day_figures

        f = f or day_figures(ctx.engine, FIXED_NOW.date(), "1", now=FIXED_NOW)
        expected = TU.COUNTS.format(registered=f.registered, accepted=f.accepted, completed=f.completed,
                                    returned=f.returned, answered=f.answered, overdue=0)
        assert "".join(expected.split()) in home_text
        [wd] = ledger.rows("SELECT * FROM workday WHERE window='1'")
        stored = json.loads(wd["summary"])
        assert (stored["registered"], stored["accepted"], stored["completed"], stored["returned"]) == (
            f.registered, f.accepted, f.completed, f.returned)
        assert f.registered == 9  # ten visitors, one transferred to window 2
    finally:
        ctx.close()

    reprint = ledger.rows("SELECT * FROM notice WHERE reprint_of IS NOT NULL")
    assert len(reprint) == 1
    assert ledger.count("SELECT count(*) FROM event WHERE type='desk.handover'") == 1
    assert ledger.count("SELECT count(*) FROM event WHERE type='day.closed'") == 1
