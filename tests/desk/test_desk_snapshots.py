"""Snapshots of the handover, report and head screens at 80×24 and 120×40 (FixedClock 2026-11-24 09:30,
fixed seeds)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.ui.conftest import new_app, settle, sign_in

from .conftest import register
from .test_desk_pilot import seed

SIZES = [(80, 24), (120, 40)]


def _cases(ctx: Any) -> None:
    from deskclient.services.demo import generate_cases

    generate_cases(ctx, 400, seed=20261124, days_back=30)
    register(ctx, "wangfang", seed=1)
    register(ctx, "wangfang", "reported", seed=2)


def _snap(snap_compare: Any, station: Any, size: tuple[int, int], login: str, pin: str, key: str) -> bool:
    seed(station, _cases)
    app = new_app(station, demo_cases=0)

    async def run_before(pilot: Any) -> None:
        await sign_in(app, pilot, login, pin)
        await pilot.press(key)
        await settle(app, pilot, 6)

    return snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_handover_snapshot(snap_compare: Any, station: Any, size: tuple[int, int]) -> None:
    assert _snap(snap_compare, station, size, "wangfang", "1234", "f7")


@pytest.mark.parametrize("size", SIZES)
def test_report_snapshot(snap_compare: Any, station: Any, size: tuple[int, int]) -> None:
    assert _snap(snap_compare, station, size, "zhouzhuren", "8888", "f12")


@pytest.mark.parametrize("size", SIZES)
def test_head_snapshot(snap_compare: Any, station: Any, size: tuple[int, int]) -> None:
    assert _snap(snap_compare, station, size, "zhouzhuren", "8888", "f8")


def _snap_keys(snap_compare: Any, station: Any, size: tuple[int, int], login: str, pin: str, keys: list[str],
               prepare: Any = None) -> bool:
    seed(station, _cases)
    extra = seed(station, prepare) if prepare is not None else None
    app = new_app(station, demo_cases=0)

    async def run_before(pilot: Any) -> None:
        await sign_in(app, pilot, login, pin)
        if callable(extra):
            await extra(app, pilot)
        for key in keys:
            await pilot.press(key)
            await settle(app, pilot, 6)
        app.clear_notifications()
        await settle(app, pilot)

    return snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_reminder_list_snapshot(snap_compare: Any, station: Any, size: tuple[int, int]) -> None:
    """提醒清单 from home (F4): the window's reminders, late ones first, with since when."""
    assert _snap_keys(snap_compare, station, size, "wangfang", "1234", ["f4"])


@pytest.mark.parametrize("size", SIZES)
def test_head_reminder_list_snapshot(snap_compare: Any, station: Any, size: tuple[int, int]) -> None:
    """The head's 提醒清单 (F4 on the head's desk): every window, the window column last."""
    assert _snap_keys(snap_compare, station, size, "zhouzhuren", "8888", ["f8", "f4"])


def _complaint(ctx: Any) -> None:
    from .conftest import clerk_id

    ctx.head_desk.record_complaint(clerk_id(ctx, "zhouzhuren"), channel="written", content="多部门推诿,久拖不办",
                                   complainant_name="赵某某", window="1", multi_unit=True)


@pytest.mark.parametrize("size", SIZES)
def test_complaint_delay_dialog_snapshot(snap_compare: Any, station: Any, size: tuple[int, int]) -> None:
    """已告知投诉人延期答复 (L on the head's complaints tab): the new date and the reason."""

    def prepare(ctx: Any) -> Any:
        _complaint(ctx)

        async def to_complaints(app: Any, pilot: Any) -> None:
            await pilot.press("f8")
            await settle(app, pilot, 6)
            app.screen.query_one("#head-tabs").active = "tab-complaints"
            await settle(app, pilot)

        return to_complaints

    assert _snap_keys(snap_compare, station, size, "zhouzhuren", "8888", ["l"], prepare)


@pytest.mark.parametrize("size", SIZES)
def test_result_returned_dialog_snapshot(snap_compare: Any, station: Any, size: tuple[int, int]) -> None:
    """结果返回 (J on case detail, seed 003): the department handed the result back."""

    def prepare(ctx: Any) -> Any:
        case = register(ctx, "wangfang", seed=11)

        async def open_case(app: Any, pilot: Any) -> None:
            from deskclient.ui.screens.case_detail import CaseDetailScreen

            app.push_screen(CaseDetailScreen(case.id))
            await settle(app, pilot, 6)

        return open_case

    assert _snap_keys(snap_compare, station, size, "wangfang", "1234", ["j"], prepare)
