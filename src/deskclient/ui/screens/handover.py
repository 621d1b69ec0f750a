"""交接班: the leaving clerk's open cases (overdue and due soon first), notices waiting for reprint and
records not yet sent; a note per case and for the desk; the taking-over clerk confirms with their PIN."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from deskclient.services.queue import shown_count
from deskclient.strings import desk as T
from deskclient.strings import ui as TU
from deskclient.ui.screens.base import DeskScreen
from deskclient.ui.widgets.desk_forms import FormDialog, FormField
from deskclient.ui.widgets.fields import DeskInput

RANK_STYLES = {0: "bold red", 1: "bold yellow", 2: "yellow", 3: "", 4: "dim"}
# fixed widths (cells): DataTable sizes auto-width columns on an idle pass, which raced the first rows
# (the handover snapshot failed now and then); a fixed layout does not depend on when the data lands
COLUMN_WIDTHS = {"rank": 8, "case_no": 18, "item": 24, "applicant": 8, "status": 12, "due": 16, "note": 24}


def due_text(line: Any) -> Text:
    if line.due_date is None:
        return Text("—", style="dim")
    return Text(line.due_date.isoformat() + (T.PROVISIONAL_MARK if line.due_provisional else ""),
                style=RANK_STYLES.get(line.rank, ""))


def issue_sheet(ctx: Any, data: Any, clerk_id: str) -> str:
    """Archive and try to print a handover sheet / pause sign; a message either way (never raises)."""
    from deskclient.domain.errors import DeskError

    try:
        res = ctx.notices.issue_prepared(data, clerk_id)
    except DeskError as err:
        return err.message
    return T.PRINT_RESULT.format(state=T.PRINT_OK if res.printed else T.PRINT_NOT.format(message=res.message))


class HandoverScreen(DeskScreen):
    CSS_PATH = "handover.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f9", "confirm", T.KEY_CONFIRM, id="handover.confirm"),
        Binding("n", "note", T.KEY_NOTE, id="handover.note"),
        Binding("f5", "refresh", T.KEY_REFRESH, id="handover.refresh"),
        Binding("escape", "back", TU.KEY_BACK, id="handover.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: Any = None
        self.notes: dict[str, str] = {}

    def compose_body(self) -> ComposeResult:
        yield Static("", id="handover-info", markup=False)
        yield DataTable(id="handover-cases", cursor_type="row", zebra_stripes=True)
        yield Static("", id="handover-notices", markup=False)
        with Vertical(id="handover-confirm"):
            with Horizontal(classes="row"):
                yield Static(T.HANDOVER_DESK_NOTE, classes="label", markup=False)
                yield DeskInput(id="desk-note", max_length=500)
            with Horizontal(classes="row"):
                yield Static(T.HANDOVER_TO, classes="label", markup=False)
                yield DeskInput(id="to-login", max_length=32)
                yield Static(T.HANDOVER_PIN, classes="label", markup=False)
                yield DeskInput(id="to-pin", password=True, max_length=8)
        yield Static("", id="handover-error", classes="error", markup=False)

    def on_mount(self) -> None:
        self.title = T.HANDOVER_TITLE.format(window=self.desk.window)
        table = self.query_one("#handover-cases", DataTable)
        for key, label in (("rank", T.COL_RANK), ("case_no", T.COL_CASE_NO), ("item", T.COL_ITEM),
                           ("applicant", T.COL_APPLICANT), ("status", T.COL_STATUS), ("due", T.COL_DUE),
                           ("note", T.COL_NOTE)):
            table.add_column(label, key=key, width=COLUMN_WIDTHS[key])
        table.focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        ctx, window, clerk_id = self.ctx, self.desk.window, self.clerk.id
        self.run_db(lambda: ctx.handover.handover_view(window, clerk_id), self._show)

    def _show(self, view: Any) -> None:
        self.view = view
        self.title = T.HANDOVER_TITLE.format(window=TU.WINDOW_NO_NAME.format(n=view.window, name=view.window_name))
        overdue = sum(1 for ln in view.cases if ln.rank == 0)
        unsent = T.UNSENT_UNKNOWN if view.unsent_records is None else shown_count(view.unsent_records)
        info = T.HANDOVER_INFO.format(cases=len(view.cases), overdue=overdue, notices=len(view.notices),
                                      unsent=unsent, drafts=view.drafts)
        if not view.cases:
            info += "\n" + T.HANDOVER_NO_CASES
        self.query_one("#handover-info", Static).update(Text(info))
        table = self.query_one("#handover-cases", DataTable)
        table.clear()
        for ln in view.cases:
            table.add_row(Text(ln.rank_label, style=RANK_STYLES.get(ln.rank, "")), Text(ln.case_no),
                          Text(ln.item_name), Text(ln.applicant_name), Text(ln.status_label), due_text(ln),
                          Text(self.notes.get(ln.case_id, "")), key=ln.case_id)
        if view.notices:
            lines = [T.NOTICES_TITLE + ":"] + [
                f"  {n.kind_label} {n.case_no} {n.issued_at:%m-%d %H:%M} {n.print_error}".rstrip()
                for n in view.notices[:5]]
            self.query_one("#handover-notices", Static).update(Text("\n".join(lines)))
        login = self.query_one("#to-login", DeskInput)
        if not login.value and view.candidates:
            login.value = view.candidates[0].login

    def action_note(self) -> None:
        table = self.query_one("#handover-cases", DataTable)
        if self.view is None or not self.view.cases or table.cursor_row is None:
            return
        line = self.view.cases[table.cursor_row]

        def done(values: dict[str, str] | None) -> None:
            if values is None:
                return
            self.notes[line.case_id] = values["note"]
            table.update_cell(line.case_id, "note", Text(values["note"]), update_width=True)

        self.app.push_screen(FormDialog(T.HANDOVER_NOTE_TITLE.format(case_no=line.case_no),
                                        [FormField("note", T.HANDOVER_NOTE_LABEL, self.notes.get(line.case_id, ""),
                                                   max_length=200)]), done)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_note()

    def action_confirm(self) -> None:
        login = self.query_one("#to-login", DeskInput).value.strip()
        pin = self.query_one("#to-pin", DeskInput).value
        if not login or not pin:
            self._show_error(T.HANDOVER_NEED_TO)
            return
        ctx, window, clerk_id = self.ctx, self.desk.window, self.clerk.id
        note, notes = self.query_one("#desk-note", DeskInput).value, dict(self.notes)

        def work() -> tuple[Any, Any, str]:
            result = ctx.handover.hand_over(window=window, from_clerk_id=clerk_id, to_login=login, to_pin=pin,
                                    desk_note=note, case_notes=notes)
            to = ctx.people.clerk(result.handover.to_clerk_id)
            assert to is not None  # hand_over just verified the taker's PIN
            return result, to, issue_sheet(ctx, result.sheet, to.id)

        self.query_one("#to-pin", DeskInput).value = ""
        self.run_db(work, self._done, failed=self._show_error)

    def _done(self, answer: tuple[Any, Any, str]) -> None:
        result, to, printed = answer
        self.desk.notify_text(T.HANDOVER_DONE.format(n=result.moved, name=to.name) + printed, timeout=8)
        self.desk.signed_in(to)  # from now on the desk, and the window's new work, are the taker's

    def _show_error(self, message: str) -> None:
        self.query_one("#handover-error", Static).update(Text(message))

    def action_back(self) -> None:
        """Esc: back to where the clerk came from (home)."""
        self.app.pop_screen()
