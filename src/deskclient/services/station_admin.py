"""Station administration after first run (the centre head): add a clerk, retire one, reset a PIN,
unlock a locked clerk; and any clerk changing their own PIN.

Every head operation is confirmed with the head's own PIN (``PeopleService.verify_head``: the same
lockout as sign-in) and is then one transaction with its event, so the ledger says who changed the
station's people and when. PINs are hashed before the write lock (argon2 is slow on purpose) and
never appear in an event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlmodel import col, select

from deskclient.domain.errors import RuleViolation, ValidationError
from deskclient.domain.events import EventType
from deskclient.services.people import ROLE_CLERK, ROLE_HEAD, ClerkInput, PeopleService, check_login, hash_pin
from deskclient.store.ledger import Ledger, WriteTx
from deskclient.store.models import Clerk, Window
from deskclient.strings import people as T

NOTICE_LINE_KEYS = ("reconsideration_body", "court", "progress_phone", "complaint_phone")


@dataclass(frozen=True)
class ClerkLine:
    """A clerk as the administration screen lists them (never the PIN hash)."""

    id: str
    login: str
    name: str
    role: str
    window: str
    post: str
    active: bool
    locked: bool


class StationAdmin:
    """``ctx.admin``: the head's operations on the station's people."""

    def __init__(self, ledger: Ledger, people: PeopleService,
                 save_station: Callable[..., None] | None = None) -> None:
        self.ledger = ledger
        self.people = people
        self._save_station = save_station  # DeskContext.save_station_settings (settings.toml [station])

    def set_notice_lines(self, head_login: str, head_pin: str, lines: Mapping[str, str]) -> None:
        """What every notice prints about remedies and lookups (``[station]`` reconsideration_body,
        court, progress_phone, complaint_phone), changed by the head after first run; the change is
        recorded (``station.notice_lines_changed``). Body and court may not be left empty."""
        values = {k: lines.get(k, "").strip() for k in NOTICE_LINE_KEYS}
        missing = [k for k in ("reconsideration_body", "court") if not values[k]]
        if missing:
            raise ValidationError(T.NOTICE_LINES_REQUIRED)
        if self._save_station is None:
            raise RuleViolation(T.NOTICE_LINES_NOT_HERE)
        head = self.people.verify_head(head_login, head_pin, purpose="admin_notice_lines")
        self._save_station(**values)
        with self.ledger.write(head.id) as tx:
            tx.emit(EventType.STATION_NOTICE_LINES_CHANGED, values)

    def clerks(self) -> list[ClerkLine]:
        now = self.ledger.clock.now()
        with self.ledger.read() as s:
            rows = list(s.exec(select(Clerk).order_by(col(Clerk.active).desc(), col(Clerk.window), col(Clerk.post),
                                                      col(Clerk.login))))
        return [ClerkLine(c.id, c.login, c.name, c.role, c.window or "", c.post or "", c.active,
                          bool(c.locked_until and c.locked_until > now)) for c in rows]

    def add_clerk(self, head_login: str, head_pin: str, new: ClerkInput) -> Clerk:
        """A new clerk at a window's A or B post (or a second head)."""
        check_login(new.login)
        if not new.name.strip():
            raise ValidationError(T.NAME_REQUIRED)
        if new.role == ROLE_CLERK and new.post not in ("A", "B"):
            raise ValidationError(T.POST_FORMAT)
        pin_hash = hash_pin(new.pin)
        head = self.people.verify_head(head_login, head_pin, purpose="admin_add_clerk")
        with self.ledger.write(head.id) as tx:
            if new.role == ROLE_CLERK and tx.session.get(Window, new.window or "") is None:
                raise ValidationError(T.CLERK_WINDOW_UNKNOWN.format(login=new.login))
            if tx.session.exec(select(Clerk).where(Clerk.login == new.login)).first():
                raise ValidationError(T.LOGIN_DUPLICATE)
            return PeopleService._add_clerk(tx, ClerkInput(new.login, new.name, new.pin, new.role,
                                                           new.window if new.role == ROLE_CLERK else None,
                                                           new.post if new.role == ROLE_CLERK else None),
                                            pin_hash)

    def retire_clerk(self, head_login: str, head_pin: str, login: str) -> Clerk:
        """停用: the clerk can no longer sign in; their cases and history stay."""
        head = self.people.verify_head(head_login, head_pin, purpose="admin_retire")
        with self.ledger.write(head.id) as tx:
            clerk = self._clerk(tx, login)
            if clerk.id == head.id:
                raise RuleViolation(T.CANNOT_RETIRE_SELF)
            if clerk.role == ROLE_HEAD and self._active_heads(tx) <= 1:
                raise RuleViolation(T.LAST_HEAD)
            clerk.active = False
            tx.session.add(clerk)
            tx.emit(EventType.CLERK_RETIRED, {"clerk_id": clerk.id, "login": clerk.login, "by": head.id})
            return clerk

    def reset_pin(self, head_login: str, head_pin: str, login: str, new_pin: str) -> Clerk:
        """The head sets a new PIN for a clerk who forgot theirs (and lifts any lock)."""
        pin_hash = hash_pin(new_pin)
        head = self.people.verify_head(head_login, head_pin, purpose="admin_reset_pin")
        with self.ledger.write(head.id) as tx:
            clerk = self._clerk(tx, login)
            clerk.pin_hash, clerk.failed_pins, clerk.locked_until = pin_hash, 0, None
            tx.session.add(clerk)
            tx.emit(EventType.CLERK_PIN_RESET, {"clerk_id": clerk.id, "login": clerk.login, "by": head.id})
            return clerk

    def unlock(self, head_login: str, head_pin: str, login: str) -> Clerk:
        """A clerk locked after five wrong PINs may sign in again at once ("请中心负责人处理")."""
        head = self.people.verify_head(head_login, head_pin, purpose="admin_unlock")
        with self.ledger.write(head.id) as tx:
            clerk = self._clerk(tx, login)
            if clerk.locked_until is None and clerk.failed_pins == 0:
                raise RuleViolation(T.NOT_LOCKED.format(name=clerk.name))
            clerk.failed_pins, clerk.locked_until = 0, None
            tx.session.add(clerk)
            tx.emit(EventType.CLERK_UNLOCKED, {"clerk_id": clerk.id, "login": clerk.login, "by": head.id})
            return clerk

    def change_own_pin(self, login: str, old_pin: str, new_pin: str) -> Clerk:
        """Any clerk changes their own PIN, confirming the old one."""
        if new_pin == old_pin:
            raise ValidationError(T.PIN_SAME)
        pin_hash = hash_pin(new_pin)
        me = self.people.verify_pin(login, old_pin, purpose="change_pin")
        with self.ledger.write(me.id) as tx:
            clerk = self._clerk(tx, login)
            clerk.pin_hash = pin_hash
            tx.session.add(clerk)
            tx.emit(EventType.CLERK_PIN_CHANGED, {"clerk_id": clerk.id, "login": clerk.login})
            return clerk

    @staticmethod
    def _clerk(tx: WriteTx, login: str) -> Clerk:
        clerk = tx.session.exec(select(Clerk).where(Clerk.login == login.strip(),
                                                    Clerk.active == True)).first()  # noqa: E712
        if clerk is None:
            raise ValidationError(T.UNKNOWN_LOGIN)
        return clerk

    @staticmethod
    def _active_heads(tx: WriteTx) -> int:
        return len(list(tx.session.exec(select(Clerk.id).where(Clerk.role == ROLE_HEAD,
                                                               Clerk.active == True))))  # noqa: E712
