"""The daily summary (每日一汇总) and its week and month roll-ups, computed from plain records.

Pure: the rows come in as small dataclasses (the report service loads them with indexed SQL), the
figures go out as :class:`Summary`. Every figure is *additive* (counts, sums of seconds, maxima), so
a week's summary is exactly the sum of its days' summaries and a rate is derived at the end; the
tests check that property. Each happening is counted on the day it happened: a case registered on
Monday and completed on Wednesday adds to Monday's registrations and Wednesday's completions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from deskclient.domain.cases import IMMEDIATE_LIMIT_MINUTES, CaseClass, CaseStatus

RATING_LEVELS = ("very_satisfied", "satisfied", "basic", "unsatisfied", "very_unsatisfied")
BAD_RATING_LEVELS = frozenset({"unsatisfied", "very_unsatisfied"})
COMPLAINT_CHANNELS = ("spoken", "phone", "written")
# Classes whose acceptance promises a completion date (the on-time rate is about these).
PROMISED_CLASSES = frozenset(str(c) for c in CaseClass if c.has_due_date)


class PeriodKind(StrEnum):
    DAY = "daily"
    WEEK = "weekly"
    MONTH = "monthly"


@dataclass(frozen=True)
class Period:
    """A closed range of calendar days ``start``..``end`` (both included)."""

    kind: PeriodKind
    start: date
    end: date

    @classmethod
    def of(cls, kind: PeriodKind | str, day: date) -> Period:
        """The day itself, its Monday-to-Sunday week, or its calendar month."""
        kind = PeriodKind(kind)
        if kind is PeriodKind.DAY:
            return cls(kind, day, day)
        if kind is PeriodKind.WEEK:
            monday = day - timedelta(days=day.weekday())
            return cls(kind, monday, monday + timedelta(days=6))
        first = day.replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        return cls(kind, first, nxt - timedelta(days=1))

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, datetime.min.time())

    @property
    def end_before(self) -> datetime:
        """The first instant after the period (queries use ``< end_before``)."""
        return datetime.combine(self.end + timedelta(days=1), datetime.min.time())

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def contains(self, moment: datetime | date | None) -> bool:
        if moment is None:
            return False
        day = moment.date() if isinstance(moment, datetime) else moment
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class CaseRow:
    """What the summary needs of one case (no personal data)."""

    case_id: str
    window: str
    clerk_id: str  # the first-asked clerk (首问责任人): the clerk the figures are credited to
    case_class: str
    item_class: str
    status: str
    created_at: datetime
    accepted_at: datetime | None = None
    completed_at: datetime | None = None
    returned_at: datetime | None = None
    due_date: date | None = None


@dataclass(frozen=True, slots=True)
class RatingRow:
    window: str
    clerk_id: str
    level: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ComplaintRow:
    window: str
    channel: str
    received_at: datetime
    due_date: date
    answered_at: datetime | None = None


def _add_counts(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0) + v
    return out


@dataclass
class Figures:
    """The figures of one group (the station, a window, a clerk, a day). All additive."""

    registered: int = 0  # 登记 (every matter, enquiries included)
    by_class: dict[str, int] = field(default_factory=dict)  # registered, by the case's class now
    accepted: int = 0  # 受理
    completed: int = 0  # 办结
    returned: int = 0  # 退回 / 不予受理
    answered: int = 0  # 咨询已答复
    promised_completed: int = 0  # cases with a promised date completed in the period
    promised_on_time: int = 0  # ... of which on or before the promised date
    immediate_done: int = 0  # 即办件 finished in the period
    immediate_within_limit: int = 0  # ... within IMMEDIATE_LIMIT_MINUTES of registration
    immediate_seconds: int = 0  # total time to finish, for the average
    immediate_max_seconds: int = 0
    ratings: dict[str, int] = field(default_factory=dict)  # level -> count
    complaints: int = 0
    complaints_by_channel: dict[str, int] = field(default_factory=dict)
    complaints_answered: int = 0
    complaints_overdue: int = 0  # answered late, or still open past the due date

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            registered=self.registered + other.registered,
            by_class=_add_counts(self.by_class, other.by_class),
            accepted=self.accepted + other.accepted,
            completed=self.completed + other.completed,
            returned=self.returned + other.returned,
            answered=self.answered + other.answered,
            promised_completed=self.promised_completed + other.promised_completed,
            promised_on_time=self.promised_on_time + other.promised_on_time,
            immediate_done=self.immediate_done + other.immediate_done,
            immediate_within_limit=self.immediate_within_limit + other.immediate_within_limit,
            immediate_seconds=self.immediate_seconds + other.immediate_seconds,
            immediate_max_seconds=max(self.immediate_max_seconds, other.immediate_max_seconds),
            ratings=_add_counts(self.ratings, other.ratings),
            complaints=self.complaints + other.complaints,
            complaints_by_channel=_add_counts(self.complaints_by_channel, other.complaints_by_channel),
            complaints_answered=self.complaints_answered + other.complaints_answered,
            complaints_overdue=self.complaints_overdue + other.complaints_overdue,
        )

    def add(self, other: Figures) -> None:
        """In place: ``self += other`` for a group the summary already holds."""
        total = self + other
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(total, name))

    # --- derived ------------------------------------------------------------------------------
    @property
    def on_time_rate(self) -> float | None:
        """Share of promised cases completed on time; None when none was completed."""
        return self.promised_on_time / self.promised_completed if self.promised_completed else None

    @property
    def immediate_avg_minutes(self) -> float | None:
        return self.immediate_seconds / 60 / self.immediate_done if self.immediate_done else None

    @property
    def immediate_max_minutes(self) -> float:
        return self.immediate_max_seconds / 60

    @property
    def immediate_over_limit(self) -> int:
        return self.immediate_done - self.immediate_within_limit

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def bad_ratings(self) -> int:
        return sum(v for k, v in self.ratings.items() if k in BAD_RATING_LEVELS)

    def is_empty(self) -> bool:
        return self == Figures()

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready figures, derived rates included (rounded for people, not for sums)."""
        return {
            "registered": self.registered,
            "by_class": dict(sorted(self.by_class.items())),
            "accepted": self.accepted,
            "completed": self.completed,
            "returned": self.returned,
            "answered": self.answered,
            "promised_completed": self.promised_completed,
            "promised_on_time": self.promised_on_time,
            "on_time_rate": None if self.on_time_rate is None else round(self.on_time_rate, 4),
            "immediate_done": self.immediate_done,
            "immediate_within_limit": self.immediate_within_limit,
            "immediate_limit_minutes": IMMEDIATE_LIMIT_MINUTES,
            "immediate_seconds": self.immediate_seconds,
            "immediate_avg_minutes": None if self.immediate_avg_minutes is None
            else round(self.immediate_avg_minutes, 1),
            "immediate_max_minutes": round(self.immediate_max_minutes, 1),
            "ratings": {lvl: self.ratings.get(lvl, 0) for lvl in RATING_LEVELS},
            "bad_ratings": self.bad_ratings,
            "complaints": self.complaints,
            "complaints_by_channel": {ch: self.complaints_by_channel.get(ch, 0) for ch in COMPLAINT_CHANNELS},
            "complaints_answered": self.complaints_answered,
            "complaints_overdue": self.complaints_overdue,
        }


@dataclass
class Summary:
    """One period's figures for the station, each window, each clerk and each day."""

    period: Period
    window: str | None = None  # set: one window's figures only (a clerk's report), not the whole centre
    station: Figures = field(default_factory=Figures)
    windows: dict[str, Figures] = field(default_factory=dict)
    clerks: dict[str, Figures] = field(default_factory=dict)
    days: dict[date, Figures] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "period": {"kind": str(self.period.kind), "start": self.period.start.isoformat(),
                       "end": self.period.end.isoformat()},
            "station": self.station.to_dict(),
            "windows": {k: v.to_dict() for k, v in sorted(self.windows.items())},
            "clerks": {k: v.to_dict() for k, v in sorted(self.clerks.items())},
            "days": {d.isoformat(): v.to_dict() for d, v in sorted(self.days.items())},
        }


class _Acc:
    """Adds one happening to the station, its window, its clerk and its day at once."""

    def __init__(self, summary: Summary) -> None:
        self.s = summary

    def groups(self, window: str, clerk_id: str | None, day: date) -> list[Figures]:
        out = [self.s.station, self.s.windows.setdefault(window, Figures()), self.s.days.setdefault(day, Figures())]
        if clerk_id:
            out.append(self.s.clerks.setdefault(clerk_id, Figures()))
        return out


def _day(moment: datetime) -> date:
    return moment.date()


def summarize(period: Period, cases: Iterable[CaseRow], ratings: Iterable[RatingRow] = (),
              complaints: Iterable[ComplaintRow] = (), *, as_of: datetime | None = None,
              window: str | None = None) -> Summary:
    """Count what happened in ``period``. ``as_of`` decides whether an open complaint is overdue
    (default: the end of the period). ``window`` keeps one window's rows only."""
    summary = Summary(period=period, window=window)
    acc = _Acc(summary)
    as_of_day = (as_of.date() if as_of else period.end)
    for c in cases:
        if window is not None and c.window != window:
            continue
        if period.contains(c.created_at):
            for f in acc.groups(c.window, c.clerk_id, _day(c.created_at)):
                f.registered += 1
                f.by_class[c.case_class] = f.by_class.get(c.case_class, 0) + 1
                if c.status == CaseStatus.ANSWERED:
                    f.answered += 1
        if c.accepted_at is not None and period.contains(c.accepted_at):
            for f in acc.groups(c.window, c.clerk_id, _day(c.accepted_at)):
                f.accepted += 1
        if c.returned_at is not None and c.status == CaseStatus.RETURNED and period.contains(c.returned_at):
            for f in acc.groups(c.window, c.clerk_id, _day(c.returned_at)):
                f.returned += 1
        if c.status == CaseStatus.COMPLETED and c.completed_at is not None and period.contains(c.completed_at):
            done_day = _day(c.completed_at)
            promised = c.case_class in PROMISED_CLASSES and c.due_date is not None
            immediate = c.case_class == CaseClass.IMMEDIATE
            seconds = max(0, int((c.completed_at - c.created_at).total_seconds()))
            for f in acc.groups(c.window, c.clerk_id, done_day):
                f.completed += 1
                if promised:
                    f.promised_completed += 1
                    if c.due_date is not None and done_day <= c.due_date:
                        f.promised_on_time += 1
                if immediate:
                    f.immediate_done += 1
                    f.immediate_seconds += seconds
                    f.immediate_max_seconds = max(f.immediate_max_seconds, seconds)
                    if seconds <= IMMEDIATE_LIMIT_MINUTES * 60:
                        f.immediate_within_limit += 1
    for r in ratings:
        if (window is not None and r.window != window) or not period.contains(r.at):
            continue
        for f in acc.groups(r.window, r.clerk_id, _day(r.at)):
            f.ratings[r.level] = f.ratings.get(r.level, 0) + 1
    for cp in complaints:
        if (window is not None and cp.window != window) or not period.contains(cp.received_at):
            continue
        answered = cp.answered_at is not None
        overdue = (cp.answered_at.date() > cp.due_date) if cp.answered_at is not None \
            else as_of_day > cp.due_date
        for f in acc.groups(cp.window or "", None, _day(cp.received_at)):
            f.complaints += 1
            f.complaints_by_channel[cp.channel] = f.complaints_by_channel.get(cp.channel, 0) + 1
            f.complaints_answered += int(answered)
            f.complaints_overdue += int(overdue)
    return summary


@dataclass(frozen=True, slots=True)
class GroupFigures:
    """Figures already counted for one (window, clerk, day) — by SQL, for a big ledger."""

    window: str
    clerk_id: str
    day: date
    figures: Figures


def summarize_groups(period: Period, groups: Iterable[GroupFigures], ratings: Iterable[RatingRow] = (),
                     complaints: Iterable[ComplaintRow] = (), *, as_of: datetime | None = None,
                     window: str | None = None) -> Summary:
    """As :func:`summarize`, with the cases' figures counted beforehand per (window, clerk, day)."""
    summary = summarize(period, (), ratings, complaints, as_of=as_of, window=window)
    acc = _Acc(summary)
    for g in groups:
        if window is not None and g.window != window:
            continue
        for f in acc.groups(g.window, g.clerk_id, g.day):
            f.add(g.figures)
    return summary


def rollup(period: Period, parts: Iterable[Summary]) -> Summary:
    """A longer period's summary from its days' (or weeks') summaries: figures simply add up."""
    out = Summary(period=period)
    for part in parts:
        out.station = out.station + part.station
        for name in ("windows", "clerks", "days"):
            mine: dict[str, Figures] = getattr(out, name)
            for key, figs in getattr(part, name).items():
                mine[key] = mine.get(key, Figures()) + figs
    return out


@dataclass(frozen=True)
class DueItem:
    """An open case with a promised date, for reminders and the handover list."""

    case_id: str
    due_date: date | None


def due_rank(due: date | None, today: date, soon_until: date) -> int:
    """0 overdue, 1 due today, 2 due soon, 3 later, 4 no due date: the order a desk shows them in."""
    if due is None:
        return 4
    if due < today:
        return 0
    if due == today:
        return 1
    if due <= soon_until:
        return 2
    return 3


def text_bar(value: float, maximum: float, width: int, fill: str = "█") -> str:
    """A bar of block characters for a small text chart (eighths for a smooth end with █)."""
    if maximum <= 0 or value <= 0 or width <= 0:
        return ""
    if fill != "█":
        return fill * max(1, round(value / maximum * width))
    eighths = round(value / maximum * width * 8)
    full, rest = divmod(max(1, eighths), 8)
    return "█" * full + ("" if rest == 0 else " ▏▎▍▌▋▊▉"[rest])
