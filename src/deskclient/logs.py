"""Logging to a rotating file in the platform's log folder, with personal numbers masked.

Every record passes through :class:`RedactingFilter`, so even a message that by mistake carries
an ID number or a phone number is written masked.
"""

from __future__ import annotations

import logging
import logging.handlers
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


def setup_logging(log_file: Path, level: int = logging.INFO) -> None:
    """Idempotent: calling it twice (app + CLI) does not double the handlers."""
    root = logging.getLogger()
    for h in root.handlers:
        if getattr(h, "_deskclient", False):
            return
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()  # a read-only disk must not stop the desk
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._deskclient = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
