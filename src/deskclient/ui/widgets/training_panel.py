"""The trainer's guide beside the real screens: the scenario's current step, what to do, the courtesy
phrase to say (文明用语) and the phrases to avoid (忌语).

Pure display: the panel is handed a :class:`TrainingView` and renders it as plain ``Text`` (scenario
text is data, never markup). It knows nothing of the app; the app gives it a new view when the step
changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from deskclient.strings import training_ui as T


@dataclass(frozen=True)
class TrainingView:
    scenario_no: int
    scenario_count: int
    title: str
    goal: str
    step_no: int
    step_count: int
    step_title: str
    do: str
    say: str
    avoid: tuple[str, ...]
    has_action: bool
    done: bool
    status: str = ""
    today: str = ""  # the training clock's date: the trainer moves it to show time limits
    trainee: str = ""


class TrainingPanel(Static):
    """Docked beside every screen in training mode; hidden with a key when the trainer wants room."""

    DEFAULT_CSS = """
    TrainingPanel { dock: right; width: 26%; min-width: 24; max-width: 34; height: 1fr; padding: 0 1; border-left: heavy $error;
                    background: $boost; overflow-y: auto; }
    TrainingPanel.-hidden { display: none; }
    """

    def __init__(self, view: TrainingView | None = None, *, id: str | None = "training-panel") -> None:
        super().__init__(self.render_view(view), id=id, markup=False)
        self.view = view

    def show(self, view: TrainingView | None) -> None:
        self.view = view
        self.update(self.render_view(view))

    @staticmethod
    def render_view(view: TrainingView | None) -> Text:
        if view is None:
            return Text(T.NO_SCENARIO, style="italic")
        out = Text()
        out.append(T.SCENARIO_HEAD.format(no=view.scenario_no, count=view.scenario_count), style="bold")
        if view.trainee:
            out.append(f"  {view.trainee}", style="bold")
        out.append("\n")
        if view.today:
            out.append(view.today, style="bold cyan")
            out.append("\n")
        out.append(view.title, style="bold")
        out.append("\n")
        out.append(view.goal, style="dim")
        out.append("\n\n")
        out.append(T.STEP_HEAD.format(no=view.step_no, count=view.step_count), style="bold reverse")
        out.append(" ")
        out.append(T.DONE if view.done else T.NOT_DONE, style="bold green" if view.done else "bold yellow")
        out.append("\n")
        out.append(view.step_title, style="bold")
        out.append("\n")
        out.append(T.DO_LABEL, style="bold")
        out.append(view.do)
        out.append("\n")
        if view.say:
            out.append("\n")
            out.append(T.SAY_LABEL, style="bold green")
            out.append(f"“{view.say}”", style="green")
            out.append("\n")
        if view.avoid:
            out.append("\n")
            out.append(T.AVOID_LABEL, style="bold red")
            for phrase in view.avoid:
                out.append("\n  × ")
                out.append(phrase, style="red strike")
            out.append("\n")
        if view.status:
            out.append("\n")
            out.append(view.status, style="italic")
            out.append("\n")
        out.append("\n")
        out.append(T.KEYS_DEMO if view.has_action else T.KEYS, style="dim")
        return out
