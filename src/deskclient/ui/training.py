"""Training mode inside the desk app: which scenario runs, the step shown in the panel, and the
trainer's keys (next / back / demonstrate / reset / pick / hide), all listed in the command palette.

The scenario's sample data lives in the training ledger only; a reset recreates that file. The
desk's clock is the scenario's fixed clock, so due dates in a scenario are the same on every run.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from deskclient.domain.errors import DeskError
from deskclient.services.training import Scenario, ScenarioRunner, load_phrasebook, load_scenarios
from deskclient.strings import training_ui as T
from deskclient.ui.widgets.training_panel import TrainingPanel, TrainingView

if TYPE_CHECKING:
    from deskclient.ui.app import DeskApp

log = logging.getLogger(__name__)


class TrainingController:
    def __init__(self, app: DeskApp) -> None:
        self.app = app
        self.scenarios, self.problems = load_scenarios()
        self.runner: ScenarioRunner | None = None
        self.current: int | None = None
        self.status = ""
        self.hidden = False

    # --- the panel --------------------------------------------------------------------------------
    def view(self) -> TrainingView | None:
        r = self.runner
        if r is None or self.current is None:
            return None
        s, step = r.scenario, r.step
        done = r.is_done()
        return TrainingView(self.current + 1, len(self.scenarios), s.title, s.goal, r.index + 1, len(s.steps),
                            step.title, step.do, step.say, step.avoid, bool(step.action), done, self.status)

    def refresh_panel(self) -> None:
        view = self.view()
        for panel in self.app.screen.query(TrainingPanel):
            panel.show(view)
            panel.set_class(self.hidden, "-hidden")

    # --- scenario lifecycle ---------------------------------------------------------------------------
    def pick(self) -> None:
        from deskclient.ui.screens.training import ScenarioPicker

        def chosen(index: int | None) -> None:
            if index is not None:
                self.start(index)

        self.app.push_screen(ScenarioPicker(self.scenarios, self.current), chosen)

    def start(self, index: int) -> None:
        """(Re)start a scenario on a fresh training ledger, signed in as the scenario's clerk."""
        scenario = self.scenarios[index]
        self.app.run_worker(lambda: self._open(scenario), thread=True, group="training", exclusive=True,
                            exit_on_error=False, name=f"training:{scenario.id}")
        self.current = index

    def _open(self, scenario: Scenario) -> None:
        from deskclient.services.training import open_training_context

        old = self.app.ctx
        try:
            if old is not None:
                old.close()
            ctx = open_training_context(self.app.paths, scenario, fresh=True)
            runner = ScenarioRunner(ctx, scenario)
            clerk = ctx.people.clerk(runner.clerk_id())
        except DeskError as err:
            self.app.call_from_thread(self.app.notify, err.message, severity="error", markup=False)
            return
        self.app.call_from_thread(self._opened, ctx, runner, clerk)

    def _opened(self, ctx, runner: ScenarioRunner, clerk) -> None:
        self.app.ctx = ctx
        self.runner = runner
        self.status = T.STARTED.format(title=runner.scenario.title)
        self.app.signed_in(clerk)
        self.app.call_after_refresh(self.refresh_panel)

    # --- the trainer's keys ---------------------------------------------------------------------------
    def forward(self) -> None:
        if self.runner:
            self.runner.forward()
            self.status = ""
            self.refresh_panel()

    def back(self) -> None:
        if self.runner:
            self.runner.back()
            self.status = ""
            self.refresh_panel()

    def reset(self) -> None:
        if self.current is not None:
            self.start(self.current)
        else:
            self.pick()

    def toggle(self) -> None:
        self.hidden = not self.hidden
        self.refresh_panel()

    def phrases(self) -> None:
        from deskclient.ui.screens.training import PhrasebookScreen

        self.app.push_screen(PhrasebookScreen(load_phrasebook()))

    def demonstrate(self) -> None:
        runner = self.runner
        if runner is None:
            self.pick()
            return

        def job() -> None:
            try:
                message = runner.demonstrate()
            except DeskError as err:
                message = err.message
            except Exception as err:  # a scenario problem must never end the class
                log.exception("training step failed")
                message = type(err).__name__
            self.app.call_from_thread(self._demonstrated, message)

        self.app.run_worker(job, thread=True, group="training-step", exclusive=True, exit_on_error=False)

    def _demonstrated(self, message: str) -> None:
        self.status = message
        self.app.action_refresh_queue()
        self.refresh_panel()
