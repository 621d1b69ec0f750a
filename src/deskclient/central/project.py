"""Read models for the office's web view, kept up to date inside the ingest transaction.

The pages must not fold a million events per view, so every stored event also updates a few small
tables (``central_case``, ``central_rating``, ``central_followup``, ``central_complaint``,
``central_window``, ``central_clerk``). Events may arrive out of order (gaps, bundles), so each
update is order-tolerant: a case's status and due date are taken from the event with the highest seq
that sets them (``status_seq`` / ``due_seq``), registration facts are written whenever the
registration event arrives, and the other tables are keyed by the station's own ids.

``fold`` is pure (rows in, rows out) so the benchmark can build the tables for a million generated
events with the same code; ``apply`` loads the touched rows, folds, and writes them back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, and_, bindparam, delete, select

from deskclient.central.db import bulk_insert, cases, clerks, complaints, followups, key_in, ratings, windows

OPEN_STATUSES = frozenset({"registered", "examining", "awaiting_supplement", "accepted"})
_STATUS_OF = {
    "case.registered": "registered",
    "case.examining": "examining",
    "case.supplement_requested": "awaiting_supplement",
    "case.accepted": "accepted",
    "case.deemed_accepted": "accepted",
    "case.completed": "completed",
    "case.returned": "returned",
    "case.enquiry_answered": "answered",
}
_DUE_TYPES = frozenset({"case.accepted", "case.deemed_accepted", "case.extended"})
PROJECTED_TYPES = frozenset({*_STATUS_OF, *_DUE_TYPES, "case.transferred", "case.routed", "case.marked_urgent",
                             "case.review_decided", "case.rated", "case.complaint", "case.complaint_answered",
                             "followup.opened", "followup.visited", "followup.closed",
                             "station.configured", "clerk.created"})


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        return None


def _payload_of(ev: Mapping[str, Any]) -> Mapping[str, Any]:
    """An event's payload: stored JSON text, or the object itself (the ingest has it parsed)."""
    p = ev["payload"]
    return json.loads(p) if isinstance(p, str) else p


def _s(value: Any, limit: int = 200) -> str:
    return value[:limit] if isinstance(value, str) else ""


@dataclass
class Folded:
    """The rows to write for one station after a batch (keyed as the tables are)."""

    cases: dict[str, dict[str, Any]] = field(default_factory=dict)
    ratings: list[dict[str, Any]] = field(default_factory=list)
    followups: dict[str, dict[str, Any]] = field(default_factory=dict)
    complaints: dict[str, dict[str, Any]] = field(default_factory=dict)
    windows: dict[str, dict[str, Any]] = field(default_factory=dict)
    clerks: dict[str, dict[str, Any]] = field(default_factory=dict)
    new_cases: set[str] = field(default_factory=set)
    #: per table name, the keys whose rows were loaded from the database (``apply``): only those are
    #: deleted before the write; a table not named here is replaced blindly (windows, clerks)
    stored: dict[str, set[str]] = field(default_factory=dict)


def new_case(station: str, case_id: str) -> dict[str, Any]:
    return {"station": station, "case_id": case_id, "case_no": "", "window": "", "department": "",
            "item_code": "", "item_name": "", "item_class": "", "case_class": "", "clerk_id": "",
            "status": "", "is_open": False, "status_seq": 0, "created_at": None, "accepted_at": None,
            "completed_at": None, "returned_at": None, "due_date": None, "due_seq": 0}


def fold(station: str, events_: Iterable[Mapping[str, Any]], state: Folded,
         department_of: Mapping[str, str]) -> Folded:
    """Apply stored events (dicts with seq, type, at, clerk_id, case_id, payload text) to ``state``.

    ``state.cases`` / ``followups`` / ``complaints`` must already hold the stored rows of the ids the
    events touch (``apply`` loads them); ``department_of`` maps window numbers to departments.
    """
    for ev in sorted(events_, key=lambda e: e["seq"]):
        type_ = ev["type"]
        if type_ not in PROJECTED_TYPES:
            continue
        seq = int(ev["seq"])
        p = _payload_of(ev)
        at = _moment(ev["at"])
        case_id = ev.get("case_id")
        if type_ == "station.configured":
            for w in p.get("windows") or []:
                if isinstance(w, Mapping) and w.get("number") is not None:
                    num = _s(str(w["number"]), 32)
                    state.windows[num] = {"station": station, "number": num, "name": _s(w.get("name")),
                                          "department": _s(w.get("department"))}
            continue
        if type_ == "clerk.created":
            cid = _s(p.get("clerk_id"), 64)
            if cid:
                state.clerks[cid] = {"station": station, "clerk_id": cid, "name": _s(p.get("name")),
                                     "window": _s(str(p.get("window") or ""), 32)}
            continue
        if not case_id:
            continue
        if type_ == "case.rated":
            if at is not None and isinstance(p.get("level"), str):
                state.ratings.append({"station": station, "seq": seq, "case_id": case_id,
                                      "window": _s(p.get("window"), 32), "clerk_id": _s(p.get("clerk_id"), 64),
                                      "level": _s(p["level"], 24), "bad": bool(p.get("bad")), "at": at})
            continue
        if type_.startswith("followup."):
            fid = _s(p.get("followup_id"), 64)
            if not fid:
                continue
            f = state.followups.setdefault(fid, {
                "station": station, "followup_id": fid, "case_id": case_id, "kind": "", "level": "", "window": "",
                "opened_on": None, "visit_due": None, "due_date": None, "visited_on": None, "closed_on": None,
                "on_time": None})
            if type_ == "followup.opened":
                f.update(kind=_s(p.get("kind"), 24), level=_s(p.get("level"), 24), window=_s(p.get("window"), 32),
                         opened_on=_date(p.get("rated_on")) or (at.date() if at else None),
                         visit_due=_date(p.get("visit_due")), due_date=_date(p.get("due_date")))
            elif type_ == "followup.visited":
                f["visited_on"] = _date(p.get("visited_on")) or (at.date() if at else None)
                f["kind"] = f["kind"] or _s(p.get("kind"), 24)
                f["window"] = f["window"] or _s(p.get("window"), 32)
            else:
                f["closed_on"] = at.date() if at else None
                f["on_time"] = bool(p.get("on_time"))
            continue
        if type_ in ("case.complaint", "case.complaint_answered"):
            cid = _s(p.get("complaint_id"), 64)
            if not cid:
                continue
            c = state.complaints.setdefault(cid, {
                "station": station, "complaint_id": cid, "case_id": case_id, "window": "", "channel": "",
                "received_at": None, "due_date": None, "answered_at": None, "on_time": None})
            if type_ == "case.complaint":
                c.update(window=_s(p.get("window"), 32), channel=_s(p.get("channel"), 16), received_at=at,
                         due_date=_date(p.get("due_date")))
            else:
                c.update(answered_at=at, on_time=bool(p.get("on_time")))
            continue
        row = state.cases.get(case_id)
        if row is None:
            row = state.cases[case_id] = new_case(station, case_id)
            state.new_cases.add(case_id)
        if type_ == "case.registered":
            window = _s(p.get("window"), 32)
            row.update(case_no=_s(p.get("case_no"), 64), item_code=_s(p.get("item_code"), 64),
                       item_name=_s(p.get("item_name")), item_class=_s(p.get("item_class"), 16),
                       clerk_id=_s(ev.get("clerk_id"), 64), created_at=at)
            row["case_class"] = row["case_class"] or _s(p.get("case_class"), 16)
            if not row["window"]:
                row["window"] = window
                row["department"] = department_of.get(window, "")
        elif type_ in ("case.transferred", "case.routed"):
            to = _s(p.get("to_window"), 32)
            if to:
                row["window"], row["department"] = to, department_of.get(to, row["department"])
        elif type_ == "case.marked_urgent":
            row["case_class"] = "urgent"
        if type_ in ("case.accepted", "case.deemed_accepted"):
            row["accepted_at"] = at
            row["case_class"] = _s(p.get("case_class"), 16) or row["case_class"]
        if type_ in _DUE_TYPES and seq > row["due_seq"] and _date(p.get("due_date")) is not None:
            row["due_date"], row["due_seq"] = _date(p.get("due_date")), seq
        if type_ == "case.completed" or type_ == "case.enquiry_answered":
            row["completed_at"] = at
        if type_ == "case.returned":
            row["returned_at"] = at
        status = _STATUS_OF.get(type_)
        if type_ == "case.review_decided" and p.get("decision") == "overturned":
            status = "accepted"
        if status is not None and seq > row["status_seq"]:
            row["status"], row["status_seq"] = status, seq
            row["is_open"] = status in OPEN_STATUSES
    return state


def _load(conn: Connection, table: Table, station: str, key: str, ids: set[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    id_list = sorted(ids)
    for start in range(0, len(id_list), 500):
        stmt = select(table).where(table.c.station == station, key_in(conn, table.c[key], id_list[start:start + 500]))
        for r in conn.execute(stmt).mappings():
            out[r[key]] = dict(r)
    return out


def _replace(conn: Connection, table: Table, keys: tuple[str, str], rows: list[dict[str, Any]],
             stored: set[str] | None = None) -> None:
    """Delete-then-insert the rows (portable upsert; the station's row lock serialises writers).

    With ``stored`` (the keys known to be in the table) only those rows are deleted: a row that was
    not loaded does not exist, so a batch of new cases costs one ``executemany`` insert. The delete is
    an ``executemany`` of one short statement (prepared once) rather than a long ``IN`` list; the
    insert is :func:`db.bulk_insert` (``COPY`` on PostgreSQL)."""
    if not rows:
        return
    a, b = keys
    gone = [{"_a": r[a], "_b": r[b]} for r in rows if stored is None or r[b] in stored]
    if gone:
        conn.execute(delete(table).where(table.c[a] == bindparam("_a"), table.c[b] == bindparam("_b")), gone)
    bulk_insert(conn, table, rows)


def apply(conn: Connection, station: str, stored: Iterable[Mapping[str, Any]]) -> None:
    """Project newly stored events of ``station`` (inside the ingest transaction)."""
    evs = [e for e in stored if e["type"] in PROJECTED_TYPES]
    if not evs:
        return
    case_ids: set[str] = set()
    fids: set[str] = set()
    cids: set[str] = set()
    for e in evs:
        if e["type"].startswith("followup.") or e["type"].startswith("case.complaint"):
            p = _payload_of(e)
            (fids if e["type"].startswith("followup.") else cids).add(_s(p.get("followup_id") or p.get("complaint_id"), 64))
        elif e["type"] not in ("case.rated", "station.configured", "clerk.created") and e.get("case_id"):
            case_ids.add(e["case_id"])
    state = Folded(cases=_load(conn, cases, station, "case_id", case_ids),
                   followups=_load(conn, followups, station, "followup_id", fids - {""}),
                   complaints=_load(conn, complaints, station, "complaint_id", cids - {""}))
    state.stored = {"cases": set(state.cases), "followups": set(state.followups),
                    "complaints": set(state.complaints)}
    dept = {r.number: r.department for r in conn.execute(
        select(windows.c.number, windows.c.department).where(windows.c.station == station))}
    for e in evs:  # a configuration in this very batch counts for the cases after it
        if e["type"] == "station.configured":
            for w in _payload_of(e).get("windows") or []:
                if isinstance(w, Mapping) and w.get("number") is not None:
                    dept[str(w["number"])] = _s(w.get("department"))
    fold(station, evs, state, dept)
    write(conn, state)


def write(conn: Connection, state: Folded) -> None:
    _replace(conn, windows, ("station", "number"), list(state.windows.values()))
    _replace(conn, clerks, ("station", "clerk_id"), list(state.clerks.values()))
    _replace(conn, cases, ("station", "case_id"), list(state.cases.values()), state.stored.get("cases"))
    _replace(conn, followups, ("station", "followup_id"), list(state.followups.values()), state.stored.get("followups"))
    _replace(conn, complaints, ("station", "complaint_id"), list(state.complaints.values()),
             state.stored.get("complaints"))
    if state.ratings:
        seqs = [r["seq"] for r in state.ratings]
        station = state.ratings[0]["station"]
        conn.execute(delete(ratings).where(and_(ratings.c.station == station, ratings.c.seq.in_(seqs))))
        bulk_insert(conn, ratings, state.ratings)




def rebuild(engine: Engine, chunk: int = 5000) -> int:
    """Rebuild every read model from the stored events (for an office database that held events before
    the read models existed). Run with the office stopped; returns the number of events folded."""
    from deskclient.central.db import WRITE, events, stations

    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        for table in (cases, ratings, followups, complaints, windows, clerks):
            conn.execute(delete(table))
    with engine.connect() as conn:
        codes = list(conn.execute(select(stations.c.code)).scalars())
    done = 0
    cols = (events.c.seq, events.c.type, events.c.at, events.c.clerk_id, events.c.case_id, events.c.payload)
    for code in codes:
        last = 0
        while True:
            with engine.connect() as conn:
                rows = [dict(r) for r in conn.execute(
                    select(*cols).where(events.c.station == code, events.c.seq > last,
                                        events.c.rejected_reason.is_(None))
                    .order_by(events.c.seq).limit(chunk)).mappings()]
            if not rows:
                break
            with engine.connect().execution_options(**WRITE) as conn, conn.begin():
                apply(conn, code, rows)
            last = rows[-1]["seq"]
            done += len(rows)
    return done
