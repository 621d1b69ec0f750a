"""办结 records its result: approved or refused (a refusal keeps its reasons) and, for delivery by
post, the address the result is sent to (local only, never in an event).

Revision ID: 0008
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008"
down_revision = "0007"  # re-chained after #15 (numbered chain)
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case") as batch_op:
        batch_op.add_column(sa.Column("result", sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("result_reasons", sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("delivery_address", sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                      server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("case") as batch_op:
        batch_op.drop_column("delivery_address")
        batch_op.drop_column("result_reasons")
        batch_op.drop_column("result")
