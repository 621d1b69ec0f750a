"""Issue #17 item 4: the office over TLS with a county CA made in the test, plain HTTP refused by the
station, certificate failures named as such (not "离线"), and signed catalog/holiday updates."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest
from central_support import add_events, local_counts, make_ledger
from county_ca import make_county_pki
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from office_process import Office, start_office

from deskclient.central import db as cdb
from deskclient.central.admin import publish
from deskclient.central.signing import Signer, load_signer
from deskclient.resources import data_path
from deskclient.services import transport
from deskclient.services import updates as U
from deskclient.services.sync import SyncClient
from deskclient.settings import SettingsError, parse_settings


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_county_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def tls_office(tmp_path: Path, pki: dict[str, Path]):
    office = start_office(tmp_path, "--tls-cert", str(pki["cert"]), "--tls-key", str(pki["key"]),
                          scheme="https", verify=transport.ssl_context(str(pki["ca"])))
    yield office
    office.stop()


def _office_rows(office: Office) -> int:
    engine = cdb.make_engine(f"sqlite:///{office.db}", create=False)
    try:
        with engine.connect() as conn:
            return len(conn.execute(cdb.events.select()).all())
    finally:
        engine.dispose()


def test_sync_over_tls_with_the_county_ca(tls_office: Office, pki, tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path / "ledger.sqlite")
    add_events(ledger, "ZX01", 40)
    result = SyncClient(ledger, tls_office.url, tls_office.token, "ZX01", ca_file=str(pki["ca"]),
                        timeout_s=5).sync_once(timeout_s=20)
    assert result.ok and result.sent == 40, result.message
    assert local_counts(ledger) == (40, 40) and _office_rows(tls_office) == 40
    assert tls_office.health_seconds() < 1.0


@pytest.mark.parametrize("ca", ["none", "other county"])
def test_certificate_failure_is_named_not_offline(tls_office: Office, tmp_path: Path, ca: str) -> None:
    ledger = make_ledger(tmp_path / "ledger.sqlite")
    add_events(ledger, "ZX01", 5)
    ca_file = "" if ca == "none" else str(make_county_pki(tmp_path / "other", "other")["ca"])
    client = SyncClient(ledger, tls_office.url, tls_office.token, "ZX01", ca_file=ca_file, timeout_s=3,
                        backoff_base=0.01)
    result = client.sync_once(timeout_s=10)
    assert not result.ok and not result.offline
    assert "证书无法验证" in result.message and "离线" not in result.message, result.message
    assert local_counts(ledger) == (5, 0) and _office_rows(tls_office) == 0
    updates = client.check_updates(tmp_path / "desk")
    assert not updates.ok and "证书无法验证" in updates.message


def test_idle_tls_connections_do_not_wedge_the_office(tls_office: Office) -> None:
    from test_hardening_limits import idle_flood

    # Sockets that never start the TLS handshake: each costs ~100 KB until the 10 s handshake limit
    # (asyncio's default, 256 KB for 60 s, made this ~300 MB per thousand).
    idle_flood(tls_office, max_growth_mb=200)


def test_plain_http_refused_except_to_this_pc(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path / "ledger.sqlite")
    add_events(ledger, "ZX01", 3)
    calls: list[str] = []

    def office(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(200, json={"station": "ZX01", "acked_seq": 3, "rejected": []})

    mock = httpx.MockTransport(office)
    refused = SyncClient(ledger, "http://10.20.30.40:8700", "tok", "ZX01", transport=mock).sync_once(timeout_s=5)
    assert not refused.ok and not refused.offline and "明文" in refused.message and "allow_plain_http" in refused.message
    assert calls == [] and local_counts(ledger) == (3, 0)  # the token never left the PC
    allowed = SyncClient(ledger, "http://10.20.30.40:8700", "tok", "ZX01", transport=mock,
                         allow_plain_http=True).sync_once(timeout_s=5)
    # allowed: the request goes out (this mock confirms nothing, so the run is "unverified", not refused)
    assert len(calls) == 1 and "明文" not in allowed.message and allowed.status == "unverified"
    for local in ("http://127.0.0.1:8700", "http://localhost:8700", "http://[::1]:8700"):
        assert transport.url_problem(local) is None
    assert transport.url_problem("ftp://office") and transport.url_problem("https://office.county.lan") is None


def test_ca_file_and_office_key_settings_are_checked(tmp_path: Path, pki) -> None:
    path = tmp_path / "settings.toml"
    shutil.copy(pki["ca"], tmp_path / "county-ca.pem")
    good = parse_settings('[central]\nurl = "https://office.county.lan:8700"\nca_file = "county-ca.pem"\n'
                          f'office_public_key = "{load_signer(tmp_path / "k.pem").public_key}"\n', path)
    assert transport.client_options(good.central, path)["ca_file"] == str(tmp_path / "county-ca.pem")
    with pytest.raises(SettingsError) as missing:
        parse_settings('[central]\nurl = "https://office"\n\nca_file = "nowhere.pem"\n', path)
    assert "第 4 行" in missing.value.message and "ca_file" in missing.value.message
    (tmp_path / "not.pem").write_text("hello", encoding="utf-8")
    with pytest.raises(SettingsError) as not_pem:
        parse_settings('[central]\nca_file = "not.pem"\n', path)
    assert "PEM" in not_pem.value.message
    with pytest.raises(SettingsError) as bad_key:
        parse_settings('[central]\noffice_public_key = "abc"\nallow_plain_http = "yes"\n', path)
    assert "office_public_key" in bad_key.value.message and "allow_plain_http" in bad_key.value.message


def _holidays(tmp_path: Path) -> Path:
    folder = tmp_path / "publish" / "holidays"
    shutil.copytree(data_path("holidays"), folder)
    return folder


def test_signed_updates_pinned_over_tls_and_forgery_refused(tls_office: Office, pki, tmp_path: Path) -> None:
    engine = cdb.make_engine(f"sqlite:///{tls_office.db}", create=False)
    folder = _holidays(tmp_path)
    pub, _ = publish(engine, "holidays", folder, load_signer(tmp_path / "office-signing.key"))
    ledger = make_ledger(tmp_path / "ledger.sqlite")
    data_dir = tmp_path / "desk"
    client = SyncClient(ledger, tls_office.url, tls_office.token, "ZX01", ca_file=str(pki["ca"]))
    result = client.check_updates(data_dir)
    assert result.status["holidays"] == "applied", result.message
    assert U.pinned_key(data_dir) == pub.key  # learnt over TLS at the first update
    good = {p.name: p.read_bytes() for p in (data_dir / "holidays").iterdir()}

    # A machine answering in the office's place, with its own key and a "holiday" of its own making.
    forger = Signer(Ed25519PrivateKey.generate())
    files = dict(pub.files)
    files["2026.toml"] += "\n# forged\n"
    sha = U.content_sha256(files)
    forged = {"kind": "holidays", "version": pub.version + 1, "sha256": sha, "files": files,
              "signature": forger.sign("holidays", pub.version + 1, sha), "key": forger.public_key}
    spoof = httpx.MockTransport(lambda req: httpx.Response(200, json=forged) if "holidays" in req.url.path
                                else httpx.Response(404, json={"error": {"code": "not_published"}}))
    result = SyncClient(ledger, "https://office.county.lan", "tok", "ZX01", transport=spoof).check_updates(data_dir)
    assert result.status["holidays"] == "refused" and "签名不符" in result.message
    # the office's real key over the forger's content, or no signature at all: refused as well
    for signature in (pub.signature, ""):
        result = SyncClient(ledger, "https://office.county.lan", "tok", "ZX01", transport=httpx.MockTransport(
            lambda req, s=signature: httpx.Response(200, json={**forged, "signature": s}))).check_updates(data_dir)
        assert result.status["holidays"] == "refused" and "已拒绝" in result.message
    assert {p.name: p.read_bytes() for p in (data_dir / "holidays").iterdir()} == good
    assert U.pinned_key(data_dir) == pub.key

    # A station that never saw the office: nothing is pinned over plain HTTP to another machine.
    fresh = tmp_path / "fresh"
    result = SyncClient(ledger, "http://10.20.30.40", "tok", "ZX01", allow_plain_http=True,
                        transport=spoof).check_updates(fresh)
    assert result.status["holidays"] == "refused" and "office_public_key" in result.message
    assert not (fresh / "holidays").exists() and U.pinned_key(fresh) == ""
    # ... but a configured key is enough
    result = SyncClient(ledger, "http://10.20.30.40", "tok", "ZX01", allow_plain_http=True, transport=spoof,
                        office_key=forger.public_key).check_updates(fresh)
    assert result.status["holidays"] == "applied"
    engine.dispose()


def test_serve_refuses_half_a_tls_setup(tmp_path: Path, pki, capsys) -> None:
    from deskclient.cli import main

    db = str(tmp_path / "o.db")
    assert main(["central", "serve", "--db", db, "--tls-cert", str(pki["cert"])]) == 2
    assert "--tls-key" in capsys.readouterr().err
    assert main(["central", "serve", "--db", db, "--tls-cert", str(pki["cert"]), "--tls-key", str(pki["ca"])]) == 2
    assert "TLS" in capsys.readouterr().err
