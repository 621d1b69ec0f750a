"""A station the way a station is made (first-run setup via the services, cases from the shipped
catalog through the case and clock services), synced for real to a live office; and web sign-in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import Engine

from deskclient.central.accounts import add_user
from deskclient.central.web.render import WebSettings
from deskclient.domain.cases import MaterialState, Outcome
from deskclient.domain.clock import FixedClock
from deskclient.services.cases import CheckInput, Intake, PersonInput
from deskclient.services.clocks import ClockService
from deskclient.services.context import DeskContext
from deskclient.services.sync import SyncClient

# The office "now": 2026-11-24 10:00 in Beijing (the station's clock ends at 09:30 the same day).
OFFICE_NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
ADMIN, VIEWER, PASSWORD = "xianzhongxin", "chakan", "county-pass-2026"
PHONE_IN_NOTE = "13900001234"


def web_settings(silent_hours: float = 24) -> WebSettings:
    return WebSettings(silent_hours=silent_hours, timezone="Asia/Shanghai", secure_cookies=False,
                       now=lambda: OFFICE_NOW)


def add_users(engine: Engine) -> None:
    add_user(engine, ADMIN, "县中心管理员", "admin", PASSWORD)
    add_user(engine, VIEWER, "督查科", "viewer", PASSWORD)


@dataclass
class StationCases:
    overdue_id: str
    overdue_no: str
    open_id: str
    immediate_id: str
    transfer_refused_case_no: str


def _clerk(ctx: DeskContext, login: str) -> str:
    return next(c.id for c in ctx.people.clerks() if c.login == login)


def _register(ctx: DeskContext, code: str, login: str) -> str:
    item = ctx.catalog.get(code)
    assert item is not None
    clerk = next(c for c in ctx.people.clerks() if c.login == login)
    case = ctx.cases.register(Intake(window=clerk.window or "1", item=item,
                                     applicant=PersonInput("张桂兰", "510107198802114568", PHONE_IN_NOTE)), clerk.id)
    checks = [CheckInput(m.position, MaterialState.RECEIVED) for m in ctx.cases.materials(case.id)]
    ctx.cases.confirm_outcome(case.id, clerk.id, checks, Outcome.ACCEPT)
    return case.id


def make_station_cases(ctx: DeskContext, clock: FixedClock) -> StationCases:
    """An overdue promised case (accepted 2 Nov, 10 working days), an open one accepted today, an
    immediate case with a bad rating (follow-up), a complaint, and a transfer whose reason the clerk
    typed with a full mobile number (the office refuses that event)."""
    today = clock.current
    clock.current = datetime(2026, 11, 2, 9, 15)
    overdue = _register(ctx, "MZ-004", "wangfang")
    clock.current = today
    open_ = _register(ctx, "MZ-004", "liqiang")
    immediate = _register(ctx, "RS-003", "zhangmin")
    clocks = ClockService.of(ctx)
    clocks.rate(immediate, _clerk(ctx, "zhangmin"), "very_unsatisfied")
    clocks.record_complaint(_clerk(ctx, "liqiang"), channel="phone", content="等候时间过长", case_id=open_, window="1")
    moved = _register(ctx, "MZ-004", "wangfang")
    ctx.cases.transfer(moved, _clerk(ctx, "wangfang"), "2", f"申请人要求改到社保窗口,联系电话{PHONE_IN_NOTE}")
    with ctx.ledger.read() as s:
        from deskclient.store.models import Case

        overdue_no = s.get(Case, overdue).case_no
        moved_no = s.get(Case, moved).case_no
    return StationCases(overdue, overdue_no, open_, immediate, moved_no)


def sync_station(ctx: DeskContext, office_url: str, token: str, data_dir: Path | None = None) -> object:
    client = SyncClient(ctx.engine, office_url, token, ctx.station_code, timeout_s=10,
                        data_dir=data_dir or ctx.paths.data_dir)
    return client.sync_once(timeout_s=30)


_CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    m = _CSRF_RE.search(html)
    assert m, "no CSRF field on the page"
    return m.group(1)


def sign_in(client: httpx.Client, login: str, password: str = PASSWORD) -> httpx.Response:
    page = client.get("/county/login")
    return client.post("/county/login", data={"csrf": csrf_of(page.text), "login": login, "password": password})
