"""Pauses of the promised clock (《行政许可法》第四十五条): which steps may stop it, and when.

Only hearing, tender, auction, inspection, testing, quarantine, appraisal and expert review stop the
clock, plus what an item's own law adds (the catalog's ``[[item.pause]]`` names it with its basis,
e.g. 公示 under the 低保 rules). The applicant is told in writing how long the step will take (the
pause notice, 特别程序告知书). A pause starts today: never back-dated (a back-dated pause once turned
an overdue case back to "running"), and never once the case is overdue.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from deskclient.domain.clock_types import PauseReason
from deskclient.domain.errors import RuleViolation, ValidationError
from deskclient.strings import clocks as T

#: 第四十五条's list; an item's law may add more (the catalog's ``[[item.pause]]``).
ART45_REASONS: tuple[PauseReason, ...] = (
    PauseReason.HEARING, PauseReason.TENDER, PauseReason.AUCTION, PauseReason.INSPECTION,
    PauseReason.TESTING, PauseReason.QUARANTINE, PauseReason.APPRAISAL, PauseReason.EXPERT_REVIEW,
)
#: Longest time a pause notice may announce (a typo guard, not a legal number).
MAX_PAUSE_NOTICE_DAYS = 365


# --------------------------------------------------------------------------------------------------


def lawful_pauses(item_pauses: Mapping[str, str] | None = None) -> dict[PauseReason, str]:
    """The pauses allowed for an item, each with its legal basis: art. 45's list, plus the item's own
    (``{reason value: basis}`` from the catalog)."""
    allowed: dict[PauseReason, str] = dict.fromkeys(ART45_REASONS, T.ART45_BASIS)
    for value, basis in (item_pauses or {}).items():
        allowed[PauseReason.parse(value)] = basis
    return allowed


def check_pause(*, reason: PauseReason, allowed: Mapping[PauseReason, str], start: date, today: date,
                due: date | None, notice_days: int | None) -> str:
    """Raise unless the clock may stand still for ``reason`` from ``start``; return the legal basis.

    The applicant must be told in writing how long the step will take (``notice_days``, art. 45).
    """
    if reason not in allowed:
        names = "、".join(r.label for r in allowed)
        raise RuleViolation(T.PAUSE_NOT_LAWFUL.format(reason=reason.label, allowed=names))
    if start < today:
        raise RuleViolation(T.PAUSE_BACKDATED.format(start=start.isoformat(), today=today.isoformat()))
    if start > today:
        raise RuleViolation(T.PAUSE_IN_FUTURE.format(start=start.isoformat(), today=today.isoformat()))
    if due is not None and today > due:
        raise RuleViolation(T.PAUSE_OVERDUE.format(due=due.isoformat()))
    if notice_days is None:
        raise ValidationError(T.PAUSE_DAYS_REQUIRED)
    if isinstance(notice_days, bool) or not 1 <= notice_days <= MAX_PAUSE_NOTICE_DAYS:
        raise ValidationError(T.PAUSE_DAYS_BAD.format(limit=MAX_PAUSE_NOTICE_DAYS))
    return allowed[reason]


def pause_notice_fields(paused: Mapping[str, Any]) -> dict[str, Any]:
    """The 特别程序告知书's fields from a ``case.clock_paused`` event payload (art. 45: the step, its
    basis and the time needed, in writing)."""
    start = paused.get("started_on")
    days = paused.get("notice_days")
    return {
        "pause_reason": PauseReason.parse(str(paused.get("reason", ""))).label,
        "pause_step": str(paused.get("step", "") or ""),
        "pause_basis": str(paused.get("basis", "") or ""),
        "pause_days": days if isinstance(days, int) and not isinstance(days, bool) else None,
        "pause_start": date.fromisoformat(start[:10]) if isinstance(start, str) and start else None,
    }


__all__ = ["ART45_REASONS", "MAX_PAUSE_NOTICE_DAYS", "check_pause", "lawful_pauses", "pause_notice_fields"]
