"""The ledger's figures: count one period in SQL (``store/report_queries.py``), summarise, export.

``load_rows`` (every case row of the period, for ``domain.reports.summarize``) is kept for
callers that need rows; the report itself never loads them.

Loading never reads the whole ledger: the cases come from range queries on their timestamps
(``created_at`` uses ``ix_case_created``; the others are separate SELECTs in a UNION so each can
use its own index); returned cases and their return time come from ``case.returned_at`` (set with the
``case.returned`` event, migration 0013) through the partial index ``ix_case_returned``. Ratings and complaints are small tables.

Exports: a rich table (CJK-width aware, for the screen and the terminal), CSV for WPS and Excel as
used in Chinese offices (UTF-8 **with BOM** by default: without the BOM, Excel on a Chinese Windows
reads a CSV as GBK and shows mojibake; GB18030 is offered for very old software) and JSON.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, and_, case, select, union

from deskclient.domain.cases import IMMEDIATE_LIMIT_MINUTES, CaseClass, CaseStatus
from deskclient.domain.clock import Clock
from deskclient.domain.reports import (
    COMPLAINT_CHANNELS,
    RATING_LEVELS,
    CaseRow,
    ComplaintRow,
    Figures,
    GroupFigures,
    Period,
    PeriodKind,
    RatingRow,
    Summary,
    text_bar,
)
from deskclient.services import report_figures
from deskclient.services.report_figures import ratings_and_complaints
from deskclient.store.dbapi import driver_connection
from deskclient.store.models import Case, Clerk, Station, Window
from deskclient.strings import calendar as TCAL
from deskclient.strings import cases as TC
from deskclient.strings import desk as T

CSV_ENCODINGS = ("utf-8-sig", "gb18030")
FORMATS = ("table", "csv", "json")

_C = Case.__table__  # type: ignore[attr-defined]


def _case_select(where: Any) -> Any:
    return select(
        _C.c.id, _C.c.window, _C.c.first_asked_clerk_id, _C.c.case_class, _C.c.item_class, _C.c.status,
        _C.c.created_at, _C.c.accepted_at, _C.c.completed_at,
        case((_C.c.status == str(CaseStatus.RETURNED), _C.c.returned_at), else_=None).label("returned_at"),
        _C.c.due_date,
    ).where(where)


def case_rows_query(period: Period, window: str | None = None) -> Any:
    """The UNION of range queries that finds every case something happened to in ``period``."""
    s, e = period.start_at, period.end_before
    parts = [
        and_(_C.c.created_at >= s, _C.c.created_at < e),
        and_(_C.c.accepted_at >= s, _C.c.accepted_at < e),
        and_(_C.c.completed_at >= s, _C.c.completed_at < e),
        # the cases returned now, by their last return (partial index ix_case_returned)
        and_(_C.c.status == str(CaseStatus.RETURNED), _C.c.returned_at >= s, _C.c.returned_at < e),
    ]
    if window is not None:
        parts = [and_(p, _C.c.window == window) for p in parts]
    return union(*[_case_select(p) for p in parts])


def _dt(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _d(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def load_rows(engine: Engine, period: Period, window: str | None = None
              ) -> tuple[list[CaseRow], list[RatingRow], list[ComplaintRow]]:
    """Every row the summary of ``period`` needs, and no others."""
    s, e = period.start_at, period.end_before
    with engine.connect() as conn:
        cases = [CaseRow(case_id=r[0], window=r[1], clerk_id=r[2], case_class=r[3], item_class=r[4], status=r[5],
                         created_at=_dt(r[6]), accepted_at=_dt(r[7]), completed_at=_dt(r[8]),  # type: ignore[arg-type]
                         returned_at=_dt(r[9]), due_date=_d(r[10]))
                 for r in conn.execute(case_rows_query(period, window))]
        ratings, complaints = ratings_and_complaints(driver_connection(conn), s, e, window)
    return cases, ratings, complaints


@dataclass(frozen=True)
class Names:
    """Display names for the keys a summary uses (window numbers, clerk ids)."""

    centre: str
    windows: dict[str, str]
    clerks: dict[str, str]

    def window(self, number: str) -> str:
        if not number:
            return T.NO_WINDOW
        name = self.windows.get(number)
        return T.WINDOW_NAME.format(number=number, name=name) if name else T.UNKNOWN_WINDOW.format(number=number)

    def clerk(self, clerk_id: str) -> str:
        return self.clerks.get(clerk_id, T.UNKNOWN_CLERK)


def load_names(engine: Engine) -> Names:
    with engine.connect() as conn:
        st = conn.execute(select(Station.__table__.c.name)).first()  # type: ignore[attr-defined]
        windows = {r[0]: r[1] for r in conn.execute(select(Window.__table__.c.number,  # type: ignore[attr-defined]
                                                           Window.__table__.c.name))}  # type: ignore[attr-defined]
        clerks = {r[0]: r[1] for r in conn.execute(select(Clerk.__table__.c.id,  # type: ignore[attr-defined]
                                                          Clerk.__table__.c.name))}  # type: ignore[attr-defined]
    return Names(centre=st[0] if st else "", windows=windows, clerks=clerks)


def load_groups(engine: Engine, period: Period, window: str | None = None
                ) -> tuple[list[GroupFigures], list[RatingRow], list[ComplaintRow]]:
    """``report_figures.load_groups`` on a connection of ``engine``."""
    with engine.connect() as conn:
        return report_figures.load_groups(driver_connection(conn), period, window)


def build_summary(engine: Engine, kind: PeriodKind | str, day: date, *, window: str | None = None,
                  now: datetime | None = None) -> Summary:
    """``report_figures.build_summary`` (counted in SQL, assembled by the domain) on ``engine``."""
    with engine.connect() as conn:
        return report_figures.build_summary(driver_connection(conn), kind, day, window=window, now=now)


class ReportService:
    """The summaries a desk, the head and ``deskclient report`` show, over one ledger (``ctx.reports``)."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def names(self) -> Names:
        return load_names(self.engine)

    def summary(self, kind: PeriodKind | str, day: date | None = None, *, window: str | None = None) -> Summary:
        """The day, week or month containing ``day`` (today by default), as of now."""
        return build_summary(self.engine, kind, day or self.clock.today(), window=window, now=self.clock.now())


# --- labels ----------------------------------------------------------------------------------------
def period_label(period: Period) -> str:
    if period.kind is PeriodKind.DAY:
        return T.PERIOD_DAY.format(day=period.start.isoformat(), weekday=TCAL.WEEKDAY_NAMES[period.start.weekday()])
    return T.PERIOD_RANGE.format(start=period.start.isoformat(), end=period.end.isoformat())


def report_title(summary: Summary, names: Names) -> str:
    """The centre's report, or one window's (a clerk's F12 report is its window only, and says so)."""
    kind, period = T.PERIOD_KIND_LABELS[str(summary.period.kind)], period_label(summary.period)
    if summary.window is not None:
        return T.REPORT_TITLE_WINDOW.format(centre=names.centre, window=names.window(summary.window), kind=kind,
                                            period=period)
    return T.REPORT_TITLE.format(centre=names.centre, kind=kind, period=period)


def day_figures(engine: Engine, day: date, window: str | None = None, *, now: datetime | None = None) -> Figures:
    """``report_figures.day_figures`` (the one source of a day's figures) on ``engine``."""
    with engine.connect() as conn:
        return report_figures.day_figures(driver_connection(conn), day, window, now=now)


def groups(summary: Summary, names: Names) -> Iterator[tuple[str, str, Figures]]:
    """(scope, name, figures): the station total (or the one window's), then each window, then each clerk."""
    if summary.window is not None:
        yield T.SCOPE_WINDOW, names.window(summary.window), summary.station
    else:
        yield T.SCOPE_STATION, names.centre or T.SCOPE_STATION, summary.station
    for number in sorted(summary.windows, key=_window_key):
        if summary.window is not None:
            break  # the one window is the total above
        yield T.SCOPE_WINDOW, names.window(number), summary.windows[number]
    for clerk_id in sorted(summary.clerks, key=lambda c: names.clerk(c)):
        yield T.SCOPE_CLERK, names.clerk(clerk_id), summary.clerks[clerk_id]


def _window_key(number: str) -> tuple[int, str]:
    return (int(number), "") if number.isdigit() else (10**9, number)


def _rate(value: float | None) -> str:
    return T.NOT_APPLICABLE if value is None else f"{value * 100:.1f}%"


def _minutes(value: float | None) -> str:
    return T.NOT_APPLICABLE if value is None else f"{value:.1f}"


# --- CSV -------------------------------------------------------------------------------------------
def csv_header() -> list[str]:
    return [
        T.COL_PERIOD, T.COL_SCOPE, T.COL_NAME, T.COL_REGISTERED,
        *[T.COL_CLASS_PREFIX + TC.CASE_CLASS_LABELS[str(c)] for c in CaseClass],
        T.COL_ACCEPTED, T.COL_COMPLETED, T.COL_RETURNED, T.COL_ANSWERED,
        T.COL_PROMISED_COMPLETED, T.COL_PROMISED_ON_TIME, T.COL_ON_TIME_RATE,
        T.COL_IMMEDIATE_DONE, T.COL_IMMEDIATE_WITHIN, T.COL_IMMEDIATE_OVER, T.COL_IMMEDIATE_AVG,
        T.COL_IMMEDIATE_MAX, T.COL_RATED,
        *[T.COL_RATING_PREFIX + T.RATING_LABELS[lvl] for lvl in RATING_LEVELS],
        T.COL_BAD, T.COL_COMPLAINTS,
        *[T.COL_CHANNEL_PREFIX + T.CHANNEL_LABELS[ch] for ch in COMPLAINT_CHANNELS],
        T.COL_COMPLAINTS_ANSWERED, T.COL_COMPLAINTS_OVERDUE,
    ]


def csv_row(period: str, scope: str, name: str, f: Figures) -> list[str | int]:
    return [
        period, scope, name, f.registered,
        *[f.by_class.get(str(c), 0) for c in CaseClass],
        f.accepted, f.completed, f.returned, f.answered,
        f.promised_completed, f.promised_on_time, _rate(f.on_time_rate),
        f.immediate_done, f.immediate_within_limit, f.immediate_over_limit, _minutes(f.immediate_avg_minutes),
        _minutes(f.immediate_max_minutes if f.immediate_done else None), f.rated,
        *[f.ratings.get(lvl, 0) for lvl in RATING_LEVELS],
        f.bad_ratings, f.complaints,
        *[f.complaints_by_channel.get(ch, 0) for ch in COMPLAINT_CHANNELS],
        f.complaints_answered, f.complaints_overdue,
    ]


def _csv_safe(value: str | int) -> str | int:
    """Names are typed by people: keep a leading = + - @ from being run as a spreadsheet formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(summary: Summary, names: Names, encoding: str = "utf-8-sig") -> bytes:
    """One row per group; CRLF line ends and the BOM so that WPS and Excel open it correctly."""
    if encoding not in CSV_ENCODINGS:
        raise ValueError(encoding)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(csv_header())
    label = period_label(summary.period)
    for scope, name, figs in groups(summary, names):
        w.writerow([_csv_safe(v) for v in csv_row(label, scope, name, figs)])
    return buf.getvalue().encode(encoding)


def to_json(summary: Summary, names: Names) -> str:
    data: dict[str, Any] = summary.to_dict()
    data["title"] = report_title(summary, names)
    data["names"] = {"centre": names.centre,
                     "windows": {k: names.window(k) for k in summary.windows},
                     "clerks": {k: names.clerk(k) for k in summary.clerks}}
    return json.dumps(data, ensure_ascii=False, indent=2)


# --- rich tables -----------------------------------------------------------------------------------
def rich_tables(summary: Summary, names: Names, *, compact: bool = False) -> list[Any]:
    """Renderables for the terminal and the report screen; rich measures CJK as double width.

    ``compact`` drops the secondary tables (for an 80-column screen)."""
    from rich.table import Table
    from rich.text import Text

    main = Table(title=T.TABLE_MAIN_TITLE, show_lines=False, expand=False, pad_edge=False)
    cols = [(T.COL_NAME, "left"), (T.COL_REGISTERED, "right"), (T.COL_ACCEPTED, "right"),
            (T.COL_COMPLETED, "right"), (T.COL_RETURNED, "right"), (T.COL_ON_TIME_RATE, "right"),
            (T.COL_IMMEDIATE_WITHIN, "right"), (T.COL_BAD, "right"), (T.COL_COMPLAINTS, "right")]
    keep = [c for c in cols if not compact or c[0] not in (T.COL_RETURNED, T.COL_BAD, T.COL_COMPLAINTS)]
    for col, justify in keep:
        main.add_column(col, justify=justify, no_wrap=col != T.COL_NAME)  # type: ignore[arg-type]
    for scope, name, f in groups(summary, names):
        style = "bold" if scope == T.SCOPE_STATION else ""
        within = (f"{f.immediate_within_limit}/{f.immediate_done}" if f.immediate_done else T.NOT_APPLICABLE)
        cells: dict[str, Text | str] = {T.COL_NAME: Text(name), T.COL_REGISTERED: str(f.registered), T.COL_ACCEPTED: str(f.accepted),
                 T.COL_COMPLETED: str(f.completed), T.COL_RETURNED: str(f.returned),
                 T.COL_ON_TIME_RATE: _rate(f.on_time_rate), T.COL_IMMEDIATE_WITHIN: within,
                 T.COL_BAD: str(f.bad_ratings), T.COL_COMPLAINTS: str(f.complaints)}
        main.add_row(*[cells[c] for c, _ in keep], style=style)
    out: list[Any] = [main]
    if compact:
        return out
    classes = [c for c in CaseClass if summary.station.by_class.get(str(c))]
    by_class = Table(title=T.TABLE_CLASS_TITLE, pad_edge=False)
    by_class.add_column(T.COL_NAME)
    for c in classes:
        by_class.add_column(TC.CASE_CLASS_LABELS[str(c)], justify="right")
    for _scope, name, f in groups(summary, names):
        by_class.add_row(Text(name), *[str(f.by_class.get(str(c), 0)) for c in classes])
    ratings = Table(title=T.TABLE_RATING_TITLE, pad_edge=False)
    ratings.add_column(T.COL_NAME)
    for lvl in RATING_LEVELS:
        ratings.add_column(T.RATING_LABELS[lvl], justify="right")
    for col in (T.COL_COMPLAINTS, T.COL_COMPLAINTS_ANSWERED, T.COL_COMPLAINTS_OVERDUE):
        ratings.add_column(col, justify="right")
    for _scope, name, f in groups(summary, names):
        ratings.add_row(Text(name), *[str(f.ratings.get(lvl, 0)) for lvl in RATING_LEVELS],
                        str(f.complaints), str(f.complaints_answered), str(f.complaints_overdue))
    out += [by_class, ratings]
    return out


def chart_lines(summary: Summary, width: int = 40) -> list[tuple[str, str, str]]:
    """(day label, registered bar, completed bar) per day: a small text chart for weeks and months."""
    peak = max([max(f.registered, f.completed) for f in summary.days.values()] or [0])
    out = []
    for day in summary.period.days():
        f = summary.days.get(day, Figures())
        label = f"{day:%m-%d} {TCAL.WEEKDAY_NAMES[day.weekday()][-1]}"
        out.append((label, text_bar(f.registered, peak, width) + f" {f.registered}",
                    text_bar(f.completed, peak, width, "▒") + f" {f.completed}"))
    return out


def render_text(summary: Summary, names: Names, width: int = 120) -> str:
    """The whole report as plain text (terminal output, ``--format table -o FILE``, printing)."""
    from rich.console import Console

    console = Console(width=width, record=True, file=io.StringIO(), color_system=None, highlight=False,
                      emoji=False, markup=False)
    console.print(report_title(summary, names))
    if summary.station.is_empty():
        console.print(T.EMPTY_PERIOD)
    for table in rich_tables(summary, names):
        console.print(table)
    console.print(T.IMMEDIATE_RULE.format(limit=IMMEDIATE_LIMIT_MINUTES))
    return console.export_text()
