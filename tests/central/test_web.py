"""The county office's web view over HTTP (a live office on loopback, SQLite and PostgreSQL):
sign-in and roles, CSRF, lockout, the pages' figures from a station synced in the same test, the CSV,
and the admin actions with their audit trail. The browser tests (test_web_browser.py) drive the same
pages in Chromium."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, timedelta
from pathlib import Path

import httpx
import pytest
from central_support import start_server
from sqlalchemy import Engine, select
from web_support import (
    ADMIN,
    OFFICE_NOW,
    PASSWORD,
    PHONE_IN_NOTE,
    VIEWER,
    add_users,
    csrf_of,
    make_station_cases,
    sign_in,
    sync_station,
    web_settings,
)

from deskclient.central import accounts
from deskclient.central.admin import add_station, station_for_token
from deskclient.central.db import audit, cases, station_reports, stations, users
from deskclient.services.context import DeskContext
from deskclient.store.db import head_revision
from deskclient.strings import central as TC
from deskclient.strings import county_web as S


@pytest.fixture
def office(office_engine: Engine) -> Iterator[tuple[str, Engine]]:
    add_users(office_engine)
    srv = start_server(office_engine, web_settings=web_settings())
    yield srv.url, office_engine
    srv.stop()


@pytest.fixture
def synced(office: tuple[str, Engine], demo_ctx: DeskContext, clock) -> tuple[str, Engine, object, str]:
    url, engine = office
    made = make_station_cases(demo_ctx, clock)
    token = add_station(engine, "ZX01", "示例镇便民服务中心")
    result = sync_station(demo_ctx, url, token)
    assert result.ok and result.set_aside == 1, result.message  # the transfer note with a phone number
    return url, engine, made, token


def test_pages_need_sign_in(office: tuple[str, Engine]) -> None:
    url, _ = office
    with httpx.Client(base_url=url) as c:
        r = c.get("/county/")
        assert r.status_code == 303 and r.headers["location"] == "/county/login"
        assert c.get("/county/assessment.csv").status_code == 303
        r = c.get("/county/no-such-page")
        assert r.status_code == 404 and S.NOT_FOUND in r.text and r.headers["content-type"].startswith("text/html")
        assert c.get("/api/v1/no-such-call").json()["error"]["code"] == "not_found"  # the API keeps JSON
        assert c.get("/").headers["location"] == "/county/"


def test_sign_in_sets_a_strict_httponly_cookie_and_audits(office: tuple[str, Engine]) -> None:
    url, engine = office
    with httpx.Client(base_url=url) as c:
        r = sign_in(c, ADMIN)
        assert r.status_code == 303
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "path=/county" in cookie
        assert S.APP_TITLE in c.get("/county/").text
    assert [a["action"] for a in accounts.recent_audit(engine)] == ["signin"]


def test_login_without_its_csrf_cookie_is_refused(office: tuple[str, Engine]) -> None:
    url, _ = office
    with httpx.Client(base_url=url) as c:
        r = c.post("/county/login", data={"csrf": "x", "login": ADMIN, "password": PASSWORD})
        assert r.status_code == 403 and S.CSRF_FAILED in r.text


def test_lockout_after_repeated_failures(office: tuple[str, Engine]) -> None:
    url, engine = office
    with httpx.Client(base_url=url) as c:
        for left in range(accounts.MAX_FAILURES - 1, 0, -1):
            r = sign_in(c, VIEWER, "wrong-password")
            assert r.status_code == 401 and S.SIGNIN_WRONG_LEFT.format(left=left) in r.text
        r = sign_in(c, VIEWER, "wrong-password")
        assert S.SIGNIN_LOCKED.format(minutes=accounts.LOCK_MINUTES) in r.text
        r = sign_in(c, VIEWER)  # the right password, but locked
        assert r.status_code == 401 and "dc_session" not in r.headers.get("set-cookie", "")
    with engine.connect() as conn:
        assert conn.execute(select(users.c.locked_until).where(users.c.login == VIEWER)).scalar_one() is not None
        actions = conn.execute(select(audit.c.action).where(audit.c.login == VIEWER)).scalars().all()
    assert actions.count("signin_failed") == accounts.MAX_FAILURES - 1 and "locked" in actions
    # the lock ends after LOCK_MINUTES
    assert accounts.sign_in(engine, VIEWER, PASSWORD, OFFICE_NOW + timedelta(days=30)).login == VIEWER


def test_station_synced_now_shows_with_its_report(synced: tuple[str, Engine, object, str]) -> None:
    url, engine, _made, _token = synced
    with engine.connect() as conn:
        contact = conn.execute(select(stations.c.last_contact)).scalar_one()
        report = conn.execute(select(station_reports)).one()
    assert report.backlog == 0 and report.app_version and report.schema_version == head_revision()
    with httpx.Client(base_url=url) as c:
        sign_in(c, VIEWER)
        page = c.get("/county/").text
        assert 'id="station-ZX01"' in page and "示例镇便民服务中心" in page
        from zoneinfo import ZoneInfo

        from deskclient.central.views import _aware

        local = _aware(contact).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
        assert local in page  # last contact in the county's local time
        station = c.get("/county/stations/ZX01").text
        assert report.schema_version in station and S.COL_WINDOW in station


def test_cases_overdue_drill_down_is_masked(synced: tuple[str, Engine, object, str]) -> None:
    url, engine, made, _token = synced
    with engine.connect() as conn:
        overdue = conn.execute(select(cases).where(cases.c.case_id == made.overdue_id)).one()
    assert overdue.is_open and str(overdue.due_date) == "2026-11-16" and overdue.department == "民政办"
    with httpx.Client(base_url=url) as c:
        sign_in(c, VIEWER)
        listing = c.get("/county/cases", params={"state": "overdue"}).text
        assert made.overdue_no in listing and listing.count('class="case-link"') == 1
        by_dept = c.get("/county/cases", params={"department": "社保所"}).text
        assert made.overdue_no not in by_dept
        page = c.get(f"/county/cases/ZX01/{made.overdue_id}").text
        assert "张**" in page and "510107********4568" in page
        assert "张桂兰" not in page and PHONE_IN_NOTE not in page and "198802114568" not in page
        assert S.EVENT_LABELS["case.accepted"] in page and S.STATE_LABELS["overdue"] in page


def test_refused_record_shows_case_number_and_reason(synced: tuple[str, Engine, object, str]) -> None:
    url, _engine, made, _token = synced
    with httpx.Client(base_url=url) as c:
        sign_in(c, VIEWER)
        page = c.get("/county/refused").text
    assert made.transfer_refused_case_no in page and TC.REJECT_FULL_PHONE in page and PHONE_IN_NOTE not in page


def test_ratings_followups_complaints_and_csv(synced: tuple[str, Engine, object, str]) -> None:
    url, _engine, _made, _token = synced
    with httpx.Client(base_url=url) as c:
        sign_in(c, VIEWER)
        page = c.get("/county/ratings").text
        assert S.FOLLOWUP_STATES["open"] in page and S.COMPLAINT_CHANNELS["phone"] in page
        assert "0.0%" in page  # one rating, and it is bad
        csv_resp = c.get("/county/assessment.csv", params={"month": "2026-11"})
    assert csv_resp.status_code == 200 and csv_resp.content.startswith(b"\xef\xbb\xbf")
    rows = csv_resp.content.decode("utf-8-sig").splitlines()
    assert rows[0].split(",") == list(S.CSV_HEADER)
    station_row = rows[1].split(",")
    assert station_row[:3] == ["ZX01", S.LEVEL_LABELS["station"], "示例镇便民服务中心"]
    assert station_row[3] == "4" and station_row[8] == "1" and station_row[9] == "1"  # 4 registered; 即办件 1/1
    assert station_row[10] == "1" and station_row[11] == "1" and station_row[13] == "1"  # rated, bad, complaint


def test_viewer_is_refused_admin_actions(synced: tuple[str, Engine, object, str]) -> None:
    url, engine, _made, token = synced
    with httpx.Client(base_url=url) as c:
        page = c.get("/county/") if False else None
        sign_in(c, VIEWER)
        csrf = csrf_of(c.get("/county/").text)
        assert c.get("/county/admin").status_code == 403
        r = c.post("/county/admin/stations/ZX01/rotate", data={"csrf": csrf})
        assert r.status_code == 403 and S.FORBIDDEN_ADMIN in r.text
    assert page is None and station_for_token(engine, token) == "ZX01"


def test_post_without_csrf_is_refused(synced: tuple[str, Engine, object, str]) -> None:
    url, engine, _made, token = synced
    with httpx.Client(base_url=url) as c:
        sign_in(c, ADMIN)
        for data in ({}, {"csrf": "forged"}):
            r = c.post("/county/admin/stations/ZX01/revoke", data=data)
            assert r.status_code == 403 and S.CSRF_FAILED in r.text
        r = c.post("/county/admin/stations", json={"code": "X", "name": "x"})
        assert r.status_code == 403
    assert station_for_token(engine, token) == "ZX01"


def test_rotate_revoke_add_station_through_the_page(synced: tuple[str, Engine, object, str]) -> None:
    url, engine, _made, token = synced
    with httpx.Client(base_url=url) as c:
        sign_in(c, ADMIN)
        csrf = csrf_of(c.get("/county/stations/ZX01").text)
        r = c.post("/county/admin/stations/ZX01/rotate", data={"csrf": csrf})
        new = r.text.split('id="token">')[1].split("<")[0]
        assert station_for_token(engine, token) is None and station_for_token(engine, new) == "ZX01"
        assert httpx.get(f"{url}/api/v1/station", headers={"Authorization": f"Bearer {token}"}).status_code == 401
        r = c.post("/county/admin/stations/ZX01/revoke", data={"csrf": csrf})
        assert S.STATION_REVOKED.format(code="ZX01") in r.text and station_for_token(engine, new) is None
        assert S.REVOKED in c.get("/county/").text
        r = c.post("/county/admin/stations", data={"csrf": csrf, "code": "ZX02", "name": "某乡便民服务中心"})
        added = r.text.split('id="token">')[1].split("<")[0]
        assert station_for_token(engine, added) == "ZX02"
        assert c.get("/county/admin/stations/ZX02").status_code in (404, 405)  # never shown again
    actions = [a["action"] for a in accounts.recent_audit(engine)]
    assert {"rotate_token", "revoke_station", "add_station"} <= set(actions)
    # every line of the trail carries the office's settings clock, not the machine's
    stamps = {a["at"] if a["at"].tzinfo else a["at"].replace(tzinfo=UTC) for a in accounts.recent_audit(engine)}
    assert stamps == {OFFICE_NOW}


def test_publish_validates_and_names_the_file(office: tuple[str, Engine], tmp_path: Path) -> None:
    url, engine = office
    good = (Path(__file__).resolve().parents[2] / "data" / "holidays" / "2026.toml").read_text(encoding="utf-8")
    with httpx.Client(base_url=url) as c:
        sign_in(c, ADMIN)
        csrf = csrf_of(c.get("/county/admin").text)
        bad = good.replace("[", "{", 1)
        r = c.post("/county/admin/publish/holidays", data={"csrf": csrf},
                   files=[("files", ("2026.toml", bad.encode(), "text/plain"))])
        assert r.status_code == 400 and "2026.toml" in r.text.split('id="publish-errors"')[1]
        r = c.post("/county/admin/publish/holidays", data={"csrf": csrf},
                   files=[("files", ("2026.toml", good.encode(), "text/plain"))])
        assert r.status_code == 200 and S.PUBLISH_DONE.format(kind=TC.KIND_LABELS["holidays"], version=1, files=1) in r.text
        catalog = Path(__file__).resolve().parents[2] / "data" / "catalog"
        files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in sorted(catalog.glob("*.toml"))]
        broken = files[0][1][1].decode("utf-8").replace("code =", "code", 1).encode("utf-8")
        files[0] = ("files", (files[0][1][0], broken, "text/plain"))
        r = c.post("/county/admin/publish/catalog", data={"csrf": csrf}, files=files)
        errors = r.text.split('id="publish-errors"')[1].split("</div>")[0]
        assert r.status_code == 400 and f"{files[0][1][0]}第" in errors and "行" in errors
    actions = [(a["action"], a["target"]) for a in accounts.recent_audit(engine)]
    assert ("publish_holidays", "holidays") in actions and ("publish_refused", "holidays") in actions
    assert ("publish_refused", "catalog") in actions


def test_add_user_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    from deskclient.cli import main

    db = tmp_path / "c.db"
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert main(["central", "add-user", "zhangsan", "张三", "--role", "admin", "--password-stdin", "--db", str(db)]) == 0
    assert S.USER_ADDED.format(login="zhangsan", role=S.ROLE_LABELS["admin"]) in capsys.readouterr().out
    from deskclient.central.db import make_engine

    engine = make_engine(str(db))
    assert accounts.sign_in(engine, "zhangsan", "a-long-password").is_admin
    row = json.dumps([str(v) for v in engine.connect().execute(select(users)).one()])
    assert "a-long-password" not in row and "$argon2id$" in row


def test_station_reports_the_publications_it_uses(office: tuple[str, Engine], demo_ctx: DeskContext,
                                                 tmp_path: Path) -> None:
    from deskclient.central.admin import publish_files
    from deskclient.services.sync import SyncClient

    url, engine = office
    good = (Path(__file__).resolve().parents[2] / "data" / "holidays" / "2026.toml").read_text(encoding="utf-8")
    publish_files(engine, "holidays", {"2026.toml": good})
    token = add_station(engine, "ZX01", "示例镇便民服务中心")
    data_dir = tmp_path / "station-data"
    client = SyncClient(demo_ctx.engine, url, token, "ZX01", timeout_s=10, data_dir=data_dir)
    assert client.check_updates(data_dir).ok
    assert client.sync_once(timeout_s=30).ok
    with engine.connect() as conn:
        report = conn.execute(select(station_reports)).one()
    assert report.holidays_version == 1 and report.catalog_version is None and report.backlog == 0


def test_station_report_header_is_optional_and_forgiving() -> None:
    from deskclient.central.admin import parse_report

    assert parse_report(None) is None and parse_report("not json") is None and parse_report("[1]") is None
    assert parse_report("x" * 3000) is None
    assert parse_report('{"backlog": 3, "app_version": "0.1.0", "catalog_version": "7", "extra": 1}') == {
        "backlog": 3, "app_version": "0.1.0"}  # wrong types and unknown keys are dropped
    assert parse_report('{"backlog": true}') is None
