"""提醒清单: every reminder of the clerk's window (every window for the centre head) — promised dates
overdue, due today or soon, seed-003 milestones missed (the department's result not back, a return
decision late), complaints whose complainant must be told of a late answer — with the case number,
what is due, by when and since when it is late. Opened with one key from the home reminders line and
from the head's desk; Enter opens the case. Reading only (``ctx.reminders.items``)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from deskclient.strings import clocks_ui as T
from deskclient.strings import desk as TD
from deskclient.strings import ui as TU
from deskclient.ui.screens.base import DeskScreen

RANK_STYLES = {0: "bold red", 1: "bold yellow", 2: "yellow"}
# state first and the window last (the head's only): a clerk's list fits 80 columns
COLUMNS = (("state", T.REMINDER_COL_STATE, 8), ("case_no", T.REMINDER_COL_CASE, 18), ("what", T.REMINDER_COL_WHAT, 22),
           ("due", T.REMINDER_COL_DUE, 10), ("since", T.REMINDER_COL_SINCE, 10))
WINDOW_COLUMN = ("window", T.REMINDER_COL_WINDOW, 4)


class ReminderListScreen(DeskScreen):
    DEFAULT_CSS = """
    ReminderListScreen #reminder-table { height: 1fr; }
    ReminderListScreen #reminder-message { height: auto; max-height: 3; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "delay", TD.KEY_DELAY, id="reminders.delay"),
        Binding("f5", "refresh", TU.KEY_REFRESH, id="reminders.refresh"),
        Binding("escape", "back", TU.KEY_BACK, id="reminders.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, Any] = {}
        self.all_windows = False

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="reminder-table", cursor_type="row", zebra_stripes=True)
        yield Static(T.REMINDER_HINT, id="reminder-message", markup=False)

    def on_mount(self) -> None:
        self.title = T.REMINDERS_TITLE_LIST
        self.sub_title = self.desk.sub_title
        table = self.query_one("#reminder-table", DataTable)
        self.all_windows = not self.clerk.window  # the head sees every window's reminders
        for key, label, width in (*COLUMNS, WINDOW_COLUMN) if self.all_windows else COLUMNS:
            table.add_column(label, key=key, width=width)
        table.focus()
        self.action_refresh()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        ctx = self.ctx
        scope = None if self.all_windows else self.desk.window
        self.run_db(lambda: ctx.reminders.items(scope), self._show, group="reminders")

    def _show(self, items: list[Any]) -> None:
        table = self.query_one("#reminder-table", DataTable)
        table.clear()
        self.items = {}
        for i, it in enumerate(items):
            key = f"r{i}"
            self.items[key] = it
            style = RANK_STYLES.get(it.rank, "")
            cells = [Text(T.REMINDER_RANKS.get(it.rank, ""), style=style), Text(it.case_no or "—"), Text(it.what),
                     Text(f"{it.due:%Y-%m-%d}", style=style),
                     Text(f"{it.since:%Y-%m-%d}" if it.since else "—", style=style)]
            if self.all_windows:
                cells.append(Text(it.window or "—"))
            table.add_row(*cells, key=key)
        self._message(T.REMINDER_HINT if items else T.REMINDER_NONE)

    def _message(self, text: str, style: str = "") -> None:
        self.query_one("#reminder-message", Static).update(Text(text, style=style))

    @on(DataTable.RowSelected, "#reminder-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        from deskclient.ui.screens.case_detail import CaseDetailScreen

        item = self.items.get(str(event.row_key.value))
        if item is None:
            return
        if not item.case_id:
            self._message(T.REMINDER_NO_CASE, "bold yellow")
            return
        self.app.push_screen(CaseDetailScreen(item.case_id))

    def _selected(self) -> Any:
        table = self.query_one("#reminder-table", DataTable)
        if table.row_count == 0:
            return None
        return self.items.get(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def action_delay(self) -> None:
        """On a complaint's reminder: 已告知投诉人延期答复 (new date and reason, 投诉制度第六条), as on the
        head's complaints tab; the reminder ends."""
        from datetime import date

        from deskclient.ui.widgets.desk_forms import FormDialog, FormField

        item = self._selected()
        if item is None or not item.complaint_id:
            self._message(T.REMINDER_NOT_COMPLAINT, "bold yellow")
            return
        ctx, clerk_id, complaint_id = self.ctx, self.clerk.id, item.complaint_id

        def answer(v: dict[str, str] | None) -> None:
            if v is None:
                return
            try:
                expected = date.fromisoformat(v["date"].strip())
            except ValueError:
                self._message(TD.DELAY_DATE_FORMAT, "red")
                return
            self.run_db(lambda: ctx.followups.tell_complaint_delay(complaint_id, clerk_id, expected_on=expected,
                                                                   note=v["reason"]),
                        lambda _c: self.action_refresh(), failed=lambda m: self._message(m, "red"), group="write")

        hint = T.REMINDER_DELAY_HINT.format(due=f"{item.due:%Y-%m-%d}")
        self.app.push_screen(FormDialog(TD.DELAY_TITLE, [FormField("date", TD.DELAY_DATE, required=True, max_length=10),
                                                         FormField("reason", TD.DELAY_REASON, required=True,
                                                                   max_length=200)],
                                        hint=hint, required_message=TD.PAUSE_REQUIRED), answer)

    def action_back(self) -> None:
        self.app.pop_screen()
