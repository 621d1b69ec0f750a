"""A private CUPS scheduler with a cups-pdf queue, for printing tests through the real ``lp``.

Debian packages ``cups`` and ``printer-driver-cups-pdf`` (installed best-effort by .ci/run). The
scheduler runs in a temporary folder on its own Unix socket (``CUPS_SERVER``), so the machine's
own CUPS, if any, is never touched. cups-pdf writes the printed PDF to ``$HOME/PDF`` of the user
who printed (its Debian default, /etc/cups/cups-pdf.conf).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
QUEUE = "deskclient-pdf"


def missing_reason() -> str | None:
    """Why a private CUPS cannot run here (None: it can)."""
    if os.name != "posix" or os.getuid() != 0:
        return "CUPS tests need root (cupsd and lpadmin)"
    for tool in ("cupsd", "lpadmin", "lpstat", "lp", "cupsdisable", "cupsenable", "cupsreject", "cupsaccept"):
        if shutil.which(tool) is None:
            return f"{tool} not installed (apt-get install cups printer-driver-cups-pdf)"
    if not PPD.is_file() or not BACKEND.exists():
        return "cups-pdf not installed (apt-get install printer-driver-cups-pdf)"
    return None


_CONF = """Listen {socket}
LogLevel warn
WebInterface No
Browsing Off
DefaultAuthType None
<Location />
  Order allow,deny
  Allow all
</Location>
<Location /admin>
  Order allow,deny
  Allow all
</Location>
<Policy default>
  JobPrivateAccess all
  JobPrivateValues none
  SubscriptionPrivateAccess all
  SubscriptionPrivateValues none
  <Limit All>
    Order allow,deny
    Allow all
  </Limit>
</Policy>
"""

_FILES = """ServerRoot {root}/etc
RequestRoot {root}/spool
CacheDir {root}/cache
StateDir {root}/state
TempDir {root}/spool
ErrorLog {root}/log/error_log
AccessLog {root}/log/access_log
PageLog {root}/log/page_log
User lp
Group lp
Sandboxing relaxed
"""


@dataclass
class CupsServer:
    root: Path
    socket: Path
    process: subprocess.Popen[bytes]

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "CUPS_SERVER": str(self.socket), "LANG": "C", "LC_ALL": "C"}

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(args), capture_output=True, text=True, timeout=30, env=self.env, check=False)

    @staticmethod
    def output_dir() -> Path:
        return Path(pwd.getpwuid(os.getuid()).pw_dir) / "PDF"

    def wait_for_pdf(self, title_part: str, timeout: float = 60.0) -> Path:
        """The PDF cups-pdf wrote for a job whose title contains ``title_part`` (bounded wait)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [p for p in self.output_dir().glob("*.pdf") if title_part in p.name]
            if found and self.run("lpstat", "-o", QUEUE).stdout.strip() == "":
                return found[0]
            time.sleep(0.2)  # polling a file the scheduler writes; the wait ends as soon as it exists
        raise AssertionError(f"cups-pdf wrote nothing for {title_part} in {timeout}s: "
                             + (self.root / "log" / "error_log").read_text(errors="replace")[-2000:])


def start(root: Path) -> Iterator[CupsServer]:
    """Start cupsd in ``root``, add the cups-pdf queue, yield, stop it (the process we started)."""
    for sub in ("etc", "spool", "cache", "state", "log", "run"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    sock = root / "run" / "cups.sock"
    (root / "etc" / "cupsd.conf").write_text(_CONF.format(socket=sock))
    (root / "etc" / "cups-files.conf").write_text(_FILES.format(root=root))
    os.chmod(root, 0o755)
    proc = subprocess.Popen(["cupsd", "-f", "-c", str(root / "etc" / "cupsd.conf"),
                             "-s", str(root / "etc" / "cups-files.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = CupsServer(root, sock, proc)
    try:
        deadline = time.monotonic() + 20
        while "scheduler is running" not in server.run("lpstat", "-r").stdout:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("cupsd did not start: "
                                   + (root / "log" / "error_log").read_text(errors="replace")[-1000:])
            time.sleep(0.1)
        done = server.run("lpadmin", "-p", QUEUE, "-E", "-v", "cups-pdf:/", "-P", str(PPD))
        if server.run("lpstat", "-p", QUEUE).returncode != 0:
            raise RuntimeError(f"lpadmin failed: {done.stderr}")
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)
