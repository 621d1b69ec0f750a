"""Catalog and holiday-schedule publication and download: new version applied, broken or partial refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest
from sqlalchemy import insert

from deskclient.central import db as cdb
from deskclient.central.admin import AdminError, publish
from deskclient.central.ingest import utcnow
from deskclient.resources import data_path
from deskclient.services import updates as U
from deskclient.services.sync import SyncClient


@pytest.fixture
def holidays_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "publish" / "holidays"
    shutil.copytree(data_path("holidays"), folder)
    return folder


def _client(server, station, ledger, url: str | None = None) -> SyncClient:
    return SyncClient(ledger, url or server.url, station[1], station[0], backoff_base=0.01, timeout_s=2)


def test_new_version_applied_then_current(server, station, ledger, holidays_dir, tmp_path) -> None:
    data_dir = tmp_path / "desk"
    pub, changed = publish(server.engine, "holidays", holidays_dir)
    assert changed and pub.version == 1
    result = _client(server, station, ledger).check_updates(data_dir)
    assert result.status == {"catalog": "none", "holidays": "applied"} and result.versions["holidays"] == 1
    assert sorted(p.name for p in (data_dir / "holidays").glob("*.toml")) == sorted(pub.files)
    assert U.local_version(data_dir, "holidays")[0] == 1
    assert _client(server, station, ledger).check_updates(data_dir).status["holidays"] == "current"
    # same content again: no new version
    assert publish(server.engine, "holidays", holidays_dir) == (pub, False)
    (holidays_dir / "2026.toml").write_text((holidays_dir / "2026.toml").read_text(encoding="utf-8")
                                            + "\n# corrected\n", encoding="utf-8")
    pub2, changed = publish(server.engine, "holidays", holidays_dir)
    assert changed and pub2.version == 2
    result = _client(server, station, ledger).check_updates(data_dir)
    assert result.status["holidays"] == "applied" and U.local_version(data_dir, "holidays")[0] == 2
    assert "# corrected" in (data_dir / "holidays" / "2026.toml").read_text(encoding="utf-8")
    assert not (tmp_path / "desk" / "holidays.new").exists() and not (tmp_path / "desk" / "holidays.old").exists()


def test_version_query_and_etag(server, station, holidays_dir) -> None:
    publish(server.engine, "holidays", holidays_dir)
    auth = {"Authorization": f"Bearer {station[1]}"}
    r = httpx.get(f"{server.url}/api/v1/holidays", headers=auth)
    assert r.status_code == 200 and r.json()["version"] == 1
    assert httpx.get(f"{server.url}/api/v1/holidays", headers={**auth, "If-None-Match": r.headers["etag"]}
                     ).status_code == 304
    assert httpx.get(f"{server.url}/api/v1/holidays?version=1", headers=auth).status_code == 304
    assert httpx.get(f"{server.url}/api/v1/holidays").status_code == 401
    assert httpx.get(f"{server.url}/api/v1/catalog", headers=auth).status_code == 404


def test_broken_schedule_is_not_published(office_engine, holidays_dir) -> None:
    (holidays_dir / "2027.toml").write_text("year = 2027\n[[holiday]]\nname = '春节'\nstart = 'soon'\n",
                                            encoding="utf-8")
    with pytest.raises(AdminError) as err:
        publish(office_engine, "holidays", holidays_dir)
    assert "未通过校验" in err.value.message
    from deskclient.central.admin import latest_version

    assert latest_version(office_engine, "holidays") is None


def _force_publication(engine, kind: str, version: int, files: dict[str, str]) -> None:
    """A publication that slipped past the admin check (or an older office version)."""
    with engine.begin() as conn:
        conn.execute(insert(cdb.publications), {"kind": kind, "version": version, "sha256": U.content_sha256(files),
                                                 "content": json.dumps({"files": files}), "published_at": utcnow()})


def test_broken_download_keeps_the_good_copy(server, station, ledger, holidays_dir, tmp_path) -> None:
    data_dir = tmp_path / "desk"
    publish(server.engine, "holidays", holidays_dir)
    assert _client(server, station, ledger).check_updates(data_dir).status["holidays"] == "applied"
    before = {p.name: p.read_bytes() for p in (data_dir / "holidays").iterdir()}
    _force_publication(server.engine, "holidays", 2, {"2026.toml": "year = 2026\n[[holiday]]\nname = 1\n"})
    result = _client(server, station, ledger).check_updates(data_dir)
    assert result.status["holidays"] == "refused" and not result.ok
    assert "继续使用本机现有版本" in result.message
    assert {p.name: p.read_bytes() for p in (data_dir / "holidays").iterdir()} == before
    _force_publication(server.engine, "holidays", 3, {"../evil.toml": "year = 2026\n"})
    assert _client(server, station, ledger).check_updates(data_dir).status["holidays"] == "refused"
    assert not (tmp_path / "evil.toml").exists()


def test_partial_download_is_refused(server, station, ledger, holidays_dir, tmp_path, fault_proxy) -> None:
    data_dir = tmp_path / "desk"
    publish(server.engine, "holidays", holidays_dir)
    assert _client(server, station, ledger).check_updates(data_dir).ok
    before = {p.name: p.read_bytes() for p in (data_dir / "holidays").iterdir()}
    (holidays_dir / "2025.toml").write_text((holidays_dir / "2025.toml").read_text(encoding="utf-8") + "\n#x\n",
                                            encoding="utf-8")
    publish(server.engine, "holidays", holidays_dir)
    proxy = fault_proxy(server.port, p_drop=0, p_cut=1.0, partial=True, max_faults=1000, max_delay=0)
    import time

    result = _client(server, station, ledger, proxy.url).check_updates(data_dir, time.monotonic() + 2)
    assert not result.ok and result.status["holidays"] in ("offline", "refused")
    assert {p.name: p.read_bytes() for p in (data_dir / "holidays").iterdir()} == before
    # a body that arrives whole but does not match its checksum is refused too
    bad = {"kind": "holidays", "version": 9, "sha256": "0" * 64, "files": {"2026.toml": "year = 2026\n"}}
    transport = httpx.MockTransport(lambda req: httpx.Response(200, json=bad))
    result = SyncClient(ledger, "http://localhost", "t", "ZX01", transport=transport).check_updates(data_dir)
    assert result.status["holidays"] == "refused" and "不完整" in result.message
    assert {p.name: p.read_bytes() for p in (data_dir / "holidays").iterdir()} == before


def test_crash_between_renames_is_recovered(tmp_path) -> None:
    files = {"2026.toml": (data_path("holidays") / "2026.toml").read_text(encoding="utf-8")}
    U.apply_publication(tmp_path, "holidays", 1, files)
    (tmp_path / "holidays").rename(tmp_path / "holidays.old")  # crashed after the first rename
    (tmp_path / "holidays.new").mkdir()
    (tmp_path / "holidays.new" / "2026.toml").write_text("half", encoding="utf-8")
    U.recover(tmp_path, "holidays")
    assert U.local_version(tmp_path, "holidays")[0] == 1
    assert (tmp_path / "holidays" / "2026.toml").read_text(encoding="utf-8") == files["2026.toml"]
    assert not (tmp_path / "holidays.new").exists()


def test_catalog_publication_parses_files(office_engine, tmp_path) -> None:
    folder = tmp_path / "catalog"
    folder.mkdir()
    (folder / "broken.toml").write_text("[item\n", encoding="utf-8")
    with pytest.raises(AdminError):
        publish(office_engine, "catalog", folder)
    with pytest.raises(AdminError):
        publish(office_engine, "catalog", tmp_path / "missing")


def test_catalog_published_and_applied(server, station, ledger, tmp_path) -> None:
    folder = tmp_path / "publish" / "catalog"
    shutil.copytree(data_path("catalog"), folder)
    pub, changed = publish(server.engine, "catalog", folder)
    assert changed and pub.version == 1
    data_dir = tmp_path / "desk"
    result = _client(server, station, ledger).check_updates(data_dir)
    assert result.status["catalog"] == "applied"
    from deskclient.services.catalog_files import load_catalog

    loaded = load_catalog(data_dir, remember=False)
    assert loaded.source == "station" and not loaded.problems and loaded.catalog.items
    # a duplicated item code is a catalog problem: refused at publication, the station keeps v1
    first = sorted(folder.glob("*.toml"))[0]
    (folder / "zz_copy.toml").write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(AdminError):
        publish(server.engine, "catalog", folder)
    files = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.toml")}
    _force_publication(server.engine, "catalog", 2, files)
    result = _client(server, station, ledger).check_updates(data_dir)
    assert result.status["catalog"] == "refused" and U.local_version(data_dir, "catalog")[0] == 1
