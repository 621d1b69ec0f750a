"""Privacy: no full ID or mobile number in any log, export, notice, archive or sync payload.

``test_intake_to_office_leaves_no_full_number`` drives one visitor with known numbers through every
path that writes outside the ledger's case row (logs with and without the redacting filter, a USB
bundle, an online sync to a loopback office, printed and archived notices, a forced exception) and
greps everything. ``test_suite_wide_scan`` runs after every other test and scans all files the
whole suite left under pytest's base temp dir (ledger files only for their event payloads: the
case row legitimately holds the full number).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from deskclient.domain.cases import MaterialState, Outcome
from deskclient.domain.clock import FixedClock
from deskclient.domain.errors import DeskError
from deskclient.logs import setup_logging
from deskclient.services.cases import CheckInput, Intake, PersonInput
from deskclient.services.context import open_context
from deskclient.services.demo import ensure_demo_station
from deskclient.settings import Mode, Paths, PrinterSettings

from .privacy_scan import find_numbers, scan_suite_output, scan_tree

FULL_ID = "11010519491231002X"
AGENT_ID = "520102198506150011"
FULL_PHONE = "13812345678"
NOW = datetime(2026, 11, 24, 9, 30)
FORCED = "deskclient.hardening.forced"


def test_scanner_finds_what_it_must_and_ignores_masks() -> None:
    assert find_numbers(f"id={FULL_ID} tel {FULL_PHONE}") == [FULL_ID, FULL_PHONE]
    assert find_numbers(f"身份证{AGENT_ID},电话{FULL_PHONE}。") == [AGENT_ID, FULL_PHONE]
    assert find_numbers("110105********002X 138****5678") == []
    assert find_numbers("110105194912310021") == []  # wrong check digit
    assert find_numbers("a13812345678b 9f13812345678e 0851-86001234 20261124093000123") == []


@pytest.fixture
def raw_log(tmp_path: Path) -> Iterator[Path]:
    """Every record, before any redaction: proves the code never logs the numbers at all."""
    path = tmp_path / "logs" / "raw-unfiltered.log"
    path.parent.mkdir(parents=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    handler.addFilter(lambda record: not record.name.startswith(FORCED))  # the deliberate leak below
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield path
    root.removeHandler(handler)
    root.setLevel(old_level)
    handler.close()


@pytest.fixture
def desk_log(tmp_path: Path) -> Iterator[Path]:
    """The desk's own rotating log (``setup_logging``), installed fresh for this test."""
    root = logging.getLogger()
    existing = [h for h in root.handlers if getattr(h, "_deskclient", False)]
    for h in existing:
        root.removeHandler(h)
    path = tmp_path / "logs" / "deskclient.log"
    setup_logging(path, level=logging.INFO)
    ours = [h for h in root.handlers if getattr(h, "_deskclient", False)]
    yield path
    for h in ours:
        root.removeHandler(h)
        h.close()
    for h in existing:
        root.addHandler(h)


class RecordingTransport(httpx.BaseTransport):
    """Passes requests to the office app and keeps every request and reply body as a file."""

    def __init__(self, inner: httpx.BaseTransport, folder: Path) -> None:
        self.inner = inner
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.n = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.n += 1
        (self.folder / f"{self.n:03d}-request.json").write_bytes(request.read())
        response = self.inner.handle_request(request)
        body = response.read()
        (self.folder / f"{self.n:03d}-reply.json").write_bytes(body)
        return httpx.Response(response.status_code, headers=response.headers, content=body)


def test_intake_to_office_leaves_no_full_number(tmp_path: Path, raw_log: Path, desk_log: Path) -> None:
    from fastapi.testclient import TestClient

    from deskclient.central import db as cdb
    from deskclient.central.admin import add_station, import_bundle
    from deskclient.central.app import create_app
    from deskclient.services.bundle import export_bundle
    from deskclient.services.notices.issue import issue_notice
    from deskclient.services.sync import SyncClient

    paths = Paths.resolve(tmp_path / "desk", Mode.STATION)
    ctx = open_context(paths, clock=FixedClock(NOW))
    ensure_demo_station(ctx)
    clerk = next(c for c in ctx.people.clerks() if c.window == "1")
    item = next(it for it in ctx.catalog if it.materials and not it.is_immediate)
    case = ctx.cases.register(Intake(window="1", item=item, applicant=PersonInput("张晓梅", FULL_ID, FULL_PHONE),
                                     agent=PersonInput("李建国", AGENT_ID, "13900001111"), agent_relation="子女"),
                              clerk.id)
    ctx.cases.confirm_outcome(case.id, clerk.id, [CheckInput(i, MaterialState.RECEIVED)
                                                  for i in range(len(item.materials))], Outcome.ACCEPT)
    # wrong input carrying the numbers: the message shown must not echo them
    bad_inputs = [PersonInput("王五", FULL_ID[:-1] + "0", FULL_PHONE),  # wrong check digit
                  PersonInput("王五", FULL_ID, FULL_PHONE + "9"),  # 12-digit phone
                  PersonInput(f"王五{FULL_ID}", FULL_ID, FULL_PHONE)]  # number typed into the name
    messages: list[str] = []
    for person in bad_inputs:
        try:
            ctx.cases.register(Intake(window="1", item=item, applicant=person), clerk.id)
        except DeskError as err:
            messages.append(err.message)
    (tmp_path / "messages.txt").write_text("\n".join(messages), encoding="utf-8")
    # a forced exception path: an unexpected error whose text holds the numbers, logged with its
    # traceback as the app's worker does; the desk log's filter must mask both message and traceback
    try:
        raise RuntimeError(f"unexpected while saving {FULL_ID} / {FULL_PHONE}")
    except RuntimeError:
        logging.getLogger(FORCED).exception("desk action failed for %s", FULL_ID)
    # notices: archived PDF, an ESC/POS job and a text job written by the "file" printer
    for kind, fmt in (("acceptance", "escpos"), ("promise", "text"), ("checklist", "pdf")):
        printer = PrinterSettings(kind="file", device=str(tmp_path / "printed" / f"{kind}.{fmt}"), format=fmt)
        (tmp_path / "printed").mkdir(exist_ok=True)
        try:
            issue_notice(ctx.ledger, case.id, kind, clerk.id, archive_dir=paths.archive_dir, printer=printer,
                         basis=("依据",), procedure=("受理",), fee="不收费", time_limit="5个工作日")
        except DeskError as err:
            messages.append(err.message)
    # USB bundle, imported at the office; then the online sync of the same events
    (tmp_path / "office").mkdir()
    office = cdb.make_engine(f"sqlite:///{tmp_path / 'office' / 'central.db'}")
    token = add_station(office, ctx.station_code, "示例镇")
    (tmp_path / "usb").mkdir()
    bundle = export_bundle(ctx.engine, tmp_path / "usb" / "bundle.dkb", ctx.station_code, token)
    assert bundle is not None
    import_bundle(office, bundle.path)
    transport = RecordingTransport(TestClient(create_app(office))._transport, tmp_path / "payloads")
    result = SyncClient(ctx.engine, "http://localhost", token, ctx.station_code, transport=transport).sync_once()
    assert result.ok, result
    assert transport.n >= 1
    ctx.close()
    office.dispose()
    for h in logging.getLogger().handlers:
        h.flush()

    assert find_numbers("\n".join(messages)) == []
    leaks = scan_tree(tmp_path)
    assert leaks == {}, json.dumps(leaks, ensure_ascii=False, indent=1)
    # the scan did look at real content: the log has the masked forms and the ledger the case
    assert "110105********002X" in desk_log.read_text(encoding="utf-8")
    assert list((tmp_path / "payloads").glob("*-request.json"))
    assert any(paths.archive_dir.rglob("*"))
    assert any((tmp_path / "printed").iterdir()), messages


def test_redacting_filter_masks_what_slips_through(tmp_path: Path, desk_log: Path) -> None:
    logging.getLogger("deskclient.test").error("visitor %s phone %s", FULL_ID, FULL_PHONE)
    for h in logging.getLogger().handlers:
        h.flush()
    text = desk_log.read_text(encoding="utf-8")
    assert "visitor" in text and find_numbers(text) == []


@pytest.mark.run_last
def test_suite_wide_scan(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Everything the suite wrote under pytest's base temp: logs, exports, notices, payloads. Under
    pytest-xdist this is the files of this test's worker; the controller scans every worker's once
    they are all done (``pytest_sessionfinish`` in tests/conftest.py)."""
    leaks = scan_suite_output(tmp_path_factory.getbasetemp())
    assert leaks == {}, json.dumps(leaks, ensure_ascii=False, indent=1)
