"""What every desk screen shares: header, mode banner, footer, and the one way to touch the ledger
(:meth:`DeskScreen.run_db`, a thread worker that posts its result back and turns errors into messages)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from textual.app import ComposeResult
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, get_current_worker

from deskclient.domain.errors import DeskError
from deskclient.strings import ui as T
from deskclient.ui.widgets.desk_header import DeskHeader
from deskclient.ui.widgets.key_bar import KeyBar
from deskclient.ui.widgets.mode_banner import ModeBanner
from deskclient.ui.widgets.training_panel import TrainingPanel

if TYPE_CHECKING:
    from deskclient.services.context import DeskContext
    from deskclient.services.sign_in import ClerkEntry
    from deskclient.ui.app import DeskApp

log = logging.getLogger(__name__)
R = TypeVar("R")


class DbMixin:
    """``run_db(fn, done)``: run ``fn`` (ledger work) in a thread worker; ``done(result)`` runs on the UI
    thread. A DeskError becomes its Chinese message (``failed(message)`` or a notification); anything
    else is logged and shown as a generic message: the app never exits on a bad value."""

    def run_db(self, fn: Callable[[], R], done: Callable[[R], Any] | None = None, *,
               failed: Callable[[str], Any] | None = None, group: str = "db",
               exclusive: bool = True) -> Worker[None]:
        node: Any = self

        def job() -> None:
            worker = get_current_worker()
            try:
                result = fn()
            except DeskError as err:
                if not worker.is_cancelled:
                    node.app.call_from_thread(node._db_failed, err.message, failed)
                return
            except Exception as err:
                log.exception("ledger work failed on %s", type(node).__name__)
                if not worker.is_cancelled:
                    node.app.call_from_thread(node._db_failed, T.UNEXPECTED.format(kind=type(err).__name__),
                                              failed)
                return
            if done is not None and not worker.is_cancelled:
                node.app.call_from_thread(done, result)

        return node.run_worker(job, thread=True, exclusive=exclusive, group=group, exit_on_error=False)

    def _db_failed(self, message: str, failed: Callable[[str], Any] | None) -> None:
        if failed is not None:
            failed(message)
        else:
            self.app.notify(message, severity="error", timeout=8, markup=False)  # type: ignore[attr-defined]


class DeskScreen(DbMixin, Screen[Any]):
    """A full screen with the header, the demo/training banner and the footer of keys."""

    @property
    def desk(self) -> DeskApp:
        return self.app  # type: ignore[return-value]

    @property
    def ctx(self) -> DeskContext:
        ctx = self.desk.ctx
        assert ctx is not None
        return ctx

    @property
    def clerk(self) -> ClerkEntry:
        clerk = self.desk.clerk
        assert clerk is not None
        return clerk

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield ModeBanner(self.app.paths.mode)  # type: ignore[attr-defined]
        training = getattr(self.app, "training", None)
        if training is not None:
            yield TrainingPanel(training.view())
        yield from self.compose_body()
        yield KeyBar()

    def on_screen_resume(self) -> None:
        training = getattr(self.app, "training", None)
        if training is not None:
            training.refresh_panel()

    def compose_body(self) -> ComposeResult:
        yield from ()


class DeskModal(DbMixin, ModalScreen[Any]):
    """A dialog box over the current screen."""

    @property
    def desk(self) -> DeskApp:
        return self.app  # type: ignore[return-value]
