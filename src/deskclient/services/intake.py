"""Intake at the window: the draft kept on every keystroke, and confirming it.

Confirming is one method and one transaction (:meth:`IntakeService.confirm`): the case is registered,
transferred to the right window when the clerk sends the visitor on (首问负责), and the draft deleted,
or none of it happens. The screens used to do these as three separate writes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from deskclient.store.lite import has_draft

if TYPE_CHECKING:
    from deskclient.services.cases import Intake
    from deskclient.services.context import DeskContext
    from deskclient.store.models import Case, Draft


class IntakeService:
    """Drafts and confirmation of new matters over one context."""

    def __init__(self, ctx: DeskContext) -> None:
        self.ctx = ctx

    def save_draft(self, draft_id: str, clerk_id: str, data: dict[str, Any]) -> None:
        """What the clerk typed so far (no event: a draft is working state, not a ledger fact)."""
        from deskclient.store import drafts

        drafts.save_draft(self.ctx.ledger, draft_id, clerk_id, data)

    def discard_draft(self, draft_id: str) -> None:
        from deskclient.store import drafts

        drafts.delete_draft(self.ctx.ledger, draft_id)

    @staticmethod
    def draft_data(row: Draft) -> dict[str, Any]:
        from deskclient.store import drafts

        return drafts.draft_data(row)

    def latest_draft(self, clerk_id: str) -> Draft | None:
        """The clerk's unconfirmed intake, offered back after sign-in (a light check first: the ORM
        loads the draft only when there is one)."""
        with self.ctx.ledger.lite_read() as con:
            if not has_draft(con, clerk_id):
                return None
        from deskclient.store.queries import latest_draft

        return latest_draft(self.ctx.engine, clerk_id)

    def confirm(self, intake: Intake, clerk_id: str, *, draft_id: str | None = None) -> Case:
        """Register the matter and delete its draft, in one transaction."""
        return self.ctx.cases.register(intake, clerk_id, draft_id=draft_id)

    def confirm_and_transfer(self, intake: Intake, clerk_id: str, *, to_window: str, reason: str,
                             draft_id: str | None = None) -> Case:
        """Register, transfer to ``to_window`` and delete the draft, in one transaction."""
        return self.ctx.cases.register(intake, clerk_id, draft_id=draft_id, transfer_to=to_window,
                                       transfer_reason=reason)
