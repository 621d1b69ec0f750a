"""Former home of the clock services, kept as re-exports while the other branches merge.

The code moved by feature: :mod:`deskclient.services.rules` (settings → ClockRules, rating presets),
:mod:`deskclient.services.case_clock` (reading, 特别程序 pauses, extension, deemed acceptance) and
:mod:`deskclient.services.followups` (reviews, complaints, ratings, follow-ups, 回访, 不管件 routing).
New code takes the services from the context (``ctx.case_clock``, ``ctx.followups``) instead.
"""

from __future__ import annotations

from deskclient.services.case_clock import (
    MAX_EXTENSION_DAYS,
    CaseClockService,
    ExtensionResult,
    apply_deemed_acceptance,
    case_events,
    clocks_for_case,
    clocks_for_cases,
    extend_case,
    pause_clock,
    resume_clock,
)
from deskclient.services.followups import (
    FOLLOWUP_BAD_RATING,
    FOLLOWUP_REVISIT,
    FOLLOWUP_UNOWNED,
    MAX_ROUTE_DAYS,
    FollowUpService,
    answer_complaint,
    close_followup,
    complainant_name,
    complaint_clocks,
    decide_review,
    open_bad_rating_followup,
    open_followups,
    rate_case,
    rater_name,
    record_complaint,
    record_followup_visit,
    record_revisit,
    request_review,
    revisits_in_month,
    route_unowned,
)
from deskclient.services.rules import PRESETS_FILE, effective_rating, load_rating_presets, rules_for

__all__ = [
    "FOLLOWUP_BAD_RATING",
    "FOLLOWUP_REVISIT",
    "FOLLOWUP_UNOWNED",
    "MAX_EXTENSION_DAYS",
    "MAX_ROUTE_DAYS",
    "PRESETS_FILE",
    "CaseClockService",
    "ExtensionResult",
    "FollowUpService",
    "answer_complaint",
    "apply_deemed_acceptance",
    "case_events",
    "clocks_for_case",
    "clocks_for_cases",
    "close_followup",
    "complainant_name",
    "complaint_clocks",
    "decide_review",
    "effective_rating",
    "extend_case",
    "load_rating_presets",
    "open_bad_rating_followup",
    "open_followups",
    "pause_clock",
    "rate_case",
    "rater_name",
    "record_complaint",
    "record_followup_visit",
    "record_revisit",
    "request_review",
    "resume_clock",
    "revisits_in_month",
    "route_unowned",
    "rules_for",
]
