"""Disk full, read-only data dir, locked ledger: a clear Chinese message and nothing half-written.

Real faults where the machine allows it (a tiny tmpfs for disk full, a read-only bind mount: both
need root and mount rights, else the test is skipped with the reason), ``PRAGMA max_page_count``
as a portable disk-full, and a second connection holding ``BEGIN IMMEDIATE`` for the lock.
"""

from __future__ import annotations

import random
import re
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import event

from deskclient.domain.cases import MaterialState, Outcome
from deskclient.domain.clock import FixedClock
from deskclient.domain.errors import DeskError
from deskclient.services.cases import CheckInput, Intake, PersonInput
from deskclient.services.context import DeskContext, open_context
from deskclient.services.demo import ensure_demo_station, make_id_number, make_name, make_phone
from deskclient.settings import Mode, Paths
from deskclient.store.ledger import LedgerWriteError
from deskclient.strings import store as T

CJK = re.compile(r"[\u4e00-\u9fff]")
NOW = datetime(2026, 11, 24, 9, 30)


def _intake(ctx: DeskContext, rng: random.Random) -> str:
    clerk = next(c for c in ctx.people.clerks() if c.window == "1")
    item = next(it for it in ctx.catalog if it.materials)
    case = ctx.cases.register(Intake(window="1", item=item, applicant=PersonInput(
        make_name(rng), make_id_number(rng), make_phone(rng))), clerk.id)
    ctx.cases.confirm_outcome(case.id, clerk.id, [CheckInput(i, MaterialState.RECEIVED)
                                                  for i in range(len(item.materials))], Outcome.ACCEPT)
    return case.id


def _snapshot(ledger: Path) -> tuple[int, int, int]:
    """(cases, events, registered events); also checks integrity and a gap-free sequence."""
    con = sqlite3.connect(ledger)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        cases = con.execute('SELECT COUNT(*) FROM "case"').fetchone()[0]
        events, hi = con.execute("SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM event").fetchone()
        assert events == hi, "event sequence has a gap"
        registered = con.execute("SELECT COUNT(*) FROM event WHERE type='case.registered'").fetchone()[0]
        assert registered == cases, "a case row without its event, or the reverse"
        accepted = con.execute("SELECT COUNT(*) FROM \"case\" WHERE status != 'registered'").fetchone()[0]
        assert accepted == con.execute("SELECT COUNT(*) FROM event WHERE type='case.accepted'").fetchone()[0]
        return cases, events, registered
    finally:
        con.close()


def _station(root: Path) -> Paths:
    paths = Paths.resolve(root, Mode.STATION)
    ctx = open_context(paths, clock=FixedClock(NOW))
    ensure_demo_station(ctx)
    _intake(ctx, random.Random(1))
    ctx.close()
    return paths


def _assert_clerk_message(err: DeskError, expected: str | None = None) -> None:
    assert CJK.search(err.message), err.message
    assert "Traceback" not in err.message and "sqlite3." not in err.message and "SELECT" not in err.message
    if expected is not None:
        assert err.message == expected


@contextmanager
def _mounted(args: list[str], target: Path) -> Iterator[None]:
    proc = subprocess.run(["mount", *args, str(target)], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount here ({proc.stderr.strip() or 'mount failed'}); needs root + CAP_SYS_ADMIN")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False, capture_output=True)


# --- locked ------------------------------------------------------------------------------------

def test_locked_ledger_gives_chinese_message_and_changes_nothing(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("deskclient.store.db.BUSY_TIMEOUT_MS", 200)  # the clerk would wait 10 s
    paths = _station(tmp_path / "desk")
    before = _snapshot(paths.ledger_file)
    other = sqlite3.connect(paths.ledger_file, timeout=0.1, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    ctx = open_context(paths, clock=FixedClock(NOW))
    try:
        with pytest.raises(LedgerWriteError) as info:
            _intake(ctx, random.Random(2))
        _assert_clerk_message(info.value, T.LOCKED)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _snapshot(paths.ledger_file) == before
    _intake(ctx, random.Random(3))  # the lock gone, the desk works again
    ctx.close()
    assert _snapshot(paths.ledger_file)[0] == before[0] + 1


# --- disk full ---------------------------------------------------------------------------------

def _fill_until_full(ctx: DeskContext, limit: int = 5000) -> LedgerWriteError:
    rng = random.Random(4)
    for _ in range(limit):
        try:
            _intake(ctx, rng)
        except LedgerWriteError as err:
            return err
    raise AssertionError("the disk never filled up")


def test_disk_full_via_max_page_count(tmp_path: Path) -> None:
    paths = _station(tmp_path / "desk")
    ctx = open_context(paths, clock=FixedClock(NOW))
    pages = sqlite3.connect(paths.ledger_file).execute("PRAGMA page_count").fetchone()[0]

    @event.listens_for(ctx.engine, "connect")
    def _cap(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count={pages + 8}")

    ctx.engine.dispose()  # new connections get the cap
    err = _fill_until_full(ctx)
    _assert_clerk_message(err, T.DISK_FULL)
    ctx.close()
    cases, _events, _ = _snapshot(paths.ledger_file)
    assert cases >= 1


def test_disk_full_on_a_tiny_filesystem(tmp_path: Path) -> None:
    mnt = tmp_path / "small"
    mnt.mkdir()
    with _mounted(["-t", "tmpfs", "-o", "size=1200k", "tmpfs"], mnt):
        paths = _station(mnt / "desk")
        ctx = open_context(paths, clock=FixedClock(NOW))
        try:
            err = _fill_until_full(ctx)
            _assert_clerk_message(err)
            assert err.message in (T.DISK_FULL, T.READ_ONLY) or "磁盘" in err.message
        finally:
            ctx.close()
        _snapshot(paths.ledger_file)  # integrity ok, rows and events agree, no gap


# --- read-only -----------------------------------------------------------------------------------

def test_read_only_data_dir(tmp_path: Path) -> None:
    root = tmp_path / "ro"
    paths = _station(root / "desk")
    before = _snapshot(paths.ledger_file)
    with _mounted(["--bind", str(root)], root):
        proc = subprocess.run(["mount", "-o", "remount,ro,bind", str(root)], capture_output=True, text=True,
                              check=False)
        if proc.returncode != 0:
            pytest.skip(f"cannot remount read-only: {proc.stderr.strip()}")
        try:
            ctx = open_context(paths, clock=FixedClock(NOW))
        except DeskError as err:  # refusing to open is a fine answer too, if it says why in Chinese
            _assert_clerk_message(err)
        else:
            try:
                with pytest.raises(DeskError) as info:
                    _intake(ctx, random.Random(5))
                _assert_clerk_message(info.value)
            finally:
                ctx.close()
    assert _snapshot(paths.ledger_file) == before
