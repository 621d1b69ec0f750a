"""Which clerk is at the window, and their PIN (five wrong PINs lock the clerk for some minutes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from deskclient.services.sign_in import ClerkEntry
from deskclient.strings import ui as T
from deskclient.ui.screens.base import DeskScreen
from deskclient.ui.widgets.fields import DeskInput

if TYPE_CHECKING:  # painted before the ORM is loaded (paint first): no services.records here
    from deskclient.services.records import Draft


def clerk_label(c: ClerkEntry) -> str:
    if c.role == "head":
        return T.HEAD_OPTION.format(name=c.name, login=c.login)
    return T.CLERK_OPTION.format(window=c.window, post=c.post or "", name=c.name, login=c.login)


class SignInScreen(DeskScreen):
    """Painted from the sqlite3 clerk list (``app.clerks``) while the desk's context may still be loading;
    the PIN check waits for the context in its worker."""

    CSS_PATH = "sign_in.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("f9", "sign_in", T.KEY_SIGN_IN, id="sign_in.go")]

    def compose_body(self) -> ComposeResult:
        with Center(), Vertical(id="sign-in"):
            yield Static(T.SIGN_IN_WHO, classes="title", markup=False)
            yield OptionList(id="clerks")
            with Vertical(id="pin-row"):
                yield DeskInput(placeholder=T.SIGN_IN_PIN_PLACEHOLDER, password=True, id="pin", max_length=8)
            yield Static("", id="sign-in-message", classes="error", markup=False)
            if self.desk.paths.mode != "station":
                yield Static(T.SIGN_IN_DEMO, classes="hint", markup=False)

    def on_mount(self) -> None:
        self.title = T.SIGN_IN_TITLE
        options = self.query_one("#clerks", OptionList)
        for c in sorted(self.desk.clerks, key=lambda c: (c.role == "head", c.window or "", c.post or "")):
            options.add_option(Option(Text(clerk_label(c)), id=c.login))
        if self.desk.clerks:
            options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected, "#clerks")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#pin", DeskInput).focus()

    @on(Input.Submitted, "#pin")
    def _pin_entered(self) -> None:
        self.action_sign_in()

    def selected_login(self) -> str | None:
        options = self.query_one("#clerks", OptionList)
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    def action_sign_in(self) -> None:
        msg = self.query_one("#sign-in-message", Static)
        login = self.selected_login()
        if login is None:
            msg.update(T.SIGN_IN_PICK)
            return
        pin_input = self.query_one("#pin", DeskInput)
        pin = pin_input.value
        desk = self.desk

        def verify() -> tuple[ClerkEntry, Draft | None, list[str]]:
            ctx = desk.wait_for_context()
            clerk = ctx.people.verify_pin(login, pin)
            import deskclient.ui.screens.home  # noqa: F401  (home and its services imported here, off the UI thread)

            # art. 32 deemed acceptance runs at sign-in (and on the app's timer), before home shows
            return clerk, ctx.intake.latest_draft(clerk.id), ctx.run_due_clocks()

        def failed(message: str) -> None:
            pin_input.value = ""
            msg.update(Text(message))
            pin_input.focus()

        msg.update(T.SIGN_IN_CHECKING)
        self.run_db(verify, self._ok, failed=failed, group="sign-in")

    def _ok(self, result: tuple[ClerkEntry, Draft | None, list[str]]) -> None:
        clerk, draft, moved = result
        self.desk.pending_draft = draft
        self.desk.offer_resume = True
        self.desk.signed_in(clerk)
        self.desk.notify_deemed(moved)
