"""The registry of screens and actions: it feeds the command palette and the app's global keys.

The registry holds names and key metadata, not classes (paint first, docs/performance.md): the
:data:`MANIFEST` below lists every desk screen with its title, key and ``"module:Class"``, and a
screen module is imported the first time its screen is shown (:meth:`NavEntry.factory`). Sign-in
therefore never imports the home screen, the intake screen or the services they pull in.

A new feature adds one line to :data:`MANIFEST`. A module may still register extra entries at
import time (the trainer's keys do, from ``deskclient/ui/screens/training.py``, imported by the
training-mode app)::

    from deskclient.ui.navigation import register_action
    register_action("training.pick", "选择场景", "app.training('pick')", key="ctrl+o", training_only=True)
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

from deskclient.strings import admin as TA
from deskclient.strings import desk as TD
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
    make: Callable[[Any], Screen[Any]] | None = None  # an explicit factory (registered at import time)
    help: str = ""
    needs_clerk: bool = True  # only offered once a clerk has signed in
    training_only: bool = False  # the trainer's keys: offered in training mode only
    screen: str = ""  # "module:Class" of a screen, imported when first shown

    @property
    def factory(self) -> Callable[[Any], Screen[Any]] | None:
        """What builds the screen: the registered factory, or the manifest's class imported now."""
        if self.make is not None:
            return self.make
        if not self.screen:
            return None
        module, _, cls = self.screen.partition(":")
        screen_class = getattr(importlib.import_module(module), cls)
        return lambda _app: screen_class()

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


def lazy_screen(id: str, title: str, screen: str, *, key: str | None = None, help: str = "",
                needs_clerk: bool = True) -> NavEntry:
    """A screen entry whose module (``"deskclient.ui.screens.home:HomeScreen"``) loads when first shown."""
    return register(NavEntry(id, title, SCREEN, key, help=help, needs_clerk=needs_clerk, screen=screen))


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


_S = "deskclient.ui.screens."

MANIFEST: tuple[NavEntry, ...] = (
    lazy_screen("home", T.NAV_HOME, _S + "home:HomeScreen", key="f1", help=T.NAV_HOME_HELP),
    lazy_screen("intake", T.NAV_INTAKE, _S + "intake:IntakeScreen", key="f2", help=T.NAV_INTAKE_HELP),
    lazy_screen("day", TD.NAV_DAY, _S + "day:DayScreen", key="f6", help=TD.NAV_DAY_HELP),
    lazy_screen("handover", TD.NAV_HANDOVER, _S + "handover:HandoverScreen", key="f7", help=TD.NAV_HANDOVER_HELP),
    lazy_screen("head", TD.NAV_HEAD, _S + "head:HeadScreen", key="f8", help=TD.NAV_HEAD_HELP),
    lazy_screen("report", TD.NAV_REPORT, _S + "report:ReportScreen", key="f12", help=TD.NAV_REPORT_HELP),
    lazy_screen("admin", TA.NAV_ADMIN, _S + "admin:AdminScreen", help=TA.NAV_ADMIN_HELP),
    register_action("refresh", T.NAV_REFRESH, "app.refresh_queue", help=T.NAV_REFRESH_HELP),
    register_action("find_case", T.NAV_FIND_CASE, "app.find_case", help=T.NAV_FIND_CASE_HELP),
    register_action("sign_out", T.NAV_SIGN_OUT, "app.sign_out", key="f10", help=T.NAV_SIGN_OUT_HELP),
    register_action("quit", T.NAV_QUIT, "app.quit", help=T.NAV_QUIT_HELP, needs_clerk=False),
)


def load_training_keys() -> None:
    """The trainer's keys, registered by the training screens' module (training mode only)."""
    importlib.import_module(_S + "training")


def load_screen_modules() -> None:
    """Import every module under ``deskclient.ui.screens`` (tools and tests; the desk imports a screen
    when it is first shown)."""
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
