"""The front door: a station set up by the first-run wizard's service is reached the same way by the
desk's exit sync, close-day, ``deskclient sync`` and ``deskclient export-bundle`` (a real office on
loopback), and ``deskclient notice`` prints every kind of notice for real cases made from the shipped
catalog. Each test here failed on main before the one-context change (see issue #13).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import select

from deskclient.cli import main
from deskclient.domain.cases import Delivery, MaterialState, Outcome
from deskclient.domain.clock import FixedClock
from deskclient.domain.notices import NoticeKind
from deskclient.services.cases import CheckInput, Intake, PersonInput
from deskclient.services.context import DeskContext, open_context, resolve_identity
from deskclient.services.people import parse_setup
from deskclient.settings import CentralSettings, Mode, Paths, Settings, StationSettings, save_settings
from deskclient.store.models import Case, Station

NOW = datetime(2026, 11, 24, 9, 30)
CODE = "ZX07"
ID_NO = "510107198802114568"


@dataclass
class Office:
    url: str
    token: str
    engine: object

    def stored(self, code: str = CODE) -> int:
        with self.engine.connect() as conn:  # type: ignore[attr-defined]
            return int(conn.exec_driver_sql("SELECT COUNT(*) FROM central_event WHERE station = ?",
                                            (code,)).scalar())


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Office]:
    from tests.central.central_support import start_server

    from deskclient.central.admin import add_station
    from deskclient.central.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'office.sqlite'}")
    token = add_station(engine, CODE, "青石镇便民服务中心")
    server = start_server(engine)
    try:
        yield Office(server.url, token, engine)
    finally:
        server.stop()
        engine.dispose()


def wizard_station(root: Path, office_url: str) -> Paths:
    """What the first-run wizard does (its parser and PeopleService.setup_station): the office's address
    goes into the station row; the settings file is not written."""
    paths = Paths.resolve(root, Mode.STATION)
    ctx = open_context(paths, clock=FixedClock(NOW))
    windows, clerks = parse_setup("1 民政窗口 民政办\n2 社保窗口 人社所",
                                  "1 A wangfang 王芳 1234\n1 B lina 李娜 2345\n2 A zhangmin 张敏 3456",
                                  "zhouzhuren 周主任 8888")
    ctx.people.setup_station(code=CODE, name="青石镇便民服务中心", centre="青石镇便民服务中心",
                             central_url=office_url, windows=windows, clerks=clerks)
    ctx.refresh_station()
    _register(ctx, "CL-002")  # a promised item from the shipped catalog: events to send
    ctx.close()
    return paths


def _clerk_id(ctx: DeskContext, login: str) -> str:
    return next(c.id for c in ctx.people.clerks() if c.login == login)


def _register(ctx: DeskContext, code: str, login: str = "wangfang", **kw: object) -> str:
    item = ctx.catalog.get(code)
    assert item is not None, code
    clerk = next(c for c in ctx.people.clerks() if c.login == login)
    case = ctx.cases.register(Intake(window=clerk.window or "1", item=item,
                                     applicant=PersonInput("张桂兰", ID_NO, "13900001234"), **kw), clerk.id)
    return case.id


def _token_only(paths: Paths, token: str) -> None:
    """The station's settings file holds the token the county gave it (the wizard does not ask)."""
    save_settings(paths.config_file, Settings(central=CentralSettings(token=token)))


def _unsent(paths: Paths) -> int:
    con = sqlite3.connect(paths.ledger_file)
    try:
        return int(con.execute("SELECT COUNT(*) FROM event WHERE sent_at IS NULL AND set_aside_reason = ''")
                   .fetchone()[0])
    finally:
        con.close()


# --- the rule merging the station row and settings.toml -------------------------------------------------
def test_identity_rule_row_names_the_station_settings_reach_the_office() -> None:
    row = Station(code=CODE, name="青石镇便民服务中心", centre="青石镇", central_url="http://wizard:8700",
                  created_at=NOW)
    plain = resolve_identity(Settings(central=CentralSettings(token="t")), row)
    assert (plain.code, plain.office_url, plain.token, plain.configured) == (CODE, "http://wizard:8700", "t", True)
    moved = resolve_identity(Settings(station=StationSettings(code="OTHER"),
                                      central=CentralSettings(url="http://moved:8700", token="t")), row)
    assert moved.code == CODE  # every event already carries the row's code
    assert moved.office_url == "http://moved:8700"  # the county may move the office
    before_first_run = resolve_identity(Settings(station=StationSettings(code="ZX09", name="x")), None)
    assert (before_first_run.code, before_first_run.configured, before_first_run.can_sync) == ("ZX09", False, False)


# --- one sync path for every front end ------------------------------------------------------------------
def test_cli_sync_reaches_the_office_of_a_wizard_station(tmp_path: Path, office: Office) -> None:
    paths = wizard_station(tmp_path / "desk", office.url)
    _token_only(paths, office.token)
    pending = _unsent(paths)
    assert pending > 0
    assert main(["--data-dir", str(paths.data_dir), "sync", "--no-updates", "--timeout", "30"]) == 0
    assert _unsent(paths) == 0 and office.stored() == pending


def test_cli_sync_with_the_deployment_docs_settings_file(tmp_path: Path, office: Office) -> None:
    """[central] url and token only (docs/deployment.md), no [station] code: the code comes from the row
    (before, the empty code made the office answer 403)."""
    paths = wizard_station(tmp_path / "desk", "")
    save_settings(paths.config_file, Settings(central=CentralSettings(url=office.url, token=office.token)))
    pending = _unsent(paths)
    assert main(["sync", "--no-updates", "--timeout", "30", "--data-dir", str(paths.data_dir)]) == 0
    assert office.stored() == pending


def test_close_day_syncs_a_wizard_station(tmp_path: Path, office: Office) -> None:
    paths = wizard_station(tmp_path / "desk", office.url)
    _token_only(paths, office.token)
    ctx = open_context(paths, clock=FixedClock(NOW))
    try:
        clerk = _clerk_id(ctx, "wangfang")
        with ctx.ledger.read() as s:
            case_id = s.exec(select(Case.id)).one()
        checks = [CheckInput(m.position, MaterialState.RECEIVED) for m in ctx.cases.materials(case_id)]
        ctx.cases.confirm_outcome(case_id, clerk, checks, Outcome.ACCEPT)  # nothing left mid-intake
        ctx.workday.open_day(window="1", clerk_id=clerk)  # 收班 needs 开班 first (#14)
        closing = ctx.workday.close_day(window="1", clerk_id=clerk)
    finally:
        ctx.close()
    assert closing.sync_ok is True, closing.sync_message
    assert _unsent(paths) == 0 and office.stored() > 0


def test_export_bundle_of_a_wizard_station_imports_at_the_office(tmp_path: Path, office: Office) -> None:
    from deskclient.central.admin import import_bundle

    paths = wizard_station(tmp_path / "desk", office.url)
    _token_only(paths, office.token)
    bundle = tmp_path / "usb" / "zx07.bundle"
    bundle.parent.mkdir()
    assert main(["export-bundle", str(bundle), "--data-dir", str(paths.data_dir)]) == 0
    assert bundle.exists()
    import_bundle(office.engine, bundle)
    assert office.stored() == _unsent(paths)  # the events stay pending locally until an online sync


async def test_desk_exit_syncs_a_wizard_station(tmp_path: Path, office: Office) -> None:
    from tests.ui.conftest import new_app, settle

    paths = wizard_station(tmp_path / "desk", office.url)
    _token_only(paths, office.token)
    pending = _unsent(paths)
    app = new_app(paths)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+q")
        await settle(app, pilot, rounds=8)
    assert _unsent(paths) == 0 and office.stored() == pending


# --- deskclient notice: every kind, on real cases -----------------------------------------------------
def _case_for_every_kind(ctx: DeskContext) -> dict[NoticeKind, str]:
    """One case per notice kind, each brought to its state through the services (shipped catalog)."""
    wang, head = _clerk_id(ctx, "wangfang"), _clerk_id(ctx, "zhouzhuren")

    def checked(case_id: str, missing: tuple[int, ...] = ()) -> list[CheckInput]:
        return [CheckInput(m.position, MaterialState.MISSING if m.position in missing else MaterialState.RECEIVED)
                for m in ctx.cases.materials(case_id)]

    out: dict[NoticeKind, str] = {}
    out[NoticeKind.CHECKLIST] = _register(ctx, "CL-003", enquiry=True)
    promised = _register(ctx, "CL-002")
    ctx.cases.confirm_outcome(promised, wang, checked(promised), Outcome.ACCEPT)
    out[NoticeKind.PROMISE] = out[NoticeKind.ACCEPTANCE] = promised
    joint = _register(ctx, "CL-005")
    ctx.cases.confirm_outcome(joint, wang, checked(joint), Outcome.ACCEPT)
    out[NoticeKind.JOINT] = joint
    supplement = _register(ctx, "CL-002")
    ctx.cases.confirm_outcome(supplement, wang, checked(supplement, (0, 2)), Outcome.SUPPLEMENT)
    out[NoticeKind.SUPPLEMENT] = supplement
    rejected = _register(ctx, "CL-002")
    ctx.cases.confirm_outcome(rejected, wang, checked(rejected), Outcome.REJECT, reasons=["不属于本中心受理范围"])
    out[NoticeKind.REJECTION] = rejected
    done = _register(ctx, "CL-002")
    ctx.cases.confirm_outcome(done, wang, checked(done), Outcome.ACCEPT)
    ctx.cases.complete(done, wang, Delivery.WINDOW)
    out[NoticeKind.COMPLETION] = done
    extended = _register(ctx, "CL-002")
    ctx.cases.confirm_outcome(extended, wang, checked(extended), Outcome.ACCEPT)
    ctx.case_clock.extend(extended, wang, head_id=head, days=5, reason="需要实地核查", applicant_told=True)
    out[NoticeKind.EXTENSION] = extended
    paused = _register(ctx, "CL-002")  # art. 45: 鉴定, the time needed told in writing (issue #16)
    ctx.cases.confirm_outcome(paused, wang, checked(paused), Outcome.ACCEPT)
    ctx.case_clock.pause(paused, wang, "appraisal", notice_days=15)
    out[NoticeKind.CLOCK_PAUSE] = paused
    urgent = _register(ctx, "CL-002")  # 急办件通知单 to the lead window (seed 003)
    ctx.head_desk.approve_urgent(urgent, head, "申请人住院")
    out[NoticeKind.URGENT] = urgent
    follow = _register(ctx, "LY-001")  # 容缺受理: the general material (村委会意见) follows
    general = next(m.position for m in ctx.cases.materials(follow) if not m.is_main)
    ctx.cases.confirm_outcome(follow, wang, checked(follow, (general,)), Outcome.ACCEPT)
    out[NoticeKind.FOLLOW_UP] = follow
    with ctx.ledger.read() as s:
        numbers = {c.id: c.case_no for c in s.exec(select(Case))}
    return {k: numbers[v] for k, v in out.items()}


def test_cli_notice_prints_every_case_notice_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from deskclient.commands.notice import KINDS

    paths = wizard_station(tmp_path / "desk", "")
    # what deployment.md has the administrator set after the wizard: the remedies a refusal must name
    paths.config_file.write_text('[station]\nreconsideration_body = "某某县人民政府"\ncourt = "某某县人民法院"\n',
                                 encoding="utf-8")
    ctx = open_context(paths, clock=FixedClock(NOW))
    try:
        cases = _case_for_every_kind(ctx)
    finally:
        ctx.close()
    assert set(KINDS) == {str(k) for k in NoticeKind if k.is_about_a_case}  # the CLI offers every kind
    for kind in KINDS:
        capsys.readouterr()
        code = main(["--data-dir", str(paths.data_dir), "notice", cases[NoticeKind(kind)], "--type", kind])
        out, err = capsys.readouterr()
        assert code == 0, (kind, err)
        assert cases[NoticeKind(kind)] in out and ID_NO not in out
    # the catalog's fields reach the one-time checklist (they used to be added by a screen only)
    main(["--data-dir", str(paths.data_dir), "notice", cases[NoticeKind.CHECKLIST], "--type", "checklist"])
    out = capsys.readouterr().out
    item = open_context(paths).catalog.get("CL-003")
    assert item is not None and item.steps[0].name in out and item.fee in out


# --- demo and training never reach the station ledger --------------------------------------------------
@pytest.mark.parametrize("flags", [["--training", "report", "daily"], ["report", "daily", "--training"],
                                   ["--demo", "report", "daily"], ["report", "--demo", "daily"]])
def test_report_mode_flags_in_any_position_act_on_their_own_ledger(tmp_path: Path, flags: list[str],
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    mode = "training" if "--training" in flags else "demo"
    assert main(["--data-dir", str(tmp_path), "demo-data", "--cases", "5", *(["--training"] if mode == "training"
                                                                           else [])]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(tmp_path), *flags]) == 0  # the station ledger has no station: would say so
    assert not (tmp_path / "ledger.sqlite").exists() or _station_rows(tmp_path / "ledger.sqlite") == 0
    assert (tmp_path / mode / "ledger.sqlite").exists()


def _station_rows(ledger: Path) -> int:
    con = sqlite3.connect(ledger)
    try:
        return int(con.execute("SELECT COUNT(*) FROM station").fetchone()[0])
    finally:
        con.close()


def test_settings_station_code_cannot_split_the_ledger(tmp_path: Path) -> None:
    """A [station] code in settings.toml that differs from the wizard's does not re-stamp new events."""
    paths = wizard_station(tmp_path / "desk", "")
    save_settings(paths.config_file, Settings(station=StationSettings(code="ZX99")))
    ctx = open_context(paths, clock=FixedClock(NOW))
    try:
        assert ctx.station_code == CODE
        case_id = _register(ctx, "CL-002")
        assert ctx.cases.get(case_id).case_no.startswith(f"{CODE}-")
    finally:
        ctx.close()


# --- one operation, one transaction ----------------------------------------------------------------------
def _count(paths: Paths, sql: str) -> int:
    con = sqlite3.connect(paths.ledger_file)
    try:
        return int(con.execute(sql).fetchone()[0])
    finally:
        con.close()


def test_register_transfer_and_the_draft_are_one_transaction(tmp_path: Path) -> None:
    from deskclient.domain.errors import ValidationError

    paths = wizard_station(tmp_path / "desk", "")
    ctx = open_context(paths, clock=FixedClock(NOW))
    try:
        clerk = _clerk_id(ctx, "wangfang")
        ctx.intake.save_draft("draft-1", clerk, {"applicant_name": "张桂兰", "item_code": "CL-002"})
        item = ctx.catalog.get("RS-001")  # a 社保 item asked at the 民政 window: sent on to window 2
        assert item is not None
        intake = Intake(window="1", item=item, applicant=PersonInput("张桂兰", ID_NO, "13900001234"))
        cases, events = _count(paths, "SELECT COUNT(*) FROM 'case'"), _count(paths, "SELECT COUNT(*) FROM event")
        with pytest.raises(ValidationError):  # no window 9: nothing of the three steps happens
            ctx.intake.confirm_and_transfer(intake, clerk, to_window="9", reason="社保事项", draft_id="draft-1")
        assert _count(paths, "SELECT COUNT(*) FROM 'case'") == cases
        assert _count(paths, "SELECT COUNT(*) FROM event") == events
        assert _count(paths, "SELECT COUNT(*) FROM draft") == 1
        case = ctx.intake.confirm_and_transfer(intake, clerk, to_window="2", reason="社保事项", draft_id="draft-1")
        assert case.window == "2" and case.first_asked_clerk_id == clerk
        assert _count(paths, "SELECT COUNT(*) FROM draft") == 0
        assert _count(paths, f"SELECT COUNT(*) FROM event WHERE case_id = '{case.id}'") == 2  # registered, transferred
    finally:
        ctx.close()


def test_head_approval_is_checked_in_one_place(tmp_path: Path) -> None:
    from deskclient.domain.errors import RuleViolation

    paths = wizard_station(tmp_path / "desk", "")
    ctx = open_context(paths, clock=FixedClock(NOW))
    try:
        case_id = _register(ctx, "CL-002")
        clerk = _clerk_id(ctx, "wangfang")
        with pytest.raises(RuleViolation):  # a clerk's right PIN is not a head's approval
            ctx.head_desk.approve_urgent_at_window(case_id, clerk, head_login="lina", head_pin="2345")
        assert not ctx.cases.get(case_id).is_urgent
        with pytest.raises(RuleViolation):
            ctx.case_clock.extend_and_issue(case_id, clerk, head_login="lina", head_pin="2345", days=5,
                                            reason="需要实地核查")
        case = ctx.head_desk.approve_urgent_at_window(case_id, clerk, head_login="zhouzhuren", head_pin="8888")
        assert case.is_urgent
    finally:
        ctx.close()


async def test_showing_home_never_writes_deemed_acceptance_runs_at_sign_in_and_on_the_timer(tmp_path: Path) -> None:
    """Art. 32: a 收件待审 case whose five days ran out is accepted from its receipt date. That write
    happens at sign-in and on the app's timer, never because a screen was shown."""
    from datetime import timedelta

    from tests.ui.conftest import new_app, settle, sign_in

    from deskclient.ui.screens.home import HomeScreen

    paths = wizard_station(tmp_path / "desk", "")
    ctx = open_context(paths, clock=FixedClock(NOW))
    try:
        case_id = _register(ctx, "CL-002")
        checks = [CheckInput(m.position, MaterialState.RECEIVED) for m in ctx.cases.materials(case_id)]
        ctx.cases.confirm_outcome(case_id, _clerk_id(ctx, "wangfang"), checks, Outcome.EXAMINE)
    finally:
        ctx.close()
    deemed = "SELECT COUNT(*) FROM event WHERE type = 'case.deemed_accepted'"
    app = new_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")
        from deskclient.ui.screens.dialogs import ConfirmDialog

        if isinstance(app.screen, ConfirmDialog):  # the offer to resume unconfirmed checklists (#14): later
            await pilot.press("escape")
            await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert _count(paths, deemed) == 0  # still within the five days
        app.clock.current = NOW + timedelta(days=9)  # the days ran out while the desk stayed open
        events = _count(paths, "SELECT COUNT(*) FROM event")
        await pilot.press("f5")  # home refreshed, shown again
        await settle(app, pilot)
        await pilot.press("f1")
        await settle(app, pilot)
        assert _count(paths, "SELECT COUNT(*) FROM event") == events  # showing home wrote nothing
        app._run_due_clocks()  # the app's timer fires
        await settle(app, pilot)
        assert _count(paths, deemed) == 1
