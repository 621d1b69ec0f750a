"""Small forms for the desk screens (notes, pause, routing, answers) and a text bar chart.

The dialogs only collect values; the screen that opened one does the ledger work in a worker.
Everything typed or loaded is shown as plain text (``markup=False`` / ``rich.text.Text``).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from deskclient.ui.screens.dialogs import Dialog
from deskclient.ui.widgets.fields import DeskInput


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    value: str = ""
    password: bool = False
    required: bool = False
    max_length: int = 0


class FormDialog(Dialog):
    """A titled list of one-line fields; returns ``{key: value}`` (None when cancelled)."""

    DEFAULT_CSS = """
    FormDialog .form-label { height: 1; margin-top: 1; color: $text-muted; }
    FormDialog.-compact .form-label { margin-top: 0; }
    FormDialog DeskInput { width: 100%; }
    """

    def __init__(self, title: str, fields: list[FormField], *, hint: str = "", required_message: str = "",
                 compact: bool = False) -> None:
        """``compact``: no blank line between fields (a long form still fits 80×24)."""
        super().__init__(classes="-compact" if compact else None)
        self.TITLE_TEXT = title
        self.fields = fields
        self.hint = hint
        self.required_message = required_message

    def compose_dialog(self) -> ComposeResult:
        if self.hint:
            yield Static(self.hint, classes="hint", markup=False)
        for f in self.fields:
            yield Static(f.label, classes="form-label", markup=False)
            yield DeskInput(value=f.value, password=f.password, max_length=f.max_length or 0, id=f"f-{f.key}")

    def on_mount(self) -> None:
        super().on_mount()
        if self.fields:
            self.query_one(f"#f-{self.fields[0].key}", DeskInput).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        ids = [f"f-{f.key}" for f in self.fields]
        if event.input.id in ids and ids.index(event.input.id) < len(ids) - 1:
            self.query_one(f"#{ids[ids.index(event.input.id) + 1]}", DeskInput).focus()
        else:
            self.action_ok()

    def form_values(self) -> dict[str, str]:
        return {f.key: self.query_one(f"#f-{f.key}", DeskInput).value.strip() for f in self.fields}

    def action_ok(self) -> None:
        values = self.form_values()
        missing = [f.label for f in self.fields if f.required and not values[f.key]]
        if missing:
            self.error(self.required_message.format(fields="、".join(missing)) if self.required_message
                       else "、".join(missing))
            return
        self.dismiss(values)


def bar_chart(rows: list[tuple[str, str, str]], legend: str) -> Text:
    """Lines of ``label  bar1`` / ``       bar2`` as plain Text (bars from services.reports.chart_lines)."""
    out = Text(legend + "\n", style="dim")
    for label, first, second in rows:
        out.append(f"{label}  ")
        out.append(first + "\n", style="bold cyan")
        out.append(" " * (len(label) + 3 + 1))  # the weekday is double width
        out.append(second + "\n", style="green")
    return out
