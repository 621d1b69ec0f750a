"""Power cut: SIGKILL a process making confirmed intakes, over and over; nothing confirmed is lost.

The child reports a case id only after the commit returned. After every kill the parent checks the
file with plain sqlite3 (as the next start-up would find it): ``PRAGMA integrity_check`` is ok,
every reported case is there with its ``case.registered`` and ``case.accepted`` events, and the
event sequence is 1..N without a gap.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from deskclient.services.context import open_context
from deskclient.services.demo import ensure_demo_station
from deskclient.settings import Mode, Paths

CHILD = Path(__file__).with_name("intake_child.py")
KILLS_CI = 50
KILLS_SOAK = 500


def _check(ledger: Path, confirmed: set[str]) -> None:
    con = sqlite3.connect(ledger)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        present = {r[0] for r in con.execute('SELECT id FROM "case"')}
        missing = confirmed - present
        assert not missing, f"{len(missing)} confirmed cases lost"
        types: dict[str, set[str]] = {}
        for case_id, type_ in con.execute("SELECT case_id, type FROM event WHERE case_id IS NOT NULL"):
            types.setdefault(case_id, set()).add(type_)
        for case_id in confirmed:
            assert {"case.registered", "case.accepted"} <= types.get(case_id, set()), case_id
        for station, lo, hi, n in con.execute("SELECT station, MIN(seq), MAX(seq), COUNT(*) FROM event "
                                              "GROUP BY station"):
            assert (lo, hi) == (1, n), f"sequence gap at {station}: {lo}..{hi} with {n} events"
        # a case row never exists without its registration event (rows and events commit together)
        orphans = con.execute('SELECT COUNT(*) FROM "case" c WHERE NOT EXISTS (SELECT 1 FROM event e '
                              "WHERE e.case_id = c.id AND e.type = 'case.registered')").fetchone()[0]
        assert orphans == 0
    finally:
        con.close()


def test_sigkill_during_confirmed_intakes_loses_nothing(tmp_path: Path, soak: bool) -> None:
    paths = Paths.resolve(tmp_path / "desk", Mode.STATION)
    ctx = open_context(paths)
    ensure_demo_station(ctx)
    ctx.close()
    rng = random.Random(20261124)
    confirmed: set[str] = set()
    kills = KILLS_SOAK if soak else KILLS_CI
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    for round_no in range(kills):
        proc = subprocess.Popen([sys.executable, str(CHILD), str(paths.data_dir), str(round_no)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        assert proc.stdout is not None
        try:
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read() if proc.stderr else ""
            # kill after a random number of confirmations: the child is then somewhere inside the
            # next intake (validation, register commit, checklist, accept commit), a different
            # point each round
            for _ in range(rng.randrange(0, 6)):
                line = proc.stdout.readline().strip()
                assert line, proc.stderr.read() if proc.stderr else "child ended"
                confirmed.add(line)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        # a line the child wrote just before the kill was confirmed too: read what is in the pipe
        for line in proc.stdout.read().splitlines():
            if len(line.strip()) == 32:
                confirmed.add(line.strip())
        proc.stdout.close()
        if proc.stderr:
            proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL
        _check(paths.ledger_file, confirmed)
    assert len(confirmed) > kills  # the loop really made intakes between kills


def test_child_reports_only_committed_cases(tmp_path: Path) -> None:
    """Sanity of the harness: what the child prints is in the ledger even after a clean read."""
    paths = Paths.resolve(tmp_path / "desk", Mode.STATION)
    ctx = open_context(paths)
    ensure_demo_station(ctx)
    ctx.close()
    proc = subprocess.Popen([sys.executable, str(CHILD), str(paths.data_dir), "1"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    ids = {proc.stdout.readline().strip() for _ in range(3)}
    proc.kill()
    proc.wait()
    proc.stdout.close()
    _check(paths.ledger_file, ids)
