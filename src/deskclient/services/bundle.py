"""USB-stick bundles: the station's unsent events in one encrypted, authenticated file.

File layout::

    DESKCLIENT-BUNDLE/2\\n
    {header JSON}\\n
    AES-256-GCM ciphertext of gzip(body)   (body: one wire-format event per line)

The header is in clear (the office must know which station's key opens the file) and holds no
personal data: ``format``, ``station``, ``ledger``, ``first_seq``, ``last_seq``, ``count``,
``created_at`` and the 12-byte ``nonce`` (hex). The exact header bytes are the GCM *associated
data*, so changing any header field, the ciphertext or its tag makes the file unreadable: there is
no separate checksum or signature to forget to check. Applicant names never travel in clear.

The key is bound to the station's token: ``bundle_key(token)`` (HMAC-SHA256 of a fixed label, keyed
by the token) is the *station key* the office stores at registration (it cannot be used as an API
token), and the AES key is HMAC-SHA256(station key, "deskclient bundle encryption v2"). Rotating
the token (``central rotate-token``) rotates the key; a bundle exported with the old token can no longer be
imported, so import the stick before rotating.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine

from deskclient.domain.errors import DeskError
from deskclient.services.files import atomic_write_bytes
from deskclient.store import outbox
from deskclient.strings import sync as T

MAGIC = b"DESKCLIENT-BUNDLE/2\n"
_KEY_LABEL = b"deskclient bundle signing key v1"
_ENC_LABEL = b"deskclient bundle encryption v2"
_CHUNK = 2000
MAX_FILE_BYTES = 256 * 1024 * 1024  # a bundle file larger than this is refused before reading
MAX_BODY_BYTES = 1024 * 1024 * 1024  # decompressed body limit (a gzip bomb stops here)
_MAX_HEADER = 4096


class BundleError(DeskError):
    """A bundle cannot be written or read; the message is Chinese and safe to show."""


@dataclass(frozen=True)
class BundleInfo:
    path: Path
    station: str
    first_seq: int
    last_seq: int
    count: int


def bundle_key(token: str) -> bytes:
    """The station key derived from a station token; the office stores it (``central_station.bundle_key``)."""
    return hmac.new(token.encode("utf-8"), _KEY_LABEL, hashlib.sha256).digest()


def encryption_key(station_key: bytes) -> bytes:
    """The AES-256 key for bundles, derived from the station key."""
    return hmac.new(station_key, _ENC_LABEL, hashlib.sha256).digest()


def _header_bytes(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def export_bundle(engine: Engine, path: Path | str, station: str, token: str) -> BundleInfo | None:
    """Write every pending event to ``path`` (atomically, encrypted); None when there is nothing to send.

    The events stay pending locally: the office confirms them at the next online sync.
    """
    path = Path(path)
    lines: list[bytes] = []
    after = 0
    first = 0
    while True:
        batch = outbox.pending(engine, _CHUNK, after_seq=after)
        if not batch:
            break
        first = first or batch[0].seq
        for ev in batch:
            lines.append(json.dumps(ev.to_wire(), ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
        after = batch[-1].seq
    if not lines:
        return None
    nonce = os.urandom(12)
    header: dict[str, Any] = {
        "format": 2,
        "station": station,
        "ledger": outbox.ledger_id(engine),
        "first_seq": first,
        "last_seq": after,
        "count": len(lines),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "nonce": nonce.hex(),
    }
    head = _header_bytes(header)
    body = gzip.compress(b"".join(lines), compresslevel=6, mtime=0)
    sealed = AESGCM(encryption_key(bundle_key(token))).encrypt(nonce, body, head)
    try:
        atomic_write_bytes(path, MAGIC + head + b"\n" + sealed)
    except OSError as err:
        raise BundleError(T.BUNDLE_WRITE_FAILED.format(path=path, error=err.strerror or err)) from None
    return BundleInfo(path=path, station=station, first_seq=first, last_seq=after, count=len(lines))


class BundleFormatError(Exception):
    """Raised by :func:`read_bundle`; ``kind`` is unreadable | not_bundle | old_format | too_large |
    unknown_station | checksum (the file does not open with the station's key: changed, truncated,
    or not this station's)."""

    def __init__(self, kind: str, station: str = "") -> None:
        super().__init__(kind)
        self.kind = kind
        self.station = station


def _gunzip_bounded(data: bytes) -> bytes:
    """Decompress with a hard output limit, so a small file cannot expand to gigabytes."""
    inflater = zlib.decompressobj(wbits=31)
    out: list[bytes] = []
    size = 0
    chunk = data
    while chunk:
        part = inflater.decompress(chunk, 16 * 1024 * 1024)
        size += len(part)
        if size > MAX_BODY_BYTES:
            raise BundleFormatError("too_large")
        out.append(part)
        chunk = inflater.unconsumed_tail
    if not inflater.eof:
        raise BundleFormatError("checksum")
    return b"".join(out)


def read_bundle(path: Path | str, key_for: Callable[[str], bytes | None]) -> tuple[dict[str, Any], list[Any]]:
    """Open a bundle with its station's key (``key_for(station)`` gives the stored station key) and
    return ``(header, events)``. Nothing is trusted before the GCM tag has been checked."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise BundleFormatError("too_large")
        raw = path.read_bytes()
    except OSError:
        raise BundleFormatError("unreadable") from None
    if raw.startswith(b"\x1f\x8b") or raw.startswith(b"DESKCLIENT-BUNDLE/1"):
        raise BundleFormatError("old_format")
    if not raw.startswith(MAGIC):
        raise BundleFormatError("not_bundle")
    head, sep, sealed = raw[len(MAGIC):].partition(b"\n")
    if not sep or len(head) > _MAX_HEADER:
        raise BundleFormatError("not_bundle")
    try:
        header = json.loads(head)
        station = header["station"]
        nonce = bytes.fromhex(header["nonce"])
        if not isinstance(station, str) or len(nonce) != 12:
            raise ValueError
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BundleFormatError("not_bundle") from None
    key = key_for(station[:32])
    if key is None:
        raise BundleFormatError("unknown_station", station[:32])
    try:
        body = AESGCM(encryption_key(key)).decrypt(nonce, sealed, head)
    except InvalidTag:
        raise BundleFormatError("checksum", station) from None
    try:
        items = [json.loads(line) for line in _gunzip_bounded(body).splitlines() if line]
    except (ValueError, zlib.error):
        raise BundleFormatError("checksum", station) from None
    if len(items) != header.get("count"):
        raise BundleFormatError("checksum", station)
    return header, items
