"""Pilot walks through handover, pause/resume, opening and closing the day and the head's desk,
asserting on the ledger file itself."""

from __future__ import annotations

from typing import Any

from tests.ui.conftest import FIXED_NOW, SIZE, Ledger, new_app, screen_text, settle, sign_in
from textual.widgets import DataTable

from deskclient.domain.clock import FixedClock
from deskclient.services.context import open_context
from deskclient.ui.screens.day import DayScreen
from deskclient.ui.screens.handover import HandoverScreen
from deskclient.ui.screens.head import HeadScreen
from deskclient.ui.screens.home import HomeScreen
from deskclient.ui.widgets.desk_forms import FormDialog

from .conftest import clerk_id, register


def seed(paths: Any, fn: Any) -> Any:
    ctx = open_context(paths, clock=FixedClock(FIXED_NOW))
    try:
        return fn(ctx)
    finally:
        ctx.close()


async def fill(app: Any, pilot: Any, values: list[str]) -> None:
    """Type into the open FormDialog's fields in order, then confirm."""
    assert isinstance(app.screen, FormDialog), screen_text(app)
    for f, value in zip(app.screen.fields, values, strict=False):
        field = app.screen.query_one(f"#f-{f.key}")
        field.value = value
    await pilot.press("f9")
    await settle(app, pilot)


async def test_handover_a_to_b(station: Any) -> None:
    cases = seed(station, lambda ctx: [register(ctx, "wangfang", seed=1), register(ctx, "wangfang", "reported",
                                                                                   seed=2)])
    ledger = Ledger(station)
    app = new_app(station, demo_cases=0)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        await pilot.press("f7")
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverScreen)
        table = app.screen.query_one("#handover-cases", DataTable)
        assert table.row_count == 2
        await pilot.press("n")
        await settle(app, pilot)
        await fill(app, pilot, ["申请人周五来取件"])
        assert "申请人周五来取件" in screen_text(app)
        assert app.screen.query_one("#to-login").value == "liqiang"
        app.screen.query_one("#to-pin").focus()
        await pilot.press("0", "0", "0", "0", "f9")
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverScreen)  # a wrong PIN changes nothing
        assert ledger.count("SELECT count(*) FROM handover") == 0
        app.screen.query_one("#to-pin").focus()
        await pilot.press("1", "2", "3", "4", "f9")
        await settle(app, pilot, 6)
        assert app.clerk is not None and app.clerk.login == "liqiang"
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(app)
        assert all(c.case_no.split("-", 1)[1] in text for c in cases), text  # A open cases now show on B desk
    b = ledger.rows("SELECT id FROM clerk WHERE login='liqiang'")[0]["id"]
    assert {r["owner_clerk_id"] for r in ledger.rows("SELECT owner_clerk_id FROM 'case'")} == {b}
    [ev] = ledger.rows("SELECT clerk_id, payload FROM event WHERE type='desk.handover'")
    import json

    payload = json.loads(ev["payload"])
    assert payload["to_clerk_id"] == b and payload["open_cases"] == 2
    assert list(payload["case_notes"].values()) == ["申请人周五来取件"]
    assert ledger.count("SELECT count(*) FROM notice WHERE kind='handover'") == 1


async def test_pause_resume_open_and_close_day(station: Any) -> None:
    ledger = Ledger(station)
    half = seed(station, lambda ctx: register(ctx, "wangfang", accept=False, seed=3))
    app = new_app(station, demo_cases=0)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        assert "继续核对" in screen_text(app)  # the half-done registration is offered for resuming
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("f6")
        await settle(app, pilot)
        assert isinstance(app.screen, DayScreen)
        await pilot.press("o")
        await settle(app, pilot)
        assert ledger.count("SELECT count(*) FROM workday WHERE opened_at IS NOT NULL") == 1
        await pilot.press("p")
        await settle(app, pilot)
        await fill(app, pilot, ["到档案室调档", "10:30", "3"])
        [p] = ledger.rows("SELECT * FROM deskpause")
        assert p["reason"] == "到档案室调档" and p["redirect_window"] == "3" and p["ended_at"] is None
        assert ledger.count("SELECT count(*) FROM notice WHERE kind='pause_sign'") == 1
        assert "暂停服务中" in screen_text(app)
        await pilot.press("r")
        await settle(app, pilot)
        assert ledger.rows("SELECT ended_at FROM deskpause")[0]["ended_at"] is not None
        assert ledger.count("SELECT count(*) FROM event WHERE type='desk.resumed'") == 1
        await pilot.press("c")
        await settle(app, pilot)
        await pilot.press("y")  # 收班 asks first
        await settle(app, pilot)
        assert half.case_no in screen_text(app), screen_text(app)  # refused: an intake is mid-way
        assert ledger.count("SELECT count(*) FROM event WHERE type='day.closed'") == 0

        def reject(ctx: Any) -> None:
            from deskclient.domain.cases import MaterialState, Outcome
            from deskclient.services.cases import CheckInput

            checks = [CheckInput(m.position, MaterialState.RECEIVED) for m in ctx.cases.materials(half.id)]
            ctx.cases.confirm_outcome(half.id, clerk_id(ctx, "wangfang"), checks, Outcome.REJECT, reasons=["不符合"])

        seed(station, reject)
        await pilot.press("c")
        await settle(app, pilot)
        await pilot.press("escape")  # not confirmed: nothing happens
        await settle(app, pilot)
        assert ledger.count("SELECT count(*) FROM event WHERE type='day.closed'") == 0
        await pilot.press("c")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        [wd] = ledger.rows("SELECT * FROM workday")
        assert wd["closed_at"] is not None and json_of(wd["summary"])["returned"] == 1
        assert ledger.count("SELECT count(*) FROM event WHERE type='day.closed'") == 1
        await pilot.press("o")  # 开班 after 收班 is refused and says so; the day stays closed
        await settle(app, pilot)
        assert "不能再开班" in screen_text(app) and "已开班。" not in screen_text(app)
        assert ledger.rows("SELECT closed_at FROM workday")[0]["closed_at"] is not None
        assert ledger.count("SELECT count(*) FROM event WHERE type='day.opened'") == 1


def json_of(text: str) -> dict:
    import json

    return json.loads(text)


def _move_to(table: DataTable, key: str) -> None:
    table.move_cursor(row=table.get_row_index(key))


async def test_head_actions(station: Any) -> None:
    ledger = Ledger(station)

    def prepare(ctx: Any) -> dict[str, Any]:
        from deskclient.domain.cases import MaterialState, Outcome
        from deskclient.services.cases import CheckInput
        desk = ctx.head_desk
        urgent = register(ctx, "wangfang", seed=1)
        ret = register(ctx, "wangfang", accept=False, seed=2)
        checks = [CheckInput(m.position, MaterialState.RECEIVED) for m in ctx.cases.materials(ret.id)]
        ctx.cases.confirm_outcome(ret.id, clerk_id(ctx, "wangfang"), checks, Outcome.REJECT, reasons=["不符合"])
        review = desk.request_review(ret.id, clerk_id(ctx, "wangfang"), "申请复核")
        unowned = register(ctx, "chenjing", accept=False, seed=3)
        with ctx.ledger.write(None) as tx:
            from deskclient.store.models import Case

            row = tx.session.get(Case, unowned.id)
            row.case_class = "unowned"
            tx.session.add(row)
        rated = register(ctx, "zhangmin", "immediate", seed=4)
        desk.clocks.rate(rated.id, clerk_id(ctx, "zhangmin"), "very_unsatisfied")
        return {"urgent": urgent, "review": review, "unowned": unowned}

    seeded = seed(station, prepare)
    app = new_app(station, demo_cases=0)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "zhouzhuren", "8888")
        await pilot.press("f8")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, HeadScreen)
        # 急办件
        _move_to(screen.query_one("#t-urgent", DataTable), seeded["urgent"].id)
        await pilot.press("a")
        await settle(app, pilot)
        await fill(app, pilot, ["群众就医急需"])
        assert ledger.case(seeded["urgent"].case_no)["is_urgent"] == 1
        # seed 003: the 急办件通知单 was issued with the approval and is shown for printing
        from deskclient.ui.screens.notice_preview import NoticePreviewScreen

        assert isinstance(app.screen, NoticePreviewScreen) and app.screen.kind == "urgent"
        [notice] = ledger.rows("SELECT * FROM notice WHERE case_id=? AND kind='urgent'", seeded["urgent"].id)
        assert notice["print_state"] == "queued" and notice["reprint_of"] is None
        await pilot.press("escape")
        await settle(app, pilot)
        # 复核
        await pilot.press("o")
        await settle(app, pilot)
        await fill(app, pilot, ["材料齐全,应予受理"])
        assert ledger.rows("SELECT decision FROM review")[0]["decision"] == "overturned"
        # 不管件: route, then record the outcome
        _move_to(screen.query_one("#t-urgent", DataTable), seeded["unowned"].id)
        await pilot.press("t")
        await settle(app, pilot)
        await fill(app, pilot, ["4", "5", "协调退役军人服务站"])
        [fu] = ledger.rows("SELECT * FROM followup WHERE kind='unowned'")
        assert fu["window"] == "4" and fu["due_date"] == "2026-12-01"
        await pilot.press("d")
        await settle(app, pilot)
        await fill(app, pilot, ["已协调解决"])
        assert ledger.rows("SELECT status FROM followup WHERE kind='unowned'")[0]["status"] == "closed"
        # 投诉: record, then answer
        await pilot.press("c")
        await settle(app, pilot)
        from textual.widgets import TextArea

        app.screen.query_one("#content", TextArea).text = "窗口推诿"
        await pilot.press("f9")
        await settle(app, pilot)
        [cp] = ledger.rows("SELECT * FROM complaint")
        assert cp["status"] == "open" and cp["due_date"] == "2026-11-25"
        await pilot.press("w")
        await settle(app, pilot)
        await fill(app, pilot, ["已调查并答复"])
        assert ledger.rows("SELECT status FROM complaint")[0]["status"] == "answered"
        # 差评整改, then the monthly 回访
        await pilot.press("v")
        await settle(app, pilot)
        await fill(app, pilot, ["已电话回访"])
        await pilot.press("x")
        await settle(app, pilot)
        await fill(app, pilot, ["已整改"])
        assert ledger.rows("SELECT status FROM followup WHERE kind='bad_rating'")[0]["status"] == "closed"
        await pilot.press("m")
        await settle(app, pilot)
        await fill(app, pilot, ["2", "回访10名群众"])
        assert ledger.count("SELECT count(*) FROM followup WHERE kind='revisit' AND window='2'") == 1
    types = [r["type"] for r in ledger.rows("SELECT type FROM event ORDER BY seq")]
    for t in ("case.marked_urgent", "case.review_decided", "case.routed", "case.complaint",
              "case.complaint_answered", "followup.visited", "followup.closed"):
        assert t in types, t
