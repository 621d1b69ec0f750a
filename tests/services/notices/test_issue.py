"""Issuing from the ledger: Notice row + events, archive file, and a printer that cannot block a case."""

from __future__ import annotations

import io
import json
import socket
from datetime import date, datetime
from pathlib import Path

import pytest
from notice_samples import seeded_ledger
from sqlmodel import select

from deskclient.domain.events import EventType
from deskclient.domain.notices import NoticeKind
from deskclient.services.notices.issue import issue_notice, notice_data_for_case
from deskclient.settings import PrinterSettings
from deskclient.store.ledger import Ledger
from deskclient.store.models import Case, Event, Notice, Station

NOW = datetime(2026, 11, 24, 9, 30)
FULL_ID = "11010519491231002X"
PHONE = "13812345678"


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return seeded_ledger(tmp_path / "ledger.sqlite", NOW)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _case_snapshot(ledger: Ledger) -> dict:
    with ledger.read() as s:
        return s.get(Case, "k1").model_dump()


def test_notice_data_comes_from_the_ledger(ledger: Ledger) -> None:
    with ledger.read() as s:
        d = notice_data_for_case(s, "k1", NoticeKind.PROMISE, clerk_id="c1", issued_at=NOW,
                                 time_limit="10个工作日")
    assert d.centre == "青山镇便民服务中心" and d.window == "3号窗口(民政)"  # the station issues, not the county
    assert d.county_centre == "某某县政务服务中心"
    assert d.progress_phone == "12345" and d.complaint_phone == "12345"  # no station setting: the 12345 line
    assert d.reconsideration_body == "某某县人民政府" and d.court == "某某县人民法院"
    assert d.applicant and d.applicant.id_masked == "110105********002X"
    assert d.promised_date == date(2026, 12, 8) and d.case_class == "承诺件"
    assert [m.name for m in d.missing] == ["户口簿"] and d.missing[0].problem == "缺户主页"


def test_unreachable_printer_leaves_notice_queued_and_case_untouched(ledger: Ledger, tmp_path: Path) -> None:
    before = _case_snapshot(ledger)
    printer = PrinterSettings(kind="escpos-network", device=f"127.0.0.1:{_closed_port()}", columns=32)
    result = issue_notice(ledger, "k1", NoticeKind.ACCEPTANCE, "c1", archive_dir=tmp_path / "archive",
                          printer=printer)
    assert not result.printed
    assert "补打" in result.message and "Traceback" not in result.message
    assert result.archive_path.is_file()
    assert result.archive_path.parent == tmp_path / "archive" / "2026"
    assert result.archive_path.name.startswith("QS01-20261124-0007-acceptance-")
    with ledger.read() as s:
        notice = s.get(Notice, result.notice_id)
        events = s.exec(select(Event).order_by(Event.seq)).all()
    assert notice.print_state == "queued" and notice.print_error == result.message
    assert notice.case_id == "k1" and notice.issued_by == "c1"
    types = [e.type for e in events]
    assert types[-3:] == [EventType.NOTICE_ISSUED, EventType.NOTICE_ARCHIVED, EventType.NOTICE_PRINT_FAILED]
    for e in events:
        assert FULL_ID not in e.payload and PHONE not in e.payload
    assert json.loads(events[-2].payload)["kind"] == "acceptance"
    assert _case_snapshot(ledger) == before


def test_printed_notice_and_reprint(ledger: Ledger, tmp_path: Path) -> None:
    from pypdf import PdfReader

    out = tmp_path / "printer.bin"
    printer = PrinterSettings(kind="file", device=str(out), format="escpos", columns=48)
    first = issue_notice(ledger, "k1", NoticeKind.SUPPLEMENT, "c1", archive_dir=tmp_path / "a", printer=printer)
    assert first.printed and out.read_bytes().startswith(b"\x1b@")
    with ledger.read() as s:
        assert s.get(Notice, first.notice_id).print_state == "printed"
    ledger.clock.advance(days=1)  # type: ignore[attr-defined]
    again = issue_notice(ledger, "k1", NoticeKind.SUPPLEMENT, "c1", archive_dir=tmp_path / "a", printer=printer,
                         reprint_of=first.notice_id)
    assert "补打" in again.archive_path.name
    text = PdfReader(again.archive_path).pages[0].extract_text().replace(" ", "")
    assert "补打" in text and "户口簿" in text
    with ledger.read() as s:
        row = s.get(Notice, again.notice_id)
        original = s.get(Notice, first.notice_id)
    assert row.reprint_of == first.notice_id
    assert original.doc_no == "青山镇便民服务中心〔2026〕补字第1号"
    assert row.doc_no == original.doc_no and original.doc_no in text  # a reprint keeps its 文号
    assert PdfReader(io.BytesIO(first.archive_path.read_bytes())).pages


def test_training_station_marks_every_notice(ledger: Ledger, tmp_path: Path) -> None:
    with ledger.write(None) as tx:
        st = tx.session.get(Station, "QS01")
        st.is_training = True
        tx.session.add(st)
    result = issue_notice(ledger, "k1", NoticeKind.ACCEPTANCE, "c1", archive_dir=tmp_path)
    assert not result.printed  # kind = "none": archived, queued
    with ledger.read() as s:
        assert s.get(Notice, result.notice_id).training is True
    assert any("培训样张" in t for t in result.document.texts())


def test_a_character_no_font_has_still_issues_with_a_text_archive(ledger: Ledger, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from deskclient.services.notices import pdf as P

    monkeypatch.setattr(P, "_candidate_fonts", lambda *_: iter(()))  # a PC with no CJK font of its own
    with ledger.write(None) as tx:
        case = tx.session.get(Case, "k1")
        case.applicant_name = "刘\U00020000"
        tx.session.add(case)
    out = tmp_path / "printer.bin"
    result = issue_notice(ledger, "k1", NoticeKind.ACCEPTANCE, "c1", archive_dir=tmp_path / "a",
                          printer=PrinterSettings(kind="file", device=str(out), format="escpos", columns=48))
    assert result.archive_path.suffix == ".txt" and "刘\U00020000" in result.archive_path.read_text("utf-8")
    assert any("U+20000" in w for w in result.warnings)
    assert result.printed and "刘\U00020000".encode("gb18030") in out.read_bytes()
