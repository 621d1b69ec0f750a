"""Every time limit a case runs under, computed from the case's events (DOMAIN.md rules 3–5, 8, 9).

One function, :func:`case_clocks`, answers for any case at any moment which clocks run, when each
falls due, how many working days are left, whether the date is provisional (a holiday schedule not
yet published) and on what legal basis. The home screen, case detail, handover, the head's desk,
notices and reports all ask it; nothing else computes a due date (``CaseService`` uses
:func:`promised_due` at acceptance, which is the same arithmetic).

Rule numbers that can differ by place (five days working or calendar, rating follow-up deadlines)
come from :class:`ClockRules`; the number in force when a clock *started* is written into its event
payload and wins over the current rules, so changing a setting never moves a deadline already told
to an applicant. The calendar is applied afresh on every call, so a newly published holiday
schedule corrects a provisional date everywhere at once.
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from deskclient.domain.calendar import DueDate, WorkCalendar
from deskclient.domain.deadlines import (
    RETURN_DECISION_WORKING_DAYS,
    complaint_multi_unit_due,
    department_return_due,
)
from deskclient.domain.errors import ValidationError
from deskclient.domain.events import EventType
from deskclient.strings import clocks as T

# --------------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------------


class ClockKind(StrEnum):
    SUPPLEMENT_NOTICE = "supplement_notice"  # 行政许可法 art. 32: five days to list what is missing
    PROMISED = "promised"  # 承诺时限 from acceptance
    REVIEW = "review"  # 复核 of a non-acceptance
    COMPLAINT = "complaint"  # 投诉 answer
    RETURN_VISIT = "return_visit"  # 差评回访
    RECTIFY = "rectify"  # 差评整改
    UNOWNED = "unowned"  # 不管件 routed by the head with a limit
    RETURN_DECISION = "return_decision"  # seed 003 退回件: decide within three working days
    DEPARTMENT_RETURN = "department_return"  # seed 003 窗口管理制度第八条: result back the day before

    @property
    def label(self) -> str:
        return T.CLOCK_KIND_LABELS[self.value]

    @property
    def basis(self) -> str:
        """The legal or rulebook basis, as printed and shown."""
        return T.BASIS_LABELS[self.value]


class ClockState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"  # 特别程序: the clock stands still
    MET = "met"  # stopped on or before the due date
    LATE = "late"  # stopped after the due date
    OVERDUE = "overdue"  # still running, past the due date

    @property
    def label(self) -> str:
        return T.CLOCK_STATE_LABELS[self.value]

    @property
    def is_open(self) -> bool:
        return self in (ClockState.RUNNING, ClockState.PAUSED, ClockState.OVERDUE)


class PauseReason(StrEnum):
    """Steps that do not count toward the limit (特别程序). Art. 45 lists hearing … expert review;
    公示 needs the item's own law (catalog). ``supplement``, ``site_inspection`` and ``other`` are kept
    only so that events written before issue #16 still read: art. 45 does not allow them."""

    HEARING = "hearing"  # 听证
    TENDER = "tender"  # 招标
    AUCTION = "auction"  # 拍卖
    INSPECTION = "inspection"  # 检验
    TESTING = "testing"  # 检测
    QUARANTINE = "quarantine"  # 检疫
    APPRAISAL = "appraisal"  # 鉴定
    EXPERT_REVIEW = "expert_review"  # 专家评审
    PUBLIC_NOTICE = "public_notice"  # 公示 (only where the item's law provides it)
    SUPPLEMENT = "supplement"  # legacy
    SITE_INSPECTION = "site_inspection"  # legacy: 实地核查 is not in art. 45
    OTHER = "other"  # legacy

    @property
    def label(self) -> str:
        return T.PAUSE_REASON_LABELS[self.value]

    @classmethod
    def parse(cls, value: str) -> PauseReason:
        text = (value or "").strip()
        for reason in cls:
            if text in (reason.value, reason.label):
                return reason
        allowed = "、".join(r.label for r in cls)
        raise ValidationError(T.UNKNOWN_PAUSE_REASON.format(reason=text, allowed=allowed))


class RatingLevel(StrEnum):
    """好差评 five levels; the last two are bad ratings (rule 8)."""

    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    BASIC = "basic"
    UNSATISFIED = "unsatisfied"
    VERY_UNSATISFIED = "very_unsatisfied"

    @property
    def label(self) -> str:
        return T.RATING_LEVEL_LABELS[self.value]

    @property
    def is_bad(self) -> bool:
        return self in (RatingLevel.UNSATISFIED, RatingLevel.VERY_UNSATISFIED)

    @classmethod
    def parse(cls, value: str) -> RatingLevel:
        text = (value or "").strip()
        for level in cls:
            if text in (level.value, level.label):
                return level
        allowed = "、".join(lv.label for lv in cls)
        raise ValidationError(T.RATING_LEVEL_BAD.format(level=text, allowed=allowed))


def rating_score(level: RatingLevel | str, rating: object) -> int:
    """The score of ``level`` under a province's settings (any object with the five score fields)."""
    return int(getattr(rating, RatingLevel.parse(str(level)).value))


class ComplaintChannel(StrEnum):
    SPOKEN = "spoken"
    PHONE = "phone"
    WRITTEN = "written"  # written complaints get written answers

    @property
    def label(self) -> str:
        return T.COMPLAINT_CHANNEL_LABELS[self.value]

    @classmethod
    def parse(cls, value: str) -> ComplaintChannel:
        text = (value or "").strip()
        for ch in cls:
            if text in (ch.value, ch.label):
                return ch
        allowed = "、".join(c.label for c in cls)
        raise ValidationError(T.COMPLAINT_CHANNEL_BAD.format(channel=text, allowed=allowed))


# --------------------------------------------------------------------------------------------------
# Rules (from settings)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockRules:
    """The numbers behind the clocks. Built from ``ClockSettings`` and ``RatingSettings``."""

    supplement_days: int = 5
    supplement_working_days: bool = True
    due_soon_working_days: int = 2
    review_days: int = 3
    complaint_simple_days: int = 1
    complaint_multi_unit_days: int = 5
    visit_within_days: int = 1
    rectify_within_days: int = 15

    @classmethod
    def from_settings(cls, clocks: object | None = None, rating: object | None = None) -> ClockRules:
        """Take every matching attribute of the settings sections (duck-typed: the domain does not
        import the settings module)."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            for source in (clocks, rating):
                if source is not None and hasattr(source, f.name):
                    values[f.name] = getattr(source, f.name)
        return cls(**values)


# --------------------------------------------------------------------------------------------------
# Inputs and outputs
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseEvent:
    """One ledger event of a case, as the clocks need it."""

    type: str
    at: datetime
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseClock:
    """One clock of a case at one moment."""

    kind: ClockKind
    started_on: date
    due: date
    days_left: int  # working days (calendar days when ``calendar_days``); negative = overdue/late
    state: ClockState
    provisional: bool
    ref: str = ""  # the review / complaint / follow-up id when a case can have several
    calendar_days: bool = False
    finished_on: date | None = None
    paused_days: int = 0  # working days added by pauses (特别程序)
    extended_days: int = 0  # working days added by the extension (延期)
    pause_reason: str = ""  # PauseReason value while paused
    pause_step: str = ""
    due_soon: bool = False
    delay_told: bool = False  # a complaint: the complainant was told the reply will be late (投诉制度第六条)

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def needs_delay_notice(self) -> bool:
        """A complaint reply due today or late, and the complainant not yet told: remind the clerk
        ("确因客观原因不能在规定时间内给予答复的,要及时向投诉人说明情况")."""
        return (self.kind is ClockKind.COMPLAINT and self.is_open and not self.delay_told
                and (self.state is ClockState.OVERDUE or self.days_left <= 0))

    @property
    def basis(self) -> str:
        return self.kind.basis

    @property
    def is_open(self) -> bool:
        return self.state.is_open

    @property
    def is_overdue(self) -> bool:
        return self.state is ClockState.OVERDUE


@dataclass(frozen=True)
class PauseSpan:
    """A pause of the promised clock; ``ended_on`` None while it lasts."""

    pause_id: str
    reason: str
    step: str
    started_on: date
    ended_on: date | None = None


@dataclass(frozen=True)
class CaseClocks:
    """Everything about a case's time limits at ``today``."""

    today: date
    clocks: tuple[CaseClock, ...] = ()
    status: str = ""  # the status the events imply (CaseStatus value)
    received_on: date | None = None
    acceptance_date: date | None = None
    deemed_accepted: bool = False  # acceptance came from art. 32, not from a clerk
    deemed_acceptance_due: bool = False  # EXAMINING and the five days have run out
    pauses: tuple[PauseSpan, ...] = ()
    extension_days: int = 0
    extended: bool = False
    #: Internal milestones that warn the window but are not the applicant's deadlines, so they stay out of
    #: ``clocks``/``running``/``most_urgent``: the return decision (seed 003, three working days) and the
    #: department's return of the result (the day before the promised date).
    milestones: tuple[CaseClock, ...] = ()

    def get(self, kind: ClockKind, ref: str = "") -> CaseClock | None:
        for c in (*self.clocks, *self.milestones):
            if c.kind is kind and (not ref or c.ref == ref):
                return c
        return None

    @property
    def missed_milestones(self) -> tuple[CaseClock, ...]:
        """Milestones whose day has passed with nothing done: reminders for home and the head's desk."""
        return tuple(m for m in self.milestones if m.state is ClockState.OVERDUE)

    @property
    def promised(self) -> CaseClock | None:
        return self.get(ClockKind.PROMISED)

    @property
    def supplement_notice(self) -> CaseClock | None:
        return self.get(ClockKind.SUPPLEMENT_NOTICE)

    @property
    def open_pause(self) -> PauseSpan | None:
        for p in self.pauses:
            if p.ended_on is None:
                return p
        return None

    @property
    def running(self) -> tuple[CaseClock, ...]:
        """The clocks still open (running, paused or overdue), most urgent first."""
        return tuple(sorted((c for c in self.clocks if c.is_open), key=lambda c: (c.days_left, c.due)))

    @property
    def most_urgent(self) -> CaseClock | None:
        running = self.running
        return running[0] if running else None


# --------------------------------------------------------------------------------------------------
# Due-date helpers (the only arithmetic; everything else calls these)
# --------------------------------------------------------------------------------------------------


def promised_due(calendar: WorkCalendar, acceptance_date: date, promised_days: int, *,
                 paused_working_days: int = 0, extension_days: int = 0) -> DueDate:
    """The promised completion date: acceptance day not counted, pauses and the extension added."""
    return calendar.add_working_days(acceptance_date,
                                     max(0, promised_days) + max(0, paused_working_days) + max(0, extension_days))


def supplement_notice_due(calendar: WorkCalendar, received_on: date, days: int, working_days: bool) -> DueDate:
    """Art. 32's "five days" from receipt: working days, or calendar days whose last day moves off a
    rest day onto the next working day (the general rule for periods ending on a holiday)."""
    if working_days:
        return calendar.add_working_days(received_on, days)
    day = received_on + timedelta(days=max(0, days))
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    years = range(received_on.year, day.year + 1)
    unknown = tuple(y for y in years if not calendar.is_known(y))
    return DueDate(date=day, provisional=bool(unknown), unknown_years=unknown)


def review_due(calendar: WorkCalendar, requested_on: date, rules: ClockRules) -> DueDate:
    return calendar.add_working_days(requested_on, rules.review_days)


def complaint_due(calendar: WorkCalendar, received_on: date, multi_unit: bool, rules: ClockRules) -> DueDate:
    """Same or next working day for a simple complaint; a calendar week ("一周之内", 投诉制度第六条)
    when two or more units are involved, moved off a rest day onto the next working day."""
    if not multi_unit:
        return calendar.add_working_days(received_on, rules.complaint_simple_days)
    day = complaint_multi_unit_due(received_on)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    years = range(received_on.year, day.year + 1)
    unknown = tuple(y for y in years if not calendar.is_known(y))
    return DueDate(date=day, provisional=bool(unknown), unknown_years=unknown)


def rating_followup_due(calendar: WorkCalendar, rated_on: date, rules: ClockRules) -> tuple[DueDate, DueDate]:
    """A bad rating's (return visit, rectification) deadlines."""
    return (calendar.add_working_days(rated_on, rules.visit_within_days),
            calendar.add_working_days(rated_on, rules.rectify_within_days))


def paused_working_days(calendar: WorkCalendar, spans: Iterable[PauseSpan], *, until: date,
                        not_before: date | None = None) -> int:
    """Working days the clock stood still: the union of the spans, each counting the working days in
    (start, end] (paused and resumed on the same day: 0), an open span running until ``until``."""
    intervals: list[tuple[date, date]] = []
    for s in spans:
        start = s.started_on if not_before is None else max(s.started_on, not_before)
        end = s.ended_on if s.ended_on is not None else until
        if end > start:
            intervals.append((start, end))
    intervals.sort()
    merged: list[tuple[date, date]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return sum(calendar.working_days_between(a, b) for a, b in merged)


# --------------------------------------------------------------------------------------------------
# The one function
# --------------------------------------------------------------------------------------------------


def _as_date(value: Any, default: date | None = None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return default
    return default


def _as_int(value: Any, default: int | None = None) -> int | None:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return default


_STATUS_AFTER: dict[str, str] = {
    EventType.CASE_REGISTERED: "registered",
    EventType.CASE_EXAMINING: "examining",
    EventType.CASE_SUPPLEMENT_REQUESTED: "awaiting_supplement",
    EventType.CASE_ACCEPTED: "accepted",
    EventType.CASE_DEEMED_ACCEPTED: "accepted",
    EventType.CASE_COMPLETED: "completed",
    EventType.CASE_RETURNED: "returned",
    EventType.CASE_ENQUIRY_ANSWERED: "answered",
}
# Any written decision within the five days meets art. 32.
_ENDS_SUPPLEMENT_CLOCK = frozenset({EventType.CASE_SUPPLEMENT_REQUESTED, EventType.CASE_ACCEPTED,
                                    EventType.CASE_RETURNED, EventType.CASE_DEEMED_ACCEPTED})


def _finish(kind: ClockKind, *, started_on: date, due: DueDate, finished_on: date | None, today: date,
            calendar: WorkCalendar, rules: ClockRules, ref: str = "", calendar_days: bool = False,
            paused: PauseSpan | None = None, paused_days: int = 0, extended_days: int = 0) -> CaseClock:
    """State and days left of one clock."""

    def left(a: date, b: date) -> int:
        return (b - a).days if calendar_days else calendar.working_days_between(a, b)

    if finished_on is not None:
        days = left(finished_on, due.date)
        state = ClockState.MET if finished_on <= due.date else ClockState.LATE
        if state is ClockState.LATE:
            days = min(days, -1)
    else:
        days = left(today, due.date)
        if paused is not None:
            state = ClockState.PAUSED
        elif today > due.date:
            state = ClockState.OVERDUE
            days = min(days, -1)  # a weekend after the due day is still overdue
        else:
            state = ClockState.RUNNING
    soon = state in (ClockState.RUNNING, ClockState.PAUSED) and 0 <= days <= rules.due_soon_working_days
    return CaseClock(kind=kind, started_on=started_on, due=due.date, days_left=days, state=state,
                     provisional=due.provisional, ref=ref, calendar_days=calendar_days, finished_on=finished_on,
                     paused_days=paused_days, extended_days=extended_days,
                     pause_reason=paused.reason if paused else "", pause_step=paused.step if paused else "",
                     due_soon=soon)


@dataclass
class _Tracked:
    started_on: date
    days: int
    finished_on: date | None = None
    second_days: int = 0
    second_finished_on: date | None = None
    flag: bool = False


def case_clocks(events: Sequence[CaseEvent], *, calendar: WorkCalendar, rules: ClockRules | None = None,
                today: date) -> CaseClocks:
    """Every clock of one case at ``today``, from its events (any order; sorted by time here)."""
    rules = rules or ClockRules()
    ordered = sorted(events, key=lambda e: e.at)
    status = ""
    received_on: date | None = None
    supplement: _Tracked | None = None
    supplement_working = rules.supplement_working_days
    acceptance_date: date | None = None
    promised_days: int | None = None
    fixed_due: date | None = None
    deemed = False
    completed_on: date | None = None
    pauses: dict[str, PauseSpan] = {}
    extension_days = 0
    extended_on: date | None = None
    extended = False
    reviews: dict[str, _Tracked] = {}
    complaints: dict[str, _Tracked] = {}
    followups: dict[str, _Tracked] = {}
    routed: _Tracked | None = None
    returnable: _Tracked | None = None  # seed 003: decide a complex application within three working days
    result_returned_on: date | None = None

    for ev in ordered:
        p = ev.payload or {}
        on = ev.at.date()
        et = ev.type
        status = _STATUS_AFTER.get(et, status)
        if et == EventType.CASE_REGISTERED and not p.get("enquiry"):
            # materials are received at the window when the case is registered: art. 32's five days run
            # from then even if the case is left 已登记 (issue #16 item 11)
            received_on = _as_date(p.get("received_on"), on)
            assert received_on is not None
            supplement = _Tracked(started_on=received_on, days=rules.supplement_days, flag=True)
        elif et == EventType.CASE_EXAMINING:
            received_on = _as_date(p.get("received_on"), on)
            assert received_on is not None
            days = _as_int(p.get("supplement_days"), rules.supplement_days)
            working = p.get("supplement_working_days")
            supplement_working = working if isinstance(working, bool) else rules.supplement_working_days
            if supplement is not None and supplement.finished_on is None:
                received_on = min(received_on, supplement.started_on)  # the first receipt counts
            supplement = _Tracked(started_on=received_on, days=days if days is not None else 5)
            returnable = _Tracked(started_on=received_on, days=RETURN_DECISION_WORKING_DAYS)
        elif et == EventType.CASE_ENQUIRY_ANSWERED and supplement is not None and supplement.finished_on is None:
            supplement = None  # a pure enquiry after all: no application, no art. 32 clock
        elif et in _ENDS_SUPPLEMENT_CLOCK and supplement is not None and supplement.finished_on is None:
            supplement.finished_on = on
        if et in _ENDS_SUPPLEMENT_CLOCK and returnable is not None and returnable.finished_on is None:
            returnable.finished_on = on
        if et == EventType.CASE_RESULT_RETURNED:
            result_returned_on = result_returned_on or on
        if et in (EventType.CASE_ACCEPTED, EventType.CASE_DEEMED_ACCEPTED):
            acceptance_date = _as_date(p.get("acceptance_date"), on)
            promised_days = _as_int(p.get("promised_days"))
            fixed_due = _as_date(p.get("due_date")) if promised_days is None else None
            deemed = et == EventType.CASE_DEEMED_ACCEPTED
            completed_on = None
            pauses = {}
            extension_days, extended, extended_on = 0, False, None
        elif et == EventType.CASE_COMPLETED:
            completed_on = on
            if routed is not None and routed.finished_on is None:
                routed.finished_on = on
        elif et == EventType.CASE_CLOCK_PAUSED:
            pid = str(p.get("pause_id") or len(pauses))
            start = _as_date(p.get("started_on"), on)
            assert start is not None
            pauses[pid] = PauseSpan(pid, str(p.get("reason", "")), str(p.get("step", "")), start)
        elif et == EventType.CASE_CLOCK_RESUMED:
            pid = str(p.get("pause_id", ""))
            span = pauses.get(pid) or next((s for s in pauses.values() if s.ended_on is None), None)
            if span is not None:
                end = _as_date(p.get("ended_on"), on)
                assert end is not None
                pauses[span.pause_id] = PauseSpan(span.pause_id, span.reason, span.step, span.started_on,
                                                  max(end, span.started_on))
        elif et == EventType.CASE_EXTENDED:
            extension_days += max(0, _as_int(p.get("days"), 0) or 0)
            extended = True
            extended_on = extended_on or on
        elif et == EventType.CASE_REVIEW_REQUESTED:
            ref = str(p.get("review_id", ""))
            start = _as_date(p.get("requested_on"), on)
            assert start is not None
            reviews[ref] = _Tracked(start, _as_int(p.get("days"), rules.review_days) or 0)
        elif et == EventType.CASE_REVIEW_DECIDED:
            tracked = reviews.get(str(p.get("review_id", "")))
            if tracked is not None and tracked.finished_on is None:
                tracked.finished_on = on
        elif et == EventType.CASE_COMPLAINT:
            ref = str(p.get("complaint_id", ""))
            start = _as_date(p.get("received_on"), on)
            assert start is not None
            multi = bool(p.get("multi_unit", False))
            default = rules.complaint_multi_unit_days if multi else rules.complaint_simple_days
            # a multi-unit complaint is a calendar week whatever an old event stored (issue #16 item 7)
            complaints[ref] = _Tracked(start, default if multi else _as_int(p.get("days"), default) or 0,
                                       flag=multi)
        elif et == EventType.CASE_COMPLAINT_ANSWERED:
            tracked = complaints.get(str(p.get("complaint_id", "")))
            if tracked is not None and tracked.finished_on is None:
                tracked.finished_on = on
        elif et == EventType.CASE_COMPLAINT_DELAY_TOLD:
            tracked = complaints.get(str(p.get("complaint_id", "")))
            if tracked is not None:
                tracked.second_finished_on = tracked.second_finished_on or on  # told on
        elif et == EventType.FOLLOWUP_OPENED and p.get("kind") == "bad_rating":
            ref = str(p.get("followup_id", ""))
            start = _as_date(p.get("rated_on"), on)
            assert start is not None
            followups[ref] = _Tracked(start, _as_int(p.get("visit_days"), rules.visit_within_days) or 0,
                                      second_days=_as_int(p.get("rectify_days"),
                                                          rules.rectify_within_days) or 0)
        elif et == EventType.FOLLOWUP_VISITED:
            tracked = followups.get(str(p.get("followup_id", "")))
            if tracked is not None and tracked.finished_on is None:
                tracked.finished_on = on
        elif et == EventType.FOLLOWUP_CLOSED:
            tracked = followups.get(str(p.get("followup_id", "")))
            if tracked is not None:
                tracked.finished_on = tracked.finished_on or on
                tracked.second_finished_on = tracked.second_finished_on or on
        elif et == EventType.CASE_ROUTED:
            limit = _as_int(p.get("limit_days"))
            start = _as_date(p.get("routed_on"), on)
            if limit is not None and start is not None:
                routed = _Tracked(start, limit)

    common: dict[str, Any] = {"today": today, "calendar": calendar, "rules": rules}
    clocks: list[CaseClock] = []
    deemed_due = False
    if supplement is not None and supplement.flag and supplement.finished_on == supplement.started_on:
        supplement = None  # decided on the spot ("当场"): art. 32 needs no clock
    if supplement is not None:
        due = supplement_notice_due(calendar, supplement.started_on, supplement.days, supplement_working)
        clock = _finish(ClockKind.SUPPLEMENT_NOTICE, started_on=supplement.started_on, due=due,
                        finished_on=supplement.finished_on, calendar_days=not supplement_working, **common)
        clocks.append(clock)
        deemed_due = status == "examining" and clock.state is ClockState.OVERDUE
    milestones: list[CaseClock] = []
    if returnable is not None:
        milestones.append(_finish(ClockKind.RETURN_DECISION, started_on=returnable.started_on,
                              due=calendar.add_working_days(returnable.started_on, returnable.days),
                              finished_on=returnable.finished_on, **common))

    span_list = tuple(sorted(pauses.values(), key=lambda s: (s.started_on, s.pause_id)))
    if acceptance_date is not None and (promised_days is not None or fixed_due is not None):
        open_pause = next((s for s in span_list if s.ended_on is None), None)
        if completed_on is not None:
            open_pause = None
        until = completed_on or today
        paused = paused_working_days(calendar, span_list, until=until, not_before=acceptance_date)
        if extension_days and extended_on is not None and promised_days is not None:
            # art. 42: only within the period. An extension recorded after the due date (an older desk
            # allowed it) does not count, so the lateness stays on record (issue #16 item 1).
            unextended = promised_due(calendar, acceptance_date, promised_days, paused_working_days=paused)
            if extended_on > unextended.date:
                extension_days = 0
        if promised_days is not None:
            due = promised_due(calendar, acceptance_date, promised_days, paused_working_days=paused,
                               extension_days=extension_days)
        else:
            assert fixed_due is not None  # legacy event with a stored date: move it by pauses/extension
            extra = paused + extension_days
            due = calendar.add_working_days(fixed_due, extra) if extra else DueDate(
                fixed_due, provisional=not calendar.is_known(fixed_due.year))
        clocks.append(_finish(ClockKind.PROMISED, started_on=acceptance_date, due=due, finished_on=completed_on,
                              paused=open_pause, paused_days=paused, extended_days=extension_days, **common))
        if due.date > acceptance_date:  # not for a 即办件 finished on the spot
            back = department_return_due(calendar, due.date)
            milestones.append(_finish(ClockKind.DEPARTMENT_RETURN, started_on=acceptance_date,
                                  due=DueDate(max(back, acceptance_date), due.provisional),
                                  finished_on=result_returned_on or completed_on, paused=open_pause, **common))

    for ref, t in reviews.items():
        clocks.append(_finish(ClockKind.REVIEW, started_on=t.started_on, ref=ref,
                              due=calendar.add_working_days(t.started_on, t.days), finished_on=t.finished_on,
                              **common))
    for ref, t in complaints.items():
        complaint = (complaint_due(calendar, t.started_on, True, rules) if t.flag
                     else calendar.add_working_days(t.started_on, t.days))
        clock = _finish(ClockKind.COMPLAINT, started_on=t.started_on, ref=ref, due=complaint,
                        finished_on=t.finished_on, calendar_days=t.flag, **common)
        clocks.append(replace(clock, delay_told=t.second_finished_on is not None))
    for ref, t in followups.items():
        clocks.append(_finish(ClockKind.RETURN_VISIT, started_on=t.started_on, ref=ref,
                              due=calendar.add_working_days(t.started_on, t.days), finished_on=t.finished_on,
                              **common))
        clocks.append(_finish(ClockKind.RECTIFY, started_on=t.started_on, ref=ref,
                              due=calendar.add_working_days(t.started_on, t.second_days),
                              finished_on=t.second_finished_on, **common))
    if routed is not None:
        clocks.append(_finish(ClockKind.UNOWNED, started_on=routed.started_on,
                              due=calendar.add_working_days(routed.started_on, routed.days),
                              finished_on=routed.finished_on, **common))

    return CaseClocks(today=today, clocks=tuple(clocks), status=status, received_on=received_on,
                      acceptance_date=acceptance_date, deemed_accepted=deemed, deemed_acceptance_due=deemed_due,
                      pauses=span_list, extension_days=extension_days, extended=extended,
                      milestones=tuple(milestones))


# --------------------------------------------------------------------------------------------------
# Provincial rating presets (data/rating_presets.toml; the file is read in services)
# --------------------------------------------------------------------------------------------------

_PRESET_INTS = ("very_satisfied", "satisfied", "basic", "unsatisfied", "very_unsatisfied",
                "visit_within_days", "rectify_within_days")
_PRESET_KEYS = (*_PRESET_INTS, "name", "source")


@dataclass(frozen=True)
class RatingPreset:
    """One province's (or city's) 好差评 scores and follow-up deadlines."""

    key: str  # what ``[rating] province`` in settings.toml names
    name: str  # shown: "四川省" ...
    very_satisfied: int
    satisfied: int
    basic: int
    unsatisfied: int
    very_unsatisfied: int
    visit_within_days: int
    rectify_within_days: int
    source: str = ""

    def values(self) -> dict[str, Any]:
        """The scores and deadlines (the fields ``RatingSettings`` has too)."""
        return {name: getattr(self, name) for name in _PRESET_INTS}


def parse_rating_presets(text: str, source: str) -> dict[str, RatingPreset]:
    """Parse the presets file: one ``[key]`` table per province. Raises ValidationError (Chinese)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        line = getattr(err, "lineno", None) or 1
        raise ValidationError(T.PRESETS_SYNTAX.format(source=source, line=line)) from None
    presets: dict[str, RatingPreset] = {}
    for key, raw in data.items():
        if not isinstance(raw, dict):
            raise ValidationError(T.PRESET_BAD.format(source=source, key=key,
                                                      detail=T.PRESET_FIELD_MISSING.format(field="name")))
        for name in raw:
            if name not in _PRESET_KEYS:
                raise ValidationError(T.PRESET_BAD.format(source=source, key=key,
                                                          detail=T.PRESET_UNKNOWN_FIELD.format(field=name)))
        values: dict[str, Any] = {}
        for name in _PRESET_INTS:
            if name not in raw:
                raise ValidationError(T.PRESET_BAD.format(source=source, key=key,
                                                          detail=T.PRESET_FIELD_MISSING.format(field=name)))
            v = raw[name]
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValidationError(T.PRESET_BAD.format(source=source, key=key,
                                                          detail=T.PRESET_FIELD_BAD.format(field=name)))
            values[name] = v
        scores = [values[n] for n in _PRESET_INTS[:5]]
        if any(a < b for a, b in itertools.pairwise(scores)):
            raise ValidationError(T.PRESET_BAD.format(source=source, key=key, detail=T.PRESET_SCORES_ORDER))
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValidationError(T.PRESET_BAD.format(source=source, key=key,
                                                      detail=T.PRESET_FIELD_MISSING.format(field="name")))
        presets[key] = RatingPreset(key=key, name=name.strip(), source=str(raw.get("source", "")), **values)
    return presets


__all__ = [
    "CaseClock",
    "CaseClocks",
    "CaseEvent",
    "ClockKind",
    "ClockRules",
    "ClockState",
    "ComplaintChannel",
    "PauseReason",
    "PauseSpan",
    "RatingLevel",
    "RatingPreset",
    "case_clocks",
    "complaint_due",
    "parse_rating_presets",
    "paused_working_days",
    "promised_due",
    "rating_followup_due",
    "rating_score",
    "review_due",
    "supplement_notice_due",
]
