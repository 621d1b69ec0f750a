"""Start-up: first screen ready to type, home after the PIN, peak memory at home and over a whole
clerk session, each against a bare Textual app started the same way in the same run.

Each sample is a fresh interpreter (``bench/_startup_child.py``) so imports, ledger open and the
first page are paid as at the counter. Times are the child's own clock from interpreter start to
each mark (``FIRST``: the sign-in screen lists the clerks and has the focus; ``READY``: the home
screen shows its first page, the PIN entered at once, then F9 (the clerk's path); ``SESSION``: F2 and one catalog
search shown); memory is the child's RSS high-water (``VmHWM``) at each mark. The bare app (Header,
Input, DataTable, Footer) is timed to ``READY`` and alternates with the desk sample by sample.

The judged figures run deskclient from an **installed wheel with bytecode** (``bench/wheel_env.py``),
as a clerk's install does; the editable checkout (with this environment's
``PYTHONDONTWRITEBYTECODE``, so every start recompiles) is reported on a separate line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench.common import ROOT, Row, big_ledger, ensure_ledger, median, ratio_row

CHILD = Path(__file__).with_name("_startup_child.py")
FIRST_LIMIT = 1.3
HOME_LIMIT = 2.0
MEMORY_LIMIT_MB = 60.0
SESSION_LIMIT_MB = 90.0


def spawn(python: Path | str, kind: str, data_dir: Path | None = None, timeout: float = 180.0
          ) -> tuple[dict[str, tuple[float, float]], str]:
    """({mark: (seconds, peak MB)}, failure text or "") for one fresh child."""
    args = [str(python), str(CHILD), kind] + ([str(data_dir)] if data_dir else [])
    try:
        proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=timeout, env=dict(os.environ))
    except subprocess.TimeoutExpired:
        return {}, "timed out"
    marks: dict[str, tuple[float, float]] = {}
    for line in proc.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] in ("FIRST", "READY", "SESSION"):
            marks[parts[0]] = (float(parts[1]), int(parts[2]) / 1024)
        elif parts and parts[0] == "FAIL":
            return marks, line.strip()
    if not marks:
        return marks, (proc.stderr.strip()[-300:] or "no output")
    return marks, ""


def run(quick: bool = False) -> list[Row]:
    from bench.wheel_env import python as wheel_python

    reps = 2 if quick else 7
    n = big_ledger(quick)
    data_dir, gen_s = ensure_ledger(n)
    wheel, wheel_note = wheel_python()
    judged = wheel or Path(sys.executable)
    how = wheel_note if wheel else f"editable checkout ({wheel_note})"
    spawn(judged, "bare")  # warm the OS file cache for every side before timing
    spawn(judged, "session", data_dir)  # and index the catalog once, as validate / first load does
    spawn(sys.executable, "desk", data_dir)
    bare_t: list[float] = []
    bare_m: list[float] = []
    first_t: list[float] = []
    home_t: list[float] = []
    home_m: list[float] = []
    edit_t: list[float] = []
    session_m: list[float] = []
    failure = ""
    for i in range(reps):  # interleaved, so drift hits every side alike
        marks, err = spawn(judged, "bare")
        if not err and "READY" in marks:
            bare_t.append(marks["READY"][0])
            bare_m.append(marks["READY"][1])
        marks, err = spawn(judged, "session" if i < 3 else "desk", data_dir)
        if err or "READY" not in marks or "FIRST" not in marks:
            failure = err or "no READY"
            break
        first_t.append(marks["FIRST"][0])
        home_t.append(marks["READY"][0])
        home_m.append(marks["READY"][1])
        if "SESSION" in marks:
            session_m.append(marks["SESSION"][1])
        if wheel:
            marks, err = spawn(sys.executable, "desk", data_dir)
            if not err and "READY" in marks:
                edit_t.append(marks["READY"][0])
    gen = f"; ledger generated in {gen_s:.0f} s" if gen_s else ""
    if failure or not home_t or not bare_t:
        note = f"not measured: {failure or 'bare app failed'}"
        return [Row("first screen ready to type (vs bare Textual app)", None, "s", target=f"≤ {FIRST_LIMIT:g}×",
                    note=note),
                Row(f"home after the PIN, {n:,}-case ledger (vs bare app)", None, "s", target=f"≤ {HOME_LIMIT:g}×",
                    note=note),
                Row(f"peak memory at home, {n:,}-case ledger", None, "MB", target=f"≤ {MEMORY_LIMIT_MB:g} MB",
                    note=note),
                Row("peak memory over a clerk's session (sign-in, F2, one search)", None, "MB",
                    target=f"≤ {SESSION_LIMIT_MB:g} MB", note=note)]
    bare = median(bare_t)
    mem, base_mem = median(home_m), median(bare_m)
    rows = [
        ratio_row("first screen ready to type (sign-in, vs bare Textual app)", round(median(first_t), 3),
                  round(bare, 3), "s", FIRST_LIMIT,
                  note=f"median of {len(first_t)} fresh processes each, interleaved; {how}"),
        ratio_row(f"home after the PIN, {n:,}-case ledger (vs bare app)", round(median(home_t), 3), round(bare, 3),
                  "s", HOME_LIMIT, note=f"from interpreter start, PIN entered at once, then F9 (the clerk's path); {how}{gen}"),
        Row(f"peak memory at home, {n:,}-case ledger", round(mem, 1), "MB", round(base_mem, 1),
            round(mem / base_mem, 2), f"≤ {MEMORY_LIMIT_MB:g} MB", mem <= MEMORY_LIMIT_MB,
            note="VmHWM of the child itself; baseline: the bare app's; ratio reported, target is absolute"),
    ]
    if session_m:
        sm = max(session_m)
        rows.append(Row("peak memory over a clerk's session (sign-in, F2, one search)", round(sm, 1), "MB",
                        round(base_mem, 1), round(sm / base_mem, 2), f"≤ {SESSION_LIMIT_MB:g} MB",
                        sm <= SESSION_LIMIT_MB,
                        note=f"worst of {len(session_m)}; headless Pilot (not tmux): F2, 'dbsq' typed, hits shown"))
    if edit_t:
        rows.append(Row("home after the PIN, editable checkout (vs bare app)", round(median(edit_t), 3), "s",
                        round(bare, 3), round(median(edit_t) / bare, 2), "reported",
                        note="development install; PYTHONDONTWRITEBYTECODE="
                             f"{os.environ.get('PYTHONDONTWRITEBYTECODE', '(unset)')}: modules recompiled each start"))
    return rows
