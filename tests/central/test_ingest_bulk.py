"""The office's bulk ingest paths (issue #17's speed work) keep every guarantee: an event is
confirmed only when stored with exactly its content, an id held at another seq is a conflict
(found before ``COPY`` on PostgreSQL), and text no column can store is found in any string."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, select

from deskclient.central import db as cdb
from deskclient.central.admin import add_station
from deskclient.central.ingest import ingest
from deskclient.central.limits import has_bad_text
from deskclient.domain.events import content_hash

LEDGER = "L" * 16


def _event(seq: int, eid: str | None = None, item: str = "城乡居民基本养老保险参保登记") -> dict:
    return {"id": eid or f"{seq:08d}ev{'a' * 22}", "seq": seq, "at": f"2026-11-02T09:{seq // 60 % 60:02d}:{seq % 60:02d}",
            "clerk_id": "c" * 32, "type": "case.registered", "case_id": f"{seq:032d}",
            "payload": {"case_no": f"ZX01-{seq:05d}", "item_name": item, "window": "1"}}


def _hash(e: dict) -> str:
    return content_hash(e["id"], e["seq"], e["at"], e["clerk_id"], e["type"], e["case_id"], e["payload"])


def test_bulk_batches_are_confirmed_event_by_event(office_engine: Engine) -> None:
    add_station(office_engine, "ZX01", "示例镇")
    sent = [_event(s) for s in range(1, 1201)]
    for i in range(0, len(sent), 400):
        result = ingest(office_engine, "ZX01", json.loads(json.dumps(sent[i:i + 400])), ledger_id=LEDGER)
        assert [(c["id"], c["seq"], c["hash"]) for c in result.confirmed] == [
            (e["id"], e["seq"], _hash(e)) for e in sent[i:i + 400]]
        assert result.stored == 400 and not result.conflicts
    with office_engine.connect() as conn:
        held = {r.seq: r for r in conn.execute(select(cdb.events))}
        cases = {r.case_id: r for r in conn.execute(select(cdb.cases))}
    assert sorted(held) == list(range(1, 1201))
    for e in sent:
        row = held[e["seq"]]
        assert (row.event_id, row.at, row.type, row.case_id, json.loads(row.payload)) == (
            e["id"], e["at"], e["type"], e["case_id"], e["payload"])
        assert cases[e["case_id"]].case_no == e["payload"]["case_no"] and cases[e["case_id"]].status == "registered"
    again = ingest(office_engine, "ZX01", sent[:400], ledger_id=LEDGER)
    assert again.duplicates == 400 and again.stored == 0 and len(again.confirmed) == 400


def test_id_held_at_another_seq_is_a_conflict_not_a_confirmation(office_engine: Engine) -> None:
    add_station(office_engine, "ZX01", "示例镇")
    first = [_event(s) for s in range(1, 11)]
    ingest(office_engine, "ZX01", first, ledger_id=LEDGER)
    # seq 11..20, but seq 15 carries the id already held at seq 3
    batch = [_event(s) for s in range(11, 21)]
    batch[4] = _event(15, eid=first[2]["id"])
    result = ingest(office_engine, "ZX01", batch, ledger_id=LEDGER)
    assert [c["seq"] for c in result.conflicts] == [15]
    assert sorted(c["seq"] for c in result.confirmed) == [s for s in range(11, 21) if s != 15]
    with office_engine.connect() as conn:
        held = {r.seq: r.event_id for r in conn.execute(select(cdb.events.c.seq, cdb.events.c.event_id))}
        conflict = conn.execute(select(cdb.conflicts)).one()
    assert 15 not in held and held[3] == first[2]["id"]
    assert conflict.seq == 15 and conflict.held_id == first[2]["id"]


def test_id_twice_in_one_batch_is_a_conflict_not_a_failed_batch(office_engine: Engine) -> None:
    """Two events of one batch with the same id: the first is stored, the second is a conflict (on
    PostgreSQL the batch must not go through ``COPY``, which would fail the whole batch for ever)."""
    add_station(office_engine, "ZX01", "示例镇")
    batch = [_event(s) for s in range(1, 7)]
    batch[4] = _event(5, eid=batch[1]["id"])
    result = ingest(office_engine, "ZX01", batch, ledger_id=LEDGER)
    assert [c["seq"] for c in result.conflicts] == [5]
    assert sorted(c["seq"] for c in result.confirmed) == [1, 2, 3, 4, 6]
    with office_engine.connect() as conn:
        held = {r.seq: r.event_id for r in conn.execute(select(cdb.events.c.seq, cdb.events.c.event_id))}
    assert held == {s: batch[s - 1]["id"] for s in (1, 2, 3, 4, 6)}


@pytest.mark.parametrize(("value", "bad"), [
    ({"a": "plain 中文", "b": [1, 2.5, None, True, {"c": "d"}]}, False),
    ({"a": "x\x00y"}, True),
    ({"a": ["ok", {"b": "\ud800"}]}, True),
    ({"\udc00": 1}, True),
    ({"a": "\\u0000"}, False),  # a backslash and the letters u0000: harmless text
    ({"a": "\\\x00"}, True),  # a backslash, then a real NUL
    ({"a": "\\\\u0000"}, False),
    ({1: "x", "k": 3}, False),
    ({("t", "\x00"): 1}, True),  # not JSON: walked
])
def test_bad_text_is_found_in_any_string(value: object, bad: bool) -> None:
    assert has_bad_text(value) is bad


def test_bad_text_nesting_limit_is_kept() -> None:
    def nested(levels: int) -> dict:
        value: dict = {"leaf": "x"}
        for _ in range(levels - 1):
            value = {"k": value}
        return value

    assert has_bad_text(nested(65)) is False  # outermost at depth 0, innermost at 64
    assert has_bad_text(nested(66)) is True
    circular: dict = {}
    circular["self"] = circular
    assert has_bad_text(circular) is True


def test_sqlite_fast_insert_stores_what_sqlalchemy_would(tmp_path) -> None:
    """``insert_many``'s driver-level path on SQLite writes the very values ``insert(table)`` writes
    (dates, times with and without zone, booleans, NULLs), compared as the raw stored text."""
    from datetime import UTC, date, datetime

    from sqlalchemy import insert, text

    rows = [{"station": "ZX01", "case_id": f"c{i}",
             "case_no": f"N{i}", "window": "1", "department": "民政办", "item_code": "MZ-004", "item_name": "低保",
             "item_class": "", "case_class": "", "clerk_id": "", "status": "accepted", "is_open": bool(i % 2),
             "status_seq": i, "created_at": datetime(2026, 11, 2, 9, i, 5, 123456), "accepted_at": None,
             "completed_at": None, "returned_at": None, "due_date": date(2026, 11, 16), "due_seq": i}
            for i in range(5)]
    events_rows = [{"station": "ZX01", "seq": i, "event_id": f"e{i:07d}", "claimed_id": f"e{i:07d}", "at": "2026-11-02T09:00:00",
                    "clerk_id": None, "type": "case.registered", "case_id": f"c{i}", "payload": "{}",
                    "rejected_reason": None, "via": "online", "received_at": datetime(2026, 11, 2, 1, 2, 3, tzinfo=UTC)}
                   for i in range(1, 6)]
    stored = []
    for k, fast in enumerate((True, False)):
        engine = cdb.make_engine(f"sqlite:///{tmp_path / f'{k}.db'}")
        with engine.begin() as conn:
            if fast:
                assert cdb.insert_many(conn, cdb.cases, rows) == 5
                assert cdb.insert_many(conn, cdb.events, events_rows, skip_conflicts=True) == 5
                assert cdb.insert_many(conn, cdb.events, events_rows[:2], skip_conflicts=True) == 0
            else:
                conn.execute(insert(cdb.cases), rows)
                conn.execute(insert(cdb.events), events_rows)
        with engine.connect() as conn:
            stored.append([list(conn.execute(text(f"SELECT * FROM {t} ORDER BY 1, 2"))) for t in ("central_case", "central_event")])
        engine.dispose()
    assert stored[0] == stored[1] and len(stored[0][0]) == 5 and len(stored[0][1]) == 5
