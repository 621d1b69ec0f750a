"""``deskclient sync`` and ``deskclient export-bundle`` from a shell (not a TTY: quiet)."""

from __future__ import annotations

from central_support import add_events, local_counts, office_counts

from deskclient.central.admin import import_bundle
from deskclient.cli import main
from deskclient.settings import Paths
from deskclient.store.db import open_ledger


def test_sync_and_export_commands(server, station, tmp_path, capsys) -> None:
    code, token = station
    home = tmp_path / "home"
    ledger = open_ledger(Paths.resolve(home).ledger_file)  # the real schema, via migrations
    add_events(ledger, code, 30)
    bundle = tmp_path / "out.bundle"
    opts = ["--url", server.url, "--token", token, "--station", code]
    assert main(["--data-dir", str(home), "export-bundle", str(bundle), *opts]) == 0
    assert "30 条" in capsys.readouterr().out
    assert import_bundle(server.engine, bundle).stored == 30
    assert main(["--data-dir", str(home), "sync", "--no-updates", *opts]) == 0
    assert capsys.readouterr().out == ""  # quiet when not on a terminal and all went well
    assert local_counts(ledger) == (30, 30) and office_counts(server.engine, code)["rows"] == 30
    add_events(ledger, code, 5, start=31)
    assert main(["--data-dir", str(home), "sync", "--no-updates", "--url", "http://127.0.0.1:9",
                 "--token", token, "--station", code, "--timeout", "0.3"]) == 3
    assert "离线:5 条记录已安全保存在本机" in capsys.readouterr().out
    ledger.dispose()
