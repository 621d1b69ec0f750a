"""Home screen query and render: 100,000 cases vs 100 cases, same window, same clerk, same day.

One refresh is what ``HomeScreen.load`` does: the first page of the desk queue (``page_cases``),
the due-date colouring (``due_states``), the total (``count_cases``), today's figures
(``today_counts``) and the outbox count, then the UI's own ``CaseTable.show`` plus one repaint,
in a headless 80×24 Textual app. Falls back to a Rich table if the UI modules are missing.
"""

from __future__ import annotations

import asyncio
import time
from io import StringIO
from typing import Any

from bench.common import (
    BENCH_NOW,
    Row,
    big_ledger,
    ensure_ledger,
    median,
    open_bench_context,
    ratio_row,
)

LIMIT = 1.2


def fetch(ctx: Any, window: str, clerk_id: str) -> list[Any]:
    """Everything one home refresh reads; returns the lines to show."""
    from deskclient.store.outbox import pending_count
    from deskclient.store.queries import CaseQuery, Scope, count_cases, page_cases, today_counts

    q = CaseQuery(window=window, clerk_id=clerk_id, today=BENCH_NOW.date(), scope=Scope.DESK)
    rows = page_cases(ctx.engine, q)
    try:
        from deskclient.ui.clock_view import due_states
        from deskclient.ui.widgets.case_table import QueueLine
    except ImportError:
        lines: list[Any] = rows
    else:
        states = due_states(ctx, rows, q.today)
        lines = [QueueLine(r, states.get(r.id, ""), transferred_out=r.window != q.window) for r in rows]
    count_cases(ctx.engine, q)
    today_counts(ctx.engine, window, q.today)
    pending_count(ctx.engine)
    return lines


def _rich_render(rows: list[Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("编号", "事项", "申请人", "状态", "期限", width=80)
    for r in rows:
        r = getattr(r, "row", r)
        table.add_row(r.case_no, r.item_name, r.applicant_name, r.status, str(r.due_date or ""))
    Console(file=StringIO(), width=80, color_system=None).print(table)


async def _measure_ui(ctx: Any, clerk_id: str, reps: int) -> list[float]:
    from textual.app import App, ComposeResult

    from deskclient.ui.widgets.case_table import CaseTable

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield CaseTable(id="queue")

    out: list[float] = []
    app = Host()
    async with app.run_test(headless=True, size=(80, 24)) as pilot:
        table = app.query_one(CaseTable)
        for i in range(reps + 3):
            t0 = time.perf_counter()
            table.show(fetch(ctx, "1", clerk_id))
            await pilot.pause()  # the repaint
            if i >= 3:
                out.append(time.perf_counter() - t0)
    return out


def measure(n: int, reps: int) -> tuple[float, int, str]:
    data_dir, _ = ensure_ledger(n)
    ctx = open_bench_context(data_dir)
    try:
        clerk = next(c for c in ctx.people.clerks() if c.window == "1")
        page = len(fetch(ctx, "1", clerk.id))
        try:
            times = asyncio.run(_measure_ui(ctx, clerk.id, reps))
            how = "CaseTable.show + repaint"
        except ImportError:
            times = []
            for _ in range(reps):
                t0 = time.perf_counter()
                _rich_render(fetch(ctx, "1", clerk.id))
                times.append(time.perf_counter() - t0)
            how = "Rich table (UI not in this tree)"
    finally:
        ctx.close()
    return median(times), page, how


def run(quick: bool = False) -> list[Row]:
    reps = 10 if quick else 40
    small, page_small, how = measure(100, reps)
    n = big_ledger(quick)
    big, page_big, _ = measure(n, reps)
    return [ratio_row(f"home screen query + render, {n:,} cases (vs 100)", round(big * 1000, 3),
                      round(small * 1000, 3), "ms", LIMIT,
                      note=f"median of {reps}; page {page_big} rows (vs {page_small}); desk scope, window 1; "
                           f"render: {how}")]
