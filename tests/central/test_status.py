"""The county view: stations, last contact, events received, open and overdue cases; admin commands."""

from __future__ import annotations

import json
from datetime import date

import pytest
from central_support import add_events

from deskclient.central.admin import AdminError, add_station, county_status, hash_token
from deskclient.cli import main
from deskclient.services.sync import SyncClient


def test_open_and_overdue_cases(server, station, ledger) -> None:
    code, token = station
    add_station(server.engine, "ZX02", "没有联系过的站点")
    # events cycle registered / accepted (due 2026-11-12) / completed / notice per case of 4 seqs:
    # case k has seqs 4k-3..4k; with 10 events: cases 1, 2 complete; case 3 registered+accepted only
    add_events(ledger, code, 10)
    assert SyncClient(ledger, server.url, token, code).sync_once(timeout_s=30).ok
    rows = {r.code: r for r in county_status(server.engine, date(2026, 11, 10))}
    assert (rows["ZX01"].events_received, rows["ZX01"].open_cases, rows["ZX01"].overdue_cases) == (10, 1, 0)
    assert rows["ZX01"].last_contact is not None and rows["ZX02"].last_contact is None
    late = {r.code: r for r in county_status(server.engine, date(2026, 11, 20))}
    assert late["ZX01"].overdue_cases == 1 and late["ZX02"].open_cases == 0


def test_admin_commands(office_url, office_engine, capsys) -> None:
    assert main(["central", "add-station", "--db", office_url, "ZX09", "某某镇"]) == 0
    out = capsys.readouterr().out
    token = out.strip().splitlines()[-1]
    with office_engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT token_hash FROM central_station").scalar_one()
    assert stored == hash_token(token) and token not in stored
    assert main(["central", "add-station", "--db", office_url, "ZX09", "again"]) == 2
    assert "已存在" in capsys.readouterr().err
    assert main(["central", "status", "--db", office_url, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0]["code"] == "ZX09" and data[0]["events_received"] == 0
    assert main(["central", "status", "--db", office_url]) == 0
    assert "ZX09" in capsys.readouterr().out


def test_bad_station_code(office_engine) -> None:
    with pytest.raises(AdminError):
        add_station(office_engine, "bad code!", "x")
