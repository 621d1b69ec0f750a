"""Free text in events: masked at the station where events are written, quarantined field by field at
the office when a station did not (an older version), with the case still closed at the county."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from central_support import forget_planted_numbers, start_server
from sqlalchemy import select

from deskclient.central import db as cdb
from deskclient.central.admin import add_station, county_status
from deskclient.domain.cases import Delivery, MaterialState, Outcome
from deskclient.domain.clock import FixedClock
from deskclient.services.cases import CheckInput, Intake, PersonInput
from deskclient.services.context import open_context
from deskclient.services.demo import DemoStation, ensure_demo_station
from deskclient.services.sync import SyncClient
from deskclient.settings import Mode, Paths
from deskclient.store.models import Event

NOW = datetime(2026, 11, 28, 9, 30)
NOTE = ("已电话通知 138.0013.8000;办件 {case_no} 已办结;身份证 110105/1990/0101/0012;"
        "家属 +86 138 0013 8000;备用 １３８００１３８０００")


def _closed_case(tmp_path: Path, code: str, note: str):
    """A station set up through the services, one case registered, accepted and completed with ``note``."""
    ctx = open_context(Paths.resolve(tmp_path / "desk", Mode.STATION), clock=FixedClock(NOW))
    ensure_demo_station(ctx, DemoStation(code=code))
    clerk = next(c for c in ctx.people.clerks() if c.window == "1")
    item = next(it for it in ctx.catalog if it.materials and not it.is_immediate)
    case = ctx.cases.register(Intake(window="1", item=item, applicant=PersonInput("张晓梅", "11010519491231002X",
                                                                                 "13812345678")), clerk.id)
    ctx.cases.confirm_outcome(case.id, clerk.id, [CheckInput(i, MaterialState.RECEIVED)
                                                  for i in range(len(item.materials))], Outcome.ACCEPT)
    ctx.cases.complete(case.id, clerk.id, Delivery.WINDOW, note=note.format(case_no=case.case_no))
    return ctx, case


def _completed_note(ctx, case_id: str) -> tuple[str, Event]:
    with ctx.ledger.read() as s:
        ev = s.exec(select(Event).where(Event.case_id == case_id, Event.type == "case.completed")).scalars().one()
    return json.loads(ev.payload)["note"], ev


@pytest.mark.parametrize("code", ["520102", "QS13", "QS19"])
def test_note_is_masked_at_the_station_and_case_numbers_are_not(tmp_path, code) -> None:
    ctx, case = _closed_case(tmp_path, code, NOTE)
    note, _ev = _completed_note(ctx, case.id)
    assert case.case_no.startswith(f"{code}-20261128-")
    assert note == (f"已电话通知 138.****.8000;办件 {case.case_no} 已办结;身份证 110105/****/****/0012;"
                    "家属 +86 138 **** 8000;备用 １３８****８０００")
    ctx.close()


def test_office_quarantines_only_the_field_and_keeps_the_closing(tmp_path, office_engine) -> None:
    """An older station version sent the note unmasked: the office keeps the closing event with the
    note masked, records the refusal with the case number, and the case is not open at the county."""
    ctx, case = _closed_case(tmp_path, "QS13", "已电话通知 {case_no} 的申请人")
    unmasked = "已电话通知 13800138000,身份证 110105199001010012"
    _note, ev = _completed_note(ctx, case.id)
    with ctx.engine.begin() as conn:  # what an older version wrote into its ledger
        payload = json.loads(ev.payload) | {"note": unmasked}
        conn.execute(Event.__table__.update().where(Event.__table__.c.id == ev.id)  # type: ignore[attr-defined]
                     .values(payload=json.dumps(payload, ensure_ascii=False)))
    token = add_station(office_engine, "QS13", "某某镇")
    srv = start_server(office_engine)
    try:
        result = SyncClient(ctx.engine, srv.url, token, "QS13").sync_once(timeout_s=30)
    finally:
        srv.stop()
    assert result.ok and result.remaining == 0 and result.quarantined == 1, result.message
    assert "脱敏" in result.message
    with office_engine.connect() as conn:
        held = conn.execute(select(cdb.events).where(cdb.events.c.event_id == ev.id)).one()
        q = conn.execute(select(cdb.quarantine)).all()
    assert held.type == "case.completed" and held.rejected_reason is None
    stored = json.loads(held.payload)
    assert stored["note"] == "已电话通知 138****8000,身份证 110105********0012"
    assert {k: v for k, v in stored.items() if k != "note"} == {k: v for k, v in payload.items() if k != "note"}
    assert [(r.seq, r.field, r.case_id) for r in q] == [(held.seq, "note", case.id)]
    (st,) = county_status(office_engine, date(2026, 11, 28))
    assert st.open_cases == 0 and st.rejected == 0
    assert any(case.case_no in line and "note" in line for line in st.notes())
    ctx.close()
    forget_planted_numbers(ctx.paths.ledger_file)
