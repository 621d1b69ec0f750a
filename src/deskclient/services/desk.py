"""The desk around the cases, as one object: kept for callers written before the split by feature.

The code lives in :mod:`~deskclient.services.queue`, :mod:`~deskclient.services.handover`,
:mod:`~deskclient.services.workday` and :mod:`~deskclient.services.head_desk` (views and shared helpers
in :mod:`~deskclient.services.desk_base`). New code takes the one it needs from the context
(``ctx.queue``, ``ctx.handover``, ``ctx.workday``, ``ctx.head_desk``).
"""

from __future__ import annotations

from deskclient.services.desk_base import (
    ComplaintLine,
    DayClosing,
    DayNotClosable,
    DayOpening,
    DeskFeature,
    FollowUpLine,
    HandoverResult,
    HandoverView,
    OpenCaseLine,
    PendingNotice,
    PrinterStatus,
    Reminders,
    ReviewLine,
    UnfinishedIntake,
    WindowLoad,
    on_duty_key,
)
from deskclient.services.handover import HandoverService
from deskclient.services.head_desk import HeadDeskService
from deskclient.services.workday import WorkdayService, default_printer_check, default_sync

__all__ = [
    "ComplaintLine",
    "DayClosing",
    "DayNotClosable",
    "DayOpening",
    "DeskFeature",
    "DeskService",
    "FollowUpLine",
    "HandoverResult",
    "HandoverView",
    "OpenCaseLine",
    "PendingNotice",
    "PrinterStatus",
    "Reminders",
    "ReviewLine",
    "UnfinishedIntake",
    "WindowLoad",
    "default_printer_check",
    "default_sync",
    "on_duty_key",
]


class DeskService(HandoverService, WorkdayService, HeadDeskService):
    """Handover, pause, the working day and the head's desk together (``DeskService(ctx)``)."""
