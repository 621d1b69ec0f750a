"""Case classes, statuses, material states and the rules that move a case between them.

DOMAIN.md rule 4 (服务操作规程) lives here. Stored values are short English codes; the Chinese
labels a clerk sees come from :mod:`deskclient.strings.cases`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from deskclient.domain.errors import RuleViolation, ValidationError
from deskclient.strings import cases as T


class CaseClass(StrEnum):
    """办件类别 (DOMAIN.md rule 4)."""

    ENQUIRY = "enquiry"  # 咨询件
    IMMEDIATE = "immediate"  # 即办件
    PROMISED = "promised"  # 承诺件
    JOINT = "joint"  # 联办件
    REPORTED = "reported"  # 上报件
    SUPPLEMENT = "supplement"  # 补正件
    RETURNED = "returned"  # 退回件
    URGENT = "urgent"  # 急办件
    UNOWNED = "unowned"  # 不管件

    @property
    def label(self) -> str:
        return T.CASE_CLASS_LABELS[self.value]

    @property
    def has_due_date(self) -> bool:
        """Classes whose acceptance starts a working-day clock with a promised date."""
        return self in {CaseClass.PROMISED, CaseClass.JOINT, CaseClass.REPORTED, CaseClass.URGENT,
                        CaseClass.UNOWNED}


# Classes an item in the catalog can carry (how the item is normally handled once accepted).
ITEM_CLASSES = (CaseClass.IMMEDIATE, CaseClass.PROMISED, CaseClass.JOINT, CaseClass.REPORTED)


class CaseStatus(StrEnum):
    REGISTERED = "registered"  # 已登记: intake started, materials not yet decided
    EXAMINING = "examining"  # 收件待审: materials taken in for examination (art. 32 clock runs)
    AWAITING_SUPPLEMENT = "awaiting_supplement"  # 待补正: supplement notice issued
    ACCEPTED = "accepted"  # 已受理/办理中: the promised-date clock runs
    COMPLETED = "completed"  # 已办结
    RETURNED = "returned"  # 不予受理/已退回
    ANSWERED = "answered"  # 咨询已答复 (an enquiry, closed on the spot)

    @property
    def label(self) -> str:
        return T.CASE_STATUS_LABELS[self.value]

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


OPEN_STATUSES = frozenset(
    {CaseStatus.REGISTERED, CaseStatus.EXAMINING, CaseStatus.AWAITING_SUPPLEMENT, CaseStatus.ACCEPTED}
)


class MaterialState(StrEnum):
    PENDING = "pending"  # 未核对
    RECEIVED = "received"  # 已收
    MISSING = "missing"  # 缺
    NOT_APPLICABLE = "na"  # 不适用
    DEFECTIVE = "defective"  # 需补正: present but not in legal form (with what is wrong, ``problem``)

    @property
    def label(self) -> str:
        return T.MATERIAL_STATE_LABELS[self.value]


class Outcome(StrEnum):
    """What the one-time checklist screen proposes and the clerk confirms."""

    ACCEPT = "accept"  # 受理 (即办: complete on the spot; 承诺/联办/上报: promised date)
    SUPPLEMENT = "supplement"  # 补正告知
    REJECT = "reject"  # 不予受理 / 退回
    ENQUIRY = "enquiry"  # 一次性告知单 for a pure enquiry
    EXAMINE = "examine"  # 收件待审: take the materials in, say what is missing within five days

    @property
    def label(self) -> str:
        return T.OUTCOME_LABELS[self.value]


class Delivery(StrEnum):
    WINDOW = "window"  # 窗口领取
    POST = "post"  # 邮寄送达

    @property
    def label(self) -> str:
        return T.DELIVERY_LABELS[self.value]


class CompletionResult(StrEnum):
    """What 办结 decided (rule 7): approved, or refused with reasons and remedies."""

    APPROVED = "approved"  # 准予办理
    REFUSED = "refused"  # 不予批准

    @property
    def label(self) -> str:
        return T.RESULT_LABELS[self.value]


@dataclass(frozen=True)
class Completion:
    """The result and its delivery as the clerk records them at 办结."""

    result: CompletionResult
    delivery: Delivery
    reasons: tuple[str, ...] = ()
    address: str = ""


def check_completion(c: Completion) -> Completion:
    """A refusal is a decision: it states its reasons; delivery by post needs the address. Returns the
    completion with reasons and address trimmed."""
    reasons = tuple(r.strip() for r in c.reasons if r.strip())
    address = c.address.strip()
    if c.result is CompletionResult.REFUSED and not reasons:
        raise ValidationError(T.REFUSAL_NEEDS_REASONS)
    if c.delivery is Delivery.POST and not address:
        raise ValidationError(T.POST_NEEDS_ADDRESS)
    return Completion(c.result, c.delivery, reasons if c.result is CompletionResult.REFUSED else (), address)


@dataclass(frozen=True)
class MaterialCheck:
    """One line of the one-time checklist as the clerk has marked it."""

    name: str
    is_main: bool  # 主件 (main document) or supporting (辅件)
    state: MaterialState
    problem: str = ""  # what is wrong with it, for the supplement notice


def propose_outcome(checks: Iterable[MaterialCheck], *, enquiry_only: bool = False,
                    ineligible: bool = False) -> Outcome:
    """The outcome the checklist proposes from the catalog's main/general marks; the clerk confirms it
    (or returns the case with F6). The rule (docs/decisions.md, "补正, 退回件 and 容缺受理"):

    - a pure enquiry → the written one-time checklist (一次性告知单);
    - plainly ineligible, or a **main** material (主件) missing → 退回件 with its 退回件通知单
      (seed 003: 主要申报材料缺少而不能受理的 / 退回件: 申报材料中的主件缺少);
    - every main material present but one of them **not in legal form** (marked 需补正 with what is
      wrong) → 补正告知 (《行政许可法》第三十二条: 不符合法定形式的, 一次告知需要补正的全部内容); the
      补正告知书 lists every defective material with what is wrong and every missing general material;
    - main materials complete and in form, general materials missing or needing correction → accept
      (容缺受理) with a 补报材料通知单 naming what to bring or correct (seed 003:
      主要申报材料齐全, 但一般材料欠缺, 需要申请人补充材料或作进一步更正、说明的, 应予受理);
    - everything received or not applicable → accept.
    A request with a material not yet marked cannot be decided.
    """
    if enquiry_only:
        return Outcome.ENQUIRY
    if ineligible:
        return Outcome.REJECT
    checks = list(checks)
    if any(c.state is MaterialState.PENDING for c in checks):
        raise RuleViolation(T.CHECKLIST_INCOMPLETE)
    if main_missing(checks):
        return Outcome.REJECT
    if main_defective(checks):
        return Outcome.SUPPLEMENT
    return Outcome.ACCEPT


def missing_materials(checks: Iterable[MaterialCheck]) -> list[MaterialCheck]:
    """Every missing material, in checklist order."""
    return [c for c in checks if c.state is MaterialState.MISSING]


def supplement_materials(checks: Iterable[MaterialCheck]) -> list[MaterialCheck]:
    """What a 补正告知书 lists, all at once and in checklist order: every material missing or marked
    需补正 (with what is wrong) (《行政许可法》第三十二条, DOMAIN.md rule 3)."""
    return [c for c in checks if c.state in (MaterialState.MISSING, MaterialState.DEFECTIVE)]


def follow_up_materials(checks: Iterable[MaterialCheck]) -> list[MaterialCheck]:
    """The general materials (非主件) still missing or needing correction when a case is accepted: the
    补报材料通知单 lists them with a date to bring them by (seed 003, 容缺受理)."""
    return [c for c in checks if not c.is_main and c.state in (MaterialState.MISSING, MaterialState.DEFECTIVE)]


def main_missing(checks: Iterable[MaterialCheck]) -> list[MaterialCheck]:
    """Main materials (主件) missing: the application is returned (退回件), not accepted (seed 003)."""
    return [c for c in checks if c.is_main and c.state is MaterialState.MISSING]


def main_defective(checks: Iterable[MaterialCheck]) -> list[MaterialCheck]:
    """Main materials (主件) present but not in legal form: 补正告知 (《行政许可法》第三十二条)."""
    return [c for c in checks if c.is_main and c.state is MaterialState.DEFECTIVE]


def check_defect(state: MaterialState, problem: str) -> str:
    """A material marked 需补正 says what is wrong (it goes on the notice); returns the trimmed text."""
    problem = (problem or "").strip()
    if state is MaterialState.DEFECTIVE and not problem:
        raise ValidationError(T.DEFECT_NEEDS_PROBLEM)
    return problem


def check_accept_materials(checks: Iterable[MaterialCheck]) -> list[MaterialCheck]:
    """Raise if the case cannot be accepted on these materials; return what must follow (补报).

    Seed 003: acceptance needs every main material, in legal form; missing or defective general
    materials are accepted with a 补报材料通知单.
    """
    checks = list(checks)
    if main_missing(checks):
        raise RuleViolation(T.CANNOT_ACCEPT_MAIN_MISSING.format(
            names="、".join(c.name for c in main_missing(checks))))
    if main_defective(checks):
        raise RuleViolation(T.CANNOT_ACCEPT_MAIN_DEFECTIVE.format(
            names="、".join(c.name for c in main_defective(checks))))
    return follow_up_materials(checks)


def newly_missing(first_notice: Iterable[str], now_missing: Iterable[str]) -> list[str]:
    """Materials marked missing now that the first supplement notice did not list (DOMAIN.md rule 3:
    the notice lists everything at once). Each is a breach of one-time notification unless the head
    approves it with a reason."""
    listed = {name.strip() for name in first_notice}
    return [name for name in dict.fromkeys(n.strip() for n in now_missing) if name not in listed]


def check_one_time_notification(first_notice: Iterable[str], now_missing: Iterable[str], *,
                                 head_approved: bool, reason: str) -> list[str]:
    """Raise unless every newly missing material is approved by the head with a reason; return them."""
    added = newly_missing(first_notice, now_missing)
    if added and (not head_approved or not reason.strip()):
        raise RuleViolation(T.ONE_TIME_NOTIFICATION_BREACH.format(names="、".join(added)))
    return added


def queue_key(*, urgent: bool, due: date | None, received: datetime | None) -> tuple[int, date, datetime]:
    """Sort key of every case queue: urgent cases (急办件, seed 003 "从速从快") lead, then by due date,
    then by arrival. Cases without a due date come after dated ones of the same urgency."""
    return (0 if urgent else 1, due or date.max, received or datetime.max)


# Which outcome may be confirmed from which status.
_OUTCOME_FROM: dict[Outcome, frozenset[CaseStatus]] = {
    Outcome.ACCEPT: frozenset({CaseStatus.REGISTERED, CaseStatus.EXAMINING, CaseStatus.AWAITING_SUPPLEMENT}),
    Outcome.SUPPLEMENT: frozenset({CaseStatus.REGISTERED, CaseStatus.EXAMINING,
                                   CaseStatus.AWAITING_SUPPLEMENT}),
    Outcome.REJECT: frozenset({CaseStatus.REGISTERED, CaseStatus.EXAMINING, CaseStatus.AWAITING_SUPPLEMENT}),
    Outcome.ENQUIRY: frozenset({CaseStatus.REGISTERED}),
    Outcome.EXAMINE: frozenset({CaseStatus.REGISTERED}),
}


def check_outcome_allowed(status: CaseStatus, outcome: Outcome) -> None:
    if status not in _OUTCOME_FROM[outcome]:
        raise RuleViolation(T.OUTCOME_NOT_ALLOWED.format(outcome=outcome.label, status=status.label))


# Statuses in which the checklist may be (re)marked before an outcome is confirmed.
MARKABLE_STATUSES = frozenset({CaseStatus.REGISTERED, CaseStatus.EXAMINING, CaseStatus.AWAITING_SUPPLEMENT})


def check_can_mark(status: CaseStatus) -> None:
    """Checklist marks are saved as they are made, while the case still waits for its outcome."""
    if status not in MARKABLE_STATUSES:
        raise RuleViolation(T.MARK_NOT_ALLOWED.format(status=status.label))


def check_can_complete(status: CaseStatus) -> None:
    if status is not CaseStatus.ACCEPTED:
        raise RuleViolation(T.COMPLETE_NOT_ALLOWED.format(status=status.label))


def check_can_transfer(status: CaseStatus, from_window: str, to_window: str) -> None:
    if not status.is_open:
        raise RuleViolation(T.TRANSFER_CLOSED.format(status=status.label))
    if from_window == to_window:
        raise RuleViolation(T.TRANSFER_SAME_WINDOW)


def check_can_rate(status: CaseStatus, already_rated: bool) -> None:
    if status.is_open:
        raise RuleViolation(T.RATE_OPEN_CASE)
    if already_rated:
        raise RuleViolation(T.RATE_TWICE)


def class_after_outcome(item_class: CaseClass, outcome: Outcome, current: CaseClass | None = None) -> CaseClass:
    """The case's class once the outcome is confirmed (补正件, 退回件, 咨询件, or the item's own class).

    急办 is a mark the centre puts on a case (``is_urgent``), not a class: an urgent 承诺件 stays a
    承诺件 (its notice, its limit and the reports by class depend on it) and goes first in every queue.
    A 不管件 (``current``) accepted stays a 不管件: the head's routing and its tab follow it."""
    if outcome is Outcome.ENQUIRY:
        return CaseClass.ENQUIRY
    if outcome is Outcome.REJECT:
        return CaseClass.RETURNED
    if outcome in (Outcome.SUPPLEMENT, Outcome.EXAMINE):
        return CaseClass.SUPPLEMENT
    if current is CaseClass.UNOWNED:
        return CaseClass.UNOWNED
    return item_class


def status_after_outcome(outcome: Outcome, item_class: CaseClass) -> CaseStatus:
    """An accepted 即办件 is finished on the spot; other accepted cases stay open until completed."""
    return {
        Outcome.ENQUIRY: CaseStatus.ANSWERED,
        Outcome.REJECT: CaseStatus.RETURNED,
        Outcome.SUPPLEMENT: CaseStatus.AWAITING_SUPPLEMENT,
        Outcome.EXAMINE: CaseStatus.EXAMINING,
        Outcome.ACCEPT: CaseStatus.ACCEPTED,
    }[outcome]


IMMEDIATE_LIMIT_MINUTES = 30  # 即办件: finished on the spot, within 30 minutes (rule 4)
