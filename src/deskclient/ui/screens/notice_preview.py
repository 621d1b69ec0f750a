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
        Binding("d", "departments", T.KEY_JOINT_DEPARTMENTS, id="notice.departments"),
    ]

    def __init__(self, case_id: str, kind: str, *, overrides: dict[str, Any] | None = None,
                 issued_message: str | None = None, companions: tuple[str, ...] = ()) -> None:
        """``overrides``: fields the case rows do not hold (e.g. the extension's original date);
        ``issued_message``: the notice was already issued (the preview only shows it; F9 does nothing);
        ``companions``: notices the service issued with the action (the 补报材料通知单 of a 容缺受理
        acceptance), shown below this one and printed with it by F9."""
        super().__init__()
        self.case_id = case_id
        self.kind = kind
        self.companions = companions
        self.overrides = overrides or {}
        self.issued = issued_message is not None
        self.issued_message = issued_message
        self.original_at: datetime | None = None  # set once the preview knows the notice was issued before
        self.queued = False  # the original was issued with an action and never printed: F9 prints it
        self.joint_confirmed = False  # 联办件: the clerk confirmed the departments in this preview
        self.asked_joint = False

    def compose(self) -> ComposeResult:
        with Vertical(id="notice-box"):
            with VerticalScroll(id="notice-scroll"):
                yield Static("", id="notice-text", markup=False)
            hint = T.NOTICE_HINT_WITH.format(kinds="、".join(_kind_label(k) for k in self.companions)
                                             ) if self.companions else T.NOTICE_HINT
            yield Static(hint, id="notice-status", classes="hint", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        box = self.query_one("#notice-box")
        box.border_title = T.NOTICE_TITLE
        desk = self.desk
        ctx, clerk_id, case_id, kind = desk.ctx, desk.clerk.id if desk.clerk else None, self.case_id, self.kind
        assert ctx is not None  # a notice is only previewed from an open desk
        overrides = self.overrides
        width = max(20, min(ctx.settings.printer.columns, 56))
        companions = self.companions
        if self.issued_message is None:  # 补打 when the notice was issued before (the service says)
            def load() -> tuple[NoticePreview, list[str]]:
                main = ctx.notices.preview_copy(case_id, kind, clerk_id or "", width, overrides)
                return main, [ctx.notices.preview_copy(case_id, k, clerk_id or "", width).text for k in companions]

            self.run_db(load, lambda got: self._show_copy(*got), group="preview")
        else:  # just issued by the caller: show it as issued
            self.run_db(lambda: ctx.notices.preview(case_id, kind, clerk_id or "", width, overrides), self._show,
                        group="preview")
        if self.issued_message is not None:
            self.query_one("#notice-status", Static).update(Text(T.NOTICE_ISSUED.format(message=self.issued_message)))
        self.query_one("#notice-scroll").focus()

    def _show(self, text: str) -> None:
        self.query_one("#notice-text", Static).update(Text(text))

    def _show_copy(self, preview: NoticePreview, companions: list[str] | None = None) -> None:
        self.original_at = preview.original_at
        self.queued = preview.queued
        text = preview.text
        for kind, shown in zip(self.companions, companions or [], strict=False):
            text += "\n\n" + T.NOTICE_COMPANION.format(kind=_kind_label(kind)) + "\n\n" + shown
        self._show(text)
        if preview.original_at is not None and not self.issued:
            hint = T.NOTICE_QUEUED_HINT if preview.queued else T.NOTICE_REPRINT_HINT
            self.query_one("#notice-status", Static).update(Text(hint.format(
                date=f"{preview.original_at:%Y-%m-%d %H:%M}")))
        self.refresh_bindings()
        if self._joint_to_confirm and not self.asked_joint:  # first look at a new 联办件通知书
            self.asked_joint = True
            self.action_departments()

    @property
    def _joint_to_confirm(self) -> bool:
        """An original 联办件通知书 not issued yet: its departments are confirmed before F9."""
        return self.kind == "joint" and not self.issued and self.original_at is None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "departments":
            return self._joint_to_confirm
        return True

    def action_departments(self, then_issue: bool = False) -> None:
        """The departments dialog, pre-filled with the case's confirmed list or the catalog's; the
        confirmed list is recorded (``case.joint_departments_confirmed``) and the preview reloaded."""
        from deskclient.ui.screens.joint_dialog import JointDepartmentsDialog

        desk = self.desk
        ctx, clerk_id, case_id = desk.ctx, desk.clerk.id if desk.clerk else "", self.case_id
        if ctx is None or not self._joint_to_confirm:
            return

        def answer(departments: tuple[str, ...] | None) -> None:
            if departments is None:
                return

            def confirmed(names: tuple[str, ...]) -> None:
                self.joint_confirmed = True
                self.query_one("#notice-status", Static).update(Text(T.JOINT_CONFIRMED.format(
                    departments="、".join(names))))
                if then_issue:
                    self.action_issue()
                else:
                    self._reload()

            self.run_db(lambda: ctx.notices.confirm_joint_departments(case_id, clerk_id, departments), confirmed,
                        group="joint")

        def ask(loaded: tuple[tuple[str, ...], str]) -> None:
            names, case_no = loaded
            self.app.push_screen(JointDepartmentsDialog(names, case_no=case_no), answer)

        self.run_db(lambda: (ctx.notices.joint_departments(case_id), ctx.cases.get(case_id).case_no), ask,
                    group="joint")

    def _reload(self) -> None:
        desk = self.desk
        ctx, clerk_id, case_id, kind = desk.ctx, desk.clerk.id if desk.clerk else "", self.case_id, self.kind
        assert ctx is not None
        width = max(20, min(ctx.settings.printer.columns, 56))
        self.run_db(lambda: ctx.notices.preview(case_id, kind, clerk_id, width, self.overrides), self._show,
                    group="preview")

    def action_close(self) -> None:
        self.dismiss(self.issued)

    def action_issue(self) -> None:
        desk = self.desk
        if desk.ctx is None or desk.clerk is None or self.issued:
            return
        ctx, clerk_id, case_id, kind = desk.ctx, desk.clerk.id, self.case_id, self.kind

        if self._joint_to_confirm and not self.joint_confirmed:  # never issued with an unconfirmed list
            self.action_departments(then_issue=True)
            return
        overrides = self.overrides
        reprint = self.original_at is not None
        queued = self.queued

        def told(result: Any) -> str:
            """The printing message; when the fix is in the settings file, where that file really is."""
            if getattr(result, "settings_hint", False):  # in the worker: the file check is I/O
                where = TN.SETTINGS_FILE_AT if ctx.paths.config_file.exists() else TN.SETTINGS_FILE_NEW
                return f"{result.message} {where.format(path=ctx.paths.config_file)}"
            return str(result.message)

        companions = self.companions

        def issue_main() -> str:
            if queued:  # issued with the action (急办件 / 容缺受理): print that original
                return told(ctx.notices.print_queued(case_id, kind, clerk_id, overrides))
            if reprint:  # 补打 never makes a second original
                return T.NOTICE_REPRINTED + told(ctx.notices.reprint(case_id, kind, clerk_id, overrides))
            return told(ctx.notices.issue(case_id, kind, clerk_id, overrides))

        def issue() -> str:
            message = issue_main()
            for other in companions:  # the notices issued with the action, printed with this one
                message += " " + T.NOTICE_COMPANION_PRINTED.format(
                    kind=_kind_label(other), message=told(ctx.notices.print_queued(case_id, other, clerk_id)))
            return message

        def done(message: str) -> None:
            self.issued = True
            self.query_one("#notice-status", Static).update(Text(T.NOTICE_ISSUED.format(message=message)))

        self.run_db(issue, done, group="issue")


def _kind_label(kind: str) -> str:
    from deskclient.domain.notices import NoticeKind

    try:
        return NoticeKind(kind).label
    except ValueError:
        return kind
