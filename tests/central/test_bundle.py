"""USB bundles: export, import (twice, overlapping online sync), tampered and truncated files."""

from __future__ import annotations

import gzip
import json

import pytest
from central_support import add_events, local_counts, office_counts
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from deskclient.central.admin import AdminError, add_station, import_bundle
from deskclient.cli import main
from deskclient.services.bundle import MAGIC, bundle_key, encryption_key, export_bundle
from deskclient.services.sync import SyncClient


def test_bundle_whose_events_also_arrived_online(server, station, ledger, tmp_path) -> None:
    code, token = station
    add_events(ledger, code, 120)
    client = SyncClient(ledger, server.url, token, code)
    assert client.sync_once(timeout_s=30).ok  # 1..120 online
    add_events(ledger, code, 180, start=121)
    path = tmp_path / "zx01.bundle"
    info = export_bundle(ledger, path, code, token)  # the stick carries 121..300
    assert info is not None and (info.first_seq, info.last_seq, info.count) == (121, 300, 180)
    add_events(ledger, code, 20, start=301)
    assert client.sync_once(timeout_s=30).ok  # the link came back before the stick arrived: 121..320
    done = import_bundle(server.engine, path)
    assert (done.count, done.stored, done.duplicates, done.rejected, done.acked_seq) == (180, 0, 180, 0, 320)
    assert office_counts(server.engine, code) == {"rows": 320, "ids": 320, "seqs": 320, "min": 1, "max": 320,
                                                  "mark": 320}


def test_bundle_then_online_then_bundle_again(server, station, ledger, tmp_path) -> None:
    code, token = station
    add_events(ledger, code, 500)
    path = tmp_path / "a.bundle"
    export_bundle(ledger, path, code, token)
    first = import_bundle(server.engine, path)
    assert (first.stored, first.duplicates, first.acked_seq) == (500, 0, 500)
    again = import_bundle(server.engine, path)
    assert (again.stored, again.duplicates) == (0, 500)
    # the station comes online later: one round trip marks everything sent, nothing stored twice
    result = SyncClient(ledger, server.url, token, code).sync_once(timeout_s=30)
    assert result.ok and local_counts(ledger) == (500, 500)
    assert office_counts(server.engine, code) == {"rows": 500, "ids": 500, "seqs": 500, "min": 1, "max": 500,
                                                  "mark": 500}
    assert export_bundle(ledger, tmp_path / "b.bundle", code, token) is None


def _split(path):
    raw = path.read_bytes()
    head, _, sealed = raw[len(MAGIC):].partition(b"\n")
    return head, sealed


def _rewrite_header(path, change) -> None:
    head, sealed = _split(path)
    path.write_bytes(MAGIC + change(head) + b"\n" + sealed)


@pytest.mark.parametrize("how", ["body", "header_count", "header_range", "header_station", "other_token",
                                 "not_bundle", "truncated", "no_tag", "other_magic", "old_gzip_format"])
def test_tampered_or_truncated_bundle_is_refused(server, station, ledger, tmp_path, how) -> None:
    code, token = station
    add_station(server.engine, "ZX02", "另一个镇")
    add_events(ledger, code, 50)
    path = tmp_path / "x.bundle"
    export_bundle(ledger, path, code, token)
    data = path.read_bytes()
    if how == "body":  # one bit of the ciphertext
        path.write_bytes(data[:-40] + bytes([data[-40] ^ 1]) + data[-39:])
    elif how == "header_count":
        _rewrite_header(path, lambda h: h.replace(b'"count":50', b'"count":49', 1))
    elif how == "header_range":
        _rewrite_header(path, lambda h: h.replace(b'"last_seq":50', b'"last_seq":51', 1))
    elif how == "header_station":  # relabelled as another station's bundle
        _rewrite_header(path, lambda h: h.replace(b'"station":"ZX01"', b'"station":"ZX02"', 1))
    elif how == "other_token":  # a valid-looking bundle sealed with another token
        export_bundle(ledger, path, code, "someone-else")
    elif how == "not_bundle":
        path.write_bytes(b"hello")
    elif how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "no_tag":
        path.write_bytes(data[:-16])
    elif how == "other_magic":
        path.write_bytes(data.replace(MAGIC, b"SOMETHING/2\n", 1))
    elif how == "old_gzip_format":
        path.write_bytes(gzip.compress(b"DESKCLIENT-BUNDLE/1\n{}\n"))
    with pytest.raises(AdminError) as err:
        import_bundle(server.engine, path)
    assert "未导入任何记录" in err.value.message
    assert office_counts(server.engine, code)["rows"] == 0
    assert office_counts(server.engine, "ZX02")["rows"] == 0


def test_bundle_is_encrypted_and_its_key_is_the_stations(ledger, tmp_path) -> None:
    """Applicant names never travel in clear; the header names the station and nothing personal."""
    add_events(ledger, "ZX01", 5)
    path = tmp_path / "h.bundle"
    export_bundle(ledger, path, "ZX01", "tok")
    raw = path.read_bytes()
    head, sealed = _split(path)
    header = json.loads(head)
    assert header["station"] == "ZX01" and header["count"] == 5 and header["format"] == 2
    assert set(header) == {"format", "station", "ledger", "first_seq", "last_seq", "count", "created_at", "nonce"}
    for clear in ("城乡居民基本养老保险参保登记".encode(), b"applicant_id_masked", b"case.registered", b"payload"):
        assert clear not in raw
    with pytest.raises(Exception):  # noqa: B017 (the tag check of another key)
        AESGCM(encryption_key(bundle_key("other"))).decrypt(bytes.fromhex(header["nonce"]), sealed, head)
    assert not list(tmp_path.glob(".*.tmp"))


def test_bundle_bomb_is_refused_without_expanding(server, station, tmp_path, monkeypatch) -> None:
    """A small, correctly sealed bundle whose body inflates past the limit is refused while inflating."""
    import os
    import zlib

    from deskclient.services import bundle as B

    monkeypatch.setattr(B, "MAX_BODY_BYTES", 32 * 1024 * 1024)  # the same code path, a smaller limit
    code, token = station
    nonce = os.urandom(12)
    header = {"format": 2, "station": code, "ledger": "x" * 32, "first_seq": 1, "last_seq": 1, "count": 1,
              "created_at": "2026-11-28T00:00:00+00:00", "nonce": nonce.hex()}
    head = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1 << 20)
    bomb = b"".join(z.compress(block) for _ in range(B.MAX_BODY_BYTES // len(block) + 8)) + z.flush()
    assert len(bomb) < B.MAX_BODY_BYTES // 500
    sealed = AESGCM(encryption_key(bundle_key(token))).encrypt(nonce, bomb, head)
    path = tmp_path / "bomb.bundle"
    path.write_bytes(MAGIC + head + b"\n" + sealed)
    with pytest.raises(AdminError) as err:
        import_bundle(server.engine, path)
    assert "过大" in err.value.message and office_counts(server.engine, code)["rows"] == 0


def test_import_bundle_command(office_url, office_engine, station, ledger, tmp_path, capsys) -> None:
    code, token = station
    add_events(ledger, code, 20)
    path = tmp_path / "cmd.bundle"
    export_bundle(ledger, path, code, token)
    assert main(["central", "import-bundle", "--db", office_url, str(path)]) == 0
    assert "新存 20 条" in capsys.readouterr().out
    path.write_bytes(path.read_bytes()[:40])
    assert main(["central", "import-bundle", "--db", office_url, str(path)]) == 2
    err = capsys.readouterr().err
    assert "未导入任何记录" in err and "Traceback" not in err
    assert office_counts(office_engine, code)["rows"] == 20


def test_new_token_means_new_bundle_key(server, station, ledger, tmp_path) -> None:
    """The key is bound to the token: once the office stores a new token's key (what rotate-token
    does), a stick written with the old token no longer opens, and one written with the new does."""
    from deskclient.central import db as cdb

    code, token = station
    add_events(ledger, code, 10)
    old = tmp_path / "old.bundle"
    export_bundle(ledger, old, code, token)
    with server.engine.begin() as conn:
        conn.execute(cdb.stations.update().where(cdb.stations.c.code == code)
                     .values(bundle_key=bundle_key("the-new-token").hex()))
    with pytest.raises(AdminError):
        import_bundle(server.engine, old)
    assert office_counts(server.engine, code)["rows"] == 0
    new = tmp_path / "new.bundle"
    export_bundle(ledger, new, code, "the-new-token")
    assert import_bundle(server.engine, new).stored == 10
