"""Queries behind the office's web pages, over the read models ``central/project.py`` keeps.

Every page query is an indexed lookup or a grouped count over the (small) set of open cases; none
reads ``central_event`` except a case's own timeline (index ``(station, case_id)``) and the refused
records (a partial index on rejected rows). The monthly assessment reuses the desk's own report rule
(``domain.reports.summarize``) on the month's projected cases, ratings and complaints.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, case, func, or_, select

from deskclient.central.admin import latest_publication, latest_version
from deskclient.central.db import (
    cases,
    clerks,
    complaints,
    events,
    followups,
    ratings,
    station_reports,
    stations,
    windows,
)
from deskclient.domain.calendar import WorkCalendar, parse_schedule
from deskclient.domain.reports import (
    BAD_RATING_LEVELS,
    CaseRow,
    ComplaintRow,
    Period,
    PeriodKind,
    RatingRow,
    summarize,
)

SOON_WORKING_DAYS = 2
CALENDAR_TTL_S = 60.0
_calendar_cache: dict[str, tuple[float, Any, WorkCalendar]] = {}


def office_calendar(engine: Engine) -> WorkCalendar:
    """The shipped schedules overlaid with the latest published ones.

    Kept for a minute per process (a published schedule reaches every copy of the office within
    ``CALENDAR_TTL_S``), then rebuilt only if the published version changed.
    """
    from deskclient.services.holidays import load_calendar

    now = time.monotonic()
    hit = _calendar_cache.get("cal")
    if hit is not None and hit[0] > now:
        return hit[2]
    latest = latest_version(engine, "holidays")
    if hit is not None and hit[1] == latest:
        _calendar_cache["cal"] = (now + CALENDAR_TTL_S, latest, hit[2])
        return hit[2]
    shipped, _warnings = load_calendar()
    schedules = {s.year: s for s in shipped.schedules}
    pub = latest_publication(engine, "holidays") if latest else None
    for name, text_ in sorted((pub.files if pub else {}).items()):
        if name.endswith(".toml"):
            try:
                sched = parse_schedule(text_, name)
            except Exception:  # validated when published; never break a page on it
                continue
            schedules[sched.year] = sched
    calendar = WorkCalendar(schedules.values())
    _calendar_cache["cal"] = (now + CALENDAR_TTL_S, latest, calendar)
    return calendar


def soon_until(engine: Engine, today: date) -> date:
    return office_calendar(engine).add_working_days(today, SOON_WORKING_DAYS).date


@dataclass
class StationLine:
    code: str
    name: str
    last_contact: datetime | None
    held: int
    backlog: int | None = None
    app_version: str | None = None
    schema_version: str | None = None
    catalog_version: int | None = None
    holidays_version: int | None = None
    reported_at: datetime | None = None
    revoked: bool = False
    open: int = 0
    soon: int = 0
    overdue: int = 0
    refused: int = 0
    silent: bool = False


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _case_counts(today: date, soon: date) -> list[Any]:
    return [func.count().label("open"),
            func.sum(case((and_(cases.c.due_date >= today, cases.c.due_date <= soon), 1), else_=0)).label("soon"),
            func.sum(case((cases.c.due_date < today, 1), else_=0)).label("overdue")]


def stations_overview(engine: Engine, today: date, now: datetime, silent_hours: float,
                      only: str | None = None) -> list[StationLine]:
    """Every station (or one) with contact, its last report, and its open / due-soon / overdue cases."""
    soon = soon_until(engine, today)
    st = (select(stations.c.code, stations.c.name, stations.c.last_contact, stations.c.contiguous,
                 station_reports.c.backlog, station_reports.c.app_version, station_reports.c.schema_version,
                 station_reports.c.catalog_version, station_reports.c.holidays_version,
                 station_reports.c.reported_at, station_reports.c.revoked_at)
          .select_from(stations.outerjoin(station_reports, station_reports.c.code == stations.c.code))
          .order_by(stations.c.code))
    counts = select(cases.c.station, *_case_counts(today, soon)).where(cases.c.is_open).group_by(cases.c.station)
    refused = (select(events.c.station, func.count().label("n")).where(events.c.rejected_reason.is_not(None))
               .group_by(events.c.station))
    if only is not None:
        st = st.where(stations.c.code == only)
        counts = counts.where(cases.c.station == only)
        refused = refused.where(events.c.station == only)
    with engine.connect() as conn:
        rows = conn.execute(st).all()
        per = {r.station: r for r in conn.execute(counts)}
        bad = {r.station: int(r.n) for r in conn.execute(refused)}
    out = []
    limit = timedelta(hours=silent_hours)
    for r in rows:
        line = StationLine(r.code, r.name, _aware(r.last_contact), int(r.contiguous), r.backlog, r.app_version,
                           r.schema_version, r.catalog_version, r.holidays_version, _aware(r.reported_at),
                           r.revoked_at is not None)
        c = per.get(r.code)
        if c is not None:
            line.open, line.soon, line.overdue = int(c.open), int(c.soon or 0), int(c.overdue or 0)
        line.refused = bad.get(r.code, 0)
        line.silent = not line.revoked and (line.last_contact is None or now - line.last_contact > limit)
        out.append(line)
    return out


def window_counts(engine: Engine, station: str, today: date) -> list[dict[str, Any]]:
    """Open / due-soon / overdue per window of one station, with the window's name and department."""
    soon = soon_until(engine, today)
    stmt = (select(cases.c.window, *_case_counts(today, soon)).where(cases.c.station == station, cases.c.is_open)
            .group_by(cases.c.window).order_by(cases.c.window))
    with engine.connect() as conn:
        names = {r.number: r for r in conn.execute(select(windows).where(windows.c.station == station))}
        rows = conn.execute(stmt).all()
    return [{"window": r.window, "name": names[r.window].name if r.window in names else "",
             "department": names[r.window].department if r.window in names else "",
             "open": int(r.open), "soon": int(r.soon or 0), "overdue": int(r.overdue or 0)} for r in rows]


@dataclass
class CaseFilter:
    station: str | None = None
    window: str | None = None
    state: str = "open"  # open | soon | overdue
    item: str | None = None
    department: str | None = None
    limit: int = 200


def case_list(engine: Engine, f: CaseFilter, today: date) -> list[dict[str, Any]]:
    """Open cases across the county (newest due first among the overdue), filtered; at most ``limit``."""
    conds: list[ColumnElement[bool]] = [cases.c.is_open]
    if f.state == "overdue":
        conds.append(cases.c.due_date < today)
    elif f.state == "soon":
        conds += [cases.c.due_date >= today, cases.c.due_date <= soon_until(engine, today)]
    for col, value in ((cases.c.station, f.station), (cases.c.window, f.window), (cases.c.item_code, f.item),
                       (cases.c.department, f.department)):
        if value:
            conds.append(col == value)
    stmt = (select(cases.c.station, cases.c.case_id, cases.c.case_no, cases.c.window, cases.c.department,
                   cases.c.item_code, cases.c.item_name, cases.c.case_class, cases.c.status, cases.c.created_at,
                   cases.c.due_date)
            .where(*conds).order_by(cases.c.due_date.asc().nulls_last(), cases.c.station, cases.c.case_no)
            .limit(f.limit))
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


def filter_choices(engine: Engine) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """Stations, items ``(code, name)`` of open cases, and the windows' departments (filter menus)."""
    with engine.connect() as conn:
        codes = list(conn.execute(select(stations.c.code).order_by(stations.c.code)).scalars())
        items = conn.execute(select(cases.c.item_code, cases.c.item_name).where(cases.c.is_open)
                             .distinct().order_by(cases.c.item_code)).all()
        depts = conn.execute(select(windows.c.department).where(windows.c.department != "")
                             .distinct().order_by(windows.c.department)).scalars().all()
    seen: dict[str, str] = {}
    for code, name in items:
        if code:
            seen.setdefault(code, name or "")
    return codes, list(seen.items()), list(depts)


_SAFE_KEYS = ("case_no", "window", "item_code", "item_name", "case_class", "applicant_id_masked",
              "applicant_phone_masked", "acceptance_date", "promised_days", "due_date", "days", "reason",
              "reasons", "delivery", "on_time", "level", "channel", "received_on", "from_window", "to_window",
              "decision", "visit_due", "outcome", "missing", "still_missing", "note", "kind")


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳小明 -> 欧***: the office shows no full names."""
    name = name.strip()
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def case_detail(engine: Engine, station: str, case_id: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The projected case and its timeline; payloads reduced to masked, known fields."""
    with engine.connect() as conn:
        row = conn.execute(select(cases).where(cases.c.station == station, cases.c.case_id == case_id)).first()
        evs = conn.execute(select(events.c.seq, events.c.at, events.c.type, events.c.clerk_id, events.c.payload,
                                  events.c.rejected_reason)
                           .where(events.c.station == station, events.c.case_id == case_id)
                           .order_by(events.c.seq)).all()
        names = {r.clerk_id: r.name for r in conn.execute(select(clerks.c.clerk_id, clerks.c.name)
                                                         .where(clerks.c.station == station))}
    detail = dict(row._mapping) if row is not None else None
    timeline = []
    applicant = ""
    for e in evs:
        payload = json.loads(e.payload) if e.payload else {}
        if e.type == "case.registered":
            applicant = mask_name(str(payload.get("applicant_name") or ""))
            if detail is not None:
                detail["applicant_id_masked"] = payload.get("applicant_id_masked") or ""
        shown = {k: payload[k] for k in _SAFE_KEYS if k in payload and payload[k] not in (None, "", [], {})}
        timeline.append({"seq": e.seq, "at": e.at, "type": e.type, "clerk": names.get(e.clerk_id or "", ""),
                         "fields": shown, "refused": e.rejected_reason})
    if detail is not None:
        detail["applicant"] = applicant
    return detail, timeline


def refused_records(engine: Engine, station: str | None = None, limit: int = 300) -> list[dict[str, Any]]:
    stmt = (select(events.c.station, events.c.seq, events.c.claimed_id, events.c.case_id, events.c.rejected_reason,
                   events.c.received_at, cases.c.case_no)
            .select_from(events.outerjoin(cases, and_(cases.c.station == events.c.station,
                                                      cases.c.case_id == events.c.case_id)))
            .where(events.c.rejected_reason.is_not(None)).order_by(events.c.station, events.c.seq.desc()).limit(limit))
    if station:
        stmt = stmt.where(events.c.station == station)
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


# --------------------------------------------------------------------------------------------------
# Ratings, follow-ups, complaints
# --------------------------------------------------------------------------------------------------


def rating_levels(engine: Engine, start: date, end: date) -> list[dict[str, Any]]:
    """Count per station, window and level in ``[start, end]``."""
    stmt = (select(ratings.c.station, ratings.c.window, ratings.c.level, func.count().label("n"))
            .where(ratings.c.at >= datetime.combine(start, datetime.min.time()),
                   ratings.c.at < datetime.combine(end + timedelta(days=1), datetime.min.time()))
            .group_by(ratings.c.station, ratings.c.window, ratings.c.level))
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    with engine.connect() as conn:
        for r in conn.execute(stmt):
            g = grouped.setdefault((r.station, r.window), {"station": r.station, "window": r.window, "levels": {}})
            g["levels"][r.level] = int(r.n)
    out = []
    for key in sorted(grouped):
        g = grouped[key]
        total = sum(g["levels"].values())
        bad = sum(v for k, v in g["levels"].items() if k in BAD_RATING_LEVELS)
        g["total"], g["bad"] = total, bad
        g["satisfaction"] = None if total == 0 else (total - bad) / total
        out.append(g)
    return out


def _with_case_no(engine: Engine, table: Any, done: Any, limit: int) -> list[dict[str, Any]]:
    """The rows of a follow-up table with their case's number, open ones (``done`` NULL) first by
    due date."""
    stmt = (select(table, cases.c.case_no)
            .select_from(table.outerjoin(cases, and_(cases.c.station == table.c.station,
                                                     cases.c.case_id == table.c.case_id)))
            .order_by(done.is_not(None), table.c.due_date).limit(limit))
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


def open_followups(engine: Engine, today: date, limit: int = 300) -> list[dict[str, Any]]:
    """Bad-rating follow-ups and routed matters, open ones first by their rectification deadline."""
    rows = _with_case_no(engine, followups, followups.c.closed_on, limit)
    for r in rows:
        r["state"] = ("closed" if r["closed_on"] else "overdue" if r["due_date"] and r["due_date"] < today
                      else "visited" if r["visited_on"] else "open")
    return rows


def complaint_list(engine: Engine, today: date, limit: int = 300) -> list[dict[str, Any]]:
    rows = _with_case_no(engine, complaints, complaints.c.answered_at, limit)
    for r in rows:
        r["state"] = ("answered" if r["answered_at"] else "overdue" if r["due_date"] and r["due_date"] < today
                      else "open")
    return rows


# --------------------------------------------------------------------------------------------------
# The monthly assessment
# --------------------------------------------------------------------------------------------------


@dataclass
class AssessmentLine:
    station: str
    level: str  # station | window | clerk
    key: str
    label: str
    figures: dict[str, Any] = field(default_factory=dict)


def assessment(engine: Engine, month: date, as_of: datetime) -> list[AssessmentLine]:
    """Per station, window and clerk: the desk's monthly figures (same rule as the desk's report)."""
    period = Period.of(PeriodKind.MONTH, month)
    start, end = period.start_at, period.end_before
    in_month = or_(and_(cases.c.created_at >= start, cases.c.created_at < end),
                   and_(cases.c.completed_at >= start, cases.c.completed_at < end),
                   and_(cases.c.accepted_at >= start, cases.c.accepted_at < end),
                   and_(cases.c.returned_at >= start, cases.c.returned_at < end))
    per_station: dict[str, tuple[list[CaseRow], list[RatingRow], list[ComplaintRow]]] = {}
    with engine.connect() as conn:
        for r in conn.execute(select(cases).where(in_month, cases.c.created_at.is_not(None))):
            per_station.setdefault(r.station, ([], [], []))[0].append(CaseRow(
                r.case_id, r.window, r.clerk_id, r.case_class, r.item_class, r.status, r.created_at,
                r.accepted_at, r.completed_at, r.returned_at, r.due_date))
        for r in conn.execute(select(ratings).where(ratings.c.at >= start, ratings.c.at < end)):
            per_station.setdefault(r.station, ([], [], []))[1].append(RatingRow(r.window, r.clerk_id, r.level, r.at))
        for r in conn.execute(select(complaints).where(complaints.c.received_at >= start,
                                                       complaints.c.received_at < end,
                                                       complaints.c.due_date.is_not(None))):
            per_station.setdefault(r.station, ([], [], []))[2].append(ComplaintRow(
                r.window, r.channel, r.received_at, r.due_date, r.answered_at))
        clerk_names = {(r.station, r.clerk_id): r.name for r in conn.execute(select(clerks))}
        station_names = {r.code: r.name for r in conn.execute(select(stations.c.code, stations.c.name))}
    out: list[AssessmentLine] = []
    for code in sorted(per_station):
        c, rt, cp = per_station[code]
        s = summarize(period, c, rt, cp, as_of=as_of.replace(tzinfo=None))
        out.append(AssessmentLine(code, "station", code, station_names.get(code, code), s.station.to_dict()))
        for w, figs in sorted(s.windows.items()):
            out.append(AssessmentLine(code, "window", w, w, figs.to_dict()))
        for cid, figs in sorted(s.clerks.items(), key=lambda kv: clerk_names.get((code, kv[0]), kv[0])):
            out.append(AssessmentLine(code, "clerk", cid, clerk_names.get((code, cid), cid[:8]), figs.to_dict()))
    return out
