"""A real ``deskclient central serve`` subprocess on 127.0.0.1, with its memory read from /proc.

The hardening tests attack this process, not an in-process server, so what they measure (open
files, resident memory, whether it still answers) is what a county would see. The child runs with
an open-file limit of 1,024 (soft and hard), the limit that let ~1,000 idle connections wedge the
first version.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from deskclient.central import db as cdb
from deskclient.central.admin import add_station

OPEN_FILES = 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _limit_files() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILES, OPEN_FILES))


def proc_kb(pid: int, field: str) -> int:
    """``VmRSS`` (resident now) or ``VmHWM`` (peak resident) of a process, in KB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"{field} not in /proc/{pid}/status")


@dataclass
class Office:
    proc: subprocess.Popen
    url: str
    port: int
    db: Path
    token: str
    station: str = "ZX01"
    verify: str | bool = True

    def health_seconds(self, timeout: float = 1.0) -> float:
        """Seconds a fresh connection's health check took; fails if no answer within ``timeout``."""
        started = time.monotonic()
        r = httpx.get(f"{self.url}/api/v1/health", timeout=timeout, verify=self.verify)
        assert r.status_code == 200 and r.json()["status"] == "ok"
        return time.monotonic() - started

    def rss_mb(self) -> float:
        return proc_kb(self.proc.pid, "VmRSS") / 1024

    def peak_mb(self) -> float:
        return proc_kb(self.proc.pid, "VmHWM") / 1024

    def stop(self) -> str:
        self.proc.terminate()
        try:
            _out, err = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _out, err = self.proc.communicate()
        return err


def start_office(tmp_path: Path, *extra: str, scheme: str = "http", verify: str | bool = True) -> Office:
    if not sys.platform.startswith("linux"):
        pytest.skip("memory is read from /proc (Linux only)")
    db = tmp_path / "office.db"
    engine = cdb.make_engine(f"sqlite:///{db}")
    token = add_station(engine, "ZX01", "某某镇便民服务中心")
    engine.dispose()
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "DESKCLIENT_HOME": str(tmp_path / "office-home")}
    proc = subprocess.Popen([sys.executable, "-m", "deskclient", "central", "serve", "--db", str(db),
                             "--port", str(port), *extra], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, preexec_fn=_limit_files)
    office = Office(proc, f"{scheme}://127.0.0.1:{port}", port, db, token, verify=verify)
    deadline = time.monotonic() + 60
    while True:  # bounded wait for the port: the child imports FastAPI first
        if proc.poll() is not None:
            raise AssertionError("office exited: " + proc.stderr.read()[-2000:])
        try:
            office.health_seconds(timeout=2.0)
            return office
        except (httpx.HTTPError, OSError):
            if time.monotonic() > deadline:
                office.stop()
                raise AssertionError("office did not start within 60 s") from None
            time.sleep(0.1)
