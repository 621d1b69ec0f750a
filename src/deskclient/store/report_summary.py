"""The ledger's read models: per-day case counts kept by SQLite triggers in the same transaction as
every write to ``case`` (migration 0011), so a month's report reads ~30 days × windows × clerks rows
instead of grouping the month's 440,000 cases of a 1,000,000-case ledger (docs/performance.md).

``case_day`` has one row per (kind, day, window, first-asked clerk, class) with kind

* ``registered`` (class = the case's class): ``n`` cases created that day, ``answered`` of them
  answered enquiries;
* ``accepted`` (class ``''``): ``n`` cases accepted that day;
* ``completed`` (class ``''``): ``n`` completed that day, ``promised`` / ``promised_on_time`` (completed on
  or before the due date), ``immediate`` / ``immediate_secs`` / ``immediate_max`` / ``immediate_within``;
* ``returned`` (class ``''``, migration 0013): ``n`` cases whose status is ``returned`` now, by the day of
  their last return (``case.returned_at``); a case leaving ``returned`` (a 复核 overturned) leaves its day.

``case_count`` has one row per (kind, day, window, clerk, status) with ``n`` cases, kind

* ``created``: by creation day and first-asked clerk (today's figures at a window);
* ``status``: day ``''``, by first-asked clerk (the desk queue's open totals);
* ``due``: by due date, clerk ``''`` (the reminders' overdue / due today / due soon counts).

The home screen reads these instead of counting today's or the open cases (flat from 1k to 1M).

The report rules are those of ``report_queries`` (the raw ``GROUP BY``\\ s, kept for periods that are not whole
days and as the reference a test compares this table with). Triggers fire on every path (services,
bulk generation, sync, hand edits); a later ``batch_alter_table`` on ``case`` (copy and move) drops
triggers, so such a migration must run :data:`DDL_TRIGGERS` again — ``tests/store/test_report_summary.py``
fails on a ledger at head without them.
"""

from __future__ import annotations

from collections.abc import Callable

# Frozen at revision 0011 (literal values, not domain imports: a migration must not change later).
_PROMISED = "'joint', 'promised', 'reported', 'unowned', 'urgent'"
_LIMIT_S = 30 * 60  # IMMEDIATE_LIMIT_MINUTES


def _secs(r: str) -> str:
    return (f"max(0, CAST(round((julianday({r}.completed_at) - julianday({r}.created_at)) * 86400000) AS INTEGER)"
            " / 1000)")


DDL_TABLE = """
CREATE TABLE IF NOT EXISTS case_day (
    kind VARCHAR NOT NULL, day VARCHAR NOT NULL, window VARCHAR NOT NULL, clerk VARCHAR NOT NULL,
    case_class VARCHAR NOT NULL,
    n INTEGER NOT NULL DEFAULT 0, answered INTEGER NOT NULL DEFAULT 0,
    promised INTEGER NOT NULL DEFAULT 0, promised_on_time INTEGER NOT NULL DEFAULT 0,
    immediate INTEGER NOT NULL DEFAULT 0, immediate_secs INTEGER NOT NULL DEFAULT 0,
    immediate_max INTEGER NOT NULL DEFAULT 0, immediate_within INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, day, window, clerk, case_class)
) WITHOUT ROWID
"""


def _add(r: str, returned: bool) -> str:
    """Statements adding row ``r`` (NEW) to its groups."""
    return f"""
INSERT INTO case_day (kind, day, window, clerk, case_class, n, answered)
  SELECT 'registered', substr({r}.created_at, 1, 10), {r}.window, {r}.first_asked_clerk_id, {r}.case_class, 1,
         {r}.status = 'answered' WHERE true
  ON CONFLICT DO UPDATE SET n = n + 1, answered = answered + excluded.answered;
INSERT INTO case_day (kind, day, window, clerk, case_class, n)
  SELECT 'accepted', substr({r}.accepted_at, 1, 10), {r}.window, {r}.first_asked_clerk_id, '', 1
  WHERE {r}.accepted_at IS NOT NULL
  ON CONFLICT DO UPDATE SET n = n + 1;
INSERT INTO case_day (kind, day, window, clerk, case_class, n, promised, promised_on_time, immediate,
                      immediate_secs, immediate_max, immediate_within)
  SELECT 'completed', d, {r}.window, {r}.first_asked_clerk_id, '', 1, p, p AND d <= {r}.due_date, i, i * s, i * s,
         i AND s <= {_LIMIT_S}
  FROM (SELECT substr({r}.completed_at, 1, 10) AS d,
               ({r}.case_class IN ({_PROMISED}) AND {r}.due_date IS NOT NULL) AS p,
               ({r}.case_class = 'immediate') AS i, {_secs(r)} AS s)
  WHERE {r}.status = 'completed' AND {r}.completed_at IS NOT NULL
  ON CONFLICT DO UPDATE SET n = n + 1, promised = promised + excluded.promised,
     promised_on_time = promised_on_time + excluded.promised_on_time, immediate = immediate + excluded.immediate,
     immediate_secs = immediate_secs + excluded.immediate_secs,
     immediate_max = max(immediate_max, excluded.immediate_max),
     immediate_within = immediate_within + excluded.immediate_within;
{_returned_add(r) if returned else ""}
"""


def _returned_add(r: str) -> str:
    """A returned case counts on the day of its last return, while its status is ``returned`` (0013)."""
    return f"""
INSERT INTO case_day (kind, day, window, clerk, case_class, n)
  SELECT 'returned', substr({r}.returned_at, 1, 10), {r}.window, {r}.first_asked_clerk_id, '', 1
  WHERE {r}.status = 'returned' AND {r}.returned_at IS NOT NULL
  ON CONFLICT DO UPDATE SET n = n + 1;
"""


def _sub(r: str, returned: bool) -> str:
    """Statements taking row ``r`` (OLD) out of its groups; the completed group's maximum is read again
    from that day's completed cases of the window (the row is already gone or changed)."""
    reg = (f"kind = 'registered' AND day = substr({r}.created_at, 1, 10) AND window = {r}.window "
           f"AND clerk = {r}.first_asked_clerk_id AND case_class = {r}.case_class")
    ret = (f"kind = 'returned' AND day = substr({r}.returned_at, 1, 10) AND window = {r}.window "
           f"AND clerk = {r}.first_asked_clerk_id AND case_class = ''")
    ret_sub = (f"UPDATE case_day SET n = n - 1 WHERE {ret} AND {r}.status = 'returned' AND {r}.returned_at IS NOT NULL;"
               f"\nDELETE FROM case_day WHERE {ret} AND n = 0;")
    acc = (f"kind = 'accepted' AND day = substr({r}.accepted_at, 1, 10) AND window = {r}.window "
           f"AND clerk = {r}.first_asked_clerk_id AND case_class = ''")
    day = f"substr({r}.completed_at, 1, 10)"
    com = (f"kind = 'completed' AND day = {day} AND window = {r}.window "
           f"AND clerk = {r}.first_asked_clerk_id AND case_class = ''")
    p = f"({r}.case_class IN ({_PROMISED}) AND {r}.due_date IS NOT NULL)"
    i = f"({r}.case_class = 'immediate')"
    done = f"{r}.status = 'completed' AND {r}.completed_at IS NOT NULL"
    return f"""
UPDATE case_day SET n = n - 1, answered = answered - ({r}.status = 'answered') WHERE {reg};
DELETE FROM case_day WHERE {reg} AND n = 0;
UPDATE case_day SET n = n - 1 WHERE {acc} AND {r}.accepted_at IS NOT NULL;
DELETE FROM case_day WHERE {acc} AND n = 0;
UPDATE case_day SET n = n - 1, promised = promised - {p}, promised_on_time = promised_on_time - ({p} AND {day} <= {r}.due_date),
       immediate = immediate - {i}, immediate_secs = immediate_secs - {i} * {_secs(r)},
       immediate_within = immediate_within - ({i} AND {_secs(r)} <= {_LIMIT_S}),
       immediate_max = (SELECT coalesce(max({_secs('c')}), 0) FROM "case" AS c
                        WHERE c.completed_at >= {day} AND c.completed_at < date({day}, '+1 day')
                          AND c.status = 'completed' AND c.window = {r}.window
                          AND c.first_asked_clerk_id = {r}.first_asked_clerk_id AND c.case_class = 'immediate')
  WHERE {com} AND {done};
DELETE FROM case_day WHERE {com} AND n = 0;
{ret_sub if returned else ""}
"""


DDL_COUNT_TABLE = """
CREATE TABLE IF NOT EXISTS case_count (
    kind VARCHAR NOT NULL, day VARCHAR NOT NULL, window VARCHAR NOT NULL, clerk VARCHAR NOT NULL,
    status VARCHAR NOT NULL, n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, day, window, clerk, status)
) WITHOUT ROWID
"""

# case_count's kinds: (key expressions of row r, the condition for r to be counted)
_COUNT_KINDS = {
    "created": ("substr({r}.created_at, 1, 10)", "{r}.first_asked_clerk_id", "true"),
    "status": ("''", "{r}.first_asked_clerk_id", "true"),
    "due": ("substr({r}.due_date, 1, 10)", "''", "{r}.due_date IS NOT NULL"),
}


def _count_add(r: str) -> str:
    out = []
    for kind, (day, clerk, cond) in _COUNT_KINDS.items():
        out.append(f"INSERT INTO case_count (kind, day, window, clerk, status, n) "
                   f"SELECT '{kind}', {day.format(r=r)}, {r}.window, {clerk.format(r=r)}, {r}.status, 1 "
                   f"WHERE {cond.format(r=r)} ON CONFLICT DO UPDATE SET n = n + 1;")
    return "\n".join(out)


def _count_sub(r: str) -> str:
    out = []
    for kind, (day, clerk, cond) in _COUNT_KINDS.items():
        key = (f"kind = '{kind}' AND day = {day.format(r=r)} AND window = {r}.window "
               f"AND clerk = {clerk.format(r=r)} AND status = {r}.status")
        out.append(f"UPDATE case_count SET n = n - 1 WHERE {key} AND {cond.format(r=r)};")
        out.append(f"DELETE FROM case_count WHERE {key} AND n = 0;")
    return "\n".join(out)


_WATCHED = "created_at, window, first_asked_clerk_id, case_class, status, accepted_at, completed_at, due_date"


def trigger_ddl(returned: bool = True) -> tuple[str, ...]:
    """The triggers' DDL; ``returned=False`` is revision 0011's (before ``case.returned_at``, 0013)."""
    watched = _WATCHED + (", returned_at" if returned else "")
    return (
        "DROP TRIGGER IF EXISTS case_day_insert",
        "DROP TRIGGER IF EXISTS case_day_update",
        "DROP TRIGGER IF EXISTS case_day_delete",
        f'CREATE TRIGGER case_day_insert AFTER INSERT ON "case" BEGIN {_add("NEW", returned)} {_count_add("NEW")} END',
        f'CREATE TRIGGER case_day_update AFTER UPDATE OF {watched} ON "case" BEGIN {_sub("OLD", returned)} '
        f'{_count_sub("OLD")} {_add("NEW", returned)} {_count_add("NEW")} END',
        f'CREATE TRIGGER case_day_delete AFTER DELETE ON "case" BEGIN {_sub("OLD", returned)} {_count_sub("OLD")} END',
    )


DDL_TRIGGERS = trigger_ddl()

TRIGGERS = ("case_day_insert", "case_day_update", "case_day_delete")

# The table filled from the cases already in the ledger (the same rules, grouped once).
BACKFILL = f"""
INSERT INTO case_day (kind, day, window, clerk, case_class, n, answered)
  SELECT 'registered', substr(created_at, 1, 10), window, first_asked_clerk_id, case_class, count(*),
         sum(status = 'answered')
  FROM "case" GROUP BY 2, 3, 4, 5;
INSERT INTO case_day (kind, day, window, clerk, case_class, n)
  SELECT 'accepted', substr(accepted_at, 1, 10), window, first_asked_clerk_id, '', count(*)
  FROM "case" WHERE accepted_at IS NOT NULL GROUP BY 2, 3, 4;
INSERT INTO case_day (kind, day, window, clerk, case_class, n, promised, promised_on_time, immediate,
                      immediate_secs, immediate_max, immediate_within)
  SELECT 'completed', d, window, first_asked_clerk_id, '', count(*), sum(p), sum(p AND d <= due_date), sum(i),
         sum(i * s), max(i * s), sum(i AND s <= {_LIMIT_S})
  FROM (SELECT substr(completed_at, 1, 10) AS d, window, first_asked_clerk_id, due_date,
               (case_class IN ({_PROMISED}) AND due_date IS NOT NULL) AS p, (case_class = 'immediate') AS i,
               {_secs('"case"')} AS s
        FROM "case" WHERE status = 'completed' AND completed_at IS NOT NULL)
  GROUP BY 2, 3, 4;
INSERT INTO case_count (kind, day, window, clerk, status, n)
  SELECT 'created', substr(created_at, 1, 10), window, first_asked_clerk_id, status, count(*) FROM "case"
  GROUP BY 2, 3, 4, 5;
INSERT INTO case_count (kind, day, window, clerk, status, n)
  SELECT 'status', '', window, first_asked_clerk_id, status, count(*) FROM "case" GROUP BY 3, 4, 5;
INSERT INTO case_count (kind, day, window, clerk, status, n)
  SELECT 'due', substr(due_date, 1, 10), window, '', status, count(*) FROM "case" WHERE due_date IS NOT NULL
  GROUP BY 2, 3, 5;
"""

# case_day's returned rows filled from the cases (migration 0013, after the column is filled).
BACKFILL_RETURNED = """
INSERT INTO case_day (kind, day, window, clerk, case_class, n)
  SELECT 'returned', substr(returned_at, 1, 10), window, first_asked_clerk_id, '', count(*)
  FROM "case" WHERE status = 'returned' AND returned_at IS NOT NULL GROUP BY 2, 3, 4
"""

# The raw counts case_count must equal (tests): kind, day, window, clerk, status, n.
RAW_COUNTS = """
SELECT 'created', substr(created_at, 1, 10), window, first_asked_clerk_id, status, count(*) FROM "case" GROUP BY 2, 3, 4, 5
UNION ALL SELECT 'status', '', window, first_asked_clerk_id, status, count(*) FROM "case" GROUP BY 3, 4, 5
UNION ALL SELECT 'due', substr(due_date, 1, 10), window, '', status, count(*) FROM "case" WHERE due_date IS NOT NULL
  GROUP BY 2, 3, 5
"""


def install(run: Callable[[str], object], *, returned: bool = True) -> None:
    """Create the table and its triggers and fill it (``run``: executes one SQL statement).
    ``returned=False``: as at revision 0011, before the ``returned`` kind (``install_returned``, 0013)."""
    run(DDL_TABLE)
    run(DDL_COUNT_TABLE)
    for stmt in trigger_ddl(returned):
        run(stmt)
    run("DELETE FROM case_day")
    run("DELETE FROM case_count")
    for stmt in BACKFILL.split(";"):
        if stmt.strip():
            run(stmt)
    if returned:
        run(BACKFILL_RETURNED)


def install_returned(run: Callable[[str], object]) -> None:
    """Add the ``returned`` kind to a ledger at revision 0012 (its ``case.returned_at`` filled)."""
    for stmt in DDL_TRIGGERS:
        run(stmt)
    run("DELETE FROM case_day WHERE kind = 'returned'")
    run(BACKFILL_RETURNED)
