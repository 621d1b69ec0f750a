"""Home screen query and render: 100,000 cases vs 100 cases, same window, same clerk, same day.

What the home screen does on every refresh: the first page of the desk queue, its count, today's
figures, and the table lines. If the UI module exposes its row formatter it is used; otherwise a
Rich table of the same columns stands in for the render (its cost does not depend on the ledger).
"""

from __future__ import annotations

from io import StringIO
from typing import Any

from bench.common import BENCH_NOW, Row, big_ledger, ensure_ledger, median, open_bench_context, ratio_row, time_calls

LIMIT = 1.2


def _render(rows: list[Any]) -> str:
    """Lay the page out as table lines 80 columns wide (what the clerk sees)."""
    from rich.console import Console
    from rich.table import Table

    table = Table("编号", "事项", "申请人", "状态", "期限", width=80)
    for r in rows:
        table.add_row(r.case_no, r.item_name, r.applicant_name, r.status, str(r.due_date or ""))
    buf = StringIO()
    Console(file=buf, width=80, color_system=None, legacy_windows=False).print(table)
    return buf.getvalue()


def refresh_once(engine: Any, window: str, clerk_id: str) -> int:
    """Everything one home refresh reads and draws; returns the page length."""
    from deskclient.store.queries import CaseQuery, Scope, count_cases, page_cases, today_counts

    q = CaseQuery(window=window, clerk_id=clerk_id, today=BENCH_NOW.date(), scope=Scope.DESK)
    rows = page_cases(engine, q)
    count_cases(engine, q)
    today_counts(engine, window, BENCH_NOW.date())
    _render(rows)
    return len(rows)


def measure(n: int, reps: int) -> tuple[float, int]:
    data_dir, _ = ensure_ledger(n)
    ctx = open_bench_context(data_dir)
    try:
        clerk = next(c for c in ctx.people.clerks() if c.window == "1")
        page = refresh_once(ctx.engine, "1", clerk.id)
        times = time_calls(lambda: refresh_once(ctx.engine, "1", clerk.id), reps, warmup=3)
    finally:
        ctx.close()
    return median(times), page


def run(quick: bool = False) -> list[Row]:
    reps = 10 if quick else 50
    small, page_small = measure(100, reps)
    n = big_ledger(quick)
    big, page_big = measure(n, reps)
    return [ratio_row(f"home screen query + render, {n:,} cases (vs 100)", round(big * 1000, 3),
                      round(small * 1000, 3), "ms", LIMIT,
                      note=f"median of {reps}; page {page_big} rows (vs {page_small}); desk scope, window 1")]
