"""Events per second synced from a station ledger to the county office on loopback.

Run standalone: ``/work/venv/bin/python bench/bench_sync.py`` (PostgreSQL from
``DESKCLIENT_TEST_PG_URL`` or 127.0.0.1:5432/test; skipped when unreachable).
Targets: >= 5,000 events/s with a SQLite office, >= 3,000 events/s with PostgreSQL.

Timed: ``SyncClient.sync_once`` alone (the office is started, and the ledger written, before the
clock starts; one health check and one empty batch warm both sides up first, see ``_warm_up``). Same-run baseline, for a shared machine: the time to store the same 10,000 rows
bare - ``executemany`` of plain INSERTs into a copy of the office's event table, one transaction
per 500 rows, in the same database - and the sync's rate as a share of that bare rate. ``cpu_s`` is the CPU
time of this process (station and office together) during the sync.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

EVENTS = 10_000
TARGETS = {"sqlite": 5_000, "postgresql": 3_000}
PG_URL = os.environ.get("DESKCLIENT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _ledger(path: Path, station: str) -> Any:
    from sqlalchemy import insert
    from sqlmodel import SQLModel

    from deskclient.store import models
    from deskclient.store.db import make_engine

    engine = make_engine(path)
    SQLModel.metadata.create_all(engine, tables=[models.Event.__table__, models.KeyValue.__table__])
    base = datetime(2026, 11, 2, 9, 0)
    rows = [{"id": uuid.uuid4().hex, "station": station, "seq": s, "at": base + timedelta(seconds=s),
             "clerk_id": "c" * 32, "type": "case.registered", "case_id": f"{s:032d}",
             "payload": json.dumps({"n": s, "item": "城乡居民基本养老保险参保登记", "applicant_id_masked": "110101********1234"},
                                   ensure_ascii=False), "sent_at": None, "set_aside_reason": ""}
            for s in range(1, EVENTS + 1)]
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
        conn.execute(insert(models.Event.__table__), rows)
    return engine


def _bare_store(office: Any, rows: list[dict[str, Any]]) -> float:
    """Seconds to ``executemany`` the rows into a scratch copy of ``central_event`` (no checks, no
    read models, no HTTP), 500 per transaction like the sync: the same-run baseline."""
    from sqlalchemy import MetaData, Table, insert

    from deskclient.central.db import WRITE, events

    scratch = Table("bench_bare_event", MetaData(), *(c._copy() for c in events.columns))
    scratch.create(office)
    try:
        started = time.perf_counter()
        for i in range(0, len(rows), 500):
            with office.connect().execution_options(**WRITE) as conn, conn.begin():
                conn.execute(insert(scratch), rows[i:i + 500])
        return time.perf_counter() - started
    finally:
        scratch.drop(office)


def _office_rows(ledger: Any) -> list[dict[str, Any]]:
    """The ledger's events as office rows (what the bare baseline stores)."""
    from datetime import UTC

    from deskclient.store import outbox

    now = datetime.now(UTC)
    return [{"station": e.station, "seq": e.seq, "event_id": e.id, "claimed_id": e.id, "at": e.at.isoformat(),
             "clerk_id": e.clerk_id, "type": e.type, "case_id": e.case_id, "payload": e.payload,
             "rejected_reason": None, "via": "online", "received_at": now}
            for e in outbox.pending(ledger, EVENTS)]


def _warm_up(url: str, token: str, ledger: Any) -> None:
    """One health check and one empty batch before the clock starts, as a running office has had:
    the first request imports the HTTP stack on both sides (httpcore, anyio's thread pool) and makes
    FastAPI inspect the endpoint; the station's SSL context (system CAs loaded, cached per process)
    is made - a few hundred ms of start-up, not sync work. The empty batch
    registers the bench ledger's own identity, as its first real batch would."""
    import httpx

    from deskclient.services import transport
    from deskclient.store import outbox

    transport.ssl_context("")  # made once per process and CA file; the desk has it from its first sync
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client:
        client.get("/api/v1/health").raise_for_status()
        client.post("/api/v1/events", json={"station": "BENCH", "ledger": {"id": outbox.ledger_id(ledger)},
                                            "events": []}).raise_for_status()


def _one(db_label: str, office_url: str, workdir: Path) -> dict[str, Any]:
    import uvicorn

    from deskclient.central.admin import add_station
    from deskclient.central.app import create_app
    from deskclient.central.db import make_engine
    from deskclient.services.sync import SyncClient

    office = make_engine(office_url)
    token = add_station(office, "BENCH", "bench")
    ledger = _ledger(workdir / f"{db_label}-ledger.sqlite", "BENCH")
    sock = socket.create_server(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(office), log_level="warning", access_log=False,
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        bare = _bare_store(office, _office_rows(ledger))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        _warm_up(url, token, ledger)
        client = SyncClient(ledger, url, token, "BENCH")
        cpu = time.process_time()
        started = time.perf_counter()
        result = client.sync_once(timeout_s=300)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
    finally:
        server.should_exit = True
        thread.join(30)
        ledger.dispose()
        office.dispose()
    rate = result.sent / elapsed if elapsed else 0.0
    return {"office_db": db_label, "events": result.sent, "seconds": round(elapsed, 2),
            "events_per_s": round(rate), "target": TARGETS[db_label], "ok": result.ok and rate >= TARGETS[db_label],
            "cpu_s": round(cpu, 2), "bare_store_s": round(bare, 3), "bare_events_per_s": round(EVENTS / bare),
            "share_of_bare": round(bare / elapsed, 3) if elapsed else 0.0}


def run() -> list[dict[str, Any]]:
    """Sync 10,000 events once per office database; one result dict per database."""
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        results.append(_one("sqlite", f"sqlite:///{workdir / 'central.db'}", workdir))
        try:
            import psycopg

            schema = f"bench_{uuid.uuid4().hex[:10]}"
            with psycopg.connect(PG_URL, autocommit=True, connect_timeout=3) as conn:
                conn.execute(f"CREATE SCHEMA {schema}")
        except Exception as err:
            results.append({"office_db": "postgresql", "skipped": f"not reachable: {type(err).__name__}"})
            return results
        sep = "&" if "?" in PG_URL else "?"
        try:
            results.append(_one("postgresql", f"{PG_URL}{sep}options=-csearch_path%3D{schema}", workdir))
        finally:
            with psycopg.connect(PG_URL, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    for row in run():
        if "skipped" in row:
            print(f"{row['office_db']:>10}: skipped ({row['skipped']})")
        else:
            print(f"{row['office_db']:>10}: {row['events']} events in {row['seconds']} s = "
                  f"{row['events_per_s']} events/s (target {row['target']}) {'OK' if row['ok'] else 'SLOW'}; "
                  f"CPU {row['cpu_s']} s; bare executemany of the same rows {row['bare_store_s']} s "
                  f"= {row['bare_events_per_s']} rows/s (sync at {row['share_of_bare']:.1%} of it)")
