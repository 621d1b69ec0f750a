"""Visitor text is never markup; bad input is a message, never a traceback; the palette finds everything;
the queue stays paged on a big ledger."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tests.ui.conftest import FIXED_NOW, SIZE, Ledger, new_app, screen_text, settle, sign_in

from deskclient.settings import Mode, Paths
from deskclient.ui import navigation
from deskclient.ui.screens.case_detail import CaseDetailScreen
from deskclient.ui.screens.home import HomeScreen
from deskclient.ui.screens.intake import IntakeScreen
from deskclient.ui.screens.loading import OpenErrorScreen

MARKUP_NAMES = ("[bold]张三[/]", "[link=x]李四")


def _insert_case(paths: Paths, name: str, relation: str) -> str:
    """A case whose stored name looks like markup (as an old import or a sync could bring)."""
    from deskclient.domain.clock import FixedClock
    from deskclient.services.context import open_context
    from deskclient.store.ledger import new_id
    from deskclient.store.models import Case, Clerk

    ctx = open_context(paths, clock=FixedClock(FIXED_NOW))
    try:
        with ctx.ledger.write(None) as tx:
            clerk = tx.session.exec(__import__("sqlmodel").select(Clerk).where(Clerk.login == "wangfang")).one()
            case = Case(id=new_id(), case_no="ZX01-20261124-0901", window="1", item_code="MZ-005",
                        item_name="老年人优待证办理", item_class="promised", promised_days=5, case_class="promised",
                        status="accepted", applicant_name=name, agent_name="王[i]五", agent_relation=relation,
                        first_asked_clerk_id=clerk.id, owner_clerk_id=clerk.id, created_at=FIXED_NOW,
                        due_date=date(2026, 12, 1), updated_at=FIXED_NOW, accepted_at=FIXED_NOW,
                        acceptance_date=FIXED_NOW.date())
            tx.session.add(case)
            return case.id
    finally:
        ctx.close()


async def test_markup_and_control_characters_show_literally(station: Paths, ledger: Ledger) -> None:
    case_id = _insert_case(station, MARKUP_NAMES[0], "[red]子女[/red]")
    app = new_app(station)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        assert isinstance(app.screen, HomeScreen)
        assert MARKUP_NAMES[0] in screen_text(app)  # in the queue table
        app.notify_text(MARKUP_NAMES[1])  # notifications: plain text
        await settle(app, pilot)
        notes = list(app._notifications)
        assert notes[-1].message == MARKUP_NAMES[1] and notes[-1].markup is False
        app.push_screen(CaseDetailScreen(case_id))
        await settle(app, pilot)
        text = screen_text(app)
        assert MARKUP_NAMES[0] in text and "[red]子女[/red]" in text and "王[i]五" in text
        # transfer reason typed with markup and a control character
        await pilot.press("t")
        await settle(app, pilot)
        await pilot.press("enter")
        app.screen.query_one("#reason").value = "[b]送错[/b]\x07窗口"
        await pilot.press("f9")
        await settle(app, pilot)
        assert "[b]送错[/b]" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        # typing a markup name at intake: the field shows it and the message explains; nothing crashes
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, IntakeScreen)
        app.screen.query_one("#a-name").focus()
        await pilot.press(*"[link=x]李四")
        app.screen.query_one("#a-phone").value = "138\x1b[31m0013"
        await settle(app, pilot)
        text = screen_text(app)
        assert "[link=x]李四" in text and "“[”" in text
    reason = ledger.rows("SELECT reason FROM transfer WHERE case_id = ?", case_id)[0]["reason"]
    assert reason.startswith("[b]送错[/b]")


async def test_broken_settings_file_shows_a_chinese_error_screen(tmp_path: Any) -> None:
    from deskclient.ui.app import make_app

    paths = Paths.resolve(tmp_path / "desk", Mode.STATION)
    paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text("[station]\ncode = \n", encoding="utf-8")
    app = make_app(paths, cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, OpenErrorScreen)
        assert "settings.toml" in app.screen.message and "2" in app.screen.message
        await pilot.press("q")
    assert app.return_code in (0, None)


async def test_first_run_wizard_sets_up_the_station(tmp_path: Any) -> None:
    from textual.widgets import TextArea

    from deskclient.ui.app import make_app
    from deskclient.ui.screens.sign_in import SignInScreen

    paths = Paths.resolve(tmp_path / "desk", Mode.STATION)
    app = make_app(paths, cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        s = app.screen
        for fid, value in (("code", "ZX09"), ("name", "某某镇便民服务中心"), ("centre", "某某县政务服务中心"),
                           ("head", "zhou 周主任 8888")):
            s.query_one(f"#{fid}").value = value
        s.query_one("#windows", TextArea).text = "1 民政窗口 民政办\n2 社保窗口"
        s.query_one("#clerks", TextArea).text = "1 A wang 王芳 1234\n1 B li 李强 1234\n2 A zhang 张敏 1234"
        await pilot.press("f9")
        await settle(app, pilot, rounds=6)
        assert isinstance(app.screen, SignInScreen)
        assert len(app.clerks) == 4
    led = Ledger(paths)
    assert led.rows("SELECT code FROM station")[0]["code"] == "ZX09"
    assert led.count("SELECT count(*) FROM window") == 2


async def test_palette_lists_every_screen_and_action(station: Paths) -> None:
    app = new_app(station)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        provider = navigation.DeskCommands(app.screen)
        found = [h.text async for h in provider.discover()]
        ids = {e.id for e in navigation.entries()}
        assert {"home", "intake", "sign_out", "quit"} <= ids
        desk_entries = [e for e in navigation.entries() if not e.training_only]  # trainer keys: training only
        assert len(found) == len(desk_entries)
        hits = [h.text async for h in provider.search("新登记")]
        assert any("新登记" in (h or "") for h in hits)
        await app.run_action("app.nav('intake')")
        await settle(app, pilot)
        assert isinstance(app.screen, IntakeScreen)


def test_queue_queries_are_paged_on_a_big_ledger(tmp_path: Any) -> None:
    """20,000 cases: a page and the counts come back quickly and never load the whole ledger."""
    import time

    from deskclient.domain.clock import FixedClock
    from deskclient.services.context import open_context
    from deskclient.services.demo import ensure_demo_station, generate_cases
    from deskclient.store.queries import PAGE_SIZE, CaseQuery, Scope, count_cases, page_cases, today_counts

    ctx = open_context(Paths.resolve(tmp_path / "big", Mode.STATION), clock=FixedClock(FIXED_NOW))
    try:
        ensure_demo_station(ctx)
        generate_cases(ctx, 20_000)
        clerk = next(c for c in ctx.people.clerks() if c.login == "wangfang")
        today = FIXED_NOW.date()
        for scope in (Scope.DESK, Scope.OPEN, Scope.OVERDUE, Scope.ALL):
            q = CaseQuery("1", clerk.id, today, scope)
            started = time.perf_counter()
            rows = page_cases(ctx.engine, q)
            page_cases(ctx.engine, q, offset=PAGE_SIZE * 5)
            count_cases(ctx.engine, q)
            today_counts(ctx.engine, "1", today)
            assert time.perf_counter() - started < 1.5, scope
            assert len(rows) <= PAGE_SIZE
            assert rows == sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)
        name = rows[0].applicant_name
        hits = page_cases(ctx.engine, CaseQuery("1", clerk.id, today, Scope.ALL, name[:1]))
        assert hits and all(h.applicant_name.startswith(name[:1]) or h.item_name.startswith(name[:1])
                            for h in hits)
        assert isinstance(rows[0].created_at, datetime)
    finally:
        ctx.close()
