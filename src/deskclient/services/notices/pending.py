"""The archive PDF, rendered after the notice is issued and off the clerk's path (issue #15).

Issuing (``issue.issue_prepared``) commits the Notice row and ``notice.issued`` with the document
as issued kept on the row (``detail["_archive"]``, JSON of the blocks) and the archive path it will
have. That row *is* the pending record: it is in the ledger, so it survives a crash between the
commit and the rendering. :func:`render_archive` renders one pending notice (the PDF, or the text
form when no font can draw some character), writes the file atomically, clears the pending mark and
records ``notice.archived``; :func:`render_pending_archives` does that for every pending notice —
what the desk runs in a worker at start and after issuing, and what the CLI calls synchronously.

The document is rendered from what was issued, never rebuilt from the case rows, which may have
moved on (a completion, an extension) by the time the worker runs.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deskclient.domain.events import EventType
from deskclient.services.files import atomic_write_bytes
from deskclient.services.notices import blocks as B
from deskclient.services.notices.archive import ArchiveError
from deskclient.store.ledger import Ledger
from deskclient.store.lite import PENDING_ARCHIVE_KEY
from deskclient.store.lite import pending_notice_ids as lite_pending_ids
from deskclient.store.models import Notice
from deskclient.strings import notices as T

log = logging.getLogger(__name__)

PENDING_KEY = PENDING_ARCHIVE_KEY  # detail key holding the issued document until its archive file is written
_LOCK = threading.Lock()  # one renderer at a time per process (start-up and after-issue workers)


@dataclass(frozen=True)
class Archived:
    notice_id: str
    path: Path
    warning: str  # "" or the Chinese message naming a character no font has (archived as text)


def pending_detail(detail: str, doc: B.Document) -> str:
    """The notice row's ``detail`` with the issued document kept for the archive renderer."""
    out = _loads(detail)
    out[PENDING_KEY] = B.document_to_json(doc)
    return json.dumps(out, ensure_ascii=False)


def is_pending(row: Notice) -> bool:
    return PENDING_KEY in _loads(row.detail)


def _loads(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _render(doc: B.Document, row: Notice) -> tuple[bytes, str, str]:
    from deskclient.services.notices.pdf import FontProblem, render_pdf
    from deskclient.services.notices.text import WIDTH_NEEDLE, render_text

    try:
        return render_pdf(doc, created=row.issued_at), "pdf", ""
    except FontProblem as problem:  # the notice is never lost: its text form is archived instead
        return render_text(doc, WIDTH_NEEDLE).encode("utf-8"), "txt", problem.message


def render_archive(ledger: Ledger, notice_id: str, clerk_id: str | None = None) -> Archived | None:
    """Render and write one pending notice's archive file; None if it is not pending (any more)."""
    with _LOCK:
        with ledger.read() as s:
            row = s.get(Notice, notice_id)
            if row is None or not is_pending(row):
                return None
            doc = B.document_from_json(_loads(row.detail)[PENDING_KEY])
            planned = Path(row.archive_path)
            by = clerk_id or row.issued_by
        content, ext, warning = _render(doc, row)
        path = planned.with_suffix(f".{ext}")
        try:  # the name carries the notice id: only this notice ever writes it (again after a crash)
            atomic_write_bytes(path, content)
        except OSError as exc:
            raise ArchiveError(T.ARCHIVE_FAILED.format(error=exc.strerror or type(exc).__name__)) from None
        with ledger.write(by) as tx:
            row = tx.session.get(Notice, notice_id)
            if row is None or not is_pending(row):
                return None
            detail = _loads(row.detail)
            detail.pop(PENDING_KEY, None)
            row.detail = json.dumps(detail, ensure_ascii=False)
            row.archive_path = str(path)
            tx.session.add(row)
            tx.emit(EventType.NOTICE_ARCHIVED, {"notice_id": notice_id, "kind": row.kind, "archive": path.name,
                                                "format": ext}, case_id=row.case_id)
        return Archived(notice_id, path, warning)


def pending_notice_ids(ledger: Ledger) -> list[str]:
    with ledger.lite_read() as con:
        return lite_pending_ids(con)


def render_pending_archives(ledger: Ledger) -> list[Archived]:
    """Every notice issued but not yet archived (this session's, or left by a crash): rendered now.
    One broken notice does not stop the others; it stays pending for the next run."""
    done: list[Archived] = []
    for notice_id in pending_notice_ids(ledger):
        try:
            archived = render_archive(ledger, notice_id)
        except Exception:  # logged with the id only; the notice stays pending
            log.exception("archive of notice %s could not be rendered", notice_id)
            continue
        if archived is not None:
            done.append(archived)
    return done
