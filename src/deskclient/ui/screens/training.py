"""Training dialogs: pick a scenario, and the phrasebook of courtesy and forbidden phrases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from deskclient.services.training import BrokenScenario, Phrasebook, Scenario
from deskclient.strings import training_ui as T

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 76; max-width: 100%; height: auto; max-height: 90%; border: round $error;
                     padding: 0 1; background: $surface; }}
"""


@dataclass(frozen=True)
class PickAnswer:
    index: int
    trainee: str


class ScenarioPicker(ModalScreen[PickAnswer | None]):
    """The trainer names the trainee and picks a scenario; broken scenario files are listed as broken."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ScenarioPicker")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", T.CANCEL, id="training.pick_cancel")]

    def __init__(self, scenarios: list[Scenario], broken: list[BrokenScenario] | None = None,
                 current: int | None = None, trainee: str = "") -> None:
        super().__init__()
        self.scenarios = scenarios
        self.broken = broken or []
        self.current = current
        self.trainee = trainee

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(T.TRAINEE_LABEL)
            yield Input(value=self.trainee, id="trainee", max_length=40)
            yield Label(T.PICKER_TITLE)
            options = [Option(Text(f"{i + 1}. {s.title}"), id=str(i)) for i, s in enumerate(self.scenarios)]
            yield OptionList(*options, id="scenario-list")
            if self.broken:
                text = Text(T.BROKEN_HEAD + "\n", style="bold red")
                for b in self.broken:
                    text.append(b.title + "\n", style="red")
                    for p in b.problems:
                        text.append(f"  {p}\n", style="red")
                yield Static(text, id="broken-scenarios", markup=False)

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ol.highlighted = self.current or 0
        ol.focus()

    @on(Input.Submitted, "#trainee")
    def _to_list(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(PickAnswer(int(event.option.id or 0), self.query_one("#trainee", Input).value))

    def action_cancel(self) -> None:
        self.dismiss(None)


class PhrasebookScreen(ModalScreen[None]):
    """文明用语 and 忌语 as teaching material."""

    DEFAULT_CSS = DIALOG_CSS.format(name="PhrasebookScreen")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", T.CLOSE, id="training.phrases_close")]

    def __init__(self, book: Phrasebook) -> None:
        super().__init__()
        self.book = book

    def compose(self) -> ComposeResult:
        text = Text()
        text.append(T.PHRASEBOOK_TITLE + "\n\n", style="bold")
        text.append(T.PHRASEBOOK_COURTESY, style="bold green")
        text.append("、".join(self.book.courtesy) + "\n\n")
        text.append(T.PHRASEBOOK_PRESCRIBED + "\n", style="bold green")
        for p in self.book.prescribed:
            text.append(f"  ✓ {p}\n", style="green")
        text.append("\n" + T.PHRASEBOOK_FORBIDDEN + "\n", style="bold red")
        for p in self.book.forbidden:
            text.append(f"  × {p}\n", style="red")
        with Vertical():
            yield Static(text, markup=False)

    def action_close(self) -> None:
        self.dismiss(None)


def _register_trainer_keys() -> None:
    from deskclient.ui.navigation import register_action

    for id_, title, what, key in (
        ("training.pick", T.ACTION_PICK, "pick", "ctrl+o"),
        ("training.next", T.ACTION_NEXT, "forward", "ctrl+right"),
        ("training.back", T.ACTION_BACK, "back", "ctrl+left"),
        ("training.demo", T.ACTION_DEMO, "demonstrate", "ctrl+d"),
        ("training.reset", T.ACTION_RESET, "reset", "ctrl+r"),
        ("training.toggle", T.ACTION_TOGGLE, "toggle", "ctrl+g"),
        ("training.phrases", T.ACTION_PHRASES, "phrases", "ctrl+l"),
        ("training.advance", T.ACTION_ADVANCE, "advance", "ctrl+b"),
    ):
        register_action(id_, title, f"app.training({what!r})", key=key, needs_clerk=False, training_only=True)


_register_trainer_keys()
