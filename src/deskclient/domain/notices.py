"""What a written notice says, and what each kind of notice must contain (DOMAIN.md rules 3, 4, 6, 7).

``NoticeData`` is everything one notice shows, already safe to print: identity numbers are kept only
in masked form (a full number given to the constructor is masked on the spot, and anything that
still looks like a full number is refused), and every free-text field passes through ``redact`` so
a number typed into a note never reaches paper. Templates turn it into words; renderers into paper.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from deskclient.domain.errors import RuleViolation, ValidationError
from deskclient.domain.identity import mask_id, mask_phone, redact
from deskclient.strings import cases as TC
from deskclient.strings import notices as T


class NoticeKind(StrEnum):
    ACCEPTANCE = "acceptance"  # 受理通知书
    PROMISE = "promise"  # 承诺件通知书, in triplicate
    JOINT = "joint"  # 联办件通知书, in duplicate
    SUPPLEMENT = "supplement"  # 补正告知书
    REJECTION = "rejection"  # 不予受理告知书 / 退回件通知单, in duplicate
    CHECKLIST = "checklist"  # 一次性告知单 (enquiry)
    COMPLETION = "completion"  # 办结通知 (pick-up or post)
    HANDOVER = "handover"  # 交接单 (AB post handover)
    EXTENSION = "extension"  # 延期通知书
    PAUSE_SIGN = "pause_sign"  # 暂停服务告示
    CLOCK_PAUSE = "clock_pause"  # 特别程序告知书: art. 45, the time needed, told in writing
    URGENT = "urgent"  # 急办件通知单: from the centre to the lead window (seed 003)
    FOLLOW_UP = "follow_up"  # 补报材料通知单: 容缺受理, the general materials to bring and by when (seed 003)

    @property
    def label(self) -> str:
        return T.KIND_LABELS[self.value]

    @property
    def is_about_a_case(self) -> bool:
        """Handover sheets and pause signs belong to a window, not to one case."""
        return self not in (NoticeKind.HANDOVER, NoticeKind.PAUSE_SIGN)

    @classmethod
    def parse(cls, value: str) -> NoticeKind:
        """Accept the code ("acceptance") or the Chinese label ("受理通知书"); a clear message otherwise."""
        text = value.strip()
        for kind in cls:
            if text in (kind.value, kind.label):
                return kind
        kinds = "、".join(f"{k.value}({k.label})" for k in cls)
        raise ValidationError(T.UNKNOWN_KIND.format(kind=text, kinds=kinds))


# A masked number never has this many digits in a row; a full ID (15/18) or mobile (11) always does.
_LONG_DIGIT_RUN = re.compile(r"\d{7,}")


def _masked(value: str, masker: Any, field_name: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    masked = value if "*" in value else masker(value)
    if _LONG_DIGIT_RUN.search(masked):
        raise ValidationError(T.FULL_NUMBER_REJECTED.format(field=T.FIELD_LABELS.get(field_name, field_name)))
    return masked


def _text(value: Any) -> str:
    return redact(str(value)) if value else ""


def _texts(values: Iterable[Any] | None) -> tuple[str, ...]:
    return tuple(_text(v) for v in (values or ()) if v)


def _set(obj: object, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


@dataclass(frozen=True)
class Person:
    """An applicant or agent as a notice shows them: name, masked ID and phone, relation."""

    name: str
    id_masked: str = ""  # a full number given here is masked on construction
    phone_masked: str = ""
    relation: str = ""  # for an agent: 子女 / 村级代办员 / ...

    def __post_init__(self) -> None:
        _set(self, "name", _text(self.name).strip())
        _set(self, "id_masked", _masked(self.id_masked, mask_id, "id_masked"))
        _set(self, "phone_masked", _masked(self.phone_masked, mask_phone, "phone_masked"))
        _set(self, "relation", _text(self.relation))


@dataclass(frozen=True)
class NoticeMaterial:
    """One material line: the one-time checklist, the supplement notice, the acceptance receipt."""

    name: str
    form: str = "original"  # original | copy | both | electronic (or any text the catalog uses)
    copies: int = 1
    is_main: bool = True
    state: str = ""  # MaterialState value, "" when not examined (an enquiry)
    problem: str = ""  # what is wrong or missing, for the supplement notice

    def __post_init__(self) -> None:
        _set(self, "name", _text(self.name))
        _set(self, "problem", _text(self.problem))

    @property
    def form_label(self) -> str:
        return T.MATERIAL_FORM_LABELS.get(self.form, self.form)

    @property
    def state_label(self) -> str:
        return TC.MATERIAL_STATE_LABELS.get(self.state, self.state)


@dataclass(frozen=True)
class HandoverLine:
    """One open case on a handover sheet."""

    case_no: str
    item_name: str
    status: str = ""  # a label, already in Chinese
    due_date: date | None = None
    note: str = ""

    def __post_init__(self) -> None:
        _set(self, "item_name", _text(self.item_name))
        _set(self, "note", _text(self.note))


_TEXT_FIELDS = (
    "centre", "station", "window", "case_no", "item_name", "item_code", "case_class", "clerk", "time_limit",
    "fee", "fee_basis", "delivery", "delivery_detail", "progress_check", "complaint", "result", "department",
    "handover_from", "handover_to", "extension_reason", "pause_reason", "redirect_window", "note",
    "pause_basis", "pause_step",
)
_TUPLE_FIELDS = ("reasons", "remedies", "basis", "procedure", "departments", "extra_lines")


@dataclass(frozen=True)
class NoticeData:
    """Everything one notice shows. Safe to print: no full ID or phone number can be held here."""

    kind: NoticeKind
    issued_at: datetime
    centre: str = ""  # 某某镇便民服务中心
    station: str = ""
    window: str = ""  # as shown: "3号窗口(民政)"
    case_no: str = ""
    applicant: Person | None = None
    agent: Person | None = None
    item_name: str = ""
    item_code: str = ""
    case_class: str = ""  # label, e.g. 承诺件
    clerk: str = ""
    promised_date: date | None = None
    promised_provisional: bool = False  # that year's holiday schedule is not yet published
    acceptance_date: date | None = None
    materials: tuple[NoticeMaterial, ...] = ()
    missing: tuple[NoticeMaterial, ...] = ()
    reasons: tuple[str, ...] = ()
    remedies: tuple[str, ...] = ()  # empty: the template's standard remedies are printed
    basis: tuple[str, ...] = ()
    procedure: tuple[str, ...] = ()
    time_limit: str = ""  # e.g. "5个工作日"
    fee: str = ""  # e.g. "不收费"
    fee_basis: str = ""
    delivery: str = ""  # Delivery value: window | post
    delivery_detail: str = ""  # where / when to pick up, or the post's tracking number
    progress_check: str = ""  # how to check progress (phone, hall screen, website)
    complaint: str = ""  # where to complain (phone, box)
    result: str = ""  # completion: what the result is
    department: str = ""  # promise: the approving department
    departments: tuple[str, ...] = ()  # joint: the departments involved
    review_days: int = 3  # 复核 decided within this many working days
    reprint_at: datetime | None = None  # set: the notice is a reprint (补打) made at this time
    training: bool = False  # training mode: 培训样张, not a valid document
    handover_from: str = ""
    handover_to: str = ""
    handover_cases: tuple[HandoverLine, ...] = ()
    extension_days: int | None = None
    extension_reason: str = ""
    original_date: date | None = None
    pause_reason: str = ""  # the 暂停服务 sign's reason, or the 特别程序 (听证、鉴定 …) on a clock pause
    pause_step: str = ""  # the catalog step the clock stands still for
    pause_basis: str = ""  # art. 45 or the item's own law
    pause_days: int | None = None  # the time needed, told to the applicant (art. 45)
    pause_start: date | None = None
    follow_up_by: date | None = None  # 补报材料通知单: bring the general materials by this day
    expected_back: datetime | None = None
    redirect_window: str = ""
    extra_lines: tuple[str, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        _set(self, "kind", NoticeKind(self.kind))
        for name in _TEXT_FIELDS:
            _set(self, name, _text(getattr(self, name)))
        for name in _TUPLE_FIELDS:
            _set(self, name, _texts(getattr(self, name)))
        for name in ("materials", "missing", "handover_cases"):
            _set(self, name, tuple(getattr(self, name) or ()))
        for name in ("applicant", "agent"):
            person = getattr(self, name)
            if person is not None and not isinstance(person, Person):
                raise ValidationError(T.FULL_NUMBER_REJECTED.format(field=T.FIELD_LABELS.get(name, name)))

    @property
    def is_reprint(self) -> bool:
        return self.reprint_at is not None

    def to_context(self) -> dict[str, Any]:
        """The fields as template variables (shallow: nested dataclasses stay objects)."""
        ctx = {f.name: getattr(self, f.name) for f in fields(self)}
        ctx["kind_label"] = self.kind.label
        return ctx


_COMMON = ("centre", "window", "case_no", "applicant", "item_name", "issued_at", "clerk")
_REQUIRED: dict[NoticeKind, tuple[str, ...]] = {
    NoticeKind.ACCEPTANCE: (*_COMMON, "acceptance_date"),
    NoticeKind.PROMISE: (*_COMMON, "acceptance_date", "promised_date", "time_limit"),
    NoticeKind.JOINT: (*_COMMON, "acceptance_date", "promised_date", "departments"),
    NoticeKind.SUPPLEMENT: (*_COMMON, "missing"),
    NoticeKind.REJECTION: (*_COMMON, "reasons"),
    NoticeKind.CHECKLIST: (*_COMMON, "materials", "basis", "procedure", "time_limit", "fee"),
    NoticeKind.COMPLETION: (*_COMMON, "delivery"),
    NoticeKind.HANDOVER: ("centre", "window", "issued_at", "handover_from", "handover_to"),
    NoticeKind.EXTENSION: (*_COMMON, "promised_date", "original_date", "extension_days", "extension_reason"),
    NoticeKind.PAUSE_SIGN: ("centre", "window", "issued_at", "pause_reason"),
    NoticeKind.CLOCK_PAUSE: (*_COMMON, "promised_date", "pause_reason", "pause_basis", "pause_days",
                             "pause_start"),
    NoticeKind.URGENT: ("centre", "window", "case_no", "item_name", "issued_at", "reasons"),
    NoticeKind.FOLLOW_UP: (*_COMMON, "acceptance_date", "missing", "follow_up_by"),
}


def required_fields(kind: NoticeKind | str) -> tuple[str, ...]:
    """The NoticeData fields a notice of this kind cannot be issued without."""
    return _REQUIRED[NoticeKind(kind)]


def _present(value: Any) -> bool:
    if isinstance(value, Person):
        return bool(value.name)
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return value > 0
    return bool(value)


def check_notice(data: NoticeData) -> None:
    """Refuse a notice that lacks what its kind must show (rule 3: everything, at once)."""
    missing = [name for name in required_fields(data.kind) if not _present(getattr(data, name))]
    if missing:
        labels = "、".join(T.FIELD_LABELS.get(name, name) for name in missing)
        raise RuleViolation(T.NOTICE_INCOMPLETE.format(kind=data.kind.label, fields=labels))


__all__ = [
    "HandoverLine",
    "NoticeData",
    "NoticeKind",
    "NoticeMaterial",
    "Person",
    "check_notice",
    "required_fields",
]
