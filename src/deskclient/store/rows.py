"""Rows written without the ORM's unit of work, for the desk's hot path (issue #20).

Building a table model with ``Model(**values)`` sets each of its ~50 fields through SQLModel's,
pydantic's and SQLAlchemy's ``__setattr__`` (~90 µs for a case), and a flush of one pending object
walks the session's whole unit of work: together about a fifth of a confirmed intake's CPU. A row
that is only *inserted* in its transaction needs none of it: one Core INSERT of its columns
(the model's defaults filled in, as the constructor does) writes the same row, and the object is
built the way SQLAlchemy builds a row it loads (``new_instance``, the values in its ``__dict__``,
then ``make_transient_to_detached``): detached, with its identity, what the caller got back before
once the session closed after the commit. Changes made to it later in the same transaction
(``session.add`` after a transfer) are tracked and flushed as an UPDATE as usual.

The same holds for a row *read and changed* by one step (a case at its checklist's confirmation):
:func:`load_detached` reads it with one Core SELECT (``Session.get`` of an object not yet in the
session costs twice that), and :func:`write_back` writes the columns the step changed with one
Core UPDATE instead of a flush. A step that hands the object to code reading it through the
session (a notice issued with the action) ``session.add``-s it first; from then on the ORM owns
it and :func:`write_back` leaves it to the flush, exactly as before.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from pydantic_core import PydanticUndefined
from sqlalchemy import Insert, Select, Table, Update, bindparam, insert, inspect, select, update
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import SQLModel

from deskclient.store.ledger import WriteTx

M = TypeVar("M", bound=SQLModel)


@cache
def _by_key(model: type[SQLModel]) -> tuple[Select[Any], Update]:
    """The model's SELECT and UPDATE of one row by its (single-column) primary key (``:row_key``);
    the UPDATE sets the columns named in its parameters (one compiled form per set of columns)."""
    table: Table = model.__table__
    (pk,) = table.primary_key.columns
    return select(table).where(pk == bindparam("row_key")), update(table).where(pk == bindparam("row_key"))


@cache
def _shape(model: type[SQLModel]) -> tuple[Insert, dict[str, Any], frozenset[str]]:
    """The model's INSERT, its fields' plain defaults, and its column keys (built once per model)."""
    table: Table = model.__table__
    defaults = {name: f.default for name, f in model.model_fields.items()
                if f.default is not PydanticUndefined and f.default_factory is None}
    return insert(table), defaults, frozenset(c.key for c in table.columns)


def insert_new(tx: WriteTx, model: type[M], **values: Any) -> M:
    """INSERT a new ``model`` row of ``values`` (defaults filled in) in ``tx`` and return it as a
    loaded, detached object. Every column must get a value or have a default (else ``TypeError``)."""
    statement, defaults, columns = _shape(model)
    row = {**defaults, **values}
    if set(row) != columns:
        raise TypeError(f"{model.__name__}: missing {sorted(columns - set(row))}, unknown {sorted(set(row) - columns)}")
    tx.session.connection().execute(statement, row)
    return _detached(model, row)


def _detached(model: type[M], values: dict[str, Any]) -> M:
    """An object built the way SQLAlchemy builds a row it loads, then marked detached (its identity set)."""
    obj: M = inspect(model).class_manager.new_instance()
    obj.__dict__.update(values)
    make_transient_to_detached(obj)
    return obj


def load_detached(tx: WriteTx, model: type[M], key: str) -> M | None:
    """The ``model`` row with primary key ``key`` (one Core SELECT), detached: change it, then
    :func:`write_back` it in the same transaction."""
    statement, _update = _by_key(model)
    row = tx.session.connection().execute(statement, {"row_key": key}).mappings().first()
    return None if row is None else _detached(model, dict(row))


def write_back(tx: WriteTx, obj: SQLModel) -> None:
    """Write the columns of ``obj`` changed since it was loaded (one Core UPDATE), unless the session
    holds it (then its flush writes them, as for any ORM object)."""
    if obj in tx.session:
        return
    state = inspect(obj)
    changed = {k: obj.__dict__[k] for k, old in state.committed_state.items() if obj.__dict__.get(k) != old}
    if not changed:
        return
    _select, statement = _by_key(type(obj))
    tx.session.connection().execute(statement, {"row_key": state.identity[0], **changed})
    for k, v in changed.items():
        set_committed_value(obj, k, v)
