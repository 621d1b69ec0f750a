"""Pilot walks through issue #16's reminders and action notices at the desk, asserting on the ledger file:
the reminders list from home (F4) and Enter to the case; 结果已返回 on case detail (seed 003); the head
recording 已告知投诉人延期答复 (投诉制度第六条); the 补报材料通知单 of a 容缺受理 acceptance shown and
printed with the acceptance notice (seed 003)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime
from typing import Any

from tests.ui.conftest import FIXED_NOW, SIZE, Ledger, new_app, screen_text, settle, sign_in
from textual.widgets import DataTable

from deskclient.domain.clock import FixedClock
from deskclient.domain.clock_types import ClockKind
from deskclient.services.context import open_context
from deskclient.ui.screens.case_detail import CaseDetailScreen
from deskclient.ui.screens.head import HeadScreen
from deskclient.ui.screens.home import HomeScreen
from deskclient.ui.screens.notice_preview import NoticePreviewScreen
from deskclient.ui.screens.reminders import ReminderListScreen
from deskclient.ui.widgets.desk_forms import FormDialog

from .conftest import clerk_id, register
from .test_desk_pilot import fill, seed


def _overdue_and_missed(ctx: Any) -> dict[str, Any]:
    """Two cases of window 1: one overdue, one due today with its department result not back."""
    late = register(ctx, "wangfang", seed=1)
    today = register(ctx, "wangfang", seed=2)
    with ctx.ledger.write(None) as tx:
        from deskclient.store.models import Case

        for case, due in ((late, datetime(2026, 11, 20).date()), (today, FIXED_NOW.date())):
            row = tx.session.get(Case, case.id)
            row.due_date = due
            tx.session.add(row)
    return {"late": late, "today": today, "items": ctx.reminders.items("1")}


async def test_home_f4_lists_every_reminder_and_enter_opens_the_case(station: Any) -> None:
    seeded = seed(station, _overdue_and_missed)
    ledger = Ledger(station)
    assert ledger.case(seeded["late"].case_no)["due_date"] == "2026-11-20"  # overdue in the ledger itself
    app = new_app(station, demo_cases=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        assert isinstance(app.screen, HomeScreen)
        assert "F4" in str(app.screen.query_one("#reminders").render())  # the line says how to open it
        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, ReminderListScreen)
        table = app.screen.query_one("#reminder-table", DataTable)
        items = seeded["items"]
        assert table.row_count == len(items) >= 2
        text = screen_text(app)
        assert seeded["late"].case_no in text and "2026-11-21" in text  # since when: the first late day
        await pilot.press("enter")  # the first row: the overdue case
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen) and app.screen.case_id == items[0].case_id
        assert items[0].case_id == seeded["late"].id and items[0].kind is ClockKind.PROMISED


async def test_clerk_records_complaint_delay_from_the_reminders_list(station: Any) -> None:
    """投诉制度第六条 at the window: the complaint's reminder is in the clerk's list (F4) before its day;
    L records the new date and reason (an event by this clerk) and the reminder leaves the list."""
    ctx = open_context(station, clock=FixedClock(datetime(2026, 11, 19, 9, 0)))  # two units: due 11-26
    try:
        cp = ctx.followups.record_complaint(clerk_id(ctx, "wangfang"), channel="phone", content="两个部门互相推诿",
                                            window="1", multi_unit=True)
        clerk = clerk_id(ctx, "wangfang")
    finally:
        ctx.close()
    ledger = Ledger(station)
    app = new_app(station, demo_cases=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        await pilot.press("f4")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReminderListScreen)
        [key] = [k for k, it in screen.items.items() if it.complaint_id == cp.id]
        table = screen.query_one("#reminder-table", DataTable)
        table.move_cursor(row=table.get_row_index(key))
        await pilot.press("l")
        await settle(app, pilot)
        await fill(app, pilot, ["2026-12-02", "需与县局会商"])
        [row] = ledger.rows("SELECT clerk_id, payload FROM event WHERE type='case.complaint_delay_told'")
        assert row["clerk_id"] == clerk and cp.id in row["payload"] and "2026-12-02" in row["payload"]
        assert not [it for it in screen.items.values() if it.complaint_id == cp.id]


async def test_case_detail_records_result_returned(station: Any) -> None:
    """seed 003: the department returns the result by the day before the promised date; B records it."""
    case = seed(station, lambda ctx: register(ctx, "wangfang", seed=3))
    ledger = Ledger(station)
    app = new_app(station, demo_cases=0)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        app.push_screen(CaseDetailScreen(case.id))
        await settle(app, pilot)
        assert app.screen.check_action("result_returned", ()) is True
        await pilot.press("j")
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        await fill(app, pilot, ["县民政局已出证"])
        assert isinstance(app.screen, CaseDetailScreen)
        [payload] = ledger.payloads(case.id, "case.result_returned")
        assert payload["note"] == "县民政局已出证" and payload["returned_on"] == "2026-11-24"
        assert app.screen.check_action("result_returned", ()) is False  # recorded once: the key goes


async def test_head_records_complaint_delay_from_the_complaints_tab(station: Any) -> None:
    """投诉制度第六条: a two-unit complaint due within a calendar week shows 需告知延期 two days before;
    the head records the new date and the reason (an event) and the reminder ends."""

    def complaint(ctx: Any) -> Any:
        head = clerk_id(ctx, "zhouzhuren")
        return ctx.head_desk.record_complaint(head, channel="written", content="多部门推诿", window="1",
                                              multi_unit=True)

    ctx = open_context(station, clock=FixedClock(datetime(2026, 11, 19, 9, 0)))  # due 11-26
    try:
        cp = complaint(ctx)
    finally:
        ctx.close()
    ledger = Ledger(station)
    app = new_app(station, demo_cases=0)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "zhouzhuren", "8888")
        await pilot.press("f8")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, HeadScreen)
        assert screen.head_data.complaints[0].needs_delay_notice
        screen.query_one("#head-tabs").active = "tab-complaints"
        await settle(app, pilot)
        assert "需告知延期" in screen_text(app)
        assert screen.head_data.other.complaints == 1
        await pilot.press("l")
        await settle(app, pilot)
        await fill(app, pilot, ["2026-12-03", "需县局与镇政府会商"])
        [told] = ledger.rows("SELECT payload FROM event WHERE type='case.complaint_delay_told'")
        assert cp.id in told["payload"]
        assert "2026-12-03" in told["payload"] and "需县局与镇政府会商" in told["payload"]
        await settle(app, pilot)
        assert not screen.head_data.complaints[0].needs_delay_notice and screen.head_data.complaints[0].delay_told


async def test_rongque_acceptance_shows_and_prints_the_follow_up_with_the_acceptance(station: Any,
                                                                                   tmp_path: Any) -> None:
    """seed 003 容缺受理 at the window: the checklist with a general material missing is accepted; the
    acceptance preview shows the 补报材料通知单 below; F9 issues the one and prints the other original."""
    from deskclient.services.cases import Intake, PersonInput
    from deskclient.services.demo import make_id_number
    from deskclient.settings import PrinterSettings, save_settings
    from deskclient.ui.screens.checklist import ChecklistScreen
    from deskclient.ui.widgets.checklist import MaterialChecklist

    def registered(ctx: Any) -> Any:
        item = next(it for it in ctx.catalog if it.window == "1" and it.item_class == "promised"
                    and any(not m.main for m in it.materials))
        case = ctx.cases.register(Intake(window="1", item=item, applicant=PersonInput(
            "容缺乙", make_id_number(random.Random(8)))), clerk_id(ctx, "wangfang"))
        general = next(m.position for m in ctx.cases.materials(case.id) if not m.is_main)
        printer = PrinterSettings(kind="file", device=str(tmp_path / "p.pdf"))  # a printer that prints
        save_settings(ctx.paths.config_file, replace(ctx.settings, printer=printer))
        return case, general

    case, general = seed(station, registered)
    ledger = Ledger(station)
    app = new_app(station, demo_cases=0)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        app.push_screen(ChecklistScreen(case.id, decide=True))
        await settle(app, pilot)
        await pilot.press("a")  # everything received ...
        app.screen.query_one(MaterialChecklist).move_cursor(row=general)
        await pilot.press("m")  # ... but one general material
        await settle(app, pilot)
        await pilot.press("f9")  # the proposal (容缺受理) and its confirmation
        await settle(app, pilot)
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, NoticePreviewScreen) and app.screen.companions == ("follow_up",)
        app.screen.query_one("#notice-scroll").scroll_end(animate=False)  # shown below the acceptance notice
        await settle(app, pilot)
        assert "随同出具:补报材料通知单" in screen_text(app)
        [follow] = ledger.rows("SELECT * FROM notice WHERE case_id=? AND kind='follow_up'", case.id)
        assert follow["print_state"] == "queued"
        await pilot.press("f9")
        await settle(app, pilot)
        rows = ledger.rows("SELECT kind, print_state, reprint_of FROM notice WHERE case_id=? ORDER BY issued_at",
                           case.id)
        assert sorted((r["kind"], r["print_state"], r["reprint_of"]) for r in rows) == [
            ("follow_up", "printed", None), (app.screen.kind, "printed", None)]
        printed = ledger.rows("SELECT payload FROM event WHERE type='notice.printed' AND case_id=?", case.id)
        assert len(printed) == 2
