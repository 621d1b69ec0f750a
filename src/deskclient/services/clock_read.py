"""Reading many cases' clocks on the light path (plain sqlite3): the home screen's due marks, the
reminders line's missed milestones and sign-in's "is any deemed acceptance due?" check.

The events come from ``store.case_events`` (the same SQL the ORM side runs on its session's
connection) and the clocks from ``domain.clocks.case_clocks``, so a due mark on home and the clocks on
case detail cannot disagree. Importing this module costs no SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from deskclient.domain.calendar import WorkCalendar
from deskclient.domain.clock_types import CaseClocks, ClockRules
from deskclient.domain.clocks import case_clocks
from deskclient.services.rules import rules_for
from deskclient.settings import Settings
from deskclient.store.case_events import case_events_many
from deskclient.store.ledger import Ledger

EXAMINING_IDS = "SELECT id FROM \"case\" WHERE status = ?"


def clocks_for_cases(ledger: Ledger, case_ids: Iterable[str], today: date | None = None, *,
                     calendar: WorkCalendar, settings: Settings | ClockRules) -> dict[str, CaseClocks]:
    """The clocks of many cases with one query per 500 ids (home screen, handover sheet, head's desk)."""
    ids = list(dict.fromkeys(case_ids))
    rules = rules_for(settings)
    day = today or ledger.clock.today()
    with ledger.lite_read() as con:
        grouped = case_events_many(con, ids)
    return {cid: case_clocks(evs, calendar=calendar, rules=rules, today=day) for cid, evs in grouped.items()}


def deemed_acceptance_due(ledger: Ledger, calendar: WorkCalendar, rules: ClockRules, today: date) -> bool:
    """Whether any 收件待审 case's art. 32 days have run out (the writes then go the ORM's way)."""
    from deskclient.domain.cases import CaseStatus

    with ledger.lite_read() as con:
        ids = [r[0] for r in con.execute(EXAMINING_IDS, (str(CaseStatus.EXAMINING),))]
    if not ids:
        return False
    return any(c.deemed_acceptance_due for c in clocks_for_cases(ledger, ids, today, calendar=calendar,
                                                                  settings=rules).values())
