"""Find a catalog item as you type (name, pinyin, initials, code) and pick it with Enter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from deskclient.strings import ui as T
from deskclient.ui.widgets.fields import DeskInput

Search = Callable[[str], list[Any]]  # returns SearchHit-like objects (.item, .matched)


class ItemPicker(Vertical):
    """Posts :class:`ItemPicker.Selected` when the clerk picks an item; knows nothing of its screen."""

    DEFAULT_CSS = """
    ItemPicker { height: auto; }
    ItemPicker > OptionList { height: auto; max-height: 6; border: none; display: none; }
    ItemPicker.-open > OptionList { display: block; }
    """

    class Selected(Message):
        def __init__(self, picker: ItemPicker, item: Any) -> None:
            super().__init__()
            self.picker = picker
            self.item = item

    def __init__(self, search: Search, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._search = search
        self._hits: list[Any] = []

    def compose(self) -> ComposeResult:
        yield DeskInput(placeholder=T.ITEM_SEARCH_PLACEHOLDER, id="item-query")
        yield OptionList(id="item-hits")

    @property
    def query_input(self) -> DeskInput:
        return self.query_one("#item-query", DeskInput)

    def set_query(self, text: str) -> None:
        self.query_input.value = text

    @on(Input.Changed, "#item-query")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._run_search(event.value)

    @on(Input.Submitted, "#item-query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        hits = self.query_one(OptionList)
        if self._hits:
            index = hits.highlighted if hits.highlighted is not None else 0
            self._pick(index)

    def on_key(self, event: Any) -> None:
        hits = self.query_one(OptionList)
        if not self._hits or not self.query_input.has_focus:
            return
        if event.key == "down":
            hits.action_cursor_down()
            event.stop()
        elif event.key == "up":
            hits.action_cursor_up()
            event.stop()

    @on(OptionList.OptionSelected, "#item-hits")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._pick(event.option_index)

    def _pick(self, index: int) -> None:
        if 0 <= index < len(self._hits):
            item = self._hits[index].item
            self.remove_class("-open")
            self.post_message(self.Selected(self, item))

    @work(thread=True, exclusive=True, group="item-search")
    def _run_search(self, text: str) -> None:
        hits = self._search(text) if text.strip() else []
        self.app.call_from_thread(self._show, text, hits)

    def _show(self, text: str, hits: list[Any]) -> None:
        if text != self.query_input.value:
            return  # a newer keystroke is on its way
        self._hits = hits
        options = self.query_one(OptionList)
        options.clear_options()
        for h in hits:
            it = h.item
            line = Text.assemble((it.code, "dim"), " ", it.name, ("  " + T.WINDOW_NO.format(n=it.window), "dim"),
                                 ("  " + h.matched, "dim italic"), no_wrap=True, overflow="ellipsis")
            options.add_option(Option(line))
        if not hits and text.strip():
            options.add_option(Option(Text(T.ITEM_NO_HITS), disabled=True))
        if hits:
            options.highlighted = 0
        self.set_class(bool(text.strip()), "-open")
