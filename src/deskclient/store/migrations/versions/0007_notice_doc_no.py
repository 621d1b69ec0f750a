"""Notices carry their document number (文号) and what the clerk confirmed when issuing them.

A reprint must show the same 文号 and the same confirmed content (joint departments, completion
result, delivery address) as the original, so both are kept on the notice row.

Revision ID: 0007
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notice") as batch_op:
        batch_op.add_column(sa.Column("doc_no", sa.String(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("detail", sa.String(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("notice") as batch_op:
        batch_op.drop_column("detail")
        batch_op.drop_column("doc_no")
