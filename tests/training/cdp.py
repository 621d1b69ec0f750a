"""A tiny Chrome DevTools Protocol client: open a page in headless Chromium, wait until the served
app has sent its first screen, read the page text and take a screenshot. (No Selenium/Playwright
needed: aiohttp comes with textual-serve.)"""

from __future__ import annotations

import asyncio
import base64
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _session(chromium: str, url: str, shot: Path, wait_s: float) -> bool:
    import aiohttp

    port = _free_port()
    profile = tempfile.mkdtemp(prefix="cdp-")
    proc = subprocess.Popen([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                             "--no-first-run", "--disable-background-networking", "--disable-component-update",
                             "--disable-sync", f"--user-data-dir={profile}", "--window-size=1400,900",
                             f"--remote-debugging-port={port}", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        async with aiohttp.ClientSession() as http:
            deadline = time.monotonic() + 30
            tabs: list[dict[str, Any]] = []
            while not tabs and time.monotonic() < deadline:  # until the browser answers (bounded)
                try:
                    async with http.get(f"http://127.0.0.1:{port}/json") as r:
                        tabs = [t for t in await r.json() if t.get("type") == "page"]
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)
            async with http.ws_connect(tabs[0]["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                counter = 0

                async def call(method: str, **params: Any) -> dict[str, Any]:
                    nonlocal counter
                    counter += 1
                    await ws.send_json({"id": counter, "method": method, "params": params})
                    while True:
                        msg = await ws.receive_json()
                        if msg.get("id") == counter:
                            return dict(msg.get("result", {}))

                async def evaluate(expr: str) -> Any:
                    r = await call("Runtime.evaluate", expression=expr, returnByValue=True)
                    return r.get("result", {}).get("value")

                await call("Page.enable")
                await call("Page.navigate", url=url)
                started = False
                deadline = time.monotonic() + wait_s
                while time.monotonic() < deadline:  # until the app's first bytes reached the page
                    started = bool(await evaluate(
                        "!!document.body && document.body.classList.contains('-first-byte')"))
                    if started:
                        break
                    await asyncio.sleep(0.3)
                shot_data = await call("Page.captureScreenshot", format="png")
                if started:
                    # until the picture settles: the same bytes twice in a row (bounded), so a loaded
                    # machine is waited for instead of photographed mid-paint
                    previous = b""
                    while time.monotonic() < deadline:
                        await asyncio.sleep(0.5)
                        shot_data = await call("Page.captureScreenshot", format="png")
                        current = base64.b64decode(shot_data["data"])
                        if current == previous:
                            break
                        previous = current
                shot.write_bytes(base64.b64decode(shot_data["data"]))
                return started
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def screenshot(chromium: str, url: str, shot: Path, wait_s: float = 60) -> bool:
    """Open ``url``, wait (bounded) until the served app has drawn, save a PNG; True if it drew.

    The terminal is painted on a canvas, so the banner's text is checked over the websocket
    (test_page_and_banner_over_the_websocket) and seen here in the picture."""
    return asyncio.run(_session(chromium, url, shot, wait_s))
