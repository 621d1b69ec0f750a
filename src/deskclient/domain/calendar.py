"""Chinese working days under the State Council holiday schedule (国务院办公厅节假日安排).

Time limits (限时办结) are counted in working days: weekends and public holidays are skipped, make-up
working days (调休, a Saturday or Sunday that is worked) count. The acceptance day itself is not
counted. The schedule is published once a year, so each year is a small data file parsed here from
text (the reading of files happens in ``services.holidays``). A year without a schedule never fails:
it falls back to weekends only and every result that touched it is marked provisional.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from deskclient.domain.errors import ValidationError
from deskclient.strings import calendar as msg

_Date = date  # DueDate has a field named ``date``: annotations inside it need another name

ONE_DAY = timedelta(days=1)
MIN_YEAR = 1900
MAX_YEAR = 2200
#: Longest single holiday block accepted from a file (the 2020 COVID-extended Spring Festival was 10 days).
MAX_HOLIDAY_SPAN_DAYS = 31
#: Upper bound for one computation; a promise of more than ~40 years is a typo, not a time limit.
MAX_WORKING_DAYS = 10_000

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOP_KEYS = ("year", "source", "note", "holiday", "workday")
_ENTRY_KEYS = ("name", "date", "dates", "start", "end", "note")


@dataclass(frozen=True)
class YearSchedule:
    """One year's published schedule: the days off (with the holiday's name) and the make-up working days.

    ``holidays`` and ``workdays`` may hold a few dates of the neighbouring years when the notice does
    (e.g. 元旦 2023 began on 2022-12-31). Treat the dicts as read-only.
    """

    year: int
    holidays: dict[date, str] = field(default_factory=dict)
    workdays: dict[date, str] = field(default_factory=dict)
    source: str | None = None


@dataclass(frozen=True)
class DueDate:
    """The result of counting working days, with what was skipped so a clerk can explain the date."""

    date: _Date
    provisional: bool
    skipped_holidays: tuple[tuple[_Date, str], ...] = ()
    makeup_workdays_counted: tuple[tuple[_Date, str], ...] = ()
    unknown_years: tuple[int, ...] = ()


# --------------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------------


class _ScheduleParser:
    """Turns the TOML data of one file into a YearSchedule, reporting problems with file and line."""

    def __init__(self, text: str, source_name: str) -> None:
        self.text = text
        self.lines = text.splitlines()
        self.source_name = source_name

    # -- locating problems ---------------------------------------------------------------------------
    def where(self, line: int | None) -> str:
        if line is None:
            return msg.LOCATION_FILE.format(source=self.source_name)
        return msg.LOCATION_LINE.format(source=self.source_name, line=line)

    def fail(self, detail: str, line: int | None = None) -> ValidationError:
        return ValidationError(msg.SCHEDULE_INVALID.format(where=self.where(line), detail=detail))

    def line_of(self, needle: str, after: int = 0) -> int | None:
        """First 1-based line (at or after ``after``) that contains ``needle``, ignoring comments."""
        for number, line in enumerate(self.lines, start=1):
            if number < after:
                continue
            code = line.split("#", 1)[0]
            if needle in code:
                return number
        return None

    def key_line(self, key: str, after: int = 0) -> int | None:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number, line in enumerate(self.lines, start=1):
            if number >= after and pattern.match(line):
                return number
        return None

    def header_line(self, section: str, index: int) -> int | None:
        """Line of the ``index``-th (1-based) ``[[section]]`` header."""
        pattern = re.compile(rf"^\s*\[\[\s*{re.escape(section)}\s*\]\]")
        seen = 0
        for number, line in enumerate(self.lines, start=1):
            if pattern.match(line):
                seen += 1
                if seen == index:
                    return number
        return None

    # -- values ----------------------------------------------------------------------------------------
    def parse_date(self, value: Any, hint_line: int | None) -> date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str) and _ISO_DATE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        shown = str(value)
        line = self.line_of(f'"{shown}"', after=hint_line or 0) or self.line_of(shown) or hint_line
        raise self.fail(msg.DATE_BAD.format(value=shown), line)

    def check_in_year(self, day: date, year: int, line: int | None) -> None:
        if not date(year - 1, 12, 1) <= day <= date(year + 1, 1, 31):
            found = self.line_of(day.isoformat(), after=line or 0) or line
            raise self.fail(msg.DATE_OUT_OF_YEAR.format(value=day.isoformat(), year=year), found)

    def entry_dates(self, entry: Mapping[str, Any], section: str, index: int, year: int) -> list[date]:
        line = self.header_line(section, index)
        forms = [key for key in ("date", "dates") if key in entry]
        if "start" in entry or "end" in entry:
            forms.append("start/end")
        if not forms:
            raise self.fail(msg.DATES_MISSING.format(index=index, section=section), line)
        if len(forms) > 1:
            raise self.fail(msg.DATES_AMBIGUOUS.format(index=index, section=section), line)
        days: list[date]
        if "date" in entry:
            days = [self.parse_date(entry["date"], line)]
        elif "dates" in entry:
            raw = entry["dates"]
            if not isinstance(raw, list) or not raw:
                raise self.fail(msg.DATES_MISSING.format(index=index, section=section), line)
            days = [self.parse_date(item, line) for item in raw]
        else:
            if "start" not in entry or "end" not in entry:
                raise self.fail(msg.DATES_MISSING.format(index=index, section=section), line)
            start = self.parse_date(entry["start"], line)
            end = self.parse_date(entry["end"], line)
            if end < start:
                found = self.key_line("end", after=line or 0) or line
                raise self.fail(msg.RANGE_REVERSED.format(start=start, end=end), found)
            span = (end - start).days + 1
            if span > MAX_HOLIDAY_SPAN_DAYS:
                found = self.key_line("end", after=line or 0) or line
                raise self.fail(
                    msg.RANGE_TOO_LONG.format(start=start, end=end, limit=MAX_HOLIDAY_SPAN_DAYS), found
                )
            days = [start + timedelta(days=i) for i in range(span)]
        for day in days:
            self.check_in_year(day, year, line)
        return days

    def entries(self, data: Mapping[str, Any], section: str) -> list[Mapping[str, Any]]:
        raw = data.get(section, [])
        if not isinstance(raw, list):
            raise self.fail(msg.SECTION_NOT_LIST.format(section=section), self.key_line(section))
        for index, entry in enumerate(raw, start=1):
            line = self.header_line(section, index)
            if not isinstance(entry, dict):
                raise self.fail(msg.ENTRY_NOT_TABLE.format(index=index, section=section), line)
            for key in entry:
                if key not in _ENTRY_KEYS:
                    found = self.key_line(key, after=line or 0) or line
                    raise self.fail(msg.UNKNOWN_KEY.format(key=key, allowed=", ".join(_ENTRY_KEYS)), found)
        return raw

    def entry_name(self, entry: Mapping[str, Any], section: str, index: int, default: str | None) -> str:
        name = entry.get("name", default)
        if not isinstance(name, str) or not name.strip():
            line = self.header_line(section, index)
            raise self.fail(msg.NAME_MISSING.format(index=index, section=section), line)
        return name.strip()

    # -- whole file ----------------------------------------------------------------------------------
    def build(self, data: Mapping[str, Any]) -> YearSchedule:
        for key in data:
            if key not in _TOP_KEYS:
                raise self.fail(
                    msg.UNKNOWN_KEY.format(key=key, allowed=", ".join(_TOP_KEYS)), self.key_line(key)
                )
        if "year" not in data:
            raise self.fail(msg.YEAR_MISSING)
        year = data["year"]
        if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
            raise self.fail(msg.YEAR_BAD.format(value=year), self.key_line("year"))
        source = data.get("source")
        if source is not None and not isinstance(source, str):
            raise self.fail(msg.SOURCE_BAD, self.key_line("source"))

        holidays: dict[date, str] = {}
        for index, entry in enumerate(self.entries(data, "holiday"), start=1):
            name = self.entry_name(entry, "holiday", index, default=None)
            for day in self.entry_dates(entry, "holiday", index, year):
                previous = holidays.get(day)
                if previous is not None and previous != name:
                    line = self.line_of(day.isoformat()) or self.header_line("holiday", index)
                    raise self.fail(
                        msg.DATE_TWO_NAMES.format(value=day.isoformat(), first=previous, second=name), line
                    )
                holidays[day] = name

        workdays: dict[date, str] = {}
        for index, entry in enumerate(self.entries(data, "workday"), start=1):
            name = self.entry_name(entry, "workday", index, default=msg.DEFAULT_WORKDAY_NAME)
            line = self.header_line("workday", index)
            for day in self.entry_dates(entry, "workday", index, year):
                found = self.line_of(day.isoformat(), after=line or 0) or line
                if day.weekday() < 5:
                    raise self.fail(
                        msg.WORKDAY_NOT_WEEKEND.format(
                            value=day.isoformat(), weekday=msg.WEEKDAY_NAMES[day.weekday()]
                        ),
                        found,
                    )
                if day in holidays:
                    raise self.fail(msg.DATE_BOTH.format(value=day.isoformat()), found)
                workdays[day] = name

        return YearSchedule(
            year=year,
            holidays=dict(sorted(holidays.items())),
            workdays=dict(sorted(workdays.items())),
            source=source.strip() if isinstance(source, str) and source.strip() else None,
        )


def parse_schedule(text: str, source_name: str) -> YearSchedule:
    """Parse one year's schedule (TOML text). ``source_name`` (usually the file name) appears in errors.

    Raises ``ValidationError`` with a Chinese message naming the file and, where known, the line.
    """
    parser = _ScheduleParser(text, source_name)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_POSITION.search(str(exc))
        line = int(found.group(1)) if found else None
        raise ValidationError(
            msg.SCHEDULE_SYNTAX.format(where=parser.where(line), detail=msg.TOML_DETAIL)
        ) from None
    return parser.build(data)


# --------------------------------------------------------------------------------------------------
# Counting
# --------------------------------------------------------------------------------------------------


def _weekdays_through(ordinal: int) -> int:
    """Monday-to-Friday days in [date.min, the day with this ordinal]; date(1, 1, 1) was a Monday."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


def _step(day: date) -> date:
    try:
        return day + ONE_DAY
    except OverflowError:
        raise ValidationError(msg.DATE_OUT_OF_RANGE) from None


class WorkCalendar:
    """Working-day arithmetic over any number of year schedules (a later schedule for a year wins)."""

    def __init__(self, schedules: Iterable[YearSchedule] = ()) -> None:
        by_year: dict[int, YearSchedule] = {}
        for schedule in schedules:
            by_year[schedule.year] = schedule
        self._schedules = dict(sorted(by_year.items()))
        holidays: dict[date, str] = {}
        workdays: dict[date, str] = {}
        # Dates a notice lists for a neighbouring year go in first, so that a year's own notice has the
        # last word on its own dates.
        for own_year in (False, True):
            for schedule in self._schedules.values():
                for day, name in schedule.holidays.items():
                    if (day.year == schedule.year) == own_year:
                        holidays[day] = name
                        workdays.pop(day, None)
                for day, name in schedule.workdays.items():
                    if (day.year == schedule.year) == own_year:
                        workdays[day] = name
                        holidays.pop(day, None)
        self._holidays = holidays
        self._workdays = workdays
        # Sorted ordinals of the exceptions to the Monday-Friday rule, for fast range counting.
        self._weekday_holidays = sorted(d.toordinal() for d in holidays if d.weekday() < 5)
        self._weekend_workdays = sorted(d.toordinal() for d in workdays if d.weekday() >= 5)
        self._version = self._compute_version()

    def __repr__(self) -> str:
        return f"WorkCalendar(years={list(self._schedules)}, version={self._version!r})"

    # -- facts about days ----------------------------------------------------------------------------
    @property
    def known_years(self) -> tuple[int, ...]:
        return tuple(self._schedules)

    @property
    def schedules(self) -> tuple[YearSchedule, ...]:
        return tuple(self._schedules.values())

    def schedule(self, year: int) -> YearSchedule | None:
        return self._schedules.get(year)

    def is_known(self, year: int) -> bool:
        """True when the State Council schedule for ``year`` is loaded (otherwise: weekends only)."""
        return year in self._schedules

    def is_working_day(self, day: date) -> bool:
        if day in self._workdays:
            return True
        if day in self._holidays:
            return False
        return day.weekday() < 5

    def holiday_name(self, day: date) -> str | None:
        """The public holiday ``day`` belongs to, or None."""
        return self._holidays.get(day)

    def makeup_workday_name(self, day: date) -> str | None:
        """The label of a make-up working day (调休上班), or None."""
        return self._workdays.get(day)

    # -- arithmetic ----------------------------------------------------------------------------------
    def add_working_days(self, start: date, n: int) -> DueDate:
        """The ``n``-th working day after ``start`` (``start`` itself not counted; n=0 gives ``start``)."""
        if n < 0:
            raise ValidationError(msg.NEGATIVE_DAYS)
        if n > MAX_WORKING_DAYS:
            raise ValidationError(msg.TOO_MANY_DAYS.format(limit=MAX_WORKING_DAYS))
        day = start
        counted = 0
        skipped: list[tuple[date, str]] = []
        makeup: list[tuple[date, str]] = []
        unknown: set[int] = set()
        while counted < n:
            day = _step(day)
            if day.year not in self._schedules:
                unknown.add(day.year)
            if self.is_working_day(day):
                counted += 1
                if day in self._workdays:
                    makeup.append((day, self._workdays[day]))
            elif day in self._holidays:
                skipped.append((day, self._holidays[day]))
        return DueDate(
            date=day,
            provisional=bool(unknown),
            skipped_holidays=tuple(skipped),
            makeup_workdays_counted=tuple(makeup),
            unknown_years=tuple(sorted(unknown)),
        )

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1).date

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]; negative when b is before a. Inverse of ``add_working_days``.

        ``working_days_between(today, due)`` is how many working days are left (0 on the due day,
        negative once overdue).
        """
        if b < a:
            return -self.working_days_between(b, a)
        lo, hi = a.toordinal(), b.toordinal()
        count = _weekdays_through(hi) - _weekdays_through(lo)
        count -= bisect_right(self._weekday_holidays, hi) - bisect_right(self._weekday_holidays, lo)
        count += bisect_right(self._weekend_workdays, hi) - bisect_right(self._weekend_workdays, lo)
        return count

    # -- identity ------------------------------------------------------------------------------------
    @property
    def version(self) -> str:
        """A stable hash of the loaded schedules (dates and names), independent of file layout and order."""
        return self._version

    def _compute_version(self) -> str:
        payload = [
            {
                "year": year,
                "holidays": [[d.isoformat(), name] for d, name in sorted(schedule.holidays.items())],
                "workdays": [[d.isoformat(), name] for d, name in sorted(schedule.workdays.items())],
            }
            for year, schedule in self._schedules.items()
        ]
        blob = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]
