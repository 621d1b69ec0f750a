"""Loading holiday schedules from folders, and the ``deskclient due-date`` command."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from deskclient.commands import due_date
from deskclient.services import holidays
from deskclient.services.holidays import load_calendar


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    holidays.clear_cache()


def test_shipped_calendar_loads_without_problems() -> None:
    calendar, problems = load_calendar()
    assert problems == []
    assert set(range(2020, 2027)) <= set(calendar.known_years)


def test_shipped_calendar_is_built_once() -> None:
    first, _ = load_calendar()
    second, _ = load_calendar()
    assert first is second


def test_extra_folder_adds_a_year_and_a_later_file_wins(tmp_path: Path) -> None:
    (tmp_path / "2027.toml").write_text(
        'year = 2027\n[[holiday]]\nname = "元旦"\ndates = ["2027-01-01"]\n', encoding="utf-8"
    )
    (tmp_path / "2026.toml").write_text(
        'year = 2026\n[[holiday]]\nname = "测试假"\ndates = ["2026-03-02"]\n', encoding="utf-8"
    )
    calendar, problems = load_calendar([tmp_path])
    assert problems == []
    assert calendar.is_known(2027)
    assert not calendar.is_working_day(date(2027, 1, 1))
    assert calendar.holiday_name(date(2026, 3, 2)) == "测试假"
    assert calendar.is_working_day(date(2026, 10, 8))  # the shipped 2026 is replaced wholesale...
    assert calendar.is_working_day(date(2026, 10, 1))  # ...including its National Day
    due = calendar.add_working_days(date(2026, 12, 31), 1)
    assert due.date == date(2027, 1, 4)
    assert not due.provisional


def test_broken_files_are_skipped_with_a_chinese_message(tmp_path: Path) -> None:
    (tmp_path / "2027.toml").write_text('year = 2027\n[[holiday]\nname = "元旦"\n', encoding="utf-8")
    (tmp_path / "2028.toml").write_bytes(b"\xff\xfe\x00garbage")
    (tmp_path / "2029.toml").write_text("year = 2030\n", encoding="utf-8")
    calendar, problems = load_calendar([tmp_path, tmp_path / "missing"])
    assert len(problems) == 3
    assert "2027.toml第2行" in problems[0]
    assert "UTF-8" in problems[1]
    assert "2029" in problems[2] and "2030" in problems[2]
    assert all("跳过" in p for p in problems)
    assert not calendar.is_known(2027)
    assert calendar.is_known(2026)


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="deskclient")
    due_date.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


def test_due_date_command_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["due-date", "2026-02-13", "5"]) == 0
    out = capsys.readouterr().out
    assert "2026-02-27 星期五" in out
    assert "2026-02-15 星期日  春节" in out
    assert "2026-02-14 星期六  春节调休上班" in out
    assert "暂定" not in out


def test_due_date_command_provisional(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["due-date", "2026-12-28", "5"]) == 0
    out = capsys.readouterr().out
    assert "2027-01-05" in out  # 2027-01-01 is 元旦 by law even before the 2027 notice
    assert "暂定" in out and "2027" in out


def test_due_date_command_2026_12_31_is_provisional_and_never_new_year(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue #16 item 8: `deskclient due-date 2026-12-31 1 --json` — not a statutory holiday, provisional."""
    assert _run(["due-date", "2026-12-31", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["due_date"] == "2027-01-04"
    assert data["provisional"] is True and data["provisional_note"]
    assert {"date": "2027-01-01", "name": "元旦"} in data["skipped_holidays"]


def test_due_date_command_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["due-date", "2026-09-30", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["due_date"] == "2026-10-10"
    assert data["provisional"] is False
    assert data["makeup_workdays_counted"] == [{"date": "2026-10-10", "name": "国庆节调休上班"}]
    assert len(data["skipped_holidays"]) == 7


@pytest.mark.parametrize(
    "argv",
    [["due-date", "2026-02-30", "5"], ["due-date", "2026/02/13", "5"], ["due-date", "2026-02-13", "x"]],
)
def test_due_date_command_bad_input(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "无效" in captured.err
    assert "Traceback" not in captured.err


def test_due_date_command_stays_light() -> None:
    code = (
        "import sys, argparse\n"
        "from deskclient.commands import due_date\n"
        "p = argparse.ArgumentParser(); due_date.register(p.add_subparsers())\n"
        "a = p.parse_args(['due-date', '2026-02-13', '5']); rc = a.func(a)\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('textual', 'sqlalchemy', 'sqlmodel')]\n"
        "assert rc == 0 and not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
