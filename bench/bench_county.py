"""The county office's web pages at county scale: 50 stations, 1,000,000 events, on PostgreSQL.

Builds a fresh schema on ``DESKCLIENT_TEST_PG_URL`` (default 127.0.0.1:5432/test), bulk-loads the
events with ``COPY`` (shaped as the stations' services emit them: registration with case number,
window and item; acceptance with a due date; completion; ratings with bad-rating follow-ups;
complaints), builds the read models with the same ``central.project.fold`` the ingest uses, then
times the signed-in county overview and a station page over loopback HTTP (a live uvicorn).

Target (issue #18): p95 ≤ 200 ms for both pages. Baseline: ``/api/v1/health`` on the same server.
Run: ``python -m bench --only bench_county`` (``--quick``: 5 stations, 100,000 events).
"""

from __future__ import annotations

import json
import os
import random
import socket
import sys
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Row, median, percentile, skipped

PG_URL = os.environ.get("DESKCLIENT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
TARGET_MS = 200.0
TODAY = date(2026, 11, 24)
ITEMS = (("MZ-004", "高龄津贴申领", "promised", 10), ("RS-003", "社会保障卡补办", "immediate", 0),
         ("MZ-001", "最低生活保障申请", "promised", 20), ("YB-002", "医保参保登记", "promised", 5))
WINDOWS = (("1", "民政残联窗口", "民政办"), ("2", "社保医保窗口", "社保所"), ("3", "卫生健康窗口", "卫健办"),
           ("4", "退役军人服务窗口", "退役军人服务站"), ("5", "农业农村窗口", "农业农村办"))


def _events_for_station(code: str, n_events: int, rng: random.Random) -> list[dict[str, Any]]:
    """About ``n_events`` events of one station, in seq order, as its services would emit them."""
    out: list[dict[str, Any]] = []
    seq = 0

    def emit(at: datetime, type_: str, payload: dict[str, Any], case_id: str | None = None,
             clerk: str | None = None) -> None:
        nonlocal seq
        seq += 1
        out.append({"seq": seq, "event_id": uuid.UUID(int=rng.getrandbits(128)).hex, "at": at.isoformat(),
                    "clerk_id": clerk, "type": type_, "case_id": case_id,
                    "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True)})

    start = datetime(2026, 1, 5, 8, 30)
    emit(start, "station.configured", {"code": code, "name": f"{code} 便民服务中心",
                                       "windows": [{"number": n, "name": nm, "department": d}
                                                   for n, nm, d in WINDOWS]})
    clerks = [uuid.UUID(int=rng.getrandbits(128)).hex for _ in range(10)]
    for i, cid in enumerate(clerks):
        emit(start, "clerk.created", {"clerk_id": cid, "login": f"c{i}", "name": f"经办{i}", "role": "clerk",
                                      "window": WINDOWS[i % 5][0], "post": "A"}, clerk=cid)
    span = (datetime.combine(TODAY, datetime.min.time()) - start).total_seconds()
    n = 0
    while seq < n_events:
        n += 1
        at = start + timedelta(seconds=span * (n * 5 / n_events))
        window = WINDOWS[rng.randrange(5)][0]
        clerk = clerks[int(window) * 2 - 2 + rng.randrange(2)]
        code_, name, cls, days = ITEMS[rng.randrange(len(ITEMS))]
        case_id = uuid.UUID(int=rng.getrandbits(128)).hex
        emit(at, "case.registered", {"case_no": f"{code}-{at:%Y%m%d}-{n:04d}", "window": window, "item_code": code_,
                                     "item_name": name, "item_class": cls, "case_class": cls,
                                     "applicant_name": "张某", "applicant_id_masked": "510107********4568"},
             case_id, clerk)
        emit(at, "case.materials_checked", {"materials": []}, case_id, clerk)
        due = (at + timedelta(days=days * 7 // 5)).date()
        emit(at, "case.accepted", {"acceptance_date": at.date().isoformat(), "case_class": cls,
                                   **({"due_date": due.isoformat(), "promised_days": days} if days else {})},
             case_id, clerk)
        recent = at.date() > TODAY - timedelta(days=40)
        if cls == "immediate" or not recent or rng.random() < 0.5:  # older cases are done; recent ones half open
            done = at + timedelta(minutes=rng.randrange(5, 40)) if cls == "immediate" else \
                at + timedelta(days=rng.randrange(1, days * 7 // 5 + 3))
            emit(done, "case.completed", {"delivery": "window", "on_time": done.date() <= due}, case_id, clerk)
            if rng.random() < 0.3:
                level = rng.choice(("very_satisfied", "satisfied", "satisfied", "basic", "unsatisfied"))
                emit(done, "case.rated", {"level": level, "score": 5, "window": window, "clerk_id": clerk,
                                          "has_comment": False, "bad": level == "unsatisfied"}, case_id, clerk)
                if level == "unsatisfied":
                    fid = uuid.UUID(int=rng.getrandbits(128)).hex
                    emit(done, "followup.opened", {"followup_id": fid, "kind": "bad_rating", "level": level,
                                                   "window": window, "rated_on": done.date().isoformat(),
                                                   "visit_due": (done + timedelta(days=1)).date().isoformat(),
                                                   "due_date": (done + timedelta(days=7)).date().isoformat()},
                         case_id, clerk)
        if rng.random() < 0.005:
            emit(at, "case.complaint", {"complaint_id": uuid.UUID(int=rng.getrandbits(128)).hex, "channel": "phone",
                                        "window": window, "received_on": at.date().isoformat(), "days": 15,
                                        "due_date": (at + timedelta(days=21)).date().isoformat()}, case_id, clerk)
    return out


def _copy(conn: Any, table: str, columns: list[str], rows: list[dict[str, Any]]) -> None:
    cols = ', '.join(f'"{c}"' for c in columns)  # "window" is a reserved word
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as cp:
        for r in rows:
            cp.write_row([r[c] for c in columns])


def _load(url: str, schema: str, stations: int, per_station: int) -> tuple[int, float, str]:
    """Create tables, COPY the events and the read models; (events, seconds, a station code)."""
    import psycopg

    from deskclient.central import db as cdb
    from deskclient.central import project
    from deskclient.central.admin import hash_token

    engine = cdb.make_engine(url)
    engine.dispose()
    t0 = time.perf_counter()
    total = 0
    received = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    rng = random.Random(18)
    with psycopg.connect(PG_URL, autocommit=False) as conn:
        conn.execute(f"SET search_path TO {schema}")
        for i in range(stations):
            code = f"ST{i + 1:02d}"
            evs = _events_for_station(code, per_station, rng)
            total += len(evs)
            contact = received - timedelta(hours=(30 if i % 17 == 5 else 1))
            conn.execute("INSERT INTO central_station (code, name, token_hash, bundle_key, created_at, last_contact,"
                         " contiguous) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                         (code, f"{code} 便民服务中心", hash_token(code + "-token"), "00" * 32, received, contact,
                          len(evs)))
            conn.execute("INSERT INTO central_station_report (code, reported_at, backlog, app_version, schema_version,"
                         " catalog_version, holidays_version) VALUES (%s, %s, 0, '0.1.0', '0004', 3, 2)",
                         (code, contact))
            for e in evs:
                e.update(station=code, claimed_id=e["event_id"], rejected_reason=None, via="online",
                         received_at=received)
            _copy(conn, "central_event", ["station", "seq", "event_id", "claimed_id", "at", "clerk_id", "type",
                                          "case_id", "payload", "rejected_reason", "via", "received_at"], evs)
            state = project.fold(code, evs, project.Folded(), {n: d for n, _nm, d in WINDOWS})
            for table, rows in (("central_window", list(state.windows.values())),
                                ("central_clerk", list(state.clerks.values())),
                                ("central_case", list(state.cases.values())), ("central_rating", state.ratings),
                                ("central_followup", list(state.followups.values())),
                                ("central_complaint", list(state.complaints.values()))):
                if rows:
                    _copy(conn, table, list(rows[0].keys()), rows)
            conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")  # the steady state autovacuum keeps (visibility map set)
    return total, time.perf_counter() - t0, f"ST{min(7, stations):02d}"


def _serve(url: str) -> tuple[Any, str]:
    import uvicorn

    from deskclient.central.app import create_app
    from deskclient.central.db import make_engine
    from deskclient.central.web.render import WebSettings

    engine = make_engine(url, create=False)
    settings = WebSettings(silent_hours=24, timezone="Asia/Shanghai",
                           now=lambda: datetime(2026, 11, 24, 2, 0, tzinfo=UTC))
    sock = socket.create_server(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(engine, web_settings=settings), log_level="warning",
                                           access_log=False, lifespan="off"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    return server, f"http://127.0.0.1:{sock.getsockname()[1]}"


def _time(client: Any, path: str, n: int) -> list[float]:
    client.get(path)  # warm-up (connection, plans)
    out = []
    for _ in range(n):
        t = time.perf_counter()
        r = client.get(path)
        out.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (path, r.status_code)
    return out


def run(quick: bool = False) -> list[Row]:
    try:
        import psycopg

        with psycopg.connect(PG_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as err:
        return [skipped("county overview p95 (PostgreSQL)", f"PostgreSQL not reachable: {type(err).__name__}",
                        f"≤ {TARGET_MS:g} ms")]
    import httpx

    from deskclient.central.accounts import add_user
    from deskclient.central.db import make_engine

    stations, per_station, samples = (5, 20_000, 20) if quick else (50, 20_000, 100)
    schema = f"bench_county_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    server = None
    try:
        n_events, load_s, station = _load(url, schema, stations, per_station)
        engine = make_engine(url, create=False)
        add_user(engine, "bench", "bench", "viewer", "bench-password")
        with engine.connect() as c:
            from sqlalchemy import text

            n_cases, n_open = c.execute(text("SELECT count(*), count(*) FILTER (WHERE is_open) FROM central_case")).one()
        engine.dispose()
        server, base = _serve(url)
        with httpx.Client(base_url=base, timeout=30) as client:
            page = client.get("/county/login").text
            csrf = page.split('name="csrf" value="')[1].split('"')[0]
            r = client.post("/county/login", data={"csrf": csrf, "login": "bench", "password": "bench-password"})
            assert r.status_code == 303, r.status_code
            health = _time(client, "/api/v1/health", samples)
            overview = _time(client, "/county/", samples)
            station_page = _time(client, f"/county/stations/{station}", samples)
            cases_page = _time(client, "/county/cases?state=overdue", samples)
    finally:
        if server is not None:
            server.should_exit = True
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
    base_p95 = percentile(health, 95)
    note = (f"{stations} stations, {n_events:,} events, {n_cases:,} cases ({n_open:,} open); loaded by COPY in "
            f"{load_s:.0f} s; {samples} requests each over loopback HTTP, signed in")
    rows = []
    for name, values in (("county overview", overview), ("station page", station_page),
                         ("overdue cases list", cases_page)):
        p95 = percentile(values, 95)
        rows.append(Row(f"{name} p95 (PostgreSQL, {n_events // 1000:,}k events)", round(p95, 1), "ms",
                        baseline=round(base_p95, 2), ratio=round(p95 / base_p95, 1) if base_p95 else None,
                        target=f"≤ {TARGET_MS:g} ms", passed=p95 <= TARGET_MS,
                        note=f"median {median(values):.1f} ms; baseline = /api/v1/health p95; {note}"))
    return rows


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    for row in run(quick="--quick" in sys.argv):
        print(row.figure, row.value, row.unit, row.target, row.passed, row.note)
