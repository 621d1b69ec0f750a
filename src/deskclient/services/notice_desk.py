"""The desk's notice operations over one context: what a case's notice says (with the catalog's
basis, procedure, time limit and fee), its preview, issuing it, and rendering it for the CLI.

The notice *content* (templates, blocks, text/ESC-POS/PDF) is :mod:`deskclient.services.notices`;
this module is the one place that fills a case's NoticeData from the ledger **and the catalog**, so the
preview, the F9 issue, the extension notice and ``deskclient notice`` print the same thing (before,
the catalog fields were added by a screen helper only and the CLI refused checklist/promise notices).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from deskclient.domain.notices import NoticeData, NoticeKind

if TYPE_CHECKING:
    from deskclient.services.context import DeskContext
    from deskclient.services.notices.issue import IssueResult
    from deskclient.services.notices.pending import Archived
    from deskclient.store.ledger import WriteTx
    from deskclient.store.models import Case

log = logging.getLogger(__name__)

RENDER_FORMATS = ("text", "escpos", "pdf")


@dataclass(frozen=True)
class RenderedNotice:
    """A notice rendered for a script: the bytes (or text) and any template warnings."""

    content: bytes
    text: str  # the text rendering ("" for escpos/pdf)
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class NoticePreview:
    text: str
    original_at: datetime | None  # set: the notice was issued before; F9 makes a 补打 copy of it
    queued: bool = False  # the original was issued with an action and never printed: F9 prints it


class NoticeDesk:
    """Notices of a case, built the same way for the preview, the printer and the CLI."""

    def __init__(self, ctx: DeskContext) -> None:
        self.ctx = ctx

    def catalog_overrides(self, item_code: str) -> dict[str, Any]:
        """What the notices service needs besides the ledger rows: the catalog item (basis, procedure,
        limit, fee, conditions, material notes, joint departments — applied by
        ``notices.issue.catalog_fields``), the station settings (progress lookup, complaint line,
        reconsideration body, court) and the calendar (the supplement notice's deadline). A broken
        catalog or calendar leaves its part out; the ledger rows still print."""
        extra: dict[str, Any] = {"station_settings": self.ctx.settings.station}
        try:
            extra["item"] = self.ctx.catalog.get(item_code)
        except Exception:  # a broken catalog must not stop a notice
            log.exception("catalog unavailable for the notice")
        try:
            from deskclient.services.rules import rules_for

            extra.update(calendar=self.ctx.calendar, clock_rules=rules_for(self.ctx.settings))
        except Exception:  # the deadline line is left out; the notice still issues
            log.exception("calendar unavailable for the notice")
        return extra

    def _overrides(self, case_id: str, kind: NoticeKind | str, extra: dict[str, Any] | None) -> dict[str, Any]:
        case = self.ctx.cases.get(case_id)
        fields = self.catalog_overrides(case.item_code)
        if NoticeKind(kind) is NoticeKind.EXTENSION:
            fields.update(self.ctx.case_clock.extension_fields(case_id))
        return {**fields, **(extra or {})}

    def data_for_case(self, case_id: str, kind: NoticeKind | str, *, clerk_id: str | None = None,
                      issued_at: datetime | None = None, reprint_at: datetime | None = None,
                      overrides: dict[str, Any] | None = None) -> NoticeData:
        """The case's NoticeData from its ledger rows and the catalog (``overrides`` win)."""
        from deskclient.services.notices.issue import notice_data_for_case

        fields = self._overrides(case_id, kind, overrides)
        with self.ctx.ledger.read() as s:
            return notice_data_for_case(s, case_id, kind, clerk_id=clerk_id,
                                        issued_at=issued_at or self.ctx.clock.now(), reprint_at=reprint_at,
                                        training=True if self.ctx.is_training else None, **fields)

    def preview(self, case_id: str, kind: NoticeKind | str, clerk_id: str, width: int,
                overrides: dict[str, Any] | None = None) -> str:
        """Exactly the text that prints."""
        from deskclient.services.notices import preview_text

        data = self.data_for_case(case_id, kind, clerk_id=clerk_id, overrides=overrides)
        return preview_text(data, width, data_dir=self.ctx.paths.data_dir)

    def preview_copy(self, case_id: str, kind: NoticeKind | str, clerk_id: str, width: int,
                     overrides: dict[str, Any] | None = None) -> NoticePreview:
        """The preview the desk shows: a notice issued before previews as its 补打 copy (the original's
        date and number, the 补打 mark), and ``original_at`` tells the screen F9 will reprint it."""
        from deskclient.services.notices import preview_text
        from deskclient.services.notices.issue import original_notice
        from deskclient.services.notices.with_action import queued_original

        original = original_notice(self.ctx.ledger, case_id, kind)
        queued = queued_original(self.ctx.ledger, case_id, kind) is not None
        now = self.ctx.clock.now()
        data = self.data_for_case(case_id, kind, clerk_id=clerk_id,
                                  issued_at=original.issued_at if original else now,
                                  reprint_at=now if original and not queued else None, overrides=overrides)
        return NoticePreview(preview_text(data, width, data_dir=self.ctx.paths.data_dir),
                             original.issued_at if original else None, queued)

    def has_original(self, case_id: str, kind: NoticeKind | str) -> bool:
        """The case has an original notice of this kind (e.g. the 补报材料通知单 of a 容缺受理 acceptance)."""
        from deskclient.services.notices.issue import original_notice

        return original_notice(self.ctx.ledger, case_id, kind) is not None

    def issue_with_action(self, tx: WriteTx, case: Case, kind: NoticeKind, clerk_id: str) -> str:
        """The notice an action requires, recorded in the action's own transaction (``queued``; the
        preview prints it): the 急办件通知单 with the head's approval, the 补报材料通知单 with a 容缺受理
        acceptance. Built like every other notice (catalog, station settings, calendar). The caller
        calls :meth:`archive_after` once its transaction has committed."""
        from deskclient.services.notices.with_action import record_case_notice

        ctx = self.ctx
        return record_case_notice(tx, case.id, kind, clerk_id, archive_dir=ctx.paths.archive_dir,
                                  template_dir=ctx.paths.data_dir, training=True if ctx.is_training else None,
                                  **self.catalog_overrides(case.item_code))

    def print_queued(self, case_id: str, kind: NoticeKind | str, clerk_id: str,
                     overrides: dict[str, Any] | None = None) -> IssueResult:
        """F9 on a notice issued with an action and not printed yet: print that original."""
        from deskclient.services.notices.with_action import print_queued_notice, queued_original

        row = queued_original(self.ctx.ledger, case_id, kind)
        if row is None:  # printed meanwhile (another desk): a 补打 copy, never a second original
            return self.reprint(case_id, kind, clerk_id, overrides)
        return print_queued_notice(self.ctx.ledger, row.id, clerk_id, printer=self.ctx.settings.printer,
                                   template_dir=self.ctx.paths.data_dir,
                                   **self._overrides(case_id, kind, overrides))

    def reprint(self, case_id: str, kind: NoticeKind | str, clerk_id: str,
                overrides: dict[str, Any] | None = None) -> IssueResult:
        """补打: a copy of the case's original notice (its date and number, the 补打 mark), never a
        second original; once any copy prints, the notice leaves the print queue."""
        from deskclient.services.notices.issue import reprint_notice

        ctx = self.ctx
        return reprint_notice(ctx.ledger, case_id, kind, clerk_id, archive_dir=ctx.paths.archive_dir,
                              printer=ctx.settings.printer, template_dir=ctx.paths.data_dir,
                              **self._overrides(case_id, kind, overrides))

    def issue(self, case_id: str, kind: NoticeKind | str, clerk_id: str,
              overrides: dict[str, Any] | None = None) -> IssueResult:
        """Record (one transaction with its event) and try to print the case's notice; the archive
        PDF is rendered after the commit (:meth:`_archive_after`)."""
        from deskclient.services.notices.issue import issue_notice

        ctx = self.ctx
        result = issue_notice(ctx.ledger, case_id, kind, clerk_id, archive_dir=ctx.paths.archive_dir,
                              printer=ctx.settings.printer, template_dir=ctx.paths.data_dir,
                              training=True if ctx.is_training else None, defer_archive=self._deferred,
                              **self._overrides(case_id, kind, overrides))
        self._archive_after()
        return result

    def issue_prepared(self, data: NoticeData, clerk_id: str) -> IssueResult:
        """A notice of the window, not of a case (handover sheet, pause sign)."""
        from deskclient.services.notices.issue import issue_prepared

        result = issue_prepared(self.ctx.ledger, data, clerk_id, archive_dir=self.ctx.paths.archive_dir,
                                printer=self.ctx.settings.printer, template_dir=self.ctx.paths.data_dir,
                                defer_archive=self._deferred)
        self._archive_after()
        return result

    # --- the archive PDF, off the clerk's path ---------------------------------------------------
    @property
    def _deferred(self) -> bool:
        """The desk renders archives in its own worker (``ctx.archive_worker``); scripts and the CLI
        render them synchronously, right after the commit."""
        return self.ctx.archive_worker is not None

    def _archive_after(self) -> None:
        if self.ctx.archive_worker is not None:
            self.ctx.archive_worker()

    def archive_after(self) -> None:
        """After an action's transaction that issued a notice with it (:meth:`issue_with_action`): its
        archive PDF is rendered off the clerk's path by the desk's worker, or now for a script."""
        if self.ctx.archive_worker is not None:
            self.ctx.archive_worker()
        else:
            self.render_pending_archives()

    def render_pending_archives(self) -> list[Archived]:
        """Render every notice issued but not yet archived (this session's, or left by a crash). A light
        check first: at start-up, with nothing pending, the ORM and the PDF stack are not loaded."""
        from deskclient.store.lite import pending_notice_ids

        with self.ctx.ledger.lite_read() as con:
            if not pending_notice_ids(con):
                return []
        from deskclient.services.notices.pending import render_pending_archives

        return render_pending_archives(self.ctx.ledger)

    # --- 联办件: the departments the clerk confirms ----------------------------------------------
    def joint_departments(self, case_id: str) -> tuple[str, ...]:
        """What the confirm dialog starts from: the list confirmed last for this case, else the
        catalog's ``joint_departments`` of its item."""
        from deskclient.domain.events import EventType
        from deskclient.services.notices.issue import last_payload

        with self.ctx.ledger.read() as s:
            confirmed = last_payload(s, case_id, EventType.CASE_JOINT_DEPARTMENTS_CONFIRMED).get("departments")
        if isinstance(confirmed, list) and confirmed:
            return tuple(str(d) for d in confirmed)
        return self.joint_departments_of_item(self.ctx.cases.get(case_id).item_code)

    def confirm_joint_departments(self, case_id: str, clerk_id: str, departments: Sequence[str]) -> tuple[str, ...]:
        """Record the 联办部门 the clerk confirmed (``case.joint_departments_confirmed``, with the
        catalog's list beside it); every later 联办件通知书 of the case prints them."""
        from deskclient.domain.cases import CaseClass
        from deskclient.domain.errors import ValidationError
        from deskclient.domain.events import EventType
        from deskclient.domain.notices import confirmed_departments
        from deskclient.store.models import Case
        from deskclient.strings import notices as TN

        confirmed = confirmed_departments(departments)
        case = self.ctx.cases.get(case_id)
        if CaseClass(case.case_class) is not CaseClass.JOINT and CaseClass(case.item_class) is not CaseClass.JOINT:
            raise ValidationError(TN.JOINT_NOT_JOINT_CASE)
        catalog = self.joint_departments_of_item(case.item_code)
        with self.ctx.ledger.write(clerk_id) as tx:
            if tx.session.get(Case, case_id) is None:
                raise ValidationError(TN.CASE_NOT_FOUND.format(case=case_id))
            tx.emit(EventType.CASE_JOINT_DEPARTMENTS_CONFIRMED,
                    {"departments": list(confirmed), "catalog": list(catalog),
                     "edited": list(confirmed) != list(catalog)}, case_id=case_id)
        return confirmed

    def joint_departments_of_item(self, item_code: str) -> tuple[str, ...]:
        """The catalog's ``joint_departments`` of the item (() when the item is gone: the clerk types them)."""
        from deskclient.services.notices.issue import joint_departments

        try:
            return joint_departments(self.ctx.catalog.get(item_code))
        except Exception:  # a broken catalog must not stop the confirmation
            log.exception("catalog unavailable for the joint departments")
            return ()

    def render_case_notice(self, case_no: str, kind: NoticeKind | str, fmt: str, *, width: int | None = None,
                           reprint: bool = False) -> RenderedNotice:
        """``deskclient notice``: render without issuing (reads the ledger, changes nothing)."""
        from deskclient.services.notices.render import render_document

        kind = NoticeKind.parse(str(kind))
        case = self.ctx.cases.by_number(case_no)
        now = self.ctx.clock.now().replace(microsecond=0)
        data = self.data_for_case(case.id, kind, issued_at=now, reprint_at=now if reprint else None)
        doc = render_document(data, data_dir=self.ctx.paths.data_dir)
        width = width or self.ctx.settings.printer.columns
        if fmt == "text":
            from deskclient.services.notices.text import render_text

            text = render_text(doc, width)
            return RenderedNotice(text.encode(self.ctx.settings.printer.encoding or "utf-8"),
                                  text, tuple(doc.warnings))
        if fmt == "escpos":
            from deskclient.services.notices.escpos import escpos_bytes

            return RenderedNotice(escpos_bytes(doc, width), "", tuple(doc.warnings))
        from deskclient.services.notices.pdf import render_pdf

        return RenderedNotice(render_pdf(doc, created=now), "", tuple(doc.warnings))
