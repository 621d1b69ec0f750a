"""The county office's HTTP service (FastAPI): versioned JSON API under ``/api/v1/``.

Stateless: every request reads and writes the database only, so any number of copies can run
behind a load balancer on one PostgreSQL. Errors are JSON ``{"error": {"code", "message"}}``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import Depends, FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from deskclient import __version__
from deskclient.central import admin
from deskclient.central.ingest import ForeignStationError, ingest, touch
from deskclient.central.logs import event as log_event
from deskclient.central.logs import log
from deskclient.strings import central as T

API = "/api/v1"
MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_EVENTS = 5000

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(code)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


class EventIn(BaseModel):
    """One ledger event as a station sends it (validated per event by the office, see the docs)."""

    id: str
    seq: int
    at: str
    type: str
    clerk_id: str | None = None
    case_id: str | None = None
    payload: dict[str, Any]


class IngestRequest(BaseModel):
    station: str = Field(max_length=32)
    # Items are checked one by one so that one bad event is rejected, not the whole batch.
    events: list[Any] = Field(max_length=MAX_EVENTS, json_schema_extra={"items": EventIn.model_json_schema()})


class Rejected(BaseModel):
    seq: int | None
    id: str
    reason: str


class IngestReply(BaseModel):
    station: str
    acked_seq: int = Field(description="Highest seq the office holds with no gap below it")
    received: int
    stored: int
    duplicates: int
    rejected: list[Rejected]


class StationReply(BaseModel):
    station: str
    acked_seq: int


class PublicationReply(BaseModel):
    kind: str
    version: int
    sha256: str
    files: dict[str, str]


class LimitAndLog:
    """Pure ASGI middleware: refuse bodies over the limit with 413, log one JSON line per request."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 0}

        async def send_logged(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            declared = dict(scope.get("headers") or []).get(b"content-length")
            if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
                await self._too_large(send_logged)
                return
            if scope["method"] in ("POST", "PUT", "PATCH"):
                chunks: list[bytes] = []
                size = 0
                more = True
                while more:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self.limit:
                        await self._too_large(send_logged)
                        return
                    chunks.append(chunk)
                    more = message.get("more_body", False)
                body = b"".join(chunks)
                sent = {"done": False}

                async def replay() -> Message:
                    if not sent["done"]:
                        sent["done"] = True
                        return {"type": "http.request", "body": body, "more_body": False}
                    return await receive()

                await self.app(scope, replay, send_logged)
            else:
                await self.app(scope, receive, send_logged)
        finally:
            state = scope.get("state") or {}
            log_event("request", method=scope["method"], path=scope["path"], status=status["code"],
                      ms=round((time.perf_counter() - started) * 1000, 1), station=state.get("station"))

    async def _too_large(self, send: Send) -> None:
        body = json.dumps(error_body("too_large", T.BODY_TOO_LARGE.format(limit=self.limit)),
                          ensure_ascii=False).encode("utf-8")
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"connection", b"close"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def create_app(engine: Engine, *, max_body: int = MAX_BODY_BYTES, web_settings: Any = None) -> FastAPI:
    """The service bound to one database engine (tables must exist: see ``central.db.make_engine``)."""
    app = FastAPI(title="deskclient county central office", version=__version__,
                  openapi_url=f"{API}/openapi.json", docs_url=f"{API}/docs", redoc_url=None)

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        if first.get("type") == "json_invalid":
            return JSONResponse(error_body("bad_json", T.BODY_NOT_JSON), status_code=400)
        return JSONResponse(error_body("invalid", T.BODY_INVALID.format(detail=where or "?")), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = (("not_found", T.NOT_FOUND) if exc.status_code == 404
                         else ("http", T.HTTP_OTHER.format(status=exc.status_code)))  # never Starlette's English
        return JSONResponse(error_body(code, message), status_code=exc.status_code)

    @app.exception_handler(OperationalError)
    async def _busy(_request: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable", extra={"fields": {"error": type(exc.orig).__name__}})
        return JSONResponse(error_body("busy", T.SERVER_BUSY), status_code=503, headers={"Retry-After": "1"})

    def station_of(request: Request) -> str:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        challenge = {"WWW-Authenticate": "Bearer"}
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "unauthorized", T.AUTH_MISSING, challenge)
        code = admin.station_for_token(engine, token.strip())
        if code is None:
            raise ApiError(401, "unauthorized", T.AUTH_WRONG, challenge)
        request.state.station = code
        return code

    auth = Depends(station_of)

    @app.get(f"{API}/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "api": 1, "version": __version__}

    @app.post(f"{API}/events", response_model=IngestReply,
              responses={401: {}, 403: {}, 413: {}, 422: {}, 503: {}})
    def post_events(body: IngestRequest, request: Request, station: str = auth) -> dict[str, Any]:
        """Store a batch of the station's events; reply with the contiguous mark (see sync-protocol.md)."""
        report = admin.parse_report(request.headers.get(admin.REPORT_HEADER))
        if report and body.station == station:
            admin.record_report(engine, station, report)
        if body.station != station:
            raise ApiError(403, "forbidden", T.AUTH_OTHER_STATION.format(station=station))
        try:
            result = ingest(engine, station, body.events)
        except ForeignStationError:
            raise ApiError(403, "forbidden", T.AUTH_OTHER_STATION.format(station=station)) from None
        log_event("ingest", station=station, received=result.received, stored=result.stored,
                  duplicates=result.duplicates, rejected=len(result.rejected), acked_seq=result.acked_seq)
        return result.to_json()

    @app.get(f"{API}/station", response_model=StationReply)
    def get_station(request: Request, station: str = auth) -> dict[str, Any]:
        """The station's current contiguous mark (also records contact)."""
        report = admin.parse_report(request.headers.get(admin.REPORT_HEADER))
        if report:
            admin.record_report(engine, station, report)
        return {"station": station, "acked_seq": touch(engine, station)}

    def publication(kind: str, request: Request, version: int | None) -> Response:
        latest = admin.latest_version(engine, kind)
        if latest is None:
            raise ApiError(404, "not_published", T.NOTHING_PUBLISHED)
        etag = f'"{kind}-{latest[0]}-{latest[1][:16]}"'
        match = request.headers.get("if-none-match", "")
        if version == latest[0] or etag in [m.strip() for m in match.split(",")]:
            return Response(status_code=304, headers={"ETag": etag})
        pub = admin.latest_publication(engine, kind)
        assert pub is not None
        data = json.dumps(pub.to_json(), ensure_ascii=False).encode("utf-8")
        return Response(data, media_type="application/json", headers={"ETag": f'"{kind}-{pub.version}-{pub.sha256[:16]}"'})

    @app.get(f"{API}/catalog", response_model=PublicationReply, responses={304: {}, 404: {}})
    def get_catalog(request: Request, _station: str = auth,
                    version: int | None = Query(None, description="the version the station has")
                    ) -> Response:
        return publication("catalog", request, version)

    @app.get(f"{API}/holidays", response_model=PublicationReply, responses={304: {}, 404: {}})
    def get_holidays(request: Request, _station: str = auth,
                     version: int | None = Query(None, description="the version the station has")
                     ) -> Response:
        return publication("holidays", request, version)

    from deskclient.central.web import install

    install(app, engine, settings=web_settings)
    app.add_middleware(LimitAndLog, limit=max_body)  # type: ignore[arg-type]
    return app
