"""Training mode: guided scenarios shipped as data (``data/scenarios/*.toml``), run on the training ledger.

A scenario is a list of steps. Each step tells the trainee what to do, the courtesy phrase to say
(文明用语) and the phrases to avoid (忌语); most steps also carry an action that the trainer can let
the program demonstrate ("演示这一步"), and an expected event that shows the step as done, whether
the trainee did it by hand on the real screens or the program demonstrated it.

Training never touches the station's ledger: :func:`open_training_context` refuses any mode but
training, and the training ledger is a separate file that a reset simply recreates.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from deskclient.domain.cases import MaterialState, Outcome
from deskclient.domain.clock import FixedClock
from deskclient.domain.errors import DeskError, ValidationError
from deskclient.resources import data_path
from deskclient.services.cases import CheckInput, Intake, PersonInput
from deskclient.services.context import DeskContext, open_context
from deskclient.settings import Mode, Paths, Settings
from deskclient.store.models import Case, Clerk, Event
from deskclient.strings import training as T

ACTIONS = ("register", "check", "receive_supplement", "complete", "rate", "transfer", "complaint", "handover",
           "register_and_accept")


@dataclass(frozen=True)
class Step:
    title: str
    do: str
    say: str = ""
    avoid: tuple[str, ...] = ()
    action: str = ""
    args: dict[str, Any] = field(default_factory=dict)
    expect: str = ""  # an event type that shows the step is done


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    goal: str
    clock: datetime
    clerk: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Phrasebook:
    courtesy: tuple[str, ...]
    prescribed: tuple[str, ...]
    forbidden: tuple[str, ...]


def parse_scenario(text: str, name: str) -> Scenario:
    """Parse one scenario file; a broken one gives a Chinese message naming the file."""
    try:
        raw = tomllib.loads(text)
        steps = []
        for i, s in enumerate(raw["step"], start=1):
            action = s.get("action", "")
            if action and action not in ACTIONS:
                raise ValidationError(T.UNKNOWN_ACTION.format(name=name, step=i, action=action))
            steps.append(Step(title=s["title"], do=s["do"], say=s.get("say", ""), avoid=tuple(s.get("avoid", ())),
                              action=action, args=dict(s.get("args", {})), expect=s.get("expect", "")))
        return Scenario(id=raw["id"], title=raw["title"], goal=raw["goal"],
                        clock=datetime.fromisoformat(raw["clock"]), clerk=raw["clerk"], steps=tuple(steps))
    except tomllib.TOMLDecodeError as err:
        raise ValidationError(T.BROKEN_FILE.format(name=name, error=err)) from None
    except (KeyError, TypeError, ValueError) as err:
        raise ValidationError(T.BROKEN_FILE.format(name=name, error=T.MISSING_FIELD.format(field=err))) from None


def load_scenarios(folder: Path | None = None) -> tuple[list[Scenario], list[str]]:
    """Every scenario in the folder, in file-name order, and a message per broken file."""
    folder = folder or data_path("scenarios")
    scenarios: list[Scenario] = []
    problems: list[str] = []
    for path in sorted(folder.glob("[0-9]*.toml")):
        try:
            scenarios.append(parse_scenario(path.read_text(encoding="utf-8"), path.name))
        except DeskError as err:
            problems.append(err.message)
    return scenarios, problems


def load_phrasebook(folder: Path | None = None) -> Phrasebook:
    raw = tomllib.loads(((folder or data_path("scenarios")) / "phrases.toml").read_text(encoding="utf-8"))
    return Phrasebook(tuple(raw["courtesy"]), tuple(raw["prescribed"]), tuple(raw["forbidden"]))


def open_training_context(paths: Paths, scenario: Scenario | None = None, *, fresh: bool = False) -> DeskContext:
    """The training ledger with the sample station, its clock set for ``scenario``.

    ``fresh`` deletes the training ledger first (reset / replay). Refuses anything but training paths,
    so no code path can point a scenario at the station's ledger.
    """
    if paths.mode != Mode.TRAINING:
        raise ValidationError(T.NOT_TRAINING)
    from deskclient.services.demo import ensure_demo_station

    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{paths.ledger_file}{suffix}").unlink(missing_ok=True)
    clock = FixedClock(scenario.clock if scenario else datetime(2026, 11, 24, 9, 30))
    # training never talks to the office, whatever a settings file says
    ctx = open_context(paths, settings=Settings(), clock=clock)
    ensure_demo_station(ctx)
    return ctx


class ScenarioRunner:
    """Walks one scenario on a training context: the current step, demonstrate it, check it."""

    def __init__(self, ctx: DeskContext, scenario: Scenario) -> None:
        if not ctx.is_training:
            raise ValidationError(T.NOT_TRAINING)
        self.ctx = ctx
        self.scenario = scenario
        self.index = 0
        self.case_id: str | None = None
        self._started_seq = self._top_seq()

    # --- stepping -------------------------------------------------------------------------------
    @property
    def step(self) -> Step:
        return self.scenario.steps[self.index]

    @property
    def at_end(self) -> bool:
        return self.index >= len(self.scenario.steps) - 1

    def forward(self) -> Step:
        self.index = min(self.index + 1, len(self.scenario.steps) - 1)
        return self.step

    def back(self) -> Step:
        self.index = max(self.index - 1, 0)
        return self.step

    def clerk_id(self, login: str | None = None) -> str:
        with self.ctx.ledger.read() as s:
            clerk = s.exec(select(Clerk).where(Clerk.login == (login or self.scenario.clerk))).first()
        if clerk is None:
            raise ValidationError(T.UNKNOWN_CLERK.format(login=login or self.scenario.clerk))
        return clerk.id

    def is_done(self, index: int | None = None) -> bool:
        """A step with an expected event is done once that event is in the ledger (since the start)."""
        step = self.scenario.steps[self.index if index is None else index]
        if not step.expect:
            return True
        with self.ctx.ledger.read() as s:
            q = select(Event).where(Event.seq > self._started_seq, Event.type == step.expect)
            return s.exec(q).first() is not None

    def _top_seq(self) -> int:
        with self.ctx.ledger.read() as s:
            top = s.exec(select(Event).order_by(col(Event.seq).desc())).first()
            return top.seq if top else 0

    def _latest_case(self) -> str:
        if self.case_id:
            return self.case_id
        with self.ctx.ledger.read() as s:
            case = s.exec(select(Case).order_by(col(Case.created_at).desc())).first()
        if case is None:
            raise ValidationError(T.NO_CASE_YET)
        self.case_id = case.id
        return case.id

    # --- demonstrating ----------------------------------------------------------------------------
    def demonstrate(self) -> str:
        """Perform the current step's action through the real services; returns a line for the screen."""
        step = self.step
        if not step.action:
            return T.NOTHING_TO_DO
        a = step.args
        clock = self.ctx.clock
        if isinstance(clock, FixedClock) and a.get("advance_days"):
            clock.advance(days=int(a["advance_days"]))
        handler = getattr(self, f"_do_{step.action}")
        handler(a)
        return T.DEMONSTRATED.format(title=step.title)

    def _do_register(self, a: dict[str, Any]) -> None:
        item = self.ctx.catalog.get(a["item"])
        if item is None:
            raise ValidationError(T.UNKNOWN_ITEM.format(code=a["item"]))
        clerk_id = self.clerk_id()
        with self.ctx.ledger.read() as s:
            window = s.get(Clerk, clerk_id).window or item.window  # type: ignore[union-attr]
        agent = None
        if a.get("agent_name"):
            agent = PersonInput(a["agent_name"], a.get("agent_id_no", ""), a.get("agent_phone", ""))
        case = self.ctx.cases.register(Intake(
            window=window, item=item, applicant=PersonInput(a["name"], a.get("id_no", ""), a.get("phone", "")),
            agent=agent, agent_relation=a.get("agent_relation", ""),
            power_of_attorney=bool(a.get("power_of_attorney", False)), enquiry=bool(a.get("enquiry", False)),
        ), clerk_id)
        self.case_id = case.id

    def _checks(self, spec: str) -> list[CheckInput]:
        mats = self.ctx.cases.materials(self._latest_case())
        if spec == "none":
            return []
        missing: set[str] = set()
        if spec.startswith("missing:"):
            missing = {m.strip() for m in spec.removeprefix("missing:").split(",")}
        return [CheckInput(m.position, MaterialState.MISSING if m.name in missing else MaterialState.RECEIVED)
                for m in mats]

    def _do_check(self, a: dict[str, Any]) -> None:
        self.ctx.cases.confirm_outcome(self._latest_case(), self.clerk_id(), self._checks(a.get("states", "")),
                                       Outcome(a["outcome"]), reasons=a.get("reasons", ()))

    def _do_register_and_accept(self, a: dict[str, Any]) -> None:
        self._do_register(a)
        self._do_check({"states": "all_received", "outcome": "accept"})

    def _do_receive_supplement(self, a: dict[str, Any]) -> None:
        self.ctx.cases.receive_supplement(self._latest_case(), self.clerk_id(), self._checks("all_received"))

    def _do_complete(self, a: dict[str, Any]) -> None:
        from deskclient.domain.cases import Delivery

        self.ctx.cases.complete(self._latest_case(), self.clerk_id(), Delivery(a.get("delivery", "window")))

    def _do_rate(self, a: dict[str, Any]) -> None:
        self.ctx.followups.rate(self._latest_case(), self.clerk_id(), a["level"])

    def _do_transfer(self, a: dict[str, Any]) -> None:
        self.ctx.cases.transfer(self._latest_case(), self.clerk_id(), a["to_window"], a["reason"])

    def _do_complaint(self, a: dict[str, Any]) -> None:
        self.ctx.followups.record_complaint(
            self.clerk_id(), case_id=self.case_id, channel=a["channel"], content=a["content"],
            complainant_name=a.get("complainant", ""), multi_unit=bool(a.get("multi_unit", False)))

    def _do_handover(self, a: dict[str, Any]) -> None:
        from_id = self.clerk_id()
        clerk = self.ctx.people.clerk(from_id)
        window = clerk.window or "" if clerk is not None else ""
        self.ctx.handover.hand_over(
            window=window, from_clerk_id=from_id, to_login=a["to"], to_pin=a["pin"], desk_note=a.get("note", ""))

    def snapshot(self) -> str:
        """A compact JSON of where the run stands (for the trainer's screen and the tests)."""
        return json.dumps({"scenario": self.scenario.id, "step": self.index + 1, "of": len(self.scenario.steps),
                           "done": self.is_done()}, ensure_ascii=False)


def advance_clock(ctx: DeskContext, days: int) -> None:
    if isinstance(ctx.clock, FixedClock):
        ctx.clock.advance(days=days)
    else:  # pragma: no cover - training always uses a fixed clock
        raise ValidationError(T.CLOCK_NOT_FIXED.format(days=timedelta(days=days).days))
