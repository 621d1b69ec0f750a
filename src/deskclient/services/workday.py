"""The working day at a window: 暂停服务 (pause with a counter sign), 开班 (printer check, the day's
reminders) and 收班 (refused while an intake is mid-way; the day's figures stored; one sync attempt
through the station's sync service, the same one the exit screen and ``deskclient sync`` use).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlmodel import col, select

from deskclient.domain.cases import CaseStatus
from deskclient.domain.errors import DeskError, RuleViolation, ValidationError
from deskclient.domain.events import EventType
from deskclient.domain.notices import NoticeData, NoticeKind
from deskclient.domain.workday import check_can_close, check_can_open, day_state
from deskclient.services.desk_base import (
    DayClosing,
    DayNotClosable,
    DayOpening,
    PrinterStatus,
    UnfinishedIntake,
    centre_name,
    note_text,
    workday_row,
)
from deskclient.services.queue import QueueService
from deskclient.store.models import Case, Clerk, DeskPause, Draft, WorkDay
from deskclient.strings import desk as T
from deskclient.strings import notices as TN

if TYPE_CHECKING:
    from deskclient.services.context import DeskContext


class WorkdayService(QueueService):
    """Pause and resume service at a window; open and close its working day."""

    def __init__(self, ctx: DeskContext, *, printer_check: Callable[[], PrinterStatus] | None = None,
                 sync: Callable[[], tuple[bool | None, str]] | None = None) -> None:
        super().__init__(ctx)
        self._printer_check = printer_check
        self._sync = sync

    # --- pause (暂停服务) -------------------------------------------------------------------------------
    def pause(self, *, window: str, clerk_id: str, reason: str, expected_back: datetime | None = None,
              redirect_window: str = "") -> DeskPause:
        reason = note_text(reason)
        if not reason:
            raise ValidationError(T.PAUSE_REASON_REQUIRED)
        redirect_window = (redirect_window or "").strip()
        with self.ledger.write(clerk_id) as tx:
            self._window(tx.session, window)
            self._clerk(tx.session, clerk_id)
            if redirect_window:
                self._window(tx.session, redirect_window)
                if redirect_window == window:
                    raise ValidationError(T.PAUSE_REDIRECT_SAME)
            if expected_back is not None and expected_back <= tx.now:
                raise ValidationError(T.PAUSE_BACK_IN_PAST)
            if tx.session.exec(select(DeskPause).where(DeskPause.window == window,
                                                       col(DeskPause.ended_at).is_(None))).first():
                raise RuleViolation(T.ALREADY_PAUSED)
            p = DeskPause(window=window, clerk_id=clerk_id, reason=reason, expected_back=expected_back,
                          redirect_window=redirect_window, started_at=tx.now)
            tx.session.add(p)
            tx.session.flush()
            tx.emit(EventType.DESK_PAUSED, {"pause_id": p.id, "window": window, "reason": reason,
                                            "expected_back": expected_back, "redirect_window": redirect_window})
        return p

    def resume(self, *, window: str, clerk_id: str) -> DeskPause:
        with self.ledger.write(clerk_id) as tx:
            p = tx.session.exec(select(DeskPause).where(DeskPause.window == window,
                                                        col(DeskPause.ended_at).is_(None))).first()
            if p is None:
                raise RuleViolation(T.NOT_PAUSED)
            p.ended_at = tx.now
            tx.session.add(p)
            minutes = int((tx.now - p.started_at).total_seconds() // 60)
            tx.emit(EventType.DESK_RESUMED, {"pause_id": p.id, "window": window, "minutes": minutes})
        return p

    def pause_sign(self, pause: DeskPause) -> NoticeData:
        """The counter sign (暂停服务告示) pointing visitors to another window."""
        with self.ledger.read() as s:
            station = self._station(s)
        return NoticeData(kind=NoticeKind.PAUSE_SIGN, issued_at=pause.started_at, centre=centre_name(station),
                          station=station.name if station else "", window=self.window_label(pause.window),
                          pause_reason=pause.reason, expected_back=pause.expected_back,
                          redirect_window=self.window_label(pause.redirect_window) if pause.redirect_window else "",
                          training=self.ctx.is_training)

    # --- the working day ------------------------------------------------------------------------------
    def check_printer(self) -> PrinterStatus:
        if self._printer_check is not None:
            try:
                return self._printer_check()
            except DeskError as err:
                return PrinterStatus(False, err.message)
        return default_printer_check(self.ctx)

    def open_day(self, *, window: str, clerk_id: str) -> DayOpening:
        """开班: the printer checked, the day's due and overdue cases listed; opening twice is harmless."""
        printer = self.check_printer()
        today = self.today()
        with self.ledger.write(clerk_id) as tx:
            self._window(tx.session, window)
            self._clerk(tx.session, clerk_id)
            wd = workday_row(tx, today, window)
            check_can_open(day_state(wd.opened_at, wd.closed_at), wd.closed_at)
            already = wd.opened_at is not None
            if not already:
                wd.opened_at, wd.opened_by = tx.now, clerk_id
                tx.session.add(wd)
                tx.session.flush()
                tx.emit(EventType.DAY_OPENED, {"day": today, "window": window, "printer_ok": printer.ok})
        return DayOpening(wd, already, printer, self.reminders(window, today))

    def unfinished_intake(self, window: str, day: date | None = None) -> list[UnfinishedIntake]:
        """Intakes still mid-way: saved drafts of the window's clerks and today's undecided registrations."""
        day = day or self.today()
        start = datetime.combine(day, datetime.min.time())
        out: list[UnfinishedIntake] = []
        with self.ledger.read() as s:
            clerks = {c.id: c.name for c in s.exec(select(Clerk).where(Clerk.window == window))}
            if clerks:
                for d in s.exec(select(Draft).where(col(Draft.clerk_id).in_(list(clerks)))):
                    out.append(UnfinishedIntake("draft", d.id, clerks.get(d.clerk_id, ""), d.updated_at))
            for c in s.exec(select(Case).where(Case.window == window, Case.status == str(CaseStatus.REGISTERED),
                                               col(Case.created_at) >= start)):
                out.append(UnfinishedIntake("registered", c.id, c.case_no, c.created_at))
        return sorted(out, key=lambda u: u.at)

    def close_day(self, *, window: str, clerk_id: str, attempt_sync: bool = True) -> DayClosing:
        """收班: refused while an intake is mid-way; stores the day's figures; then tries a sync."""
        from deskclient.services.reports import day_figures

        today = self.today()
        current = self.workday(window, today)
        check_can_close(day_state(current.opened_at if current else None, current.closed_at if current else None))
        unfinished = self.unfinished_intake(window, today)
        if unfinished:
            listed = "、".join(u.label for u in unfinished[:10])
            raise DayNotClosable(T.DAY_UNFINISHED.format(n=len(unfinished), items=listed), unfinished)
        figures = day_figures(self.ctx.engine, today, window, now=self.ctx.clock.now()).to_dict()
        with self.ledger.write(clerk_id) as tx:
            self._window(tx.session, window)
            self._clerk(tx.session, clerk_id)
            wd = workday_row(tx, today, window)
            check_can_close(day_state(wd.opened_at, wd.closed_at))  # again inside the transaction
            wd.closed_at, wd.closed_by = tx.now, clerk_id
            wd.summary = json.dumps(figures, ensure_ascii=False, sort_keys=True)
            tx.session.add(wd)
            tx.session.flush()
            tx.emit(EventType.DAY_CLOSED, {"day": today, "window": window, "figures": figures})
        ok, message = (self._sync or (lambda: default_sync(self.ctx)))() if attempt_sync else (None, "")
        return DayClosing(wd, figures, ok, message)

    def workday(self, window: str, day: date | None = None) -> WorkDay | None:
        with self.ledger.read() as s:
            return s.exec(select(WorkDay).where(WorkDay.day == (day or self.today()),
                                                WorkDay.window == window)).first()


def default_printer_check(ctx: DeskContext) -> PrinterStatus:
    """Ask the notices service's printer check when it offers one; otherwise say what is configured."""
    printer = ctx.settings.printer
    if printer.kind == "none":
        return PrinterStatus(None, T.PRINTER_NONE)
    try:
        from deskclient.services.notices import printing
    except ImportError:
        return PrinterStatus(None, T.PRINTER_UNCHECKED)
    check = getattr(printing, "check_printer", None)
    if check is None:
        return PrinterStatus(None, T.PRINTER_UNCHECKED)
    try:
        result = check(printer)
    except DeskError as err:
        return PrinterStatus(False, err.message)
    except Exception as err:  # the check must not stop the day from opening
        return PrinterStatus(False, T.PRINTER_FAILED.format(error=type(err).__name__))
    ok = getattr(result, "ok", result)
    ok = None if ok is None else bool(ok)  # None: this system cannot check that printer
    message = getattr(result, "message", "") or (T.PRINTER_OK if ok else T.PRINTER_BAD)
    if getattr(result, "settings_hint", False):  # the real file, not "the settings file" somewhere
        where = TN.SETTINGS_FILE_AT if ctx.paths.config_file.exists() else TN.SETTINGS_FILE_NEW
        message += " " + where.format(path=ctx.paths.config_file)
    return PrinterStatus(ok, message)


def default_sync(ctx: DeskContext) -> tuple[bool | None, str]:
    """One bounded sync attempt at closing, through the station's one sync path (``ctx.link``)."""
    return ctx.link.close_day_sync()
