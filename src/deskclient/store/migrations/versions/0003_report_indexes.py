"""Indexes for the reports: cases accepted / completed in a period.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case") as batch_op:
        batch_op.create_index("ix_case_accepted", ["accepted_at"], unique=False)
        batch_op.create_index("ix_case_completed", ["completed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case") as batch_op:
        batch_op.drop_index("ix_case_completed")
        batch_op.drop_index("ix_case_accepted")
