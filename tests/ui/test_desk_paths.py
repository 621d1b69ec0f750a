"""End-to-end walks through the desk with Pilot, asserting on the ledger file (rows and events)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from tests.ui.conftest import SIZE, Ledger, new_app, screen_text, settle, sign_in
from textual.widgets import OptionList

from deskclient.ui.screens.case_detail import CaseDetailScreen
from deskclient.ui.screens.checklist import ChecklistScreen
from deskclient.ui.screens.dialogs import ConfirmDialog, ReasonsDialog, TransferDialog
from deskclient.ui.screens.home import HomeScreen
from deskclient.ui.screens.intake import IntakeScreen
from deskclient.ui.screens.notice_preview import NoticePreviewScreen
from deskclient.ui.widgets.checklist import MaterialChecklist

ID_NO = "11010519491231002X"
PHONE = "13800138000"


async def start_intake(app: Any, pilot: Any, query: str, name: str = "张三", id_no: str = ID_NO,
                       *, enquiry: bool = False) -> None:
    await pilot.press("f2")
    await settle(app, pilot)
    assert isinstance(app.screen, IntakeScreen)
    await pilot.press(*query)
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)
    assert app.screen.item is not None and app.screen.item.code == query.upper()
    if enquiry:
        await pilot.press("f7")
    await pilot.press(*name)
    # long numbers are set in one go (as a paste would): each keystroke costs a repaint
    app.screen.query_one("#a-id").value = id_no
    app.screen.query_one("#a-phone").value = PHONE
    await settle(app, pilot)


async def register(app: Any, pilot: Any) -> None:
    await pilot.press("f9")
    await settle(app, pilot)
    assert isinstance(app.screen, ChecklistScreen), screen_text(app)


@asynccontextmanager
async def at_checklist(station: Any, query: str, name: str = "张三", id_no: str = ID_NO, *, enquiry: bool = False,
                       login: str = "wangfang", size: tuple[int, int] = SIZE) -> AsyncIterator[tuple[Any, Any]]:
    """The walk most desk tests start with: the desk on ``station``, a clerk signed in, a visitor registered
    for the item ``query``, and the one-time checklist open. Yields ``(app, pilot)``."""
    app = new_app(station)
    async with app.run_test(size=size) as pilot:
        await sign_in(app, pilot, login, "1234")
        await start_intake(app, pilot, query, name, id_no, enquiry=enquiry)
        await register(app, pilot)
        yield app, pilot


async def confirm_outcome(app: Any, pilot: Any) -> None:
    await pilot.press("f9")
    await settle(app, pilot)
    assert isinstance(app.screen, ConfirmDialog)
    await pilot.press("f9")
    await settle(app, pilot)
    assert isinstance(app.screen, NoticePreviewScreen), screen_text(app)


async def test_accept_immediate_is_completed_on_the_spot(station: Any, ledger: Ledger) -> None:
    app = new_app(station)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "zhangmin", "1234")
        assert isinstance(app.screen, HomeScreen)
        await start_intake(app, pilot, "rs-001")
        await register(app, pilot)
        await pilot.press("a")
        await confirm_outcome(app, pilot)
        assert "受理" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
    case = ledger.case()
    assert (case["status"], case["case_class"], case["window"]) == ("completed", "immediate", "2")
    assert case["due_date"] == "2026-11-24" and case["delivery"] == "window"
    assert ledger.events(case["id"]) == ["case.registered", "case.materials_marked", "case.materials_checked",
                                         "case.accepted", "case.completed"]  # 'A' saved the marks at once
    assert ledger.count("SELECT count(*) FROM event WHERE payload LIKE ?", f"%{ID_NO}%") == 0


async def test_accept_promised_shows_and_stores_due_date(station: Any, ledger: Ledger) -> None:
    async with at_checklist(station, "mz-005") as (app, pilot):
        await pilot.press("a")
        await settle(app, pilot)
        assert "2026-12-01" in screen_text(app)  # 5 working days after Tue 24 Nov, acceptance day not counted
        await confirm_outcome(app, pilot)
        await pilot.press("f9")  # issue and print the promise notice
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert "2026-12-01" in screen_text(app)
    case = ledger.case()
    assert (case["status"], case["case_class"], case["due_date"]) == ("accepted", "promised", "2026-12-01")
    assert ledger.payloads(case["id"], "case.accepted")[0]["due_date"] == "2026-12-01"
    assert ledger.count("SELECT count(*) FROM notice WHERE case_id = ? AND kind = 'promise'", case["id"]) == 1
    assert "notice.issued" in ledger.events(case["id"])


async def test_seed003_main_missing_proposes_a_returned_case_with_the_reason(station: Any, ledger: Ledger) -> None:
    """Seed 003 服务操作规程·退回件: a main material (主件) missing → 退回件 and its notice, not a supplement."""
    async with at_checklist(station, "mz-003") as (app, pilot):
        await pilot.press("m", "m", "m", "a")
        await settle(app, pilot)
        assert "退回件" in screen_text(app) and "补正告知" not in screen_text(app)
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonsDialog)
        assert "缺少主件:临时救助申请书、申请人居民身份证、户口簿" in screen_text(app)
        await pilot.press("enter", "f9")  # the proposed reason, first in the list
        await settle(app, pilot)
        assert isinstance(app.screen, NoticePreviewScreen)
    case = ledger.case()
    assert (case["status"], case["case_class"]) == ("returned", "returned")
    assert "缺少主件" in case["return_reasons"]


async def test_seed003_general_missing_is_accepted_with_a_follow_up_list(station: Any, ledger: Ledger) -> None:
    """Seed 003: main materials complete, a general one missing → 容缺受理 (accepted, 补报 listed)."""
    async with at_checklist(station, "mz-003") as (app, pilot):
        table = app.screen.query_one(MaterialChecklist)
        table.move_cursor(row=5)
        await pilot.press("m", "a")
        await settle(app, pilot)
        assert "容缺受理" in screen_text(app)
        await confirm_outcome(app, pilot)
    case = ledger.case()
    assert case["status"] == "accepted" and case["due_date"] is not None
    assert ledger.payloads(case["id"], "case.accepted")[0]["follow_up"] == ["本人社会保障卡或银行卡(存折)"]


async def test_non_acceptance_with_picked_reason(station: Any, ledger: Ledger) -> None:
    async with at_checklist(station, "mz-004") as (app, pilot):
        await pilot.press("f6")
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonsDialog)
        await pilot.press("enter")  # the first common reason
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, NoticePreviewScreen)
    case = ledger.case()
    assert (case["status"], case["case_class"]) == ("returned", "returned")
    assert case["return_reasons"]
    assert ledger.payloads(case["id"], "case.returned")[0]["reasons"] == [case["return_reasons"]]


async def test_enquiry_is_registered_and_answered(station: Any, ledger: Ledger) -> None:
    async with at_checklist(station, "mz-001", id_no="", enquiry=True) as (app, pilot):
        assert "一次性告知单" in screen_text(app) or "咨询" in screen_text(app)
        await confirm_outcome(app, pilot)
    case = ledger.case()
    assert (case["status"], case["case_class"], case["applicant_id_no"]) == ("answered", "enquiry", "")
    assert ledger.events(case["id"])[-1] == "case.enquiry_answered"


async def test_transfer_to_the_right_window_keeps_first_asked(station: Any, ledger: Ledger) -> None:
    app = new_app(station)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        await start_intake(app, pilot, "rs-002")
        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, TransferDialog)
        windows = app.screen.query_one("#windows", OptionList)
        assert windows.get_option_at_index(windows.highlighted).id == "2"  # the item's own window
        await pilot.press("enter")
        await pilot.press(*"社保事项")
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "→2号" in screen_text(app)  # the first-asked clerk still sees it
    case = ledger.case()
    wang = ledger.rows("SELECT id FROM clerk WHERE login='wangfang'")[0]["id"]
    assert (case["window"], case["first_asked_clerk_id"]) == ("2", wang)
    t = ledger.rows("SELECT * FROM transfer WHERE case_id = ?", case["id"])[0]
    assert (t["from_window"], t["to_window"], t["reason"]) == ("1", "2", "社保事项")
    assert ledger.events(case["id"]) == ["case.registered", "case.transferred"]


async def test_completion_by_post_then_rating(station: Any, ledger: Ledger) -> None:
    async with at_checklist(station, "mz-005") as (app, pilot):
        await pilot.press("a")
        await confirm_outcome(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        app.screen.query_one("#delivery").highlighted = 1  # by post
        await pilot.press("f9")  # no address yet: refused in the dialog, nothing written
        await settle(app, pilot)
        assert "地址" in screen_text(app) and ledger.case()["status"] == "accepted"
        app.screen.query_one("#address").value = "某某镇幸福路8号"
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, NoticePreviewScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        await pilot.press("2", "f9")  # 满意
        await settle(app, pilot)
        assert "满意" in screen_text(app)
    case = ledger.case()
    assert (case["status"], case["delivery"], case["rating_level"]) == ("completed", "post", "satisfied")
    assert (case["result"], case["delivery_address"]) == ("approved", "某某镇幸福路8号")
    rating = ledger.rows("SELECT * FROM rating WHERE case_id = ?", case["id"])[0]
    assert (rating["level"], rating["score"]) == ("satisfied", 8)
    assert ledger.events(case["id"])[-2:] == ["case.completed", "case.rated"] or "case.rated" in ledger.events(
        case["id"])


async def test_five_wrong_pins_lock_the_clerk(station: Any, ledger: Ledger) -> None:
    app = new_app(station)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(5):
            await sign_in(app, pilot, "liqiang", "0000")
        assert "锁定" in screen_text(app)
        await sign_in(app, pilot, "liqiang", "1234")  # the right PIN no longer helps
        assert app.clerk is None
        assert "锁定" in screen_text(app)
    clerk = ledger.rows("SELECT * FROM clerk WHERE login='liqiang'")[0]
    assert clerk["locked_until"] is not None
    types = [r["type"] for r in ledger.rows("SELECT type FROM event WHERE type LIKE 'clerk.%' ORDER BY seq")]
    assert types.count("clerk.pin_failed") == 5 and types.count("clerk.locked") == 1
    assert "clerk.signed_in" not in types


async def test_draft_is_offered_back_after_a_crash(station: Any, ledger: Ledger) -> None:
    app = new_app(station, draft_debounce=0)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        await start_intake(app, pilot, "mz-004", name="李四")
        await settle(app, pilot)
        app.exit()  # the power goes: nothing confirmed
    assert ledger.count("SELECT count(*) FROM 'case'") == 0
    assert ledger.count("SELECT count(*) FROM draft") == 1
    assert ledger.count("SELECT count(*) FROM event WHERE payload LIKE ?", f"%{ID_NO}%") == 0

    app = new_app(station)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        assert isinstance(app.screen, ConfirmDialog)
        assert "李四" in screen_text(app)
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert app.screen.item.code == "MZ-004"
        assert app.screen.query_one("#a-id").value == ID_NO
        await register(app, pilot)
    case = ledger.case()
    assert (case["applicant_name"], case["item_code"]) == ("李四", "MZ-004")
    assert ledger.count("SELECT count(*) FROM draft") == 0
    assert ledger.count("SELECT count(*) FROM event WHERE payload LIKE ?", f"%{ID_NO}%") == 0
