"""Take the SVG screenshots for docs/clerk-guide.md with the app itself (``app.save_screenshot``).

Run: ``/work/venv/bin/python docs/make_screenshots.py`` (writes docs/img/*.svg). Uses a throw-away
demo station, a fixed clock (2026-11-24 09:30) and fixed-seed sample cases, so the pictures only
change when the screens do.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from deskclient.domain.clock import FixedClock
from deskclient.settings import Mode, Paths
from deskclient.ui.app import make_app

OUT = Path(__file__).parent / "img"
NOW = datetime(2026, 11, 24, 9, 30)
SIZE = (100, 30)


async def settle(app, pilot) -> None:
    for _ in range(4):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def shoot() -> None:
    OUT.mkdir(exist_ok=True)
    root = Path(tempfile.mkdtemp())
    try:
        app = make_app(Paths.resolve(root, Mode.DEMO), clock=FixedClock(NOW), cursor_blink=False, demo_cases=80)
        app.draft_debounce = 0.4
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            app.save_screenshot("sign-in.svg", str(OUT))
            await pilot.press("down", "enter", *"1234", "enter")
            await settle(app, pilot)
            app.save_screenshot("home.svg", str(OUT))
            await pilot.press("f2")
            await settle(app, pilot)
            await pilot.press(*"dbsq")
            await settle(app, pilot)
            app.save_screenshot("intake-search.svg", str(OUT))
            await pilot.press("down", "down", "enter")
            await settle(app, pilot)
            await pilot.press(*"张三")
            app.screen.query_one("#a-id").value = "11010519491231002X"
            app.screen.query_one("#a-phone").value = "13800138000"
            await settle(app, pilot)
            app.save_screenshot("intake.svg", str(OUT))
            await pilot.press("f9")
            await settle(app, pilot)
            await pilot.press("r", "r", "m", "a")
            await settle(app, pilot)
            app.save_screenshot("checklist.svg", str(OUT))
            await pilot.press("f9", "f9")
            await settle(app, pilot)
            app.save_screenshot("notice.svg", str(OUT))
            await pilot.press("escape")
            await settle(app, pilot)
            app.save_screenshot("case-detail.svg", str(OUT))
            await pilot.press("ctrl+p")
            await settle(app, pilot)
            app.save_screenshot("palette.svg", str(OUT))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(shoot())
    print(f"screenshots written to {OUT}")
