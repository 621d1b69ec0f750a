"""The desk in a web browser for a training room (``deskclient serve --training``), on textual-serve.

Three things the stock page gets wrong for a county training room, fixed here:
- it loads its font from Google — a training room has no internet: this page loads nothing from
  outside (the monospace face is textual-serve's own local copy; Chinese falls back to the PC's fonts);
- its websocket address is fixed when the server starts, so with ``--host 0.0.0.0`` every other PC
  gets ``ws://0.0.0.0:…`` and a blank page: here the address is taken from each request's Host;
- it is dark and small: ``--projector`` gives a light page, a light Textual theme and larger type,
  readable from the back of a room. The trainer's keys are printed above the terminal.
"""

from __future__ import annotations

from typing import Any

from textual_serve.server import Server

from deskclient.resources import data_path
from deskclient.strings import cli as T

PROJECTOR_ENV = "DESKCLIENT_PROJECTOR"


class TrainingServer(Server):
    def __init__(self, command: str, *, host: str, port: int, projector: bool = False) -> None:
        super().__init__(command, host=host, port=port, title=T.SERVE_TITLE,
                         templates_path=str(data_path("templates", "serve")))
        self.projector = projector

    async def handle_index(self, request: Any) -> Any:
        import aiohttp_jinja2

        router = request.app.router
        base = f"{request.scheme}://{request.host}"  # the address this browser reached us by
        ws_base = ("wss://" if request.scheme == "https" else "ws://") + request.host
        default_size = "22" if self.projector else "16"
        try:
            font_size = max(8, min(48, int(request.query.get("fontsize", default_size))))
        except ValueError:
            font_size = int(default_size)
        context = {
            "font_size": font_size,
            "app_websocket_url": ws_base + str(router["websocket"].url_for()),
            "config": {"static": {"url": base + str(router["static"].url_for(filename="/")).rstrip("/") + "/"}},
            "application": {"name": self.title},
            "page_background": "#f4f4f0" if self.projector else "#0c181f",
            "help_color": "#222222" if self.projector else "#dddddd",
            "help_font_size": 20 if self.projector else 14,
            "text": {"start": T.SERVE_START, "ended": T.SERVE_ENDED, "restart": T.SERVE_RESTART,
                     "trainer_keys": T.SERVE_KEYS},
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)
