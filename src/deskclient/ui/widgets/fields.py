"""Input widgets: an input whose cursor blink the app can switch off (deterministic snapshots), and a
labelled field that checks its value as the clerk types and shows the problem right beside it."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label, Static


class DeskInput(Input):
    """An Input that follows the app's ``cursor_blink`` preference (off in tests and snapshots)."""

    DEFAULT_CSS = """
    DeskInput, DeskInput:focus, DeskInput.-invalid, DeskInput.-invalid:focus {
        height: 1; border: none; padding: 0 1; background: $boost;
    }
    DeskInput:focus { background: $accent 30%; }
    DeskInput.-invalid { background: $error 20%; }
    """

    def on_mount(self) -> None:
        if not getattr(self.app, "cursor_blink", True):
            self.cursor_blink = False


Checker = Callable[[str], "str | None"]


class ValidatedField(Horizontal):
    """``label [input] message``: ``check`` runs on every change; the message is plain text, never markup."""

    DEFAULT_CSS = """
    ValidatedField { height: 1; width: 1fr; }
    ValidatedField > Label { width: auto; min-width: 9; }  /* a long label stays whole, never cut */
    ValidatedField > DeskInput { width: 1fr; min-width: 12; }
    ValidatedField > .field-message { width: 2fr; padding: 0 1; color: $text-error; }
    ValidatedField > .field-message.-ok { color: $text-success; }
    """

    class Changed(Message):
        """The value changed; ``problem`` is the Chinese message or None."""

        def __init__(self, field: ValidatedField, value: str, problem: str | None) -> None:
            super().__init__()
            self.field = field
            self.value = value
            self.problem = problem

        @property
        def control(self) -> ValidatedField:
            return self.field

    def __init__(self, label: str, check: Checker | None = None, *, value: str = "", placeholder: str = "",
                 password: bool = False, max_length: int = 0, id: str | None = None) -> None:
        super().__init__(id=id)
        self._label = label
        self._check = check
        self._initial = value
        self._placeholder = placeholder
        self._password = password
        self._max_length = max_length
        self.problem: str | None = None

    def compose(self) -> ComposeResult:
        yield Label(Text(self._label))
        yield DeskInput(self._initial, placeholder=self._placeholder, password=self._password,
                        max_length=self._max_length, select_on_focus=False)
        yield Static("", classes="field-message", markup=False)

    @property
    def input(self) -> DeskInput:
        return self.query_one(DeskInput)

    @property
    def value(self) -> str:
        return self.input.value

    @value.setter
    def value(self, text: str) -> None:
        self.input.value = text

    def validate_now(self, *, show_empty: bool = True) -> str | None:
        """Run the check and show the result; returns the problem (None when fine)."""
        value = self.input.value
        problem = self._check(value) if self._check else None
        self.problem = problem
        msg = self.query_one(".field-message", Static)
        if problem and (show_empty or value.strip()):
            msg.update(Text(problem))
            msg.remove_class("-ok")
            self.input.add_class("-invalid")
        else:
            from deskclient.strings import ui as T

            msg.update(Text(T.FIELD_OK if value.strip() and self._check else ""))
            msg.add_class("-ok")
            self.input.remove_class("-invalid")
        return problem

    def focus(self, scroll_visible: bool = True) -> ValidatedField:
        self.input.focus(scroll_visible)
        return self

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        problem = self.validate_now(show_empty=False)
        self.post_message(self.Changed(self, event.value, problem))
