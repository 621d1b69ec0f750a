"""Catalog and holiday-schedule updates from the county office: validate, then swap in atomically.

A publication is a small set of text files (``{name: text}``) with a version number. The station
keeps the current one in ``<data_dir>/<kind>/`` with a ``.published.json`` marker (version and
sha256). A new version is parsed and validated in memory with the domain modules first, written to
``<kind>.new/`` (each file fsynced), then swapped in with two renames; a crash between the renames
is repaired by :func:`recover` on the next check. A bad or partial download never touches the
current folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path

from deskclient.domain.errors import DeskError, ValidationError
from deskclient.services.files import fsync_dir
from deskclient.strings import sync as T

KINDS = ("catalog", "holidays")
MARKER = ".published.json"
_NAME_RE = re.compile(r"^[^./\\][^/\\]{0,120}$")


def content_sha256(files: Mapping[str, str]) -> str:
    """The publication's fingerprint: sha256 of its canonical JSON (what the office's ETag carries)."""
    canon = json.dumps(dict(sorted(files.items())), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


def _check_names(files: Mapping[str, str]) -> None:
    if not files:
        raise ValidationError("empty")
    for name, text in files.items():
        if not isinstance(name, str) or not _NAME_RE.match(name) or name in (".", ".."):
            raise ValidationError(f"bad file name: {name!r}"[:80])
        if not isinstance(text, str):
            raise ValidationError(f"not text: {name}")


def _validate_holidays(files: Mapping[str, str]) -> None:
    from deskclient.domain.calendar import parse_schedule

    tomls = {n: t for n, t in files.items() if n.endswith(".toml")}
    if not tomls:
        raise ValidationError("no .toml schedule")
    for name, text in sorted(tomls.items()):
        schedule = parse_schedule(text, name)
        stem = name[:-5]
        if stem.isdigit() and len(stem) == 4 and int(stem) != schedule.year:
            raise ValidationError(f"{name}: year {schedule.year}")


def _validate_catalog(files: Mapping[str, str]) -> None:
    """Parse every TOML/JSON file, then let the domain build the catalog when that module exists."""
    parsed: dict[str, object] = {}
    for name, text in sorted(files.items()):
        try:
            if name.endswith(".toml"):
                parsed[name] = tomllib.loads(text)
            elif name.endswith(".json"):
                parsed[name] = json.loads(text)
        except (tomllib.TOMLDecodeError, ValueError) as err:
            # The file and line, so the person publishing can find the mistake (the parsers say
            # "(at line N, column M)" for TOML and carry ``lineno`` for JSON).
            line = getattr(err, "lineno", None)
            found = re.search(r"line (\d+)", str(err))
            line = line or (int(found.group(1)) if found else None)
            fmt = "TOML" if name.endswith(".toml") else "JSON"
            if line:
                raise ValidationError(T.CATALOG_FILE_SYNTAX_LINE.format(name=name, line=line, fmt=fmt)) from None
            raise ValidationError(T.CATALOG_FILE_SYNTAX.format(name=name, fmt=fmt)) from None
    from deskclient.domain.catalog_parse import build_catalog as build

    sources = [(name, files[name]) for name in sorted(files) if name.endswith(".toml")]
    try:
        catalog, problems = build(sources)
    except DeskError:
        raise
    except (TypeError, ValueError, KeyError) as err:
        raise ValidationError(f"{type(err).__name__}: {err}"[:200]) from None
    if problems:
        raise ValidationError(str(problems[0])[:300])
    if not getattr(catalog, "items", True):
        raise ValidationError("empty catalog")


VALIDATORS: dict[str, Callable[[Mapping[str, str]], None]] = {
    "catalog": _validate_catalog,
    "holidays": _validate_holidays,
}


def validate_publication(kind: str, files: Mapping[str, str]) -> None:
    """Raise :class:`ValidationError` (or another DeskError) if the files do not form a usable set."""
    _check_names(files)
    VALIDATORS[kind](files)


def _paths(data_dir: Path, kind: str) -> tuple[Path, Path, Path]:
    base = Path(data_dir)
    return base / kind, base / f"{kind}.new", base / f"{kind}.old"


def recover(data_dir: Path, kind: str) -> None:
    """Finish or undo a swap interrupted by a crash; drop leftover staging folders."""
    current, new, old = _paths(data_dir, kind)
    if not current.exists() and old.exists():
        os.replace(old, current)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)
    if new.exists():
        shutil.rmtree(new, ignore_errors=True)


def local_version(data_dir: Path, kind: str) -> tuple[int, str]:
    """``(version, sha256)`` of the publication in use; ``(0, "")`` when none was ever applied."""
    marker = Path(data_dir) / kind / MARKER
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
        return int(data["version"]), str(data["sha256"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0, ""


def apply_publication(data_dir: Path, kind: str, version: int, files: Mapping[str, str]) -> None:
    """Replace ``<data_dir>/<kind>/`` with these (already validated) files, crash-safely."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    recover(data_dir, kind)
    current, new, old = _paths(data_dir, kind)
    new.mkdir()
    marker = {"version": version, "sha256": content_sha256(files)}
    for name, text in {**files, MARKER: json.dumps(marker)}.items():
        with open(new / name, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
    fsync_dir(new)
    if current.exists():
        os.replace(current, old)
    os.replace(new, current)
    fsync_dir(data_dir)
    shutil.rmtree(old, ignore_errors=True)


def describe_error(err: Exception) -> str:
    """A short, safe text for a validation failure (DeskError messages are already Chinese)."""
    return err.message if isinstance(err, DeskError) else type(err).__name__


def kind_label(kind: str) -> str:
    return T.KIND_LABELS.get(kind, kind)


# --------------------------------------------------------------------------------------------------
# Signatures: the office signs each publication with its Ed25519 key; the station pins the public key
# --------------------------------------------------------------------------------------------------

SIGNATURE_CONTEXT = b"deskclient publication v1\n"
PINNED_KEY_FILE = "office-signing-key.pub"


def signed_message(kind: str, version: int, sha256: str) -> bytes:
    """What the office signs: kind, version and content hash (so no file, kind or number can be swapped)."""
    return SIGNATURE_CONTEXT + f"{kind}\n{int(version)}\n{sha256}".encode("ascii")


def decode_public_key(text: str) -> bytes | None:
    """The raw 32-byte Ed25519 key from its base64 form (None when it is not one)."""
    import base64
    import binascii

    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == 32 else None


def verify_signature(public_key: str, kind: str, version: int, sha256: str, signature: str) -> bool:
    import base64
    import binascii

    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    raw = decode_public_key(public_key)
    if raw is None:
        return False
    try:
        sig = base64.b64decode(signature, validate=True)
        Ed25519PublicKey.from_public_bytes(raw).verify(sig, signed_message(kind, version, sha256))
    except (InvalidSignature, binascii.Error, ValueError, TypeError):
        return False
    return True


def pinned_key(data_dir: Path) -> str:
    """The office key this station learnt at its first update over a trusted channel ("" if none)."""
    try:
        text = (Path(data_dir) / PINNED_KEY_FILE).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return text if decode_public_key(text) else ""


def pin_key(data_dir: Path, public_key: str) -> None:
    from deskclient.services.files import atomic_write_text

    Path(data_dir).mkdir(parents=True, exist_ok=True)
    atomic_write_text(Path(data_dir) / PINNED_KEY_FILE, public_key.strip() + "\n")


def signature_problem(data_dir: Path, configured_key: str, kind: str, version: int, sha256: str,
                      reply: Mapping[str, object], *, may_pin: bool) -> str | None:
    """Check a downloaded publication's signature; a Chinese refusal, or None when it is genuine.

    The key used is the one in the settings (``office_public_key``), else the one pinned at the
    first update; with neither, the key the office sent is pinned — only over HTTPS or to this PC
    (``may_pin``), and only if the publication verifies with it.
    """
    label = kind_label(kind)
    signature, offered = reply.get("signature"), reply.get("key")
    if not isinstance(signature, str) or not signature:
        return T.UPDATE_UNSIGNED.format(kind=label)
    key = configured_key.strip() or pinned_key(data_dir)
    if not key:
        if not may_pin or not isinstance(offered, str) or decode_public_key(offered) is None:
            return T.UPDATE_NO_KEY.format(kind=label)
        if not verify_signature(offered, kind, version, sha256, signature):
            return T.UPDATE_FORGED.format(kind=label)
        pin_key(data_dir, offered)
        return None
    if not verify_signature(key, kind, version, sha256, signature):
        return T.UPDATE_FORGED.format(kind=label)
    return None
