"""Notice preview: exactly the text that prints (``services.notices.preview_text``); F9 issues it
(archived, recorded in the ledger, sent to the printer)."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Static

from deskclient.strings import ui as T
from deskclient.ui.screens.base import DeskModal

log = logging.getLogger(__name__)


def catalog_overrides(ctx: Any, item_code: str) -> dict[str, Any]:
    """What the notices service needs besides the ledger: the catalog item (basis, procedure, limit,
    fee, conditions, material notes, joint departments), the station settings (progress lookup,
    complaint line, reconsideration body, court) and the calendar (the supplement notice's deadline)."""
    try:
        item = ctx.catalog.get(item_code)
    except Exception:
        log.exception("catalog unavailable for the notice")
        item = None
    extra: dict[str, Any] = {"item": item, "station_settings": ctx.settings.station}
    try:
        from deskclient.services.clocks import rules_for

        extra.update(calendar=ctx.calendar, clock_rules=rules_for(ctx.settings))
    except Exception:  # the deadline line is left out; the notice still issues
        log.exception("calendar unavailable for the notice")
    return extra


def notice_text(ctx: Any, case_id: str, kind: str, clerk_id: str, width: int,
                overrides: dict[str, Any] | None = None) -> str:
    """The preview text: the notices service's rendering, or a plain fallback if it is unavailable."""
    try:
        from deskclient.services.notices import preview_text
        from deskclient.services.notices.issue import notice_data_for_case
    except ImportError:
        return _plain(ctx, case_id, kind)
    case = ctx.cases.get(case_id)
    with ctx.ledger.read() as s:
        data = notice_data_for_case(s, case_id, kind, clerk_id=clerk_id, issued_at=ctx.clock.now(),
                                    **{**catalog_overrides(ctx, case.item_code), **(overrides or {})})
    return preview_text(data, width, data_dir=ctx.paths.data_dir)


def _plain(ctx: Any, case_id: str, kind: str) -> str:
    case = ctx.cases.get(case_id)
    lines = [case.case_no, case.applicant_name, case.item_name]
    if case.due_date:
        lines.append(T.NOTICE_LINES["due"].format(v=f"{case.due_date:%Y-%m-%d}"))
    lines += [f"{m.name} {m.state}" for m in ctx.cases.materials(case_id)]
    return "\n".join(lines)


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

    def compose(self) -> ComposeResult:
        with Vertical(id="notice-box"):
            with VerticalScroll(id="notice-scroll"):
                yield Static("", id="notice-text", markup=False)
            yield Static(T.NOTICE_HINT, id="notice-status", classes="hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        box = self.query_one("#notice-box")
        box.border_title = T.NOTICE_TITLE
        desk = self.desk
        ctx, clerk_id, case_id, kind = desk.ctx, desk.clerk.id if desk.clerk else None, self.case_id, self.kind
        overrides = self.overrides
        width = max(20, min(ctx.settings.printer.columns if ctx else 48, 56))
        self.run_db(lambda: notice_text(ctx, case_id, kind, clerk_id or "", width, overrides), self._show,
                    group="preview")
        if self.issued_message is not None:
            self.query_one("#notice-status", Static).update(Text(T.NOTICE_ISSUED.format(message=self.issued_message)))
        self.query_one("#notice-scroll").focus()

    def _show(self, text: str) -> None:
        self.query_one("#notice-text", Static).update(Text(text))

    def action_close(self) -> None:
        self.dismiss(self.issued)

    def action_issue(self) -> None:
        desk = self.desk
        if desk.ctx is None or desk.clerk is None or self.issued:
            return
        ctx, clerk_id, case_id, kind = desk.ctx, desk.clerk.id, self.case_id, self.kind

        def issue() -> str:
            from deskclient.services.notices.issue import issue_notice

            case = ctx.cases.get(case_id)
            result = issue_notice(ctx.ledger, case_id, kind, clerk_id, archive_dir=ctx.paths.archive_dir,
                                  printer=ctx.settings.printer, template_dir=ctx.paths.data_dir,
                                  **{**catalog_overrides(ctx, case.item_code), **self.overrides})
            return result.message

        def done(message: str) -> None:
            self.issued = True
            self.query_one("#notice-status", Static).update(Text(T.NOTICE_ISSUED.format(message=message)))

        self.run_db(issue, done, group="issue")
