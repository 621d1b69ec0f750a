"""What a clerk may do with a case right now, which notice it gets, and how its clock may be paused.

These decisions used to be made in the screens (case detail hid keys with its own copy of the
extendable classes, the checklist and case detail each chose the notice). They are pure functions of
the case's facts here, so the desk, the CLI and the training runner ask the same question and get the
same answer; the services still enforce each rule when the action is performed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from deskclient.domain.cases import CaseClass, CaseStatus, Outcome
from deskclient.domain.catalog import ServiceItem
from deskclient.domain.clock_types import PauseReason
from deskclient.domain.notices import NoticeKind
from deskclient.strings import clocks_ui as TC

#: Classes whose promised date may be extended once (延期, the head's approval): exactly the classes
#: whose acceptance starts a promised-date clock (``CaseClass.has_due_date``).
EXTENDABLE_CLASSES = frozenset(c for c in CaseClass if c.has_due_date)


class CaseAction(StrEnum):
    """The follow-up actions on an existing case (the keys of case detail)."""

    DECIDE = "decide"  # 已登记 / 收件待审: (re)open the checklist; accept, ask for a supplement or refuse
    REVIEW = "review"  # 复核: the applicant asks the head to review a non-acceptance
    SUPPLEMENT = "supplement"  # the visitor brought the missing materials
    COMPLETE = "complete"
    TRANSFER = "transfer"
    URGENT = "urgent"  # 急办件, approved by the head
    EXTEND = "extend"  # 延期, approved by the head
    PAUSE_CLOCK = "pause_clock"  # 特别程序
    RESUME_CLOCK = "resume_clock"
    RESULT_RETURNED = "result_returned"  # the approving department handed the result back to the window
    RATE = "rate"
    COMPLAIN = "complain"
    NOTICE = "notice"


@dataclass(frozen=True)
class CaseFacts:
    """What the decision needs to know about a case (from its row and its clocks)."""

    status: CaseStatus
    case_class: CaseClass
    item_class: CaseClass
    is_urgent: bool = False
    has_due_date: bool = False  # the row holds a promised date
    clock_paused: bool = False  # a 特别程序 pause is open
    extended: bool = False  # the one extension was used
    rated: bool = False
    open_review: bool = False  # a 复核 request waits for the head's decision
    result_returned: bool = False  # the department already handed the result back (case.result_returned)


#: The actions that move an open case on towards its end (the others record things beside it).
FORWARD_ACTIONS = frozenset({CaseAction.DECIDE, CaseAction.SUPPLEMENT, CaseAction.COMPLETE})


def allowed_actions(f: CaseFacts) -> frozenset[CaseAction]:
    """The actions that make sense for a case in this state (the services refuse the others too)."""
    running = f.status is CaseStatus.ACCEPTED and f.has_due_date
    allowed = {
        CaseAction.COMPLAIN: True,
        CaseAction.NOTICE: True,
        # 已登记 (Esc or a crash in the checklist, a transfer at intake, an overturned 复核, a 不管件) and
        # 收件待审 both go on through the checklist: no open case is left without a way forward
        CaseAction.DECIDE: f.status in (CaseStatus.REGISTERED, CaseStatus.EXAMINING),
        CaseAction.REVIEW: f.status is CaseStatus.RETURNED and not f.open_review,
        CaseAction.EXTEND: running and f.case_class in EXTENDABLE_CLASSES and not f.extended,
        CaseAction.PAUSE_CLOCK: running and not f.clock_paused and f.case_class is not CaseClass.IMMEDIATE,
        CaseAction.RESUME_CLOCK: running and f.clock_paused,
        # 承诺/联办/上报件: the department hands the result back by the day before the promised date
        CaseAction.RESULT_RETURNED: running and f.case_class is not CaseClass.IMMEDIATE and not f.result_returned,
        CaseAction.SUPPLEMENT: f.status is CaseStatus.AWAITING_SUPPLEMENT,
        CaseAction.COMPLETE: f.status is CaseStatus.ACCEPTED,
        CaseAction.TRANSFER: f.status.is_open,
        CaseAction.URGENT: f.status.is_open and not f.is_urgent,
        CaseAction.RATE: not f.status.is_open and not f.rated and f.status is not CaseStatus.ANSWERED,
    }
    return frozenset(a for a, ok in allowed.items() if ok)


_NOTICE_FOR_OUTCOME = {Outcome.SUPPLEMENT: NoticeKind.SUPPLEMENT, Outcome.REJECT: NoticeKind.REJECTION,
                       Outcome.ENQUIRY: NoticeKind.CHECKLIST}
_NOTICE_FOR_CLASS = {CaseClass.PROMISED: NoticeKind.PROMISE, CaseClass.JOINT: NoticeKind.JOINT}
_OUTCOME_OF_STATUS = {CaseStatus.AWAITING_SUPPLEMENT: Outcome.SUPPLEMENT, CaseStatus.RETURNED: Outcome.REJECT,
                      CaseStatus.ANSWERED: Outcome.ENQUIRY, CaseStatus.REGISTERED: Outcome.ENQUIRY}


def notice_for_outcome(item_class: CaseClass, outcome: Outcome | None) -> NoticeKind:
    """The notice an outcome leads to: supplement / rejection / checklist, else the acceptance notice
    of the item's class (承诺件 and 联办件 have their own)."""
    if outcome is not None and outcome in _NOTICE_FOR_OUTCOME:
        return _NOTICE_FOR_OUTCOME[outcome]
    return _NOTICE_FOR_CLASS.get(item_class, NoticeKind.ACCEPTANCE)


def notice_for_case(status: CaseStatus, item_class: CaseClass) -> NoticeKind:
    """The notice a case in this status gets when the clerk asks for "its" notice (case detail, V)."""
    if status is CaseStatus.COMPLETED and item_class is not CaseClass.IMMEDIATE:
        return NoticeKind.COMPLETION
    return notice_for_outcome(item_class, _OUTCOME_OF_STATUS.get(status))


@dataclass(frozen=True)
class PauseChoice:
    """One way to stop the promised clock, as offered to the clerk."""

    key: str
    label: str
    reason: PauseReason
    step: str  # the catalog step's name


def step_reason(name: str) -> PauseReason:
    """Which kind of 特别程序 a catalog step is, from its name, for a catalog that does not mark it with
    ``pause`` (听证, 鉴定, 检验, 专家评审, 公示 …; else other, which art. 45 does not allow)."""
    return PauseReason(next((reason for word, reason in TC.STEP_REASON_WORDS if word in name), "other"))


def pause_choices(item: ServiceItem | None) -> list[PauseChoice]:
    """The item's non-counting steps, each with the pause kind the catalog marks (art. 45 or the item's
    own law). Waiting for the applicant is not one: art. 45 does not stop the clock for it (issue #16)."""
    out: list[PauseChoice] = []
    for i, step in enumerate(item.non_counting_steps if item is not None else ()):
        reason = PauseReason(step.pause) if step.pause else step_reason(step.name)
        out.append(PauseChoice(f"step{i}", TC.PAUSE_STEP.format(step=step.name, reason=reason.label), reason,
                               step.name))
    return out
