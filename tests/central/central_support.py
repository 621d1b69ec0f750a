"""Fixtures for the office tests: a real uvicorn server on loopback (SQLite or PostgreSQL), a
station ledger with events, and a fault-injecting TCP proxy."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select
from sqlmodel import SQLModel

from deskclient.central import db as cdb
from deskclient.central.admin import add_station
from deskclient.domain.events import content_hash
from deskclient.store import models
from deskclient.store.db import make_engine as make_ledger_engine

PG_URL = os.environ.get("DESKCLIENT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_reason() -> str | None:
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        with psycopg.connect(PG_URL, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as err:
        return f"PostgreSQL not reachable at {PG_URL.split('@')[-1]}: {type(err).__name__}"
    return None


_PG_SKIP: list[str | None] = []


def pg_skip_reason() -> str | None:
    if not _PG_SKIP:
        _PG_SKIP.append(_pg_reason())
    return _PG_SKIP[0]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def office_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty office database: a SQLite file, or a new PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'central.db'}"
        return
    reason = pg_skip_reason()
    if reason:
        pytest.skip(reason)
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def office_engine(office_url: str) -> Iterator[Engine]:
    engine = cdb.make_engine(office_url)
    yield engine
    engine.dispose()


@dataclass
class RunningServer:
    url: str
    port: int
    engine: Engine
    server: Any
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def start_server(engine: Engine, **app_kwargs: Any) -> RunningServer:
    """uvicorn in a thread on a socket bound (and listening) before it starts: no wait needed."""
    import uvicorn

    from deskclient.central.app import create_app

    sock = socket.create_server(("127.0.0.1", 0), backlog=128)
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(engine, **app_kwargs), log_level="warning", access_log=False,
                            lifespan="off", timeout_keep_alive=5)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    return RunningServer(f"http://127.0.0.1:{port}", port, engine, server, thread)


@pytest.fixture
def server(office_engine: Engine) -> Iterator[RunningServer]:
    srv = start_server(office_engine)
    yield srv
    srv.stop()


@pytest.fixture
def station(office_engine: Engine) -> tuple[str, str]:
    """A registered station: (code, token)."""
    return "ZX01", add_station(office_engine, "ZX01", "某某镇便民服务中心")


# --------------------------------------------------------------------------------------------------
# The station's ledger
# --------------------------------------------------------------------------------------------------

BASE_TIME = datetime(2026, 11, 2, 9, 0)
LEDGER = {"id": "a" * 32}  # the ledger identity raw API tests send (the sync client sends its own)
_TYPES = ("case.registered", "case.accepted", "case.completed", "notice.issued")


def event_row(station: str, seq: int, *, payload: str | None = None, type_: str | None = None) -> dict[str, Any]:
    case_no = (seq + 3) // 4
    t = type_ or _TYPES[(seq - 1) % 4]
    body: dict[str, Any] = {"n": seq, "item": "城乡居民基本养老保险参保登记", "applicant_id_masked": "110101********1234",
                            "phone_masked": "138****5678"}
    if t == "case.accepted":
        body["due_date"] = (BASE_TIME + timedelta(days=10)).date().isoformat()
    return {"id": uuid.uuid4().hex, "station": station, "seq": seq, "at": BASE_TIME + timedelta(seconds=seq),
            "clerk_id": "c" * 32, "type": t, "case_id": f"case{case_no:06d}".ljust(32, "0"),
            "payload": payload if payload is not None else json.dumps(body, ensure_ascii=False),
            "sent_at": None, "set_aside_reason": ""}


def make_ledger(path: Path) -> Engine:
    engine = make_ledger_engine(path)
    SQLModel.metadata.create_all(engine, tables=[models.Event.__table__, models.KeyValue.__table__])  # type: ignore[attr-defined]
    return engine


def add_events(engine: Engine, station: str, count: int, start: int = 1,
               overrides: dict[int, dict[str, Any]] | None = None) -> None:
    rows = []
    for seq in range(start, start + count):
        rows.append(event_row(station, seq, **(overrides or {}).get(seq, {})))
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
        conn.execute(insert(models.Event.__table__), rows)  # type: ignore[attr-defined]


def local_counts(engine: Engine) -> tuple[int, int]:
    """(events, events marked sent) in the station ledger."""
    t = models.Event.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(t)).scalar_one()
        sent = conn.execute(select(func.count()).select_from(t).where(t.c.sent_at.is_not(None))).scalar_one()
    return int(total), int(sent)


def office_counts(engine: Engine, station: str) -> dict[str, int]:
    e = cdb.events
    with engine.connect() as conn:
        rows = conn.execute(select(func.count(), func.count(func.distinct(e.c.event_id)),
                                   func.count(func.distinct(e.c.seq)), func.min(e.c.seq), func.max(e.c.seq))
                            .where(e.c.station == station, e.c.rejected_reason.is_(None))).one()
        mark = conn.execute(select(cdb.stations.c.contiguous).where(cdb.stations.c.code == station)).scalar_one()
    return {"rows": rows[0], "ids": rows[1], "seqs": rows[2], "min": rows[3] or 0, "max": rows[4] or 0,
            "mark": int(mark)}


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Engine]:
    engine = make_ledger(tmp_path / "ledger.sqlite")
    yield engine
    engine.dispose()


# --------------------------------------------------------------------------------------------------
# A fault-injecting TCP proxy
# --------------------------------------------------------------------------------------------------


@dataclass
class FaultProxy:
    """Sits between the station and the office and misbehaves, a bounded number of times:

    * ``drop``: close a new connection before forwarding anything;
    * ``cut``: forward the request, then close the connection as the reply arrives (the office
      has already committed) - optionally after passing part of the reply on (``partial``);
    * ``delay``: hold each chunk for up to ``max_delay`` seconds.
    """

    target_port: int
    seed: int = 1
    p_drop: float = 0.1
    p_cut: float = 0.15
    max_delay: float = 0.01
    max_faults: int = 40
    partial: bool = True
    drop_first: int = 0  # the first N connections are dropped for certain
    faults: dict[str, int] = field(default_factory=lambda: {"drop": 0, "cut": 0})
    port: int = 0

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._loop = asyncio.new_event_loop()
        self._sock = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._ready = threading.Event()
        self._server: asyncio.AbstractServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _fault(self, kind: str, p: float) -> bool:
        if sum(self.faults.values()) >= self.max_faults or self._rng.random() >= p:
            return False
        self.faults[kind] += 1
        return True

    async def _delay(self) -> None:
        if self.max_delay:
            await asyncio.sleep(self._rng.uniform(0, self.max_delay))

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.drop_first > 0:
            self.drop_first -= 1
            self.faults["drop"] += 1
            writer.transport.abort()
            return
        if self._fault("drop", self.p_drop):
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return

        async def upstream() -> None:
            with contextlib.suppress(OSError, ConnectionError):
                while chunk := await reader.read(65536):
                    await self._delay()
                    up_writer.write(chunk)
                    await up_writer.drain()
            with contextlib.suppress(OSError, RuntimeError):
                up_writer.write_eof()

        async def downstream() -> None:
            with contextlib.suppress(OSError, ConnectionError):
                while chunk := await up_reader.read(65536):
                    await self._delay()
                    if self._fault("cut", self.p_cut):
                        if self.partial and len(chunk) > 1:
                            writer.write(chunk[: self._rng.randrange(1, len(chunk))])
                            await writer.drain()
                        break
                    writer.write(chunk)
                    await writer.drain()
            writer.transport.abort()
            up_writer.transport.abort()

        up = asyncio.ensure_future(upstream())
        await downstream()
        up.cancel()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def main() -> None:
            self._server = await asyncio.start_server(self._handle, sock=self._sock)
            self._ready.set()

        self._loop.run_until_complete(main())
        self._loop.run_forever()

    def start(self) -> FaultProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        def _close() -> None:
            if self._server is not None:
                self._server.close()
            self._loop.stop()

        self._loop.call_soon_threadsafe(_close)
        self._thread.join(timeout=10)


@pytest.fixture
def fault_proxy() -> Iterator[Callable[..., FaultProxy]]:
    proxies: list[FaultProxy] = []

    def make(target_port: int, **kwargs: Any) -> FaultProxy:
        proxy = FaultProxy(target_port, **kwargs).start()
        proxies.append(proxy)
        return proxy

    yield make
    for p in proxies:
        p.stop()


# --------------------------------------------------------------------------------------------------
# Which events: the station's ledger against the office, field by field
# --------------------------------------------------------------------------------------------------


def local_events(engine: Engine) -> list[dict[str, Any]]:
    """Every event of a station ledger in wire form, with ``sent`` and ``set_aside`` flags."""
    from deskclient.store.outbox import OutgoingEvent

    t = models.Event.__table__  # type: ignore[attr-defined]
    cols = (t.c.id, t.c.station, t.c.seq, t.c.at, t.c.clerk_id, t.c.type, t.c.case_id, t.c.payload,
            t.c.set_aside_reason)
    out = []
    with engine.connect() as conn:
        for row in conn.execute(select(*cols, t.c.sent_at).order_by(t.c.seq)):
            ev = OutgoingEvent(*row[:-1])
            out.append({**ev.to_wire(), "hash": ev.content_hash(), "sent": row.sent_at is not None,
                        "set_aside": bool(row.set_aside_reason)})
    return out


def office_events(engine: Engine, station: str) -> dict[int, dict[str, Any]]:
    """The office's rows for a station by seq, in wire form (payload parsed)."""
    e = cdb.events
    out: dict[int, dict[str, Any]] = {}
    with engine.connect() as conn:
        for r in conn.execute(select(e).where(e.c.station == station).order_by(e.c.seq)):
            payload = json.loads(r.payload)
            digest = r.content_sha256 or (content_hash(r.event_id, r.seq, r.at, r.clerk_id, r.type, r.case_id, payload)
                                          if r.event_id else None)
            out[r.seq] = {"id": r.event_id, "seq": r.seq, "at": r.at, "clerk_id": r.clerk_id, "type": r.type,
                          "case_id": r.case_id, "payload": payload, "hash": digest, "rejected": r.rejected_reason}
    return out


_FIELDS = ("id", "seq", "at", "clerk_id", "type", "case_id", "payload", "hash")


def assert_nothing_lost(ledger: Engine, office: Engine, station: str) -> tuple[list[int], list[int]]:
    """Every event the station marked sent is held by the office for that station with exactly the
    same content, field by field (a ``{}`` payload or any other difference fails). Returns
    ``(sent seqs, unsent seqs)``; an unsent event is still in the station's ledger, so not lost."""
    held = office_events(office, station)
    sent, unsent = [], []
    for ev in local_events(ledger):
        if not ev["sent"]:
            unsent.append(ev["seq"])
            continue
        other = held.get(ev["seq"])
        assert other is not None, f"seq {ev['seq']} marked sent but not held by the office"
        assert other["rejected"] is None
        for name in _FIELDS:
            assert other[name] == ev[name], f"seq {ev['seq']}: {name} differs: {other[name]!r} != {ev[name]!r}"
        sent.append(ev["seq"])
    return sent, unsent


def forget_planted_numbers(ledger_file: Path | str) -> None:
    """Delete a station ledger into which a test planted full numbers on purpose (to play an older
    station version), so the suite-wide privacy scan finds only real leaks."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{ledger_file}{suffix}").unlink(missing_ok=True)
