"""The report's per-day read model (``case_day``, kept by triggers) equals the raw ``GROUP BY`` of the
cases, after generation and after any sequence of inserts, updates and deletes (hypothesis)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
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


COLUMNS = {
    "status": st.sampled_from(["registered", "accepted", "completed", "answered", "returned", "pending"]),
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
), max_size=25)


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
                elif op[0] == "copy":
                    cols = [r[1] for r in conn.exec_driver_sql('PRAGMA table_info("case")')]
                    picked = ", ".join(f'"{c}"' for c in cols if c not in ("id", "case_no"))
                    conn.execute(text(f'INSERT INTO "case" (id, case_no, {picked}) SELECT :n, :no, {picked} '
                                      f'FROM "case" WHERE id = :i'), {"n": f"copy{n}", "no": f"C{n}", "i": case_id})
                else:
                    value = data.draw(COLUMNS[op[2]], label=op[2])
                    conn.execute(text(f'UPDATE "case" SET "{op[2]}" = :v WHERE id = :i'), {"v": value, "i": case_id})
            for window in (None, "1"):
                summary, raw = _both(conn, *ALL, window)
                assert summary == raw
            assert _counts(conn) == Counter(tuple(r) for r in conn.execute(text(report_summary.RAW_COUNTS)))
        finally:
            trans.rollback()
