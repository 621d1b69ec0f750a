"""The registry of screens and actions: it feeds the command palette and the app's global keys.

Other features add entries from their own module (``deskclient/ui/screens/<feature>.py``) at import
time, without touching ``app.py``::

    from deskclient.ui.navigation import register_screen
    register_screen("handover", "交接班", lambda app: HandoverScreen(), key="f7", help="AB岗工作移交")

The app imports every module under ``deskclient.ui.screens`` at start-up (:func:`load_screen_modules`),
so registering is all a feature has to do.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from deskclient.strings import ui as T

if TYPE_CHECKING:
    from textual.screen import Screen

log = logging.getLogger(__name__)

SCREEN = "screen"
ACTION = "action"


@dataclass(frozen=True)
class NavEntry:
    """One thing the clerk can reach: a screen (``factory``) or an action (``callback``: an action string
    run on the app, e.g. ``"app.sign_out"`` or ``"screen.new_intake"``)."""

    id: str
    title: str
    kind: str
    key: str | None = None
    callback: str = ""
    factory: Callable[[Any], Screen[Any]] | None = None
    help: str = ""
    needs_clerk: bool = True  # only offered once a clerk has signed in
    training_only: bool = False  # the trainer's keys: offered in training mode only

    @property
    def action(self) -> str:
        """The action string the palette and the global key run."""
        return self.callback if self.kind == ACTION else f"app.nav({self.id!r})"


_REGISTRY: dict[str, NavEntry] = {}


def register(entry: NavEntry) -> NavEntry:
    """Add or replace an entry (ids are unique; a later registration wins, which eases reloads)."""
    _REGISTRY[entry.id] = entry
    return entry


def register_screen(id: str, title: str, factory: Callable[[Any], Screen[Any]], *, key: str | None = None,
                    help: str = "", needs_clerk: bool = True) -> NavEntry:
    return register(NavEntry(id, title, SCREEN, key, "", factory, help, needs_clerk))


def register_action(id: str, title: str, callback: str, *, key: str | None = None, help: str = "",
                    needs_clerk: bool = True, training_only: bool = False) -> NavEntry:
    return register(NavEntry(id, title, ACTION, key, callback, None, help, needs_clerk, training_only))


def entries() -> list[NavEntry]:
    return sorted(_REGISTRY.values(), key=lambda e: (_key_order(e), e.id))


def get(entry_id: str) -> NavEntry | None:
    return _REGISTRY.get(entry_id)


def keyed_entries(training: bool = False) -> Iterator[NavEntry]:
    """Entries with a global key, in a fixed order (F1…F12, then the rest by key), whatever order the
    feature modules happened to be imported in: the footer reads the same on every start."""
    chosen = [e for e in _REGISTRY.values() if e.key and (training or not e.training_only)]
    return iter(sorted(chosen, key=_key_order))


def _key_order(e: NavEntry) -> tuple[int, str]:
    key = e.key or ""
    if key.startswith("f") and key[1:].isdigit():
        return (int(key[1:]), key)
    return (100, key)


def load_screen_modules() -> None:
    """Import every module under ``deskclient.ui.screens`` so each can register its entries."""
    import deskclient.ui.screens as pkg

    for mod in pkgutil.iter_modules(pkg.__path__):
        name = f"{pkg.__name__}.{mod.name}"
        try:
            importlib.import_module(name)
        except Exception:  # a broken feature must not take the desk down
            log.exception("screen module %s failed to load", name)


class DeskCommands(Provider):
    """Command palette: every registered screen and action, matched on its Chinese title and help."""

    def _available(self) -> list[NavEntry]:
        signed_in = getattr(self.app, "clerk", None) is not None
        training = getattr(getattr(self.app, "paths", None), "mode", "") == "training"
        return [e for e in entries() if (signed_in or not e.needs_clerk) and (training or not e.training_only)]

    def _label(self, e: NavEntry) -> str:
        kind = T.PALETTE_SCREEN if e.kind == SCREEN else T.PALETTE_ACTION
        key = f"  [{e.key.upper()}]" if e.key else ""
        return f"{kind}:{e.title}{key}"

    async def discover(self) -> Hits:
        for e in self._available():
            yield DiscoveryHit(Content(self._label(e)), self._runner(e), text=self._label(e), help=e.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        found = False
        for e in self._available():
            label = self._label(e)
            score = max(matcher.match(label), matcher.match(e.help) * 0.8 if e.help else 0.0, matcher.match(e.id))
            if score > 0:
                found = True
                yield Hit(score, matcher.highlight(label), self._runner(e), text=label, help=e.help)
        if not found and query.strip():  # said in Chinese, with what to try (never Textual's English line)
            yield Hit(0.01, Content(T.PALETTE_NO_MATCH.format(query=query.strip())), self._nothing,
                      text=T.PALETTE_NO_MATCH.format(query=query.strip()), help=T.PALETTE_NO_MATCH_HELP)

    async def _nothing(self) -> None:
        """The no-match line does nothing when chosen."""

    def _runner(self, e: NavEntry) -> Callable[[], Any]:
        async def run() -> None:
            await self.app.run_action(e.action)

        return run
