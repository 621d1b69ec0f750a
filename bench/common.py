"""Shared pieces of the benchmarks: result rows, timing statistics, the cached 100k-case ledger.

Every figure is compared with a baseline measured in the same run (these machines are noisy), so a
row carries both numbers and their ratio. Ledgers are generated once into ``bench/.cache`` (or
``$DESKCLIENT_BENCH_CACHE``) and reused, keyed by case count and schema revision.
"""

from __future__ import annotations

import math
import os
import shutil
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_NOW = datetime(2026, 11, 24, 10, 0)  # every ledger and every run sees the same "today"
CACHE_VERSION = "1"
BIG_LEDGER = 100_000
QUICK_LEDGER = 2_000  # --quick: a smoke run must not spend a minute generating 100,000 cases


def big_ledger(quick: bool) -> int:
    return QUICK_LEDGER if quick else BIG_LEDGER  # bump when the generated ledger's shape must change


@dataclass
class Row:
    """One line of the table (and of the JSON)."""

    figure: str
    value: float | None
    unit: str
    baseline: float | None = None
    ratio: float | None = None
    target: str = ""
    passed: bool | None = None  # None: no target (reported only) or not measured
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def ratio_row(figure: str, value: float, baseline: float, unit: str, limit: float, note: str = "",
              **details: Any) -> Row:
    """A figure judged by its ratio to the same-run baseline (``value / baseline <= limit``)."""
    r = value / baseline if baseline > 0 else math.inf
    return Row(figure, value, unit, baseline, r, f"≤ {limit:g}×", r <= limit, note, dict(details))


def skipped(figure: str, reason: str, target: str = "") -> Row:
    """A figure that could not be measured in this tree (the thing it measures has not landed)."""
    return Row(figure, None, "", target=target, note=f"not measured: {reason}")


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: p99 of 1,000 samples is the 990th value)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def time_calls(fn: Callable[[], Any], repeat: int, warmup: int = 1) -> list[float]:
    """Seconds per call, ``repeat`` times after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    out: list[float] = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def cache_root() -> Path:
    root = Path(os.environ.get("DESKCLIENT_BENCH_CACHE", ROOT / "bench" / ".cache"))
    root.mkdir(parents=True, exist_ok=True)
    return root


def shipped_catalog() -> Any:
    """The shipped sample catalog, parsed with the domain builder (no station overrides)."""
    from deskclient.domain.catalog_parse import build_catalog
    from deskclient.resources import data_path

    folder = Path(data_path("catalog"))
    files = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.toml"))]
    catalog, _problems = build_catalog(files)
    return catalog


def open_bench_context(data_dir: Path, mode: str = "demo") -> Any:
    """A DeskContext on ``data_dir`` with the fixed bench clock (catalog falls back if needed)."""
    from deskclient.domain.clock import FixedClock
    from deskclient.services.context import open_context
    from deskclient.settings import Paths

    ctx = open_context(Paths.resolve(data_dir, mode), clock=FixedClock(BENCH_NOW))
    try:
        _ = ctx.catalog
    except ImportError:  # services/catalog_files.py not in this tree yet
        ctx.__dict__["catalog_load"] = SimpleNamespace(catalog=shipped_catalog(), problems=[])
    return ctx


def ensure_ledger(n: int, *, mode: str = "demo", days_back: int | None = None) -> tuple[Path, float | None]:
    """A data dir holding the demo station and ``n`` generated cases; generated once, then reused.

    ``days_back`` (default: the generator's 120 days) spreads the cases' creation dates; a small
    value makes a small ledger's desk page as full as its cases allow. Returns the data dir (pass it
    to ``Paths.resolve(dir, mode)``) and the generation time in seconds (None when cached).
    """
    from deskclient.services.demo import ensure_demo_station, generate_cases
    from deskclient.store.db import head_revision

    key = f"{n}" if days_back is None else f"{n}d{days_back}"
    base = cache_root() / f"ledger-{key}-{head_revision()}-v{CACHE_VERSION}"
    done = base / ".complete"
    if done.exists():
        return base, None
    if base.exists():
        shutil.rmtree(base)
    if _upgrade_older(key, base, mode):
        return base, None
    ctx = open_bench_context(base, mode)
    try:
        ensure_demo_station(ctx)
        extra = {} if days_back is None else {"days_back": days_back}
        seconds = generate_cases(ctx, n, **extra) if n else 0.0
    finally:
        ctx.close()
    done.write_text(f"{n} cases in {seconds:.1f}s\n", encoding="utf-8")
    return base, seconds


def _upgrade_older(key: str, base: Path, mode: str) -> bool:
    """Reuse a cached ledger of an older schema revision: move it and let ``open_ledger`` migrate it
    (a few seconds for index changes, against a minute to generate 100,000 cases again)."""
    older = sorted(d for d in cache_root().glob(f"ledger-{key}-*-v{CACHE_VERSION}") if (d / ".complete").exists())
    if not older:
        return False
    src = older[-1]
    note = (src / ".complete").read_text(encoding="utf-8")
    (src / ".complete").unlink()
    src.rename(base)
    ctx = open_bench_context(base, mode)  # runs the pending migrations
    ctx.close()
    for bak in base.rglob("*.bak"):  # the migration's safety copy: not needed for a generated ledger
        bak.unlink()
    (base / ".complete").write_text(note.strip() + f"; migrated from {src.name}\n", encoding="utf-8")
    return True


def demo_clerk_and_item(ctx: Any, window: str = "1") -> tuple[str, Any]:
    """A window-``window`` clerk id and a catalog item with materials, for a confirmed intake."""
    clerk = next(c for c in ctx.people.clerks() if c.window == window)
    items = [it for it in ctx.catalog if it.materials]
    item = next((it for it in items if it.window == window and not it.is_immediate), items[0])
    return clerk.id, item


def confirmed_intake(ctx: Any, clerk_id: str, item: Any, window: str, name: str, id_no: str,
                     phone: str) -> Any:
    """Register a matter and accept it with every material received: the counter's common path."""
    from deskclient.domain.cases import MaterialState, Outcome
    from deskclient.services.cases import CheckInput, Intake, PersonInput

    case = ctx.cases.register(Intake(window=window, item=item, applicant=PersonInput(name, id_no, phone)),
                              clerk_id)
    checks = [CheckInput(i, MaterialState.RECEIVED) for i in range(len(item.materials))]
    return ctx.cases.confirm_outcome(case.id, clerk_id, checks, Outcome.ACCEPT)
