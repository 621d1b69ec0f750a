"""A period's figures counted in SQL on a sqlite3 connection, without SQLAlchemy: the one source of
the home screen's 今日 line, 收班's stored summary and every report (``services/reports.py`` runs these
same functions on a connection of its engine; the home screen on the light connection).

The cases' figures come grouped from ``store/report_queries.py``; ratings and complaints are small
tables read as rows; ``domain.reports.summarize_groups`` adds them up.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from deskclient.domain.reports import (
    ComplaintRow,
    Figures,
    GroupFigures,
    Period,
    PeriodKind,
    RatingRow,
    Summary,
    summarize_groups,
)
from deskclient.store.dbapi import parse_date, parse_dt, sql_dt
from deskclient.store.report_queries import case_groups

RATINGS = "SELECT window, clerk_id, level, at FROM rating WHERE at >= :s AND at < :e{w}"
COMPLAINTS = ("SELECT window, channel, received_at, due_date, answered_at FROM complaint "
              "WHERE received_at >= :s AND received_at < :e{w}")


def ratings_and_complaints(con: sqlite3.Connection, s: datetime, e: datetime, window: str | None
                           ) -> tuple[list[RatingRow], list[ComplaintRow]]:
    """The period's ratings and complaints (few rows: read whole), for both report paths."""
    params: dict[str, object] = {"s": sql_dt(s), "e": sql_dt(e)}
    w = ""
    if window is not None:
        params["w"] = window
        w = " AND window = :w"
    ratings = [RatingRow(r[0], r[1], r[2], parse_dt(r[3])) for r in con.execute(RATINGS.format(w=w), params)]  # type: ignore[arg-type]
    complaints = [ComplaintRow(r[0], r[1], parse_dt(r[2]), parse_date(r[3]), parse_dt(r[4]))  # type: ignore[arg-type]
                  for r in con.execute(COMPLAINTS.format(w=w), params)]
    return ratings, complaints


def load_groups(con: sqlite3.Connection, period: Period, window: str | None = None
                ) -> tuple[list[GroupFigures], list[RatingRow], list[ComplaintRow]]:
    """The cases' figures counted in SQL per (window, clerk, day), plus the period's ratings and
    complaints (small tables, read as rows)."""
    s, e = period.start_at, period.end_before
    out: list[GroupFigures] = []
    for what, win, clerk, day, v in case_groups(con, s, e, window):
        if what == "registered":
            f = Figures(registered=v[1], by_class={str(v[0]): v[1]}, answered=v[2])
        elif what == "accepted":
            f = Figures(accepted=v[0])
        elif what == "returned":
            f = Figures(returned=v[0])
        else:
            f = Figures(completed=v[0], promised_completed=v[1], promised_on_time=v[2], immediate_done=v[3],
                        immediate_seconds=v[4], immediate_max_seconds=v[5], immediate_within_limit=v[6])
        out.append(GroupFigures(win, clerk, day, f))
    ratings, complaints = ratings_and_complaints(con, s, e, window)
    return out, ratings, complaints


def build_summary(con: sqlite3.Connection, kind: PeriodKind | str, day: date, *, window: str | None = None,
                  now: datetime | None = None) -> Summary:
    """The summary of the day, week or month that contains ``day``: counted in SQL (flat memory
    and seconds at 1,000,000 cases), assembled by the domain."""
    period = Period.of(kind, day)
    groups, ratings, complaints = load_groups(con, period, window)
    as_of = min(now, period.end_before) if now is not None else None
    return summarize_groups(period, groups, ratings, complaints, as_of=as_of, window=window)


def day_figures(con: sqlite3.Connection, day: date, window: str | None = None, *,
                now: datetime | None = None) -> Figures:
    """The one source of a day's figures: home's 今日 line, 收班's stored summary and the F12 daily report
    of the same day and window all come from here, so they cannot disagree."""
    return build_summary(con, PeriodKind.DAY, day, window=window, now=now).station
