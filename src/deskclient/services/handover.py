"""AB岗 工作移交: the leaving clerk hands the window's open cases, unprinted notices and drafts to the
window's other post, who confirms with their own PIN; the handover sheet (交接单) is printable.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from sqlalchemy import func
from sqlmodel import Session, col, select

from deskclient.domain.errors import RuleViolation, ValidationError
from deskclient.domain.events import EventType
from deskclient.domain.notices import HandoverLine, NoticeData, NoticeKind
from deskclient.services.desk_base import (
    OPEN_VALUES,
    ROLE_HEAD,
    HandoverResult,
    HandoverView,
    PendingNotice,
    centre_name,
    note_text,
    on_duty_key,
    unsent_count,
)
from deskclient.services.queue import QueueService
from deskclient.store.ledger import new_id, set_value
from deskclient.store.models import Case, Clerk, Draft, Handover, Notice
from deskclient.strings import cases as TC
from deskclient.strings import desk as T


class HandoverService(QueueService):
    """The window's handover between its A and B posts."""

    # --- handover (AB岗 工作移交) ----------------------------------------------------------------------
    def pending_notices(self, window: str) -> list[PendingNotice]:
        """Notices of the window not printed yet (the reprint queue), oldest first."""
        with self.ledger.read() as s:
            clerk_ids = [c.id for c in s.exec(select(Clerk).where(Clerk.window == window))]
            q = (select(Notice, Case.case_no).join(Case, col(Notice.case_id) == col(Case.id), isouter=True)
                 .where(col(Notice.print_state).in_(("queued", "failed")))  # not printed, not superseded
                 .order_by(col(Notice.issued_at)))
            out = []
            for n, case_no in s.exec(q):
                mine = (case_no is not None and self._case_window(s, n.case_id) == window) or (
                    n.case_id is None and n.issued_by in clerk_ids)
                if mine:
                    out.append(PendingNotice(n.id, n.kind, case_no or "", n.issued_at, n.print_state, n.print_error))
        return out

    @staticmethod
    def _case_window(s: Session, case_id: str | None) -> str | None:
        c = s.get(Case, case_id) if case_id else None
        return c.window if c else None

    def handover_view(self, window: str, from_clerk_id: str) -> HandoverView:
        with self.ledger.read() as s:
            w = self._window(s, window)
            self._clerk(s, from_clerk_id)
            drafts = s.exec(select(func.count()).select_from(Draft).where(Draft.clerk_id == from_clerk_id)).one()
            candidates = list(s.exec(select(Clerk).where(Clerk.window == window, Clerk.active == True,  # noqa: E712
                                                         Clerk.id != from_clerk_id, Clerk.role != ROLE_HEAD)
                                     .order_by(Clerk.post, Clerk.login)))
        return HandoverView(window, w.name, from_clerk_id, self.open_cases(window), self.pending_notices(window),
                            unsent_count(self.ctx), int(drafts if not isinstance(drafts, tuple) else drafts[0]),
                            candidates)

    def hand_over(self, *, window: str, from_clerk_id: str, to_login: str, to_pin: str, desk_note: str = "",
                  case_notes: Mapping[str, str] | None = None) -> HandoverResult:
        """B confirms with B's own PIN; from then the window's open cases and new work are B's."""
        to = self.ctx.people.verify_pin((to_login or "").strip(), to_pin or "", purpose="handover")
        with self.ledger.read() as s:
            self._window(s, window)
            frm = self._clerk(s, from_clerk_id)
        if to.id == frm.id:
            raise RuleViolation(T.HANDOVER_SAME_CLERK)
        if to.role == ROLE_HEAD or to.window != window:
            raise RuleViolation(T.HANDOVER_NOT_THIS_WINDOW.format(name=to.name, window=window))
        notes = {k: note_text(v) for k, v in (case_notes or {}).items()}
        view_notices = len(self.pending_notices(window))
        unsent = unsent_count(self.ctx)
        with self.ledger.write(from_clerk_id) as tx:
            cases = list(tx.session.exec(select(Case).where(Case.window == window, col(Case.status).in_(OPEN_VALUES))
                                         .order_by(Case.case_no)))
            for c in cases:
                c.owner_clerk_id = to.id
                c.updated_at = tx.now
                tx.session.add(c)
            kept = {c.id: notes.get(c.id, "") for c in cases}
            h = Handover(id=new_id(), window=window, from_clerk_id=frm.id, to_clerk_id=to.id, at=tx.now,
                         note=note_text(desk_note), open_cases=len(cases),
                         case_notes=json.dumps(kept, ensure_ascii=False, sort_keys=True))
            tx.session.add(h)
            set_value(tx, on_duty_key(window), to.id)
            tx.emit(EventType.DESK_HANDOVER, {
                "handover_id": h.id, "window": window, "from_clerk_id": frm.id, "to_clerk_id": to.id,
                "from_name": frm.name, "to_name": to.name, "confirmed_with_pin": True,
                "open_cases": len(cases), "case_nos": [c.case_no for c in cases],
                "case_notes": {c.case_no: kept[c.id] for c in cases if kept[c.id]},
                "desk_note": h.note, "notices_waiting": view_notices, "unsent_records": unsent,
            })
        sheet = self.handover_sheet(h.id)
        return HandoverResult(h, len(cases), sheet)

    def last_handover(self, window: str) -> Handover | None:
        with self.ledger.read() as s:
            return s.exec(select(Handover).where(Handover.window == window)
                          .order_by(col(Handover.at).desc())).first()

    def handover_sheet(self, handover_id: str) -> NoticeData:
        """The printable 交接单 of a recorded handover."""
        with self.ledger.read() as s:
            h = s.get(Handover, handover_id)
            if h is None:
                raise ValidationError(T.HANDOVER_NOT_FOUND)
            frm, to = s.get(Clerk, h.from_clerk_id), s.get(Clerk, h.to_clerk_id)
            notes: dict[str, str] = json.loads(h.case_notes or "{}")
            cases = [c for c in (s.get(Case, cid) for cid in notes) if c is not None]
            station = self._station(s)
        lines = tuple(HandoverLine(c.case_no, c.item_name, TC.CASE_STATUS_LABELS.get(c.status, c.status),
                                   c.due_date, notes.get(c.id, "")) for c in sorted(cases, key=lambda c: c.case_no))
        return NoticeData(kind=NoticeKind.HANDOVER, issued_at=h.at, centre=centre_name(station),
                          station=station.name if station else "", window=self.window_label(h.window),
                          handover_from=frm.name if frm else "", handover_to=to.name if to else "",
                          handover_cases=lines, note=h.note, training=self.ctx.is_training)
