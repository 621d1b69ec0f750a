"""The read-only pages (every signed-in user) and sign-in / sign-out."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from deskclient.central import accounts, views
from deskclient.central.web.base import LOGIN_CSRF_COOKIE, PREFIX, SESSION_COOKIE, Refused, Web
from deskclient.central.web.render import STATIC
from deskclient.strings import county_web as S

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_CSV_FIELDS = ("registered", "completed", "promised_completed", "promised_on_time", "on_time_rate",
               "immediate_done", "immediate_within_limit")


def _month(value: str | None, today: date) -> date:
    if not value:
        return today.replace(day=1)
    m = _MONTH_RE.match(value)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise Refused(400, S.ASSESSMENT_MONTH_BAD.format(value=value[:20]))
    return date(int(m.group(1)), int(m.group(2)), 1)


def _day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        raise Refused(400, S.BAD_REQUEST.format(detail=value[:20] if value else "")) from None


def router(web: Web) -> APIRouter:
    r = APIRouter(prefix=PREFIX, include_in_schema=False)
    engine, settings = web.engine, web.settings

    @r.get("/static/county.css")
    def css() -> FileResponse:
        return FileResponse(STATIC / "county.css", media_type="text/css")

    @r.get("/login")
    def login_form(request: Request, error: str = "") -> Response:
        token = web.new_login_csrf()
        resp = web.page(request, "login.html", None, login_csrf=token, error=error)
        web.set_cookie(resp, LOGIN_CSRF_COOKIE, token, max_age=3600)
        return resp

    @r.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        sent = form.get("csrf")
        if not cookie or not isinstance(sent, str) or sent != cookie:
            raise Refused(403, S.CSRF_FAILED)
        login_name, password = str(form.get("login") or ""), str(form.get("password") or "")
        try:
            user = accounts.sign_in(engine, login_name, password, settings.now())
        except accounts.AccountError as err:
            token = web.new_login_csrf()
            resp = web.page(request, "login.html", None, status=401, login_csrf=token, error=err.message,
                            login=login_name[:64])
            web.set_cookie(resp, LOGIN_CSRF_COOKIE, token, max_age=3600)
            return resp
        value, _csrf = accounts.open_session(engine, user, settings.now())
        ok = RedirectResponse(f"{PREFIX}/", status_code=303)
        web.set_cookie(ok, SESSION_COOKIE, value)
        ok.delete_cookie(LOGIN_CSRF_COOKIE, path=PREFIX)
        return ok

    @r.post("/logout")
    async def logout(request: Request) -> Response:
        session = web.session(request)
        await web.form(request, session)
        accounts.close_session(engine, request.cookies.get(SESSION_COOKIE))
        accounts.record(engine, session.user.login, "signout", session.user.login, now=settings.now())
        resp = RedirectResponse(f"{PREFIX}/login", status_code=303)
        resp.delete_cookie(SESSION_COOKIE, path=PREFIX)
        return resp

    @r.get("/")
    def overview(request: Request) -> Response:
        session = web.session(request)
        lines = views.stations_overview(engine, settings.today(), settings.now(), settings.silent_hours)
        totals = {"open": sum(x.open for x in lines), "soon": sum(x.soon for x in lines),
                  "overdue": sum(x.overdue for x in lines), "stations": len(lines),
                  "silent": sum(1 for x in lines if x.silent)}
        return web.page(request, "overview.html", session, lines=lines, totals=totals,
                        silent_hours=settings.silent_hours)

    @r.get("/stations/{code}")
    def station(request: Request, code: str) -> Response:
        session = web.session(request)
        lines = views.stations_overview(engine, settings.today(), settings.now(), settings.silent_hours, only=code)
        if not lines:
            raise Refused(404, S.NOT_FOUND)
        return web.page(request, "station.html", session, line=lines[0], silent_hours=settings.silent_hours,
                        windows=views.window_counts(engine, code, settings.today()),
                        refused=views.refused_records(engine, code, limit=50))

    @r.get("/cases")
    def case_list(request: Request, station: str = "", window: str = "", state: str = "open", item: str = "",
                  department: str = "") -> Response:
        session = web.session(request)
        if state not in S.STATE_LABELS:
            state = "open"
        f = views.CaseFilter(station or None, window or None, state, item or None, department or None)
        rows = views.case_list(engine, f, settings.today())
        codes, items, depts = views.filter_choices(engine)
        return web.page(request, "cases.html", session, rows=rows, f=f, items=items, departments=depts,
                        today=settings.today(), stations=codes)

    @r.get("/cases/{station}/{case_id}")
    def case_page(request: Request, station: str, case_id: str) -> Response:
        session = web.session(request)
        detail, timeline = views.case_detail(engine, station, case_id)
        if detail is None:
            raise Refused(404, S.NOT_FOUND)
        return web.page(request, "case.html", session, case=detail, timeline=timeline, today=settings.today())

    @r.get("/refused")
    def refused(request: Request) -> Response:
        session = web.session(request)
        return web.page(request, "refused.html", session, rows=views.refused_records(engine))

    @r.get("/ratings")
    def ratings(request: Request, start: str = "", end: str = "") -> Response:
        session = web.session(request)
        today = settings.today()
        first = _day(start, today.replace(day=1))
        last = _day(end, today)
        return web.page(request, "ratings.html", session, start=first, end=last,
                        levels=views.rating_levels(engine, first, last),
                        followups=views.open_followups(engine, today), complaints=views.complaint_list(engine, today))

    @r.get("/assessment")
    def assessment(request: Request, month: str = "") -> Response:
        session = web.session(request)
        first = _month(month, settings.today())
        lines = views.assessment(engine, first, settings.local_now())
        return web.page(request, "assessment.html", session, lines=lines, month=first.strftime("%Y-%m"),
                        printable=request.query_params.get("print") == "1", local_now=settings.local_now())

    @r.get("/assessment.csv")
    def assessment_csv(request: Request, month: str = "") -> Response:
        web.session(request)
        first = _month(month, settings.today())
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\r\n")
        w.writerow(S.CSV_HEADER)
        for line in views.assessment(engine, first, settings.local_now()):
            f = line.figures
            rated = sum(f["ratings"].values())
            sat = None if rated == 0 else (rated - f["bad_ratings"]) / rated
            w.writerow([line.station, S.LEVEL_LABELS[line.level], line.label, f["registered"], f["completed"],
                        f["promised_completed"], f["promised_on_time"],
                        "" if f["on_time_rate"] is None else f"{f['on_time_rate']:.4f}",
                        f["immediate_done"], f["immediate_within_limit"], rated, f["bad_ratings"],
                        "" if sat is None else f"{sat:.4f}", f["complaints"], f["complaints_overdue"]])
        data = ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens it as UTF-8, as the desk's reports
        name = f"assessment-{first.strftime('%Y-%m')}.csv"
        return Response(data, media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})

    return r
