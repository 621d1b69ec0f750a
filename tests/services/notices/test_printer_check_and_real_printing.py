"""The morning printer check as written (real lpstat, device files, TCP), printing through a real CUPS
queue to a PDF printer, and an ESC/POS network printer that decodes what it receives."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import cups_server
import pytest
from real_cases import Station, case_for, make_station

from deskclient.domain.notices import NoticeKind
from deskclient.services.notices import printing
from deskclient.services.notices.issue import issue_notice
from deskclient.services.workday import default_printer_check
from deskclient.settings import PrinterSettings, Settings, SettingsError, parse_settings
from deskclient.store.models import Case, Notice

#: One pytest-xdist worker runs this module: one private cupsd (module-scoped) rather than one per worker,
#: and cups-pdf writes every job to the same $HOME/PDF.
pytestmark = pytest.mark.xdist_group("cups")


def _chinese(message: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in message) and "Traceback" not in message


# --- settings are validated with a Chinese message ---------------------------------------------------


def test_printer_settings_are_validated_when_read(tmp_path: Path) -> None:
    text = '[printer]\nkind = "escpos-netwrok"\nformat = "png"\ncolumns = 7\n'
    with pytest.raises(SettingsError) as err:
        parse_settings(text, tmp_path / "settings.toml")
    message = err.value.message
    assert "escpos-netwrok" in message and "png" in message and "7" in message
    assert "第 2 行" in message and _chinese(message)


def test_check_reports_bad_settings_before_touching_anything() -> None:
    result = printing.check_printer(PrinterSettings(kind="escpos-network", device=""))
    assert result.ok is False and "device" in result.message and _chinese(result.message)


# --- ESC/POS devices ---------------------------------------------------------------------------------


def test_serial_printer_device_file(tmp_path: Path) -> None:
    missing = printing.check_printer(PrinterSettings(kind="escpos-serial", device="/dev/ttyDESK99:9600"))
    assert missing.ok is False and "/dev/ttyDESK99" in missing.message and "未连接" in missing.message
    master, slave = os.openpty()  # a real terminal device, as a USB-serial adapter shows up
    try:
        present = printing.check_printer(PrinterSettings(kind="escpos-serial", device=os.ttyname(slave)))
    finally:
        os.close(master)
        os.close(slave)
    assert present.ok is True and _chinese(present.message)


class _EscposListener:
    """A network thermal printer on 127.0.0.1: accepts connections and keeps every byte received."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.jobs: list[bytes] = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                chunks = []
                while data := conn.recv(65536):
                    chunks.append(data)
                if chunks:
                    self.jobs.append(b"".join(chunks))
                    self.done.set()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[_EscposListener]:
    lst = _EscposListener()
    yield lst
    lst.close()


def test_network_printer_check(listener: _EscposListener) -> None:
    ok = printing.check_printer(PrinterSettings(kind="escpos-network", device=f"127.0.0.1:{listener.port}"))
    assert ok.ok is True
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    refused = printing.check_printer(PrinterSettings(kind="escpos-network", device=f"127.0.0.1:{port}"))
    assert refused.ok is False and "拒绝连接" in refused.message
    bad = printing.check_printer(PrinterSettings(kind="escpos-network", device="no-such-printer.invalid"))
    assert bad.ok is False and "无法识别" in bad.message


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Station]:
    st = make_station(tmp_path_factory.mktemp("st"), "520102")
    yield st
    st.ctx.close()


def _decode_escpos(job: bytes) -> str:
    """The text lines of an ESC/POS job: strip commands and the raster image, decode GB18030."""
    out = bytearray()
    i = 0
    while i < len(job):
        b = job[i]
        if job.startswith(b"\x1dv0", i):  # GS v 0 m xL xH yL yH + data
            xl, xh, yl, yh = job[i + 4:i + 8]
            i += 8 + (xl + 256 * xh) * (yl + 256 * yh)
            continue
        if b in (0x1B, 0x1C, 0x1D):  # ESC / FS / GS + command byte (+ one parameter for most)
            i += 3 if job[i + 1:i + 2] in (b"E", b"!", b"a", b"d", b"V", b"t", b"-", b"M") else 2
            continue
        out.append(b)
        i += 1
    return out.decode("gb18030", errors="replace")


def test_notice_to_a_network_thermal_printer(station: Station, listener: _EscposListener, tmp_path: Path) -> None:
    ctx = station.ctx
    case_id, item, confirmed = case_for(station, NoticeKind.PROMISE, seed=11)
    printer = PrinterSettings(kind="escpos-network", device=f"127.0.0.1:{listener.port}", columns=48)
    result = issue_notice(ctx.ledger, case_id, NoticeKind.PROMISE, station.clerk_id, archive_dir=tmp_path,
                          printer=printer, station_settings=ctx.settings.station, item=item, **confirmed)
    assert result.printed, result.message
    assert listener.done.wait(10)
    job = listener.jobs[0]
    with ctx.ledger.read() as s:
        case_no = s.get(Case, case_id).case_no
        assert s.get(Notice, result.notice_id).print_state == "printed"
    text = _decode_escpos(job)
    assert case_no in text and "承诺件通知书" in text and "审批部门联" in text
    assert job.count(b"\x1dv0") == 1  # one QR code: on the applicant's copy only
    assert job.count(b"\x1dV") == 3  # a cut after each of the three copies


# --- CUPS: a real queue, a real lp, a PDF printer ---------------------------------------------------


@pytest.fixture(scope="module")
def cups(tmp_path_factory: pytest.TempPathFactory) -> Iterator[cups_server.CupsServer]:
    reason = cups_server.missing_reason()
    if reason:
        pytest.skip(reason)
    try:
        yield from cups_server.start(Path("/tmp") / f"deskclient-cups-{os.getpid()}")
    except RuntimeError as exc:
        pytest.skip(f"a private cupsd could not start here: {exc}")


@pytest.fixture
def cups_env(cups: cups_server.CupsServer, monkeypatch: pytest.MonkeyPatch) -> cups_server.CupsServer:
    monkeypatch.setenv("CUPS_SERVER", str(cups.socket))
    return cups


def test_cups_queue_ready(cups_env: cups_server.CupsServer) -> None:
    result = printing.check_printer(PrinterSettings(kind="system", name=cups_server.QUEUE))
    assert result.ok is True and cups_server.QUEUE in result.message and "空闲" in result.message


def test_cups_unknown_printer_is_not_called_off(cups_env: cups_server.CupsServer) -> None:
    result = printing.check_printer(PrinterSettings(kind="system", name="HP-LaserJet-大厅"))
    assert result.ok is False
    assert "没有名为“HP-LaserJet-大厅”的打印机" in result.message and cups_server.QUEUE in result.message
    assert "开机" not in result.message  # unknown printer ≠ printer off


def test_cups_paused_and_rejecting_queues(cups_env: cups_server.CupsServer) -> None:
    cups_env.run("cupsdisable", "-r", "paper jam", cups_server.QUEUE)
    try:
        paused = printing.check_printer(PrinterSettings(kind="system", name=cups_server.QUEUE))
    finally:
        cups_env.run("cupsenable", cups_server.QUEUE)
    assert paused.ok is False and "暂停" in paused.message and "paper jam" in paused.message
    cups_env.run("cupsreject", cups_server.QUEUE)
    try:
        rejecting = printing.check_printer(PrinterSettings(kind="system", name=cups_server.QUEUE))
    finally:
        cups_env.run("cupsaccept", cups_server.QUEUE)
    assert rejecting.ok is False and "拒绝接收" in rejecting.message


def test_cups_no_default_printer(cups_env: cups_server.CupsServer) -> None:
    result = printing.check_printer(PrinterSettings(kind="system", name=""))
    assert result.ok is False and "默认打印机" in result.message


def test_cups_not_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if cups_server.missing_reason():
        pytest.skip(cups_server.missing_reason())
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "no-cups.sock"))
    result = printing.check_printer(PrinterSettings(kind="system", name="any"))
    assert result.ok is False and "打印服务(CUPS)没有运行" in result.message


def test_morning_check_through_the_desk(cups_env: cups_server.CupsServer, station: Station) -> None:
    """services/workday.py's day-opening check reaches the real check (no stand-in)."""
    ctx = station.ctx
    before = ctx.settings
    try:
        for name, ok in ((cups_server.QUEUE, True), ("no-such-queue", False)):
            ctx.settings = Settings(station=before.station,
                                    printer=PrinterSettings(kind="system", name=name, format="pdf"))
            status = default_printer_check(ctx)
            assert status.ok is ok, status.message
            assert (cups_server.QUEUE if ok else "no-such-queue") in status.message
    finally:
        ctx.settings = before


def _pages_as_images(pdf: Path, out: Path) -> list:
    from PIL import Image

    out.mkdir()
    subprocess.run(["pdftoppm", "-r", "40", "-gray", str(pdf), str(out / "p")], check=True, timeout=120,
                   capture_output=True)
    return [Image.open(p).convert("L") for p in sorted(out.glob("p*.pgm"))]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) not installed")
def test_notice_printed_through_cups_to_pdf(cups_env: cups_server.CupsServer, station: Station,
                                            tmp_path: Path) -> None:
    """What comes out of the PDF printer is the archived notice, page for page. (cups-pdf redistils
    the file with Ghostscript, which drops the text layer of embedded CJK subsets, so the pages are
    compared as images.)"""
    from PIL import ImageChops, ImageFilter, ImageStat

    ctx = station.ctx
    case_id, item, confirmed = case_for(station, NoticeKind.REJECTION, seed=12)
    printer = PrinterSettings(kind="system", name=cups_server.QUEUE, format="pdf")
    result = issue_notice(ctx.ledger, case_id, NoticeKind.REJECTION, station.clerk_id, archive_dir=tmp_path,
                          printer=printer, station_settings=ctx.settings.station, item=item, **confirmed)
    assert result.printed, result.message
    out = cups_env.wait_for_pdf(result.notice_id[:12])
    printed = tmp_path / "printed.pdf"
    printed.write_bytes(out.read_bytes())
    out.unlink()
    got = _pages_as_images(printed, tmp_path / "got")
    want = _pages_as_images(result.archive_path, tmp_path / "want")
    assert len(got) == len(want) == 2  # 一式二联
    for a, b in zip(got, want, strict=True):
        assert a.size == b.size
        # the same page, give or take Ghostscript's anti-aliasing (smoothed away by a 2-pixel blur)
        smooth_a, smooth_b = a.filter(ImageFilter.BoxBlur(2)), b.filter(ImageFilter.BoxBlur(2))
        assert ImageStat.Stat(ImageChops.difference(smooth_a, smooth_b)).mean[0] < 2.5
        assert ImageStat.Stat(a).mean[0] < 250  # and not a blank page
