"""The command line: help, version, and headless commands that never import the UI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from deskclient import __version__
from deskclient.cli import main

HEAVY = ("textual", "sqlalchemy", "sqlmodel", "fastapi", "httpx", "fpdf", "escpos", "alembic",
         "tomlkit")  # tomlkit: only when settings.toml is written


def _modules_after(argv: list[str]) -> set[str]:
    code = (
        "import sys, io, contextlib\n"
        "from deskclient.cli import main\n"
        "buf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf):\n"
        "    try:\n"
        f"        main({argv!r})\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stderr.split())


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["due-date", "2026-09-30", "5"]])
def test_headless_commands_stay_light(argv: list[str]) -> None:
    loaded = _modules_after(argv)
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY)
    assert heavy == [], f"{argv} imported {heavy[:5]}"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_help_is_chinese_with_english_terms(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "数据目录(data dir)" in out and "due-date" in out


def test_python_dash_m_works() -> None:
    out = subprocess.run([sys.executable, "-m", "deskclient", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and __version__ in out.stdout


def test_due_date_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["due-date", "2026-09-30", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["due_date"] == "2026-10-10"  # 10/8, 10/9, then the make-up Saturday
    assert data["provisional"] is False


@pytest.mark.parametrize("flags", [["demo-data"], ["--demo", "demo-data"], ["demo-data", "--demo"]])
def test_demo_data_fills_the_demo_ledger_never_the_station(tmp_path, flags: list[str]) -> None:
    """Sample data never lands in a station ledger: on an empty folder ``demo-data`` (with or without
    --demo, before or after the subcommand) fills <dir>/demo, and plain ``deskclient`` still finds no
    station (first run), not a "station" full of samples."""
    import sqlite3

    assert main(["--data-dir", str(tmp_path), *flags, "--cases", "50"]) == 0
    assert not (tmp_path / "ledger.sqlite").exists()
    con = sqlite3.connect(tmp_path / "demo" / "ledger.sqlite")
    assert con.execute("SELECT COUNT(*) FROM 'case'").fetchone()[0] == 50
    assert con.execute("SELECT is_demo FROM station").fetchone()[0] == 1
    seqs = [r[0] for r in con.execute("SELECT seq FROM event ORDER BY seq")]
    assert seqs == list(range(1, len(seqs) + 1))


def test_demo_data_training_flag_after_the_subcommand(tmp_path) -> None:
    import sqlite3

    assert main(["demo-data", "--cases", "5", "--training", "--data-dir", str(tmp_path)]) == 0
    assert not (tmp_path / "ledger.sqlite").exists() and not (tmp_path / "demo").exists()
    con = sqlite3.connect(tmp_path / "training" / "ledger.sqlite")
    assert con.execute("SELECT COUNT(*) FROM 'case'").fetchone()[0] == 5


def test_catalog_search_imports_no_other_command_and_no_parser_of_the_catalog(tmp_path) -> None:
    """``deskclient catalog search`` loads its own command module only (the parser is lazy), and
    with the index cached (the first search builds it) neither the TOML parser, rich nor
    logging.handlers: the command is meant to cost about a ``--version`` (issue 20)."""
    import os

    code = (
        "import sys, io, contextlib\n"
        "from deskclient.cli import main\n"
        "buf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf):\n"
        f"    assert main(['--data-dir', {str(tmp_path)!r}, 'catalog', 'search', 'dbsq']) == 0\n"
        "assert 'MZ-001' in buf.getvalue(), buf.getvalue()\n"
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert "deskclient.domain.catalog_parse" in first.stderr.split()  # the first search parses and indexes
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                env=env).stderr.split())
    commands = sorted(m for m in loaded if m.startswith("deskclient.commands.") and m != "deskclient.commands.catalog")
    assert commands == [], commands
    unwanted = ("deskclient.domain.catalog_parse", "deskclient.domain.catalog", "tomllib", "rich", "pypinyin",
                "logging", "json", "deskclient.services.catalog_files", "hashlib", *HEAVY)
    assert sorted(m for m in loaded if m.split(".")[0] in unwanted or m in unwanted) == []


def test_help_lists_every_command_with_its_chinese_line(capsys: pytest.CaptureFixture[str]) -> None:
    from deskclient.cli import COMMANDS, _help_text

    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for name, (_module, ref) in COMMANDS.items():
        assert name in out and _help_text(ref) in out, name


@pytest.mark.parametrize(("argv", "word"), [
    (["catalog", "search", "x"], "catalog"),
    (["--data-dir", "catalog", "sync"], "sync"),
    (["--data-dir=d", "--demo", "report"], "report"),
    (["--demo"], None),
    (["--data", "d", "catalog"], ""),  # an abbreviated value option: every module, argparse decides
])
def test_command_word(argv: list[str], word: str | None) -> None:
    from deskclient.cli import command_word

    assert command_word(argv) == word


def test_an_abbreviated_data_dir_still_reaches_the_command(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data", str(tmp_path), "catalog", "search", "dbsq", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["hits"][0]["code"] == "MZ-001"


def test_an_unexpected_error_in_a_quiet_command_is_logged_to_the_file_masked(tmp_path, monkeypatch,
                                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """``catalog`` sets up no log file before it runs (it writes no log line); an unexpected error
    still reaches the desk's log file, through the privacy filter, and the clerk sees one line."""
    import logging

    from deskclient.commands import catalog
    from deskclient.logs import LazyFileHandler

    def broken(args: object) -> int:
        raise RuntimeError("index damaged near 110101199003074518")

    monkeypatch.setattr(catalog, "cmd_search", broken)
    root = logging.getLogger()
    before = list(root.handlers)
    for h in before:  # this test process may have set up a desk log already
        root.removeHandler(h)
    try:
        assert main(["--data-dir", str(tmp_path), "catalog", "search", "dbsq"]) == 1
        added = [h for h in root.handlers if isinstance(h, LazyFileHandler)]
        assert len(added) == 1
        for h in added:
            h.flush()
            h.close()
            root.removeHandler(h)
    finally:
        for h in before:
            root.addHandler(h)
    assert "RuntimeError" in capsys.readouterr().err
    text = (tmp_path / "logs" / "deskclient.log").read_text(encoding="utf-8")
    assert "unexpected error in catalog" in text and "index damaged near" in text
    assert "110101199003074518" not in text
