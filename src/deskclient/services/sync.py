"""Sending the outbox to the county office, and fetching catalog / holiday updates.

Safety rests on two rules: an event is marked sent only when the office's reply confirms *that*
event - its id, seq and the hash of its content, checked against the station's own copy - so a
lost reply, a crash, an office that stores something else or a machine answering in the office's
place just means the event is sent again (the office stores it once); and nothing ever raises to
the caller: the result has one ``status`` and a Chinese ``message``, and the events stay safely in
the local ledger. A conflict (the office holds another event at one of our seqs: this ledger was
restored from a backup, copied to a second PC, or someone used our token) stops the sync loudly.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from deskclient import __version__
from deskclient.domain.errors import DeskError
from deskclient.domain.events import canonical_event, hash_text
from deskclient.services import transport as TR
from deskclient.services import updates as U
from deskclient.store import outbox
from deskclient.strings import sync as T

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
API = "/api/v1"
REPORT_HEADER = "X-Deskclient-Report"  # optional station report (see docs/sync-protocol.md)


#: ``SyncResult.status`` values: what the caller shows or does (exit codes, the exit screen).
DONE = "done"  # everything pending is confirmed by the office
PARTIAL = "partial"  # some confirmed, the rest stays pending (no error)
NOTHING = "nothing"  # nothing was pending
OFFLINE = "offline"  # no usable answer before the deadline: network, office down or overloaded
NOT_CONFIGURED = "not_configured"
TOKEN_INVALID = "token_invalid"  # 401: the office does not accept the token (wrong, rotated or revoked)
STATION_DISABLED = "station_disabled"  # 403 with the office's "disabled" code
REFUSED = "refused"  # another 4xx: the office refuses the request (detail in the message)
OTHER_LEDGER = "other_ledger"  # 409: the office has another ledger registered for this station
CONFLICT = "conflict"  # the office holds different events at our seqs
UNVERIFIED = "unverified"  # a 200 reply that proves nothing: not the office, or a broken proxy
REFUSED_STATUSES = frozenset({TOKEN_INVALID, STATION_DISABLED, REFUSED, OTHER_LEDGER, CONFLICT, UNVERIFIED})


@dataclass
class SyncResult:
    """What one sync did: one ``status`` (see the constants above) and a Chinese ``message``."""

    ok: bool
    sent: int = 0
    remaining: int = 0
    set_aside: int = 0
    acked_seq: int = 0
    offline: bool = False
    message: str = ""
    set_aside_reasons: dict[str, int] = field(default_factory=dict)
    status: str = DONE
    conflicts: int = 0
    quarantined: int = 0
    unverified: int = 0
    ledger_behind: bool = False  # the office holds seqs this ledger never had (restored or copied)

    @property
    def refused(self) -> bool:
        """The office answered and said no (as opposed to not answering: ``offline``)."""
        return self.status in REFUSED_STATUSES


@dataclass
class UpdateResult:
    """Per kind (catalog / holidays): ``applied``, ``current``, ``none``, ``refused`` or ``offline``."""

    ok: bool
    status: dict[str, str] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        return ";".join(self.messages)


class _Fatal(Exception):
    """The office answered and said no (auth, or a request it will never accept)."""

    def __init__(self, message: str, status: str = REFUSED) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class _GiveUp(Exception):
    """No usable answer before the deadline (network down, office overloaded)."""


def _items(value: Any) -> list[dict[str, Any]]:
    """The objects of a reply list (anything else in it is ignored)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _wire_text(e: outbox.OutgoingEvent) -> str:
    """The event as sent: its canonical JSON (``events.canonical_event`` of the wire form), which is
    also exactly the text our own hash of it is taken from."""
    w = e.to_wire()
    return canonical_event(w["id"], w["seq"], w["at"], w["clerk_id"], w["type"], w["case_id"], w["payload"])


def _body(station: str, ledger: str, texts: list[str]) -> bytes:
    """The request body: the events' canonical texts spliced in (not parsed and encoded again)."""
    head = json.dumps({"station": station, "ledger": {"id": ledger}}, ensure_ascii=False, separators=(",", ":"))
    return f'{head[:-1]},"events":[{",".join(texts)}]}}'.encode()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _detail(resp: httpx.Response) -> str:
    try:
        err = resp.json()["error"]
        return str(err.get("message") or err.get("code"))[:300]
    except (ValueError, KeyError, TypeError, AttributeError):
        return resp.reason_phrase


def _error_code(resp: httpx.Response) -> str:
    try:
        return str(resp.json()["error"]["code"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return ""


_DISABLED_CODES = frozenset({"station_disabled", "disabled", "revoked"})


def _refusal(resp: httpx.Response) -> _Fatal:
    """The typed refusal for a 4xx the client will not retry."""
    if resp.status_code == 401:
        return _Fatal(T.TOKEN_INVALID, TOKEN_INVALID)
    code = _error_code(resp)
    if resp.status_code == 403 and code in _DISABLED_CODES:
        return _Fatal(T.STATION_DISABLED, STATION_DISABLED)
    if resp.status_code == 409 and code == "ledger_mismatch":
        return _Fatal(T.OTHER_LEDGER.format(detail=_detail(resp)), OTHER_LEDGER)
    if resp.status_code == 403:
        return _Fatal(T.AUTH_FAILED.format(status=403, detail=_detail(resp)), REFUSED)
    return _Fatal(T.SERVER_REFUSED.format(status=resp.status_code, detail=_detail(resp)), REFUSED)


class SyncClient:
    """Talks to one county office for one station. Cheap to create; holds one HTTP connection pool."""

    def __init__(self, engine: Engine, url: str, token: str, station: str, *, timeout_s: float = 5.0,
                 batch_size: int = 1000, backoff_base: float = 0.25, backoff_cap: float = 8.0,
                 max_attempts: int = 6, transport: httpx.BaseTransport | None = None,
                 data_dir: Path | str | None = None,
                 ca_file: str = "", allow_plain_http: bool = False, office_key: str = "") -> None:
        self.engine = engine
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.url = url.rstrip("/")
        self.token = token
        self.station = station
        self.timeout_s = timeout_s
        self.batch_size = batch_size
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_attempts = max_attempts
        self._transport = transport
        self._rng = random.Random()
        self.ca_file, self.allow_plain_http, self.office_key = ca_file, allow_plain_http, office_key  # h17b

    def _link_problem(self) -> str | None:
        """Plain HTTP to another machine, or an unusable CA file (see services/transport.py)."""
        return TR.url_problem(self.url, self.allow_plain_http) or TR.ca_problem(self.ca_file)

    # -- HTTP with retries --------------------------------------------------------------------------

    def _client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, transport=self._transport, http2=False,
                            verify=TR.ssl_context(self.ca_file),
                            headers={"Authorization": f"Bearer {self.token}",
                                     "User-Agent": "deskclient-sync/1"},
                            timeout=httpx.Timeout(self.timeout_s, connect=min(self.timeout_s, 5.0)))

    def _request(self, client: httpx.Client, method: str, path: str, deadline: float | None,
                 **kwargs: Any) -> httpx.Response:
        """One logical request, retried with exponential backoff and full jitter until the deadline."""
        attempt = 0
        while True:
            attempt += 1
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise _GiveUp
            timeout = self.timeout_s if remaining is None else max(0.05, min(self.timeout_s, remaining))
            try:
                resp = client.request(method, path, timeout=timeout, **kwargs)
            except httpx.HTTPError as err:
                log.info("sync request failed: %s", type(err).__name__)
                certificate = TR.certificate_error(err)
                if certificate:  # not "offline": retrying cannot fix a certificate
                    raise _Fatal(certificate) from None
            else:
                if resp.status_code in (401, 403):
                    raise _refusal(resp)
                if resp.status_code < 500 and resp.status_code != 429:
                    return resp
                log.info("sync request got HTTP %s", resp.status_code)
            if deadline is None and attempt >= self.max_attempts:
                raise _GiveUp
            delay = self._rng.uniform(0, min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1)))
            if deadline is not None and time.monotonic() + delay >= deadline:
                raise _GiveUp
            time.sleep(delay)

    def _report(self, sending: int, about: dict[str, Any] | None = None) -> str:
        """What the county office's station page shows about this station (an optional header:
        an office that does not know it ignores it). ASCII JSON, so it fits in a header.

        ``backlog`` counts the events still waiting once this batch is taken in, so the last batch
        of a good sync reports 0. ``about`` is :meth:`_about` (the versions), read once per sync.
        """
        backlog = max(0, outbox.pending_count(self.engine) - sending)
        report: dict[str, Any] = {"backlog": backlog, **(self._about() if about is None else about)}
        return json.dumps(report, ensure_ascii=True, separators=(",", ":"))

    def _about(self) -> dict[str, Any]:
        """The versions the station report carries: app, ledger schema, catalog and holidays."""
        report: dict[str, Any] = {"app_version": __version__}
        try:
            with self.engine.connect() as conn:
                rev = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            if rev:
                report["schema_version"] = str(rev)[:40]
        except SQLAlchemyError:
            pass  # a ledger made without Alembic (tests, tools): the office shows "unknown"
        if self.data_dir is not None:
            for kind in ("catalog", "holidays"):
                version = U.local_version(self.data_dir, kind)[0]
                if version:
                    report[f"{kind}_version"] = version
        return report

    # -- the outbox ---------------------------------------------------------------------------------

    def sync_once(self, progress: ProgressCallback | None = None, deadline: float | None = None, *,
                  timeout_s: float | None = None) -> SyncResult:
        """Send everything pending. ``deadline`` is a ``time.monotonic()`` instant (or give
        ``timeout_s``); without either, each request is retried ``max_attempts`` times.

        Never raises on network or office trouble: the result carries a status and a Chinese message.
        """
        if timeout_s is not None:
            deadline = time.monotonic() + timeout_s
        total = outbox.pending_count(self.engine)
        result = SyncResult(ok=True, remaining=total)
        if not self.url or not self.token:
            result.ok, result.offline, result.status, result.message = False, True, NOT_CONFIGURED, T.NOT_CONFIGURED
            return result
        problem = self._link_problem()
        if problem:  # plain http to another machine, an unreadable CA file: refused, not offline
            result.ok, result.status, result.message = False, REFUSED, problem
            return result
        if total == 0:
            result.status, result.message = NOTHING, T.SYNC_NOTHING
            return result
        if progress:
            progress(0, total)
        batch_size = self.batch_size
        ledger = outbox.ledger_id(self.engine)
        sent_top = outbox.last_sent_seq(self.engine)
        local_top = outbox.max_seq(self.engine)
        about = self._about()
        try:
            with self._client() as client:
                while True:
                    batch = outbox.pending(self.engine, batch_size)
                    if not batch:
                        break
                    texts = [_wire_text(e) for e in batch]
                    hashes = {e.seq: hash_text(t) for e, t in zip(batch, texts, strict=True)}
                    body = _body(self.station, ledger, texts)
                    resp = self._request(client, "POST", f"{API}/events", deadline, content=body,
                                         headers={"Content-Type": "application/json",
                                                  REPORT_HEADER: self._report(len(batch), about)})
                    if resp.status_code == 413 and batch_size > 1:
                        batch_size = max(1, batch_size // 4)
                        continue
                    if resp.status_code != 200:
                        raise _refusal(resp)
                    try:
                        reply = resp.json()
                        if not isinstance(reply, dict):
                            raise TypeError
                    except (ValueError, TypeError):
                        raise _Fatal(T.UNVERIFIED, UNVERIFIED) from None
                    moved = self._apply_reply(batch, hashes, reply, result)
                    if (moved or result.status == CONFLICT) and isinstance(reply.get("held_max"), int):
                        result.ledger_behind = result.ledger_behind or reply["held_max"] > local_top
                    if result.status == CONFLICT:
                        break
                    if not moved:  # a real office confirms, refuses or reports every event it is sent
                        raise _Fatal(T.UNVERIFIED, UNVERIFIED)
                    acked = reply.get("acked_seq")
                    if isinstance(acked, int) and 0 <= acked < sent_top:
                        # The office holds less than it once confirmed (its database was restored
                        # from an older backup): send those events again.
                        log.warning("office mark %s below local sent mark %s; resending", acked, sent_top)
                        outbox.reset_sent_after(self.engine, acked)
                        sent_top = acked
                    if progress:
                        progress(min(result.sent + result.set_aside, total), total)
        except _Fatal as err:
            result.ok, result.status, result.message = False, err.status, err.message
        except _GiveUp:
            result.ok, result.offline, result.status = False, True, OFFLINE
        result.remaining = outbox.pending_count(self.engine)
        if result.offline:
            result.message = T.OFFLINE.format(count=_shown(result.remaining))
        elif result.ok:
            result.status = DONE if result.remaining == 0 else PARTIAL
            result.message = T.SYNC_DONE.format(sent=result.sent) if result.remaining == 0 else \
                T.SYNC_PARTIAL.format(sent=result.sent, remaining=result.remaining)
        if result.ledger_behind and result.status != OTHER_LEDGER:
            result.message += "\n" + T.LEDGER_BEHIND
        for reason, count in result.set_aside_reasons.items():
            result.message += "\n" + T.SYNC_SET_ASIDE.format(count=count, reason=reason)
        if result.quarantined:
            result.message += "\n" + T.SYNC_QUARANTINED.format(count=result.quarantined)
        return result

    def _apply_reply(self, batch: list[outbox.OutgoingEvent], hashes: dict[int, str], reply: dict[str, Any],
                     result: SyncResult) -> bool:
        """Mark sent exactly the events the office confirmed with our own content hash (``hashes``,
        by seq, taken from the text we sent); set aside what it refused as invalid; stop on a
        conflict. False if nothing moved."""
        by_seq = {e.seq: e for e in batch}
        confirmed: list[outbox.OutgoingEvent] = []
        for item in _items(reply.get("confirmed")):
            ev = by_seq.get(item.get("seq"))  # type: ignore[arg-type]
            if ev is not None and item.get("id") == ev.id and item.get("hash") == hashes[ev.seq]:
                confirmed.append(ev)
            else:
                result.unverified += 1
        by_reason: dict[str, list[int]] = defaultdict(list)
        for item in _items(reply.get("rejected")):
            ev = by_seq.get(item.get("seq"))  # type: ignore[arg-type]
            if ev is not None and item.get("id") == ev.id:
                by_reason[str(item.get("reason") or "?")[:200]].append(ev.seq)
        for reason, seqs in by_reason.items():
            count = outbox.set_aside(self.engine, seqs, reason)
            result.set_aside += count
            result.set_aside_reasons[reason] = result.set_aside_reasons.get(reason, 0) + count
        marked = outbox.mark_confirmed(self.engine, confirmed, _now()) if confirmed else 0
        result.sent += marked
        result.quarantined += sum(1 for item in _items(reply.get("quarantined")) if item.get("seq") in by_seq)
        if isinstance(reply.get("acked_seq"), int):
            result.acked_seq = max(result.acked_seq, reply["acked_seq"])
        conflicts = [item for item in _items(reply.get("conflicts")) if item.get("seq") in by_seq]
        if conflicts:
            first = min(int(item["seq"]) for item in conflicts)
            result.conflicts += len(conflicts)
            result.ok, result.status = False, CONFLICT
            result.message = T.CONFLICT.format(seq=first, reason=str(conflicts[0].get("reason") or "")[:200])
        return marked > 0 or bool(by_reason)

    # -- updates ------------------------------------------------------------------------------------

    def background_round(self, data_dir: Path | str, *, timeout_s: float) -> tuple[SyncResult, UpdateResult | None]:
        """What the open desk does now and then: send the outbox, then fetch catalog / holiday
        updates (when the office answered). Never raises."""
        result = self.sync_once(timeout_s=timeout_s)
        if result.offline or result.status in (TOKEN_INVALID, STATION_DISABLED, NOT_CONFIGURED):
            return result, None
        return result, self.check_updates(data_dir, time.monotonic() + timeout_s)

    def check_updates(self, data_dir: Path | str, deadline: float | None = None) -> UpdateResult:
        """Download the catalog and holiday schedule when the office has a newer version, verify
        them with the domain parsers and swap them in atomically. Never raises on network errors."""
        data_dir = Path(data_dir)
        result = UpdateResult(ok=True)
        if not self.url or not self.token:
            result.ok = False
            result.messages.append(T.NOT_CONFIGURED)
            return result
        problem = self._link_problem()
        if problem:
            result.ok = False
            result.messages.append(problem)
            return result
        try:
            with self._client() as client:
                for kind in U.KINDS:
                    self._update_one(client, data_dir, kind, deadline, result)
        except _Fatal as err:
            result.ok = False
            result.messages.append(err.message)
        except _GiveUp:
            result.ok = False
            for kind in U.KINDS:
                result.status.setdefault(kind, "offline")
            result.messages.append(T.OFFLINE.format(count=_shown(outbox.pending_count(self.engine, cap=10_000))))
        return result

    def _update_one(self, client: httpx.Client, data_dir: Path, kind: str, deadline: float | None,
                    result: UpdateResult) -> None:
        label = U.kind_label(kind)
        U.recover(data_dir, kind)
        have, have_sha = U.local_version(data_dir, kind)
        headers = {"If-None-Match": f'"{kind}-{have}-{have_sha[:16]}"'} if have else {}
        resp = self._request(client, "GET", f"{API}/{kind}", deadline, headers=headers)
        result.versions[kind] = have
        if resp.status_code == 304:
            result.status[kind] = "current"
            result.messages.append(T.UPDATE_CURRENT.format(kind=label, version=have))
            return
        if resp.status_code == 404:
            result.status[kind] = "none"
            result.messages.append(T.UPDATE_NONE.format(kind=label))
            return
        if resp.status_code != 200:
            raise _refusal(resp)
        try:
            data = resp.json()
            version, sha, files = int(data["version"]), str(data["sha256"]), data["files"]
            if not isinstance(files, dict) or U.content_sha256(files) != sha:
                raise ValueError("checksum")
        except (ValueError, KeyError, TypeError):
            result.ok = False
            result.status[kind] = "refused"
            result.messages.append(T.UPDATE_INCOMPLETE.format(kind=label))
            return
        if version == have and sha == have_sha:
            result.status[kind] = "current"
            result.messages.append(T.UPDATE_CURRENT.format(kind=label, version=have))
            return
        forged = U.signature_problem(data_dir, self.office_key, kind, version, sha, data,  # h17b
                                     may_pin=TR.is_trusted_channel(self.url))
        if forged:
            result.ok = False
            result.status[kind] = "refused"
            result.messages.append(forged)
            return
        try:
            U.validate_publication(kind, files)
        except (DeskError, ValueError) as err:
            result.ok = False
            result.status[kind] = "refused"
            result.messages.append(T.UPDATE_INVALID.format(kind=label, error=U.describe_error(err)))
            return
        try:
            U.apply_publication(data_dir, kind, version, files)
        except OSError as err:
            result.ok = False
            result.status[kind] = "refused"
            result.messages.append(T.UPDATE_WRITE_FAILED.format(kind=label, error=err.strerror or err))
            return
        result.status[kind] = "applied"
        result.versions[kind] = version
        result.messages.append(T.UPDATE_APPLIED.format(kind=label, version=version))


def _shown(n: int) -> str:
    """A count in a message: "9999+" from the cap on (the count itself is capped where only shown)."""
    from deskclient.services.queue import shown_count

    return shown_count(n)
