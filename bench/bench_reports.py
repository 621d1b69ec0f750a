"""Monthly report on the 1,000,000-case ledger: counted in SQL, in a fresh process, time and peak
memory; the old way (every case row of the month loaded and counted in Python) is the same-run
baseline, alternating with it (``bench/_report_child.py``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.common import ROOT, Row, ensure_ledger, median

CHILD = Path(__file__).with_name("_report_child.py")
SIZE = 1_000_000
QUICK_SIZE = 2_000
TIME_LIMIT_S = 2.0
MEMORY_LIMIT_MB = 100.0


def _child(how: str, data_dir: Path) -> tuple[float, float, int]:
    out = subprocess.run([sys.executable, str(CHILD), how, str(data_dir)], capture_output=True, text=True,
                         cwd=ROOT, timeout=900)
    parts = out.stdout.split()
    if len(parts) != 4 or parts[0] != "DONE":
        raise RuntimeError(f"report child failed: {out.stderr.strip()[-200:]}")
    return float(parts[1]), int(parts[2]) / 1024, int(parts[3])


def run(quick: bool = False) -> list[Row]:
    n = QUICK_SIZE if quick else SIZE
    reps = 2 if quick else 3
    data_dir, gen_s = ensure_ledger(n)
    _child("sql", data_dir)  # page cache warm for both sides
    sql_t, sql_m, old_t, old_m = [], [], [], []
    registered = 0
    for i in range(reps):
        t, m, registered = _child("sql", data_dir)
        sql_t.append(t)
        sql_m.append(m)
        if i < (1 if not quick else reps):  # the old way takes ~20 s and ~400 MB at 1M: once is enough
            t, m, _ = _child("rows", data_dir)
            old_t.append(t)
            old_m.append(m)
    gen = f"; ledger generated in {gen_s:.0f} s" if gen_s else ""
    t, base = median(sql_t), median(old_t)
    m, base_m = max(sql_m), median(old_m)
    return [
        Row(f"monthly report, {n:,} cases (SQL aggregate)", round(t, 3), "s", round(base, 3), round(t / base, 2),
            f"≤ {TIME_LIMIT_S:g} s", t <= TIME_LIMIT_S,
            note=f"median of {reps} fresh processes; {registered:,} registered in the month; baseline: the same "
                 f"month loaded row by row and counted in Python (median of {len(old_t)}){gen}"),
        Row(f"monthly report, {n:,} cases, peak memory", round(m, 1), "MB", round(base_m, 1), round(m / base_m, 2),
            f"≤ {MEMORY_LIMIT_MB:g} MB", m <= MEMORY_LIMIT_MB,
            note="VmHWM of the whole process (interpreter, SQLAlchemy, the summary); baseline: the row-by-row way"),
    ]
