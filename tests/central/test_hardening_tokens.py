"""Issue #17 items 5, 7 and 8 at the office: token rotation and revocation (the bundle key rotates
with the token), lockout of repeated bad tokens, client address on refusals, Chinese 4xx for bad
input, no CDN docs, local times in ``central status``, owner-only files, ``--token-file``."""

from __future__ import annotations

import io
import json
import logging
import stat
from collections.abc import Iterator

import httpx
import pytest
from central_support import add_events, local_counts, office_counts, start_server
from test_sync import _wire

from deskclient.central import db as cdb
from deskclient.central.admin import AdminError, import_bundle, revoke_station, rotate_token
from deskclient.central.limits import AuthThrottle, Limits
from deskclient.central.logs import setup_json_logging
from deskclient.cli import main
from deskclient.services.bundle import export_bundle
from deskclient.services.sync import SyncClient


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    setup_json_logging(logging.INFO, stream)
    yield stream
    logging.getLogger("deskclient.central").handlers.clear()


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def _sync(server, token: str, ledger):
    return SyncClient(ledger, server.url, token, "ZX01", backoff_base=0.01).sync_once(timeout_s=10)


def test_rotated_token_and_bundle_key_replace_the_old(server, station, ledger, tmp_path, capsys) -> None:
    code, old = station
    add_events(ledger, code, 10)
    old_bundle = tmp_path / "old.bundle"
    export_bundle(ledger, old_bundle, code, old)  # signed with the old token's key, not yet imported
    assert main(["central", "rotate-token", code, "--db", str(server.engine.url)]) == 0
    out = capsys.readouterr().out
    new = out.strip().splitlines()[-1]
    assert new != old and len(new) >= 40 and "只显示这一次" in out
    with server.engine.connect() as conn:
        row = conn.execute(cdb.stations.select()).one()
    assert new not in json.dumps(row._asdict(), default=str)  # only derived values are stored

    refused = _sync(server, old, ledger)
    assert not refused.ok and refused.status == "token_invalid" and "令牌无效" in refused.message and local_counts(ledger) == (10, 0)
    with pytest.raises(AdminError) as bad:
        import_bundle(server.engine, old_bundle)
    assert "签名不符" in bad.value.message and office_counts(server.engine, code)["rows"] == 0

    assert _sync(server, new, ledger).ok and local_counts(ledger) == (10, 10)
    add_events(ledger, code, 5, start=11)
    new_bundle = tmp_path / "new.bundle"
    export_bundle(ledger, new_bundle, code, new)
    assert import_bundle(server.engine, new_bundle).stored == 5
    with pytest.raises(AdminError):
        rotate_token(server.engine, "NOPE")


def test_revoked_station_is_refused_and_keeps_its_events(server, station, ledger, tmp_path, capsys) -> None:
    code, token = station
    add_events(ledger, code, 6)
    assert _sync(server, token, ledger).ok
    add_events(ledger, code, 2, start=7)
    bundle = tmp_path / "b.bundle"
    export_bundle(ledger, bundle, code, token)
    assert main(["central", "revoke-station", code, "--db", str(server.engine.url)]) == 0
    assert "已停用站点" in capsys.readouterr().out
    r = httpx.get(f"{server.url}/api/v1/station", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    with pytest.raises(AdminError) as bad:
        import_bundle(server.engine, bundle)
    assert "已被停用" in bad.value.message
    assert office_counts(server.engine, code)["rows"] == 6  # nothing lost at the office
    with server.engine.connect() as conn:
        assert conn.execute(cdb.station_reports.select()).one().revoked_at is not None
    again = rotate_token(server.engine, code)  # rotation brings a revoked station back
    assert _sync(server, again, ledger).ok and office_counts(server.engine, code)["rows"] == 8
    with pytest.raises(AdminError):
        revoke_station(server.engine, "NOPE")


def test_repeated_bad_tokens_lock_the_address_out(office_engine, station, logs) -> None:
    srv = start_server(office_engine, limits=Limits(auth_failures=5, auth_lockout=300))
    try:
        for _ in range(5):
            r = httpx.get(f"{srv.url}/api/v1/station", headers={"Authorization": "Bearer guess"})
            assert r.status_code == 401
        for header in ("Bearer guess", f"Bearer {station[1]}"):  # locked: even a good token waits
            r = httpx.get(f"{srv.url}/api/v1/station", headers={"Authorization": header})
            assert r.status_code == 429 and "暂停受理" in r.json()["error"]["message"]
            assert int(r.headers["retry-after"]) > 200
        r = httpx.post(f"{srv.url}/api/v1/events", content=b"x" * 1000, headers={"Authorization": "Bearer g"})
        assert r.status_code == 429
        assert httpx.get(f"{srv.url}/api/v1/health").status_code == 200  # health is never locked
    finally:
        srv.stop()
    refusals = [x for x in _lines(logs) if x["msg"] == "request" and x["status"] >= 400]
    assert len(refusals) == 8 and all(x["client"] == "127.0.0.1" for x in refusals)
    assert station[1] not in logs.getvalue() and "guess" not in logs.getvalue()


def test_lockout_ends_and_is_per_address() -> None:
    now = [1000.0]
    throttle = AuthThrottle(Limits(auth_failures=3, auth_window=60, auth_lockout=120), clock=lambda: now[0])
    assert not throttle.failed("10.0.0.5") and not throttle.failed("10.0.0.5")
    now[0] += 61  # outside the window: the count starts again
    assert not throttle.failed("10.0.0.5") and not throttle.failed("10.0.0.5")
    assert throttle.failed("10.0.0.5") and throttle.locked_for("10.0.0.5") == 120
    assert throttle.locked_for("10.0.0.6") == 0
    now[0] += 121
    assert throttle.locked_for("10.0.0.5") == 0


def _post(server, token: str, body: bytes) -> httpx.Response:
    return httpx.post(f"{server.url}/api/v1/events", content=body,
                      headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})


def test_nul_bytes_and_lone_surrogates_get_chinese_4xx_never_500(server, station, logs) -> None:
    from central_support import LEDGER, event_row

    code, token = station
    events = [_wire(event_row(code, s)) for s in (1, 2, 3, 4)]
    text = json.dumps({"station": code, "ledger": LEDGER, "events": events})
    text = text.replace('"n": 2', '"n": "\\ud800"', 1).replace('"clerk_id": "' + "c" * 32, '"clerk_id": "c\\u0000', 1)
    r = _post(server, token, text.encode())
    assert r.status_code == 200, r.text
    reply = r.json()
    assert sorted(x["seq"] for x in reply["rejected"]) == [1, 2]
    assert all("无法保存的字符" in x["reason"] for x in reply["rejected"])
    assert reply["acked_seq"] == 4 and office_counts(server.engine, code)["rows"] == 2
    bad_bodies = [
        json.dumps({"station": "ZX\u0000", "events": []}).encode(),
        json.dumps({"station": "\ud800", "events": []}).encode(),
        b'{"station": "ZX01", "events": [\xff\xfe]}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"station": "ZX01", "events": "\\u0000"}',
    ]
    for body in bad_bodies:
        r = _post(server, token, body)
        assert 400 <= r.status_code < 500, (body[:40], r.status_code, r.text[:200])
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r.json()["error"]["message"])
    for path in ("/api/v1/holidays?version=%00", "/api/v1/%00", "/api/v1/catalog?version=%ED%A0%80"):
        r = httpx.get(f"{server.url}{path}", headers={"Authorization": f"Bearer {token}"})
        assert 400 <= r.status_code < 500 and "error" in r.json(), (path, r.status_code)
    r = httpx.post(f"{server.url}/api/v1/events", content=b"\x1f\x8b" + b"0" * 100,
                   headers={"Authorization": f"Bearer {token}", "Content-Encoding": "gzip"})
    assert r.status_code == 415 and "压缩" in r.json()["error"]["message"]
    statuses = [x["status"] for x in _lines(logs) if x["msg"] == "request"]
    assert 0 not in statuses and 500 not in statuses


def test_unexpected_error_is_a_chinese_500_logged_with_its_status(office_engine, station, logs,
                                                                  monkeypatch) -> None:
    from deskclient.central import app as central_app

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom 110101199003071234")

    monkeypatch.setattr(central_app, "touch", broken)
    srv = start_server(office_engine)
    try:
        r = httpx.get(f"{srv.url}/api/v1/station", headers={"Authorization": f"Bearer {station[1]}"})
    finally:
        srv.stop()
    assert r.status_code == 500 and "内部错误" in r.json()["error"]["message"]
    lines = _lines(logs)
    assert any(x["msg"] == "request" and x["status"] == 500 for x in lines)
    assert "110101199003071234" not in logs.getvalue()


def test_no_swagger_ui_from_a_cdn(server) -> None:
    assert httpx.get(f"{server.url}/api/v1/docs").status_code == 404
    assert httpx.get(f"{server.url}/docs").status_code == 404
    doc = httpx.get(f"{server.url}/api/v1/openapi.json")
    assert doc.status_code == 200 and "/api/v1/events" in doc.json()["paths"]
    assert "cdn" not in doc.text.lower()


def test_status_in_local_time_and_owner_only_files(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    import time

    time.tzset()
    try:
        db = tmp_path / "office.db"
        assert main(["central", "add-station", "ZX01", "某某镇", "--db", str(db)]) == 0
        token = capsys.readouterr().out.strip().splitlines()[-1]
        engine = cdb.make_engine(f"sqlite:///{db}")
        from datetime import UTC, datetime

        with engine.begin() as conn:
            conn.execute(cdb.stations.update().values(last_contact=datetime(2026, 11, 24, 1, 30, tzinfo=UTC)))
        engine.dispose()
        assert main(["central", "status", "--db", str(db)]) == 0
        out = capsys.readouterr().out
        assert "本地时间" in out and "UTC+0800" in out and "2026-11-24 09:30" in out
        assert main(["central", "status", "--json", "--db", str(db)]) == 0
        assert json.loads(capsys.readouterr().out)[0]["last_contact"].endswith("+00:00")
        key = tmp_path / "office-signing.key"
        assert main(["central", "signing-key", "--signing-key", str(key)]) == 0
        for path in (db, key):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert token not in db.read_bytes().decode("latin-1")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_token_from_a_file_or_stdin(server, station, tmp_path, capsys, monkeypatch) -> None:
    from deskclient.settings import Paths
    from deskclient.store.db import open_ledger

    code, token = station
    home = tmp_path / "home"
    ledger = open_ledger(Paths.resolve(home).ledger_file)
    add_events(ledger, code, 4)
    token_file = tmp_path / "token.txt"
    token_file.write_text(token + "\n", encoding="utf-8")
    base = ["--data-dir", str(home), "sync", "--no-updates", "--url", server.url, "--station", code]
    assert main([*base, "--token-file", str(token_file)]) == 0
    assert local_counts(ledger) == (4, 4) and token not in capsys.readouterr().err
    add_events(ledger, code, 2, start=5)
    monkeypatch.setattr("sys.stdin", io.StringIO(token + "\n"))
    assert main([*base, "--token-file", "-"]) == 0 and local_counts(ledger) == (6, 6)
    assert main([*base, "--token-file", str(tmp_path / "missing.txt")]) == 2
    assert "无法读取令牌文件" in capsys.readouterr().err
    assert main([*base, f"--token={token}"]) == 0
    assert "进程列表" in capsys.readouterr().err  # still accepted, with a warning
    ledger.dispose()


def test_plain_http_to_another_machine_from_the_command_line(tmp_path, capsys) -> None:
    home = tmp_path / "h"
    (home).mkdir()
    (home / "token").write_text("t\n", encoding="utf-8")
    assert main(["--data-dir", str(home), "sync", "--url", "http://10.1.2.3:8700", "--token-file",
                 str(home / "token"), "--station", "ZX01"]) == 2
    out = capsys.readouterr().out
    assert "明文" in out and "离线" not in out


def test_station_files_are_owner_only(tmp_path, capsys) -> None:
    from deskclient.settings import Paths
    from deskclient.store.db import open_ledger

    home = tmp_path / "station"
    assert main(["--data-dir", str(home), "sync", "--no-updates"]) == 3  # not set up: records kept
    ledger = open_ledger(Paths.resolve(home).ledger_file)
    add_events(ledger, "ZX01", 3)
    bundle = tmp_path / "out.bundle"
    assert main(["--data-dir", str(home), "export-bundle", str(bundle), "--token", "t", "--station", "ZX01"]) == 0
    ledger.dispose()
    assert stat.S_IMODE(bundle.stat().st_mode) == 0o600

    paths = Paths.resolve(home)
    made = [p for p in (paths.ledger_file, paths.log_file) if p.exists()]
    assert paths.ledger_file in made
    for path in made:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    capsys.readouterr()


def test_new_tokens_never_look_like_an_option() -> None:
    """A token starting with "-" broke `deskclient sync --token X` (argparse: expected one argument)."""
    from deskclient.central.tokens import new_token

    assert not any(new_token().startswith("-") for _ in range(2000))
