"""Structured logs of the office service: one JSON object per line, never personal data.

Only fixed fields are logged (station code, counts, seqs, status codes, timings, paths without
query strings); event payloads, tokens and request bodies never reach a log line.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

LOGGER_NAME = "deskclient.central"
log = logging.getLogger(LOGGER_NAME)


class JsonLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            data.update(fields)
        if record.exc_info and record.exc_info[0] is not None:
            data["error"] = record.exc_info[0].__name__  # the class only: messages may hold data
        return json.dumps(data, ensure_ascii=False, default=str)


def setup_json_logging(level: int = logging.INFO, stream: Any = None) -> None:
    """Route our logger (and uvicorn's error logger) to JSON lines on stderr."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLineFormatter())
    for name in (LOGGER_NAME, "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False


def event(msg: str, **fields: Any) -> None:
    """Log one structured line (``msg`` is a fixed English word, ``fields`` plain values)."""
    log.info(msg, extra={"fields": fields})
