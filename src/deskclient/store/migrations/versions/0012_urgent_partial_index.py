"""A partial index of the urgent cases, so the queue's "urgent first" lookup is flat at 1M cases.

``urgent_sql`` (store/queue_sql.py) puts the scope's open 急办件 on top of the first queue page. Planned
on the window/status indexes it read every open case of the window (620 ms at 1M cases, bench_home).
Urgent cases are a handful at any time, so an index holding only them, in queue order, answers the
lookup by reading those few rows; the query hides the other indexes from the planner (``+col`` terms).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_case_urgent", "case", ["created_at", "id"], unique=False,
                    sqlite_where=sa.text("is_urgent = 1"))


def downgrade() -> None:
    op.drop_index("ix_case_urgent", table_name="case")
