"""What a written notice says, and what each kind of notice must contain (DOMAIN.md rules 3, 4, 6, 7).

``NoticeData`` is everything one notice shows, already safe to print. Personal fields are masked by
what they are: the applicant's and agent's ID and phone are kept only in masked form (a full number
given to the constructor is masked on the spot, and anything that still looks like a full number is
refused), and the free text a clerk or visitor typed (reasons, problems, notes, addresses) passes
through ``identity.redact``. Structured fields — the case number, the document number, dates, the
station's own public phone numbers, catalog text — are never run through ``redact``: a case number
such as ``520102-20261124-0001`` looks like an ID number to a pattern and must still print whole.
Templates turn the data into words; renderers into paper.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from deskclient.domain.errors import RuleViolation, ValidationError
from deskclient.domain.identity import mask_id, mask_phone, redact
from deskclient.strings import cases as TC
from deskclient.strings import catalog as TK
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


# identity.redact learns the station's code with issue #17 (a quoted case number of this station
# then stays whole); until that version is merged, the one-argument form is used.
_REDACT_TAKES_STATION = "station" in inspect.signature(redact).parameters


def _text(value: Any, station: str = "") -> str:
    """Free text typed at the window, with personal numbers masked by the shared ``identity.redact``."""
    if not value:
        return ""
    return redact(str(value), station) if _REDACT_TAKES_STATION else redact(str(value))


def _texts(values: Iterable[Any] | None, station: str = "") -> tuple[str, ...]:
    return tuple(_text(v, station) for v in (values or ()) if v)


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
    form: str = "original"  # catalog MaterialForm value: original | copy | original_and_copy
    copies: int = 1
    is_main: bool = True
    state: str = ""  # MaterialState value, "" when not examined (an enquiry)
    problem: str = ""  # what is wrong or missing, for the supplement notice (typed: redacted)
    notes: str = ""  # the catalog's note for this material ("验原件,留复印件")

    def __post_init__(self) -> None:
        _set(self, "name", (self.name or "").strip())
        _set(self, "problem", _text(self.problem))
        _set(self, "notes", (self.notes or "").strip())

    @property
    def form_label(self) -> str:
        """The Chinese label; a form code no table knows never reaches paper raw (Chinese text given
        by a centre's own catalog is shown as it is)."""
        label = TK.MATERIAL_FORM_LABELS.get(self.form)
        if label is not None:
            return label
        return self.form if self.form and not self.form.isascii() else ""

    @property
    def state_label(self) -> str:
        return TC.MATERIAL_STATE_LABELS.get(self.state, "")

    @property
    def main_label(self) -> str:
        return TK.MAIN_LABEL if self.is_main else TK.SUPPORTING_LABEL


@dataclass(frozen=True)
class HandoverLine:
    """One open case on a handover sheet."""

    case_no: str
    item_name: str
    status: str = ""  # a label, already in Chinese
    due_date: date | None = None
    note: str = ""

    def __post_init__(self) -> None:
        _set(self, "note", _text(self.note))


# Typed by a clerk or a visitor: any number in them is masked (identity.redact) before paper.
_FREE_TEXT_FIELDS = (
    "delivery_detail", "delivery_address", "result", "extension_reason", "pause_reason", "note",
    "handover_from", "handover_to",
)
_FREE_TUPLE_FIELDS = ("reasons", "remedies", "extra_lines")
# Structured or official (catalog, settings, ledger): printed exactly as they are, never pattern-masked.
_PLAIN_FIELDS = (
    "centre", "county_centre", "station", "window", "case_no", "doc_no", "item_name", "item_code", "case_class",
    "clerk", "time_limit", "fee", "fee_basis", "delivery", "progress_check", "progress_phone",
    "progress_url", "complaint", "complaint_phone", "reconsideration_body", "court", "department",
    "redirect_window", "conditions", "legal_article", "pause_basis", "pause_step",
)
_PLAIN_TUPLE_FIELDS = ("basis", "procedure", "departments")


@dataclass(frozen=True)
class NoticeData:
    """Everything one notice shows. Safe to print: no full ID or phone number can be held here."""

    kind: NoticeKind
    issued_at: datetime
    centre: str = ""  # the issuer: the station that receives and seals (某某镇便民服务中心)
    county_centre: str = ""  # the county centre; named only where it decides (上报件)
    station: str = ""  # the station code
    window: str = ""  # as shown: "3号窗口(民政)"
    case_no: str = ""
    doc_no: str = ""  # 文号: per station and year, e.g. 青山镇便民服务中心〔2026〕受字第12号
    application_date: date | None = None  # the day the application was registered
    received_date: date | None = None  # the day the materials were received (收件)
    supplement_notice_due: date | None = None  # art. 32: the supplement notice is due by this day
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
    delivery_address: str = ""  # post: the address the result is sent to (typed: redacted)
    progress_check: str = ""  # extra wording on how to check progress (hall screen, ...)
    progress_phone: str = ""  # station settings: 进度查询电话
    progress_url: str = ""  # station settings: lookup URL (also in the QR code) or the 12345 line
    complaint: str = ""  # extra wording on where to complain (box, ...)
    complaint_phone: str = ""  # station settings: 投诉监督电话
    reconsideration_body: str = ""  # station settings: 行政复议机关
    court: str = ""  # station settings: 人民法院 for an administrative lawsuit
    legal_article: str = ""  # the article a decision rests on (rejection: 行政许可法第三十二条第一款)
    result: str = ""  # completion: what the result is
    refused: bool = False  # the decision refuses the application: remedies are printed
    completed_at: datetime | None = None  # completion: when the case was really completed
    department: str = ""  # promise: the approving department
    departments: tuple[str, ...] = ()  # joint: the departments involved
    conditions: str = ""  # checklist: the item's conditions (申请条件) from the catalog
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
        station = str(self.station or "").strip()
        for name in _FREE_TEXT_FIELDS:
            _set(self, name, _text(getattr(self, name), station))
        for name in _FREE_TUPLE_FIELDS:
            _set(self, name, _texts(getattr(self, name), station))
        for name in _PLAIN_FIELDS:
            _set(self, name, str(getattr(self, name) or "").strip())
        for name in _PLAIN_TUPLE_FIELDS:
            _set(self, name, tuple(str(v).strip() for v in (getattr(self, name) or ()) if str(v).strip()))
        for name in ("materials", "missing", "handover_cases"):
            _set(self, name, tuple(getattr(self, name) or ()))
        for name in ("applicant", "agent"):
            person = getattr(self, name)
            if person is not None and not isinstance(person, Person):
                raise ValidationError(T.FULL_NUMBER_REJECTED.format(field=T.FIELD_LABELS.get(name, name)))

    @property
    def is_reprint(self) -> bool:
        return self.reprint_at is not None

    @property
    def delivery_label(self) -> str:
        return TC.DELIVERY_LABELS.get(self.delivery, "")

    @property
    def qr_payload(self) -> str:
        """What the QR code on the applicant's copy encodes: the lookup address and the case number."""
        if not self.case_no:
            return ""
        if self.progress_url.startswith(("http://", "https://")):
            sep = "&" if "?" in self.progress_url else "?"
            return f"{self.progress_url}{sep}case={self.case_no}"
        return self.case_no

    def to_context(self) -> dict[str, Any]:
        """The fields as template variables (shallow: nested dataclasses stay objects)."""
        ctx = {f.name: getattr(self, f.name) for f in fields(self)}
        ctx["kind_label"] = self.kind.label
        ctx["delivery_label"] = self.delivery_label
        ctx["qr_payload"] = self.qr_payload
        return ctx


_COMMON = ("centre", "window", "case_no", "applicant", "item_name", "issued_at", "clerk")
# DOMAIN rule 6: every notice to an applicant says how to check progress and how to complain.
_APPLICANT = (*_COMMON, "progress_phone", "complaint_phone")
_REQUIRED: dict[NoticeKind, tuple[str, ...]] = {
    NoticeKind.ACCEPTANCE: (*_APPLICANT, "acceptance_date"),
    NoticeKind.PROMISE: (*_APPLICANT, "acceptance_date", "promised_date", "time_limit", "department"),
    NoticeKind.JOINT: (*_APPLICANT, "acceptance_date", "promised_date", "departments"),
    NoticeKind.SUPPLEMENT: (*_APPLICANT, "missing", "received_date"),
    NoticeKind.REJECTION: (*_APPLICANT, "reasons", "reconsideration_body", "court", "legal_article"),
    NoticeKind.CHECKLIST: (*_APPLICANT, "materials", "basis", "procedure", "time_limit", "fee"),
    NoticeKind.COMPLETION: (*_APPLICANT, "delivery", "completed_at", "result"),
    NoticeKind.HANDOVER: ("centre", "window", "issued_at", "handover_from", "handover_to"),
    NoticeKind.EXTENSION: (*_APPLICANT, "promised_date", "original_date", "extension_days", "extension_reason"),
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
    if data.refused and data.kind is NoticeKind.COMPLETION:
        missing += [n for n in ("reconsideration_body", "court") if not getattr(data, n)]
    if data.kind is NoticeKind.COMPLETION and data.delivery == "post" and not data.delivery_address:
        missing.append("delivery_address")
    if missing:
        labels = "、".join(T.FIELD_LABELS.get(name, name) for name in missing)
        raise RuleViolation(T.NOTICE_INCOMPLETE.format(kind=data.kind.label, fields=labels))


MAX_DEPARTMENT_LEN = 40

_COUNTY = re.compile("^(.*?(?:{units}))(?:{gov})?(?:{centres}|$)".format(
    units="|".join(map(re.escape, T.COUNTY_UNITS)), gov=re.escape(T.COUNTY_GOVERNMENT),
    centres="|".join(map(re.escape, T.COUNTY_CENTRE_WORDS))))


def county_of(centre: str) -> str:
    """The county named at the head of the county centre's name: "某某县政务服务中心" → "某某县"
    ("" when the name does not start with one). What the first-run wizard pre-fills."""
    m = _COUNTY.match(centre.strip())
    return m.group(1) if m else ""


def remedy_bodies(county: str) -> tuple[str, str]:
    """The usual 行政复议机关 and court of a township station: the county's people's government and
    people's court ("", "" without a county). The wizard's pre-fill and the notices' default."""
    county = county.strip()
    if not county:
        return "", ""
    return T.RECONSIDERATION_DEFAULT.format(county=county), T.COURT_DEFAULT.format(county=county)


def confirmed_departments(departments: Iterable[str]) -> tuple[str, ...]:
    """联办部门 as the clerk confirmed them: trimmed, each named once, in the order given; a joint
    notice names two or more (else it is not a joint case). Raises ValidationError (Chinese)."""
    out = tuple(dict.fromkeys(d.strip() for d in departments if d and d.strip()))
    if any(len(d) > MAX_DEPARTMENT_LEN for d in out):
        raise ValidationError(T.JOINT_DEPARTMENT_TOO_LONG.format(n=MAX_DEPARTMENT_LEN))
    if len(out) < 2:
        raise ValidationError(T.JOINT_NEEDS_TWO)
    return out


__all__ = [
    "HandoverLine",
    "NoticeData",
    "NoticeKind",
    "NoticeMaterial",
    "Person",
    "check_notice",
    "confirmed_departments",
    "county_of",
    "remedy_bodies",
    "required_fields",
]
