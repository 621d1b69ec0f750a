"""``python -m bench [--quick] [--only NAME ...] [--json PATH]``: run every benchmark, print the table.

Each figure module exposes ``run(quick: bool) -> list[Row]``; the sync benchmark
(``bench/bench_sync.py``, owned by the sync work) exposes ``run() -> list[dict]`` and its dicts are
normalised into rows. A module that is missing or fails becomes a row saying so: the table is
always printed and the JSON always written.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # ``python bench/__main__.py``: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import contextlib

from bench.common import ROOT, Row

MODULES = ("bench_startup", "bench_home", "bench_search", "bench_intake", "bench_reports", "bench_sync",
           "bench_notices", "bench_county")
DEFAULT_JSON = ROOT / "bench" / "results" / "latest.json"


def machine() -> dict[str, Any]:
    """What the figures were measured on (docs/performance.md quotes it)."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    mem_gb = None
    with contextlib.suppress(ValueError, OSError, AttributeError):
        mem_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    rev = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             timeout=5).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": mem_gb, "python": platform.python_version(),
            "platform": platform.platform(), "git": rev}


def _from_dict(d: dict[str, Any]) -> Row:
    """A row from a foreign module's dict (keys as in :class:`Row`, a few aliases accepted)."""
    if "office_db" in d:  # bench_sync: {office_db, events, seconds, events_per_s, target, passed|skipped}
        target = d.get("target")
        rate = d.get("events_per_s")
        passed = d.get("passed")
        if not isinstance(passed, bool):
            passed = rate >= target if isinstance(rate, int | float) and isinstance(target, int | float) else None
        note = f"not measured: {d['skipped']}" if "skipped" in d else (
            f"{d.get('events')} events in {d.get('seconds')} s over loopback HTTP (CPU {d.get('cpu_s')} s); "
            f"baseline: bare executemany of the same rows into the same database, {d.get('bare_store_s')} s")
        return Row(f"sync {d.get('events', 10_000):,} events, {d['office_db']} office", rate, "events/s",
                   baseline=d.get("bare_events_per_s"), ratio=d.get("share_of_bare"),
                   target=f"≥ {target:,} events/s" if isinstance(target, int | float) else "",
                   passed=None if "skipped" in d else passed, note=note)
    passed = d.get("passed", d.get("pass", d.get("ok")))
    return Row(figure=str(d.get("figure", d.get("name", "?"))), value=d.get("value"), unit=str(d.get("unit", "")),
               baseline=d.get("baseline"), ratio=d.get("ratio"), target=str(d.get("target", "")),
               passed=passed if isinstance(passed, bool) else None, note=str(d.get("note", "")),
               details={k: v for k, v in d.items() if k not in {
                   "figure", "name", "value", "unit", "baseline", "ratio", "target", "passed", "pass", "ok",
                   "note"}})


def run_module(name: str, quick: bool) -> list[Row]:
    try:
        mod = importlib.import_module(f"bench.{name}")
    except ModuleNotFoundError as err:
        if err.name in (f"bench.{name}",):
            return [Row(name, None, "", note="not measured: module not in this tree yet")]
        return [Row(name, None, "", note=f"not measured: {err}")]
    fn = getattr(mod, "run", None)
    if fn is None:
        return [Row(name, None, "", note="not measured: module has no run()")]
    try:
        params = inspect.signature(fn).parameters
        out = fn(quick=quick) if "quick" in params else fn()
    except Exception as err:  # one broken figure must not hide the others
        tb = traceback.format_exc(limit=3).strip().splitlines()[-1]
        return [Row(name, None, "", note=f"failed: {type(err).__name__}: {err} ({tb})"[:400])]
    return [r if isinstance(r, Row) else _from_dict(dict(r)) for r in out]


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def table(rows: list[Row]) -> str:
    head = ("figure", "value", "unit", "baseline", "ratio", "target", "result")
    body = [(r.figure, _fmt(r.value), r.unit, _fmt(r.baseline), _fmt(r.ratio) + ("×" if r.ratio else ""),
             r.target or "—", "PASS" if r.passed else ("FAIL" if r.passed is False else "—")) for r in rows]
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for b, r in zip(body, rows, strict=True):
        lines.append("  ".join(c.ljust(w) for c, w in zip(b, widths, strict=True)))
        if r.note:
            lines.append(f"    {r.note}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="few repetitions: a smoke run, not figures to quote")
    ap.add_argument("--only", nargs="*", choices=MODULES, help="run only these modules")
    ap.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"where to write the JSON ({DEFAULT_JSON})")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    rows: list[Row] = []
    for name in args.only or MODULES:
        print(f"… {name}", file=sys.stderr, flush=True)
        rows.extend(run_module(name, args.quick))
    print(table(rows))
    doc = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "quick": args.quick,
           "seconds": round(time.perf_counter() - started, 1), "machine": machine(),
           "rows": [r.to_json() for r in rows]}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(doc, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
