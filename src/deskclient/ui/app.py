"""The desk app and the one factory (``make_app``) shared by the CLI and the tests."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from deskclient.domain.clock import Clock
from deskclient.services.context import DeskContext
from deskclient.settings import Paths


class DeskApp(App[int]):
    TITLE = "便民服务中心 窗口桌面"

    def __init__(self, paths: Paths, *, clock: Clock | None = None, context: DeskContext | None = None) -> None:
        super().__init__()
        self.paths = paths
        self.clock = clock
        self.ctx = context

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="status")
        yield Footer()


def make_app(paths: Paths, *, clock: Clock | None = None, context: DeskContext | None = None) -> DeskApp:
    return DeskApp(paths, clock=clock, context=context)
