"""The first frame (painted before the ledger is touched) and the screen for a ledger that cannot open."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import LoadingIndicator, Static

from deskclient.strings import ui as T
from deskclient.ui.widgets.desk_header import DeskHeader
from deskclient.ui.widgets.key_bar import KeyBar
from deskclient.ui.widgets.mode_banner import ModeBanner


class LoadingScreen(Screen[None]):
    DEFAULT_CSS = "LoadingScreen LoadingIndicator { height: 3; } LoadingScreen #loading-text { width: auto; }"

    def __init__(self, *, demo: bool = False) -> None:
        super().__init__()
        self.demo = demo

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield ModeBanner(self.app.paths.mode)  # type: ignore[attr-defined]
        with Middle(), Center():
            yield Static(T.LOADING_DEMO if self.demo else T.LOADING, id="loading-text", markup=False)
        yield LoadingIndicator()


class OpenErrorScreen(Screen[None]):
    """A DeskError while opening, in Chinese (file and line for a settings file); Q quits."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "app.quit", T.KEY_QUIT, id="error.quit")]
    DEFAULT_CSS = """
    OpenErrorScreen #error-box { width: 76; height: auto; border: heavy $error; padding: 1 2; }
    """

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        with Middle(), Center():
            yield Static(id="error-box")
        yield KeyBar()

    def on_mount(self) -> None:
        box = self.query_one("#error-box", Static)
        box.border_title = T.OPEN_FAILED_TITLE
        box.update(Text.assemble((self.message, "bold"), "\n\n", (T.OPEN_FAILED_HINT, "dim")))
