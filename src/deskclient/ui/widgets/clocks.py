"""``ClockPanel``: a case's time limits (from ``services.case_clock``) as coloured lines.

Self-contained: give it a :class:`~deskclient.domain.clock_types.CaseClocks` (``ctx.case_clock.clocks(case_id)``)
with :meth:`ClockPanel.show_clocks`. Every line is built as ``rich.text.Text`` with styles applied
to spans, so nothing from data is ever read as markup.
"""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from deskclient.domain.clock_types import CaseClock, CaseClocks, ClockState, PauseReason
from deskclient.strings import clocks as T

STYLE_OVERDUE = "bold red"
STYLE_SOON = "bold yellow"
STYLE_PAUSED = "cyan"
STYLE_DONE = "dim"
STYLE_BASIS = "dim italic"


def clock_style(clock: CaseClock) -> str:
    """Red when overdue (or finished late), yellow when due soon, cyan when paused, dim when done."""
    if clock.state is ClockState.OVERDUE:
        return STYLE_OVERDUE
    if clock.state is ClockState.PAUSED:
        return STYLE_SOON if clock.due_soon else STYLE_PAUSED
    if clock.state is ClockState.RUNNING:
        return STYLE_SOON if clock.due_soon else ""
    if clock.state is ClockState.LATE:
        return "dim red"
    return STYLE_DONE


def days_text(clock: CaseClock) -> str:
    """剩余N个工作日 / 今日到期 / 已超期N个工作日 (calendar-day clocks say 日)."""
    if clock.state is ClockState.MET and clock.finished_on is not None:
        return T.DONE_ON.format(date=f"{clock.finished_on:%Y-%m-%d}")
    if clock.days_left < 0:
        template = T.OVERDUE_BY_CALENDAR if clock.calendar_days else T.OVERDUE_BY
        return template.format(days=-clock.days_left)
    if clock.days_left == 0 and clock.is_open:
        return T.DUE_TODAY
    template = T.DAYS_LEFT_CALENDAR if clock.calendar_days else T.DAYS_LEFT
    return template.format(days=clock.days_left)


def clock_text(clock: CaseClock, *, with_basis: bool = True) -> Text:
    """One clock: label, due date, days left, provisional mark, state, notes; basis on a second line."""
    style = clock_style(clock)
    line = Text()
    line.append(clock.label, style="bold")
    line.append("  ")
    line.append(T.DUE_ON.format(date=f"{clock.due:%Y-%m-%d}"), style=style)
    if clock.provisional:
        line.append(T.PROVISIONAL_MARK, style="yellow")
    line.append("  ")
    line.append(days_text(clock), style=style)
    line.append("  ")
    line.append(f"[{clock.state.label}]", style=style or None)
    notes: list[str] = []
    if clock.state is ClockState.PAUSED:
        try:
            reason = PauseReason(clock.pause_reason).label
        except ValueError:
            reason = clock.pause_reason
        notes.append(T.PAUSED_NOTE.format(reason=clock.pause_step or reason))
    if clock.paused_days:
        notes.append(T.PAUSED_DAYS_NOTE.format(days=clock.paused_days))
    if clock.extended_days:
        notes.append(T.EXTENDED_NOTE.format(days=clock.extended_days))
    if notes:
        line.append("  ")
        line.append(";".join(notes), style="dim")
    if with_basis:
        line.append("\n    ")
        line.append(clock.basis, style=STYLE_BASIS)
    return line


def clock_lines(clocks: CaseClocks | None, *, show_finished: bool = False,
                with_basis: bool = True) -> list[Text]:
    """The panel's lines: open clocks most urgent first, then (optionally) finished ones."""
    if clocks is None:
        return [Text(T.PANEL_EMPTY, style="dim")]
    chosen = list(clocks.running)
    if show_finished:
        chosen += [c for c in clocks.clocks if not c.is_open]
    if not chosen:
        return [Text(T.PANEL_EMPTY, style="dim")]
    lines = [clock_text(c, with_basis=with_basis) for c in chosen]
    # The window's own open milestones (the department hands the result back the day before the
    # promised date; the return decision) after the applicant's clocks: the clerk chasing a department
    # needs that date on the case itself, not only in the reminders list.
    for m in clocks.milestones:
        if m.is_open:
            line = Text(T.MILESTONE_MARK, style="dim")
            line.append_text(clock_text(m, with_basis=with_basis))
            lines.append(line)
    return lines


class ClockPanel(Static):
    """Every running clock of one case; call :meth:`show_clocks` whenever the case changes."""

    DEFAULT_CSS = """
    ClockPanel {
        height: auto;
        border: round $primary;
        padding: 0 1;
    }
    """

    def __init__(self, clocks: CaseClocks | None = None, *, show_finished: bool = False,
                 with_basis: bool = True, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.border_title = T.PANEL_TITLE
        self._show_finished = show_finished
        self._with_basis = with_basis
        self._clocks = clocks

    def on_mount(self) -> None:
        self.show_clocks(self._clocks)

    @property
    def clocks(self) -> CaseClocks | None:
        return self._clocks

    def show_clocks(self, clocks: CaseClocks | None) -> None:
        """Replace what is shown (pass None to clear)."""
        self._clocks = clocks
        lines = clock_lines(clocks, show_finished=self._show_finished, with_basis=self._with_basis)
        self.set_class(any(c.is_overdue for c in (clocks.clocks if clocks else ())), "-overdue")
        self.update(Group(*lines))
