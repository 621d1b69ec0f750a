"""Notices issued *with* an action, in the action's own transaction, and printing them afterwards.

The 急办件通知单 (the head approves an urgent case) and the 补报材料通知单 (a case accepted under 容缺受理,
general materials to follow) are not a clerk's separate step: the desk issues them by itself, in the
same durable transaction as the approval or the acceptance (seed 003), so there is never an urgent case
without its notice or a 容缺 acceptance without the list of what to bring. Nothing slow happens inside
that transaction: no printer, and no PDF — the row keeps the issued document as a pending archive, which
:mod:`~deskclient.services.notices.pending` renders after the commit (the desk's archive worker, or at
once for a script: ``NoticeDesk.archive_after``). The notice is recorded ``queued`` and the preview prints
that very original (its date and 文号, no 补打 mark). Split from :mod:`~deskclient.services.notices.issue`,
whose helpers (numbering, detail, recording a print) it reuses.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlmodel import select

from deskclient.domain.errors import ValidationError
from deskclient.domain.events import EventType
from deskclient.domain.notices import NoticeKind, check_notice
from deskclient.services.notices.archive import archive_path
from deskclient.services.notices.issue import (
    IssueResult,
    _detail,
    _record_print,
    _restore,
    _try_print,
    doc_number,
    notice_data_for_case,
    original_notice,
)
from deskclient.services.notices.pending import pending_detail, render_archive
from deskclient.services.notices.render import render_document
from deskclient.settings import PrinterSettings
from deskclient.store.ledger import Ledger, WriteTx, new_id
from deskclient.store.models import Notice
from deskclient.strings import notices as T


def record_case_notice(tx: WriteTx, case_id: str, kind: NoticeKind | str, clerk_id: str, *, archive_dir: Path,
                       template_dir: Path | None = None, training: bool | None = None, **fields: Any) -> str:
    """Issue a case's notice *inside the caller's transaction*: the action and the notice it requires
    are one durable step (the 急办件通知单 with the head's approval, the 补报材料通知单 with a 容缺受理
    acceptance). Numbered, archived and recorded ``queued`` with its ``notice.issued`` event; nothing
    is printed while the transaction holds the ledger — the notice preview prints the queued original
    (:func:`print_queued_notice`) and the handover sheet lists it until it is printed. A notice that
    cannot be made (a required field missing) raises, and the action is not recorded either. The archive
    PDF is rendered after the commit (the row is its pending record)."""
    tx.flush_events()  # the notice reads the action's own event (the urgent reason, the follow-up date)
    notice_id = new_id()
    data = notice_data_for_case(tx.session, case_id, kind, clerk_id=clerk_id, issued_at=tx.now.replace(microsecond=0),
                                training=training, **fields)
    data = replace(data, doc_no=doc_number(tx, data))
    check_notice(data)
    doc = render_document(data, data_dir=template_dir, check=False)
    path = archive_path(archive_dir, data, "pdf", unique=notice_id)
    tx.session.add(Notice(id=notice_id, case_id=case_id, kind=data.kind.value, issued_at=data.issued_at,
                          issued_by=clerk_id, archive_path=str(path), print_state="queued",
                          training=data.training, doc_no=data.doc_no, detail=pending_detail(_detail(data), doc)))
    tx.emit(EventType.NOTICE_ISSUED, {
        "notice_id": notice_id, "kind": data.kind.value, "case_no": data.case_no, "doc_no": data.doc_no,
        "reprint_of": None, "archive": path.name, "training": data.training, "with_action": True,
    }, case_id=case_id)
    return notice_id


def queued_original(ledger: Ledger, case_id: str, kind: NoticeKind | str) -> Notice | None:
    """The case's original notice of this kind when it was issued with an action and no print was tried
    yet (queued, no print error): the preview prints it as the original. Once a print was tried and
    failed, a later print is a 补打 copy like any other notice's (the rule of ``reprint_notice``)."""
    row = original_notice(ledger, case_id, kind)
    if row is None or row.print_state != "queued" or row.print_error:
        return None
    with ledger.read() as session:
        printed_copy = session.exec(select(Notice).where(Notice.reprint_of == row.id,
                                                         Notice.print_state == "printed")).first()
    return None if printed_copy is not None else row


def print_queued_notice(ledger: Ledger, notice_id: str, clerk_id: str, *, printer: PrinterSettings | None = None,
                        template_dir: Path | None = None, **fields: Any) -> IssueResult:
    """Print a queued original as it was issued (its date and 文号, no 补打 mark): the notice a service
    issued together with an action. The result is recorded like any print (printed, or left queued)."""
    with ledger.read() as session:
        row = session.get(Notice, notice_id)
        if row is None or row.case_id is None:
            raise ValidationError(T.NOTHING_TO_REPRINT)
        data = notice_data_for_case(session, row.case_id, row.kind, clerk_id=row.issued_by, issued_at=row.issued_at,
                                    doc_no=row.doc_no, training=row.training, **{**_restore(row.detail), **fields})
    doc = render_document(data, data_dir=template_dir, check=False)
    rendered = render_archive(ledger, row.id, clerk_id)  # still pending: the file a PDF printer prints
    archived = rendered.path if rendered is not None else Path(row.archive_path)
    pdf = archived if archived.suffix == ".pdf" and archived.is_file() else None
    result = _try_print(doc, printer or PrinterSettings(), pdf)
    _record_print(ledger, clerk_id, row.id, row.case_id, data.kind, result)
    return IssueResult(row.id, archived, result.ok, result.message, doc.warnings, doc)


__all__ = ["print_queued_notice", "queued_original", "record_case_notice"]
