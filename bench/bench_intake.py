"""Confirmed intake commit (register + accept: rows and events, synchronous=FULL) vs one bare
SQLite insert + commit with the same pragmas, on the same disk, in the same run.

Both sides pay for real fsyncs, so the ratio says how much the ORM, the event outbox and the rules
add on top of what durability alone costs. On this kind of VM an fsync is ~0.2 ms (virtio write
cache), far below a counter PC's spinning disk (8–15 ms), so the table also gives the figure per
durable transaction and a *model* of the ratio with an 8 ms fsync: the fsync cost here is measured
(bare commit with ``synchronous=FULL`` minus the same with ``synchronous=OFF``), taken out of both
sides, and 8 ms per durable transaction put back. It is labelled a model, not a measurement.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.common import Row, confirmed_intake, demo_clerk_and_item, median, open_bench_context, ratio_row

LIMIT = 2.0
MODEL_FSYNC_MS = 8.0  # a 7,200 rpm disk honouring flushes: one fsync per WAL commit, lower end
TX_PER_INTAKE = 2  # register, then confirm the outcome: two durable transactions


def bare_commit_times(folder: Path, n: int, synchronous: str = "FULL") -> list[float]:
    """One INSERT + COMMIT per sample on a plain sqlite3 connection with the ledger's pragmas."""
    con = sqlite3.connect(folder / f"bare-{synchronous}.sqlite", isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(f"PRAGMA synchronous={synchronous}")
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA busy_timeout=10000")
    con.execute("CREATE TABLE IF NOT EXISTS t (id TEXT PRIMARY KEY, at TEXT, payload TEXT)")
    out: list[float] = []
    try:
        for i in range(n + 3):
            t0 = time.perf_counter()
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO t VALUES (?, ?, ?)", (f"id{i}", "2026-11-24T10:00:00", '{"k": "v"}'))
            con.execute("COMMIT")
            if i >= 3:
                out.append(time.perf_counter() - t0)
    finally:
        con.close()
    return out


def intake_times(folder: Path, n: int) -> tuple[list[float], int]:
    """Seconds per confirmed intake through CaseService, and the events it wrote per intake."""
    from sqlalchemy import func, select

    from deskclient.services.demo import ensure_demo_station, make_id_number, make_name, make_phone
    from deskclient.store.models import Event

    ctx = open_bench_context(folder / "desk")
    rng = random.Random(7)
    try:
        ensure_demo_station(ctx)
        clerk_id, item = demo_clerk_and_item(ctx)
        _ = ctx.calendar, ctx.cases  # loaded once at start-up in the app, not per intake
        with ctx.ledger.read() as s:
            before = int(s.execute(select(func.count()).select_from(Event)).scalar_one())
        out: list[float] = []
        for i in range(n + 3):
            name, id_no, phone = make_name(rng), make_id_number(rng), make_phone(rng)
            t0 = time.perf_counter()
            confirmed_intake(ctx, clerk_id, item, item.window or "1", name, id_no, phone)
            if i >= 3:
                out.append(time.perf_counter() - t0)
        with ctx.ledger.read() as s:
            after = int(s.execute(select(func.count()).select_from(Event)).scalar_one())
        events = after - before
    finally:
        ctx.close()
    return out, events // (n + 3)


def run(quick: bool = False) -> list[Row]:
    n = 20 if quick else 200
    with tempfile.TemporaryDirectory(prefix="bench-intake-", dir=None) as tmp:
        folder = Path(tmp)
        bare = bare_commit_times(folder, n)
        intake, per = intake_times(folder, n)
        bare_off = bare_commit_times(folder, n, "OFF")
    b, v, b_off = median(bare) * 1000, median(intake) * 1000, median(bare_off) * 1000
    fsync = max(0.0, b - b_off)  # what durability costs per commit on this disk
    cpu_intake = max(0.0, v - TX_PER_INTAKE * fsync)
    model_bare = b_off + MODEL_FSYNC_MS
    model_intake = cpu_intake + TX_PER_INTAKE * MODEL_FSYNC_MS
    return [
        ratio_row("confirmed intake commit (register + accept)", round(v, 3), round(b, 3), "ms", LIMIT,
                  note=f"median of {n}; {per} events per intake, {TX_PER_INTAKE} durable transactions; "
                       "baseline: 1 bare INSERT+COMMIT, same pragmas"),
        Row("confirmed intake, per durable transaction", round(v / TX_PER_INTAKE, 3), "ms", round(b, 3),
            round(v / TX_PER_INTAKE / b, 2) if b else None, "reported",
            note=f"the intake's {TX_PER_INTAKE} commits each against one bare commit"),
        Row(f"MODEL (not measured): intake with a {MODEL_FSYNC_MS:g} ms fsync (counter PC disk)",
            round(model_intake, 2), "ms", round(model_bare, 2), round(model_intake / model_bare, 2),
            "model", note=f"fsync here {fsync:.3f} ms (bare FULL {b:.3f} − OFF {b_off:.3f}); our CPU per intake "
                          f"{cpu_intake:.2f} ms + {TX_PER_INTAKE} × {MODEL_FSYNC_MS:g} ms vs bare "
                          f"{b_off:.3f} + {MODEL_FSYNC_MS:g} ms",
            details={"fsync_here_ms": round(fsync, 4), "cpu_per_intake_ms": round(cpu_intake, 3),
                     "bare_off_ms": round(b_off, 4)}),
    ]
