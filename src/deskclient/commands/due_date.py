"""``deskclient due-date YYYY-MM-DD N [--json]``: the promised date of a case accepted on a day.

Kept light on purpose (no Textual, no database): a clerk or the office can answer "when is it due?"
from a terminal in a fraction of a second, and scripts can use ``--json``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deskclient.strings import calendar as msg

if TYPE_CHECKING:  # the CLI imports every command module to build its parser: the calendar (and
    # lunar-python) load only when due-date runs, not on `catalog search` (docs/performance.md)
    from deskclient.domain.calendar import DueDate, WorkCalendar

EXIT_OK = 0
EXIT_BAD_INPUT = 2
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def register(subparsers: Any) -> None:
    """Add the ``due-date`` subcommand to the top-level parser's subparsers."""
    parser = subparsers.add_parser("due-date", help=msg.CMD_HELP, description=msg.CMD_DESCRIPTION)
    parser.add_argument("start", metavar="YYYY-MM-DD", help=msg.ARG_START_HELP)
    parser.add_argument("days", metavar="N", help=msg.ARG_DAYS_HELP)
    parser.add_argument("--json", action="store_true", dest="as_json", help=msg.ARG_JSON_HELP)
    parser.add_argument(
        "--holidays-dir",
        action="append",
        default=[],
        type=Path,
        metavar="DIR",
        dest="holidays_dirs",
        help=msg.ARG_HOLIDAYS_DIR_HELP,
    )
    parser.set_defaults(func=run)


def _parse_start(raw: str) -> date | None:
    text = raw.strip()
    if not _ISO_DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _parse_days(raw: str) -> int | None:
    text = str(raw).strip()
    if not text.isascii() or not text.isdigit():
        return None
    return int(text)


def _day_label(day: date) -> str:
    return f"{day.isoformat()} {msg.WEEKDAY_NAMES[day.weekday()]}"


def _as_json(start: date, n: int, due: DueDate, calendar: WorkCalendar, problems: list[str]) -> str:
    data = {
        "start": start.isoformat(),
        "working_days": n,
        "due_date": due.date.isoformat(),
        "provisional": due.provisional,
        "provisional_note": msg.PROVISIONAL_MARK if due.provisional else "",
        "unknown_years": list(due.unknown_years),
        "skipped_holidays": [{"date": d.isoformat(), "name": name} for d, name in due.skipped_holidays],
        "makeup_workdays_counted": [
            {"date": d.isoformat(), "name": name} for d, name in due.makeup_workdays_counted
        ],
        "calendar_version": calendar.version,
        "known_years": list(calendar.known_years),
        "problems": problems,
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _as_text(start: date, n: int, due: DueDate) -> str:
    status = msg.OUT_STATUS_PROVISIONAL if due.provisional else msg.OUT_STATUS_FINAL
    lines = [
        f"{msg.OUT_START}  {_day_label(start)}",
        f"{msg.OUT_LIMIT}  {msg.OUT_LIMIT_VALUE.format(n=n)}",
        f"{msg.OUT_DUE}  {_day_label(due.date)}",
        f"{msg.OUT_STATUS}  {status}",
    ]
    if due.provisional:
        years = msg.YEAR_JOINER.join(str(y) for y in due.unknown_years)
        lines.append(msg.OUT_PROVISIONAL_NOTE.format(years=years))
    lines.append(msg.OUT_SKIPPED_TITLE + ("" if due.skipped_holidays else msg.OUT_NONE))
    lines.extend(f"  {_day_label(d)}  {name}" for d, name in due.skipped_holidays)
    if due.makeup_workdays_counted:
        lines.append(msg.OUT_MAKEUP_TITLE)
        lines.extend(f"  {_day_label(d)}  {name}" for d, name in due.makeup_workdays_counted)
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Print the due date; bad input gives a Chinese message on stderr and exit status 2."""
    start = _parse_start(args.start)
    if start is None:
        print(msg.BAD_START_DATE.format(value=args.start), file=sys.stderr)
        return EXIT_BAD_INPUT
    n = _parse_days(args.days)
    if n is None:
        print(msg.BAD_DAYS.format(value=args.days), file=sys.stderr)
        return EXIT_BAD_INPUT
    from deskclient.domain.errors import DeskError
    from deskclient.services.holidays import load_calendar

    calendar, problems = load_calendar(getattr(args, "holidays_dirs", None) or ())
    try:
        due = calendar.add_working_days(start, n)
    except DeskError as err:
        print(err.message, file=sys.stderr)
        return EXIT_BAD_INPUT
    if getattr(args, "as_json", False):
        print(_as_json(start, n, due, calendar, problems))
        return EXIT_OK
    for problem in problems:
        print(msg.WARNING_PREFIX + problem, file=sys.stderr)
    print(_as_text(start, n, due))
    return EXIT_OK
