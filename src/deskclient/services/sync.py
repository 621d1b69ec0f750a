"""Sending the outbox to the county office, and fetching catalog / holiday updates.

Safety rests on two rules: an event is marked sent only up to the office's *contiguous* mark (so a
lost reply, a crash or a SIGKILL just means the next run sends a few events again, which the office
stores once), and no network failure ever raises to the caller: the result says what happened in
Chinese, and the events stay safely in the local ledger.
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
from deskclient.services import updates as U
from deskclient.store import outbox
from deskclient.strings import sync as T

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
API = "/api/v1"
REPORT_HEADER = "X-Deskclient-Report"  # optional station report (see docs/sync-protocol.md)


@dataclass
class SyncResult:
    """What one sync did; ``message`` is Chinese and safe to show."""

    ok: bool
    sent: int = 0
    remaining: int = 0
    set_aside: int = 0
    acked_seq: int = 0
    offline: bool = False
    message: str = ""
    set_aside_reasons: dict[str, int] = field(default_factory=dict)


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

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _GiveUp(Exception):
    """No usable answer before the deadline (network down, office overloaded)."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _detail(resp: httpx.Response) -> str:
    try:
        err = resp.json()["error"]
        return str(err.get("message") or err.get("code"))[:200]
    except (ValueError, KeyError, TypeError, AttributeError):
        return resp.reason_phrase


class SyncClient:
    """Talks to one county office for one station. Cheap to create; holds one HTTP connection pool."""

    def __init__(self, engine: Engine, url: str, token: str, station: str, *, timeout_s: float = 5.0,
                 batch_size: int = 500, backoff_base: float = 0.25, backoff_cap: float = 8.0,
                 max_attempts: int = 6, transport: httpx.BaseTransport | None = None,
                 data_dir: Path | str | None = None) -> None:
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

    # -- HTTP with retries --------------------------------------------------------------------------

    def _client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, transport=self._transport, http2=False,
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
            else:
                if resp.status_code in (401, 403):
                    raise _Fatal(T.AUTH_FAILED.format(status=resp.status_code))
                if resp.status_code < 500 and resp.status_code != 429:
                    return resp
                log.info("sync request got HTTP %s", resp.status_code)
            if deadline is None and attempt >= self.max_attempts:
                raise _GiveUp
            delay = self._rng.uniform(0, min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1)))
            if deadline is not None and time.monotonic() + delay >= deadline:
                raise _GiveUp
            time.sleep(delay)

    def _report(self, sending: int) -> str:
        """What the county office's station page shows about this station (an optional header:
        an office that does not know it ignores it). ASCII JSON, so it fits in a header.

        ``backlog`` counts the events still waiting once this batch is taken in, so the last batch
        of a good sync reports 0.
        """
        backlog = max(0, outbox.pending_count(self.engine) - sending)
        report: dict[str, Any] = {"backlog": backlog, "app_version": __version__}
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
        return json.dumps(report, ensure_ascii=True, separators=(",", ":"))

    # -- the outbox ---------------------------------------------------------------------------------

    def sync_once(self, progress: ProgressCallback | None = None, deadline: float | None = None, *,
                  timeout_s: float | None = None) -> SyncResult:
        """Send everything pending. ``deadline`` is a ``time.monotonic()`` instant (or give
        ``timeout_s``); without either, each request is retried ``max_attempts`` times.

        Never raises on network or office trouble: the result carries a Chinese message.
        """
        if timeout_s is not None:
            deadline = time.monotonic() + timeout_s
        total = outbox.pending_count(self.engine)
        result = SyncResult(ok=True, remaining=total)
        if not self.url or not self.token:
            result.ok, result.offline, result.message = False, True, T.NOT_CONFIGURED
            return result
        if total == 0:
            result.message = T.SYNC_NOTHING
            return result
        if progress:
            progress(0, total)
        batch_size = self.batch_size
        try:
            with self._client() as client:
                while True:
                    batch = outbox.pending(self.engine, batch_size)
                    if not batch:
                        break
                    body = json.dumps({"station": self.station, "events": [e.to_wire() for e in batch]},
                                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")
                    resp = self._request(client, "POST", f"{API}/events", deadline, content=body,
                                         headers={"Content-Type": "application/json",
                                                  REPORT_HEADER: self._report(len(batch))})
                    if resp.status_code == 413 and batch_size > 1:
                        batch_size = max(1, batch_size // 4)
                        continue
                    if resp.status_code != 200:
                        raise _Fatal(T.SERVER_REFUSED.format(status=resp.status_code, detail=_detail(resp)))
                    try:
                        reply = resp.json()
                        acked = int(reply["acked_seq"])
                        rejected = list(reply.get("rejected") or [])
                    except (ValueError, KeyError, TypeError):
                        raise _GiveUp from None
                    if not self._apply_reply(batch, acked, rejected, result):
                        result.ok, result.message = False, T.NO_PROGRESS
                        break
                    if progress:
                        progress(min(result.sent + result.set_aside, total), total)
        except _Fatal as err:
            result.ok, result.message = False, err.message
        except _GiveUp:
            result.ok, result.offline = False, True
        result.remaining = outbox.pending_count(self.engine)
        if result.offline:
            result.message = T.OFFLINE.format(count=result.remaining)
        elif result.ok:
            result.message = T.SYNC_DONE.format(sent=result.sent) if result.remaining == 0 else \
                T.SYNC_PARTIAL.format(sent=result.sent, remaining=result.remaining)
        for reason, count in result.set_aside_reasons.items():
            result.message += "\n" + T.SYNC_SET_ASIDE.format(count=count, reason=reason)
        return result

    def _apply_reply(self, batch: list[outbox.OutgoingEvent], acked: int, rejected: list[Any],
                     result: SyncResult) -> bool:
        """Set aside what the office refused, mark sent up to its mark; False if nothing moved."""
        by_reason: dict[str, list[int]] = defaultdict(list)
        batch_seqs = {e.seq for e in batch}
        for item in rejected:
            if isinstance(item, dict) and item.get("seq") in batch_seqs:
                by_reason[str(item.get("reason") or "?")[:200]].append(int(item["seq"]))
        for reason, seqs in by_reason.items():
            count = outbox.set_aside(self.engine, seqs, reason)
            result.set_aside += count
            result.set_aside_reasons[reason] = result.set_aside_reasons.get(reason, 0) + count
        first = batch[0].seq
        if acked < first - 1:
            # The office holds less than we were told (restored from a backup): resend from there.
            log.warning("office mark %s below local sent mark %s; resending", acked, first - 1)
            result.acked_seq = acked
            return outbox.reset_sent_after(self.engine, acked) > 0 or bool(by_reason)
        marked = outbox.mark_sent(self.engine, acked, _now())
        result.sent += marked
        result.acked_seq = max(result.acked_seq, acked)
        return marked > 0 or bool(by_reason)

    # -- updates ------------------------------------------------------------------------------------

    def check_updates(self, data_dir: Path | str, deadline: float | None = None) -> UpdateResult:
        """Download the catalog and holiday schedule when the office has a newer version, verify
        them with the domain parsers and swap them in atomically. Never raises on network errors."""
        data_dir = Path(data_dir)
        result = UpdateResult(ok=True)
        if not self.url or not self.token:
            result.ok = False
            result.messages.append(T.NOT_CONFIGURED)
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
            result.messages.append(T.OFFLINE.format(count=outbox.pending_count(self.engine)))
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
            raise _Fatal(T.SERVER_REFUSED.format(status=resp.status_code, detail=_detail(resp)))
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
