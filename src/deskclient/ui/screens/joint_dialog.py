"""联办部门: the clerk confirms (or edits) the departments a 联办件通知书 names, before it is issued.

Pre-filled with the list confirmed last for the case, else the catalog's ``joint_departments``.
Keyboard only: ↑/↓ pick a department, Del removes it, type a name in the line below and Enter adds it,
F9 confirms, Esc cancels. Returns the tuple of departments (the rule — two or more, each once — is
``domain.notices.confirmed_departments``; the screen that opened the dialog records them through
``ctx.notices.confirm_joint_departments``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from deskclient.domain.errors import DeskError
from deskclient.domain.notices import MAX_DEPARTMENT_LEN, confirmed_departments
from deskclient.strings import ui as T
from deskclient.ui.screens.dialogs import _BINDINGS, Dialog
from deskclient.ui.widgets.fields import DeskInput


class JointDepartmentsDialog(Dialog):
    DEFAULT_CSS = """
    JointDepartmentsDialog > #dialog { width: 60; }
    JointDepartmentsDialog #departments { height: auto; max-height: 8; min-height: 2; }
    JointDepartmentsDialog #new-department { width: 100%; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        *_BINDINGS,
        Binding("delete", "remove", T.JOINT_KEY_REMOVE, id="joint.remove"),
    ]

    def __init__(self, departments: Sequence[str], *, case_no: str = "") -> None:
        super().__init__()
        self.TITLE_TEXT = T.JOINT_TITLE
        self.departments = list(dict.fromkeys(d for d in departments if d.strip()))
        self.case_no = case_no

    def compose_dialog(self) -> ComposeResult:
        yield Static(T.JOINT_HINT.format(case_no=self.case_no), classes="hint", markup=False)
        yield OptionList(*[Option(Text(d)) for d in self.departments], id="departments")
        yield DeskInput(placeholder=T.JOINT_ADD_PLACEHOLDER, max_length=MAX_DEPARTMENT_LEN, id="new-department")

    def on_mount(self) -> None:
        super().on_mount()
        listing = self.query_one("#departments", OptionList)
        if self.departments:
            listing.highlighted = 0
            listing.focus()
        else:
            self.query_one("#new-department", DeskInput).focus()

    def _refresh(self, highlight: int | None = None) -> None:
        listing = self.query_one("#departments", OptionList)
        listing.clear_options()
        listing.add_options([Option(Text(d)) for d in self.departments])
        if self.departments:
            listing.highlighted = min(max(highlight or 0, 0), len(self.departments) - 1)

    def action_remove(self) -> None:
        listing = self.query_one("#departments", OptionList)
        index = listing.highlighted
        if index is None or not self.departments or self.focused is not listing:
            return
        del self.departments[index]
        self._refresh(index)
        self.error("")
        if not self.departments:
            self.query_one("#new-department", DeskInput).focus()

    @on(Input.Submitted, "#new-department")
    def _add(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if not name:
            self.action_ok()  # Enter on an empty line: done
            return
        if name not in self.departments:
            self.departments.append(name)
        event.input.value = ""
        self._refresh(self.departments.index(name))
        self.error("")

    @on(OptionList.OptionSelected, "#departments")
    def _selected(self, _event: OptionList.OptionSelected) -> None:
        self.query_one("#new-department", DeskInput).focus()  # Enter on the list: go and add one

    def action_ok(self) -> None:
        pending = self.query_one("#new-department", DeskInput).value.strip()
        names = [*self.departments, pending] if pending else self.departments
        try:
            confirmed = confirmed_departments(names)
        except DeskError as exc:
            self.error(exc.message)
            return
        self.dismiss(confirmed)
