"""Every issued notice is also kept as a file:
``<data_dir>/archive/<YYYY>/<case_no>-<kind>[-补打-<time>]-<notice id>.pdf``.

The ledger row says a notice was issued; the file is what the applicant was given. Files are
written atomically (temp file, fsync, rename) so a power cut never leaves half a notice. The name
is built from the case number as it is (never a masked form, which made two cases' files collide)
plus the notice's own id, so no two notices can share a file; an existing file is still never
overwritten (``-2``, ``-3``... as a last resort).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from deskclient.domain.errors import DeskError
from deskclient.domain.notices import NoticeData
from deskclient.services.files import atomic_write_bytes
from deskclient.strings import notices as T

REPRINT_TAG = T.ARCHIVE_REPRINT_TAG
_UNSAFE = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff._-]+")


class ArchiveError(DeskError):
    """The notice could not be written to the archive folder."""


def archive_name(data: NoticeData, ext: str, unique: str = "") -> str:
    """``QS01-20261124-0007-acceptance-<id>.pdf``; a reprint adds ``-补打-20261125T101500``."""
    subject = data.case_no or f"{data.window}-{data.issued_at:%Y%m%dT%H%M%S}"
    name = f"{subject}-{data.kind.value}"
    if data.reprint_at is not None:
        name += f"-{REPRINT_TAG}-{data.reprint_at:%Y%m%dT%H%M%S}"
    if unique:
        name += f"-{unique[:12]}"
    name = _UNSAFE.sub("_", name).strip("._") or data.kind.value
    return f"{name}.{ext.lstrip('.')}"


def archive_path(archive_dir: Path, data: NoticeData, ext: str = "pdf", when: datetime | None = None,
                 unique: str = "") -> Path:
    """Where the notice's archive file goes (nothing is written): the year's folder and
    :func:`archive_name`; ``-2``, ``-3``... if such a file exists already."""
    year = (when or data.reprint_at or data.issued_at).year
    folder = Path(archive_dir) / f"{year:04d}"
    base = archive_name(data, ext, unique)
    stem, dot, suffix = base.rpartition(".")
    path = folder / base
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}{dot}{suffix}"
        n += 1
    return path


def archive_notice(archive_dir: Path, data: NoticeData, content: bytes, ext: str = "pdf",
                   when: datetime | None = None, unique: str = "") -> Path:
    """Write ``content`` into the archive; returns the path written. Raises ArchiveError (Chinese)."""
    path = archive_path(archive_dir, data, ext, when, unique)
    try:
        atomic_write_bytes(path, content)
    except OSError as exc:
        raise ArchiveError(T.ARCHIVE_FAILED.format(error=exc.strerror or type(exc).__name__)) from None
    return path
