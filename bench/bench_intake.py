"""Confirmed intake commit (register + accept: rows and events, synchronous=FULL) vs one bare
SQLite insert + commit with the same pragmas, on the same disk, **interleaved** in the same run.

The two sides alternate sample by sample (intake, bare, intake, bare, ...), so the machine's drift
and the page cache hit both alike; earlier rounds timed the bare commits in a separate loop, which
inflated the ratio. The fsyncs per confirmed step are counted with ``strace`` (skipped with a note
where strace is not installed). On this kind of VM an fsync is ~0.2 ms (virtio write cache), far
below a counter PC's spinning disk (8–15 ms), so the table also gives a *model* of the ratio with
an 8 ms fsync, built from the measured fsync counts, labelled a model, not a measurement.
"""

from __future__ import annotations

import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import (
    ROOT,
    Row,
    confirmed_intake,
    demo_clerk_and_item,
    median,
    open_bench_context,
    ratio_row,
)

LIMIT = 2.0
MODEL_FSYNC_MS = 8.0  # a 7,200 rpm disk honouring flushes: one fsync per WAL commit, lower end
CHILD = Path(__file__).with_name("_intake_child.py")
STEPS = 2  # confirmed steps per intake: register (intake screen), accept (checklist screen)


def bare_connection(folder: Path, synchronous: str = "FULL") -> sqlite3.Connection:
    con = sqlite3.connect(folder / f"bare-{synchronous}.sqlite", isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(f"PRAGMA synchronous={synchronous}")
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA busy_timeout=10000")
    con.execute("CREATE TABLE IF NOT EXISTS t (id TEXT PRIMARY KEY, at TEXT, payload TEXT)")
    return con


def _bare_once(con: sqlite3.Connection, i: int, cpu: list[float] | None = None) -> float:
    t0, c0 = time.perf_counter(), time.process_time()
    con.execute("BEGIN IMMEDIATE")
    con.execute("INSERT INTO t VALUES (?, ?, ?)", (f"id{i}", "2026-11-24T10:00:00", '{"k": "v"}'))
    con.execute("COMMIT")
    if cpu is not None:
        cpu.append(time.process_time() - c0)
    return time.perf_counter() - t0


def interleaved(folder: Path, n: int, cpu: dict[str, list[float]] | None = None,
                ) -> tuple[list[float], list[float], list[float]]:
    """(intake, bare FULL, bare OFF) seconds, the three sides alternating sample by sample; ``cpu``
    (when given) gets each side's process CPU time per sample under "intake" and "bare", the figure
    the machine's fsync cost and its load do not move."""
    from deskclient.services.demo import ensure_demo_station, make_id_number, make_name, make_phone

    ctx = open_bench_context(folder / "desk")
    rng = random.Random(7)
    bare = bare_connection(folder)
    bare_off = bare_connection(folder, "OFF")
    intake: list[float] = []
    full: list[float] = []
    off: list[float] = []
    cpu_intake: list[float] = []
    cpu_bare: list[float] = []
    try:
        ensure_demo_station(ctx)
        clerk_id, item = demo_clerk_and_item(ctx)
        _ = ctx.calendar, ctx.cases  # loaded once at start-up in the app, not per intake
        for i in range(n + 3):
            name, id_no, phone = make_name(rng), make_id_number(rng), make_phone(rng)
            t0, c0 = time.perf_counter(), time.process_time()
            confirmed_intake(ctx, clerk_id, item, item.window or "1", name, id_no, phone)
            t_intake, c_intake = time.perf_counter() - t0, time.process_time() - c0
            t_full = _bare_once(bare, i, cpu_bare if i >= 3 else None)
            t_off = _bare_once(bare_off, i)
            if i >= 3:
                cpu_intake.append(c_intake)
                intake.append(t_intake)
                full.append(t_full)
                off.append(t_off)
    finally:
        bare.close()
        bare_off.close()
        ctx.close()
    if cpu is not None:
        cpu["intake"], cpu["bare"] = cpu_intake, cpu_bare
    return intake, full, off


def fsyncs_per_step(kind: str, n: int = 20) -> float | None:
    """fsync + fdatasync calls per confirmed intake (or per bare commit), counted by strace."""
    strace = shutil.which("strace")
    if strace is None:
        return None
    with tempfile.TemporaryDirectory(prefix="bench-fsync-") as tmp:
        trace = Path(tmp) / "trace.txt"
        subprocess.run([strace, "-f", "-qq", "-o", str(trace), "-e", "trace=fsync,fdatasync,access,faccessat,faccessat2",
                        sys.executable, str(CHILD), kind, tmp, str(n)], check=True, cwd=ROOT,
                       capture_output=True, timeout=300)
        lines = trace.read_text(errors="replace").splitlines()
    start = next((k for k, line in enumerate(lines) if "bench-intake-mark" in line), None)
    if start is None:
        return None
    end = next((k for k, line in enumerate(lines) if "bench-intake-end" in line), len(lines))
    count = sum(1 for line in lines[start:end] if re.search(r"\b(fsync|fdatasync)\(", line))
    return count / n


def run(quick: bool = False) -> list[Row]:
    n = 20 if quick else 200
    with tempfile.TemporaryDirectory(prefix="bench-intake-") as tmp:
        cpu: dict[str, list[float]] = {}
        intake, bare, bare_off = interleaved(Path(tmp), n, cpu)
    b, v, b_off = median(bare) * 1000, median(intake) * 1000, median(bare_off) * 1000
    cpu_step, cpu_bare = median(cpu["intake"]) * 1000 / STEPS, median(cpu["bare"]) * 1000
    fsync_ms = max(0.0, b - b_off)  # what durability costs per commit on this disk
    per_intake = fsyncs_per_step("intake")
    per_bare = fsyncs_per_step("bare")
    per_draft = fsyncs_per_step("draft")
    rows = [
        ratio_row("confirmed step (register, then accept: per step), interleaved", round(v / STEPS, 3), round(b, 3),
                  "ms", LIMIT,
                  note=f"median of {n} intakes ÷ {STEPS} confirmed steps (the intake screen's register and the "
                       "checklist's accept are two steps); sides alternate sample by sample; baseline: 1 bare "
                       "INSERT+COMMIT, same pragmas (WAL, synchronous=FULL), same directory"),
        Row("confirmed intake (register + accept) vs 2 bare commits", round(v, 3), "ms", round(2 * b, 3),
            round(v / (2 * b), 2) if b else None, "reported", note="the same samples, whole intake"),
        Row("CPU per confirmed step (process time), interleaved", round(cpu_step, 3), "ms", round(cpu_bare, 3),
            round(cpu_step / cpu_bare, 1) if cpu_bare else None, "reported",
            note="the same samples: median process CPU per intake ÷ 2 vs one bare commit's; what the fsync's "
                 "cost on this disk and the machine's load do not move (the wall-clock ratio above does)"),
    ]
    if per_intake is None or per_bare is None:
        rows.append(Row("fsyncs per confirmed step (strace)", None, "", target="≤ the bare commit's",
                        note="not measured: strace not installed (apt-get install strace)"))
        return rows
    per_step = per_intake / STEPS
    rows.append(Row("fsyncs per confirmed step (strace)", round(per_step, 2), "fsync", round(per_bare, 2),
                    round(per_step / per_bare, 2) if per_bare else None, "≤ the bare commit's",
                    per_step <= per_bare + 0.05,
                    note=f"fsync+fdatasync calls over 20 intakes after set-up ÷ {STEPS} steps ({per_intake:.2f} per "
                         "intake); baseline: per bare commit; service path (register, confirm_outcome); WAL "
                         "checkpoints amortised in"))
    if per_draft is not None:
        rows.append(Row("fsyncs per draft autosave (strace)", round(per_draft, 2), "fsync", round(per_bare, 2),
                        None, "0 (drafts are a convenience)", per_draft < 0.05,
                        note="IntakeService.save_draft ×20: committed with synchronous=OFF for its own transaction; the ledger's close at the end of the session (a WAL checkpoint, fsynced once) is not counted"))
    # the CPU side of the model is the measured process time of both sides (the same samples): deriving
    # it as wall − fsyncs × (FULL − OFF) swung from 1 to 5 ms per intake between runs on this shared VM,
    # whose fsync cost moves between 0.3 and 3.7 ms within minutes
    # Per confirmed step, like the judged row (it used to set a whole intake, two steps, against one
    # bare commit: 2.12× where the per-step model gives 1.06×, same run).
    model_bare = cpu_bare + per_bare * MODEL_FSYNC_MS
    model_step = cpu_step + per_step * MODEL_FSYNC_MS
    rows.append(Row(f"MODEL (not measured): confirmed step with a {MODEL_FSYNC_MS:g} ms fsync (counter PC disk)",
                    round(model_step, 2), "ms", round(model_bare, 2), round(model_step / model_bare, 2),
                    "model", note=f"fsync here {fsync_ms:.3f} ms (bare FULL {b:.3f} − OFF {b_off:.3f}); our CPU per "
                                  f"step {cpu_step:.2f} ms (process time) + {per_step:.2f} fsyncs × "
                                  f"{MODEL_FSYNC_MS:g} ms vs a bare commit's CPU {cpu_bare:.3f} + {per_bare:.2f} × "
                                  f"{MODEL_FSYNC_MS:g} ms; whole intake "
                                  f"{cpu_step * STEPS + per_intake * MODEL_FSYNC_MS:.1f} ms"))
    return rows
