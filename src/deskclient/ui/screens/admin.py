"""人员管理: the station's clerks after first run. The centre head adds a clerk, retires one, resets a
PIN or unlocks a locked clerk, each confirmed with the head's own PIN (``ctx.admin``, one transaction
and one event each); any clerk may change their own PIN here."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from deskclient.strings import admin as T
from deskclient.ui.screens.base import DeskScreen
from deskclient.ui.widgets.desk_forms import FormDialog, FormField

COLUMN_WIDTHS = {"login": 12, "name": 8, "role": 10, "window": 6, "post": 4, "state": 10}


class AdminScreen(DeskScreen):
    CSS_PATH = "admin.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "add", T.KEY_ADD, id="admin.add"),
        Binding("r", "retire", T.KEY_RETIRE, id="admin.retire"),
        Binding("p", "reset_pin", T.KEY_RESET_PIN, id="admin.reset_pin"),
        Binding("l", "unlock", T.KEY_UNLOCK, id="admin.unlock"),
        Binding("c", "change_pin", T.KEY_CHANGE_PIN, id="admin.change_pin"),
        Binding("s", "notice_lines", T.KEY_NOTICE_LINES, id="admin.notice_lines"),
        Binding("escape", "back", T.KEY_BACK, id="admin.back"),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static(T.ADMIN_HINT, id="admin-hint", classes="hint", markup=False)
        yield DataTable(id="clerks", cursor_type="row", zebra_stripes=True)
        yield Static("", id="admin-message", markup=False)

    def on_mount(self) -> None:
        self.title = T.ADMIN_TITLE
        table = self.query_one("#clerks", DataTable)
        for key, label in T.COLUMNS.items():
            table.add_column(label, key=key, width=COLUMN_WIDTHS[key])  # fixed: no auto-size race
        table.focus()
        self.load()

    def load(self) -> None:
        ctx = self.ctx
        self.run_db(lambda: ctx.admin.clerks(), self._show, group="load")

    def _show(self, clerks: list[Any]) -> None:
        table = self.query_one("#clerks", DataTable)
        table.clear()
        for c in clerks:
            state = T.STATE_RETIRED if not c.active else T.STATE_LOCKED if c.locked else T.STATE_ACTIVE
            table.add_row(Text(c.login), Text(c.name), Text(T.ROLE_LABELS.get(c.role, c.role)), Text(c.window),
                          Text(c.post), Text(state, style="bold red" if c.locked else ""), key=c.login)

    def _message(self, text: str, style: str = "") -> None:
        self.query_one("#admin-message", Static).update(Text(text, style=style))

    def _selected(self) -> str | None:
        table = self.query_one("#clerks", DataTable)
        if table.row_count == 0:
            self._message(T.NOTHING_SELECTED, "red")
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def _head_login(self) -> str:
        return self.clerk.login if self.clerk.role == "head" else ""

    def _head_fields(self) -> list[FormField]:
        return [FormField("head", T.HEAD_LOGIN, self._head_login(), required=True),
                FormField("head_pin", T.HEAD_PIN, password=True, required=True, max_length=8)]

    def _ask(self, title: str, fields: list[FormField], work: Any, done_text: str) -> None:
        def answer(values: dict[str, str] | None) -> None:
            if values is None:
                return
            ctx = self.ctx

            def done(_r: Any) -> None:
                self._message(done_text, "green")
                self.load()

            self.run_db(lambda: work(ctx.admin, values), done, failed=lambda m: self._message(m, "red"),
                        group="write")

        self.app.push_screen(FormDialog(title, fields, required_message=T.REQUIRED, compact=True), answer)

    # --- actions ----------------------------------------------------------------------------------
    def action_add(self) -> None:
        from deskclient.services.people import ClerkInput

        fields = [FormField("login", T.LOGIN, required=True, max_length=32),
                  FormField("name", T.NAME, required=True, max_length=20),
                  FormField("window", T.WINDOW, required=True, max_length=4),
                  FormField("post", T.POST, "B", required=True, max_length=1),
                  FormField("pin", T.NEW_PIN, password=True, required=True, max_length=8),
                  *self._head_fields()]
        self._ask(T.KEY_ADD, fields, lambda admin, v: admin.add_clerk(
            v["head"], v["head_pin"], ClerkInput(v["login"], v["name"], v["pin"], window=v["window"],
                                                 post=v["post"].upper())), T.DONE_ADD)

    def action_retire(self) -> None:
        login = self._selected()
        if login:
            self._ask(T.RETIRE_TITLE.format(login=login), self._head_fields(),
                      lambda admin, v: admin.retire_clerk(v["head"], v["head_pin"], login), T.DONE_RETIRE)

    def action_reset_pin(self) -> None:
        login = self._selected()
        if login:
            fields = [FormField("pin", T.NEW_PIN, password=True, required=True, max_length=8), *self._head_fields()]
            self._ask(T.RESET_TITLE.format(login=login), fields,
                      lambda admin, v: admin.reset_pin(v["head"], v["head_pin"], login, v["pin"]), T.DONE_RESET)

    def action_unlock(self) -> None:
        login = self._selected()
        if login:
            self._ask(T.UNLOCK_TITLE.format(login=login), self._head_fields(),
                      lambda admin, v: admin.unlock(v["head"], v["head_pin"], login), T.DONE_UNLOCK)

    def action_change_pin(self) -> None:
        login = self.clerk.login
        fields = [FormField("old", T.OLD_PIN, password=True, required=True, max_length=8),
                  FormField("pin", T.NEW_PIN, password=True, required=True, max_length=8)]
        self._ask(T.CHANGE_TITLE, fields, lambda admin, v: admin.change_own_pin(login, v["old"], v["pin"]),
                  T.DONE_CHANGE)

    def action_notice_lines(self) -> None:
        """复议机关, 诉讼法院 and the notice phones, for a station set up before the wizard asked."""
        from deskclient.domain.notices import remedy_bodies

        st = self.ctx.settings.station
        body, court = remedy_bodies(self.ctx.station.county)
        fields = [FormField("reconsideration_body", T.REVIEW_BODY, st.reconsideration_body or body, required=True,
                            max_length=40),
                  FormField("court", T.COURT, st.court or court, required=True, max_length=40),
                  FormField("progress_phone", T.PROGRESS_PHONE, st.progress_phone, max_length=40),
                  FormField("complaint_phone", T.COMPLAINT_PHONE, st.complaint_phone, max_length=40),
                  *self._head_fields()]
        self._ask(T.NOTICE_LINES_TITLE, fields, lambda admin, v: admin.set_notice_lines(v["head"], v["head_pin"], v),
                  T.DONE_NOTICE_LINES)

    def action_back(self) -> None:
        self.app.pop_screen()
