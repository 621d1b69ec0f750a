"""The report's per-day read model ``case_day``, kept by triggers on ``case`` in the same transaction
as every write (``store/report_summary.py``): the monthly report reads a few thousand rows whatever
the ledger's size. Filled from the cases already in the ledger.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from alembic import op

from deskclient.store import report_summary

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    report_summary.install(op.execute, returned=False)  # the returned kind came with 0013


def downgrade() -> None:
    for name in report_summary.TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS case_day")
