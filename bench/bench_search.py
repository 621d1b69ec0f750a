"""Catalog search per keystroke: p99 over every prefix of realistic queries, 2,000 items.

The shipped catalog has a few dozen items; a county catalog has up to ~2,000. We synthesise 2,000
by varying the shipped names (prefixes such as 变更/注销/补办, numbered variants, changed codes), so
the index holds realistic Chinese text, pinyin and initials, then type each query one character at
a time as a clerk would and time every ``search`` call.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from bench.common import Row, median, percentile, shipped_catalog

N_ITEMS = 2000
TARGET_MS = 2.0
_PREFIXES = ("", "变更", "注销", "补办", "延续", "新办", "迁移", "更正", "查询", "换领")
_SUFFIXES = ("", "(个人)", "(单位)", "(农村)", "(城镇)", "(异地)", "(首次)", "(再次)")


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


def run(quick: bool = False) -> list[Row]:
    from deskclient.domain.search import CatalogIndex

    items = synth_items(N_ITEMS)
    t0 = time.perf_counter()
    index = CatalogIndex(items)
    build_s = time.perf_counter() - t0
    qs = queries(items)
    if quick:
        qs = qs[:20]
    for q in qs[:10]:  # warm caches (pinyin of the query, regexes) as a running desk would have
        index.search(q)
    samples: list[float] = []
    cpu: list[float] = []  # CPU time of this thread: what the search costs when nothing else runs
    for q in qs:
        for k in range(1, len(q) + 1):
            c = time.thread_time()
            t = time.perf_counter()
            index.search(q[:k])
            samples.append((time.perf_counter() - t) * 1000)
            cpu.append((time.thread_time() - c) * 1000)
    p99 = percentile(samples, 99)
    return [
        Row("catalog search per keystroke, p99 (2,000 items)", round(p99, 3), "ms",
            target=f"≤ {TARGET_MS:g} ms", passed=p99 <= TARGET_MS,
            note=f"{len(samples)} keystrokes, median {median(samples):.3f} ms, max {max(samples):.3f} ms; "
                 f"CPU-time p99 {percentile(cpu, 99):.3f} ms",
            details={"keystrokes": len(samples), "median_ms": median(samples), "max_ms": max(samples),
                     "cpu_p99_ms": percentile(cpu, 99)}),
        Row("catalog index build (2,000 items, once per catalog)", round(build_s * 1000, 1), "ms",
            note="reported only"),
    ]
