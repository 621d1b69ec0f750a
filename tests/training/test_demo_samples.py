"""The demo station carries ratings (one bad, with its follow-up), a complaint and a 复核 request made
through the real services, so the head's desk can be demonstrated."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from deskclient.domain.clock import FixedClock
from deskclient.services.context import open_context
from deskclient.services.demo import add_follow_up_samples, ensure_demo_station, generate_cases
from deskclient.settings import Mode, Paths


def test_demo_has_what_the_heads_desk_shows(tmp_path: Path) -> None:
    ctx = open_context(Paths.resolve(tmp_path, Mode.DEMO), clock=FixedClock(datetime(2026, 11, 24, 9, 0)))
    try:
        ensure_demo_station(ctx)
        generate_cases(ctx, 300)
        assert add_follow_up_samples(ctx) == 5
        with ctx.ledger.read() as s:
            conn = s.connection()
            types = [r[0] for r in conn.exec_driver_sql("SELECT type FROM event WHERE seq > 0")]
            levels = [r[0] for r in conn.exec_driver_sql("SELECT level FROM rating")]
            reviews = conn.exec_driver_sql("SELECT COUNT(*) FROM review").scalar()
            complaints = conn.exec_driver_sql("SELECT COUNT(*) FROM complaint").scalar()
        assert sorted(levels) == ["satisfied", "unsatisfied", "very_satisfied"]
        assert types.count("case.rated") == 3 and "followup.opened" in types
        assert reviews == 1 and complaints == 1
    finally:
        ctx.close()
