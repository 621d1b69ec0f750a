"""Keys are handled in the order they were typed, even when they arrive faster than the screen reacts.

Why this exists: an ID-card reader (a keyboard wedge) or a fast clerk types ``11010519491231002X``,
Tab, ``13812345678`` in a few milliseconds. Textual forwards each key to the focused widget's message
queue and returns at once; a key the widget does not use (Tab, F9, Enter on a form) then *bubbles*
through the parents' queues back to the app, which only then runs its binding (``focus_next``). By that
time the app has already forwarded the following keys to the widget that was focused before the Tab,
so the phone number lands in the ID field (seen in tmux with ``send-keys``; reproduced headless in
``tests/ui/test_key_order.py`` with a bare Textual app).

The fix: the app forwards one key, waits until every widget on the path from the focused widget up to
the screen has processed it (a barrier message queued behind the key in each queue, in order), and if
the key reached the top unhandled runs the non-priority bindings for it there and then. Only then does
it take the next key. The key's later arrival at the app's own queue (the bubble) is ignored.

The wait is bounded: a handler that itself waits on the app's queue would otherwise never finish, so
after ``BARRIER_TIMEOUT_S`` the key is left to Textual's usual path (out of order, as before) and a
warning is logged. The barrier is not a sleep: it resolves the moment the queue reaches it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from textual import events
from textual._dispatch_key import dispatch_key
from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump

if TYPE_CHECKING:
    from textual.dom import DOMNode

log = logging.getLogger(__name__)

BARRIER_TIMEOUT_S = 2.0
_HANDLED = "_desk_keys_in_order_handled"
_REACHED_APP = "_desk_keys_in_order_reached_app"


async def _processed(node: MessagePump, timeout: float) -> bool:
    """Wait until ``node`` has processed every message queued before now. False if it is not running
    (then there is nothing to wait for) or the wait timed out."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()

    def mark() -> None:
        if not done.done():
            done.set_result(None)

    if not node.call_later(mark):
        return False
    try:
        await asyncio.wait_for(done, timeout)
    except TimeoutError:
        return False
    return True


def _path_to_screen(target: DOMNode, screen: DOMNode) -> list[DOMNode]:
    """The focused widget and its ancestors up to and including the screen, innermost first."""
    path: list[DOMNode] = []
    node: DOMNode | None = target
    while node is not None:
        path.append(node)
        if node is screen:
            break
        node = node.parent
    return path


class KeysInOrder(App[Any]):
    """Mix into the desk's App (before ``App``) to handle typed keys strictly in order."""

    async def on_event(self, event: events.Event) -> None:
        if not isinstance(event, events.Key) or event.is_forwarded or self.screen.maximized is not None:
            await super().on_event(event)
            return
        if not self.app_focus:
            self.app_focus = True
        if self.focused is not None:
            self.screen._clear_tooltip()
        if await self._check_bindings(event.key, priority=True):
            return
        screen = self.screen
        target = self.focused or screen
        target._forward_event(event)
        for node in _path_to_screen(target, screen):
            if not await _processed(node, BARRIER_TIMEOUT_S) and node.is_running:
                log.warning("a key was not processed within %.1fs; left to the usual path", BARRIER_TIMEOUT_S)
                return
        if not getattr(event, _REACHED_APP, False) or getattr(event, _HANDLED, False):
            return  # a widget on the way used it
        setattr(event, _HANDLED, True)  # its bubbled copy, waiting in our own queue, is ignored
        await self._handle_unused_key(event)

    def post_message(self, message: Message) -> bool:
        if isinstance(message, events.Key) and message.is_forwarded:
            setattr(message, _REACHED_APP, True)  # bubbled up to the app: no widget used it
        return super().post_message(message)

    async def _handle_unused_key(self, event: events.Key) -> None:
        """What ``App._on_key`` does for a key no widget used: the bindings from the focus up, then
        the app's own ``key_*`` methods."""
        if not await self._check_bindings(event.key):
            await dispatch_key(self, event)

    async def _on_key(self, event: events.Key) -> None:
        if getattr(event, _HANDLED, False):
            # Textual calls every class's ``_on_key`` along the MRO unless the default is prevented:
            # without this, ``App._on_key`` would run the binding a second time (Tab moving twice).
            event.prevent_default()
            return
        await super()._on_key(event)
