"""Administration from the page (county administrators only): stations, tokens, publishing.

Every action goes through the same function as the ``deskclient central ...`` command
(``central/admin.py``), checks the form's CSRF token, and writes a line to the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import Engine
from starlette.datastructures import UploadFile

from deskclient.central import accounts, admin
from deskclient.central.web.base import PREFIX, Refused, Web
from deskclient.services.updates import KINDS
from deskclient.strings import county_web as S

MAX_UPLOAD = admin.MAX_PUBLISH_FILE
R = TypeVar("R")


def router(web: Web) -> APIRouter:
    r = APIRouter(prefix=f"{PREFIX}/admin", include_in_schema=False)
    engine = web.engine

    def admin_page(request: Request, session: accounts.Session, status: int = 200, **extra: object) -> Response:
        versions = {k: (admin.latest_version(engine, k) or (None, ""))[0] for k in KINDS}
        return web.page(request, "admin.html", session, status=status, versions=versions,
                        audit=accounts.recent_audit(engine, 100), kinds=KINDS, **extra)

    def audit(session: accounts.Session, action: str, target: str = "", detail: str = "") -> None:
        accounts.record(engine, session.user.login, action, target, detail, now=web.settings.now())

    async def on_station(request: Request, code: str, act: Callable[[Engine, str], R], action: str,
                         ) -> tuple[accounts.Session, R]:
        """An administrator's action on one station (rotate, revoke): 404 for an unknown one; audited."""
        session = web.admin(request)
        await web.form(request, session)
        try:
            result = act(engine, code)
        except admin.AdminError as err:
            raise Refused(404, err.message) from None
        audit(session, action, code)
        return session, result

    @r.get("")
    def page(request: Request) -> Response:
        return admin_page(request, web.admin(request))

    @r.post("/stations")
    async def add_station(request: Request) -> Response:
        session = web.admin(request)
        form = await web.form(request, session)
        code, name = str(form.get("code") or "").strip(), str(form.get("name") or "").strip()
        try:
            token = admin.add_station(engine, code, name)
        except admin.AdminError as err:
            return admin_page(request, session, status=400, error=err.message)
        audit(session, "add_station", code, name)
        return web.page(request, "token.html", session, code=code, token=token)

    @r.post("/stations/{code}/rotate")
    async def rotate(request: Request, code: str) -> Response:
        session, token = await on_station(request, code, admin.rotate_token, "rotate_token")
        return web.page(request, "token.html", session, code=code, token=token)

    @r.post("/stations/{code}/revoke")
    async def revoke(request: Request, code: str) -> Response:
        session, _ = await on_station(request, code, admin.revoke_station, "revoke_station")
        return admin_page(request, session, notice=S.STATION_REVOKED.format(code=code))

    @r.post("/publish/{kind}")
    async def publish(request: Request, kind: str) -> Response:
        session = web.admin(request)
        form = await web.form(request, session)
        if kind not in KINDS:
            raise Refused(404, S.NOT_FOUND)
        label = S.KIND_LABELS[kind]
        files: dict[str, str] = {}
        errors: list[str] = []
        for upload in form.getlist("files"):
            if not isinstance(upload, UploadFile) or not upload.filename:
                continue
            name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:100]
            data = await upload.read(MAX_UPLOAD + 1)
            try:
                if len(data) > MAX_UPLOAD:
                    raise UnicodeDecodeError("utf-8", b"", 0, 1, "too large")
                files[name] = data.decode("utf-8")
            except UnicodeDecodeError:
                errors.append(S.PUBLISH_NOT_TEXT.format(name=name))
        if not files and not errors:
            errors.append(S.PUBLISH_NO_FILES)
        if not errors:
            try:
                pub, changed = admin.publish_files(engine, kind, files)
            except admin.AdminError as err:
                errors.append(err.message)
            else:
                audit(session, f"publish_{kind}", kind,
                      f"v{pub.version} {pub.sha256[:12]} {len(pub.files)}" if changed else "unchanged")
                text = S.PUBLISH_DONE if changed else S.PUBLISH_SAME
                return admin_page(request, session, notice=text.format(kind=label, version=pub.version,
                                                                        files=len(pub.files)))
        audit(session, "publish_refused", kind, "; ".join(errors)[:500])
        return admin_page(request, session, status=400, publish_kind=kind, publish_errors=errors)

    return r
