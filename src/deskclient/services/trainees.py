"""Who practised what: the trainer names the trainee; each step left is recorded as done right (by the
trainee's own hand), with help (the program demonstrated it) or wrong (left undone); a class summary.

The result of a step is decided here, in one place, from the runner's facts — the panel, the class
summary and the handout all read it from here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from deskclient.services.training import ScenarioRunner
from deskclient.settings import Mode, Paths
from deskclient.store.trainee_log import StepResultRow, SummaryRow, TraineeLog
from deskclient.strings import training as T

RESULT_LABELS = {"right": T.RESULT_RIGHT, "help": T.RESULT_HELP, "wrong": T.RESULT_WRONG}


def step_result(runner: ScenarioRunner, index: int) -> str | None:
    """right / help / wrong for a step that asks for something; None for a step that only talks."""
    step = runner.scenario.steps[index]
    if not step.expect:
        return None
    if not runner.is_done(index):
        return "wrong"
    return "help" if index in runner.demonstrated else "right"


@dataclass
class TraineeBook:
    log: TraineeLog
    trainee: str = ""

    @classmethod
    def for_paths(cls, paths: Paths) -> TraineeBook:
        return cls(TraineeLog(paths.for_mode(Mode.TRAINING).data_dir / "trainees.sqlite"))

    def name(self, trainee: str) -> None:
        self.trainee = " ".join(trainee.split())

    def record_step(self, runner: ScenarioRunner, index: int, at: datetime) -> str | None:
        """Record the step the class is leaving; returns the result recorded (None: nothing to record)."""
        result = step_result(runner, index)
        if result is None:
            return None
        step = runner.scenario.steps[index]
        self.log.record(self.trainee or T.TRAINEE_UNNAMED, runner.scenario.id, index + 1, step.title, result, at)
        return result

    def summary(self) -> list[SummaryRow]:
        return self.log.summary()

    def results(self, trainee: str | None = None) -> list[StepResultRow]:
        return self.log.results(trainee)

    def summary_csv(self) -> str:
        """UTF-8 with BOM, like the desk's reports, so Excel and WPS open it in Chinese."""
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(T.SUMMARY_HEADER)
        for r in self.summary():
            w.writerow([r.trainee, r.scenario, r.right, r.help, r.wrong, r.last_at])
        return "\ufeff" + out.getvalue()

    def summary_table(self) -> str:
        rows = [T.SUMMARY_HEADER] + [[r.trainee, r.scenario, str(r.right), str(r.help), str(r.wrong), r.last_at]
                                     for r in self.summary()]
        return "\n".join("  ".join(str(c) for c in row) for row in rows)
