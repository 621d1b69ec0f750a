"""Issuing a notice for a case: the ledger row and event, the archive file, and an attempt to print.

Order matters: archive the file first (the applicant's copy exists even if the PC dies next), then
record the Notice row + ``notice.issued`` in one ledger transaction, then try the printer. A printer
problem is recorded as ``notice.print_failed`` with the notice left ``queued`` for reprint; the case
itself is never touched here, so a printer can never block a case.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from deskclient.domain.cases import CaseClass, CompletionResult, MaterialState
from deskclient.domain.errors import DeskError, ValidationError
from deskclient.domain.events import EventType
from deskclient.domain.notices import (
    NoticeData,
    NoticeKind,
    NoticeMaterial,
    Person,
    check_notice,
    confirmed_departments,
    remedy_bodies,
)
from deskclient.domain.pauses import pause_notice_fields
from deskclient.services.notices import blocks as B
from deskclient.services.notices.archive import archive_path
from deskclient.services.notices.printing import PrintResult, print_document
from deskclient.services.notices.render import render_document
from deskclient.settings import PrinterSettings, StationSettings
from deskclient.store.ledger import Ledger, WriteTx, new_id
from deskclient.store.models import Case, CaseMaterial, Clerk, Event, Extension, Notice, Station, Window
from deskclient.strings import notices as T


def window_label(window: Window | None, number: str) -> str:
    if window is None:
        return number
    if window.name:
        return T.WINDOW_LABEL.format(number=window.number, name=window.name)
    return T.WINDOW_LABEL_NO_NAME.format(number=window.number)


def _station(session: Session) -> Station | None:
    return session.exec(select(Station)).first()


def catalog_fields(item: Any) -> dict[str, Any]:
    """What the one-time notification takes from the catalog item (basis, procedure, limit, fee,
    conditions, joint departments). ``item`` is a ``domain.catalog.ServiceItem`` or None.

    Stable API for the desk: ``notice_data_for_case(..., item=item)`` calls it itself."""
    if item is None:
        return {}
    limit = T.TIME_LIMIT_IMMEDIATE if item.is_immediate else T.TIME_LIMIT_DAYS.format(days=item.promised_days)
    basis = tuple(x.strip() for x in item.basis.replace("；", "\n").replace(";", "\n").splitlines() if x.strip())
    return {"basis": basis or (item.basis,), "procedure": tuple(s.name for s in item.steps), "time_limit": limit,
            "fee": item.fee, "fee_basis": item.fee_basis, "conditions": item.conditions,
            "departments": tuple(item.joint_departments)}


def station_fields(settings: StationSettings | None, station: Station | None) -> dict[str, Any]:
    """Progress lookup, complaint line, reconsideration body and court from the station settings;
    the 12345 hotline and the county's government / court where the station set none."""
    s = settings or StationSettings()
    county = (station.county if station else "") or s.county
    body, court = remedy_bodies(county)
    return {
        "progress_phone": s.progress_phone or T.HOTLINE_12345,
        "progress_url": s.progress_url or ("" if s.progress_phone else T.HOTLINE_12345_NAME),
        "complaint_phone": s.complaint_phone or T.HOTLINE_12345,
        "reconsideration_body": s.reconsideration_body or body,
        "court": s.court or court,
    }


def _time_limit(case: Case, extension: Extension | None, given: str) -> str:
    """After an extension the notice shows the extended limit, never the original one alone."""
    if extension is None or not case.promised_days:
        return given or (T.TIME_LIMIT_DAYS.format(days=case.promised_days) if case.promised_days else "")
    return T.TIME_LIMIT_EXTENDED.format(days=case.promised_days + extension.days, original=case.promised_days,
                                        extra=extension.days)


def notice_data_for_case(session: Session, case_id: str, kind: NoticeKind | str, *,
                         clerk_id: str | None = None, issued_at: datetime | None = None,
                         reprint_at: datetime | None = None, training: bool | None = None,
                         station_settings: StationSettings | None = None, item: Any = None,
                         calendar: Any = None, clock_rules: Any = None, doc_no: str = "",
                         **overrides: Any) -> NoticeData:
    """Everything the case's ledger rows, the catalog ``item`` and the station settings say, as a
    NoticeData. ``overrides`` win over all of them; they carry what the clerk confirms at issue:
    ``departments`` (joint), ``result`` / ``refused`` / ``delivery_address`` (completion; taken from
    the completion record when the desk keeps one), ``original_date`` (extension)."""
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
    notes = {m.name: m.notes for m in (item.materials if item is not None else ())}
    materials = tuple(NoticeMaterial(m.name, m.form, m.copies, m.is_main, m.state, m.problem, notes.get(m.name, ""))
                      for m in rows)
    extension = session.exec(select(Extension).where(Extension.case_id == case.id)).first()
    try:
        case_class = CaseClass(case.case_class).label
    except ValueError:
        case_class = ""
    agent = None
    if case.agent_name:
        agent = Person(case.agent_name, case.agent_id_masked or case.agent_id_no,
                       case.agent_phone_masked or case.agent_phone, case.agent_relation)
    received = case.received_at.date() if case.received_at else None
    supplement_due = None
    if kind is NoticeKind.SUPPLEMENT and received is not None and calendar is not None:
        from deskclient.domain.clock_dues import supplement_notice_due
        from deskclient.domain.clock_types import ClockRules

        rules = clock_rules or ClockRules()
        supplement_due = supplement_notice_due(calendar, received, rules.supplement_days,
                                               rules.supplement_working_days).date
    values: dict[str, Any] = {
        "kind": kind,
        "issued_at": issued_at or datetime.now().replace(microsecond=0),
        "centre": station.name if station else "",  # the issuing station, not the county centre
        "county_centre": station.centre if station else "",
        "station": station.code if station else "",
        "window": window_label(window, case.window),
        "case_no": case.case_no,
        "doc_no": doc_no,
        "application_date": case.created_at.date(),
        "received_date": received,
        "supplement_notice_due": supplement_due,
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
        # 已收材料 is a statement under seal: only what was really received, never a 不适用 line.
        "materials": tuple(m for m in materials if m.state == MaterialState.RECEIVED),
        # 补正告知书 / 补报材料通知单: every material missing or needing correction (需补正, with what is wrong)
        "missing": tuple(m for m in materials if m.state in (MaterialState.MISSING, MaterialState.DEFECTIVE)),
        "reasons": tuple(r.strip() for r in case.return_reasons.splitlines() if r.strip()),
        "delivery": case.delivery,
        "completed_at": case.completed_at,
        "department": case.item_department,
        "reprint_at": reprint_at,
        "training": bool(station and station.is_training) if training is None else training,
        **station_fields(station_settings, station),
        **catalog_fields(item),
    }
    if kind is NoticeKind.CHECKLIST:
        values["materials"] = materials
    if kind is NoticeKind.REJECTION:
        values.update(refused=True, legal_article=T.REJECTION_ARTICLE)
    if extension is not None:
        values.update(extension_days=extension.days, extension_reason=extension.reason,
                      **_event_fields(session, case, EventType.CASE_EXTENDED, {"original_date": date}))
    values.update(_completion_record(session, case))
    if kind is NoticeKind.COMPLETION and case.result:  # 办结 as the case row records it (issue #14) wins
        refused = CompletionResult(case.result) is CompletionResult.REFUSED
        values.update(result=CompletionResult(case.result).label, refused=refused,
                      reasons=tuple(r.strip() for r in case.result_reasons.splitlines() if r.strip()))
        if case.delivery_address:
            values.update(delivery_detail=case.delivery_address, delivery_address=case.delivery_address)
    if kind is NoticeKind.CLOCK_PAUSE:  # the latest 特别程序 (art. 45)
        values.update(pause_notice_fields(last_payload(session, case.id, EventType.CASE_CLOCK_PAUSED)))
    if kind is NoticeKind.FOLLOW_UP:  # 容缺受理 (seed 003): the date was fixed at acceptance
        by = str(last_payload(session, case.id, EventType.CASE_ACCEPTED).get("follow_up_by") or "")
        values["follow_up_by"] = date.fromisoformat(by[:10]) if by else None
    if kind is NoticeKind.JOINT:  # 联办部门 as the clerk confirmed them at the desk, over the catalog's list
        confirmed = last_payload(session, case.id, EventType.CASE_JOINT_DEPARTMENTS_CONFIRMED).get("departments")
        if isinstance(confirmed, list) and confirmed:
            values["departments"] = tuple(str(d) for d in confirmed)
    if kind is NoticeKind.URGENT:  # 急办件通知单: from the centre to the lead window, no applicant details
        reason = str(last_payload(session, case.id, EventType.CASE_MARKED_URGENT).get("reason") or "")
        values.update(applicant=None, agent=None, reasons=(reason or T.URGENT_DEFAULT_REASON,))
    values.update(overrides)
    values["time_limit"] = _time_limit(case, extension, values.get("time_limit", ""))
    if values.get("refused") and not values.get("legal_article"):
        values["legal_article"] = T.REJECTION_ARTICLE
    return NoticeData(**values)


def last_payload(session: Session, case_id: str, type_: EventType) -> dict[str, Any]:
    ev = session.exec(select(Event).where(Event.case_id == case_id, Event.type == str(type_))
                      .order_by(col(Event.seq).desc())).first()
    try:
        payload = json.loads(ev.payload or "{}") if ev is not None else {}
    except ValueError:
        payload = {}
    return payload if isinstance(payload, dict) else {}
def _event_fields(session: Session, case: Case, event_type: EventType, wanted: dict[str, type]) -> dict[str, Any]:
    """Fields of the case's latest event of ``event_type`` (dates parsed back from ISO text)."""
    from deskclient.store.models import Event

    row = session.exec(select(Event).where(Event.case_id == case.id, Event.type == event_type.value)
                       .order_by(Event.seq.desc())).first()  # type: ignore[attr-defined]
    payload = _json(row.payload) if row is not None else {}
    out: dict[str, Any] = {}
    for key, kind in wanted.items():
        value = payload.get(key)
        if kind is date and isinstance(value, str):
            try:
                out[key] = date.fromisoformat(value[:10])
            except ValueError:
                continue
        elif isinstance(value, kind):
            out[key] = value
    return out


def _completion_record(session: Session, case: Case) -> dict[str, Any]:
    """The completion result and delivery the desk recorded, when it keeps such a record (issue #14
    adds it): ``result``, ``refused``, ``delivery_address`` from the latest ``case.completed`` event."""
    if case.completed_at is None:
        return {}
    found = _event_fields(session, case, EventType.CASE_COMPLETED,
                          {"result": str, "note": str, "delivery_address": str, "refused": bool})
    note = found.pop("note", "")
    if not found.get("result", "").strip() and note.strip():
        found["result"] = note  # the desk's completion note (说明) until a result of its own is recorded
    return {k: v for k, v in found.items() if not isinstance(v, str) or v.strip()}


def _json(text: Any) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class IssueResult:
    notice_id: str
    archive_path: Path
    printed: bool
    message: str  # what the clerk is told about printing (Chinese)
    warnings: tuple[str, ...]  # e.g. the centre's template was broken and the built-in one was used
    document: B.Document
    settings_hint: bool = False  # the printing fix is in the settings file (say where it is)


def doc_number(tx: WriteTx, data: NoticeData) -> str:
    """文号: the issuing station, the year and a number per station and year, gap-free, taken in the
    same transaction as the notice row (a rolled-back issue gives its number back)."""
    year = data.issued_at.year
    n = tx.next_counter(f"notice_doc_no:{year}")
    return T.DOC_NO.format(issuer=data.centre or data.station, year=year,
                           kind_char=T.DOC_NO_KIND_CHARS.get(data.kind.value, ""), n=n)


_DETAIL_KEYS = ("departments", "result", "refused", "delivery_address", "delivery_detail", "original_date")


def _detail(data: NoticeData) -> str:
    out: dict[str, Any] = {}
    for key in _DETAIL_KEYS:
        value = getattr(data, key)
        if value in ("", (), None):
            continue
        out[key] = list(value) if isinstance(value, tuple) else value.isoformat() if isinstance(value, date) else value
    return json.dumps(out, ensure_ascii=False)


def _restore(detail: str) -> dict[str, Any]:
    out = _json(detail)
    out = {k: v for k, v in out.items() if not k.startswith("_")}  # e.g. the pending archive's document
    if "departments" in out:
        out["departments"] = tuple(out["departments"])
    if "original_date" in out:
        try:
            out["original_date"] = date.fromisoformat(out["original_date"])
        except (TypeError, ValueError):
            out.pop("original_date")
    return out


def _needs_pdf(printer: PrinterSettings) -> bool:
    """A PDF printer prints the archived file itself, so its archive is rendered before printing."""
    return printer.format == "pdf" and printer.kind in ("system", "file")


def issue_prepared(ledger: Ledger, data: NoticeData, clerk_id: str, *, archive_dir: Path,
                   printer: PrinterSettings | None = None, case_id: str | None = None,
                   reprint_of: str | None = None, template_dir: Path | None = None,
                   build: Any = None, defer_archive: bool = False) -> IssueResult:
    """Issue a notice: number it, build its document and record the row + ``notice.issued`` in one
    transaction — no PDF is rendered there. The archive is recorded as pending on the row (it survives
    a crash) and rendered after the commit (``pending.render_archive``): here, at once, unless
    ``defer_archive`` (the desk: its worker runs ``render_pending_archives``) — except for a PDF
    printer, which prints the archived file itself. ``build(session, doc_no)`` (issue_notice's)
    rebuilds the data inside the transaction so the number and the rows it shows are the committed ones."""
    from deskclient.services.notices.pending import pending_detail, render_archive

    printer = printer or PrinterSettings()
    notice_id = new_id()
    with ledger.write(clerk_id) as tx:
        if build is not None:
            data = build(tx.session, "")
        if data.kind.is_about_a_case:
            doc_no = data.doc_no or doc_number(tx, data)
            data = build(tx.session, doc_no) if build is not None else replace(data, doc_no=doc_no)
        check_notice(data)
        doc = render_document(data, data_dir=template_dir, check=False)
        path = archive_path(archive_dir, data, "pdf", unique=notice_id)
        tx.session.add(Notice(
            id=notice_id, case_id=case_id, kind=data.kind.value, issued_at=data.reprint_at or data.issued_at,
            issued_by=clerk_id, reprint_of=reprint_of, archive_path=str(path), print_state="queued",
            training=data.training, doc_no=data.doc_no, detail=pending_detail(_detail(data), doc),
        ))
        tx.emit(EventType.NOTICE_ISSUED, {
            "notice_id": notice_id, "kind": data.kind.value, "case_no": data.case_no, "doc_no": data.doc_no,
            "reprint_of": reprint_of, "archive": path.name, "training": data.training,
        }, case_id=case_id)
    font_warning = ""
    pdf_path: Path | None = None
    if not defer_archive or _needs_pdf(printer):
        archived = render_archive(ledger, notice_id, clerk_id)
        if archived is not None:
            path, font_warning = archived.path, archived.warning
            pdf_path = path if path.suffix == ".pdf" else None
    result = _try_print(doc, printer, pdf_path)
    _record_print(ledger, clerk_id, notice_id, case_id, data.kind, result)
    warnings = (*doc.warnings, font_warning) if font_warning else doc.warnings
    return IssueResult(notice_id, path, result.ok, result.message, warnings, doc, result.settings_hint)


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
                 station_settings: StationSettings | None = None, item: Any = None, calendar: Any = None,
                 clock_rules: Any = None, defer_archive: bool = False, **overrides: Any) -> IssueResult:
    """Build, number, record, archive (``defer_archive``: see :func:`issue_prepared`) and try to print
    a notice for a case. A reprint (``reprint_of``
    set) carries the 补打 mark with the time of reprinting, the original's 文号 and what the clerk
    confirmed on the original (joint departments, completion result)."""
    now = ledger.clock.now()
    original_at: datetime | None = None
    original_no = ""
    if reprint_of is not None:
        with ledger.read() as session:
            original = session.get(Notice, reprint_of)
            if original is None or original.case_id != case_id:
                raise ValidationError(T.CASE_NOT_FOUND.format(case=case_id))
            original_at, original_no = original.issued_at, original.doc_no
            overrides = {**_restore(original.detail), **overrides}

    def build(session: Session, doc_no: str) -> NoticeData:
        return notice_data_for_case(
            session, case_id, kind, clerk_id=clerk_id, issued_at=original_at or now,
            reprint_at=now if reprint_of else None, training=training, station_settings=station_settings,
            item=item, calendar=calendar, clock_rules=clock_rules, doc_no=doc_no or original_no, **overrides,
        )

    with ledger.read() as session:
        data = build(session, original_no)
    return issue_prepared(ledger, data, clerk_id, archive_dir=archive_dir, printer=printer, case_id=case_id,
                          reprint_of=reprint_of, template_dir=template_dir, build=build,
                          defer_archive=defer_archive)


def joint_departments(item: Any) -> tuple[str, ...]:
    """The departments the catalog names for a joint item: what the desk shows the clerk to confirm."""
    return tuple(getattr(item, "joint_departments", ()) or ())


def issue_joint_notice(ledger: Ledger, case_id: str, clerk_id: str, departments: Sequence[str], *,
                       archive_dir: Path, **kwargs: Any) -> IssueResult:
    """Issue the 联办件通知书 with the departments the clerk confirmed (start from
    :func:`joint_departments`; the clerk may add or remove one). Two or more distinct departments."""
    confirmed = confirmed_departments(departments)
    return issue_notice(ledger, case_id, NoticeKind.JOINT, clerk_id, archive_dir=archive_dir,
                        departments=confirmed, **kwargs)
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
    "catalog_fields",
    "doc_number",
    "issue_joint_notice",
    "issue_notice",
    "issue_prepared",
    "joint_departments",
    "last_payload",
    "notice_data_for_case",
    "original_notice",
    "reprint_notice",
    "station_fields",
    "window_label",
]
