"""Issue #17 item 6: each attack runs (bounded loops, 127.0.0.1) against a real office process,
which must answer a health check within a second afterwards with its memory bounded."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import resource
import socket
import sqlite3
import subprocess
import sys
import threading
import zlib
from pathlib import Path

import pytest
from office_process import Office, start_office

MB = 1024 * 1024
IDLE_CONNECTIONS = 1000
BIG_BODY = 8 * MB


@pytest.fixture
def office(tmp_path: Path):
    office = start_office(tmp_path)
    yield office
    office.stop()


def _raise_own_file_limit(need: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        if hard != resource.RLIM_INFINITY and hard < need:
            pytest.skip(f"the test process may open only {hard} files; {need} needed")
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))


def idle_flood(office: Office, max_growth_mb: float) -> None:
    """Hold ~1,000 connections that never send a byte, check health during and after, and memory."""
    _raise_own_file_limit(IDLE_CONNECTIONS + 200)
    baseline = office.rss_mb()
    socks: list[socket.socket] = []
    try:
        for _ in range(IDLE_CONNECTIONS):  # connect and say nothing (the office's limit is 1,024 files)
            s = socket.socket()
            s.settimeout(5)
            try:
                s.connect(("127.0.0.1", office.port))
            except OSError:
                s.close()  # a full backlog may refuse some: the attack still holds the rest
                continue
            socks.append(s)
        assert len(socks) > 900
        # While the attack holds its sockets, a real station still gets through (oldest idle evicted).
        assert office.health_seconds() < 1.0
        grown = office.rss_mb() - baseline
    finally:
        for s in socks:
            s.close()
    assert office.health_seconds() < 1.0
    for _ in range(20):  # and stays responsive
        office.health_seconds()
    assert grown < max_growth_mb, (baseline, grown)
    assert office.proc.poll() is None


def test_thousand_idle_connections_do_not_wedge_the_office(office: Office) -> None:
    idle_flood(office, max_growth_mb=60)


def _post_raw(port: int, token: str, size: int, results: list[str], chunked: bool = False) -> None:
    """Send a POST head and up to ``size`` body bytes; record the status line the office answered."""
    head = [b"POST /api/v1/events HTTP/1.1", b"Host: office", f"Authorization: Bearer {token}".encode(),
            b"Content-Type: application/json"]
    head.append(b"Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}".encode())
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            s.sendall(b"\r\n".join(head) + b"\r\n\r\n")
            block = b"x" * (256 * 1024)
            with contextlib.suppress(OSError):  # the office may close before the body is through
                for _ in range(size // len(block)):
                    s.sendall((b"%x\r\n" % len(block)) + block + b"\r\n" if chunked else block)
                if chunked:
                    s.sendall(b"0\r\n\r\n")
            data = b""
            while b"\r\n" not in data:
                more = s.recv(4096)
                if not more:
                    break
                data += more
            results.append(data.split(b"\r\n", 1)[0].decode("latin-1"))
    except OSError as err:
        results.append(f"error {type(err).__name__}")


def _attack(office: Office, token: str, *, chunked: bool = False, clients: int = 10) -> list[str]:
    results: list[str] = []
    threads = [threading.Thread(target=_post_raw, args=(office.port, token, BIG_BODY, results, chunked))
               for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return results


def test_unauthenticated_8mb_bodies_are_refused_before_reading(office: Office) -> None:
    baseline = office.peak_mb()
    for chunked, status in ((False, "401"), (True, "429")):  # ten bad tokens lock the address out
        results = _attack(office, "not-a-token", chunked=chunked)
        assert all(r.startswith(f"HTTP/1.1 {status}") for r in results), results
        assert office.health_seconds() < 1.0
    # 20 bodies of 8 MB were sent; reading even one would cost 8 MB, parsing it far more.
    assert office.peak_mb() - baseline < 40, (baseline, office.peak_mb())


def test_authenticated_8mb_bodies_are_read_a_few_at_a_time(office: Office) -> None:
    baseline = office.peak_mb()
    peaks = []
    for clients in (20, 40):
        results = _attack(office, office.token, clients=clients)
        assert len(results) == clients and all(r.startswith("HTTP/1.1 400") for r in results), results  # junk
        assert office.health_seconds() < 1.0
        peaks.append(office.peak_mb() - baseline)
    # At most 4 bodies are in memory at once (8 MB each plus the parser's copies, ~60 MB measured),
    # and refused bodies are collected at once instead of piling up in garbage cycles: the peak does
    # not grow with the number of senders (40 bodies held at once would be 320 MB before parsing).
    assert peaks[1] < 150, (baseline, peaks)
    assert peaks[1] - peaks[0] < 50, (baseline, peaks)


def _gzip_bomb(path: Path, expanded: int) -> None:
    """A bundle-shaped gzip file: the magic line, a header, then ``expanded`` bytes of one long line."""
    header = {"station": "ZX01", "first_seq": 1, "last_seq": 1, "count": 1, "body_sha256": "0" * 64,
              "signature": "0" * 64}
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"0" * MB
    with open(path, "wb") as fh:
        fh.write(deflate.compress(b"DESKCLIENT-BUNDLE/1\n" + json.dumps(header).encode() + b"\n"))
        for _ in range(expanded // MB):
            fh.write(deflate.compress(zeros))
        fh.write(deflate.flush())


def test_gzip_bomb_bundle_is_refused_with_bounded_memory(office: Office, tmp_path: Path) -> None:
    bomb = tmp_path / "zx01.bundle"
    _gzip_bomb(bomb, 1024 * MB)  # ~1 MB on disk, 1 GB when expanded
    assert bomb.stat().st_size < 2 * MB
    with gzip.open(bomb) as fh:  # it is a real gzip stream
        assert fh.read(20) == b"DESKCLIENT-BUNDLE/1\n"
    env = {**os.environ, "DESKCLIENT_HOME": str(tmp_path / "admin-home")}
    err_file = tmp_path / "import.err"
    # The child reports its own peak (VmHWM of its own address space: ru_maxrss would include the
    # forked test process's size from before exec).
    child_code = ("import sys; from deskclient.cli import main; rc = main(sys.argv[1:]); "
                  "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]; "
                  "print('PEAK', hwm.split()[1], file=sys.stderr); sys.exit(rc)")
    with open(err_file, "w") as err_fh:
        child = subprocess.Popen([sys.executable, "-c", child_code, "central", "import-bundle", "--db",
                                  str(office.db), str(bomb)], env=env, stdout=subprocess.DEVNULL,
                                 stderr=err_fh)
        assert office.health_seconds() < 1.0  # the office serves while the import runs
        child.wait(timeout=240)
    err = err_file.read_text(encoding="utf-8")
    assert child.returncode == 2, err
    assert "数据包过大" in err and "未导入任何记录" in err, err
    peak_kb = int(err.split("PEAK", 1)[1].split()[0])
    assert peak_kb / 1024 < 150, peak_kb  # expanding the bomb would take 1 GB
    assert office.health_seconds() < 1.0
    with sqlite3.connect(office.db) as conn:
        assert conn.execute("SELECT count(*) FROM central_event").fetchone()[0] == 0
