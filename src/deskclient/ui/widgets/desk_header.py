"""A one-line header: station · screen title · window and clerk. Plain text, no clock (deterministic)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class DeskHeader(Static):
    DEFAULT_CSS = """
    DeskHeader { height: 1; width: 1fr; background: $panel; color: $foreground; text-style: bold; padding: 0 1; }
    """

    def on_mount(self) -> None:
        self.watch(self.screen, "title", self._refresh_text, init=False)
        self.watch(self.screen, "sub_title", self._refresh_text, init=False)
        self.watch(self.app, "title", self._refresh_text, init=False)
        self._refresh_text()

    def _refresh_text(self, *_: object) -> None:
        app_title = self.app.title
        screen_title = self.screen.title or ""
        sub = self.screen.sub_title or ""
        text = Text(app_title, style="bold")
        if screen_title and screen_title != app_title:
            text.append("  ·  " + screen_title)
        if sub:
            text.append("  ·  " + sub, style="not bold")
        self.update(text)
