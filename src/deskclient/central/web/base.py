"""What every page needs: the signed-in user from the session cookie, CSRF checks on forms,
rendering, and HTML error pages (a person gets a Chinese page, never a JSON body or a traceback)."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Engine
from starlette.datastructures import FormData

from deskclient.central import accounts
from deskclient.central.accounts import Session
from deskclient.central.web.render import WebSettings, make_env
from deskclient.strings import county_web as S

PREFIX = "/county"
SESSION_COOKIE = "dc_session"
LOGIN_CSRF_COOKIE = "dc_login_csrf"


class NeedSignIn(Exception):
    """No valid session: the person is sent to the sign-in page."""


class Refused(Exception):
    """The request is refused with a Chinese page (403 for roles and CSRF, 400/404 otherwise)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class Web:
    def __init__(self, engine: Engine, settings: WebSettings) -> None:
        self.engine, self.settings = engine, settings
        self.env = make_env(settings)

    # -- rendering --------------------------------------------------------------------------------

    def page(self, request: Request, template: str, session: Session | None, status: int = 200,
             **context: Any) -> HTMLResponse:
        html = self.env.get_template(template).render(
            request=request, session=session, user=session.user if session else None,
            csrf=session.csrf if session else "", prefix=PREFIX, now=self.settings.now(), **context)
        return HTMLResponse(html, status_code=status, headers={
            "Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
            "Content-Security-Policy": "default-src 'self'; style-src 'self'; script-src 'none'; "
                                       "form-action 'self'; frame-ancestors 'none'"})

    # -- sessions ---------------------------------------------------------------------------------

    def session(self, request: Request) -> Session:
        found = accounts.session_for(self.engine, request.cookies.get(SESSION_COOKIE), self.settings.now())
        if found is None:
            raise NeedSignIn
        return found

    def admin(self, request: Request) -> Session:
        found = self.session(request)
        if not found.user.is_admin:
            raise Refused(403, S.FORBIDDEN_ADMIN)
        return found

    def set_cookie(self, response: Response, name: str, value: str, max_age: int | None = None) -> None:
        response.set_cookie(name, value, max_age=max_age, path=PREFIX, httponly=True, samesite="strict",
                            secure=self.settings.secure_cookies)

    async def form(self, request: Request, session: Session) -> FormData:
        """The posted form, after checking its CSRF token against the session's (else 403)."""
        try:
            form = await request.form()
        except Exception:  # not a form at all (JSON, garbage): same refusal, nothing done
            raise Refused(403, S.CSRF_FAILED) from None
        sent = form.get("csrf")
        if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), session.csrf.encode()):
            raise Refused(403, S.CSRF_FAILED)
        return form

    @staticmethod
    def new_login_csrf() -> str:
        return secrets.token_urlsafe(24)

    # -- errors -----------------------------------------------------------------------------------

    def install_errors(self, app: FastAPI) -> None:
        from starlette.exceptions import HTTPException

        api_handler = app.exception_handlers.get(HTTPException)

        @app.exception_handler(HTTPException)
        async def _http(request: Request, exc: HTTPException) -> Response:
            """A Chinese page for the pages' 404/405; the API keeps its JSON errors."""
            if request.url.path.startswith(PREFIX + "/") and api_handler is not None and exc.status_code in (404, 405):
                session = accounts.session_for(self.engine, request.cookies.get(SESSION_COOKIE), self.settings.now())
                return self.page(request, "error.html", session, status=exc.status_code, message=S.NOT_FOUND,
                                 code=404)
            assert api_handler is not None
            return await api_handler(request, exc)  # type: ignore[misc,no-any-return]

        @app.exception_handler(NeedSignIn)
        async def _sign_in(_request: Request, _exc: NeedSignIn) -> Response:
            return RedirectResponse(f"{PREFIX}/login", status_code=303)

        @app.exception_handler(Refused)
        async def _refused(request: Request, exc: Refused) -> Response:
            session = accounts.session_for(self.engine, request.cookies.get(SESSION_COOKIE), self.settings.now())
            return self.page(request, "error.html", session, status=exc.status, message=exc.message,
                             code=exc.status)
