"""What a clock is: the vocabulary of case time limits (kinds, states, 特别程序 reasons, rating
levels, complaint channels), the station's numbers (:class:`ClockRules`) and the value types that
:func:`deskclient.domain.clocks.case_clocks` takes and returns (:class:`CaseEvent` in,
:class:`CaseClocks` of :class:`CaseClock` out).

Kept apart from the computation so that every layer (services, notices, screens) can name a clock
kind or read a clock without pulling in the event-walking code, and so each module stays one job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from deskclient.domain.errors import ValidationError
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
        """A complaint reply due soon, today or late, and the complainant not yet told: remind the clerk
        *before* the day, so a late answer is announced in time ("确因客观原因不能在规定时间内给予答复的,
        要及时向投诉人说明情况", 投诉制度第六条)."""
        return (self.kind is ClockKind.COMPLAINT and self.is_open and not self.delay_told
                and (self.state is ClockState.OVERDUE or self.days_left <= 0 or self.due_soon))

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

