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


# --------------------------------------------------------------------------------------------------
# A page driver for server-rendered pages (the county office's web view): navigate, fill, click and
# wait for the next page, read text, fetch with the page's cookies, take screenshots.
# --------------------------------------------------------------------------------------------------


class Browser:
    """One headless Chromium with one tab, driven over the DevTools websocket (async context manager).

    Page changes are awaited by marking the current document (``window.__dcOld``) before an action
    and polling, bounded, until a complete document without the mark is loaded.
    """

    def __init__(self, chromium: str, *, width: int = 1400, height: int = 900, timeout_s: float = 30) -> None:
        self.chromium, self.width, self.height, self.timeout_s = chromium, width, height, timeout_s
        self._counter = 0

    async def __aenter__(self) -> Browser:
        import aiohttp

        port = _free_port()
        self._profile = tempfile.mkdtemp(prefix="cdp-")
        self._proc = subprocess.Popen(
            [self.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={self._profile}", f"--window-size={self.width},{self.height}",
             "--lang=zh-CN", f"--remote-debugging-port={port}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._http = aiohttp.ClientSession()
        deadline = time.monotonic() + self.timeout_s
        tabs: list[dict[str, Any]] = []
        while not tabs:  # until the browser answers (bounded)
            if time.monotonic() > deadline:
                await self.__aexit__(None, None, None)
                raise TimeoutError("chromium did not start")
            try:
                async with self._http.get(f"http://127.0.0.1:{port}/json") as r:
                    tabs = [t for t in await r.json() if t.get("type") == "page"]
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
        self._ws = await self._http.ws_connect(tabs[0]["webSocketDebuggerUrl"], max_msg_size=0)
        await self.call("Page.enable")
        return self

    async def __aexit__(self, *_exc: object) -> None:
        import shutil

        if getattr(self, "_ws", None) is not None:
            await self._ws.close()
        await self._http.close()
        self._proc.terminate()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
        shutil.rmtree(self._profile, ignore_errors=True)

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        self._counter += 1
        mine = self._counter
        await self._ws.send_json({"id": mine, "method": method, "params": params})
        while True:
            msg = await asyncio.wait_for(self._ws.receive_json(), timeout=self.timeout_s)
            if msg.get("id") == mine:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return dict(msg.get("result", {}))

    async def evaluate(self, expr: str) -> Any:
        r = await self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(str(r["exceptionDetails"])[:500])
        return r.get("result", {}).get("value")

    async def _mark(self) -> None:
        await self.evaluate("window.__dcOld = true")

    async def _wait_new_page(self) -> None:
        deadline = time.monotonic() + self.timeout_s
        while time.monotonic() < deadline:
            try:
                done = await self.evaluate("!window.__dcOld && document.readyState === 'complete'")
            except RuntimeError:
                done = False  # the context went away mid-navigation
            if done:
                return
            await asyncio.sleep(0.05)
        raise TimeoutError("the next page did not load")

    async def goto(self, url: str) -> None:
        await self._mark()
        await self.call("Page.navigate", url=url)
        await self._wait_new_page()

    async def fill(self, selector: str, value: str) -> None:
        import json

        ok = await self.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
                                 f" if (!e) return false; e.value = {json.dumps(value)}; return true; }})()")
        assert ok, f"no element {selector}"

    async def click(self, selector: str, *, navigates: bool = True) -> None:
        import json

        if navigates:
            await self._mark()
        ok = await self.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
                                 f" if (!e) return false; e.click(); return true; }})()")
        assert ok, f"no element {selector}"
        if navigates:
            await self._wait_new_page()

    async def text(self) -> str:
        return str(await self.evaluate("document.body.innerText"))

    async def url(self) -> str:
        return str(await self.evaluate("location.href"))

    async def fetch(self, path: str, method: str = "GET", form: dict[str, str] | None = None) -> tuple[int, bytes]:
        """``fetch`` from inside the page (its cookies, its origin): status and body bytes."""
        import json

        body = "" if form is None else f", body: new URLSearchParams({json.dumps(form)})"
        js = (f"fetch({json.dumps(path)}, {{method: {json.dumps(method)}, credentials: 'same-origin'{body}}})"
              ".then(async r => { const b = new Uint8Array(await r.arrayBuffer()); let s = '';"
              " for (const x of b) s += String.fromCharCode(x); return [r.status, btoa(s)]; })")
        status, data = await self.evaluate(js)
        return int(status), base64.b64decode(data)

    async def screenshot(self, path: Path) -> None:
        height = int(await self.evaluate("Math.max(document.body.scrollHeight, 600)"))
        await self.call("Emulation.setDeviceMetricsOverride", width=self.width, height=min(height, 2400),
                        deviceScaleFactor=1, mobile=False)
        shot = await self.call("Page.captureScreenshot", format="png")
        await self.call("Emulation.clearDeviceMetricsOverride")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
