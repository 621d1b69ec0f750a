"""The sign-in screen's clerk list read with plain ``sqlite3``, before the ORM is imported (paint first).

The desk paints sign-in from this read while SQLAlchemy, SQLModel and the services load in a worker
(docs/performance.md). Only the common case is answered here: a ledger at the head revision with a
station row. Anything else (no ledger, a schema to migrate, no station yet, a file that is not a ledger)
returns None and the desk opens the full way first, as before.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from deskclient.store.db import BUSY_TIMEOUT_MS, head_revision
from deskclient.store.dbapi import parse_dt, sql_dt


@dataclass(frozen=True)
class ClerkEntry:
    """What sign-in and the screens need of a clerk (no PIN hash, no lock state)."""

    id: str
    login: str
    name: str
    role: str
    window: str | None
    post: str | None

    @classmethod
    def of(cls, clerk: Any) -> ClerkEntry:
        """From any clerk-shaped row (the ORM's ``Clerk`` once it is loaded)."""
        if isinstance(clerk, ClerkEntry):
            return clerk
        return cls(clerk.id, clerk.login, clerk.name, clerk.role, clerk.window, clerk.post)


@dataclass(frozen=True)
class SignInList:
    station_name: str
    clerks: list[ClerkEntry]


ACTIVE_CLERKS = "SELECT id, login, name, role, window, post FROM clerk WHERE active = 1 ORDER BY window, post, login"


def active_clerks(con: sqlite3.Connection) -> list[ClerkEntry]:
    """The active clerks in sign-in order (the one copy of this read: early list and the context's)."""
    return [ClerkEntry(*r) for r in con.execute(ACTIVE_CLERKS)]


@dataclass(frozen=True)
class PinState:
    """What the PIN check reads of a clerk: who, the argon2 hash and the lockout state."""

    clerk: ClerkEntry
    pin_hash: str
    failed_pins: int
    locked_until: datetime | None


def pin_state(con: sqlite3.Connection, login: str) -> PinState | None:
    """The active clerk with ``login``, or None."""
    r = con.execute("SELECT id, login, name, role, window, post, pin_hash, failed_pins, locked_until FROM clerk "
                    "WHERE login = ? AND active = 1", (login,)).fetchone()
    if r is None:
        return None
    return PinState(ClerkEntry(*r[:6]), r[6], int(r[7] or 0), parse_dt(r[8]))


def failed_pins(con: sqlite3.Connection, clerk_id: str) -> int:
    r = con.execute("SELECT failed_pins FROM clerk WHERE id = ?", (clerk_id,)).fetchone()
    return int(r[0] or 0) if r else 0


def set_pin_state(con: sqlite3.Connection, clerk_id: str, failed: int, locked_until: datetime | None, *,
                  pin_hash: str | None = None) -> None:
    """The lockout state after a PIN check (and the hash re-made with the current parameters, if given)."""
    con.execute("UPDATE clerk SET failed_pins = ?, locked_until = ?, pin_hash = coalesce(?, pin_hash) WHERE id = ?",
                (failed, sql_dt(locked_until), pin_hash, clerk_id))


def read_sign_in_list(path: Path) -> SignInList | None:
    """The active clerks and the station's name, or None when the ledger must be opened the full way."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error:
        return None
    try:
        rev = con.execute("SELECT version_num FROM alembic_version").fetchone()
        if rev is None or rev[0] != head_revision():
            return None
        station = con.execute("SELECT name FROM station LIMIT 1").fetchone()
        if station is None:
            return None
        clerks = active_clerks(con)
    except sqlite3.Error:  # not a ledger, no such table, locked: the full open says why
        return None
    finally:
        con.close()
    return SignInList(station[0] or "", clerks)
