"""Start-up to an interactive home screen, and peak memory there, each vs a bare Textual app.

Each sample is a fresh interpreter (``bench/_startup_child.py``) so imports, ledger open and the
first page are paid as at the counter. Time is measured by the parent from spawn to the child's
READY line (interpreter start included on both sides); memory is the child's RSS high-water mark
(``VmHWM``, not ``getrusage``, which inherits the runner's peak across fork) at that moment. The
desk runs on the cached 100,000-case demo ledger.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from bench.common import ROOT, Row, big_ledger, ensure_ledger, median, ratio_row

CHILD = Path(__file__).with_name("_startup_child.py")
TIME_LIMIT = 1.5
MEMORY_LIMIT_MB = 60.0


def spawn(kind: str, data_dir: Path | None = None, timeout: float = 120.0) -> tuple[float, float, str]:
    """(wall seconds to READY, peak RSS MB, failure text or "") for one fresh child."""
    args = [sys.executable, str(CHILD), kind] + ([str(data_dir)] if data_dir else [])
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        wall = time.perf_counter() - t0
        proc.wait(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    parts = line.split()
    if len(parts) != 3 or parts[0] != "READY":
        err = (proc.stderr.read() if proc.stderr else "")[-300:]
        return float("nan"), float("nan"), (line.strip() or err.strip() or "no output")
    return wall, int(parts[2]) / 1024, ""


def run(quick: bool = False) -> list[Row]:
    reps = 1 if quick else 7
    n = big_ledger(quick)
    data_dir, gen_s = ensure_ledger(n)
    bare_t: list[float] = []
    bare_m: list[float] = []
    desk_t: list[float] = []
    desk_m: list[float] = []
    failure = ""
    spawn("bare")  # warm the OS file cache for both sides before timing
    spawn("desk", data_dir)
    for _ in range(reps):  # interleaved, so drift hits both sides alike
        t, m, err = spawn("bare")
        if not err:
            bare_t.append(t)
            bare_m.append(m)
        t, m, err = spawn("desk", data_dir)
        if err:
            failure = err
            break
        desk_t.append(t)
        desk_m.append(m)
    gen = f"; ledger generated in {gen_s:.0f} s" if gen_s else ""
    if failure or not desk_t or not bare_t:
        note = f"not measured: {failure or 'bare app failed'}"
        return [Row("start to interactive home screen (headless)", None, "s",
                    median(bare_t) if bare_t else None, target=f"≤ {TIME_LIMIT:g}×", note=note),
                Row(f"peak memory at home, {n:,}-case ledger", None, "MB",
                    median(bare_m) if bare_m else None, target=f"≤ {MEMORY_LIMIT_MB:g} MB", note=note)]
    mem, base_mem = median(desk_m), median(bare_m)
    return [
        ratio_row("start to interactive home screen (headless)", round(median(desk_t), 3),
                  round(median(bare_t), 3), "s", TIME_LIMIT,
                  note=f"median of {len(desk_t)} fresh processes each; {n:,}-case ledger{gen}"),
        Row(f"peak memory at home, {n:,}-case ledger", round(mem, 1), "MB", round(base_mem, 1),
            round(mem / base_mem, 2), f"≤ {MEMORY_LIMIT_MB:g} MB", mem <= MEMORY_LIMIT_MB,
            note="RSS high-water (VmHWM) of the child itself; ratio reported, target is absolute"),
    ]
