"""The key bar at the bottom of every desk screen: every key the screen has, whole, on as many rows as
the width needs (at most three).

Textual's Footer keeps to one row and scrolls sideways, so on an 80×24 terminal the keys at the end
(F6 开班, F10 签退, F12 报表 on the home screen) were simply not there, and its palette key said
"palette" in English. This bar packs ``key label`` chunks greedily into rows, never splitting one,
and a click on a chunk presses its key (the mouse still works).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widget import Widget

MAX_ROWS = 3
GAP = 2  # cells between two chunks


@dataclass(frozen=True)
class KeyChunk:
    key: str  # the key to press (Textual's name, e.g. "f2")
    display: str  # what the bar shows for it, e.g. "F2"
    label: str

    @property
    def width(self) -> int:
        return cell_len(self.display) + 1 + cell_len(self.label)


def pack(chunks: list[KeyChunk], width: int) -> list[list[KeyChunk]]:
    """Rows of whole chunks, each row at most ``width`` cells (a chunk wider than a row gets its own)."""
    rows: list[list[KeyChunk]] = []
    used = 0
    for c in chunks:
        need = c.width if not rows or not rows[-1] else GAP + c.width
        if rows and rows[-1] and used + need <= width:
            rows[-1].append(c)
            used += need
        else:
            rows.append([c])
            used = c.width
    return rows


class KeyBar(Widget):
    """Shown keys of the active bindings (those a screen's ``check_action`` hides are left out)."""

    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: auto; max-height: 3; width: 1fr; padding: 0 1;
             background: $footer-background; color: $footer-foreground; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.chunks: list[KeyChunk] = []
        self._spans: list[list[tuple[int, int, str]]] = []  # per row: (start, end, key)

    def on_mount(self) -> None:
        self._screen = self.screen
        self._screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._collect()

    def on_unmount(self) -> None:
        screen = getattr(self, "_screen", None)
        if screen is not None:
            screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Any) -> None:
        if self.is_attached:
            self.call_after_refresh(self._collect_if_attached)

    def _collect_if_attached(self) -> None:
        if self.is_attached:
            self._collect()

    def _collect(self) -> None:
        seen: set[str] = set()
        chunks: list[KeyChunk] = []
        palette: KeyChunk | None = None
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or not enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            chunk = KeyChunk(binding.key, self.app.get_key_display(binding), binding.description)
            if binding.action in ("command_palette", "app.command_palette"):
                palette = chunk
            else:
                chunks.append(chunk)
        if palette is None:
            palette = self._palette_chunk()
        if palette is not None:
            chunks.append(palette)
        if chunks != self.chunks:
            self.chunks = chunks
            self.refresh(layout=True)

    def _palette_chunk(self) -> KeyChunk | None:
        binding = next((b for _k, b in self.app._bindings
                        if b.action == "command_palette"), None)
        if not isinstance(binding, Binding) or not self.app.ENABLE_COMMAND_PALETTE:
            return None
        return KeyChunk(binding.key, self.app.get_key_display(binding), binding.description)

    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        return max(1, min(MAX_ROWS, len(pack(self.chunks, max(1, width)))))

    def render(self) -> Text:
        width = max(1, self.content_size.width or self.size.width)
        out = Text(no_wrap=True, overflow="crop")
        self._spans = []
        for i, row in enumerate(pack(self.chunks, width)[:MAX_ROWS]):
            if i:
                out.append("\n")
            x = 0
            spans = []
            for j, c in enumerate(row):
                if j:
                    out.append(" " * GAP)
                    x += GAP
                out.append(c.display, style="bold reverse")
                out.append(" " + c.label)
                spans.append((x, x + c.width, c.key))
                x += c.width
            self._spans.append(spans)
        return out

    def text(self) -> str:
        """The bar as plain text (for the tests that check every label is shown whole)."""
        return self.render().plain

    def on_click(self, event: events.Click) -> None:
        row = event.y
        if 0 <= row < len(self._spans):
            x = event.x - 1  # the left padding
            for start, end, key in self._spans[row]:
                if start <= x < end:
                    event.stop()
                    self.app.simulate_key(key)
                    return
