"""Administration from the page (county administrators only): stations, tokens, publishing.

Every action goes through the same function as the ``deskclient central ...`` command
(``central/admin.py``), checks the form's CSRF token, and writes a line to the audit trail.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from deskclient.central import accounts, admin
from deskclient.central.web.base import PREFIX, Refused, Web
from deskclient.services.updates import KINDS
from deskclient.strings import county_web as S

MAX_UPLOAD = admin.MAX_PUBLISH_FILE


def router(web: Web) -> APIRouter:
    r = APIRouter(prefix=f"{PREFIX}/admin", include_in_schema=False)
    engine = web.engine

    def admin_page(request: Request, session: accounts.Session, status: int = 200, **extra: object) -> Response:
        versions = {k: (admin.latest_version(engine, k) or (None, ""))[0] for k in KINDS}
        return web.page(request, "admin.html", session, status=status, versions=versions,
                        audit=accounts.recent_audit(engine, 100), kinds=KINDS, **extra)

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
        accounts.record(engine, session.user.login, "add_station", code, name)
        return web.page(request, "token.html", session, code=code, token=token)

    @r.post("/stations/{code}/rotate")
    async def rotate(request: Request, code: str) -> Response:
        session = web.admin(request)
        await web.form(request, session)
        try:
            token = admin.rotate_token(engine, code)
        except admin.AdminError as err:
            raise Refused(404, err.message) from None
        accounts.record(engine, session.user.login, "rotate_token", code)
        return web.page(request, "token.html", session, code=code, token=token)

    @r.post("/stations/{code}/revoke")
    async def revoke(request: Request, code: str) -> Response:
        session = web.admin(request)
        await web.form(request, session)
        try:
            admin.revoke_station(engine, code)
        except admin.AdminError as err:
            raise Refused(404, err.message) from None
        accounts.record(engine, session.user.login, "revoke_station", code)
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
                accounts.record(engine, session.user.login, f"publish_{kind}", kind,
                                f"v{pub.version} {pub.sha256[:12]} {len(pub.files)}" if changed else "unchanged")
                text = S.PUBLISH_DONE if changed else S.PUBLISH_SAME
                return admin_page(request, session, notice=text.format(kind=label, version=pub.version,
                                                                        files=len(pub.files)))
        accounts.record(engine, session.user.login, "publish_refused", kind, "; ".join(errors)[:500])
        return admin_page(request, session, status=400, publish_kind=kind, publish_errors=errors)

    return r
