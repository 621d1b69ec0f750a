"""Bulk inserts for generated sample ledgers: plain ``sqlite3.executemany`` over tuples.

SQLAlchemy's Core ``insert(table)`` with a list of dicts spends most of its time per row in
parameter processing (about 0.3 ms per case with its materials and events); generating a
1,000,000-case benchmark ledger that way takes many minutes. Here each column's own bind processor
(so dates, datetimes and booleans are stored exactly as the ORM and Core store them) is applied in
a tight loop and the rows go to the driver's ``executemany`` in one call. Used only for sample data
(``services/demo.py``); clerk work goes through ``store/ledger.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, Table

_MISSING = object()


def _processors(conn: Connection, table: Table) -> list[tuple[str, Callable[[Any], Any] | None, Any]]:
    """(column, bind processor, scalar default or None) per column, in table order."""
    dialect = conn.dialect
    out: list[tuple[str, Callable[[Any], Any] | None, Any]] = []
    for c in table.columns:
        default = c.default.arg if c.default is not None and getattr(c.default, "is_scalar", False) else None
        out.append((c.name, c.type.bind_processor(dialect), default))
    return out


def _value(row: Mapping[str, Any], name: str, proc: Callable[[Any], Any] | None, default: Any) -> Any:
    v = row.get(name, _MISSING)
    if v is _MISSING:
        v = default
    return proc(v) if proc is not None and v is not None else v


def insert_many(conn: Connection, table: Table, rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert ``rows`` (dicts keyed by column name; a missing key takes the column's scalar default,
    else NULL) in one executemany."""
    procs = _processors(conn, table)
    names = [n for n, _, _ in procs]
    sql = f'INSERT INTO "{table.name}" ({", ".join(chr(34) + n + chr(34) for n in names)}) ' \
          f'VALUES ({", ".join("?" for _ in names)})'
    params = [tuple(_value(r, n, p, d) for n, p, d in procs) for r in rows]
    if not params:
        return 0
    raw = conn.connection.driver_connection
    raw.executemany(sql, params)
    return len(params)
