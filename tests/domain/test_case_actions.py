"""domain/case_actions.py: which follow-up actions a case allows, which notice it gets, how its clock
may be paused (DOMAIN.md rules 3-7; the extension and 特别程序 rules of rule 5)."""

from __future__ import annotations

import pytest

from deskclient.domain.case_actions import (
    EXTENDABLE_CLASSES,
    CaseAction,
    CaseFacts,
    allowed_actions,
    notice_for_case,
    notice_for_outcome,
    pause_choices,
    step_reason,
)
from deskclient.domain.cases import CaseClass, CaseStatus, Outcome
from deskclient.domain.clock_types import PauseReason
from deskclient.domain.notices import NoticeKind


def _accepted(cls: CaseClass, **kw: bool) -> CaseFacts:
    return CaseFacts(status=CaseStatus.ACCEPTED, case_class=cls, item_class=cls, has_due_date=True, **kw)


def test_rule5_only_classes_with_a_promised_clock_are_extendable() -> None:
    assert {c for c in CaseClass if c.has_due_date} == EXTENDABLE_CLASSES
    assert CaseClass.SUPPLEMENT not in EXTENDABLE_CLASSES and CaseClass.IMMEDIATE not in EXTENDABLE_CLASSES


@pytest.mark.parametrize("cls", sorted(EXTENDABLE_CLASSES))
def test_rule5_extension_once_while_the_clock_runs(cls: CaseClass) -> None:
    assert CaseAction.EXTEND in allowed_actions(_accepted(cls))
    assert CaseAction.EXTEND not in allowed_actions(_accepted(cls, extended=True))
    waiting = CaseFacts(status=CaseStatus.AWAITING_SUPPLEMENT, case_class=CaseClass.SUPPLEMENT, item_class=cls)
    assert CaseAction.EXTEND not in allowed_actions(waiting)


def test_rule5_pause_and_resume_alternate_and_never_for_an_immediate_case() -> None:
    running = allowed_actions(_accepted(CaseClass.PROMISED))
    assert CaseAction.PAUSE_CLOCK in running and CaseAction.RESUME_CLOCK not in running
    paused = allowed_actions(_accepted(CaseClass.PROMISED, clock_paused=True))
    assert CaseAction.RESUME_CLOCK in paused and CaseAction.PAUSE_CLOCK not in paused
    assert CaseAction.PAUSE_CLOCK not in allowed_actions(_accepted(CaseClass.IMMEDIATE))


def test_rule8_a_closed_case_is_rated_once_an_enquiry_never() -> None:
    done = CaseFacts(status=CaseStatus.COMPLETED, case_class=CaseClass.PROMISED, item_class=CaseClass.PROMISED)
    assert CaseAction.RATE in allowed_actions(done)
    assert CaseAction.RATE not in allowed_actions(CaseFacts(**{**done.__dict__, "rated": True}))
    answered = CaseFacts(status=CaseStatus.ANSWERED, case_class=CaseClass.ENQUIRY, item_class=CaseClass.PROMISED)
    assert CaseAction.RATE not in allowed_actions(answered)
    assert {CaseAction.TRANSFER, CaseAction.URGENT, CaseAction.COMPLETE} & allowed_actions(done) == set()


def test_art32_only_a_case_under_examination_is_decided() -> None:
    examining = CaseFacts(status=CaseStatus.EXAMINING, case_class=CaseClass.PROMISED, item_class=CaseClass.PROMISED)
    assert CaseAction.DECIDE in allowed_actions(examining)
    assert CaseAction.DECIDE not in allowed_actions(_accepted(CaseClass.PROMISED))


def test_rule6_notice_for_each_outcome_and_class() -> None:
    assert notice_for_outcome(CaseClass.PROMISED, Outcome.SUPPLEMENT) is NoticeKind.SUPPLEMENT
    assert notice_for_outcome(CaseClass.PROMISED, Outcome.REJECT) is NoticeKind.REJECTION
    assert notice_for_outcome(CaseClass.PROMISED, Outcome.ENQUIRY) is NoticeKind.CHECKLIST
    assert notice_for_outcome(CaseClass.PROMISED, Outcome.ACCEPT) is NoticeKind.PROMISE
    assert notice_for_outcome(CaseClass.JOINT, Outcome.ACCEPT) is NoticeKind.JOINT
    assert notice_for_outcome(CaseClass.REPORTED, Outcome.ACCEPT) is NoticeKind.ACCEPTANCE


def test_rule7_a_completed_case_gets_the_completion_notice_unless_finished_on_the_spot() -> None:
    assert notice_for_case(CaseStatus.COMPLETED, CaseClass.PROMISED) is NoticeKind.COMPLETION
    assert notice_for_case(CaseStatus.COMPLETED, CaseClass.IMMEDIATE) is NoticeKind.ACCEPTANCE
    assert notice_for_case(CaseStatus.AWAITING_SUPPLEMENT, CaseClass.PROMISED) is NoticeKind.SUPPLEMENT
    assert notice_for_case(CaseStatus.RETURNED, CaseClass.JOINT) is NoticeKind.REJECTION
    assert notice_for_case(CaseStatus.REGISTERED, CaseClass.PROMISED) is NoticeKind.CHECKLIST


def test_special_procedure_steps_are_named_by_kind() -> None:
    assert step_reason("专家评审") is PauseReason.EXPERT_REVIEW
    assert step_reason("村级审查公示") is PauseReason.PUBLIC_NOTICE
    assert step_reason("乡镇审核") is PauseReason.OTHER
    assert pause_choices(None) == []  # waiting for the applicant does not stop the clock (art. 45, issue #16)
