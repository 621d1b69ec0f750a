"""The one-time checklist table: every material one line, toggled with single keys."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable

from deskclient.domain.cases import MaterialState
from deskclient.strings import ui as T

_STATE_STYLE = {"pending": "dim", "received": "green", "missing": "bold red", "na": "italic",
                "defective": "bold yellow"}
_CYCLE = [MaterialState.PENDING, MaterialState.RECEIVED, MaterialState.MISSING, MaterialState.NOT_APPLICABLE]


@dataclass(frozen=True)
class MaterialLine:
    position: int
    name: str
    form_label: str
    copies: int
    is_main: bool
    state: MaterialState
    problem: str = ""  # 需补正: what is wrong, as the clerk typed it


class MaterialChecklist(DataTable):
    """Posts :class:`MaterialChecklist.Changed` with every line after each toggle. B marks the line
    需补正 (present but not in legal form) after asking what is wrong."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "mark('received')", T.KEY_RECEIVED, id="checklist.received"),
        Binding("m", "mark('missing')", T.KEY_MISSING, id="checklist.missing"),
        Binding("n", "mark('na')", T.KEY_NA, id="checklist.na"),
        Binding("b", "defect", T.KEY_DEFECT, id="checklist.defect"),
        Binding("space", "cycle", T.KEY_RECEIVED + "/" + T.KEY_MISSING, show=False, id="checklist.cycle"),
        Binding("a", "all_received", T.KEY_ALL_RECEIVED, id="checklist.all"),
    ]

    class Changed(Message):
        def __init__(self, checklist: MaterialChecklist, lines: list[MaterialLine]) -> None:
            super().__init__()
            self.checklist = checklist
            self.lines = lines

    def __init__(self, lines: list[MaterialLine], *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.lines = list(lines)

    def on_mount(self) -> None:
        self.add_column(T.COL_NO, key="no", width=3)
        self.add_column(T.COL_STATE, key="state", width=6)
        self.add_column(T.COL_MAIN, key="main", width=5)
        self.add_column(T.COL_MATERIAL, key="name")
        self.add_column(T.COL_FORM, key="form")
        for line in self.lines:
            self.add_row(*self._cells(line), key=str(line.position))

    @staticmethod
    def _cells(line: MaterialLine) -> list[Text]:
        return [Text(str(line.position + 1)), Text(line.state.label, style=_STATE_STYLE[line.state.value]),
                Text(T.MAIN if line.is_main else T.SUPPORT), Text(line.name),
                Text(T.COPIES.format(form=line.form_label, copies=line.copies))]

    def _set(self, index: int, state: MaterialState, problem: str = "") -> None:
        line = replace(self.lines[index], state=state, problem=problem if state is MaterialState.DEFECTIVE else "")
        self.lines[index] = line
        self.update_cell(str(line.position), "state", self._cells(line)[1])

    def _emit(self) -> None:
        self.post_message(self.Changed(self, list(self.lines)))

    def action_mark(self, state: str) -> None:
        if not self.lines:
            return
        row = self.cursor_row
        self._set(row, MaterialState(state))
        if row < len(self.lines) - 1:
            self.move_cursor(row=row + 1)
        self._emit()

    def action_defect(self) -> None:
        """Ask what is wrong, then mark the line 需补正 (the text goes on the notice)."""
        from deskclient.ui.screens.defect_dialog import DefectDialog

        if not self.lines:
            return
        row = self.cursor_row
        line = self.lines[row]

        def answer(problem: str | None) -> None:
            if not problem or row >= len(self.lines):
                return
            self._set(row, MaterialState.DEFECTIVE, problem)
            if row < len(self.lines) - 1:
                self.move_cursor(row=row + 1)
            self._emit()

        self.app.push_screen(DefectDialog(line.name, line.problem), answer)

    def action_cycle(self) -> None:
        if not self.lines:
            return
        row = self.cursor_row
        state = self.lines[row].state
        now = _CYCLE.index(state) if state in _CYCLE else 0  # 需补正 → 已收 on the next press
        self._set(row, _CYCLE[(now + 1) % len(_CYCLE)])
        self._emit()

    def action_all_received(self) -> None:
        for i, line in enumerate(self.lines):
            if line.state is MaterialState.PENDING:
                self._set(i, MaterialState.RECEIVED)
        self._emit()
