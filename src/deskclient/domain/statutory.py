"""The statutory public holidays of any year, and the widest rest the yearly schedule could give.

《全国年节及纪念日放假办法》(2024 revision, 国务院令第795号, in force 2025-01-01) art. 2 fixes the days
every citizen has off: 元旦 1 day (1 January), 春节 4 days (除夕 and 正月初一至初三), 清明节 1 day (the
清明 solar term), 劳动节 2 days (1–2 May), 端午节 1 day (五月初五), 中秋节 1 day (八月十五), 国庆节 3 days
(1–3 October). Only the 调休 arrangement (which weekdays join a holiday, which weekend days are
worked instead) waits for the State Council's yearly notice. So for a year whose notice is not yet
loaded we know the statutory days exactly, and we know how far a holiday block can reach.

Why "reach": a deadline under a provisional year must never be enforced earlier than the date the
real schedule could give (issue #16, DOMAIN.md rule 5). 调休 only ever (a) turns weekdays next to a
holiday into rest days (bridging, 补假 for a holiday on a weekend, the long 春节/国庆 blocks) and
(b) turns weekend days into working days. (b) can only make a deadline earlier, (a) later. The latest
possible date therefore counts no weekend as worked and every weekday inside a holiday's reach as a
rest day. The reach of each holiday (``_REACH``) is the widest block the published schedules have
given (2020–2026, including the 2020 extension of 春节 to 正月初九), checked against every shipped year
by ``tests/domain/test_statutory.py``; widen it here if a future notice ever goes further.

Lunar dates and the 清明 solar term come from ``lunar-python`` (a maintained calendar library); no
lunar table is written here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from lunar_python import Lunar

from deskclient.strings import calendar as msg

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class StatutoryHoliday:
    """One holiday of one year: its statutory days and the widest block a schedule could make of it."""

    key: str  # "new_year", "spring_festival", ...
    name: str  # 元旦 ...
    days: tuple[date, ...]  # the statutory days off (art. 2)
    reach_start: date  # first day a published schedule could make a rest day for this holiday
    reach_end: date  # last such day


#: (days before the first statutory day, days after the last) a holiday block has reached in a
#: published schedule, or may reach under the 调休 principles (春节 and 国庆 up to 8–9 days).
_REACH: dict[str, tuple[int, int]] = {
    "new_year": (1, 2),  # 2019: 12-30..01-01 (Monday bridged); 2022: 01-01..01-03 (补假 Monday)
    "spring_festival": (1, 6),  # 2026: 02-15 (腊月廿八) ..02-23 (初七); 2020: extended to 初九
    "qingming": (2, 2),  # three-day blocks on either side of the solar term
    "labour_day": (2, 3),  # 2023: 04-29..05-03; 2026: 05-01..05-05
    "dragon_boat": (2, 2),
    "mid_autumn": (2, 2),
    "national_day": (2, 5),  # 2023: 09-29..10-06 (with 中秋); 2025: 10-01..10-08
}


def _lunar_to_solar(year: int, month: int, day: int) -> date:
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _qingming(year: int) -> date:
    # The lunar year that begins in (late January or February of) ``year`` always contains April's 清明.
    solar = Lunar.fromYmd(year, 3, 1).getJieQiTable()[msg.QINGMING_TERM]
    found = date(solar.getYear(), solar.getMonth(), solar.getDay())
    assert found.year == year
    return found


def _block(key: str, days: list[date]) -> StatutoryHoliday:
    before, after = _REACH[key]
    return StatutoryHoliday(key=key, name=msg.STATUTORY_NAMES[key], days=tuple(days),
                            reach_start=days[0] - timedelta(days=before), reach_end=days[-1] + timedelta(days=after))


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> tuple[StatutoryHoliday, ...]:
    """The seven holidays of ``year`` under the 2024 revision, in calendar order.

    Years outside what the lunar library can convert keep only the fixed-date holidays (元旦, 劳动节,
    国庆节); such years are centuries away from any real case.
    """
    holidays = [_block("new_year", [date(year, 1, 1)])]
    try:
        first_day = _lunar_to_solar(year, 1, 1)  # 正月初一
        spring = [first_day - ONE_DAY + timedelta(days=i) for i in range(4)]  # 除夕, 初一..初三
        lunar = [
            _block("spring_festival", spring),
            _block("qingming", [_qingming(year)]),
            _block("dragon_boat", [_lunar_to_solar(year, 5, 5)]),
            _block("mid_autumn", [_lunar_to_solar(year, 8, 15)]),
        ]
    except Exception:  # the library's range ends; keep the fixed-date holidays only
        lunar = []
    holidays.extend(lunar)
    holidays.append(_block("labour_day", [date(year, 5, 1), date(year, 5, 2)]))
    holidays.append(_block("national_day", [date(year, 10, 1) + timedelta(days=i) for i in range(3)]))
    return tuple(sorted(holidays, key=lambda h: h.days[0]))


def statutory_days(year: int) -> dict[date, str]:
    """Every statutory day off of ``year`` with its holiday's name."""
    return {day: h.name for h in statutory_holidays(year) for day in h.days}


def provisional_rest_days(year: int) -> dict[date, str]:
    """The rest days assumed for ``year`` while its schedule is unpublished (latest-possible reading).

    Every statutory day (named as the holiday) and every weekday inside a holiday's reach (named as
    possibly off). Weekends are rest days anyway and are not listed; no weekend is assumed worked.
    A reach may spill into the neighbouring year (元旦's reach starts on 31 December).
    """
    days: dict[date, str] = {}
    for h in statutory_holidays(year):
        statutory = set(h.days)
        day = h.reach_start
        while day <= h.reach_end:
            if day in statutory:
                days[day] = h.name
            elif day.weekday() < 5:
                days.setdefault(day, msg.PROVISIONAL_REST_NAME.format(name=h.name))
            day += ONE_DAY
    return dict(sorted(days.items()))


__all__ = ["StatutoryHoliday", "provisional_rest_days", "statutory_days", "statutory_holidays"]
