"""Sending a rendered notice to the printer chosen in settings ([printer] in settings.toml).

A printer is never allowed to block a case: every failure (printer off, missing, unplugged, no
CUPS) comes back as a :class:`PrintResult` with a clear Chinese message — never an exception or a
traceback — and every call is bounded by a timeout. The caller keeps the notice queued for reprint.

Kinds (``PrinterSettings.kind``):
- ``none``: nothing is printed (the notice is archived; print it later);
- ``system``: the system default (``name = ""``) or a named printer: CUPS ``lp`` on Linux, the
  Windows print path (win32print if available, else ``os.startfile(path, "print")``);
- ``escpos-usb`` (device ``"0x0416:0x5011"``), ``escpos-serial`` (``"/dev/ttyUSB0"`` or
  ``"COM3:9600"``), ``escpos-network`` (``"192.168.1.50"`` or ``"host:9100"``): a thermal printer;
- ``file``: write the job to the file named by ``device`` (tests, a spooler folder).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deskclient.domain.identity import redact
from deskclient.services.files import atomic_write_bytes
from deskclient.services.notices import blocks as B
from deskclient.settings import PrinterSettings
from deskclient.strings import notices as T

DEFAULT_TIMEOUT_S = 15.0
NETWORK_PORT = 9100

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrintResult:
    ok: bool
    message: str  # Chinese, safe to show and to log (no personal data)
    settings_hint: bool = False  # the fix is in the settings file: the caller says where it is


# the printing system's own errors (matched in lower case, never shown) whose fix is [printer] name
_ERRORS_IN_SETTINGS = ("no default destination", "does not exist")


def _in_settings(text: str) -> bool:
    """A printing-system error whose fix is a value in the settings file ([printer] name)."""
    lowered = text.lower()
    return any(needle in lowered for needle in _ERRORS_IN_SETTINGS)


def _detail(exc: BaseException | str) -> str:
    """What went wrong, in Chinese: the printing system's known English messages are translated; an
    unknown one is logged (redacted) and the clerk is told where to look, never shown raw."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    lowered = text.lower()
    for needle, chinese in T.PRINT_KNOWN_ERRORS.items():
        if needle in lowered:
            return chinese
    log.warning("printer error: %s", redact(text)[:200])
    return T.PRINT_OTHER_ERROR


def _printer_label(settings: PrinterSettings) -> str:
    return settings.name or settings.device or T.PRINT_DEFAULT_PRINTER


# --- system printers -----------------------------------------------------------------------------


def _lp(path: Path, settings: PrinterSettings, raw: bool, timeout: float) -> PrintResult:
    label = _printer_label(settings)
    lp = shutil.which("lp")
    if lp is None:
        return PrintResult(False, T.PRINT_NO_LP)
    cmd = [lp, "-s"]
    if settings.name:
        cmd += ["-d", settings.name]
    if raw:
        cmd += ["-o", "raw"]
    cmd += ["--", str(path)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return PrintResult(False, T.PRINT_TIMEOUT.format(printer=label, seconds=int(timeout)))
    except OSError as exc:
        return PrintResult(False, T.PRINT_PRINTER_UNAVAILABLE.format(printer=label, detail=_detail(exc)))
    if done.returncode != 0:
        said = done.stderr or done.stdout or f"lp exit {done.returncode}"
        return PrintResult(False, T.PRINT_PRINTER_UNAVAILABLE.format(printer=label, detail=_detail(said)),
                           settings_hint=_in_settings(said))
    return PrintResult(True, T.PRINT_OK.format(printer=label))


def _windows(path: Path, settings: PrinterSettings, raw_bytes: bytes | None) -> PrintResult:  # pragma: no cover
    label = _printer_label(settings)
    try:
        import win32print
    except ImportError:
        win32print = None
    try:
        if win32print is not None:
            name = settings.name or win32print.GetDefaultPrinter()
            if raw_bytes is not None:  # a line printer: send the GB18030 text as a raw job
                handle = win32print.OpenPrinter(name)
                try:
                    win32print.StartDocPrinter(handle, 1, ("deskclient", None, "RAW"))
                    win32print.StartPagePrinter(handle)
                    win32print.WritePrinter(handle, raw_bytes)
                    win32print.EndPagePrinter(handle)
                    win32print.EndDocPrinter(handle)
                finally:
                    win32print.ClosePrinter(handle)
                return PrintResult(True, T.PRINT_OK.format(printer=name))
            import win32api

            win32api.ShellExecute(0, "printto", str(path), f'"{name}"', ".", 0)
            return PrintResult(True, T.PRINT_OK.format(printer=name))
        os.startfile(str(path), "print")  # type: ignore[attr-defined]
        return PrintResult(True, T.PRINT_OK.format(printer=label))
    except Exception as exc:
        return PrintResult(False, T.PRINT_WINDOWS_FAILED.format(detail=_detail(exc)))


def send_file(path: Path, settings: PrinterSettings, *, raw_bytes: bytes | None = None,
              timeout: float = DEFAULT_TIMEOUT_S) -> PrintResult:
    """Print a file (PDF or GB18030 text) on the system's default or named printer."""
    if sys.platform.startswith("win"):  # pragma: no cover - exercised on Windows counters
        return _windows(path, settings, raw_bytes)
    return _lp(path, settings, raw=raw_bytes is not None, timeout=timeout)


# --- ESC/POS devices -----------------------------------------------------------------------------


def _split_port(device: str, default: int) -> tuple[str, int]:
    host, sep, port = device.rpartition(":")
    if sep and port.isdigit() and host and "]" not in port:
        return host, int(port)
    return device, default


def open_escpos(settings: PrinterSettings, timeout: float = DEFAULT_TIMEOUT_S) -> Any:
    """A connected python-escpos printer object for the settings; raises ValueError/OSError/escpos errors."""
    device = settings.device.strip()
    if not device:
        raise ValueError(T.PRINT_BAD_DEVICE.format(detail="device"))
    if settings.kind == "escpos-network":
        from escpos.printer import Network

        host, port = _split_port(device, NETWORK_PORT)
        printer: Any = Network(host, port=port, timeout=timeout)
    elif settings.kind == "escpos-usb":
        from escpos.printer import Usb

        vendor, _, product = device.partition(":")
        try:
            printer = Usb(int(vendor, 16), int(product, 16), timeout=int(timeout * 1000))
        except ValueError:
            raise ValueError(T.PRINT_BAD_DEVICE.format(detail=device)) from None
    elif settings.kind == "escpos-serial":
        from escpos.printer import Serial

        serial_port, baud = _split_port(device, 9600)
        printer = Serial(devfile=serial_port, baudrate=baud, timeout=timeout)
    elif settings.kind == "file":
        from escpos.printer import File

        printer = File(devfile=device)
    else:
        raise ValueError(T.PRINT_UNKNOWN_KIND.format(kind=settings.kind))
    if hasattr(printer, "is_usable") and not printer.is_usable():
        raise OSError("python-escpos: usb/serial support not installed (pyusb / pyserial)")
    printer.open()
    return printer


def send_escpos(job: bytes, settings: PrinterSettings, *, timeout: float = DEFAULT_TIMEOUT_S,
                opener: Callable[[PrinterSettings, float], Any] = open_escpos) -> PrintResult:
    """Send an ESC/POS job (from :func:`escpos.escpos_bytes`) to the configured thermal printer."""
    label = _printer_label(settings)
    if settings.kind == "file":
        try:
            atomic_write_bytes(Path(settings.device), job)
        except OSError as exc:
            return PrintResult(False, T.PRINT_DEVICE_FAILED.format(printer=label, detail=_detail(exc)))
        return PrintResult(True, T.PRINT_OK.format(printer=label))
    try:
        printer = opener(settings, timeout)
    except ValueError as exc:  # a device or kind the settings file got wrong
        return PrintResult(False, str(exc), settings_hint=True)
    except Exception as exc:  # DeviceNotFoundError, OSError, USBError, SerialException...
        return PrintResult(False, T.PRINT_DEVICE_FAILED.format(printer=label, detail=_detail(exc)))
    try:
        printer._raw(job)
    except Exception as exc:
        return PrintResult(False, T.PRINT_DEVICE_FAILED.format(printer=label, detail=_detail(exc)))
    finally:
        with contextlib.suppress(Exception):  # closing a dead connection may fail too
            printer.close()
    return PrintResult(True, T.PRINT_OK.format(printer=label))


# --- one entry point -----------------------------------------------------------------------------


def print_document(doc: B.Document, settings: PrinterSettings, *, pdf_path: Path | None = None,
                   timeout: float = DEFAULT_TIMEOUT_S) -> PrintResult:
    """Print ``doc`` the way the settings say. Never raises for a printer problem."""
    from deskclient.services.notices.escpos import escpos_bytes
    from deskclient.services.notices.text import render_text, to_gb18030

    kind = settings.kind
    try:
        if kind == "none":
            return PrintResult(False, T.PRINT_NOT_CONFIGURED, settings_hint=True)
        if kind.startswith("escpos-") or (kind == "file" and settings.format == "escpos"):
            return send_escpos(escpos_bytes(doc, settings.columns), settings, timeout=timeout)
        if kind == "file":
            if settings.format == "pdf":
                from deskclient.services.notices.pdf import render_pdf

                data = pdf_path.read_bytes() if pdf_path is not None and pdf_path.is_file() else render_pdf(doc)
            else:
                data = to_gb18030(render_text(doc, settings.columns))
            atomic_write_bytes(Path(settings.device), data)
            return PrintResult(True, T.PRINT_OK.format(printer=settings.device))
        if kind != "system":
            return PrintResult(False, T.PRINT_UNKNOWN_KIND.format(kind=kind), settings_hint=True)
        if settings.format == "pdf":
            if pdf_path is not None and pdf_path.is_file():
                return send_file(pdf_path, settings, timeout=timeout)
            from deskclient.services.notices.pdf import render_pdf

            return _via_temp(render_pdf(doc), ".pdf", lambda p: send_file(p, settings, timeout=timeout))
        raw = to_gb18030(render_text(doc, settings.columns))
        if settings.format == "escpos":
            raw = escpos_bytes(doc, settings.columns)
        return _via_temp(raw, ".txt", lambda p: send_file(p, settings, raw_bytes=raw, timeout=timeout))
    except OSError as exc:
        return PrintResult(False, T.PRINT_PRINTER_UNAVAILABLE.format(printer=_printer_label(settings),
                                                                     detail=_detail(exc)))
    except Exception as exc:  # a printer must never crash the desk; DeskError messages are Chinese
        message = getattr(exc, "message", None) or T.PRINT_PRINTER_UNAVAILABLE.format(
            printer=_printer_label(settings), detail=_detail(exc))
        return PrintResult(False, message)


def _via_temp(data: bytes, suffix: str, send: Callable[[Path], PrintResult]) -> PrintResult:
    fd, name = tempfile.mkstemp(prefix="deskclient-notice-", suffix=suffix)
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return send(path)
    finally:
        if not sys.platform.startswith("win"):  # Windows' print verb reads the file after we return
            path.unlink(missing_ok=True)


# --- the morning check ---------------------------------------------------------------------------

CHECK_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class PrinterCheck:
    """Result of :func:`check_printer`: ``ok`` None means "could not be checked on this system"."""

    ok: bool | None
    message: str  # Chinese, names the real cause (unknown printer, paused queue, device missing ...)
    settings_hint: bool = False  # the fix is in the settings file: the caller says where it is


def _c_locale() -> dict[str, str]:
    env = dict(os.environ)
    env.update(LANG="C", LC_ALL="C", LANGUAGE="C")
    return env


def _lpstat(args: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    lpstat = shutil.which("lpstat")
    assert lpstat is not None
    return subprocess.run([lpstat, *args], capture_output=True, text=True, timeout=timeout, check=False,
                          env=_c_locale())


def _known_queues(timeout: float) -> list[str]:
    try:
        done = _lpstat(["-e"], timeout)
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.strip() for line in done.stdout.splitlines() if line.strip()]


def _cups_down(text: str) -> bool:
    low = text.lower()
    return "scheduler is not running" in low or "unable to connect to server" in low or \
        "connection refused" in low or "no such file or directory" in low


def _check_cups(settings: PrinterSettings, timeout: float) -> PrinterCheck:
    if shutil.which("lpstat") is None:
        return PrinterCheck(False, T.PRINT_NO_LP)
    name = settings.name.strip()
    try:
        running = _lpstat(["-r"], timeout)
        if "not running" in running.stdout + running.stderr or _cups_down(running.stderr):
            return PrinterCheck(False, T.CHECK_CUPS_DOWN)
        if not name:
            done = _lpstat(["-d"], timeout)
            if _cups_down(done.stderr + done.stdout):
                return PrinterCheck(False, T.CHECK_CUPS_DOWN)
            _, sep, default = done.stdout.partition("system default destination:")
            if not sep or not default.strip():
                return PrinterCheck(False, T.CHECK_NO_DEFAULT, settings_hint=True)
            name = default.strip().split()[0]
        status = _lpstat(["-p", name], timeout)
        accepting = _lpstat(["-a", name], timeout)
    except subprocess.TimeoutExpired:
        return PrinterCheck(False, T.CHECK_LPSTAT_FAILED.format(printer=name, detail=T.PRINT_TIMEOUT.format(
            printer=name, seconds=int(timeout))))
    except OSError as exc:
        return PrinterCheck(False, T.CHECK_LPSTAT_FAILED.format(printer=name, detail=_detail(exc)))
    output = status.stdout + status.stderr
    if _cups_down(output):
        return PrinterCheck(False, T.CHECK_CUPS_DOWN)
    if status.returncode != 0 or "invalid destination" in output.lower() or "unknown destination" in output.lower():
        known = [q for q in _known_queues(timeout) if q != name]
        if not known:
            return PrinterCheck(False, T.CHECK_UNKNOWN_PRINTER_NONE.format(printer=name))
        return PrinterCheck(False, T.CHECK_UNKNOWN_PRINTER.format(printer=name, known="、".join(known)),
                            settings_hint=True)
    first, _, rest = status.stdout.partition("\n")
    reason = " ".join(line.strip() for line in rest.splitlines() if line.strip())[:120]
    reason_text = f"({redact(reason)})" if reason else ""
    if " disabled" in first:
        return PrinterCheck(False, T.CHECK_QUEUE_DISABLED.format(printer=name, reason=reason_text))
    if "not accepting" in accepting.stdout:
        return PrinterCheck(False, T.CHECK_QUEUE_REJECTING.format(printer=name, reason=reason_text))
    state = T.CHECK_STATE_PRINTING if "now printing" in first else T.CHECK_STATE_IDLE
    return PrinterCheck(True, T.CHECK_OK_QUEUE.format(printer=name, state=state))


def _check_windows(settings: PrinterSettings) -> PrinterCheck:  # pragma: no cover - Windows counters
    label = _printer_label(settings)
    try:
        import win32print
    except ImportError:
        return PrinterCheck(None, T.CHECK_WINDOWS_UNCHECKED.format(printer=label))
    flags = win32print.PRINTER_ENUM_LOCAL | win32print.PRINTER_ENUM_CONNECTIONS
    known = [p[2] for p in win32print.EnumPrinters(flags)]
    name = settings.name or win32print.GetDefaultPrinter()
    if name not in known:
        return PrinterCheck(False, T.CHECK_WINDOWS_UNKNOWN.format(printer=name, known="、".join(known)))
    return PrinterCheck(True, T.CHECK_OK_QUEUE.format(printer=name, state=T.CHECK_STATE_INSTALLED))


def _check_serial(device: str) -> PrinterCheck:
    port, _ = _split_port(device, 9600)
    if sys.platform.startswith("win"):  # pragma: no cover - COM ports have no device file
        return PrinterCheck(None, T.CHECK_WINDOWS_UNCHECKED.format(printer=port))
    if not os.path.exists(port):
        return PrinterCheck(False, T.CHECK_DEVICE_MISSING.format(device=port), settings_hint=True)
    if not os.access(port, os.R_OK | os.W_OK):
        return PrinterCheck(False, T.CHECK_DEVICE_DENIED.format(device=port))
    return PrinterCheck(True, T.CHECK_OK_DEVICE.format(printer=port))


def _check_network(device: str, timeout: float) -> PrinterCheck:
    host, port = _split_port(device, NETWORK_PORT)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except socket.gaierror:
        return PrinterCheck(False, T.CHECK_NETWORK_BAD_HOST.format(device=device), settings_hint=True)
    except ConnectionRefusedError:
        return PrinterCheck(False, T.CHECK_NETWORK_REFUSED.format(device=device))
    except TimeoutError:
        return PrinterCheck(False, T.CHECK_NETWORK_TIMEOUT.format(device=device, seconds=int(timeout)))
    except OSError as exc:
        return PrinterCheck(False, T.CHECK_NETWORK_FAILED.format(device=device, detail=_detail(exc)))
    return PrinterCheck(True, T.CHECK_OK_DEVICE.format(printer=device))


def _check_usb(device: str) -> PrinterCheck:
    vendor, _, product = device.partition(":")
    try:
        vid, pid = int(vendor, 16), int(product, 16)
    except ValueError:
        return PrinterCheck(False, T.PRINT_BAD_DEVICE.format(detail=device), settings_hint=True)
    try:
        import usb.core  # pyusb, installed with python-escpos[usb]

        found = usb.core.find(idVendor=vid, idProduct=pid)
    except Exception as exc:  # NoBackendError (no libusb) and friends
        return PrinterCheck(None, T.CHECK_USB_UNCHECKABLE.format(device=device, detail=_detail(exc)))
    if found is None:
        return PrinterCheck(False, T.CHECK_USB_MISSING.format(device=device))
    return PrinterCheck(True, T.CHECK_OK_DEVICE.format(printer=device))


def _check_file(device: str) -> PrinterCheck:
    folder = Path(device).expanduser().parent
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        return PrinterCheck(False, T.CHECK_FILE_FOLDER_MISSING.format(folder=folder))
    return PrinterCheck(True, T.CHECK_OK_FILE.format(printer=device))


def check_printer(settings: PrinterSettings, *, timeout: float = CHECK_TIMEOUT_S) -> PrinterCheck:
    """The morning check (DOMAIN rule 13): is the configured printer really there and ready?

    Settings are validated first; then a system printer is asked through CUPS (``lpstat``: an
    unknown queue, a paused queue, a queue rejecting jobs and a stopped CUPS service are different
    messages), a serial printer by its device file, a network printer by a TCP connection, a USB
    printer by its vendor:product id. Bounded by ``timeout``; never raises."""
    problems = settings.problems()
    if problems:
        return PrinterCheck(False, T.CHECK_SETTINGS_BAD.format(problems=";".join(m for _, m in problems)),
                            settings_hint=True)
    try:
        if settings.kind == "none":
            return PrinterCheck(None, T.PRINT_NOT_CONFIGURED, settings_hint=True)
        if settings.kind == "system":
            if sys.platform.startswith("win"):  # pragma: no cover
                return _check_windows(settings)
            return _check_cups(settings, timeout)
        if settings.kind == "escpos-serial":
            return _check_serial(settings.device.strip())
        if settings.kind == "escpos-network":
            return _check_network(settings.device.strip(), timeout)
        if settings.kind == "escpos-usb":
            return _check_usb(settings.device.strip())
        return _check_file(settings.device.strip())
    except Exception as exc:  # the check must never stop the day from opening
        return PrinterCheck(False, T.PRINT_PRINTER_UNAVAILABLE.format(printer=_printer_label(settings),
                                                                     detail=_detail(exc)))
