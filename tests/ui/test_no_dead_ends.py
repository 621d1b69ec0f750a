"""Issue #14: a clerk's whole day with no dead ends. One Pilot walk per item of the issue, each asserting
on the ledger file (rows and events), not only on the screen."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from tests.ui.conftest import FIXED_NOW, Ledger, new_app, screen_text, settle, sign_in
from tests.ui.test_desk_paths import at_checklist, confirm_outcome, start_intake
from textual.widgets import DataTable, Input

from deskclient.domain.clock import FixedClock
from deskclient.domain.errors import DeskError
from deskclient.services.context import open_context
from deskclient.ui.screens.case_detail import CaseDetailScreen
from deskclient.ui.screens.checklist import ChecklistScreen
from deskclient.ui.screens.defect_dialog import DefectDialog
from deskclient.ui.screens.dialogs import CompletionDialog, ConfirmDialog, ExtensionDialog, PinDialog
from deskclient.ui.screens.home import HomeScreen
from deskclient.ui.screens.intake import IntakeScreen
from deskclient.ui.screens.notice_preview import NoticePreviewScreen
from deskclient.ui.widgets.desk_forms import FormDialog
from deskclient.ui.widgets.key_bar import KeyBar

SIZES = ((80, 24), (120, 40))
HEAD_PIN = "8888"  # services.demo.DEMO_HEAD_PIN


def seed(paths: Any, fn: Any) -> Any:
    ctx = open_context(paths, clock=FixedClock(FIXED_NOW))
    try:
        return fn(ctx)
    finally:
        ctx.close()


async def open_case(app: Any, pilot: Any, case_id: str) -> None:
    app.push_screen(CaseDetailScreen(case_id))
    await settle(app, pilot)


def stack_types(app: Any) -> list[str]:
    return [type(s).__name__ for s in app.screen_stack]


# --- 1. every open case has a way forward; marks are saved as made; a crash loses nothing ----------------
async def test_item1_esc_and_crash_in_checklist_lose_nothing_and_resume(station: Any, ledger: Ledger) -> None:
    async with at_checklist(station, "mz-005", size=(80, 24)) as (app, pilot):
        await pilot.press("r", "b")  # two marks (each moves down a line): the second one 需补正, asked what is wrong
        await settle(app, pilot)
        assert isinstance(app.screen, DefectDialog)
        await pilot.press(*"未签字", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ChecklistScreen) and "未签字" in screen_text(app), screen_text(app)
        await pilot.press("escape")  # then the clerk leaves with Esc
        await settle(app, pilot)
        case = ledger.case()
        assert case["status"] == "registered"
        states = [r["state"] for r in ledger.rows("SELECT state FROM casematerial WHERE case_id=? ORDER BY position",
                                                  case["id"])]
        assert states[:2] == ["received", "defective"] and set(states[2:]) == {"pending"}
        assert ledger.rows("SELECT problem FROM casematerial WHERE case_id=? AND position=1", case["id"])[0][
            "problem"] == "未签字"
        marked = ledger.payloads(case["id"], "case.materials_marked")
        assert {"position": 1, "name": "申请人居民身份证", "state": "defective", "problem": "未签字"} in [
            x for p in marked for x in p["marks"]]
        await open_case(app, pilot, case["id"])  # case detail offers the way forward: D
        assert app.screen.check_action("decide", ()) is True
        await pilot.press("d")
        await settle(app, pilot)
        assert isinstance(app.screen, ChecklistScreen)
        await pilot.press("down", "down", "r")  # one more mark, then the power goes
        await settle(app, pilot)
        app.exit()
    states = [r["state"] for r in ledger.rows("SELECT state FROM casematerial WHERE case_id=? ORDER BY position",
                                              case["id"])]
    assert states[:3] == ["received", "defective", "received"]

    app = new_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        assert isinstance(app.screen, ConfirmDialog) and case["case_no"] in screen_text(app)  # the resume offer
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, ChecklistScreen)
        assert "未签字" in screen_text(app)  # the mark and what is wrong survived the crash
        await pilot.press("a")  # the rest received; the main material needing correction -> 补正告知
        await settle(app, pilot)
        assert "补正告知" in screen_text(app) and "退回件" not in screen_text(app)
        await confirm_outcome(app, pilot)
        notice = str(app.screen.query_one("#notice-text").render())  # the whole notice, as it prints
        assert "补正告知书" in notice and "申请人居民身份证" in notice and "未签字" in notice
    row = ledger.case(case["case_no"])
    assert (row["status"], row["case_class"]) == ("awaiting_supplement", "supplement")
    assert ledger.payloads(case["id"], "case.supplement_requested")[0]["missing"] == [
        {"name": "申请人居民身份证", "main": True, "state": "defective", "problem": "未签字"}]


def test_item1_every_open_status_has_a_way_forward() -> None:
    from deskclient.domain.case_actions import FORWARD_ACTIONS, CaseFacts, allowed_actions
    from deskclient.domain.cases import OPEN_STATUSES, CaseClass

    for status in OPEN_STATUSES:
        for cls in CaseClass:
            facts = CaseFacts(status=status, case_class=cls, item_class=cls, has_due_date=True)
            assert allowed_actions(facts) & FORWARD_ACTIONS, (status, cls)


# --- 2. 补打 carries the original's date, number and mark ---------------------------------------------------
async def test_item2_reprint_is_a_copy_of_the_original(station: Any, ledger: Ledger) -> None:
    async with at_checklist(station, "mz-005", size=(120, 40)) as (app, pilot):
        await pilot.press("a")
        await confirm_outcome(app, pilot)
        await pilot.press("f9")  # the original promise notice
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        app.ctx.clock.now = lambda: FIXED_NOW.replace(hour=11)  # reprinted later the same morning
        await pilot.press("v")
        await settle(app, pilot)
        assert isinstance(app.screen, NoticePreviewScreen) and "补打" in screen_text(app)
        await pilot.press("f9")
        await settle(app, pilot)
    case = ledger.case()
    original, copy = ledger.rows("SELECT * FROM notice WHERE case_id=? ORDER BY rowid", case["id"])
    assert original["reprint_of"] is None and copy["reprint_of"] == original["id"]
    assert copy["kind"] == original["kind"] == "promise"
    events = [json.loads(r["payload"]) for r in ledger.rows(
        "SELECT payload FROM event WHERE type='notice.issued' AND case_id=? ORDER BY seq", case["id"])]
    assert events[1]["reprint_of"] == original["id"]


def test_item2_a_printed_copy_empties_the_queue(demo_ctx: Any, tmp_path: Any) -> None:
    from dataclasses import replace

    from deskclient.domain.cases import MaterialState, Outcome
    from deskclient.services.cases import CheckInput, Intake, PersonInput
    from deskclient.services.notices.issue import issue_notice, reprint_notice
    from deskclient.settings import PrinterSettings

    clerk = next(c for c in demo_ctx.people.clerks() if c.login == "wangfang")
    item = demo_ctx.catalog.get("MZ-005")
    case = demo_ctx.cases.register(Intake("1", item, PersonInput("张三", "11010519491231002X")), clerk.id)
    checks = [CheckInput(m.position, MaterialState.RECEIVED) for m in demo_ctx.cases.materials(case.id)]
    demo_ctx.cases.confirm_outcome(case.id, clerk.id, checks, Outcome.ACCEPT)
    dead = PrinterSettings(kind="file", device=str(tmp_path / "no" / "such" / "\0bad"))
    fields = demo_ctx.notices.catalog_overrides("MZ-005")  # what a promise notice must say from the catalog
    first = issue_notice(demo_ctx.ledger, case.id, "promise", clerk.id, archive_dir=tmp_path / "a", printer=dead,
                         **fields)
    assert not first.printed and [n.notice_id for n in demo_ctx.handover.pending_notices("1")] == [first.notice_id]
    ok = replace(dead, device=str(tmp_path / "job.bin"), format="text")
    copy = reprint_notice(demo_ctx.ledger, case.id, "promise", clerk.id, archive_dir=tmp_path / "a", printer=ok,
                          **fields)
    assert copy.printed
    assert demo_ctx.handover.pending_notices("1") == []  # the first copy left the queue with it
    from sqlmodel import select

    from deskclient.store.models import Event, Notice

    with demo_ctx.ledger.read() as s:
        assert s.get(Notice, first.notice_id).print_state == "superseded"
        assert s.exec(select(Event).where(Event.type == "notice.superseded")).one().case_id == case.id


# --- 3. the applicant's 复核 request is recorded at the window, with its clock ------------------------------
async def test_item3_review_request_from_case_detail(station: Any, ledger: Ledger) -> None:
    def returned(ctx: Any) -> Any:
        from deskclient.domain.cases import MaterialState, Outcome
        from deskclient.services.cases import CheckInput, Intake, PersonInput

        clerk = next(c for c in ctx.people.clerks() if c.login == "wangfang")
        case = ctx.cases.register(Intake("1", ctx.catalog.get("MZ-001"), PersonInput("李四", "11010519491231002X")),
                                  clerk.id)
        checks = [CheckInput(m.position, MaterialState.RECEIVED) for m in ctx.cases.materials(case.id)]
        return ctx.cases.confirm_outcome(case.id, clerk.id, checks, Outcome.REJECT, reasons=["不符合申请条件"])

    case = seed(station, returned)
    app = new_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        await open_case(app, pilot, case.id)
        assert "复核申请" in app.screen.query_one(KeyBar).text()
        await pilot.press("f")
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one("#f-reason", Input).value = "家庭收入计算有误"
        await pilot.press("f9")
        await settle(app, pilot)
        assert app.screen.check_action("review", ()) is False  # one open request at a time
    [review] = ledger.rows("SELECT * FROM review WHERE case_id=?", case.id)
    assert review["reason"] == "家庭收入计算有误" and review["due_date"] == "2026-11-27"  # three working days
    assert ledger.payloads(case.id, "case.review_requested")[0]["due_date"] == "2026-11-27"
    assert seed(station, lambda ctx: [r.case_no for r in ctx.head_desk.reviews()]) == [case.case_no]


# --- 4. 办结 records the result: a refusal with reasons ------------------------------------------------------
async def test_item4_refusal_at_completion(station: Any, ledger: Ledger) -> None:
    async with at_checklist(station, "mz-005", size=(80, 24)) as (app, pilot):
        await pilot.press("a")
        await confirm_outcome(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, CompletionDialog)
        app.screen.query_one("#result").highlighted = 1  # 不予批准
        await pilot.press("f9")  # no reasons: refused in the dialog
        await settle(app, pilot)
        assert "理由" in screen_text(app) and ledger.case()["status"] == "accepted"
        app.screen.query_one("#result-reasons").text = "年龄未满八十周岁"
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, NoticePreviewScreen)
        assert "不予批准" in screen_text(app)
    case = ledger.case()
    assert (case["status"], case["result"], case["result_reasons"], case["delivery"]) == (
        "completed", "refused", "年龄未满八十周岁", "window")
    done = ledger.payloads(case["id"], "case.completed")[0]
    assert done["result"] == "refused" and done["reasons"] == ["年龄未满八十周岁"]


# --- 5. the head's PIN field is visible; 急办 keeps the class and heads the queue --------------------------
async def test_item5_pin_field_visible_in_urgent_and_extension_dialogs(station: Any) -> None:
    for size in SIZES:
        app = new_app(station)
        async with app.run_test(size=size) as pilot:
            await sign_in(app, pilot, "wangfang", "1234")
            for dialog in (PinDialog("急办", [("zhouzhuren", "周主任")], reason_label="理由"),
                           ExtensionDialog([("zhouzhuren", "周主任")])):
                app.push_screen(dialog)
                await settle(app, pilot)
                box, pin = dialog.query_one("#dialog").region, dialog.query_one("#pin").region
                assert pin.width >= 8 and box.contains_region(pin), (size, type(dialog).__name__, pin, box)
                dialog.dismiss(None)
                await settle(app, pilot)


async def test_item10_urgent_keeps_its_class_and_goes_first(station: Any, ledger: Ledger) -> None:
    def three(ctx: Any) -> Any:
        from tests.desk.conftest import register as reg

        return {c.id: c for c in (reg(ctx, "wangfang", seed=n) for n in (1, 2, 3))}

    cases = seed(station, three)
    app = new_app(station)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        table = app.screen.query_one("#queue", DataTable)
        first = cases[str(table.coordinate_to_cell_key((2, 0)).row_key.value)]  # last of three, newest first
        await open_case(app, pilot, first.id)
        await pilot.press("u")
        await settle(app, pilot)
        assert isinstance(app.screen, PinDialog)
        app.screen.query_one("#reason").value = "就医急需"
        app.screen.query_one("#pin").focus()
        await pilot.press(*HEAD_PIN, "enter")
        await settle(app, pilot)
        await pilot.press("escape")  # the 急办件通知单 issued with the approval (seed 003)
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        table = app.screen.query_one("#queue", DataTable)
        assert table.coordinate_to_cell_key((0, 0)).row_key.value == first.id  # urgent first now
    row = ledger.case(first.case_no)
    assert (row["is_urgent"], row["case_class"]) == (1, "promised")  # the class is not overwritten
    assert ledger.payloads(first.id, "case.marked_urgent")[0]["approved_by"]
    assert ledger.count("SELECT count(*) FROM notice WHERE case_id=? AND kind='urgent'", first.id) == 1


# --- 6. station administration ------------------------------------------------------------------------------
async def test_item6_head_unlocks_a_locked_clerk(station: Any, ledger: Ledger) -> None:
    from deskclient.ui.screens.admin import AdminScreen

    def lock(ctx: Any) -> None:
        for _ in range(5):
            with contextlib.suppress(DeskError):  # a wrong PIN raises, as intended
                ctx.people.verify_pin("liqiang", "0000")

    seed(station, lock)
    app = new_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "zhouzhuren", HEAD_PIN)
        await pilot.press("f8")
        await settle(app, pilot)
        await pilot.press("g")
        await settle(app, pilot)
        assert isinstance(app.screen, AdminScreen) and "已锁定" in screen_text(app)
        table = app.screen.query_one("#clerks", DataTable)
        table.move_cursor(row=table.get_row_index("liqiang"))
        await pilot.press("l")
        await settle(app, pilot)
        app.screen.query_one("#f-head_pin", Input).value = HEAD_PIN
        await pilot.press("f9")
        await settle(app, pilot)
        assert "已解除锁定" in screen_text(app)
    clerk = ledger.rows("SELECT * FROM clerk WHERE login='liqiang'")[0]
    assert clerk["locked_until"] is None and clerk["failed_pins"] == 0
    [ev] = ledger.rows("SELECT clerk_id, payload FROM event WHERE type='clerk.unlocked'")
    head = ledger.rows("SELECT id FROM clerk WHERE login='zhouzhuren'")[0]["id"]
    assert ev["clerk_id"] == head and json.loads(ev["payload"])["login"] == "liqiang"


# --- 7. screens do not pile up --------------------------------------------------------------------------------
async def test_item7_next_visitor_and_transfer_return_home(station: Any, ledger: Ledger) -> None:
    earlier = seed(station, lambda ctx: __import__("tests.desk.conftest", fromlist=["register"]).register(
        ctx, "wangfang", seed=4))
    app = new_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        await open_case(app, pilot, earlier.id)  # the earlier visitor's case is open
        await start_intake(app, pilot, "rs-002")  # F2: the next visitor
        assert stack_types(app)[-2:] == ["HomeScreen", "IntakeScreen"]
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press("enter", *"社保事项", "f9")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "CaseDetailScreen" not in stack_types(app)
    assert ledger.case()["window"] == "2"


# --- 8. deleting a draft needs a second yes ------------------------------------------------------------------
async def test_item8_draft_is_deleted_only_after_confirming(station: Any, ledger: Ledger) -> None:
    app = new_app(station, draft_debounce=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        await start_intake(app, pilot, "mz-004", name="李四")
        await settle(app, pilot)
        app.exit()
    assert ledger.count("SELECT count(*) FROM draft") == 1
    for answer, left in (("escape", 1), ("y", 0)):
        app = new_app(station)
        async with app.run_test(size=(80, 24)) as pilot:
            await sign_in(app, pilot, "wangfang", "1234")
            await pilot.press("escape")  # 放弃草稿 on the offer...
            await settle(app, pilot)
            assert isinstance(app.screen, ConfirmDialog) and "无法找回" in screen_text(app)  # ...asks again
            await pilot.press(answer)
            await settle(app, pilot)
        assert ledger.count("SELECT count(*) FROM draft") == left


# --- 11. home's figures are the report's ---------------------------------------------------------------------
async def test_item11_home_counts_equal_the_window_report(station: Any, ledger: Ledger) -> None:
    from deskclient.services.reports import day_figures
    from deskclient.strings import ui as TU

    def day(ctx: Any) -> Any:
        from tests.desk.conftest import register as reg

        reg(ctx, "wangfang", "promised", seed=1)
        reg(ctx, "wangfang", "reported", seed=2)
        reg(ctx, "wangfang", accept=False, seed=3)
        reg(ctx, "zhangmin", "immediate", seed=5)  # another window: not in window 1's figures
        return day_figures(ctx.engine, FIXED_NOW.date(), "1", now=FIXED_NOW)

    f = seed(station, day)
    app = new_app(station)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        await pilot.press("escape")  # the resume offer for the undecided registration
        await settle(app, pilot)
        line = TU.COUNTS.format(registered=f.registered, accepted=f.accepted, completed=f.completed,
                                returned=f.returned, answered=f.answered, overdue=0)
        assert line in screen_text(app)
        assert (f.registered, f.accepted) == (3, 2)
        await pilot.press("f12")
        await settle(app, pilot)
        text = screen_text(app)
        assert ("仅本窗口" in text and "1号" in text.split("\n")[2]) or "仅本窗口" in text


# --- 12. every key of every screen shows, whole, at 80×24 -------------------------------------------------------
async def test_item12_key_bar_shows_every_key_whole(station: Any) -> None:
    from deskclient.ui.screens.admin import AdminScreen
    from deskclient.ui.screens.day import DayScreen
    from deskclient.ui.screens.handover import HandoverScreen
    from deskclient.ui.screens.head import HeadScreen
    from deskclient.ui.screens.report import ReportScreen

    case = seed(station, lambda ctx: __import__("tests.desk.conftest", fromlist=["register"]).register(
        ctx, "wangfang", seed=7))
    for size in SIZES:
        app = new_app(station)
        async with app.run_test(size=size) as pilot:
            await sign_in(app, pilot, "wangfang", "1234")
            screens = [None, IntakeScreen(), CaseDetailScreen(case.id), ChecklistScreen(case.id, decide=True),
                       DayScreen(), HandoverScreen(), HeadScreen(), ReportScreen(), AdminScreen()]
            for screen in screens:
                if screen is not None:
                    app.push_screen(screen)
                    await settle(app, pilot)
                bar = app.screen.query_one(KeyBar)
                shown = bar.text()
                wanted = [b.binding for b in app.screen.active_bindings.values() if b.binding.show and b.enabled]
                for b in wanted:
                    chunk = f"{app.get_key_display(b)} {b.description}"
                    assert chunk in shown, (size, type(app.screen).__name__, chunk, shown)
                assert "palette" not in shown and "命令" in shown
                assert bar.region.height <= 3 and bar.region.right <= size[0]
                text = screen_text(app)
                assert all(line.rstrip() == line.rstrip()[:size[0]] for line in text.splitlines())
                if screen is not None:
                    app.pop_screen()
                    await settle(app, pilot)


async def test_item12_dialog_labels_are_whole_at_80_columns(station: Any) -> None:
    from deskclient.strings import ui as TU
    from deskclient.ui.screens.dialogs import ComplaintDialog

    app = new_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        for dialog, labels in ((ComplaintDialog(), [TU.COMPLAINT_NAME, TU.COMPLAINT_MULTI]),
                               (CompletionDialog(), [TU.COMPLETE_ADDRESS, TU.COMPLETE_RESULT, TU.COMPLETE_DELIVERY])):
            app.push_screen(dialog)
            await settle(app, pilot)
            text = screen_text(app)
            for label in labels:
                assert label in text, (type(dialog).__name__, label)
            dialog.dismiss(None)
            await settle(app, pilot)


# --- 13. no technical English reaches the clerk ---------------------------------------------------------------
def test_item13_every_event_has_a_chinese_name() -> None:
    from deskclient.domain.events import EventType
    from deskclient.strings import clocks_ui as TC
    from deskclient.strings import ui as TU

    case_events = [e for e in EventType if e.value.split(".")[0] in ("case", "notice", "followup")]
    missing = [e.value for e in case_events if e.value not in TU.EVENT_LABELS and e.value not in TC.EVENT_LABELS]
    assert missing == []


async def test_item13_timeline_names_notices_in_chinese(station: Any) -> None:
    async with at_checklist(station, "mz-005", size=(120, 40)) as (app, pilot):
        await pilot.press("r", "b")  # a main material not in legal form: the supplement notice
        await settle(app, pilot)
        await pilot.press(*"复印件不清晰", "enter", "a")
        await settle(app, pilot)
        await confirm_outcome(app, pilot)
        await pilot.press("f9", "escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        text = screen_text(app)
        assert "补正告知书" in text or "补正" in text
        for english in ("supplement", "followup.", "notice.issued", "materials_marked"):
            assert english not in text, english


# --- 14. the catalog's material notes reach the checklist -------------------------------------------------------
async def test_item14_material_notes_on_the_checklist(station: Any) -> None:
    async with at_checklist(station, "mz-004", size=(120, 40)) as (app, _pilot):
        text = screen_text(app)
        assert "材料说明" in text and "村(居)委会签署意见" in text
