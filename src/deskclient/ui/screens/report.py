"""统计报表: the day's, week's or month's figures per window and clerk, with a small text chart of each
day's registrations and completions for a week or a month; exported as CSV for WPS / Excel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, ClassVar

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from deskclient.strings import desk as T
from deskclient.strings import ui as TU
from deskclient.ui.screens.base import DeskScreen
from deskclient.ui.widgets.desk_forms import bar_chart


@dataclass(frozen=True)
class Loaded:
    summary: Any
    names: Any


class ReportScreen(DeskScreen):
    CSS_PATH = "report.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "kind('daily')", T.KEY_DAY, id="report.day"),
        Binding("w", "kind('weekly')", T.KEY_WEEK, id="report.week"),
        Binding("m", "kind('monthly')", T.KEY_MONTH, id="report.month"),
        Binding("left", "shift(-1)", T.KEY_PREV, id="report.prev"),
        Binding("right", "shift(1)", T.KEY_NEXT, id="report.next"),
        Binding("e", "export", T.KEY_EXPORT, id="report.export"),
        Binding("escape", "back", TU.KEY_BACK, id="report.back"),
    ]

    def __init__(self, kind: str = "daily", day: date | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.day = day
        self.loaded: Loaded | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="report-body"):
            yield Static("", id="report-title", markup=False)
            yield Static("", id="report-chart", markup=False)
            yield Static("", id="report-tables", markup=False)
        yield Static("", id="report-message", markup=False)

    def on_mount(self) -> None:
        self.title = T.REPORT_SCREEN_TITLE
        self.day = self.day or self.ctx.clock.today()
        self.query_one("#report-body").focus()
        self.load_report()

    def load_report(self) -> None:
        ctx, kind, day = self.ctx, self.kind, self.day or self.ctx.clock.today()
        window = None if self.clerk.role == "head" else self.desk.window
        self.run_db(lambda: Loaded(ctx.reports.summary(kind, day, window=window), ctx.reports.names()), self._show)

    def _show(self, loaded: Loaded) -> None:
        from deskclient.services import reports as R

        self.loaded = loaded
        s, names = loaded.summary, loaded.names
        self.query_one("#report-title", Static).update(Text(R.report_title(s, names), style="bold"))
        chart = self.query_one("#report-chart", Static)
        if s.period.kind != "daily":
            width = max(10, min(40, self.size.width - 30))
            chart.update(Group(Text(T.CHART_TITLE, style="bold"), bar_chart(R.chart_lines(s, width), T.CHART_LEGEND)))
            chart.display = True
        else:
            chart.display = False
        compact = self.size.width < 100
        tables: list[Any] = [Text(T.EMPTY_PERIOD)] if s.station.is_empty() else []
        self.query_one("#report-tables", Static).update(Group(*tables, *R.rich_tables(s, names, compact=compact)))

    def action_kind(self, kind: str) -> None:
        self.kind = kind
        self.load_report()

    def action_shift(self, step: int) -> None:
        day = self.day or self.ctx.clock.today()
        if self.kind == "daily":
            day += timedelta(days=step)
        elif self.kind == "weekly":
            day += timedelta(days=7 * step)
        else:
            day = (day.replace(day=1) + timedelta(days=32 * step if step > 0 else -1)).replace(day=1)
        self.day = day
        self.load_report()

    def action_export(self) -> None:
        from deskclient.services import reports as R
        from deskclient.services.files import atomic_write_bytes

        if self.loaded is None:
            return
        s, names = self.loaded.summary, self.loaded.names
        path = self.ctx.paths.data_dir / "reports" / f"{s.period.kind}-{s.period.start:%Y%m%d}.csv"

        def work() -> str:
            atomic_write_bytes(path, R.to_csv(s, names))
            return str(path)

        self.run_db(work, lambda p: self.query_one("#report-message", Static).update(
            Text(T.REPORT_EXPORTED.format(path=p))))

    def action_back(self) -> None:
        """Esc: back to where the clerk came from (home)."""
        self.app.pop_screen()
