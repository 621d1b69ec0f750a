"""The queue table: one page of cases, overdue in red and due-soon in yellow; Enter opens a case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from deskclient.domain.cases import CaseClass, CaseStatus
from deskclient.services.home_reads import CaseRow
from deskclient.strings import ui as T

OVERDUE = "overdue"
DUE_SOON = "soon"


@dataclass(frozen=True)
class QueueLine:
    row: CaseRow
    due_state: str = ""  # "" | "soon" | "overdue"
    transferred_out: bool = False


class CaseTable(DataTable):
    """Posts :class:`CaseTable.Opened` with the case id when a row is chosen."""

    class Opened(Message):
        def __init__(self, table: CaseTable, case_id: str) -> None:
            super().__init__()
            self.table = table
            self.case_id = case_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._lines: list[QueueLine] = []
        self._today: date | None = None
        self._built_for = 0

    # fixed widths (cells): a stable layout that fits 80 columns; the item column takes the rest
    WIDTHS: ClassVar[dict[str, int]] = {"no": 13, "time": 5, "class": 6, "status": 11, "due": 11}

    def _room(self) -> int:
        """The table's own width once laid out (beside the training panel it is not the terminal's)."""
        width = self.region.width
        return width if width > 0 else self.app.size.width

    def _flex(self) -> int:
        fixed = sum(self.WIDTHS.values()) + 2 * self.cell_padding * (len(self.WIDTHS) + 2) + 2
        return max(16, self._room() - fixed)

    def _applicant_width(self) -> int:
        return min(16, max(8, self._flex() // 3))

    def _item_width(self) -> int:
        return max(8, self._flex() - self._applicant_width())

    def on_mount(self) -> None:
        self._add_columns()

    def on_resize(self) -> None:
        """Narrower than the terminal (the guide panel shown) or resized: the flexible columns are
        rebuilt, so 状态 and 办结期限 stay on screen."""
        if self._flex() != self._built_for:
            self.clear(columns=True)
            self._add_columns()
            self.show(self._lines, self._today)

    def _add_columns(self) -> None:
        self._built_for = self._flex()
        w = self.WIDTHS
        self.add_column(T.COL_CASE_NO, key="no", width=w["no"])
        self.add_column(T.COL_TIME, key="time", width=w["time"])
        self.add_column(T.COL_APPLICANT, key="applicant", width=self._applicant_width())
        self.add_column(T.COL_ITEM, key="item", width=self._item_width())
        self.add_column(T.COL_CLASS, key="class", width=w["class"])
        self.add_column(T.COL_STATUS, key="status", width=w["status"])
        self.add_column(T.COL_DUE, key="due", width=w["due"])

    def show(self, lines: list[QueueLine], today: date | None = None) -> None:
        """One page; today's cases show the time, older ones the date."""
        self._lines, self._today = list(lines), today
        keep = self.cursor_row
        self.clear()
        for line in lines:
            r = line.row
            style = {OVERDUE: "bold red", DUE_SOON: "bold yellow"}.get(line.due_state, "")
            due = ""
            if r.due_date:
                due = f"{r.due_date:%m-%d}" + (T.DUE_PROVISIONAL if r.due_provisional else "")
            status = CaseStatus(r.status).label
            if line.transferred_out:
                status += T.TRANSFERRED_OUT.format(window=r.window)
            cls = CaseClass(r.case_class).label
            if r.is_urgent and r.case_class != CaseClass.URGENT:
                cls = T.URGENT_MARK + cls
            self.add_row(
                Text(r.case_no[-13:] if len(r.case_no) > 13 else r.case_no, style=style),
                Text(f"{r.created_at:%H:%M}" if r.created_at.date() == today else f"{r.created_at:%m-%d}"),
                _short(r.applicant_name, self._applicant_width()),  # visitor-typed: a Text, never markup
                _short(r.item_name, self._item_width()),
                Text(cls),
                Text(status, style=style),
                Text(due, style=style),
                key=r.id,
            )
        if lines:
            self.move_cursor(row=min(keep, len(lines) - 1))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self.post_message(self.Opened(self, event.row_key.value))


def _short(text: str, width: int) -> Text:
    t = Text(text, no_wrap=True)
    t.truncate(width, overflow="ellipsis")
    return t
