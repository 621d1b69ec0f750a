"""Names of the ledger's events. Every change to the ledger is one of these, appended in the same
transaction as the rows it changes; the events are the audit trail and the outbox to the office.

Payloads are JSON objects. **No full ID number or phone number ever goes into a payload**: use the
masked form and, where a match is needed, ``identity.fingerprint``.
"""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    # station and people
    STATION_CONFIGURED = "station.configured"
    CLERK_CREATED = "clerk.created"
    CLERK_SIGNED_IN = "clerk.signed_in"
    CLERK_SIGNED_OUT = "clerk.signed_out"
    CLERK_PIN_FAILED = "clerk.pin_failed"
    CLERK_LOCKED = "clerk.locked"
    CLERK_UNLOCKED = "clerk.unlocked"  # the head lifted a lock
    CLERK_RETIRED = "clerk.retired"  # the head retired a clerk (no more sign-in)
    CLERK_PIN_RESET = "clerk.pin_reset"  # the head set a new PIN for a clerk
    CLERK_PIN_CHANGED = "clerk.pin_changed"  # a clerk changed their own PIN
    # a case's life
    CASE_REGISTERED = "case.registered"
    CASE_MATERIALS_CHECKED = "case.materials_checked"
    CASE_MATERIALS_MARKED = "case.materials_marked"  # checklist marks saved as made, before the outcome
    CASE_EXAMINING = "case.examining"  # 收件待审
    CASE_SUPPLEMENT_REQUESTED = "case.supplement_requested"
    CASE_SUPPLEMENT_RECEIVED = "case.supplement_received"
    CASE_ACCEPTED = "case.accepted"
    CASE_DEEMED_ACCEPTED = "case.deemed_accepted"  # art. 32: supplement notice not given in time
    CASE_RETURNED = "case.returned"
    CASE_ENQUIRY_ANSWERED = "case.enquiry_answered"
    CASE_COMPLETED = "case.completed"
    CASE_TRANSFERRED = "case.transferred"
    CASE_MARKED_URGENT = "case.marked_urgent"
    CASE_RATED = "case.rated"
    CASE_COMPLAINT = "case.complaint"
    CASE_COMPLAINT_ANSWERED = "case.complaint_answered"
    CASE_REVIEW_REQUESTED = "case.review_requested"
    CASE_REVIEW_DECIDED = "case.review_decided"
    CASE_CLOCK_PAUSED = "case.clock_paused"
    CASE_CLOCK_RESUMED = "case.clock_resumed"
    CASE_EXTENDED = "case.extended"
    CASE_ROUTED = "case.routed"  # 不管件 routed by the centre head
    FOLLOWUP_OPENED = "followup.opened"
    FOLLOWUP_VISITED = "followup.visited"
    FOLLOWUP_CLOSED = "followup.closed"
    # notices
    NOTICE_ISSUED = "notice.issued"
    NOTICE_PRINTED = "notice.printed"
    NOTICE_PRINT_FAILED = "notice.print_failed"
    NOTICE_SUPERSEDED = "notice.superseded"  # a queued copy left the queue: another copy was printed
    # the desk and the day
    DESK_HANDOVER = "desk.handover"
    DESK_PAUSED = "desk.paused"
    DESK_RESUMED = "desk.resumed"
    DAY_OPENED = "day.opened"
    DAY_CLOSED = "day.closed"
