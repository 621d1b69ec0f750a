"""NoticeData holds only masked numbers; each kind says what it cannot be issued without."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from deskclient.domain.errors import RuleViolation, ValidationError
from deskclient.domain.notices import (
    NoticeData,
    NoticeKind,
    NoticeMaterial,
    Person,
    check_notice,
    required_fields,
)

FULL_ID = "11010519491231002X"
PHONE = "13812345678"


def test_person_masks_full_numbers_on_construction() -> None:
    p = Person("张三", FULL_ID, PHONE)
    assert p.id_masked == "110105********002X"
    assert p.phone_masked == "138****5678"
    assert FULL_ID not in repr(p) and PHONE not in repr(p)


def test_already_masked_values_are_kept() -> None:
    p = Person("张三", "110105********002X", "138****5678")
    assert p.id_masked == "110105********002X"


def test_a_masked_looking_value_that_still_shows_a_full_number_is_refused() -> None:
    with pytest.raises(ValidationError) as err:
        Person("张三", "*" + FULL_ID)
    assert FULL_ID not in err.value.message


def test_free_text_is_redacted() -> None:
    d = NoticeData(NoticeKind.REJECTION, datetime(2026, 11, 24, 9, 0), reasons=(f"证件 {FULL_ID} 已过期",),
                   note=f"电话{PHONE}", materials=(NoticeMaterial("身份证", problem=FULL_ID),))
    assert FULL_ID not in d.reasons[0] and PHONE not in d.note
    assert FULL_ID not in d.materials[0].problem


def test_applicant_must_be_a_person() -> None:
    with pytest.raises(ValidationError):
        NoticeData(NoticeKind.ACCEPTANCE, datetime(2026, 1, 1), applicant=FULL_ID)  # type: ignore[arg-type]


def _complete() -> NoticeData:
    return NoticeData(
        NoticeKind.SUPPLEMENT, datetime(2026, 11, 24, 9, 0), centre="青山镇便民服务中心", window="3号窗口",
        case_no="QS01-20261124-0001", applicant=Person("张三"), item_name="低保申请", clerk="王芳",
        missing=(NoticeMaterial("户口簿", state="missing"),), received_date=date(2026, 11, 24),
        progress_phone="0851-86001234", complaint_phone="12345",
    )


def test_check_notice_accepts_a_complete_notice() -> None:
    check_notice(_complete())


def test_supplement_notice_needs_the_missing_materials() -> None:
    with pytest.raises(RuleViolation) as err:
        check_notice(replace(_complete(), missing=()))
    assert "需补正的材料" in err.value.message


def test_every_kind_has_rules() -> None:
    for kind in NoticeKind:
        assert "issued_at" in required_fields(kind)
        assert kind.label
    assert "reasons" in required_fields(NoticeKind.REJECTION)
    assert {"materials", "basis", "procedure", "time_limit", "fee"} <= set(required_fields(NoticeKind.CHECKLIST))
    assert "promised_date" in required_fields(NoticeKind.PROMISE)
    assert "case_no" not in required_fields(NoticeKind.PAUSE_SIGN)


def test_kind_parse_accepts_code_or_label_and_explains_otherwise() -> None:
    assert NoticeKind.parse("promise") is NoticeKind.PROMISE
    assert NoticeKind.parse("补正告知书") is NoticeKind.SUPPLEMENT
    with pytest.raises(ValidationError) as err:
        NoticeKind.parse("receipt")
    assert "acceptance" in err.value.message


def test_rule6_every_notice_to_an_applicant_says_how_to_check_progress_and_complain() -> None:
    with pytest.raises(RuleViolation) as err:
        check_notice(replace(_complete(), progress_phone="", complaint_phone=""))
    assert "进度查询电话" in err.value.message and "投诉监督电话" in err.value.message


def test_rule7_a_refusal_names_the_reconsideration_body_and_the_court() -> None:
    rejection = replace(_complete(), kind=NoticeKind.REJECTION, reasons=("不属于本中心受理范围",))
    with pytest.raises(RuleViolation) as err:
        check_notice(rejection)
    assert "行政复议机关" in err.value.message and "人民法院" in err.value.message
    check_notice(replace(rejection, reconsideration_body="某县人民政府", court="某县人民法院",
                         legal_article="《中华人民共和国行政许可法》第三十二条"))


def test_case_numbers_and_station_phones_are_not_pattern_masked() -> None:
    """A numeric station code makes a case number look like an ID number; it must still print whole."""
    d = replace(_complete(), case_no="520102-20261124-0001", doc_no="〔2026〕受字第1号",
                progress_phone="0851-13800138000", complaint_phone="13800138000")
    assert d.case_no == "520102-20261124-0001"
    assert d.complaint_phone == "13800138000"  # the station's own public line, not a person's phone


def test_supplement_notice_needs_the_date_materials_were_received() -> None:
    with pytest.raises(RuleViolation) as err:
        check_notice(replace(_complete(), received_date=None))
    assert "收到材料日期" in err.value.message


def test_every_material_form_the_catalog_knows_has_a_chinese_label() -> None:
    from deskclient.domain.catalog import MaterialForm

    for form in MaterialForm:
        label = NoticeMaterial("户口簿", form.value).form_label
        assert label and not any(c.isascii() and c.isalpha() for c in label), form


def test_an_unknown_form_code_never_reaches_paper_raw() -> None:
    assert NoticeMaterial("户口簿", "both").form_label == ""
    assert NoticeMaterial("户口簿", "原件(加盖公章)").form_label == "原件(加盖公章)"


def test_every_delivery_and_material_state_has_a_label() -> None:
    from deskclient.domain.cases import Delivery, MaterialState

    for delivery in Delivery:
        assert replace(_complete(), delivery=delivery.value).delivery_label
    for state in MaterialState:
        assert NoticeMaterial("户口簿", state=state.value).state_label
