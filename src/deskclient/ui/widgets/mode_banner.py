"""A one-line banner that says the desk runs in demo or training mode (hidden on a real station)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from deskclient.strings import ui as T


class ModeBanner(Static):
    """Shows ``演示`` / ``培训模式`` so nobody mistakes sample data for the real ledger."""

    DEFAULT_CSS = """
    ModeBanner { height: 1; width: 1fr; display: none; text-align: center; text-style: bold; }
    ModeBanner.-demo { display: block; background: $warning; color: $text; }
    ModeBanner.-training { display: block; background: $error; color: $text; }
    """

    def __init__(self, mode: str, *, id: str | None = None) -> None:
        super().__init__(Text(T.MODE_BANNER.get(mode, "")), id=id, markup=False)
        self.mode = mode
        if mode in T.MODE_BANNER:
            self.add_class(f"-{mode}")
