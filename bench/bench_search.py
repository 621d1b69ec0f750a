"""Catalog search at county size (10,000 items): index ready, per-keystroke p99, build, and the
``deskclient catalog search`` command against ``deskclient --version``.

The shipped catalog has a few dozen items; a county catalog has up to ~10,000. We synthesise them
by varying the shipped names (prefixes such as 变更/注销/补办, numbered variants, changed codes), so
the index holds realistic Chinese text, pinyin and initials, then type each query one character at
a time as a clerk would and time every ``search`` call. The index is built once per catalog
content (reported) and cached; "ready" is opening that cache, which is what the desk does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.common import ROOT, Row, cache_root, median, percentile, ratio_row, shipped_catalog

N_ITEMS = 10_000
QUICK_ITEMS = 2_000
TARGET_MS = 2.0
READY_MS = 100.0
CLI_LIMIT = 2.0
PASSES = 3  # identical keystroke passes; each keystroke's fastest is kept
_PREFIXES = ("", "变更", "注销", "补办", "延续", "新办", "迁移", "更正", "查询", "换领")
_SUFFIXES = ("", "(个人)", "(单位)", "(农村)", "(城镇)", "(异地)", "(首次)", "(再次)")
_HWM = ("import atexit, sys\n"
        "def _hwm():\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmHWM:'): sys.stderr.write('HWM ' + line.split()[1] + '\\n')\n"
        "atexit.register(_hwm)\n"
        "from deskclient.cli import main\n"
        "sys.argv = ['deskclient'] + sys.argv[1:]\n"
        "raise SystemExit(main())\n")


def synth_items(n: int = N_ITEMS) -> list[Any]:
    """``n`` distinct ServiceItems derived from the shipped catalog's names and codes."""
    base = list(shipped_catalog())
    out: list[Any] = []
    i = 0
    while len(out) < n:
        item = base[i % len(base)]
        k = i // len(base)
        pre = _PREFIXES[k % len(_PREFIXES)]
        suf = _SUFFIXES[(k // len(_PREFIXES)) % len(_SUFFIXES)]
        extra = "" if k < len(_PREFIXES) * len(_SUFFIXES) else str(k)
        out.append(replace(item, code=f"{item.code}-{k:03d}", name=f"{pre}{item.name}{suf}{extra}",
                           aliases=tuple(f"{pre}{a}" for a in item.aliases)))
        i += 1
    return out


def queries(items: list[Any]) -> list[str]:
    """What clerks type: Chinese names and parts, full pinyin, initials, codes, a typo."""
    from pypinyin import Style, lazy_pinyin

    qs: list[str] = []
    for item in items[:: max(1, len(items) // 40)]:
        name = item.name
        qs.append(name[:6])
        qs.append(name[2:5])
        qs.append("".join(lazy_pinyin(name[:4])))
        qs.append("".join(lazy_pinyin(name[:6], style=Style.FIRST_LETTER)))
        qs.append(item.code.lower())
    qs += ["zuidishenghuo", "dbsq", "dibao", "yanglaobaoxian", "hukou", "shenfenzheng", "zuidishenhuo"]
    return qs


def _cli(args: list[str], env: dict[str, str], python: str = sys.executable) -> tuple[float, float]:
    """(wall seconds, peak RSS MB) of one ``deskclient ...`` in a fresh interpreter."""
    t0 = time.perf_counter()
    proc = subprocess.run([python, "-c", _HWM, *args], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120)
    wall = time.perf_counter() - t0
    hwm = next((int(line.split()[1]) for line in proc.stderr.splitlines() if line.startswith("HWM ")), 0)
    if proc.returncode != 0:
        raise RuntimeError(f"deskclient {' '.join(args)} failed: {proc.stderr.strip()[-200:]}")
    return wall, hwm / 1024


def cli_rows(reps: int) -> list[Row]:
    """``deskclient catalog search dbsq`` vs ``deskclient --version``, interleaved, fresh processes,
    both from the installed wheel with bytecode when it can be built (``bench/wheel_env.py``)."""
    from bench.wheel_env import python as wheel_python

    wheel, how = wheel_python()
    py = str(wheel or sys.executable)
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        (Path(tmp) / "data").mkdir()
        env = dict(os.environ, XDG_CACHE_HOME=str(Path(tmp) / "cache"), DESKCLIENT_HOME=str(Path(tmp) / "data"))
        search = ["catalog", "search", "dbsq"]
        _cli(search, env, py)  # the first search on a machine builds the index (as validate/first load does)
        _cli(["--version"], env, py)
        base_t: list[float] = []
        base_m: list[float] = []
        t: list[float] = []
        m: list[float] = []
        for _ in range(reps):
            w, mem = _cli(["--version"], env, py)
            base_t.append(w)
            base_m.append(mem)
            w, mem = _cli(search, env, py)
            t.append(w)
            m.append(mem)
    return [
        ratio_row("`deskclient catalog search dbsq` wall time (vs `--version`)", round(median(t), 3),
                  round(median(base_t), 3), "s", CLI_LIMIT,
                  note=f"median of {reps} fresh processes each, interleaved; index cached (built by the "
                       f"first run, as validate / first load does); {how}"),
        Row("`deskclient catalog search dbsq` peak memory (vs `--version`)", round(median(m), 1), "MB",
            round(median(base_m), 1), round(median(m) / median(base_m), 2), "reported",
            note="VmHWM of the process itself"),
    ]


def _keystrokes(catalog: Any, cache: Path, qs: list[str], catalog_index: Any) -> tuple[list[float], list[float]]:
    """One pass as a clerk's session types: the index opened fresh (its per-prefix answer caches
    empty), ten warm-up searches, then every prefix of every query; (wall ms, thread CPU ms) each."""
    index = catalog_index(catalog, cache)
    for q in qs[:10]:  # warm caches (compiled patterns, page cache) as a running desk would have
        index.search(q)
    wall: list[float] = []
    cpu: list[float] = []
    for q in qs:
        for k in range(1, len(q) + 1):
            c = time.thread_time()
            t = time.perf_counter()
            index.search(q[:k])
            wall.append((time.perf_counter() - t) * 1000)
            cpu.append((time.thread_time() - c) * 1000)
    return wall, cpu


def run(quick: bool = False) -> list[Row]:
    import gc

    from deskclient.domain.catalog import Catalog
    from deskclient.services.catalog_files import catalog_index
    from deskclient.store.search_index import FORMAT

    n_items = QUICK_ITEMS if quick else N_ITEMS
    items = synth_items(n_items)
    catalog = Catalog(items)
    qs = queries(items)
    if quick:
        qs = qs[:20]
    rows: list[Row] = []
    # one folder per index format: a tree with another format never prunes this one's file (the
    # bench cache is shared by several checkouts)
    cache = cache_root() / f"search-{n_items}-f{FORMAT}"
    built = cache / "build-seconds.txt"
    if built.exists() and any(cache.glob("catalog-index-*.sqlite")):
        build_s, when = float(built.read_text().split()[0]), "cached; measured when first built"
    else:
        cache.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        catalog_index(catalog, cache)  # build + write: once per catalog content
        build_s, when = time.perf_counter() - t0, "built in this run"
        built.write_text(f"{build_s:.2f}\n")
    size_mb = sum(p.stat().st_size for p in cache.glob("catalog-index-*.sqlite")) / 1e6
    ready: list[float] = []
    for _ in range(3 if quick else 7):
        t0 = time.perf_counter()
        catalog_index(catalog, cache)
        ready.append(time.perf_counter() - t0)
    # Each keystroke is timed in PASSES identical passes and its fastest wall time kept: on a shared
    # machine a single pass's p99 is the scheduler's (the process preempted mid-search: wall 8 ms,
    # CPU 1.3 ms), not the lookup's. The first pass's own p99 and the CPU-time p99 are reported too.
    collections = [0, 0]

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections[0] += 1
            collections[1] += info.get("generation") == 2

    gc.callbacks.append(count)
    try:
        passes = [_keystrokes(catalog, cache, qs, catalog_index) for _ in range(PASSES)]
    finally:
        gc.callbacks.remove(count)
    best = [min(ws) for ws in zip(*(w for w, _ in passes), strict=True)]
    cpu = [min(cs) for cs in zip(*(c for _, c in passes), strict=True)]
    first = passes[0][0]
    p99 = percentile(best, 99)
    ready_ms = median(ready) * 1000
    note = (f"{len(best)} keystrokes, fastest of {PASSES} identical passes each: median {median(best):.3f} ms, "
            f"max {max(best):.3f} ms; one pass alone: p99 {percentile(first, 99):.3f} ms, max {max(first):.3f} ms; "
            f"CPU-time p99 {percentile(cpu, 99):.3f} ms; GC collections during the passes {collections[0]} "
            f"(generation 2: {collections[1]}); pypinyin imported by the bench's query list only; no baseline "
            f"(absolute target)")
    rows += [
        Row(f"catalog index ready ({n_items:,} items, cached index opened)", round(ready_ms, 2), "ms",
            target=f"≤ {READY_MS:g} ms", passed=ready_ms <= READY_MS,
            note=f"median of {len(ready)}; what the desk and the CLI do once the catalog has been indexed"),
        Row(f"catalog search per keystroke, p99 ({n_items:,} items)", round(p99, 3), "ms",
            target=f"≤ {TARGET_MS:g} ms", passed=p99 <= TARGET_MS, note=note,
            details={"keystrokes": len(best), "median_ms": median(best), "max_ms": max(best),
                     "single_pass_p99_ms": percentile(first, 99), "cpu_p99_ms": percentile(cpu, 99),
                     "gc_collections": collections[0], "gc_gen2": collections[1]}),
        Row(f"catalog index build ({n_items:,} items, once per catalog change)", round(build_s, 2), "s",
            target="reported", note=f"at validate / first load ({when}); index file {size_mb:.0f} MB"),
    ]
    rows += cli_rows(2 if quick else 7)
    return rows
