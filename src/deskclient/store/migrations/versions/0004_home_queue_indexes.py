"""Covering indexes for the home screen on a 100,000-case ledger.

``(window, status, due_date)`` replaces ``(window, status)``: the overdue / due-soon counts and the
open-at-this-window count read the index only. ``(first_asked_clerk_id, status, window)`` replaces
``(first_asked_clerk_id, status)`` for the count of cases a clerk still follows. ``(window,
created_at, status)`` answers "today at this window" (today's figures, the queue total) without
touching the table. The replaced indexes are prefixes of the new ones, so no plan gets worse.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_case_window_status_due", "case", ["window", "status", "due_date"], unique=False)
    op.create_index("ix_case_window_created", "case", ["window", "created_at", "status"], unique=False)
    op.create_index("ix_case_first_asked_window", "case", ["first_asked_clerk_id", "status", "window"],
                    unique=False)
    op.drop_index("ix_case_window_status", table_name="case")
    op.drop_index("ix_case_first_asked", table_name="case")


def downgrade() -> None:
    op.create_index("ix_case_first_asked", "case", ["first_asked_clerk_id", "status"], unique=False)
    op.create_index("ix_case_window_status", "case", ["window", "status"], unique=False)
    op.drop_index("ix_case_first_asked_window", table_name="case")
    op.drop_index("ix_case_window_created", table_name="case")
    op.drop_index("ix_case_window_status_due", table_name="case")
