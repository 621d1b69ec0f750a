"""The ledger's write transaction: events and rows together or not at all, gap-free sequences."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from deskclient.domain.clock import FixedClock
from deskclient.domain.events import EventType
from deskclient.store.db import open_ledger
from deskclient.store.ledger import Ledger, LedgerWriteError
from deskclient.store.models import Event, Window

FIXED_NOW = datetime(2026, 11, 24, 9, 30)


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger(open_ledger(tmp_path / "ledger.sqlite"), "ZX01", FixedClock(FIXED_NOW))


def _seqs(ledger: Ledger) -> list[int]:
    with ledger.read() as s:
        return [e.seq for e in s.exec(select(Event).order_by(Event.seq))]


def test_rows_and_events_commit_together(ledger: Ledger) -> None:
    with ledger.write("c1") as tx:
        tx.session.add(Window(number="1", name="民政窗口"))
        ev = tx.emit(EventType.STATION_CONFIGURED, {"windows": ["1"]})
    assert ev.seq == 1
    with ledger.read() as s:
        assert s.get(Window, "1") is not None
        row = s.exec(select(Event)).one()
    assert row.clerk_id == "c1" and row.at == FIXED_NOW
    assert json.loads(row.payload) == {"windows": ["1"]}
    assert row.sent_at is None


def test_failure_mid_transaction_leaves_neither(ledger: Ledger) -> None:
    with ledger.write(None) as tx:
        tx.emit(EventType.STATION_CONFIGURED, {})
    with pytest.raises(RuntimeError), ledger.write(None) as tx:
        tx.session.add(Window(number="2", name="社保窗口"))
        tx.emit(EventType.STATION_CONFIGURED, {"n": 2})
        tx.session.flush()
        raise RuntimeError("power cut simulated")
    with ledger.read() as s:
        assert s.get(Window, "2") is None
    assert _seqs(ledger) == [1]


def test_constraint_failure_rolls_back_the_events(ledger: Ledger) -> None:
    with ledger.write(None) as tx:
        tx.session.add(Window(number="1", name="民政窗口"))
    with pytest.raises(Exception), ledger.write(None) as tx:  # noqa: B017 - any DB error
        tx.emit(EventType.STATION_CONFIGURED, {})
        tx.session.add(Window(number="1", name="重复"))
    assert _seqs(ledger) == []


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.booleans()), min_size=1, max_size=12))
def test_sequences_stay_gap_free(tmp_path_factory: pytest.TempPathFactory,
                                 plan: list[tuple[int, bool]]) -> None:
    """Whatever mix of committed and rolled-back transactions, the committed seqs are 1..N."""
    path = tmp_path_factory.mktemp("seq") / "ledger.sqlite"
    ledger = Ledger(open_ledger(path), "ZX01", FixedClock(FIXED_NOW))
    committed = 0
    for count, fail in plan:
        try:
            with ledger.write(None) as tx:
                for _ in range(count):
                    tx.emit(EventType.STATION_CONFIGURED, {})
                if fail:
                    raise ValueError
        except ValueError:
            continue
        committed += count
    assert _seqs(ledger) == list(range(1, committed + 1))
    ledger.engine.dispose()


def test_concurrent_writers_do_not_collide(ledger: Ledger) -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                with ledger.write(None) as tx:
                    tx.emit(EventType.STATION_CONFIGURED, {})
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _seqs(ledger) == list(range(1, 81))


def test_durability_pragmas(ledger: Ledger) -> None:
    with ledger.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert raw.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_locked_database_gives_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    engine = open_ledger(path)
    ledger = Ledger(engine, "ZX01", FixedClock(FIXED_NOW))
    blocker = sqlite3.connect(path, timeout=0.1)
    blocker.execute("BEGIN IMMEDIATE")
    ledger.engine = _short_timeout_engine(path)
    with pytest.raises(LedgerWriteError) as info, ledger.write(None) as tx:
        tx.emit(EventType.STATION_CONFIGURED, {})
    blocker.rollback()
    blocker.close()
    assert "占用" in info.value.message
    assert _seqs(ledger) == []


def _short_timeout_engine(path: Path):
    from sqlalchemy import event

    from deskclient.store.db import make_engine

    engine = make_engine(path)

    @event.listens_for(engine, "connect")
    def _fast(dbapi_conn, _rec) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout=100")

    return engine


def test_a_non_durable_write_never_leaves_a_connection_non_durable(ledger: Ledger) -> None:
    """Drafts commit with synchronous=OFF for their own transaction only: the next transaction on
    the same pooled connection is FULL again, whoever opens it."""
    from sqlalchemy import text

    levels: list[int] = []
    with ledger.write(None, durable=False) as tx:
        levels.append(tx.session.execute(text("PRAGMA synchronous")).scalar_one())
        tx.session.add(Window(number="9", name="草稿窗口", department=""))
    with ledger.write(None) as tx:
        levels.append(tx.session.execute(text("PRAGMA synchronous")).scalar_one())
    with ledger.engine.connect() as conn:  # a plain Core read after them
        levels.append(conn.execute(text("PRAGMA synchronous")).scalar_one())
    assert levels == [0, 2, 2]  # OFF for that transaction only, FULL (2) after it
    with ledger.read() as s:
        assert s.get(Window, "9") is not None  # committed all the same
