"""Logging to a rotating file in the platform's log folder, with personal numbers masked.

Every record passes through :class:`RedactingFilter`, so even a message that by mistake carries
an ID number or a phone number is written masked.

The rotating file handler is made on the first record written (:class:`LazyFileHandler`):
``logging.handlers`` pulls in socket, pickle and queue (~30 ms), and most command runs write no
log line at all (issue 20: a third of ``catalog search``'s start).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from deskclient.domain.identity import redact

        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class LazyFileHandler(logging.Handler):
    """The rotating log file (2 MB × 5), opened when the first record is emitted."""

    def __init__(self, log_file: Path) -> None:
        super().__init__()
        self.log_file = log_file
        self._target: logging.Handler | None = None
        self._opening = threading.Lock()

    def _open(self) -> logging.Handler:
        with self._opening:
            if self._target is None:
                import logging.handlers

                try:
                    self.log_file.parent.mkdir(parents=True, exist_ok=True)
                    self._target = logging.handlers.RotatingFileHandler(
                        self.log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
                except OSError:
                    self._target = logging.NullHandler()  # a read-only disk must not stop the desk
                self._target.setFormatter(self.formatter)
            return self._target

    def emit(self, record: logging.LogRecord) -> None:
        (self._target or self._open()).handle(record)  # records reach here already filtered

    def close(self) -> None:
        if self._target is not None:
            self._target.close()
        super().close()


def setup_logging(log_file: Path, level: int = logging.INFO) -> None:
    """Idempotent: calling it twice (app + CLI) does not double the handlers."""
    root = logging.getLogger()
    for h in root.handlers:
        if getattr(h, "_deskclient", False):
            return
    handler: logging.Handler = LazyFileHandler(log_file)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._deskclient = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
