"""``deskclient serve --training``: a real page is served and the app behind the websocket shows the
培训模式 banner (and, where Chromium is installed, a screenshot of the page is taken)."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.training.serve_support import serving

BANNER = "培训模式"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    with serving(tmp_path) as port:
        yield f"http://127.0.0.1:{port}"


def test_serve_refuses_the_station_ledger(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "deskclient", "--data-dir", str(tmp_path), "serve"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "--training" in out.stderr


def test_page_and_banner_over_the_websocket(served: str) -> None:
    page = httpx.get(served + "/", timeout=10)
    assert page.status_code == 200
    assert "textual.js" in page.text and "/ws" in page.text
    assert httpx.get(served + "/static/js/textual.js", timeout=10).status_code == 200

    async def read_screen() -> str:
        import aiohttp

        seen = b""
        async with aiohttp.ClientSession() as session, session.ws_connect(
                served.replace("http", "ws") + "/ws?width=120&height=40") as ws:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and BANNER.encode() not in seen:
                try:
                    msg = await ws.receive(timeout=max(0.1, deadline - time.monotonic()))
                except TimeoutError:
                    break
                if msg.type == aiohttp.WSMsgType.BINARY:
                    seen += msg.data
                elif msg.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                    break
        return seen.decode("utf-8", errors="replace")

    screen = asyncio.run(read_screen())
    assert BANNER in screen


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_chromium_screenshot_shows_the_banner(served: str, tmp_path: Path) -> None:
    from tests.training.cdp import screenshot

    shot = tmp_path / "training.png"
    drew = screenshot(str(CHROMIUM), served + "/", shot)
    assert drew, "the page never received the app's screen"
    assert shot.exists() and shot.stat().st_size > 30_000  # the intro card alone is ~12 KB
    # docs/img/training-browser.png is one such screenshot: the red 培训模式 banner and the trainer's panel
    out = os.environ.get("DESKCLIENT_SCREENSHOT_OUT")
    if out:
        shutil.copy(shot, out)
