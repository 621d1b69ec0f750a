"""The county office's HTTP service (FastAPI): versioned JSON API under ``/api/v1/``.

Stateless: every request reads and writes the database only, so any number of copies can run
behind a load balancer on one PostgreSQL. Errors are JSON ``{"error": {"code", "message"}}``.
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import replace
from typing import Any

import anyio
import anyio.to_thread
from fastapi import Depends, FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from deskclient import __version__
from deskclient.central import admin
from deskclient.central.ingest import ForeignStationError, LedgerMismatchError, ingest, touch
from deskclient.central.limits import DEFAULT_LIMITS, AuthThrottle, Limits, has_bad_text
from deskclient.central.logs import event as log_event
from deskclient.central.logs import log
from deskclient.central.tokens import station_for_token
from deskclient.strings import central as T

API = "/api/v1"
MAX_BODY_BYTES = DEFAULT_LIMITS.max_body
LARGE_BODY = 1024 * 1024  # bodies above this are followed by a young-generation garbage collection
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


class LedgerIn(BaseModel):
    """The station's ledger identity: a per-install id (see docs/sync-protocol.md)."""

    id: str = Field(min_length=8, max_length=64, pattern=r"^[0-9A-Za-z_-]+$")


class IngestRequest(BaseModel):
    station: str = Field(max_length=32)
    ledger: LedgerIn | None = None
    # Items are checked one by one so that one bad event is rejected, not the whole batch.
    events: list[Any] = Field(max_length=MAX_EVENTS, json_schema_extra={"items": EventIn.model_json_schema()})


class Rejected(BaseModel):
    seq: int | None
    id: str
    reason: str


class Confirmed(BaseModel):
    id: str
    seq: int
    hash: str = Field(description="sha256 of the event's canonical JSON as the office holds it")


class Quarantined(BaseModel):
    seq: int
    id: str
    fields: list[str]


class IngestReply(BaseModel):
    station: str
    acked_seq: int = Field(description="Highest seq the office holds with no gap below it (information only)")
    held_max: int = Field(description="Highest seq the office holds for the station")
    received: int
    stored: int
    duplicates: int
    confirmed: list[Confirmed] = Field(description="Events of this batch the office holds, with their hash")
    rejected: list[Rejected]
    conflicts: list[Rejected]
    quarantined: list[Quarantined]


class StationReply(BaseModel):
    station: str
    acked_seq: int


class PublicationReply(BaseModel):
    kind: str
    version: int
    sha256: str
    files: dict[str, str]
    signature: str = Field(description="base64 Ed25519 signature of kind, version and sha256")
    key: str = Field(description="base64 office public key (stations pin it; see deployment.md)")


class Guard:
    """Pure ASGI middleware in front of every route: the cheap checks first, the body last.

    Order: locked-out address → 429; a body that declares itself too big, compressed or in another
    encoding → 413/415; for requests with a body, the token is checked *before* a byte of the body is
    read (401 and the connection closed); then at most ``concurrent_bodies`` bodies are read (within
    ``body_timeout`` and ``max_body``) and processed at once, the rest wait without reading. Any
    exception becomes a Chinese JSON 500 and every request is logged once with its real status;
    refusals (4xx/5xx) also log the client address.
    """

    def __init__(self, app: ASGIApp, engine: Engine, limits: Limits, throttle: AuthThrottle) -> None:
        self.app, self.engine, self.limits, self.throttle = app, engine, limits, throttle
        self.bodies = asyncio.Semaphore(limits.concurrent_bodies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 0, "started": False}

        async def send_logged(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"], status["started"] = message["status"], True
            await send(message)

        client = client_address(scope)
        try:
            await self._handle(scope, receive, send_logged, client)
        except Exception as exc:
            log.error("unhandled error", extra={"fields": {"path": scope.get("path", "")[:200],
                                                           "error": type(exc).__name__}})
            if not status["started"]:
                await reply(send_logged, 500, "server_error", T.SERVER_ERROR)
            else:
                status["code"] = 500
        finally:
            state = scope.get("state") or {}
            fields: dict[str, Any] = {
                "method": scope["method"], "path": scope["path"][:200], "status": status["code"],
                "ms": round((time.perf_counter() - started) * 1000, 1), "station": state.get("station")}
            if status["code"] >= 400 or status["code"] == 0:
                fields["client"] = client
            log_event("request", **fields)

    async def _handle(self, scope: Scope, receive: Receive, send: Send, client: str) -> None:
        if scope["path"] == f"{API}/health":
            await self.app(scope, receive, send)
            return
        locked = self.throttle.locked_for(client)
        if locked:
            await reply(send, 429, "locked_out", T.AUTH_LOCKED.format(minutes=max(1, round(locked / 60))),
                        {"retry-after": str(int(locked) + 1)})
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limits.max_body):
            await reply(send, 413, "too_large", T.BODY_TOO_LARGE.format(limit=self.limits.max_body))
            return
        coding = headers.get(b"content-encoding", b"identity").strip().lower()
        if coding not in (b"", b"identity"):
            await reply(send, 415, "encoding", T.BODY_ENCODING)
            return
        if scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith(f"{API}/"):  # the station API: bearer token before the body
            try:
                station = await anyio.to_thread.run_sync(authenticate, self.engine, self.throttle, client,
                                                         headers.get(b"authorization", b"").decode("latin-1"))
            except ApiError as err:
                await reply(send, err.status, err.code, err.message,
                            {k.lower(): v for k, v in err.headers.items()})
                return
            scope.setdefault("state", {})["station"] = station
        # other mounted apps (e.g. a web UI) do their own authentication; size and concurrency still apply
        async with self.bodies:
            chunks = await self._read_body(receive, send)
            if chunks is None:
                return
            chunks.reverse()

            async def replay() -> Message:  # the chunks as received: no joined copy here
                if chunks:
                    chunk = chunks.pop()
                    return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}
                return await receive()

            size = sum(len(c) for c in chunks)
            await self.app(scope, replay, send)
            if size > LARGE_BODY:
                # A refused body stays referenced from an exception's traceback cycle until the cyclic
                # collector runs, which it does by object count, not bytes: without this, 8 MB bodies
                # pile up per request. Young generations only: cheap, and only for large bodies.
                gc.collect(1)

    async def _read_body(self, receive: Receive, send: Send) -> list[bytes] | None:
        chunks: list[bytes] = []
        size = 0
        more = True
        with anyio.move_on_after(self.limits.body_timeout) as timer:
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return None
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.limits.max_body:
                    await reply(send, 413, "too_large", T.BODY_TOO_LARGE.format(limit=self.limits.max_body))
                    return None
                chunks.append(chunk)
                more = message.get("more_body", False)
        if timer.cancelled_caught:
            await reply(send, 408, "timeout", T.BODY_TIMEOUT)
            return None
        return chunks or [b""]


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "?"


async def reply(send: Send, status: int, code: str, message: str, headers: dict[str, str] | None = None
                ) -> None:
    """A JSON error sent straight from the middleware; the connection is closed after it."""
    body = json.dumps(error_body(code, message), ensure_ascii=False).encode("utf-8")
    extra = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"connection", b"close"),
                            (b"content-length", str(len(body)).encode()), *extra]})
    await send({"type": "http.response.body", "body": body})


def authenticate(engine: Engine, throttle: AuthThrottle, client: str, header: str) -> str:
    """The station a ``Bearer`` header belongs to; 401 (counted towards a lockout) or 429 otherwise."""
    locked = throttle.locked_for(client)
    if locked:
        raise ApiError(429, "locked_out", T.AUTH_LOCKED.format(minutes=max(1, round(locked / 60))),
                       {"Retry-After": str(int(locked) + 1)})
    scheme, _, token = header.partition(" ")
    challenge = {"WWW-Authenticate": "Bearer"}
    if scheme.lower() != "bearer" or not token.strip():
        throttle.failed(client)
        raise ApiError(401, "unauthorized", T.AUTH_MISSING, challenge)
    code = station_for_token(engine, token.strip())
    if code is None:
        throttle.failed(client)
        raise ApiError(401, "unauthorized", T.AUTH_WRONG, challenge)
    return code


def create_app(engine: Engine, *, max_body: int | None = None, limits: Limits | None = None,
               web_settings: Any = None) -> FastAPI:
    """The service bound to one database engine (tables must exist: see ``central.db.make_engine``).

    No Swagger UI / ReDoc: they load scripts from a CDN, which an office LAN should not depend on
    (and should not be told to fetch); the OpenAPI document stays at ``/api/v1/openapi.json``.
    """
    limits = limits or DEFAULT_LIMITS
    if max_body is not None:
        limits = replace(limits, max_body=max_body)
    throttle = AuthThrottle(limits)
    app = FastAPI(title="deskclient county central office", version=__version__,
                  openapi_url=f"{API}/openapi.json", docs_url=None, redoc_url=None)
    app.state.throttle = throttle

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        if first.get("type") == "json_invalid":
            return JSONResponse(error_body("bad_json", T.BODY_NOT_JSON), status_code=400)
        if has_bad_text(first.get("input")):
            return JSONResponse(error_body("bad_text", T.BODY_BAD_TEXT), status_code=400)
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

    @app.exception_handler(RecursionError)
    @app.exception_handler(UnicodeError)
    async def _unstorable(_request: Request, exc: Exception) -> JSONResponse:
        log.warning("unusable request text", extra={"fields": {"error": type(exc).__name__}})
        return JSONResponse(error_body("bad_text", T.BODY_BAD_TEXT), status_code=400)

    def station_of(request: Request) -> str:
        known = getattr(request.state, "station", None)  # checked by Guard before reading the body
        if known:
            return str(known)
        code = authenticate(engine, throttle, client_address(request.scope),
                            request.headers.get("authorization", ""))
        request.state.station = code
        return code

    auth = Depends(station_of)

    @app.get(f"{API}/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "api": 1, "version": __version__}

    @app.post(f"{API}/events", response_model=IngestReply,
              responses={401: {}, 403: {}, 409: {}, 413: {}, 422: {}, 503: {}})
    def post_events(body: IngestRequest, request: Request, station: str = auth) -> Response:
        """Store a batch of the station's events; reply with the (id, seq, hash) of each event held
        (see sync-protocol.md)."""
        report = admin.parse_report(request.headers.get(admin.REPORT_HEADER))
        if body.station != station:
            raise ApiError(403, "forbidden", T.AUTH_OTHER_STATION.format(station=station))
        if body.ledger is None:
            if report:
                admin.record_report(engine, station, report)
            raise ApiError(409, "ledger_required", T.LEDGER_REQUIRED)
        # the station's report is written in the batch's own transaction (one commit per batch)
        also = None if not report else (lambda conn: admin.write_report(conn, station, report))
        try:
            result = ingest(engine, station, body.events, ledger_id=body.ledger.id, also=also)
        except ForeignStationError:
            raise ApiError(403, "forbidden", T.AUTH_OTHER_STATION.format(station=station)) from None
        except LedgerMismatchError as err:
            log_event("ledger_mismatch", station=station)
            raise ApiError(409, "ledger_mismatch", err.message) from None
        log_event("ingest", station=station, received=result.received, stored=result.stored,
                  duplicates=result.duplicates, rejected=len(result.rejected), conflicts=len(result.conflicts),
                  quarantined=len(result.quarantined), acked_seq=result.acked_seq)
        # serialised directly: the reply lists every event with its hash, and re-validating it
        # through the response model would cost more than storing the batch
        return Response(json.dumps(result.to_json(), ensure_ascii=False, separators=(",", ":")),
                        media_type="application/json")

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
    app.add_middleware(Guard, engine=engine, limits=limits, throttle=throttle)
    return app
