"""With the guide panel shown (training's default), home's 状态 and 办结期限 columns are on screen whole
at 120×40; at 80×24 the trainer hides the panel with Ctrl+G and the table gets the whole width."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.training.pilot_support import settle, training_paths

from deskclient.strings import ui as T
from deskclient.ui.widgets.case_table import CaseTable
from deskclient.ui.widgets.training_panel import TrainingPanel


def _training_app(tmp_path: Path) -> Any:
    from deskclient.ui.app import make_app

    return make_app(training_paths(tmp_path), cursor_blink=False, demo_cases=0)


_settle = settle


async def _home_with_a_case(app: Any, pilot: Any) -> None:
    """Scenario 1 started, its registration demonstrated (Ctrl+D), back on home (F1)."""
    await _settle(app, pilot)
    await pilot.press("ctrl+o", "enter")
    await _settle(app, pilot, rounds=6)
    await pilot.press("ctrl+right", "ctrl+d")
    await _settle(app, pilot)
    await pilot.press("f1")
    await _settle(app, pilot)


def _columns_on_screen(table: CaseTable) -> dict[str, tuple[int, int]]:
    """Each column's first and last cell (x) inside the table's visible width."""
    out: dict[str, tuple[int, int]] = {}
    x = 0
    for column in table.ordered_columns:
        width = column.get_render_width(table)
        out[str(column.label)] = (x, x + width - 1)
        x += width
    return out


def _assert_status_and_due_visible(app: Any) -> None:
    table = app.screen.query_one(CaseTable)
    visible = table.scrollable_content_region.width
    assert table.scroll_x == 0
    columns = _columns_on_screen(table)
    for label in (T.COL_STATUS, T.COL_DUE):
        _start, end = columns[label]
        assert end < visible, f"{label} ends at {end}, the table shows {visible} cells"
    panel = app.screen.query_one(TrainingPanel)
    assert panel.display and not panel.has_class("-hidden")
    # the table ends where the panel begins: nothing of it is drawn under the panel
    assert table.region.right <= panel.region.x


async def test_status_and_due_columns_beside_the_panel_at_120(tmp_path: Path) -> None:
    app = _training_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _home_with_a_case(app, pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        assert app.screen.query_one(CaseTable).row_count == 1
        _assert_status_and_due_visible(app)
        await pilot.press("ctrl+q")


async def test_at_80_ctrl_g_hides_the_panel_and_the_table_takes_the_width(tmp_path: Path) -> None:
    app = _training_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _home_with_a_case(app, pilot)
        table = app.screen.query_one(CaseTable)
        narrow = table.scrollable_content_region.width  # beside the panel 办结期限 does not fit at 80
        await pilot.press("ctrl+g")
        await _settle(app, pilot)
        assert app.screen.query_one(TrainingPanel).has_class("-hidden")
        assert table.scrollable_content_region.width > narrow
        columns = _columns_on_screen(table)
        assert columns[T.COL_DUE][1] < table.scrollable_content_region.width
        await pilot.press("ctrl+q")


@pytest.mark.parametrize("size", [(120, 40)])
def test_home_with_panel_snapshot(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = _training_app(tmp_path)

    async def run_before(pilot: Any) -> None:
        await _home_with_a_case(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
