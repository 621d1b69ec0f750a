"""The outcome the one-time checklist proposes (docs/decisions.md, "补正, 退回件 and 容缺受理"): seed 003's
服务操作规程 and 一次性告知制度 with 《行政许可法》第三十二条. Pure: no store, no UI."""

from __future__ import annotations

import pytest

from deskclient.domain.cases import (
    MaterialCheck,
    MaterialState,
    Outcome,
    check_accept_materials,
    check_defect,
    follow_up_materials,
    propose_outcome,
    supplement_materials,
)
from deskclient.domain.errors import RuleViolation, ValidationError

R, X, D, NA, P = (MaterialState.RECEIVED, MaterialState.MISSING, MaterialState.DEFECTIVE,
                  MaterialState.NOT_APPLICABLE, MaterialState.PENDING)


def m(name: str, main: bool, state: MaterialState, problem: str = "") -> MaterialCheck:
    return MaterialCheck(name, main, state, problem)


def test_art32_main_material_not_in_legal_form_proposes_supplement() -> None:
    checks = [m("申报表", True, D, "家庭成员未全部签字"), m("身份证", True, R), m("残疾证明", False, R)]
    assert propose_outcome(checks) is Outcome.SUPPLEMENT
    with pytest.raises(RuleViolation, match="需补正"):
        check_accept_materials(checks)


def test_art32_supplement_notice_lists_defects_and_missing_general_materials_at_once() -> None:
    checks = [m("申请书", True, R), m("申报表", True, D, "未签字"), m("照片", False, X),
              m("委托书", False, NA), m("病历", False, D, "复印件不清晰")]
    assert propose_outcome(checks) is Outcome.SUPPLEMENT
    listed = supplement_materials(checks)
    assert [(c.name, c.problem) for c in listed] == [("申报表", "未签字"), ("照片", ""), ("病历", "复印件不清晰")]


def test_seed003_main_missing_is_returned_even_when_another_main_is_defective() -> None:
    checks = [m("申请书", True, X), m("申报表", True, D, "未签字"), m("照片", False, R)]
    assert propose_outcome(checks) is Outcome.REJECT


def test_seed003_general_material_needing_correction_is_accepted_with_a_follow_up_notice() -> None:
    """主要申报材料齐全, 一般材料欠缺或需要更正、说明的, 应予受理 (补报材料通知单)."""
    checks = [m("申请书", True, R), m("病历", False, D, "复印件不清晰"), m("照片", False, X)]
    assert propose_outcome(checks) is Outcome.ACCEPT
    assert [c.name for c in check_accept_materials(checks)] == ["病历", "照片"]
    assert [c.name for c in follow_up_materials(checks)] == ["病历", "照片"]


def test_seed003_everything_received_or_not_applicable_is_accepted() -> None:
    checks = [m("申请书", True, R), m("委托书", False, NA)]
    assert propose_outcome(checks) is Outcome.ACCEPT
    assert check_accept_materials(checks) == []


def test_a_material_not_yet_marked_cannot_be_decided() -> None:
    with pytest.raises(RuleViolation):
        propose_outcome([m("申请书", True, D, "未签字"), m("照片", False, P)])


def test_a_received_line_with_a_stray_note_is_not_a_defect() -> None:
    """Only the 需补正 mark makes a supplement notice; text on a received line changes nothing."""
    assert propose_outcome([m("申请书", True, R, "验原件,留复印件")]) is Outcome.ACCEPT


def test_a_defect_says_what_is_wrong() -> None:
    with pytest.raises(ValidationError):
        check_defect(D, "  ")
    assert check_defect(D, " 未签字 ") == "未签字"
    assert check_defect(R, "") == ""


def test_enquiry_and_ineligible_come_first() -> None:
    checks = [m("申报表", True, D, "未签字")]
    assert propose_outcome(checks, enquiry_only=True) is Outcome.ENQUIRY
    assert propose_outcome(checks, ineligible=True) is Outcome.REJECT
