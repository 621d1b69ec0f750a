"""需补正: what is wrong with a material that is there but not in legal form. The text goes on the
补正告知书 (or the 补报材料通知单), masked like every other typed text."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from deskclient.strings import cases as TCASE
from deskclient.strings import ui as T
from deskclient.ui.screens.dialogs import Dialog

MAX_PROBLEM = 60  # one line of the notice's 问题及要求 column


class DefectDialog(Dialog):
    """Type what is wrong, or pick a common problem. Returns the text (``str``), None when cancelled."""

    def __init__(self, material: str, problem: str = "") -> None:
        super().__init__()
        self.TITLE_TEXT = T.DEFECT_TITLE.format(name=material)
        self.problem = problem

    def compose_dialog(self) -> ComposeResult:
        yield Static(T.DEFECT_HINT, classes="hint", markup=False)
        yield Input(self.problem, placeholder=T.DEFECT_PLACEHOLDER, max_length=MAX_PROBLEM, id="problem")
        yield Static(T.DEFECT_PICK, classes="hint", markup=False)
        yield OptionList(*[Option(Text(p)) for p in T.DEFECT_COMMON], id="common")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#problem", Input).focus()

    @on(OptionList.OptionSelected, "#common")
    def _pick(self, event: OptionList.OptionSelected) -> None:
        field = self.query_one("#problem", Input)
        field.value = T.DEFECT_COMMON[event.option_index]
        field.cursor_position = len(field.value)
        field.focus()

    @on(Input.Submitted, "#problem")
    def _submitted(self) -> None:
        self.action_ok()

    def action_ok(self) -> None:
        problem = self.query_one("#problem", Input).value.strip()
        if not problem:
            self.error(TCASE.DEFECT_NEEDS_PROBLEM)
            self.query_one("#problem", Input).focus()
            return
        self.dismiss(problem)
