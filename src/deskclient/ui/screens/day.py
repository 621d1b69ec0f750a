"""开班 / 收班 / 暂停服务: open the day (printer, due and overdue cases), pause with a printable counter
sign, resume, and close the day (refused while an intake is mid-way; summary stored; sync tried)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from deskclient.strings import desk as T
from deskclient.strings import ui as TU
from deskclient.ui.screens.base import DeskScreen
from deskclient.ui.screens.handover import COLUMN_WIDTHS, RANK_STYLES, due_text, issue_sheet
from deskclient.ui.widgets.desk_forms import FormDialog, FormField


@dataclass(frozen=True)
class DayState:
    workday: Any
    pause: Any
    reminders: Any
    window_label: str
    redirect_label: str


def parse_hhmm(text: str) -> time | None:
    try:
        hh, mm = text.replace(":", ":").split(":")
        return time(int(hh), int(mm))
    except (ValueError, TypeError):
        return None


class DayScreen(DeskScreen):
    CSS_PATH = "day.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "open_day", T.KEY_OPEN_DAY, id="day.open"),
        Binding("p", "pause", T.KEY_PAUSE, id="day.pause"),
        Binding("r", "resume", T.KEY_RESUME, id="day.resume"),
        Binding("c", "close_day", T.KEY_CLOSE_DAY, id="day.close"),
        Binding("f5", "refresh", T.KEY_REFRESH, id="day.refresh"),
        Binding("escape", "back", TU.KEY_BACK, id="day.back"),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static("", id="day-state", markup=False)
        yield Static("", id="day-pause", markup=False)
        yield Static("", id="day-printer", markup=False)
        yield Static("", id="day-reminders", markup=False)
        yield DataTable(id="day-due", cursor_type="row", zebra_stripes=True)
        yield Static("", id="day-message", markup=False)

    def on_mount(self) -> None:
        self.title = T.DAY_TITLE.format(window=self.desk.window)
        table = self.query_one("#day-due", DataTable)
        for key, label in (("rank", T.COL_RANK), ("case_no", T.COL_CASE_NO), ("item", T.COL_ITEM),
                           ("applicant", T.COL_APPLICANT), ("due", T.COL_DUE)):
            table.add_column(label, key=key, width=COLUMN_WIDTHS[key])
        self.action_refresh()

    # --- loading -----------------------------------------------------------------------------------
    def action_refresh(self) -> None:
        ctx, window = self.ctx, self.desk.window

        def load() -> DayState:
            desk = ctx.workday
            pause = desk.current_pause(window)
            redirect = desk.window_label(pause.redirect_window) if pause and pause.redirect_window else ""
            return DayState(desk.workday(window), pause, desk.reminders(window), desk.window_label(window), redirect)

        self.run_db(load, self._show)

    def _show(self, st: DayState) -> None:
        self.title = T.DAY_TITLE.format(window=st.window_label)
        wd = st.workday
        if wd is not None and wd.closed_at is not None:
            state = T.DAY_CLOSED.format(time=f"{wd.closed_at:%H:%M}")
        elif wd is not None and wd.opened_at is not None:
            state = T.DAY_OPEN.format(time=f"{wd.opened_at:%H:%M}")
        else:
            state = T.DAY_NOT_OPEN
        self.query_one("#day-state", Static).update(Text(T.DAY_STATE.format(day=st.reminders.today.isoformat(),
                                                                              state=state)))
        if st.pause is not None:
            back = f"{st.pause.expected_back:%H:%M}" if st.pause.expected_back else "—"
            redirect = T.DAY_PAUSE_REDIRECT.format(window=st.redirect_label) if st.redirect_label else ""
            pause = Text(T.DAY_PAUSED.format(reason=st.pause.reason, back=back, redirect=redirect), style="bold red")
        else:
            pause = Text(T.DAY_NOT_PAUSED, style="green")
        self.query_one("#day-pause", Static).update(pause)
        self._reminders(st.reminders)

    def _reminders(self, r: Any) -> None:
        self.query_one("#day-reminders", Static).update(Text(T.DAY_REMINDERS.format(
            overdue=len(r.overdue), today=len(r.due_today), soon=len(r.due_soon))))
        table = self.query_one("#day-due", DataTable)
        table.clear()
        for ln in [*r.overdue, *r.due_today, *r.due_soon]:
            table.add_row(Text(ln.rank_label, style=RANK_STYLES.get(ln.rank, "")), Text(ln.case_no),
                          Text(ln.item_name), Text(ln.applicant_name), due_text(ln), key=ln.case_id)

    def _message(self, text: str, style: str = "") -> None:
        self.query_one("#day-message", Static).update(Text(text, style=style))

    # --- actions ----------------------------------------------------------------------------------
    def action_open_day(self) -> None:
        ctx, window, clerk_id = self.ctx, self.desk.window, self.clerk.id
        self.run_db(lambda: ctx.workday.open_day(window=window, clerk_id=clerk_id), self._opened,
                    failed=lambda m: self._message(m, "red"))

    def _opened(self, opening: Any) -> None:
        self.query_one("#day-printer", Static).update(Text(T.DAY_PRINTER.format(message=opening.printer.message),
                                                           style="red" if opening.printer.ok is False else ""))
        r = opening.reminders
        reminders = T.DAY_REMINDERS.format(overdue=len(r.overdue), today=len(r.due_today), soon=len(r.due_soon))
        if opening.already_open:
            self._message(T.DAY_ALREADY_OPEN_MSG.format(time=f"{opening.workday.opened_at:%H:%M}",
                                                        reminders=reminders))
        else:
            self._message(T.DAY_OPENED_MSG.format(reminders=reminders))
        self.action_refresh()

    def action_pause(self) -> None:
        fields = [FormField("reason", T.PAUSE_REASON, T.DEFAULT_PAUSE_REASON, required=True, max_length=100),
                  FormField("back", T.PAUSE_BACK, max_length=5),
                  FormField("redirect", T.PAUSE_REDIRECT, max_length=4)]
        self.app.push_screen(FormDialog(T.PAUSE_TITLE, fields, required_message=T.PAUSE_REQUIRED), self._paused)

    def _paused(self, values: dict[str, str] | None) -> None:
        if values is None:
            return
        back: datetime | None = None
        if values["back"]:
            hhmm = parse_hhmm(values["back"])
            if hhmm is None:
                self._message(T.PAUSE_BACK_BAD, "red")
                return
            back = datetime.combine(self.ctx.clock.today(), hhmm)
        ctx, window, clerk_id = self.ctx, self.desk.window, self.clerk.id

        def work() -> str:
            desk = ctx.workday
            pause = desk.pause(window=window, clerk_id=clerk_id, reason=values["reason"], expected_back=back,
                               redirect_window=values["redirect"])
            return issue_sheet(ctx, desk.pause_sign(pause), clerk_id)

        self.run_db(work, lambda msg: self._message_and_refresh(T.KEY_PAUSE + msg),
                    failed=lambda m: self._message(m, "red"))

    def action_resume(self) -> None:
        ctx, window, clerk_id = self.ctx, self.desk.window, self.clerk.id
        self.run_db(lambda: ctx.workday.resume(window=window, clerk_id=clerk_id),
                    lambda _p: self._message_and_refresh(T.KEY_RESUME),
                    failed=lambda m: self._message(m, "red"))

    def _message_and_refresh(self, message: str) -> None:
        self._message(message)
        self.action_refresh()

    def action_close_day(self) -> None:
        """收班 asks first: it stores the day's figures and cannot be undone."""
        from deskclient.ui.screens.dialogs import ConfirmDialog

        def answer(yes: bool | None) -> None:
            if yes:
                self._close_day()

        self.app.push_screen(ConfirmDialog(T.DAY_CLOSE_Q, T.DAY_CLOSE_DETAIL, yes=T.KEY_CLOSE_DAY), answer)

    def _close_day(self) -> None:
        from deskclient.services.desk_base import DayNotClosable

        ctx, window, clerk_id = self.ctx, self.desk.window, self.clerk.id

        def work() -> Any:
            try:
                return ctx.workday.close_day(window=window, clerk_id=clerk_id)
            except DayNotClosable as err:
                return err

        self.run_db(work, self._day_closed, failed=lambda m: self._message(m, "red"))

    def _day_closed(self, result: Any) -> None:
        from deskclient.services.desk_base import DayNotClosable

        if isinstance(result, DayNotClosable):
            lines = [result.message, T.DAY_UNFINISHED_TITLE]
            for u in result.items:
                tpl = T.UNFINISHED_DRAFT if u.kind == "draft" else T.UNFINISHED_CASE
                lines.append("  " + tpl.format(label=u.label, time=f"{u.at:%H:%M}"))
            self._message("\n".join(lines), "red")
            return
        f = result.figures
        self._message(T.DAY_CLOSED_MSG.format(registered=f["registered"], accepted=f["accepted"],
                                              completed=f["completed"], sync=result.sync_message))
        self.action_refresh()

    def action_back(self) -> None:
        """Esc: back to where the clerk came from (home)."""
        self.app.pop_screen()
