"""Load the holiday schedules from disk: the shipped ``data/holidays`` plus any extra folders.

A new year is added by dropping ``<year>.toml`` into a folder (the office publishes them; a station
may keep its own in its data folder). A broken file never stops the desk: it is skipped, the year
falls back to weekends only (results marked provisional) and a Chinese problem message is returned
for the caller to show or log.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from deskclient.domain.calendar import WorkCalendar, YearSchedule, parse_schedule
from deskclient.domain.errors import ValidationError
from deskclient.resources import data_path
from deskclient.strings import calendar as msg

#: Sub-folder name used for holiday schedules, both in the shipped data and in a station's data folder.
HOLIDAYS_DIR_NAME = "holidays"
_YEAR_STEM = re.compile(r"^\d{4}$")


def read_schedule_file(path: Path, display_name: str | None = None) -> YearSchedule:
    """Read and parse one schedule file; every failure becomes a ValidationError naming the file.

    ``display_name`` is how the file is named in messages (default: its file name).
    """
    shown = display_name or path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        detail = msg.FILE_NOT_UTF8 if isinstance(exc, UnicodeDecodeError) else msg.FILE_NO_ACCESS
        raise ValidationError(msg.FILE_UNREADABLE.format(where=shown, detail=detail)) from None
    schedule = parse_schedule(text, shown)
    if _YEAR_STEM.match(path.stem) and int(path.stem) != schedule.year:
        raise ValidationError(
            msg.SCHEDULE_INVALID.format(
                where=shown, detail=msg.FILE_YEAR_MISMATCH.format(stem=path.stem, year=schedule.year)
            )
        )
    return schedule


def read_schedule_dir(folder: Path, full_paths: bool = False) -> tuple[list[YearSchedule], list[str]]:
    """All ``*.toml`` schedules of one folder in name order, and a message per file that was skipped.

    ``full_paths`` names files by their full path in messages (for folders outside the program).
    """
    schedules: list[YearSchedule] = []
    problems: list[str] = []
    try:
        files = sorted(p for p in folder.glob("*.toml") if p.is_file())
    except OSError:
        files = []
    for path in files:
        try:
            schedules.append(read_schedule_file(path, str(path) if full_paths else None))
        except ValidationError as err:
            skipped = (
                msg.FILE_SKIPPED.format(year=path.stem)
                if _YEAR_STEM.match(path.stem)
                else msg.FILE_SKIPPED_ANY
            )
            problems.append(f"{err.message}{skipped}")
    return schedules, problems


@lru_cache(maxsize=1)
def _shipped() -> tuple[tuple[YearSchedule, ...], tuple[str, ...]]:
    """The schedules shipped with the program, parsed once per process."""
    try:
        folder = data_path(HOLIDAYS_DIR_NAME)
    except FileNotFoundError:
        return (), (msg.FOLDER_MISSING.format(folder=HOLIDAYS_DIR_NAME),)
    if not folder.is_dir():
        return (), (msg.FOLDER_MISSING.format(folder=folder),)
    schedules, problems = read_schedule_dir(folder)
    return tuple(schedules), tuple(problems)


@lru_cache(maxsize=1)
def _shipped_calendar() -> WorkCalendar:
    return WorkCalendar(_shipped()[0])


def load_calendar(extra_dirs: Iterable[Path] = ()) -> tuple[WorkCalendar, list[str]]:
    """The working calendar from the shipped schedules plus ``extra_dirs`` (a later file for a year wins).

    Missing extra folders are ignored (a station that never received an update has none). Returns the
    calendar and the problems found (Chinese, one per skipped file); it never raises for bad files.
    """
    shipped, shipped_problems = _shipped()
    problems = list(shipped_problems)
    extra: list[YearSchedule] = []
    for folder in extra_dirs:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        schedules, folder_problems = read_schedule_dir(folder, full_paths=True)
        extra.extend(schedules)
        problems.extend(folder_problems)
    if not extra:
        return _shipped_calendar(), problems
    return WorkCalendar([*shipped, *extra]), problems


def clear_cache() -> None:
    """Forget the parsed shipped schedules (tests; after the program's data folder was updated)."""
    _shipped.cache_clear()
    _shipped_calendar.cache_clear()
