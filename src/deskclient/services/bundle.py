"""USB-stick bundles: the station's unsent events in one signed, checksummed file.

File layout (the whole file is one gzip stream, so truncation is caught by gzip's own CRC too)::

    DESKCLIENT-BUNDLE/1\\n
    {header JSON}\\n
    {event JSON}\\n ... (the body: one wire-format event per line)

The header holds ``station``, ``first_seq``, ``last_seq``, ``count``, ``body_sha256``, ``created_at``
and ``signature`` = HMAC-SHA256 over the canonical JSON of the other header fields, keyed by
:func:`bundle_key` of the station token. The office keeps only a hash of the token for API access,
so at registration it also stores this derived key (it cannot be used to call the API).
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from deskclient.domain.errors import DeskError
from deskclient.services.files import atomic_write_bytes
from deskclient.store import outbox
from deskclient.strings import sync as T

MAGIC = b"DESKCLIENT-BUNDLE/1\n"
_KEY_LABEL = b"deskclient bundle signing key v1"
_CHUNK = 2000


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
    """The signing key derived from a station token (HMAC-SHA256 of a fixed label, keyed by the token)."""
    return hmac.new(token.encode("utf-8"), _KEY_LABEL, hashlib.sha256).digest()


def _canonical(header: dict[str, Any]) -> bytes:
    fields = {k: v for k, v in header.items() if k != "signature"}
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign_header(header: dict[str, Any], key: bytes) -> str:
    return hmac.new(key, _canonical(header), hashlib.sha256).hexdigest()


def export_bundle(engine: Engine, path: Path | str, station: str, token: str) -> BundleInfo | None:
    """Write every pending event to ``path`` (atomically); None when there is nothing to send.

    The events stay pending locally: the office acknowledges them at the next online sync.
    """
    path = Path(path)
    lines: list[bytes] = []
    after = 0
    while True:
        batch = outbox.pending(engine, _CHUNK, after_seq=after)
        if not batch:
            break
        for ev in batch:
            lines.append(json.dumps(ev.to_wire(), ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
        after = batch[-1].seq
    if not lines:
        return None
    first = json.loads(lines[0])["seq"]
    body = b"".join(lines)
    header: dict[str, Any] = {
        "format": 1,
        "station": station,
        "first_seq": first,
        "last_seq": after,
        "count": len(lines),
        "body_sha256": hashlib.sha256(body).hexdigest(),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    header["signature"] = sign_header(header, bundle_key(token))
    raw = MAGIC + json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n" + body
    try:
        atomic_write_bytes(path, gzip.compress(raw, compresslevel=6, mtime=0))
    except OSError as err:
        raise BundleError(T.BUNDLE_WRITE_FAILED.format(path=path, error=err.strerror or err)) from None
    return BundleInfo(path=path, station=station, first_seq=first, last_seq=after, count=len(lines))


class BundleFormatError(Exception):
    """Raised by :func:`read_bundle`; ``kind`` is unreadable | not_bundle | checksum."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def read_bundle(path: Path | str) -> tuple[dict[str, Any], list[Any]]:
    """Parse a bundle and check its checksum and count (not the signature: that needs the key)."""
    try:
        raw = gzip.decompress(Path(path).read_bytes())
    except (OSError, EOFError, zlib.error):
        raise BundleFormatError("unreadable") from None
    if not raw.startswith(MAGIC):
        raise BundleFormatError("not_bundle")
    rest = raw[len(MAGIC):]
    head, sep, body = rest.partition(b"\n")
    if not sep:
        raise BundleFormatError("unreadable")
    try:
        header = json.loads(head)
    except ValueError:
        raise BundleFormatError("not_bundle") from None
    if not isinstance(header, dict) or not isinstance(header.get("station"), str):
        raise BundleFormatError("not_bundle")
    if not hmac.compare_digest(hashlib.sha256(body).hexdigest(), str(header.get("body_sha256", ""))):
        raise BundleFormatError("checksum")
    try:
        items = [json.loads(line) for line in body.splitlines() if line]
    except ValueError:
        raise BundleFormatError("checksum") from None
    if len(items) != header.get("count"):
        raise BundleFormatError("checksum")
    return header, items


def verify_signature(header: dict[str, Any], key: bytes) -> bool:
    return hmac.compare_digest(sign_header(header, key), str(header.get("signature", "")))
