"""People who use the office's web view: accounts, sign-in with lockout, sessions, the audit trail.

Everything lives in the database (no process memory), so any copy of the office behind a load
balancer accepts any session. Passwords are argon2id hashes (argon2-cffi, as the desk's PINs);
session cookies carry a random value of which only the SHA-256 is stored, with a per-session CSRF
token for every form.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from deskclient.central.db import WRITE, audit, sessions, users
from deskclient.central.ingest import utcnow
from deskclient.domain.errors import DeskError
from deskclient.strings import county_web as S

ROLES = ("admin", "viewer")
MAX_FAILURES = 5
LOCK_MINUTES = 15
SESSION_HOURS = 10
MIN_PASSWORD = 8
_LOGIN_RE = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")
_hasher = PasswordHasher()
# Verified against when the login is unknown, so a wrong login costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class AccountError(DeskError):
    """An account cannot be created or used as asked; nothing was changed."""


@dataclass(frozen=True)
class User:
    login: str
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str


def add_user(engine: Engine, login: str, name: str, role: str, password: str) -> User:
    if not _LOGIN_RE.match(login):
        raise AccountError(S.USER_LOGIN_BAD.format(login=login[:40]))
    if role not in ROLES:
        raise AccountError(S.USER_ROLE_BAD.format(role=role[:20]))
    if len(password) < MIN_PASSWORD:
        raise AccountError(S.USER_PASSWORD_SHORT.format(n=MIN_PASSWORD))
    shown = name.strip()[:200] or login
    row = {"login": login, "name": shown, "role": role, "pw_hash": _hasher.hash(password),
           "failed": 0, "locked_until": None, "created_at": utcnow()}
    try:
        with engine.begin() as conn:
            conn.execute(insert(users), row)
    except IntegrityError:
        raise AccountError(S.USER_EXISTS.format(login=login)) from None
    return User(login, shown, role)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:  # SQLite hands back naive UTC
        return moment.replace(tzinfo=utcnow().tzinfo)
    return moment


def sign_in(engine: Engine, login: str, password: str, now: datetime | None = None) -> User:
    """The user, or :class:`AccountError` (wrong login/password, or locked after repeated failures)."""
    now = now or utcnow()
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        row = conn.execute(select(users).where(users.c.login == login[:64]).with_for_update()).first()
        if row is None:
            with contextlib.suppress(VerificationError):
                _hasher.verify(_DUMMY_HASH, password)
            raise AccountError(S.SIGNIN_WRONG)
        until = _aware(row.locked_until)
        if until is not None and until > now:
            raise AccountError(S.SIGNIN_LOCKED.format(minutes=max(1, int((until - now).total_seconds() // 60) + 1)))
        try:
            _hasher.verify(row.pw_hash, password)
        except (VerificationError, InvalidHashError):
            failed = int(row.failed) + 1
            locked = failed >= MAX_FAILURES
            conn.execute(update(users).where(users.c.login == row.login).values(
                failed=0 if locked else failed, locked_until=now + timedelta(minutes=LOCK_MINUTES) if locked else None))
            conn.execute(insert(audit), {"at": now, "login": row.login, "action": "locked" if locked else "signin_failed",
                                         "target": row.login, "detail": str(failed)})
            if locked:
                return_error = AccountError(S.SIGNIN_LOCKED.format(minutes=LOCK_MINUTES))
            else:
                return_error = AccountError(S.SIGNIN_WRONG_LEFT.format(left=MAX_FAILURES - failed))
        else:
            conn.execute(update(users).where(users.c.login == row.login).values(failed=0, locked_until=None))
            return User(row.login, row.name, row.role)
    raise return_error


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def open_session(engine: Engine, user: User, now: datetime | None = None) -> tuple[str, str]:
    """``(cookie value, csrf token)`` of a new session."""
    now = now or utcnow()
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(delete(sessions).where(sessions.c.expires_at < now))
        conn.execute(insert(sessions), {"id_hash": _digest(cookie), "login": user.login, "csrf": csrf,
                                        "created_at": now, "expires_at": now + timedelta(hours=SESSION_HOURS)})
        conn.execute(insert(audit), {"at": now, "login": user.login, "action": "signin", "target": user.login,
                                     "detail": ""})
    return cookie, csrf


def session_for(engine: Engine, cookie: str | None, now: datetime | None = None) -> Session | None:
    if not cookie or len(cookie) > 100:
        return None
    now = now or utcnow()
    stmt = (select(sessions.c.csrf, sessions.c.expires_at, users.c.login, users.c.name, users.c.role)
            .join(users, users.c.login == sessions.c.login).where(sessions.c.id_hash == _digest(cookie)))
    with engine.connect() as conn:
        row = conn.execute(stmt).first()
    if row is None or (_aware(row.expires_at) or now) <= now:
        return None
    return Session(User(row.login, row.name, row.role), row.csrf)


def close_session(engine: Engine, cookie: str | None) -> None:
    if cookie:
        with engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.id_hash == _digest(cookie)))


def record(engine: Engine, login: str, action: str, target: str = "", detail: str = "",
           now: datetime | None = None) -> None:
    """One line of the audit trail (who did what to which station or publication), at ``now`` (the
    web pages pass their settings' clock)."""
    with engine.begin() as conn:
        conn.execute(insert(audit), {"at": now or utcnow(), "login": login, "action": action, "target": target[:64],
                                     "detail": detail[:2000]})


def recent_audit(engine: Engine, limit: int = 200) -> list[dict[str, object]]:
    stmt = select(audit).order_by(audit.c.id.desc()).limit(limit)
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]
