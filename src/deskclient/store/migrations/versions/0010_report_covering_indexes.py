"""Covering indexes for the reports counted in SQL (``store/report_queries.py``), flat at 1M cases.

The monthly report groups every case registered / accepted / completed in the month by window,
first-asked clerk and day. With ``ix_case_created (created_at)`` etc. each of a month's ~250,000
cases on a 1,000,000-case ledger was a table lookup; widened, the three counts read their index
only. The names stay (the desk's queue walk plans on ``ix_case_created``): the old indexes are
prefixes of the new ones, so no plan gets worse. ``(status, updated_at)`` finds the returned cases
that can have been returned in a period without reading every returned case.

Revision ID: 0010
Revises: 0007
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0008"  # re-chained after #14 (numbered chain)
branch_labels = None
depends_on = None

_WIDE = {
    "ix_case_created": (["created_at"], ["created_at", "window", "first_asked_clerk_id", "case_class", "status"]),
    "ix_case_accepted": (["accepted_at"], ["accepted_at", "window", "first_asked_clerk_id"]),
    "ix_case_completed": (["completed_at"], ["completed_at", "status", "window", "first_asked_clerk_id",
                                             "case_class", "due_date", "created_at"]),
}


def upgrade() -> None:
    for name, (_old, new) in _WIDE.items():
        op.drop_index(name, table_name="case")
        op.create_index(name, "case", new, unique=False)
    op.create_index("ix_case_status_updated", "case", ["status", "updated_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_case_status_updated", table_name="case")
    for name, (old, _new) in _WIDE.items():
        op.drop_index(name, table_name="case")
        op.create_index(name, "case", old, unique=False)
