"""Authentication, request limits and the API's error bodies, against the real server."""

from __future__ import annotations

import httpx
from central_support import LEDGER, event_row, office_counts
from test_sync import _wire

from deskclient.central.admin import add_station
from deskclient.central.app import create_app


def _events(code: str, n: int = 3) -> list[dict]:
    return [_wire(event_row(code, s)) for s in range(1, n + 1)]


def test_missing_token_is_401_and_stores_nothing(server, station) -> None:
    r = httpx.post(f"{server.url}/api/v1/events", json={"station": "ZX01", "ledger": LEDGER, "events": _events("ZX01")})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert r.json()["error"]["code"] == "unauthorized" and "令牌" in r.json()["error"]["message"]
    assert office_counts(server.engine, "ZX01")["rows"] == 0


def test_wrong_token_is_401(server, station) -> None:
    for header in ("Bearer nope", "Basic abc", "Bearer", station[1]):
        r = httpx.post(f"{server.url}/api/v1/events", json={"station": "ZX01", "ledger": LEDGER, "events": _events("ZX01")},
                       headers={"Authorization": header})
        assert r.status_code == 401, header
    assert office_counts(server.engine, "ZX01")["rows"] == 0


def test_other_stations_records_are_403(server, station) -> None:
    other = add_station(server.engine, "ZX02", "另一个镇")
    r = httpx.post(f"{server.url}/api/v1/events", json={"station": "ZX01", "ledger": LEDGER, "events": _events("ZX01")},
                   headers={"Authorization": f"Bearer {other}"})
    assert r.status_code == 403 and "ZX02" in r.json()["error"]["message"]
    mixed = [*_events("ZX02"), {**_events("ZX01")[0], "seq": 4, "station": "ZX01"}]
    r = httpx.post(f"{server.url}/api/v1/events", json={"station": "ZX02", "ledger": LEDGER, "events": mixed},
                   headers={"Authorization": f"Bearer {other}"})
    assert r.status_code == 403
    assert office_counts(server.engine, "ZX01")["rows"] == 0 and office_counts(server.engine, "ZX02")["rows"] == 0


def test_body_limit_bad_json_and_unknown_path(office_engine, station) -> None:
    from central_support import start_server

    srv = start_server(office_engine, max_body=20_000)
    try:
        auth = {"Authorization": f"Bearer {station[1]}"}
        big = _events("ZX01", 200)
        r = httpx.post(f"{srv.url}/api/v1/events", json={"station": "ZX01", "ledger": LEDGER, "events": big}, headers=auth)
        assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"

        def chunks():  # no Content-Length: counted while reading
            for _ in range(30):
                yield b" " * 1000

        r = httpx.post(f"{srv.url}/api/v1/events", content=chunks(), headers=auth)
        assert r.status_code == 413
        r = httpx.post(f"{srv.url}/api/v1/events", content=b"{not json", headers={**auth,
                       "Content-Type": "application/json"})
        assert r.status_code in (400, 422) and "error" in r.json()
        r = httpx.post(f"{srv.url}/api/v1/events", json={"station": "ZX01", "ledger": LEDGER, "events": "x"}, headers=auth)
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid"
        r = httpx.get(f"{srv.url}/api/v1/nothing-here")
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
        r = httpx.get(f"{srv.url}/api/v1/station", headers=auth)
        assert r.json() == {"station": "ZX01", "acked_seq": 0}
    finally:
        srv.stop()
    assert office_counts(office_engine, "ZX01")["rows"] == 0


def test_openapi_document(office_engine) -> None:
    doc = create_app(office_engine).openapi()
    assert doc["info"]["title"]
    assert {"/api/v1/events", "/api/v1/catalog", "/api/v1/holidays", "/api/v1/health"} <= set(doc["paths"])


def test_logs_are_json_without_personal_data(server, station, capsys) -> None:
    import io
    import json
    import logging

    from deskclient.central.logs import setup_json_logging

    stream = io.StringIO()
    setup_json_logging(logging.INFO, stream)
    try:
        ev = _events("ZX01", 2)
        ev[1]["payload"] = {"id_no": "110101199003071234"}
        r = httpx.post(f"{server.url}/api/v1/events", json={"station": "ZX01", "ledger": LEDGER, "events": ev},
                       headers={"Authorization": f"Bearer {station[1]}"})
        # the free-text field is quarantined (stored masked), the event itself is kept
        assert r.status_code == 200 and r.json()["quarantined"] == [{"seq": 2, "id": ev[1]["id"], "fields": ["id_no"]}]
    finally:
        logging.getLogger("deskclient.central").handlers.clear()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert any(x["msg"] == "ingest" and x["station"] == "ZX01" and x["quarantined"] == 1 for x in lines)
    text = stream.getvalue()
    assert "110101199003071234" not in text and station[1] not in text
