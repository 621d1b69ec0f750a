"""Every time limit a case runs under, computed from the case's events (DOMAIN.md rules 3–5, 8, 9).

One function, :func:`case_clocks`, answers for any case at any moment which clocks run, when each
falls due, how many working days are left, whether the date is provisional (a holiday schedule not
yet published) and on what legal basis. The home screen, case detail, handover, the head's desk,
notices and reports all ask it; nothing else computes a due date (``CaseService`` uses
:func:`~deskclient.domain.clock_dues.promised_due` at acceptance, which is the same arithmetic).

Rule numbers that can differ by place (five days working or calendar, rating follow-up deadlines)
come from :class:`~deskclient.domain.clock_types.ClockRules`; the number in force when a clock
*started* is written into its event payload and wins over the current rules, so changing a setting
never moves a deadline already told to an applicant. The calendar is applied afresh on every call, so
a newly published holiday schedule corrects a provisional date everywhere at once.

The vocabulary and value types are :mod:`deskclient.domain.clock_types`, the date arithmetic
:mod:`deskclient.domain.clock_dues`, the provincial rating presets
:mod:`deskclient.domain.rating_presets` (this module was split by job; it keeps only the event walk).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from deskclient.domain.calendar import DueDate, WorkCalendar
from deskclient.domain.clock_dues import (
    complaint_due,
    paused_working_days,
    promised_due,
    supplement_notice_due,
)
from deskclient.domain.clock_types import (
    CaseClock,
    CaseClocks,
    CaseEvent,
    ClockKind,
    ClockRules,
    ClockState,
    PauseSpan,
)
from deskclient.domain.deadlines import (
    RETURN_DECISION_WORKING_DAYS,
    department_return_due,
)
from deskclient.domain.events import EventType

# --------------------------------------------------------------------------------------------------
# The one function
# --------------------------------------------------------------------------------------------------


def _as_date(value: Any, default: date | None = None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return default
    return default


def _as_int(value: Any, default: int | None = None) -> int | None:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return default


_STATUS_AFTER: dict[str, str] = {
    EventType.CASE_REGISTERED: "registered",
    EventType.CASE_EXAMINING: "examining",
    EventType.CASE_SUPPLEMENT_REQUESTED: "awaiting_supplement",
    EventType.CASE_ACCEPTED: "accepted",
    EventType.CASE_DEEMED_ACCEPTED: "accepted",
    EventType.CASE_COMPLETED: "completed",
    EventType.CASE_RETURNED: "returned",
    EventType.CASE_ENQUIRY_ANSWERED: "answered",
}
# Any written decision within the five days meets art. 32.
_ENDS_SUPPLEMENT_CLOCK = frozenset({EventType.CASE_SUPPLEMENT_REQUESTED, EventType.CASE_ACCEPTED,
                                    EventType.CASE_RETURNED, EventType.CASE_DEEMED_ACCEPTED})


def _finish(kind: ClockKind, *, started_on: date, due: DueDate, finished_on: date | None, today: date,
            calendar: WorkCalendar, rules: ClockRules, ref: str = "", calendar_days: bool = False,
            paused: PauseSpan | None = None, paused_days: int = 0, extended_days: int = 0) -> CaseClock:
    """State and days left of one clock."""

    def left(a: date, b: date) -> int:
        return (b - a).days if calendar_days else calendar.working_days_between(a, b)

    if finished_on is not None:
        days = left(finished_on, due.date)
        state = ClockState.MET if finished_on <= due.date else ClockState.LATE
        if state is ClockState.LATE:
            days = min(days, -1)
    else:
        days = left(today, due.date)
        if paused is not None:
            state = ClockState.PAUSED
        elif today > due.date:
            state = ClockState.OVERDUE
            days = min(days, -1)  # a weekend after the due day is still overdue
        else:
            state = ClockState.RUNNING
    soon = state in (ClockState.RUNNING, ClockState.PAUSED) and 0 <= days <= rules.due_soon_working_days
    return CaseClock(kind=kind, started_on=started_on, due=due.date, days_left=days, state=state,
                     provisional=due.provisional, ref=ref, calendar_days=calendar_days, finished_on=finished_on,
                     paused_days=paused_days, extended_days=extended_days,
                     pause_reason=paused.reason if paused else "", pause_step=paused.step if paused else "",
                     due_soon=soon)


@dataclass
class _Tracked:
    started_on: date
    days: int
    finished_on: date | None = None
    second_days: int = 0
    second_finished_on: date | None = None
    flag: bool = False


def case_clocks(events: Sequence[CaseEvent], *, calendar: WorkCalendar, rules: ClockRules | None = None,
                today: date) -> CaseClocks:
    """Every clock of one case at ``today``, from its events (any order; sorted by time here)."""
    rules = rules or ClockRules()
    ordered = sorted(events, key=lambda e: e.at)
    status = ""
    received_on: date | None = None
    supplement: _Tracked | None = None
    supplement_working = rules.supplement_working_days
    acceptance_date: date | None = None
    promised_days: int | None = None
    fixed_due: date | None = None
    deemed = False
    completed_on: date | None = None
    pauses: dict[str, PauseSpan] = {}
    extension_days = 0
    extended_on: date | None = None
    extended = False
    reviews: dict[str, _Tracked] = {}
    complaints: dict[str, _Tracked] = {}
    followups: dict[str, _Tracked] = {}
    routed: _Tracked | None = None
    returnable: _Tracked | None = None  # seed 003: decide a complex application within three working days
    result_returned_on: date | None = None

    for ev in ordered:
        p = ev.payload or {}
        on = ev.at.date()
        et = ev.type
        status = _STATUS_AFTER.get(et, status)
        if et == EventType.CASE_REGISTERED and not p.get("enquiry"):
            # materials are received at the window when the case is registered: art. 32's five days run
            # from then even if the case is left 已登记 (issue #16 item 11)
            received_on = _as_date(p.get("received_on"), on)
            assert received_on is not None
            supplement = _Tracked(started_on=received_on, days=rules.supplement_days, flag=True)
        elif et == EventType.CASE_EXAMINING:
            received_on = _as_date(p.get("received_on"), on)
            assert received_on is not None
            days = _as_int(p.get("supplement_days"), rules.supplement_days)
            working = p.get("supplement_working_days")
            supplement_working = working if isinstance(working, bool) else rules.supplement_working_days
            if supplement is not None and supplement.finished_on is None:
                received_on = min(received_on, supplement.started_on)  # the first receipt counts
            supplement = _Tracked(started_on=received_on, days=days if days is not None else 5)
            returnable = _Tracked(started_on=received_on, days=RETURN_DECISION_WORKING_DAYS)
        elif et == EventType.CASE_ENQUIRY_ANSWERED and supplement is not None and supplement.finished_on is None:
            supplement = None  # a pure enquiry after all: no application, no art. 32 clock
        elif et in _ENDS_SUPPLEMENT_CLOCK and supplement is not None and supplement.finished_on is None:
            supplement.finished_on = on
        if et in _ENDS_SUPPLEMENT_CLOCK and returnable is not None and returnable.finished_on is None:
            returnable.finished_on = on
        if et == EventType.CASE_RESULT_RETURNED:
            result_returned_on = result_returned_on or on
        if et in (EventType.CASE_ACCEPTED, EventType.CASE_DEEMED_ACCEPTED):
            acceptance_date = _as_date(p.get("acceptance_date"), on)
            promised_days = _as_int(p.get("promised_days"))
            fixed_due = _as_date(p.get("due_date")) if promised_days is None else None
            deemed = et == EventType.CASE_DEEMED_ACCEPTED
            completed_on = None
            pauses = {}
            extension_days, extended, extended_on = 0, False, None
        elif et == EventType.CASE_COMPLETED:
            completed_on = on
            if routed is not None and routed.finished_on is None:
                routed.finished_on = on
        elif et == EventType.CASE_CLOCK_PAUSED:
            pid = str(p.get("pause_id") or len(pauses))
            start = _as_date(p.get("started_on"), on)
            assert start is not None
            pauses[pid] = PauseSpan(pid, str(p.get("reason", "")), str(p.get("step", "")), start)
        elif et == EventType.CASE_CLOCK_RESUMED:
            pid = str(p.get("pause_id", ""))
            span = pauses.get(pid) or next((s for s in pauses.values() if s.ended_on is None), None)
            if span is not None:
                end = _as_date(p.get("ended_on"), on)
                assert end is not None
                pauses[span.pause_id] = PauseSpan(span.pause_id, span.reason, span.step, span.started_on,
                                                  max(end, span.started_on))
        elif et == EventType.CASE_EXTENDED:
            extension_days += max(0, _as_int(p.get("days"), 0) or 0)
            extended = True
            extended_on = extended_on or on
        elif et == EventType.CASE_REVIEW_REQUESTED:
            ref = str(p.get("review_id", ""))
            start = _as_date(p.get("requested_on"), on)
            assert start is not None
            reviews[ref] = _Tracked(start, _as_int(p.get("days"), rules.review_days) or 0)
        elif et == EventType.CASE_REVIEW_DECIDED:
            tracked = reviews.get(str(p.get("review_id", "")))
            if tracked is not None and tracked.finished_on is None:
                tracked.finished_on = on
        elif et == EventType.CASE_COMPLAINT:
            ref = str(p.get("complaint_id", ""))
            start = _as_date(p.get("received_on"), on)
            assert start is not None
            multi = bool(p.get("multi_unit", False))
            default = rules.complaint_multi_unit_days if multi else rules.complaint_simple_days
            # a multi-unit complaint is a calendar week whatever an old event stored (issue #16 item 7)
            complaints[ref] = _Tracked(start, default if multi else _as_int(p.get("days"), default) or 0,
                                       flag=multi)
        elif et == EventType.CASE_COMPLAINT_ANSWERED:
            tracked = complaints.get(str(p.get("complaint_id", "")))
            if tracked is not None and tracked.finished_on is None:
                tracked.finished_on = on
        elif et == EventType.CASE_COMPLAINT_DELAY_TOLD:
            tracked = complaints.get(str(p.get("complaint_id", "")))
            if tracked is not None:
                tracked.second_finished_on = tracked.second_finished_on or on  # told on
        elif et == EventType.FOLLOWUP_OPENED and p.get("kind") == "bad_rating":
            ref = str(p.get("followup_id", ""))
            start = _as_date(p.get("rated_on"), on)
            assert start is not None
            followups[ref] = _Tracked(start, _as_int(p.get("visit_days"), rules.visit_within_days) or 0,
                                      second_days=_as_int(p.get("rectify_days"),
                                                          rules.rectify_within_days) or 0)
        elif et == EventType.FOLLOWUP_VISITED:
            tracked = followups.get(str(p.get("followup_id", "")))
            if tracked is not None and tracked.finished_on is None:
                tracked.finished_on = on
        elif et == EventType.FOLLOWUP_CLOSED:
            tracked = followups.get(str(p.get("followup_id", "")))
            if tracked is not None:
                tracked.finished_on = tracked.finished_on or on
                tracked.second_finished_on = tracked.second_finished_on or on
        elif et == EventType.CASE_ROUTED:
            limit = _as_int(p.get("limit_days"))
            start = _as_date(p.get("routed_on"), on)
            if limit is not None and start is not None:
                routed = _Tracked(start, limit)

    common: dict[str, Any] = {"today": today, "calendar": calendar, "rules": rules}
    clocks: list[CaseClock] = []
    deemed_due = False
    if supplement is not None and supplement.flag and supplement.finished_on == supplement.started_on:
        supplement = None  # decided on the spot ("当场"): art. 32 needs no clock
    if supplement is not None:
        due = supplement_notice_due(calendar, supplement.started_on, supplement.days, supplement_working)
        clock = _finish(ClockKind.SUPPLEMENT_NOTICE, started_on=supplement.started_on, due=due,
                        finished_on=supplement.finished_on, calendar_days=not supplement_working, **common)
        clocks.append(clock)
        deemed_due = status == "examining" and clock.state is ClockState.OVERDUE
    milestones: list[CaseClock] = []
    if returnable is not None:
        milestones.append(_finish(ClockKind.RETURN_DECISION, started_on=returnable.started_on,
                              due=calendar.add_working_days(returnable.started_on, returnable.days),
                              finished_on=returnable.finished_on, **common))

    span_list = tuple(sorted(pauses.values(), key=lambda s: (s.started_on, s.pause_id)))
    if acceptance_date is not None and (promised_days is not None or fixed_due is not None):
        open_pause = next((s for s in span_list if s.ended_on is None), None)
        if completed_on is not None:
            open_pause = None
        until = completed_on or today
        paused = paused_working_days(calendar, span_list, until=until, not_before=acceptance_date)
        if extension_days and extended_on is not None and promised_days is not None:
            # art. 42: only within the period. An extension recorded after the due date (an older desk
            # allowed it) does not count, so the lateness stays on record (issue #16 item 1).
            unextended = promised_due(calendar, acceptance_date, promised_days, paused_working_days=paused)
            if extended_on > unextended.date:
                extension_days = 0
        if promised_days is not None:
            due = promised_due(calendar, acceptance_date, promised_days, paused_working_days=paused,
                               extension_days=extension_days)
        else:
            assert fixed_due is not None  # legacy event with a stored date: move it by pauses/extension
            extra = paused + extension_days
            due = calendar.add_working_days(fixed_due, extra) if extra else DueDate(
                fixed_due, provisional=not calendar.is_known(fixed_due.year))
        clocks.append(_finish(ClockKind.PROMISED, started_on=acceptance_date, due=due, finished_on=completed_on,
                              paused=open_pause, paused_days=paused, extended_days=extension_days, **common))
        if due.date > acceptance_date:  # not for a 即办件 finished on the spot
            back = department_return_due(calendar, due.date)
            milestones.append(_finish(ClockKind.DEPARTMENT_RETURN, started_on=acceptance_date,
                                  due=DueDate(max(back, acceptance_date), due.provisional),
                                  finished_on=result_returned_on or completed_on, paused=open_pause, **common))

    for ref, t in reviews.items():
        clocks.append(_finish(ClockKind.REVIEW, started_on=t.started_on, ref=ref,
                              due=calendar.add_working_days(t.started_on, t.days), finished_on=t.finished_on,
                              **common))
    for ref, t in complaints.items():
        complaint = (complaint_due(calendar, t.started_on, True, rules) if t.flag
                     else calendar.add_working_days(t.started_on, t.days))
        clock = _finish(ClockKind.COMPLAINT, started_on=t.started_on, ref=ref, due=complaint,
                        finished_on=t.finished_on, calendar_days=t.flag, **common)
        clocks.append(replace(clock, delay_told=t.second_finished_on is not None))
    for ref, t in followups.items():
        clocks.append(_finish(ClockKind.RETURN_VISIT, started_on=t.started_on, ref=ref,
                              due=calendar.add_working_days(t.started_on, t.days), finished_on=t.finished_on,
                              **common))
        clocks.append(_finish(ClockKind.RECTIFY, started_on=t.started_on, ref=ref,
                              due=calendar.add_working_days(t.started_on, t.second_days),
                              finished_on=t.second_finished_on, **common))
    if routed is not None:
        clocks.append(_finish(ClockKind.UNOWNED, started_on=routed.started_on,
                              due=calendar.add_working_days(routed.started_on, routed.days),
                              finished_on=routed.finished_on, **common))

    return CaseClocks(today=today, clocks=tuple(clocks), status=status, received_on=received_on,
                      acceptance_date=acceptance_date, deemed_accepted=deemed, deemed_acceptance_due=deemed_due,
                      pauses=span_list, extension_days=extension_days, extended=extended,
                      milestones=tuple(milestones))

