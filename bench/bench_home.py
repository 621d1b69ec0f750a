"""Home screen refresh at 1,000 / 10,000 / 100,000 / 1,000,000 cases, clerk and head, each vs 1,000.

One refresh is what ``HomeScreen`` does when it shows: the first page of the desk queue
(``page_cases``), the due-date colouring (``due_states``), the total (``count_cases``), today's
figures (``today_counts``), the outbox count (capped), **and its reminders worker**: the reminders
line (``reminder_line`` — the head's covers every window) and the window's pause, then
``CaseTable.show`` plus the reminders line and one repaint in a headless 80×24 Textual app. Every
ledger's refreshes are **interleaved** in one app (round-robin), so drift hits all sides alike.

Fair baseline: the judged line renders the same number of rows on every side (the 1,000-case
ledger's page length), so the ratio is the ledger's size, not the page's. Ledgers are generated
once and cached (``bench/common.py``); the 1,000,000-case one takes minutes the first time.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench.common import BENCH_NOW, Row, ensure_ledger, median, open_bench_context, ratio_row, time_calls

LIMIT = 1.2
SIZES = (1_000, 10_000, 100_000, 1_000_000)
QUICK_SIZES = (1_000, 2_000)
ROLES = ("clerk", "head")


def _reminders(ctx: Any, clerk: Any) -> Any:
    """The reminders worker as the home screen runs it: the line, and the window's pause (clerks)."""
    line = ctx.queue.reminder_line(clerk.window or None)
    if clerk.window:
        ctx.queue.current_pause(clerk.window)
    return line


def fetch(ctx: Any, clerk: Any, limit: int | None = None) -> tuple[list[Any], Any]:
    """Everything one home refresh reads (``HomeScreen.load`` and ``check_clocks``): (queue lines,
    ``limit`` at most; the reminders line)."""
    from deskclient.store.queries import CaseQuery, Scope
    from deskclient.ui.clock_view import due_states
    from deskclient.ui.widgets.case_table import QueueLine

    window = clerk.window or "1"
    q = CaseQuery(window=window, clerk_id=clerk.id, today=BENCH_NOW.date(), scope=Scope.DESK)
    page = ctx.queue.page(q)
    rows = page.rows if limit is None else page.rows[:limit]
    states = due_states(ctx, rows, q.today)
    lines = [QueueLine(r, states.get(r.id, ""), transferred_out=r.window != q.window) for r in rows]
    return lines, _reminders(ctx, clerk)


Side = tuple[str, int, Any, Any]  # (role, size, context, clerk)


async def _measure(sides: list[Side], limit: int, reps: int) -> list[list[float]]:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    from deskclient.ui.screens.home import reminder_text
    from deskclient.ui.widgets.case_table import CaseTable

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("", id="reminders")
            yield CaseTable(id="queue")

    out: list[list[float]] = [[] for _ in sides]
    app = Host()
    async with app.run_test(headless=True, size=(80, 24)) as pilot:
        table = app.query_one(CaseTable)
        line = app.query_one("#reminders", Static)
        for i in range(reps + 2):
            for k, (_role, _n, ctx, clerk) in enumerate(sides):
                t0 = time.perf_counter()
                lines, reminders = fetch(ctx, clerk, limit)
                table.show(lines)
                line.update(reminder_text(reminders))
                await pilot.pause()  # the repaint
                if i >= 2:
                    out[k].append(time.perf_counter() - t0)
    return out


def _clerks(ctx: Any) -> dict[str, Any]:
    people = ctx.people.clerks()
    clerk = next(c for c in people if c.window == "1")
    head = next(c for c in people if not c.window)
    return {"clerk": clerk, "head": head}


def stage_times(ctx: Any, clerk: Any, reps: int = 5) -> dict[str, float]:
    """Median ms of each read of one refresh (where a difference comes from)."""
    from deskclient.services.queue import PENDING_CAP
    from deskclient.store.outbox import pending_count
    from deskclient.store.queries import CaseQuery, Scope, count_cases, page_cases, today_counts
    from deskclient.ui.clock_view import due_states

    window = clerk.window or "1"
    q = CaseQuery(window=window, clerk_id=clerk.id, today=BENCH_NOW.date(), scope=Scope.DESK)
    rows = page_cases(ctx.engine, q)
    stages: dict[str, Any] = {
        "page": lambda: page_cases(ctx.engine, q), "due_states": lambda: due_states(ctx, rows, q.today),
        "count": lambda: count_cases(ctx.engine, q), "today": lambda: today_counts(ctx.engine, window, q.today),
        "outbox": lambda: pending_count(ctx.engine, cap=PENDING_CAP),
        "reminders": lambda: _reminders(ctx, clerk),
    }
    return {name: round(median(time_calls(fn, reps)) * 1000, 2) for name, fn in stages.items()}


def run(quick: bool = False) -> list[Row]:
    reps = 5 if quick else 15
    sizes = QUICK_SIZES if quick else SIZES
    contexts: dict[int, Any] = {}
    gen_notes: list[str] = []
    try:
        for n in sizes:
            data_dir, gen_s = ensure_ledger(n)
            if gen_s:
                gen_notes.append(f"{n:,} generated in {gen_s:.0f} s")
            contexts[n] = open_bench_context(data_dir)
        sides: list[Side] = []
        for role in ROLES:
            for n in sizes:
                sides.append((role, n, contexts[n], _clerks(contexts[n])[role]))
        base_ctx = contexts[sizes[0]]
        limit = min(len(fetch(base_ctx, _clerks(base_ctx)[r])[0]) for r in ROLES)
        times = asyncio.run(_measure(sides, limit, reps))
        stages = {(role, n): stage_times(ctx, clerk) for role, n, ctx, clerk in sides}
    finally:
        for ctx in contexts.values():
            ctx.close()
    rows: list[Row] = []
    for role in ROLES:
        base_k = next(k for k, s in enumerate(sides) if s[0] == role and s[1] == sizes[0])
        base = median(times[base_k])
        for k, (r, n, _ctx, _clerk) in enumerate(sides):
            if r != role or n == sizes[0]:
                continue
            value = median(times[k])
            rows.append(ratio_row(
                f"home incl. reminders, {role}, {n:,} cases (vs {sizes[0]:,})", round(value * 1000, 2),
                round(base * 1000, 2), "ms", LIMIT,
                note=f"median of {reps}, every ledger interleaved; {limit} rows rendered on every side; stages ms "
                     f"{stages[(role, n)]} vs {stages[(role, sizes[0])]}"
                     + (f"; {'; '.join(gen_notes)}" if gen_notes and n == sizes[-1] else ""),
                stages_ms=stages[(role, n)]))
    return rows
