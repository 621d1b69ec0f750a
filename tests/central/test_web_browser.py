"""The county office's pages in a real browser (headless Chromium over the DevTools protocol).

A station is set up through the services, works a few cases, and syncs for real to a live office on
127.0.0.1; then the county's staff sign in and use the pages. Screenshots go to ``tmp_path`` and, with
``DESKCLIENT_COUNTY_SHOTS=docs/img``, into the docs as ``county-*.png`` (docs/county-office.md).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from central_support import start_server
from sqlalchemy import Engine
from web_support import (
    ADMIN,
    PASSWORD,
    PHONE_IN_NOTE,
    VIEWER,
    add_users,
    make_station_cases,
    sync_station,
    web_settings,
)

from deskclient.central import db as cdb
from deskclient.central.admin import add_station, station_for_token
from deskclient.services.context import DeskContext
from deskclient.strings import central as TC
from deskclient.strings import county_web as S

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    engine = cdb.make_engine(f"sqlite:///{tmp_path / 'office.db'}")
    add_users(engine)
    srv = start_server(engine, web_settings=web_settings())
    yield srv.url, engine
    srv.stop()
    engine.dispose()


def _shots(tmp_path: Path) -> tuple[Path, Path | None]:
    out = os.environ.get("DESKCLIENT_COUNTY_SHOTS")
    return tmp_path / "shots", (Path(out) if out else None)


async def _shot(browser: object, tmp_path: Path, name: str) -> None:
    local, docs = _shots(tmp_path)
    path = local / f"county-{name}.png"
    await browser.screenshot(path)  # type: ignore[attr-defined]
    assert path.stat().st_size > 10_000
    if docs is not None:
        docs.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, docs / path.name)


async def _sign_in(b: object, url: str, login: str) -> None:
    await b.goto(f"{url}/county/")  # type: ignore[attr-defined]  # redirected to the sign-in page
    assert (await b.url()).endswith("/county/login")  # type: ignore[attr-defined]
    await b.fill("#login", login)  # type: ignore[attr-defined]
    await b.fill("#password", PASSWORD)  # type: ignore[attr-defined]
    await b.click("#signin")  # type: ignore[attr-defined]


async def test_admin_morning_round(live: tuple[str, Engine], demo_ctx: DeskContext, clock, tmp_path: Path) -> None:
    from tests.training.cdp import Browser

    url, engine = live
    made = make_station_cases(demo_ctx, clock)
    token = add_station(engine, "ZX01", "示例镇便民服务中心")
    result = sync_station(demo_ctx, url, token)
    assert result.ok, result.message

    async with Browser(str(CHROMIUM)) as b:
        await b.goto(f"{url}/county/login")
        await _shot(b, tmp_path, "login")
        await _sign_in(b, url, ADMIN)
        text = await b.text()
        assert S.OVERVIEW_TITLE in text and "ZX01" in text and "示例镇便民服务中心" in text
        await _shot(b, tmp_path, "overview")

        await b.click("#station-ZX01 a")
        text = await b.text()
        assert S.STATION_TITLE.format(code="ZX01", name="示例镇便民服务中心") in text and "民政办" in text
        await _shot(b, tmp_path, "station")

        await b.goto(f"{url}/county/cases?state=overdue")
        text = await b.text()
        assert made.overdue_no in text
        await _shot(b, tmp_path, "cases")
        await b.click("a.case-link")
        text = await b.text()
        assert S.CASE_TITLE.format(case_no=made.overdue_no) in text and "张**" in text
        assert "张桂兰" not in text and PHONE_IN_NOTE not in text and S.STATE_LABELS["overdue"] in text
        await _shot(b, tmp_path, "case")

        await b.click("#nav-refused")
        text = await b.text()
        assert made.transfer_refused_case_no in text and TC.REJECT_FULL_PHONE in text
        await _shot(b, tmp_path, "refused")

        await b.click("#nav-ratings")
        text = await b.text()
        assert S.FOLLOWUP_STATES["open"] in text and S.COMPLAINT_STATES["open"] in text
        await _shot(b, tmp_path, "ratings")

        await b.goto(f"{url}/county/assessment?month=2026-11")
        assert S.ASSESSMENT_TITLE.format(month="2026-11") in await b.text()
        await _shot(b, tmp_path, "assessment")
        status, body = await b.fetch(await b.evaluate("document.querySelector('#csv').href"))
        assert status == 200 and body.startswith(b"\xef\xbb\xbf")
        assert body.decode("utf-8-sig").splitlines()[0].split(",") == list(S.CSV_HEADER)
        await b.click("#print")
        assert await b.evaluate("document.body.classList.contains('printable')")
        await _shot(b, tmp_path, "assessment-print")

        # A POST without the form's CSRF token (as a forged cross-site form would send) is refused.
        status, body = await b.fetch("/county/admin/stations/ZX01/rotate", "POST", {})
        assert status == 403 and S.CSRF_FAILED in body.decode("utf-8")
        assert station_for_token(engine, token) == "ZX01"

        await b.click("#nav-admin")
        await _shot(b, tmp_path, "admin")
        await b.goto(f"{url}/county/stations/ZX01")
        await b.click("#rotate")
        new_token = str(await b.evaluate("document.querySelector('#token').innerText")).strip()
        assert station_for_token(engine, new_token) == "ZX01" and station_for_token(engine, token) is None
        assert S.TOKEN_ONCE in await b.text()
        await _shot(b, tmp_path, "token")

    # the station, told the new token, syncs again
    demo_ctx.cases  # noqa: B018  (the same desk context)
    assert sync_station(demo_ctx, url, new_token).ok


async def test_viewer_is_refused_admin_action(live: tuple[str, Engine], demo_ctx: DeskContext, clock,
                                              tmp_path: Path) -> None:
    from tests.training.cdp import Browser

    url, engine = live
    token = add_station(engine, "ZX01", "示例镇便民服务中心")
    assert sync_station(demo_ctx, url, token).ok
    async with Browser(str(CHROMIUM)) as b:
        await _sign_in(b, url, VIEWER)
        text = await b.text()
        assert "ZX01" in text and S.NAV_ADMIN not in text
        await b.goto(f"{url}/county/stations/ZX01")
        assert await b.evaluate("document.querySelector('#rotate') === null")
        csrf = str(await b.evaluate("document.querySelector('input[name=csrf]').value"))
        status, body = await b.fetch("/county/admin/stations/ZX01/rotate", "POST", {"csrf": csrf})
        assert status == 403 and S.FORBIDDEN_ADMIN in body.decode("utf-8")
        await b.goto(f"{url}/county/admin")
        assert S.FORBIDDEN_ADMIN in await b.text()
        await _shot(b, tmp_path, "forbidden")
    assert station_for_token(engine, token) == "ZX01"
