"""The office's read models (central/project.py) from a station's real events: the same rows
whatever order or batching the events arrive in (gaps, bundles, resends), and what they hold."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import Engine, select
from web_support import make_station_cases

from deskclient.central import db as cdb
from deskclient.central import project
from deskclient.central.admin import add_station
from deskclient.central.ingest import ingest, validate_event
from deskclient.services.context import DeskContext
from deskclient.store import outbox


def _wire(ctx: DeskContext) -> list[dict]:
    """The events as the station sends them (its outbox, to_wire). The one the office will refuse
    (a transfer reason typed with a full mobile number) is set aside as the sync client does with
    the office's reply, so the station ledger keeps no pending full number."""
    wire = [e.to_wire() for e in outbox.pending(ctx.engine, 100_000)]
    from deskclient.central.ingest import validate_event

    for e in wire:
        reason = validate_event(e)[3]
        if reason:
            outbox.set_aside(ctx.engine, [e["seq"]], reason)
    return wire


def _tables(engine: Engine) -> dict[str, list]:
    out = {}
    for t in (cdb.cases, cdb.ratings, cdb.followups, cdb.complaints, cdb.windows, cdb.clerks):
        with engine.connect() as conn:
            out[t.name] = sorted(tuple(map(str, r)) for r in conn.execute(select(t)))
    return out


def test_read_models_do_not_depend_on_arrival_order(demo_ctx: DeskContext, clock, tmp_path) -> None:
    made = make_station_cases(demo_ctx, clock)
    evs = _wire(demo_ctx)
    results = []
    for k, order in enumerate(("in order", "reversed", "shuffled in small batches")):
        engine = cdb.make_engine(f"sqlite:///{tmp_path / f'o{k}.db'}")
        add_station(engine, "ZX01", "示例镇便民服务中心")
        batch = list(evs)
        if order == "reversed":
            batch.reverse()
            ingest(engine, "ZX01", batch)
        elif order == "shuffled in small batches":
            random.Random(7).shuffle(batch)
            for i in range(0, len(batch), 3):
                ingest(engine, "ZX01", batch[i:i + 3])
            ingest(engine, "ZX01", batch[:10])  # resent: stored once, projected once
        else:
            ingest(engine, "ZX01", batch)
        results.append(_tables(engine))
        engine.dispose()
    assert results[0] == results[1] == results[2]
    cases = {r[1]: r for r in results[0]["central_case"]}
    overdue = cases[made.overdue_id]
    cols = [c.name for c in cdb.cases.columns]
    row = dict(zip(cols, overdue, strict=True))
    assert row["status"] == "accepted" and row["is_open"] == "True" and row["due_date"] == str(date(2026, 11, 16))
    assert row["department"] == "民政办" and row["item_code"] == "MZ-004"
    assert dict(zip(cols, cases[made.immediate_id], strict=True))["status"] == "completed"
    assert len(results[0]["central_rating"]) == 1 and len(results[0]["central_followup"]) == 1
    assert len(results[0]["central_complaint"]) == 1 and len(results[0]["central_window"]) == 7


def test_fold_is_pure_and_skips_unprojected_types() -> None:
    state = project.fold("S1", [{"seq": 1, "type": "notice.printed", "at": "2026-11-24T09:00:00", "clerk_id": None,
                                 "case_id": "c" * 32, "payload": "{}"}], project.Folded(), {})
    assert state.cases == {} and state.ratings == []


def test_rebuild_gives_the_rows_ingest_kept(demo_ctx: DeskContext, clock, tmp_path) -> None:
    make_station_cases(demo_ctx, clock)
    engine = cdb.make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    add_station(engine, "ZX01", "示例镇便民服务中心")
    ingest(engine, "ZX01", _wire(demo_ctx))
    kept = _tables(engine)
    assert project.rebuild(engine, chunk=7) > 0
    assert _tables(engine) == kept


def test_read_models_the_same_on_either_office_database(demo_ctx: DeskContext, clock, tmp_path,
                                                         office_engine: Engine) -> None:
    """The bulk paths (``COPY`` on PostgreSQL, executemany on SQLite; only stored rows deleted before
    a rewrite) give the rows of one whole-batch ingest into SQLite, when the events come shuffled in
    small batches, every case touched again by later batches, some resent."""
    make_station_cases(demo_ctx, clock)
    evs = _wire(demo_ctx)
    reference = cdb.make_engine(f"sqlite:///{tmp_path / 'ref.db'}")
    add_station(reference, "ZX01", "示例镇便民服务中心")
    ingest(reference, "ZX01", evs)
    add_station(office_engine, "ZX01", "示例镇便民服务中心")
    # The station's configuration first: a case registered before its window's department is known
    # keeps an empty department (arrival order matters there, with or without the bulk paths).
    batch = [e for e in evs if not e["type"].startswith("case.")]
    rest = [e for e in evs if e["type"].startswith("case.")]
    random.Random(11).shuffle(rest)
    batch += rest
    for i in range(0, len(batch), 5):
        ingest(office_engine, "ZX01", batch[i:i + 5])
    ingest(office_engine, "ZX01", batch[:12])
    assert _tables(office_engine) == _tables(reference)
    with office_engine.connect() as conn:
        held = {r.seq: r for r in conn.execute(select(cdb.events))}
    assert sorted(held) == sorted(e["seq"] for e in evs)
    refused = {e["seq"] for e in evs if validate_event(e)[3]}
    assert {s for s, row in held.items() if row.rejected_reason} == refused
    for e in evs:
        row = held[e["seq"]]
        if e["seq"] not in refused:
            assert (row.event_id, row.at, row.type, row.case_id, row.clerk_id) == (
                e["id"], e["at"], e["type"], e["case_id"], e["clerk_id"])
    reference.dispose()
