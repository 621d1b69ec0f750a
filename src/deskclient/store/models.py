"""The ledger's tables (SQLModel). Current-state rows ("projections") plus the append-only event log.

Every write goes through :class:`deskclient.store.ledger.Ledger.write`, which appends the events in
the same transaction as the rows they describe. Full ID and phone numbers live only in the case row
(local, for the clerk); events and everything that leaves the station carry the masked form.
"""

from __future__ import annotations

from datetime import date

from pydantic import NaiveDatetime
from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class Station(SQLModel, table=True):
    code: str = Field(primary_key=True)
    name: str
    centre: str = ""  # 所属中心, e.g. "某某镇便民服务中心"
    county: str = ""
    central_url: str = ""
    is_demo: bool = False
    is_training: bool = False
    created_at: NaiveDatetime


class Window(SQLModel, table=True):
    number: str = Field(primary_key=True)  # "1", "2", ... as painted above the counter
    name: str  # e.g. "民政窗口"
    department: str = ""
    active: bool = True


class Clerk(SQLModel, table=True):
    id: str = Field(primary_key=True)  # uuid4 hex
    login: str = Field(unique=True, index=True)  # short id typed at sign-in, e.g. "zhangsan"
    name: str
    role: str = "clerk"  # clerk | head
    window: str | None = Field(default=None, foreign_key="window.number")
    post: str | None = None  # "A" | "B" (AB岗), None for the centre head
    pin_hash: str
    failed_pins: int = 0
    locked_until: NaiveDatetime | None = None
    active: bool = True
    created_at: NaiveDatetime


class Case(SQLModel, table=True):
    """办件: one registered matter (每件一登记), enquiries included."""

    __table_args__ = (
        # (window, status, due_date) and (first_asked_clerk_id, status, window) supersede the
        # two-column indexes of 0001 (same leading columns) and make the home screen's counts
        # index-only; (window, created_at, status) answers "today at this window" (migration 0004).
        Index("ix_case_window_status_due", "window", "status", "due_date"),
        Index("ix_case_status_due", "status", "due_date"),
        # created/accepted/completed widened to cover the reports' grouped counts (migration 0010)
        Index("ix_case_created", "created_at", "window", "first_asked_clerk_id", "case_class", "status"),
        Index("ix_case_window_created", "window", "created_at", "status"),
        Index("ix_case_owner", "owner_clerk_id", "status"),
        Index("ix_case_first_asked_window", "first_asked_clerk_id", "status", "window"),
        Index("ix_case_accepted", "accepted_at", "window", "first_asked_clerk_id"),
        Index("ix_case_completed", "completed_at", "status", "window", "first_asked_clerk_id", "case_class",
              "due_date", "created_at"),
        Index("ix_case_status_updated", "status", "updated_at"),
        # only the urgent cases, in queue order: the "urgent first" lookup reads a handful (migration 0012)
        Index("ix_case_urgent", "created_at", "id", sqlite_where=text("is_urgent = 1")),
        # only the cases returned now, by their last return: the report's raw returned count (migration 0013)
        Index("ix_case_returned", "status", "returned_at", "window", "first_asked_clerk_id",
              sqlite_where=text("status = 'returned'")),
    )

    id: str = Field(primary_key=True)  # uuid4 hex
    case_no: str = Field(unique=True)  # station code + date + sequence, e.g. ZX01-20261124-0007
    window: str = Field(foreign_key="window.number")  # the window that owns it now
    item_code: str
    item_name: str = Field(index=True)
    item_class: str  # the catalog class (immediate/promised/joint/reported)
    item_department: str = ""  # the approving department (承诺件通知书 has a copy for it)
    promised_days: int = 0  # working days promised for the item when the case was registered
    legal_days: int = 0
    case_class: str  # the current class (CaseClass)
    status: str  # CaseStatus
    applicant_name: str = Field(index=True)
    applicant_id_no: str = ""  # full number: local only, never in an event or a log
    applicant_id_masked: str = ""
    applicant_phone: str = ""
    applicant_phone_masked: str = ""
    agent_name: str = ""
    agent_id_no: str = ""
    agent_id_masked: str = ""
    agent_phone: str = ""
    agent_phone_masked: str = ""
    agent_relation: str = ""  # 子女 / 村级代办员 / ...
    has_power_of_attorney: bool = False
    note: str = ""
    first_asked_clerk_id: str = Field(foreign_key="clerk.id")  # 首问责任人
    owner_clerk_id: str = Field(foreign_key="clerk.id")
    created_at: NaiveDatetime
    received_at: NaiveDatetime | None = None  # materials received (收件)
    accepted_at: NaiveDatetime | None = None
    acceptance_date: date | None = None  # the day the working-day clock starts from
    due_date: date | None = None
    due_provisional: bool = False
    completed_at: NaiveDatetime | None = None
    delivery: str = ""  # Delivery
    delivery_address: str = ""  # 邮寄送达: where the result is posted (local only, never in an event)
    result: str = ""  # CompletionResult once completed: approved | refused
    result_reasons: str = ""  # a refusal's reasons, one a line
    is_urgent: bool = False
    rating_level: str = ""
    return_reasons: str = ""
    returned_at: NaiveDatetime | None = None  # the last return (case.returned event), set with it (0013)
    updated_at: NaiveDatetime


class CaseMaterial(SQLModel, table=True):
    """One line of the one-time checklist for a case."""

    __table_args__ = (UniqueConstraint("case_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="case.id", index=True)
    position: int
    name: str
    form: str = "original"
    copies: int = 1
    is_main: bool = True
    state: str = "pending"  # MaterialState
    problem: str = ""


class Transfer(SQLModel, table=True):
    """首问负责: a matter moved to the right window; the first-asked clerk keeps following it."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="case.id", index=True)
    from_window: str
    to_window: str
    reason: str
    by_clerk_id: str = Field(foreign_key="clerk.id")
    at: NaiveDatetime


class Notice(SQLModel, table=True):
    """A written notice issued to a visitor (or a handover sheet / counter sign)."""

    id: str = Field(primary_key=True)
    case_id: str | None = Field(default=None, foreign_key="case.id", index=True)
    kind: str  # NoticeKind
    issued_at: NaiveDatetime
    issued_by: str = Field(foreign_key="clerk.id")
    reprint_of: str | None = None
    archive_path: str = ""
    print_state: str = Field(default="queued", index=True)  # queued | printed | failed | superseded (another copy printed)
    print_error: str = ""
    printed_at: NaiveDatetime | None = None
    training: bool = False
    doc_no: str = ""  # 文号, per station and year; a reprint keeps the original's (migration 0007)
    detail: str = "{}"  # JSON: what the clerk confirmed at issue (joint departments, result...); reprints reuse it


class Rating(SQLModel, table=True):
    """好差评. The rater's identity (if given) is visible to the centre head only."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="case.id", unique=True)
    level: str  # very_satisfied | satisfied | basic | unsatisfied | very_unsatisfied
    score: int
    comment: str = ""
    rater_name: str = ""
    clerk_id: str = Field(foreign_key="clerk.id")
    window: str
    at: NaiveDatetime


class Complaint(SQLModel, table=True):
    """投诉. The complainant is confidential: the name is shown to the centre head only."""

    id: str = Field(primary_key=True)
    case_id: str | None = Field(default=None, foreign_key="case.id", index=True)
    window: str = ""
    channel: str  # spoken | phone | written
    complainant_name: str = ""
    content: str
    multi_unit: bool = False
    received_at: NaiveDatetime
    due_date: date
    due_provisional: bool = False
    status: str = "open"  # open | answered
    answer: str = ""
    answered_at: NaiveDatetime | None = None
    recorded_by: str = Field(foreign_key="clerk.id")


class Event(SQLModel, table=True):
    """The append-only log: audit trail and outbox to the central office."""

    __table_args__ = (
        UniqueConstraint("station", "seq"),
        # the outbox filter is sent_at IS NULL AND set_aside_reason = '' (ordered by seq): all three in
        # the index, so the home screen's pending count never reads the table (migration 0004)
        Index("ix_event_outbox", "sent_at", "set_aside_reason", "seq"),
        Index("ix_event_case", "case_id", "seq"),
    )

    id: str = Field(primary_key=True)  # uuid4 hex
    station: str
    seq: int  # per-station, gap-free, starts at 1
    at: NaiveDatetime
    clerk_id: str | None = None
    type: str  # EventType
    case_id: str | None = None
    payload: str  # JSON object; never a full ID or phone number
    sent_at: NaiveDatetime | None = None
    set_aside_reason: str = ""  # the office rejected it as invalid; kept, shown, not resent


class Draft(SQLModel, table=True):
    """An intake that was being typed but not yet confirmed: offered back on the next start."""

    id: str = Field(primary_key=True)
    clerk_id: str = Field(foreign_key="clerk.id", index=True)
    kind: str = "intake"
    data: str  # JSON
    updated_at: NaiveDatetime


class Counter(SQLModel, table=True):
    """Named counters, e.g. the daily case-number sequence."""

    name: str = Field(primary_key=True)
    value: int = 0


class KeyValue(SQLModel, table=True):
    """Small station-level state (desk pause, day open, sync marks, catalog version...)."""

    key: str = Field(primary_key=True)
    value: str


class Review(SQLModel, table=True):
    """复核: the applicant asks the centre head to review a non-acceptance (three working days)."""

    id: str = Field(primary_key=True)
    case_id: str = Field(foreign_key="case.id", index=True)
    requested_at: NaiveDatetime
    due_date: date
    due_provisional: bool = False
    reason: str = ""
    decision: str = ""  # "" while open | upheld | overturned
    decision_note: str = ""
    decided_by: str | None = None
    decided_at: NaiveDatetime | None = None


class ClockPause(SQLModel, table=True):
    """特别程序: time on a step that does not count toward the limit (公示, 实地核查, ...)."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="case.id", index=True)
    reason: str
    started_on: date
    ended_on: date | None = None


class Extension(SQLModel, table=True):
    """延期: once per promised case, approved by the centre head, reason told to the applicant."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="case.id", unique=True)
    days: int
    reason: str
    approved_by: str = Field(foreign_key="clerk.id")
    at: NaiveDatetime


class FollowUp(SQLModel, table=True):
    """A task that must be done by a date: a bad rating's return visit and rectification, a monthly
    回访, a 不管件 routed by the head."""

    id: str = Field(primary_key=True)
    kind: str  # bad_rating | revisit | unowned
    case_id: str | None = Field(default=None, foreign_key="case.id", index=True)
    window: str = ""
    opened_at: NaiveDatetime
    visit_due: date | None = None
    due_date: date | None = None
    status: str = "open"  # open | visited | closed
    outcome: str = ""
    closed_at: NaiveDatetime | None = None


class Handover(SQLModel, table=True):
    """交接: who handed which window's work to whom, when."""

    id: str = Field(primary_key=True)
    window: str = Field(foreign_key="window.number")
    from_clerk_id: str = Field(foreign_key="clerk.id")
    to_clerk_id: str = Field(foreign_key="clerk.id")
    at: NaiveDatetime
    note: str = ""
    open_cases: int = 0
    case_notes: str = "{}"  # JSON: case_id -> note


class DeskPause(SQLModel, table=True):
    """暂停服务 at a window, with a reason, an expected return and where to send visitors."""

    id: int | None = Field(default=None, primary_key=True)
    window: str = Field(foreign_key="window.number", index=True)
    clerk_id: str = Field(foreign_key="clerk.id")
    reason: str
    expected_back: NaiveDatetime | None = None
    redirect_window: str = ""
    started_at: NaiveDatetime
    ended_at: NaiveDatetime | None = None


class WorkDay(SQLModel, table=True):
    """开班 / 收班 of a window on a date."""

    __table_args__ = (UniqueConstraint("day", "window"),)

    id: int | None = Field(default=None, primary_key=True)
    day: date
    window: str = Field(foreign_key="window.number")
    opened_at: NaiveDatetime | None = None
    opened_by: str | None = None
    closed_at: NaiveDatetime | None = None
    closed_by: str | None = None
    summary: str = ""  # JSON of the day's figures at closing


class CaseDay(SQLModel, table=True):
    """The report's per-day read model, written only by the triggers of ``store/report_summary.py``
    (migration 0011); declared here so the models and the migrations describe the same schema."""

    __tablename__ = "case_day"

    kind: str = Field(primary_key=True)  # registered | accepted | completed | returned (0013)
    day: str = Field(primary_key=True)  # YYYY-MM-DD
    window: str = Field(primary_key=True)
    clerk: str = Field(primary_key=True)
    case_class: str = Field(primary_key=True)  # '' except for registered
    n: int = 0
    answered: int = 0
    promised: int = 0
    promised_on_time: int = 0
    immediate: int = 0
    immediate_secs: int = 0
    immediate_max: int = 0
    immediate_within: int = 0


class CaseCount(SQLModel, table=True):
    """The home screen's counters by (kind, day, window, clerk, status), written only by the triggers of
    ``store/report_summary.py`` (migration 0011)."""

    __tablename__ = "case_count"

    kind: str = Field(primary_key=True)  # created | status | due
    day: str = Field(primary_key=True)
    window: str = Field(primary_key=True)
    clerk: str = Field(primary_key=True)
    status: str = Field(primary_key=True)
    n: int = 0
