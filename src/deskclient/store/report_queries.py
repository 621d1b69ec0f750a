"""The report's case figures aggregated in SQLite: one grouped row per (window, clerk, day, ...).

A monthly report on a 1,000,000-case ledger used to load every case something happened to in the
month (~250,000 rows) into Python: 17.8 s and 370 MB. Here each happening (registered, accepted,
returned, completed) is one ``GROUP BY`` over its own timestamp index, returning a few thousand
small rows whatever the ledger's size; ``services/reports.py`` adds them into the domain's
``Summary`` (``domain/reports.py`` keeps the shapes and the pure reference ``summarize``;
``tests/desk/test_reports.py`` checks both against SQL written independently). Plain SQL on a sqlite3
connection (the light path's, or the one under an engine's connection: ``store.dbapi.driver_connection``),
so the home screen's 今日 line is counted without importing SQLAlchemy.

Rules as in ``domain.reports.summarize``: credited to the first-asked clerk; a returned case counts
while its status is ``returned``, on the day of its last return (``case.returned_at``, set with the
``case.returned`` event; for cases returned before migration 0013: that event, else their last
update); a completed promised case is on time when completed on or before its due date; an immediate case is within the limit when finished
within ``IMMEDIATE_LIMIT_MINUTES`` of registration (whole seconds, as ``int(total_seconds())``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from deskclient.domain.cases import IMMEDIATE_LIMIT_MINUTES, CaseClass, CaseStatus
from deskclient.domain.reports import PROMISED_CLASSES

_PROMISED = ", ".join(f"'{c}'" for c in sorted(PROMISED_CLASSES))
# whole seconds from registration to completion; julianday is exact to well under a millisecond
_SECONDS = ("max(0, CAST(round((julianday(completed_at) - julianday(created_at)) * 86400000) AS INTEGER) / 1000)")

_REGISTERED = f"""
SELECT window, first_asked_clerk_id, substr(created_at, 1, 10) AS day, case_class, count(*),
       sum(status = '{CaseStatus.ANSWERED}')
FROM "case" WHERE created_at >= :s AND created_at < :e {{w}}
GROUP BY window, first_asked_clerk_id, day, case_class
"""
_ACCEPTED = """
SELECT window, first_asked_clerk_id, substr(accepted_at, 1, 10) AS day, count(*)
FROM "case" WHERE accepted_at >= :s AND accepted_at < :e {w}
GROUP BY window, first_asked_clerk_id, day
"""
_RETURNED = f"""
SELECT window, first_asked_clerk_id, substr(returned_at, 1, 10) AS day, count(*)
FROM "case" WHERE status = '{CaseStatus.RETURNED}' AND returned_at >= :s AND returned_at < :e {{w}}
GROUP BY window, first_asked_clerk_id, day
"""
_COMPLETED = f"""
SELECT window, first_asked_clerk_id, day, count(*), sum(promised), sum(promised AND day <= due_date),
       sum(immediate), sum(immediate * secs), max(immediate * secs),
       sum(immediate AND secs <= {IMMEDIATE_LIMIT_MINUTES * 60})
FROM (
  SELECT window, first_asked_clerk_id, substr(completed_at, 1, 10) AS day, due_date,
         (case_class IN ({_PROMISED}) AND due_date IS NOT NULL) AS promised,
         (case_class = '{CaseClass.IMMEDIATE}') AS immediate, {_SECONDS} AS secs
  FROM "case" WHERE +status = '{CaseStatus.COMPLETED}' AND completed_at >= :s AND completed_at < :e {{w}}
)
GROUP BY window, first_asked_clerk_id, day
"""


def _params(start: datetime, end: datetime, window: str | None) -> tuple[dict[str, Any], str]:
    params: dict[str, Any] = {"s": start.isoformat(sep=" "), "e": end.isoformat(sep=" ")}
    if window is None:
        return params, ""
    params["w"] = window
    return params, "AND window = :w"


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


_SUMMARY = """
SELECT kind, window, clerk, day, case_class, n, answered, promised, promised_on_time, immediate, immediate_secs,
       immediate_max, immediate_within
FROM case_day WHERE day >= :sd AND day < :ed {w}
"""


def _whole_days(start: datetime, end: datetime) -> bool:
    return start.time() == end.time() == datetime.min.time()


def case_groups(conn: sqlite3.Connection, start: datetime, end: datetime, window: str | None = None
                ) -> Iterator[tuple[str, str, str, date, tuple[int, ...]]]:
    """(kind, window, clerk id, day, values) per group, kind one of registered / accepted / returned /
    completed. values: registered (case_class, count, answered); accepted and returned (count,);
    completed (count, promised, promised on time, immediate, immediate seconds, immediate max
    seconds, immediate within the limit).

    Whole-day periods (every report's, the home screen's 今日) read every kind from the per-day read
    model ``case_day`` (``store/report_summary.py``, kept by triggers): flat in the ledger's size."""
    params, w = _params(start, end, window)
    if _whole_days(start, end):
        yield from _summary_groups(conn, start, end, params, w)
        return
    yield from raw_case_groups(conn, start, end, window)


def _summary_groups(conn: sqlite3.Connection, start: datetime, end: datetime, params: dict[str, Any], w: str
                    ) -> Iterator[tuple[str, str, str, date, tuple[int, ...]]]:
    p = dict(params, sd=start.date().isoformat(), ed=end.date().isoformat())
    for r in conn.execute(_SUMMARY.format(w=w), p):
        kind, win, clerk, day = r[0], r[1], r[2] or "", _day(r[3])
        if kind == "registered":
            yield kind, win, clerk, day, (r[4], int(r[5]), int(r[6]))
        elif kind in ("accepted", "returned"):
            yield kind, win, clerk, day, (int(r[5]),)
        else:
            yield kind, win, clerk, day, (int(r[5]), *(int(x) for x in r[7:13]))


def raw_case_groups(conn: sqlite3.Connection, start: datetime, end: datetime, window: str | None = None
                    ) -> Iterator[tuple[str, str, str, date, tuple[int, ...]]]:
    """The same groups counted from the ``case`` rows (any period; the reference for ``case_day``)."""
    params, w = _params(start, end, window)
    for r in conn.execute(_REGISTERED.format(w=w), params):
        yield "registered", r[0], r[1] or "", _day(r[2]), (r[3], int(r[4]), int(r[5] or 0))
    for r in conn.execute(_ACCEPTED.format(w=w), params):
        yield "accepted", r[0], r[1] or "", _day(r[2]), (int(r[3]),)
    for r in conn.execute(_RETURNED.format(w=w), params):
        yield "returned", r[0], r[1] or "", _day(r[2]), (int(r[3]),)
    for r in conn.execute(_COMPLETED.format(w=w), params):
        yield "completed", r[0], r[1] or "", _day(r[2]), tuple(int(x or 0) for x in r[3:])
