"""Station administration after first run (issue #14 item 6): the head adds, retires, resets and
unlocks clerks with their own PIN; each change is one transaction with its event; no PIN in events."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from deskclient.domain.errors import RuleViolation, ValidationError
from deskclient.services.context import DeskContext
from deskclient.services.people import ClerkInput
from deskclient.store.models import Clerk, Event

HEAD, PIN = "zhouzhuren", "8888"  # services.demo.DEMO_HEAD_PIN


def _events(ctx: DeskContext, type_: str) -> list[dict]:
    with ctx.ledger.read() as s:
        return [json.loads(e.payload) for e in s.exec(select(Event).where(Event.type == type_))]


def _clerk(ctx: DeskContext, login: str) -> Clerk:
    with ctx.ledger.read() as s:
        return s.exec(select(Clerk).where(Clerk.login == login)).one()


def test_head_adds_a_clerk_who_can_sign_in(demo_ctx: DeskContext) -> None:
    demo_ctx.admin.add_clerk(HEAD, PIN, ClerkInput("lixiao", "李晓", "2468", window="1", post="B"))
    assert demo_ctx.people.verify_pin("lixiao", "2468").name == "李晓"
    [ev] = [e for e in _events(demo_ctx, "clerk.created") if e["login"] == "lixiao"]
    assert ev["window"] == "1" and "2468" not in json.dumps(ev)


def test_only_the_heads_pin_approves(demo_ctx: DeskContext) -> None:
    with pytest.raises(ValidationError):  # wrong PIN: nothing changes
        demo_ctx.admin.add_clerk(HEAD, "9999", ClerkInput("lixiao", "李晓", "2468", window="1", post="B"))
    with pytest.raises(RuleViolation):  # a clerk's right PIN is not a head's
        demo_ctx.admin.retire_clerk("wangfang", "1234", "liqiang")
    with demo_ctx.ledger.read() as s:
        assert s.exec(select(Clerk).where(Clerk.login == "lixiao")).first() is None
    assert _clerk(demo_ctx, "liqiang").active


def test_retire_stops_sign_in_and_keeps_the_last_head(demo_ctx: DeskContext) -> None:
    demo_ctx.admin.retire_clerk(HEAD, PIN, "liqiang")
    assert not _clerk(demo_ctx, "liqiang").active
    with pytest.raises(ValidationError):
        demo_ctx.people.verify_pin("liqiang", "1234")
    assert _events(demo_ctx, "clerk.retired")[0]["login"] == "liqiang"
    with pytest.raises(RuleViolation):
        demo_ctx.admin.retire_clerk(HEAD, PIN, HEAD)


def test_unlock_and_reset_pin_after_a_lockout(demo_ctx: DeskContext) -> None:
    for _ in range(5):
        with pytest.raises((ValidationError, RuleViolation)):
            demo_ctx.people.verify_pin("liqiang", "0000")
    assert _clerk(demo_ctx, "liqiang").locked_until is not None
    demo_ctx.admin.unlock(HEAD, PIN, "liqiang")
    assert _clerk(demo_ctx, "liqiang").locked_until is None
    assert demo_ctx.people.verify_pin("liqiang", "1234").login == "liqiang"
    demo_ctx.admin.reset_pin(HEAD, PIN, "liqiang", "5678")
    assert demo_ctx.people.verify_pin("liqiang", "5678").login == "liqiang"
    assert [e["login"] for e in _events(demo_ctx, "clerk.unlocked")] == ["liqiang"]
    assert [e["login"] for e in _events(demo_ctx, "clerk.pin_reset")] == ["liqiang"]
    assert all("5678" not in json.dumps(e) for e in _events(demo_ctx, "clerk.pin_reset"))


def test_a_clerk_changes_their_own_pin(demo_ctx: DeskContext) -> None:
    with pytest.raises(ValidationError):
        demo_ctx.admin.change_own_pin("wangfang", "0000", "4321")
    demo_ctx.admin.change_own_pin("wangfang", "1234", "4321")
    assert demo_ctx.people.verify_pin("wangfang", "4321").login == "wangfang"
    assert _events(demo_ctx, "clerk.pin_changed")[0]["login"] == "wangfang"


def test_head_sets_the_notice_lines_and_a_refusal_prints_them(demo_ctx: DeskContext) -> None:
    """Issue #15: a station set up before the wizard asked changes 复议机关/法院/phones here, not by
    editing settings.toml; the change is recorded and every later notice prints it."""
    from deskclient.domain.notices import NoticeKind
    from deskclient.services.cases import Intake, PersonInput
    from deskclient.settings import load_settings

    lines = {"reconsideration_body": "某某市人民政府", "court": "某某市铁路运输法院",
             "progress_phone": "0851-86001234", "complaint_phone": ""}
    with pytest.raises(ValidationError):  # the court may not be left empty
        demo_ctx.admin.set_notice_lines(HEAD, PIN, {**lines, "court": " "})
    with pytest.raises(RuleViolation):  # a clerk's PIN is not a head's
        demo_ctx.admin.set_notice_lines("wangfang", "1234", lines)
    assert _events(demo_ctx, "station.notice_lines_changed") == []

    demo_ctx.admin.set_notice_lines(HEAD, PIN, lines)

    assert _events(demo_ctx, "station.notice_lines_changed") == [lines]
    saved = load_settings(demo_ctx.paths.config_file).station
    assert (saved.reconsideration_body, saved.court, saved.progress_phone) == ("某某市人民政府", "某某市铁路运输法院",
                                                                              "0851-86001234")
    item = demo_ctx.catalog.get("MZ-004")
    clerk = _clerk(demo_ctx, "wangfang")
    case = demo_ctx.cases.register(Intake(window=item.window, item=item,
                                          applicant=PersonInput("张三", "11010519491231002X", "13800138000")),
                                   clerk.id)
    text = demo_ctx.notices.preview(case.id, NoticeKind.REJECTION, clerk.id, 80,
                                    overrides={"reasons": ("不属于本中心受理范围",)})
    assert "某某市人民政府申请行政复议" in text.replace("\n", "") and "某某市铁路运输法院" in text
