"""The reminders line as counts plus one row: cost independent of how many cases are overdue.

The home screen shows "overdue N · due today N · due soon N" and the most urgent case. Loading
every accepted case due by the soon-date as an ORM object took 421 ms on a 1,000,000-case ledger
(1.9 s for the head, who sees every window). Here the three counts are index-only over
``ix_case_window_status_due (window, status, due_date)`` — or ``ix_case_status_due (status,
due_date)`` for the head — and the first row is one ``LIMIT 1`` walk of the same index in due-date
order. The full lists (the day screen's) stay a separate, explicitly bounded read. Plain SQL on a sqlite3
connection: the home screen runs it on the light connection (``services/home_reads.py``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from deskclient.domain.cases import CaseStatus

_ACCEPTED = str(CaseStatus.ACCEPTED)


@dataclass(frozen=True)
class ReminderCounts:
    overdue: int
    due_today: int
    due_soon: int

    @property
    def count(self) -> int:
        return self.overdue + self.due_today + self.due_soon


@dataclass(frozen=True)
class ReminderRow:
    """The most urgent case (earliest due date; urgent ones first on the same day)."""

    id: str
    case_no: str
    window: str
    item_name: str
    applicant_name: str
    status: str
    case_class: str
    due_date: date
    due_provisional: bool
    owner_clerk_id: str | None
    is_urgent: bool


def _scope(window: str | None) -> tuple[str, dict[str, Any]]:
    if window is None:
        return "", {}
    return "window = :w AND ", {"w": window}


def reminder_counts(conn: sqlite3.Connection, window: str | None, today: date, soon_until: date) -> ReminderCounts:
    """Accepted cases due before ``today``, on it, and after it up to ``soon_until`` (inclusive), summed
    from the per-due-date counters ``case_count`` (kept by triggers: one row per due date and window)."""
    where, params = _scope(window)
    sql = (f"""
        SELECT sum(n * (day < :today)), sum(n * (day = :today)), sum(n * (day > :today))
        FROM case_count WHERE kind = 'due' AND {where}status = :st AND day <= :soon""")
    row = conn.execute(sql, {**params, "st": _ACCEPTED, "today": today.isoformat(),
                             "soon": soon_until.isoformat()}).fetchone()
    return ReminderCounts(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0))


def first_reminder(conn: sqlite3.Connection, window: str | None, soon_until: date) -> ReminderRow | None:
    """The case the reminders line names: earliest due date, urgent first, then by case number."""
    where, params = _scope(window)
    sql = (f"""
        SELECT id, case_no, window, item_name, applicant_name, status, case_class, due_date, due_provisional,
               owner_clerk_id, is_urgent
        FROM "case" WHERE {where}status = :st AND due_date IS NOT NULL AND due_date <= :soon
        ORDER BY due_date, is_urgent DESC, case_no LIMIT 1""")
    r = conn.execute(sql, {**params, "st": _ACCEPTED, "soon": soon_until.isoformat()}).fetchone()
    if r is None:
        return None
    return ReminderRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], date.fromisoformat(str(r[7])[:10]), bool(r[8]),
                       r[9], bool(r[10]))
