"""The county office's own web view: server-rendered Chinese pages under ``/county/``.

Served by the same FastAPI app as the stations' API (``deskclient central serve``), so one process
(or several stateless copies on one PostgreSQL) serves both. Sign-in, sessions, CSRF and the audit
trail live in ``central/accounts.py``; page data in ``central/views.py``; admin actions call the same
functions as the ``deskclient central ...`` commands (``central/admin.py``).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine

from deskclient.central.web.render import WebSettings


def install(app: FastAPI, engine: Engine, settings: WebSettings | None = None) -> None:
    """Add the pages, the static files and the web error handling to ``app``."""
    from fastapi.responses import RedirectResponse

    from deskclient.central.web import manage, pages
    from deskclient.central.web.base import Web

    web = Web(engine, settings or WebSettings())
    web.install_errors(app)

    @app.get("/", include_in_schema=False)
    def _root() -> RedirectResponse:  # someone typing the office's address lands on the pages
        return RedirectResponse("/county/", status_code=303)

    app.include_router(pages.router(web))
    app.include_router(manage.router(web))


__all__: list[Any] = ["WebSettings", "install"]
