"""Cases remember the item's approving department; the reprint queue gets an index.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case") as batch_op:
        batch_op.add_column(sa.Column("item_department", sa.String(), nullable=False, server_default=""))
    with op.batch_alter_table("notice") as batch_op:
        batch_op.create_index("ix_notice_print_state", ["print_state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notice") as batch_op:
        batch_op.drop_index("ix_notice_print_state")
    with op.batch_alter_table("case") as batch_op:
        batch_op.drop_column("item_department")
