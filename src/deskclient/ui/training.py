"""Training mode inside the desk app: which scenario runs, the step shown in the panel, who is
practising, and the trainer's keys (next / back / demonstrate / reset / pick / hide / move the date),
all listed in the command palette.

The scenario's sample data lives in a training run folder only; a reset starts a new run. The
desk's clock is the scenario's fixed clock, so due dates in a scenario are the same on every run.
Keys are ones a browser leaves to the page (``serve --training``): no Ctrl+T / Ctrl+N / Ctrl+W.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from deskclient.domain.errors import DeskError
from deskclient.services.trainees import RESULT_LABELS, TraineeBook
from deskclient.services.training import (
    BrokenScenario,
    Scenario,
    ScenarioRunner,
    advance_clock,
    load_phrasebook,
    load_scenarios,
    trainer_folder,
)
from deskclient.strings import training as TS
from deskclient.strings import training_ui as T
from deskclient.ui.widgets.training_panel import TrainingPanel, TrainingView

if TYPE_CHECKING:
    from deskclient.ui.app import DeskApp

log = logging.getLogger(__name__)


class TrainingController:
    def __init__(self, app: DeskApp) -> None:
        self.app = app
        self.scenarios: list[Scenario] = []
        self.broken: list[BrokenScenario] = []
        self.book = TraineeBook.for_paths(app.paths)
        self.runner: ScenarioRunner | None = None
        self.current: int | None = None
        self.status = ""
        self.hidden = False
        self._loaded = False
        self._shown_done: bool | None = None
        self._timer: Any = None
        self.demonstrating = False

    def _load(self) -> None:
        """Scenario files are read when the trainer first opens the picker, not at start."""
        if not self._loaded:
            self.scenarios, self.broken = load_scenarios(trainer_folder(self.app.paths))
            self._loaded = True

    # --- the panel --------------------------------------------------------------------------------
    def view(self) -> TrainingView | None:
        r = self.runner
        if r is None or self.current is None:
            return None
        s, step = r.scenario, r.step
        done = r.is_done()
        self._shown_done = done
        today = T.TODAY.format(day=r.ctx.clock.now().strftime("%Y-%m-%d %H:%M"))
        return TrainingView(self.current + 1, len(self.scenarios), s.title, s.goal, r.index + 1, len(s.steps),
                            step.title, step.do, step.say, step.avoid, bool(step.action), done, self.status,
                            today=today, trainee=self.book.trainee)

    def refresh_panel(self) -> None:
        view = self.view()
        for screen in self.app.screen_stack:  # under a notice preview or a dialog too: seen once it closes
            for panel in screen.query(TrainingPanel):
                panel.show(view)
                panel.set_class(self.hidden, "-hidden")

    # --- scenario lifecycle ---------------------------------------------------------------------------
    def pick(self) -> None:
        from deskclient.ui.screens.training import PickAnswer, ScenarioPicker

        self._load()

        def chosen(answer: PickAnswer | None) -> None:
            if answer is not None:
                self.book.name(answer.trainee)
                self.start(answer.index)

        self.app.push_screen(ScenarioPicker(self.scenarios, self.broken, self.current, self.book.trainee), chosen)

    def start(self, index: int) -> None:
        """(Re)start a scenario in a new practice run, signed in as the scenario's clerk."""
        self._load()
        scenario = self.scenarios[index]
        self.app.run_worker(lambda: self._open(scenario), thread=True, group="training", exclusive=True,
                            exit_on_error=False, name=f"training:{scenario.id}")
        self.current = index

    def _open(self, scenario: Scenario) -> None:
        from deskclient.services.training import open_training_context

        try:
            ctx = open_training_context(self.app.paths, scenario, fresh=True)
            runner = ScenarioRunner(ctx, scenario)
            clerk = ctx.people.clerk(runner.clerk_id())
        except DeskError as err:
            self.app.call_from_thread(self.app.notify, err.message, severity="error", markup=False)
            return
        self.app.call_from_thread(self._opened, ctx, runner, clerk)

    def _opened(self, ctx: Any, runner: ScenarioRunner, clerk: Any) -> None:
        """Swap in the new run first, close the old one after: a screen or worker still reading the old
        run finishes on its own (intact) file instead of racing a ledger being recreated."""
        old = self.app.ctx
        self.app.ctx = ctx
        self.runner = runner
        self.status = T.STARTED.format(title=runner.scenario.title)
        self.app.signed_in(clerk)
        self.app.call_after_refresh(self.refresh_panel)
        if old is not None and old is not ctx:
            self.app.call_later(old.close)
        if self._timer is None:
            self._timer = self.app.set_interval(1.0, self._poll, name="training-poll")

    def _poll(self) -> None:
        """A step done by hand — inside a dialog, on any screen — ticks the panel within a second: the
        check (a small ledger read) runs in a worker, and the panel is redrawn only when it changed."""
        r = self.runner
        if r is None:
            return

        def check() -> None:
            try:
                done = r.is_done()
            except Exception:  # a run being swapped out: the next tick asks the new one
                return
            if done != self._shown_done:
                self.app.call_from_thread(self._done_changed, r, done)

        self.app.run_worker(check, thread=True, group="training-poll", exclusive=True, exit_on_error=False)

    def _done_changed(self, runner: ScenarioRunner, done: bool) -> None:
        if runner is self.runner:
            self._shown_done = done
            if done and runner.at_end and runner.all_done and not self.status:
                self.status = TS.LAST_STEP_DONE
            self.refresh_panel()

    # --- the trainer's keys ---------------------------------------------------------------------------
    def forward(self) -> None:
        r = self.runner
        if r is None:
            return
        leaving = r.index
        r.forward()
        self.status = ""
        self.refresh_panel()
        self.app.run_worker(lambda: self._record(r, leaving), thread=True, group="training-record",
                            exit_on_error=False)

    def _record(self, runner: ScenarioRunner, index: int) -> None:
        try:
            result = self.book.record_step(runner, index, runner.ctx.clock.now())
        except Exception:  # the class goes on even if the record file cannot be written
            log.exception("trainee record not written")
            return
        if result is not None:
            line = T.RECORDED.format(trainee=self.book.trainee or TS.TRAINEE_UNNAMED, step=index + 1,
                                     result=RESULT_LABELS[result])
            self.app.call_from_thread(self.app.notify, line, markup=False, timeout=3)

    def back(self) -> None:
        if self.runner:
            self.runner.back()
            self.status = ""
            self.refresh_panel()

    def reset(self) -> None:
        """Ask first: a reset empties the practice run (the trainees' record stays)."""
        if self.current is None:
            self.pick()
            return
        from deskclient.ui.screens.dialogs import ConfirmDialog

        index = self.current

        def answered(ok: bool | None) -> None:
            if ok:
                self.start(index)

        self.app.push_screen(ConfirmDialog(T.RESET_QUESTION, T.RESET_DETAIL, yes=T.RESET_YES), answered)

    def toggle(self) -> None:
        self.hidden = not self.hidden
        self.refresh_panel()

    def advance(self) -> None:
        """Move the training date a day on ("三天后"), to show how the clocks run."""
        r = self.runner
        if r is None:
            return
        advance_clock(r.ctx, 1)
        self.status = T.ADVANCED.format(day=r.ctx.clock.now().strftime("%Y-%m-%d"))
        # the new day's clocks run now, not at the desk timer's next tick (ten minutes away): the class
        # sees art. 32 deemed acceptance happen on the day it falls due (scenario 19-five-days)
        self.app._run_due_clocks()
        self.app.action_refresh_queue()
        self.refresh_panel()

    def phrases(self) -> None:
        from deskclient.ui.screens.training import PhrasebookScreen

        self.app.push_screen(PhrasebookScreen(load_phrasebook()))

    def demonstrate(self) -> None:
        """Ctrl+D: a step with ``input`` is typed into the real screens (``ui/training_demo.py``);
        an old-format step is done through the services. Once per step: a press while a demonstration
        runs is ignored, and a step already done is not done again."""
        runner = self.runner
        if runner is None:
            self.pick()
            return
        if self.demonstrating:
            self.app.notify(T.DEMO_RUNNING, markup=False, timeout=2)
            return
        if runner.step.inputs:
            self.demonstrating = True
            self.status = T.DEMO_STARTED.format(title=runner.step.title)
            self.refresh_panel()
            self.app.run_worker(self._drive(runner), group="training-demo", exclusive=True, exit_on_error=False,
                                name="training-demo")
            return

        def job() -> None:
            try:
                message = runner.demonstrate()
            except DeskError as err:
                message = TS.DEMO_FAILED.format(message=err.message)
            except Exception as err:  # a scenario problem must never end the class
                log.exception("training step failed")
                message = TS.DEMO_FAILED.format(message=type(err).__name__)
            self.app.call_from_thread(self._demonstrated, message)

        self.app.run_worker(job, thread=True, group="training-step", exclusive=True, exit_on_error=False)

    async def _drive(self, runner: ScenarioRunner) -> None:
        from deskclient.ui.training_demo import DemoFailed, Demonstration

        pace = runner.ctx.settings.training.demo_key_delay_s
        try:
            message = await Demonstration(self.app, runner, pace).run()
        except DemoFailed as err:
            message = TS.DEMO_FAILED.format(message=err.message)
        except Exception as err:  # a scenario problem must never end the class
            log.exception("training demonstration failed")
            message = TS.DEMO_FAILED.format(message=type(err).__name__)
        finally:
            self.demonstrating = False
        if runner is self.runner:
            self._demonstrated(message)

    def _demonstrated(self, message: str) -> None:
        r = self.runner
        if r is not None and r.at_end and r.all_done:
            message = f"{message}\n{TS.LAST_STEP_DONE}"
        self.status = message
        self.app.action_refresh_queue()
        self.refresh_panel()
