"""The desk's light path (issue 20, docs/decisions.md): sign-in runs on plain sqlite3 without importing
SQLAlchemy, SQLModel or pydantic; its event is durable; and the light writes and the ORM's writes
interleave in one process with one gap-free sequence of events."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.ui.conftest import SIZE, Ledger, new_app, settle, sign_in
from tests.ui.test_desk_paths import register, start_intake

from deskclient.settings import Paths

ORM = ("sqlalchemy", "sqlmodel", "pydantic", "alembic", "deskclient.store.models")

CHILD = r"""
import json, os, sys
from datetime import datetime

from deskclient.domain.clock import FixedClock
from deskclient.services.context import open_context
from deskclient.settings import Mode, Paths

ctx = open_context(Paths.resolve(sys.argv[1], Mode.STATION), clock=FixedClock(datetime(2026, 11, 24, 9, 30)))
clerks = [c.login for c in ctx.people.sign_in_clerks()]
wrong = ""
try:
    ctx.people.verify_pin("wangfang", "0000")
except Exception as err:
    wrong = type(err).__name__
clerk = ctx.people.verify_pin("wangfang", "1234")
out = {"clerks": clerks, "wrong": wrong, "clerk": clerk.login, "station": ctx.station.code,
       "draft": ctx.intake.latest_draft(clerk.id), "moved": ctx.run_due_clocks(),
       "archived": len(ctx.notices.render_pending_archives()), "orm": ctx.orm_loaded,
       "sync": ctx.lite._connection().execute("PRAGMA synchronous").fetchone()[0],
       "journal": ctx.lite._connection().execute("PRAGMA journal_mode").fetchone()[0],
       "modules": sorted(sys.modules)}
print(json.dumps(out), flush=True)
os._exit(0)  # no close, no checkpoint: what a power cut leaves of the process
"""


def test_sign_in_runs_without_the_orm_and_its_event_survives_a_cut(station: Paths, ledger: Ledger) -> None:
    out = subprocess.run([sys.executable, "-c", CHILD, str(station.data_dir)], capture_output=True, text=True,
                         timeout=180, cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["clerk"] == "wangfang" and "wangfang" in result["clerks"]
    assert result["wrong"] == "ValidationError"
    assert result["draft"] is None and result["moved"] == [] and result["archived"] == 0
    assert result["orm"] is False
    assert result["sync"] == 2 and result["journal"] == "wal"  # synchronous=FULL in WAL mode
    loaded = [m for m in result["modules"] if any(m == bad or m.startswith(bad + ".") for bad in ORM)]
    assert loaded == [], f"the sign-in path imported {loaded}"
    assert "deskclient.store.lite" in result["modules"]  # the check can see imports
    events = ledger.rows("SELECT station, seq, type, clerk_id, payload FROM event ORDER BY seq")
    tail = [e["type"] for e in events[-2:]]
    assert tail == ["clerk.pin_failed", "clerk.signed_in"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[-1]["station"] == result["station"]
    clerk = ledger.rows("SELECT id, failed_pins, locked_until FROM clerk WHERE login = 'wangfang'")[0]
    assert events[-1]["clerk_id"] == clerk["id"] and json.loads(events[-1]["payload"])["window"] == "1"
    assert clerk["failed_pins"] == 0 and clerk["locked_until"] is None


async def test_light_sign_in_and_orm_intake_interleave_with_one_gapless_sequence(station: Paths,
                                                                                 ledger: Ledger) -> None:
    before = ledger.rows("SELECT count(*) AS n FROM event")[0]["n"]
    app = new_app(station)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wangfang", "1234")  # light: sqlite3
        assert type(app.screen).__name__ == "HomeScreen"
        await start_intake(app, pilot, "rs-001")
        await register(app, pilot)  # the ORM's WriteTx
        app.action_sign_out()  # the ORM's write again
        await settle(app, pilot)
        await sign_in(app, pilot, "wangfang", "1234")  # light again, after the ORM has written
        # home, with the offer to go on with the checklist left unconfirmed above it
        assert [type(s).__name__ for s in app.screen_stack][-2:] == ["HomeScreen", "ConfirmDialog"]
    events = ledger.rows("SELECT seq, type, case_id, clerk_id FROM event ORDER BY seq")
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))  # one writer: no gap, no repeat
    mine = [e["type"] for e in events[before:]]
    assert mine[0] == "clerk.signed_in" and mine[-1] == "clerk.signed_in"
    assert "case.registered" in mine and "clerk.signed_out" in mine
    assert mine.index("clerk.signed_in") < mine.index("case.registered") < mine.index("clerk.signed_out")
    registered = next(e for e in events[before:] if e["type"] == "case.registered")
    case = ledger.rows('SELECT id, item_code, status FROM "case" WHERE id = ?', registered["case_id"])
    assert len(case) == 1 and case[0]["item_code"].upper() == "RS-001"




def test_a_pin_hash_of_the_former_parameters_verifies_and_is_remade(station: Paths, ledger: Ledger) -> None:
    """argon2 m=19 MiB, t=2 (the former setting) still verifies; the next correct PIN re-makes the hash at
    OWASP's equal-strength m=7 MiB, t=5 (docs/decisions.md), a wrong one changes nothing."""
    import sqlite3

    from argon2 import PasswordHasher

    from deskclient.domain.errors import ValidationError
    from deskclient.services.context import open_context

    old = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1).hash("1234")
    con = sqlite3.connect(station.ledger_file)
    con.execute("UPDATE clerk SET pin_hash = ? WHERE login = 'wangfang'", (old,))
    con.commit()
    con.close()
    ctx = open_context(station)
    try:
        with pytest.raises(ValidationError):
            ctx.people.verify_pin("wangfang", "9999")
        assert ledger.rows("SELECT pin_hash FROM clerk WHERE login = 'wangfang'")[0]["pin_hash"] == old
        assert ctx.people.verify_pin("wangfang", "1234").login == "wangfang"
        remade = ledger.rows("SELECT pin_hash FROM clerk WHERE login = 'wangfang'")[0]["pin_hash"]
        assert remade != old and "m=7168,t=5,p=1" in remade
        assert ctx.people.verify_pin("wangfang", "1234").login == "wangfang"  # the new hash verifies
    finally:
        ctx.close()
