"""The ledger's row types, as the UI may hold them (read-only values handed out by the services).

Screens annotate with these names instead of importing ``deskclient.store``: the contract "The desk UI
does not reach the store" (pyproject.toml) keeps every read and write behind a feature service.
"""

from __future__ import annotations

from deskclient.store.models import (
    Case,
    CaseMaterial,
    Clerk,
    Complaint,
    DeskPause,
    Draft,
    FollowUp,
    Handover,
    Notice,
    Review,
    Station,
    Transfer,
    Window,
    WorkDay,
)
from deskclient.store.queries import CaseRow, TimelineEntry, TodayCounts

__all__ = [
    "Case",
    "CaseMaterial",
    "CaseRow",
    "Clerk",
    "Complaint",
    "DeskPause",
    "Draft",
    "FollowUp",
    "Handover",
    "Notice",
    "Review",
    "Station",
    "TimelineEntry",
    "TodayCounts",
    "Transfer",
    "Window",
    "WorkDay",
]
