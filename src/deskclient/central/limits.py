"""Hard limits that keep the office answering on a hostile LAN.

Three attacks wedged the first version: ~1,000 idle TCP connections (the open-file limit is 1,024),
ten unauthenticated 8 MB bodies read into memory before anyone looked at the token, and a gzip bomb.
The defences live here so ``central serve``, the app and the tests share one set of numbers:

* :func:`protocol_class` — uvicorn's h11 protocol with a connection cap (the oldest *idle*
  connection is closed to make room for a new one, so a flood of idle sockets cannot lock out real
  stations) and a header timeout (a connection that has not sent a complete request head within
  ``header_timeout`` seconds is closed; uvicorn itself only times out idle *kept-alive* ones);
* :class:`AuthThrottle` — repeated bad tokens from one client address lock that address out for a
  while (429), before any database lookup;
* :func:`raise_open_file_limit` — use the hard limit the OS allows instead of the soft 1,024;
* :func:`has_bad_text` — NUL bytes and lone surrogates, which no database column can store.

The throttle is per process (the service is otherwise stateless): behind a load balancer with ``n``
copies an address gets at most ``n`` times the allowance, which is still a lockout.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_BODY_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """One place for every limit of the office service (defaults suit a county of a few hundred PCs)."""

    max_body: int = MAX_BODY_BYTES  # bytes of one request body
    max_connections: int = 400  # open HTTP connections, well under an open-file limit of 1,024
    header_timeout: float = 10.0  # seconds for a new connection to send a complete request head
    body_timeout: float = 60.0  # seconds to receive a whole body (slow senders are cut off)
    keep_alive: int = 5  # seconds an idle kept-alive connection stays open
    concurrent_bodies: int = 4  # request bodies read and processed at the same time
    max_header_bytes: int = 16 * 1024  # h11: largest request head
    auth_failures: int = 10  # bad tokens from one address within auth_window ...
    auth_window: float = 60.0
    auth_lockout: float = 300.0  # ... lock it out for this many seconds
    max_bundle_bytes: int = 128 * 1024 * 1024  # decompressed size of a USB bundle


DEFAULT_LIMITS = Limits()


# --------------------------------------------------------------------------------------------------
# Connections
# --------------------------------------------------------------------------------------------------


def protocol_class(limits: Limits) -> type:
    """uvicorn's ``H11Protocol`` with a connection cap and a header timeout (pass as ``http=``)."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class GuardedH11Protocol(H11Protocol):
        """Closes idle connections first when full, and connections that never send a request."""

        _limits = limits

        def connection_made(self, transport: Any) -> None:
            self._last_active = time.monotonic()
            if len(self.connections) >= self._limits.max_connections and not self._evict_idle():
                transport.abort()  # full of busy connections: refuse this one, keep serving the rest
                return
            super().connection_made(transport)
            self._head_timer = self.loop.call_later(self._limits.header_timeout, self._head_timeout)

        def _idle(self) -> bool:
            return self.cycle is None or self.cycle.response_complete

        def _evict_idle(self) -> bool:
            idle = [c for c in self.connections if isinstance(c, GuardedH11Protocol) and c._idle()]
            if not idle:
                return False
            oldest = min(idle, key=lambda c: c._last_active)
            self.connections.discard(oldest)
            if oldest.transport is not None:
                oldest.transport.abort()
            return True

        def _head_timeout(self) -> None:
            if self.cycle is None and self.transport is not None and not self.transport.is_closing():
                self.connections.discard(self)
                self.transport.abort()

        def data_received(self, data: bytes) -> None:
            self._last_active = time.monotonic()
            super().data_received(data)

        def on_response_complete(self) -> None:
            self._last_active = time.monotonic()
            super().on_response_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            timer = getattr(self, "_head_timer", None)
            if timer is not None:
                timer.cancel()
            if self.transport is None:  # refused in connection_made: nothing was set up
                return
            super().connection_lost(exc)

    return GuardedH11Protocol


def raise_open_file_limit(wanted: int = 65536) -> int:
    """Lift the soft open-file limit towards the hard one; returns the limit now in force."""
    try:
        import resource
    except ImportError:  # Windows: no such limit
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if target > soft:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# --------------------------------------------------------------------------------------------------
# Bad tokens
# --------------------------------------------------------------------------------------------------


class AuthThrottle:
    """Counts bad tokens per client address; too many within the window lock the address out.

    Memory is bounded: at most ``max_addresses`` addresses are tracked (the stalest are dropped).
    """

    def __init__(self, limits: Limits, *, clock: Any = time.monotonic, max_addresses: int = 10_000) -> None:
        self.limits, self.clock, self.max_addresses = limits, clock, max_addresses
        self._failures: dict[str, deque[float]] = {}
        self._locked: dict[str, float] = {}
        self._lock = threading.Lock()

    def locked_for(self, address: str) -> float:
        """Seconds the address stays locked out (0 when it may try)."""
        with self._lock:
            until = self._locked.get(address)
            if until is None:
                return 0.0
            left = until - self.clock()
            if left <= 0:
                del self._locked[address]
                return 0.0
            return left

    def failed(self, address: str) -> bool:
        """Record a bad token; True when this failure locks the address out."""
        now = self.clock()
        with self._lock:
            seen = self._failures.setdefault(address, deque())
            seen.append(now)
            while seen and seen[0] < now - self.limits.auth_window:
                seen.popleft()
            if len(seen) >= self.limits.auth_failures:
                self._locked[address] = now + self.limits.auth_lockout
                del self._failures[address]
                locked = True
            else:
                locked = False
            if len(self._failures) > self.max_addresses:
                stalest = min(self._failures, key=lambda a: self._failures[a][-1] if self._failures[a] else 0)
                del self._failures[stalest]
            if len(self._locked) > self.max_addresses:
                del self._locked[min(self._locked, key=self._locked.__getitem__)]
            return locked


# --------------------------------------------------------------------------------------------------
# Text no database can store
# --------------------------------------------------------------------------------------------------


def _bad_str(value: str) -> bool:
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800" in JSON)
        return True
    return False


_PLAIN = (int, float, bool, type(None))  # JSON values that hold no text
_AS_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
# An escaped NUL in JSON text: ``\u0000`` after an even number of backslashes (``\\u0000`` is a
# backslash followed by the letters "u0000", which is harmless text).
_ESCAPED_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


def has_bad_text(value: Any, _depth: int = 0) -> bool:
    """True when a string anywhere in ``value`` (keys included) holds a NUL or a lone surrogate
    (or the nesting is deeper than 64 levels).

    Runs on every event the office receives, so the usual case is checked at C speed: the value as
    JSON text (``ensure_ascii=False``) keeps a lone surrogate as it is (the text will not encode to
    UTF-8) and writes a NUL as the escape ``\\u0000``. What JSON cannot show faithfully (other
    types, circular or possibly deep nesting: more than 64 brackets in all) is walked instead."""
    if isinstance(value, str):
        return _bad_str(value)
    try:
        text = _AS_JSON.encode(value)
    except (TypeError, ValueError, RecursionError):
        return _walk(value, _depth)
    if text.count("{") + text.count("[") + _depth > 64:
        return _walk(value, _depth)
    if "\\u0000" in text and _ESCAPED_NUL.search(text):
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _walk(value: Any, depth0: int) -> bool:
    """:func:`has_bad_text` the long way: every string gathered (no recursion), checked joined."""
    strings: list[str] = []
    stack: list[tuple[Any, int]] = [(value, depth0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            strings.append(item)
            continue
        if isinstance(item, dict | Mapping):
            children: Any = (x for pair in item.items() for x in pair)
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth > 64:
            return True
        for child in children:
            kind = type(child)
            if kind is str:
                strings.append(child)
            elif kind not in _PLAIN:
                stack.append((child, depth + 1))
    return _bad_str("\n".join(strings)) if strings else False


# --------------------------------------------------------------------------------------------------
# Compressed files
# --------------------------------------------------------------------------------------------------

GZIP_MAGIC = b"\x1f\x8b"


def gzip_within(path: Any, limit: int, chunk: int = 1 << 16) -> bool:
    """Whether a gzip file (all its members) expands to at most ``limit`` bytes.

    Streams with a bounded output per step (``max_length``), so a gzip bomb costs a few hundred KB
    of memory to reject, however far it would expand. Damaged data counts as within the limit: the
    real reader reports it as unreadable.
    """
    import zlib

    total = 0
    with open(path, "rb") as fh:
        inflater = zlib.decompressobj(wbits=31)
        pending = b""
        while True:
            if not pending:
                pending = fh.read(chunk)
                if not pending:
                    return True
            try:
                out = inflater.decompress(pending, chunk)
            except zlib.error:
                return True
            total += len(out)
            if total > limit:
                return False
            pending = inflater.unconsumed_tail
            if inflater.eof:  # next gzip member, if any
                pending = inflater.unused_data + pending
                inflater = zlib.decompressobj(wbits=31)
                if not pending:
                    pending = fh.read(chunk)
                    if not pending:
                        return True


# --------------------------------------------------------------------------------------------------
# TLS handshakes
# --------------------------------------------------------------------------------------------------

TLS_READ_BUFFER = 64 * 1024


def limit_tls_handshakes(limits: Limits) -> None:
    """Bound what a connection costs before its TLS handshake completes (office process only).

    uvicorn hands TLS to asyncio, whose pending handshakes are invisible to the protocol's connection
    cap: each holds a 256 KB read buffer for up to 60 s. Idle sockets that never say hello would then
    cost ~300 KB each for a minute. Here the handshake must finish within ``header_timeout`` and the
    buffer is 64 KB (a TLS record is at most 16 KB), so a flood is bounded by the open-file limit
    times ~100 KB for ten seconds. These are asyncio module settings, so only ``central serve``
    calls this.
    """
    import asyncio.constants
    import asyncio.sslproto

    asyncio.constants.SSL_HANDSHAKE_TIMEOUT = float(limits.header_timeout)
    asyncio.sslproto.SSLProtocol.max_size = TLS_READ_BUFFER
