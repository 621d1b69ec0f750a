"""Home screen query and render: 100,000 cases vs 100 cases, same window, same clerk, same day.

One refresh is what ``HomeScreen.load`` does: the first page of the desk queue (``page_cases``),
the due-date colouring (``due_states``), the total (``count_cases``), today's figures
(``today_counts``) and the outbox count, then the UI's own ``CaseTable.show`` plus one repaint,
in a headless 80×24 Textual app. Falls back to a Rich table if the UI modules are missing.

Fair baseline: 100 cases cannot fill a 50-row page for one window, and rendering 50 rows costs
more than rendering 9 whatever the ledger size. So the 100-case ledger is generated over the last
3 days (its window-1 desk page is as full as 100 cases allow) and the judged figure renders the
same number of rows on both sides (the 100,000-case page is cut to the small page's length). The
full 50-row page, as a clerk sees it, is reported on a second line without a target.
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
    time_calls,
)

LIMIT = 1.2


SMALL_DAYS_BACK = 3


def fetch(ctx: Any, window: str, clerk_id: str, limit: int | None = None) -> list[Any]:
    """Everything one home refresh reads; returns the lines to show (``limit`` rows at most)."""
    from deskclient.store.outbox import pending_count
    from deskclient.store.queries import CaseQuery, Scope, count_cases, page_cases, today_counts
    from deskclient.ui.screens.home import PENDING_CAP

    q = CaseQuery(window=window, clerk_id=clerk_id, today=BENCH_NOW.date(), scope=Scope.DESK)
    rows = page_cases(ctx.engine, q) if limit is None else page_cases(ctx.engine, q, limit=limit)
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
    pending_count(ctx.engine, cap=PENDING_CAP)
    return lines


def _rich_render(rows: list[Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("编号", "事项", "申请人", "状态", "期限", width=80)
    for r in rows:
        r = getattr(r, "row", r)
        table.add_row(r.case_no, r.item_name, r.applicant_name, r.status, str(r.due_date or ""))
    Console(file=StringIO(), width=80, color_system=None).print(table)


Side = tuple[Any, str, int | None]  # (context, window-1 clerk id, page limit)


async def _measure_ui(sides: list[Side], reps: int) -> list[list[float]]:
    """Seconds per refresh for each side, the sides interleaved in one app so drift hits all alike."""
    from textual.app import App, ComposeResult

    from deskclient.ui.widgets.case_table import CaseTable

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield CaseTable(id="queue")

    out: list[list[float]] = [[] for _ in sides]
    app = Host()
    async with app.run_test(headless=True, size=(80, 24)) as pilot:
        table = app.query_one(CaseTable)
        for i in range(reps + 3):
            for k, (ctx, clerk_id, limit) in enumerate(sides):
                t0 = time.perf_counter()
                table.show(fetch(ctx, "1", clerk_id, limit))
                await pilot.pause()  # the repaint
                if i >= 3:
                    out[k].append(time.perf_counter() - t0)
    return out


def _rich_times(sides: list[Side], reps: int) -> list[list[float]]:
    out: list[list[float]] = [[] for _ in sides]
    for _ in range(reps):
        for k, (ctx, clerk_id, limit) in enumerate(sides):
            t0 = time.perf_counter()
            _rich_render(fetch(ctx, "1", clerk_id, limit))
            out[k].append(time.perf_counter() - t0)
    return out


def _open(n: int, days_back: int | None = None) -> tuple[Any, str]:
    data_dir, _ = ensure_ledger(n, days_back=days_back)
    ctx = open_bench_context(data_dir)
    return ctx, next(c for c in ctx.people.clerks() if c.window == "1").id


def run(quick: bool = False) -> list[Row]:
    reps = 10 if quick else 40
    n = big_ledger(quick)
    small_ctx, small_clerk = _open(100, SMALL_DAYS_BACK)
    big_ctx, big_clerk = _open(n)
    try:
        page_small = len(fetch(small_ctx, "1", small_clerk))
        page_full = len(fetch(big_ctx, "1", big_clerk))
        sides: list[Side] = [(small_ctx, small_clerk, None), (big_ctx, big_clerk, page_small),
                             (big_ctx, big_clerk, None)]
        try:
            times = asyncio.run(_measure_ui(sides, reps))
            how = "CaseTable.show + repaint"
        except ImportError:
            times = _rich_times(sides, reps)
            how = "Rich table (UI not in this tree)"
        stages = {name: round(v, 2) for name, v in stage_times(big_ctx, big_clerk).items()}
        small_stages = {name: round(v, 2) for name, v in stage_times(small_ctx, small_clerk).items()}
    finally:
        small_ctx.close()
        big_ctx.close()
    small, big, full = (median(t) for t in times)
    return [
        ratio_row(f"home screen query + render, {n:,} cases (vs 100)", round(big * 1000, 3),
                  round(small * 1000, 3), "ms", LIMIT,
                  note=f"median of {reps}, sides interleaved; {page_small} rows rendered on both sides (all "
                       f"the 100-case ledger's desk page holds); desk scope, window 1; render: {how}; "
                       f"query stages ms {stages} vs {small_stages}",
                  stages_ms=stages, small_stages_ms=small_stages),
        Row(f"home screen query + render, {n:,} cases, full page", round(full * 1000, 3), "ms",
            round(small * 1000, 3), round(full / small, 2) if small else None, "reported",
            note=f"median of {reps}; {page_full} rows (vs {page_small}): what a clerk sees; the extra "
                 "rows are render cost, not ledger size"),
    ]


def stage_times(ctx: Any, clerk_id: str, reps: int = 15) -> dict[str, float]:
    """Median milliseconds of each query a home refresh makes (where the difference comes from)."""
    from deskclient.store.outbox import pending_count
    from deskclient.store.queries import CaseQuery, Scope, count_cases, page_cases, today_counts
    from deskclient.ui.screens.home import PENDING_CAP

    q = CaseQuery(window="1", clerk_id=clerk_id, today=BENCH_NOW.date(), scope=Scope.DESK)
    rows = page_cases(ctx.engine, q)
    stages: dict[str, Any] = {
        "page_cases": lambda: page_cases(ctx.engine, q),
        "count_cases": lambda: count_cases(ctx.engine, q),
        "today_counts": lambda: today_counts(ctx.engine, "1", q.today),
        "pending_count": lambda: pending_count(ctx.engine, cap=PENDING_CAP),
    }
    try:
        from deskclient.ui.clock_view import due_states
    except ImportError:
        pass
    else:
        stages["due_states"] = lambda: due_states(ctx, rows, q.today)
    return {name: median(time_calls(fn, reps)) * 1000 for name, fn in stages.items()}
