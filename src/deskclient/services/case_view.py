"""Everything case detail shows about one case, read in one place: the row, its checklist lines, its
timeline, notices, transfers, the names of the clerks involved, its clocks, and whether it was rated;
plus the facts :func:`deskclient.domain.case_actions.allowed_actions` decides on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import select

from deskclient.domain.case_actions import CaseAction, CaseFacts, allowed_actions
from deskclient.domain.cases import CaseClass, CaseStatus
from deskclient.domain.clock_types import CaseClocks, ClockKind
from deskclient.store.models import Case, CaseMaterial, Notice, Rating, Review, Transfer
from deskclient.store.queries import TimelineEntry, case_notices, case_timeline, case_transfers, clerk_names

if TYPE_CHECKING:
    from deskclient.services.context import DeskContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CaseDetail:
    case: Case
    materials: list[CaseMaterial]
    timeline: list[TimelineEntry]
    notices: list[Notice]
    transfers: list[Transfer]
    names: dict[str, str]
    clocks: CaseClocks | None  # None if they could not be computed (the stored due date shows)
    rated: bool
    open_review: bool = False  # an applicant's 复核 request waits for the head's decision

    @property
    def facts(self) -> CaseFacts:
        c = self.case
        return CaseFacts(status=CaseStatus(c.status), case_class=CaseClass(c.case_class),
                         item_class=CaseClass(c.item_class), is_urgent=c.is_urgent,
                         has_due_date=c.due_date is not None,
                         clock_paused=self.clocks is not None and self.clocks.open_pause is not None,
                         extended=self.clocks is not None and self.clocks.extended, rated=self.rated,
                         open_review=self.open_review,
                         result_returned=self.clocks is not None and any(
                             m.kind is ClockKind.DEPARTMENT_RETURN and m.finished_on is not None
                             for m in self.clocks.milestones))

    @property
    def actions(self) -> frozenset[CaseAction]:
        return allowed_actions(self.facts)


class CaseViewService:
    """Read-only views of one case (``ctx.case_view``)."""

    def __init__(self, ctx: DeskContext) -> None:
        self.ctx = ctx

    def detail(self, case_id: str) -> CaseDetail:
        ctx = self.ctx
        case = ctx.cases.get(case_id)
        notices = case_notices(ctx.engine, case_id)
        names = clerk_names(ctx.engine, [case.first_asked_clerk_id, case.owner_clerk_id,
                                         *[n.issued_by for n in notices]])
        with ctx.ledger.read() as s:
            rated = s.exec(select(Rating).where(Rating.case_id == case_id)).first() is not None
            review = s.exec(select(Review).where(Review.case_id == case_id, Review.decision == "")).first()
        return CaseDetail(case, ctx.cases.materials(case_id), case_timeline(ctx.engine, case_id), notices,
                          case_transfers(ctx.engine, case_id), names, self.clocks(case_id), rated,
                          open_review=review is not None)

    def clocks(self, case_id: str) -> CaseClocks | None:
        """The case's clocks, or None if they cannot be computed (the screen shows the stored due date)."""
        try:
            return self.ctx.case_clock.clocks(case_id, self.ctx.clock.today())
        except Exception:
            log.exception("case clocks failed for the detail screen")
            return None
