"""Issue #16 wired to the desk, through the services and asserted on ledger rows and events:

* seed 003 服务操作规程·急办件: the head's approval issues the 急办件通知单 in the same transaction;
* seed 003 容缺受理: main materials complete, a general one missing → accepted with the 补报材料通知单,
  in the acceptance's transaction; the notice waits ``queued`` and the preview prints that original;
* seed 003 窗口管理制度第八条: the department returns the result by the day before the promised date —
  a reminder until 结果已返回 is recorded;
* 投诉制度第六条: a complaint's answer due soon or late is a reminder until the complainant is told of the
  delay (new date and reason), which is an event;
* the reminders list: every reminder with its case number, what is due and since when.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from deskclient.domain.cases import MaterialState, Outcome
from deskclient.domain.clock_types import ClockKind
from deskclient.domain.errors import ValidationError
from deskclient.domain.notices import NoticeKind
from deskclient.services.cases import CheckInput, Intake, PersonInput
from deskclient.services.context import DeskContext
from deskclient.services.demo import make_id_number
from deskclient.settings import PrinterSettings
from deskclient.store.models import Case, Event, Notice

from .conftest import clerk_id, events, register


def notices(ctx: DeskContext, case_id: str, kind: NoticeKind) -> list[Notice]:
    with ctx.ledger.read() as s:
        return list(s.exec(select(Notice).where(Notice.case_id == case_id, Notice.kind == kind.value)
                           .order_by(col(Notice.issued_at))))


def notice_events(ctx: DeskContext, case_id: str) -> list[Event]:
    with ctx.ledger.read() as s:
        return list(s.exec(select(Event).where(Event.case_id == case_id).order_by(col(Event.seq))))


def file_printer(ctx: DeskContext, tmp_path: Path) -> Path:
    out = tmp_path / "printed.pdf"
    ctx.settings = replace(ctx.settings, printer=PrinterSettings(kind="file", device=str(out), format="pdf"))
    return out


def rongque_item(ctx: DeskContext):
    """A promised item of window 1 with a general (non-main) material: one that 容缺受理 can apply to."""
    return next(it for it in ctx.catalog if it.window == "1" and it.item_class == "promised"
                and any(not m.main for m in it.materials) and any(m.main for m in it.materials))


def register_item(ctx: DeskContext, item, login: str = "wangfang") -> Case:
    import random

    clerk = clerk_id(ctx, login)
    return ctx.cases.register(Intake(window="1", item=item, applicant=PersonInput(
        "容缺甲", make_id_number(random.Random(5)))), clerk)


# --- seed 003: notices issued with the action ----------------------------------------------------------------
def test_seed003_urgent_approval_issues_the_urgent_notice_in_the_same_transaction(demo_ctx: DeskContext) -> None:
    head = clerk_id(demo_ctx, "zhouzhuren")
    case = register(demo_ctx, "wangfang")
    demo_ctx.head_desk.approve_urgent(case.id, head, "群众就医急需")
    [row] = notices(demo_ctx, case.id, NoticeKind.URGENT)
    assert row.print_state == "queued" and row.reprint_of is None and row.doc_no
    assert Path(row.archive_path).is_file()
    evs = notice_events(demo_ctx, case.id)
    marked = next(e for e in evs if e.type == "case.marked_urgent")
    issued = next(e for e in evs if e.type == "notice.issued")
    # one durable transaction: the same instant, the notice's event right after the approval's
    assert issued.at == marked.at and issued.seq == marked.seq + 1
    payload = json.loads(issued.payload)
    assert payload["kind"] == "urgent" and payload["notice_id"] == row.id and payload["with_action"] is True


def test_seed003_urgent_approval_and_its_notice_stand_or_fall_together(demo_ctx: DeskContext,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A notice that cannot be made leaves no urgent mark and no event (one transaction)."""
    import deskclient.services.notices.with_action as wa

    def broken(*_a: object, **_k: object) -> str:
        raise ValidationError("archive unavailable")

    monkeypatch.setattr(wa, "record_case_notice", broken)
    head = clerk_id(demo_ctx, "zhouzhuren")
    case = register(demo_ctx, "wangfang")
    with pytest.raises(ValidationError):
        demo_ctx.head_desk.approve_urgent(case.id, head, "群众就医急需")
    assert not demo_ctx.cases.get(case.id).is_urgent
    assert events(demo_ctx, "case.marked_urgent") == [] and notices(demo_ctx, case.id, NoticeKind.URGENT) == []


def test_seed003_rongque_acceptance_issues_the_follow_up_notice(demo_ctx: DeskContext) -> None:
    clerk = clerk_id(demo_ctx, "wangfang")
    item = rongque_item(demo_ctx)
    case = register_item(demo_ctx, item)
    general = next(m for m in demo_ctx.cases.materials(case.id) if not m.is_main)
    checks = [CheckInput(m.position, MaterialState.MISSING if m.id == general.id else MaterialState.RECEIVED)
              for m in demo_ctx.cases.materials(case.id)]
    demo_ctx.cases.confirm_outcome(case.id, clerk, checks, Outcome.ACCEPT)
    [row] = notices(demo_ctx, case.id, NoticeKind.FOLLOW_UP)
    assert row.print_state == "queued" and row.issued_by == clerk
    evs = notice_events(demo_ctx, case.id)
    accepted = next(e for e in evs if e.type == "case.accepted")
    issued = next(e for e in evs if e.type == "notice.issued")
    assert issued.at == accepted.at and json.loads(issued.payload)["kind"] == "follow_up"
    assert json.loads(accepted.payload)["follow_up"] == [general.name]
    # the preview shows it as the original waiting to be printed (no 补打 mark)
    preview = demo_ctx.notices.preview_copy(case.id, NoticeKind.FOLLOW_UP, clerk, 48)
    assert preview.queued and general.name in preview.text


def test_seed003_acceptance_with_everything_issues_no_follow_up_notice(demo_ctx: DeskContext) -> None:
    case = register(demo_ctx, "wangfang")  # accepted with every material received
    assert notices(demo_ctx, case.id, NoticeKind.FOLLOW_UP) == []


def test_queued_notice_prints_as_the_original_not_as_a_reprint(demo_ctx: DeskContext, tmp_path: Path) -> None:
    out = file_printer(demo_ctx, tmp_path)
    head = clerk_id(demo_ctx, "zhouzhuren")
    case = register(demo_ctx, "wangfang")
    demo_ctx.head_desk.approve_urgent(case.id, head, "群众就医急需")
    result = demo_ctx.notices.print_queued(case.id, NoticeKind.URGENT, head)
    assert result.printed and out.is_file()
    [row] = notices(demo_ctx, case.id, NoticeKind.URGENT)  # printed itself: no 补打 copy was made
    assert row.print_state == "printed" and row.printed_at is not None
    assert [e for e in events(demo_ctx, "notice.printed") if e["notice_id"] == row.id]
    assert not demo_ctx.notices.preview_copy(case.id, NoticeKind.URGENT, head, 48).queued


# --- seed 003: the department's result, the reminders list ---------------------------------------------------
def _due_in(ctx: DeskContext, case: Case, due: date) -> None:
    with ctx.ledger.write(None) as tx:
        row = tx.session.get(Case, case.id)
        assert row is not None
        row.due_date = due
        tx.session.add(row)


def test_seed003_department_result_missed_is_listed_until_result_returned(demo_ctx: DeskContext, clock) -> None:
    """Accepted 11-24 (a promised item); on its promised day with no result back, the reminder is listed
    with what is due and since when; 结果已返回 ends it and is an event."""
    clerk = clerk_id(demo_ctx, "wangfang")
    case = register(demo_ctx, "wangfang")
    promised = demo_ctx.case_clock.clocks(case.id).promised
    assert promised is not None
    back = demo_ctx.case_clock.clocks(case.id).get(ClockKind.DEPARTMENT_RETURN)
    assert back is not None and back.due < promised.due
    day = promised.due  # the department's day (the working day before) has passed
    items = demo_ctx.reminders.items("1", today=day)
    missed = [it for it in items if it.kind is ClockKind.DEPARTMENT_RETURN]
    assert [(it.case_no, it.due, it.since) for it in missed] == [(case.case_no, back.due,
                                                                   back.due + timedelta(days=1))]
    assert any(it.kind is ClockKind.PROMISED and it.rank == 1 for it in items)  # and due today
    assert demo_ctx.reminders.other_counts("1", today=day).missed == 1
    assert demo_ctx.reminders.items("2", today=day) == []  # another window's list
    clock.current = datetime.combine(back.due, datetime.min.time()) + timedelta(hours=10)
    demo_ctx.case_clock.record_result_returned(case.id, clerk, "县局已出证")
    assert [e["note"] for e in events(demo_ctx, "case.result_returned")] == ["县局已出证"]
    assert [it for it in demo_ctx.reminders.items("1", today=day) if it.kind is ClockKind.DEPARTMENT_RETURN] == []
    assert demo_ctx.reminders.other_counts("1", today=day).missed == 0
    assert demo_ctx.case_view.detail(case.id).facts.result_returned is True


def test_reminders_list_has_overdue_cases_with_since_when(demo_ctx: DeskContext) -> None:
    late = register(demo_ctx, "wangfang", seed=1)
    _due_in(demo_ctx, late, date(2026, 11, 20))
    items = [it for it in demo_ctx.reminders.items("1") if it.kind is ClockKind.PROMISED]
    assert [(it.case_id, it.rank, it.since) for it in items] == [(late.id, 0, date(2026, 11, 21))]
    assert items[0].what and items[0].case_no == late.case_no


# --- 投诉制度第六条: complaints ------------------------------------------------------------------------------
def test_complaint_delay_reminder_shows_before_the_due_day_and_ends_when_told(demo_ctx: DeskContext,
                                                                            clock) -> None:
    """A two-unit complaint received Tue 11-24 is due within a calendar week (12-01); from two days before,
    the desk reminds to answer or tell the complainant of the delay; telling (new date and reason) is an
    event and ends the reminder."""
    head = clerk_id(demo_ctx, "zhouzhuren")
    multi = demo_ctx.head_desk.record_complaint(head, channel="written", content="多部门推诿", window="1",
                                                multi_unit=True)
    assert multi.due_date == date(2026, 12, 1)
    assert demo_ctx.reminders.complaint_items("1", today=date(2026, 11, 26)) == []  # not yet
    [item] = demo_ctx.reminders.complaint_items("1", today=date(2026, 11, 29))  # before the due day
    assert (item.complaint_id, item.rank, item.since) == (multi.id, 2, None)
    [line] = demo_ctx.head_desk.complaints(head, today=date(2026, 11, 29))
    assert line.needs_delay_notice and not line.delay_told
    clock.current = datetime(2026, 11, 29, 10, 0)
    with pytest.raises(ValidationError):  # the complainant is told why: a reason is required
        demo_ctx.head_desk.tell_complaint_delay(multi.id, head, expected_on=date(2026, 12, 8), reason=" ")
    demo_ctx.head_desk.tell_complaint_delay(multi.id, head, expected_on=date(2026, 12, 8), reason="需县局会商")
    [told] = events(demo_ctx, "case.complaint_delay_told")
    assert told["complaint_id"] == multi.id and told["expected_on"] == "2026-12-08" and told["note"] == "需县局会商"
    assert demo_ctx.reminders.complaint_items("1", today=date(2026, 11, 30)) == []
    [line] = demo_ctx.head_desk.complaints(head, today=date(2026, 11, 30))
    assert line.delay_told and not line.needs_delay_notice
    assert demo_ctx.reminders.other_counts(None, today=date(2026, 11, 30)).complaints == 0
