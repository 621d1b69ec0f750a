"""Drift guard for the light path's plain SQL (issue 20): every table and column it names exists in
``store/models.py``'s metadata. Each query runs against an empty database created from that metadata
alone (not from the migrations), so a renamed or dropped column fails here, not at a counter."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

import pytest

from deskclient.domain.cases import CaseStatus
from deskclient.store import case_events, lite, queue_sql, reminder_queries, report_queries, sign_in_list

NOW = datetime(2026, 11, 24, 9, 30)


@pytest.fixture()
def con() -> sqlite3.Connection:
    from sqlalchemy import create_engine
    from sqlmodel import SQLModel

    import deskclient.store.models  # noqa: F401  (registers every table)

    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    raw = engine.raw_connection()
    con = raw.driver_connection
    assert isinstance(con, sqlite3.Connection)
    con.isolation_level = None
    yield con
    raw.close()


def test_the_light_reads_and_writes_name_only_columns_of_the_models(con: sqlite3.Connection) -> None:
    from deskclient.services import clock_read, home_reads, report_figures
    from deskclient.services.report_figures import ratings_and_complaints

    assert lite.station_row(con) is None
    assert lite.has_draft(con, "x") is False
    assert lite.pending_notice_ids(con) == []
    assert lite.pending_count(con) == 0 and lite.pending_count(con, cap=10) == 0
    assert sign_in_list.active_clerks(con) == []
    assert sign_in_list.pin_state(con, "x") is None
    assert sign_in_list.failed_pins(con, "x") == 0
    sign_in_list.set_pin_state(con, "x", 1, NOW)
    assert case_events.case_events(con, "x") == [] and case_events.case_events_many(con, ["x"]) == {"x": []}
    for scope in queue_sql.SCOPES:
        for text in ("", "张"):
            q = queue_sql.CaseQuery("1", "c", NOW.date(), scope, text)
            assert queue_sql.page_cases(con, q) == [] and queue_sql.count_cases(con, q) == 0
    assert queue_sql.today_counts(con, "1", NOW.date()) == queue_sql.TodayCounts()
    for window in ("1", None):
        assert reminder_queries.reminder_counts(con, window, NOW.date(), date(2026, 11, 30)).count == 0
        assert reminder_queries.first_reminder(con, window, date(2026, 11, 30)) is None
    assert list(report_queries.case_groups(con, datetime(2026, 11, 1), datetime(2026, 12, 1))) == []
    assert list(report_queries.raw_case_groups(con, datetime(2026, 11, 1, 8), datetime(2026, 11, 2), "1")) == []
    assert ratings_and_complaints(con, datetime(2026, 11, 1), datetime(2026, 12, 1), "1") == ([], [])
    assert report_figures.day_figures(con, NOW.date(), "1", now=NOW).registered == 0
    for sql in (home_reads.CURRENT_PAUSE, home_reads.UNFINISHED_CHECKLISTS, home_reads.ANY_OPEN_COMPLAINT,
                home_reads.DUE_SOON_OR_EXAMINING.format(w=" AND window = :w"), clock_read.EXAMINING_IDS):
        con.execute("EXPLAIN " + sql, {"accepted": "a", "examining": "e", "today": "t", "soon": "s", "w": "1"}
                    if ":" in sql else ("1", str(CaseStatus.REGISTERED))[:sql.count("?")])


def test_the_event_writer_writes_every_column_of_the_event_model(con: sqlite3.Connection) -> None:
    from sqlmodel import SQLModel

    from deskclient.store.event_write import EVENT_COLUMNS

    columns = {c.name for c in SQLModel.metadata.tables["event"].columns}
    assert set(EVENT_COLUMNS) == columns  # a new column of the event model must be written here too
    tx = lite.LiteTx(con=con, station="ZX01", clerk_id=None, now=NOW)
    con.execute("BEGIN IMMEDIATE")
    tx.emit("clerk.signed_in", {"clerk_id": "c"})
    tx.emit("clerk.signed_out", {"clerk_id": "c"})
    tx.write_events()
    con.execute("COMMIT")
    assert [r[0] for r in con.execute("SELECT seq FROM event ORDER BY seq")] == [1, 2]


def test_datetimes_and_dates_are_stored_as_the_orm_stores_them(con: sqlite3.Connection) -> None:
    """A row written on the light path compares (in SQL) and reads back (in the ORM) like the ORM's own."""
    from sqlalchemy import create_engine
    from sqlmodel import Session, SQLModel

    from deskclient.store.dbapi import sql_date, sql_dt
    from deskclient.store.models import DeskPause

    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as s:
        s.add(DeskPause(window="1", clerk_id="c", reason="r", started_at=NOW, expected_back=NOW.replace(microsecond=5)))
        s.commit()
        with engine.connect() as conn:
            started, back = conn.exec_driver_sql("SELECT started_at, expected_back FROM deskpause").one()
    assert (started, back) == (sql_dt(NOW), sql_dt(NOW.replace(microsecond=5)))
    assert sql_date(NOW.date()) == "2026-11-24"
