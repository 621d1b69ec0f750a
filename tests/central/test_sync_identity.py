"""Deployment situations that used to lose events silently, against a real office on loopback.

Each scenario ends with the same check (``assert_nothing_lost``): every event the station marked
sent is held by the office for that station with exactly the same content, field by field; every
other event is still in the station's ledger. And a Chinese message at the station and in the
county view says what happened and what to do.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from central_support import (
    add_events,
    assert_nothing_lost,
    event_row,
    local_events,
    make_ledger,
    office_events,
)
from sqlalchemy import Engine

from deskclient.central.admin import accept_ledger, add_station, county_status
from deskclient.cli import main
from deskclient.domain.events import content_hash
from deskclient.services.sync import SyncClient
from deskclient.store import outbox


def _client(ledger: Engine, url: str, station: tuple[str, str], **kw: Any) -> SyncClient:
    return SyncClient(ledger, url, station[1], station[0], **kw)


def _copy_ledger(src: Path, dst: Path) -> None:
    """A consistent copy of a ledger file (what a backup tool or a disk clone produces)."""
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)


def _status_lines(office: Engine, code: str) -> list[str]:
    (st,) = [s for s in county_status(office, date(2026, 11, 28)) if s.code == code]
    return st.notes()


def test_restored_from_backup(server, station, tmp_path, office_url, capsys) -> None:
    """The PC is restored from last week's ledger backup; the office already holds newer events."""
    code = station[0]
    path, backup = tmp_path / "ledger.sqlite", tmp_path / "backup.sqlite"
    ledger = make_ledger(path)
    add_events(ledger, code, 60)
    assert _client(ledger, server.url, station).sync_once(timeout_s=30).ok
    _copy_ledger(path, backup)  # the backup: 1..60, all sent
    add_events(ledger, code, 40, start=61)
    assert _client(ledger, server.url, station).sync_once(timeout_s=30).ok
    before = office_events(server.engine, code)
    assert sorted(before) == list(range(1, 101))
    ledger.dispose()
    restored = make_ledger(backup)
    add_events(restored, code, 30, start=61)  # new work after the restore: seqs 61..90 again
    result = _client(restored, server.url, station).sync_once(timeout_s=30)
    assert not result.ok and not result.offline and result.status == "conflict" and result.refused
    assert result.sent == 0 and result.conflicts >= 1 and result.ledger_behind
    assert "序号 61" in result.message and "备份恢复" in result.message and "联系县中心管理员" in result.message
    sent, unsent = assert_nothing_lost(restored, server.engine, code)
    assert sent == list(range(1, 61)) and unsent == list(range(61, 91))
    assert office_events(server.engine, code) == before  # the office's copies are not overwritten
    lines = _status_lines(server.engine, code)
    assert any("序号 61" in line and "备份恢复" in line for line in lines)
    assert any("序号冲突" in line for line in lines)
    capsys.readouterr()
    assert main(["central", "status", "--db", office_url]) == 0  # what the county IT person sees
    shown = capsys.readouterr().out
    assert "序号 61" in shown and "备份恢复" in shown and "序号冲突" in shown
    restored.dispose()


@pytest.mark.parametrize("how", ["two_installs", "copied_ledger"])
def test_two_pcs_with_one_station_code_and_token(server, station, tmp_path, how) -> None:
    """Two PCs of one centre given the same code and token: fresh installs, or a disk copy."""
    code = station[0]
    pc_a = make_ledger(tmp_path / "a.sqlite")
    add_events(pc_a, code, 20)
    assert _client(pc_a, server.url, station).sync_once(timeout_s=30).ok
    if how == "two_installs":
        pc_b = make_ledger(tmp_path / "b.sqlite")
        add_events(pc_b, code, 35)
    else:
        _copy_ledger(tmp_path / "a.sqlite", tmp_path / "b.sqlite")
        pc_b = make_ledger(tmp_path / "b.sqlite")
        add_events(pc_b, code, 15, start=21)
    add_events(pc_a, code, 10, start=21)  # both keep working
    assert _client(pc_a, server.url, station).sync_once(timeout_s=30).ok
    before = office_events(server.engine, code)
    result = _client(pc_b, server.url, station).sync_once(timeout_s=30)
    assert not result.ok and not result.offline and result.refused
    if how == "two_installs":
        assert result.status == "other_ledger" and "另一份账本" in result.message
        assert "accept-ledger" in result.message
    else:
        assert result.status == "conflict" and "两台电脑" in result.message
    for pc in (pc_a, pc_b):
        assert_nothing_lost(pc, server.engine, code)
    assert all(not e["sent"] for e in local_events(pc_b) if e["seq"] > 20)
    assert office_events(server.engine, code) == before
    assert [e["id"] for e in local_events(pc_a)] == [before[s]["id"] for s in sorted(before)]
    assert _status_lines(server.engine, code)
    if how == "two_installs":
        # the admin retires PC A and lets B be the station's ledger: B's events are then conflicts
        # (the office already holds A's 1..30), never stored over A's
        assert accept_ledger(server.engine, code)
        again = _client(pc_b, server.url, station).sync_once(timeout_s=30)
        assert again.status == "conflict" and office_events(server.engine, code) == before
        assert_nothing_lost(pc_b, server.engine, code)
    pc_a.dispose()
    pc_b.dispose()


def _wire(row: dict) -> dict:
    return {**{k: row[k] for k in ("id", "seq", "clerk_id", "type", "case_id")},
            "at": row["at"].isoformat(), "payload": json.loads(row["payload"])}


def test_stolen_token_fills_the_next_seqs_with_junk(server, station, ledger) -> None:
    code, token = station
    add_events(ledger, code, 40)
    assert _client(ledger, server.url, station).sync_once(timeout_s=30).ok
    auth = {"Authorization": f"Bearer {token}"}
    junk = [_wire(event_row(code, s)) for s in range(41, 61)]
    # without the ledger identity, or with a made-up one, nothing is stored
    r = httpx.post(f"{server.url}/api/v1/events", json={"station": code, "events": junk}, headers=auth)
    assert r.status_code == 409 and r.json()["error"]["code"] == "ledger_required"
    r = httpx.post(f"{server.url}/api/v1/events", json={"station": code, "ledger": {"id": "f" * 32},
                                                        "events": junk}, headers=auth)
    assert r.status_code == 409 and r.json()["error"]["code"] == "ledger_mismatch"
    # the thief also sniffed the ledger id: the junk is stored at 41..60 ...
    ledger_id = outbox.ledger_id(ledger)
    r = httpx.post(f"{server.url}/api/v1/events", json={"station": code, "ledger": {"id": ledger_id},
                                                        "events": junk}, headers=auth)
    assert r.status_code == 200 and r.json()["stored"] == 20
    add_events(ledger, code, 30, start=41)
    result = _client(ledger, server.url, station).sync_once(timeout_s=30)
    # ... but the station's own 41..70 are never marked sent against it
    assert result.status == "conflict" and result.sent == 0 and "令牌被他人使用" in result.message
    sent, unsent = assert_nothing_lost(ledger, server.engine, code)
    assert sent == list(range(1, 41)) and unsent == list(range(41, 71))
    held = office_events(server.engine, code)
    assert [held[s]["id"] for s in range(41, 61)] == [j["id"] for j in junk] and 61 not in held
    assert any("令牌被盗用" in line for line in _status_lines(server.engine, code))


class _Spoof(BaseHTTPRequestHandler):
    """A machine answering in the office's place: replies 200 without storing anything."""

    mode = "mark"
    calls = 0

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        events = body["events"]
        cls = type(self)
        cls.calls += 1
        if cls.mode == "mark":  # the old protocol: a high-water mark
            reply: Any = {"station": body["station"], "acked_seq": 10**6, "received": len(events),
                          "stored": len(events), "duplicates": 0, "rejected": []}
        elif cls.mode == "ids_only":
            reply = {"acked_seq": 10**6, "confirmed": [{"id": e["id"], "seq": e["seq"], "hash": "0" * 64}
                                                        for e in events]}
        elif cls.mode == "empty_payloads":  # an office that stores {} for payloads
            reply = {"acked_seq": 10**6, "confirmed": [
                {"id": e["id"], "seq": e["seq"], "hash": content_hash(e["id"], e["seq"], e["at"], e["clerk_id"],
                                                                      e["type"], e["case_id"], {})}
                for e in events]}
        elif cls.mode == "half_then_nothing":  # holds half of the first batch, then nothing
            kept = events[: len(events) // 2] if cls.calls == 1 else []
            reply = {"acked_seq": 10**6, "confirmed": [
                {"id": e["id"], "seq": e["seq"], "hash": content_hash(e["id"], e["seq"], e["at"], e["clerk_id"],
                                                                      e["type"], e["case_id"], e["payload"])}
                for e in kept]}
        else:
            reply = "OK"
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json" if cls.mode != "html" else "text/html")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.mark.parametrize("mode", ["mark", "ids_only", "empty_payloads", "half_then_nothing", "html"])
def test_spoofed_office(server, station, ledger, mode) -> None:
    code = station[0]
    add_events(ledger, code, 120)
    handler = type("Spoof", (_Spoof,), {"mode": mode, "calls": 0})
    spoof = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=spoof.serve_forever, daemon=True)
    thread.start()
    try:
        result = _client(ledger, f"http://127.0.0.1:{spoof.server_address[1]}", station,
                         batch_size=50).sync_once(timeout_s=30)
    finally:
        spoof.shutdown()
        thread.join(10)
    assert not result.ok and not result.offline and result.status == "unverified"
    assert "没有证明已保存" in result.message and "县中心地址" in result.message
    marked = [e["seq"] for e in local_events(ledger) if e["sent"]]
    assert marked == (list(range(1, 26)) if mode == "half_then_nothing" else [])  # never the whole batch
    assert result.sent == len(marked)
    # the real office then gets everything
    real = _client(ledger, server.url, station).sync_once(timeout_s=30)
    assert real.ok, real.message
    # even the 25 a perfect impostor "confirmed" reach the office: the office's contiguous mark (0)
    # is below what the station had marked sent, so the station sends those again
    sent, unsent = assert_nothing_lost(ledger, server.engine, code)
    assert sent == list(range(1, 121)) and unsent == []
    assert sorted(office_events(server.engine, code)) == list(range(1, 121))


# --------------------------------------------------------------------------------------------------
# The office killed at random moments (seeded; the seed is printed and can be replayed)
# --------------------------------------------------------------------------------------------------

_OFFICE = textwrap.dedent("""
    import sys
    import uvicorn
    from deskclient.central.app import create_app
    from deskclient.central.db import make_engine
    uvicorn.run(create_app(make_engine(sys.argv[1])), host="127.0.0.1", port=int(sys.argv[2]),
                log_level="warning", access_log=False)
""")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_office(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    proc = subprocess.Popen([sys.executable, "-c", _OFFICE, url, str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # poll until it answers (bounded)
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("office did not start")


def test_office_killed_at_random_points(office_url, office_engine, ledger) -> None:
    seed = int(os.environ.get("DESKCLIENT_KILL_SEED") or random.SystemRandom().randrange(1 << 30))
    print(f"office kill seed: {seed} (replay with DESKCLIENT_KILL_SEED={seed})")
    rng = random.Random(seed)
    code = "ZX01"
    token = add_station(office_engine, code, "某某镇便民服务中心")
    add_events(ledger, code, 6000)
    port = _free_port()
    proc = _start_office(office_url, port)
    done = threading.Event()
    kills: list[float] = []

    def killer() -> None:
        nonlocal proc
        while not done.is_set() and len(kills) < 6:
            moment = rng.uniform(0.02, 0.5)
            if done.wait(moment):
                return
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)
            kills.append(moment)
            proc = _start_office(office_url, port)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    client = SyncClient(ledger, f"http://127.0.0.1:{port}", token, code, batch_size=100,
                        backoff_base=0.01, backoff_cap=0.2, timeout_s=5)
    try:
        for _round in range(60):  # bounded
            result = client.sync_once(timeout_s=30)
            if result.ok and result.remaining == 0:
                break
            assert result.offline, result.message  # a killed office is offline, never a refusal
    finally:
        done.set()
        thread.join(60)
        proc.kill()
        proc.wait(30)
    print(f"office kills at {[round(k, 3) for k in kills]}")
    assert kills, "the office was never killed"
    sent, unsent = assert_nothing_lost(ledger, office_engine, code)
    assert sent == list(range(1, 6001)) and unsent == []
    held = office_events(office_engine, code)
    assert sorted(held) == list(range(1, 6001))
