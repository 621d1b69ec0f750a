"""Notice preview: exactly the text that prints (``services.notices.preview_text``); F9 issues it
(archived, recorded in the ledger, sent to the printer)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from deskclient.strings import ui as T
from deskclient.ui.screens.base import DeskModal
from deskclient.ui.widgets.key_bar import KeyBar

log = logging.getLogger(__name__)


def catalog_overrides(ctx: Any, item_code: str) -> dict[str, Any]:
    """What the one-time notification must say from the catalog (basis, procedure, limit, fee)."""
    try:
        item = ctx.catalog.get(item_code)
    except Exception:
        log.exception("catalog unavailable for the notice")
        return {}
    if item is None:
        return {}
    limit = (T.TIME_LIMIT_IMMEDIATE if item.is_immediate
             else T.TIME_LIMIT_DAYS.format(days=item.promised_days, legal=item.legal_days))
    return {"basis": tuple(x for x in item.basis.splitlines() if x.strip()) or (item.basis,),
            "procedure": tuple(s.name for s in item.steps), "time_limit": limit, "fee": item.fee,
            "fee_basis": item.fee_basis}


@dataclass(frozen=True)
class Preview:
    text: str
    original_at: datetime | None  # set: the notice was issued before, F9 makes a 补打 copy of it


def notice_text(ctx: Any, case_id: str, kind: str, clerk_id: str, width: int,
                overrides: dict[str, Any] | None = None, *, reprint: bool = True) -> Preview:
    """The preview text: the notices service's rendering, or a plain fallback if it is unavailable. A
    notice issued before previews as its 补打 copy (original date and number, the 补打 mark)."""
    try:
        from deskclient.services.notices import preview_text
        from deskclient.services.notices.issue import notice_data_for_case, original_notice
    except ImportError:
        return Preview(_plain(ctx, case_id, kind), None)
    case = ctx.cases.get(case_id)
    original = original_notice(ctx.ledger, case_id, kind) if reprint else None
    now = ctx.clock.now()
    with ctx.ledger.read() as s:
        data = notice_data_for_case(s, case_id, kind, clerk_id=clerk_id,
                                    issued_at=original.issued_at if original else now,
                                    reprint_at=now if original else None,
                                    **{**catalog_overrides(ctx, case.item_code), **(overrides or {})})
    return Preview(preview_text(data, width, data_dir=ctx.paths.data_dir), original.issued_at if original else None)


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
        overrides = self.overrides
        width = max(20, min(ctx.settings.printer.columns if ctx else 48, 56))
        reprint = self.issued_message is None  # just issued by the caller: show it, not a 补打 copy
        self.run_db(lambda: notice_text(ctx, case_id, kind, clerk_id or "", width, overrides, reprint=reprint),
                    self._show, group="preview")
        if self.issued_message is not None:
            self.query_one("#notice-status", Static).update(Text(T.NOTICE_ISSUED.format(message=self.issued_message)))
        self.query_one("#notice-scroll").focus()

    def _show(self, preview: Preview) -> None:
        self.original_at = preview.original_at
        self.query_one("#notice-text", Static).update(Text(preview.text))
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

        reprint = self.original_at is not None

        def issue() -> str:
            from deskclient.services.notices.issue import issue_notice, reprint_notice

            case = ctx.cases.get(case_id)
            make = reprint_notice if reprint else issue_notice  # 补打 never makes a second original
            result = make(ctx.ledger, case_id, kind, clerk_id, archive_dir=ctx.paths.archive_dir,
                          printer=ctx.settings.printer, template_dir=ctx.paths.data_dir,
                          **{**catalog_overrides(ctx, case.item_code), **self.overrides})
            return (T.NOTICE_REPRINTED if reprint else "") + result.message

        def done(message: str) -> None:
            self.issued = True
            self.query_one("#notice-status", Static).update(Text(T.NOTICE_ISSUED.format(message=message)))

        self.run_db(issue, done, group="issue")
