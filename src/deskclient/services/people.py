"""The station, its windows and its clerks: first-run set-up, PINs, sign-in and lockout."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from deskclient.domain.errors import RuleViolation, ValidationError
from deskclient.domain.events import EventType
from deskclient.store.ledger import Ledger, WriteTx, new_id
from deskclient.store.sign_in_list import ClerkEntry, active_clerks, failed_pins, pin_state, set_pin_state
from deskclient.strings import people as T
from deskclient.strings import ui as TU

if TYPE_CHECKING:  # the ORM is imported by the methods that need it: sign-in runs on plain sqlite3
    from argon2 import PasswordHasher

    from deskclient.store.models import Clerk, Station, Window

MAX_PIN_FAILURES = 5
LOCK_MINUTES = 10
ROLE_CLERK = "clerk"
ROLE_HEAD = "head"


def _hasher() -> PasswordHasher:
    """argon2id at OWASP's m=7 MiB, t=5, p=1: the cheat sheet's equal-strength alternative to m=19 MiB,
    t=2 (the desk's former setting), about the same ~50 ms on an old counter PC but 12 MiB less
    memory at every PIN check, which is the desk's peak before home (docs/decisions.md). Hashes made
    with the former setting still verify (argon2 reads the parameters from the hash) and are re-made
    at the clerk's next correct PIN (``verify_pin``)."""
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=5, memory_cost=7 * 1024, parallelism=1)


def hash_pin(pin: str) -> str:
    check_pin_format(pin)
    return str(_hasher().hash(pin))


def check_pin_format(pin: str) -> None:
    if not re.fullmatch(r"\d{4,8}", pin or ""):
        raise ValidationError(T.PIN_FORMAT)


def check_login(login: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9_.-]{2,32}", login or ""):
        raise ValidationError(T.LOGIN_FORMAT)


@dataclass(frozen=True)
class ClerkInput:
    login: str
    name: str
    pin: str
    role: str = ROLE_CLERK
    window: str | None = None
    post: str | None = None  # "A" | "B"
    pin_hash: str | None = None  # precomputed (sample data only: saves the slow hash per clerk)


@dataclass(frozen=True)
class WindowInput:
    number: str
    name: str
    department: str = ""


def parse_setup(windows_text: str, clerks_text: str, head_text: str) -> tuple[list[WindowInput], list[ClerkInput]]:
    """The first-run wizard's three text boxes as WindowInput/ClerkInput lists (one window per line
    "编号 名称 [部门]", one clerk per line "窗口 岗位 登录名 姓名 PIN", the head "登录名 姓名 PIN");
    ValidationError names the line."""
    windows = []
    for n, line in enumerate([x for x in windows_text.splitlines() if x.strip()], start=1):
        parts = line.split()
        if len(parts) < 2:
            raise ValidationError(TU.WINDOW_LINE_BAD.format(n=n))
        windows.append(WindowInput(parts[0], parts[1], " ".join(parts[2:])))
    clerks = []
    for n, line in enumerate([x for x in clerks_text.splitlines() if x.strip()], start=1):
        parts = line.split()
        if len(parts) != 5:
            raise ValidationError(TU.CLERK_LINE_BAD.format(n=n))
        window, post, login, name, pin = parts
        if post.upper() not in ("A", "B"):
            raise ValidationError(TU.POST_BAD.format(n=n))
        clerks.append(ClerkInput(login, name, pin, ROLE_CLERK, window, post.upper()))
    if not clerks:
        raise ValidationError(TU.NEED_CLERK)
    head = head_text.split()
    if len(head) != 3:
        raise ValidationError(TU.HEAD_LINE_BAD)
    clerks.append(ClerkInput(head[0], head[1], head[2], ROLE_HEAD, None, None))
    return windows, clerks


class PeopleService:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    # --- first run -------------------------------------------------------------------------
    def is_configured(self) -> bool:
        from sqlmodel import select

        from deskclient.store.models import Station

        with self.ledger.read() as s:
            return s.exec(select(Station)).first() is not None

    def station(self) -> Station | None:
        from sqlmodel import select

        from deskclient.store.models import Station

        with self.ledger.read() as s:
            return s.exec(select(Station)).first()

    def setup_station(self, *, code: str, name: str, centre: str, county: str = "", central_url: str = "",
                      windows: list[WindowInput], clerks: list[ClerkInput], is_demo: bool = False,
                      is_training: bool = False) -> Station:
        """Create the station, its windows and first clerks in one transaction."""
        from sqlmodel import select

        from deskclient.store.models import Station, Window

        if not re.fullmatch(r"[A-Za-z0-9]{2,12}", code or ""):
            raise ValidationError(T.STATION_CODE_FORMAT)
        if not name.strip():
            raise ValidationError(T.STATION_NAME_REQUIRED)
        if not windows:
            raise ValidationError(T.NEED_A_WINDOW)
        if not any(c.role == ROLE_HEAD for c in clerks):
            raise ValidationError(T.NEED_A_HEAD)
        numbers = {w.number for w in windows}
        for c in clerks:
            check_login(c.login)
            check_pin_format(c.pin)
            if c.role == ROLE_CLERK and c.window not in numbers:
                raise ValidationError(T.CLERK_WINDOW_UNKNOWN.format(login=c.login))
        if len({c.login for c in clerks}) != len(clerks):
            raise ValidationError(T.LOGIN_DUPLICATE)
        hashes = [c.pin_hash or hash_pin(c.pin) for c in clerks]  # slow: do it before the write lock
        with self.ledger.write(None) as tx:
            if tx.session.exec(select(Station)).first() is not None:
                raise RuleViolation(T.ALREADY_CONFIGURED)
            tx.station = code  # the very first events already carry the station's own code
            station = Station(code=code, name=name.strip(), centre=centre.strip(), county=county.strip(),
                              central_url=central_url.strip(), is_demo=is_demo, is_training=is_training,
                              created_at=tx.now)
            tx.session.add(station)
            for w in windows:
                tx.session.add(Window(number=w.number, name=w.name, department=w.department))
            tx.session.flush()
            tx.emit(EventType.STATION_CONFIGURED, {
                "code": code, "name": station.name, "centre": station.centre, "county": station.county,
                "windows": [{"number": w.number, "name": w.name, "department": w.department} for w in windows],
            })
            for c, h in zip(clerks, hashes, strict=True):
                self._add_clerk(tx, c, h)
        return station

    def add_clerk(self, c: ClerkInput, by_clerk_id: str | None) -> Clerk:
        from sqlmodel import select

        from deskclient.store.models import Clerk

        check_login(c.login)
        h = hash_pin(c.pin)
        with self.ledger.write(by_clerk_id) as tx:
            if tx.session.exec(select(Clerk).where(Clerk.login == c.login)).first():
                raise ValidationError(T.LOGIN_DUPLICATE)
            return self._add_clerk(tx, c, h)

    @staticmethod
    def _add_clerk(tx: WriteTx, c: ClerkInput, pin_hash: str) -> Clerk:
        from deskclient.store.models import Clerk

        clerk = Clerk(id=new_id(), login=c.login, name=c.name.strip(), role=c.role, window=c.window,
                      post=c.post, pin_hash=pin_hash, created_at=tx.now)
        tx.session.add(clerk)
        tx.session.flush()
        tx.emit(EventType.CLERK_CREATED, {"clerk_id": clerk.id, "login": c.login, "name": clerk.name,
                                          "role": c.role, "window": c.window, "post": c.post})
        return clerk

    # --- lookups ------------------------------------------------------------------------------
    def clerks(self, active_only: bool = True) -> list[Clerk]:
        from sqlmodel import col, select

        from deskclient.store.models import Clerk

        with self.ledger.read() as s:
            q = select(Clerk).order_by(col(Clerk.window), col(Clerk.post), col(Clerk.login))
            if active_only:
                q = q.where(Clerk.active == True)  # noqa: E712
            return list(s.exec(q))

    def heads(self) -> list[Clerk]:
        """The active centre heads (who may approve an urgent case or an extension)."""
        return [c for c in self.clerks() if c.role == ROLE_HEAD]

    def clerk(self, clerk_id: str) -> Clerk | None:
        from deskclient.store.models import Clerk

        with self.ledger.read() as s:
            return s.get(Clerk, clerk_id)

    def windows(self) -> list[Window]:
        from sqlmodel import select

        from deskclient.store.models import Window

        with self.ledger.read() as s:
            return list(s.exec(select(Window).where(Window.active == True).order_by(Window.number)))  # noqa: E712

    # --- sign-in ------------------------------------------------------------------------------
    def sign_in_clerks(self) -> list[ClerkEntry]:
        """The active clerks for the sign-in list, read on the light connection (no ORM)."""
        with self.ledger.lite_read() as con:
            return active_clerks(con)

    def verify_pin(self, login: str, pin: str, *, purpose: str = "sign_in") -> ClerkEntry:
        """Check a clerk's PIN. Five wrong PINs lock the clerk for some minutes (an event says so).

        Runs on the light sqlite3 path (``Ledger.lite_write``: the same events and seq rule as the ORM's
        writes), so signing in never imports SQLAlchemy. Raises ValidationError (wrong PIN, with the
        tries left) or RuleViolation (locked)."""
        from argon2.exceptions import InvalidHashError, VerificationError

        with self.ledger.lite_read() as con:
            state = pin_state(con, login)
        if state is None:
            raise ValidationError(T.UNKNOWN_LOGIN)
        clerk = state.clerk
        now = self.ledger.clock.now()
        if state.locked_until and state.locked_until > now:
            minutes = max(1, int((state.locked_until - now).total_seconds() // 60) + 1)
            raise RuleViolation(T.LOCKED.format(name=clerk.name, minutes=minutes))
        hasher = _hasher()
        try:
            ok: bool = hasher.verify(state.pin_hash, pin)
        except (VerificationError, InvalidHashError):
            ok = False
        # a hash of the former parameters is re-made now, before the write lock (slow by design)
        rehashed = hasher.hash(pin) if ok and hasher.check_needs_rehash(state.pin_hash) else None
        with self.ledger.lite_write(clerk.id) as tx:
            if ok:
                set_pin_state(tx.con, clerk.id, 0, None, pin_hash=rehashed)
                if purpose == "sign_in":
                    tx.emit(EventType.CLERK_SIGNED_IN, {"clerk_id": clerk.id, "window": clerk.window})
                return clerk
            failures = failed_pins(tx.con, clerk.id) + 1
            tx.emit(EventType.CLERK_PIN_FAILED, {"clerk_id": clerk.id, "failures": failures, "purpose": purpose})
            locked_until = None
            if failures >= MAX_PIN_FAILURES:
                locked_until = tx.now + timedelta(minutes=LOCK_MINUTES)
                tx.emit(EventType.CLERK_LOCKED, {"clerk_id": clerk.id, "until": locked_until,
                                                 "minutes": LOCK_MINUTES})
            set_pin_state(tx.con, clerk.id, 0 if locked_until else failures, locked_until)
            left = MAX_PIN_FAILURES - failures
        if locked_until is not None:
            raise RuleViolation(T.NOW_LOCKED.format(name=clerk.name, minutes=LOCK_MINUTES))
        raise ValidationError(T.WRONG_PIN.format(left=left))

    def verify_head(self, login: str, pin: str, *, purpose: str) -> ClerkEntry:
        """The one head check: the PIN is right (same lockout as sign-in) AND the clerk is the centre
        head. Urgent approval and extension approval both come here."""
        clerk = self.verify_pin(login, pin, purpose=purpose)
        if clerk.role != ROLE_HEAD:
            raise RuleViolation(T.HEAD_APPROVAL_ONLY.format(name=clerk.name))
        return clerk

    def sign_out(self, clerk_id: str) -> None:
        with self.ledger.write(clerk_id) as tx:
            tx.emit(EventType.CLERK_SIGNED_OUT, {"clerk_id": clerk_id})
