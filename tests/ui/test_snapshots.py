"""SVG snapshots of every screen at 80×24 and 120×40, with CJK data, a FixedClock (2026-11-24 09:30),
fixed-seed sample cases and no cursor blink. Update with ``pytest tests/ui --snapshot-update``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from tests.ui.conftest import FIXED_NOW, new_app, settle, sign_in

from deskclient.settings import Mode, Paths

SIZES = [(80, 24), (120, 40)]
ID_NO = "11010519491231002X"


def _with_cases(paths: Paths, n: int = 60) -> None:
    from deskclient.domain.clock import FixedClock
    from deskclient.services.context import open_context
    from deskclient.services.demo import generate_cases

    ctx = open_context(paths, clock=FixedClock(FIXED_NOW))
    try:
        generate_cases(ctx, n, seed=7)
    finally:
        ctx.close()


async def _home(pilot: Any) -> None:
    await sign_in(pilot.app, pilot, "wangfang", "1234")
    from deskclient.ui.screens.dialogs import ConfirmDialog

    if isinstance(pilot.app.screen, ConfirmDialog):  # the resume offer (its own snapshot): 以后再办
        await pilot.press("escape")
        await settle(pilot.app, pilot)


async def _resume_offer(pilot: Any) -> None:
    await sign_in(pilot.app, pilot, "wangfang", "1234")


async def _completion(pilot: Any) -> None:
    await _detail(pilot)
    await pilot.press("c")
    await settle(pilot.app, pilot)


async def _admin(pilot: Any) -> None:
    await sign_in(pilot.app, pilot, "zhouzhuren", "8888")
    await pilot.press("f8")
    await settle(pilot.app, pilot)
    await pilot.press("g")
    await settle(pilot.app, pilot)


async def _reprint(pilot: Any) -> None:
    await _detail(pilot)
    await pilot.press("v")
    await settle(pilot.app, pilot)


async def _sign_in(pilot: Any) -> None:
    await settle(pilot.app, pilot)


async def _intake(pilot: Any) -> None:
    await _home(pilot)
    await pilot.press("f2")
    await settle(pilot.app, pilot)
    await pilot.press(*"mz-005", "enter")
    await settle(pilot.app, pilot)
    await pilot.press(*"张三")
    pilot.app.screen.query_one("#a-id").value = ID_NO
    pilot.app.screen.query_one("#a-phone").value = "1380013800"  # one digit short: the message shows
    await pilot.press("f6")
    pilot.app.screen.query_one("#g-name").value = "次仁卓玛"
    await settle(pilot.app, pilot)


async def _checklist(pilot: Any) -> None:
    await _intake(pilot)
    pilot.app.screen.query_one("#a-phone").value = "13800138000"
    await pilot.press("f6")
    await pilot.press("f9")
    await settle(pilot.app, pilot)
    await pilot.press("r", "b")  # the second line 需补正 (issue #14): what is wrong shows below the table
    await settle(pilot.app, pilot)
    await pilot.press(*"复印件不清晰", "enter", "r")
    await settle(pilot.app, pilot)


async def _defect(pilot: Any) -> None:
    await _checklist(pilot)
    await pilot.press("b")
    await settle(pilot.app, pilot)


async def _notice(pilot: Any) -> None:
    from deskclient.ui.widgets.checklist import MaterialChecklist

    await _checklist(pilot)
    # seed 003: main materials complete, only the general one (委托书) missing → 容缺受理 and a promise notice
    await pilot.press("r", "m")
    pilot.app.screen.query_one(MaterialChecklist).move_cursor(row=1)
    await pilot.press("r", "f9")
    await settle(pilot.app, pilot)
    await pilot.press("f9")
    await settle(pilot.app, pilot)


async def _detail(pilot: Any) -> None:
    await _notice(pilot)
    await pilot.press("escape")
    await settle(pilot.app, pilot)


async def _transfer(pilot: Any) -> None:
    await _detail(pilot)
    await pilot.press("t")
    await settle(pilot.app, pilot)


async def _urgent(pilot: Any) -> None:
    await _detail(pilot)
    await pilot.press("u")
    await settle(pilot.app, pilot)


async def _joint_departments(pilot: Any) -> None:
    """A 联办件 accepted: its notice's preview opens the departments dialog (issue #15)."""
    await _home(pilot)
    await pilot.press("f2")
    await settle(pilot.app, pilot)
    await pilot.press(*"cl-005", "enter")
    await settle(pilot.app, pilot)
    await pilot.press(*"张三")
    pilot.app.screen.query_one("#a-id").value = ID_NO
    pilot.app.screen.query_one("#a-phone").value = "13800138000"
    await settle(pilot.app, pilot)
    await pilot.press("f9")  # register
    await settle(pilot.app, pilot)
    await pilot.press("a", "f9")  # everything received: accept
    await settle(pilot.app, pilot)
    await pilot.press("f9")
    await settle(pilot.app, pilot)


async def _draft(pilot: Any) -> None:
    await sign_in(pilot.app, pilot, "wangfang", "1234")  # the draft offer stays on screen


SCREENS: dict[str, Callable[[Any], Awaitable[None]]] = {
    "sign_in": _sign_in,
    "home": _home,
    "intake": _intake,
    "checklist": _checklist,
    "defect_dialog": _defect,
    "notice_preview": _notice,
    "case_detail": _detail,
    "transfer_dialog": _transfer,
    "pin_dialog": _urgent,
    "resume_offer": _resume_offer,
    "completion_dialog": _completion,
    "reprint_preview": _reprint,
    "admin": _admin,
    "joint_departments_dialog": _joint_departments,
}


def _still(scenario: Callable[[Any], Awaitable[None]]) -> Callable[[Any], Awaitable[None]]:
    """Run the scenario, then drop the toasts: they time out on the wall clock, not the FixedClock."""

    async def run(pilot: Any) -> None:
        await scenario(pilot)
        pilot.app.clear_notifications()
        await settle(pilot.app, pilot)

    return run


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(name: str, size: tuple[int, int], station: Paths, snap_compare: Any) -> None:
    if name in ("home", "sign_in", "resume_offer"):
        _with_cases(station)
    app = new_app(station)
    assert snap_compare(app, terminal_size=size, run_before=_still(SCREENS[name]))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_first_run(size: tuple[int, int], tmp_path: Path, snap_compare: Any) -> None:
    app = new_app(Paths.resolve(tmp_path / "fresh", Mode.STATION))
    assert snap_compare(app, terminal_size=size, run_before=_sign_in)


@pytest.mark.xdist_group("fixed-path-snapshot")  # both sizes use one fixed folder: one worker, in turn
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_open_error(size: tuple[int, int], snap_compare: Any) -> None:
    import shutil

    from deskclient.domain.clock import FixedClock
    from deskclient.ui.app import make_app

    root = Path("/tmp/deskclient-snapshot/broken")  # the message names the file: keep its path fixed
    shutil.rmtree(root, ignore_errors=True)
    paths = Paths.resolve(root, Mode.STATION)
    paths.config_file.parent.mkdir(parents=True)
    paths.config_file.write_text("[station]\ncode = 12\n", encoding="utf-8")
    app = make_app(paths, clock=FixedClock(FIXED_NOW), cursor_blink=False)
    assert snap_compare(app, terminal_size=size, run_before=_sign_in)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_demo_sign_in_and_draft_offer(size: tuple[int, int], station: Paths, snap_compare: Any) -> None:
    """The draft question after sign-in (a draft left by a crash)."""
    import json

    from deskclient.domain.clock import FixedClock
    from deskclient.services.context import open_context
    from deskclient.store.drafts import save_draft

    ctx = open_context(station, clock=FixedClock(FIXED_NOW))
    clerk = next(c for c in ctx.people.clerks() if c.login == "wangfang")
    save_draft(ctx.ledger, "d1", clerk.id, {"applicant_name": "阿卜杜热西提·买买提艾力", "item_name": "临时救助申请",
                                            "item_code": "MZ-003", "applicant_id": ID_NO})
    ctx.close()
    _ = json
    app = new_app(station)
    assert snap_compare(app, terminal_size=size, run_before=_still(_draft))
