"""Start ``deskclient serve --training`` on a prepared training station, for the browser tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(data_dir: Path, *, host: str = "127.0.0.1", extra: tuple[str, ...] = ()) -> Iterator[int]:
    """The port of a running ``serve --training``; stopped on leaving.

    The sample station is made beforehand, as a trainer's ``deskclient --training demo-data`` does, so
    the browser meets the desk itself rather than the one-off "preparing sample data" screen."""
    subprocess.run([sys.executable, "-m", "deskclient", "--data-dir", str(data_dir), "--training", "demo-data",
                    "--cases", "20"], check=True, capture_output=True, timeout=120)
    port = free_port(host)
    proc = subprocess.Popen(
        [sys.executable, "-m", "deskclient", "--data-dir", str(data_dir), "serve", "--training", *extra,
         "--host", host, "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 60
    try:
        while True:  # until the server answers (bounded), not a fixed sleep
            try:
                if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                pytest.fail(f"serve did not start: {out[-2000:]}")
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        if proc.poll() is None:
            proc.kill()
