"""Training mode: guided scenarios (``data/scenarios/*.toml`` plus the trainer's own folder), run on
the training ledger.

A scenario is a list of steps (format and validator: ``domain/scenarios.py``). Each step tells the
trainee what to do, the courtesy phrase to say (文明用语) and the phrases to avoid (忌语); most steps
also carry an action the trainer can let the program demonstrate, and an expected event (with the
payload values it must carry) that shows the step as done — whether the trainee did it by hand on the
real screens or the program demonstrated it.

Training never touches the station's ledger: :func:`open_training_context` refuses any mode but
training, and the training ledger is a separate file that a reset simply recreates. The trainees'
record (who practised what) lives in another file of the training folder, so a reset keeps it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from deskclient.domain.cases import Completion, CompletionResult, Delivery, MaterialState, Outcome
from deskclient.domain.clock import FixedClock
from deskclient.domain.errors import DeskError, ValidationError
from deskclient.domain.scenarios import (
    Phrasebook,
    Problem,
    Scenario,
    ScenarioInvalid,
    Step,
    parse_phrasebook,
    parse_scenario,
)
from deskclient.resources import data_path
from deskclient.services.cases import CheckInput, Intake, PersonInput, unowned_item
from deskclient.services.context import DeskContext, open_context
from deskclient.services.followups import FOLLOWUP_BAD_RATING, FOLLOWUP_UNOWNED
from deskclient.settings import CentralSettings, Mode, Paths, load_settings
from deskclient.store.models import Case, Clerk, Event, FollowUp, Review
from deskclient.strings import training as T

__all__ = ["BrokenScenario", "Phrasebook", "Scenario", "ScenarioRunner", "Step", "load_phrasebook",
           "load_scenarios", "open_training_context", "parse_scenario", "trainer_folder", "validate_path"]


@dataclass(frozen=True)
class BrokenScenario:
    """A scenario file that does not validate: shown in the picker as broken, never silently dropped."""

    file: str
    problems: tuple[Problem, ...]

    @property
    def title(self) -> str:
        return T.BROKEN_SCENARIO_TITLE.format(file=self.file)


def trainer_folder(paths: Paths) -> Path:
    """Where a trainer puts scenarios of their own: ``<training data dir>/scenarios``."""
    return paths.for_mode(Mode.TRAINING).data_dir / "scenarios"


def _read(path: Path) -> Scenario | BrokenScenario:
    try:
        return parse_scenario(path.read_text(encoding="utf-8"), path.name)
    except ScenarioInvalid as err:
        return BrokenScenario(path.name, tuple(err.problems))
    except (OSError, UnicodeDecodeError) as err:
        return BrokenScenario(path.name, (Problem(path.name, 1, T.UNREADABLE.format(error=type(err).__name__)),))


def load_scenarios(*folders: Path) -> tuple[list[Scenario], list[BrokenScenario]]:
    """The shipped scenarios, then each extra folder's, in file-name order; broken files separately.

    A trainer's file with the same ``id`` as a shipped one replaces it (that is how a centre adapts a
    shipped scenario to its own items)."""
    by_id: dict[str, Scenario] = {}
    broken: list[BrokenScenario] = []
    for folder in (data_path("scenarios"), *folders):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            if path.name == "phrases.toml":
                continue
            got = _read(path)
            if isinstance(got, BrokenScenario):
                broken.append(got)
            else:
                by_id[got.id] = got
    return list(by_id.values()), broken


def validate_path(path: Path) -> tuple[list[Scenario], list[BrokenScenario]]:
    """``deskclient training validate PATH``: one file or every ``*.toml`` of a folder."""
    files = [path] if path.is_file() else sorted(p for p in path.glob("*.toml") if p.name != "phrases.toml")
    good: list[Scenario] = []
    bad: list[BrokenScenario] = []
    for f in files:
        got = _read(f)
        (bad if isinstance(got, BrokenScenario) else good).append(got)  # type: ignore[arg-type]
    return good, bad


def load_phrasebook(folder: Path | None = None) -> Phrasebook:
    return parse_phrasebook(((folder or data_path("scenarios")) / "phrases.toml").read_text(encoding="utf-8"))


def open_training_context(paths: Paths, scenario: Scenario | None = None, *, fresh: bool = False) -> DeskContext:
    """The training ledger with the sample station, its clock set for ``scenario``.

    ``fresh`` starts a new practice run (reset / replay / another scenario) in a folder of its own
    (``runs/<time>-<id>``): the old run's ledger is never deleted under a screen or worker that may
    still be reading it (that race gave "no such table"), and its archived notices never collide with
    the new run's, whose case numbers start again at 0001. Refuses anything but training paths,
    so no code path can point a scenario at the station's ledger. The training folder's own settings
    file is read (a classroom printer), but never anything that would reach the county office.
    """
    if paths.mode != Mode.TRAINING:
        raise ValidationError(T.NOT_TRAINING)
    from deskclient.services.demo import ensure_demo_station

    clock = FixedClock(scenario.clock if scenario else datetime(2026, 11, 24, 9, 30))
    if fresh:
        paths = fresh_run_paths(paths)
    settings = replace(load_settings(paths.config_file), central=CentralSettings())
    ctx = open_context(paths, settings=settings, clock=clock)
    ensure_demo_station(ctx)
    return ctx


def fresh_run_paths(paths: Paths, *, keep: int = 2) -> Paths:
    """A new, empty folder for one practice run; runs older than the last ``keep`` are removed
    (best effort: a file still open, as Windows keeps it, is simply left for the next time)."""
    import shutil
    from uuid import uuid4

    runs = paths.data_dir / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    for old in sorted(p for p in runs.iterdir() if p.is_dir())[:-keep or None]:
        shutil.rmtree(old, ignore_errors=True)
    name = f"{datetime.now():%Y%m%d-%H%M%S}-{uuid4().hex[:6]}"
    return paths._replace(data_dir=runs / name)


class ScenarioRunner:
    """Walks one scenario on a training context: the current step, demonstrate it, check it."""

    def __init__(self, ctx: DeskContext, scenario: Scenario) -> None:
        if not ctx.is_training:
            raise ValidationError(T.NOT_TRAINING)
        self.ctx = ctx
        self.scenario = scenario
        self.index = 0
        self.case_id: str | None = None
        self.demonstrated: set[int] = set()
        self._started_seq = self._top_seq()

    # --- stepping -------------------------------------------------------------------------------
    @property
    def step(self) -> Step:
        return self.scenario.steps[self.index]

    @property
    def at_end(self) -> bool:
        return self.index >= len(self.scenario.steps) - 1

    @property
    def all_done(self) -> bool:
        return all(self.is_done(i) for i in range(len(self.scenario.steps)))

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
        """Done once the expected event, carrying the expected payload values, is in the ledger.

        Only events since the scenario started count, and for a case event only the scenario's own
        case once it has one — so a step is never shown ✓ by another case or by half the work
        (``expect_fields = { missing = 2 }`` asks for both missing materials, not one)."""
        step = self.scenario.steps[self.index if index is None else index]
        if not step.expect:
            return True
        q = select(Event).where(Event.seq > self._started_seq, Event.type == step.expect)
        case_id = self.case_id or self._latest_case_or_none()
        if case_id and step.expect.startswith("case.") and step.expect != "case.registered":
            q = q.where(Event.case_id == case_id)
        with self.ctx.ledger.read() as s:
            events = list(s.exec(q.order_by(col(Event.seq))))
        return any(_payload_matches(e.payload, step.expect_fields) for e in events)

    def _top_seq(self) -> int:
        with self.ctx.ledger.read() as s:
            top = s.exec(select(Event).order_by(col(Event.seq).desc())).first()
            return top.seq if top else 0

    def _latest_case_or_none(self) -> str | None:
        with self.ctx.ledger.read() as s:
            q = select(Event).where(Event.seq > self._started_seq, Event.type == "case.registered")
            ev = s.exec(q.order_by(col(Event.seq).desc())).first()
        return ev.case_id if ev else None

    def _latest_case(self) -> str:
        if self.case_id:
            return self.case_id
        found = self._latest_case_or_none()
        if found is None:
            with self.ctx.ledger.read() as s:
                case = s.exec(select(Case).order_by(col(Case.created_at).desc())).first()
            found = case.id if case else None
        if found is None:
            raise ValidationError(T.NO_CASE_YET)
        self.case_id = found
        return found

    # --- demonstrating ----------------------------------------------------------------------------
    def demonstrate(self) -> str:
        """Perform the current step's action through the real services, once; a line for the screen.

        A step already done (by hand or by an earlier press) is not done again — pressing the key
        twice must not register a second case. A failed step leaves the training clock where it was."""
        step = self.step
        if not step.action:
            return T.NOTHING_TO_DO
        if step.expect and self.is_done():
            return T.ALREADY_DONE
        a = step.args
        clock = self.ctx.clock
        days = int(a.get("advance_days", 0) or 0)
        if isinstance(clock, FixedClock) and days:
            clock.advance(days=days)
        try:
            getattr(self, f"_do_{step.action}")(a)
        except DeskError:
            if isinstance(clock, FixedClock) and days:
                clock.advance(days=-days)
            raise
        self.demonstrated.add(self.index)
        return T.DEMONSTRATED.format(title=step.title)

    def _window(self, clerk_id: str) -> str:
        clerk = self.ctx.people.clerk(clerk_id)
        return (clerk.window or "") if clerk is not None else ""

    def _do_register(self, a: dict[str, Any]) -> None:
        clerk_id = self.clerk_id()
        unowned = bool(a.get("unowned", False))
        item = self.ctx.catalog.get(a["item"]) if a.get("item") else None
        if item is None and unowned:  # 不管件: no catalog item covers the need (intake's F3)
            item = unowned_item(self._window(clerk_id))
        if item is None:
            raise ValidationError(T.UNKNOWN_ITEM.format(code=a.get("item", "")))
        agent = None
        if a.get("agent_name"):
            agent = PersonInput(a["agent_name"], a.get("agent_id_no", ""), a.get("agent_phone", ""))
        case = self.ctx.intake.confirm(Intake(
            window=self._window(clerk_id) or item.window, item=item,
            applicant=PersonInput(a["name"], a.get("id_no", ""), a.get("phone", "")),
            agent=agent, agent_relation=a.get("agent_relation", ""),
            power_of_attorney=bool(a.get("power_of_attorney", False)), enquiry=bool(a.get("enquiry", False)),
            unowned=unowned,
        ), clerk_id)
        self.case_id = case.id

    def _checks(self, spec: str) -> list[CheckInput]:
        mats = self.ctx.cases.materials(self._latest_case())
        if spec == "none":
            return []
        # "missing:A,B;defective:C=what is wrong": the rest received
        missing: set[str] = set()
        defective: dict[str, str] = {}
        for part in spec.split(";"):
            kind, _, names = part.strip().partition(":")
            if kind == "missing":
                missing |= {m.strip() for m in names.split(",")}
            elif kind == "defective":
                defective |= {n.strip(): p.strip() for n, _, p in (x.partition("=") for x in names.split(","))}
        return [CheckInput(m.position, MaterialState.DEFECTIVE, defective[m.name]) if m.name in defective
                else CheckInput(m.position, MaterialState.MISSING if m.name in missing else MaterialState.RECEIVED)
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
        delivery = Delivery(a.get("delivery", "window"))
        refused = bool(a.get("reasons"))
        self.ctx.cases.complete(self._latest_case(), self.clerk_id(), Completion(
            CompletionResult.REFUSED if refused else CompletionResult.APPROVED, delivery,
            reasons=tuple(a.get("reasons", ())), address=str(a.get("address", ""))))

    def _do_rate(self, a: dict[str, Any]) -> None:
        self.ctx.followups.rate(self._latest_case(), self.clerk_id(), a["level"])

    def _do_transfer(self, a: dict[str, Any]) -> None:
        self.ctx.cases.transfer(self._latest_case(), self.clerk_id(), a["to_window"], a["reason"])

    def _do_complaint(self, a: dict[str, Any]) -> None:
        """Recorded at the head's desk (F8, C): by the head who signed in, when the step names one."""
        by = self._head(a, "record_complaint") if "head" in a else self.clerk_id()
        self.ctx.followups.record_complaint(
            by, case_id=self.case_id, channel=a["channel"], content=a["content"],
            complainant_name=a.get("complainant", ""), multi_unit=bool(a.get("multi_unit", False)))

    def _do_handover(self, a: dict[str, Any]) -> None:
        from_id = self.clerk_id()
        self.ctx.handover.hand_over(window=self._window(from_id), from_clerk_id=from_id, to_login=a["to"],
                                    to_pin=a["pin"], desk_note=a.get("note", ""))

    def _do_urgent(self, a: dict[str, Any]) -> None:
        self.ctx.head_desk.approve_urgent_at_window(self._latest_case(), self.clerk_id(), head_login=a["head"],
                                                    head_pin=a["head_pin"], reason=a["reason"])

    def _do_pause_desk(self, a: dict[str, Any]) -> None:
        clerk_id = self.clerk_id()
        back = self.ctx.clock.now() + timedelta(minutes=int(a["minutes"]))
        self.ctx.workday.pause(window=self._window(clerk_id), clerk_id=clerk_id, reason=a["reason"],
                               expected_back=back, redirect_window=a.get("redirect_window", ""))

    def _do_resume_desk(self, a: dict[str, Any]) -> None:
        clerk_id = self.clerk_id()
        self.ctx.workday.resume(window=self._window(clerk_id), clerk_id=clerk_id)

    def _do_open_day(self, a: dict[str, Any]) -> None:
        clerk_id = self.clerk_id()
        self.ctx.workday.open_day(window=self._window(clerk_id), clerk_id=clerk_id)

    def _do_close_day(self, a: dict[str, Any]) -> None:
        clerk_id = self.clerk_id()
        self.ctx.workday.close_day(window=self._window(clerk_id), clerk_id=clerk_id, attempt_sync=False)

    def _do_advance(self, a: dict[str, Any]) -> None:
        advance_clock(self.ctx, int(a["days"]))
        self.ctx.run_due_clocks()  # what the desk's timer does on the new day (art. 32 deemed acceptance)

    def _do_sign_in(self, a: dict[str, Any]) -> None:
        """A clerk signs in (F10, login and PIN): the sign-in screen then runs the clocks that fell due,
        e.g. art. 32 deemed acceptance of a 收件待审 case left past its five working days."""
        self.ctx.people.verify_pin(str(a["login"]), str(a["pin"]))
        self.ctx.run_due_clocks()

    def _do_issue_notice(self, a: dict[str, Any]) -> None:
        """The notice the step names (e.g. the 联办件通知书), issued for the scenario's case as F9 in the
        notice preview does: numbered, archived in the run folder (培训样张) and queued to print."""
        case_id, clerk_id, kind = self._latest_case(), self.clerk_id(), str(a["kind"])
        if kind == "joint":  # the preview asks the clerk to confirm the 联办部门 first (F9 in its dialog)
            self.ctx.notices.confirm_joint_departments(case_id, clerk_id, self.ctx.notices.joint_departments(case_id))
        self.ctx.notices.issue(case_id, kind, clerk_id)

    def _do_result_returned(self, a: dict[str, Any]) -> None:
        """The county office handed the 上报件's result back to the window (ends the department-return clock)."""
        self.ctx.case_clock.record_result_returned(self._latest_case(), self.clerk_id(), str(a.get("note", "")))

    def _do_request_review(self, a: dict[str, Any]) -> None:
        """The refused applicant asks at the window for the head's 复核 (case detail, F)."""
        self.ctx.followups.request_review(self._latest_case(), self.clerk_id(), str(a["reason"]))

    def _head(self, a: dict[str, Any], purpose: str) -> str:
        """The centre head signs in with login and PIN (the one head check) to act at the head's desk."""
        return self.ctx.people.verify_head(str(a["head"]), str(a["head_pin"]), purpose=purpose).id

    def _do_decide_review(self, a: dict[str, Any]) -> None:
        case_id = self._latest_case()
        with self.ctx.ledger.read() as s:
            review = s.exec(select(Review).where(Review.case_id == case_id, Review.decision == "")).first()
        if review is None:
            raise ValidationError(T.NO_OPEN_REVIEW)
        self.ctx.head_desk.decide_review(review.id, self._head(a, "decide_review"), str(a["decision"]),
                                         str(a["note"]))

    def _do_route_unowned(self, a: dict[str, Any]) -> None:
        self.ctx.head_desk.route_unowned(self._latest_case(), self._head(a, "route_unowned"), window=str(a["window"]),
                                         days=int(a["days"]), note=str(a.get("note", "")))

    def _bad_rating_task(self) -> str:
        case_id = self._latest_case()
        with self.ctx.ledger.read() as s:
            task = s.exec(select(FollowUp).where(FollowUp.case_id == case_id, FollowUp.kind == FOLLOWUP_BAD_RATING,
                                                 FollowUp.status != "closed")).first()
        if task is None:
            raise ValidationError(T.NO_BAD_RATING)
        return task.id

    def _do_followup_visit(self, a: dict[str, Any]) -> None:
        """The head's return visit of a bad rating (head's desk, V): the visit clock stops."""
        self.ctx.head_desk.record_visit(self._bad_rating_task(), self._head(a, "followup_visit"), str(a["note"]))

    def _do_rectify(self, a: dict[str, Any]) -> None:
        """Rectified (head's desk, X): the bad-rating task is closed with what was done."""
        self.ctx.head_desk.close_followup(self._bad_rating_task(), self._head(a, "rectify"), str(a["outcome"]))

    def _do_unowned_outcome(self, a: dict[str, Any]) -> None:
        case_id = self._latest_case()
        with self.ctx.ledger.read() as s:
            task = s.exec(select(FollowUp).where(FollowUp.case_id == case_id, FollowUp.kind == FOLLOWUP_UNOWNED,
                                                 FollowUp.status != "closed")).first()
        if task is None:
            raise ValidationError(T.NOT_ROUTED)
        self.ctx.head_desk.record_unowned_outcome(task.id, self._head(a, "unowned_outcome"), str(a["outcome"]))

    def snapshot(self) -> str:
        """A compact JSON of where the run stands (for the trainer's screen and the tests)."""
        return json.dumps({"scenario": self.scenario.id, "step": self.index + 1, "of": len(self.scenario.steps),
                           "done": self.is_done()}, ensure_ascii=False)


def _payload_matches(payload: Any, expected: dict[str, Any]) -> bool:
    if not expected:
        return True
    data = json.loads(payload) if isinstance(payload, str) else (payload or {})
    for key, want in expected.items():
        got = data.get(key)
        if isinstance(want, int) and not isinstance(want, bool) and isinstance(got, list):
            if len(got) != want:
                return False
        elif got != want:
            return False
    return True


def advance_clock(ctx: DeskContext, days: int) -> None:
    """Move the training clock ("三天后"), to show how clocks run; training always has a fixed clock."""
    if isinstance(ctx.clock, FixedClock):
        ctx.clock.advance(days=days)
    else:  # pragma: no cover - training always uses a fixed clock
        raise ValidationError(T.CLOCK_NOT_FIXED.format(days=timedelta(days=days).days))
