"""store.rows (the confirmed step's rows without the unit of work) stores exactly what the ORM stores.

Each test writes one case through ``store.rows`` and a twin through the ORM in the same ledger, then
compares the stored text column by column with plain sqlite3 (datetimes, dates and booleans are
where a hand-made writer would drift from SQLAlchemy's formats).
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import inspect
from sqlmodel import select

from deskclient.services.context import DeskContext
from deskclient.store.models import Case, CaseMaterial, Window
from deskclient.store.rows import (
    exists,
    insert_new,
    insert_rows,
    load_detached,
    rows_where,
    update_rows,
    write_back,
)

AT = datetime(2026, 11, 24, 9, 30, 15, 123456)
WHOLE = datetime(2026, 11, 24, 9, 30)  # SQLAlchemy stores ".000000"; sqlite3's own adapter would not


def _values(case_id: str, clerk_id: str) -> dict[str, Any]:
    return dict(id=case_id, case_no=f"ZX01-20261124-{case_id}", window="1", item_code="CL-001", item_name="残疾人证新办",
                item_class="promised", case_class="promised", status="registered", applicant_name="张三",
                applicant_id_no="110105198008167243", has_power_of_attorney=True, first_asked_clerk_id=clerk_id,
                owner_clerk_id=clerk_id, created_at=AT, updated_at=WHOLE)


def _stored(ctx: DeskContext, table: str, key: str, value: str) -> dict[str, Any]:
    con = sqlite3.connect(str(ctx.engine.url.database))
    con.row_factory = sqlite3.Row
    try:
        row = con.execute(f'SELECT * FROM "{table}" WHERE {key} = ?', (value,)).fetchone()
        return {k: (row[k], con.execute("SELECT typeof(?)", (row[k],)).fetchone()[0]) for k in row.keys()}  # noqa: SIM118 (a Row iterates its values)
    finally:
        con.close()


def _same_but_key(a: dict[str, Any], b: dict[str, Any], *keys: str) -> None:
    assert {k: v for k, v in a.items() if k not in keys} == {k: v for k, v in b.items() if k not in keys}


def _clerk(ctx: DeskContext) -> str:
    return ctx.people.clerks()[0].id


def test_insert_new_stores_what_the_orm_stores(demo_ctx: DeskContext) -> None:
    clerk = _clerk(demo_ctx)
    with demo_ctx.ledger.write(clerk) as tx:
        made = insert_new(tx, Case, **_values("a", clerk))
        tx.session.add(Case(**_values("b", clerk)))
    a, b = _stored(demo_ctx, "case", "id", "a"), _stored(demo_ctx, "case", "id", "b")
    _same_but_key(a, b, "id", "case_no")
    assert a["created_at"] == ("2026-11-24 09:30:15.123456", "text") and a["has_power_of_attorney"] == (1, "integer")
    assert a["updated_at"] == ("2026-11-24 09:30:00.000000", "text")
    state = inspect(made)  # handed back as if loaded: detached, with its identity, no pending change
    assert state.detached and state.identity == ("a",) and not state.committed_state
    assert made.is_urgent is False and made.due_date is None and made.created_at == AT


def test_insert_rows_stores_what_core_stores(demo_ctx: DeskContext) -> None:
    clerk = _clerk(demo_ctx)
    with demo_ctx.ledger.write(clerk) as tx:
        insert_new(tx, Case, **_values("a", clerk))
        insert_rows(tx, CaseMaterial, [{"case_id": "a", "position": 0, "name": "申请表", "is_main": False}])
        tx.session.add(CaseMaterial(case_id="a", position=1, name="申请表", is_main=False))
    a, b = (_stored(demo_ctx, "casematerial", "position", str(p)) for p in (0, 1))
    _same_but_key(a, b, "id", "position")
    assert a["id"][0] + 1 == b["id"][0]  # the integer key assigned by SQLite, in order


def test_rows_where_and_update_rows_read_and_write_what_the_orm_does(demo_ctx: DeskContext) -> None:
    clerk = _clerk(demo_ctx)
    with demo_ctx.ledger.write(clerk) as tx:
        insert_new(tx, Case, **_values("a", clerk))
        insert_rows(tx, CaseMaterial, [{"case_id": "a", "position": p, "name": f"材料{p}", "is_main": p == 1}
                                       for p in (2, 0, 1)])
    with demo_ctx.ledger.write(clerk) as tx:
        lines = rows_where(tx, CaseMaterial, "case_id", "a", "position")
        orm = [m.model_dump() for m in tx.session.exec(
            select(CaseMaterial).where(CaseMaterial.case_id == "a").order_by(CaseMaterial.position))]
        assert lines == orm and [ln["is_main"] for ln in lines] == [False, True, False]  # booleans, not 0/1
        update_rows(tx, CaseMaterial, [{"id": ln["id"], "state": "received", "problem": f"p{ln['position']}"}
                                       for ln in lines[:2]])
    with demo_ctx.ledger.read() as s:
        marks = [(m.state, m.problem) for m in s.exec(select(CaseMaterial).order_by(CaseMaterial.position))]
    assert marks == [("received", "p0"), ("received", "p1"), ("pending", "")]


def test_load_and_write_back_store_what_the_orm_flush_stores(demo_ctx: DeskContext) -> None:
    clerk = _clerk(demo_ctx)
    with demo_ctx.ledger.write(clerk) as tx:
        insert_new(tx, Case, **_values("a", clerk))
        insert_new(tx, Case, **_values("b", clerk))
    with demo_ctx.ledger.write(clerk) as tx:
        mine = load_detached(tx, Case, "a")
        theirs = tx.session.get(Case, "b")
        assert mine is not None and theirs is not None
        assert {k: v for k, v in mine.model_dump().items() if k not in ("id", "case_no")} == \
               {k: v for k, v in theirs.model_dump().items() if k not in ("id", "case_no")}
        for case in (mine, theirs):
            case.status, case.accepted_at, case.acceptance_date = "accepted", WHOLE, date(2026, 11, 24)
            case.due_date, case.due_provisional, case.is_urgent = date(2026, 12, 22), True, True
        write_back(tx, mine)
        assert not inspect(mine).committed_state  # written: nothing left pending
    _same_but_key(_stored(demo_ctx, "case", "id", "a"), _stored(demo_ctx, "case", "id", "b"), "id", "case_no")
    assert _stored(demo_ctx, "case", "id", "a")["due_date"] == ("2026-12-22", "text")


def test_write_back_leaves_an_object_the_session_holds_to_its_flush(demo_ctx: DeskContext) -> None:
    """A notice issued with the action reads the case through the session: once added, the ORM writes it."""
    clerk = _clerk(demo_ctx)
    with demo_ctx.ledger.write(clerk) as tx:
        insert_new(tx, Case, **_values("a", clerk))
    with demo_ctx.ledger.write(clerk) as tx:
        case = load_detached(tx, Case, "a")
        assert case is not None
        case.status = "accepted"
        tx.session.add(case)
        assert tx.session.get(Case, "a") is case  # what the notice sees: the changed object, no reload
        case.note = "later"
        write_back(tx, case)  # nothing by hand: the commit's flush writes both changes
        assert case in tx.session.dirty
    stored = _stored(demo_ctx, "case", "id", "a")
    assert stored["status"][0] == "accepted" and stored["note"][0] == "later"


def test_unknown_rows_and_missing_columns(demo_ctx: DeskContext) -> None:
    clerk = _clerk(demo_ctx)
    with demo_ctx.ledger.write(clerk) as tx:
        assert load_detached(tx, Case, "nope") is None
        assert exists(tx, Window, "1") and not exists(tx, Window, "99")
    values = _values("a", clerk)
    del values["status"]
    with pytest.raises(TypeError, match="status"), demo_ctx.ledger.write(clerk) as tx:
        insert_new(tx, Case, **values)
    with demo_ctx.ledger.write(clerk) as tx:
        assert load_detached(tx, Case, "a") is None  # the failed transaction wrote nothing
