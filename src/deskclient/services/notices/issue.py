"""Issuing a notice for a case: the ledger row and event, the archive file, and an attempt to print.

Order matters: archive the file first (the applicant's copy exists even if the PC dies next), then
record the Notice row + ``notice.issued`` in one ledger transaction, then try the printer. A printer
problem is recorded as ``notice.print_failed`` with the notice left ``queued`` for reprint; the case
itself is never touched here, so a printer can never block a case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from deskclient.domain.cases import CaseClass, CompletionResult
from deskclient.domain.errors import DeskError, ValidationError
from deskclient.domain.events import EventType
from deskclient.domain.notices import NoticeData, NoticeKind, NoticeMaterial, Person, check_notice
from deskclient.services.notices import blocks as B
from deskclient.services.notices.archive import archive_notice
from deskclient.services.notices.printing import PrintResult, print_document
from deskclient.services.notices.render import render_document
from deskclient.settings import PrinterSettings
from deskclient.store.ledger import Ledger, new_id
from deskclient.store.models import Case, CaseMaterial, Clerk, Extension, Notice, Station, Window
from deskclient.strings import notices as T


def window_label(window: Window | None, number: str) -> str:
    if window is None:
        return number
    if window.name:
        return T.WINDOW_LABEL.format(number=window.number, name=window.name)
    return T.WINDOW_LABEL_NO_NAME.format(number=window.number)


def _station(session: Session) -> Station | None:
    return session.exec(select(Station)).first()


def notice_data_for_case(session: Session, case_id: str, kind: NoticeKind | str, *,
                         clerk_id: str | None = None, issued_at: datetime | None = None,
                         reprint_at: datetime | None = None, training: bool | None = None,
                         **overrides: Any) -> NoticeData:
    """Everything the case's ledger rows say, as a NoticeData; ``overrides`` (e.g. ``basis``,
    ``procedure``, ``fee`` from the catalog, ``progress_check``, ``complaint``) win over them."""
    kind = NoticeKind(kind)
    case = session.get(Case, case_id)
    if case is None:
        raise ValidationError(T.CASE_NOT_FOUND.format(case=case_id))
    station = _station(session)
    window = session.get(Window, case.window)
    clerk = session.get(Clerk, clerk_id or case.owner_clerk_id)
    rows = session.exec(
        select(CaseMaterial).where(CaseMaterial.case_id == case.id).order_by(CaseMaterial.position)  # type: ignore[arg-type]
    ).all()
    materials = tuple(NoticeMaterial(m.name, m.form, m.copies, m.is_main, m.state, m.problem) for m in rows)
    extension = session.exec(select(Extension).where(Extension.case_id == case.id)).first()
    try:
        case_class = CaseClass(case.case_class).label
    except ValueError:
        case_class = case.case_class
    agent = None
    if case.agent_name:
        agent = Person(case.agent_name, case.agent_id_masked or case.agent_id_no,
                       case.agent_phone_masked or case.agent_phone, case.agent_relation)
    values: dict[str, Any] = {
        "kind": kind,
        "issued_at": issued_at or datetime.now().replace(microsecond=0),
        "centre": (station.centre or station.name) if station else "",
        "station": station.name if station else "",
        "window": window_label(window, case.window),
        "case_no": case.case_no,
        "applicant": Person(case.applicant_name, case.applicant_id_masked or case.applicant_id_no,
                            case.applicant_phone_masked or case.applicant_phone),
        "agent": agent,
        "item_name": case.item_name,
        "item_code": case.item_code,
        "case_class": case_class,
        "clerk": clerk.name if clerk else "",
        "promised_date": case.due_date,
        "promised_provisional": case.due_provisional,
        "acceptance_date": case.acceptance_date,
        "materials": tuple(m for m in materials if m.state != "missing"),
        "missing": tuple(m for m in materials if m.state == "missing"),
        "reasons": tuple(r.strip() for r in case.return_reasons.splitlines() if r.strip()),
        "delivery": case.delivery,
        "reprint_at": reprint_at,
        "training": bool(station and station.is_training) if training is None else training,
    }
    if kind is NoticeKind.CHECKLIST:
        values["materials"] = materials
    if kind is NoticeKind.COMPLETION and case.result:  # 办结: the result, a refusal's reasons, where it is posted
        values["result"] = CompletionResult(case.result).label
        values["reasons"] = tuple(r.strip() for r in case.result_reasons.splitlines() if r.strip())
        values["delivery_detail"] = case.delivery_address
    if extension is not None:
        values.update(extension_days=extension.days, extension_reason=extension.reason)
    values.update(overrides)
    return NoticeData(**values)


@dataclass(frozen=True)
class IssueResult:
    notice_id: str
    archive_path: Path
    printed: bool
    message: str  # what the clerk is told about printing (Chinese)
    warnings: tuple[str, ...]  # e.g. the centre's template was broken and the built-in one was used
    document: B.Document


def _archive_bytes(doc: B.Document, data: NoticeData) -> tuple[bytes, str]:
    """The PDF; if no font can draw some character, the text form, so the archive never misses one."""
    from deskclient.services.notices.pdf import FontProblem, render_pdf
    from deskclient.services.notices.text import WIDTH_NEEDLE, render_text

    try:
        return render_pdf(doc, created=data.reprint_at or data.issued_at), "pdf"
    except FontProblem:
        return render_text(doc, WIDTH_NEEDLE).encode("utf-8"), "txt"


def issue_prepared(ledger: Ledger, data: NoticeData, clerk_id: str, *, archive_dir: Path,
                   printer: PrinterSettings | None = None, case_id: str | None = None,
                   reprint_of: str | None = None, template_dir: Path | None = None) -> IssueResult:
    """Issue an already-built notice (handover sheets and pause signs have no case)."""
    check_notice(data)
    doc = render_document(data, data_dir=template_dir, check=False)
    content, ext = _archive_bytes(doc, data)
    path = archive_notice(archive_dir, data, content, ext)
    notice_id = new_id()
    with ledger.write(clerk_id) as tx:
        tx.session.add(Notice(
            id=notice_id, case_id=case_id, kind=data.kind.value, issued_at=data.reprint_at or data.issued_at,
            issued_by=clerk_id, reprint_of=reprint_of, archive_path=str(path), print_state="queued",
            training=data.training,
        ))
        tx.emit(EventType.NOTICE_ISSUED, {
            "notice_id": notice_id, "kind": data.kind.value, "case_no": data.case_no,
            "reprint_of": reprint_of, "archive": path.name, "training": data.training,
        }, case_id=case_id)
    result = _try_print(doc, printer or PrinterSettings(), path if ext == "pdf" else None)
    _record_print(ledger, clerk_id, notice_id, case_id, data.kind, result)
    return IssueResult(notice_id, path, result.ok, result.message, doc.warnings, doc)


def _try_print(doc: B.Document, printer: PrinterSettings, pdf_path: Path | None) -> PrintResult:
    try:
        return print_document(doc, printer, pdf_path=pdf_path)
    except DeskError as exc:  # print_document already catches everything; belt and braces
        return PrintResult(False, exc.message)


SUPERSEDED = "superseded"  # print_state of a queued copy made unnecessary by another printed copy


def _record_print(ledger: Ledger, clerk_id: str, notice_id: str, case_id: str | None, kind: NoticeKind,
                  result: PrintResult) -> None:
    with ledger.write(clerk_id) as tx:
        row = tx.session.get(Notice, notice_id)
        assert row is not None
        if result.ok:
            row.print_state = "printed"
            row.printed_at = tx.now
            row.print_error = ""
            tx.emit(EventType.NOTICE_PRINTED, {"notice_id": notice_id, "kind": kind.value}, case_id=case_id)
            # one printed copy empties the queue of that notice: the original and its earlier reprints
            root = row.reprint_of or row.id
            for other in tx.session.exec(select(Notice).where(
                    (Notice.id == root) | (Notice.reprint_of == root), Notice.id != row.id,
                    Notice.print_state != "printed", Notice.print_state != SUPERSEDED)):
                other.print_state = SUPERSEDED
                tx.session.add(other)
                tx.emit(EventType.NOTICE_SUPERSEDED, {"notice_id": other.id, "by_notice_id": row.id,
                                                      "kind": kind.value}, case_id=case_id)
        else:
            row.print_state = "queued"  # stays in the reprint queue; the case goes on regardless
            row.print_error = result.message
            tx.emit(EventType.NOTICE_PRINT_FAILED, {"notice_id": notice_id, "kind": kind.value,
                                                    "message": result.message}, case_id=case_id)
        tx.session.add(row)


def issue_notice(ledger: Ledger, case_id: str, kind: NoticeKind | str, clerk_id: str, *,
                 archive_dir: Path, printer: PrinterSettings | None = None, reprint_of: str | None = None,
                 template_dir: Path | None = None, training: bool | None = None,
                 **overrides: Any) -> IssueResult:
    """Build, archive, record and try to print a notice for a case. A reprint (``reprint_of`` set)
    carries the 补打 mark with the time of reprinting."""
    now = ledger.clock.now()
    with ledger.read() as session:
        original_at: datetime | None = None
        if reprint_of is not None:
            original = session.get(Notice, reprint_of)
            if original is None or original.case_id != case_id:
                raise ValidationError(T.CASE_NOT_FOUND.format(case=case_id))
            original_at = original.issued_at
        data = notice_data_for_case(
            session, case_id, kind, clerk_id=clerk_id, issued_at=original_at or now,
            reprint_at=now if reprint_of else None, training=training, **overrides,
        )
    return issue_prepared(ledger, data, clerk_id, archive_dir=archive_dir, printer=printer, case_id=case_id,
                          reprint_of=reprint_of, template_dir=template_dir)


def original_notice(ledger: Ledger, case_id: str, kind: NoticeKind | str) -> Notice | None:
    """The case's latest original (not a reprint) notice of this kind: what 补打 reprints."""
    with ledger.read() as session:
        return session.exec(select(Notice).where(Notice.case_id == case_id, Notice.kind == NoticeKind(kind).value,
                                                 Notice.reprint_of == None)  # noqa: E711
                            .order_by(Notice.issued_at.desc())).first()  # type: ignore[attr-defined]


def reprint_notice(ledger: Ledger, case_id: str, kind: NoticeKind | str, clerk_id: str, *, archive_dir: Path,
                   printer: PrinterSettings | None = None, template_dir: Path | None = None,
                   **overrides: Any) -> IssueResult:
    """补打: a copy of the case's original notice with its issue date and number and the 补打 mark,
    never a second original. Raises if the case has no such notice yet."""
    original = original_notice(ledger, case_id, kind)
    if original is None:
        raise ValidationError(T.NOTHING_TO_REPRINT)
    return issue_notice(ledger, case_id, kind, clerk_id, archive_dir=archive_dir, printer=printer,
                        reprint_of=original.id, template_dir=template_dir, **overrides)


__all__ = [
    "IssueResult",
    "issue_notice",
    "issue_prepared",
    "notice_data_for_case",
    "original_notice",
    "reprint_notice",
    "window_label",
]
