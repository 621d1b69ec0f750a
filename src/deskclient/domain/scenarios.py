"""Training scenarios as data: the format, its parser and its validator (pure: text in, objects out).

A scenario is a TOML file a trainer can write (``docs/trainer-guide.md`` documents every field).
Parsing and validating live here, apart from running, so that ``deskclient training validate`` and
the app's scenario picker give the same answer, and so that every problem is reported at once with
its file and line — a trainer fixing a file should not have to run the validator ten times.

Line numbers: ``tomllib`` reports them for syntax errors only, so for a field that parses but is
wrong the validator finds the line of the ``[[step]]`` header (or of the key inside it) in the text.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from deskclient.domain.cases import Outcome
from deskclient.domain.clock_types import ComplaintChannel, RatingLevel
from deskclient.domain.notices import NoticeKind
from deskclient.strings import training as T

#: Demonstration actions and the arguments each one requires (optional ones are documented).
ACTIONS: dict[str, tuple[str, ...]] = {
    "register": ("name",),  # and item, unless unowned = true (a 不管件 has no catalog item)
    "check": ("outcome",),
    "register_and_accept": ("item", "name"),
    "receive_supplement": (),
    "complete": (),
    "rate": ("level",),
    "transfer": ("to_window", "reason"),
    "complaint": ("channel", "content"),
    "handover": ("to", "pin"),
    "urgent": ("reason", "head", "head_pin"),
    "pause_desk": ("minutes", "reason"),
    "resume_desk": (),
    "open_day": (),
    "close_day": (),
    "advance": ("days",),
    "issue_notice": ("kind",),
    "result_returned": (),
    "request_review": ("reason",),
    "decide_review": ("decision", "note", "head", "head_pin"),
    "route_unowned": ("window", "days", "head", "head_pin"),
    "unowned_outcome": ("outcome", "head", "head_pin"),
    "sign_in": ("login", "pin"),
    "followup_visit": ("note", "head", "head_pin"),
    "rectify": ("outcome", "head", "head_pin"),
}

#: Screens a step may name (``screen = "..."``); the keys a step names are checked against them.
SCREENS = ("home", "intake", "checklist", "case_detail", "handover", "day", "head", "report", "notice")

NOTICES = tuple(k.value for k in NoticeKind)

#: Keys the trainer presses (never a trainee's input): a step's ``keys`` may name them without ``input``.
TRAINER_KEYS = ("Ctrl+D", "Ctrl+O", "Ctrl+R", "Ctrl+B", "Ctrl+G", "Ctrl+L", "Ctrl+→", "Ctrl+←")

#: Keys an ``input`` entry may press besides F1–F12, Ctrl+<letter> and single letters or digits.
NAMED_KEYS = ("Esc", "Enter", "Tab", "Shift+Tab", "Space", "Up", "Down", "Left", "Right", "Backspace",
              "Home", "End", "PageUp", "PageDown", "Delete")
_INPUT_KEY = re.compile(r"F(?:1[0-2]|[1-9])|Ctrl\+[A-Za-z]|[A-Za-z0-9]|" + "|".join(
    re.escape(k) for k in NAMED_KEYS))
_FIELD_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
MAX_TIMES = 20

OUTCOMES = tuple(o.value for o in Outcome)
RATING_LEVELS = tuple(level.value for level in RatingLevel)
CHANNELS = tuple(c.value for c in ComplaintChannel)
NOTICE_KINDS = tuple(k.value for k in NoticeKind if k.is_about_a_case)
REVIEW_DECISIONS = ("upheld", "overturned")

#: Key names a step's text may mention: F1–F12, Ctrl+X, Esc/Enter, or a single letter after 按 (U+6309 "press").
_KEY_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])(F(?:1[0-2]|[1-9])|Ctrl\+[A-Za-z→←]+|Esc|Enter)(?![A-Za-z0-9])")
_LETTER_AFTER_PRESS = re.compile(r"\u6309\s*([A-Z])(?![A-Za-z0-9+])")


@dataclass(frozen=True)
class InputAction:
    """One thing a trainee does on the keyboard: press a key (``times`` times), or type text —
    into the field named ``into`` (the cursor is moved there first), else where the cursor is."""

    key: str = ""  # as a scenario writes it: "F2", "A", "Enter", "Tab", "Down", "Ctrl+S"
    text: str = ""
    into: str = ""
    times: int = 1

    @property
    def textual_key(self) -> str:
        return textual_key(self.key) if self.key else ""


@dataclass(frozen=True)
class Step:
    title: str
    do: str
    say: str = ""
    avoid: tuple[str, ...] = ()
    action: str = ""
    args: dict[str, Any] = field(default_factory=dict)
    expect: str = ""  # an event type that shows the step is done
    expect_fields: dict[str, Any] = field(default_factory=dict)  # payload values that event must carry
    screen: str = ""  # where the trainee does this step; the keys below must exist there
    keys: tuple[str, ...] = ()  # the keys the step's text names, e.g. ("F2",)
    inputs: tuple[InputAction, ...] = ()  # ``input``: what the trainee types, replayed by Ctrl+D
    notice: str = ""  # the notice the step ends on (its preview), a NoticeKind value


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    goal: str
    clock: datetime
    clerk: str
    steps: tuple[Step, ...]
    source: str = ""  # file name, shown with problems and on handouts


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a scenario file, where it is and what is wrong (Chinese, for the trainer)."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return T.PROBLEM_AT.format(file=self.file, line=self.line, message=self.message)


class ScenarioInvalid(Exception):
    """A scenario file with problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Phrasebook:
    courtesy: tuple[str, ...]
    prescribed: tuple[str, ...]
    forbidden: tuple[str, ...]


def keys_in_text(text: str) -> tuple[str, ...]:
    """The keys a step's text tells the trainee to press, in order, each once (as written)."""
    found: list[str] = []
    for m in _KEY_IN_TEXT.finditer(text):
        found.append(m.group(1))
    for m in _LETTER_AFTER_PRESS.finditer(text):
        found.append(m.group(1))
    return tuple(dict.fromkeys(found))


def textual_key(key: str) -> str:
    """The Textual key name for a key as a scenario writes it ("F6" → "f6", "Ctrl+O" → "ctrl+o")."""
    k = key.strip()
    named = {"Tab": "tab", "Shift+Tab": "shift+tab", "Space": "space", "Up": "up", "Down": "down",
             "Left": "left", "Right": "right", "Backspace": "backspace", "Home": "home", "End": "end",
             "PageUp": "pageup", "PageDown": "pagedown", "Delete": "delete"}
    if k in named:
        return named[k]
    if k.lower().startswith("ctrl+"):
        rest = k[5:]
        rest = {"→": "right", "←": "left"}.get(rest, rest.lower())
        return f"ctrl+{rest}"
    return {"Esc": "escape", "Enter": "enter"}.get(k, k.lower())


def _line_of(lines: list[str], pattern: str, start: int = 0) -> int:
    rx = re.compile(pattern)
    for i in range(start, len(lines)):
        if rx.search(lines[i]):
            return i + 1
    return start + 1 if start < len(lines) else max(len(lines), 1)


def _step_lines(lines: list[str]) -> list[int]:
    return [i + 1 for i, line in enumerate(lines) if line.strip() == "[[step]]"]


def parse_scenario(text: str, name: str) -> Scenario:
    """Parse and validate one scenario file; raise :class:`ScenarioInvalid` listing every problem."""
    problems: list[Problem] = []
    lines = text.splitlines()
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        line = getattr(err, "lineno", None) or _line_from_message(str(err))
        raise ScenarioInvalid([Problem(name, line, T.SYNTAX_ERROR.format(error=err))]) from None

    def need(key: str, kind: type, where: dict[str, Any], line: int) -> Any:
        value = where.get(key)
        if value is None:
            problems.append(Problem(name, line, T.MISSING_FIELD.format(field=key)))
            return None
        if not isinstance(value, kind):
            problems.append(Problem(name, line, T.WRONG_TYPE.format(field=key)))
            return None
        return value

    for key in raw:
        if key not in ("id", "title", "goal", "clock", "clerk", "step"):
            problems.append(Problem(name, _line_of(lines, rf"^\s*{re.escape(key)}\s*="), T.UNKNOWN_FIELD.format(field=key)))
    sid = need("id", str, raw, _line_of(lines, r"^\s*id\s*="))
    title = need("title", str, raw, _line_of(lines, r"^\s*title\s*="))
    goal = need("goal", str, raw, _line_of(lines, r"^\s*goal\s*="))
    clerk = need("clerk", str, raw, _line_of(lines, r"^\s*clerk\s*="))
    clock_text = need("clock", str, raw, _line_of(lines, r"^\s*clock\s*="))
    clock: datetime | None = None
    if clock_text is not None:
        try:
            clock = datetime.fromisoformat(clock_text)
        except ValueError:
            problems.append(Problem(name, _line_of(lines, r"^\s*clock\s*="), T.BAD_CLOCK.format(value=clock_text)))
    raw_steps = raw.get("step")
    if not isinstance(raw_steps, list) or not raw_steps:
        problems.append(Problem(name, max(len(lines), 1), T.NO_STEPS))
        raw_steps = []
    starts = _step_lines(lines)
    steps: list[Step] = []
    for i, s in enumerate(raw_steps):
        start = starts[i] if i < len(starts) else 1
        steps.append(_parse_step(s, i + 1, name, lines, start, problems))
    if problems:
        raise ScenarioInvalid(problems)
    assert sid is not None and title is not None and goal is not None and clerk is not None and clock is not None
    return Scenario(id=sid, title=title, goal=goal, clock=clock, clerk=clerk, steps=tuple(steps), source=name)


_STEP_KEYS = ("title", "do", "say", "avoid", "action", "args", "expect", "expect_fields", "screen", "keys",
              "input", "notice")


def _parse_step(s: Any, number: int, name: str, lines: list[str], start: int,
                problems: list[Problem]) -> Step:
    def at(key: str) -> int:
        return _line_of(lines, rf"^\s*(\[step\.)?{re.escape(key)}\]?\s*=?", start - 1) if key else start

    def bad(key: str, message: str) -> None:
        problems.append(Problem(name, at(key), T.IN_STEP.format(step=number, message=message)))

    if not isinstance(s, dict):
        problems.append(Problem(name, start, T.IN_STEP.format(step=number, message=T.NO_STEPS)))
        return Step(title="", do="")
    for key in s:
        if key not in _STEP_KEYS:
            bad(key, T.UNKNOWN_FIELD.format(field=key))
    for key in ("title", "do"):
        if not isinstance(s.get(key), str) or not s.get(key):
            bad("" if key not in s else key, T.MISSING_FIELD.format(field=key))
    action = s.get("action", "")
    args = s.get("args", {})
    if not isinstance(args, dict):
        bad("args", T.WRONG_TYPE.format(field="args"))
        args = {}
    if action:
        if action not in ACTIONS:
            bad("action", T.UNKNOWN_ACTION_NAMED.format(action=action, known="、".join(ACTIONS)))
        else:
            for required in ACTIONS[action]:
                if required not in args:
                    bad("args", T.ACTION_NEEDS_ARG.format(action=action, arg=required))
            if action in ("register", "register_and_accept") and "item" not in args and not args.get("unowned"):
                bad("args", T.ACTION_NEEDS_ARG.format(action=action, arg="item"))
            if action == "check" and args.get("outcome") not in (None, *OUTCOMES):
                bad("args", T.BAD_OUTCOME.format(value=args.get("outcome"), known="、".join(OUTCOMES)))
            if action == "rate" and args.get("level") not in (None, *RATING_LEVELS):
                bad("args", T.BAD_LEVEL.format(value=args.get("level"), known="、".join(RATING_LEVELS)))
            if action == "complaint" and args.get("channel") not in (None, *CHANNELS):
                bad("args", T.BAD_CHANNEL.format(value=args.get("channel"), known="、".join(CHANNELS)))
            if action == "issue_notice" and args.get("kind") not in (None, *NOTICE_KINDS):
                bad("args", T.BAD_NOTICE_KIND.format(value=args.get("kind"), known="、".join(NOTICE_KINDS)))
            if action == "decide_review" and args.get("decision") not in (None, *REVIEW_DECISIONS):
                bad("args", T.BAD_DECISION.format(value=args.get("decision"), known="、".join(REVIEW_DECISIONS)))
        if not s.get("expect") and action not in ("advance",):
            bad("action", T.ACTION_NEEDS_EXPECT)
    expect = s.get("expect", "")
    if expect and not re.fullmatch(r"[a-z_]+\.[a-z_.]+", str(expect)):
        bad("expect", T.BAD_EXPECT.format(value=expect))
    expect_fields = s.get("expect_fields", {})
    if not isinstance(expect_fields, dict):
        bad("expect_fields", T.WRONG_TYPE.format(field="expect_fields"))
        expect_fields = {}
    screen = s.get("screen", "")
    if screen and screen not in SCREENS:
        bad("screen", T.UNKNOWN_SCREEN.format(value=screen, known="、".join(SCREENS)))
    do = str(s.get("do", ""))
    keys = s.get("keys", [])
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        bad("keys", T.WRONG_TYPE.format(field="keys"))
        keys = []
    named = keys_in_text(do)
    if named and not screen:
        bad("do", T.KEYS_NEED_SCREEN.format(keys="、".join(named)))
    missing = [k for k in named if k not in keys]
    if missing:
        bad("keys", T.KEYS_NOT_LISTED.format(keys="、".join(missing)))
    avoid = s.get("avoid", [])
    if not isinstance(avoid, list):
        bad("avoid", T.WRONG_TYPE.format(field="avoid"))
        avoid = []
    inputs = _parse_inputs(s.get("input", []), lambda message: bad("input", message))
    if inputs and not screen:
        bad("input", T.INPUT_NEEDS_SCREEN)
    if inputs:
        pressed = {i.key.upper() for i in inputs if i.key}
        unpressed = [k for k in keys if isinstance(k, str) and k not in TRAINER_KEYS and k.upper() not in pressed]
        if unpressed:
            bad("input", T.KEYS_NOT_IN_INPUT.format(keys="、".join(unpressed)))
    notice = s.get("notice", "")
    if notice and notice not in NOTICES:
        bad("notice", T.UNKNOWN_NOTICE.format(value=notice, known="、".join(NOTICES)))
    return Step(title=str(s.get("title", "")), do=do, say=str(s.get("say", "")), avoid=tuple(map(str, avoid)),
                action=str(action), args=dict(args), expect=str(expect), expect_fields=dict(expect_fields),
                screen=str(screen), keys=tuple(keys), inputs=inputs, notice=str(notice))


def _parse_inputs(raw: Any, bad: Any) -> tuple[InputAction, ...]:
    """``input = [{ key = "F2" }, { type = "jycyz" }, { type = "李秀英", into = "a-name" }, ...]``."""
    if not isinstance(raw, list):
        bad(T.WRONG_TYPE.format(field="input"))
        return ()
    out: list[InputAction] = []
    for n, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict) or ("key" in entry) == ("type" in entry):
            bad(T.INPUT_ONE_OF.format(n=n))
            continue
        unknown = [k for k in entry if k not in ("key", "type", "into", "times")]
        if unknown:
            bad(T.INPUT_UNKNOWN.format(n=n, fields="、".join(map(str, unknown))))
        times = entry.get("times", 1)
        if not isinstance(times, int) or isinstance(times, bool) or not 1 <= times <= MAX_TIMES:
            bad(T.INPUT_BAD_TIMES.format(n=n, most=MAX_TIMES))
            times = 1
        into = entry.get("into", "")
        if not isinstance(into, str) or (into and not _FIELD_ID.fullmatch(into)):
            bad(T.INPUT_BAD_INTO.format(n=n, value=into))
            into = ""
        if "key" in entry:
            key = entry["key"]
            if not isinstance(key, str) or not _INPUT_KEY.fullmatch(key):
                bad(T.INPUT_BAD_KEY.format(n=n, value=key, known="、".join(NAMED_KEYS)))
                continue
            if key in TRAINER_KEYS or key.title() in TRAINER_KEYS:
                bad(T.INPUT_TRAINER_KEY.format(n=n, value=key))
                continue
            if into:
                bad(T.INPUT_INTO_NEEDS_TYPE.format(n=n))
            out.append(InputAction(key=key, times=times))
        else:
            text = entry["type"]
            if not isinstance(text, str) or not text:
                bad(T.INPUT_BAD_TEXT.format(n=n))
                continue
            out.append(InputAction(text=text, into=into, times=1))
    return tuple(out)


def _line_from_message(message: str) -> int:
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else 1


def parse_phrasebook(text: str) -> Phrasebook:
    raw = tomllib.loads(text)
    return Phrasebook(tuple(raw["courtesy"]), tuple(raw["prescribed"]), tuple(raw["forbidden"]))
