"""The county office's own tables and engine: SQLite for a laptop, PostgreSQL (psycopg 3) for a county.

The tables live in their own ``MetaData`` (not SQLModel's shared one) so the office database never
gets the station's ledger tables and the names cannot clash. Nothing is cached in memory between
requests: every copy of the service behind a load balancer reads the same rows.

Rejected events are rows of ``central_event`` too (``rejected_reason`` set, no payload kept): one
table with ``PRIMARY KEY (station, seq)`` makes the contiguous mark a single query and lets it pass
over an event the office refused.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    any_,
    bindparam,
    create_engine,
    event,
    insert,
    inspect,
    text,
)

metadata = MetaData()

stations = Table(
    "central_station",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 hex of the token
    Column("bundle_key", String(64), nullable=False),  # hex HMAC key derived from the token
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_contact", DateTime(timezone=True), nullable=True),
    Column("contiguous", Integer, nullable=False, default=0),  # highest seq held without gaps
    # the ledger (one install on one PC) this station's events come from; NULL until first contact
    Column("ledger_id", String(64), nullable=True),
    Column("alert", Text, nullable=True),  # the last refusal (other ledger, conflict), shown in status
    Column("alert_at", DateTime(timezone=True), nullable=True),
)

events = Table(
    "central_event",
    metadata,
    Column("station", String(32), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("event_id", String(64), nullable=True),  # NULL on rejected rows; unique per station
    Column("claimed_id", String(64), nullable=False, default=""),  # the id the station sent
    Column("at", String(40), nullable=False, default=""),
    Column("clerk_id", String(64), nullable=True),
    Column("type", String(64), nullable=False, default=""),
    Column("case_id", String(64), nullable=True),
    Column("payload", Text, nullable=False, default="{}"),
    Column("rejected_reason", Text, nullable=True),
    Column("via", String(16), nullable=False, default="online"),  # online | bundle
    Column("received_at", DateTime(timezone=True), nullable=False),
    # events.content_hash of what the station sent, kept only where the stored payload differs from
    # it (a quarantined field); NULL means "recompute it from the row" (see ingest._held_hash)
    Column("content_sha256", String(64), nullable=True),
    UniqueConstraint("station", "event_id", name="uq_central_event_station_id"),
)
Index("ix_central_event_case", events.c.station, events.c.case_id)
# The refused records page reads only the (few) rejected rows.
Index("ix_central_event_rejected", events.c.station, events.c.seq,
      postgresql_where=events.c.rejected_reason.is_not(None), sqlite_where=events.c.rejected_reason.is_not(None))

conflicts = Table(
    "central_conflict",
    metadata,
    # A different event offered for a slot (station, seq) or an id the office already holds: never
    # stored over the first copy, recorded once per distinct content, shown in ``central status``.
    Column("station", String(32), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("offered_sha256", String(64), primary_key=True),
    Column("offered_id", String(64), nullable=False),
    Column("held_id", String(64), nullable=True),
    Column("held_sha256", String(64), nullable=True),
    Column("ledger_id", String(64), nullable=True),
    Column("seen_at", DateTime(timezone=True), nullable=False),
)

quarantine = Table(
    "central_quarantine",
    metadata,
    # A free-text field that held a full ID or phone number: stored masked, the rest of the event kept.
    Column("station", String(32), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("field", String(64), primary_key=True),
    Column("case_id", String(64), nullable=True),
    Column("reason", Text, nullable=False),
    Column("seen_at", DateTime(timezone=True), nullable=False),
)

publications = Table(
    "central_publication",
    metadata,
    Column("kind", String(16), primary_key=True),  # catalog | holidays
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("sha256", String(64), nullable=False),
    Column("content", Text, nullable=False),  # JSON {"files": {name: text}}
    Column("published_at", DateTime(timezone=True), nullable=False),
)

# --------------------------------------------------------------------------------------------------
# The office's web view (issue #18): users, sessions, audit trail, and read models kept at ingest.
# New tables only, so an existing office database gains them with ``create_all`` and no migration.
# --------------------------------------------------------------------------------------------------

users = Table(
    "central_user",
    metadata,
    Column("login", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("role", String(16), nullable=False),  # admin | viewer
    Column("pw_hash", String(200), nullable=False),  # argon2id
    Column("failed", Integer, nullable=False, default=0),
    Column("locked_until", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

sessions = Table(
    "central_session",
    metadata,
    Column("id_hash", String(64), primary_key=True),  # sha256 of the cookie value
    Column("login", String(64), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

audit = Table(
    "central_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("login", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("target", String(64), nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
)

station_reports = Table(
    "central_station_report",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("reported_at", DateTime(timezone=True), nullable=False),
    Column("backlog", Integer, nullable=True),
    Column("app_version", String(40), nullable=True),
    Column("schema_version", String(40), nullable=True),
    Column("catalog_version", Integer, nullable=True),
    Column("holidays_version", Integer, nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

cases = Table(
    "central_case",
    metadata,
    Column("station", String(32), primary_key=True),
    Column("case_id", String(64), primary_key=True),
    Column("case_no", String(64), nullable=False, default=""),
    Column("window", String(32), nullable=False, default=""),
    Column("department", String(200), nullable=False, default=""),
    Column("item_code", String(64), nullable=False, default=""),
    Column("item_name", String(200), nullable=False, default=""),
    Column("item_class", String(16), nullable=False, default=""),
    Column("case_class", String(16), nullable=False, default=""),
    Column("clerk_id", String(64), nullable=False, default=""),
    Column("status", String(24), nullable=False, default=""),
    Column("is_open", Boolean, nullable=False, default=False),
    Column("status_seq", Integer, nullable=False, default=0),
    Column("created_at", DateTime, nullable=True),  # station local time, as the events carry it
    Column("accepted_at", DateTime, nullable=True),
    Column("completed_at", DateTime, nullable=True),
    Column("returned_at", DateTime, nullable=True),
    Column("due_date", Date, nullable=True),
    Column("due_seq", Integer, nullable=False, default=0),
)
# Page queries: county list by due date; county counts per station and a station's counts per
# window are index-only scans over the open cases.
Index("ix_central_case_open_due", cases.c.is_open, cases.c.due_date)
Index("ix_central_case_open_station", cases.c.is_open, cases.c.station, cases.c.due_date)
Index("ix_central_case_station_open", cases.c.station, cases.c.is_open, cases.c.window, cases.c.due_date)
Index("ix_central_case_open_item", cases.c.is_open, cases.c.item_code, cases.c.item_name)
Index("ix_central_case_created", cases.c.created_at)
Index("ix_central_case_completed", cases.c.completed_at)

ratings = Table(
    "central_rating",
    metadata,
    Column("station", String(32), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("case_id", String(64), nullable=False),
    Column("window", String(32), nullable=False, default=""),
    Column("clerk_id", String(64), nullable=False, default=""),
    Column("level", String(24), nullable=False),
    Column("bad", Boolean, nullable=False, default=False),
    Column("at", DateTime, nullable=False),
)
Index("ix_central_rating_at", ratings.c.at)

followups = Table(
    "central_followup",
    metadata,
    Column("station", String(32), primary_key=True),
    Column("followup_id", String(64), primary_key=True),
    Column("case_id", String(64), nullable=False, default=""),
    Column("kind", String(24), nullable=False, default=""),
    Column("level", String(24), nullable=False, default=""),
    Column("window", String(32), nullable=False, default=""),
    Column("opened_on", Date, nullable=True),
    Column("visit_due", Date, nullable=True),
    Column("due_date", Date, nullable=True),
    Column("visited_on", Date, nullable=True),
    Column("closed_on", Date, nullable=True),
    Column("on_time", Boolean, nullable=True),
)
Index("ix_central_followup_open", followups.c.closed_on, followups.c.due_date)

complaints = Table(
    "central_complaint",
    metadata,
    Column("station", String(32), primary_key=True),
    Column("complaint_id", String(64), primary_key=True),
    Column("case_id", String(64), nullable=False, default=""),
    Column("window", String(32), nullable=False, default=""),
    Column("channel", String(16), nullable=False, default=""),
    Column("received_at", DateTime, nullable=True),
    Column("due_date", Date, nullable=True),
    Column("answered_at", DateTime, nullable=True),
    Column("on_time", Boolean, nullable=True),
)
Index("ix_central_complaint_received", complaints.c.received_at)

windows = Table(
    "central_window",
    metadata,
    Column("station", String(32), primary_key=True),
    Column("number", String(32), primary_key=True),
    Column("name", String(200), nullable=False, default=""),
    Column("department", String(200), nullable=False, default=""),
)

clerks = Table(
    "central_clerk",
    metadata,
    Column("station", String(32), primary_key=True),
    Column("clerk_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False, default=""),
    Column("window", String(32), nullable=False, default=""),
)

ENV_DB = "DESKCLIENT_CENTRAL_DB"
WRITE = {"sqlite_begin": "IMMEDIATE"}  # execution options for write transactions


def key_in(conn: Connection, column: Any, ids: Sequence[str]) -> Any:
    """``column IN (ids)``; on PostgreSQL ``column = ANY(:array)``: one parameter instead of one per
    id (psycopg parses every long query text again, in Python)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == any_(bindparam(None, list(ids), type_=ARRAY(String)))
    return column.in_(list(ids))


def insert_many(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], *,
                skip_conflicts: bool = False) -> int:
    """``executemany`` of ``INSERT`` (``ON CONFLICT DO NOTHING`` with ``skip_conflicts``); the number
    of rows inserted, -1 when the driver does not say.

    On SQLite, when every row names the same columns and none of the table's Python-side defaults
    is left to fill, the rows go to the driver as tuples with only the column types' own bind
    processors applied (dates and times as SQLAlchemy stores them): the same rows as through
    ``insert(table)``, without SQLAlchemy's per-row parameter work (a fifth of an ingest's time)."""
    if not rows:
        return 0
    names = list(rows[0])
    if conn.dialect.name == "sqlite" and conn.dialect.paramstyle == "qmark" and _covers_defaults(table, names) \
            and all(n in table.c for n in names) and all(len(r) == len(names) for r in rows):
        prep = conn.dialect.identifier_preparer
        sql = (f"INSERT INTO {prep.format_table(table)} ({', '.join(prep.quote(n) for n in names)}) "
               f"VALUES ({', '.join('?' * len(names))})" + (" ON CONFLICT DO NOTHING" if skip_conflicts else ""))
        procs = [(i, p) for i, n in enumerate(names)
                 if (p := table.c[n].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)) is not None]
        params: list[Any] = []
        for r in rows:
            values = [r[n] for n in names]
            for i, proc in procs:
                if values[i] is not None:  # every processor keeps None as None
                    values[i] = proc(values[i])
            params.append(tuple(values))
        return int(conn.exec_driver_sql(sql, params).rowcount)
    stmt: Any = insert(table)
    if skip_conflicts:
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            stmt = pg_insert(table).on_conflict_do_nothing()
        else:
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            stmt = sqlite_insert(table).on_conflict_do_nothing()
    return int(conn.execute(stmt, list(rows)).rowcount)


def _covers_defaults(table: Table, names: Sequence[str]) -> bool:
    """Whether the rows name every column that has a Python-side default (nothing left to fill)."""
    given = set(names)
    return all(c.name in given for c in table.columns if c.default is not None or c.onupdate is not None)


def bulk_insert(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows that cannot collide with stored ones (the caller knows their keys are free).

    PostgreSQL: one ``COPY ... FROM STDIN`` on the transaction's own connection (several times
    faster than row-by-row inserts, and no per-row statement work in Python); elsewhere, or when
    the rows do not all have the same columns, an ``executemany`` insert. A collision after all
    aborts the transaction (nothing half-stored; the station sends the batch again)."""
    if not rows:
        return
    names = list(rows[0])
    if conn.dialect.name != "postgresql" or any(len(r) != len(names) for r in rows):
        insert_many(conn, table, rows)
        return
    quote = conn.dialect.identifier_preparer.quote
    sql = f"COPY {conn.dialect.identifier_preparer.format_table(table)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cur, cur.copy(sql) as copy:
        for r in rows:
            copy.write_row([r[n] for n in names])


def default_db_url() -> str:
    """``$DESKCLIENT_CENTRAL_DB`` or a SQLite file in the user's data folder."""
    env = os.environ.get(ENV_DB)
    if env:
        return env
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("deskclient", appauthor=False)) / "central"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'central.db'}"


def normalise_url(url: str) -> str:
    """Accept a bare path, ``postgres://`` and ``postgresql://`` (driven by psycopg 3)."""
    if "://" not in url:
        return f"sqlite:///{Path(url).resolve()}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def make_engine(url: str, *, create: bool = True, **kwargs: object) -> Engine:
    """An engine for the office database; SQLite gets WAL + synchronous=FULL + a busy timeout."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: object, _record: object) -> None:
            dbapi_conn.isolation_level = None  # type: ignore[attr-defined]  # we BEGIN ourselves
            cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: object) -> None:
            # Writers take the lock up front so two never deadlock on a read-to-write upgrade.
            mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")  # type: ignore[attr-defined]
            conn.exec_driver_sql(f"BEGIN {mode}")  # type: ignore[attr-defined]
    else:
        engine = create_engine(url, pool_pre_ping=True, **kwargs)
    if create:
        metadata.create_all(engine)
        upgrade(engine)
        # create_all adds indexes only with their table: an office database made before an index on
        # an existing table was added (ix_central_event_rejected, issue #18) gets it here.
        for index in events.indexes:
            index.create(engine, checkfirst=True)
    return engine


_ADDED_COLUMNS = {
    "central_station": (("ledger_id", "VARCHAR(64)"), ("alert", "TEXT"), ("alert_at", "TIMESTAMP")),
    "central_event": (("content_sha256", "VARCHAR(64)"),),
}


def upgrade(engine: Engine) -> None:
    """Bring an office database made by an older version up to date (idempotent, data kept):
    add the new columns, and scope event ids per station (the old schema had one global
    ``UNIQUE (event_id)``, which let one station's token block another station's events)."""
    insp = inspect(engine)
    with engine.begin() as conn:
        for table, cols in _ADDED_COLUMNS.items():
            have = {c["name"] for c in insp.get_columns(table)}
            for name, type_ in cols:
                if name not in have:
                    conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {name} {type_}"))
    global_unique = [u for u in insp.get_unique_constraints("central_event") if u["column_names"] == ["event_id"]]
    if not global_unique:
        return
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for u in global_unique:
                conn.execute(text(f'ALTER TABLE central_event DROP CONSTRAINT "{u["name"]}"'))
            conn.execute(text("ALTER TABLE central_event ADD CONSTRAINT uq_central_event_station_id "
                              "UNIQUE (station, event_id)"))
        return
    # SQLite cannot drop a constraint: rebuild the table under the new definition.
    names = ", ".join(c.name for c in events.columns)
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        conn.execute(text("ALTER TABLE central_event RENAME TO central_event_old"))
        for index in events.indexes:  # index names are global in SQLite: the old table's go first
            conn.execute(text(f"DROP INDEX IF EXISTS {index.name}"))
        events.create(conn)
        conn.execute(text(f"INSERT INTO central_event ({names}) SELECT {names} FROM central_event_old"))
        conn.execute(text("DROP TABLE central_event_old"))
