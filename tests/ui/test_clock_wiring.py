"""Pilot walks for the case clocks in the desk (issue 10) and the issue 7 hand-offs on the home and
intake screens: 收件待审 and deemed acceptance, an extension approved by the head, a 特别程序 pause,
reminders and 暂停服务 on home, a 不管件 registered at intake and routed by the head.

Every walk asserts on the ledger file (rows and events), not only on what the screen says."""

from __future__ import annotations

import contextlib
import random
from datetime import date, timedelta
from typing import Any

from tests.ui.conftest import FIXED_NOW, SIZE, Ledger, new_app, screen_text
from tests.ui.conftest import settle as _settle
from tests.ui.conftest import sign_in as _sign_in
from textual.widgets import DataTable
from textual.worker import WorkerCancelled

from deskclient.domain.case_actions import pause_choices, step_reason
from deskclient.domain.cases import MaterialState, Outcome
from deskclient.domain.clock import FixedClock
from deskclient.services.cases import CheckInput, Intake, PersonInput
from deskclient.services.context import open_context
from deskclient.services.demo import make_id_number, make_name
from deskclient.settings import Paths
from deskclient.strings import clocks as TK
from deskclient.strings import clocks_ui as TC
from deskclient.ui.screens.case_detail import CaseDetailScreen
from deskclient.ui.screens.checklist import ChecklistScreen
from deskclient.ui.screens.dialogs import ChoiceDialog, ConfirmDialog, ExtensionDialog
from deskclient.ui.screens.handover import HandoverScreen
from deskclient.ui.screens.head import HeadScreen
from deskclient.ui.screens.home import HomeScreen
from deskclient.ui.screens.intake import IntakeScreen
from deskclient.ui.screens.notice_preview import NoticePreviewScreen
from deskclient.ui.widgets.desk_forms import FormDialog

ID_NO = "11010519491231002X"
PHONE = "13800138000"


def seed_case(paths: Paths, login: str, code: str, *, accept: bool = True, now: Any = FIXED_NOW,
              seed: int = 1) -> Any:
    """A case registered (and accepted) by ``login`` through the services, on a clock of its own."""
    ctx = open_context(paths, clock=FixedClock(now))
    try:
        rng = random.Random(seed)
        clerk = next(c for c in ctx.people.clerks() if c.login == login)
        item = ctx.catalog.get(code)
        case = ctx.cases.register(Intake(window=clerk.window or "1", item=item,
                                         applicant=PersonInput(make_name(rng), make_id_number(rng))), clerk.id)
        if accept:
            checks = [CheckInput(m.position, MaterialState.RECEIVED) for m in ctx.cases.materials(case.id)]
            case = ctx.cases.confirm_outcome(case.id, clerk.id, checks, Outcome.ACCEPT)
        return case
    finally:
        ctx.close()


def working_days_after(paths: Paths, start: date, n: int) -> date:
    ctx = open_context(paths, clock=FixedClock(FIXED_NOW))
    try:
        return ctx.calendar.add_working_days(start, n).date
    finally:
        ctx.close()


async def settle(app: Any, pilot: Any, rounds: int = 4) -> None:
    """conftest's settle, tolerating a worker that an exclusive newer one replaced (screens load on
    mount and again on resume)."""
    for _ in range(rounds):
        try:
            await _settle(app, pilot, 1)
        except WorkerCancelled:
            await pilot.pause()


async def sign_in(app: Any, pilot: Any, login: str, pin: str) -> None:
    await settle(app, pilot)
    with contextlib.suppress(WorkerCancelled):
        await _sign_in(app, pilot, login, pin)
    await settle(app, pilot)


async def open_detail(app: Any, pilot: Any, case_id: str) -> None:
    await app.push_screen(CaseDetailScreen(case_id))
    await settle(app, pilot)


def home_due(app: Any, case_id: str) -> str:
    """The due-date cell of the case's row in the home queue."""
    from deskclient.ui.widgets.case_table import CaseTable

    table = app.screen.query_one(CaseTable)
    return str(table.get_cell(case_id, "due").plain)


def footer(app: Any) -> str:
    """The key bar (every key on offer, on up to three rows)."""
    from deskclient.ui.widgets.key_bar import KeyBar

    return app.screen.query_one(KeyBar).text()


def notifications(app: Any) -> list[str]:
    return [n.message for n in app._notifications]


# --------------------------------------------------------------------------------------------------
# 1. 收件待审 → countdown → deemed acceptance (行政许可法 第三十二条)
# --------------------------------------------------------------------------------------------------


async def test_examine_shows_countdown_then_deemed_accepted(station: Paths) -> None:
    ledger = Ledger(station)
    app = new_app(station, demo_cases=0)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        await pilot.press("f2")
        await settle(app, pilot)
        await pilot.press(*"mz-005")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        screen.query_one("#a-name").value = "张三"
        screen.query_one("#a-id").value = ID_NO
        screen.query_one("#a-phone").value = PHONE
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, ChecklistScreen)
        assert f"F4 {TC.KEY_EXAMINE}" in footer(app)
        await pilot.press("f4")  # 收件待审: nothing marked yet, the materials are taken in to examine
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen), screen_text(app)
        text = screen_text(app)
        # the five-day countdown: 5 working days from Tue 24 Nov is Tue 1 Dec
        assert TK.CLOCK_KIND_LABELS["supplement_notice"] in text
        assert "2026-12-01" in text and TK.DAYS_LEFT.format(days=5) in text
        case = ledger.case()
        assert (case["status"], case["acceptance_date"], case["due_date"]) == ("examining", None, None)
        assert ledger.events(case["id"])[-1] == "case.examining"
        assert f"D {TC.KEY_DECIDE}" in footer(app)  # the decision key shows while it is examined

        # day five is still within the limit: nothing moves
        app.clock.current = datetime_on(date(2026, 12, 1))
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert ledger.case()["status"] == "examining"
        await open_detail(app, pilot, case["id"])
        assert TK.DUE_TODAY in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)

        # day six: the supplement notice was never given, so the case counts as accepted on receipt
        app.clock.current = datetime_on(date(2026, 12, 2))
        await pilot.press("f10")
        await settle(app, pilot)
        await sign_in(app, pilot, "wangfang", "1234")
        assert isinstance(app.screen, HomeScreen)
        case = ledger.case()
        assert (case["status"], case["case_class"], case["acceptance_date"]) == ("accepted", "promised",
                                                                                 "2026-11-24")
        assert case["due_date"] == "2026-12-01"  # counted from the receipt date: already due
        [deemed] = ledger.payloads(case["id"], "case.deemed_accepted")
        assert deemed["acceptance_date"] == "2026-11-24" and deemed["supplement_due"] == "2026-12-01"
        assert TC.DEEMED_ACCEPTED.format(n=1) in notifications(app)
        assert home_due(app, case["id"]) == "12-01"  # the home row shows the promised date
        await open_detail(app, pilot, case["id"])
        text = screen_text(app)
        assert TK.CLOCK_KIND_LABELS["promised"] in text and "2026-12-01" in text
    # idempotent: signing in again moves nothing twice
    assert ledger.count("SELECT count(*) FROM event WHERE type = 'case.deemed_accepted'") == 1


def datetime_on(day: date) -> Any:
    return FIXED_NOW.replace(year=day.year, month=day.month, day=day.day)


async def test_examining_case_is_decided_from_the_detail(station: Paths) -> None:
    """收件待审 → the clerk decides within the five days (accept): the normal acceptance, no deemed event."""
    ledger = Ledger(station)
    case = seed_case(station, "wangfang", "MZ-005", accept=False)
    ctx = open_context(station, clock=FixedClock(FIXED_NOW))
    try:
        ctx.cases.confirm_outcome(case.id, case.owner_clerk_id, [], Outcome.EXAMINE)
    finally:
        ctx.close()
    app = new_app(station, demo_cases=0)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        await open_detail(app, pilot, case.id)
        await pilot.press("d")
        await settle(app, pilot)
        assert isinstance(app.screen, ChecklistScreen) and app.screen.decide
        assert TC.KEY_EXAMINE not in footer(app)  # only for a newly registered case
        await pilot.press("a", "f9")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, NoticePreviewScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        assert sum(isinstance(s, CaseDetailScreen) for s in app.screen_stack) == 1  # not stacked twice
    row = ledger.case(case.case_no)
    assert (row["status"], row["acceptance_date"], row["due_date"]) == ("accepted", "2026-11-24", "2026-12-01")
    assert "case.deemed_accepted" not in ledger.events(case.id)


# --------------------------------------------------------------------------------------------------
# 2. 延期 approved by the head
# --------------------------------------------------------------------------------------------------


async def test_extension_approved_by_head_moves_the_date_everywhere(station: Paths) -> None:
    ledger = Ledger(station)
    case = seed_case(station, "wangfang", "MZ-005")
    assert f"{case.due_date}" == "2026-12-01"
    new_due = working_days_after(station, date(2026, 12, 1), 10)
    app = new_app(station, demo_cases=0)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        await open_detail(app, pilot, case.id)
        assert f"E {TC.KEY_EXTEND}" in footer(app)
        await pilot.press("e")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ExtensionDialog)
        dialog.query_one("#days").value = "10"
        dialog.query_one("#reason").value = "需实地核查 <b>[red]x[/red]"
        dialog.query_one("#pin").value = "0000"  # a wrong PIN: nothing is written
        await pilot.press("f9")
        await settle(app, pilot)
        assert ledger.count("SELECT count(*) FROM extension") == 0
        assert isinstance(app.screen, CaseDetailScreen)
        await pilot.press("e")
        await settle(app, pilot)
        dialog = app.screen
        assert dialog.query_one("#days").has_focus_within
        dialog.query_one("#days").value = "10"
        await pilot.press("enter")  # Enter walks days → reason → PIN → OK
        assert dialog.query_one("#reason").has_focus_within
        dialog.query_one("#reason").value = "需实地核查 <b>[red]x[/red]"
        await pilot.press("enter")
        await pilot.press(*"8888", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, NoticePreviewScreen), screen_text(app)
        assert app.screen.issued and app.screen.kind == "extension"
        preview = screen_text(app)
        assert new_due.isoformat() in preview or f"{new_due:%Y年%m月%d日}" in preview or \
            f"{new_due.year}年{new_due.month}月{new_due.day}日" in preview
        await pilot.press("f9")  # already issued: not issued twice
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        text = screen_text(app)
        assert new_due.isoformat() in text and TK.EXTENDED_NOTE.format(days=10) in text
        assert "[red]x[/red]" in text  # the reason in the timeline is plain text, never markup
        assert f"E {TC.KEY_EXTEND}" not in footer(app)  # once only
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert home_due(app, case.id) == f"{new_due:%m-%d}"
        await pilot.press("f7")
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverScreen)
        assert new_due.isoformat() in screen_text(app)
    head_id = ledger.rows("SELECT id FROM clerk WHERE login = 'zhouzhuren'")[0]["id"]
    [ext] = ledger.rows("SELECT * FROM extension WHERE case_id = ?", case.id)
    assert (ext["days"], ext["approved_by"]) == (10, head_id)
    row = ledger.case(case.case_no)
    assert row["due_date"] == new_due.isoformat()
    [ev] = ledger.payloads(case.id, "case.extended")
    assert ev["original_date"] == "2026-12-01" and ev["due_date"] == new_due.isoformat() and ev["days"] == 10
    assert ledger.count("SELECT count(*) FROM notice WHERE case_id = ? AND kind = 'extension'", case.id) == 1
    assert ledger.count("SELECT count(*) FROM event WHERE type = 'notice.issued' AND case_id = ?", case.id) == 1


async def test_extension_needs_a_head(station: Paths) -> None:
    """Days out of range are refused in the dialog; nothing reaches the ledger."""
    ledger = Ledger(station)
    case = seed_case(station, "wangfang", "MZ-005")
    app = new_app(station, demo_cases=0)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        await open_detail(app, pilot, case.id)
        await pilot.press("e")
        await settle(app, pilot)
        dialog = app.screen
        dialog.query_one("#days").value = "0"
        dialog.query_one("#reason").value = "理由"
        dialog.query_one("#pin").value = "8888"
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, ExtensionDialog)
        assert TC.EXTEND_DAYS_BAD.format(limit=60) in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
    assert ledger.count("SELECT count(*) FROM extension") == 0
    assert "case.extended" not in ledger.events(case.id)


# --------------------------------------------------------------------------------------------------
# 3. 特别程序: pause and resume the case clock
# --------------------------------------------------------------------------------------------------


def test_pause_choices_come_from_the_items_non_counting_steps(station: Paths) -> None:
    ctx = open_context(station, clock=FixedClock(FIXED_NOW))
    try:
        item = ctx.catalog.get("ZJ-001")
    finally:
        ctx.close()
    choices = pause_choices(item)
    # art. 45 (issue #16): 鉴定 is appraisal; 公示 is the item law's own pause; waiting for the applicant is not one
    assert [(c.reason, c.step) for c in choices] == [("appraisal", "房屋安全鉴定"),
                                                      ("public_notice", "村级评议公示")]
    assert pause_choices(None) == []
    assert (step_reason("专家评审"), step_reason("听证会"), step_reason("审批")) == ("expert_review", "hearing",
                                                                                     "other")


async def test_pause_and_resume_case_clock(station: Paths) -> None:
    ledger = Ledger(station)
    case = seed_case(station, "wuhua", "ZJ-001")  # 农村危房改造: 鉴定 and 公示 do not count
    old_due = date.fromisoformat(ledger.case(case.case_no)["due_date"])
    app = new_app(station, demo_cases=0)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wuhua", "1234")
        await open_detail(app, pilot, case.id)
        assert f"Z {TC.KEY_PAUSE_CLOCK}" in footer(app) and TC.KEY_RESUME_CLOCK not in footer(app)
        await pilot.press("z")
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceDialog)
        assert "村级评议公示" in screen_text(app)
        await pilot.press("2", "enter", "7", "f9")  # the time needed, told to the applicant (art. 45)
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        assert ledger.payloads(case.id, "case.clock_paused")[0]["notice_days"] == 7
        assert [n["kind"] for n in ledger.rows("SELECT kind FROM notice WHERE case_id = ?", case.id)
                if n["kind"] == "clock_pause"] == ["clock_pause"]
        [p] = ledger.rows("SELECT * FROM clockpause WHERE case_id = ?", case.id)
        assert (p["reason"], p["started_on"], p["ended_on"]) == ("public_notice", "2026-11-24", None)
        [ev] = ledger.payloads(case.id, "case.clock_paused")
        assert ev["step"] == "村级评议公示" and ev["reason"] == "public_notice"
        text = screen_text(app)
        assert TK.PAUSED_NOTE.format(reason="村级评议公示") in text
        assert f"X {TC.KEY_RESUME_CLOCK}" in footer(app) and TC.KEY_PAUSE_CLOCK not in footer(app)
        # seven calendar days of 公示 later (five working days) the clock runs again
        app.clock.current = datetime_on(date(2026, 12, 1))
        await pilot.press("x")
        await settle(app, pilot)
        [p] = ledger.rows("SELECT * FROM clockpause WHERE case_id = ?", case.id)
        assert p["ended_on"] == "2026-12-01"
        [ev] = ledger.payloads(case.id, "case.clock_resumed")
        assert ev["paused_working_days"] == 5
        new_due = working_days_after(station, old_due, 5)
        assert ledger.case(case.case_no)["due_date"] == new_due.isoformat()
        assert new_due.isoformat() in screen_text(app)
    assert [e for e in ledger.events(case.id) if e.startswith("case.clock")] == ["case.clock_paused",
                                                                                  "case.clock_resumed"]


# --------------------------------------------------------------------------------------------------
# 4. Issue 7 hand-offs: reminders at sign-in, 暂停服务 on home, 不管件 at intake
# --------------------------------------------------------------------------------------------------


async def test_reminders_and_desk_pause_on_home_after_sign_in(station: Paths) -> None:
    ledger = Ledger(station)
    overdue = seed_case(station, "wangfang", "MZ-005", now=FIXED_NOW - timedelta(days=14), seed=2)
    soon = seed_case(station, "wangfang", "MZ-005", now=FIXED_NOW - timedelta(days=6), seed=3)
    other = seed_case(station, "zhangmin", "MZ-005", now=FIXED_NOW - timedelta(days=14), seed=4)
    ctx = open_context(station, clock=FixedClock(FIXED_NOW))
    try:
        clerk = next(c for c in ctx.people.clerks() if c.login == "wangfang")
        ctx.workday.pause(window="1", clerk_id=clerk.id, reason="到档案室调档 [b]", redirect_window="2")
        expected = ctx.queue.reminders("1")
    finally:
        ctx.close()
    assert [ln.case_no for ln in expected.overdue] == [overdue.case_no]
    assert other.case_no not in [ln.case_no for ln in expected.overdue]  # window 2's
    app = new_app(station, demo_cases=0)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(app)
        line = TC.REMINDERS_LINE.format(overdue=len(expected.overdue), today=len(expected.due_today),
                                        soon=len(expected.due_soon))
        assert line in text
        assert TC.DESK_PAUSED.format(reason="到档案室调档 [b]") in text  # literal, not markup
        assert overdue.case_no in text  # the most urgent case is named
    [p] = ledger.rows("SELECT * FROM deskpause")
    assert p["ended_at"] is None and p["window"] == "1"
    assert ledger.count("SELECT count(*) FROM event WHERE type = 'desk.paused'") == 1
    assert ledger.case(soon.case_no)["due_date"] in {ln.due_date.isoformat() for ln in
                                                     [*expected.due_today, *expected.due_soon]}


async def test_home_without_reminders_or_pause(station: Paths) -> None:
    app = new_app(station, demo_cases=0)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        text = screen_text(app)
        assert TC.REMINDERS_NONE in text and TC.DESK_PAUSED[:6] not in text


async def test_unowned_registered_at_intake_and_routed_by_head(station: Paths) -> None:
    ledger = Ledger(station)
    app = new_app(station, demo_cases=0)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "chenjing", "1234")
        await pilot.press("f2")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        await pilot.press("f3")  # 不管件: no window's item fits
        screen.query_one("#a-name").value = "李四"
        screen.query_one("#a-id").value = ID_NO
        screen.query_one("#a-phone").value = PHONE
        screen.query_one("#note").value = "小区路灯长期不亮,无部门受理"
        await settle(app, pilot)
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen), screen_text(app)
        case = ledger.case()
        assert (case["case_class"], case["status"], case["window"], case["item_code"]) == (
            "unowned", "registered", "3", "BG-000")
        [reg] = ledger.payloads(case["id"], "case.registered")
        assert reg["unowned"] is True and reg["case_class"] == "unowned"
        assert ID_NO not in str(reg)
        # the head routes it to a window with a limit
        await pilot.press("f10")
        await settle(app, pilot)
        await sign_in(app, pilot, "zhouzhuren", "8888")
        await pilot.press("f8")
        await settle(app, pilot)
        head = app.screen
        assert isinstance(head, HeadScreen)
        table = head.query_one("#t-urgent", DataTable)
        table.move_cursor(row=table.get_row_index(case["id"]))
        await pilot.press("t")
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        for f, value in zip(app.screen.fields, ["6", "3", "协调司法所"], strict=True):
            app.screen.query_one(f"#f-{f.key}").value = value
        await pilot.press("f9")
        await settle(app, pilot)
    [fu] = ledger.rows("SELECT * FROM followup WHERE kind = 'unowned'")
    assert fu["window"] == "6" and fu["case_id"] == case["id"]
    assert ledger.case(case["case_no"])["window"] == "6"
    assert ledger.events(case["id"]) == ["case.registered", "case.routed"]


async def test_extension_stands_when_the_notice_cannot_be_made(station: Paths, monkeypatch: Any) -> None:
    """The head approved and the ledger has it; a failing notice is said plainly and F9 retries it."""
    import deskclient.services.notices.issue as issue_mod
    from deskclient.domain.errors import RuleViolation

    real = issue_mod.issue_notice
    calls: list[int] = []

    def broken(*a: Any, **kw: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise RuleViolation("模板损坏")
        return real(*a, **kw)

    monkeypatch.setattr(issue_mod, "issue_notice", broken)
    ledger = Ledger(station)
    case = seed_case(station, "wangfang", "MZ-005")
    app = new_app(station, demo_cases=0)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        await open_detail(app, pilot, case.id)
        await pilot.press("e")
        await settle(app, pilot)
        app.screen.query_one("#reason").value = "需专家评审"
        app.screen.query_one("#pin").value = "8888"
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, NoticePreviewScreen) and not app.screen.issued
        assert "模板损坏" in notifications(app)
        assert ledger.count("SELECT count(*) FROM extension") == 1
        assert ledger.count("SELECT count(*) FROM notice WHERE kind = 'extension'") == 0
        await pilot.press("f9")  # retry from the preview
        await settle(app, pilot)
        assert app.screen.issued
    assert ledger.count("SELECT count(*) FROM notice WHERE kind = 'extension'") == 1
    assert ledger.events(case.id).count("case.extended") == 1
