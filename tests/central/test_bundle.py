"""USB bundles: export, import (twice, overlapping online sync), tampered and truncated files."""

from __future__ import annotations

import gzip
import json

import pytest
from central_support import add_events, local_counts, office_counts

from deskclient.central.admin import AdminError, import_bundle
from deskclient.cli import main
from deskclient.services.bundle import MAGIC, export_bundle
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


def _rewrite(path, change) -> None:
    raw = gzip.decompress(path.read_bytes())
    path.write_bytes(gzip.compress(change(raw)))


@pytest.mark.parametrize("how", ["body", "header_count", "header_range", "resigned", "not_gzip", "truncated",
                                 "truncated_clean", "other_magic"])
def test_tampered_or_truncated_bundle_is_refused(server, station, ledger, tmp_path, how) -> None:
    code, token = station
    add_events(ledger, code, 50)
    path = tmp_path / "x.bundle"
    export_bundle(ledger, path, code, token)
    if how == "body":
        _rewrite(path, lambda raw: raw.replace(b'"n":7', b'"n":8', 1))
    elif how == "header_count":
        _rewrite(path, lambda raw: raw.replace(b'"count": 50', b'"count": 49', 1)
                 .rsplit(b"\n", 2)[0] + b"\n")
    elif how == "header_range":
        _rewrite(path, lambda raw: raw.replace(b'"last_seq": 50', b'"last_seq": 51', 1))
    elif how == "resigned":  # a valid-looking bundle signed with another token
        export_bundle(ledger, path, code, "someone-else")
    elif how == "not_gzip":
        path.write_bytes(b"hello")
    elif how == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif how == "truncated_clean":  # whole lines dropped, re-compressed cleanly
        _rewrite(path, lambda raw: b"\n".join(raw.split(b"\n")[:-10]) + b"\n")
    elif how == "other_magic":
        _rewrite(path, lambda raw: raw.replace(MAGIC, b"SOMETHING/1\n"))
    with pytest.raises(AdminError) as err:
        import_bundle(server.engine, path)
    assert "未导入任何记录" in err.value.message
    assert office_counts(server.engine, code)["rows"] == 0


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


def test_bundle_header_is_plain_json(ledger, tmp_path) -> None:
    add_events(ledger, "ZX01", 5)
    path = tmp_path / "h.bundle"
    export_bundle(ledger, path, "ZX01", "tok")
    raw = gzip.decompress(path.read_bytes())
    header = json.loads(raw[len(MAGIC):].split(b"\n", 1)[0])
    assert header["station"] == "ZX01" and header["count"] == 5 and len(header["signature"]) == 64
    assert not list(tmp_path.glob(".*.tmp"))
