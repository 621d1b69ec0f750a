"""``deskclient notice CASE_NO --type ... --format ...`` reads the ledger and writes the notice."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from notice_samples import seeded_ledger

from deskclient.cli import main

NOW = datetime(2026, 11, 24, 9, 30)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    seeded_ledger(tmp_path / "ledger.sqlite", NOW).engine.dispose()
    return tmp_path


def test_text_to_stdout(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--data-dir", str(data_dir), "notice", "QS01-20261124-0007", "--type", "supplement",
                 "--format", "text", "--width", "32"])
    out = capsys.readouterr().out
    assert code == 0
    assert "补正告知书" in out and "户口簿" in out and "110105********002X" in out
    assert max(len(line.encode("gb18030")) for line in out.splitlines()) <= 32


@pytest.mark.parametrize("fmt", ["pdf", "escpos"])
def test_binary_formats_to_a_file(data_dir: Path, fmt: str) -> None:
    out = data_dir / f"n.{fmt}"
    assert main(["--data-dir", str(data_dir), "notice", "QS01-20261124-0007", "--type", "受理通知书",
                 "--format", fmt, "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF" if fmt == "pdf" else b"\x1b@")


def test_clear_messages(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(data_dir), "notice", "NOPE", "--type", "acceptance"]) == 2
    assert "找不到该办件:NOPE" in capsys.readouterr().err
    assert main(["--data-dir", str(data_dir), "notice", "QS01-20261124-0007", "--type", "bogus"]) == 2
    assert "acceptance" in capsys.readouterr().err
    assert main(["--data-dir", str(data_dir), "notice", "QS01-20261124-0007", "--type", "acceptance",
                 "--format", "pdf"]) == 2
    assert "-o" in capsys.readouterr().err
    # (a checklist takes its basis and procedure from the catalog, as at the desk: tests/test_front_door.py)


def test_import_is_light() -> None:
    import subprocess
    import sys

    code = ("import sys, deskclient.commands.notice; "
            "bad=[m for m in ('textual','fpdf','escpos','sqlmodel') if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
