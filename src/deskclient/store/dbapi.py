"""Values as the ledger stores them, for code that talks to ``sqlite3`` directly (no SQLAlchemy).

SQLAlchemy's SQLite dialect writes ``DateTime`` as ``YYYY-MM-DD HH:MM:SS.ffffff``, ``Date`` as
``YYYY-MM-DD`` and booleans as 0/1; the light path (``store/lite.py``, ``store/event_write.py``) and
the raw SQL shared by both paths must read and write exactly the same text, or an ORM read of a row
written here (or a comparison in SQL) would differ. ``driver_connection`` hands the ORM side the
sqlite3 connection under a SQLAlchemy session or connection, so a shared query runs in the same
transaction.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from typing import Any


def sql_dt(value: datetime | None) -> str | None:
    """A datetime as SQLAlchemy's SQLite dialect stores it (always with microseconds)."""
    if value is None:
        return None
    return f"{value:%Y-%m-%d %H:%M:%S.%f}"


def sql_date(value: date | None) -> str | None:
    return None if value is None else f"{value:%Y-%m-%d}"


def parse_dt(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def parse_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def driver_connection(conn: Any) -> sqlite3.Connection:
    """The sqlite3 connection under a SQLAlchemy ``Session`` or ``Connection`` (same transaction)."""
    if isinstance(conn, sqlite3.Connection):
        return conn
    if callable(conn.connection):  # a Session: its Connection (begun with the session's options)
        conn = conn.connection()
    raw = conn.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw
