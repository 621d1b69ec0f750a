"""The ledger's events: the content hash that confirms one event at the office (sync protocol)."""

from __future__ import annotations


def test_content_hash_is_sha256_of_the_canonical_event_json() -> None:
    """The hash the office returns to confirm an event: any field changed gives another hash."""
    import hashlib
    import json

    from deskclient.domain.events import content_hash

    doc = {"id": "9f" * 16, "seq": 121, "at": "2026-11-24T09:31:02", "clerk_id": None, "type": "case.accepted",
           "case_id": "c" * 32, "payload": {"due_date": "2026-12-08", "note": "已办结 “引号” \"q\"", "n": [1, 2.5]}}
    expected = hashlib.sha256(json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                              .encode("utf-8")).hexdigest()
    args = (doc["id"], doc["seq"], doc["at"], doc["clerk_id"], doc["type"], doc["case_id"], doc["payload"])
    assert content_hash(*args) == expected
    assert content_hash(*args[:6], {}) != expected  # an office storing {} cannot confirm the event
    assert content_hash(doc["id"], 122, *args[2:]) != expected
