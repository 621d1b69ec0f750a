"""Intake drafts: what the clerk was typing, kept on every change so a crash loses nothing.

A draft is local working state, not a ledger fact: it is written without an event (so a full ID
number typed into it never reaches the outbox) and deleted once the intake is confirmed.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete

from deskclient.store.ledger import Ledger, WriteTx
from deskclient.store.models import Draft


def save_draft(ledger: Ledger, draft_id: str, clerk_id: str, data: dict[str, Any], kind: str = "intake") -> None:
    """Saved on every pause in typing: atomic but not fsynced (a power cut may lose the last few
    seconds of a draft, never a confirmed step; the register that deletes it is durable)."""
    with ledger.write(clerk_id, durable=False) as tx:
        row = tx.session.get(Draft, draft_id) or Draft(id=draft_id, clerk_id=clerk_id, kind=kind, data="{}",
                                                       updated_at=tx.now)
        row.data = json.dumps(data, ensure_ascii=False, sort_keys=True)
        row.updated_at = tx.now
        tx.session.add(row)


def delete_draft(ledger: Ledger, draft_id: str) -> None:
    with ledger.write(None, durable=False) as tx:
        delete_in(tx, draft_id)


def delete_in(tx: WriteTx, draft_id: str) -> None:
    """Delete the draft (if any) inside ``tx``: one DELETE, no load (the register that confirms it
    runs this in its own durable transaction)."""
    tx.session.connection().execute(delete(Draft.__table__).where(Draft.__table__.c.id == draft_id))


def draft_data(row: Draft) -> dict[str, Any]:
    try:
        data = json.loads(row.data)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
