"""Names of the ledger's events. Every change to the ledger is one of these, appended in the same
transaction as the rows it changes; the events are the audit trail and the outbox to the office.

Payloads are JSON objects. **No full ID number or phone number ever goes into a payload**: use the
masked form and, where a match is needed, ``identity.fingerprint``.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum


class EventType(StrEnum):
    # station and people
    STATION_CONFIGURED = "station.configured"
    STATION_NOTICE_LINES_CHANGED = "station.notice_lines_changed"  # the head changed [station] notice lines
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
    CASE_RESULT_RETURNED = "case.result_returned"  # the department handed the result back to the window
    CASE_COMPLAINT_DELAY_TOLD = "case.complaint_delay_told"  # complainant told the reply will be late
    CASE_NOTIFICATION_AMENDED = "case.notification_amended"  # a material added after the first notice
    CASE_JOINT_DEPARTMENTS_CONFIRMED = "case.joint_departments_confirmed"  # 联办部门 as the clerk confirmed them
    FOLLOWUP_OPENED = "followup.opened"
    FOLLOWUP_VISITED = "followup.visited"
    FOLLOWUP_CLOSED = "followup.closed"
    # notices
    NOTICE_ISSUED = "notice.issued"
    NOTICE_PRINTED = "notice.printed"
    NOTICE_PRINT_FAILED = "notice.print_failed"
    NOTICE_SUPERSEDED = "notice.superseded"  # a queued copy left the queue: another copy was printed
    NOTICE_ARCHIVED = "notice.archived"  # its archive file was rendered after issuing (off the clerk's path)
    # the desk and the day
    DESK_HANDOVER = "desk.handover"
    DESK_PAUSED = "desk.paused"
    DESK_RESUMED = "desk.resumed"
    DAY_OPENED = "day.opened"
    DAY_CLOSED = "day.closed"


_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
_SCALAR = json.JSONEncoder(ensure_ascii=False)
_encode_str = json.encoder.encode_basestring  # what _SCALAR.encode does for a str (ensure_ascii=False)


def canonical_payload(payload: object) -> str:
    """The payload as canonical JSON text: sorted keys, no spaces, UTF-8 characters as they are."""
    return _CANONICAL.encode(payload)


def canonical_event(id_: str, seq: int, at: str, clerk_id: str | None, type_: str, case_id: str | None,
                    payload: object, *, payload_json: str | None = None) -> str:
    """An event's canonical JSON: ``{"at","case_id","clerk_id","id","payload","seq","type"}`` with
    sorted keys and no spaces (``payload_json`` when the caller has :func:`canonical_payload`
    already). It is assembled from the parts because this runs for every event on both sides; it
    is what :func:`content_hash` hashes, and a valid wire form of the event (the station sends it)."""
    pj = canonical_payload(payload) if payload_json is None else payload_json
    return (f'{{"at":{_scalar(at)},"case_id":{_scalar(case_id)},"clerk_id":{_scalar(clerk_id)},'
            f'"id":{_scalar(id_)},"payload":{pj},"seq":{_scalar(seq)},"type":{_scalar(type_)}}}')


def hash_text(canonical: str) -> str:
    """SHA-256 (hex) of a :func:`canonical_event` text."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def content_hash(id_: str, seq: int, at: str, clerk_id: str | None, type_: str, case_id: str | None,
                 payload: object, *, payload_json: str | None = None) -> str:
    """SHA-256 (hex) of an event's canonical JSON (:func:`canonical_event`): what the office returns
    to prove it stores *this* event for the station (see docs/sync-protocol.md). Station and office
    compute it the same way from the wire form (``at`` as sent, ``payload`` as a JSON object), so
    any difference in any field gives another hash."""
    return hash_text(canonical_event(id_, seq, at, clerk_id, type_, case_id, payload, payload_json=payload_json))


def _scalar(value: object) -> str:
    """The JSON text of one field, exactly as ``_SCALAR.encode`` gives it (strings, ints and None,
    the usual fields, without the encoder's per-call overhead)."""
    if type(value) is str:
        return _encode_str(value)
    if value is None:
        return "null"
    if type(value) is int:
        return int.__repr__(value)
    return _SCALAR.encode(value)
