"""Covering indexes for the home screen on a 100,000-case ledger.

``(window, status, due_date)`` replaces ``(window, status)``: the overdue / due-soon counts and the
open-at-this-window count read the index only. ``(first_asked_clerk_id, status, window)`` replaces
``(first_asked_clerk_id, status)`` for the count of cases a clerk still follows. ``(window,
created_at, status)`` answers "today at this window" (today's figures, the queue total) without
touching the table. ``(sent_at, set_aside_reason, seq)`` replaces ``(sent_at, seq)`` on the event
table: the outbox filter (unsent and not set aside, by seq) and the home screen's pending count read
the index only. The replaced case indexes are prefixes of the new ones, so no plan gets worse.

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
    op.create_index("ix_event_outbox", "event", ["sent_at", "set_aside_reason", "seq"], unique=False)
    op.drop_index("ix_event_unsent", table_name="event")


def downgrade() -> None:
    op.create_index("ix_event_unsent", "event", ["sent_at", "seq"], unique=False)
    op.drop_index("ix_event_outbox", table_name="event")
    op.create_index("ix_case_first_asked", "case", ["first_asked_clerk_id", "status"], unique=False)
    op.create_index("ix_case_window_status", "case", ["window", "status"], unique=False)
    op.drop_index("ix_case_first_asked_window", table_name="case")
    op.drop_index("ix_case_window_created", table_name="case")
    op.drop_index("ix_case_window_status_due", table_name="case")
