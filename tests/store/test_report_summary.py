"""The report's per-day read model (``case_day``, kept by triggers) equals the raw ``GROUP BY`` of the
cases, after generation and after any sequence of inserts, updates, deletes, returns, 复核 overturns
and second returns (hypothesis); its returned rows and ``case.returned_at`` (set with the return, or
backfilled by migration 0013) equal the figure counted from the ``case.returned`` events."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from deskclient.domain.clock import FixedClock
from deskclient.settings import Mode, Paths
from deskclient.store import report_queries as Q
from deskclient.store import report_summary

NOW = datetime(2026, 11, 24, 10, 0)
ALL = (datetime(2000, 1, 1), datetime(2100, 1, 1))


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from deskclient.services.context import open_context
    from deskclient.services.demo import ensure_demo_station, generate_cases

    root: Path = tmp_path_factory.mktemp("summary") / "desk"
    c = open_context(Paths.resolve(root, Mode.DEMO), clock=FixedClock(NOW))
    ensure_demo_station(c)
    generate_cases(c, 400, days_back=20)
    yield c
    c.close()


def _groups(conn: Any, rows: Any) -> Counter[tuple[Any, ...]]:
    """Groups as a multiset, registered split per class (the values' layout differs only there)."""
    return Counter((kind, win, clerk, day, values) for kind, win, clerk, day, values in rows)


def _both(conn: Any, start: datetime, end: datetime, window: str | None = None) -> tuple[Counter[Any], Counter[Any]]:
    from deskclient.store.dbapi import driver_connection

    raw = driver_connection(conn)  # the report's SQL runs on sqlite3 (store/report_queries.py)
    return (_groups(conn, Q.case_groups(raw, start, end, window)),
            _groups(conn, Q.raw_case_groups(raw, start, end, window)))


# The returned figure counted from the events, as before ``case.returned_at`` (migration 0013): a case
# returned now, on the day of its last case.returned event, else of its last update.
EVENT_RETURNED = """
SELECT window, first_asked_clerk_id, substr(r, 1, 10), count(*) FROM (
  SELECT window, first_asked_clerk_id, coalesce((SELECT max(at) FROM event WHERE event.case_id = "case".id
         AND event.type = 'case.returned'), updated_at) AS r
  FROM "case" WHERE status = 'returned' {w})
GROUP BY 1, 2, 3
"""


def _event_returned(conn: Any, window: str | None = None) -> Counter[tuple[Any, ...]]:
    w, p = ("AND window = :w", {"w": window}) if window else ("", {})
    return Counter(("returned", r[0], r[1] or "", date.fromisoformat(r[2]), (int(r[3]),))
                   for r in conn.execute(text(EVENT_RETURNED.format(w=w)), p))


def _returned(groups: Counter[tuple[Any, ...]]) -> Counter[tuple[Any, ...]]:
    return Counter({k: v for k, v in groups.items() if k[0] == "returned"})


def _counts(conn: Any) -> Counter[tuple[Any, ...]]:
    return Counter(tuple(r) for r in conn.execute(text("SELECT kind, day, window, clerk, status, n FROM case_count")))


def test_the_home_counters_equal_the_raw_counts(ctx: Any) -> None:
    with ctx.engine.connect() as conn:
        counts = _counts(conn)
        assert len(counts) > 20
        assert counts == Counter(tuple(r) for r in conn.execute(text(report_summary.RAW_COUNTS)))


def test_the_triggers_are_installed_at_head(ctx: Any) -> None:
    with ctx.engine.connect() as conn:
        names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
    assert set(report_summary.TRIGGERS) <= names


@pytest.mark.parametrize("window", [None, "1", "2"])
def test_a_month_from_the_read_model_equals_the_raw_count(ctx: Any, window: str | None) -> None:
    with ctx.engine.connect() as conn:
        summary, raw = _both(conn, datetime(2026, 11, 1), datetime(2026, 12, 1), window)
    assert sum(1 for k in raw if k[0] == "completed") > 5  # the ledger has completed cases to compare
    assert summary == raw


def test_the_generated_returns_equal_the_event_derived_figure(ctx: Any) -> None:
    with ctx.engine.connect() as conn:
        summary, raw = _both(conn, *ALL)
        assert sum(_returned(summary).values()) > 5  # the ledger has returned cases to compare
        assert _returned(summary) == _returned(raw) == _event_returned(conn)


COLUMNS = {
    # a case becomes returned only with its event and returned_at (the "return" op), as every writer does
    "status": st.sampled_from(["registered", "accepted", "completed", "answered", "pending"]),
    "case_class": st.sampled_from(["immediate", "promised", "joint", "enquiry", "urgent", "reported"]),
    "window": st.sampled_from(["1", "2", "3"]),
    "completed_at": st.one_of(st.none(), st.datetimes(datetime(2026, 11, 1), datetime(2026, 11, 30))
                              .map(lambda d: d.isoformat(sep=" "))),
    "accepted_at": st.one_of(st.none(), st.datetimes(datetime(2026, 11, 1), datetime(2026, 11, 30))
                             .map(lambda d: d.isoformat(sep=" "))),
    "created_at": st.datetimes(datetime(2026, 11, 1), datetime(2026, 11, 30)).map(lambda d: d.isoformat(sep=" ")),
    "due_date": st.one_of(st.none(), st.dates().filter(lambda d: d.year == 2026).map(str)),
}
OPS = st.lists(st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 399)),
    st.tuples(st.just("copy"), st.integers(0, 399)),
    st.tuples(st.just("update"), st.integers(0, 399), st.sampled_from(sorted(COLUMNS))),
    st.tuples(st.just("return"), st.integers(0, 399)),  # a return (again, if it was returned before)
    st.tuples(st.just("overturn"), st.integers(0, 399)),  # a 复核 overturned: it leaves returned
), max_size=25)


def _return(conn: Any, case_id: str, at: datetime, n: int) -> None:
    """What ``confirm_outcome(REJECT)`` writes: the event and the case's status and return time."""
    conn.execute(text("INSERT INTO event (id, station, seq, at, type, case_id, payload, set_aside_reason) "
                      "VALUES (:id, 'HYP', :n, :at, 'case.returned', :c, '{}', '')"),
                 {"id": f"hyp{n}", "n": n, "at": at.isoformat(sep=" "), "c": case_id})
    conn.execute(text('UPDATE "case" SET status = \'returned\', returned_at = :at, updated_at = :at WHERE id = :i'),
                 {"at": at.isoformat(sep=" "), "i": case_id})


def _copy_events(conn: Any, case_id: str, copy_id: str, n: int) -> None:
    rows = conn.execute(text("SELECT at FROM event WHERE case_id = :i AND type = 'case.returned'"),
                        {"i": case_id}).all()
    for k, (at,) in enumerate(rows):
        conn.execute(text("INSERT INTO event (id, station, seq, at, type, case_id, payload, set_aside_reason) "
                          "VALUES (:id, 'HYPC', :n, :at, 'case.returned', :c, '{}', '')"),
                     {"id": f"hypc{n}-{k}", "n": n * 1000 + k, "at": at, "c": copy_id})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS, data=st.data())
def test_after_any_writes_the_read_model_equals_the_raw_count(ctx: Any, ops: list[tuple[Any, ...]],
                                                              data: st.DataObject) -> None:
    with ctx.engine.connect() as conn:
        trans = conn.begin()
        try:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")  # rolled back: events may point at a case
            ids = [r[0] for r in conn.execute(text('SELECT id FROM "case" ORDER BY id'))]
            for n, op in enumerate(ops):
                case_id = ids[op[1] % len(ids)]
                if op[0] == "delete":
                    conn.execute(text('DELETE FROM "case" WHERE id = :i'), {"i": case_id})
                elif op[0] == "return":  # later than every earlier event, as a clerk's clock is
                    _return(conn, case_id, NOW + timedelta(hours=7 * n + 1), n)
                elif op[0] == "overturn":
                    conn.execute(text('UPDATE "case" SET status = \'registered\', updated_at = :at '
                                      'WHERE id = :i AND status = \'returned\''),
                                 {"i": case_id, "at": (NOW + timedelta(hours=7 * n + 1)).isoformat(sep=" ")})
                elif op[0] == "copy":
                    cols = [r[1] for r in conn.exec_driver_sql('PRAGMA table_info("case")')]
                    picked = ", ".join(f'"{c}"' for c in cols if c not in ("id", "case_no"))
                    conn.execute(text(f'INSERT INTO "case" (id, case_no, {picked}) SELECT :n, :no, {picked} '
                                      f'FROM "case" WHERE id = :i'), {"n": f"copy{n}", "no": f"C{n}", "i": case_id})
                    _copy_events(conn, case_id, f"copy{n}", n)
                else:
                    value = data.draw(COLUMNS[op[2]], label=op[2])
                    conn.execute(text(f'UPDATE "case" SET "{op[2]}" = :v WHERE id = :i'), {"v": value, "i": case_id})
            for window in (None, "1"):
                summary, raw = _both(conn, *ALL, window)
                assert summary == raw
                assert _returned(summary) == _event_returned(conn, window)
            assert _counts(conn) == Counter(tuple(r) for r in conn.execute(text(report_summary.RAW_COUNTS)))
        finally:
            trans.rollback()


def test_migration_0013_fills_returned_at_and_the_read_model_from_the_events(tmp_path: Path) -> None:
    """A ledger left at 0012 by an older program (returned cases, one returned, overturned and returned
    again, one returned by a hand edit without its event) migrates to figures equal to the events'."""
    from alembic import command

    from deskclient.services.context import open_context
    from deskclient.services.demo import ensure_demo_station, generate_cases
    from deskclient.store.db import head_revision, stored_revision
    from deskclient.store.migrations.runner import alembic_config

    paths = Paths.resolve(tmp_path / "desk", Mode.DEMO)
    c = open_context(paths, clock=FixedClock(NOW))
    ensure_demo_station(c)
    generate_cases(c, 300, days_back=10)
    command.downgrade(alembic_config(c.engine), "0012")
    with c.engine.begin() as conn:
        assert "returned_at" not in {r[1] for r in conn.exec_driver_sql('PRAGMA table_info("case")')}
        ids = [r[0] for r in conn.execute(text('SELECT id FROM "case" WHERE status = \'accepted\' LIMIT 2'))]
        # returned twice (the second later): counted on the second return's day
        for n, at in enumerate((datetime(2026, 11, 20, 9), datetime(2026, 11, 22, 15))):
            conn.execute(text("INSERT INTO event (id, station, seq, at, type, case_id, payload, set_aside_reason) "
                              "VALUES (:id, 'OLD', :n, :at, 'case.returned', :c, '{}', '')"),
                         {"id": f"old{n}", "n": n + 1, "at": at.isoformat(sep=" "), "c": ids[0]})
        conn.execute(text('UPDATE "case" SET status = \'returned\', updated_at = \'2026-11-23 08:00:00\' '
                          'WHERE id = :i'), {"i": ids[0]})
        # returned by a hand edit, no event: counted on its last update's day
        conn.execute(text('UPDATE "case" SET status = \'returned\', updated_at = \'2026-11-21 10:00:00\' '
                          'WHERE id = :i'), {"i": ids[1]})
    c.close()
    assert stored_revision(paths.ledger_file) == "0012"

    c = open_context(paths, clock=FixedClock(NOW))  # upgraded to head on opening
    try:
        assert stored_revision(paths.ledger_file) == head_revision()
        with c.engine.connect() as conn:
            got = dict(conn.execute(text('SELECT id, returned_at FROM "case" WHERE id IN (:a, :b)'),
                                    {"a": ids[0], "b": ids[1]}).all())
            assert got == {ids[0]: "2026-11-22 15:00:00", ids[1]: "2026-11-21 10:00:00"}
            summary, raw = _both(conn, *ALL)
            assert sum(_returned(summary).values()) > 5
            assert _returned(summary) == _returned(raw) == _event_returned(conn)
            assert summary == raw
    finally:
        c.close()
