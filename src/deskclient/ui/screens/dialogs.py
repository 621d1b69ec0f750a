"""Small dialogs: confirm, reasons, transfer, completion, rating, complaint and the centre head's PIN.

Each returns its answer through ``dismiss`` (None when cancelled) and touches no ledger itself: the
screen that opened it does the write in a worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from deskclient.strings import clocks_ui as TC
from deskclient.strings import ui as T
from deskclient.ui.screens.base import DeskModal
from deskclient.ui.widgets.fields import DeskInput, ValidatedField

_BINDINGS: list[BindingType] = [
    Binding("escape", "cancel", T.KEY_CANCEL, id="dialog.cancel"),
    Binding("f9", "ok", T.KEY_OK, id="dialog.ok"),
]


class Dialog(DeskModal):
    """A centred box with a title, a body, an error line and OK/cancel buttons."""

    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > #dialog { width: 74; max-width: 100%; height: auto; max-height: 100%; border: thick $primary;
                       background: $panel; padding: 0 1; }
    Dialog #dialog-buttons { height: 1; margin-top: 1; align-horizontal: right; }
    Dialog OptionList { height: auto; max-height: 8; border: none; }
    Dialog TextArea { height: 4; }
    Dialog #pin-line > Static { width: auto; }
    Dialog #pin-line > DeskInput { width: 1fr; min-width: 10; }
    """
    BINDINGS = _BINDINGS
    TITLE_TEXT = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield from self.compose_dialog()
            yield Static("", id="dialog-error", classes="error", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield Button(f"{T.KEY_OK} F9", id="ok", variant="primary")
                yield Button(f"{T.KEY_CANCEL} Esc", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = self.TITLE_TEXT

    def compose_dialog(self) -> ComposeResult:
        yield from ()

    def error(self, message: str) -> None:
        self.query_one("#dialog-error", Static).update(Text(message))

    @on(Button.Pressed, "#ok")
    def _ok_pressed(self) -> None:
        self.action_ok()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_ok(self) -> None:
        self.dismiss(True)


class ConfirmDialog(Dialog):
    BINDINGS: ClassVar[list[BindingType]] = [*_BINDINGS, Binding("y", "ok", T.KEY_OK, show=False, id="dialog.yes"),
                Binding("n", "cancel", T.KEY_CANCEL, show=False, id="dialog.no")]

    def __init__(self, question: str, detail: str = "", *, yes: str = T.KEY_OK, no: str = T.KEY_CANCEL) -> None:
        super().__init__()
        self.question, self.detail, self.yes, self.no = question, detail, yes, no

    def compose_dialog(self) -> ComposeResult:
        yield Static(Text(self.question, style="bold"), id="question")
        if self.detail:
            yield Static(Text(self.detail), classes="hint")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#ok", Button).label = f"{self.yes} F9"
        self.query_one("#cancel", Button).label = f"{self.no} Esc"
        self.query_one("#ok", Button).focus()


class ReasonsDialog(Dialog):
    """Reasons typed or picked from the common ones (不予受理). Returns ``list[str]``."""

    def __init__(self, title: str, common: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.TITLE_TEXT = title
        self.common = common

    def compose_dialog(self) -> ComposeResult:
        if self.common:
            yield Static(T.REJECT_PICK, classes="hint", markup=False)
            yield OptionList(*[Option(Text(r)) for r in self.common], id="common")
        yield TextArea(id="reasons")

    @on(OptionList.OptionSelected, "#common")
    def _pick(self, event: OptionList.OptionSelected) -> None:
        area = self.query_one("#reasons", TextArea)
        text = self.common[event.option_index]
        lines = [x for x in area.text.splitlines() if x.strip()]
        if text not in lines:
            lines.append(text)
        area.text = "\n".join(lines)

    def action_ok(self) -> None:
        reasons = [x.strip() for x in self.query_one("#reasons", TextArea).text.splitlines() if x.strip()]
        if not reasons:
            from deskclient.strings import intake as TI

            self.error(TI.REASON_REQUIRED)
            return
        self.dismiss(reasons)


@dataclass(frozen=True)
class TransferAnswer:
    window: str
    reason: str


class TransferDialog(Dialog):
    """首问负责: to which window, and why. Returns :class:`TransferAnswer`."""

    TITLE_TEXT = T.TRANSFER_TITLE

    def __init__(self, windows: list[tuple[str, str]], *, suggested: str | None = None, reason: str = "") -> None:
        super().__init__()
        self.windows = windows
        self.suggested = suggested
        self.reason = reason

    def compose_dialog(self) -> ComposeResult:
        yield Static(T.TRANSFER_TO, classes="hint", markup=False)
        yield OptionList(*[Option(Text(T.WINDOW_OPTION.format(n=n, name=name)), id=n) for n, name in self.windows], id="windows")
        yield ValidatedField(T.TRANSFER_REASON, None, value=self.reason,
                             placeholder=T.TRANSFER_REASON_PLACEHOLDER, id="reason")

    def on_mount(self) -> None:
        super().on_mount()
        options = self.query_one("#windows", OptionList)
        numbers = [n for n, _ in self.windows]
        if self.suggested in numbers:
            options.highlighted = numbers.index(self.suggested)
        elif numbers:
            options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected, "#windows")
    def _picked(self) -> None:
        self.query_one("#reason", ValidatedField).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_ok()

    def action_ok(self) -> None:
        options = self.query_one("#windows", OptionList)
        reason = self.query_one("#reason", ValidatedField).value.strip()
        if options.highlighted is None:
            return
        if not reason:
            from deskclient.strings import intake as TI

            self.error(TI.REASON_REQUIRED)
            self.query_one("#reason", ValidatedField).focus()
            return
        self.dismiss(TransferAnswer(self.windows[options.highlighted][0], reason))


class ChoiceDialog(Dialog):
    """Pick one of several labelled choices, with an optional free-text note. Returns ``(key, note)``."""

    def __init__(self, title: str, choices: list[tuple[str, str]], *, note_label: str = "") -> None:
        super().__init__()
        self.TITLE_TEXT = title
        self.choices = choices
        self.note_label = note_label

    def compose_dialog(self) -> ComposeResult:
        yield OptionList(*[Option(Text(f"{i}. {label}"), id=key) for i, (key, label) in
                           enumerate(self.choices, start=1)], id="choices")
        if self.note_label:
            yield ValidatedField(self.note_label, None, id="note")

    def on_mount(self) -> None:
        super().on_mount()
        options = self.query_one("#choices", OptionList)
        options.highlighted = 0
        options.focus()

    def on_key(self, event: object) -> None:
        key = getattr(event, "key", "")
        if key.isdigit() and 1 <= int(key) <= len(self.choices):
            self.query_one("#choices", OptionList).highlighted = int(key) - 1
            getattr(event, "stop", lambda: None)()

    @on(OptionList.OptionSelected, "#choices")
    def _picked(self) -> None:
        if self.note_label:
            self.query_one("#note", ValidatedField).focus()
        else:
            self.action_ok()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_ok()

    def action_ok(self) -> None:
        options = self.query_one("#choices", OptionList)
        if options.highlighted is None:
            return
        note = self.query_one("#note", ValidatedField).value.strip() if self.note_label else ""
        self.dismiss((self.choices[options.highlighted][0], note))


@dataclass(frozen=True)
class ComplaintAnswer:
    channel: str
    content: str
    complainant: str
    multi_unit: bool


class ComplaintDialog(Dialog):
    TITLE_TEXT = T.COMPLAINT_TITLE

    def compose_dialog(self) -> ComposeResult:
        yield Static(T.COMPLAINT_CHANNEL, classes="hint", markup=False)
        yield OptionList(*[Option(Text(label), id=key) for key, label in T.COMPLAINT_CHANNELS.items()],
                         id="channel")
        yield Static(T.COMPLAINT_CONTENT, classes="hint", markup=False)
        yield TextArea(id="content")
        yield ValidatedField(T.COMPLAINT_NAME, None, id="complainant")
        yield Checkbox(T.COMPLAINT_MULTI, id="multi")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#channel", OptionList).highlighted = 0
        self.query_one("#channel", OptionList).focus()

    def action_ok(self) -> None:
        content = self.query_one("#content", TextArea).text.strip()
        if not content:
            from deskclient.strings import intake as TI

            self.error(TI.REQUIRED)
            return
        idx = self.query_one("#channel", OptionList).highlighted or 0
        self.dismiss(ComplaintAnswer(list(T.COMPLAINT_CHANNELS)[idx], content,
                                     self.query_one("#complainant", ValidatedField).value.strip(),
                                     self.query_one("#multi", Checkbox).value))


@dataclass(frozen=True)
class PinAnswer:
    login: str
    pin: str
    reason: str


class PinDialog(Dialog):
    """A centre head approves with their PIN (the caller verifies it in a worker). Returns :class:`PinAnswer`."""

    def __init__(self, title: str, heads: list[tuple[str, str]], *, reason_label: str = "") -> None:
        super().__init__()
        self.TITLE_TEXT = title
        self.heads = heads
        self.reason_label = reason_label

    def compose_dialog(self) -> ComposeResult:
        yield Static(T.PIN_HEAD, classes="hint", markup=False)
        yield OptionList(*[Option(Text(f"{name} ({login})"), id=login) for login, name in self.heads], id="heads")
        if self.reason_label:
            yield ValidatedField(self.reason_label, None, id="reason")
        with Horizontal(id="pin-line", classes="row"):
            yield Static(T.SIGN_IN_PIN, markup=False)
            yield DeskInput(password=True, max_length=8, id="pin")

    def on_mount(self) -> None:
        super().on_mount()
        heads = self.query_one("#heads", OptionList)
        if self.heads:
            heads.highlighted = 0
        (self.query_one("#reason", ValidatedField) if self.reason_label else self.query_one("#pin")).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "pin":
            self.action_ok()
        else:
            self.query_one("#pin").focus()

    def action_ok(self) -> None:
        heads = self.query_one("#heads", OptionList)
        if heads.highlighted is None:
            self.error(T.URGENT_NEEDS_HEAD)
            return
        reason = self.query_one("#reason", ValidatedField).value.strip() if self.reason_label else ""
        self.dismiss(PinAnswer(self.heads[heads.highlighted][0], self.query_one("#pin", DeskInput).value, reason))


@dataclass(frozen=True)
class ExtensionAnswer:
    login: str
    pin: str
    reason: str
    days: int


class ExtensionDialog(PinDialog):
    """延期: working days and the reason told to the applicant, approved by a head's PIN.
    Returns :class:`ExtensionAnswer` (the caller verifies the PIN and extends in a worker)."""

    MAX_DAYS = 60  # services.case_clock.MAX_EXTENSION_DAYS checks it again

    def __init__(self, heads: list[tuple[str, str]], *, days: int = 5) -> None:
        super().__init__(TC.EXTEND_TITLE, heads, reason_label=TC.EXTEND_REASON)
        self.days = days

    def compose_dialog(self) -> ComposeResult:
        yield Static(TC.EXTEND_HINT, classes="hint", markup=False)
        yield ValidatedField(TC.EXTEND_DAYS, None, value=str(self.days), id="days")
        yield from super().compose_dialog()

    def on_mount(self) -> None:
        # Textual also runs PinDialog's on_mount (it focuses the reason): focus the days after it
        self.call_after_refresh(self.query_one("#days", ValidatedField).focus)

    @on(Input.Submitted)
    def _submitted_ext(self, event: Input.Submitted) -> None:
        event.prevent_default()  # PinDialog's handler would jump from the days straight to the PIN
        event.stop()
        if event.input.id == "pin":
            self.action_ok()
        elif self.query_one("#days", ValidatedField).has_focus_within:
            self.query_one("#reason", ValidatedField).focus()
        else:
            self.query_one("#pin").focus()

    def action_ok(self) -> None:
        text = self.query_one("#days", ValidatedField).value.strip()
        if not text.isdigit() or not 1 <= int(text) <= self.MAX_DAYS:
            self.error(TC.EXTEND_DAYS_BAD.format(limit=self.MAX_DAYS))
            self.query_one("#days", ValidatedField).focus()
            return
        reason = self.query_one("#reason", ValidatedField).value.strip()
        if not reason:
            from deskclient.strings import intake as TI

            self.error(TI.REASON_REQUIRED)
            self.query_one("#reason", ValidatedField).focus()
            return
        heads = self.query_one("#heads", OptionList)
        if heads.highlighted is None:
            self.error(TC.EXTEND_NEEDS_HEAD)
            return
        self.dismiss(ExtensionAnswer(self.heads[heads.highlighted][0], self.query_one("#pin", DeskInput).value,
                                     reason, int(text)))


@dataclass(frozen=True)
class CompletionAnswer:
    result: str  # domain.cases.CompletionResult value
    delivery: str  # domain.cases.Delivery value
    reasons: tuple[str, ...]
    address: str
    note: str


class CompletionDialog(Dialog):
    """办结: the result (准予办理 / 不予批准 with reasons) and its delivery (窗口领取 / 邮寄送达 with the
    address). Returns :class:`CompletionAnswer`; the service checks it again (domain.cases.check_completion)."""

    TITLE_TEXT = T.COMPLETE_TITLE
    DEFAULT_CSS = """
    CompletionDialog #completion-choices { height: auto; }
    CompletionDialog #completion-choices > Vertical { width: 1fr; height: auto; }
    CompletionDialog #result-reasons { height: 3; }
    """

    def compose_dialog(self) -> ComposeResult:
        from deskclient.domain.cases import CompletionResult, Delivery

        with Horizontal(id="completion-choices"):
            with Vertical():
                yield Static(T.COMPLETE_RESULT, classes="hint", markup=False)
                yield OptionList(*[Option(Text(r.label), id=str(r)) for r in CompletionResult], id="result")
            with Vertical():
                yield Static(T.COMPLETE_DELIVERY, classes="hint", markup=False)
                yield OptionList(*[Option(Text(d.label), id=str(d)) for d in Delivery], id="delivery")
        yield Static(T.COMPLETE_REASONS, classes="hint", markup=False)
        yield TextArea(id="result-reasons")
        yield ValidatedField(T.COMPLETE_ADDRESS, None, id="address", max_length=120)
        yield ValidatedField(T.COMPLETE_NOTE, None, id="note", max_length=200)

    def on_mount(self) -> None:
        super().on_mount()
        for name in ("#result", "#delivery"):
            self.query_one(name, OptionList).highlighted = 0
        self.query_one("#result", OptionList).focus()

    @on(OptionList.OptionSelected, "#result")
    def _result_picked(self) -> None:
        self.query_one("#delivery", OptionList).focus()

    @on(OptionList.OptionSelected, "#delivery")
    def _delivery_picked(self) -> None:
        if self._choice("#result") == "refused":
            self.query_one("#result-reasons", TextArea).focus()
        elif self._choice("#delivery") == "post":
            self.query_one("#address", ValidatedField).focus()
        else:
            self.query_one("#note", ValidatedField).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_ok()

    def _choice(self, name: str) -> str:
        options = self.query_one(name, OptionList)
        option = options.get_option_at_index(options.highlighted or 0)
        return str(option.id)

    def action_ok(self) -> None:
        from deskclient.domain.cases import Completion, CompletionResult, Delivery, check_completion
        from deskclient.domain.errors import DeskError

        reasons = tuple(x.strip() for x in self.query_one("#result-reasons", TextArea).text.splitlines()
                        if x.strip())
        address = self.query_one("#address", ValidatedField).value.strip()
        try:
            done = check_completion(Completion(CompletionResult(self._choice("#result")),
                                               Delivery(self._choice("#delivery")), reasons, address))
        except DeskError as err:
            self.error(err.message)
            return
        self.dismiss(CompletionAnswer(str(done.result), str(done.delivery), done.reasons, done.address,
                                      self.query_one("#note", ValidatedField).value.strip()))
