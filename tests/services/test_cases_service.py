"""A case's life through the service layer, asserted on the ledger rows and events."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from deskclient.domain.cases import CaseStatus, Completion, CompletionResult, Delivery, MaterialState, Outcome
from deskclient.domain.errors import RuleViolation, ValidationError
from deskclient.services.cases import CheckInput, Intake, PersonInput
from deskclient.services.context import DeskContext
from deskclient.store.models import Case, CaseMaterial, Event, Transfer

ID_NO = "510107198802114568"
PHONE = "13900001234"


def _clerk(ctx: DeskContext, login: str) -> str:
    return next(c.id for c in ctx.people.clerks() if c.login == login)


def _events(ctx: DeskContext, case_id: str) -> list[tuple[str, dict]]:
    with ctx.ledger.read() as s:
        rows = s.exec(select(Event).where(Event.case_id == case_id).order_by(Event.seq))
        return [(e.type, json.loads(e.payload)) for e in rows]


def _register(ctx: DeskContext, code: str, login: str = "wangfang", **kw: object) -> Case:
    item = ctx.catalog.get(code)
    assert item is not None
    clerk = next(c for c in ctx.people.clerks() if c.login == login)
    return ctx.cases.register(Intake(window=clerk.window or "1", item=item,
                                     applicant=PersonInput("张桂兰", ID_NO, PHONE), **kw), clerk.id)


def _all(ctx: DeskContext, case: Case, state: MaterialState = MaterialState.RECEIVED) -> list[CheckInput]:
    return [CheckInput(m.position, state) for m in ctx.cases.materials(case.id)]


def test_register_numbers_and_masks(demo_ctx: DeskContext) -> None:
    a = _register(demo_ctx, "MZ-004")
    b = _register(demo_ctx, "MZ-004")
    assert a.case_no == "ZX01-20261124-0001" and b.case_no == "ZX01-20261124-0002"
    assert a.first_asked_clerk_id == _clerk(demo_ctx, "wangfang")
    assert a.applicant_id_masked == "510107********4568"
    events = _events(demo_ctx, a.id)
    assert events[0][0] == "case.registered"
    payload_text = json.dumps(events)
    assert ID_NO not in payload_text and PHONE not in payload_text


def test_accept_immediate_is_finished_on_the_spot(demo_ctx: DeskContext) -> None:
    case = _register(demo_ctx, "RS-003", login="zhangmin")
    done = demo_ctx.cases.confirm_outcome(case.id, _clerk(demo_ctx, "zhangmin"), _all(demo_ctx, case), Outcome.ACCEPT)
    assert done.status == CaseStatus.COMPLETED and done.delivery == Delivery.WINDOW
    assert [t for t, _ in _events(demo_ctx, case.id)] == [
        "case.registered", "case.materials_checked", "case.accepted", "case.completed"]


def test_accept_promised_computes_working_day_due_date(demo_ctx: DeskContext) -> None:
    case = _register(demo_ctx, "MZ-004")  # 高龄津贴: promised 10 working days
    done = demo_ctx.cases.confirm_outcome(case.id, _clerk(demo_ctx, "wangfang"), _all(demo_ctx, case), Outcome.ACCEPT)
    assert done.status == CaseStatus.ACCEPTED
    assert done.acceptance_date == date(2026, 11, 24)
    assert done.due_date == date(2026, 12, 8)  # 10 working days after Tue 24 Nov, the day itself not counted
    accepted = dict(_events(demo_ctx, case.id))["case.accepted"]
    assert accepted["due_date"] == "2026-12-08" and accepted["due_provisional"] is False


def test_supplement_lists_all_missing_then_later_acceptance(demo_ctx: DeskContext) -> None:
    clerk = _clerk(demo_ctx, "wangfang")
    case = _register(demo_ctx, "MZ-001")
    checks = _all(demo_ctx, case)
    for i in (1, 3, 4):
        checks[i] = CheckInput(i, MaterialState.MISSING, "未带" if i == 1 else "")
    after = demo_ctx.cases.confirm_outcome(case.id, clerk, checks, Outcome.SUPPLEMENT)
    assert after.status == CaseStatus.AWAITING_SUPPLEMENT and after.case_class == "supplement"
    requested = dict(_events(demo_ctx, case.id))["case.supplement_requested"]
    assert len(requested["missing"]) == 3 and requested["missing"][0]["problem"] == "未带"
    assert after.due_date is None
    accepted = demo_ctx.cases.receive_supplement(case.id, clerk, _all(demo_ctx, case))
    assert accepted.status == CaseStatus.ACCEPTED and accepted.acceptance_date == date(2026, 11, 24)
    assert accepted.due_date is not None


def test_cannot_accept_with_missing_material(demo_ctx: DeskContext) -> None:
    clerk = _clerk(demo_ctx, "wangfang")
    case = _register(demo_ctx, "MZ-004")
    checks = _all(demo_ctx, case)
    checks[0] = CheckInput(0, MaterialState.MISSING)
    with pytest.raises(RuleViolation):
        demo_ctx.cases.confirm_outcome(case.id, clerk, checks, Outcome.ACCEPT)
    with demo_ctx.ledger.read() as s:
        assert s.get(Case, case.id).status == CaseStatus.REGISTERED
        assert {m.state for m in s.exec(select(CaseMaterial).where(CaseMaterial.case_id == case.id))} == {"pending"}
    assert [t for t, _ in _events(demo_ctx, case.id)] == ["case.registered"]


def test_rejection_needs_a_reason_and_records_it(demo_ctx: DeskContext) -> None:
    clerk = _clerk(demo_ctx, "wangfang")
    case = _register(demo_ctx, "MZ-004")
    with pytest.raises(ValidationError):
        demo_ctx.cases.confirm_outcome(case.id, clerk, _all(demo_ctx, case), Outcome.REJECT, reasons=[" "])
    done = demo_ctx.cases.confirm_outcome(case.id, clerk, _all(demo_ctx, case), Outcome.REJECT,
                                          reasons=["未满 80 周岁"])
    assert done.status == CaseStatus.RETURNED and done.case_class == "returned"
    assert dict(_events(demo_ctx, case.id))["case.returned"] == {"reasons": ["未满 80 周岁"]}


def test_enquiry_without_id_number(demo_ctx: DeskContext) -> None:
    item = demo_ctx.catalog.get("NY-001")
    clerk = next(c for c in demo_ctx.people.clerks() if c.login == "wuhua")
    case = demo_ctx.cases.register(Intake(window="5", item=item, applicant=PersonInput("周德福"), enquiry=True),
                                   clerk.id)
    done = demo_ctx.cases.confirm_outcome(case.id, clerk.id, [], Outcome.ENQUIRY)
    assert done.status == CaseStatus.ANSWERED and done.case_class == "enquiry"


def test_transfer_keeps_first_asked_clerk(demo_ctx: DeskContext) -> None:
    clerk = _clerk(demo_ctx, "chenjing")
    case = _register(demo_ctx, "YB-002", login="chenjing")
    moved = demo_ctx.cases.transfer(case.id, clerk, "2", "医疗救助由社保医保窗口受理")
    assert moved.window == "2" and moved.first_asked_clerk_id == clerk
    with demo_ctx.ledger.read() as s:
        t = s.exec(select(Transfer)).one()
    assert (t.from_window, t.to_window) == ("3", "2")
    with pytest.raises(RuleViolation):
        demo_ctx.cases.transfer(case.id, clerk, "2", "again")


def test_complete_and_rate_once(demo_ctx: DeskContext) -> None:
    clerk = _clerk(demo_ctx, "wangfang")
    case = _register(demo_ctx, "MZ-004")
    with pytest.raises(RuleViolation):
        demo_ctx.cases.rate(case.id, clerk, "satisfied", 8)
    demo_ctx.cases.confirm_outcome(case.id, clerk, _all(demo_ctx, case), Outcome.ACCEPT)
    demo_ctx.cases.complete(case.id, clerk, Completion(CompletionResult.APPROVED, Delivery.POST,
                                                       address="某某镇幸福路1号"))
    demo_ctx.cases.rate(case.id, clerk, "satisfied", 8, rater_name="匿名群众")
    with pytest.raises(RuleViolation):
        demo_ctx.cases.rate(case.id, clerk, "satisfied", 8)
    rated = dict(_events(demo_ctx, case.id))["case.rated"]
    assert "匿名群众" not in json.dumps(rated, ensure_ascii=False)


@pytest.mark.parametrize(("field", "value", "fragment"), [
    ("id_no", "510107198802114567", "校验"),
    ("id_no", "51010719880230456X", "日期"),
    ("phone", "1234", "手机"),
    ("name", "[bold]\x07", "姓名"),
])
def test_bad_person_fields_change_nothing(demo_ctx: DeskContext, field: str, value: str, fragment: str) -> None:
    item = demo_ctx.catalog.get("MZ-004")
    person = {"name": "张三", "id_no": ID_NO, "phone": PHONE, field: value}
    with pytest.raises(ValidationError) as info:
        demo_ctx.cases.register(Intake(window="1", item=item, applicant=PersonInput(**person)),
                                _clerk(demo_ctx, "wangfang"))
    assert fragment in info.value.message
    assert value not in info.value.message or field == "name"
    with demo_ctx.ledger.read() as s:
        assert s.exec(select(Case)).first() is None


def test_rule7_completion_records_result_reasons_and_address(demo_ctx: DeskContext) -> None:
    """办结: a refusal states its reasons; delivery by post needs the address, which stays out of events."""
    clerk = _clerk(demo_ctx, "wangfang")
    case = _register(demo_ctx, "MZ-005")
    demo_ctx.cases.confirm_outcome(case.id, clerk, _all(demo_ctx, case), Outcome.ACCEPT)
    with pytest.raises(ValidationError, match="理由"):
        demo_ctx.cases.complete(case.id, clerk, Completion(CompletionResult.REFUSED, Delivery.WINDOW))
    with pytest.raises(ValidationError, match="地址"):
        demo_ctx.cases.complete(case.id, clerk, Completion(CompletionResult.APPROVED, Delivery.POST))
    assert demo_ctx.cases.get(case.id).status == "accepted"  # nothing changed
    demo_ctx.cases.complete(case.id, clerk, Completion(CompletionResult.REFUSED, Delivery.POST,
                                                       reasons=("家庭收入超过标准", " "), address="幸福路8号"))
    row = demo_ctx.cases.get(case.id)
    assert (row.status, row.result, row.result_reasons, row.delivery, row.delivery_address) == (
        "completed", "refused", "家庭收入超过标准", "post", "幸福路8号")
    done = dict(_events(demo_ctx, case.id))["case.completed"]
    assert done["result"] == "refused" and done["reasons"] == ["家庭收入超过标准"]
    assert "幸福路" not in json.dumps(done, ensure_ascii=False)


def test_art32_defect_needs_its_problem_is_masked_and_goes_on_the_supplement_request(demo_ctx: DeskContext) -> None:
    """需补正 (docs/decisions.md): what is wrong is required, stored masked, and listed with the missing ones."""
    clerk = _clerk(demo_ctx, "wangfang")
    case = _register(demo_ctx, "MZ-005")
    checks = _all(demo_ctx, case)
    with pytest.raises(ValidationError):
        demo_ctx.cases.save_marks(case.id, clerk, [CheckInput(1, MaterialState.DEFECTIVE, " ")])
    checks[1] = CheckInput(1, MaterialState.DEFECTIVE, "证件11010519491231002X已过期")
    checks[4] = CheckInput(4, MaterialState.MISSING)
    with pytest.raises(RuleViolation):  # a main material not in legal form is never accepted
        demo_ctx.cases.confirm_outcome(case.id, clerk, checks, Outcome.ACCEPT)
    after = demo_ctx.cases.confirm_outcome(case.id, clerk, checks, Outcome.SUPPLEMENT)
    assert after.status == CaseStatus.AWAITING_SUPPLEMENT
    requested = dict(_events(demo_ctx, case.id))["case.supplement_requested"]
    assert [(m["name"], m["state"]) for m in requested["missing"]] == [
        ("申请人居民身份证", "defective"), ("授权委托书及代办人居民身份证", "missing")]
    assert "11010519491231002X" not in json.dumps(_events(demo_ctx, case.id), ensure_ascii=False)
    assert "11010519491231002X" not in demo_ctx.cases.materials(case.id)[1].problem


def test_seed003_back_with_the_main_material_corrected_is_accepted_general_one_follows(demo_ctx: DeskContext) -> None:
    clerk = _clerk(demo_ctx, "wangfang")
    case = _register(demo_ctx, "MZ-005")
    checks = _all(demo_ctx, case)
    checks[0] = CheckInput(0, MaterialState.DEFECTIVE, "未签字")
    checks[4] = CheckInput(4, MaterialState.MISSING)
    demo_ctx.cases.confirm_outcome(case.id, clerk, checks, Outcome.SUPPLEMENT)
    checks[0] = CheckInput(0, MaterialState.RECEIVED)
    done = demo_ctx.cases.receive_supplement(case.id, clerk, checks)
    assert done.status == CaseStatus.ACCEPTED  # every main material in form: 容缺受理
    assert dict(_events(demo_ctx, case.id))["case.accepted"]["follow_up"] == ["授权委托书及代办人居民身份证"]
