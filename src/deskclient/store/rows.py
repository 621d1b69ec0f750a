"""Rows written without the ORM's unit of work, for the desk's hot path (issue #20).

Building a table model with ``Model(**values)`` sets each of its ~50 fields through SQLModel's,
pydantic's and SQLAlchemy's ``__setattr__`` (~90 µs for a case); a flush of one object walks the
session's whole unit of work; and each Core statement costs ~40 µs of execution context around a
few µs of SQLite. A row a confirmed step only *inserts*, or *reads and changes*, needs none of it:

- :func:`insert_new` writes every column (the model's defaults filled in, as the constructor does)
  with one INSERT and builds the object the way SQLAlchemy builds a row it loads (``new_instance``,
  the values in its ``__dict__``, ``make_transient_to_detached``): detached, with its identity,
  what the caller got back before once the session closed after the commit;
- :func:`load_detached` reads a row by its key into such an object (``Session.get`` of an object
  not yet in the session costs twice as much);
- :func:`write_back` writes the columns changed since with one UPDATE; once the session holds the
  object (a step ``session.add``-s it before handing it to code that reads through the session, a
  notice issued with the action), the ORM owns it and its flush writes it, exactly as before.

The statements run on the transaction's own sqlite3 connection (same transaction), and every value
goes through **SQLAlchemy's own bind and result processors** for its column type, taken from the
dialect once per model: the text stored for a datetime, a date or a boolean is what the ORM
stores, by construction, not a second copy of its formats (tests/store/test_rows.py compares).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from pydantic_core import PydanticUndefined
from sqlalchemy import Table, inspect
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import SQLModel

from deskclient.store.dbapi import driver_connection
from deskclient.store.ledger import WriteTx

M = TypeVar("M", bound=SQLModel)
Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Shape:
    """One model's table as the raw statements need it, built once per model and dialect."""

    table: str  # quoted
    keys: tuple[str, ...]  # column keys, in table order
    names: dict[str, str]  # key -> quoted column name
    binds: dict[str, Processor]  # key -> SQLAlchemy's bind processor (None: the value as is)
    results: tuple[Processor, ...]  # SQLAlchemy's result processors, in ``keys`` order
    defaults: dict[str, Any]  # the model's plain field defaults
    key_column: str  # quoted primary key column
    insert_sql: str
    select_sql: str
    exists_sql: str


@cache
def _shape(model: type[SQLModel], dialect: Dialect) -> _Shape:
    table: Table = model.__table__
    quote = dialect.identifier_preparer.quote
    keys = tuple(c.key for c in table.columns)
    names = {c.key: quote(c.name) for c in table.columns}
    (pk,) = table.primary_key.columns
    quoted = dialect.identifier_preparer.format_table(table)
    columns = ", ".join(names[k] for k in keys)
    return _Shape(
        table=quoted, keys=keys, names=names,
        binds={c.key: c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.columns},
        results=tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in table.columns),
        defaults={name: f.default for name, f in model.model_fields.items()
                  if f.default is not PydanticUndefined and f.default_factory is None},
        key_column=quote(pk.name),
        insert_sql=f"INSERT INTO {quoted} ({columns}) VALUES ({', '.join('?' * len(keys))})",
        select_sql=f"SELECT {columns} FROM {quoted} WHERE {quote(pk.name)} = ?",
        exists_sql=f"SELECT 1 FROM {quoted} WHERE {quote(pk.name)} = ?",
    )


def _raw(tx: WriteTx) -> tuple[sqlite3.Connection, Dialect]:
    """The transaction's sqlite3 connection (rows and events commit together) and its dialect."""
    conn = tx.session.connection()
    return driver_connection(conn), conn.dialect


def _bound(shape: _Shape, row: dict[str, Any], keys: Sequence[str]) -> list[Any]:
    out = []
    for k in keys:
        process = shape.binds[k]
        out.append(row[k] if process is None else process(row[k]))
    return out


def _full_row(model: type[SQLModel], shape: _Shape, values: dict[str, Any]) -> dict[str, Any]:
    row = {**shape.defaults, **values}
    if row.keys() != set(shape.keys):
        raise TypeError(f"{model.__name__}: missing {sorted(set(shape.keys) - row.keys())}, "
                        f"unknown {sorted(row.keys() - set(shape.keys))}")
    return row


def _detached(model: type[M], values: dict[str, Any]) -> M:
    """An object built the way SQLAlchemy builds a row it loads, then marked detached (its identity set)."""
    obj: M = inspect(model).class_manager.new_instance()
    obj.__dict__.update(values)
    make_transient_to_detached(obj)
    return obj


def insert_new(tx: WriteTx, model: type[M], **values: Any) -> M:
    """INSERT a new ``model`` row of ``values`` (defaults filled in) in ``tx`` and return it as a
    loaded, detached object. Every column must get a value or have a default (else ``TypeError``)."""
    raw, dialect = _raw(tx)
    shape = _shape(model, dialect)
    row = _full_row(model, shape, values)
    raw.execute(shape.insert_sql, _bound(shape, row, shape.keys))
    return _detached(model, row)


def insert_rows(tx: WriteTx, model: type[SQLModel], rows: Sequence[dict[str, Any]]) -> None:
    """INSERT several new ``model`` rows (defaults filled in; an integer key left ``None`` is
    assigned by SQLite) with one ``executemany``; no objects are built."""
    if not rows:
        return
    raw, dialect = _raw(tx)
    shape = _shape(model, dialect)
    raw.executemany(shape.insert_sql, [_bound(shape, _full_row(model, shape, r), shape.keys) for r in rows])


def exists(tx: WriteTx, model: type[SQLModel], key: str) -> bool:
    """A ``model`` row with primary key ``key`` exists (no object is built)."""
    raw, dialect = _raw(tx)
    return raw.execute(_shape(model, dialect).exists_sql, (key,)).fetchone() is not None


def load_detached(tx: WriteTx, model: type[M], key: str) -> M | None:
    """The ``model`` row with primary key ``key``, detached: change it, then :func:`write_back` it
    in the same transaction."""
    raw, dialect = _raw(tx)
    shape = _shape(model, dialect)
    found = raw.execute(shape.select_sql, (key,)).fetchone()
    if found is None:
        return None
    values = {k: (p(v) if p is not None else v) for k, p, v in zip(shape.keys, shape.results, found, strict=True)}
    return _detached(model, values)


def rows_where(tx: WriteTx, model: type[SQLModel], column: str, value: Any, order_by: str) -> list[dict[str, Any]]:
    """Every ``model`` row whose ``column`` equals ``value``, ordered by ``order_by``, as dicts of
    column values (no objects are built)."""
    raw, dialect = _raw(tx)
    shape = _shape(model, dialect)
    found = raw.execute(f"SELECT {', '.join(shape.names[k] for k in shape.keys)} FROM {shape.table} "
                        f"WHERE {shape.names[column]} = ? ORDER BY {shape.names[order_by]}",
                        _bound(shape, {column: value}, (column,))).fetchall()
    return [{k: (p(v) if p is not None else v) for k, p, v in zip(shape.keys, shape.results, row, strict=True)}
            for row in found]


def update_rows(tx: WriteTx, model: type[SQLModel], changes: Sequence[dict[str, Any]]) -> None:
    """UPDATE several ``model`` rows by key with one ``executemany``: each dict holds the key column
    and the same set of columns to set."""
    if not changes:
        return
    raw, dialect = _raw(tx)
    shape = _shape(model, dialect)
    key = next(k for k in shape.keys if shape.names[k] == shape.key_column)
    keys = sorted(k for k in changes[0] if k != key)
    sets = ", ".join(f"{shape.names[k]} = ?" for k in keys)
    raw.executemany(f"UPDATE {shape.table} SET {sets} WHERE {shape.key_column} = ?",
                    [[*_bound(shape, c, keys), c[key]] for c in changes])


def write_back(tx: WriteTx, obj: SQLModel) -> None:
    """Write the columns of ``obj`` changed since it was loaded (one UPDATE by its key), unless the
    session holds it (then its flush writes them, as for any ORM object)."""
    if obj in tx.session:
        return
    state = inspect(obj)
    changed = {k: obj.__dict__[k] for k, old in state.committed_state.items() if obj.__dict__.get(k) != old}
    if not changed:
        return
    raw, dialect = _raw(tx)
    shape = _shape(type(obj), dialect)
    keys = sorted(changed)
    sets = ", ".join(f"{shape.names[k]} = ?" for k in keys)
    raw.execute(f"UPDATE {shape.table} SET {sets} WHERE {shape.key_column} = ?",
                [*_bound(shape, changed, keys), state.identity[0]])
    for k in keys:
        set_committed_value(obj, k, changed[k])
