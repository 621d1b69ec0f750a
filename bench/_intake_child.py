"""Child of the intake benchmark, run under ``strace``: set up a demo desk, touch a marker path (so
the parent can find where the timed part starts in the trace), then do ``N`` confirmed intakes
(``bench.common.confirmed_intake``) or ``N`` bare INSERT+COMMITs. ``python bench/_intake_child.py
intake|draft|bare DIR N``."""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
MARK = "/nonexistent-bench-intake-mark"
MARK_END = "/nonexistent-bench-intake-end"  # drafts: where the counted stretch ends


def main() -> None:
    kind, folder, n = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    if kind == "bare":
        from bench.bench_intake import bare_connection

        con = bare_connection(folder)
        os.access(MARK, os.F_OK)
        for i in range(n):
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO t VALUES (?, ?, ?)", (f"s{i}", "2026-11-24T10:00:00", '{"k": "v"}'))
            con.execute("COMMIT")
        con.close()
        return
    from bench.common import confirmed_intake, demo_clerk_and_item, open_bench_context
    from deskclient.services.demo import ensure_demo_station, make_id_number, make_name, make_phone

    ctx = open_bench_context(folder / "desk")
    ensure_demo_station(ctx)
    clerk_id, item = demo_clerk_and_item(ctx)
    if kind == "draft":  # the intake screen's autosave on each pause in typing
        ctx.intake.save_draft("bench-draft", clerk_id, {"a-name": "张"})
        os.access(MARK, os.F_OK)
        for i in range(n):
            ctx.intake.save_draft("bench-draft", clerk_id, {"a-name": "张" + "三" * (i % 3), "step": i})
        # closing the ledger checkpoints the WAL (fsyncs once per desk session, not per draft): not counted
        os.access(MARK_END, os.F_OK)
        ctx.close()
        return
    _ = ctx.calendar, ctx.cases
    rng = random.Random(3)
    confirmed_intake(ctx, clerk_id, item, item.window or "1", make_name(rng), make_id_number(rng), make_phone(rng))
    os.access(MARK, os.F_OK)
    for _ in range(n):
        confirmed_intake(ctx, clerk_id, item, item.window or "1", make_name(rng), make_id_number(rng),
                         make_phone(rng))
    ctx.close()


if __name__ == "__main__":
    main()
