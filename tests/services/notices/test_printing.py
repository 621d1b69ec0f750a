"""A printer that is off, missing or unreachable gives a clear Chinese message; nothing raises."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest
from notice_samples import sample

from deskclient.domain.notices import NoticeKind
from deskclient.services.notices import printing
from deskclient.services.notices.render import render_document
from deskclient.settings import PrinterSettings


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the socket is: connection refused


@pytest.fixture
def doc():
    return render_document(sample(NoticeKind.ACCEPTANCE))


def _chinese(message: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in message) and "Traceback" not in message


def test_unreachable_network_thermal_printer(doc) -> None:
    settings = PrinterSettings(kind="escpos-network", device=f"127.0.0.1:{_closed_port()}", columns=32)
    result = printing.print_document(doc, settings, timeout=2)
    assert not result.ok and _chinese(result.message)
    assert "127.0.0.1" in result.message and "补打" in result.message


def test_no_printer_configured(doc) -> None:
    result = printing.print_document(doc, PrinterSettings(kind="none"))
    assert not result.ok and _chinese(result.message)


def test_unknown_kind_and_bad_device(doc) -> None:
    assert not printing.print_document(doc, PrinterSettings(kind="laser")).ok
    result = printing.print_document(doc, PrinterSettings(kind="escpos-usb", device="zz:yy"))
    assert not result.ok and _chinese(result.message)


def test_missing_cups(doc, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(printing.shutil, "which", lambda name: None)
    result = printing.print_document(doc, PrinterSettings(kind="system", name="Counter", format="text"))
    assert not result.ok and "lp" in result.message and _chinese(result.message)


def _fake_lp(tmp_path: Path, body: str) -> None:
    script = tmp_path / "bin" / "lp"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_named_printer_missing(doc, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_lp(tmp_path, 'echo "lp: The printer or class does not exist." >&2; exit 1')
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    result = printing.print_document(doc, PrinterSettings(kind="system", name="Hall-Laser", format="pdf"))
    assert not result.ok and "Hall-Laser" in result.message and "找不到这个名字的打印机" in result.message
    assert "does not exist" not in result.message  # the printing system's English never reaches the clerk
    assert result.settings_hint


def test_no_default_printer_is_said_in_chinese(doc, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_lp(tmp_path, 'echo "/usr/bin/lp: Error - No default destination." >&2; exit 1')
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    result = printing.print_document(doc, PrinterSettings(kind="system", format="pdf"))
    assert not result.ok and "没有设置默认打印机" in result.message
    assert "destination" not in result.message and "/usr/bin" not in result.message
    assert result.settings_hint  # the fix is [printer] name: the desk adds where the settings file is


def test_named_printer_ok(doc, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "args"
    _fake_lp(tmp_path, f'echo "$@" > {log}; cat "$4" > /dev/null; exit 0')
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    result = printing.print_document(doc, PrinterSettings(kind="system", name="Hall-Laser", format="pdf"))
    assert result.ok, result.message
    assert "-d Hall-Laser" in log.read_text()


def test_file_printer_writes_the_job(doc, tmp_path: Path) -> None:
    out = tmp_path / "spool" / "job.bin"
    result = printing.print_document(doc, PrinterSettings(kind="file", device=str(out), format="escpos"))
    assert result.ok and out.read_bytes().startswith(b"\x1b@")
    txt = tmp_path / "job.txt"
    assert printing.print_document(doc, PrinterSettings(kind="file", device=str(txt), format="text",
                                                        columns=32)).ok
    assert "受理通知书" in txt.read_bytes().decode("gb18030")


def test_an_opener_that_hangs_up_midway(doc) -> None:
    class Broken:
        def _raw(self, data: bytes) -> None:
            raise OSError("Broken pipe")

        def close(self) -> None:
            raise OSError("already closed")

    result = printing.send_escpos(b"x", PrinterSettings(kind="escpos-network", device="printer"),
                                  opener=lambda s, t: Broken())
    assert not result.ok and "连接中断" in result.message and "Broken" not in result.message
