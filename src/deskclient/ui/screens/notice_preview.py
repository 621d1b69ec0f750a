"""Notice preview: exactly the text that prints (``ctx.notices.preview``); F9 issues it (archived,
recorded in the ledger, sent to the printer) through ``ctx.notices.issue``, which adds the catalog's
basis, procedure, limit and fee the same way for the desk and ``deskclient notice``."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from deskclient.strings import notices as TN
from deskclient.strings import ui as T
from deskclient.ui.screens.base import DeskModal
from deskclient.ui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from deskclient.services.notice_desk import NoticePreview

log = logging.getLogger(__name__)


class NoticePreviewScreen(DeskModal):
    DEFAULT_CSS = """
    NoticePreviewScreen { align: center middle; }
    NoticePreviewScreen > #notice-box { width: 60; max-width: 100%; height: 1fr; max-height: 100%;
                                         border: thick $primary; background: $panel; }
    NoticePreviewScreen #notice-scroll { height: 1fr; }
    NoticePreviewScreen #notice-text { width: auto; padding: 0 1; background: white; color: black; }
    NoticePreviewScreen #notice-status { height: auto; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", T.NOTICE_CLOSE, id="notice.close"),
        Binding("f9", "issue", T.KEY_NOTICE_ISSUE, id="notice.issue"),
    ]

    def __init__(self, case_id: str, kind: str, *, overrides: dict[str, Any] | None = None,
                 issued_message: str | None = None) -> None:
        """``overrides``: fields the case rows do not hold (e.g. the extension's original date);
        ``issued_message``: the notice was already issued (the preview only shows it; F9 does nothing)."""
        super().__init__()
        self.case_id = case_id
        self.kind = kind
        self.overrides = overrides or {}
        self.issued = issued_message is not None
        self.issued_message = issued_message
        self.original_at: datetime | None = None  # set once the preview knows the notice was issued before

    def compose(self) -> ComposeResult:
        with Vertical(id="notice-box"):
            with VerticalScroll(id="notice-scroll"):
                yield Static("", id="notice-text", markup=False)
            yield Static(T.NOTICE_HINT, id="notice-status", classes="hint", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        box = self.query_one("#notice-box")
        box.border_title = T.NOTICE_TITLE
        desk = self.desk
        ctx, clerk_id, case_id, kind = desk.ctx, desk.clerk.id if desk.clerk else None, self.case_id, self.kind
        assert ctx is not None  # a notice is only previewed from an open desk
        overrides = self.overrides
        width = max(20, min(ctx.settings.printer.columns, 56))
        if self.issued_message is None:  # 补打 when the notice was issued before (the service says)
            self.run_db(lambda: ctx.notices.preview_copy(case_id, kind, clerk_id or "", width, overrides),
                        self._show_copy, group="preview")
        else:  # just issued by the caller: show it as issued
            self.run_db(lambda: ctx.notices.preview(case_id, kind, clerk_id or "", width, overrides), self._show,
                        group="preview")
        if self.issued_message is not None:
            self.query_one("#notice-status", Static).update(Text(T.NOTICE_ISSUED.format(message=self.issued_message)))
        self.query_one("#notice-scroll").focus()

    def _show(self, text: str) -> None:
        self.query_one("#notice-text", Static).update(Text(text))

    def _show_copy(self, preview: NoticePreview) -> None:
        self.original_at = preview.original_at
        self._show(preview.text)
        if preview.original_at is not None and not self.issued:
            self.query_one("#notice-status", Static).update(Text(T.NOTICE_REPRINT_HINT.format(
                date=f"{preview.original_at:%Y-%m-%d %H:%M}")))

    def action_close(self) -> None:
        self.dismiss(self.issued)

    def action_issue(self) -> None:
        desk = self.desk
        if desk.ctx is None or desk.clerk is None or self.issued:
            return
        ctx, clerk_id, case_id, kind = desk.ctx, desk.clerk.id, self.case_id, self.kind

        overrides = self.overrides
        reprint = self.original_at is not None

        def told(result: Any) -> str:
            """The printing message; when the fix is in the settings file, where that file really is."""
            if getattr(result, "settings_hint", False):  # in the worker: the file check is I/O
                where = TN.SETTINGS_FILE_AT if ctx.paths.config_file.exists() else TN.SETTINGS_FILE_NEW
                return f"{result.message} {where.format(path=ctx.paths.config_file)}"
            return str(result.message)

        def issue() -> str:
            if reprint:  # 补打 never makes a second original
                return T.NOTICE_REPRINTED + told(ctx.notices.reprint(case_id, kind, clerk_id, overrides))
            return told(ctx.notices.issue(case_id, kind, clerk_id, overrides))

        def done(message: str) -> None:
            self.issued = True
            self.query_one("#notice-status", Static).update(Text(T.NOTICE_ISSUED.format(message=message)))

        self.run_db(issue, done, group="issue")
