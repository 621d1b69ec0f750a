"""What the screens show about a case's time limits, from ``domain.clocks.case_clocks`` (through
``ctx.case_clock``); falls back to ``Case.due_date`` if the clocks cannot be computed."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import Any

from deskclient.domain.cases import CaseStatus
from deskclient.ui.widgets.case_table import DUE_SOON, OVERDUE

log = logging.getLogger(__name__)


def _fallback(ctx: Any, row: Any, today: date) -> str:
    if row.due_date is None or CaseStatus(row.status) is not CaseStatus.ACCEPTED:
        return ""
    if row.due_date < today:
        return OVERDUE
    left = ctx.calendar.working_days_between(today, row.due_date)
    return DUE_SOON if left <= ctx.rules.due_soon_working_days else ""


def due_states(ctx: Any, rows: Sequence[Any], today: date) -> dict[str, str]:
    """``{case_id: "overdue" | "soon" | ""}`` for a page of queue rows (open cases only)."""
    open_ids = [r.id for r in rows if CaseStatus(r.status).is_open]
    out: dict[str, str] = {}
    try:
        many = ctx.home.clocks_many(open_ids, today)  # plain sqlite3 (services/clock_read.py)
        for cid, clocks in many.items():
            c = clocks.most_urgent
            if c is None:
                continue
            out[cid] = OVERDUE if c.is_overdue else (DUE_SOON if c.due_soon else "")
        return out
    except Exception:
        log.exception("case clocks failed; showing stored due dates")
        return {r.id: _fallback(ctx, r, today) for r in rows}
