"""ClockPanel: lines, colours and the provisional mark; data is never read as markup."""

from __future__ import annotations

from datetime import date, datetime

from textual.app import App, ComposeResult

from deskclient.domain.calendar import WorkCalendar
from deskclient.domain.clock_types import CaseClocks, CaseEvent
from deskclient.domain.clocks import case_clocks
from deskclient.domain.events import EventType as E
from deskclient.strings import clocks as T
from deskclient.ui.widgets.clocks import STYLE_OVERDUE, STYLE_SOON, ClockPanel, clock_lines, clock_style

CAL = WorkCalendar()  # weekends only: every date is provisional


def _clocks(today: date, step: str = "") -> CaseClocks:
    events = [CaseEvent(str(E.CASE_ACCEPTED), datetime(2026, 11, 2, 10),
                        {"acceptance_date": "2026-11-02", "promised_days": 5})]
    if step:
        events.append(CaseEvent(str(E.CASE_CLOCK_PAUSED), datetime(2026, 11, 3, 10),
                                {"pause_id": "1", "reason": "hearing", "step": step, "started_on": "2026-11-03"}))
    return case_clocks(events, calendar=CAL, today=today)


def test_lines_colours_and_marks() -> None:
    soon = _clocks(date(2026, 11, 6))
    line, back = clock_lines(soon)
    assert "2026-11-09" in line.plain and T.PROVISIONAL_MARK in line.plain
    # 窗口管理制度第八条: the department's return, the working day before the promised date, is listed
    # after the applicant's clock as the window's own milestone (the 9th is a Monday: Friday the 6th).
    assert back.plain.startswith(T.MILESTONE_MARK) and "2026-11-06" in back.plain
    assert T.DUE_TODAY in back.plain
    assert soon.promised is not None and clock_style(soon.promised) == STYLE_SOON
    late = _clocks(date(2026, 11, 11))
    assert late.promised is not None and clock_style(late.promised) == STYLE_OVERDUE
    assert T.OVERDUE_BY.format(days=2) in clock_lines(late)[0].plain
    assert clock_lines(None)[0].plain == T.PANEL_EMPTY


def test_markup_in_data_is_shown_literally() -> None:
    paused = _clocks(date(2026, 11, 4), step="[bold red]听证[/]")
    assert "[bold red]听证[/]" in clock_lines(paused)[0].plain


def test_window_milestone_shows_until_the_result_is_returned() -> None:
    """The department-return line goes once the result is back (J on case detail)."""
    events = [CaseEvent(str(E.CASE_ACCEPTED), datetime(2026, 11, 2, 10),
                        {"acceptance_date": "2026-11-02", "promised_days": 5}),
              CaseEvent(str(E.CASE_RESULT_RETURNED), datetime(2026, 11, 4, 10), {"returned_on": "2026-11-04"})]
    lines = clock_lines(case_clocks(events, calendar=CAL, today=date(2026, 11, 4)))
    assert [ln for ln in lines if ln.plain.startswith(T.MILESTONE_MARK)] == []
    assert len(lines) == 1 and "2026-11-09" in lines[0].plain


async def test_panel_mounts_and_updates() -> None:
    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield ClockPanel(_clocks(date(2026, 11, 11)), id="clocks")

    app = Host()
    async with app.run_test() as pilot:
        panel = app.query_one(ClockPanel)
        assert panel.has_class("-overdue")
        panel.show_clocks(_clocks(date(2026, 11, 3)))
        await pilot.pause()
        assert not panel.has_class("-overdue")
        panel.show_clocks(None)
        assert panel.clocks is None
