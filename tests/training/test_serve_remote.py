"""``serve --training --host 0.0.0.0`` seen from another PC: the page takes its websocket address from
the request (not ``0.0.0.0`` or ``localhost``), loads nothing from outside the machine, and draws.

The "other PC" is a network namespace this test makes (veth pair on 10.231.7.0/30, no other route):
a request that tried to leave for the internet would fail there. Needs root, iproute2 and Chromium;
skips with the reason where any is missing. The served page is also checked on 127.0.0.2 everywhere.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.training.serve_support import serving

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
IP = shutil.which("ip")
ROOT = Path(__file__).resolve().parents[2]
HOST_ADDR, NS_ADDR = "10.231.7.1", "10.231.7.2"


@pytest.fixture
def served_everywhere(tmp_path: Path) -> Iterator[int]:
    with serving(tmp_path, host="0.0.0.0", extra=("--projector",)) as port:
        yield port


def _outside_urls(html: str, host: str) -> list[str]:
    urls = re.findall(r"(?:https?|wss?)://[^\s\"')]+", html)
    return [u for u in urls if not u.split("://", 1)[1].startswith(host) and "www.w3.org/2000/svg" not in u]


def test_page_addresses_come_from_the_request_and_nothing_from_outside(served_everywhere: int) -> None:
    host = f"127.0.0.2:{served_everywhere}"
    page = httpx.get(f"http://{host}/", timeout=10).text
    assert f"ws://{host}/ws" in page
    assert "0.0.0.0" not in page and "localhost" not in page
    assert _outside_urls(page, host) == []  # no Google fonts, no CDN
    assert "Ctrl+O" in page and "Ctrl+T" not in page  # the trainer's keys, none a browser keeps for itself
    assert "#f4f4f0" in page  # the projector's light page


@contextlib.contextmanager
def _other_pc() -> Iterator[str]:
    ns = f"dct{os.getpid() % 100000}"
    vh, vn = f"vh{os.getpid() % 100000}", f"vn{os.getpid() % 100000}"

    def run(*cmd: str) -> None:
        subprocess.run(cmd, check=True, capture_output=True, timeout=30)

    run("ip", "netns", "add", ns)
    try:
        run("ip", "link", "add", vh, "type", "veth", "peer", "name", vn)
        run("ip", "link", "set", vn, "netns", ns)
        run("ip", "addr", "add", f"{HOST_ADDR}/30", "dev", vh)
        run("ip", "link", "set", vh, "up")
        run("ip", "netns", "exec", ns, "ip", "addr", "add", f"{NS_ADDR}/30", "dev", vn)
        run("ip", "netns", "exec", ns, "ip", "link", "set", vn, "up")
        run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")
        yield ns
    finally:
        subprocess.run(["ip", "link", "del", vh], capture_output=True, timeout=30)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=30)


def _can_make_namespaces() -> str:
    if CHROMIUM is None:
        return "Chromium is not installed (apt-get install chromium)"
    if IP is None:
        return "iproute2 (ip) is not installed"
    if os.geteuid() != 0:
        return "making a network namespace needs root"
    probe = subprocess.run(["ip", "netns", "add", f"dctprobe{os.getpid()}"], capture_output=True, timeout=30)
    subprocess.run(["ip", "netns", "del", f"dctprobe{os.getpid()}"], capture_output=True, timeout=30)
    return "" if probe.returncode == 0 else "this machine does not allow network namespaces"


@pytest.mark.skipif(bool(_can_make_namespaces()), reason=_can_make_namespaces() or "ok")
def test_a_browser_on_another_pc_sees_the_desk(served_everywhere: int, tmp_path: Path) -> None:
    shot = tmp_path / "projector.png"
    with _other_pc() as ns:
        url = f"http://{HOST_ADDR}:{served_everywhere}/"
        code = ("import sys; from pathlib import Path; from tests.training.cdp import screenshot; "
                f"sys.exit(0 if screenshot({str(CHROMIUM)!r}, {url!r}, Path({str(shot)!r})) else 3)")
        done = subprocess.run(["ip", "netns", "exec", ns, sys.executable, "-c", code], cwd=ROOT,
                              capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.stat().st_size > 30_000  # the desk drew (the intro card alone is ~12 KB)
    out = os.environ.get("DESKCLIENT_SCREENSHOT_OUT")  # docs/img/training-projector.png is one of these
    if out:
        shutil.copy(shot, out)
