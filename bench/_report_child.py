"""Child of the report benchmark: one monthly report in a fresh interpreter; prints
``DONE <seconds> <peak RSS kB>``. ``python bench/_report_child.py sql|rows DATA_DIR``: ``sql`` is
the report as the desk builds it (counted in SQL), ``rows`` the old way (every case row of the month
loaded and counted in Python), kept as the same-run baseline."""

from __future__ import annotations

import sys
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    from bench._startup_child import peak_rss_kb
    from deskclient.domain.reports import Period, summarize
    from deskclient.services import reports as R
    from deskclient.settings import Paths
    from deskclient.store.db import make_engine

    how, data_dir = sys.argv[1], Path(sys.argv[2])
    engine = make_engine(Paths.resolve(data_dir, "demo").ledger_file)
    now = datetime(2026, 11, 24, 10, 0)
    t0 = time.perf_counter()
    if how == "sql":
        summary = R.build_summary(engine, "monthly", date(2026, 11, 24), now=now)
    else:
        period = Period.of("monthly", date(2026, 11, 24))
        cases, ratings, complaints = R.load_rows(engine, period)
        summary = summarize(period, cases, ratings, complaints, as_of=now)
    seconds = time.perf_counter() - t0
    print(f"DONE {seconds:.4f} {peak_rss_kb()} {summary.station.registered}", flush=True)


if __name__ == "__main__":
    main()
