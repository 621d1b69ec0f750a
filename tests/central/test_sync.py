"""Online sync against a real office on loopback: volume, faults, kills, gaps, rejections."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import httpx
import pytest
from central_support import (
    LEDGER,
    add_events,
    event_row,
    forget_planted_numbers,
    local_counts,
    make_ledger,
    office_counts,
)
from sqlalchemy import Engine

from deskclient.central import db as cdb
from deskclient.domain.events import content_hash
from deskclient.services.sync import SyncClient
from deskclient.store import outbox


def _client(ledger: Engine, url: str, station: tuple[str, str], **kw: object) -> SyncClient:
    return SyncClient(ledger, url, station[1], station[0], **kw)  # type: ignore[arg-type]


def test_ten_thousand_events(server, station, ledger) -> None:
    add_events(ledger, station[0], 10_000)
    seen: list[tuple[int, int]] = []
    result = _client(ledger, server.url, station).sync_once(lambda s, t: seen.append((s, t)), timeout_s=120)
    assert result.ok, result.message
    assert (result.sent, result.remaining, result.acked_seq) == (10_000, 0, 10_000)
    assert seen[0] == (0, 10_000) and seen[-1] == (10_000, 10_000)
    assert [s for s, _ in seen] == sorted(s for s, _ in seen)
    assert local_counts(ledger) == (10_000, 10_000)
    counts = office_counts(server.engine, station[0])
    assert counts == {"rows": 10_000, "ids": 10_000, "seqs": 10_000, "min": 1, "max": 10_000, "mark": 10_000}
    again = _client(ledger, server.url, station).sync_once(timeout_s=10)
    assert again.ok and again.sent == 0 and outbox.pending_count(ledger) == 0


def test_through_faulty_proxy(server, station, ledger, fault_proxy) -> None:
    add_events(ledger, station[0], 10_000)
    proxy = fault_proxy(server.port, seed=7, p_drop=0.15, p_cut=0.2, max_faults=30, drop_first=2)
    client = _client(ledger, proxy.url, station, batch_size=250, backoff_base=0.005, backoff_cap=0.05,
                     timeout_s=5)
    for _round in range(20):  # bounded: each round makes progress or runs out of faults
        result = client.sync_once(timeout_s=60)
        if result.ok and result.remaining == 0:
            break
    assert proxy.faults["drop"] > 0 and proxy.faults["cut"] > 0
    assert local_counts(ledger) == (10_000, 10_000)
    counts = office_counts(server.engine, station[0])
    assert counts == {"rows": 10_000, "ids": 10_000, "seqs": 10_000, "min": 1, "max": 10_000, "mark": 10_000}


_CHILD = textwrap.dedent("""
    import sys
    from deskclient.store.db import make_engine
    from deskclient.services.sync import SyncClient
    engine = make_engine(sys.argv[1])
    client = SyncClient(engine, sys.argv[2], sys.argv[3], sys.argv[4], batch_size=200,
                        backoff_base=0.005, backoff_cap=0.05, timeout_s=5)
    result = client.sync_once(lambda sent, total: print("P", sent, total, flush=True), timeout_s=120)
    print("DONE", int(result.ok), result.remaining, flush=True)
""")


def _run_child(ledger_path: Path, url: str, station: tuple[str, str], kill_after: int | None,
               rng: random.Random) -> bool:
    """Run a sync in a child process; SIGKILL it after ``kill_after`` progress lines. True if done."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, str(ledger_path), url, station[1], station[0]],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert proc.stdout is not None
    lines = 0
    try:
        for line in proc.stdout:
            if line.startswith("DONE"):
                proc.wait(30)
                return line.split()[1:] == ["1", "0"]
            lines += 1
            if kill_after is not None and lines >= kill_after:
                time.sleep(rng.uniform(0, 0.03))  # a random moment, not a synchronisation
                proc.send_signal(signal.SIGKILL)
                proc.wait(30)
                return False
        proc.wait(30)
        return False
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)


def test_killed_client_and_faulty_proxy(server, station, tmp_path, fault_proxy) -> None:
    path = tmp_path / "station.sqlite"
    ledger = make_ledger(path)
    add_events(ledger, station[0], 10_000)
    proxy = fault_proxy(server.port, seed=11, p_drop=0.1, p_cut=0.15, max_faults=25, drop_first=1)
    rng = random.Random(3)
    kills = 0
    for _round in range(12):  # bounded
        kill_after = rng.randint(1, 12) if kills < 6 else None
        if _run_child(path, proxy.url, station, kill_after, rng):
            break
        kills += kill_after is not None
    assert kills >= 3
    final = _client(ledger, server.url, station).sync_once(timeout_s=60)
    assert final.ok, final.message
    assert local_counts(ledger) == (10_000, 10_000)
    counts = office_counts(server.engine, station[0])
    assert counts == {"rows": 10_000, "ids": 10_000, "seqs": 10_000, "min": 1, "max": 10_000, "mark": 10_000}
    ledger.dispose()


def _post(url: str, token: str, station: str, events: list[dict]) -> httpx.Response:
    return httpx.post(f"{url}/api/v1/events", json={"station": station, "ledger": LEDGER, "events": events},
                      headers={"Authorization": f"Bearer {token}"}, timeout=30)


def _wire(row: dict) -> dict:
    return {**{k: row[k] for k in ("id", "seq", "clerk_id", "type", "case_id")},
            "at": row["at"].isoformat(), "payload": json.loads(row["payload"])}


def test_out_of_order_gaps_and_duplicates(server, station) -> None:
    code, token = station
    rows = [_wire(event_row(code, s)) for s in range(1, 11)]
    r = _post(server.url, token, code, rows[5:])  # 6..10 first: stored, not acknowledged
    assert r.status_code == 200 and r.json()["acked_seq"] == 0 and r.json()["stored"] == 5
    r = _post(server.url, token, code, rows[:3])  # 1..3: the mark stops at the gap (4)
    assert r.json()["acked_seq"] == 3
    r = _post(server.url, token, code, rows[2:5])  # 3..5 partly seen: 3 is a duplicate
    body = r.json()
    assert (body["acked_seq"], body["stored"], body["duplicates"]) == (10, 2, 1)
    r = _post(server.url, token, code, rows)  # the whole batch again
    body = r.json()
    confirmed = body.pop("confirmed")
    assert body == {"station": code, "acked_seq": 10, "held_max": 10, "received": 10, "stored": 0,
                    "duplicates": 10, "rejected": [], "conflicts": [], "quarantined": []}
    # each event is confirmed by its id, seq and the hash of exactly the content that was sent
    assert confirmed == [{"id": w["id"], "seq": w["seq"],
                          "hash": content_hash(w["id"], w["seq"], w["at"], w["clerk_id"], w["type"], w["case_id"],
                                               w["payload"])} for w in rows]
    assert office_counts(server.engine, code)["rows"] == 10


def test_concurrent_copies_of_one_batch(server, station) -> None:
    code, token = station
    rows = [_wire(event_row(code, s)) for s in range(1, 301)]
    replies: list[dict] = []

    def send() -> None:
        replies.append(_post(server.url, token, code, rows).json())

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r["acked_seq"] == 300 for r in replies)
    assert sum(r["stored"] for r in replies) == 300
    assert office_counts(server.engine, code) == {"rows": 300, "ids": 300, "seqs": 300, "min": 1, "max": 300,
                                                  "mark": 300}


def test_invalid_events_are_set_aside_and_do_not_block(server, station, ledger) -> None:
    code = station[0]
    bad = {
        3: {"payload": "not json"},
        5: {"payload": json.dumps({"applicant_id": "110101199003071234"})},
        7: {"payload": json.dumps({"phone": "13812345678"})},
        9: {"payload": json.dumps([1, 2])},
        11: {"type_": "Bad Type!"},
    }
    add_events(ledger, code, 20, overrides=bad)
    result = _client(ledger, server.url, station, batch_size=4).sync_once(timeout_s=30)
    assert result.ok, result.message
    # 7 holds a phone number in a free-text field: quarantined (stored masked), not refused
    assert (result.sent, result.set_aside, result.remaining, result.acked_seq, result.quarantined) == (16, 4, 0, 20, 1)
    aside = outbox.set_aside_list(ledger)
    assert [e.seq for e in aside] == [3, 5, 9, 11]
    assert "身份证" in aside[1].set_aside_reason
    assert "payload" in aside[2].set_aside_reason
    counts = office_counts(server.engine, code)
    assert (counts["rows"], counts["mark"]) == (16, 20)
    with server.engine.connect() as conn:  # the refused payloads are not kept at the office
        kept = conn.execute(cdb.events.select().where(cdb.events.c.rejected_reason.is_not(None))).all()
        seven = conn.execute(cdb.events.select().where(cdb.events.c.seq == 7)).one()
    assert json.loads(seven.payload) == {"phone": "138****5678"}
    ledger.dispose()
    forget_planted_numbers(ledger.url.database)
    assert len(kept) == 4 and all(r.payload == "{}" for r in kept)
    assert all("110101199003071234" not in r.rejected_reason for r in kept)


def test_offline_returns_message_within_deadline(ledger) -> None:
    add_events(ledger, "ZX01", 42)
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    result = SyncClient(ledger, f"http://127.0.0.1:{port}", "t", "ZX01", backoff_base=0.05).sync_once(timeout_s=1.0)
    assert time.monotonic() - started < 3
    assert not result.ok and result.offline
    assert result.message == "离线:42 条记录已安全保存在本机,下次联网时发送"
    assert outbox.pending_count(ledger) == 42


def test_office_restored_from_backup_gets_resent(server, station, ledger) -> None:
    code = station[0]
    add_events(ledger, code, 50)
    assert _client(ledger, server.url, station).sync_once(timeout_s=30).ok
    with server.engine.begin() as conn:  # the office loses 21..50 (an older backup restored)
        conn.execute(cdb.events.delete().where(cdb.events.c.seq > 20))
        conn.execute(cdb.stations.update().values(contiguous=20))
    add_events(ledger, code, 10, start=51)
    result = _client(ledger, server.url, station).sync_once(timeout_s=30)
    assert result.ok, result.message
    assert office_counts(server.engine, code)["rows"] == 60 and local_counts(ledger) == (60, 60)


@pytest.mark.parametrize(("status", "code", "kind", "words"), [
    (401, "unauthorized", "token_invalid", "令牌无效"),
    (403, "station_disabled", "station_disabled", "站点已被停用"),
    (403, "forbidden", "refused", "403"),
])
def test_refusal_is_not_retried_and_not_called_offline(ledger, status, code, kind, words) -> None:
    add_events(ledger, "ZX01", 3)
    calls: list[int] = []

    def answer(_req: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(status, json={"error": {"code": code, "message": "…"}})

    result = SyncClient(ledger, "http://localhost", "t", "ZX01", transport=httpx.MockTransport(answer)).sync_once(timeout_s=5)
    assert not result.ok and not result.offline and result.refused
    assert result.status == kind and words in result.message and "离线" not in result.message
    assert len(calls) == 1 and outbox.pending_count(ledger) == 3
