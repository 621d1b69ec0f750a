"""Ctrl+D: demonstrate a training step by driving the real screens, keystroke by keystroke.

A step's ``input`` (``domain/scenarios.py``) says what a trainee types; the demonstration posts the
very same key events the terminal would (``events.Key`` through ``App.post_message``, the public way
to inject input; ``App.simulate_key`` does the same for a named key but carries no character, so it
cannot type text), one at a time at the pace of ``[training] demo_key_delay_s`` (a Textual timer),
so the class watches the intake form fill, the checklist get marked and the dialogs open.

Between two inputs the demonstration waits on the app's state, never on a clock: every node of the
current screen has processed the messages queued so far (a ``call_later`` fence, as Textual's Pilot
does) and the desk's workers (a registration, a screen's load) have finished. The step is then checked
on the ledger; a step that did not get done fails with the reason in Chinese and the training clock
put back. The tests type the same inputs through Pilot (``tests/training/test_typed_and_demonstrated.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from textual import events
from textual.worker import get_current_worker

from deskclient.domain.clock import FixedClock
from deskclient.domain.scenarios import InputAction, Step
from deskclient.strings import training as TS

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

    from deskclient.services.training import ScenarioRunner

#: Scenario screen names (``screen = "..."``) by screen class name.
SCREEN_NAMES = {"HomeScreen": "home", "IntakeScreen": "intake", "ChecklistScreen": "checklist",
                "CaseDetailScreen": "case_detail", "HandoverScreen": "handover", "DayScreen": "day",
                "HeadScreen": "head", "ReportScreen": "report", "NoticePreviewScreen": "notice"}

#: Worker groups that never finish on their own account (the panel's poll) or are the demonstration.
_NOT_WAITED = ("training-poll", "training-demo")
_MAX_ROUNDS = 60
_FENCE_TIMEOUT_S = 30.0


class DemoFailed(Exception):
    """The demonstration could not do the step; ``message`` says why, in Chinese, for the class."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def screen_name(screen: Screen[Any]) -> str:
    return SCREEN_NAMES.get(type(screen).__name__, type(screen).__name__)


def key_event(char_or_key: str, *, typed: bool) -> events.Key:
    """The event a terminal sends for a key (``typed``: a character typed into a field)."""
    if not typed:
        return events.Key(char_or_key, None)
    ch = char_or_key
    if ch == " ":
        return events.Key("space", " ")
    if len(ch) == 1 and (ch.isalnum() and ch.isascii()):
        return events.Key(ch, ch)
    import unicodedata

    try:
        name = unicodedata.name(ch).lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        name = ch
    return events.Key(name if ch.isascii() else ch, ch)


def focus_field(screen: Screen[Any], name: str) -> bool:
    """Move the cursor into the field ``name`` (a widget id) of ``screen``; False when there is none."""
    from textual.widgets import Input

    found = list(screen.query(f"#{name}"))
    if not found:
        return False
    widget = found[0]
    if isinstance(widget, Input):
        widget.focus()
        return True
    inner = list(widget.query(Input))
    (inner[0] if inner else widget).focus()
    return True


def visible_error(screen: Screen[Any]) -> str:
    """The first error line a screen shows (``.error``), to say why a step was not done."""
    from textual.widgets import Static

    for w in screen.query(".error"):
        if isinstance(w, Static):
            text = str(w.render()).strip()
            if text:
                return text
    return ""


class Demonstration:
    """Replays one step's input on the app's current screens (run as an async worker on the app)."""

    def __init__(self, app: App[Any], runner: ScenarioRunner, pace_s: float) -> None:
        self.app = app
        self.runner = runner
        self.pace_s = max(0.0, pace_s)
        self.index = runner.index

    @property
    def step(self) -> Step:
        return self.runner.scenario.steps[self.index]

    async def run(self) -> str:
        """Do the step once; the line for the panel. Raises :class:`DemoFailed` (clock put back)."""
        step, runner = self.step, self.runner
        done: bool = bool(step.expect) and await asyncio.to_thread(runner.is_done, self.index)
        if done:
            return TS.ALREADY_DONE
        clock = runner.ctx.clock
        days = int(step.args.get("advance_days", 0) or 0)
        moved = isinstance(clock, FixedClock) and days > 0
        if moved:
            assert isinstance(clock, FixedClock)
            clock.advance(days=days)
        try:
            await self._replay(step)
        except BaseException:
            if moved:
                assert isinstance(clock, FixedClock)
                clock.advance(days=-days)
            raise
        runner.demonstrated.add(self.index)
        return TS.DEMONSTRATED.format(title=step.title)

    async def _replay(self, step: Step) -> None:
        await self.settle()
        if screen_name(self.app.screen) == "notice" and step.screen != "notice":
            await self.press("escape")  # the previous step's notice, printed: the class sees it close
        for n, action in enumerate(step.inputs, start=1):
            await self.perform(action, n)
        await self.settle()
        done: bool = not step.expect or await asyncio.to_thread(self.runner.is_done, self.index)
        if not done:
            why = visible_error(self.app.screen)
            raise DemoFailed(TS.DEMO_NOT_DONE.format(screen=screen_name(self.app.screen), why=why or "—"))
        if step.notice:
            await self._end_on_notice(step.notice)

    async def perform(self, action: InputAction, n: int) -> None:
        if action.key:
            for _ in range(action.times):
                await self.press(action.textual_key)
            return
        if action.into:
            if not focus_field(self.app.screen, action.into):
                raise DemoFailed(TS.DEMO_NO_FIELD.format(n=n, field=action.into,
                                                         screen=screen_name(self.app.screen)))
            await self.settle()
        for ch in action.text:
            await self.press(ch, typed=True)

    async def press(self, key: str, *, typed: bool = False) -> None:
        """One key, as the terminal would send it; then wait for the app to have handled it."""
        await self._pace()
        self.app.post_message(key_event(key, typed=typed))
        await self.settle()

    async def _pace(self) -> None:
        if self.pace_s <= 0:
            return
        ready = asyncio.Event()
        self.app.set_timer(self.pace_s, ready.set, name="training-demo-pace")
        await ready.wait()

    async def _fence(self) -> None:
        """Every node of the current screen (and the app) has processed what was queued before."""
        app = self.app
        nodes = [app, *app.screen.walk_children(with_self=True)]
        left = 0
        all_done = asyncio.Event()

        def one_done() -> None:
            nonlocal left
            left -= 1
            if left == 0:
                all_done.set()

        for node in nodes:
            if node.call_later(one_done):
                left += 1
        if left:
            await asyncio.wait_for(all_done.wait(), _FENCE_TIMEOUT_S)

    async def settle(self) -> None:
        """Wait until the key's effects are on screen: messages handled, the desk's workers done,
        and the screen stack the same across one more round (a worker's result may push a screen)."""
        try:
            me = get_current_worker()
        except Exception:
            me = None
        for _ in range(_MAX_ROUNDS):
            await self._fence()
            await self._fence()  # a key handled by the app is forwarded to the focused widget
            busy = [w for w in self.app.workers
                    if w is not me and w.is_running and w.group not in _NOT_WAITED]
            if not busy:
                stack = list(self.app.screen_stack)
                await self._fence()
                if list(self.app.screen_stack) == stack and not any(
                        w is not me and w.is_running and w.group not in _NOT_WAITED for w in self.app.workers):
                    return
                continue
            for w in busy:
                with contextlib.suppress(Exception):  # a failed worker shows its own message on its screen
                    await w.wait()

    async def _end_on_notice(self, kind: str) -> None:
        top = self.app.screen
        if screen_name(top) == "notice" and getattr(top, "kind", "") == kind:
            return
        from deskclient.ui.screens.notice_preview import NoticePreviewScreen

        case_id = self.runner.case_id or await asyncio.to_thread(self.runner._latest_case_or_none)
        if not case_id:
            raise DemoFailed(TS.DEMO_NO_NOTICE.format(notice=kind))
        self.app.push_screen(NoticePreviewScreen(case_id, kind))
        await self.settle()
