"""The sync screen shown on exit: a progress bar of records sent, which never traps the clerk.

If the office cannot be reached within the station's time limit (``[central] exit_sync_timeout_s``),
the screen says so (离线:N 条记录已安全保存在本机,下次联网时发送) and the app exits. Esc leaves at
once: the records are already safe in the local ledger, so waiting is never required. Training mode
never syncs and never gets here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, ProgressBar, Static
from textual.worker import get_current_worker

from deskclient.strings import exit_sync as T
from deskclient.strings import sync as TS

if TYPE_CHECKING:
    from deskclient.services.context import DeskContext
    from deskclient.services.sync import SyncResult


def pending_records(ctx: DeskContext) -> int:
    return ctx.link.pending()


@dataclass(frozen=True)
class SyncOutcome:
    message: str
    remaining: int


class SyncExitScreen(ModalScreen[SyncOutcome]):
    """Pushed by the app's quit action; dismisses with what happened, for the app to print and exit."""

    DEFAULT_CSS = """
    SyncExitScreen { align: center middle; }
    SyncExitScreen > Vertical { width: 64; max-width: 100%; height: auto; border: round $primary;
                                 padding: 1 2; background: $surface; }
    SyncExitScreen ProgressBar { margin: 1 0; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave_now", T.LEAVE_NOW, id="sync_exit.leave_now"),
    ]

    class Progress(Message):
        def __init__(self, sent: int, total: int) -> None:
            super().__init__()
            self.sent = sent
            self.total = total

    class Finished(Message):
        def __init__(self, outcome: SyncOutcome) -> None:
            super().__init__()
            self.outcome = outcome

    def __init__(self, ctx: DeskContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._outcome: SyncOutcome | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(T.TITLE, id="sync-title")
            yield ProgressBar(total=None, show_eta=False, id="sync-progress")
            yield Static(T.CONNECTING, id="sync-status", markup=False)

    def on_mount(self) -> None:
        self._run_sync()

    @work(thread=True, exclusive=True, group="exit-sync", exit_on_error=False)
    def _run_sync(self) -> None:
        worker = get_current_worker()
        if not self.ctx.link.enabled:
            remaining = pending_records(self.ctx)
            outcome = SyncOutcome(TS.OFFLINE.format(count=remaining) if remaining else TS.SYNC_NOTHING, remaining)
        else:
            def progress(sent: int, total: int) -> None:
                if not worker.is_cancelled:
                    self.post_message(self.Progress(sent, total))

            limit = self.ctx.settings.central.exit_sync_timeout_s
            result: SyncResult = self.ctx.link.sync_once(progress, deadline=time.monotonic() + limit,
                                                         request_timeout_s=limit)
            remaining = pending_records(self.ctx)
            if result.offline or (remaining and not result.ok):
                message = TS.OFFLINE.format(count=remaining)
            else:
                message = result.message or TS.SYNC_DONE.format(sent=result.sent)
            outcome = SyncOutcome(message, remaining)
        if not worker.is_cancelled:
            self.post_message(self.Finished(outcome))

    @on(Progress)
    def _on_progress(self, event: Progress) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=max(event.total, 1), progress=event.sent)
        self.query_one("#sync-status", Static).update(T.PROGRESS.format(sent=event.sent,
                                                                                  total=event.total))

    @on(Finished)
    def _on_finished(self, event: Finished) -> None:
        self._outcome = event.outcome
        bar = self.query_one(ProgressBar)
        bar.update(total=1, progress=1)
        self.query_one("#sync-status", Static).update(event.outcome.message)
        self.dismiss(event.outcome)

    def action_leave_now(self) -> None:
        """Esc: leave without waiting; nothing is lost, the records stay in the local ledger."""
        self.workers.cancel_group(self, "exit-sync")
        remaining = pending_records(self.ctx)
        self.dismiss(SyncOutcome(TS.OFFLINE.format(count=remaining) if remaining else TS.SYNC_NOTHING,
                                 remaining))
