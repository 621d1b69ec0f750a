"""The archive PDF is rendered after the issuing transaction, off the clerk's path (issue #15 item 13):
issuing commits the row + ``notice.issued`` with the archive recorded as pending; the PDF is rendered
after the commit (at once for scripts and PDF printers, by ``render_pending_archives`` on the desk),
and a pending archive left by a crash is rendered by the recovery call."""

from __future__ import annotations

import importlib.abc
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from notice_samples import seeded_ledger
from sqlmodel import select

from deskclient.domain.clock import FixedClock
from deskclient.domain.events import EventType
from deskclient.domain.notices import NoticeKind
from deskclient.services.notices import pdf as P
from deskclient.services.notices.issue import issue_notice
from deskclient.services.notices.pending import PENDING_KEY, is_pending, render_pending_archives
from deskclient.settings import PrinterSettings
from deskclient.store.db import open_ledger
from deskclient.store.ledger import Ledger
from deskclient.store.models import Event, Notice

NOW = datetime(2026, 11, 24, 9, 30)
PDF_MODULES = ("deskclient.services.notices.pdf", "deskclient.services.notices.pdf_layout", "fpdf")


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return seeded_ledger(tmp_path / "ledger.sqlite", NOW)


class _Spy(importlib.abc.MetaPathFinder):
    """Records, for every PDF import and every render_pdf call, whether a ledger write was open."""

    def __init__(self) -> None:
        self.open_tx = 0
        self.imports: list[tuple[str, bool]] = []
        self.renders: list[bool] = []

    def find_spec(self, name: str, path: Any, target: Any = None) -> None:
        if name in PDF_MODULES or name.startswith("fpdf."):
            self.imports.append((name, self.open_tx > 0))
        return None  # the normal finders do the import


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Spy]:
    spy = _Spy()
    write = Ledger.write

    @contextmanager
    def spied_write(self: Ledger, *args: Any, **kwargs: Any) -> Iterator[Any]:
        spy.open_tx += 1
        try:
            with write(self, *args, **kwargs) as tx:
                yield tx
        finally:
            spy.open_tx -= 1

    real_render = P.render_pdf

    def spied_render(*args: Any, **kwargs: Any) -> bytes:
        spy.renders.append(spy.open_tx > 0)
        return real_render(*args, **kwargs)

    monkeypatch.setattr(Ledger, "write", spied_write)
    monkeypatch.setattr(P, "render_pdf", spied_render)
    for name in [m for m in sys.modules if m in PDF_MODULES or m.startswith("fpdf.")]:
        if name != "deskclient.services.notices.pdf":  # keep the spied module object
            monkeypatch.delitem(sys.modules, name)  # so an import in the transaction would be seen
    sys.meta_path.insert(0, spy)
    try:
        yield spy
    finally:
        sys.meta_path.remove(spy)


def _events(ledger: Ledger, notice_id: str) -> list[str]:
    with ledger.read() as s:
        return [e.type for e in s.exec(select(Event).order_by(Event.seq)).all() if notice_id in (e.payload or "")]


def test_issuing_on_the_desk_returns_before_any_pdf_is_rendered(ledger: Ledger, tmp_path: Path,
                                                                spy: _Spy) -> None:
    result = issue_notice(ledger, "k1", NoticeKind.SUPPLEMENT, "c1", archive_dir=tmp_path / "a",
                          defer_archive=True)
    assert spy.renders == [] and not [n for n, in_tx in spy.imports if in_tx]
    assert not result.archive_path.exists()
    with ledger.read() as s:
        row = s.get(Notice, result.notice_id)
    assert row is not None and is_pending(row) and row.doc_no and row.archive_path == str(result.archive_path)
    assert _events(ledger, result.notice_id) == [EventType.NOTICE_ISSUED, EventType.NOTICE_PRINT_FAILED]

    archived = render_pending_archives(ledger)

    assert [a.notice_id for a in archived] == [result.notice_id]
    assert spy.renders == [False]  # rendered once, outside any ledger transaction
    assert result.archive_path.read_bytes().startswith(b"%PDF")
    with ledger.read() as s:
        row = s.get(Notice, result.notice_id)
    assert row is not None and not is_pending(row) and PENDING_KEY not in json.loads(row.detail)
    assert _events(ledger, result.notice_id)[-1] == EventType.NOTICE_ARCHIVED
    assert render_pending_archives(ledger) == []  # nothing left; never rendered twice


def test_scripts_get_the_archive_at_once_but_after_the_commit(ledger: Ledger, tmp_path: Path, spy: _Spy) -> None:
    result = issue_notice(ledger, "k1", NoticeKind.ACCEPTANCE, "c1", archive_dir=tmp_path / "a")
    assert spy.renders == [False] and not [n for n, in_tx in spy.imports if in_tx]
    assert result.archive_path.is_file() and result.archive_path.suffix == ".pdf"
    with ledger.read() as s:
        row = s.get(Notice, result.notice_id)
    assert row is not None and not is_pending(row)


def test_a_pending_archive_survives_a_crash_and_is_rendered_at_the_next_start(tmp_path: Path) -> None:
    from pypdf import PdfReader

    db = tmp_path / "ledger.sqlite"
    ledger = seeded_ledger(db, NOW)
    result = issue_notice(ledger, "k1", NoticeKind.SUPPLEMENT, "c1", archive_dir=tmp_path / "a",
                          defer_archive=True)
    # the case moves on before the archive is written: the archive is still the notice as issued
    with ledger.write(None) as tx:
        from deskclient.store.models import CaseMaterial

        for m in tx.session.exec(select(CaseMaterial).where(CaseMaterial.case_id == "k1")).all():
            m.state = "received"
            tx.session.add(m)
    ledger.engine.dispose()  # "the PC dies": nothing of the session survives but the ledger file

    reopened = Ledger(open_ledger(db), "QS01", FixedClock(NOW))
    archived = render_pending_archives(reopened)

    assert [a.notice_id for a in archived] == [result.notice_id]
    text = PdfReader(result.archive_path).pages[0].extract_text().replace(" ", "")
    assert "户口簿" in text and "缺户主页" in text  # the missing material the applicant was told about
    assert _events(reopened, result.notice_id)[-1] == EventType.NOTICE_ARCHIVED


def test_a_pdf_printer_prints_the_archive_rendered_after_the_commit(ledger: Ledger, tmp_path: Path,
                                                                   spy: _Spy) -> None:
    out = tmp_path / "printed.pdf"
    printer = PrinterSettings(kind="file", device=str(out), format="pdf")
    result = issue_notice(ledger, "k1", NoticeKind.ACCEPTANCE, "c1", archive_dir=tmp_path / "a", printer=printer,
                          defer_archive=True)
    assert result.printed and spy.renders == [False] and not [n for n, in_tx in spy.imports if in_tx]
    assert out.read_bytes() == result.archive_path.read_bytes()  # the archived file itself, rendered once
    assert _events(ledger, result.notice_id) == [EventType.NOTICE_ISSUED, EventType.NOTICE_ARCHIVED,
                                                 EventType.NOTICE_PRINTED]


def test_a_reprint_of_a_pending_notice_keeps_what_was_confirmed(ledger: Ledger, tmp_path: Path) -> None:
    first = issue_notice(ledger, "k1", NoticeKind.SUPPLEMENT, "c1", archive_dir=tmp_path / "a", defer_archive=True)
    again = issue_notice(ledger, "k1", NoticeKind.SUPPLEMENT, "c1", archive_dir=tmp_path / "a",
                         reprint_of=first.notice_id, defer_archive=True)
    assert {a.notice_id for a in render_pending_archives(ledger)} == {first.notice_id, again.notice_id}
    assert first.archive_path.is_file() and again.archive_path.is_file()
    assert first.archive_path != again.archive_path
