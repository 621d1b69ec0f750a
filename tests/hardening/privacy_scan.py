"""Find full resident ID numbers and mobile numbers in files: strict patterns, validated.

An ID is 17 digits + a check character that matches the GB 11643 check digit, with a plausible
birth date; a mobile is 1[3-9] + 9 digits. Neither may touch another letter or digit (so hex ids
and long numbers do not count). Masked forms (``110105********002X``, ``138****5678``) never match.
"""

from __future__ import annotations

import contextlib
import gzip
import re
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

ID_RE = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})((?:18|19|20)\d{2})(\d{2})(\d{2})(\d{3})([\dXx])(?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
LEDGER_SUFFIXES = (".sqlite", ".sqlite-wal", ".sqlite-shm", ".db", ".db-wal", ".db-shm", ".bak", "-journal")


def _valid_id(m: re.Match[str]) -> bool:
    body = "".join(m.groups()[:5])
    if _CHECK[sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=True)) % 11] != m.group(6).upper():
        return False
    try:
        date(int(m.group(2)), int(m.group(3)), int(m.group(4)))
    except ValueError:
        return False
    return True


def find_numbers(text: str) -> list[str]:
    """Every full ID number (check digit valid) and mobile number in ``text``."""
    found = [m.group(0) for m in ID_RE.finditer(text) if _valid_id(m)]
    found += MOBILE_RE.findall(text)
    return found


def _pdf_text(data: bytes) -> str:
    try:
        import io

        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    except Exception:  # an unreadable PDF is scanned as bytes only
        return ""


def file_texts(path: Path) -> Iterator[str]:
    """The text a file can reveal: raw bytes decoded, gzip content, PDF text, GB18030 print jobs."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        with contextlib.suppress(OSError, EOFError):
            data = gzip.decompress(data)
    yield data.decode("utf-8", errors="replace")
    if data.startswith(b"%PDF"):
        yield _pdf_text(data)
    if any(b > 0x7F for b in data[:4096]):
        yield data.decode("gb18030", errors="replace")


def ledger_payloads(path: Path) -> Iterator[str]:
    """Event payloads in a SQLite file (desk ledger or office database): they sync and must be masked."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error:
        return
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        for table in tables & {"event", "events"}:
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
            # set-aside events are the ones the office refused (its personal-data guard among the
            # reasons): the sync tests plant such events on purpose to prove the guard works
            where = " WHERE COALESCE(set_aside_reason, '') = ''" if "set_aside_reason" in cols else ""
            for col in ("payload", "body", "data"):
                if col in cols:
                    for (value,) in con.execute(f"SELECT {col} FROM {table}{where}"):
                        yield str(value)
    except sqlite3.Error:
        return
    finally:
        con.close()


def scan_tree(root: Path, *, skip: tuple[Path, ...] = ()) -> dict[str, list[str]]:
    """``{file: [numbers]}`` for every file under ``root`` that leaks a full number."""
    leaks: dict[str, list[str]] = {}
    for path in root.rglob("*"):
        if not path.is_file() or any(path.is_relative_to(s) for s in skip):
            continue
        try:
            if path.name.endswith(LEDGER_SUFFIXES):
                if path.name.endswith((".sqlite", ".db")):
                    hits = [n for text in ledger_payloads(path) for n in find_numbers(text)]
                    if hits:
                        leaks[f"{path} (event payloads)"] = sorted(set(hits))
                continue
            hits = [n for text in file_texts(path) for n in find_numbers(text)]
        except OSError:
            continue
        if hits:
            leaks[str(path)] = sorted(set(hits))
    return leaks


def scan_suite_output(base: Path) -> dict[str, list[str]]:
    """:func:`scan_tree` of everything a test run wrote under pytest's base temp (with xdist: every
    worker's, as folders of the controller's). An installed copy of the package (the bench's wheel
    venv) holds the shipped sample scenarios, whose fictitious applicants are data, not output."""
    skip = tuple(p for p in base.rglob("site-packages") if p.is_dir())
    return scan_tree(base, skip=skip)
