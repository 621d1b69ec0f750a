"""Settings, the Jinja environment and the small formatting helpers the pages share.

Templates are layout only: text comes from ``strings/county_web.py`` (``S`` in every template), and
autoescaping is on, so nothing a station sent can become markup.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape

from deskclient.strings import county_web as S

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class WebSettings:
    """The web view's settings (environment variables in production, arguments in tests)."""

    silent_hours: float = field(default_factory=lambda: float(os.environ.get("DESKCLIENT_CENTRAL_SILENT_HOURS", "24")))
    timezone: str = field(default_factory=lambda: os.environ.get("DESKCLIENT_CENTRAL_TZ", "Asia/Shanghai"))
    secure_cookies: bool = field(default_factory=lambda: os.environ.get("DESKCLIENT_CENTRAL_SECURE_COOKIES") == "1")
    now: Callable[[], datetime] = _utcnow

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local_now(self) -> datetime:
        return self.now().astimezone(self.zone)

    def today(self) -> date:
        return self.local_now().date()


def make_env(settings: WebSettings) -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)

    def local(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        if moment is None:
            return S.NONE
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(settings.zone).strftime(fmt)

    def when(value: Any) -> str:
        """A station-local moment or date as the station wrote it."""
        if value is None or value == "":
            return S.NONE
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, date):
            return value.isoformat()
        return str(value).replace("T", " ")[:16]

    def pct(value: float | None) -> str:
        return S.NONE if value is None else f"{value * 100:.1f}%"

    def num(value: Any) -> str:
        return S.NONE if value is None else str(value)

    def shown(value: Any) -> str:
        if isinstance(value, bool):
            return S.YES if value else S.NO
        if isinstance(value, list):
            return "、".join(str(v.get("name", v)) if isinstance(v, dict) else str(v) for v in value)
        return str(value)

    env.filters.update(local=local, when=when, pct=pct, num=num, shown=shown)
    env.globals["S"] = S
    return env
