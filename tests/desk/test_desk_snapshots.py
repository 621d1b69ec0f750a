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
