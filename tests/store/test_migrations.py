"""Schema migrations: created at the first version, upgraded with data kept, newer refused."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from deskclient.store import db
from deskclient.store.db import (
    LedgerOpenError,
    SchemaTooNewError,
    head_revision,
    open_ledger,
    stored_revision,
)
from deskclient.store.migrations.runner import upgrade_to


def test_new_ledger_is_created_at_head(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    open_ledger(path).dispose()
    assert stored_revision(path) == head_revision()
    con = sqlite3.connect(path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"case", "event", "clerk", "station", "casematerial", "notice"} <= tables
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_revisions_are_a_single_numbered_chain() -> None:
    from alembic.script import ScriptDirectory

    from deskclient.store.migrations.runner import HERE

    script = ScriptDirectory(str(HERE))
    assert script.get_heads() == [head_revision()]
    assert db.known_revisions() == sorted(db.known_revisions())


def test_models_and_migrations_agree(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    engine = open_ledger(tmp_path / "ledger.sqlite")
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []


def test_upgrade_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    engine = db.make_engine(path)
    upgrade_to(engine, "0001")
    engine.dispose()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO window (number, name, department, active) VALUES ('1', '民政窗口', '', 1)")
    con.execute(
        "INSERT INTO event (id, station, seq, at, type, payload, set_aside_reason) "
        "VALUES ('e1', 'ZX01', 1, '2026-11-24 09:00:00', 'station.configured', '{}', '')"
    )
    con.commit()
    con.close()
    assert stored_revision(path) == "0001"

    open_ledger(path).dispose()

    assert stored_revision(path) == head_revision()
    con = sqlite3.connect(path)
    assert con.execute("SELECT name FROM window").fetchall() == [("民政窗口",)]
    assert con.execute("SELECT id, seq FROM event").fetchall() == [("e1", 1)]
    cols = {r[1] for r in con.execute("PRAGMA table_info('case')")}
    assert "item_department" in cols
    backups = list(tmp_path.glob("ledger.before-*.bak"))
    assert len(backups) == 1


def test_newer_schema_is_refused_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    open_ledger(path).dispose()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    with pytest.raises(SchemaTooNewError) as info:
        open_ledger(path)
    assert "9999" in info.value.message and "升级" in info.value.message
    assert stored_revision(path) == "9999"  # untouched


def test_not_a_database_gives_a_message(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(LedgerOpenError) as info:
        open_ledger(path)
    assert "损坏" in info.value.message


def test_current_schema_does_not_import_alembic(tmp_path: Path) -> None:
    """Start-up with an up-to-date ledger never pays for the migration tool."""
    import subprocess

    path = tmp_path / "ledger.sqlite"
    open_ledger(path).dispose()
    code = (
        "import sys; from pathlib import Path; from deskclient.store.db import open_ledger; "
        f"open_ledger(Path({str(path)!r})).dispose(); print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
